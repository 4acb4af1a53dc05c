# CPython's own libraries over the libOS: text, numbers, data formats,
# hashing and compression, time zones kept out (only fixed dates).
import array, base64, binascii, bisect, collections, csv, dataclasses
import datetime, decimal, fractions, functools, hashlib, heapq, io
import itertools, json, math, operator, pickle, random, re, statistics
import string, struct, sys, textwrap, unicodedata, zlib
import xml.etree.ElementTree as ET

print("python", sys.version_info[:3], sys.platform, sys.byteorder,
      sys.maxsize, sys.getrecursionlimit(), sys.flags.hash_randomization)

random.seed(2026)
print("random", [random.randrange(1000) for _ in range(6)],
      round(random.random(), 12), random.sample(range(100), 4))
deck = list(range(20))
random.shuffle(deck)
print("shuffle", deck)

data = {"name": "wicket", "ratio": 1 / 3, "list": [1, 2.5, None, True],
        "nested": {"ü": "ß", "emoji": "\U0001F600"}, "big": 2 ** 70}
text = json.dumps(data, sort_keys=True)
print("json", text, json.loads(text) == data)
print("json indent", json.dumps([1, {"a": []}], indent=2).count("\n"))
try:
    json.loads('{"a": [1, 2,, 3]}')
except json.JSONDecodeError as error:
    print("json error", error.msg, error.lineno, error.colno)

print("re", re.findall(r"(\w+)@(\w+)\.org", "x a@b.org, c@d.org y"),
      re.sub(r"(\d+)", lambda m: str(int(m[1]) * 2), "a1 b22 c333"),
      bool(re.fullmatch(r"[\w.]+", "ok.name")))
print("re split", re.split(r"[,;]\s*", "a, b;c,  d"))

for name in ("md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b"):
    print("hash", name, hashlib.new(name, b"wicket" * 1000).hexdigest()[:24])
blob = bytes(range(256)) * 400
packed = zlib.compress(blob, 9)
print("zlib", len(blob), zlib.crc32(blob), zlib.adler32(blob),
      zlib.decompress(packed) == blob)
print("base64", base64.b64encode(b"\x00\xffwicket").decode(),
      binascii.hexlify(b"abc").decode(), base64.b32encode(b"hi").decode())

print("math", math.factorial(40), f"{math.gamma(0.5):.15f}",
      math.gcd(2 ** 40, 6 ** 20), math.isqrt(10 ** 30 + 7),
      math.comb(60, 30), f"{math.log1p(1e-12):.6e}")
print("floats", 0.1 + 0.2, 1e308 * 10, -0.0, float("nan") == float("nan"),
      f"{1/3:.17g}", f"{2.5e-310:e}", (2.5).hex(), float.fromhex("0x1.8p1"))
print("ints", 7 ** 77 % 1000003, -7 // 2, -7 % 2, divmod(-17, 5),
      (1 << 200) >> 190, int("ff", 16), int("-0b1011", 0))
decimal.getcontext().prec = 40
print("decimal", decimal.Decimal(2).sqrt(), decimal.Decimal("1.10") * 3)
print("fraction", sum(fractions.Fraction(1, n) for n in range(1, 20)))
print("statistics", statistics.mean([1, 2, 3, 4.5]),
      statistics.median([5, 1, 4, 2]), round(statistics.stdev([2, 4, 4, 4, 5, 5, 7, 9]), 9))
print("complex", (1 + 2j) ** 3, abs(3 + 4j))

print("struct", struct.pack("<IhQd?", 1, -2, 3, 1.5, True).hex(),
      struct.unpack(">H", b"\x01\x02"), struct.calcsize("@iqc"))
numbers = array.array("d", (i / 7 for i in range(10)))
print("array", numbers.itemsize, len(numbers.tobytes()), round(sum(numbers), 9))

print("datetime", datetime.datetime(2020, 2, 29, 23, 59, 59) + datetime.timedelta(seconds=1),
      datetime.date(2024, 12, 31).isocalendar(), datetime.date(2000, 1, 1).strftime("%A %j %U"),
      datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc).isoformat(),
      datetime.datetime.strptime("2021-03-04 05:06", "%Y-%m-%d %H:%M").timetuple()[:6])

words = "the quick brown fox jumps over the lazy dog the end".split()
counts = collections.Counter(words)
print("counter", counts.most_common(2), sorted(counts.elements())[:4])
ordered = collections.OrderedDict.fromkeys("abracadabra")
print("ordered", "".join(ordered), collections.deque(range(10), maxlen=3))
print("itertools", list(itertools.permutations("abc", 2))[:4],
      list(itertools.accumulate([1, 2, 3, 4], operator.mul)),
      list(itertools.islice(itertools.count(5, 3), 4)))
heap = [9, 1, 8, 2, 7, 3]
heapq.heapify(heap)
print("heapq", [heapq.heappop(heap) for _ in range(3)], bisect.bisect([1, 3, 5, 7], 4))


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print("fib", fib(300), fib.cache_info().hits)


@dataclasses.dataclass(order=True)
class Point:
    x: int
    y: int = 0


print("dataclass", sorted([Point(3, 1), Point(1, 2), Point(1, 1)]), Point(5))
thing = pickle.loads(pickle.dumps({"p": Point(1, 2), "s": {1, 2}, "t": (None, b"x")}))
print("pickle", thing["p"], sorted(thing["s"]), thing["t"])

rows = io.StringIO()
writer = csv.writer(rows)
writer.writerow(["a", "b,c", 'd"e', 1.5])
print("csv", rows.getvalue().strip(), list(csv.reader(io.StringIO(rows.getvalue())))[0])
tree = ET.fromstring("<r a='1'><c>x</c><c b='2'>y</c></r>")
print("xml", tree.attrib, [(c.text, c.get("b")) for c in tree], ET.tostring(tree).decode())

print("unicode", unicodedata.name("ß"), unicodedata.normalize("NFD", "é").encode(),
      "straße".upper(), "ǅ".lower(), len("🙂".encode("utf-16-le")), "İ".casefold())
print("codecs", "über".encode("latin-1"), "€".encode("cp1252"), b"\xe2\x82\xac".decode())
print("textwrap", textwrap.wrap("The libOS implements the Linux system call ABI in user mode.", 20))
print("format", f"{12345678.9:,.2f}", f"{255:#010b}", f"{'x':^7}|", "%5.1f%%" % 99.44,
      string.capwords("hello wide world"), format(1e21), format(123456789, "e"))

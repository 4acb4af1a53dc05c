# The host's own dynamically linked CPython and its extension modules,
# which it opens with dlopen from lib-dynload: each maps a shared library
# (and the libraries it needs: libffi, libsqlite3, libcrypto, liblzma,
# libbz2, libmpdec) through the libOS's mmap of the file tree's files.
import array, bz2, ctypes, decimal, hashlib, lzma, mmap, os, select
import sqlite3, struct, sys, tempfile, zlib

print("python", sys.version_info[:2], "extension suffix",
      sys.implementation._multiarch)
print("loaded from lib-dynload:", sorted(
    name for name, module in sys.modules.items()
    if "lib-dynload" in (getattr(module, "__file__", "") or "")))

# mmap: anonymous memory, then a file's view and writes through both ways.
anonymous = mmap.mmap(-1, 3 * mmap.PAGESIZE)
anonymous[mmap.PAGESIZE - 2:mmap.PAGESIZE + 3] = b"hello"
print("mmap anonymous", anonymous[mmap.PAGESIZE - 2:mmap.PAGESIZE + 3],
      anonymous.find(b"llo"), len(anonymous), anonymous[:4] == bytes(4))
anonymous.close()
with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "view")
    with open(path, "wb") as f:
        f.write(b"0123456789" * 1000)
    with open(path, "r+b") as f:
        view = mmap.mmap(f.fileno(), 0)
        view[5:10] = b"abcde"
        view.flush()
        f.seek(0)
        print("mmap file", len(view), f.read(12), view[9990:10000])
        f.seek(20)
        f.write(b"XYZ")
        f.flush()
        print("mmap sees write", view[18:25])
        view.resize(12000)
        print("mmap resized", len(view), os.path.getsize(path),
              view[11999])
        view.close()
    with open(path, "rb") as f:
        view = mmap.mmap(f.fileno(), 4096, access=mmap.ACCESS_READ)
        try:
            view[0] = 1
        except TypeError as error:
            print("mmap read-only", error)
        view.close()

# ctypes (libffi): C functions of the process, a callback, memory.
libc = ctypes.CDLL(None)
print("ctypes strlen", libc.strlen(b"wicket"), "getpid matches",
      libc.getpid() == os.getpid())
numbers = (ctypes.c_int * 8)(5, 3, 8, 1, 9, 2, 7, 4)
compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int),
                           ctypes.POINTER(ctypes.c_int))(
    lambda a, b: a[0] - b[0])
libc.qsort(numbers, len(numbers), ctypes.sizeof(ctypes.c_int), compare)
print("ctypes qsort", list(numbers))
buffer = ctypes.create_string_buffer(b"abc", 16)
ctypes.memmove(ctypes.addressof(buffer) + 3, b"def", 3)
print("ctypes buffer", buffer.value, ctypes.sizeof(buffer))


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_short), ("y", ctypes.c_double)]


print("ctypes struct", ctypes.sizeof(Point), Point.y.offset,
      Point(3, 2.5).y)

# sqlite3 (libsqlite3.so): a file database, in a transaction, with a
# function of Python's.
with tempfile.TemporaryDirectory() as directory:
    db = sqlite3.connect(os.path.join(directory, "t.db"))
    db.create_function("twice", 1, lambda v: v * 2)
    with db:
        db.execute("create table t (k integer primary key, v text)")
        db.executemany("insert into t (v) values (?)",
                       [(str(i) * 3,) for i in range(100)])
    print("sqlite", db.execute("select count(*), sum(twice(k)), "
                               "max(v) from t").fetchone())
    db.execute("pragma journal_mode=wal")
    print("sqlite wal", db.execute("pragma journal_mode").fetchone())
    db.close()

# decimal (libmpdec), hashlib (libcrypto), compression (liblzma, libbz2).
decimal.getcontext().prec = 40
print("decimal", decimal.Decimal(1) / decimal.Decimal(7),
      decimal.Decimal(2).sqrt())
data = b"wicket " * 5000
print("sha256", hashlib.sha256(data).hexdigest()[:16],
      "sha3", hashlib.sha3_256(data).hexdigest()[:16],
      "blake2b", hashlib.blake2b(data, digest_size=16).hexdigest(),
      "md5", hashlib.new("md5", data).hexdigest()[:16])
print("pbkdf2", hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000)
      .hex()[:16])
for name, module in (("lzma", lzma), ("bz2", bz2), ("zlib", zlib)):
    packed = module.compress(data)
    print(name, len(data), module.decompress(packed) == data,
          len(packed) < len(data) // 10)

# select's epoll over a pipe, and array/struct.
reader, writer = os.pipe()
poller = select.epoll()
poller.register(reader, select.EPOLLIN)
print("epoll before", poller.poll(0))
os.write(writer, b"x")
print("epoll after", [(fd == reader, events) for fd, events in
                      poller.poll(1)])
poller.close()
print("array", array.array("d", [1.5, 2.5]).tobytes().hex(),
      struct.pack("<hqd", -2, 2 ** 40, 0.25).hex())

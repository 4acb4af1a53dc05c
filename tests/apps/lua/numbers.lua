-- Integers, floats and their printing: what glibc's printf/strtod and the
-- FPU state (rounding, MXCSR, x87 control word) decide.
local common = require("common")
local check, try = common.check, common.try

-- Integer limits and wraparound.
check("maxinteger", math.maxinteger, math.mininteger)
check("wrap", math.maxinteger + 1 == math.mininteger, math.mininteger - 1)
check("neg min", -math.mininteger, math.mininteger // -1)
check("mul wrap", math.maxinteger * 2, 0x7fffffffffffffff * 3)
check("ult", math.ult(1, -1), math.ult(-1, 1), math.ult(0, 0))
check("abs", math.abs(math.mininteger), math.abs(-0.0), math.abs(-7))

-- Floor division and modulo, integer and float, every sign.
for _, a in ipairs({7, -7, 7.5, -7.5, 0, 3}) do
  for _, b in ipairs({2, -2, 2.5, -2.5, 3}) do
    check(string.format("%s //,%% %s", a, b), a // b, a % b)
  end
end
check("int div zero", try(function() return 1 // 0 end))
check("int mod zero", try(function() return 1 % 0 end))
check("float div zero", 1 // 0.0, -1 // 0.0, 0/0 ~= 0/0, 1 % 0.0)
check("mod inf", 5.0 % math.huge, -5.0 % math.huge, 5 % -math.huge)
check("fmod", math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3),
      math.fmod(-7.5, 2), math.fmod(1, 0.0))
check("fmod int zero", try(math.fmod, 1, 0))
check("fmod min", math.fmod(math.mininteger, -1))

-- Special values and how they print.
local inf, nan = math.huge, 0/0
print(inf, -inf, tostring(-0.0), tostring(0.0), -0.0 == 0.0)
print(string.format("%f %e %g %a", inf, -inf, inf, -inf))
print(string.format("%.3f|%5.1f|%-8g|%+d|% d|%05d", 1/3, -0.05, 1e-5, 7, 7, -42))
print(nan ~= nan, math.type(nan), nan == nan, tostring(nan):match("nan") ~= nil)
check("huge", math.huge, -math.huge, math.huge > math.maxinteger)
check("tointeger", math.tointeger(3.0), math.tointeger(3.5),
      math.tointeger("8"), math.tointeger(2^63), math.tointeger(-2^63))
check("floor ceil", math.floor(-3.5), math.ceil(-3.5), math.floor(2^62),
      math.floor(1e100), math.ceil(-0.0))

-- Float formatting: shortest round trip, %a, %g, rounding boundaries.
local floats = {0.1, 1/3, 2/3, 1e15, 1e16, 123456789012345678, 2^53,
  2^53 + 1, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
  0.5, 1.5, 2.5, -2.5, 1e-7, 123.456, 6.02214076e23, 2^-1074, 3.0}
for i, x in ipairs(floats) do
  print(i, x, string.format("%.14g|%.17g|%a|%g|%e|%.0f|%.1f", x, x, x, x, x,
        x, x))
end
print(string.format("%.20f", 0.1), string.format("%.30e", 1/3))
print(string.format("%.3a|%A|%a", 1.0, 255.5, 1e-320))
print(string.format("%10.4s|%-10s|%q|%q|%q", "abcdefg", "ab", 1/3, 2^63,
      math.mininteger))
print(string.format("%x %X %o %c%c%c %i %u", 255, 3054, 8, 76, 117, 97, -5, 5))
print(string.format("%5.2f%%", 99.555), string.format("%.0f %.0f", 0.5, 1.5))
print(string.format("%99.99f", -1e308):len())

-- String to number: strtod's forms, hex floats, overflow, whitespace.
for _, s in ipairs({"0x10", "0x1p4", "0x.8", "1e500", "-1e500", " 12 ",
  "1e", "0x", "inf", "nan", "1_000", "9223372036854775807",
  "9223372036854775808", "-9223372036854775808", "0x7fffffffffffffffff",
  ".5", "5.", "1e-400", "0X1P-1074", "  0x1.8p1\t", "12abc"}) do
  check("tonumber " .. string.format("%q", s), tonumber(s))
end
check("tonumber base", tonumber("ff", 16), tonumber("zz", 36),
      tonumber("777", 8), tonumber("102", 2), tonumber("-10", 7))
check("arith strings", "10" + 1, "3.0" * "2", "0x10" + 0, 10 .. 20)

-- Math library (glibc's libm).
check("sqrt", math.sqrt(2), math.sqrt(-1) ~= math.sqrt(-1), math.sqrt(1e308))
check("exp log", math.exp(1), math.log(10), math.log(8, 2), math.log(100, 10),
      math.log(0), math.exp(710))
check("trig", math.sin(1), math.cos(1), math.tan(1), math.asin(1), math.atan(1, -1),
      math.atan(-0.0, -1))
check("pow", 2^0.5, 2^-1, (-8)^(1/3) ~= (-8)^(1/3), 10^308 * 10, 0^0)
check("min max", math.max(1, 2.5, -1), math.min(3, 1.0, 2), math.max(math.mininteger))
check("modf 3.7", math.modf(3.7))
check("modf -3.7", math.modf(-3.7))
check("modf inf", math.modf(-inf))
check("modf 5", math.modf(5))

-- Comparisons between integers and floats near 2^63 and 2^53.
check("cmp", 2^53 == 2^53 + 1, math.maxinteger < 2^63, math.maxinteger + 0.0 == 2^63,
      math.mininteger == -2^63, 1 < 1.5, -0.0 < 0.0, 9007199254740993 < 9007199254740992.0)

-- Bitwise operations.
check("bits", 0xF0 & 0x3C, 0xF0 | 0x0F, 0xF0 ~ 0xFF, ~0, 1 << 63, 1 << 64,
      -1 >> 1, -1 >> 64, 3.0 | 0, 1 << -1)
check("bits float", try(function() return 1.5 | 0 end))

-- Pseudo-random numbers from a fixed seed (Lua's xoshiro256**).
math.randomseed(42)
local r = {}
for i = 1, 8 do r[i] = math.random(1000) end
print("random", table.concat(r, " "))
print("random float", string.format("%.17g", math.random()))
print("random range", math.random(-5, 5), math.random(math.mininteger, math.maxinteger),
      math.random(0))
math.randomseed(42)
check("reseeded", math.random(1000) == r[1])
check("random errors", try(math.random, 2, 1))

-- utf8 and string.pack, integers in byte strings.
check("utf8", utf8.char(72, 228, 8364, 128512), utf8.len("häll€"),
      utf8.codepoint("€", 1, -1), utf8.offset("häll€", 3), utf8.len("\xff"))
local codes = {}
for p, c in utf8.codes("aé€😀") do codes[#codes + 1] = p .. ":" .. c end
print("codes", table.concat(codes, " "))
local packed = string.pack("<i4 >I8 d z s1 j", -2, 0x0102030405060708, 1.5,
  "zero", "len", math.mininteger)
print("pack", #packed, (packed:gsub(".", function(c)
  return string.format("%02x", c:byte()) end)))
check("unpack", string.unpack("<i4 >I8 d z s1 j", packed))
check("pack size", string.packsize("i4 i8 !8 d"), try(string.pack, "i17", 1))
check("pack overflow", try(string.pack, "i1", 200))

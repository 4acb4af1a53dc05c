-- The string library: patterns, gsub with every kind of replacement,
-- formatting, big strings built in many ways, and load() of generated code.
local common = require("common")
local check, try = common.check, common.try

-- find / match / gmatch with captures, anchors, classes and frontiers.
local text = "The quick brown fox jumps over the lazy dog; 42 foxes, 7 dogs."
check("find plain", text:find("fox", 1, true), text:find("fox", 18, true))
check("find pattern", text:find("(%a+) (%a+)", 5))
check("find anchor", text:find("^The"), text:find("^quick"), text:find("dogs%.$"))
check("match", text:match("(%d+) (%a+)"), text:match("()fox()"))
check("match neg init", text:match("%a+", -8), ("abc"):match(".-", 2))
check("frontier", text:gsub("%f[%a]%a", string.upper))
check("balanced", ("f(a(b)c) g(d) (e"):match("%b()"),
      select(2, ("x[[a][b]]y"):gsub("%b[]", "")))
check("classes", ("a1 B2\tc3\n_4!"):gsub("%w", "."),
      ("a1 B2\tc3\n_4!"):gsub("[%s%p]", "#"))
check("set", ("hello-world_2024"):gsub("[^%l]", ""),
      ("x]y-z"):gsub("[]-]", "+"))
local words = {}
for w, n in ("one=1, two=22, three=333"):gmatch("(%a+)=(%d+)") do
  words[#words + 1] = w .. "#" .. #n
end
print("gmatch", table.concat(words, " "))
local positions = {}
for p in ("aXbXXc"):gmatch("()X") do positions[#positions + 1] = p end
print("positions", table.concat(positions, ","))
check("gmatch init", try(function()
  local t = {}
  for w in ("a b c d"):gmatch("%a", 4) do t[#t + 1] = w end
  return table.concat(t)
end))

-- gsub: string, table and function replacements, %0..%9, limits, errors.
check("gsub string", ("hello world"):gsub("(o)", "[%1%0]"))
check("gsub limit", ("aaaa"):gsub("a", "b", 2))
check("gsub table", ("$name is $age, $missing"):gsub("%$(%w+)",
      {name = "Lua", age = 31}))
check("gsub function", ("1 2 3 4"):gsub("%d", function(d)
  if d == "3" then return nil end
  return d * d
end))
check("gsub empty", ("abc"):gsub("", "-"))
check("gsub anchored", ("aaa"):gsub("^a", "b"))
check("gsub bad", try(string.gsub, "x", "x", "%2"))
check("pattern errors", try(string.find, "x", "[a"),
      try(string.find, "x", "%"), try(string.match, "x", "(()"))
check("pattern too complex", try(string.match, string.rep("a", 300000),
      string.rep("a?", 300000) .. string.rep("a", 300000)))

-- Byte-level functions, every byte value, case mapping in the C locale.
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local bytes = table.concat(all)
check("bytes", #bytes, bytes:byte(1), bytes:byte(-1), bytes:byte(65, 70))
check("upper lower", bytes:upper():sub(90, 130), bytes:lower():sub(60, 100))
check("upper high", bytes:upper():sub(200) == bytes:sub(200))
check("q all", ("%q"):format(bytes:sub(1, 40)), ("%q"):format("a\0b\r\n\"\\"))
check("rep sep", ("ab"):rep(3, ","), ("x"):rep(0), ("x"):rep(-1), ("ab"):rep(1, "!"))
check("reverse sub", ("hello"):reverse(), ("hello"):sub(-3), ("hello"):sub(2, -2),
      ("hello"):sub(10), ("hello"):sub(0))
check("len", #"", ("\0\0\0"):len(), #("é"))
check("format s", try(string.format, "%10s", "a\0b"),
      string.format("%s %s %s", nil, true, 12.0))
check("format bad", try(string.format, "%y", 1),
      try(string.format, "%d", 1.5), try(string.format, "%d"))
check("tostring meta", string.format("%s", setmetatable({},
      {__tostring = function() return "custom" end})))
check("comparison", "a" < "b", "Z" < "a", "abc" < "abd", "" < "\0",
      "a\0b" < "a\0c", "10" < "9")

-- Big strings built by concatenation, table.concat, rep and gsub.
local pieces = {}
for i = 1, 100000 do pieces[i] = string.format("%05d;", i) end
local joined = table.concat(pieces)
check("joined", #joined, joined:sub(1, 12), joined:sub(-12))
local hash = 0
for i = 1, #joined, 97 do hash = (hash * 31 + joined:byte(i)) % 1000000007 end
check("hash", hash)
local s = ""
for i = 1, 2000 do s = s .. i % 10 end
check("concat loop", #s, s:sub(1995))
local big = ("0123456789"):rep(1000000)
check("big rep", #big, big:sub(-5), select(2, big:gsub("9", "")))
local swapped = big:sub(1, 100000):gsub("(%d)(%d)", "%2%1")
check("big gsub", #swapped, swapped:sub(1, 10))
check("big find", big:find("90123", 5000000, true), big:find("x", 1, true))
big, swapped, joined, pieces = nil, nil, nil, nil

-- table.sort with strings and a comparator, table.concat, unpack, move.
local names = {}
for w in ("pear apple fig banana cherry date elderberry grape kiwi lemon")
    :gmatch("%a+") do names[#names + 1] = w end
table.sort(names)
print("sorted", table.concat(names, " "))
table.sort(names, function(a, b)
  if #a ~= #b then return #a > #b end
  return a < b
end)
print("by length", table.concat(names, " "))
check("sort invalid", try(table.sort, {3, 1, "x"}))
check("unpack", table.unpack({1, 2, 3}, 2), select("#", table.unpack({}, 1, 3)))
check("move", table.move({1, 2, 3, 4, 5}, 2, 4, 1), table.concat(
      table.move({1, 2, 3}, 1, 3, 3, {9, 9}), ","))
check("insert remove", try(table.insert, {1}, 5, 2),
      table.remove({1, 2, 3}), table.remove({1, 2, 3}, 1), table.remove({}))
check("concat bad", try(table.concat, {1, {}, 3}))

-- load: generated chunks, syntax errors, modes, environments.
local parts = {"local t = 0"}
for i = 1, 500 do parts[#parts + 1] = ("t = t + %d * %d"):format(i, i) end
parts[#parts + 1] = "return t"
check("generated", load(table.concat(parts, "\n"))())
check("syntax error", load("x = = 1", "=gen"))
check("syntax error eof", load("function f(", "@file.lua"))
check("binary refused", load(string.dump(function() return 1 end), "b", "t"))
check("dump roundtrip", load(string.dump(function(a) return a * 2 end))(21))
check("env", load("return x + y", "env", "t", {x = 1, y = 2})())
local pieces_read, chunks = 0, {"return ", "1 + ", "2", nil}
check("reader", load(function() pieces_read = pieces_read + 1
  return chunks[pieces_read] end)(), pieces_read)
local many = {}
for i = 1, 201 do many[i] = "local a" .. i end
check("limit", load(table.concat(many, "\n"), "=limit"))

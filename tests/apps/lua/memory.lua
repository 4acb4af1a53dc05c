-- Allocation and garbage collection: big arrays and hashes that grow and
-- shrink (glibc's malloc: brk for small blocks, mmap and mremap for big
-- ones, trimming and unmapping when they are freed), long strings, weak
-- tables, finalizers and both collector modes. The memory counts differ
-- from run to run; only comparisons between them are printed.
local common = require("common")
local check, try = common.check, common.try

local function kib() return collectgarbage("count") end
local start = kib()

-- A 2-million-element array: its part doubles from 1 to 2^21 slots
-- (each doubling a realloc; past 128 KiB glibc moves it with mremap).
local array = {}
for i = 1, 2000000 do array[i] = i * 3 end
local sum = 0
for i = 1, #array, 7 do sum = sum + array[i] end
check("array", #array, array[1], array[2000000], sum)
local grown = kib()
check("array grew", grown - start > 16000)
array = nil
collectgarbage()
check("array freed", kib() < grown - 16000)

-- A hash of 50000 string keys, then half removed, then rehashed.
local hash = {}
for i = 1, 50000 do hash["key" .. i] = i end
for i = 1, 50000, 2 do hash["key" .. i] = nil end
local count, total = 0, 0
for k, v in pairs(hash) do count = count + 1; total = total + v end
check("hash", count, total, hash.key2, hash.key3, hash.key50000)
for i = 1, 50000 do hash["other" .. i] = i end
count = 0
for _ in pairs(hash) do count = count + 1 end
check("rehashed", count, hash.other777)
hash = nil

-- Many small tables and closures (the brk heap), freed in waves.
for wave = 1, 3 do
  local objects = {}
  for i = 1, 30000 do
    objects[i] = {i, tostring(i), function() return i + wave end}
  end
  local acc = 0
  for i = 1, #objects, 1000 do acc = acc + objects[i][3]() + #objects[i][2] end
  print("wave", wave, acc)
end
collectgarbage()

-- Long strings of growing sizes: each one malloc'd, most of them mmapped.
local lengths = {}
for shift = 10, 24, 2 do
  local s = string.rep("x", 1 << shift) .. shift
  lengths[#lengths + 1] = #s .. ":" .. s:sub(-3)
end
print("strings", table.concat(lengths, " "))

-- A buffer that grows by appending (table.concat of a growing table).
local chunks = {}
for i = 1, 50000 do chunks[i] = ("%08x"):format(i * 2654435761 % 4294967296) end
local buffer = table.concat(chunks, "\n")
check("buffer", #buffer, buffer:sub(1, 17), buffer:sub(-8))
chunks, buffer = nil, nil

-- Shrinking: a table filled then emptied is rehashed smaller.
local shrink = {}
for i = 1, 100000 do shrink[i] = true end
for i = 1, 100000 do shrink[i] = nil end
shrink.x = 1
check("shrink", next(shrink), #shrink)
shrink = nil

-- Weak tables: after a full collection, entries whose keys or values are
-- unreachable are gone, the others stay.
local keep = {}
local weak_values = setmetatable({}, {__mode = "v"})
local weak_keys = setmetatable({}, {__mode = "k"})
for i = 1, 1000 do
  local object = {i}
  weak_values[i] = object
  weak_keys[object] = i
  if i % 10 == 0 then keep[#keep + 1] = object end
end
weak_values.str = "strings are values, never collected"
collectgarbage()
collectgarbage()
local left_values, left_keys = 0, 0
for k in pairs(weak_values) do left_values = left_values + 1 end
for k in pairs(weak_keys) do left_keys = left_keys + 1 end
check("weak", left_values, left_keys, weak_values[10][1], weak_values[11],
      weak_values.str ~= nil)

-- Ephemerons: a value that refers to its own weak key does not keep it.
local ephemeron = setmetatable({}, {__mode = "k"})
do
  local key = {}
  ephemeron[key] = {key}
end
collectgarbage()
check("ephemeron", next(ephemeron))

-- Finalizers run in the reverse order of their marking for collection,
-- and an object resurrected by its finalizer is usable once more.
local order = {}
for i = 1, 5 do
  setmetatable({}, {__gc = function() order[#order + 1] = i end})
end
collectgarbage()
print("finalized", table.concat(order, ","))
local resurrected
do
  setmetatable({name = "phoenix"}, {__gc = function(o) resurrected = o end})
end
collectgarbage()
check("resurrected", resurrected and resurrected.name)
resurrected = nil
collectgarbage()
local failing = setmetatable({}, {__gc = function() error("in __gc") end})
failing = nil
warn("@on")
collectgarbage()
warn("@off")

-- Both collector modes, with their parameters, still collect.
check("mode", collectgarbage("generational"), collectgarbage("incremental"))
check("incremental", collectgarbage("incremental", 100, 200, 10))
collectgarbage("generational")
local before = kib()
for i = 1, 200000 do local t = {i} end
collectgarbage()
check("generational collects", kib() < before + 1000)
collectgarbage("incremental")
check("step", type(collectgarbage("step", 0)), collectgarbage("isrunning"))
collectgarbage("stop")
check("stopped", collectgarbage("isrunning"))
collectgarbage("restart")
check("bad option", try(collectgarbage, "sideways"))

-- Sizes Lua refuses before asking malloc. (Not a malloc that fails: the
-- host has far more memory than the guest, and Wicket's mmap takes any
-- size, so a big allocation succeeds on both and the guest runs out
-- when it touches the pages.)
check("rep too large", try(string.rep, "x", math.maxinteger))
check("concat past the end", try(table.concat, {}, "", 1, math.maxinteger))

-- Everything built here is gone after a full collection (the state keeps
-- only what it had at the start, with slack for the interned strings).
collectgarbage()
collectgarbage()
check("back to start", kib() < start + 2000)

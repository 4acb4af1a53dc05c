-- Coroutines: many alive at once (each a Lua thread with its own stack,
-- all in the app's heap), deep chains of resumes (C recursion, up to
-- Lua's C-stack limit), generators, errors and tracebacks inside them,
-- yields across pcall and metamethods, close.
local common = require("common")
local check, try = common.check, common.try

-- A generator.
local function range(n, step)
  return coroutine.wrap(function()
    for i = 1, n, step do coroutine.yield(i) end
    return "done"
  end)
end
local got = {}
local gen = range(20, 3)
for i = 1, 8 do got[i] = tostring(gen()) end
print("generator", table.concat(got, " "))
check("dead wrap", try(gen))

-- 20000 coroutines alive at once, each suspended with its own locals and
-- a stack grown by a recursion, then resumed round-robin to the end.
local function worker(id)
  local function down(n)
    if n == 0 then return coroutine.yield(id) end
    return down(n - 1) + 1
  end
  local total = 0
  for round = 1, 3 do
    total = total + down(id % 50) + round
  end
  return total
end
local threads = {}
for i = 1, 20000 do
  threads[i] = coroutine.create(worker)
  assert(coroutine.resume(threads[i], i))
end
local finished, sum = 0, 0
for round = 1, 3 do
  for i = 1, #threads do
    local ok, value = coroutine.resume(threads[i], round)
    assert(ok, value)
    if coroutine.status(threads[i]) == "dead" then
      finished = finished + 1
      sum = sum + value
    end
  end
end
check("many", finished, sum, coroutine.status(threads[1]))
threads = nil
collectgarbage()

-- Resumes nested inside resumes: each level a C call (lua_resume); Lua
-- refuses past its C-stack limit (LUAI_MAXCCALLS, 200) with an error.
local function nest(depth)
  if depth == 0 then return 0 end
  local co = coroutine.create(nest)
  local ok, value = coroutine.resume(co, depth - 1)
  if not ok then error(value, 0) end
  return value + 1
end
check("nest 150", try(nest, 150))
check("nest 250", try(nest, 250))
local deepest = 0
local function probe(depth)
  deepest = depth
  local co = coroutine.create(probe)
  local ok, err = coroutine.resume(co, depth + 1)
  if not ok then error(err, 0) end
end
check("probe", try(probe, 1))
check("deepest", deepest)

-- Deep Lua recursion inside a coroutine grows that coroutine's stack.
local deep = coroutine.wrap(function(n)
  local function f(k) if k == 0 then return coroutine.yield("bottom") end
    return f(k - 1) + 1 end
  return f(n)
end)
check("deep yield", deep(100000))
check("deep return", deep(5))

-- Errors inside a coroutine: status, message, the coroutine's traceback.
local function fails(x)
  local function inner() error({code = x}) end
  coroutine.yield("before")
  inner()
end
local co = coroutine.create(fails)
check("first", coroutine.resume(co, 7))
local ok, err = coroutine.resume(co)
check("error", ok, err, coroutine.status(co))
print(debug.traceback(co, "traceback of the dead coroutine"))
check("resume dead", coroutine.resume(co))
check("close dead", coroutine.close(co))
local strerr = coroutine.create(function() local x = nil; return x.field end)
check("runtime error", coroutine.resume(strerr))

-- Yield across pcall, metamethods and table.sort's comparator (which is
-- a C function: that yield is refused).
local across = coroutine.wrap(function()
  local ok1, v1 = pcall(function()
    local x = coroutine.yield("in pcall")
    error("raised " .. x)
  end)
  local meta = setmetatable({}, {__index = function(_, k)
    return coroutine.yield("in __index " .. k) end,
    __add = function(a, b) return coroutine.yield("in __add") end})
  local v2 = meta.key
  local v3 = meta + 1
  local ok4, v4 = pcall(table.sort, {3, 2, 1}, function(a, b)
    coroutine.yield("in sort")
    return a < b
  end)
  return ok1, v1, v2, v3, ok4, v4
end)
check("across 1", across())
check("across 2", across("x"))
check("across 3", across("from index"))
check("across 4", across("from add"))
check("yieldable", coroutine.isyieldable(), select(2, coroutine.running()))

-- A coroutine's to-be-closed variable runs when it is closed early.
local closed = {}
local with_close = coroutine.create(function()
  local resource <close> = setmetatable({}, {__close = function(_, e)
    closed[#closed + 1] = "closed " .. tostring(e) end})
  coroutine.yield(1)
  coroutine.yield(2)
end)
coroutine.resume(with_close)
check("close", coroutine.close(with_close), coroutine.status(with_close),
      closed[1])
check("close running", try(coroutine.close, coroutine.running()))

-- Producer/consumer through a filter, 10000 items.
local function producer()
  return coroutine.create(function()
    for i = 1, 10000 do coroutine.yield(i) end
  end)
end
local function filter(source)
  return coroutine.create(function()
    while true do
      local ok, v = coroutine.resume(source)
      if v == nil then return end
      if v % 3 == 0 then coroutine.yield(v * 2) end
    end
  end)
end
local chain = filter(producer())
local n, acc = 0, 0
while true do
  local ok, v = coroutine.resume(chain)
  if not v then break end
  n, acc = n + 1, acc + v
end
check("pipeline", n, acc)

-- Wrong uses.
check("resume non-coroutine", try(coroutine.resume, {}))
check("yield outside", try(coroutine.yield, 1))
check("wrap error", try(coroutine.wrap(function() error("wrapped") end)))
check("resume self", coroutine.wrap(function()
  return coroutine.resume(coroutine.running()) end)())

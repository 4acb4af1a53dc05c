-- Errors: error values and levels, pcall and xpcall with message handlers
-- and tracebacks, Lua-stack overflow from deep recursion (the stack grows
-- to a million slots: reallocs of many MiB), C-stack overflow, errors in
-- metamethods and to-be-closed variables, and an uncaught error at the
-- end (lua_run prints it with its traceback and exits 1).
local common = require("common")
local check, try = common.check, common.try

-- Error values and levels.
local function level1() error("at level 1") end
local function level2() error("at level 2", 2) end
local function level0() error("no position", 0) end
local function caller() level2() end
check("level 1", pcall(level1))
check("level 2", pcall(caller))
check("level 0", pcall(level0))
check("table error", pcall(error, {code = 42}))
check("nil error", pcall(error))
check("number error", pcall(error, 3.5))
local object = setmetatable({}, {__tostring = function() return "E!" end})
check("object error", select(2, pcall(error, object)) == object)
check("assert", pcall(assert, false), pcall(assert, nil, "custom"),
      pcall(assert, 1, 2, 3))
check("assert object", select(2, pcall(assert, false, object)) == object)

-- Runtime errors name the culprit.
local t = {}
check("index nil", pcall(function() return t.a.b end))
check("call nil", pcall(function() undefined_global() end))
check("call field", pcall(function() t.method() end))
check("arith", pcall(function() return {} + 1 end))
check("concat", pcall(function() return "a" .. {} end))
check("compare", pcall(function() return {} < {} end))
check("compare mixed", pcall(function() return 1 < "2" end))
check("length", pcall(function() return #nil end))
check("upvalue", pcall(function() return t.x.y end))
check("for", pcall(function() for i = 1, "x" do end end))
check("for step", pcall(function() for i = 1, 10, 0 do end end))
check("string arith", pcall(function() return "abc" + 1 end))
check("string index", pcall(function() return ("x").y.z end))
check("bad argument", pcall(string.rep))
check("bad self", pcall(string.rep, {}, 2))
check("method call", pcall(function() return ("x"):nomethod() end))

-- xpcall with message handlers: a traceback (from the point of the error,
-- every level a line), a handler that fails, a handler given arguments.
local function a() local x = nil; return x + 1 end
local function b() return a() + 1 end
local function c() return b() + 1 end
local ok, trace = xpcall(c, debug.traceback)
print(ok)
print(trace)
check("handler error", xpcall(c, function() error("again") end))
check("handler args", xpcall(function(x, y) return x + y end, print, 20, 22))
check("handler message", xpcall(error, function(m) return "handled: " .. m end,
      "boom", 0))
print(debug.traceback("message", 1))
print(debug.traceback(42))
check("traceback level", (debug.traceback("m", 2):gsub("\n.*", "")))

-- Deep recursion: Lua calls do not recurse in C, so this is the Lua stack
-- (LUAI_MAXSTACK, a million slots) running out.
local depth = 0
local function recurse() depth = depth + 1; return 1 + recurse() end
local ok2, trace2 = xpcall(recurse, debug.traceback)
check("stack overflow", ok2, depth)
print(trace2)
collectgarbage()

-- Recursion through C functions (pcall, string.gsub callbacks, __index
-- functions, tostring with __tostring) hits the C-stack limit instead.
local function through_pcall(n)
  local ok4, err4 = pcall(through_pcall, n + 1)
  if not ok4 then error(err4, 0) end
end
check("pcall nesting", pcall(through_pcall, 1))
local function through_gsub(s)
  return (s:gsub(".", function(ch) return through_gsub(ch) end))
end
check("gsub nesting", pcall(through_gsub, "x"))
local chain = setmetatable({}, {__index = function(self, k) return self[k .. "x"] end})
check("__index nesting", pcall(function() return chain.k end))
local loop = setmetatable({}, {})
getmetatable(loop).__index = loop
check("__index loop", pcall(function() return loop.missing end))
local str_loop = setmetatable({}, {__tostring = function(self) return tostring(self) end})
check("__tostring nesting", pcall(tostring, str_loop))

-- To-be-closed variables close in reverse order, on errors too.
local log = {}
local function closer(name)
  return setmetatable({}, {__close = function(_, e)
    log[#log + 1] = name .. "(" .. tostring(e) .. ")" end})
end
local ok5, err5 = pcall(function()
  local one <close> = closer("one")
  local two <close> = closer("two")
  error("while open", 0)
end)
check("tbc", ok5, err5, table.concat(log, " "))
check("tbc not closable", pcall(load("local x <close> = 42")))
local ok6, err6 = pcall(function()
  local bad <close> = setmetatable({}, {__close = function() error("in close", 0) end})
  error("first", 0)
end)
check("tbc close error", ok6, err6)

-- Errors in metamethods and in table.sort's comparator.
local meta = setmetatable({}, {__add = function() error("no add", 2) end,
  __eq = function() return true end, __len = function() return "len" end,
  __call = function(self, x) return "called " .. x end,
  __concat = function(x, y) return "concat" end,
  __newindex = function() error("read-only") end})
check("meta add", pcall(function() return meta + 1 end))
check("meta eq", meta == setmetatable({}, getmetatable(meta)), #meta,
      meta(5), meta .. "x", 1 .. meta)
check("meta newindex", pcall(function() meta.field = 1 end))
check("sort comparator", pcall(table.sort, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
      function(x, y) return true end))
check("sort error", pcall(table.sort, {2, 1}, function() error("cmp") end))

-- The uncaught error that ends the script: lua_run reports it.
local function finally() error("the end of errors.lua") end
finally()
print("not reached")

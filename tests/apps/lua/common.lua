-- Shared by the scripts (loaded with require, from package.path's
-- "./?.lua": the working directory on the host, the archive's root under
-- Wicket). Nothing here prints by itself.
local common = {}

-- What common.try returns: shown as its text, without quotes.
local Result = {}

-- A value as one deterministic word: strings quoted, floats with %.17g
-- (and their type, so 1 and 1.0 differ), tables by their sorted contents.
function common.show(value, depth)
  depth = depth or 0
  local kind = math.type(value) or type(value)
  if getmetatable(value) == Result then
    return value.text
  elseif kind == "string" then
    return string.format("%q", value)
  elseif kind == "float" then
    return string.format("%.17g", value) .. "f"
  elseif kind == "table" then
    if depth > 3 then return "{...}" end
    local keys = {}
    for k in pairs(value) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b)
      local ta, tb = type(a), type(b)
      if ta ~= tb then return ta < tb end
      return a < b
    end)
    local parts = {}
    for _, k in ipairs(keys) do
      parts[#parts + 1] = common.show(k, depth + 1) .. "=" ..
        common.show(value[k], depth + 1)
    end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return tostring(value)
end

-- Prints a label and every value of a call's results (nil included).
function common.check(label, ...)
  local parts = {}
  for i = 1, select("#", ...) do
    parts[i] = common.show((select(i, ...)))
  end
  print(label .. ": " .. table.concat(parts, " "))
end

-- Calls f(...) protected; one string either way: "ok" and the shown
-- results, or "error" and the error value.
function common.try(f, ...)
  local results = table.pack(pcall(f, ...))
  local parts = {results[1] and "ok" or "error"}
  for i = 2, results.n do parts[#parts + 1] = common.show(results[i]) end
  return setmetatable({text = "<" .. table.concat(parts, " ") .. ">"},
    Result)
end

return common

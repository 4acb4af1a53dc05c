-- A module for modules.lua: loaded once, whatever require is asked again.
local name, path = ...
local counter = {loaded_as = name, from = path, count = 0}
function counter.bump() counter.count = counter.count + 1; return counter.count end
return counter

-- A package as a directory (package.path's "?/init.lua" form).
return {name = ..., answer = 42}

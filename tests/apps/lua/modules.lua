-- Loading code from files: require through package.path (searching
-- several directories: opens that fail with ENOENT before one succeeds),
-- the C searchers' failures and dlopen's, loadfile and dofile of text and binary
-- chunks (a binary chunk is reopened with freopen), of a directory and of
-- a missing file; package.searchpath.
local common = require("common")
local check, try = common.check, common.try

package.path = "./mods/?.lua;./mods/?/init.lua;./?.lua"
package.cpath = "./mods/?.so"

local counter = require("counter")
check("require", counter.loaded_as, counter.from, counter.bump())
check("again", require("counter") == counter, counter.bump(),
      package.loaded.counter == counter)
check("package dir", require("pkg"))
check("searchpath", package.searchpath("pkg", package.path))
check("searchpath missing", package.searchpath("a.b.c", "./x/?.lua;/nowhere/?.lua"))
check("searchpath sep", package.searchpath("a.b", "./?.txt", ".", "_"))

-- Failures: the message lists each file tried (the Lua and C paths, the
-- all-in-one loader's name); a syntax error; an error while loading.
check("missing", try(require, "no_such_module"))
check("missing dotted", try(require, "no.such.module"))
check("broken", try(require, "broken"))
check("raises", try(require, "raises"))
check("not cached", package.loaded.raises, package.loaded.broken)
-- package.loadlib is glibc's dlopen, in a static program too: a missing
-- file, a file that is not ELF.
check("loadlib missing", package.loadlib("./mods/none.so", "f"))
check("loadlib not elf", package.loadlib("./numbers.txt", "*"))
check("preload", (function()
  package.preload.virtual = function(name, extra) return {name, extra} end
  return require("virtual")
end)())

-- loadfile and dofile.
local f = assert(io.open("chunk.lua", "w"))
f:write("#!/usr/bin/env lua\nlocal a, b = ...\nreturn (a or 1) + (b or 2), ...\n")
f:close()
check("loadfile", loadfile("chunk.lua")(10, 20))
check("dofile", dofile("chunk.lua"))
check("loadfile env", loadfile("chunk.lua", "t", {})(1, 1))
check("loadfile mode", loadfile("chunk.lua", "b"))
f = assert(io.open("chunk.luac", "wb"))
f:write(string.dump(assert(loadfile("chunk.lua")), true))
f:close()
check("binary", loadfile("chunk.luac")(5, 6))
check("binary refused", loadfile("chunk.luac", "t"))
check("missing file", loadfile("missing.lua"))
check("directory", loadfile("mods"))
check("dofile error", try(dofile, "mods/broken.lua"))
f = assert(io.open("bom.lua", "w"))
f:write("\xEF\xBB\xBF# a BOM, then a comment line\nreturn 'bom'\n")
f:close()
check("bom", dofile("bom.lua"))
f = assert(io.open("truncated.luac", "wb"))
f:write(string.dump(function() return 1 end):sub(1, 20))
f:close()
check("truncated binary", loadfile("truncated.luac"))

-- A chunk that reads itself back through debug.getinfo's source name.
local info = debug.getinfo(1, "S")
check("source", info.source, info.short_src, info.what)
local lines = 0
for _ in io.lines(info.short_src) do lines = lines + 1 end
check("own lines", lines > 50)

-- The io library and os's file functions on the working directory (the
-- tree: tests/apps/lua/ on the host, the archive under Wicket): create,
-- write, append, read back in every format, seek, lines, buffering modes,
-- and the errors, whose messages carry strerror's text and errno.
local common = require("common")
local check, try = common.check, common.try

local function slurp(name)
  local f = assert(io.open(name, "rb"))
  local data = f:read("a")
  f:close()
  return data
end

-- Create, write, reopen to append, read back whole.
local f = assert(io.open("out.txt", "w"))
check("type", io.type(f), io.type(io.stdout), io.type(42))
check("write", f:write("first line\n", 2, " ", 3.5, "\n") == f)
check("seek after write", f:seek())
f:close()
check("closed", io.type(f), try(f.write, f, "x"), tostring(f))
f = assert(io.open("out.txt", "a"))
f:write("appended\n")
check("append seek", f:seek())
f:close()
check("contents", slurp("out.txt"))

-- Read formats: lines with and without the newline, counts, numbers.
f = assert(io.open("numbers.txt"))
check("l", f:read("l"))
check("n n n", f:read("n", "n", "n"))
check("L", f:read("L"))
check("n hex exp frac", f:read("n", "n", "n"))
check("n fails", f:read("n"))
check("rest of line", f:read("l"))
check("n spaces", f:read("n"))
check("count", f:read(5), f:read(0))
check("last", f:read("a"))
check("at eof", f:read("a"), f:read("l"), f:read(0), f:read("n"), f:read(1))
f:close()
check("bad format", try(io.read, "x"))

-- Seek: set, cur, end, past the end (a hole of zeros), negative.
f = assert(io.open("seek.bin", "w+b"))
f:write(("0123456789"):rep(10))
check("end", f:seek("end"), f:seek("set", 5), f:read(3), f:seek("cur", -2),
      f:read(4), f:seek("cur"))
check("past end", f:seek("set", 200), f:write("X") == f, f:seek("end"))
f:seek("set", 98)
check("hole", f:read(5):byte(1, -1))
check("negative", f:seek("set", -1))
-- Far, but within every file system's limit (ext4 refuses a position
-- past 16 TiB, tmpfs and Wicket's ramfs take any up to 2^63 - 1).
check("far", f:seek("set", 1 << 40), f:read(1), f:seek("cur", 1 - (1 << 40)),
      f:read(2))
check("bad whence", try(f.seek, f, "middle"))
f:close()
check("size", #slurp("seek.bin"), slurp("seek.bin"):sub(-1))

-- Modes: r+ keeps the contents, w truncates, invalid modes are refused.
f = assert(io.open("seek.bin", "r+"))
f:write("AB")
f:close()
check("r+", slurp("seek.bin"):sub(1, 4))
f = assert(io.open("seek.bin", "w"))
f:close()
check("w truncates", #slurp("seek.bin"))
check("bad mode", try(io.open, "seek.bin", "rw"), try(io.open, "x", "r++"))
check("read-only write", assert(io.open("numbers.txt")):write("x"))
check("write-only read", assert(io.open("seek.bin", "w")):read("a"))

-- Every byte value through a binary file, in 1000 rounds (64 KiB and
-- more: several buffer refills).
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local block = table.concat(all)
f = assert(io.open("bytes.bin", "wb"))
for _ = 1, 1000 do f:write(block) end
f:close()
local data = slurp("bytes.bin")
check("bytes", #data, data == block:rep(1000))
f = assert(io.open("bytes.bin", "rb"))
local reads, total = 0, 0
while true do
  local piece = f:read(4093)
  if not piece then break end
  reads, total = reads + 1, total + #piece
end
f:close()
check("chunks", reads, total)

-- 8 MiB in one write and back in one read (both past stdio's buffer,
-- so each is one system call of that size), then in odd-sized pieces.
local big = ("0123456789abcdef"):rep(1 << 19)
f = assert(io.open("big.bin", "wb"))
check("big write", f:write(big) == f, f:seek("end"))
f:close()
f = assert(io.open("big.bin", "rb"))
local back = f:read(#big + 1)
check("big read", #back, back == big, f:read(1))
check("big seek", f:seek("set", 5000001), f:read(7), f:seek("end", -3), f:read("a"))
f:close()
big, back = nil, nil
check("big remove", os.remove("big.bin"))

-- A big text file through io.lines and file:lines with formats.
f = assert(io.open("lines.txt", "w"))
f:setvbuf("full", 1 << 16)
for i = 1, 20000 do f:write("line ", i, " ", i * i, "\n") end
f:close()
local count, squares = 0, 0
for line in io.lines("lines.txt") do
  count = count + 1
  squares = squares + tonumber(line:match("(%d+)$"))
end
check("lines", count, squares)
local words, numbers = 0, 0
for word, n, sq in io.lines("lines.txt", 5, "n", "n") do
  words, numbers = words + 1, numbers + n + sq
  if words == 3 then break end
end
check("lines formats", words, numbers)
f = assert(io.open("lines.txt"))
local keep = {}
for line in f:lines("L") do
  if #keep < 2 then keep[#keep + 1] = line end
end
check("file lines", keep[1], keep[2], io.type(f))
f:close()
check("lines missing", try(io.lines, "missing.txt"))

-- Buffering modes and flush.
f = assert(io.open("buffered.txt", "w"))
check("setvbuf", f:setvbuf("no"), f:setvbuf("line"), f:setvbuf("full", 10))
f:write("abc")
check("before flush", #slurp("buffered.txt"))
f:flush()
check("after flush", #slurp("buffered.txt"))
f:close()

-- io.input / io.output / io.read / io.write redirected to files.
io.output("redirected.txt")
io.write("to the default output\n", 42, "\n")
io.close()
io.output(io.stdout)
io.input("redirected.txt")
check("io.read", io.read("l", "n"))
io.close(io.input())
io.input(io.stdin)
-- Standard input is empty: /dev/null on the host, the console under
-- Wicket, where the runner types Ctrl-D. Only one read: as on a Linux
-- terminal, the console reports end of file once, and io.read clears
-- the stream's end-of-file flag, so a second read would wait for more.
check("stdin at eof", io.read("a"))

-- Errors: a missing file, a directory, a file used as a directory, a file
-- in a missing directory; each gives the name, strerror's text and errno.
check("missing", io.open("missing.txt"))
check("missing dir", io.open("nowhere/file.txt", "w"))
check("not a dir", io.open("numbers.txt/x"))
check("dir for writing", io.open("dir", "w"))
check("dir for appending", io.open("dir", "a"))
-- (Not its seek to the end: what lseek says of a directory depends on
-- the file system, 2^63 - 1 on ext4, EINVAL on Linux's ramfs and tmpfs as
-- under Wicket.)
local dir = io.open("dir")
check("dir opened", io.type(dir))
if dir then
  check("dir read", dir:read("a"))
  check("dir read l", dir:read("l"))
  dir:close()
end
check("empty name", io.open(""))
check("io.lines dir", try(function() for l in io.lines("dir") do end end))

-- os.rename and os.remove.
check("rename", os.rename("out.txt", "renamed.txt"), slurp("renamed.txt"):sub(1, 5))
check("rename missing", os.rename("out.txt", "again.txt"))
check("rename into missing dir", os.rename("renamed.txt", "nowhere/x"))
check("rename over file", os.rename("renamed.txt", "lines.txt"), #slurp("lines.txt"))
check("rename dir over file", os.rename("dir", "lines.txt"))
check("rename file over dir", os.rename("lines.txt", "dir"))
check("rename dir", os.rename("dir/sub", "moved"), slurp("moved/file.txt"))
check("remove", os.remove("lines.txt"), io.open("lines.txt"))
check("remove missing", os.remove("lines.txt"))
check("remove nonempty dir", os.remove("moved"))
check("remove file in", os.remove("moved/file.txt"), os.remove("moved"))
check("remove empty dir", os.remove("dir"))
check("remove missing dir", os.remove("nowhere/x"))

-- Temporary files: os.tmpname makes one under /tmp (mkstemp), io.tmpfile
-- an anonymous one.
local name = os.tmpname()
check("tmpname", name:match("^/tmp/lua_%w+$") ~= nil)
f = assert(io.open(name, "w"))
f:write("temporary")
f:close()
check("tmp contents", slurp(name), os.remove(name), io.open(name) == nil)
local tmp = io.tmpfile()
tmp:write("anonymous ", 123)
tmp:seek("set")
check("tmpfile", tmp:read("a"), tmp:seek("cur"))
tmp:close()

-- Devices (opened by their absolute names, only read or written).
f = assert(io.open("/dev/null", "r+"))
check("null", f:read("a"), f:read(1), f:write("gone") == f, f:flush(),
      f:seek("end"))
f:close()
f = assert(io.open("/dev/zero", "rb"))
local zeros = f:read(100000)
check("zero", #zeros, zeros == ("\0"):rep(100000), f:seek("set", 12345))
f:close()
f = assert(io.open("/dev/full", "w"))
check("full buffered", f:write("x") == f, f:flush())
check("full close", f:close())
f = assert(io.open("/dev/full", "w"))
f:setvbuf("no")
check("full unbuffered", f:write("x"))
f:close()
f = assert(io.open("/dev/urandom", "rb"))
check("urandom", #f:read(1000), #f:read(5000))
f:close()
check("dev missing", io.open("/dev/nothing"))

-- The standard files.
check("std types", io.type(io.stdin), io.type(io.stderr), io.stdout:seek())
io.stderr:write("to stderr\n")
io.stdout:write("to stdout\n")
-- Standard output in each buffering mode (a pipe on the host, the
-- console under Wicket), and long lines.
io.stdout:setvbuf("full")
for i = 1, 200 do io.write(("%4d "):format(i), ("-"):rep(i % 70), "\n") end
io.stdout:setvbuf("no")
for i = 1, 30 do io.write(i, i % 10 == 0 and "\n" or " ") end
io.stdout:setvbuf("line")
io.write(("0123456789"):rep(500), "\n")
check("close std", io.stdout:close())

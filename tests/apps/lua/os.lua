-- The os library apart from files: the environment, calendar time through
-- glibc's mktime/gmtime/localtime/strftime, the clock, the locale, and
-- os.exit (the status and what is flushed). The time zone is TZ's, which
-- the test sets to Central European rules written out
-- (CET-1CEST,M3.5.0,M10.5.0/3: no file is named, so glibc reads none on
-- either side; without TZ the host would use its /etc/localtime and
-- Wicket, which has none, UTC).
--   os.lua              everything but exiting
--   os.lua exit N       prints a partial line, exits with os.exit(N)
--   os.lua exit true|false|close
local common = require("common")
local check, try = common.check, common.try

if arg[1] == "exit" then
  local how = arg[2]
  -- A partial line in stdout's buffer: exit() flushes it.
  io.write("exiting with ", how)
  if how == "true" then os.exit(true) end
  if how == "false" then os.exit(false) end
  if how == "close" then
    -- Closing the state first runs the finalizers and closes the open
    -- files (writing what is pending) before exit.
    setmetatable({}, {__gc = function() print(" (finalized)") end})
    local f = assert(io.open("closed-at-exit.txt", "w"))
    f:write("pending")
    os.exit(4, true)
  end
  os.exit(tonumber(how))
end

-- The environment: the defaults, one the test adds, a missing one.
check("HOME", os.getenv("HOME"))
check("PATH", os.getenv("PATH"))
check("TERM", os.getenv("TERM"))
check("LUA_TEST", os.getenv("LUA_TEST"))
check("TZ", os.getenv("TZ"))
check("missing", os.getenv("NO_SUCH_VARIABLE"))
check("bad getenv", try(os.getenv))

-- os.time of a table (mktime): normalization of out-of-range fields,
-- dates before the epoch, the day of the week and year it fills in.
local t = {year = 2020, month = 2, day = 29, hour = 12, min = 34, sec = 56}
check("time", os.time(t))
check("normalized", t.yday, t.wday, t.isdst)
check("epoch", os.time{year = 1970, month = 1, day = 1, hour = 0})
-- (Not the second before the epoch, 00:59:59 here: mktime's -1 is also
-- its error value, and Lua reports it as one.)
check("before epoch", os.time{year = 1969, month = 12, day = 31, hour = 23,
      min = 59, sec = 58})
check("overflowing fields", os.time{year = 2021, month = 14, day = 35,
      hour = 25, min = 61, sec = 61})
local overflow = {year = 2021, month = 14, day = 35, hour = 25}
os.time(overflow)
check("normalized table", overflow)
check("default hour", os.time{year = 2000, month = 1, day = 1})
check("far future", os.time{year = 3000, month = 1, day = 1, hour = 0})
check("missing field", try(os.time, {year = 2020}))
check("field range", try(os.time, {year = 2020, month = 1, day = 1 << 40}))
check("not integer", try(os.time, {year = 2020, month = 1.5, day = 1}))

-- Daylight saving time: the hour that does not exist in spring, the one
-- that comes twice in autumn (isdst decides), the offsets either side.
local gap = {year = 2021, month = 3, day = 28, hour = 2, min = 30}
check("spring gap", os.time(gap), os.date("%H:%M %Z", os.time(gap)))
local fold = {year = 2021, month = 10, day = 31, hour = 2, min = 30}
fold.isdst = true
local first = os.time(fold)
fold.isdst = false
local second = os.time(fold)
check("autumn fold", first, second, second - first)
check("offsets", os.date("%z %Z", 1616893200 - 1), os.date("%z %Z", 1616893200))
check("isdst", os.date("*t", 1625097600).isdst, os.date("*t", 1609459200).isdst)

-- os.date: the UTC and local forms of fixed times, every conversion.
print(os.date("!%Y-%m-%d %H:%M:%S", 0))
print(os.date("%Y-%m-%d %H:%M:%S", 0))
print(os.date("!%c|%x|%X|%a %A %b %B|%j %U %W %w %u|%p %I|%y %C %G %g %V",
      1234567890))
print(os.date("!%D %e %F %h %n %R %r %t %T %%", 1583000000))
print(os.date("%Z %z", 86400 * 365))
print(os.date("!%Ec %EY %Od %OH", 951782400))
check("date table", os.date("!*t", 951782400))
check("date local table", os.date("*t", -1))
check("round trip", os.time(os.date("*t", 1700000000)))
check("bad conversion", try(os.date, "%Q", 0))
check("negative time", os.date("!%Y-%m-%d", -86400 * 365 * 100))
check("big time", os.date("!%Y", 1 << 40), try(os.date, "!%Y", 1 << 62))
check("difftime", os.difftime(10, 4), os.difftime(os.time{year = 2021,
      month = 1, day = 1}, os.time{year = 2020, month = 1, day = 1}))

-- The current time and the CPU clock: only their sanity.
local now = os.time()
check("now", math.type(now), now > 1600000000, os.date("!*t").year >= 2020)
local before = os.clock()
local x = 0
for i = 1, 200000 do x = x + i % 7 end
local after = os.clock()
check("clock", math.type(before), before >= 0, after >= before)

-- The locale: only "C" and "POSIX" exist in a static program.
check("setlocale", os.setlocale(), os.setlocale("C"), os.setlocale(nil, "numeric"),
      os.setlocale("POSIX", "all"))
check("setlocale unknown", os.setlocale("xx_YY.nowhere"),
      os.setlocale("C", "collate"))
check("setlocale bad category", try(os.setlocale, "C", "colors"))

-- os.execute without a command asks whether a shell is there; not asked
-- here (the host has /bin/sh, Wicket's tree does not).
check("exit not called", os.exit ~= nil)

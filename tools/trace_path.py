"""gdb command `trace-path FILE [RETURNS [LIMIT]]`: where a path's
instructions go, one instruction at a time.

Loaded into a gdb session with `source tools/trace_path.py` (a batch file
of tools/gdb_session.py; docs/bench.md, "Where the instructions go").
From where the guest is stopped, it steps one instruction at a time
(stepi) until the program counter is back at its starting address for the
RETURNS-th time (default 1), or LIMIT steps (default 5000), and writes to
FILE each step's address and symbol, then the runs of consecutive steps
in one function (as `uniq -c` counts them) and the total. Start it where
one operation of a loop begins (a breakpoint on a function the loop calls
once per operation, past its first calls with `ignore`), and the total is
the operation's instruction count, the count `-icount shift=0` gives.
"""

import gdb


def symbol_at(address):
    text = gdb.execute("info symbol %#x" % address, to_string=True).strip()
    if text.startswith("No symbol"):
        return "?"
    return text.split(" in section")[0]


def function_of(symbol):
    return symbol.split(" + ")[0]


class TracePath(gdb.Command):
    """trace-path FILE [RETURNS [LIMIT]]: step until back at the start."""

    def __init__(self):
        super().__init__("trace-path", gdb.COMMAND_RUNNING)

    def invoke(self, argument, from_tty):
        words = gdb.string_to_argv(argument)
        if not 1 <= len(words) <= 3:
            raise gdb.GdbError("usage: trace-path FILE [RETURNS [LIMIT]]")
        out = words[0]
        returns = int(words[1]) if len(words) > 1 else 1
        limit = int(words[2]) if len(words) > 2 else 5000
        start = int(gdb.parse_and_eval("$pc"))
        steps = []
        seen = 0
        while len(steps) < limit:
            gdb.execute("stepi", to_string=True)
            pc = int(gdb.parse_and_eval("$pc"))
            steps.append(pc)
            if pc == start:
                seen += 1
                if seen == returns:
                    break
        symbols = [symbol_at(pc) for pc in steps]
        runs = []
        for symbol in symbols:
            name = function_of(symbol)
            if runs and runs[-1][1] == name:
                runs[-1][0] += 1
            else:
                runs.append([1, name])
        with open(out, "w") as f:
            for pc, symbol in zip(steps, symbols):
                f.write("%#x %s\n" % (pc, symbol))
            f.write("\n")
            for count, name in runs:
                f.write("%7d %s\n" % (count, name))
            f.write("total %d%s\n" % (
                len(steps), "" if seen == returns else
                " (stopped at the limit, not back at the start)"))


TracePath()

#!/usr/bin/env python3
"""Turn benchmark logs into the side-by-side tables, CSV, JSON and chart.

    bench_report.py --out DIR [--meta FILE.json] [--no-chart]
        [--log TABLE:CONFIG=FILE]...

Each --log names a serial log (or a host run's output) and what it holds:
TABLE is `cycles` (TSC cycles) or `instructions` (guest instructions
under -icount shift=0); CONFIG is `wicket`, `linux`, `linux-mitoff`,
`host` (apps/bench on each), or `wicket-kernel` (the test libOS's
scenarios: Wicket's own paths, which Linux has no counterpart for). The
same TABLE:CONFIG given several times is several rounds: a row's median is
the median of the rounds' medians, its minimum the least minimum.

Every line of the form (after an optional "wicket: " prefix)

    bench: NAME[:] median N [UNIT][,] [min N] ... [kernel entries per op E]

is a row called NAME: new rows of apps/bench appear by themselves. Other
lines are ignored. Writes bench.txt (the terminal tables), bench.md (the
same in Markdown), bench.csv, bench.json and, with gnuplot, bench.png (a
bar chart of the ratios to Wicket) into DIR, and prints the tables.
See docs/bench.md. Python 3.11, standard library only (and gnuplot).
"""

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

ROW_RE = re.compile(
    r"^(?:wicket: )?bench:\s+(?P<name>\S.*?):?\s+median\s+(?P<median>\d+)"
    r"(?:\s+(?!min\b)[A-Za-z]+)?\s*,?\s*(?:min\s+(?P<min>\d+))?")
ENTRIES_RE = re.compile(r"kernel entries per op\s+(?P<entries>[0-9.]+|-)")

# The columns of the side-by-side tables, in order, and their titles.
CONFIGS = [
    ("wicket", "Wicket"),
    ("linux", "Linux guest"),
    ("linux-mitoff", "Linux mitigations=off"),
    ("host", "host native"),
]
TITLES = dict(CONFIGS)
SHORT = {"wicket": "Wicket", "linux": "Linux", "linux-mitoff": "Linux m=off",
         "host": "host"}
TABLES = {
    "cycles": "TSC cycles per operation (median)",
    "instructions": "guest instructions per operation (-icount shift=0)",
}
KERNEL = "wicket-kernel"
NO_RATIOS = "no ratios to chart (Wicket and nothing else): no bench.png"


def parse(text):
    """Rows of one log, in order: name -> {median, min, entries}. A name
    seen twice keeps its first row."""
    rows = {}
    for raw in text.splitlines():
        line = raw.replace("\r", "").strip()
        m = ROW_RE.match(line)
        if not m:
            continue
        name = m.group("name").strip()
        if name in rows:
            continue
        row = {"median": int(m.group("median")),
               "min": int(m.group("min")) if m.group("min") else None,
               "entries": None}
        e = ENTRIES_RE.search(line)
        if e and e.group("entries") != "-":
            row["entries"] = float(e.group("entries"))
        rows[name] = row
    return rows


def combine(rounds):
    """Several rounds' rows -> one: median of medians, least minimum,
    median of the kernel entries. Row order: first appearance."""
    names = []
    for rows in rounds:
        names += [n for n in rows if n not in names]
    out = {}
    for name in names:
        present = [r[name] for r in rounds if name in r]
        medians = [r["median"] for r in present]
        mins = [r["min"] for r in present if r["min"] is not None]
        entries = [r["entries"] for r in present if r["entries"] is not None]
        out[name] = {
            "median": round(statistics.median(medians)),
            "min": min(mins) if mins else None,
            "entries": statistics.median(entries) if entries else None,
            "rounds": len(present),
        }
    return out


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def build(data, meta):
    """data: {(table, config): [rows of each round]} -> the report dict."""
    combined = {key: combine(rounds) for key, rounds in data.items()}
    report = {"meta": meta,
              "columns": [{"key": k, "title": t} for k, t in CONFIGS],
              "tables": {}}
    for table, title in TABLES.items():
        configs = [k for k, _ in CONFIGS if (table, k) in combined]
        if not configs:
            continue
        names = []
        for k in configs:
            names += [n for n in combined[(table, k)] if n not in names]
        rows = []
        for name in names:
            row = {"name": name}
            base = combined.get((table, "wicket"), {}).get(name)
            for k in configs:
                cell = combined[(table, k)].get(name)
                row[k] = cell
                if k != "wicket" and cell:
                    cell["ratio_to_wicket"] = ratio(
                        cell["median"], base["median"] if base else None)
            rows.append(row)
        report["tables"][table] = {"title": title, "configs": configs,
                                   "rows": rows}
    kernel = {t: combined[(t, KERNEL)] for t in TABLES if (t, KERNEL) in combined}
    if kernel:
        names = []
        for rows in kernel.values():
            names += [n for n in rows if n not in names]
        report["tables"]["wicket-kernel"] = {
            "title": "Wicket's own paths (test libOS; no Linux counterpart)",
            "configs": list(kernel),
            "rows": [dict({"name": n}, **{t: kernel[t].get(n) for t in kernel})
                     for n in names]}
    return report


# --------------------------------------------------------------------------
# Text and Markdown

def fmt_int(cell):
    return "-" if not cell else str(cell["median"])


def fmt_ratio(value):
    if value is None:
        return "-"
    return "%.2f" % value if value < 100 else "%.0f" % value


def fmt_entries(cell):
    if not cell or cell.get("entries") is None:
        return "-"
    return "%.2f" % cell["entries"]


def grid(table):
    """(header, rows) of strings for one side-by-side table."""
    configs = table["configs"]
    header = ["operation"] + [SHORT[k] for k in configs]
    others = [k for k in configs if k != "wicket"]
    has_wicket = "wicket" in configs
    if has_wicket:
        header += ["%s/W" % SHORT[k] for k in others]
        header += ["W kernel entries"]
    lines = []
    for row in table["rows"]:
        cells = [row["name"]] + [fmt_int(row.get(k)) for k in configs]
        if has_wicket:
            cells += [fmt_ratio(row[k]["ratio_to_wicket"]) if row.get(k)
                      else "-" for k in others]
            cells += [fmt_entries(row.get("wicket"))]
        lines.append(cells)
    return header, lines


def kernel_grid(table):
    header = ["path"] + ["TSC cycles" if t == "cycles" else "instructions"
                         for t in table["configs"]]
    lines = [[row["name"]] + [fmt_int(row.get(t)) for t in table["configs"]]
             for row in table["rows"]]
    return header, lines


def text_table(header, lines):
    widths = [max(len(r[i]) for r in [header] + lines)
              for i in range(len(header))]
    out = []
    for r in [header] + lines:
        out.append("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                             for i, c in enumerate(r)).rstrip())
    return out


def markdown_table(header, lines):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in lines]
    return out


def tables_in_order(report):
    for key in ("cycles", "instructions", "wicket-kernel"):
        if key in report["tables"]:
            table = report["tables"][key]
            yield key, table, (kernel_grid(table) if key == "wicket-kernel"
                               else grid(table))


def render_text(report):
    out = []
    for key, table, (header, lines) in tables_in_order(report):
        out.append(table["title"] + ":")
        out += ["  " + line for line in text_table(header, lines)]
        out.append("")
    out.append("X/W: X's median over Wicket's (above 1: Wicket takes less); "
               "W kernel entries: Wicket kernel entries per operation.")
    return "\n".join(out) + "\n"


def render_markdown(report):
    meta = report["meta"]
    out = []
    for key, table, (header, lines) in tables_in_order(report):
        out.append("%s:" % table["title"])
        out.append("")
        out += markdown_table(header, lines)
        out.append("")
    notes = []
    if meta.get("date"):
        notes.append("Measured %s" % meta["date"])
    if meta.get("machine"):
        notes.append("on %s" % meta["machine"])
    if notes:
        out.append(" ".join(notes) + ".")
    if meta.get("setup"):
        out.append(meta["setup"])
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------
# CSV and JSON

def write_csv(report, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["table", "operation", "config", "median", "min",
                    "kernel_entries", "ratio_to_wicket", "rounds"])
        for key, table in report["tables"].items():
            for row in table["rows"]:
                for k in table["configs"]:
                    cell = row.get(k)
                    if not cell:
                        continue
                    config = k if key != "wicket-kernel" else "wicket"
                    name = key if key != "wicket-kernel" else "wicket-kernel-" + k
                    r = cell.get("ratio_to_wicket")
                    w.writerow([name, row["name"], config, cell["median"],
                                "" if cell["min"] is None else cell["min"],
                                "" if cell.get("entries") is None
                                else "%.2f" % cell["entries"],
                                "" if r is None else "%.4f" % r,
                                cell["rounds"]])


def write_json(report, path):
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


# --------------------------------------------------------------------------
# The chart (gnuplot)

def chart_data(table):
    """Rows and ratio columns of one table for the chart."""
    others = [k for k in table["configs"] if k != "wicket"]
    rows = []
    for row in table["rows"]:
        if not row.get("wicket"):
            continue
        values = [row[k]["ratio_to_wicket"] if row.get(k) else None
                  for k in others]
        if any(v for v in values):
            rows.append((row["name"], values))
    return others, rows


def write_chart(report, out_dir):
    """bench.png through gnuplot; returns an error string or None."""
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        return "gnuplot not found (package gnuplot-nox): no bench.png"
    plots = []
    for key in ("cycles", "instructions"):
        table = report["tables"].get(key)
        if not table or "wicket" not in table["configs"]:
            continue
        others, rows = chart_data(table)
        if not others or not rows:
            continue
        dat = os.path.join(out_dir, "bench-%s.dat" % key)
        with open(dat, "w") as f:
            f.write("# operation " + " ".join(others) + "\n")
            for name, values in rows:
                f.write('"%s" %s\n' % (name.replace('"', "'"), " ".join(
                    "-" if not v else "%.6g" % v for v in values)))
        plots.append((key, table, others, dat))
    if not plots:
        return NO_RATIOS
    colors = {"linux": "#d62728", "linux-mitoff": "#ff9896",
              "host": "#7f7f7f"}
    script = [
        'set terminal pngcairo noenhanced size 1200,%d font "sans,10"' % (430 * len(plots)),
        'set output "%s"' % os.path.join(out_dir, "bench.png"),
        'set datafile missing "-"',
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.9 border -1",
        "set boxwidth 0.9",
        "set logscale y 10",
        "set grid ytics",
        "set key top left",
        "set xtics rotate by -25 nomirror",
        "set ytics nomirror",
        'set ylabel "ratio to Wicket (log scale; >1: Wicket faster)"',
        "set multiplot layout %d,1 title \"%s\"" % (
            len(plots), report["meta"].get("chart_title",
                                           "apps/bench: other systems / Wicket")),
    ]
    for key, table, others, dat in plots:
        script.append('set title "%s"' % table["title"])
        parts = []
        for i, k in enumerate(others):
            parts.append('"%s" using %d%s title "%s" lc rgb "%s"' % (
                dat if i == 0 else "", i + 2, ":xtic(1)" if i == 0 else "",
                TITLES[k], colors.get(k, "#1f77b4")))
        parts.append('1 with lines lc rgb "black" lw 1.5 dt 2 notitle')
        script.append("plot " + ", ".join(parts))
    script.append("unset multiplot")
    gp = os.path.join(out_dir, "bench.gnuplot")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    r = subprocess.run([gnuplot, gp], capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0:
        return "gnuplot failed: %s" % r.stderr.strip()
    return None


# --------------------------------------------------------------------------

def read_logs(specs):
    data = {}
    for spec in specs:
        what, _, path = spec.partition("=")
        table, _, config = what.partition(":")
        if not path or table not in TABLES or config not in (
                list(TITLES) + [KERNEL]):
            raise SystemExit("bench_report: bad --log %r (TABLE:CONFIG=FILE, "
                             "TABLE cycles|instructions, CONFIG %s)"
                             % (spec, "|".join(list(TITLES) + [KERNEL])))
        with open(path, errors="replace") as f:
            rows = parse(f.read())
        data.setdefault((table, config), []).append(rows)
    return data


def write_all(report, out_dir, chart=True):
    """Every output file; returns the text tables and the chart's error."""
    os.makedirs(out_dir, exist_ok=True)
    text = render_text(report)
    with open(os.path.join(out_dir, "bench.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(out_dir, "bench.md"), "w") as f:
        f.write(render_markdown(report))
    write_csv(report, os.path.join(out_dir, "bench.csv"))
    write_json(report, os.path.join(out_dir, "bench.json"))
    error = write_chart(report, out_dir) if chart else None
    return text, error


def main(argv):
    p = argparse.ArgumentParser(prog="bench_report.py",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--log", action="append", default=[],
                   metavar="TABLE:CONFIG=FILE")
    p.add_argument("--meta", metavar="FILE.json")
    p.add_argument("--no-chart", action="store_true")
    args = p.parse_args(argv)
    meta = {}
    if args.meta:
        with open(args.meta) as f:
            meta = json.load(f)
    report = build(read_logs(args.log), meta)
    text, error = write_all(report, args.out, chart=not args.no_chart)
    sys.stdout.write(text)
    if error:
        print("bench_report: %s" % error, file=sys.stderr)
        return 0 if error == NO_RATIOS else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Benchmark of `cpm sql --dialect duckdb` (issue 15): the generated SQL in
DuckDB against `cpm tables`, on the files bench/run.py generates and caches.

    python3 bench/sql_duckdb.py --cpm PATH/TO/cpm [--tables-cpm PATH/TO/release/cpm] [--sizes 1m,10m]
                                [--check-sizes 1m] [--time-cpm]
                                [--python VENV/bin/python] [--before PATH/TO/older/cpm --before-sizes 100k]

For each size: `cpm tables` on the Parquet file (wall time and peak RSS,
reported with --time-cpm, i.e. for a release binary), then, in a child
process, DuckDB loads the same Parquet file into a table
(`orders`, timed apart: in a warehouse the orders are already there), runs
run.sql (timed), and checks its four tables against cpm's files: snapshots,
transitions and conversion value by value, segments with EXCEPT both ways.
The peak RSS of the child covers load and run; DuckDB works in a database
file with memory_limit 8GB ($CPM_BENCH_DUCKDB_MEMORY), spilling beyond it. Prints a Markdown table for
BENCHMARKS.md. "run.sql CPU" is the child's user + system time over run.sql
alone; "child CPU" adds the load and the check. With --before, the SQL of
another cpm binary runs too (after this one's, same sizes or
--before-sizes), so that two versions are compared in one run; --stages
prints run.sql's CPU time per table it creates. Needs duckdb
(tests/sql/requirements.txt).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "sql"))


def label_count(text):
    text = text.lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult), text.upper().replace("K", "k")


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_child(parquet, sql_dir, tables_dir):
    import duckdb

    import check
    import engines

    # a database file, as a warehouse keeps its tables: DuckDB holds what
    # fits in memory_limit and spills the rest to disk
    db = Path(sql_dir).parent / f"bench-{Path(parquet).stem}.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute(f"SET memory_limit = '{os.environ.get('CPM_BENCH_DUCKDB_MEMORY', '8GB')}'")
    con.execute("SET preserve_insertion_order = false")
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE orders AS SELECT * FROM read_parquet('{parquet}')")
    load_s = time.perf_counter() - t0
    rows = con.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    t0 = time.perf_counter()
    cpu0 = cpu_self()
    stages = {}  # CPU seconds by the table a statement creates
    for stmt in engines.statements((Path(sql_dir) / "run.sql").read_text(encoding="utf-8")):
        before = cpu_self()
        con.execute(stmt)
        name = stmt.split(" TABLE ", 1)[1].split()[0] if " TABLE " in stmt else "other"
        stages[name] = stages.get(name, 0.0) + cpu_self() - before
    run_cpu_s = cpu_self() - cpu0
    run_s = time.perf_counter() - t0
    problems = []
    if (Path(tables_dir) / "snapshots.csv").exists():
        for name in ["snapshots", "transitions", "conversion", "ladder", "data_quality"]:
            cur = con.execute(f"SELECT * FROM cpm_{name}")
            cols = [c[0] for c in cur.description]
            p = check.compare(name, Path(tables_dir) / f"{name}.csv", cols, cur.fetchall())
            if p:
                problems.append(p)
        # a row per customer: compared inside DuckDB, both ways
        con.execute(
            "CREATE TABLE want AS SELECT * FROM read_csv(?, header = true, columns = {'customer_id': 'VARCHAR', "
            "'segment': 'VARCHAR', 'first_purchase': 'DATE', 'last_purchase': 'DATE', 'tenure_days': 'BIGINT', "
            "'recency_days': 'BIGINT', 'total': 'DECIMAL(38,6)', 'purchase_days': 'BIGINT', "
            "'previous_segment': 'VARCHAR'})",
            [str(Path(tables_dir) / "segments.csv")],
        )
        for x, y in (("cpm_segments", "want"), ("want", "cpm_segments")):
            n = con.execute(f"SELECT COUNT(*) FROM (SELECT * FROM {x} EXCEPT ALL SELECT * FROM {y})").fetchone()[0]
            if n:
                problems.append(f"segments: {n} rows of {x} not in {y}")
    customers = con.execute("SELECT COUNT(*) FROM cpm_segments").fetchone()[0]
    print(json.dumps({"load_s": load_s, "run_s": run_s, "run_cpu_s": run_cpu_s, "rows": rows, "customers": customers,
                      "problems": problems, "duckdb": duckdb.__version__, "stages": stages}))


def measure(cmd):
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')[-3000:]}")
    return wall, usage.ru_maxrss / 1024, out.decode(), usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpm", required=False)
    ap.add_argument("--sizes", default="1m,10m")
    ap.add_argument("--python", default=sys.executable, help="a Python with duckdb")
    ap.add_argument("--data-dir", type=Path, default=Path(os.environ.get("CPM_BENCH_DATA", Path.home() / ".cache" / "cpm-bench")))
    ap.add_argument("--check-sizes", default=None, help="sizes whose tables are checked against cpm's (default: all)")
    ap.add_argument("--time-cpm", action="store_true", help="report cpm's time (a release binary)")
    ap.add_argument("--tables-cpm", help="the cpm binary for `cpm tables` (default: --cpm), e.g. a release build")
    ap.add_argument("--before", help="an older cpm binary whose SQL is measured too, for a before/after")
    ap.add_argument("--before-sizes", default=None, help="the sizes the older SQL runs on (default: all)")
    ap.add_argument("--stages", action="store_true", help="also print run.sql's CPU time per table it creates")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return run_child(*args.child)
    work = Path(tempfile.mkdtemp(prefix="cpm-sql-bench-"))
    versions = [("", args.cpm, args.sizes)]
    if args.before:
        versions.append((" (before)", args.before, args.before_sizes or args.sizes))
    for suffix, cpm, _ in versions:
        sql = work / f"sql{suffix.strip(' ()')}"
        subprocess.run([cpm, "sql", "--dialect", "duckdb", "--table", "orders", "--out", str(sql)],
                       check=True, capture_output=True)
    lines = ["| customers | rows | `cpm tables` s | cpm CPU s | cpm peak RSS MB | run.sql CPU / cpm CPU | DuckDB load s | DuckDB run.sql s | "
             "run.sql ns/row | run.sql CPU s | run.sql CPU ns/row | child CPU s | DuckDB peak RSS MB | load avg | "
             "tables equal |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    r = None
    stage_lines = []
    for size in args.sizes.split(","):
        _, name = label_count(size)
        parquet = args.data_dir / f"orders-{name}-seed42-2021-01-01-2025-12-31.parquet"
        if not parquet.exists():
            sys.exit(f"{parquet} is missing: `just bench --sizes {size}` generates it")
        tables = work / f"tables-{name}"
        check = args.check_sizes is None or size in args.check_sizes.split(",")
        cpm_s = cpm_rss = cpm_cpu = None
        if check or args.time_cpm:
            cpm_s, cpm_rss, _, cpm_cpu = measure([args.tables_cpm or args.cpm, "tables", "--input", str(parquet),
                                                  "--out-dir", str(tables)])
        else:
            tables.mkdir()
        for suffix, _, sizes in versions:
            if size not in sizes.split(","):
                continue
            sql = work / f"sql{suffix.strip(' ()')}"
            wall, rss, out, cpu = measure([args.python, __file__, "--child", str(parquet), str(sql), str(tables)])
            r = json.loads(out)
            ok = ("yes" if not r["problems"] else "NO: " + "; ".join(r["problems"])[:200]) if check else "not checked"
            cpm_cols = (f"{cpm_s:.1f} | {cpm_cpu:.1f} | {cpm_rss:,.0f} | {r['run_cpu_s'] / cpm_cpu:.1f}"
                        if args.time_cpm else "– | – | – | –")
            lines.append(f"| {name}{suffix} | {r['rows']:,} | {cpm_cols} | {r['load_s']:.1f} | {r['run_s']:.1f} | "
                         f"{r['run_s'] / r['rows'] * 1e9:,.0f} | {r['run_cpu_s']:.1f} | "
                         f"{r['run_cpu_s'] / r['rows'] * 1e9:,.0f} | {cpu:.0f} | {rss:,.0f} | "
                         f"{os.getloadavg()[0]:.1f} | {ok} |")
            print(lines[-1], flush=True)
            if args.stages:
                stage_lines.append(f"{name}{suffix}: " + ", ".join(
                    f"{t} {c / r['rows'] * 1e9:,.0f}" for t, c in r["stages"].items() if c >= 0.01 * r["run_cpu_s"]))
    print(f"\nDuckDB {r['duckdb']}, {os.cpu_count()} cores.\n")
    print("\n".join(lines))
    if stage_lines:
        print("\nrun.sql CPU ns/row by table (1% of the run or more):\n" + "\n".join(stage_lines))


if __name__ == "__main__":
    main()

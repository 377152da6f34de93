"""Checks that the SQL `cpm sql` generates computes exactly the tables
`cpm tables` writes.

For every order history and rule set: `cpm tables` writes the CSV files,
`cpm sql --dialect D` writes run.sql, the engine runs it on the same orders,
and every result table is compared with its CSV file, row for row (as sets:
a warehouse table has no order). Values are compared exactly — dates and ids
as text, counts as integers, money as decimals — except `share` and `rate`,
which cpm prints as the shortest float and which are compared to 1e-12.

    python3 tests/sql/check.py --cpm target/debug/cpm --engines duckdb,bigquery,snowflake --suite ci
"""

import argparse
import csv
import decimal
import os
import pathlib
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402
import engines  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
KINDS = {  # column -> how it is compared
    "snapshots": "str str int float dec dec",
    "transitions": "str str str str int",
    "conversion": "str int int float bool",
    "segments": "str str str str int int dec int str",
    "ladder": "str int int str int",
    "activity": "str int int dec",
    "data_quality": "str value",
}
# data_quality's values by metric; header_line is a file's line (empty for a table)
METRIC_KINDS = {"returns_total": "dec", "purchases_total": "dec", "returns_share": "float"}
FLOAT_TOL = 1e-12


def parse(kind, text):
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "dec":
        v = decimal.Decimal(text)
        return v.normalize() if v != 0 else decimal.Decimal(0)
    if kind == "bool":
        return {"true": True, "false": False}[text]
    return text


def from_engine(kind, value):
    value = engines.normalise(value)
    if value is None and kind == "str":
        return ""
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "dec":
        return engines.normalise(decimal.Decimal(value))
    return value


def typed_metric(row):
    metric, value = row
    kind = METRIC_KINDS.get(metric, "str")
    return (metric, parse(kind, value) if kind != "float" else float(value))


def compare(name, csv_path, cols, rows):
    kinds = KINDS[name].split()
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        want = [tuple(parse(k, v) for k, v in zip(kinds, r)) for r in reader]
    if [c.lower() for c in cols] != header:
        return f"{name}: columns {cols} != {header}"
    got = [tuple(from_engine(k, v) for k, v in zip(kinds, r)) for r in rows]
    if name == "data_quality":
        want = [typed_metric(r) for r in want if r[0] != "header_line"]
        got = [typed_metric(r) for r in got if r[0] != "header_line"]
        kinds = ["str", "float"]
    keyed = [i for i, k in enumerate(kinds) if k not in ("float", "value")]

    def key(r):
        return tuple(str(r[i]) for i in keyed)

    want.sort(key=key)
    got.sort(key=key)
    if len(want) != len(got):
        return f"{name}: {len(got)} rows from SQL, {len(want)} in {csv_path.name}\n" + diff(want, got, key)
    for w, g in zip(want, got):
        for k, a, b in zip(kinds, w, g):
            if k == "float" and isinstance(a, float):
                ok = abs(a - b) <= FLOAT_TOL * max(1.0, abs(a))
            else:
                ok = a == b
            if not ok:
                return f"{name}: cpm {w}\n{' ' * len(name)}  sql {g}"
    return None


def diff(want, got, key):
    w, g = {key(r): r for r in want}, {key(r): r for r in got}
    lines = [f"  only in cpm: {w[k]}" for k in sorted(set(w) - set(g))[:8]]
    lines += [f"  only in sql: {g[k]}" for k in sorted(set(g) - set(w))[:8]]
    return "\n".join(lines)


class Runner:
    def __init__(self, cpm, work):
        self.cpm = cpm
        self.work = pathlib.Path(work)
        self.n = 0
        self.failures = []
        self.tables = {}  # (file, config, as_of) -> `cpm tables` result, shared by the engines

    def case(self, engine, dialect, label, csv_path, config, as_of, twice=False, timestamps=False):
        self.n += 1
        d = self.work / f"case{self.n}"
        d.mkdir()
        cfg = d / "cpm.toml"
        cfg.write_text(config, encoding="utf-8")
        extra = ["--as-of", as_of] if as_of else []
        key = (str(csv_path), config, as_of)
        if key not in self.tables:
            out = d / "t"
            run = subprocess.run(
                [self.cpm, "tables", "--input", str(csv_path), "--config", str(cfg), "--out-dir", str(out)] + extra,
                capture_output=True, text=True,
            )
            self.tables[key] = (run, out)
        tables, tables_dir = self.tables[key]
        sql = subprocess.run(
            [self.cpm, "sql", "--dialect", dialect, "--table", "orders", "--config", str(cfg), "--out", str(d / "s")]
            + extra + (["--timestamps"] if timestamps else []),
            capture_output=True, text=True,
        )
        if sql.returncode != 0:
            return self.fail(label, f"cpm sql failed: {sql.stderr}")
        if timestamps:
            engine.load(csv_path, date_type="TIMESTAMPTZ")
        else:
            engine.load(csv_path)
        try:
            script = (d / "s" / "run.sql").read_text(encoding="utf-8")
            engine.run(script)
            if twice:  # run.sql replaces its tables: a second run gives the same tables
                engine.run(script)
        except Exception as e:
            return self.fail(label, f"{dialect}: {e}")
        for name in KINDS:
            cols, rows = engine.table(f"cpm_{name}")
            if tables.returncode != 0:
                # cpm refuses (no snapshot date): the SQL makes empty tables
                if rows:
                    return self.fail(label, f"cpm tables failed ({tables.stderr.strip()}) but {name} has rows")
                continue
            problem = compare(name, tables_dir / f"{name}.csv", cols, rows)
            if problem:
                return self.fail(label, f"{dialect}: {problem}\n  files: {d}")
        return True

    def report(self, engine, label, csv_path, config, as_of):
        """The way back: the SQL's tables exported as CSV (DuckDB's COPY) with
        rules.toml render, through `cpm report --tables`, the same report as
        cpm's own tables folder."""
        if not self.case(engine, "duckdb", label, csv_path, config, as_of):
            return False
        d = self.work / f"case{self.n}"
        export = d / "tables"
        cwd = os.getcwd()
        os.chdir(d)  # export.sql writes into ./tables
        try:
            export.mkdir(exist_ok=True)
            engine.run((d / "s" / "export.sql").read_text(encoding="utf-8"))
        finally:
            os.chdir(cwd)
        (export / "rules.toml").write_bytes((d / "s" / "rules.toml").read_bytes())
        _, tables_dir = self.tables[(str(csv_path), config, as_of)]
        pages = []
        for src in (export, tables_dir):
            out = d / f"report-{src.name}"
            run = subprocess.run([self.cpm, "report", "--tables", str(src), "--out-dir", str(out), "--lang", "en"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                return self.fail(label, f"cpm report --tables {src.name}: {run.stderr}")
            pages.append(sorted(out.glob("*/index.html")))
        a, b = pages
        if len(a) != 1 or len(b) != 1:
            return self.fail(label, f"expected one report each, got {a} and {b}")
        # the one difference allowed: the data's name (the table, not the file)
        from_sql = a[0].read_bytes().replace(b"\xc2\xb7 Data orders \xc2\xb7", f"\u00b7 Data {csv_path.name} \u00b7".encode())
        if from_sql != b[0].read_bytes():
            return self.fail(label, f"the report from the SQL's tables differs from cpm's: {a[0]} {b[0]}")
        return True

    def fail(self, label, message):
        self.failures.append(f"FAIL {label}\n  {message}")
        print(self.failures[-1], flush=True)
        return False


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["customer_id", "order_date", "amount"])
        w.writerows(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpm", required=True)
    ap.add_argument("--engines", default="duckdb,bigquery,snowflake")
    ap.add_argument("--suite", choices=["ci", "full", "small"], default="ci")
    ap.add_argument("--random", type=int, default=None, help="random histories (default: 300 for ci/full)")
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cpm-sql-check-")
    runner = Runner(os.path.abspath(args.cpm), work)
    data = pathlib.Path(work) / "data"
    data.mkdir()
    edges = {}
    for name, rows in cases.edge_cases().items():
        edges[name] = data / f"{name}.csv"
        write_csv(edges[name], rows)
    sample = ROOT / "data" / "orders.csv"
    stamps = data / "timestamps.csv"
    write_csv(stamps, cases.TIMESTAMPS)
    n_random = args.random if args.random is not None else (0 if args.suite == "small" else 300)
    for engine_name in args.engines.split(","):
        if engine_name == "spark":
            engine, dialect = engines.SparkEngine(pathlib.Path(work) / "spark-warehouse"), "spark"
        elif engine_name in ("bigquery", "snowflake"):
            engine, dialect = engines.DuckEngine(read=engine_name), engine_name
        elif engine_name == "duckdb":
            engine, dialect = engines.DuckEngine(), "duckdb"
        else:
            sys.exit(f"unknown engine {engine_name!r}")
        before = runner.n
        small = args.suite == "small"
        configs = ["cpm", "lifecycle_014"] if small else list(cases.CONFIGS)
        for cfg in configs:
            runner.case(engine, dialect, f"{dialect} sample {cfg}", sample, cases.CONFIGS[cfg], None, twice=cfg == "cpm")
        chosen = ["returns", "boundaries", "ties"] if small else list(edges)
        for name in chosen:
            for cfg in configs:
                for as_of_name, as_of in cases.AS_OF.items():
                    if small and as_of_name == "end":
                        continue
                    label = f"{dialect} {name} {cfg} as_of={as_of_name}"
                    runner.case(engine, dialect, label, edges[name], cases.CONFIGS[cfg], as_of)
        if engine_name == "duckdb":
            for cfg in ["cpm", "lifecycle", "cpm_super"]:
                runner.report(engine, f"duckdb report from exported tables {cfg}", sample, cases.CONFIGS[cfg],
                              "2025-12-31")
        if engine_name != "spark":
            for cfg in ["cpm", "lifecycle"]:
                runner.case(engine, dialect, f"{dialect} timestamps {cfg}", stamps, cases.CONFIGS[cfg], None,
                            timestamps=True)
        rng = random.Random(args.seed)
        count = n_random if engine_name == "duckdb" else n_random // 10
        for i in range(count):
            rows, as_of = cases.random_history(rng)
            config = cases.random_config(rng)
            path = data / f"random{i}.csv"
            write_csv(path, rows)
            runner.case(engine, dialect, f"{dialect} random #{i} (seed {args.seed})\n{config}as_of={as_of}", path,
                        config, as_of)
        print(f"{dialect}: {runner.n - before} histories x rule sets checked", flush=True)
        if hasattr(engine, "close"):
            engine.close()
    if runner.failures:
        print(f"{len(runner.failures)} of {runner.n} checks failed (work files in {work})")
        sys.exit(1)
    print(f"all {runner.n} checks passed: every table equal to cpm tables")


if __name__ == "__main__":
    main()

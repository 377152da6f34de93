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
KINDS = {  # column -> how it is compared (with --by, a leading `group` column as text)
    "snapshots": "str str int float dec dec",
    "transitions": "str str str str int",
    "conversion": "str int int float bool",
    "segments": "str str str str int int dec int str",
    "ladder": "str int int str int",
    "activity": "str int int dec",
    "data_quality": "str value",
}
# data_quality's values by metric; header_line is a file's line (empty for a table)
METRIC_KINDS = {"returns_total": "dec", "purchases_total": "dec", "returns_share": "float",
                "cancelled_total": "dec", "guest_orders_total": "dec"}
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
        if header and header[0] == "group":
            kinds = ["str"] + kinds
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


def compare_rejects(csv_path, table):
    """The rejected rows as (column, value, reason, problem), as multisets:
    cpm's `place` is a line of the file, the table's a number."""
    want = []
    if csv_path.exists():
        with open(csv_path, newline="", encoding="utf-8") as f:
            want = [tuple(r[1:]) for r in list(csv.reader(f))[1:]]
    cols, rows = table
    got = [tuple("" if v is None else str(v) for v in r[1:5]) for r in rows]
    if sorted(want) != sorted(got):
        return f"cpm {sorted(want)}\n  sql {sorted(got)}"
    return None


def diff(want, got, key):
    w, g = {key(r): r for r in want}, {key(r): r for r in got}
    lines = [f"  only in cpm: {w[k]}" for k in sorted(set(w) - set(g))[:8]]
    lines += [f"  only in sql: {g[k]}" for k in sorted(set(g) - set(w))[:8]]
    return "\n".join(lines)


class Runner:
    def __init__(self, cpm, work, only=None):
        self.cpm = cpm
        self.only = only  # run only the checks whose label contains this
        self.work = pathlib.Path(work)
        self.n = 0
        self.failures = []
        self.tables = {}  # (file, config, as_of) -> `cpm tables` result, shared by the engines

    def new_case(self, config):
        """A fresh folder for the next case, with `config` as its cpm.toml."""
        self.n += 1
        d = self.work / f"case{self.n}"
        d.mkdir()
        cfg = d / "cpm.toml"
        cfg.write_text(config, encoding="utf-8")
        return d, cfg

    def case(self, engine, dialect, label, csv_path, config, as_of, twice=False, timestamps=False, args=(), text=False):
        """`args`: --by/--where/--where-not, given to both commands; `text`:
        the orders table holds every column as text (bad cells included),
        compared with `cpm tables --lenient` and its rejects.csv."""
        if self.only and self.only not in label:
            return True
        d, cfg = self.new_case(config)
        extra = (["--as-of", as_of] if as_of else []) + list(args)
        key = (str(csv_path), config, as_of, tuple(args), text)
        if key not in self.tables:
            out = d / "t"
            run = subprocess.run(
                [self.cpm, "tables", "--input", str(csv_path), "--config", str(cfg), "--out-dir", str(out)] + extra
                + (["--lenient"] if text else []),
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
        engine.load(csv_path, date_type=None if text else "TIMESTAMPTZ" if timestamps else "DATE")
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
        if tables.returncode == 0:
            problem = compare_rejects(tables_dir / "rejects.csv", engine.table("cpm_rejects"))
            if problem:
                return self.fail(label, f"{dialect}: rejects: {problem}\n  files: {d}")
        return True

    def report(self, engine, label, csv_path, config, as_of, args=(), text=False):
        """The way back: the SQL's tables exported as CSV (DuckDB's COPY) with
        rules.toml render, through `cpm report --tables`, the same report as
        cpm's own tables folder."""
        if self.only and self.only not in label:
            return True
        # cpm's tables made in this case's folder, so that both reports name the same config file
        self.tables.pop((str(csv_path), config, as_of, tuple(args), text), None)
        if not self.case(engine, "duckdb", label, csv_path, config, as_of, args=args, text=text):
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
        _, tables_dir = self.tables[(str(csv_path), config, as_of, tuple(args), text)]
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

    def expect(self, engine, dialect, label, csv_path, config, as_of, quality, rejects=None):
        """The SQL's data_quality (and, when given, its rejected rows) equal
        values worked out by hand; `cpm tables --lenient` gives the same
        data_quality, or, with `rejects`, stops on the first of those rows."""
        if self.only and self.only not in label:
            return True
        d, cfg = self.new_case(config)
        extra = ["--as-of", as_of] if as_of else []
        run = subprocess.run([self.cpm, "tables", "--input", str(csv_path), "--config", str(cfg), "--out-dir",
                              str(d / "t"), "--lenient"] + extra, capture_output=True, text=True)
        if rejects is None:
            if run.returncode != 0:
                return self.fail(label, f"cpm tables failed: {run.stderr}")
            with open(d / "t" / "data_quality.csv", newline="", encoding="utf-8") as f:
                got = dict(list(csv.reader(f))[1:])
            problem = self.metrics("cpm tables", quality, got)
            if problem:
                return self.fail(label, problem)
        elif run.returncode != 1 or rejects[0][3] not in run.stderr:
            return self.fail(label, f"cpm tables should stop on {rejects[0]}: {run.returncode} {run.stderr}")
        sql = subprocess.run([self.cpm, "sql", "--dialect", dialect, "--table", "orders", "--config", str(cfg),
                              "--out", str(d / "s")] + extra, capture_output=True, text=True)
        if sql.returncode != 0:
            return self.fail(label, f"cpm sql failed: {sql.stderr}")
        engine.load(csv_path, date_type=None)
        try:
            engine.run((d / "s" / "run.sql").read_text(encoding="utf-8"))
        except Exception as e:
            return self.fail(label, f"{dialect}: {e}")
        _, rows = engine.table("cpm_data_quality")
        problem = self.metrics(dialect, quality, {m: "" if v is None else str(v) for m, v in rows})
        if problem:
            return self.fail(label, problem)
        if rejects is not None:
            _, rows = engine.table("cpm_rejects")
            got = sorted(tuple("" if v is None else str(v) for v in r[1:5]) for r in rows)
            if got != sorted(rejects):
                return self.fail(label, f"{dialect}: rejects {got}\n  expected {sorted(rejects)}")
        return True

    @staticmethod
    def metrics(who, want, got):
        for metric, value in want.items():
            kind = "dec" if metric.endswith("_total") else "str"
            if metric not in got or parse(kind, got[metric]) != parse(kind, value):
                return f"{who}: {metric} = {got.get(metric)!r}, worked out by hand: {value!r}"
        return None

    def fail(self, label, message):
        self.failures.append(f"FAIL {label}\n  {message}")
        print(self.failures[-1], flush=True)
        return False


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["customer_id", "order_date", "amount", "channel", "product"][: len(rows[0])])
        w.writerows(rows)


def write_table(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def shuffled(path, out, seed):
    """The same rows as `path` in another order."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    body = rows[1:]
    random.Random(seed).shuffle(body)
    with open(out, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0]] + body)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpm", required=True)
    ap.add_argument("--engines", default="duckdb,bigquery,snowflake")
    ap.add_argument("--suite", choices=["ci", "full", "small"], default="ci")
    ap.add_argument("--random", type=int, default=None, help="random histories (default: 300 for ci/full)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--only", help="run only the checks whose label contains this text (e.g. cart)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cpm-sql-check-")
    runner = Runner(os.path.abspath(args.cpm), work, args.only)
    data = pathlib.Path(work) / "data"
    data.mkdir()
    edges = {}
    for name, rows in cases.edge_cases().items():
        edges[name] = data / f"{name}.csv"
        write_csv(edges[name], rows)
    sample = ROOT / "data" / "orders.csv"
    stamps = data / "timestamps.csv"
    write_csv(stamps, cases.TIMESTAMPS)
    groups = data / "groups.csv"
    write_csv(groups, cases.group_rows())
    groups_shuffled = shuffled(groups, data / "groups_shuffled.csv", 1)
    sample_shuffled = shuffled(sample, data / "orders_shuffled.csv", 2)
    bad = data / "bad_cells.csv"
    write_csv(bad, cases.bad_cells())
    cart = data / "cart.csv"
    write_table(cart, cases.CART_HEADER, cases.cart_rows())
    inexact = data / "inexact.csv"
    write_table(inexact, cases.CART_HEADER, cases.inexact_rows())
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
            # without --as-of (rules.toml has no as_of: the tables' date is read), and with --by/--where
            for cfg in ["cpm", "lifecycle"]:
                runner.report(engine, f"duckdb report without --as-of {cfg}", sample, cases.CONFIGS[cfg], None)
            runner.report(engine, "duckdb report --by channel --where-not shop", sample, cases.CONFIGS["cpm"], None,
                          args=["--by", "channel", "--where-not", "shop=楽天市場"])
            # cancelled lines and guest orders in the report's data section, from the SQL's counts
            runner.report(engine, "duckdb report cart", cart, cases.CART_CONFIGS["cart"], "2024-03-31", text=True)
        if engine_name != "spark":
            for cfg in ["cpm", "lifecycle"]:
                runner.case(engine, dialect, f"{dialect} timestamps {cfg}", stamps, cases.CONFIGS[cfg], None,
                            timestamps=True)
        # --by / --where (spec sections 9, 10): the group rule's edge cases, the
        # sample, both shuffled; the group must not depend on the row order.
        group_cfgs = ["cpm", "lifecycle_014"]
        for label, extra in cases.GROUP_ARGS if not small else cases.GROUP_ARGS[:1] + cases.GROUP_ARGS[4:5]:
            for cfg in group_cfgs:
                for as_of in (None, "2024-04-15") if not small else (None,):
                    for path in (groups, groups_shuffled):
                        runner.case(engine, dialect, f"{dialect} groups {path.name} {label} {cfg} as_of={as_of}",
                                    path, cases.CONFIGS[cfg], as_of or "2024-06-30", args=extra)
        for label, extra in cases.SAMPLE_ARGS if not small else cases.SAMPLE_ARGS[:1]:
            for cfg in group_cfgs if not small else ["cpm"]:
                for path in (sample, sample_shuffled) if not small else (sample_shuffled,):
                    runner.case(engine, dialect, f"{dialect} sample {path.name} {label} {cfg}", path,
                                cases.CONFIGS[cfg], None, args=extra)
        # cells read as text: parsed or rejected as cpm --lenient does
        for cfg in ["cpm", "lifecycle"] if not small else ["cpm"]:
            runner.case(engine, dialect, f"{dialect} bad cells {cfg}", bad, cases.CONFIGS[cfg], "2024-03-31", text=True)
            runner.case(engine, dialect, f"{dialect} bad cells by channel {cfg}", groups, cases.CONFIGS[cfg],
                        "2024-06-30", text=True, args=["--by", "channel"])
        runner.case(engine, dialect, f"{dialect} sample as text", sample, cases.CONFIGS["cpm"], None, text=True)
        # a cart export (cancel flags, guest ids, an amount formula), as text
        for cfg in list(cases.CART_CONFIGS) if not small else ["cart_three"]:
            for as_of in ("2024-03-31", None) if not small else ("2024-03-31",):
                runner.case(engine, dialect, f"{dialect} cart {cfg} as_of={as_of}", cart, cases.CART_CONFIGS[cfg],
                            as_of, text=True)
        for extra in (["--where-not", "店舗=楽天"], ["--by", "店舗"]) if not small else ():
            runner.case(engine, dialect, f"{dialect} cart {extra}", cart, cases.CART_CONFIGS["cart"], "2024-03-31",
                        text=True, args=extra)
        runner.expect(engine, dialect, f"{dialect} cart counts worked out by hand", cart, cases.CART_CONFIGS["cart"],
                      "2024-03-31", cases.CART_QUALITY)
        runner.expect(engine, dialect, f"{dialect} formulas cpm cannot compute", inexact, cases.INEXACT_CONFIG, "2024-01-31",
                      cases.INEXACT_QUALITY, cases.INEXACT_REJECTS)
        rng = random.Random(args.seed + 1)
        count = n_random // 3 if engine_name == "duckdb" else n_random // 30
        for i in range(count):
            rows, as_of, extra = cases.random_attributed(rng)
            config = cases.random_config(rng)
            path = data / f"attributed{i}.csv"
            write_csv(path, rows)
            runner.case(engine, dialect, f"{dialect} random attributed #{i} {extra}\n{config}as_of={as_of}", path,
                        config, as_of, args=extra, text=i % 2 == 1)
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

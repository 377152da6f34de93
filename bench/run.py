#!/usr/bin/env python3
"""Benchmark harness for `cpm tables` (issue 4). Standard library only.

    python3 bench/run.py --cpm PATH/TO/release/cpm [--sizes 100k,1m,10m] [--runs 3]

(`just bench` builds the release binary and runs this.) It

1. generates synthetic order histories with `cpm generate` (fixed seed,
   2021-01-01 .. 2025-12-31) for each size, as Parquet and CSV, cached in
   $CPM_BENCH_DATA (default ~/.cache/cpm-bench): a file that exists is reused;
2. times `cpm tables` end to end from each file, --runs times, and reports the
   median wall time, rows per second and the peak RSS of that one child
   process (os.wait4 returns the rusage of exactly the child waited for);
3. runs the same for 1M customers over 12, 60 and 120 month-ends, to show that
   the number of month-ends barely matters;
4. runs bench/reference_polars.py (Python polars, installed into a venv in the
   data folder when missing) on the same files in the same run, and checks
   that its four tables equal cpm's: on the 100k data set (--check) in full,
   plus the reference's slow grid method as a third opinion; on the other
   sizes with segments.csv compared row by row, streamed;
5. replaces the section between `<!-- bench:start -->` and `<!-- bench:end -->`
   in BENCHMARKS.md with the results (the rest of the file is left alone) and
   keeps the raw figures as JSON in the data folder.

Timings are warm: the input files are in the page cache after generation or
the first run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "bench" / "reference_polars.py"
MARK_START = "<!-- bench:start -->"
MARK_END = "<!-- bench:end -->"
SEED = 42
START, END = "2021-01-01", "2025-12-31"
# Spans for the month-ends experiment (same customer count, same end).
MONTH_SPANS = [("2025-01-01", END, 12), (START, END, 60), ("2016-01-01", END, 120)]
TABLES = ["snapshots.csv", "transitions.csv", "conversion.csv", "segments.csv"]


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def parse_count(text: str) -> int:
    text = text.strip().lower()
    for suffix, mult in (("k", 1_000), ("m", 1_000_000), ("g", 1_000_000_000)):
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * mult)
    return int(text)


def label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# ---------------------------------------------------------------------------
# running and measuring one child


class ChildFailed(RuntimeError):
    pass


def measure(cmd: list[str], log_path: Path, env: dict | None = None) -> tuple[float, float, float]:
    """Runs cmd; returns wall seconds, peak RSS in MB and CPU seconds (user +
    system) of exactly that child."""
    with open(log_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise ChildFailed(f"{' '.join(cmd)} exited with {proc.returncode}:\n{tail}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # Linux: ru_maxrss in KiB


LOADS: list[float] = []  # 1-minute load average before every timed run


def timed_runs(cmd: list[str], runs: int, log_path: Path, env=None) -> dict:
    walls, rss, cpus = [], [], []
    for i in range(runs):
        LOADS.append(os.getloadavg()[0])
        w, r, c = measure(cmd, log_path, env)
        walls.append(w)
        rss.append(r)
        cpus.append(c)
        log(f"    run {i + 1}/{runs}: {w:.2f} s wall, {c:.2f} s CPU, {r:.0f} MB (load {LOADS[-1]:.1f})")
    return {"walls": walls, "median_s": statistics.median(walls), "min_s": min(walls),
            "cpu_s": statistics.median(cpus), "peak_rss_mb": max(rss)}


# ---------------------------------------------------------------------------
# data


def data_file(data_dir: Path, customers: int, start: str, end: str, fmt: str) -> Path:
    return data_dir / f"orders-{label(customers)}-seed{SEED}-{start}-{end}.{fmt}"


def ensure_data(cpm: str, path: Path, customers: int, start: str, end: str, regenerate: bool) -> dict:
    meta_path = path.with_name(path.name + ".json")
    if path.exists() and not regenerate:
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        meta["generated_now"] = False
        return meta
    fmt = path.suffix.lstrip(".")
    tmp = path.with_name(path.stem + ".partial." + fmt)
    log(f"generating {path.name} ({customers:,} customers, {start} .. {end})")
    cmd = [cpm, "generate", "--customers", str(customers), "--seed", str(SEED),
           "--start", start, "--end", end, "--out", str(tmp)]
    wall, rss, _ = measure(cmd, path.with_name(path.name + ".log"))
    os.replace(tmp, path)
    meta = {"generate_s": wall, "generate_rss_mb": rss, "bytes": path.stat().st_size,
            "created": dt.datetime.now().isoformat(timespec="seconds")}
    meta_path.write_text(json.dumps(meta))
    meta["generated_now"] = True
    log(f"  {wall:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
    return meta


def rows_read(out_dir: Path) -> int | None:
    """rows_read from the data_quality.csv cpm writes beside the tables."""
    try:
        with open(out_dir / "data_quality.csv", newline="") as f:
            for row in csv.reader(f):
                if row and row[0] == "rows_read":
                    return int(row[1])
    except (OSError, ValueError):
        pass
    return None


def line_count(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(buf.count(b"\n") for buf in iter(lambda: f.read(1 << 20), b"")) - 1


# ---------------------------------------------------------------------------
# the reference's environment


def reference_python(data_dir: Path, allow_install: bool) -> tuple[str | None, str]:
    """A python with polars, or None and why not."""
    for py in [os.environ.get("CPM_BENCH_PYTHON"), str(data_dir / "venv" / "bin" / "python"), sys.executable]:
        if py and Path(py).exists():
            probe = subprocess.run([py, "-c", "import polars; print(polars.__version__)"],
                                   capture_output=True, text=True)
            if probe.returncode == 0:
                return py, probe.stdout.strip()
    if not allow_install:
        return None, "polars not installed and --no-install given"
    venv = data_dir / "venv"
    log(f"installing polars into {venv}")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "polars"], check=True)
    except (subprocess.CalledProcessError, OSError) as e:
        return None, f"could not install polars with pip ({e})"
    py = str(venv / "bin" / "python")
    probe = subprocess.run([py, "-c", "import polars; print(polars.__version__)"], capture_output=True, text=True)
    if probe.returncode != 0:
        return None, "polars installed but does not import:\n" + probe.stderr
    return py, probe.stdout.strip()


# ---------------------------------------------------------------------------
# comparing the four tables


def _int(s):
    return int(s)


def _dec(s):
    return Decimal(s)


def _float(s):
    return float(s)


def _bool(s):
    return s.strip().lower() == "true"


SCHEMAS = {
    "snapshots.csv": (["month_end", "segment"],
                      {"customers": _int, "share": _float, "sales": _dec, "cumulative_sales": _dec}),
    "transitions.csv": (["from_month_end", "to_month_end", "from_segment", "to_segment"], {"customers": _int}),
    "conversion.csv": (["cohort_month"],
                       {"cohort_size": _int, "converted": _int, "rate": _float, "matured": _bool}),
    "segments.csv": (["customer_id"],
                     {"segment": str, "first_purchase": str, "last_purchase": str, "tenure_days": _int,
                      "recency_days": _int, "total": _dec, "purchase_days": _int}),
}


def load_table(path: Path, name: str) -> tuple[dict, list[str]]:
    keys, values = SCHEMAS[name]
    rows: dict = {}
    problems = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in keys + list(values) if c not in (reader.fieldnames or [])]
        if missing:
            return {}, [f"{path}: missing columns {missing} (has {reader.fieldnames})"]
        if list(reader.fieldnames) != keys + list(values):
            problems.append(f"{path}: column order {reader.fieldnames}")
        for row in reader:
            k = tuple(row[c] for c in keys)
            if k in rows:
                problems.append(f"{path}: duplicate key {k}")
            rows[k] = {c: conv(row[c]) for c, conv in values.items()}
    return rows, problems


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))
    return a == b


def compare_tables(cpm_dir: Path, ref_dir: Path, examples: int = 8) -> dict:
    """Per table: rows, keys only in one side, rows whose values differ."""
    return compare_tables_subset(cpm_dir, ref_dir, TABLES, examples)


def compare_tables_subset(cpm_dir: Path, ref_dir: Path, names: list[str], examples: int = 8) -> dict:
    result = {}
    for name in names:
        a, pa = load_table(cpm_dir / name, name)
        b, pb = load_table(ref_dir / name, name)
        only_cpm = sorted(set(a) - set(b))
        only_ref = sorted(set(b) - set(a))
        diff = []
        for k in sorted(set(a) & set(b)):
            cols = [c for c in a[k] if not same(a[k][c], b[k][c])]
            if cols:
                diff.append((k, {c: (str(a[k][c]), str(b[k][c])) for c in cols}))
        result[name] = {
            "rows_cpm": len(a), "rows_ref": len(b),
            "only_cpm": len(only_cpm), "only_ref": len(only_ref), "differ": len(diff),
            "examples_only_cpm": [list(k) for k in only_cpm[:examples]],
            "examples_only_ref": [list(k) for k in only_ref[:examples]],
            "examples_differ": [[list(k), d] for k, d in diff[:examples]],
            "format_notes": pa[:3] + pb[:3],
            "agree": not (only_cpm or only_ref or diff),
        }
    return result


def compare_streamed(cpm_dir: Path, ref_dir: Path, examples: int = 8) -> dict:
    """Like compare_tables, for big outputs: the three small tables in memory,
    segments.csv streamed line by line (both sides are sorted by customer id;
    if either is not, the comparison says so instead)."""
    result = compare_tables_subset(cpm_dir, ref_dir, TABLES[:3], examples)
    keys, values = SCHEMAS["segments.csv"]
    rows = differ = 0
    ex, note = [], None
    with open(cpm_dir / "segments.csv", newline="", encoding="utf-8") as fa, \
            open(ref_dir / "segments.csv", newline="", encoding="utf-8") as fb:
        ra, rb = csv.DictReader(fa), csv.DictReader(fb)
        prev = None
        for x, y in zip(ra, rb):
            rows += 1
            if prev is not None and x["customer_id"] <= prev:
                note = "cpm's segments.csv is not sorted by customer id"
                break
            prev = x["customer_id"]
            cols = [c for c in keys + list(values)
                    if not same(*(values.get(c, str)(v[c]) for v in (x, y)))]
            if cols:
                differ += 1
                if len(ex) < examples:
                    ex.append([[x["customer_id"]], {c: (x[c], y[c]) for c in cols}])
        tail_a, tail_b = sum(1 for _ in ra), sum(1 for _ in rb)
    result["segments.csv"] = {
        "rows_cpm": rows + tail_a, "rows_ref": rows + tail_b, "only_cpm": tail_a, "only_ref": tail_b,
        "differ": differ, "examples_differ": ex, "examples_only_cpm": [], "examples_only_ref": [],
        "format_notes": [note] if note else [], "agree": not (differ or tail_a or tail_b or note),
    }
    return result


def files_identical(d1: Path, d2: Path) -> bool:
    for name in TABLES:
        with open(d1 / name, "rb") as f1, open(d2 / name, "rb") as f2:
            while True:
                x, y = f1.read(1 << 20), f2.read(1 << 20)
                if x != y:
                    return False
                if not x:
                    break
    return True


# ---------------------------------------------------------------------------
# machine and report


def machine() -> dict:
    info = {"cores": os.cpu_count(), "cpu": platform.processor() or platform.machine(), "mem_gb": None}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["mem_gb"] = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    info["kernel"] = platform.release()
    return info


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "src", "Cargo.toml",
                                "Cargo.lock"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        return head + (" (with uncommitted changes under src/)" if dirty else "")
    except (subprocess.CalledProcessError, OSError):
        return "unknown"


def fmt_rate(rows: float) -> str:
    if rows >= 1e6:
        return f"{rows / 1e6:.1f} M"
    return f"{rows / 1e3:.0f} k"


def fmt_s(s: float | None) -> str:
    return "–" if s is None else (f"{s:.2f}" if s < 10 else f"{s:.1f}")


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        MARK_START,
        "<!-- Written by bench/run.py; edits between these markers are overwritten. -->",
        "",
        f"Measured {results['date']} on {m['cores']} cores ({m['cpu']}), "
        f"{m['mem_gb']:.1f} GB RAM, Linux {m['kernel']}; cpm at commit {results['commit']} "
        f"(release binary built {results['cpm_built']}); "
        f"reference: {results['reference']['status']}.",
        "",
        "```sh",
        results["command"],
        "```",
        "",
        f"`cpm tables` end to end (read, compute, write the four tables): median wall time of {results['runs']} "
        "warm runs, the median CPU time (user + system, all threads) of those runs, and the peak RSS of the "
        "process. The reference is `bench/reference_polars.py` on the same file in the same run; "
        "ratio = reference wall time / cpm wall time. "
        f"1-minute load average before the runs: {results['load'][0]:.1f} – {results['load'][1]:.1f} "
        f"(other work shared the machine whenever it exceeds about 1).",
        "",
        "| customers | format | rows | file MB | cpm s | cpm CPU s | rows/s | cpm peak RSS MB "
        "| reference s | reference CPU s | reference peak RSS MB | ratio |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results["tables"]:
        ref = r.get("reference")
        c = r["cpm"]
        lines.append(
            f"| {label(r['customers'])} | {r['format']} | {r['rows']:,} | {r['bytes'] / 1e6:,.0f} "
            f"| {fmt_s(c['median_s'])} | {fmt_s(c['cpu_s'])} | {fmt_rate(r['rows'] / c['median_s'])} "
            f"| {c['peak_rss_mb']:,.0f} "
            + (f"| {fmt_s(ref['median_s'])} | {fmt_s(ref['cpu_s'])} | {ref['peak_rss_mb']:,.0f} "
               f"| {ref['median_s'] / c['median_s']:.1f}× |"
               if ref else "| – | – | – | – |")
        )
    if results["months"]:
        lines += [
            "",
            f"Month-ends barely matter: {label(results['months_customers'])} customers, Parquet, the same "
            "generator over 1, 5 and 10 years (more years also means more rows per customer).",
            "",
            "| span | month-ends | rows | cpm s | cpm CPU s | ns/row (wall) | cpm peak RSS MB | reference s | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in results["months"]:
            ref = r.get("reference")
            lines.append(
                f"| {r['start']} .. {r['end']} | {r['month_ends']} | {r['rows']:,} | {fmt_s(r['cpm']['median_s'])} "
                f"| {fmt_s(r['cpm']['cpu_s'])} "
                f"| {r['cpm']['median_s'] / r['rows'] * 1e9:.0f} | {r['cpm']['peak_rss_mb']:,.0f} "
                + (f"| {fmt_s(ref['median_s'])} | {ref['median_s'] / r['cpm']['median_s']:.1f}× |"
                   if ref else "| – | – |")
            )
    lines += ["", "Checks:", ""]
    for r in results["tables"]:
        if r["format"] == "csv" and r.get("csv_equals_parquet") is not None:
            lines.append(f"- {label(r['customers'])}: cpm's four tables from CSV and from Parquet are "
                         f"{'byte-identical' if r['csv_equals_parquet'] else '**different**'}.")
    check = results.get("check")
    if check is None:
        lines.append("- cpm vs reference: not checked (" + results["reference"]["status"] + ").")
    else:
        agree = all(t["agree"] for t in check["tables"].values())
        counts = ", ".join(f"{n} {t['rows_cpm']:,} rows" for n, t in check["tables"].items())
        lines.append(f"- cpm vs reference on {check['data']}: "
                     + ("**all four tables agree** (" + counts + "; rates and shares compared numerically)."
                        if agree else "**they differ**:")
                     + (" The reference's slow grid method (every customer's state recomputed at every "
                        "month-end) " + ("agrees too." if all(check["grid"].values()) else
                                         f"differs from cpm: {check['grid']}.") if check.get("grid") else ""))
        if not agree:
            for n, t in check["tables"].items():
                if not t["agree"]:
                    lines.append(f"  - {n}: {t['only_cpm']} rows only in cpm, {t['only_ref']} only in the reference,"
                                 f" {t['differ']} with different values; e.g. "
                                 + json.dumps(t["examples_differ"][:2] or t["examples_only_cpm"][:2]
                                              or t["examples_only_ref"][:2], ensure_ascii=False))
    for r in results["tables"]:
        if "agrees_with_reference" in r:
            lines.append(f"- cpm vs reference on {label(r['customers'])} customers ({r['format']}): "
                         + ("all four tables agree (segments.csv compared row by row, streamed)."
                            if r["agrees_with_reference"] else
                            "**they differ**: " + json.dumps({k: v for k, v in r["compare_detail"].items()
                                                              if not v["agree"]}, ensure_ascii=False)[:600]))
    gens = list({g["name"]: g for g in results["generation"] if g.get("generate_s")}.values())
    if gens:
        lines += ["", "Generating the data (`cpm generate`, when it was generated): "
                  + "; ".join(f"{g['name']} {g['generate_s']:.1f} s" for g in gens) + "."]
    lines += ["", MARK_END]
    return "\n".join(lines)


def write_markdown(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK_START in text and MARK_END in text:
        before = text[: text.index(MARK_START)]
        after = text[text.index(MARK_END) + len(MARK_END):]
        text = before + section + after
    else:
        text = (text.rstrip() + "\n\n" if text else "# Benchmarks\n\n") + section + "\n"
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------


def user_args(argv: list[str]) -> list[str]:
    """The command line less --cpm PATH (which `just bench` passes)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--cpm":
            skip = True
        elif not a.startswith("--cpm="):
            out.append(a)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpm", default=None, help="the cpm binary (default: $CARGO_TARGET_DIR or target, release)")
    ap.add_argument("--sizes", default="100k,1m,10m", help="customer counts, e.g. 100k,1m (default: 100k,1m,10m)")
    ap.add_argument("--formats", default="parquet,csv")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data-dir", type=Path,
                    default=Path(os.environ.get("CPM_BENCH_DATA", Path.home() / ".cache" / "cpm-bench")))
    ap.add_argument("--no-reference", action="store_true", help="skip the polars reference")
    ap.add_argument("--reference-runs", type=int, default=None, help="runs of the reference (default: --runs)")
    ap.add_argument("--no-install", action="store_true", help="never pip-install polars")
    ap.add_argument("--no-months", action="store_true", help="skip the 12/60/120 month-ends experiment")
    ap.add_argument("--months-customers", default="1m")
    ap.add_argument("--check", default="100k", help="size whose outputs are compared (default 100k)")
    ap.add_argument("--no-grid-check", action="store_true",
                    help="skip the slow grid-method cross-check on the --check size")
    ap.add_argument("--no-compare-all", action="store_true",
                    help="compare cpm with the reference only on the --check size")
    ap.add_argument("--regenerate", action="store_true", help="regenerate the data even if cached")
    ap.add_argument("--by", default=None, metavar="COLUMNS",
                    help="only measure the breakdown: cpm tables with and without --by COLUMN for each of "
                         "these comma-separated columns (bench/by.py), on data with attribute columns")
    ap.add_argument("--markdown", type=Path, default=REPO / "BENCHMARKS.md",
                    help="file to update (its marked section); '-' to only print")
    args = ap.parse_args()

    cpm = args.cpm or str(Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "cpm")
    if not Path(cpm).is_file():
        sys.exit(f"no cpm binary at {cpm}: run `cargo build --release` first (or pass --cpm)")
    cpm_built = dt.datetime.fromtimestamp(Path(cpm).stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    sizes = sorted(parse_count(s) for s in args.sizes.split(",") if s.strip())
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    ref_runs = args.reference_runs or args.runs
    data_dir = args.data_dir.expanduser().resolve()
    if REPO in data_dir.parents or data_dir == REPO:
        sys.exit(f"the bench data ({data_dir}) must not be inside the repository")
    data_dir.mkdir(parents=True, exist_ok=True)
    work = data_dir / "out"
    work.mkdir(exist_ok=True)
    # time a private copy, so that a rebuild during the run cannot change it
    shutil.copy2(cpm, work / "cpm")
    cpm = str(work / "cpm")

    results = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "commit": git_commit(),
        "cpm_built": cpm_built,
        "command": " ".join(["just bench"] + user_args(sys.argv[1:])),
        "runs": args.runs,
        "tables": [],
        "months": [],
        "generation": [],
        "check": None,
    }

    if args.by:
        import importlib.util
        spec = importlib.util.spec_from_file_location("bench_by", REPO / "bench" / "by.py")
        by = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(by)
        columns = [c.strip() for c in args.by.split(",") if c.strip()]
        result = by.run(sys.modules[__name__], cpm, data_dir, work, sizes, formats, columns, args.runs,
                        args.regenerate)
        loads = (min(LOADS), max(LOADS)) if LOADS else (0.0, 0.0)
        section = by.render(result, results["command"], results["commit"], results["machine"], loads)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        (data_dir / f"results-by-{stamp}.json").write_text(json.dumps(result, indent=1))
        print(section)
        if str(args.markdown) != "-":
            by.write_markdown(args.markdown, section)
            log(f"updated {args.markdown}")
        return 0

    ref_py, ref_info = (None, "skipped (--no-reference)")
    if not args.no_reference:
        ref_py, ref_info = reference_python(data_dir, not args.no_install)
        if ref_py is None:
            log(f"REFERENCE SKIPPED: {ref_info}")
    results["reference"] = {"python": ref_py,
                            "status": f"Python polars {ref_info}" if ref_py else f"not run: {ref_info}"}
    ref_env = dict(os.environ)

    def run_pair(path: Path, tag: str, with_ref: bool) -> dict:
        out_cpm = work / f"cpm-{tag}"
        shutil.rmtree(out_cpm, ignore_errors=True)
        log(f"cpm tables {path.name}")
        entry = {"cpm": timed_runs([cpm, "tables", "--input", str(path), "--out-dir", str(out_cpm)], args.runs,
                                   work / f"cpm-{tag}.log")}
        entry["rows"] = rows_read(out_cpm) or line_count(path)
        entry["bytes"] = path.stat().st_size
        entry["out_cpm"] = str(out_cpm)
        if with_ref and ref_py:
            out_ref = work / f"ref-{tag}"
            shutil.rmtree(out_ref, ignore_errors=True)
            log(f"reference {path.name}")
            try:
                entry["reference"] = timed_runs([ref_py, str(REFERENCE), str(path), str(out_ref)], ref_runs,
                                                work / f"ref-{tag}.log", ref_env)
                entry["out_ref"] = str(out_ref)
            except ChildFailed as e:
                log(f"  REFERENCE FAILED: {e}")
                entry["reference_error"] = str(e)[-2000:]
        return entry

    check_size = parse_count(args.check)
    for n in sizes:
        for fmt in formats:
            path = data_file(data_dir, n, START, END, fmt)
            meta = ensure_data(cpm, path, n, START, END, args.regenerate)
            results["generation"].append({"name": path.name, **meta})
        for fmt in formats:
            path = data_file(data_dir, n, START, END, fmt)
            entry = run_pair(path, f"{label(n)}-{fmt}", True)
            entry.update(customers=n, format=fmt)
            r = entry["cpm"]
            log(f"  => {label(n)} {fmt}: {entry['rows']:,} rows, cpm {r['median_s']:.2f} s "
                f"({entry['rows'] / r['median_s'] / 1e6:.1f} M rows/s, {r['peak_rss_mb']:.0f} MB)"
                + (f"; reference {entry['reference']['median_s']:.2f} s "
                   f"({entry['reference']['median_s'] / r['median_s']:.1f}x), "
                   f"{entry['reference']['peak_rss_mb']:.0f} MB" if entry.get("reference") else ""))
            results["tables"].append(entry)
        by_fmt = {e["format"]: e for e in results["tables"] if e["customers"] == n}
        if "csv" in by_fmt and "parquet" in by_fmt:
            by_fmt["csv"]["csv_equals_parquet"] = files_identical(Path(by_fmt["csv"]["out_cpm"]),
                                                                  Path(by_fmt["parquet"]["out_cpm"]))
        if n == check_size:
            e = by_fmt.get("parquet") or next(iter(by_fmt.values()))
            if e.get("out_ref"):
                log(f"comparing cpm and the reference on {label(n)} {e['format']}")
                tables = compare_tables(Path(e["out_cpm"]), Path(e["out_ref"]))
                results["check"] = {"data": f"{label(n)} customers ({e['format']})", "tables": tables}
                if not args.no_grid_check:
                    # a third opinion: the slow grid method (state recomputed at every month-end)
                    out_grid = work / f"grid-{label(n)}"
                    shutil.rmtree(out_grid, ignore_errors=True)
                    log("reference --method grid (cross-check)")
                    try:
                        src = data_file(data_dir, n, START, END, e["format"])
                        wall, _, _ = measure([ref_py, str(REFERENCE), str(src), str(out_grid), "--method", "grid"],
                                          work / "grid.log", ref_env)
                        grid = compare_tables(Path(e["out_cpm"]), out_grid)
                        results["check"]["grid"] = {n2: t["agree"] for n2, t in grid.items()}
                        log(f"  grid method ({wall:.1f} s) vs cpm: "
                            + ", ".join(f"{n2} {'agree' if t['agree'] else 'DIFFER'}" for n2, t in grid.items()))
                    except ChildFailed as err:
                        log(f"  grid method failed: {err}")
                for name, t in tables.items():
                    log(f"  {name}: {'agree' if t['agree'] else 'DIFFER'} ({t['rows_cpm']:,} rows cpm, "
                        f"{t['rows_ref']:,} reference; {t['only_cpm']} only cpm, {t['only_ref']} only reference, "
                        f"{t['differ']} differ)")
                    for ex in t["examples_differ"][:5]:
                        log(f"    differ: {ex}")
                    for ex in t["examples_only_cpm"][:5]:
                        log(f"    only cpm: {ex}")
                    for ex in t["examples_only_ref"][:5]:
                        log(f"    only reference: {ex}")

        if n != check_size and not args.no_compare_all:
            for e in by_fmt.values():
                if e.get("out_ref") and e["format"] == (by_fmt.get("parquet") or e)["format"]:
                    log(f"comparing cpm and the reference on {label(n)} {e['format']} (streamed)")
                    tables = compare_streamed(Path(e["out_cpm"]), Path(e["out_ref"]))
                    e["agrees_with_reference"] = all(t["agree"] for t in tables.values())
                    for name, t in tables.items():
                        if not t["agree"]:
                            log(f"  {name}: DIFFER {t['only_cpm']} only cpm, {t['only_ref']} only reference, "
                                f"{t['differ']} differ; e.g. {t['examples_differ'][:3]} {t['format_notes']}")
                    e["compare_detail"] = {k: {x: v[x] for x in ("agree", "differ", "only_cpm", "only_ref",
                                                                  "examples_differ", "format_notes")}
                                           for k, v in tables.items()}
                    log(f"  {'agree' if e['agrees_with_reference'] else 'DIFFER'}")

    if not args.no_months:
        mc = parse_count(args.months_customers)
        results["months_customers"] = mc
        for start, end, months in MONTH_SPANS:
            path = data_file(data_dir, mc, start, end, "parquet")
            meta = ensure_data(cpm, path, mc, start, end, args.regenerate)
            results["generation"].append({"name": path.name, **meta})
            entry = run_pair(path, f"months-{months}", True)
            entry.update(start=start, end=end, month_ends=months)
            r = entry["cpm"]
            log(f"  => {months} month-ends: {entry['rows']:,} rows, {r['median_s']:.2f} s, "
                f"{r['median_s'] / entry['rows'] * 1e9:.0f} ns/row")
            results["months"].append(entry)

    results["load"] = (min(LOADS), max(LOADS)) if LOADS else (0.0, 0.0)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (data_dir / f"results-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    section = render(results)
    print(section)
    if str(args.markdown) != "-":
        write_markdown(args.markdown, section)
        log(f"updated {args.markdown}")
    if results["check"] and not all(t["agree"] for t in results["check"]["tables"].values()):
        log("cpm and the reference DISAGREE (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

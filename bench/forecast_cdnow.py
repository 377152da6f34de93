#!/usr/bin/env python3
"""Forecast benchmark (issue 16): cpm forecast against BG/NBD and persistence.

    python bench/forecast_cdnow.py --cpm PATH/TO/cpm [--sample data/orders.csv] [--out results.json]

Run it with a Python that has `lifetimes` (pinned in `just bench-forecast`,
which makes the venv). It

1. converts CDNOW_master.txt (shipped inside the lifetimes package: 23,570
   customers, Jan 1997 - Jun 1998) to a cpm order file;
2. for the split of Fader, Hardie & Lee (2005), calibration through
   1997-09-30 and holdout 1997-10-01 .. 1998-06-30, and then for every
   quarter-end calibration that leaves at least 6 months of holdout, runs
   `cpm forecast --as-of END --new-customers 0` and compares its
   existing_purchase_days per holdout month with the actual purchase days
   (distinct customer-days), with BG/NBD (lifetimes' BetaGeoFitter, fitted on
   the frequency/recency/T summary built here, in days) and with persistence
   (the last calibration month's count carried forward): total error and
   monthly MAPE; and the segment counts at each holdout month-end against
   persistence (weighted MAPE);
3. runs `cpm forecast --backtest --months 12` on the sample and reports the
   rolling-origin weighted MAPE of the segment counts at 6 and 12 months
   against persistence.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import lifetimes
from lifetimes import BetaGeoFitter
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
SPLITS = ["1997-03-31", "1997-06-30", "1997-09-30", "1997-12-31"]
PAPER_SPLIT = "1997-09-30"
HOLDOUT_END = dt.date(1998, 6, 30)


def month_ends(after: dt.date, until: dt.date) -> list[dt.date]:
    out, y, m = [], after.year, after.month
    while True:
        m += 1
        if m == 13:
            y, m = y + 1, 1
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        if nxt > until:
            return out
        out.append(nxt)


def load_cdnow() -> list[tuple[str, dt.date, float]]:
    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    rows = []
    for line in path.read_text().splitlines()[1:]:
        cid, day, _cds, value = line.split()
        rows.append((cid, dt.datetime.strptime(day, "%Y%m%d").date(), float(value)))
    return rows


def run_cpm(cpm: str, args: list[str]) -> None:
    subprocess.run([cpm, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def mape(forecast: list[float], actual: list[float]) -> float:
    return sum(abs(f - a) / a for f, a in zip(forecast, actual)) / len(actual)


def split_result(cpm: str, orders: Path, rows, work: Path, end_text: str, snapshots) -> dict:
    end = dt.date.fromisoformat(end_text)
    ends = month_ends(end, HOLDOUT_END)
    out = work / f"fc-{end_text}"
    run_cpm(cpm, ["forecast", "--input", str(orders), "--as-of", end_text, "--months", str(len(ends)),
                  "--new-customers", "0", "--out-dir", str(out)])
    flow = read_csv(out / "forecast_flow.csv")
    cpm_monthly = [float(r["existing_purchase_days"]) for r in flow]

    # Actual purchase days (distinct customer-days) per month, of customers present at END.
    days = {(c, d) for c, d, _ in rows}
    present = {c for c, d in days if d <= end}
    actual = [0.0] * len(ends)
    last_month = 0.0
    first_of_end_month = end.replace(day=1)
    for c, d in days:
        if c not in present:
            continue
        if first_of_end_month <= d <= end:
            last_month += 1
        if d > end:
            i = next(i for i, e in enumerate(ends) if d <= e)
            actual[i] += 1

    # BG/NBD on the calibration summary (days).
    by_customer: dict[str, list[dt.date]] = defaultdict(list)
    for c, d in days:
        if d <= end:
            by_customer[c].append(d)
    summary = pd.DataFrame(
        [
            (len(ds) - 1, (max(ds) - min(ds)).days, (end - min(ds)).days)
            for ds in by_customer.values()
        ],
        columns=["frequency", "recency", "T"],
    )
    bg = BetaGeoFitter(penalizer_coef=0.0)
    bg.fit(summary["frequency"], summary["recency"], summary["T"])
    cumulative = []
    for e in ends:
        t = (e - end).days
        cumulative.append(
            bg.conditional_expected_number_of_purchases_up_to_time(
                t, summary["frequency"], summary["recency"], summary["T"]
            ).sum()
        )
    bg_monthly = [cumulative[0]] + [cumulative[i] - cumulative[i - 1] for i in range(1, len(ends))]
    persistence = [last_month] * len(ends)

    # Segment counts at each holdout month-end: cpm vs persistence.
    fc = defaultdict(dict)
    for r in read_csv(out / "forecast.csv"):
        fc[r["month_end"]][r["segment"]] = int(r["customers"])
    at_end = snapshots[end_text]
    err_cpm = err_pers = total = 0.0
    for e in ends:
        for seg, a in snapshots[e.isoformat()].items():
            total += a
            err_cpm += abs(fc[e.isoformat()][seg] - a)
            err_pers += abs(at_end[seg] - a)

    total_actual = sum(actual)
    return {
        "calibration_end": end_text,
        "holdout_months": len(ends),
        "actual_total": total_actual,
        "actual_monthly": actual,
        "cpm_monthly": cpm_monthly,
        "bgnbd_monthly": bg_monthly,
        "persistence_monthly": persistence,
        "cpm_total_error": sum(cpm_monthly) / total_actual - 1,
        "bgnbd_total_error": sum(bg_monthly) / total_actual - 1,
        "persistence_total_error": sum(persistence) / total_actual - 1,
        "cpm_mape": mape(cpm_monthly, actual),
        "bgnbd_mape": mape(bg_monthly, actual),
        "persistence_mape": mape(persistence, actual),
        "segments_wmape_cpm": err_cpm / total,
        "segments_wmape_persistence": err_pers / total,
        "bgnbd_params": {k: float(v) for k, v in bg.params_.items()},
    }


def snapshot_counts(cpm: str, orders: Path, work: Path) -> dict[str, dict[str, int]]:
    out = work / "tables"
    run_cpm(cpm, ["tables", "--input", str(orders), "--out-dir", str(out)])
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in read_csv(out / "snapshots.csv"):
        counts[r["month_end"]][r["segment"]] = int(r["customers"])
    return counts


def rolling(cpm: str, sample: Path, work: Path) -> list[dict[str, str]]:
    out = work / "backtest"
    run_cpm(cpm, ["forecast", "--input", str(sample), "--months", "12", "--backtest", "--out-dir", str(out)])
    return [r for r in read_csv(out / "backtest_summary.csv") if r["horizon"] in ("6", "12")]


def pct(v: float) -> str:
    return f"{100 * v:+.1f}%"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpm", required=True)
    ap.add_argument("--sample", default=str(REPO / "data" / "orders.csv"))
    ap.add_argument("--out", help="write the raw figures as JSON here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = load_cdnow()
        orders = work / "cdnow.csv"
        with open(orders, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["customer_id", "order_date", "amount"])
            for c, d, v in rows:
                w.writerow([c, d.isoformat(), f"{v:.2f}"])
        snapshots = snapshot_counts(args.cpm, orders, work)
        results = [split_result(args.cpm, orders, rows, work, end, snapshots) for end in SPLITS]
        backtest = rolling(args.cpm, Path(args.sample), work)
    paper = next(r for r in results if r["calibration_end"] == PAPER_SPLIT)
    print(f"CDNOW, calibration through {PAPER_SPLIT}, holdout to {HOLDOUT_END} (purchase days of existing customers)")
    print("month      actual      cpm   BG/NBD  persistence")
    for i, a in enumerate(paper["actual_monthly"]):
        print(f"{i + 1:>5} {a:>10.0f} {paper['cpm_monthly'][i]:>8.0f} {paper['bgnbd_monthly'][i]:>8.0f} "
              f"{paper['persistence_monthly'][i]:>12.0f}")
    print("\ncalibration_end  months  actual | total: cpm  BG/NBD  persist. | monthly MAPE: cpm  BG/NBD  persist. "
          "| segments wMAPE: cpm  persist.")
    for r in results:
        print(f"{r['calibration_end']}  {r['holdout_months']:>6} {r['actual_total']:>7.0f} | "
              f"{pct(r['cpm_total_error']):>7} {pct(r['bgnbd_total_error']):>7} {pct(r['persistence_total_error']):>8} | "
              f"{100 * r['cpm_mape']:>5.1f}% {100 * r['bgnbd_mape']:>6.1f}% {100 * r['persistence_mape']:>6.1f}% | "
              f"{100 * r['segments_wmape_cpm']:>5.1f}% {100 * r['segments_wmape_persistence']:>6.1f}%")
    print(f"\nrolling origin on {Path(args.sample).name}, segment counts (weighted MAPE):")
    for r in backtest:
        print(f"  {r['horizon']:>2} months: cpm {100 * float(r['segments_wmape']):.1f}%, "
              f"persistence {100 * float(r['persistence_segments_wmape']):.1f}% ({r['origins']} origins)")
    if args.out:
        Path(args.out).write_text(json.dumps({"cdnow": results, "rolling": backtest}, indent=1))


if __name__ == "__main__":
    main()

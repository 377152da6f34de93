#!/usr/bin/env python3
"""Reference implementation of `cpm tables` in Python polars.

Writes the four CSV tables of the contract (snapshots.csv, transitions.csv,
conversion.csv, segments.csv; see README.md and the CPM spec (section 1-7)) for
an order history in CSV or Parquet with the columns customer_id, order_date,
amount. It exists to measure cpm against a well-written dataframe
implementation, and to cross-check cpm's numbers: it was written from the
spec, not from cpm's source.

Two methods:

* ``intervals`` (default, the one benchmarked): every customer-day is a
  change event; the event's state holds for the month-ends from its day to
  the customer's next day, split in two at the day recency reaches
  ``churn_days`` (active before, lapsed from then on). Counts and cumulative
  sales per month-end are difference arrays over these month intervals,
  transitions are the segment changes between a customer's consecutive
  intervals. One sort by (customer, day), then linear passes (running sums
  and forward fills reset at customer boundaries) and group-bys on small
  integer keys; no customer x month grid.
* ``grid`` (a slow, obviously-correct cross-check): the state of every
  customer is recomputed from scratch at every month-end. O(customers x
  month-ends); for small data only.

Limits: default thresholds and columns only (flags below), no --as-of, CSV in
UTF-8 with ISO dates, amounts integer (as `cpm generate` writes them) or
decimal with at most six places.

Usage: reference_polars.py INPUT OUT_DIR [--method intervals|grid]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import polars as pl

SEGMENTS = [
    "first_active",
    "toddler_active",
    "trendy_active",
    "steady_active",
    "loyal_active",
    "first_lapsed",
    "toddler_lapsed",
    "trendy_lapsed",
    "steady_lapsed",
    "loyal_lapsed",
]
N_SEG = len(SEGMENTS)
NEW = N_SEG  # the transitions' pseudo-segment `new`


# --------------------------------------------------------------------------
# input


def load(path: Path) -> pl.LazyFrame:
    """customer_id (String) as c, order_date (Date) as d, amount as a.

    Amounts stay integers when the file has integers (exact and fast); other
    amounts become Decimal(38, 6), which is exact too.
    """
    if path.suffix.lower() == ".parquet":
        lf = pl.scan_parquet(path)
    else:
        lf = pl.scan_csv(
            path,
            schema_overrides={"customer_id": pl.String, "order_date": pl.Date},
        )
    lf = lf.select(
        pl.col("customer_id").cast(pl.String).alias("c"),
        pl.col("order_date").cast(pl.Date).alias("d"),
        pl.col("amount").alias("a"),
    )
    dtype = lf.collect_schema()["a"]
    if not dtype.is_integer():
        lf = lf.with_columns(pl.col("a").cast(pl.Decimal(38, 6)))
    return lf


# --------------------------------------------------------------------------
# calendar helpers (polars expressions on Date columns)


def month_index(expr: pl.Expr) -> pl.Expr:
    """Months since year 0 (year * 12 + month - 1), Int32."""
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32) - 1


def month_end_py(m: int) -> dt.date:
    y, mo = divmod(m + 1, 12)
    return dt.date(y, mo + 1, 1) - dt.timedelta(days=1)


def month_of_py(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def tier_expr(tenure: pl.Expr, total: pl.Expr, rules: argparse.Namespace) -> pl.Expr:
    """Tier index 0..4 in canonical order first, toddler, trendy, steady, loyal
    (spec section 3: first match wins in the order first, toddler, steady,
    trendy, loyal)."""
    return (
        pl.when(tenure == 0)
        .then(0)
        .when(tenure < rules.toddler_days)
        .then(1)
        .when(total < rules.loyal_amount)
        .then(3)
        .when(tenure < rules.loyal_days)
        .then(2)
        .otherwise(4)
        .cast(pl.Int8)
    )


# --------------------------------------------------------------------------
# shared steps


def snapshot_plan(lf: pl.LazyFrame) -> tuple[int, int, dt.date]:
    """First snapshot month, number of snapshots, last snapshot (spec 4)."""
    row = lf.select(
        pl.col("d").max().alias("latest"),
        pl.col("d").filter(pl.col("a") >= 0).min().alias("earliest_purchase"),
    ).collect()
    latest: dt.date = row["latest"][0]
    earliest: dt.date = row["earliest_purchase"][0]
    if earliest is None:
        sys.exit("no purchase rows")
    m0 = month_of_py(earliest)
    m_last = month_of_py(latest)
    if month_end_py(m_last) > latest:
        m_last -= 1
    if m_last < m0:
        sys.exit("the data covers no whole month")
    return m0, m_last - m0 + 1, month_end_py(m_last)


def customer_days(lf: pl.LazyFrame, last: dt.date) -> pl.LazyFrame:
    """One row per customer and day (spec 1: a day's rows are one purchase day
    when any of them is >= 0, and their amounts add up), sorted by customer,
    day; rows after the last snapshot are left out."""
    return (
        lf.filter(pl.col("d") <= last)
        .group_by("c", "d")
        .agg(pl.col("a").sum().alias("net"), (pl.col("a") >= 0).any().alias("purchase"))
        .sort("c", "d")
    )


def write_csv(df: pl.DataFrame, path: Path) -> None:
    df.write_csv(path, include_header=True, date_format="%Y-%m-%d")


def conversion_table(days: pl.LazyFrame, m0: int, last: dt.date, rules) -> pl.DataFrame:
    """Spec 6: cohort by first purchase month; converted when the second
    purchase day is 1 <= second - first < toddler_days."""
    purchases = days.filter(pl.col("purchase")).select("c", "d")
    per_customer = purchases.group_by("c").agg(
        pl.col("d").min().alias("first"),
        # the second distinct purchase day (rows are one per customer-day)
        pl.col("d").sort().get(1, null_on_oob=True).alias("second"),
    )
    cohorts = (
        per_customer.with_columns(
            month_index(pl.col("first")).alias("m"),
            ((pl.col("second") - pl.col("first")).dt.total_days() < rules.toddler_days)
            .fill_null(False)
            .alias("conv"),
        )
        .group_by("m")
        .agg(pl.len().alias("cohort_size"), pl.col("conv").sum().alias("converted"))
        .sort("m")
        .collect()
    )
    return conversion_rows(cohorts, last, rules)


def conversion_rows(cohorts: pl.DataFrame, last: dt.date, rules) -> pl.DataFrame:
    """conversion.csv from m (month index), cohort_size, converted."""
    rows = []
    for m, size, conv in cohorts.select("m", "cohort_size", "converted").iter_rows():
        y, mo = divmod(m, 12)
        matured = month_end_py(m) + dt.timedelta(days=rules.toddler_days - 1) <= last
        rows.append((f"{y:04d}-{mo + 1:02d}", size, conv, conv / size, "true" if matured else "false"))
    return pl.DataFrame(
        rows,
        schema=["cohort_month", "cohort_size", "converted", "rate", "matured"],
        orient="row",
    )


def customer_facts(days: pl.LazyFrame) -> pl.LazyFrame:
    """Per customer-day, the running facts of spec 2 over rows dated <= that
    day: first, last (purchase days), total, purchase_days; `last` is null
    while only returns have been seen (not in the portfolio yet)."""
    return days.with_columns(
        pl.col("net").cum_sum().over("c").alias("total"),
        pl.col("purchase").cast(pl.UInt32).cum_sum().over("c").alias("pdays"),
        pl.when(pl.col("purchase")).then(pl.col("d")).forward_fill().over("c").alias("last"),
        pl.when(pl.col("purchase")).then(pl.col("d")).min().over("c").alias("first"),
    )


def segments_table(facts: pl.LazyFrame, last: dt.date, rules) -> pl.DataFrame:
    """segments.csv: every customer's state at the last snapshot."""
    final = (
        facts.group_by("c")
        .agg(pl.all().last())  # rows keep their (c, d) order within a group
        .filter(pl.col("last").is_not_null())
        .with_columns(
            (pl.col("last") - pl.col("first")).dt.total_days().alias("tenure_days"),
            (pl.lit(last) - pl.col("last")).dt.total_days().alias("recency_days"),
        )
        .with_columns(
            (
                tier_expr(pl.col("tenure_days"), pl.col("total"), rules)
                + pl.when(pl.col("recency_days") >= rules.churn_days).then(5).otherwise(0)
            ).alias("seg")
        )
        .sort("c")
        .select(
            pl.col("c").alias("customer_id"),
            pl.col("seg").replace_strict(list(range(N_SEG)), SEGMENTS, return_dtype=pl.String).alias("segment"),
            pl.col("first").alias("first_purchase"),
            pl.col("last").alias("last_purchase"),
            "tenure_days",
            "recency_days",
            pl.col("total"),
            pl.col("pdays").alias("purchase_days"),
        )
    )
    return final.collect()


def snapshots_frame(counts: pl.DataFrame, m0: int, k: int) -> pl.DataFrame:
    """From a frame k, seg, customers, sales, cumulative_sales (possibly
    sparse), the full snapshots.csv (every month-end x segment)."""
    grid = pl.DataFrame({"k": list(range(k))}, schema={"k": pl.Int32}).join(
        pl.DataFrame({"seg": list(range(N_SEG))}, schema={"seg": pl.Int8}), how="cross"
    )
    full = grid.join(counts, on=["k", "seg"], how="left").fill_null(0)
    month_ends = pl.DataFrame(
        {"k": list(range(k)), "month_end": [month_end_py(m0 + i) for i in range(k)]},
        schema={"k": pl.Int32, "month_end": pl.Date},
    )
    return (
        full.join(month_ends, on="k")
        .with_columns(
            (pl.col("customers") / pl.col("customers").sum().over("k")).fill_nan(0.0).alias("share"),
            pl.col("seg").replace_strict(list(range(N_SEG)), SEGMENTS, return_dtype=pl.String).alias("segment"),
        )
        .sort("k", "seg")
        .select("month_end", "segment", "customers", "share", "sales", "cumulative_sales")
    )


def transitions_frame(moves: pl.DataFrame, m0: int) -> pl.DataFrame:
    """From k, from, to, customers (k >= 1 = the later snapshot)."""
    labels = SEGMENTS + ["new"]
    return (
        moves.filter(pl.col("customers") > 0)
        .sort("k", "from", "to")
        .with_columns(
            pl.col("k")
            .map_elements(lambda k: month_end_py(m0 + k - 1), return_dtype=pl.Date)
            .alias("from_month_end"),
            pl.col("k").map_elements(lambda k: month_end_py(m0 + k), return_dtype=pl.Date).alias("to_month_end"),
            pl.col("from").replace_strict(list(range(N_SEG + 1)), labels, return_dtype=pl.String).alias("from_segment"),
            pl.col("to").replace_strict(list(range(N_SEG)), SEGMENTS, return_dtype=pl.String).alias("to_segment"),
        )
        .select("from_month_end", "to_month_end", "from_segment", "to_segment", "customers")
    )


# --------------------------------------------------------------------------
# the intervals method
#
# Everything runs on the rows sorted by (customer, day), so per-customer
# running values are global running values reset at customer boundaries
# (forward fills and cumulative sums, no hashing): the only expensive steps
# are the sort and the final group-bys over small integer keys.

SENTINEL = dt.date(1, 1, 1)


def reset_ffill(value: pl.Expr, reset: pl.Expr) -> pl.Expr:
    """Forward fill of `value` that restarts (null) at rows where `reset`."""
    filled = pl.when(value.is_not_null()).then(value).when(reset).then(pl.lit(SENTINEL)).forward_fill()
    return pl.when(filled != pl.lit(SENTINEL)).then(filled)


def run_intervals(lf: pl.LazyFrame, out: Path, rules) -> None:
    m0, k, last = snapshot_plan(lf)
    c, d, a = pl.col("c"), pl.col("d"), pl.col("a")

    # 1. one row per customer-day (spec 1), in (customer, day) order
    rows = lf.filter(d <= last).sort("c", "d").collect()
    new_day = (c != c.shift(1)) | (d != d.shift(1))
    day_end = (c != c.shift(-1)) | (d != d.shift(-1))
    cs = a.cum_sum()
    np_ = (a >= 0).cast(pl.UInt32).cum_sum()
    days = (
        rows.lazy()
        .with_columns(
            (cs - pl.when(new_day.fill_null(True)).then(cs - a).forward_fill()).alias("net"),
            (np_ - pl.when(new_day.fill_null(True)).then(np_ - (a >= 0).cast(pl.UInt32)).forward_fill() > 0).alias(
                "purchase"
            ),
        )
        .filter(day_end.fill_null(True))
        .select("c", "d", "net", "purchase")
        .collect()
    )
    del rows

    # 2. the running facts of spec 2 after each customer-day
    start = (c != c.shift(1)).fill_null(True)
    stop = (c != c.shift(-1)).fill_null(True)
    total = pl.col("net").cum_sum()
    pcount = pl.col("purchase").cast(pl.UInt32).cum_sum()
    mk = pl.col("mk")
    month_start = ((mk != mk.shift(1)) | pl.col("start")).fill_null(True)
    month_stop = ((mk != mk.shift(-1)) | pl.col("stop")).fill_null(True)
    facts = (
        days.lazy()
        .with_columns(
            month_index(d).alias("mk"),
            start.alias("start"),
            stop.alias("stop"),
            (total - pl.when(start).then(total - pl.col("net")).forward_fill()).alias("total"),
            (pcount - pl.when(start).then(pcount - pl.col("purchase").cast(pl.UInt32)).forward_fill()).alias("pdays"),
            reset_ffill(pl.when(pl.col("purchase")).then(d), start).alias("last"),
        )
        .with_columns(
            (pl.col("purchase") & (pl.col("pdays") == 1)).alias("first_purchase"),
            # the customer's net amount of this month so far (for sales)
            (pl.col("total") - pl.when(month_start).then(pl.col("total") - pl.col("net")).forward_fill()).alias(
                "month_net"
            ),
            month_stop.alias("month_stop"),
        )
        .with_columns(reset_ffill(pl.when(pl.col("first_purchase")).then(d), start).alias("first"))
        .with_columns(
            tier_expr((pl.col("last") - pl.col("first")).dt.total_days(), pl.col("total"), rules).alias("tier"),
            (mk - m0).alias("k0"),
            # the event holds for S_k with d <= S_k < next day: k < month(next)
            pl.when(pl.col("stop")).then(k).otherwise(mk.shift(-1) - m0).alias("k1"),
            # lapsed for S_k >= last + churn_days: k >= month(last + churn_days)
            (month_index(pl.col("last") + pl.duration(days=rules.churn_days)) - m0).clip(upper_bound=k).alias("kl"),
        )
        # rows before a customer's first purchase: not in the portfolio yet
        .filter(pl.col("last").is_not_null())
        .collect()
    )
    del days

    # 3. month intervals: active [k0, min(k1, kl)), lapsed [max(k0, kl), k1)
    ev = facts.lazy().with_columns(
        pl.min_horizontal("k1", "kl").alias("a_end"),
        pl.max_horizontal("k0", "kl").alias("l_start"),
    )
    ev = ev.with_columns(
        pl.when(pl.col("k0") < pl.col("a_end")).then(pl.col("tier")).alias("seg_a"),
        pl.when(pl.col("l_start") < pl.col("k1")).then(pl.col("tier") + 5).alias("seg_l"),
    )
    intervals = pl.concat(
        [
            ev.filter(pl.col("seg_a").is_not_null()).select(
                pl.col("k0").alias("from"), pl.col("a_end").alias("to"), pl.col("seg_a").alias("seg"), "total"
            ),
            ev.filter(pl.col("seg_l").is_not_null()).select(
                pl.col("l_start").alias("from"), pl.col("k1").alias("to"), pl.col("seg_l").alias("seg"), "total"
            ),
        ]
    )
    # counts and cumulative sales: difference arrays over k
    diffs = pl.concat(
        [
            intervals.group_by(pl.col("from").alias("k"), "seg").agg(
                pl.len().cast(pl.Int64).alias("n"), pl.col("total").sum().alias("t")
            ),
            intervals.filter(pl.col("to") < k)
            .group_by(pl.col("to").alias("k"), "seg")
            .agg((-pl.len().cast(pl.Int64)).alias("n"), (-pl.col("total").sum()).alias("t")),
        ]
    ).with_columns(pl.col("k").cast(pl.Int32), pl.col("seg").cast(pl.Int8))
    grid = pl.DataFrame({"k": list(range(k))}, schema={"k": pl.Int32}).join(
        pl.DataFrame({"seg": list(range(N_SEG))}, schema={"seg": pl.Int8}), how="cross"
    )
    counts = (
        grid.lazy()
        .join(diffs.group_by("k", "seg").agg(pl.col("n").sum(), pl.col("t").sum()), on=["k", "seg"], how="left")
        .fill_null(0)
        .sort("seg", "k")
        .with_columns(
            pl.col("n").cum_sum().over("seg").alias("customers"),
            pl.col("t").cum_sum().over("seg").alias("cumulative_sales"),
        )
        .select("k", "seg", "customers", "cumulative_sales")
        .collect()
    )

    # 4. transitions: an interval starting at k >= 1 comes from the segment the
    # customer had at S_(k-1): for the lapsed part, the same event's active
    # part if it has one; otherwise the last segment any earlier event of the
    # customer held (`new` before the first purchase)
    end_seg = pl.coalesce("seg_l", "seg_a")
    prev = (
        pl.when(pl.col("first_purchase")).then(pl.lit(NEW)).otherwise(end_seg.shift(1)).forward_fill()
    )
    moves_ev = ev.with_columns(prev.alias("prev")).select("k0", "a_end", "l_start", "k1", "seg_a", "seg_l", "prev")
    moved = (
        pl.concat(
            [
                moves_ev.filter(pl.col("seg_a").is_not_null()).select(
                    pl.col("k0").alias("k"), pl.col("prev").alias("from"), pl.col("seg_a").alias("to")
                ),
                moves_ev.filter(pl.col("seg_l").is_not_null()).select(
                    pl.col("l_start").alias("k"),
                    pl.coalesce("seg_a", "prev").alias("from"),
                    pl.col("seg_l").alias("to"),
                ),
            ]
        )
        .filter((pl.col("k") >= 1) & (pl.col("from") != pl.col("to")))
        .group_by(pl.col("k").cast(pl.Int32), pl.col("from").cast(pl.Int8), pl.col("to").cast(pl.Int8))
        .agg(pl.len().cast(pl.Int64).alias("customers"))
        .collect()
    )
    # stayers: the previous size less everyone who moved out
    stayers = (
        counts.select((pl.col("k") + 1).alias("k"), "seg", pl.col("customers").alias("prev"))
        .filter(pl.col("k") < k)
        .join(
            moved.filter(pl.col("from") != NEW).group_by("k", "from").agg(pl.col("customers").sum().alias("out")),
            left_on=["k", "seg"],
            right_on=["k", "from"],
            how="left",
        )
        .select(
            "k",
            pl.col("seg").alias("from"),
            pl.col("seg").alias("to"),
            (pl.col("prev") - pl.col("out").fill_null(0)).alias("customers"),
        )
    )
    moves = pl.concat([moved, stayers.select(moved.columns)], how="vertical_relaxed")
    # self-check (spec 5): every column sums to the size at the later snapshot
    into = moves.group_by("k", "to").agg(pl.col("customers").sum().alias("into"))
    bad = (
        counts.filter(pl.col("k") >= 1)
        .join(into, left_on=["k", "seg"], right_on=["k", "to"], how="left")
        .filter(pl.col("customers") != pl.col("into").fill_null(0))
    )
    if bad.height:
        sys.exit(f"internal error: transitions do not add up:\n{bad}")

    # 5. sales: a customer's net amounts dated in month k (returns before the
    # first purchase included) go to their segment at S_k, the state after
    # their last day of month k, when they are present by then
    sales = (
        facts.lazy()
        .filter(pl.col("month_stop"))
        .group_by(
            pl.col("k0").cast(pl.Int32).alias("k"),
            (pl.col("tier") + pl.when(pl.col("k0") >= pl.col("kl")).then(5).otherwise(0)).cast(pl.Int8).alias("seg"),
        )
        .agg(pl.col("month_net").sum().alias("sales"))
        .collect()
    )
    snap = snapshots_frame(counts.join(sales, on=["k", "seg"], how="left"), m0, k)

    # 6. conversion (spec 6) and the as-of segments
    first_rows = facts.lazy().filter(pl.col("first_purchase"))
    second_rows = facts.lazy().filter(pl.col("purchase") & (pl.col("pdays") == 2))
    conv = (
        first_rows.group_by((month_index(d)).alias("m"))
        .agg(pl.len().alias("cohort_size"))
        .join(
            second_rows.filter((d - pl.col("first")).dt.total_days() < rules.toddler_days)
            .group_by(month_index(pl.col("first")).alias("m"))
            .agg(pl.len().alias("converted")),
            on="m",
            how="left",
        )
        .with_columns(pl.col("converted").fill_null(0))
        .sort("m")
        .collect()
    )
    conversion = conversion_rows(conv, last, rules)
    segments = (
        facts.lazy()
        .filter(pl.col("stop"))
        .with_columns(
            (pl.col("last") - pl.col("first")).dt.total_days().alias("tenure_days"),
            (pl.lit(last) - pl.col("last")).dt.total_days().alias("recency_days"),
        )
        .select(
            pl.col("c").alias("customer_id"),
            (pl.col("tier") + pl.when(pl.col("recency_days") >= rules.churn_days).then(5).otherwise(0))
            .replace_strict(list(range(N_SEG)), SEGMENTS, return_dtype=pl.String)
            .alias("segment"),
            pl.col("first").alias("first_purchase"),
            pl.col("last").alias("last_purchase"),
            "tenure_days",
            "recency_days",
            "total",
            pl.col("pdays").alias("purchase_days"),
        )
        .collect()
    )

    out.mkdir(parents=True, exist_ok=True)
    write_csv(snap, out / "snapshots.csv")
    write_csv(transitions_frame(moves, m0), out / "transitions.csv")
    write_csv(conversion, out / "conversion.csv")
    write_csv(segments, out / "segments.csv")


# --------------------------------------------------------------------------
# the grid method (cross-check only)


def run_grid(lf: pl.LazyFrame, out: Path, rules) -> None:
    m0, k, last = snapshot_plan(lf)
    days = customer_days(lf, last).collect()
    counts_rows = []
    moves = []
    previous = None
    for i in range(k):
        s = month_end_py(m0 + i)
        upto = days.filter(pl.col("d") <= s)
        state = (
            upto.group_by("c")
            .agg(
                pl.col("d").filter(pl.col("purchase")).min().alias("first"),
                pl.col("d").filter(pl.col("purchase")).max().alias("last"),
                pl.col("net").sum().alias("total"),
                pl.col("net").filter(month_index(pl.col("d")) == m0 + i).sum().alias("month_net"),
            )
            .filter(pl.col("first").is_not_null())
            .with_columns(
                (
                    tier_expr((pl.col("last") - pl.col("first")).dt.total_days(), pl.col("total"), rules)
                    + pl.when((pl.lit(s) - pl.col("last")).dt.total_days() >= rules.churn_days).then(5).otherwise(0)
                )
                .cast(pl.Int8)
                .alias("seg")
            )
        )
        counts_rows.append(
            state.group_by("seg")
            .agg(
                pl.len().cast(pl.Int64).alias("customers"),
                pl.col("total").sum().alias("cumulative_sales"),
                pl.col("month_net").sum().alias("sales"),
            )
            .with_columns(pl.lit(i, dtype=pl.Int32).alias("k"))
        )
        if previous is not None:
            moves.append(
                state.select("c", pl.col("seg").alias("to"))
                .join(previous.select("c", pl.col("seg").alias("from")), on="c", how="left")
                .with_columns(pl.col("from").fill_null(NEW).cast(pl.Int8))
                .group_by("from", "to")
                .agg(pl.len().cast(pl.Int64).alias("customers"))
                .with_columns(pl.lit(i, dtype=pl.Int32).alias("k"))
            )
        previous = state
    counts = pl.concat(counts_rows).select("k", "seg", "customers", "sales", "cumulative_sales")
    snap = snapshots_frame(counts, m0, k)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(snap, out / "snapshots.csv")
    if moves:
        trans = transitions_frame(pl.concat(moves).select("k", "from", "to", "customers"), m0)
    else:
        trans = pl.DataFrame(
            schema=["from_month_end", "to_month_end", "from_segment", "to_segment", "customers"]
        )
    write_csv(trans, out / "transitions.csv")
    write_csv(conversion_table(days.lazy(), m0, last, rules), out / "conversion.csv")
    write_csv(segments_table(customer_facts(days.lazy()), last, rules), out / "segments.csv")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--method", choices=["intervals", "grid"], default="intervals")
    ap.add_argument("--churn-days", type=int, default=240)
    ap.add_argument("--toddler-days", type=int, default=90)
    ap.add_argument("--loyal-days", type=int, default=210)
    ap.add_argument("--loyal-amount", type=int, default=70000)
    args = ap.parse_args()
    lf = load(args.input)
    if args.method == "grid":
        run_grid(lf, args.out_dir, args)
    else:
        run_intervals(lf, args.out_dir, args)
    if os.environ.get("CPM_REF_VERBOSE"):
        print(f"polars {pl.__version__}, {pl.thread_pool_size()} threads", file=sys.stderr)


if __name__ == "__main__":
    main()

# Convenience layer over the two plain cargo commands in the README.

# The full monthly report from the bundled sample (reports/YYYY-MM/index.html).
report:
    cargo run -- report --input data/orders.csv

# All tests (what CI runs).
test:
    cargo test

# What CI runs, exactly.
ci:
    bash .ci/run

# Formatting and lints, as required before every commit.
check:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

# The terminal summary of the sample's latest month-end.
summary:
    cargo run -- summary --input data/orders.csv

# Regenerate the bundled sample (deterministic).
sample:
    cargo run -- generate --customers 5000 --seed 1 --start 2021-01-01 --end 2025-12-31 --out data/orders.csv

# Benchmarks of `cpm tables` against a Python-polars reference; updates
# BENCHMARKS.md. Data is cached in $CPM_BENCH_DATA (default ~/.cache/cpm-bench).
# Quick run: `just bench --sizes 100k,1m --runs 1`; the breakdown's cost:
# `just bench --sizes 10m --formats parquet --by channel`.
bench *ARGS:
    cargo build --release
    python3 bench/run.py --cpm "${CARGO_TARGET_DIR:-target}/release/cpm" {{ARGS}}

# The forecast benchmark (issue 16): CDNOW against BG/NBD (lifetimes) and
# persistence, every quarter-end split, and the rolling-origin backtest of
# the sample. The venv with pinned versions is made in $CPM_BENCH_DATA.
bench-forecast *ARGS:
    cargo build --release
    d="${CPM_BENCH_DATA:-$HOME/.cache/cpm-bench}/venv-forecast"; \
    [ -x "$d/bin/python" ] || { python3 -m venv "$d" && "$d/bin/pip" install -q lifetimes==0.11.3 "pandas==2.3.3" "numpy==1.26.4" "scipy==1.13.1"; }; \
    "$d/bin/python" bench/forecast_cdnow.py --cpm "${CARGO_TARGET_DIR:-target}/release/cpm" {{ARGS}}

# The generated SQL (`cpm sql`) executed and compared with `cpm tables` on
# every test set and dialect, Spark included (slow: a local Spark session).
# Needs the packages of tests/sql/requirements.txt and a Java 17 runtime.
sql-check python="python3":
    cargo build
    {{python}} tests/sql/check.py --cpm "${CARGO_TARGET_DIR:-target}/debug/cpm" --engines duckdb,bigquery,snowflake,spark --suite full

//! `cpm sql`: the tables of the CSV contract computed inside a warehouse
//! (BigQuery, Snowflake, Spark, DuckDB) by generated SQL, for companies
//! whose orders live there: the order rows never leave it, only the small
//! result tables come back for `cpm report --tables`.
//!
//! The SQL computes what the engine computes (`snapshots`, `transitions`,
//! `conversion`, `segments`, `ladder`, `activity`, `data_quality`), the same way: a customer's
//! segment changes only on a day with rows of theirs or when recency
//! crosses a rule's line, so each customer yields a few month-end values
//! (`stage`), and counts are running sums of +1/−1 over months
//! (`snapshots`), transitions come from the change months. Money is an
//! exact decimal throughout; thresholds are baked into the text, and
//! written beside it as `rules.toml`. One file per dialect's differences
//! (`dialect` and its four implementations), one per table.

pub(crate) mod activity;
pub(crate) mod bigquery;
pub(crate) mod cart;
pub(crate) mod command;
pub(crate) mod conversion;
pub(crate) mod cpm;
pub(crate) mod data_quality;
pub(crate) mod dialect;
pub(crate) mod duckdb;
pub(crate) mod export;
pub(crate) mod ladder;
pub(crate) mod lifecycle;
pub(crate) mod parse;
pub(crate) mod rows;
pub(crate) mod segments;
pub(crate) mod snapshots;
pub(crate) mod snowflake;
pub(crate) mod spark;
pub(crate) mod stage;
pub(crate) mod transitions;

use crate::config::{Config, Scheme};
use crate::dates::{Day, format_day};
use crate::engine::lifecycle::LIFECYCLE_LABELS;
use crate::engine::segments::Classifier;
use crate::error::{Error, Result};
pub(crate) use dialect::Dialect;

/// Where the orders are and how the generated tables are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    /// The orders table, as the warehouse names it (`dataset.orders`).
    pub(crate) table: String,
    /// Prefix of every created table (`cpm_`).
    pub(crate) prefix: String,
    /// The last snapshot date; `None`: the last month-end the data covers.
    pub(crate) as_of: Option<Day>,
    /// The date column holds instants (TIMESTAMP), dated in the configured
    /// time zone; otherwise DATE values (or `YYYY-MM-DD` text).
    pub(crate) timestamps: bool,
}

/// What every query builder reads.
pub(crate) struct Ctx<'a> {
    pub(crate) d: &'a dyn Dialect,
    pub(crate) config: &'a Config,
    pub(crate) source: &'a Source,
}

impl Ctx<'_> {
    /// An output table's name (`cpm_snapshots`).
    pub(crate) fn out(&self, name: &str) -> String {
        format!("{}{name}", self.source.prefix)
    }
    /// A work table's name (`cpm_work_days`), dropped at the end of `run.sql`.
    pub(crate) fn work(&self, name: &str) -> String {
        format!("{}work_{name}", self.source.prefix)
    }
    /// Whether the tables are broken down by a group (`--by`).
    pub(crate) fn by(&self) -> bool {
        self.config.scope.by.is_some()
    }
    /// `grp AS "group", ` (the first column of an output table with
    /// `--by`, from `alias.grp`), or nothing.
    pub(crate) fn group_column(&self, alias: &str) -> String {
        if self.by() {
            format!("{alias}.grp AS {}, ", self.d.quoted("group"))
        } else {
            String::new()
        }
    }
    /// Segment ids in canonical order.
    pub(crate) fn labels(&self) -> Vec<&'static str> {
        match self.config.scheme {
            Scheme::Cpm => self.config.rules.labels().iter().map(|l| l.id).collect(),
            Scheme::Lifecycle => LIFECYCLE_LABELS.iter().map(|l| l.id).collect(),
        }
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqlFile {
    pub(crate) name: String,
    pub(crate) text: String,
}

/// The output tables, in the order `run.sql` creates them.
pub(crate) const TABLES: [&str; 8] = [
    "snapshots",
    "transitions",
    "conversion",
    "segments",
    "ladder",
    "activity",
    "data_quality",
    "rejects",
];

const WORK_TABLES: [&str; 11] = [
    "rows",
    "groups",
    "calendar",
    "days",
    "events",
    "points",
    "monthly",
    "alive",
    "vip_threshold",
    "held",
    "counts",
];

fn check_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() || dialect::is_plain_identifier(prefix) {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "--prefix must be letters, digits and underscores (a table-name prefix such as cpm_), got {prefix:?}"
        )))
    }
}

/// The generated files: `stage.sql`, one per output table, `cleanup.sql`,
/// and `run.sql` with all of them in order.
pub(crate) fn generate(config: &Config, d: &dyn Dialect, source: &Source) -> Result<Vec<SqlFile>> {
    check_prefix(&source.prefix)?;
    check_table(&source.table)?;
    let ctx = Ctx { d, config, source };
    let mut files: Vec<SqlFile> = bodies(&ctx)
        .iter()
        .map(|(name, what, body)| SqlFile {
            name: format!("{name}.sql"),
            text: format!("{}{body}", header(&ctx, name, what)),
        })
        .collect();
    let run = run_file(&ctx, &files);
    files.push(run);
    files.push(SqlFile {
        name: "export.sql".into(),
        text: format!(
            "{}{}",
            header(
                &ctx,
                "export",
                "the tables in cpm's order, for the files `cpm report --tables` reads"
            ),
            export::file(&ctx)
        ),
    });
    Ok(files)
}

fn check_table(table: &str) -> Result<()> {
    if table.trim().is_empty() || table.contains([';', '\n', '\r']) {
        return Err(Error::Usage(format!(
            "--table must name the orders table (e.g. shop.orders), got {table:?}"
        )));
    }
    Ok(())
}

/// The work tables of `stage.sql`, in the order they are built: the rows,
/// the snapshot dates, the groups, the purchase days, the change points and
/// the month-end values of the scheme.
fn stage_steps(ctx: &Ctx) -> Vec<String> {
    let mut stage = vec![rows::table(ctx), stage::calendar(ctx)];
    if ctx.by() {
        stage.push(stage::groups(ctx));
    }
    stage.push(stage::days(ctx));
    stage.push(stage::events(ctx));
    match ctx.config.scheme {
        Scheme::Cpm => {
            stage.push(stage::points(ctx, &|r| cpm::classify(ctx, r), &cpm::breaks(ctx)));
            stage.push(stage::monthly(ctx));
            stage.push(stage::held_from_monthly(ctx));
        }
        Scheme::Lifecycle => {
            stage.push(stage::points(
                ctx,
                &|r| lifecycle::classify(ctx, r),
                &lifecycle::breaks(ctx),
            ));
            stage.push(stage::monthly(ctx));
            stage.push(lifecycle::alive(ctx));
            if !ctx.config.lifecycle.vip_top_share.is_zero() {
                stage.push(lifecycle::thresholds(ctx));
            }
            stage.push(lifecycle::held(ctx));
        }
    }
    stage
}

/// Each file of `run.sql` in order: its name, what it makes, its body.
fn bodies(ctx: &Ctx) -> [(&'static str, &'static str, String); 10] {
    let cleanup: String = WORK_TABLES
        .iter()
        .map(|w| format!("DROP TABLE IF EXISTS {};\n", ctx.work(w)))
        .collect();
    [
        (
            "stage",
            "work tables: snapshot dates, purchase days, change points, month-end values",
            stage_steps(ctx).join("\n"),
        ),
        (
            "snapshots",
            "customers, share, sales and cumulative sales per month-end and segment",
            format!("{}\n{}", snapshots::counts(ctx), snapshots::table(ctx)),
        ),
        (
            "transitions",
            "month-over-month transitions (new = first present)",
            transitions::table(ctx),
        ),
        (
            "conversion",
            "初回→よちよち conversion by acquisition month, with maturity",
            conversion::table(ctx),
        ),
        (
            "segments",
            "every customer at the as-of date: segment, facts, segment a month-end before",
            segments::table(ctx),
        ),
        (
            "ladder",
            "the cohort ladder: each cohort's segments 0 to 12 month-ends on",
            ladder::table(ctx),
        ),
        (
            "activity",
            "purchase days, buyers and net sales per month-end",
            activity::table(ctx),
        ),
        (
            "data_quality",
            "rows read, used and after the as-of date, rejected, cancelled, guest orders, returns, duplicates",
            data_quality::table(ctx),
        ),
        (
            "rejects",
            "the rows cpm would reject (empty or unreadable cells), with the reason",
            rows::rejects(ctx),
        ),
        ("cleanup", "drops the work tables", cleanup),
    ]
}

/// `run.sql`: the dialect's preamble, then every file in order.
fn run_file(ctx: &Ctx, files: &[SqlFile]) -> SqlFile {
    let mut run = header(ctx, "run", "everything, in order: run this file");
    run.push_str(&ctx.d.preamble(ctx.config.time_zone.name()));
    for f in files {
        run.push('\n');
        run.push_str(&f.text);
    }
    SqlFile {
        name: "run.sql".into(),
        text: run,
    }
}

/// The comment at the top of every file.
fn header(ctx: &Ctx, name: &str, what: &str) -> String {
    let cols = &ctx.config.columns;
    let as_of = ctx
        .source
        .as_of
        .map_or_else(|| "the last month-end the data covers".to_string(), format_day);
    let mut out = format!(
        "-- {name}.sql: {what}.\n\
         -- Generated by cpm {version} (`cpm sql --dialect {dialect}`) for the orders in {table} \
         (customer {c}, date {t}, amount {a}); snapshots through {as_of}.\n\
         -- Rules: {rules} (all of them in rules.toml beside this file).\n",
        version = env!("CARGO_PKG_VERSION"),
        dialect = ctx.d.name(),
        table = ctx.source.table,
        c = cols.customer,
        t = cols.date,
        a = cart::amount_name(ctx),
        rules = crate::config::rules_file::rules_line(ctx.config),
    );
    let scope = &ctx.config.scope;
    if let Some(cancel) = &scope.cancel {
        out.push_str(&format!(
            "-- Left out and counted: lines whose {cancel:?} is one of {} (trimmed, any letter case).\n",
            scope
                .cancel_values
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(guests) = &scope.guest_ids {
        let ids: Vec<String> = guests.iter().map(|g| format!("{g:?}")).collect();
        out.push_str(&format!(
            "-- Left out and counted: guest orders, customer id one of {}.\n",
            ids.join(", ")
        ));
    }
    if name == "run" || name == "stage" {
        out.push_str(
            "-- Cost: the orders table is scanned once, into work_rows (one row per order row, parsed, with its\n\
             -- status), which three steps read (the date range, the purchase days, the data-quality counts);\n\
             -- every other step reads tables of at most one row per customer-day with rows (plus one per recency\n\
             -- line crossed; for the lifecycle scheme also one per customer and month-end while not dormant, at\n\
             -- most dormant_days / 28 + 2 per purchase day). Written: month-ends x segments rows (snapshots), at\n\
             -- most (segments + 1) x segments per pair of month-ends (transitions), one per cohort (conversion),\n\
             -- cohorts x 13 x segments (ladder), one per customer (segments), one per rejected row (rejects);\n\
             -- with --by, each of these per group. No customers x months grid.\n",
        );
    }
    if name == "run" {
        let p = &ctx.source.prefix;
        out.push_str(&format!(
            "-- Creates (replacing them when they exist): {}. Work tables {p}work_* are dropped at the end.\n",
            TABLES.iter().map(|t| format!("{p}{t}")).collect::<Vec<_>>().join(", ")
        ));
    }
    out.push('\n');
    out
}

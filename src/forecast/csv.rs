//! The forecast's files as text (UTF-8, comma, header row, dates
//! `YYYY-MM-DD`, months `YYYY-MM`, as the other contract files), and the
//! short summaries printed after a run. Writing them is the caller's job.

use std::fmt::Write as _;

use crate::dates::{format_day, format_month, month_of};

use super::backtest::Backtest;
use super::history::ObservedConversion;
use super::simulate::Conversion;
use super::{Forecast, Projection};

pub const FORECAST: &str = "forecast.csv";
pub const FLOW: &str = "forecast_flow.csv";
pub const SCENARIO_FORECAST: &str = "scenario_forecast.csv";
pub const SCENARIO_FLOW: &str = "scenario_forecast_flow.csv";
pub const BACKTEST: &str = "backtest.csv";
pub const BACKTEST_SUMMARY: &str = "backtest_summary.csv";

/// `month_end,segment,customers,low,high`: every coming month-end × every
/// segment in canonical order; low/high bound an 80% interval.
pub fn forecast_csv(f: &Forecast, p: &Projection) -> String {
    let mut out = String::from("month_end,segment,customers,low,high\n");
    for (m, &day) in f.month_ends.iter().enumerate() {
        for (s, label) in f.labels.iter().enumerate() {
            let _ = writeln!(
                out,
                "{},{},{},{},{}",
                format_day(day),
                label.id,
                p.customers[m][s],
                p.low[m][s],
                p.high[m][s]
            );
        }
    }
    out
}

/// `month,new_customers,purchase_days,existing_purchase_days,sales`:
/// expected values per coming month (sales in currency units).
pub fn flow_csv(f: &Forecast, p: &Projection) -> String {
    let mut out = String::from("month,new_customers,purchase_days,existing_purchase_days,sales\n");
    for (m, &day) in f.month_ends.iter().enumerate() {
        let _ = writeln!(
            out,
            "{},{},{:.1},{:.1},{:.0}",
            format_month(month_of(day)),
            f.new_per_month[m],
            p.purchase_days[m],
            p.existing_purchase_days[m],
            p.sales[m] / 1e6
        );
    }
    out
}

/// `origin,horizon,month_end,segment,actual,forecast`.
pub fn backtest_csv(b: &Backtest, f: &Forecast) -> String {
    let mut out = String::from("origin,horizon,month_end,segment,actual,forecast\n");
    for r in &b.rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            format_day(r.origin),
            r.horizon,
            format_day(r.month_end),
            f.labels[r.segment].id,
            r.actual,
            r.forecast
        );
    }
    out
}

/// `horizon,origins,segments_wmape,persistence_segments_wmape,purchase_days_wmape,persistence_purchase_days_wmape`.
pub fn backtest_summary_csv(b: &Backtest) -> String {
    let mut out = String::from(
        "horizon,origins,segments_wmape,persistence_segments_wmape,purchase_days_wmape,persistence_purchase_days_wmape,interval_coverage\n",
    );
    for h in &b.summary {
        let _ = writeln!(
            out,
            "{},{},{:.4},{:.4},{:.4},{:.4},{:.4}",
            h.horizon,
            h.origins,
            h.segments,
            h.segments_persistence,
            h.purchase_days,
            h.purchase_days_persistence,
            h.coverage
        );
    }
    out
}

/// The backtest's error table for the terminal.
pub fn backtest_text(b: &Backtest) -> String {
    let mut out = String::from(
        "backtest: weighted MAPE by horizon (forecast vs persistence = counts stay as they are)\n\
         and the share of actual counts inside the 80% interval (and inside the simulation's spread alone)\n\
         horizon origins  segments  persist.  purch.days  persist.  in 80%  (sim.)\n",
    );
    for h in &b.summary {
        let _ = writeln!(
            out,
            "{:>7} {:>7} {:>8.1}% {:>8.1}% {:>10.1}% {:>8.1}% {:>6.0}% {:>6.0}%",
            h.horizon,
            h.origins,
            100.0 * h.segments,
            100.0 * h.segments_persistence,
            100.0 * h.purchase_days,
            100.0 * h.purchase_days_persistence,
            100.0 * h.coverage,
            100.0 * h.coverage_plain
        );
    }
    out
}

/// The model and the scenario, as a TOML section appended to `rules.toml`.
pub fn model_toml(f: &Forecast, months: usize, new_customers: &str, seed: u64) -> String {
    let mut out = String::from("\n[forecast]\n");
    let _ = writeln!(
        out,
        "# Forecast from {} ({} customers present).",
        format_day(f.origin),
        f.customers_at_origin
    );
    let _ = writeln!(out, "months = {months}");
    let _ = writeln!(out, "new_customers = \"{new_customers}\"");
    let _ = writeln!(out, "seed = {seed}");
    let _ = writeln!(out, "replicates = {}", f.replicates);
    purchase_model_toml(&mut out, f);
    model_choice_toml(&mut out, f);
    interval_toml(&mut out, f);
    if let Some((conv, observed, _)) = &f.scenario {
        scenario_toml(&mut out, conv, observed);
    }
    out
}

/// The fitted purchase model's parameters and the rate factor.
fn purchase_model_toml(out: &mut String, f: &Forecast) {
    match &f.model.params {
        Some(m) => {
            let _ = writeln!(
                out,
                "# {} fitted by maximum likelihood at the origin (time in weeks){}\n\
                 model = \"{}\"\nr = {}\nalpha = {}\na = {}\nb = {}\nk = {}",
                if m.modified { "MBG/NBD" } else { "BG/NBD" },
                if f.model.k > 1 {
                    "; gaps between purchases Erlang-k (every k-th event of the customer's rate is a purchase: \
                     BG/CNBD-k), k by maximum likelihood"
                } else {
                    "; k = 1: exponential gaps (k by maximum likelihood)"
                },
                if m.modified { "mbgnbd" } else { "bgnbd" },
                m.r,
                m.alpha,
                m.a,
                m.b,
                f.model.k
            );
        }
        None => {
            out.push_str("# No one in the history bought twice: no repeat purchase is forecast.\nmodel = \"none\"\n")
        }
    }
    let _ = writeln!(out, "rate_factor = {}", f.model.rate_factor);
}

/// How the variant was chosen: each candidate's errors from the check
/// origins, as comments (nothing when there was no choice).
fn model_choice_toml(out: &mut String, f: &Forecast) {
    let Some((days, tried)) = &f.model.check else {
        return;
    };
    let days: Vec<String> = days.iter().map(|d| format_day(*d)).collect();
    let _ = writeln!(
        out,
        "# Chosen by the errors of forecasts from {} up to the start (segment wMAPE + purchase-day MAPE, \
         each origin's, then their mean); plain BG/NBD unless another did better from every one of them:",
        days.join(", ")
    );
    for t in tried {
        let variant = if t.modified { "MBG/NBD" } else { "BG/NBD" };
        let adjusted = if t.adjusted {
            " with the recent-rate adjustment"
        } else {
            ""
        };
        let each: Vec<String> = t.errors.iter().map(|e| format!("{:.1}%", 100.0 * e)).collect();
        let _ = writeln!(
            out,
            "#   {variant}{adjusted}: {} (mean {:.1}%)",
            each.join(", "),
            100.0 * t.error
        );
    }
}

/// The model error that widens the 80% interval: each segment's relative
/// error at each coming month-end.
fn interval_toml(out: &mut String, f: &Forecast) {
    let _ = writeln!(
        out,
        "# The 80% interval: the simulation's spread plus a model error measured on the {} forecasts from the \
         month-ends before the start (their misses beyond purchase randomness): the relative error at each \
         number of months ahead, pooled over the segments and never smaller than at fewer months, scaled to \
         each segment's own misses; beyond the longest horizon measured ({} months) it grows with the square \
         root of the months ahead. Per segment, for 1, 2, … months ahead:\ninterval_forecasts = {}",
        f.spread_origins,
        f.spread.by_horizon.len(),
        f.spread_origins
    );
    let errors: Vec<String> = f
        .labels
        .iter()
        .enumerate()
        .map(|(s, l)| {
            let by_month: Vec<String> = (1..=f.month_ends.len())
                .map(|h| format!("{:.4}", f.spread.relative_variance(h, s).sqrt()))
                .collect();
            format!("{} = [{}]", l.id, by_month.join(", "))
        })
        .collect();
    let _ = writeln!(out, "interval_error = {{ {} }}", errors.join(", "));
}

/// The `[forecast.scenario]` table: the scenario's rule and its rates.
fn scenario_toml(out: &mut String, conv: &Conversion, observed: &ObservedConversion) {
    let _ = writeln!(
        out,
        "\n[forecast.scenario]\n\
         # Scenario: 初回→よちよち conversion at {} instead of the observed {:.4} ({} of {} first-time customers \
         acquired {}..{}).\n\
         # Every first-time customer whose toddler_days window is still open (the new ones included) and who does not \
         buy again within it in the baseline does so with probability (rate - observed) / (1 - observed), on a \
         day drawn uniformly in the rest of the window, and from then on buys as the model expects of a customer \
         with one repeat purchase on that day (its later baseline days are replaced); below the observed rate, converters lose their purchases \
         in the window with probability (observed - rate) / observed. Everything else is the baseline's draw.",
        conv.rate,
        observed.rate,
        observed.converted,
        observed.cohort_size,
        format_month(observed.first_cohort),
        format_month(observed.last_cohort),
    );
    let _ = writeln!(
        out,
        "conversion = {}\nobserved_conversion = {}",
        conv.rate, observed.rate
    );
}

/// A few lines for the terminal after a run.
pub fn run_text(f: &Forecast) -> String {
    let mut out = String::new();
    let last = f.month_ends.len() - 1;
    let _ = writeln!(
        out,
        "forecast from {} to {}: {} customers now, {} after {} months ({} new)",
        format_day(f.origin),
        format_day(f.month_ends[last]),
        f.customers_at_origin,
        f.baseline.customers[last].iter().sum::<u64>(),
        f.month_ends.len(),
        f.new_per_month.iter().sum::<u64>()
    );
    if let Some(loyal) = f.labels.iter().position(|l| l.id == "loyal_active" || l.id == "vip") {
        let p = &f.baseline;
        let _ = write!(
            out,
            "{} at {}: {} (80% interval {}..{})",
            f.labels[loyal].id,
            format_day(f.month_ends[last]),
            p.customers[last][loyal],
            p.low[last][loyal],
            p.high[last][loyal]
        );
        if let Some((conv, _, s)) = &f.scenario {
            let _ = write!(out, "; with conversion {}: {}", conv.rate, s.customers[last][loyal]);
        }
        out.push('\n');
    }
    out
}

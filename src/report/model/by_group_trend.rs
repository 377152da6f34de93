//! The breakdown's trend (`--by`): 初回→よちよち by acquisition month for
//! the largest groups (those of the breakdown chart, largest first), over
//! the run's last [`TREND_MONTHS`] cohorts, with the whole run's rate beside
//! them. Provisional cohorts (window still open) are kept but marked; the
//! reading compares matured cohorts only. Built from the [`Tables`] alone.

use super::by_group::{ByGroup, MIN_FIRST_TIMERS, SHOWN_GROUPS};
use crate::dates::{MonthIndex, format_month};
use crate::tables::Tables;
use crate::text::format::{percent, points};
use crate::text::lang::{Lang, by_lang};

/// Acquisition months the trend shows (the latest ones).
pub(crate) const TREND_MONTHS: usize = 24;
/// Matured months compared in the reading: the latest this many against
/// the this many before them.
pub(crate) const HALF: usize = 6;

/// One cohort of one group (or of the whole run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    pub cohort_size: u64,
    pub converted: u64,
    /// `converted / cohort_size` (0 for an empty cohort).
    pub rate: f64,
}

impl TrendPoint {
    fn of(cohort_size: u64, converted: u64) -> TrendPoint {
        TrendPoint {
            cohort_size,
            converted,
            rate: if cohort_size == 0 {
                0.0
            } else {
                converted as f64 / cohort_size as f64
            },
        }
    }
}

/// One group's cohorts, one per month of [`GroupTrend::months`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrendLine {
    pub label: String,
    /// `None`: the group acquired nobody that month.
    pub points: Vec<Option<TrendPoint>>,
}

/// The trend part of the breakdown section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupTrend {
    pub column: String,
    /// The cohort months shown, oldest first.
    pub months: Vec<MonthIndex>,
    /// `matured[i]`: the cohort of `months[i]` is final.
    pub matured: Vec<bool>,
    /// The whole run, for reference.
    pub all: TrendLine,
    /// The largest groups, largest first (at most [`SHOWN_GROUPS`]).
    pub lines: Vec<TrendLine>,
    /// Groups not drawn.
    pub left_out: usize,
    pub target: f64,
    pub reading: String,
}

/// The trend of `tables`' breakdown, for the groups in `by`'s order.
pub(crate) fn build(tables: &Tables, by: &ByGroup, lang: Lang) -> Option<GroupTrend> {
    let b = tables.breakdown.as_ref()?;
    let whole = &tables.portfolio.conversion;
    let shown = &whole[whole.len().saturating_sub(TREND_MONTHS)..];
    let months: Vec<MonthIndex> = shown.iter().map(|c| c.cohort_month).collect();
    let matured: Vec<bool> = shown.iter().map(|c| c.matured).collect();
    let all = TrendLine {
        label: lang.pick("全体", "All customers").to_string(),
        points: shown
            .iter()
            .map(|c| Some(TrendPoint::of(c.cohort_size, c.converted)))
            .collect(),
    };
    let lines: Vec<TrendLine> = by
        .rates
        .iter()
        .take(SHOWN_GROUPS)
        .filter_map(|r| {
            let g = b.groups.iter().position(|l| *l == r.label)?;
            let conversion = &b.portfolios[g].conversion;
            let points = months
                .iter()
                .map(|&m| {
                    conversion
                        .iter()
                        .find(|c| c.cohort_month == m && c.cohort_size > 0)
                        .map(|c| TrendPoint::of(c.cohort_size, c.converted))
                })
                .collect();
            Some(TrendLine {
                label: r.label.clone(),
                points,
            })
        })
        .collect();
    let left_out = by.rates.len() - lines.len();
    let target = tables.config.conversion_target;
    let reading = read(&b.column, &months, &matured, &lines, target, lang);
    Some(GroupTrend {
        column: b.column.clone(),
        months,
        matured,
        all,
        lines,
        left_out,
        target,
        reading,
    })
}

/// A line's last [`HALF`] matured cohorts pooled, and the [`HALF`] before
/// them: `(recent, before)` when each half has [`MIN_FIRST_TIMERS`] or more.
pub(crate) fn halves(line: &TrendLine, matured: &[bool]) -> Option<(TrendPoint, TrendPoint)> {
    let final_months: Vec<usize> = (0..matured.len()).filter(|&i| matured[i]).collect();
    if final_months.len() < 2 * HALF {
        return None;
    }
    let pool = |ix: &[usize]| {
        let (n, k) = ix
            .iter()
            .filter_map(|&i| line.points[i])
            .fold((0, 0), |(n, k), p| (n + p.cohort_size, k + p.converted));
        TrendPoint::of(n, k)
    };
    let end = final_months.len();
    let recent = pool(&final_months[end - HALF..]);
    let before = pool(&final_months[end - 2 * HALF..end - HALF]);
    (recent.cohort_size >= MIN_FIRST_TIMERS && before.cohort_size >= MIN_FIRST_TIMERS).then_some((recent, before))
}

fn read(column: &str, months: &[MonthIndex], matured: &[bool], lines: &[TrendLine], target: f64, lang: Lang) -> String {
    let (Some(&from), Some(&to)) = (months.first(), months.last()) else {
        return lang
            .pick("獲得コホートがありません。", "There are no acquisition cohorts.")
            .to_string();
    };
    let span = format!("{}〜{}", format_month(from), format_month(to));
    let moves: Vec<(&TrendLine, TrendPoint, TrendPoint)> = lines
        .iter()
        .filter_map(|l| halves(l, matured).map(|(r, b)| (l, r, b)))
        .collect();
    let Some((largest, recent, before)) = moves.first() else {
        return by_lang!(
            lang,
            "{span} の獲得月別。比べられるだけの確定コホート(直近 {HALF} か月とその前の {HALF} か月、各 {MIN_FIRST_TIMERS} 人以上)のある {column} はまだありません。",
            "By acquisition month, {span}. No {column} has enough matured cohorts yet to compare (the last {HALF} months and the {HALF} before, {MIN_FIRST_TIMERS} or more customers each)."
        );
    };
    let gap = |p: &TrendPoint| points(p.rate - target);
    let mut s = by_lang!(
        lang,
        "{column}「{}」の転換率は直近 {HALF} か月の確定コホートで {}(目標比 {})、その前の {HALF} か月は {} でした({})。",
        "For {column} \"{}\", the last {HALF} matured cohorts convert at {} ({} against target), the {HALF} before at {} ({}).",
        largest.label,
        percent(recent.rate),
        gap(recent),
        percent(before.rate),
        points(recent.rate - before.rate)
    );
    if moves.len() >= 2 {
        let change = |m: &&(&TrendLine, TrendPoint, TrendPoint)| m.1.rate - m.2.rate;
        let up = moves
            .iter()
            .max_by(|x, y| change(x).total_cmp(&change(y)))
            .expect("two");
        let down = moves
            .iter()
            .min_by(|x, y| change(x).total_cmp(&change(y)))
            .expect("two");
        s.push_str(&by_lang!(
            lang,
            "前の {HALF} か月からの変化は「{}」が最も良く({})、「{}」が最も悪い({})です。",
            " Against the {HALF} months before, \"{}\" moved best ({}) and \"{}\" worst ({}).",
            up.0.label,
            points(change(&up)),
            down.0.label,
            points(change(&down))
        ));
    }
    s
}

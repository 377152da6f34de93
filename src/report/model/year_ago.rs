//! 前年同月比 (year on year): the month-end a year before the report's is
//! twelve snapshots back (the snapshots are consecutive months), and the
//! 初回→よちよち KPI compares the cohort acquired twelve months before the
//! latest matured one. How the cards and readings say it — or say plainly
//! that the history does not reach back a year.

use crate::dates::format_month;
use crate::engine::portfolio::{CohortConversion, Portfolio};
use crate::text::format::{points, signed};
use crate::text::lang::{Lang, by_lang};

/// Snapshots in a year.
pub(crate) const YEAR: usize = 12;

/// The snapshot a year before `t`, when the history reaches back that far.
pub(crate) fn index(t: usize) -> Option<usize> {
    t.checked_sub(YEAR)
}

/// The cohort acquired twelve months before `c`, if it has customers.
pub(crate) fn cohort<'a>(p: &'a Portfolio, c: &CohortConversion) -> Option<&'a CohortConversion> {
    p.conversion
        .iter()
        .find(|o| o.cohort_month == c.cohort_month - YEAR as i32)
}

fn label(lang: Lang) -> &'static str {
    lang.pick("前年同月比", "vs a year ago")
}

/// "no data a year back", said plainly.
pub(crate) fn missing(lang: Lang) -> String {
    lang.pick(
        "前年同月比: 1 年前のデータがありません",
        "vs a year ago: no data from a year back",
    )
    .to_string()
}

/// `前年同月比 +120` for a count.
pub(crate) fn count(now: u64, then: Option<u64>, lang: Lang) -> String {
    then.map_or_else(
        || missing(lang),
        |then| format!("{} {}", label(lang), signed(i128::from(now) - i128::from(then))),
    )
}

/// `前年同月比 +1.2pt` for a rate.
pub(crate) fn rate(now: f64, then: Option<f64>, lang: Lang) -> String {
    then.map_or_else(
        || missing(lang),
        |then| format!("{} {}", label(lang), points(now - then)),
    )
}

/// The KPI against the cohort acquired a year before: `前年同月比 +2.7pt
/// (2024-09 獲得 25.1%)`.
pub(crate) fn conversion(c: &CohortConversion, then: Option<&CohortConversion>, lang: Lang) -> String {
    let month = format_month(c.cohort_month - YEAR as i32);
    match then {
        Some(o) => by_lang!(
            lang,
            "{} {}({month} 獲得 {})",
            "{} {} ({month} cohort: {})",
            label(lang),
            points(c.rate - o.rate),
            crate::text::format::percent(o.rate)
        ),
        None => by_lang!(
            lang,
            "前年同月比: 1 年前({month})に獲得した顧客がいません",
            "vs a year ago: no customers were acquired in {month}"
        ),
    }
}

/// The trend's 前年同月比: active and lapsed customers against the month-end
/// a year before, or a plain note that the history is shorter.
pub(crate) fn trend(p: &Portfolio, t: usize, lang: Lang) -> String {
    let lapsed = |s: usize| p.counts[s][crate::engine::segments::CPM_TIERS..].iter().sum::<u64>();
    let Some(y) = index(t) else {
        return lang
            .pick(
                "1 年前の月末がまだないため、前年同月比は出せません。",
                " There is no month-end a year back yet, so no year-on-year comparison.",
            )
            .to_string();
    };
    let d = |now: u64, then: u64| signed(i128::from(now) - i128::from(then));
    by_lang!(
        lang,
        "前年同月末({})比では、現役 {} 人、離脱 {} 人です。",
        " Against a year ago ({}): active {}, lapsed {}.",
        crate::dates::format_day(p.snapshot_days[y]),
        d(super::active(p, t), super::active(p, y)),
        d(lapsed(t), lapsed(y))
    )
}

/// A change as a percentage of the earlier value: `+12.3%`, `-4.0%`,
/// `±0.0%`; `None` when the earlier value is zero.
pub(crate) fn change(now: f64, then: f64) -> Option<f64> {
    (then != 0.0).then(|| (now - then) / then.abs())
}

/// [`change`] as text (`-` when it cannot be computed).
pub(crate) fn change_text(change: Option<f64>) -> String {
    match change {
        None => "-".to_string(),
        Some(c) => {
            let pct = (c * 1000.0).round() / 10.0;
            if pct == 0.0 {
                "±0.0%".to_string()
            } else {
                format!("{pct:+.1}%")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_by_hand() {
        assert_eq!(change(1.0, 4.0), Some(-0.75));
        assert_eq!(change(5.0, 0.0), None);
        assert_eq!(change_text(change(1.0, 3.0)), "-66.7%");
        assert_eq!(change_text(change(104.0, 100.0)), "+4.0%");
        assert_eq!(change_text(change(100.0, 100.0)), "±0.0%");
        assert_eq!(change_text(None), "-");
        assert_eq!(count(5, Some(7), Lang::Ja), "前年同月比 -2");
        assert_eq!(count(5, None, Lang::En), "vs a year ago: no data from a year back");
        assert_eq!(rate(0.25, Some(0.2), Lang::En), "vs a year ago +5.0pt");
    }
}

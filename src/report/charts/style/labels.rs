//! The words and numbers on a chart: tier and state names, snapshot
//! labels and headings, counts, shares, changes, money units and which
//! months of an axis get a label.

use crate::dates::{Day, format_day, format_month, is_month_end, month_of};
use crate::engine::segments::CPM_TIER_NAMES;
use crate::text::lang::{Lang, by_lang};

pub(crate) fn tier_name(tier: usize, lang: Lang) -> &'static str {
    let (ja, en) = CPM_TIER_NAMES[tier];
    lang.pick(ja, en)
}

pub(crate) fn state_name(lapsed: bool, lang: Lang) -> &'static str {
    match lapsed {
        false => lang.pick("現役", "Active"),
        true => lang.pick("離脱", "Lapsed"),
    }
}

/// `2024-06` for a month-end snapshot, `2024-06-15` for an as-of date inside
/// a month.
pub(crate) fn snapshot_label(day: Day) -> String {
    if is_month_end(day) {
        format_month(month_of(day))
    } else {
        format_day(day)
    }
}

/// The snapshot date as a heading: `2024-06末` / `end of 2024-06`, or the
/// date itself when it is not a month-end.
pub(crate) fn snapshot_heading(day: Day, lang: Lang) -> String {
    if is_month_end(day) {
        let month = format_month(month_of(day));
        by_lang!(lang, "{month}末", "end of {month}")
    } else {
        format_day(day)
    }
}

/// `タイトル（詳細）` / `Title (detail)`.
pub(crate) fn with_detail(title: &str, detail: &str, lang: Lang) -> String {
    by_lang!(lang, "{title}（{detail}）", "{title} ({detail})")
}

/// The subtitle of the charts of head counts over time: `月末時点の人数
/// （2024-01 〜 2025-12）` / `Customers at each month-end (2024-01 to 2025-12)`.
pub(crate) fn month_end_span(first: &str, last: &str, lang: Lang) -> String {
    by_lang!(
        lang,
        "月末時点の人数（{first} 〜 {last}）",
        "Customers at each month-end ({first} to {last})"
    )
}

/// `目標 50%` / `Target 50%`: a target line's label.
pub(crate) fn target_label(target: f64, lang: Lang) -> String {
    format!("{} {}", lang.pick("目標", "Target"), fmt_pct0(target))
}

// ---- numbers -----------------------------------------------------------

/// `12,345`, `-1,234`; `27.4%` — the same formatting as the HTML and terminal.
pub(crate) use crate::text::format::{percent as fmt_pct, thousands as group_thousands};

pub(crate) fn fmt_count(n: u64) -> String {
    group_thousands(i128::from(n))
}

/// Like [`fmt_pct`], but a share too small to show as 0.1% is `<0.1%`, not
/// `0.0%`.
pub(crate) fn fmt_share(ratio: f64) -> String {
    if ratio > 0.0 && ratio < 0.0005 {
        "<0.1%".to_string()
    } else {
        fmt_pct(ratio)
    }
}

/// `27%` (whole percent), for crowded labels.
pub(crate) fn fmt_pct0(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// `part / whole`, 0 when the whole is 0.
pub(crate) fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// A month-over-month change: `▲ +1,234`, `▼ −56`, `± 0`. The sign is
/// written out because in Japanese accounting ▲ alone means "minus".
pub(crate) fn fmt_change(delta: i128) -> String {
    match delta.signum() {
        1 => format!("▲ +{}", group_thousands(delta)),
        -1 => format!("▼ −{}", group_thousands(-delta)),
        _ => "± 0".to_string(),
    }
}

/// A signed count for a chart label: `+1,234`, `−56`, `±0` (a true minus
/// sign, and no arrow: see [`fmt_change`] for the grid's changes).
pub(crate) fn fmt_signed_count(delta: i128) -> String {
    match delta.signum() {
        1 => format!("+{}", group_thousands(delta)),
        -1 => format!("−{}", group_thousands(-delta)),
        _ => "±0".to_string(),
    }
}

/// Millionths of a currency unit → units.
pub(crate) fn units(micros: i128) -> f64 {
    micros as f64 / 1e6
}

/// The unit a money axis is drawn in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MoneyUnit {
    pub divisor: f64,
    pub name: &'static str,
}

/// The largest unit that keeps the axis maximum at 10 or more:
/// 円 / 万円 / 百万円 / 億円 in Japanese, ¥ / ¥ thousand / ¥ million / ¥ billion in English.
pub(crate) fn money_unit(max_abs_yen: f64, lang: Lang) -> MoneyUnit {
    let units: [(f64, &'static str); 4] = match lang {
        Lang::Ja => [(1.0, "円"), (1e4, "万円"), (1e6, "百万円"), (1e8, "億円")],
        Lang::En => [(1.0, "¥"), (1e3, "¥ thousand"), (1e6, "¥ million"), (1e9, "¥ billion")],
    };
    let (divisor, name) = units
        .iter()
        .rev()
        .find(|(d, _)| max_abs_yen / d >= 10.0)
        .copied()
        .unwrap_or(units[0]);
    MoneyUnit { divisor, name }
}

/// An axis value: thousands separators, one decimal only below 10.
pub(crate) fn fmt_axis_number(v: f64) -> String {
    if v.abs() < 10.0 && v.fract().abs() > 1e-9 {
        format!("{v:.1}")
    } else {
        group_thousands(v.round() as i128)
    }
}

/// Every `step`-th index, counted back from the last one, so the latest
/// month is always labelled and at most `max_labels` labels are drawn.
pub(crate) fn label_step(n: usize, max_labels: usize) -> usize {
    n.div_ceil(max_labels.max(1)).max(1)
}

pub(crate) fn is_labelled(i: usize, n: usize, step: usize) -> bool {
    (n - 1 - i).is_multiple_of(step)
}

/// The indices of the last `max` of `len` items.
pub(crate) fn last_n(len: usize, max: usize) -> std::ops::Range<usize> {
    len.saturating_sub(max)..len
}

//! The data-quality summary as people and machines read it: terminal lines,
//! `tables/data_quality.csv`, the HTML section, and the rejects file.

use std::fmt::Write as _;

use crate::dates::format_day;
use crate::money::round_units;
use crate::tables::data_quality::DataQuality;
use crate::text::format::{percent, thousands};
use crate::text::lang::{Lang, by_lang};

/// Label and value pairs, in reading order.
pub(crate) fn facts(q: &DataQuality, lang: Lang) -> Vec<(String, String)> {
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let n = |v: u64| thousands(i128::from(v));
    let mut out = vec![
        (l("読み込んだ行", "Rows read"), n(q.rows_read)),
        (l("集計に使った行", "Rows used"), n(q.rows_used)),
        (l("不正な行(除外)", "Rows rejected"), n(q.rows_rejected)),
    ];
    out.extend(left_out(q, lang));
    out.extend([
        (l("返品・キャンセル行", "Return rows"), n(q.return_rows)),
        (
            l("返品・キャンセル金額", "Returns total"),
            thousands(round_units(q.returns_total)),
        ),
        (
            l("返品率(購入額に対する)", "Returns share of purchases"),
            percent(q.returns_share()),
        ),
        (
            l(
                "同じ内容の行(集計に含む・明細単位の出力では普通)",
                "Identical rows (kept; usual in order-line exports)",
            ),
            n(q.duplicate_rows),
        ),
        (
            l("データの期間", "Date range"),
            format!("{} – {}", format_day(q.first_day), format_day(q.last_day)),
        ),
        (l("顧客 ID 数", "Customer ids"), n(q.customers)),
        (
            l("ポートフォリオの顧客数", "Customers in the portfolio"),
            n(q.customers_in_portfolio),
        ),
    ]);
    out.extend(header(q, lang));
    if q.rows_after_today > 0 {
        out.push((
            l("今日より後の日付の行", "Rows dated after today"),
            n(q.rows_after_today),
        ));
    }
    if q.blank_lines > 0 {
        out.push((l("空行(読み飛ばし)", "Blank lines (skipped)"), n(q.blank_lines)));
    }
    out
}

/// The rows left out of the figures: rejected (by reason and column), dated
/// after the as-of date, excluded by a filter, cancelled and guest orders.
fn left_out(q: &DataQuality, lang: Lang) -> Vec<(String, String)> {
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let n = |v: u64| thousands(i128::from(v));
    let mut out = Vec::new();
    for ((reason, column), count) in &q.rejected_by_column {
        let what = if column.is_empty() {
            reason.to_string()
        } else {
            format!("{reason} ({column})")
        };
        out.push((format!("  {}: {what}", l("理由", "reason")), n(*count)));
    }
    out.push((
        format!(
            "{} {} {}",
            l("基準日", "Rows after the as-of date"),
            format_day(q.as_of),
            l("より後の行(除外)", "(excluded)")
        ),
        n(q.rows_excluded),
    ));
    if q.excluded_by_filter > 0 || !q.filters.is_empty() {
        out.push((
            format!(
                "{} ({})",
                l("絞り込みで除外した行", "Rows excluded by filter"),
                q.filters.join(" ")
            ),
            n(q.excluded_by_filter),
        ));
    }
    for (counted, ja, en) in [
        (q.cancelled, "キャンセル行(除外)", "Cancelled lines (excluded)"),
        (q.guest_orders, "ゲスト注文(除外)", "Guest orders (excluded)"),
    ] {
        if counted.rows > 0 {
            let total = thousands(round_units(counted.total));
            let value = by_lang!(lang, "{}(金額 {total})", "{} (amount {total})", n(counted.rows));
            out.push((l(ja, en), value));
        }
    }
    out
}

/// Where the header was found, when lines above it were skipped.
fn header(q: &DataQuality, lang: Lang) -> Option<(String, String)> {
    let line = q.header_line.filter(|&l| l > 1)?;
    let skipped = q.lines_before_header.len();
    let titles = q.lines_before_header.join(" / ");
    let value = match lang {
        Lang::Ja => format!("{line}行目(上の{skipped}行を読み飛ばし: {titles})"),
        Lang::En => format!(
            "line {line} ({skipped} line{} above it skipped: {titles})",
            if skipped == 1 { "" } else { "s" }
        ),
    };
    Some((lang.pick("見出し行", "Header").to_string(), value))
}

/// One line per fact, for the terminal.
pub fn text(q: &DataQuality, lang: Lang) -> String {
    let mut out = String::from(lang.pick("データ品質\n", "Data quality\n"));
    let facts = facts(q, lang);
    let width = facts
        .iter()
        .map(|(k, _)| crate::text::format::display_width(k))
        .max()
        .unwrap_or(0);
    for (k, v) in facts {
        let _ = writeln!(out, "  {}  {v}", crate::text::format::pad_right(&k, width));
    }
    out
}

//! The breakdown section's HTML tables (`--by`): 初回→よちよち for every
//! group (the chart shows only the largest), and the portfolio counts of the
//! largest groups with the rest pooled as その他; and the monthly trend of
//! the largest groups.

use std::fmt::Write as _;

use super::html::escape;
use super::model::by_group::{ByGroup, MIN_FIRST_TIMERS};
use super::model::by_group_trend::{GroupTrend, TrendPoint};
use crate::dates::format_month;
use crate::engine::portfolio::Portfolio;
use crate::text::format::{count, percent, points, thousands};
use crate::text::lang::{Lang, by_lang};

/// Both tables, to follow the breakdown chart.
pub(crate) fn tables(by: &ByGroup, p: &Portfolio, lang: Lang) -> String {
    let mut h = rates_table(by, lang);
    h.push_str(&boxes_table(by, p, lang));
    h
}

fn num(n: u64) -> String {
    format!("<td class=\"num\">{}</td>", thousands(i128::from(n)))
}

fn rates_table(by: &ByGroup, lang: Lang) -> String {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<table class=\"by-group rates\">\n<tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr>",
        escape(&by.column),
        l("初回客", "First-time"),
        l("転換", "Converted"),
        l("転換率", "Rate"),
        l("95%区間", "95% interval"),
        l("目標比", "vs target"),
        l("順位", "Rank"),
    );
    for r in &by.rates {
        let interval = r
            .interval
            .map_or("-".to_string(), |(lo, hi)| format!("{}–{}", percent(lo), percent(hi)));
        let (rate, gap) = if r.first_timers == 0 {
            ("-".to_string(), "-".to_string())
        } else {
            (percent(r.rate), points(r.rate - by.target))
        };
        let rank = match r.rank {
            Some(k) => k.to_string(),
            None => l("判断外(少数)", "too small to judge").to_string(),
        };
        let _ = writeln!(
            h,
            "<tr class=\"group\"><td>{}</td>{}{}<td class=\"num\">{rate}</td><td class=\"num\">{interval}</td><td class=\"num\">{gap}</td><td class=\"num\">{rank}</td></tr>",
            escape(&r.label),
            num(r.first_timers),
            num(r.converted),
        );
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"note\">{}</p>",
        by_lang!(
            lang,
            "全 {} グループ。初回客 {MIN_FIRST_TIMERS} 人未満のグループは順位を付けていません。元データは tables/conversion.csv(group 列)。",
            "All {:#}. Groups with fewer than {MIN_FIRST_TIMERS} first-time customers are not ranked. Source: tables/conversion.csv (group column).",
            count(by.rates.len() as u64, "group", "groups")
        )
    );
    h
}

fn boxes_table(by: &ByGroup, p: &Portfolio, lang: Lang) -> String {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let with_share = by.boxes.iter().all(|b| b.loyal_share.is_some());
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<p class=\"reading\">{}</p>\n<table class=\"by-group boxes\">\n<tr><th>{}</th>",
        by_lang!(
            lang,
            "{} 別のポートフォリオ(今月末)",
            "Portfolio by {} (this month-end)",
            by.column
        ),
        escape(&by.boxes_reading),
        escape(&by.column),
    );
    for label in &p.labels {
        let _ = write!(h, "<th class=\"num\">{}</th>", escape(lang.pick(label.ja, label.en)));
    }
    if with_share {
        let _ = write!(
            h,
            "<th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>",
            l("現役計", "Active"),
            l("離脱計", "Lapsed"),
            l("優良現役比率", "Loyal share of active")
        );
    }
    h.push_str("</tr>\n");
    for b in &by.boxes {
        let _ = write!(h, "<tr class=\"group\"><td>{}</td>", escape(&b.label));
        for &n in &b.counts {
            h.push_str(&num(n));
        }
        if let Some(share) = b.loyal_share.filter(|_| with_share) {
            let _ = write!(
                h,
                "{}{}<td class=\"num\">{}</td>",
                num(b.active),
                num(b.lapsed),
                percent(share)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    if by.pooled_boxes > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">{}</p>",
            by_lang!(
                lang,
                "今月末の顧客が多い {} グループを表示し、ほか {} グループは「その他」に合算しています。",
                "The {:#} the most customers at this month-end; {:#} pooled as \"Others\".",
                count((by.boxes.len() - 1) as u64, "group with", "groups with"),
                count(by.pooled_boxes as u64, "more is", "more are")
            )
        );
    }
    h
}

/// The trend's table: a row per acquisition month, the rate and first-time
/// customers of the whole run and of each group drawn; provisional months
/// marked.
pub(crate) fn trend_table(trend: &GroupTrend, lang: Lang) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<table class=\"by-group trend\">\n<tr><th>{}</th><th class=\"num\">{}</th>",
        lang.pick("獲得月", "Cohort"),
        escape(&trend.all.label)
    );
    for line in &trend.lines {
        let _ = write!(h, "<th class=\"num\">{}</th>", escape(&line.label));
    }
    h.push_str("</tr>\n");
    let cell = |point: Option<TrendPoint>| match point {
        Some(p) => format!(
            "<td class=\"num\">{}<span class=\"note\"> ({})</span></td>",
            percent(p.rate),
            thousands(i128::from(p.cohort_size))
        ),
        None => "<td class=\"num\">-</td>".to_string(),
    };
    for (i, &month) in trend.months.iter().enumerate() {
        let (class, mark) = if trend.matured[i] {
            ("month", "")
        } else {
            ("month provisional", lang.pick(" 暫定", " provisional"))
        };
        let _ = write!(
            h,
            "<tr class=\"{class}\"><td>{}{mark}</td>{}",
            format_month(month),
            cell(trend.all.points[i])
        );
        for line in &trend.lines {
            h.push_str(&cell(line.points[i]));
        }
        h.push_str("</tr>\n");
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"note\">{}</p>",
        match trend.left_out {
            0 => lang
                .pick(
                    "転換率(かっこ内は初回客)。暫定＝観測期間が終わっていないコホート。元データは tables/conversion.csv(group 列)。",
                    "Rate (first-time customers in brackets). Provisional = window still open. Source: tables/conversion.csv (group column).",
                )
                .to_string(),
            k => by_lang!(
                lang,
                "転換率(かっこ内は初回客)。暫定＝観測期間が終わっていないコホート。ほか {k} グループは省略。元データは tables/conversion.csv(group 列)。",
                "Rate (first-time customers in brackets). Provisional = window still open; {k:#} not shown. Source: tables/conversion.csv (group column).",
                k = count(k as u64, "more group", "more groups")
            ),
        }
    );
    h
}

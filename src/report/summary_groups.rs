//! `cpm summary --by`: one line per group under the run's summary, largest
//! group first (customers at the latest month-end): customers, active (not
//! dormant, in the lifecycle scheme), the
//! 優良現役 share of active (CPM scheme), and the headline KPI — 初回→よちよち
//! over the matured cohorts of the last 12 months, pooled, with its 95%
//! interval and the gap to target, as in the report's breakdown. Groups too
//! small to judge say so instead of a gap. The largest [`LINES`] groups are
//! listed; the rest are counted and pointed to the tables.

use std::fmt::Write as _;

use super::model::by_group::{self, GroupRate, MIN_FIRST_TIMERS};
use crate::dates::format_month;
use crate::engine::lifecycle::DORMANT;
use crate::engine::segments::CpmLayout;
use crate::tables::Tables;
use crate::text::format::{count, display_width, pad_left, pad_right, percent, points, thousands};
use crate::text::lang::{Lang, by_lang};

/// Groups listed by name.
pub(crate) const LINES: usize = 20;
const NAME_W: usize = 22;
const CELL_W: usize = 12;

/// The per-group lines (empty without `--by`).
pub(crate) fn render(tables: &Tables, lang: Lang) -> String {
    let (Some(b), Some(t)) = (&tables.breakdown, tables.portfolio.snapshot_days.len().checked_sub(1)) else {
        return String::new();
    };
    let Some(by) = by_group::build(tables, t, lang) else {
        return String::new();
    };
    let layout = CpmLayout::of(&tables.portfolio.labels);
    let size = |g: usize| b.portfolios[g].counts.get(t).map_or(0, |r| r.iter().sum::<u64>());
    let mut order: Vec<usize> = (0..b.groups.len()).collect();
    // Groups are in byte order; a stable sort keeps it on ties.
    order.sort_by_key(|&g| std::cmp::Reverse(size(g)));
    let window = by.window.map_or("-".to_string(), |(from, to)| {
        format!("{}〜{}", format_month(from), format_month(to))
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}",
        by_lang!(
            lang,
            "{} 別(今月末の顧客数の多い順、全 {} グループ;転換率は {window} の確定コホート)",
            "By {} (most customers at the month-end first; {:#}; conversion over the matured cohorts of {window})",
            b.column,
            count(b.groups.len() as u64, "group", "groups")
        )
    );
    let _ = writeln!(out, "{}", head_line(layout, lang).trim_end());
    for &g in order.iter().take(LINES) {
        let counts = b.portfolios[g].counts.get(t).cloned().unwrap_or_default();
        let rate = by.rates.iter().find(|r| r.label == b.groups[g]);
        let mut line = pad_right(&clip(&b.groups[g], NAME_W - 1), NAME_W);
        line += &count_cells(&counts, layout);
        line += &rate_cells(rate, by.target, lang);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if order.len() > LINES {
        let _ = writeln!(
            out,
            "{}",
            by_lang!(
                lang,
                "ほか {} グループ(すべて tables/snapshots.csv・conversion.csv の group 列)",
                "{:#} (all in tables/snapshots.csv and conversion.csv, group column)",
                count((order.len() - LINES) as u64, "more group", "more groups")
            )
        );
    }
    if by.rates.iter().any(|r| !r.judged) {
        let _ = writeln!(
            out,
            "{}",
            by_lang!(
                lang,
                "判断外 = 初回客 {MIN_FIRST_TIMERS} 人未満で、転換率を比べるには少なすぎるグループ",
                "too small = fewer than {MIN_FIRST_TIMERS} first-time customers: not judged"
            )
        );
    }
    out
}

/// The column heads: the group, its customers and active customers (not
/// dormant, in the lifecycle scheme), the CPM scheme's loyal share, then
/// the KPI's columns.
fn head_line(layout: Option<CpmLayout>, lang: Lang) -> String {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let mut head = pad_right(l("グループ", "Group"), NAME_W);
    let active_name = match layout {
        Some(_) => l("現役", "Active"),
        None => l("休眠以外", "Not dormant"),
    };
    for h in [l("顧客数", "Customers"), active_name] {
        head += &pad_left(h, CELL_W);
    }
    if layout.is_some() {
        head += &pad_left(l("優良比率", "Loyal sh."), CELL_W);
    }
    for h in [l("初回客", "First"), l("転換率", "Conv."), l("95%区間", "95% int.")] {
        head += &pad_left(h, CELL_W);
    }
    head + &pad_left(l("目標比", "vs target"), CELL_W + 2)
}

/// A group's customers and active customers at the month-end (`counts`, by
/// segment), and with the CPM segments the 優良現役 share of active.
fn count_cells(counts: &[u64], layout: Option<CpmLayout>) -> String {
    let count = |s: usize| counts.get(s).copied().unwrap_or(0);
    let all: u64 = counts.iter().sum();
    let active: u64 = match layout {
        Some(l) => l.active().map(count).sum(),
        None => all - count(DORMANT),
    };
    let mut cells = pad_left(&thousands(i128::from(all)), CELL_W) + &pad_left(&thousands(i128::from(active)), CELL_W);
    if let Some(l) = layout {
        let loyal: u64 = l.loyal(false).map(count).sum();
        let share = if active == 0 {
            "-".to_string()
        } else {
            percent(loyal as f64 / active as f64)
        };
        cells += &pad_left(&share, CELL_W);
    }
    cells
}

/// First-time customers, rate, interval and gap (or the small-group mark).
fn rate_cells(rate: Option<&GroupRate>, target: f64, lang: Lang) -> String {
    let Some(r) = rate.filter(|r| r.first_timers > 0) else {
        return pad_left("0", CELL_W) + &pad_left("-", CELL_W) + &pad_left("-", CELL_W) + &pad_left("-", CELL_W + 2);
    };
    let interval = r.interval.map_or("-".to_string(), |(lo, hi)| {
        format!("{:.0}–{:.0}%", lo * 100.0, hi * 100.0)
    });
    let gap = if r.judged {
        points(r.rate - target)
    } else {
        lang.pick("判断外", "too small").to_string()
    };
    pad_left(&thousands(i128::from(r.first_timers)), CELL_W)
        + &pad_left(&percent(r.rate), CELL_W)
        + &pad_left(&interval, CELL_W)
        + &pad_left(&gap, CELL_W + 2)
}

/// `text` cut to `width` display columns around an ellipsis, keeping its
/// start and end (group names often differ only at the end).
fn clip(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let w = |c: &char| display_width(&c.to_string());
    let half = (width - 1) / 2;
    let (mut head, mut used) = (0, 0);
    while head < chars.len() && used + w(&chars[head]) <= half {
        used += w(&chars[head]);
        head += 1;
    }
    let (mut tail, mut used_tail) = (chars.len(), 0);
    while tail > head && used + used_tail + w(&chars[tail - 1]) < width {
        used_tail += w(&chars[tail - 1]);
        tail -= 1;
    }
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[tail..]);
    out
}

//! `cpm whatif`: the latest month-end under the current rules and under
//! changed ones — who moves from which segment to which, and the headline
//! KPIs under both. Both runs use the same orders and the same as-of date;
//! nothing is written unless asked.

use std::fmt::Write as _;

use crate::config::Config;
use crate::dates::{Day, format_day, format_month};
use crate::engine::kpi::{self, Kpis};
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::SegmentLabel;
use crate::error::Result;
use crate::ingest::{IngestReport, Orders};
use crate::pipeline::{Analysis, analyze_orders};
use crate::text::format::{pad_left, pad_right, percent, points, signed, thousands};
use crate::text::lang::{Lang, by_lang};

/// Width of the segment-name column of the terminal tables.
const SEGMENT_WIDTH: usize = 22;

/// A headline figure under both rule sets.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiRow {
    pub ja: String,
    pub en: String,
    pub before: Option<Figure>,
    pub after: Option<Figure>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Count(u64),
    Rate(f64),
}

impl Figure {
    fn text(self) -> String {
        match self {
            Figure::Count(n) => thousands(i128::from(n)),
            Figure::Rate(r) => percent(r),
        }
    }

    fn change(before: Figure, after: Figure) -> String {
        match (before, after) {
            (Figure::Count(a), Figure::Count(b)) => signed(i128::from(b) - i128::from(a)),
            (Figure::Rate(a), Figure::Rate(b)) => points(b - a),
            _ => "-".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub as_of: Day,
    /// `(key, before, after)` of every setting that differs.
    pub changes: Vec<(String, String, String)>,
    pub before_labels: Vec<SegmentLabel>,
    pub after_labels: Vec<SegmentLabel>,
    /// `moves[before][after]`: customers at the as-of date.
    pub moves: Vec<Vec<u64>>,
    pub kpis: Vec<KpiRow>,
    /// `(ja, en)` sentences on how to read the comparison (which cohort the
    /// conversion compares, and whether the rules change maturity).
    pub notes: Vec<(String, String)>,
}

/// The 初回→よちよち conversion compared on one cohort: the latest matured
/// under both rule sets (a shorter window matures sooner, so the latest
/// matured cohort of each would be two different groups of customers).
fn conversion_rows(a: &Portfolio, b: &Portfolio) -> (Option<KpiRow>, Vec<(String, String)>) {
    let latest = |p: &Portfolio| p.conversion.iter().rev().find(|c| c.matured).map(|c| c.cohort_month);
    let both = a.conversion.iter().rev().find(|c| {
        c.matured
            && b.conversion
                .iter()
                .any(|d| d.cohort_month == c.cohort_month && d.matured)
    });
    let mut notes = Vec::new();
    let Some(cohort) = both else {
        notes.push((
            "初回→よちよち転換率: 両方のルールで確定したコホートがまだありません。".to_string(),
            "First → toddler conversion: no cohort has matured under both rule sets yet.".to_string(),
        ));
        return (None, notes);
    };
    let month = format_month(cohort.cohort_month);
    let after = b.conversion.iter().find(|d| d.cohort_month == cohort.cohort_month);
    let row = KpiRow {
        ja: format!("初回→よちよち転換率({month} 獲得)"),
        en: format!("First → toddler ({month} cohort)"),
        before: Some(Figure::Rate(cohort.rate)),
        after: after.map(|d| Figure::Rate(d.rate)),
    };
    notes.push((
        format!(
            "転換率は同じ {month} 獲得コホート({} 人)を両方のルールで比べています。",
            cohort.cohort_size
        ),
        format!(
            "The conversion compares the same customers: the {month} cohort ({}), under both rule sets.",
            cohort.cohort_size
        ),
    ));
    let (la, lb) = (latest(a), latest(b));
    if la != lb {
        let name = |m: Option<crate::dates::MonthIndex>| m.map_or("-".to_string(), format_month);
        notes.push((
            format!(
                "このルール変更で確定するコホートが変わります(現在は {} まで、変更後は {} まで)。\
                 確定の早い・遅い別のコホートを比べると、ルールの効果と顧客の違いが混ざります。",
                name(la),
                name(lb)
            ),
            format!(
                "The change moves which cohorts have matured (now up to {}, after the change up to {}); \
                 comparing each rule set's latest cohort would mix the rules' effect with different customers.",
                name(la),
                name(lb)
            ),
        ));
    }
    (Some(row), notes)
}

/// Every rule setting as `(key, value)`, for listing what changed (the
/// settings table less the column names and how the file is read).
fn settings(c: &Config) -> Vec<(String, String)> {
    use crate::config::settings::Section;
    crate::config::settings::values(c)
        .into_iter()
        .filter(|(s, _)| !matches!(s.section, Section::Columns | Section::Read))
        .map(|(s, v)| (s.key.to_string(), v.map_or("-".to_string(), |v| v.text())))
        .collect()
}

/// The headline figures of a portfolio at its last snapshot, by name.
fn headline(p: &Portfolio, config: &Config) -> Vec<(&'static str, &'static str, Figure)> {
    let t = p.snapshot_days.len() - 1;
    let mut rows = Vec::new();
    match kpi::at(p, t, config.scheme_rules(), config.rules.toddler_days) {
        Kpis::Cpm(k) => {
            rows.push((
                "優良現役の比率(現役中)",
                "Loyal share of active",
                Figure::Rate(k.loyal_share),
            ));
            rows.push(("現役顧客数", "Active customers", Figure::Count(k.active)));
            rows.push(("離脱顧客数", "Lapsed customers", Figure::Count(k.customers - k.active)));
        }
        Kpis::Lifecycle(k) => {
            rows.push(("継続系の比率", "Engaged share", Figure::Rate(k.engaged_share())));
            rows.push(("優良(VIP)", "VIP customers", Figure::Count(k.vip)));
            rows.push(("休眠予備軍", "At-risk customers", Figure::Count(k.at_risk)));
            rows.push(("休眠", "Dormant customers", Figure::Count(k.dormant)));
        }
    }
    rows
}

/// Compares two analyses of the same orders at the same as-of date.
pub(crate) fn compare(before: &Analysis, before_config: &Config, after: &Analysis, after_config: &Config) -> WhatIf {
    let (a, b) = (&before.portfolio, &after.portfolio);
    let mut after_segment = vec![usize::MAX; b.ids.len()];
    for c in &b.customers {
        after_segment[c.customer as usize] = c.segment;
    }
    let mut moves = vec![vec![0u64; b.labels.len()]; a.labels.len()];
    for c in &a.customers {
        let to = after_segment[c.customer as usize];
        debug_assert!(to != usize::MAX, "the same customers are present under both rule sets");
        if to != usize::MAX {
            moves[c.segment][to] += 1;
        }
    }
    let changes = settings(before_config)
        .into_iter()
        .zip(settings(after_config))
        .filter(|(x, y)| x.1 != y.1)
        .map(|((k, x), (_, y))| (k, x, y))
        .collect();
    let hb = headline(a, before_config);
    let ha = headline(b, after_config);
    let (conversion, notes) = conversion_rows(a, b);
    let mut kpis: Vec<KpiRow> = conversion.into_iter().collect();
    kpis.extend(hb.iter().map(|&(ja, en, f)| KpiRow {
        ja: ja.into(),
        en: en.into(),
        before: Some(f),
        after: ha.iter().find(|r| r.1 == en).map(|r| r.2),
    }));
    for &(ja, en, f) in &ha {
        if !kpis.iter().any(|r| r.en == en) {
            kpis.push(KpiRow {
                ja: ja.into(),
                en: en.into(),
                before: None,
                after: Some(f),
            });
        }
    }
    WhatIf {
        as_of: a.as_of,
        changes,
        before_labels: a.labels.clone(),
        after_labels: b.labels.clone(),
        moves,
        kpis,
        notes,
    }
}

/// Runs both rule sets on `orders` (`today`: the caller's date, for the
/// count of rows dated after it).
pub fn run(
    orders: Orders,
    ingest: IngestReport,
    before: &Config,
    after: &Config,
    as_of: Option<Day>,
    today: Day,
) -> Result<WhatIf> {
    let a = analyze_orders(orders.clone(), ingest.clone(), before, as_of, today)?;
    // The same as-of date for both: the first run's.
    let b = analyze_orders(orders, ingest, after, Some(a.portfolio.as_of), today)?;
    Ok(compare(&a, before, &b, after))
}

impl WhatIf {
    pub(crate) fn moved(&self) -> u64 {
        self.moves
            .iter()
            .enumerate()
            .flat_map(|(i, row)| row.iter().enumerate().map(move |(j, &n)| (i, j, n)))
            .filter(|&(i, j, _)| self.before_labels[i].id != self.after_labels[j].id)
            .map(|(_, _, n)| n)
            .sum()
    }

    /// `from_segment,to_segment,customers`: every non-zero cell.
    pub(crate) fn csv(&self) -> String {
        let mut out = String::from("from_segment,to_segment,customers\n");
        for (i, row) in self.moves.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                if n > 0 {
                    let _ = writeln!(out, "{},{},{}", self.before_labels[i].id, self.after_labels[j].id, n);
                }
            }
        }
        out
    }

    pub fn text(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.changes_section(&mut out, lang);
        out.push('\n');
        self.sizes_section(&mut out, lang);
        out.push('\n');
        self.moves_section(&mut out, lang);
        out.push('\n');
        self.kpi_section(&mut out, lang);
        out
    }

    /// The as-of date and each changed setting.
    fn changes_section(&self, out: &mut String, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let _ = writeln!(
            out,
            "{} {} ({})",
            l("ルール変更の試算", "What-if at"),
            format_day(self.as_of),
            format_month(crate::dates::month_of(self.as_of))
        );
        if self.changes.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                l("変更なし(同じルールです)", "No change: the rules are the same")
            );
        }
        for (k, a, b) in &self.changes {
            let _ = writeln!(out, "  {k}: {a} → {b}");
        }
    }

    /// Segment sizes under both rule sets.
    fn sizes_section(&self, out: &mut String, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let name = |label: &SegmentLabel| lang.pick(label.ja, label.en).to_string();
        let before_counts: Vec<u64> = self.moves.iter().map(|r| r.iter().sum()).collect();
        let after_counts: Vec<u64> = (0..self.after_labels.len())
            .map(|j| self.moves.iter().map(|r| r[j]).sum())
            .collect();
        let _ = writeln!(
            out,
            "{}{}{}{}",
            pad_right(l("区分", "Segment"), SEGMENT_WIDTH),
            pad_left(l("現在", "current"), 10),
            pad_left(l("変更後", "new"), 10),
            pad_left(l("差", "change"), 10)
        );
        let mut ids: Vec<&SegmentLabel> = self.before_labels.iter().collect();
        for label in &self.after_labels {
            if !ids.iter().any(|l| l.id == label.id) {
                ids.push(label);
            }
        }
        for label in ids {
            let before = self
                .before_labels
                .iter()
                .position(|l| l.id == label.id)
                .map_or(0, |i| before_counts[i]);
            let after = self
                .after_labels
                .iter()
                .position(|l| l.id == label.id)
                .map_or(0, |j| after_counts[j]);
            let _ = writeln!(
                out,
                "{}{}{}{}",
                pad_right(&name(label), SEGMENT_WIDTH),
                pad_left(&thousands(i128::from(before)), 10),
                pad_left(&thousands(i128::from(after)), 10),
                pad_left(&signed(i128::from(after) - i128::from(before)), 10)
            );
        }
    }

    /// How many change segment, and each move, largest first.
    fn moves_section(&self, out: &mut String, lang: Lang) {
        let name = |label: &SegmentLabel| lang.pick(label.ja, label.en).to_string();

        let moved = self.moved();
        let all: u64 = self.moves.iter().flatten().sum();
        let _ = writeln!(
            out,
            "{}",
            by_lang!(
                lang,
                "区分が変わる顧客: {} 人(全 {} 人の {})",
                "Customers changing segment: {} of {} ({})",
                thousands(i128::from(moved)),
                thousands(i128::from(all)),
                percent(if all == 0 { 0.0 } else { moved as f64 / all as f64 })
            )
        );
        let mut cells: Vec<(u64, usize, usize)> = Vec::new();
        for (i, row) in self.moves.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                if n > 0 && self.before_labels[i].id != self.after_labels[j].id {
                    cells.push((n, i, j));
                }
            }
        }
        cells.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        for (n, i, j) in cells {
            let _ = writeln!(
                out,
                "  {} → {}{}",
                pad_right(&name(&self.before_labels[i]), SEGMENT_WIDTH - 2),
                pad_right(&name(&self.after_labels[j]), SEGMENT_WIDTH),
                pad_left(&thousands(i128::from(n)), 10)
            );
        }
    }

    /// The headline KPIs under both, and the notes.
    fn kpi_section(&self, out: &mut String, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let _ = writeln!(
            out,
            "{}{}{}{}",
            pad_right("KPI", 36),
            pad_left(l("現在", "current"), 10),
            pad_left(l("変更後", "new"), 10),
            pad_left(l("差", "change"), 10)
        );
        for k in &self.kpis {
            let change = match (k.before, k.after) {
                (Some(a), Some(b)) => Figure::change(a, b),
                _ => "-".into(),
            };
            let _ = writeln!(
                out,
                "{}{}{}{}",
                pad_right(lang.pick(&k.ja, &k.en), 36),
                pad_left(&k.before.map_or("-".into(), Figure::text), 10),
                pad_left(&k.after.map_or("-".into(), Figure::text), 10),
                pad_left(&change, 10)
            );
        }
        for (ja, en) in &self.notes {
            let _ = writeln!(out, "{}", lang.pick(ja, en));
        }
    }
}

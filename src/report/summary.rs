//! `cpm summary`: the CPM table of the latest month-end, drawn the way a
//! Japanese analyst draws it — five tiers across, 現役 above 離脱.

use std::fmt::Write as _;

use crate::config::Config;
use crate::dates::{format_day, format_month};
use crate::engine::kpi;
use crate::engine::portfolio::{CohortConversion, Portfolio};
use crate::engine::segments::CPM_TIER_NAMES;
use crate::tables::Tables;
use crate::text::format::{count, pad_left, pad_right, percent, points, signed, thousands};
use crate::text::lang::{Lang, by_lang};

const LABEL_W: usize = 14;
const CELL_W: usize = 11;

/// The terminal summary of the tables' latest month-end, by their scheme,
/// with the activity table (and with `--by`, a line per group after it).
pub(crate) fn render(tables: &Tables, lang: Lang) -> String {
    let mut out = crate::report::scheme::of(&tables.config).summary(&tables.portfolio, &tables.config, lang);
    let t = tables.portfolio.snapshot_days.len() - 1;
    out.push('\n');
    out += &activity_lines(&crate::report::model::activity::table(tables, t, lang));
    out.push_str(&super::summary_groups::render(tables, lang));
    out
}

/// The activity table: the items down, this month / last month / a year
/// ago and the changes across, each column as wide as its widest cell.
fn activity_lines(a: &crate::report::model::activity::ActivityTable) -> String {
    use crate::report::model::year_ago::change_text;
    use crate::text::format::display_width;
    let rows: Vec<(String, [String; 5])> = a
        .lines
        .iter()
        .map(|line| {
            (
                line.name.clone(),
                [
                    line.text(line.now),
                    line.text(line.last),
                    change_text(line.vs_last()),
                    line.text(line.year_ago),
                    change_text(line.vs_year_ago()),
                ],
            )
        })
        .collect();
    let item_w = rows.iter().map(|(n, _)| display_width(n)).max().unwrap_or(0) + 2;
    let widths: Vec<usize> = (0..5)
        .map(|c| {
            let cells = rows.iter().map(|(_, r)| display_width(&r[c]));
            cells.chain([display_width(&a.heads[c + 1])]).max().unwrap_or(0) + 2
        })
        .collect();
    let mut out = format!("{}\n", a.title);
    let mut head = pad_right("", item_w);
    for (h, &w) in a.heads[1..].iter().zip(&widths) {
        head += &pad_left(h, w);
    }
    out += head.trim_end();
    out.push('\n');
    for (name, cells) in &rows {
        let mut row = pad_right(name, item_w);
        for (c, &w) in cells.iter().zip(&widths) {
            row += &pad_left(c, w);
        }
        out += row.trim_end();
        out.push('\n');
    }
    for note in &a.notes {
        let _ = writeln!(out, "{note}");
    }
    out
}

/// The CPM summary: five (or six) tiers across, 現役 above 離脱.
pub(crate) fn render_cpm(p: &Portfolio, config: &Config, lang: Lang) -> String {
    let t = p.snapshot_days.len() - 1;
    let title = lang.pick("CPM ポートフォリオ", "CPM portfolio");
    assemble(
        p,
        config,
        lang,
        title,
        &cpm_table(p, config, t, lang),
        &cpm_kpi_lines(p, config, t, lang),
    )
}

/// The lifecycle summary (spec section 8): the six states, one line each.
pub(crate) fn render_lifecycle(p: &Portfolio, config: &Config, lang: Lang) -> String {
    let t = p.snapshot_days.len() - 1;
    let title = lang.pick("ライフサイクル(6 区分)", "Lifecycle (six states)");
    let kpis = lifecycle_kpi_lines(p, config, t, lang);
    assemble(p, config, lang, title, &lifecycle_table(p, t, lang), &kpis)
}

/// One path for both schemes: the month-end's heading, the scheme's table,
/// a blank line, its KPI lines, then the rules of the run.
fn assemble(p: &Portfolio, config: &Config, lang: Lang, title: &str, table: &str, kpis: &str) -> String {
    let t = p.snapshot_days.len() - 1;
    let mut out = format!("{title} {}", format_day(p.snapshot_days[t]));
    if let Some(s) = t.checked_sub(1) {
        let _ = write!(
            out,
            "  ({} {})",
            lang.pick("前月比は", "change vs"),
            format_day(p.snapshot_days[s])
        );
    }
    out.push('\n');
    out += table;
    out.push('\n');
    out += kpis;
    out.push_str(&rules_lines(config, lang));
    out
}

/// The three figures of a segment (or a sum of segments) in both tables:
/// customers, share of all, and the change since last month (`-` without one).
fn figures(now: u64, all: u64, before: Option<u64>) -> [String; 3] {
    [
        thousands(i128::from(now)),
        share(now, all),
        before.map_or("-".into(), |b| signed(i128::from(now) - i128::from(b))),
    ]
}

/// The CPM grid: the tiers across, a state's counts, shares and changes
/// down, the total customers, and the 超優良 rule when it is on.
fn cpm_table(p: &Portfolio, config: &Config, t: usize, lang: Lang) -> String {
    let layout = config.rules.layout();
    let tiers = layout.tiers;
    let mut out = pad_right("", LABEL_W);
    for (ja, en) in &CPM_TIER_NAMES[..tiers] {
        out += &pad_left(lang.pick(ja, en), CELL_W);
    }
    out += &pad_left(lang.pick("合計", "Total"), CELL_W);
    out.push('\n');
    for (first, state) in [(0, lang.pick("現役", "Active")), (tiers, lang.pick("離脱", "Lapsed"))] {
        let segments: Vec<usize> = (first..first + tiers).collect();
        out += &state_lines(p, t, state, &segments, lang);
    }
    let all: u64 = p.counts[t].iter().sum();
    let _ = writeln!(
        out,
        "{} {}",
        lang.pick("顧客数合計", "All customers"),
        thousands(i128::from(all))
    );
    if let Some(s) = config.rules.super_loyal.filter(|_| layout.has_super()) {
        let days = s.days.map_or(String::new(), |d| {
            by_lang!(lang, "、在籍 {d} 日以上", ", tenure >= {d} days")
        });
        let _ = writeln!(
            out,
            "{}",
            by_lang!(
                lang,
                "超優良 = 優良のうち累計 {} 以上{days}(12 区分)",
                "Super-loyal = loyal customers with a total >= {}{days} (twelve segments)",
                amount_text(s.amount)
            )
        );
    }
    out
}

/// A state's rows of the CPM grid: counts, shares and changes of its
/// segments, then of their sum.
fn state_lines(p: &Portfolio, t: usize, state: &str, segments: &[usize], lang: Lang) -> String {
    let all: u64 = p.counts[t].iter().sum();
    let count_at = |s: usize, segs: &[usize]| -> u64 { segs.iter().map(|&k| p.counts[s][k]).sum() };
    let mut lines = [
        pad_right(&format!("{state} {}", lang.pick("人数", "count")), LABEL_W),
        pad_right(&format!("  {}", lang.pick("構成比", "share")), LABEL_W),
        pad_right(&format!("  {}", lang.pick("前月比", "change")), LABEL_W),
    ];
    for segs in segments.iter().map(std::slice::from_ref).chain([segments]) {
        let before = t.checked_sub(1).map(|s| count_at(s, segs));
        for (line, cell) in lines.iter_mut().zip(figures(count_at(t, segs), all, before)) {
            *line += &pad_left(&cell, CELL_W);
        }
    }
    let mut out = String::new();
    for line in lines {
        out += line.trim_end();
        out.push('\n');
    }
    out
}

/// The CPM KPIs: 初回→よちよち of the latest matured cohort and the 優良現役
/// share of active customers, each against its target.
fn cpm_kpi_lines(p: &Portfolio, config: &Config, t: usize, lang: Lang) -> String {
    let k = kpi::cpm_at(p, t, config.rules.toddler_days);
    let target = config.conversion_target;
    let mut out = String::new();
    match &k.conversion {
        Some(c) => {
            let against = format!(
                "; {} {}, {}",
                lang.pick("目標", "target"),
                percent(target),
                points(c.rate - target)
            );
            out += &conversion_line(
                lang.pick("初回→よちよち転換率", "First-to-toddler conversion"),
                c,
                &against,
                lang,
            );
            if let Some(prev) = &k.conversion_prev {
                let _ = write!(
                    out,
                    "; {} {}",
                    lang.pick("前コホート比", "vs previous cohort"),
                    points(c.rate - prev.rate)
                );
            }
            let _ = write!(
                out,
                "; {}",
                crate::report::model::year_ago::conversion(c, crate::report::model::year_ago::cohort(p, c), lang)
            );
        }
        None => {
            out += lang.pick(
                "初回→よちよち転換率: 確定したコホートがまだありません(初回購入から転換期間が経過していません)",
                "First-to-toddler conversion: no cohort has matured yet",
            )
        }
    }
    out.push('\n');
    let loyal_name = if config.rules.layout().has_super() {
        lang.pick(
            "優良現役(超優良を含む)の現役比率",
            "Loyal (incl. super-loyal) share of active customers",
        )
    } else {
        lang.pick("優良現役の現役比率", "Loyal share of active customers")
    };
    let _ = writeln!(
        out,
        "{}: {} ({} {}, {})",
        loyal_name,
        percent(k.loyal_share),
        lang.pick("目標", "target"),
        percent(config.loyal_share_target),
        points(k.loyal_share - config.loyal_share_target)
    );
    out
}

/// `NAME MONTH cohort: RATE (CONVERTED/SIZE…)`, the start of the headline
/// KPI's line in both schemes; `more` goes inside the brackets.
fn conversion_line(name: &str, c: &CohortConversion, more: &str, lang: Lang) -> String {
    format!(
        "{name} {} {}: {} ({}/{}{more})",
        format_month(c.cohort_month),
        lang.pick("獲得コホート", "cohort"),
        percent(c.rate),
        thousands(i128::from(c.converted)),
        thousands(i128::from(c.cohort_size)),
    )
}

/// The six states down, their counts, shares and changes across.
fn lifecycle_table(p: &Portfolio, t: usize, lang: Lang) -> String {
    const NAME_W: usize = 18;
    let all: u64 = p.counts[t].iter().sum();
    let mut out = pad_right("", NAME_W);
    for head in [
        lang.pick("人数", "count"),
        lang.pick("構成比", "share"),
        lang.pick("前月比", "change"),
    ] {
        out += &pad_left(head, CELL_W);
    }
    out.push('\n');
    for (s, label) in p.labels.iter().enumerate() {
        let mut line = pad_right(lang.pick(label.ja, label.en), NAME_W);
        for cell in figures(p.counts[t][s], all, t.checked_sub(1).map(|u| p.counts[u][s])) {
            line += &pad_left(&cell, CELL_W);
        }
        out += line.trim_end();
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}{}",
        pad_right(lang.pick("合計", "Total"), NAME_W),
        pad_left(&thousands(i128::from(all)), CELL_W)
    );
    out
}

/// The lifecycle KPIs: the engaged states, this month's winbacks, the
/// top-share VIP line, and 初回→2回目 of the latest matured cohort.
fn lifecycle_kpi_lines(p: &Portfolio, config: &Config, t: usize, lang: Lang) -> String {
    let k = kpi::lifecycle_at(p, t, config.rules.toddler_days);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} ({}){}",
        lang.pick(
            "継続系(優良・復活・新規・継続)",
            "Engaged (VIP, winback, newcomer, active)"
        ),
        thousands(i128::from(k.engaged)),
        percent(k.engaged_share()),
        k.engaged_share_prev(p).map_or(String::new(), |prev| format!(
            "; {} {}",
            lang.pick("前月比", "vs last month"),
            points(k.engaged_share() - prev)
        ))
    );
    if let Some(n) = k.winbacks {
        let _ = writeln!(
            out,
            "{}: {}{}",
            lang.pick("今月の復活", "Winbacks this month"),
            thousands(i128::from(n)),
            k.winbacks_from_dormant.map_or(String::new(), |d| by_lang!(
                lang,
                "(うち休眠から {})",
                " ({} from dormant)",
                thousands(i128::from(d))
            ))
        );
    }
    out += &vip_line(p, config, lang);
    match &k.conversion {
        Some(c) => out += &conversion_line(lang.pick("初回→2回目転換率", "First-to-second conversion"), c, "", lang),
        None => {
            out += lang.pick(
                "初回→2回目転換率: 確定したコホートがまだありません",
                "First-to-second conversion: no cohort has matured yet",
            )
        }
    }
    out.push('\n');
    out
}

/// The total from which the top-share rule makes a customer VIP, with the
/// count it is taken over (empty when the rule is off or no one is ranked).
fn vip_line(p: &Portfolio, config: &Config, lang: Lang) -> String {
    use crate::engine::lifecycle::{DORMANT, threshold_by_sorting};
    let share = config.lifecycle.vip_top_share;
    if share.is_zero() {
        return String::new();
    }
    let mut totals: Vec<crate::money::Money> = p
        .customers
        .iter()
        .filter(|c| c.segment != DORMANT)
        .map(|c| c.total)
        .collect();
    let n = totals.len() as u64;
    let top_k = share.top_k(n);
    let Some(threshold) = threshold_by_sorting(share, &mut totals) else {
        return String::new();
    };
    by_lang!(
        lang,
        "累計上位 {share} の VIP 線: 累計 {line} 以上(休眠以外 {n} 人の上位 {k} 人、同額を含む)\n",
        "Top-{share} VIP line: total >= {line} (top {k} of {n:#}, ties included)\n",
        share = share.percent_text(),
        line = amount_text(threshold),
        n = count(n, "non-dormant customer", "non-dormant customers"),
        k = thousands(i128::from(top_k))
    )
}

/// The rules of the run and where they came from (both schemes).
fn rules_lines(config: &Config, lang: Lang) -> String {
    format!(
        "{}: {}\n{}: {}\n",
        lang.pick("ルール", "Rules"),
        crate::config::rules_file::rules_line(config),
        lang.pick("設定ファイル", "Config file"),
        crate::config::rules_file::source_line(config, lang)
    )
}

/// `200,000`, or `99.5` when not whole (exact).
fn amount_text(m: crate::money::Money) -> String {
    if m.0 % crate::money::SCALE == 0 {
        thousands(i128::from(m.0 / crate::money::SCALE))
    } else {
        m.to_string()
    }
}

fn share(count: u64, all: u64) -> String {
    if all == 0 {
        "-".into()
    } else {
        percent(count as f64 / all as f64)
    }
}

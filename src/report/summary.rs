//! `cpm summary`: the CPM table of the latest month-end, drawn the way a
//! Japanese analyst draws it — five tiers across, 現役 above 離脱.

use std::fmt::Write as _;

use crate::config::Config;
use crate::dates::{format_day, format_month};
use crate::engine::kpi;
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::CPM_TIER_NAMES;
use crate::tables::Tables;
use crate::text::format::{pad_left, pad_right, percent, points, signed, thousands};
use crate::text::lang::Lang;

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

/// The CPM table: five (or six) tiers across, 現役 above 離脱.
pub(crate) fn render_cpm(p: &Portfolio, config: &Config, lang: Lang) -> String {
    let layout = config.rules.layout();
    let tiers = layout.tiers;
    let t = p.snapshot_days.len() - 1;
    let prev = t.checked_sub(1);
    let all: u64 = p.counts[t].iter().sum();
    let mut out = String::new();
    let title = lang.pick("CPM ポートフォリオ", "CPM portfolio");
    let _ = write!(out, "{title} {}", format_day(p.snapshot_days[t]));
    if let Some(s) = prev {
        let _ = write!(
            out,
            "  ({} {})",
            lang.pick("前月比は", "change vs"),
            format_day(p.snapshot_days[s])
        );
    }
    out.push('\n');

    let mut header = pad_right("", LABEL_W);
    for (ja, en) in &CPM_TIER_NAMES[..tiers] {
        header += &pad_left(lang.pick(ja, en), CELL_W);
    }
    header += &pad_left(lang.pick("合計", "Total"), CELL_W);
    out += &header;
    out.push('\n');

    for (lapsed, (state_ja, state_en)) in [(false, ("現役", "Active")), (true, ("離脱", "Lapsed"))] {
        let seg = |tier: usize| tier + if lapsed { tiers } else { 0 };
        let row_total = |t: usize| -> u64 { (0..tiers).map(|k| p.counts[t][seg(k)]).sum() };
        let mut counts_line = pad_right(
            &format!("{} {}", lang.pick(state_ja, state_en), lang.pick("人数", "count")),
            LABEL_W,
        );
        let mut share_line = pad_right(&format!("  {}", lang.pick("構成比", "share")), LABEL_W);
        let mut change_line = pad_right(&format!("  {}", lang.pick("前月比", "change")), LABEL_W);
        for k in 0..tiers {
            let now = p.counts[t][seg(k)];
            counts_line += &pad_left(&thousands(i128::from(now)), CELL_W);
            share_line += &pad_left(&share(now, all), CELL_W);
            change_line += &pad_left(
                &prev.map_or("-".into(), |s| {
                    signed(i128::from(now) - i128::from(p.counts[s][seg(k)]))
                }),
                CELL_W,
            );
        }
        counts_line += &pad_left(&thousands(i128::from(row_total(t))), CELL_W);
        share_line += &pad_left(&share(row_total(t), all), CELL_W);
        change_line += &pad_left(
            &prev.map_or("-".into(), |s| {
                signed(i128::from(row_total(t)) - i128::from(row_total(s)))
            }),
            CELL_W,
        );
        for line in [counts_line, share_line, change_line] {
            out += line.trim_end();
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "{} {}",
        lang.pick("顧客数合計", "All customers"),
        thousands(i128::from(all))
    );
    if let Some(s) = config.rules.super_loyal.filter(|_| layout.has_super()) {
        let days = s.days.map_or(String::new(), |d| match lang {
            Lang::Ja => format!("、在籍 {d} 日以上"),
            Lang::En => format!(", tenure >= {d} days"),
        });
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Ja => format!("超優良 = 優良のうち累計 {} 以上{days}(12 区分)", amount_text(s.amount)),
                Lang::En => format!(
                    "Super-loyal = loyal customers with a total >= {}{days} (twelve segments)",
                    amount_text(s.amount)
                ),
            }
        );
    }
    out.push('\n');

    let k = kpi::cpm_at(p, t, config.rules.toddler_days);
    let target = config.conversion_target;
    match &k.conversion {
        Some(c) => {
            let _ = write!(
                out,
                "{} {} {}: {} ({}/{}; {} {}, {})",
                lang.pick("初回→よちよち転換率", "First-to-toddler conversion"),
                format_month(c.cohort_month),
                lang.pick("獲得コホート", "cohort"),
                percent(c.rate),
                thousands(i128::from(c.converted)),
                thousands(i128::from(c.cohort_size)),
                lang.pick("目標", "target"),
                percent(target),
                points(c.rate - target)
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
            out.push('\n');
        }
        None => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "初回→よちよち転換率: 確定したコホートがまだありません(初回購入から転換期間が経過していません)",
                    "First-to-toddler conversion: no cohort has matured yet"
                )
            );
        }
    }
    let loyal_name = if layout.has_super() {
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
    out.push_str(&rules_lines(config, lang));
    out
}

/// The lifecycle scheme (spec section 8): the six states as rows.
/// The six states, one line each.
pub(crate) fn render_lifecycle(p: &Portfolio, config: &Config, lang: Lang) -> String {
    use crate::engine::lifecycle::{DORMANT, threshold_by_sorting};
    let t = p.snapshot_days.len() - 1;
    let prev = t.checked_sub(1);
    let all: u64 = p.counts[t].iter().sum();
    let mut out = String::new();
    let _ = write!(
        out,
        "{} {}",
        lang.pick("ライフサイクル(6 区分)", "Lifecycle (six states)"),
        format_day(p.snapshot_days[t])
    );
    if let Some(s) = prev {
        let _ = write!(
            out,
            "  ({} {})",
            lang.pick("前月比は", "change vs"),
            format_day(p.snapshot_days[s])
        );
    }
    out.push('\n');
    const NAME_W: usize = 18;
    let _ = writeln!(
        out,
        "{}{}{}{}",
        pad_right("", NAME_W),
        pad_left(lang.pick("人数", "count"), CELL_W),
        pad_left(lang.pick("構成比", "share"), CELL_W),
        pad_left(lang.pick("前月比", "change"), CELL_W)
    );
    for (s, label) in p.labels.iter().enumerate() {
        let now = p.counts[t][s];
        let line = format!(
            "{}{}{}{}",
            pad_right(lang.pick(label.ja, label.en), NAME_W),
            pad_left(&thousands(i128::from(now)), CELL_W),
            pad_left(&share(now, all), CELL_W),
            pad_left(
                &prev.map_or("-".into(), |u| signed(i128::from(now) - i128::from(p.counts[u][s]))),
                CELL_W
            )
        );
        out += line.trim_end();
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}{}",
        pad_right(lang.pick("合計", "Total"), NAME_W),
        pad_left(&thousands(i128::from(all)), CELL_W)
    );
    out.push('\n');
    let k = kpi::lifecycle_at(p, t, config.rules.toddler_days);
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
            k.winbacks_from_dormant.map_or(String::new(), |d| match lang {
                Lang::Ja => format!("(うち休眠から {})", thousands(i128::from(d))),
                Lang::En => format!(" ({} from dormant)", thousands(i128::from(d))),
            })
        );
    }
    let rules = &config.lifecycle;
    if !rules.vip_top_share.is_zero() {
        let mut totals: Vec<crate::money::Money> = p
            .customers
            .iter()
            .filter(|c| c.segment != DORMANT)
            .map(|c| c.total)
            .collect();
        let n = totals.len() as u64;
        let top_k = rules.vip_top_share.top_k(n);
        if let Some(threshold) = threshold_by_sorting(rules.vip_top_share, &mut totals) {
            let _ = writeln!(
                out,
                "{}",
                match lang {
                    Lang::Ja => format!(
                        "累計上位 {} の VIP 線: 累計 {} 以上(休眠以外 {} 人の上位 {} 人、同額を含む)",
                        rules.vip_top_share.percent_text(),
                        amount_text(threshold),
                        thousands(i128::from(n)),
                        thousands(i128::from(top_k))
                    ),
                    Lang::En => format!(
                        "Top-{} VIP line: total >= {} (top {} of {} non-dormant customers, ties included)",
                        rules.vip_top_share.percent_text(),
                        amount_text(threshold),
                        thousands(i128::from(top_k)),
                        thousands(i128::from(n))
                    ),
                }
            );
        }
    }
    match &k.conversion {
        Some(c) => {
            let _ = writeln!(
                out,
                "{} {} {}: {} ({}/{})",
                lang.pick("初回→2回目転換率", "First-to-second conversion"),
                format_month(c.cohort_month),
                lang.pick("獲得コホート", "cohort"),
                percent(c.rate),
                thousands(i128::from(c.converted)),
                thousands(i128::from(c.cohort_size)),
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "初回→2回目転換率: 確定したコホートがまだありません",
                    "First-to-second conversion: no cohort has matured yet"
                )
            );
        }
    }
    out.push_str(&rules_lines(config, lang));
    out
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

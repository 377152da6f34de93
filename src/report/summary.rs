//! `cpm summary`: the CPM table of the latest month-end, drawn the way a
//! Japanese analyst draws it — five tiers across, 現役 above 離脱.

use std::fmt::Write as _;

use super::format::{pad_left, pad_right, percent, points, signed, thousands};
use super::lang::Lang;
use crate::config::Config;
use crate::dates::{format_day, format_month};
use crate::kpi;
use crate::pipeline::Analysis;
use crate::segments::{CPM_TIER_NAMES, CPM_TIERS};

const LABEL_W: usize = 14;
const CELL_W: usize = 11;

pub fn render(analysis: &Analysis, config: &Config, lang: Lang) -> String {
    let p = &analysis.portfolio;
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
    for (ja, en) in CPM_TIER_NAMES {
        header += &pad_left(lang.pick(ja, en), CELL_W);
    }
    header += &pad_left(lang.pick("合計", "Total"), CELL_W);
    out += &header;
    out.push('\n');

    for (lapsed, (state_ja, state_en)) in [(false, ("現役", "Active")), (true, ("離脱", "Lapsed"))] {
        let seg = |tier: usize| tier + if lapsed { CPM_TIERS } else { 0 };
        let row_total = |t: usize| -> u64 { (0..CPM_TIERS).map(|k| p.counts[t][seg(k)]).sum() };
        let mut counts_line = pad_right(
            &format!("{} {}", lang.pick(state_ja, state_en), lang.pick("人数", "count")),
            LABEL_W,
        );
        let mut share_line = pad_right(&format!("  {}", lang.pick("構成比", "share")), LABEL_W);
        let mut change_line = pad_right(&format!("  {}", lang.pick("前月比", "change")), LABEL_W);
        for k in 0..CPM_TIERS {
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
    out.push('\n');

    let k = kpi::at(p, t, config.rules.toddler_days);
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
    let _ = writeln!(
        out,
        "{}: {} ({} {}, {})",
        lang.pick("優良現役の現役比率", "Loyal share of active customers"),
        percent(k.loyal_share),
        lang.pick("目標", "target"),
        percent(config.loyal_share_target),
        points(k.loyal_share - config.loyal_share_target)
    );
    out
}

fn share(count: u64, all: u64) -> String {
    if all == 0 {
        "-".into()
    } else {
        percent(count as f64 / all as f64)
    }
}

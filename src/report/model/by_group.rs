//! The report's breakdown section (`--by`, spec section 9): 初回→よちよち by
//! group over the matured cohorts of the last 12 months, pooled, with a 95%
//! Wilson interval against the target; and the portfolio counts of the
//! largest groups. Many groups never crowd a chart: the largest
//! [`SHOWN_GROUPS`] are shown and the rest pooled as その他, with their
//! number said. Built from the [`Tables`] alone, like the rest of the model.

use crate::dates::{MonthIndex, format_month};
use crate::engine::breakdown::Breakdown;
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::CpmLayout;
use crate::tables::Tables;
use crate::text::format::{count, percent, points, thousands};
use crate::text::lang::{Lang, by_lang};

/// Groups a chart or table shows by name; the rest are pooled as その他.
pub(crate) const SHOWN_GROUPS: usize = 8;
/// Fewer first-time customers than this and a group's rate is not judged.
pub(crate) const MIN_FIRST_TIMERS: u64 = 30;
/// The cohorts pooled: matured ones within this many months up to the
/// latest matured month of the run.
pub(crate) const WINDOW_MONTHS: i32 = 12;
/// The normal quantile of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval of `successes` out of `n` (`None` for
/// `n = 0`).
pub fn wilson(successes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (n, p) = (n as f64, successes as f64 / n as f64);
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// One group's 初回→よちよち over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRate {
    pub label: String,
    /// First-time customers of the window's matured cohorts.
    pub first_timers: u64,
    pub converted: u64,
    /// `converted / first_timers` (0 without first-time customers).
    pub rate: f64,
    pub interval: Option<(f64, f64)>,
    /// At least [`MIN_FIRST_TIMERS`] first-time customers.
    pub judged: bool,
    /// Rank by rate among the judged groups (1 = highest); `None` when not judged.
    pub rank: Option<usize>,
}

impl GroupRate {
    fn of(label: String, first_timers: u64, converted: u64) -> GroupRate {
        GroupRate {
            label,
            first_timers,
            converted,
            rate: if first_timers == 0 {
                0.0
            } else {
                converted as f64 / first_timers as f64
            },
            interval: wilson(converted, first_timers),
            judged: first_timers >= MIN_FIRST_TIMERS,
            rank: None,
        }
    }
}

/// One group's portfolio at the report month-end.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBoxes {
    pub label: String,
    /// Customers per segment, in the portfolio's label order.
    pub counts: Vec<u64>,
    pub active: u64,
    pub lapsed: u64,
    /// 優良現役 (with 超優良) / 現役, CPM scheme only.
    pub loyal_share: Option<f64>,
}

/// The breakdown section of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ByGroup {
    /// The attribute column, as found in the file.
    pub column: String,
    /// First and last cohort month of the window (`None`: nothing matured).
    pub window: Option<(MonthIndex, MonthIndex)>,
    /// Every group, largest first (by first-time customers, then byte order).
    pub rates: Vec<GroupRate>,
    /// The chart's rows: the largest [`SHOWN_GROUPS`], then その他 if any.
    pub shown_rates: Vec<GroupRate>,
    /// Groups pooled in the chart's その他.
    pub pooled_rates: usize,
    /// The largest [`SHOWN_GROUPS`] groups by customers at the month-end,
    /// then その他 if any.
    pub boxes: Vec<GroupBoxes>,
    pub pooled_boxes: usize,
    pub target: f64,
    pub rate_reading: String,
    pub boxes_reading: String,
    /// 初回→よちよち by acquisition month for the largest groups.
    pub trend: super::by_group_trend::GroupTrend,
}

/// The label of the pooled rest.
pub(crate) fn others_label(lang: Lang) -> &'static str {
    lang.pick("その他", "Others")
}

/// The breakdown section of `tables` (`None` without `--by`).
pub(crate) fn build(tables: &Tables, t: usize, lang: Lang) -> Option<ByGroup> {
    let b = tables.breakdown.as_ref()?;
    let p = &tables.portfolio;
    let target = tables.config.conversion_target;
    let latest = p.conversion.iter().filter(|c| c.matured).map(|c| c.cohort_month).max();
    let window = latest.map(|l| (l - (WINDOW_MONTHS - 1), l));
    let (rates, shown_rates, pooled_rates) = rates(b, window, lang);
    let (boxes, pooled_boxes) = boxes(p, b, t, lang);
    let rate_reading = read_rates(&b.column, window, &rates, target, lang);
    let boxes_reading = read_boxes(&b.column, &boxes, pooled_boxes, lang);
    let mut by = ByGroup {
        column: b.column.clone(),
        window,
        rates,
        shown_rates,
        pooled_rates,
        boxes,
        pooled_boxes,
        target,
        rate_reading,
        boxes_reading,
        trend: Default::default(),
    };
    by.trend = super::by_group_trend::build(tables, &by, lang)?;
    Some(by)
}

type Rates = (Vec<GroupRate>, Vec<GroupRate>, usize);

fn rates(b: &Breakdown, window: Option<(MonthIndex, MonthIndex)>, lang: Lang) -> Rates {
    let mut rates: Vec<GroupRate> = b
        .groups
        .iter()
        .zip(&b.portfolios)
        .map(|(label, g)| {
            let (mut n, mut k) = (0u64, 0u64);
            if let Some((from, to)) = window {
                for c in g
                    .conversion
                    .iter()
                    .filter(|c| c.matured && (from..=to).contains(&c.cohort_month))
                {
                    n += c.cohort_size;
                    k += c.converted;
                }
            }
            GroupRate::of(label.clone(), n, k)
        })
        .collect();
    // Groups are in byte order already; a stable sort keeps it on ties.
    rates.sort_by_key(|r| std::cmp::Reverse(r.first_timers));
    let mut judged: Vec<usize> = (0..rates.len()).filter(|&i| rates[i].judged).collect();
    judged.sort_by(|&x, &y| rates[y].rate.total_cmp(&rates[x].rate));
    for (rank, &i) in judged.iter().enumerate() {
        rates[i].rank = Some(rank + 1);
    }
    let mut shown: Vec<GroupRate> = rates.iter().take(SHOWN_GROUPS).cloned().collect();
    let rest = &rates[shown.len()..];
    if !rest.is_empty() {
        let n = rest.iter().map(|r| r.first_timers).sum();
        let k = rest.iter().map(|r| r.converted).sum();
        shown.push(GroupRate::of(others_label(lang).to_string(), n, k));
    }
    let pooled = rest.len();
    (rates, shown, pooled)
}

fn boxes(p: &Portfolio, b: &Breakdown, t: usize, lang: Lang) -> (Vec<GroupBoxes>, usize) {
    let layout = CpmLayout::of(&p.labels);
    let of = |label: String, counts: Vec<u64>| {
        let (active, lapsed) = match layout {
            Some(l) => (counts[l.active()].iter().sum(), counts[l.lapsed()].iter().sum()),
            None => (counts.iter().sum(), 0),
        };
        let loyal_share = layout.map(|l| {
            let loyal: u64 = l.loyal(false).map(|s| counts[s]).sum();
            if active == 0 { 0.0 } else { loyal as f64 / active as f64 }
        });
        GroupBoxes {
            label,
            counts,
            active,
            lapsed,
            loyal_share,
        }
    };
    let mut order: Vec<usize> = (0..b.groups.len()).collect();
    let size = |g: usize| b.portfolios[g].counts.get(t).map_or(0, |r| r.iter().sum::<u64>());
    order.sort_by_key(|&g| std::cmp::Reverse(size(g)));
    let width = p.labels.len();
    let counts = |g: usize| b.portfolios[g].counts.get(t).cloned().unwrap_or_else(|| vec![0; width]);
    let mut rows: Vec<GroupBoxes> = order
        .iter()
        .take(SHOWN_GROUPS)
        .map(|&g| of(b.groups[g].clone(), counts(g)))
        .collect();
    let rest = &order[rows.len()..];
    if !rest.is_empty() {
        let mut sum = vec![0u64; width];
        for &g in rest {
            for (s, v) in counts(g).into_iter().enumerate() {
                sum[s] += v;
            }
        }
        rows.push(of(others_label(lang).to_string(), sum));
    }
    (rows, rest.len())
}

fn read_rates(
    column: &str,
    window: Option<(MonthIndex, MonthIndex)>,
    rates: &[GroupRate],
    target: f64,
    lang: Lang,
) -> String {
    let Some((from, to)) = window else {
        return lang
            .pick(
                "確定した獲得コホートがまだないため、グループ別の転換率は出せません。",
                "No acquisition cohort has matured yet, so there is no conversion by group.",
            )
            .to_string();
    };
    let span = format!("{}〜{}", format_month(from), format_month(to));
    let judged: Vec<&GroupRate> = rates.iter().filter(|r| r.judged).collect();
    let Some(largest) = judged.first() else {
        return by_lang!(
            lang,
            "{span} の確定コホートでは、どの {column} も初回客が {MIN_FIRST_TIMERS} 人未満で、転換率を比べるには少なすぎます。",
            "In the matured cohorts of {span}, every {column} has fewer than {MIN_FIRST_TIMERS} first-time customers: too few to compare."
        );
    };
    let (rate, gap, n) = (
        percent(largest.rate),
        points(largest.rate - target),
        thousands(i128::from(largest.first_timers)),
    );
    let mut s = by_lang!(
        lang,
        "{column}「{}」の新規は転換率 {rate}(目標比 {gap}、{span} の初回客 {n} 人)で、最大のグループです。",
        "New customers from {column} \"{}\" convert at {rate} ({gap} against target; {n} first-time customers of {span}), the largest group.",
        largest.label
    );
    let best = judged.iter().min_by_key(|r| r.rank).expect("judged is not empty");
    let worst = judged.iter().max_by_key(|r| r.rank).expect("judged is not empty");
    if judged.len() >= 2 {
        s.push_str(&by_lang!(
            lang,
            "比べられる {} グループのうち最高は「{}」の {}、最低は「{}」の {} です。",
            " Of the {} groups large enough to compare, \"{}\" is highest at {} and \"{}\" lowest at {}.",
            judged.len(),
            best.label,
            percent(best.rate),
            worst.label,
            percent(worst.rate)
        ));
    }
    let small = rates.len() - judged.len();
    if small > 0 {
        s.push_str(&by_lang!(
            lang,
            "初回客 {MIN_FIRST_TIMERS} 人未満の {small} グループは判断していません。",
            " Not judged: {small:#} with fewer than {MIN_FIRST_TIMERS} first-time customers.",
            small = count(small as u64, "group", "groups")
        ));
    }
    s
}

fn read_boxes(column: &str, boxes: &[GroupBoxes], pooled: usize, lang: Lang) -> String {
    let named = &boxes[..boxes.len() - usize::from(pooled > 0)];
    // The first of the most active (the rows are largest first); every
    // customer counts as active in the lifecycle states.
    let Some(largest) = named.iter().rev().max_by_key(|g| g.active) else {
        return String::new();
    };
    if largest.loyal_share.is_none() {
        // The lifecycle states have no active/lapsed split: customers.
        let n = thousands(i128::from(largest.active));
        let mut s = by_lang!(
            lang,
            "顧客が最も多い {column} は「{}」の {n} 人です。",
            "The {column} with the most customers is \"{}\": {n}.",
            largest.label
        );
        s.push_str(&pooled_note(pooled, lang));
        return s;
    }
    let mut s = by_lang!(
        lang,
        "現役が最も多い {column} は「{}」の {} 人(離脱 {} 人)です。",
        "The {column} with the most active customers is \"{}\": {} active, {} lapsed.",
        largest.label,
        thousands(i128::from(largest.active)),
        thousands(i128::from(largest.lapsed))
    );
    let shares: Vec<(&GroupBoxes, f64)> = named
        .iter()
        .filter(|g| g.active > 0)
        .filter_map(|g| g.loyal_share.map(|v| (g, v)))
        .collect();
    if shares.len() >= 2 {
        let best = shares.iter().max_by(|x, y| x.1.total_cmp(&y.1)).expect("two shares");
        let worst = shares.iter().min_by(|x, y| x.1.total_cmp(&y.1)).expect("two shares");
        s.push_str(&by_lang!(
            lang,
            "優良現役の比率は「{}」が最も高く {}、「{}」が最も低く {} です。",
            " The loyal share of active is highest for \"{}\" ({}) and lowest for \"{}\" ({}).",
            best.0.label,
            percent(best.1),
            worst.0.label,
            percent(worst.1)
        ));
    }
    s.push_str(&pooled_note(pooled, lang));
    s
}

fn pooled_note(pooled: usize, lang: Lang) -> String {
    if pooled == 0 {
        return String::new();
    }
    by_lang!(
        lang,
        "ほか {pooled} グループは「その他」にまとめています。",
        " {pooled:#} pooled as \"Others\".",
        pooled = count(pooled as u64, "more group is", "more groups are")
    )
}

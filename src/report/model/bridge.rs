//! The bridge's chart section and its sentence, e.g.
//! 「優良現役は +9: 昇格 14、復帰 2、離脱 −10、降格 −1」, and the names of its
//! steps in either scheme (the chart and the workbook use them too).

use super::ChartSection;
use crate::config::Scheme;
use crate::engine::bridge::{Bridge, BridgeOf, BridgeScheme, bridge};
use crate::engine::portfolio::Portfolio;
use crate::report::chart_kind::Chart;
use crate::text::format::thousands;
use crate::text::lang::Lang;

/// Who a bridge follows: 現役 / 優良現役, or 休眠以外 / 優良(VIP).
pub(crate) fn followed_name(b: &Bridge, lang: Lang) -> &'static str {
    match (b.scheme, b.of) {
        (BridgeScheme::Cpm, BridgeOf::Active) => lang.pick("現役", "Active"),
        (BridgeScheme::Cpm, BridgeOf::LoyalActive) => lang.pick("優良現役", "Loyal (active)"),
        (BridgeScheme::Lifecycle, BridgeOf::Active) => lang.pick("休眠以外", "Not dormant"),
        (BridgeScheme::Lifecycle, BridgeOf::LoyalActive) => lang.pick("優良(VIP)", "VIP"),
    }
}

/// How a step's name is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepNames {
    /// Under a chart's bars.
    Short,
    /// A table's column, saying what moved where.
    Long,
    /// In the sentence.
    Word,
}

/// The seven steps' names: start, new, come-backs, promotions, lapsed,
/// demotions, end.
pub(crate) fn step_names(scheme: BridgeScheme, how: StepNames, lang: Lang) -> [&'static str; 7] {
    use StepNames::{Long, Short, Word};
    match (scheme, how, lang) {
        (BridgeScheme::Cpm, Short, Lang::Ja) => ["前月末", "新規", "復帰", "昇格", "離脱", "降格", "今月末"],
        (BridgeScheme::Cpm, Short, Lang::En) => ["Start", "New", "Back", "Up-tier", "Lapsed", "Down-tier", "End"],
        (BridgeScheme::Cpm, Long, Lang::Ja) => [
            "前月末",
            "新規",
            "復帰(離脱→現役)",
            "昇格(下位の段階から)",
            "離脱(現役→離脱)",
            "降格(返品などで下位へ)",
            "今月末",
        ],
        (BridgeScheme::Cpm, Long, Lang::En) => [
            "Last month-end",
            "New",
            "Come-backs (lapsed → active)",
            "Promotions (from lower tiers)",
            "Lapsed (active → lapsed)",
            "Demotions (e.g. a return)",
            "This month-end",
        ],
        (BridgeScheme::Cpm, Word, Lang::Ja) => ["前月末", "新規", "復帰", "昇格", "離脱", "降格", "今月末"],
        (BridgeScheme::Cpm, Word, Lang::En) => ["start", "new", "back", "promoted", "lapsed", "demoted", "end"],
        (BridgeScheme::Lifecycle, Short, Lang::Ja) => ["前月末", "新規", "復帰", "昇格", "休眠", "降格", "今月末"],
        (BridgeScheme::Lifecycle, Short, Lang::En) => ["Start", "New", "Back", "Up", "Dormant", "Down", "End"],
        (BridgeScheme::Lifecycle, Long, Lang::Ja) => [
            "前月末",
            "新規",
            "復帰(休眠から)",
            "昇格(ほかの状態から)",
            "休眠化(休眠へ)",
            "降格(ほかの状態へ)",
            "今月末",
        ],
        (BridgeScheme::Lifecycle, Long, Lang::En) => [
            "Last month-end",
            "New",
            "Come-backs (from dormant)",
            "Promotions (from other states)",
            "Gone dormant",
            "Demotions (to other states)",
            "This month-end",
        ],
        (BridgeScheme::Lifecycle, Word, Lang::Ja) => ["前月末", "新規", "復帰", "昇格", "休眠", "降格", "今月末"],
        (BridgeScheme::Lifecycle, Word, Lang::En) => ["start", "new", "back", "promoted", "dormant", "demoted", "end"],
    }
}

/// The steps as (name, value, sign: 0 total, 1 up, -1 down).
pub(crate) fn steps(b: &Bridge, how: StepNames, lang: Lang) -> [(&'static str, u64, i8); 7] {
    let n = step_names(b.scheme, how, lang);
    [
        (n[0], b.start, 0),
        (n[1], b.new, 1),
        (n[2], b.comebacks, 1),
        (n[3], b.promotions, 1),
        (n[4], b.lapsed, -1),
        (n[5], b.demotions, -1),
        (n[6], b.end, 0),
    ]
}

/// The sentence for one bridge: the change, then every step that moved
/// anyone (promotions before come-backs, as the analyst says it).
pub fn sentence(b: &Bridge, lang: Lang) -> String {
    let name = followed_name(b, lang);
    let all = steps(b, StepNames::Word, lang);
    let parts: Vec<String> = [1, 3, 2, 4, 5]
        .iter()
        .map(|&i| all[i])
        .filter(|(_, v, _)| *v > 0)
        .map(|(label, v, sign)| {
            let v = thousands(i128::from(v));
            if sign < 0 {
                format!("{label} −{v}")
            } else {
                format!("{label} {v}")
            }
        })
        .collect();
    let change = match b.change() {
        0 => "±0".to_string(),
        c if c > 0 => format!("+{}", thousands(i128::from(c))),
        c => format!("−{}", thousands(-i128::from(c))),
    };
    match lang {
        Lang::Ja if parts.is_empty() => format!("{name}は {change}(動きなし)"),
        Lang::Ja => format!("{name}は {change}: {}", parts.join("、")),
        Lang::En if parts.is_empty() => format!("{name} {change} (no moves)"),
        Lang::En => format!("{name} {change}: {}", parts.join(", ")),
    }
}

/// The bridge section of a report (`None` without a previous month-end).
pub(crate) fn section(p: &Portfolio, scheme: Scheme, t: usize, lang: Lang) -> Option<ChartSection> {
    let bridges: Vec<Bridge> = BridgeOf::ALL.iter().filter_map(|&of| bridge(p, t, of)).collect();
    if bridges.is_empty() {
        return None;
    }
    let sentences: Vec<String> = bridges.iter().rev().map(|b| sentence(b, lang)).collect();
    Some(ChartSection {
        chart: Chart::Bridge,
        file: Chart::Bridge.file_stem(match scheme {
            Scheme::Cpm => &Chart::CPM,
            Scheme::Lifecycle => &Chart::LIFECYCLE,
        }),
        title: lang.pick("増減の内訳(前月末→今月末)", "The month's bridge").to_string(),
        reading: match lang {
            Lang::Ja => format!("{}。", sentences.join("。")),
            Lang::En => format!("{}.", sentences.join(". ")),
        },
    })
}

//! The bridge's chart section and its sentence, e.g.
//! 「優良現役は +9: 昇格 14、復帰 2、離脱 −10、降格 −1」.

use super::ChartSection;
use crate::engine::bridge::{Bridge, BridgeOf, bridge};
use crate::engine::portfolio::Portfolio;
use crate::report::chart_kind::Chart;
use crate::text::format::thousands;
use crate::text::lang::Lang;

/// The sentence for one bridge: the change, then every step that moved anyone.
pub fn sentence(b: &Bridge, lang: Lang) -> String {
    let (name, steps) = match lang {
        Lang::Ja => (
            match b.of {
                BridgeOf::Active => "現役",
                BridgeOf::LoyalActive => "優良現役",
            },
            [
                ("新規", b.new, 1),
                ("昇格", b.promotions, 1),
                ("復帰", b.comebacks, 1),
                ("離脱", b.lapsed, -1),
                ("降格", b.demotions, -1),
            ],
        ),
        Lang::En => (
            match b.of {
                BridgeOf::Active => "Active",
                BridgeOf::LoyalActive => "Loyal (active)",
            },
            [
                ("new", b.new, 1),
                ("promoted", b.promotions, 1),
                ("back", b.comebacks, 1),
                ("lapsed", b.lapsed, -1),
                ("demoted", b.demotions, -1),
            ],
        ),
    };
    let parts: Vec<String> = steps
        .iter()
        .filter(|(_, v, _)| *v > 0)
        .map(|&(label, v, sign)| {
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

/// The bridge section of a CPM report (`None` without a previous month-end).
pub fn section(p: &Portfolio, t: usize, lang: Lang) -> Option<ChartSection> {
    let bridges: Vec<Bridge> = BridgeOf::ALL.iter().filter_map(|&of| bridge(p, t, of)).collect();
    if bridges.is_empty() {
        return None;
    }
    let sentences: Vec<String> = bridges.iter().rev().map(|b| sentence(b, lang)).collect();
    Some(ChartSection {
        chart: Chart::Bridge,
        file: Chart::Bridge.file_stem(&Chart::CPM),
        title: lang.pick("増減の内訳(前月末→今月末)", "The month's bridge").to_string(),
        reading: match lang {
            Lang::Ja => format!("{}。", sentences.join("。")),
            Lang::En => format!("{}.", sentences.join(". ")),
        },
    })
}

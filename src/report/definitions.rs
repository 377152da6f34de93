//! What each segment means, in one plain sentence each, with the
//! thresholds of this run (never the defaults when others were used), and
//! how the headline KPI is computed: the answer to "優良の定義は?" on the
//! page itself, in the workbook's rules sheet and in `cpm summary --explain`.

use crate::config::{Config, Scheme};
use crate::money::{Money, round_units};
use crate::text::format::{percent, thousands};
use crate::text::lang::Lang;

fn amount(m: Money) -> String {
    if m.0 % crate::money::SCALE == 0 {
        thousands(round_units(i128::from(m.0)))
    } else {
        m.to_string()
    }
}

/// `(term, definition)` pairs for the run's scheme, in reading order.
pub(crate) fn definitions(config: &Config, lang: Lang) -> Vec<(String, String)> {
    match config.scheme {
        Scheme::Cpm => cpm(config, lang),
        Scheme::Lifecycle => lifecycle(config, lang),
    }
}

fn cpm(config: &Config, lang: Lang) -> Vec<(String, String)> {
    let r = &config.rules;
    let (t, ld, la, churn) = (r.toddler_days, r.loyal_days, amount(r.loyal_amount), r.churn_days);
    let target = percent(config.conversion_target);
    let ja = lang == Lang::Ja;
    let mut out = tiers(t, ld, &la, ja);
    if let Some(s) = &r.super_loyal {
        let days = s.days.map_or(String::new(), |d| {
            if ja {
                format!("、かつ在籍期間 {d} 日以上")
            } else {
                format!(" and a tenure of {d} days or more")
            }
        });
        out.push(if ja {
            (
                "超優良".into(),
                format!("優良のうち、累計購入額 {} 円以上{days}のお客様。", amount(s.amount)),
            )
        } else {
            (
                "Super-loyal (超優良)".into(),
                format!(
                    "Loyal customers with cumulative purchases of {} or more{days}.",
                    amount(s.amount)
                ),
            )
        });
    }
    out.push(if ja {
        (
            "現役・離脱".into(),
            format!("最後の購入から {churn} 日未満なら現役、{churn} 日以上なら離脱。"),
        )
    } else {
        (
            "Active / lapsed (現役・離脱)".into(),
            format!("Active while the last purchase is less than {churn} days ago; lapsed from {churn} days."),
        )
    });
    out.push(kpi(t, &target, ja, false));
    out
}

/// The five CPM tiers, with the run's tenure (`t`, `ld` days) and amount
/// (`la`) thresholds.
fn tiers(t: i32, ld: i32, la: &str, ja: bool) -> Vec<(String, String)> {
    if ja {
        vec![
            ("初回".into(), "購入した日が 1 日だけのお客様(在籍期間 0 日)。".into()),
            (
                "よちよち".into(),
                format!("2 日以上購入し、初回から最後の購入まで(在籍期間)が {t} 日未満のお客様。金額は問いません。"),
            ),
            (
                "コツコツ".into(),
                format!("在籍期間 {t} 日以上で、累計購入額が {la} 円未満のお客様。"),
            ),
            (
                "流行".into(),
                format!("累計購入額は {la} 円以上だが、在籍期間が {ld} 日未満のお客様。"),
            ),
            (
                "優良".into(),
                format!("在籍期間 {ld} 日以上、かつ累計購入額 {la} 円以上のお客様。"),
            ),
        ]
    } else {
        vec![
            ("First (初回)".into(), "Bought on one day only (tenure 0 days).".into()),
            (
                "Toddler (よちよち)".into(),
                format!(
                    "Bought on two or more days, less than {t} days between the first and the last purchase (tenure); any amount."
                ),
            ),
            (
                "Steady (コツコツ)".into(),
                format!("Tenure of {t} days or more, cumulative purchases under {la}."),
            ),
            (
                "Trendy (流行)".into(),
                format!("Cumulative purchases of {la} or more, but tenure under {ld} days."),
            ),
            (
                "Loyal (優良)".into(),
                format!("Tenure of {ld} days or more and cumulative purchases of {la} or more."),
            ),
        ]
    }
}

/// The headline KPI, named once (初回→2回目 in the lifecycle scheme, which
/// has no よちよち).
fn kpi(t: i32, target: &str, ja: bool, lifecycle: bool) -> (String, String) {
    if ja {
        (
            if lifecycle {
                "KPI: 初回→2回目転換率"
            } else {
                "KPI: 初回→よちよち転換率"
            }
            .into(),
            format!(
                "ある月に初めて購入したお客様(獲得コホート)のうち、初回から {t} 日未満に 2 回目を購入した人の割合。\
                 全員の {t} 日が過ぎた最新の月(確定コホート)の値を KPI とします。目標 {target}。"
            ),
        )
    } else {
        (
            if lifecycle {
                "KPI: first → second purchase conversion"
            } else {
                "KPI: first → toddler conversion"
            }
            .into(),
            format!(
                "Of the customers whose first purchase fell in a month (the acquisition cohort), the share who bought \
                 again within {t} days of it. The KPI is the latest cohort whose {t} days have all passed (matured). \
                 Target {target}."
            ),
        )
    }
}

fn lifecycle(config: &Config, lang: Lang) -> Vec<(String, String)> {
    let l = &config.lifecycle;
    let (active, dormant, min, recency, share, new_max) = (
        l.active_days,
        l.dormant_days,
        l.vip_min_purchase_days,
        l.vip_recency_days,
        l.vip_top_share.percent_text(),
        l.new_max_purchase_days,
    );
    let target = percent(config.conversion_target);
    let t = config.rules.toddler_days;
    let ja = lang == Lang::Ja;
    let mut out: Vec<(String, String)> = if ja {
        vec![
            ("休眠".into(), format!("最後の購入から {dormant} 日を超えたお客様。")),
            (
                "優良(Core/VIP)".into(),
                format!(
                    "購入日が {min} 日以上で最後の購入から {recency} 日以内のお客様、または休眠以外のお客様のうち累計購入額の上位 {share}(同額を含む)。"
                ),
            ),
            (
                "休眠予備軍".into(),
                format!("最後の購入から {active} 日を超え、{dormant} 日以内のお客様(休眠の入口)。"),
            ),
            (
                "復活".into(),
                format!("直前の 2 回の購入の間が {dormant} 日を超えていた、戻ってきたお客様。"),
            ),
            ("新規".into(), format!("購入日が {new_max} 日以下のお客様。")),
            ("継続".into(), "上のどれにも当たらない、続けて買っているお客様。".into()),
        ]
    } else {
        vec![
            (
                "Dormant (休眠)".into(),
                format!("More than {dormant} days since the last purchase."),
            ),
            (
                "VIP (優良)".into(),
                format!(
                    "{min} or more purchase days and a purchase within {recency} days, or in the top {share} of non-dormant customers by cumulative purchases (ties included)."
                ),
            ),
            (
                "At risk (休眠予備軍)".into(),
                format!("More than {active} and at most {dormant} days since the last purchase (the way out)."),
            ),
            (
                "Winback (復活)".into(),
                format!("Came back after more than {dormant} days between their last two purchases."),
            ),
            ("Newcomer (新規)".into(), format!("At most {new_max} purchase days.")),
            ("Active (継続)".into(), "Buying on, none of the above.".into()),
        ]
    };
    out.push(if ja {
        ("判定の順".into(), "上から順に、最初に当てはまる区分になります。".into())
    } else {
        (
            "Order".into(),
            "A customer is in the first state that applies, top to bottom.".into(),
        )
    });
    out.push(kpi(t, &target, ja, true));
    out
}

/// The definitions as terminal lines.
pub fn text(config: &Config, lang: Lang) -> String {
    let mut out = String::from(lang.pick(
        "区分の定義(このルールの値)\n",
        "What the segments mean (this run's rules)\n",
    ));
    for (term, definition) in definitions(config, lang) {
        out += &format!("  {term}: {definition}\n");
    }
    out
}

//! The activity table (購入状況): purchase days, buyers, average order
//! value and net sales of the report month, last month and the same month
//! a year before, with the changes — drawn from `activity.csv`, the same
//! in the page, the workbook's summary sheet and `cpm summary`.

use super::year_ago;
use crate::dates::{Day, format_day, is_month_end};
use crate::engine::activity::MonthActivity;
use crate::money::round_units;
use crate::tables::Tables;
use crate::text::format::{count, thousands};
use crate::text::lang::{Lang, by_lang};

/// One line of the table; values in counts or currency units.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityLine {
    pub name: String,
    pub now: Option<f64>,
    pub last: Option<f64>,
    pub year_ago: Option<f64>,
    /// Money (`#,##0` 円) rather than a count.
    pub money: bool,
}

impl ActivityLine {
    /// Change against last month, as a fraction of last month's value.
    pub fn vs_last(&self) -> Option<f64> {
        year_ago::change(self.now?, self.last?)
    }

    /// Change against the same month a year before (前年同月比).
    pub fn vs_year_ago(&self) -> Option<f64> {
        year_ago::change(self.now?, self.year_ago?)
    }

    /// A value as the page prints it.
    pub(crate) fn text(&self, v: Option<f64>) -> String {
        v.map_or("-".to_string(), |v| thousands(v.round() as i128))
    }
}

/// The table, its column heads and what to know when reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityTable {
    pub title: String,
    /// This month-end, last month-end, a year before (when there are).
    pub month_end: Day,
    pub last: Option<Day>,
    pub year_ago: Option<Day>,
    /// Column heads: item, this month, last month, vs last month, a year ago, vs a year ago.
    pub heads: [String; 6],
    pub lines: Vec<ActivityLine>,
    /// One sentence read from the table.
    pub reading: String,
    /// How the figures are defined, and what is missing.
    pub notes: Vec<String>,
}

fn sales_units(m: &MonthActivity) -> f64 {
    crate::money::micros_to_units(m.sales)
}

/// The activity table at snapshot `t`.
pub(crate) fn table(tables: &Tables, t: usize, lang: Lang) -> ActivityTable {
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let months = &tables.activity.months;
    let now = &months[t];
    let last = t.checked_sub(1).map(|s| &months[s]);
    let ago = year_ago::index(t).map(|s| &months[s]);
    let line = |name: String, money: bool, f: &dyn Fn(&MonthActivity) -> Option<f64>| ActivityLine {
        name,
        now: f(now),
        last: last.and_then(f),
        year_ago: ago.and_then(f),
        money,
    };
    let lines = vec![
        line(l("購入日数(注文数)", "Purchase days (orders)"), false, &|m| {
            Some(m.purchase_days as f64)
        }),
        line(l("購入者数", "Customers who bought"), false, &|m| {
            Some(m.buyers as f64)
        }),
        line(l("平均購入単価(円)", "Average order value (¥)"), true, &|m| {
            m.average_order_value()
        }),
        line(l("売上(返品控除後、円)", "Net sales (¥)"), true, &|m| {
            Some(sales_units(m))
        }),
    ];
    let mut notes = vec![l(
        "購入日数 = お客様ごとの購入のあった日の数(同じ日の複数行は 1 回)。購入者数 = その月に 1 回以上購入したお客様。\
         平均購入単価 = 売上 ÷ 購入日数。売上は返品を差し引いた額です。",
        "Purchase days = the days each customer bought on (several lines the same day count once). Customers who \
         bought = those with at least one purchase day in the month. Average order value = net sales ÷ purchase days. \
         Net sales are after returns.",
    )];
    if !is_month_end(now.month_end) {
        notes.push(by_lang!(
            lang,
            "今月は {} までの途中の数字です(前月・前年同月は月全体)。",
            "This month runs only to {} (last month and a year ago are whole months).",
            format_day(now.month_end)
        ));
    }
    if ago.is_none() {
        notes.push(l(
            "前年同月比: データが 1 年分に満たないため、前年同月の列は空欄です。",
            "Vs a year ago: the data covers less than a year, so the year-ago column is empty.",
        ));
    }
    ActivityTable {
        title: l(
            "今月の購入状況(前月・前年同月との比較)",
            "This month's buying (vs last month and a year ago)",
        ),
        month_end: now.month_end,
        last: last.map(|m| m.month_end),
        year_ago: ago.map(|m| m.month_end),
        heads: [
            l("項目", "Item"),
            l("今月", "This month"),
            l("前月", "Last month"),
            l("前月比", "vs last month"),
            l("前年同月", "A year ago"),
            l("前年同月比", "vs a year ago"),
        ],
        reading: reading(now, last, ago, lang),
        lines,
        notes,
    }
}

/// `今月の売上は 5,809,505 円(前月比 +2.7%、前年同月比 +12.1%)。…`
fn reading(now: &MonthActivity, last: Option<&MonthActivity>, ago: Option<&MonthActivity>, lang: Lang) -> String {
    let vs = |f: &dyn Fn(&MonthActivity) -> f64| -> Vec<String> {
        let said = |then: &MonthActivity, ja: &str, en: &str| {
            let c = year_ago::change_text(year_ago::change(f(now), f(then)));
            by_lang!(lang, "{ja} {c}", "{c} {en}")
        };
        let mut parts = Vec::new();
        parts.extend(last.map(|m| said(m, "前月比", "vs last month")));
        parts.extend(ago.map(|m| said(m, "前年同月比", "vs a year ago")));
        parts
    };
    let paren = |parts: Vec<String>| match (parts.is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::Ja) => format!("({})", parts.join("、")),
        (false, Lang::En) => format!(" ({})", parts.join(", ")),
    };
    let sales = paren(vs(&sales_units));
    let days = paren(vs(&|m| m.purchase_days as f64));
    let aov = now
        .average_order_value()
        .map_or("-".to_string(), |v| thousands(v.round() as i128));
    let yen = thousands(round_units(now.sales));
    let n_days = thousands(i128::from(now.purchase_days));
    let buyers = count(now.buyers, "customer", "customers");
    let missing = if ago.is_none() {
        lang.pick(
            "1 年前のデータがないため、前年同月比はまだ出せません。",
            " There is no data from a year back yet, so no year-on-year comparison.",
        )
    } else {
        ""
    };
    by_lang!(
        lang,
        "今月の売上は {yen} 円{sales}、購入日数は {n_days}{days}、購入者は {buyers} 人、平均購入単価は {aov} 円です。{missing}",
        "Net sales this month: ¥{yen}{sales}. Purchase days: {n_days}{days}; {buyers:#} bought; \
             average order value ¥{aov}.{missing}"
    )
}

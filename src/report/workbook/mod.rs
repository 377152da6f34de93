//! The meeting pack in Excel (`cpm_YYYY-MM.xlsx`): the report's numbers as
//! native cells (numbers as numbers, dates as dates, rates as %), native
//! charts and a colour-scale heatmap, so an analyst can restyle and paste
//! them. Drawn from the [`Tables`] and the report model like the HTML page;
//! the document's dates are the as-of date, so the same tables give the
//! same bytes. One file a sheet group; the layout is described in the README.
//!
//! Every sheet writer has one shape — it fills a named, empty [`Grid`]
//! from the [`Ctx`] (tables, model, plan, formats) — and [`SHEETS`] lists
//! them in order with the runs they belong to, so a new sheet is one writer
//! and one row there.

mod breakdown;
mod cells;
mod facts;
mod forecast;
mod moves;
mod series;
mod summary;

use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};

use self::cells::{Formats, Grid};
use super::model::ReportModel;
use crate::config::Scheme;
use crate::dates::date_from_day;
use crate::plan::PlanRow;
use crate::tables::Tables;
use crate::text::lang::{Lang, by_lang};

/// What every sheet is drawn from: the tables, the report model (and its
/// language), the plan rows when there is a plan, and the shared formats.
pub(crate) struct Ctx<'a> {
    pub tables: &'a Tables,
    pub model: &'a ReportModel,
    pub plan: Option<&'a [PlanRow]>,
    pub lang: Lang,
    pub f: Formats,
}

impl Ctx<'_> {
    /// The Japanese or the English text.
    pub(crate) fn l(&self, ja: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(ja, en)
    }
}

/// A sheet writer: fills the named, empty sheet `g` from the context.
type Writer = fn(&mut Grid<'_>, &Ctx<'_>) -> Result<(), XlsxError>;

/// One sheet of the workbook: its name in Japanese and English, whether
/// this run has it, and its writer (which finds an optional sheet's data
/// in the model, where `shown` saw it).
struct Sheet {
    ja: &'static str,
    en: &'static str,
    shown: fn(&Ctx<'_>) -> bool,
    write: Writer,
}

fn always(_: &Ctx<'_>) -> bool {
    true
}

/// The sheets, in order; the list sheets follow them, one per list of the
/// model.
const SHEETS: [Sheet; 12] = [
    Sheet {
        ja: "サマリー",
        en: "Summary",
        shown: always,
        write: summary::summary,
    },
    Sheet {
        ja: "推移",
        en: "Trend",
        shown: always,
        write: series::trend,
    },
    Sheet {
        ja: "移動",
        en: "Transitions",
        shown: always,
        write: moves::transitions,
    },
    Sheet {
        ja: "増減",
        en: "Bridge",
        shown: always,
        write: moves::bridge,
    },
    Sheet {
        ja: "転換率",
        en: "Conversion",
        shown: always,
        write: series::conversion,
    },
    Sheet {
        ja: "コホート",
        en: "Cohorts",
        shown: |c| c.model.scheme == Scheme::Cpm,
        write: series::cohorts,
    },
    Sheet {
        ja: "売上",
        en: "Sales",
        shown: always,
        write: series::sales,
    },
    Sheet {
        ja: "予実",
        en: "Plan",
        shown: |c| c.plan.is_some(),
        write: facts::plan,
    },
    Sheet {
        ja: "内訳",
        en: "Breakdown",
        shown: |c| c.model.breakdown.is_some(),
        write: breakdown::breakdown,
    },
    Sheet {
        ja: "予測",
        en: "Forecast",
        shown: |c| c.model.forecast.is_some(),
        write: forecast::forecast,
    },
    Sheet {
        ja: "データ品質",
        en: "Data quality",
        shown: always,
        write: facts::quality,
    },
    Sheet {
        ja: "ルール",
        en: "Rules",
        shown: always,
        write: facts::rules,
    },
];

/// A list's sheet name: short, and valid in Excel (no `[]:*?/\`, ≤ 31).
fn list_sheet_name(file: &str, lang: Lang, toddler_days: i32) -> String {
    if file == "first_last_chance" {
        let (from, to) = ((toddler_days - 30).max(0), toddler_days - 1);
        return by_lang!(lang, "初回{from}-{to}日", "First-time {from}-{to} days");
    }
    let (ja, en) = match file {
        "loyal_lapsed" => ("優良離脱", "Loyal lapsed"),
        "newly_lapsed" => ("今月離脱", "Lapsed this month"),
        "at_risk" => ("休眠予備軍", "At risk"),
        "winback" => ("復活", "Winback"),
        "vip" => ("優良VIP", "VIP"),
        other => (other, other),
    };
    lang.pick(ja, en)
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// The workbook's bytes.
pub(crate) fn workbook_bytes(
    tables: &Tables,
    model: &ReportModel,
    plan: Option<&[PlanRow]>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let as_of = date_from_day(tables.portfolio.as_of);
    wb.set_properties(
        &DocProperties::new()
            .set_title(&model.title)
            .set_author("cpm")
            .set_creation_datetime(&as_of),
    );
    let c = Ctx {
        tables,
        model,
        plan,
        lang: model.lang,
        f: Formats::new(),
    };
    for sheet in SHEETS.iter().filter(|s| (s.shown)(&c)) {
        let mut g = Grid::new(wb.add_worksheet(), c.lang.pick(sheet.ja, sheet.en))?;
        (sheet.write)(&mut g, &c)?;
        g.finish()?;
    }
    let toddler_days = tables.config.rules.toddler_days;
    for list in &model.lists {
        let mut g = Grid::new(wb.add_worksheet(), &list_sheet_name(list.file, c.lang, toddler_days))?;
        facts::list(&mut g, &c, list)?;
        g.finish()?;
    }
    wb.save_to_buffer()
}

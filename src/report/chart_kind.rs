//! The report's charts, named by what they show rather than by file name:
//! each scheme lists its charts, and drawing one is an exhaustive match, so
//! a chart cannot be listed without being drawn (or drawn under a typo).

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::charts::{self, ChartError};
use crate::config::Config;
use crate::engine::portfolio::Portfolio;
use crate::report::model::by_group::ByGroup;
use crate::report::model::forecast::ForecastView;
use crate::text::lang::Lang;

/// What the charts are drawn from, for the snapshot `t`. `ten` is the
/// portfolio on ten CPM segments (超優良 merged into 優良) for the charts
/// drawn on ten: the same as `p` unless 超優良 is on. `plan` is plan against
/// actual (empty without a plan); `by` the breakdown section (`None`
/// without `--by`); `forecast` the forecast section (`None` without
/// `--forecast`).
#[derive(Clone, Copy)]
pub(crate) struct ChartInputs<'a> {
    pub p: &'a Portfolio,
    pub ten: &'a Portfolio,
    pub t: usize,
    pub config: &'a Config,
    pub lang: Lang,
    pub plan: &'a [crate::plan::PlanRow],
    pub by: Option<&'a ByGroup>,
    pub forecast: Option<&'a ForecastView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// CPM: the 10-box (or 12-box) portfolio table.
    Portfolio,
    /// CPM: the nurturing funnel with this month's moves up.
    Funnel,
    /// CPM: customers by segment over time.
    Trend,
    /// 初回→よちよち conversion by acquisition month.
    Conversion,
    /// This month's moves between segments (either scheme).
    Transitions,
    /// CPM: the cohort ladder.
    CohortLadder,
    /// CPM: sales by segment.
    Sales,
    /// Lifecycle: customers by state over time.
    States,
    /// Lifecycle: winbacks against customers going dormant.
    Winback,
    /// The month's bridge (増減の内訳): 現役 and 優良現役, or 休眠以外 and
    /// 優良(VIP) in the lifecycle scheme.
    Bridge,
    /// Plan against actual (予実), when a plan is given (either scheme).
    Plan,
    /// 初回→よちよち by group, with `--by` (either scheme).
    ByGroup,
    /// 初回→よちよち by acquisition month for the largest groups, with `--by`.
    ByGroupTrend,
    /// Where the portfolio is heading, with `--forecast` (either scheme).
    Forecast,
}

impl Chart {
    /// The charts of the CPM report, in page order.
    pub(crate) const CPM: [Chart; 8] = [
        Chart::Portfolio,
        Chart::Funnel,
        Chart::Trend,
        Chart::Conversion,
        Chart::Transitions,
        Chart::CohortLadder,
        Chart::Sales,
        Chart::Bridge,
    ];

    /// The charts of the lifecycle report, in page order.
    pub(crate) const LIFECYCLE: [Chart; 4] = [Chart::States, Chart::Transitions, Chart::Winback, Chart::Bridge];

    /// The file stem of the chart in a report of `scheme_charts` (its place
    /// in the list gives the number: `01_portfolio`, `02_transitions`; a
    /// chart not in the list comes after them: the optional plan, then the
    /// optional breakdown and its trend, then the optional forecast).
    pub(crate) fn file_stem(self, scheme_charts: &[Chart]) -> String {
        let n = scheme_charts.iter().position(|&c| c == self).map_or(
            scheme_charts.len()
                + match self {
                    Chart::ByGroup => 2,
                    Chart::ByGroupTrend => 3,
                    Chart::Forecast => 4,
                    _ => 1,
                },
            |i| i + 1,
        );
        let name = match self {
            Chart::Portfolio => "portfolio",
            Chart::Funnel => "funnel",
            Chart::Trend => "trend",
            Chart::Conversion => "conversion",
            Chart::Transitions => "transitions",
            Chart::CohortLadder => "cohort_ladder",
            Chart::Sales => "sales",
            Chart::States => "states",
            Chart::Winback => "winback",
            Chart::Bridge => "bridge",
            Chart::Plan => "plan",
            Chart::ByGroup => "by_group",
            Chart::ByGroupTrend => "by_group_trend",
            Chart::Forecast => "forecast",
        };
        format!("{n:02}_{name}")
    }

    /// Draws the chart from `input` (see [`ChartInputs`]).
    pub(crate) fn draw<DB: DrawingBackend>(
        self,
        root: DrawingArea<DB, Shift>,
        input: &ChartInputs<'_>,
    ) -> Result<(), ChartError> {
        let ChartInputs {
            p,
            ten,
            t,
            config,
            lang,
            plan,
            by,
            forecast,
        } = *input;
        match self {
            Chart::Portfolio => charts::portfolio_grid(root, p, t, lang),
            Chart::Funnel => charts::funnel(root, ten, t, lang),
            Chart::Trend => charts::trend(root, p, lang),
            Chart::Conversion => charts::conversion(root, p, config.conversion_target, lang),
            Chart::Transitions => charts::transition_heatmap(root, p, t, lang),
            Chart::CohortLadder => charts::cohort_ladder(root, ten, lang),
            Chart::Sales => charts::sales_by_segment(root, ten, lang),
            Chart::States => charts::lifecycle_states(root, p, lang),
            Chart::Winback => charts::winback_flow(root, p, lang),
            Chart::Bridge => charts::bridge_chart(root, p, t, lang),
            Chart::Plan => charts::plan_chart(root, plan, lang),
            Chart::ByGroup => charts::by_group_chart(root, by, lang),
            Chart::ByGroupTrend => charts::by_group_trend_chart(root, by.map(|b| &b.trend), lang),
            Chart::Forecast => charts::forecast_chart(root, forecast, lang),
        }
    }
}

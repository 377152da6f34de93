use plotters::coord::Shift;
use plotters::prelude::*;

use super::ChartError;
use crate::portfolio::Portfolio;
use crate::report::lang::Lang;

#[allow(unused_variables)]
pub fn transition_heatmap<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, p: &Portfolio, t: usize, lang: Lang) -> Result<(), ChartError> {
    super::style::empty_chart(&root, "transition_heatmap", "TODO")
}

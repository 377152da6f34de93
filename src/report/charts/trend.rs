use plotters::coord::Shift;
use plotters::prelude::*;

use super::ChartError;
use crate::portfolio::Portfolio;
use crate::report::lang::Lang;

#[allow(unused_variables)]
pub fn trend<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, p: &Portfolio, lang: Lang) -> Result<(), ChartError> {
    super::style::empty_chart(&root, "trend", "TODO")
}

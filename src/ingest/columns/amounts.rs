//! The amount column, read exactly in millionths: integers as they are,
//! decimals by their scale, floats by their shortest decimal, text parsed
//! by hand — never through a float sum.

use polars::prelude::*;

use super::convert::convert;
use super::{BadCell, as_strings, bad, unreadable};
use crate::ingest::text::{AMOUNT_EXPECTED, CellProblem, parse_amount};
use crate::money::Money;

/// Amounts per row, exactly.
pub(crate) fn read_amounts(column: &Column, bad_cells: &mut Vec<BadCell>) -> PolarsResult<Vec<Money>> {
    let dtype = column.dtype().clone();
    if unreadable(column, AMOUNT_EXPECTED, bad_cells) {
        return Ok(vec![Money::ZERO; column.len()]);
    }
    if dtype.is_integer() {
        return read_integers(column, bad_cells);
    }
    let n = column.len();
    let mut amounts = Vec::with_capacity(n);
    let mut push = |row: usize, value: Result<Money, CellProblem>| match value {
        Ok(m) => amounts.push(m),
        Err(problem) => {
            bad_cells.push(bad(column, row, problem, AMOUNT_EXPECTED));
            amounts.push(Money::ZERO);
        }
    };
    if dtype == DataType::Float32 {
        // Read as the shortest decimal of the float32 itself: a float32 0.1
        // is 0.1, not the 0.10000000149011612 of its float64 widening.
        for (row, v) in column.f32()?.iter().enumerate() {
            push(row, v.ok_or(CellProblem::Empty).and_then(float32_to_money));
        }
    } else if dtype.is_float() {
        let floats = column.cast(&DataType::Float64)?;
        for (row, v) in floats.f64()?.iter().enumerate() {
            push(row, v.ok_or(CellProblem::Empty).and_then(float64_to_money));
        }
    } else if let DataType::Decimal(_, scale) = dtype {
        let decimals = column.decimal()?;
        for (row, v) in decimals.physical().iter().enumerate() {
            push(
                row,
                v.ok_or(CellProblem::Empty).and_then(|v| decimal_to_money(v, scale)),
            );
        }
    } else {
        for (row, v) in as_strings(column)?.iter().enumerate() {
            push(row, v.ok_or(CellProblem::Empty).and_then(parse_amount));
        }
    }
    Ok(amounts)
}

/// An integer column's amounts, converted in parallel (see `convert`).
fn read_integers(column: &Column, bad_cells: &mut Vec<BadCell>) -> PolarsResult<Vec<Money>> {
    let (amounts, problems) = if column.dtype() == &DataType::UInt64 {
        // Past i64 the value is too large, not empty (a cast would make it null).
        convert(column.u64()?, Money::ZERO, |v| {
            i64::try_from(v)
                .ok()
                .and_then(Money::from_units)
                .ok_or(CellProblem::TooLarge)
        })
    } else {
        let ints = column.cast(&DataType::Int64)?;
        convert(ints.i64()?, Money::ZERO, |v| {
            Money::from_units(v).ok_or(CellProblem::TooLarge)
        })
    };
    for (row, problem) in problems {
        bad_cells.push(bad(column, row, problem, AMOUNT_EXPECTED));
    }
    Ok(amounts)
}

fn float32_to_money(v: f32) -> Result<Money, CellProblem> {
    let text = format!("{v}");
    if !v.is_finite() || text.contains('e') {
        Err(CellProblem::NotAnAmount)
    } else {
        Money::parse_plain(&text).ok_or(CellProblem::TooManyDecimals)
    }
}

fn float64_to_money(v: f64) -> Result<Money, CellProblem> {
    if !v.is_finite() {
        Err(CellProblem::NotAnAmount)
    } else {
        Money::from_f64(v).ok_or(CellProblem::TooManyDecimals)
    }
}

fn decimal_to_money(value: i128, scale: usize) -> Result<Money, CellProblem> {
    let micros = if scale <= 6 {
        value
            .checked_mul(10_i128.pow((6 - scale) as u32))
            .ok_or(CellProblem::TooLarge)?
    } else {
        let div = 10_i128.pow((scale - 6) as u32);
        if value % div != 0 {
            return Err(CellProblem::TooManyDecimals);
        }
        value / div
    };
    let micros = i64::try_from(micros).map_err(|_| CellProblem::TooLarge)?;
    Ok(Money(micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_convert_exactly() {
        assert_eq!(decimal_to_money(12345, 2), Ok(Money(123_450_000)));
        assert_eq!(decimal_to_money(1, 7), Err(CellProblem::TooManyDecimals));
        assert_eq!(decimal_to_money(10, 7), Ok(Money(1)));
    }
}

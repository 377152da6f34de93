//! The amount as a formula of columns (`--amount "数量*単価"`, `小計-値引`):
//! terms joined by `+` and `-`, each term one column or a product of
//! columns. Every operand column is read as an amount (its bad cells
//! reported by line and column like the amount column's), and the formula
//! is computed exactly in millionths; a product that needs more than six
//! decimals or leaves the range summed exactly is an error naming the row.

use crate::money::{Money, SCALE};

/// A parsed formula: `terms[i] = (negative, factor columns)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Formula {
    pub(crate) text: String,
    terms: Vec<(bool, Vec<String>)>,
}

impl Formula {
    /// Parses `A*B`, `A+B-C`, `数量*単価-値引`; column names are trimmed.
    pub(crate) fn parse(text: &str) -> Result<Formula, String> {
        let mut terms = Vec::new();
        let mut negative = false;
        let mut current = String::new();
        let mut push = |negative: bool, term: &str| -> Result<(), String> {
            let factors: Vec<String> = term.split('*').map(|f| f.trim().to_string()).collect();
            if factors.iter().any(String::is_empty) {
                return Err(format!(
                    "--amount {text:?}: a column name is missing around an operator (expected e.g. 数量*単価 or 小計-値引)"
                ));
            }
            terms.push((negative, factors));
            Ok(())
        };
        for c in text.chars() {
            match c {
                '+' | '-' => {
                    push(negative, &current)?;
                    current.clear();
                    negative = c == '-';
                }
                c => current.push(c),
            }
        }
        push(negative, &current)?;
        let formula = Formula {
            text: text.trim().to_string(),
            terms,
        };
        if formula.terms.len() == 1 && formula.terms[0].1.len() == 1 {
            return Err(format!(
                "--amount {text:?} names one column: use --amount-col for that, or write a formula such as 数量*単価"
            ));
        }
        Ok(formula)
    }

    /// The terms: whether each is subtracted, and its factor columns (the
    /// SQL of `cpm sql` computes the same terms).
    pub(crate) fn terms(&self) -> &[(bool, Vec<String>)] {
        &self.terms
    }

    /// The operand columns, each once, in order of appearance.
    pub(crate) fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, factors) in &self.terms {
            for f in factors {
                if !out.contains(&f.as_str()) {
                    out.push(f);
                }
            }
        }
        out
    }

    /// The formula at every row; `values[k]` is column `columns()[k]`. The
    /// first row that cannot be computed exactly is `Err((row, why))`.
    pub(crate) fn eval(&self, values: &[Vec<Money>]) -> Result<Vec<Money>, (usize, &'static str)> {
        let columns = self.columns();
        let index: Vec<Vec<usize>> = self
            .terms
            .iter()
            .map(|(_, fs)| {
                fs.iter()
                    .map(|f| columns.iter().position(|c| c == f).expect("a column of the formula"))
                    .collect()
            })
            .collect();
        let rows = values.first().map_or(0, Vec::len);
        let mut out = Vec::with_capacity(rows);
        // A row is read across several columns: indexed, not iterated.
        #[allow(clippy::needless_range_loop)]
        for row in 0..rows {
            let mut sum: i128 = 0;
            for ((negative, _), factors) in self.terms.iter().zip(&index) {
                let mut product = i128::from(values[factors[0]][row].0);
                for &k in &factors[1..] {
                    let raw = product * i128::from(values[k][row].0);
                    if raw % i128::from(SCALE) != 0 {
                        return Err((row, "the product has more than 6 decimals"));
                    }
                    product = raw / i128::from(SCALE);
                    if product.abs() > i128::from(i64::MAX) {
                        return Err((row, "the product is too large to sum exactly"));
                    }
                }
                sum += if *negative { -product } else { product };
            }
            let amount = i64::try_from(sum).map_err(|_| (row, "the amount is too large to sum exactly"))?;
            out.push(Money(amount));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(v: &[i64]) -> Vec<Money> {
        v.iter().map(|&x| Money(x * SCALE)).collect()
    }

    #[test]
    fn products_and_sums_are_exact() {
        let f = Formula::parse(" 数量 * 単価 ").unwrap();
        assert_eq!(f.columns(), ["数量", "単価"]);
        assert_eq!(f.eval(&[m(&[2, 3]), m(&[1500, 0])]).unwrap(), m(&[3000, 0]));
        let g = Formula::parse("数量*単価-値引").unwrap();
        assert_eq!(g.columns(), ["数量", "単価", "値引"]);
        assert_eq!(g.eval(&[m(&[2]), m(&[1500]), m(&[100])]).unwrap(), m(&[2900]));
        // 0.5 × 0.25 = 0.125, exactly.
        let half = vec![Money(SCALE / 2)];
        let quarter = vec![Money(SCALE / 4)];
        assert_eq!(f.eval(&[half, quarter]).unwrap(), [Money(125_000)]);
        // 0.001 × 0.001 needs 6 decimals; 0.0001 × 0.0001 needs 8.
        assert_eq!(f.eval(&[vec![Money(1000)], vec![Money(1000)]]).unwrap(), [Money(1)]);
        assert!(f.eval(&[vec![Money(100)], vec![Money(100)]]).is_err());
        assert!(f.eval(&[vec![Money(i64::MAX)], m(&[2])]).is_err());
    }

    #[test]
    fn bad_formulas_are_refused() {
        for bad in ["単価", "数量*", "*単価", "数量**単価", "小計-", ""] {
            assert!(Formula::parse(bad).is_err(), "{bad}");
        }
        assert!(Formula::parse("小計+送料").is_ok());
    }
}

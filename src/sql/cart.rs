//! What a cart export needs besides the three columns, in the SQL, as
//! `cpm tables` reads a file (`ingest::exclude`, `ingest::formula`):
//!
//! - a cancel column (`--cancel-col`, `--cancel-values`): a row whose cell
//!   there, trimmed and in lower case, is one of the values is `cancelled`;
//! - guest ids (`--guest-ids`, `""` for an empty id): a row whose customer
//!   id, trimmed, is one of them is a `guest` order (a row both cancelled
//!   and a guest's counts once, as cancelled);
//! - an amount formula (`--amount 数量*単価-値引`): each operand column read
//!   as the amount column is (its bad cells rejecting the row, the first
//!   operand's first), and the formula computed exactly, a bad cell counting
//!   as 0 in the amount of a cancelled or guest row, as in cpm.
//!
//! Both kinds of excluded row are counted with their amounts in
//! `data_quality`, so that `rows read = used + rejected + excluded` holds;
//! their other cells are not checked, as for a filter. cpm stops on a row
//! whose formula cannot be computed exactly (a product with more than six
//! decimals, or beyond the range summed exactly); the SQL never stops, so
//! it rejects that row (`bad_amount`, named by the formula, with the
//! problems cpm's reader knows: `more than 6 decimals`, `amount too
//! large`) whatever its other cells, which `cpm_rejects` lists.

use super::rows::layer;
use super::{Ctx, parse};
use crate::ingest::filter::trim_value;
use crate::ingest::formula::Formula;

/// The statuses of rows that are read but not rejected.
pub(crate) const NOT_REJECTED: &str = "('ok', 'excluded', 'cancelled', 'guest')";

/// The largest amount cpm holds (i64 millionths), and the smallest.
const MAX: &str = "9223372036854.775807";
const MIN: &str = "-9223372036854.775808";

pub(crate) fn formula<'a>(ctx: &Ctx<'a>) -> Option<&'a Formula> {
    ctx.config.scope.amount_formula.as_ref()
}

/// The amount's name in messages and comments: its column or formula.
pub(crate) fn amount_name(ctx: &Ctx) -> String {
    formula(ctx).map_or_else(|| ctx.config.columns.amount.clone(), |f| f.text.clone())
}

/// The operand columns of the formula (none without one).
fn operands<'a>(ctx: &Ctx<'a>) -> Vec<&'a str> {
    formula(ctx).map(Formula::columns).unwrap_or_default()
}

fn text(ctx: &Ctx, name: &str) -> String {
    format!("CAST({} AS {})", ctx.d.column(name), ctx.d.string_type())
}

/// The columns the orders table is read with besides the customer, date
/// and group: the amount's text (`a_text`, the first operand's with a
/// formula), each operand's (`o1_text`, ...) and the cancel column's.
pub(crate) fn source_columns(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let ops = operands(ctx);
    if ops.is_empty() {
        out.push(("a_text".into(), text(ctx, &ctx.config.columns.amount)));
    }
    for (k, op) in ops.iter().enumerate() {
        out.push((format!("o{}_text", k + 1), text(ctx, op)));
    }
    if let Some(cancel) = &ctx.config.scope.cancel {
        out.push(("cancel_text".into(), text(ctx, cancel)));
    }
    out
}

/// The CTEs that read operands 2, 3, ... of the formula as amounts, from
/// `prev` (whose columns are `carry`), each adding `o<k>_problem` and
/// `o<k>_value` (0 for a bad cell); last, `s`, with `a_text` the first
/// operand's text for the main reading. Without a formula, `s` is `prev`.
pub(crate) fn operand_ctes(ctx: &Ctx, prev: &str, carry: &[String]) -> Vec<String> {
    let ops = operands(ctx);
    if ops.is_empty() {
        return Vec::new();
    }
    let amount_only = |v: Vec<(String, String)>| -> Vec<(String, String)> {
        v.into_iter().filter(|(n, _)| !n.starts_with('t')).collect()
    };
    let mut carry: Vec<String> = carry.to_vec();
    let mut ctes = Vec::new();
    let mut prev = prev.to_string();
    for k in 2..=ops.len() {
        let o = format!("o{k}");
        ctes.push(format!(
            "{o}a AS (SELECT {}, {o}_text AS a_text FROM {prev})",
            carry.join(", ")
        ));
        let layers = [
            amount_only(parse::quick(ctx)),
            amount_only(parse::normalise(ctx)),
            amount_only(parse::pieces(ctx)),
            amount_only(parse::amount_pieces(ctx)),
            amount_only(parse::amount_numbers(ctx)),
        ];
        let mut from = format!("{o}a");
        for (i, columns) in layers.iter().enumerate() {
            let name = format!("{o}l{}", i + 1);
            ctes.push(layer(&name, &from, columns));
            from = name;
        }
        let problem = parse::amount_problem(ctx);
        ctes.push(format!(
            "{o} AS (SELECT {}, {problem} AS {o}_problem, CASE WHEN ({problem}) IS NULL THEN {value} ELSE {zero} END \
             AS {o}_value FROM {from})",
            carry.join(", "),
            value = parse::amount_value(ctx),
            zero = ctx.d.exact("0"),
        ));
        carry.push(format!("{o}_problem"));
        carry.push(format!("{o}_value"));
        prev = o;
    }
    ctes.push(format!("s AS (SELECT *, o1_text AS a_text FROM {prev})"));
    ctes
}

/// The amount of a row read (`a_problem`, `amount_value` of the main
/// reading), 0 when its cell is bad.
fn read_amount(ctx: &Ctx) -> String {
    format!(
        "CASE WHEN a_problem IS NULL THEN {} ELSE {} END",
        parse::amount_value(ctx),
        ctx.d.exact("0")
    )
}

/// A formula's terms, with the column holding each operand's value.
struct Terms<'a> {
    formula: &'a Formula,
    columns: Vec<&'a str>,
}

impl Terms<'_> {
    /// The value (0 for a bad cell) of operand `name`: `fv1` for the first
    /// (the main reading), `o<k>_value` for the others.
    fn value(&self, name: &str) -> String {
        match self.columns.iter().position(|c| *c == name) {
            Some(0) | None => "fv1".to_string(),
            Some(k) => format!("o{}_value", k + 1),
        }
    }

    /// Term t's product of its first j + 1 factors (`p<t>_<j>`).
    fn product(&self, t: usize, j: usize) -> String {
        if j == 0 {
            self.value(&self.formula.terms()[t].1[0])
        } else {
            format!("p{t}_{j}")
        }
    }

    /// Step j of term t, checked as cpm checks it: why it fails
    /// (`e<t>_<j>`, NULL when it does not) and the product (0 when it does).
    fn step(&self, ctx: &Ctx, t: usize, j: usize) -> [(String, String); 2] {
        let d = ctx.d;
        let (a, b) = (self.product(t, j - 1), self.value(&self.formula.terms()[t].1[j]));
        // The sub-millionth digits of x (an exact six-place decimal): a
        // product has at most six decimals when theirs is a whole millionth.
        let micros = |x: &str| format!("MOD(CAST({x} * 1000000 AS {}), 1000000)", d.int_type());
        let exact = format!("CAST({a} * {b} AS {})", d.money_type());
        let why = format!(
            "CASE WHEN MOD({} * {}, 1000000) <> 0 THEN 'more than 6 decimals' \
             WHEN ABS({exact}) > {max} THEN 'amount too large' END",
            micros(&a),
            micros(&b),
            max = d.exact(MAX),
        );
        let product = format!("CASE WHEN ({why}) IS NULL THEN {exact} ELSE {} END", d.exact("0"));
        [(format!("e{t}_{j}"), why), (format!("p{t}_{j}"), product)]
    }

    /// The sum of the terms, and the first failure: a step's, in cpm's
    /// order (term by term, factor by factor), or the sum's range.
    fn sum(&self, ctx: &Ctx) -> [(String, String); 2] {
        let d = ctx.d;
        let terms = self.formula.terms();
        let signed: Vec<String> = terms
            .iter()
            .enumerate()
            .map(|(t, (negative, fs))| {
                format!(
                    "{} {}",
                    if *negative { "-" } else { "+" },
                    self.product(t, fs.len() - 1)
                )
            })
            .collect();
        let sum = format!("CAST(0 {} AS {})", signed.join(" "), d.money_type());
        let mut failures: Vec<String> = terms
            .iter()
            .enumerate()
            .flat_map(|(t, (_, fs))| (1..fs.len()).map(move |j| format!("e{t}_{j}")))
            .collect();
        failures.push(format!(
            "CASE WHEN {sum} > {} OR {sum} < {} THEN 'amount too large' END",
            d.exact(MAX),
            d.exact(MIN)
        ));
        let problem = format!("COALESCE({}, CAST(NULL AS {}))", failures.join(", "), d.string_type());
        [("f_amount".into(), sum), ("f_problem".into(), problem)]
    }
}

/// The formula's layers over `prev` (the main reading's last layer): the
/// first operand's value (`fv1`), the products of all terms one factor a
/// layer, then the sum (`f_amount`) and the first failure (`f_problem`).
/// Returns them and the last layer's name (`prev` without a formula).
pub(crate) fn formula_ctes(ctx: &Ctx, prev: &str) -> (Vec<String>, String) {
    let Some(formula) = formula(ctx) else {
        return (Vec::new(), prev.to_string());
    };
    let terms = Terms {
        formula,
        columns: formula.columns(),
    };
    let mut ctes = vec![layer("fv", prev, &[("fv1".into(), read_amount(ctx))])];
    let mut from = "fv".to_string();
    let longest = formula.terms().iter().map(|(_, fs)| fs.len()).max().unwrap_or(1);
    for j in 1..longest {
        let step: Vec<(String, String)> = formula
            .terms()
            .iter()
            .enumerate()
            .filter(|(_, (_, fs))| fs.len() > j)
            .flat_map(|(t, _)| terms.step(ctx, t, j))
            .collect();
        let name = format!("f{j}");
        ctes.push(layer(&name, &from, &step));
        from = name;
    }
    ctes.push(layer("fs", &from, &terms.sum(ctx)));
    (ctes, "fs".into())
}

/// The amount of every row read (0 for a bad cell): the formula's, or the
/// amount column's.
pub(crate) fn amount(ctx: &Ctx) -> String {
    match formula(ctx) {
        Some(_) => "f_amount".into(),
        None => read_amount(ctx),
    }
}

/// The problems of a row's amount cells, in the order cpm reports them,
/// after the customer's and the date's: `(problem, column, cell)`.
pub(crate) fn amount_problems(ctx: &Ctx) -> Vec<(String, String, String)> {
    let ops = operands(ctx);
    if ops.is_empty() {
        return vec![("a_problem".into(), ctx.config.columns.amount.clone(), "a_text".into())];
    }
    ops.iter()
        .enumerate()
        .map(|(k, op)| {
            let problem = if k == 0 {
                "a_problem".into()
            } else {
                format!("o{}_problem", k + 1)
            };
            (problem, op.to_string(), format!("o{}_text", k + 1))
        })
        .collect()
}

/// The cells of the amount as read, for `cpm_rejects`: the amount cell, or
/// `数量=2, 単価=1500` with a formula.
pub(crate) fn amount_cells(ctx: &Ctx) -> String {
    let ops = operands(ctx);
    if ops.is_empty() {
        return "a_text".into();
    }
    let parts: Vec<String> = ops
        .iter()
        .enumerate()
        .map(|(k, op)| format!("{}, COALESCE(o{}_text, '')", ctx.d.literal(&format!("{op}=")), k + 1))
        .collect();
    format!("CONCAT({})", parts.join(", ', ', "))
}

/// Whether a row is a cancelled line (`FALSE` without a cancel column).
pub(crate) fn cancelled(ctx: &Ctx) -> String {
    let scope = &ctx.config.scope;
    if scope.cancel.is_none() {
        return "FALSE".into();
    }
    let values: Vec<String> = scope
        .cancel_values
        .iter()
        .map(|v| ctx.d.literal(&trim_value(v).to_lowercase()))
        .collect();
    one_of(
        &format!("LOWER(COALESCE({}, ''))", parse::trimmed(ctx, "cancel_text", false)),
        &values,
    )
}

/// Whether a row is a guest order (`FALSE` without guest ids): the
/// customer cell trimmed as cpm trims it for this test (blanks, not a BOM).
pub(crate) fn guest(ctx: &Ctx) -> String {
    let Some(ids) = &ctx.config.scope.guest_ids else {
        return "FALSE".into();
    };
    let values: Vec<String> = ids.iter().map(|g| ctx.d.literal(trim_value(g))).collect();
    one_of(
        &format!("COALESCE({}, '')", parse::trimmed(ctx, "c_text", false)),
        &values,
    )
}

fn one_of(expr: &str, values: &[String]) -> String {
    if values.is_empty() {
        "FALSE".into()
    } else {
        format!("({expr} IN ({}))", values.join(", "))
    }
}

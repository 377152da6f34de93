//! Rows grouped into timelines straight from the id-hash partitions
//! (`engine::grouped`), against a naive grouping written here: customers in
//! order of first appearance, each one's rows dated on or before the cutoff
//! sorted by (day, amount), and the row counts of the data-quality summary;
//! with an attribute, each customer's first purchase day and winning value
//! (spec section 9) against the rule written out here.

use std::collections::HashMap;
use std::marker::PhantomData;

use cpm::dates::Day;
use cpm::engine::grouped;
use cpm::engine::timelines::{RowStats, Timelines};
use cpm::ingest::intern::{FnIds, group_ids};
use cpm::money::Money;
use cpm::orders::BLANK;
use proptest::prelude::*;

/// (id, day, amount in millionths) rows.
type Row = (String, Day, i64);

struct NaiveGroups {
    ids: Vec<String>,
    rows: Vec<Vec<(Day, Money)>>,
    stats: RowStats,
}

fn naive(rows: &[Row], cutoff: Day) -> NaiveGroups {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out = NaiveGroups {
        ids: Vec::new(),
        rows: Vec::new(),
        stats: RowStats::default(),
    };
    for (id, day, amount) in rows {
        let c = *index.entry(id.as_str()).or_insert_with(|| {
            out.ids.push(id.clone());
            out.rows.push(Vec::new());
            out.ids.len() - 1
        });
        if *day > cutoff {
            out.stats.rows_after_cutoff += 1;
            continue;
        }
        out.stats.rows_used += 1;
        if *amount < 0 {
            out.stats.return_rows += 1;
            out.stats.returns_total += i128::from(*amount);
        } else {
            out.stats.purchases_total += i128::from(*amount);
        }
        out.rows[c].push((*day, Money(*amount)));
    }
    for list in &mut out.rows {
        list.sort();
        out.stats.duplicate_rows += list.windows(2).filter(|w| w[0] == w[1]).count() as u64;
    }
    out
}

fn grouped_build(rows: &[Row], cutoff: Day) -> (Timelines, RowStats) {
    let grouping = group_ids(&FnIds(rows.len(), |r: usize| Some(rows[r].0.as_str()), PhantomData));
    let day = rows.iter().map(|r| r.1).collect();
    let amount = rows.iter().map(|r| Money(r.2)).collect();
    grouped::build(grouping, day, amount, cutoff)
}

fn check(rows: &[Row], cutoff: Day) -> Result<(), TestCaseError> {
    let (tl, stats) = grouped_build(rows, cutoff);
    let expected = naive(rows, cutoff);
    prop_assert_eq!(
        tl.ids.iter().collect::<Vec<_>>(),
        expected.ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    prop_assert_eq!(tl.customers(), expected.rows.len());
    for (c, want) in expected.rows.iter().enumerate() {
        let range = tl.offsets[c]..tl.offsets[c + 1];
        let got: Vec<(Day, Money)> = tl.day[range.clone()]
            .iter()
            .copied()
            .zip(tl.amount[range].iter().copied())
            .collect();
        prop_assert_eq!(&got, want, "customer {}", c);
    }
    prop_assert_eq!(stats, expected.stats);
    Ok(())
}

/// Spec section 9 by hand: the first day with a purchase row (amount >= 0)
/// on or before the cutoff; of that day's purchase rows, the non-blank
/// value of the largest amount, equal amounts to the smallest code.
fn naive_first_days(rows: &[Row], values: &[u32], cutoff: Day, ids: &[String]) -> (Vec<Day>, Vec<u32>) {
    let mut purchases: HashMap<&str, Vec<(Day, i64, u32)>> = HashMap::new();
    for (r, &v) in rows.iter().zip(values) {
        if r.2 >= 0 && r.1 <= cutoff {
            purchases.entry(r.0.as_str()).or_default().push((r.1, r.2, v));
        }
    }
    let mut firsts = Vec::new();
    let mut bests = Vec::new();
    for id in ids {
        let list = purchases.get(id.as_str()).map_or(&[][..], Vec::as_slice);
        let first = list.iter().map(|p| p.0).min().unwrap_or(Day::MAX);
        let mut candidates: Vec<(i64, u32)> = list
            .iter()
            .filter(|p| p.0 == first && p.2 != BLANK)
            .map(|p| (-p.1, p.2))
            .collect();
        candidates.sort();
        firsts.push(first);
        bests.push(candidates.first().map_or(BLANK, |c| c.1));
    }
    (firsts, bests)
}

fn check_with_attribute(rows: &[Row], values: &[u32], cutoff: Day) -> Result<(), TestCaseError> {
    let grouping = group_ids(&FnIds(rows.len(), |r: usize| Some(rows[r].0.as_str()), PhantomData));
    let day = rows.iter().map(|r| r.1).collect();
    let amount = rows.iter().map(|r| Money(r.2)).collect();
    let (tl, stats, (first, best)) = grouped::build_with_attribute(grouping, day, amount, values.to_vec(), cutoff);
    let (plain, plain_stats) = grouped_build(rows, cutoff);
    prop_assert_eq!(&tl, &plain);
    prop_assert_eq!(stats, plain_stats);
    let ids: Vec<String> = tl.ids.iter().map(str::to_string).collect();
    let (want_first, want_best) = naive_first_days(rows, values, cutoff, &ids);
    prop_assert_eq!(first, want_first);
    prop_assert_eq!(best, want_best);
    Ok(())
}

fn rows_strategy() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec((0u32..30, 0i32..400, -50i64..200), 1..200).prop_map(|rows| {
        rows.into_iter()
            // Ids that differ only by leading zeros stay apart.
            .map(|(c, d, a)| (if c % 7 == 0 { format!("{c:05}") } else { c.to_string() }, d, a))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn grouped_timelines_equal_a_naive_grouping(rows in rows_strategy(), cutoff in 0i32..450) {
        check(&rows, cutoff)?;
    }

    #[test]
    fn first_days_and_values_follow_the_rule(
        rows in rows_strategy(),
        values in prop::collection::vec(prop_oneof![Just(BLANK), 0u32..4], 200),
        cutoff in 0i32..450,
    ) {
        check_with_attribute(&rows, &values[..rows.len()], cutoff)?;
    }
}

/// Enough rows for many hash partitions (the small cases above have one).
#[test]
fn many_partitions_group_like_the_naive_way() {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let rows: Vec<Row> = (0..150_000)
        .map(|_| {
            let c = next(25_000);
            (format!("K{c}"), next(1_000) as Day, next(300) as i64 - 40)
        })
        .collect();
    check(&rows, 900).unwrap();
    check(&rows, Day::MAX).unwrap();
    let values: Vec<u32> = (0..rows.len())
        .map(|_| [BLANK, 0, 1, 2, 3, 4][next(6) as usize])
        .collect();
    check_with_attribute(&rows, &values, 900).unwrap();
}

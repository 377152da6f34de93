//! A realistic portfolio for the chart tests, made by simulating customers
//! (no engine involved): 30 month-ends from 2022-01 to 2024-06, about 600
//! new customers a month growing 2.5% a month with a December peak, a
//! repeat purchase for ~40% of first-time buyers (so 初回→よちよち
//! conversion lands around 20–35%), occasional returns, and a minority of
//! big spenders who become 優良.

use crate::dates::{Day, MonthIndex, first_day_of_month, last_day_of_month, month_of};
use crate::engine::portfolio::{CohortConversion, LADDER_MONTHS, LadderCohort, Portfolio, TransitionMatrix};
use crate::engine::segments::{CPM_LABELS, Classifier, CpmRules, Facts};
use crate::money::Money;

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Exponentially distributed with this mean.
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

/// One customer's rows: (day, yen), purchases positive, returns negative.
struct Customer {
    rows: Vec<(Day, i64)>,
}

impl Customer {
    fn first(&self) -> Day {
        self.rows[0].0
    }

    fn purchase_days(&self) -> impl Iterator<Item = Day> + '_ {
        self.rows.iter().filter(|r| r.1 >= 0).map(|r| r.0)
    }

    fn facts_at(&self, day: Day) -> Option<Facts> {
        let mut purchases = self.purchase_days().filter(|&d| d <= day);
        let first = purchases.next()?;
        let (last, previous, count) = purchases.fold((first, None, 1), |(last, _, n), d| (d, Some(last), n + 1));
        let total: i64 = self.rows.iter().filter(|r| r.0 <= day).map(|r| r.1).sum();
        Some(Facts {
            first,
            last,
            previous,
            total: Money::from_units(total).unwrap(),
            purchase_days: count,
        })
    }
}

const START: MonthIndex = 2022 * 12;
const MONTHS: usize = 30;

fn simulate(as_of: Day) -> Vec<Customer> {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut customers = Vec::new();
    for m in 0..MONTHS {
        let month = START + m as i32;
        let december = if (month % 12) == 11 { 1.3 } else { 1.0 };
        let acquired = (600.0 * 1.025_f64.powi(m as i32) * december) as usize;
        let (month_start, month_end) = (first_day_of_month(month), last_day_of_month(month));
        // Conversion drifts between cohorts: some campaigns bring better buyers.
        let repeat = 0.36 + 0.08 * ((m as f64) * 0.7).sin();
        for _ in 0..acquired {
            let big = rng.unit() < 0.15;
            let mut day = month_start + (rng.unit() * f64::from(month_end - month_start + 1)) as i32;
            let mut rows = Vec::new();
            let mut purchases = 0;
            while day <= as_of {
                let amount = rng.between(3_000.0, 12_000.0) * if big { 3.2 } else { 1.0 };
                rows.push((day, amount.round() as i64));
                purchases += 1;
                if rng.unit() < 0.04 {
                    let back = day + 3 + (rng.unit() * 17.0) as i32;
                    if back <= as_of {
                        rows.push((back, -(amount * rng.between(0.3, 1.0)).round() as i64));
                    }
                }
                let again = match purchases {
                    1 => repeat,
                    2 => 0.62,
                    3 => 0.72,
                    _ => 0.82,
                };
                if rng.unit() >= again {
                    break;
                }
                let mean_gap = if purchases == 1 { 55.0 } else { 75.0 };
                day += 1 + rng.exponential(mean_gap) as i32;
            }
            rows.sort();
            customers.push(Customer { rows });
        }
    }
    customers
}

/// The fixture, built once per test run.
pub(crate) fn portfolio() -> &'static Portfolio {
    static PORTFOLIO: std::sync::OnceLock<Portfolio> = std::sync::OnceLock::new();
    PORTFOLIO.get_or_init(build)
}

fn build() -> Portfolio {
    let snapshot_days: Vec<Day> = (0..MONTHS).map(|m| last_day_of_month(START + m as i32)).collect();
    let as_of = *snapshot_days.last().unwrap();
    let rules = CpmRules::new(240, 90, 210, Money::from_units(70_000).unwrap());
    let customers = simulate(as_of);

    // segment[c][t]: customer c's segment at snapshot t, if present.
    let segment: Vec<Vec<Option<usize>>> = customers
        .iter()
        .map(|c| {
            snapshot_days
                .iter()
                .map(|&s| c.facts_at(s).map(|f| rules.classify(&f, s - f.last)))
                .collect()
        })
        .collect();
    let tally = tally(&customers, &segment, &snapshot_days);
    Portfolio {
        labels: CPM_LABELS.to_vec(),
        counts: tally.counts,
        sales: tally.sales,
        cumulative_sales: tally.cumulative_sales,
        transitions: transitions(&segment, &snapshot_days),
        conversion: conversion(&customers, as_of),
        ladder: ladder(&customers, &segment),
        snapshot_days,
        customers: Vec::new(),
        ids: Default::default(),
        as_of,
    }
}

/// Per snapshot and segment: the customers, the month's sales and the
/// sales up to the snapshot.
struct Tally {
    counts: Vec<Vec<u64>>,
    sales: Vec<Vec<i128>>,
    cumulative_sales: Vec<Vec<i128>>,
}

fn tally(customers: &[Customer], segment: &[Vec<Option<usize>>], snapshot_days: &[Day]) -> Tally {
    let n = CPM_LABELS.len();
    let mut tally = Tally {
        counts: vec![vec![0u64; n]; MONTHS],
        sales: vec![vec![0i128; n]; MONTHS],
        cumulative_sales: vec![vec![0i128; n]; MONTHS],
    };
    for (c, customer) in customers.iter().enumerate() {
        for (t, &s) in snapshot_days.iter().enumerate() {
            let Some(seg) = segment[c][t] else { continue };
            tally.counts[t][seg] += 1;
            let after = if t == 0 { Day::MIN } else { snapshot_days[t - 1] };
            for &(day, yen) in &customer.rows {
                let micros = i128::from(yen) * 1_000_000;
                if day <= s {
                    tally.cumulative_sales[t][seg] += micros;
                    if day > after {
                        tally.sales[t][seg] += micros;
                    }
                }
            }
        }
    }
    tally
}

/// The moves into each snapshot after the first (row `n` = new customers).
fn transitions(segment: &[Vec<Option<usize>>], snapshot_days: &[Day]) -> Vec<TransitionMatrix> {
    let n = CPM_LABELS.len();
    (1..MONTHS)
        .map(|t| {
            let mut cells = vec![vec![0u64; n]; n + 1];
            for seg in segment {
                if let Some(to) = seg[t] {
                    cells[seg[t - 1].unwrap_or(n)][to] += 1;
                }
            }
            TransitionMatrix {
                from_day: snapshot_days[t - 1],
                to_day: snapshot_days[t],
                cells,
            }
        })
        .collect()
}

/// 初回→よちよち per acquisition month: a second purchase within 90 days.
fn conversion(customers: &[Customer], as_of: Day) -> Vec<CohortConversion> {
    (0..MONTHS)
        .map(|m| {
            let month = START + m as i32;
            let cohort: Vec<&Customer> = customers.iter().filter(|c| month_of(c.first()) == month).collect();
            let converted = cohort
                .iter()
                .filter(|c| c.purchase_days().nth(1).is_some_and(|second| second - c.first() < 90))
                .count() as u64;
            let size = cohort.len() as u64;
            CohortConversion {
                cohort_month: month,
                cohort_size: size,
                converted,
                rate: converted as f64 / size as f64,
                matured: last_day_of_month(month) + 89 <= as_of,
            }
        })
        .collect()
}

/// Each acquisition month's members by segment, k month-ends later.
fn ladder(customers: &[Customer], segment: &[Vec<Option<usize>>]) -> Vec<LadderCohort> {
    let n = CPM_LABELS.len();
    (0..MONTHS)
        .map(|m| {
            let month = START + m as i32;
            let members: Vec<usize> = (0..customers.len())
                .filter(|&c| month_of(customers[c].first()) == month)
                .collect();
            let observed = LADDER_MONTHS.min(MONTHS - m);
            let counts = (0..observed)
                .map(|k| {
                    let mut row = vec![0u64; n];
                    for &c in &members {
                        if let Some(seg) = segment[c][m + k] {
                            row[seg] += 1;
                        }
                    }
                    row
                })
                .collect();
            LadderCohort {
                cohort_month: month,
                size: members.len() as u64,
                counts,
            }
        })
        .collect()
}

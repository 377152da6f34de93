//! What the history says besides each customer's facts: how many new
//! customers arrived each month (the plan for new customers), what they
//! spend, and the observed 初回→よちよち rate that the scenario replaces.

use crate::dates::{Day, MonthIndex, first_day_of_month, last_day_of_month, month_of};

fn days_in_month(m: MonthIndex) -> i32 {
    last_day_of_month(m) - first_day_of_month(m) + 1
}

use super::state::Customer;

/// New customers per month after the origin: a given number, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewCustomers {
    /// From the history: the same month a year earlier, scaled by the trend
    /// of the last three months against the same months a year before; with
    /// less than 15 months of history, the mean of the last three months.
    Auto,
    Fixed(u64),
}

/// Acquisitions (first purchases) by calendar month, for every month from
/// the earliest customer's through the origin's.
fn acquisitions(customers: &[Customer], origin: Day) -> (MonthIndex, Vec<u64>) {
    let first_month = customers
        .iter()
        .map(|c| month_of(c.first))
        .min()
        .unwrap_or(month_of(origin));
    let mut counts = vec![0u64; (month_of(origin) - first_month + 1) as usize];
    for c in customers {
        counts[(month_of(c.first) - first_month) as usize] += 1;
    }
    (first_month, counts)
}

/// The number of new customers in each period ending on `month_ends`
/// (the first period starts the day after `origin`).
pub fn new_customers_plan(plan: NewCustomers, customers: &[Customer], origin: Day, month_ends: &[Day]) -> Vec<u64> {
    let (first_month, counts) = acquisitions(customers, origin);
    // Whole months of history: the origin's month only if it ends there.
    let whole = if last_day_of_month(month_of(origin)) == origin {
        counts.len()
    } else {
        counts.len() - 1
    };
    let hist = &counts[..whole];
    let mut out = Vec::with_capacity(month_ends.len());
    let mut period_start = origin;
    for &end in month_ends {
        let m = month_of(end);
        let fraction = f64::from(end - period_start) / f64::from(days_in_month(m));
        period_start = end;
        let n = match plan {
            NewCustomers::Fixed(n) => n as f64,
            NewCustomers::Auto => auto_month(hist, first_month, m),
        };
        out.push((n * fraction).round() as u64);
    }
    out
}

fn auto_month(hist: &[u64], first_month: MonthIndex, month: MonthIndex) -> f64 {
    let sum = |r: std::ops::Range<usize>| hist[r].iter().sum::<u64>() as f64;
    let k = hist.len();
    if k == 0 {
        return 0.0;
    }
    if k < 15 {
        let from = k.saturating_sub(3);
        return sum(from..k) / (k - from) as f64;
    }
    // The same calendar month, in the last year of the history.
    let mut idx = (month - first_month) as usize;
    while idx >= k {
        idx -= 12;
    }
    let recent = sum(k - 3..k);
    let year_before = sum(k - 15..k - 12);
    let trend = if year_before > 0.0 {
        (recent / year_before).clamp(0.5, 2.0)
    } else {
        1.0
    };
    hist[idx] as f64 * trend
}

/// First purchases in each period `(ends[t-1], ends[t]]` (the first: up
/// to `ends[0]`): the new customers that arrived by each month-end.
pub fn arrivals(customers: &[Customer], ends: &[Day]) -> Vec<u64> {
    let mut out = vec![0u64; ends.len()];
    for c in customers {
        if let Some(t) = ends.iter().position(|&e| c.first <= e) {
            out[t] += 1;
        }
    }
    out
}

/// Spend per purchase day of the customers acquired in the last year
/// before the origin (all customers if none), every `step`-th of them.
pub fn newcomer_spend(customers: &[Customer], origin: Day) -> Vec<i64> {
    let recent: Vec<i64> = customers
        .iter()
        .filter(|c| origin - c.first < 365)
        .map(|c| c.spend())
        .collect();
    let all = if recent.is_empty() {
        customers.iter().map(|c| c.spend()).collect()
    } else {
        recent
    };
    let step = all.len().div_ceil(200_000).max(1);
    all.into_iter().step_by(step).collect()
}

/// The observed 初回→よちよち rate (spec section 6), pooled over the last 12
/// acquisition cohorts whose window has closed by the origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObservedConversion {
    pub rate: f64,
    pub converted: u64,
    pub cohort_size: u64,
    pub first_cohort: MonthIndex,
    pub last_cohort: MonthIndex,
}

pub fn observed_conversion(customers: &[Customer], origin: Day, toddler_days: i32) -> Option<ObservedConversion> {
    let last = (month_of(origin) - 13..=month_of(origin))
        .rev()
        .find(|&m| last_day_of_month(m) + toddler_days - 1 <= origin)?;
    let first = last - 11;
    let (mut size, mut converted) = (0u64, 0u64);
    for c in customers {
        let m = month_of(c.first);
        if m < first || m > last {
            continue;
        }
        size += 1;
        if c.second.is_some_and(|s| s - c.first < toddler_days) {
            converted += 1;
        }
    }
    let first_cohort = customers
        .iter()
        .map(|c| month_of(c.first))
        .filter(|&m| m >= first && m <= last)
        .min()?;
    Some(ObservedConversion {
        rate: converted as f64 / size as f64,
        converted,
        cohort_size: size,
        first_cohort,
        last_cohort: last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{day_from_ymd, format_month};
    use crate::money::Money;

    fn d(y: i32, m: u32, day: u32) -> Day {
        day_from_ymd(y, m, day).unwrap()
    }

    /// `n[i]` customers acquired on the 10th of month `i` from 2022-01.
    fn acquired(n: &[u64]) -> Vec<Customer> {
        let start = month_of(d(2022, 1, 1));
        let mut out = Vec::new();
        for (i, &k) in n.iter().enumerate() {
            let first = first_day_of_month(start + i as i32) + 9;
            for _ in 0..k {
                out.push(Customer {
                    first,
                    last: first,
                    second: None,
                    previous: None,
                    total: Money(1),
                    purchase_days: 1,
                });
            }
        }
        out
    }

    #[test]
    fn auto_is_the_recent_mean_on_a_short_history() {
        let customers = acquired(&[5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 9, 12]);
        let ends = [d(2023, 1, 31), d(2023, 2, 28)];
        // (6 + 9 + 12) / 3 = 9 a month.
        assert_eq!(
            new_customers_plan(NewCustomers::Auto, &customers, d(2022, 12, 31), &ends),
            [9, 9]
        );
        assert_eq!(
            new_customers_plan(NewCustomers::Fixed(4), &customers, d(2022, 12, 31), &ends),
            [4, 4]
        );
    }

    #[test]
    fn auto_is_last_years_month_times_the_trend_on_a_long_history() {
        // 2022: 10 a month, but 40 in February; 2023-01..03: 20 a month.
        let mut n = vec![10; 12];
        n[1] = 40;
        n.extend([20, 20, 20]);
        let customers = acquired(&n);
        // Trend: (20+20+20) / (Jan+Feb+Mar 2022 = 10+40+10) = 1. April 2023 =
        // April 2022 × 1 = 10, ..., January and February 2024 = those of 2023.
        let ends = crate::forecast::future_month_ends(d(2023, 3, 31), 11);
        let plan = new_customers_plan(NewCustomers::Auto, &customers, d(2023, 3, 31), &ends);
        assert_eq!(plan, [10, 10, 10, 10, 10, 10, 10, 10, 10, 20, 20]);
    }

    #[test]
    fn a_part_month_gets_its_share() {
        let customers = acquired(&[30, 30, 30]);
        // From 2022-04-10: 20 of April's 30 days are left.
        let plan = new_customers_plan(NewCustomers::Fixed(30), &customers, d(2022, 4, 10), &[d(2022, 4, 30)]);
        assert_eq!(plan, [20]);
    }

    #[test]
    fn observed_conversion_pools_the_matured_cohorts() {
        let mut customers = acquired(&[4, 4, 4, 4]);
        // Of January's four, one came back after 30 days, one after 95.
        customers[0].second = Some(customers[0].first + 30);
        customers[1].second = Some(customers[1].first + 95);
        // Of February's, one after 89 days (in the window).
        customers[4].second = Some(customers[4].first + 89);
        // As of 2022-05-31 the matured cohorts are Jan and Feb (Feb 28 + 89 = May 28).
        let o = observed_conversion(&customers, d(2022, 5, 31), 90).unwrap();
        assert_eq!((o.converted, o.cohort_size), (2, 8));
        assert_eq!(o.rate, 0.25);
        assert_eq!(format_month(o.first_cohort), "2022-01");
        assert_eq!(format_month(o.last_cohort), "2022-02");
        assert!(observed_conversion(&customers, d(2022, 3, 31), 90).is_none());
    }
}

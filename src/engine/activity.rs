//! Buying activity month by month (`activity.csv`): how many purchase days
//! (orders) there were, how many customers bought, and the net sales, for
//! every snapshot's month. The monthly report's activity table and its
//! year-on-year comparison (前年同月比) are drawn from it.
//!
//! Exactly, for the period of snapshot `t` (the days after snapshot `t-1`
//! up to and including snapshot `t`; for `t = 0` the first snapshot's
//! month), spec section 1's terms:
//!
//! - `purchase_days`: (customer, day) pairs in the period with a row whose
//!   amount is `>= 0` — several rows of one customer on one day are one;
//! - `buyers`: customers with at least one purchase day in the period;
//! - `sales`: the net sales (returns included) dated in the period by the
//!   customers in the portfolio at snapshot `t` — the sum over the segments
//!   of `snapshots.csv`'s `sales` at that month-end.
//!
//! The average order value (sales ÷ purchase days) is derived, not stored.
//! One pass over the timelines, O(rows), no I/O.

use crate::dates::{Day, month_of};
use crate::engine::timelines::Timelines;

/// One snapshot's month of activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthActivity {
    pub(crate) month_end: Day,
    pub purchase_days: u64,
    pub buyers: u64,
    /// Net sales, in millionths.
    pub sales: i128,
}

impl MonthActivity {
    /// Sales ÷ purchase days, in currency units (`None` without a purchase day).
    pub(crate) fn average_order_value(&self) -> Option<f64> {
        (self.purchase_days > 0).then(|| crate::money::micros_to_units(self.sales) / self.purchase_days as f64)
    }

    fn add(&mut self, other: &MonthActivity) {
        self.purchase_days += other.purchase_days;
        self.buyers += other.buyers;
        self.sales += other.sales;
    }
}

/// The whole run's activity and, with a breakdown, each group's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Activity {
    /// One per snapshot, in order.
    pub months: Vec<MonthActivity>,
    /// With `--by`: `groups[g]` is group `g`'s months (the groups of the
    /// breakdown, in its order); empty without a breakdown. The whole run
    /// is their sum.
    pub groups: Vec<Vec<MonthActivity>>,
}

/// Months with zero activity, one per snapshot.
fn empty(snapshots: &[Day]) -> Vec<MonthActivity> {
    snapshots
        .iter()
        .map(|&month_end| MonthActivity {
            month_end,
            ..Default::default()
        })
        .collect()
}

/// Adds one customer's days into `months`. `tl` holds no day after the
/// last snapshot; days before the first snapshot's month are no period's.
fn add_customer(tl: &Timelines, c: usize, first_month: i32, months: &mut [MonthActivity]) {
    let Some(first) = tl.days(c).find(|e| e.purchase).map(|e| e.day) else {
        return;
    };
    let present_from = month_of(first);
    let mut bought_in: Option<usize> = None;
    for e in tl.days(c) {
        let month = month_of(e.day);
        if month < first_month {
            continue;
        }
        let m = (month - first_month) as usize;
        let Some(row) = months.get_mut(m) else { continue };
        if e.purchase {
            row.purchase_days += 1;
            if bought_in != Some(m) {
                row.buyers += 1;
                bought_in = Some(m);
            }
        }
        if month >= present_from {
            row.sales += i128::from(e.net.0);
        }
    }
}

/// The activity of every snapshot's month (`snapshots` ascending,
/// consecutive months; the last may be an as-of date inside its month).
/// With `groups` (the group of each customer code, and how many groups
/// there are), each group's too; customers without a group (no purchase)
/// add nothing anyway.
pub(crate) fn compute(tl: &Timelines, snapshots: &[Day], groups: Option<(&[u32], usize)>) -> Activity {
    let first_month = month_of(snapshots[0]);
    let n_groups = groups.map_or(0, |(_, n)| n);
    let parts = crate::parallel::map_ranges(tl.customers(), |range| {
        let mut whole = empty(snapshots);
        let mut by_group = vec![empty(snapshots); n_groups];
        for c in range {
            match groups {
                Some((of, _)) => {
                    let Some(months) = by_group.get_mut(of[c] as usize) else {
                        continue;
                    };
                    add_customer(tl, c, first_month, months);
                }
                None => add_customer(tl, c, first_month, &mut whole),
            }
        }
        (whole, by_group)
    });
    let mut months = empty(snapshots);
    let mut by_group = vec![empty(snapshots); n_groups];
    for (whole, groups) in parts {
        for (a, b) in months.iter_mut().zip(&whole) {
            a.add(b);
        }
        for (mine, theirs) in by_group.iter_mut().zip(&groups) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                a.add(b);
            }
        }
    }
    if groups.is_some() {
        months = sum(&by_group, snapshots);
    }
    Activity {
        months,
        groups: by_group,
    }
}

/// The groups' months added up (the whole run of a breakdown).
pub(crate) fn sum(groups: &[Vec<MonthActivity>], snapshots: &[Day]) -> Vec<MonthActivity> {
    let mut months = empty(snapshots);
    for g in groups {
        for (a, b) in months.iter_mut().zip(g) {
            a.add(b);
        }
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_iso_day;
    use crate::money::Money;
    use crate::orders::Orders;

    fn day(s: &str) -> Day {
        parse_iso_day(s).unwrap()
    }

    fn timelines(rows: &[(&str, &str, i64)], cutoff: &str) -> Timelines {
        let mut ids = crate::ids::Interner::default();
        let customer = rows.iter().map(|r| ids.code(r.0)).collect();
        let orders = Orders {
            ids: ids.into_ids(),
            customer,
            day: rows.iter().map(|r| day(r.1)).collect(),
            amount: rows.iter().map(|r| Money(r.2 * crate::money::SCALE)).collect(),
        };
        crate::engine::timelines::build(orders, day(cutoff)).0
    }

    #[test]
    fn purchase_days_buyers_and_sales_by_hand() {
        // January: A buys twice on the 5th (one purchase day) and on the
        // 20th; B returns 1,000 before buying on the 25th (present at the
        // month-end, so the return counts). February: A returns 500 only
        // (no purchase day, sales -500); C returns 300 and buys only in
        // March (not present at the end of February: no sales then).
        let tl = timelines(
            &[
                ("A", "2024-01-05", 3000),
                ("A", "2024-01-05", 2000),
                ("A", "2024-01-20", 4000),
                ("B", "2024-01-10", -1000),
                ("B", "2024-01-25", 6000),
                ("A", "2024-02-10", -500),
                ("C", "2024-02-15", -300),
                ("C", "2024-03-02", 7000),
                ("B", "2024-03-02", 1000),
                ("B", "2024-03-02", -1000),
            ],
            "2024-03-31",
        );
        let snaps = [day("2024-01-31"), day("2024-02-29"), day("2024-03-31")];
        let a = compute(&tl, &snaps, None);
        let m = |t: usize| (a.months[t].purchase_days, a.months[t].buyers, a.months[t].sales);
        let yen = |v: i128| v * i128::from(crate::money::SCALE);
        assert_eq!(m(0), (3, 2, yen(3000 + 2000 + 4000 - 1000 + 6000)));
        assert_eq!(m(1), (0, 0, yen(-500)));
        // B's day nets to zero but is a purchase day.
        assert_eq!(m(2), (2, 2, yen(7000)));
        assert_eq!(a.months[0].average_order_value(), Some(14000.0 / 3.0));
        assert_eq!(a.months[1].average_order_value(), None);
        assert!(a.groups.is_empty());
    }

    #[test]
    fn groups_sum_to_the_whole() {
        let tl = timelines(
            &[
                ("A", "2024-01-05", 3000),
                ("B", "2024-01-10", 2000),
                ("C", "2024-02-01", 1000),
                ("A", "2024-02-03", 500),
            ],
            "2024-02-29",
        );
        let snaps = [day("2024-01-31"), day("2024-02-29")];
        let plain = compute(&tl, &snaps, None);
        // A and C in group 0, B in group 1.
        let grouped = compute(&tl, &snaps, Some((&[0, 1, 0], 2)));
        assert_eq!(grouped.months, plain.months);
        assert_eq!(grouped.groups[0][1].purchase_days, 2);
        assert_eq!(grouped.groups[0][1].buyers, 2);
        assert_eq!(grouped.groups[1][1].purchase_days, 0);
        assert_eq!(grouped.groups[1][0].buyers, 1);
    }
}

//! Reading a tables folder written with `--by` (spec section 9): every
//! table of the portfolio leads with the `group` column, each group's rows
//! together and the groups in byte order. Each group is read as its own
//! ungrouped table, with the same checks; the whole run is their sum.

use std::collections::HashMap;
use std::path::Path;

use super::cells::Table;
use super::read::{
    CONVERSION_HEADER, LADDER_HEADER, SEGMENTS_HEADER, SNAPSHOTS_HEADER, TRANSITIONS_HEADER, check_as_of,
    conversion_of, ladder_of, segments_into, snapshots_of, transitions_of,
};
use super::{CONVERSION, LADDER, SEGMENTS, SNAPSHOTS, TRANSITIONS};
use crate::config::Config;
use crate::config::rules_file::RunInfo;
use crate::dates::format_day;
use crate::engine::breakdown::{Breakdown, sum};
use crate::engine::portfolio::Portfolio;
use crate::error::{Error, Result};
use crate::ids::CustomerIds;
use crate::tables::groups::GROUP_COLUMN;

/// Opens `dir/name` with the `group` column before `header`, and splits it
/// into one table per group, in file order.
pub(super) fn open_groups(dir: &Path, name: &str, header: &[&'static str]) -> Result<Vec<(String, Table)>> {
    let full: Vec<&'static str> = std::iter::once(GROUP_COLUMN).chain(header.iter().copied()).collect();
    let table = Table::open(dir, name, &full)?;
    let mut out: Vec<(String, Table)> = Vec::new();
    for mut r in table.rows {
        let group = r.fields.remove(0);
        match out.last_mut() {
            Some((last, t)) if *last == group => t.rows.push(r),
            last => {
                if let Some((previous, _)) = last
                    && previous.as_bytes() >= group.as_bytes()
                {
                    return Err(Error::input(
                        &table.path,
                        format!(
                            "line {}: group {group:?} after {previous:?}: each group's rows together, \
                             the groups in byte order",
                            r.line
                        ),
                    ));
                }
                out.push((
                    group,
                    Table {
                        path: table.path.clone(),
                        header: header.to_vec(),
                        rows: vec![r],
                    },
                ));
            }
        }
    }
    Ok(out)
}

/// The groups' tables by name; a group without rows gets an empty table.
struct ByGroup {
    path: std::path::PathBuf,
    header: Vec<&'static str>,
    tables: HashMap<String, Table>,
}

impl ByGroup {
    fn open(dir: &Path, name: &str, header: &[&'static str]) -> Result<ByGroup> {
        Ok(ByGroup {
            path: dir.join(name),
            header: header.to_vec(),
            tables: open_groups(dir, name, header)?.into_iter().collect(),
        })
    }

    fn take(&mut self, group: &str) -> Table {
        self.tables.remove(group).unwrap_or_else(|| Table {
            path: self.path.clone(),
            header: self.header.clone(),
            rows: Vec::new(),
        })
    }

    /// Groups left over: not in `snapshots.csv`.
    fn finish(self) -> Result<()> {
        match self.tables.into_iter().min_by_key(|(_, t)| t.rows[0].line) {
            None => Ok(()),
            Some((group, t)) => Err(t.error(&t.rows[0], format!("group {group:?} is not in snapshots.csv"))),
        }
    }
}

/// The whole run (the sum of the groups, with every customer) and the
/// breakdown of a folder written with `--by column`.
pub(super) fn read(dir: &Path, config: &Config, run: &RunInfo, column: &str) -> Result<(Portfolio, Breakdown)> {
    let labels = config.labels();
    let snapshots = open_groups(dir, SNAPSHOTS, &SNAPSHOTS_HEADER)?;
    if snapshots.is_empty() {
        return Err(Error::input(
            dir.join(SNAPSHOTS),
            "no groups (the run had no customers?)",
        ));
    }
    let mut transitions = ByGroup::open(dir, TRANSITIONS, &TRANSITIONS_HEADER)?;
    let mut conversion = ByGroup::open(dir, CONVERSION, &CONVERSION_HEADER)?;
    let mut ladder = ByGroup::open(dir, LADDER, &LADDER_HEADER)?;
    let mut groups = Vec::with_capacity(snapshots.len());
    let mut portfolios: Vec<Portfolio> = Vec::with_capacity(snapshots.len());
    for (group, t) in &snapshots {
        let (snapshot_days, counts, sales, cumulative_sales) = snapshots_of(t, labels)?;
        if let Some(first) = portfolios.first()
            && first.snapshot_days != snapshot_days
        {
            return Err(t.error(
                &t.rows[0],
                format!("group {group:?} has other month-ends than group {:?}", groups[0]),
            ));
        }
        let as_of = check_as_of(dir, &snapshot_days, run)?;
        let moves = transitions_of(&transitions.take(group), labels, &snapshot_days, &counts)?;
        portfolios.push(Portfolio {
            labels: labels.to_vec(),
            transitions: moves,
            conversion: conversion_of(&conversion.take(group), config, as_of)?,
            ladder: ladder_of(&ladder.take(group), labels)?,
            snapshot_days,
            counts,
            sales,
            cumulative_sales,
            customers: Vec::new(),
            ids: CustomerIds::default(),
            as_of,
        });
        groups.push(group.clone());
    }
    transitions.finish()?;
    conversion.finish()?;
    ladder.finish()?;

    let mut ids = CustomerIds::default();
    let mut customers = Vec::new();
    let mut customer_group = Vec::new();
    let mut segments = ByGroup::open(dir, SEGMENTS, &SEGMENTS_HEADER)?;
    for (g, (group, p)) in groups.iter().zip(&portfolios).enumerate() {
        let t = segments.take(group);
        let before = customers.len();
        segments_into(&t, labels, p.as_of, &mut ids, &mut customers)?;
        let n = customers.len() - before;
        customer_group.resize(customers.len(), g as u32);
        let last: u64 = p.counts.last().map_or(0, |row| row.iter().sum());
        if n as u64 != last {
            return Err(Error::input(
                dir.join(SEGMENTS),
                format!(
                    "group {group:?}: {n} customers, but snapshots.csv has {last} at {}",
                    format_day(p.as_of)
                ),
            ));
        }
    }
    segments.finish()?;
    let mut whole = sum(&portfolios).expect("at least one group");
    whole.customers = customers;
    whole.ids = ids;
    Ok((
        whole,
        Breakdown {
            column: column.to_string(),
            groups,
            portfolios,
            customer_group,
        },
    ))
}

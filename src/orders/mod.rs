//! The order rows as ingest hands them to the engine: plain columns, the
//! customers' grouping by id, and a breakdown attribute. Shared vocabulary
//! like `dates`, `money` and `ids`, so that the engine depends on these
//! types and not on the code that reads files (`ingest`), nor ingest on
//! the engine.

pub(crate) mod attribute;
pub(crate) mod grouping;

pub use self::attribute::{Attribute, BLANK};
pub use self::grouping::{Grouping, NO_CODE, NO_PARTITION, Ranked};

use crate::dates::Day;
use crate::ids::{CustomerIds, Interner};
use crate::money::Money;

/// Order rows as parallel columns; `customer[i]` indexes `ids` (codes in
/// order of first appearance).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Orders {
    pub ids: CustomerIds,
    pub customer: Vec<u32>,
    pub day: Vec<Day>,
    pub amount: Vec<Money>,
}

impl Orders {
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Builds orders from `(customer_id, day, amount)` rows (tests, tools).
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, Day, Money)>) -> Orders {
        let mut interner = Interner::default();
        let mut orders = Orders::default();
        for (id, day, amount) in rows {
            orders.customer.push(interner.code(id));
            orders.day.push(day);
            orders.amount.push(amount);
        }
        orders.ids = interner.into_ids();
        orders
    }

    /// Keeps the rows whose flag is `true`.
    pub(crate) fn retain(&mut self, keep: &[bool]) {
        let mut kept = keep.iter();
        self.customer.retain(|_| *kept.next().expect("one flag per row"));
        let mut kept = keep.iter();
        self.day.retain(|_| *kept.next().expect("one flag per row"));
        let mut kept = keep.iter();
        self.amount.retain(|_| *kept.next().expect("one flag per row"));
    }
}

/// Order rows as read: the same columns as [`Orders`], but when every row
/// was read the customers are still in their id-hash partitions, from
/// which the engine groups rows straight into timelines
/// (`engine::grouped`) without a per-row code array.
#[derive(Debug, Clone)]
pub struct Rows {
    pub(crate) customers: Customers,
    pub(crate) day: Vec<Day>,
    pub(crate) amount: Vec<Money>,
}

#[derive(Debug, Clone)]
pub enum Customers {
    /// Every row has an id and is in the grouping.
    Grouped(Grouping),
    /// `customer[i]` indexes `ids`, as in [`Orders`].
    Coded { ids: CustomerIds, customer: Vec<u32> },
}

impl Rows {
    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }

    /// Every row with its customer code (codes in order of first appearance).
    pub(crate) fn into_orders(self) -> Orders {
        let (customer, ids) = match self.customers {
            Customers::Grouped(grouping) => grouping.finish(),
            Customers::Coded { ids, customer } => (customer, ids),
        };
        Orders {
            ids,
            customer,
            day: self.day,
            amount: self.amount,
        }
    }
}

impl From<Orders> for Rows {
    fn from(o: Orders) -> Rows {
        Rows {
            customers: Customers::Coded {
                ids: o.ids,
                customer: o.customer,
            },
            day: o.day,
            amount: o.amount,
        }
    }
}

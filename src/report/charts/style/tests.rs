//! Number formatting, money units and axis labelling.

use super::*;
use crate::text::lang::Lang;

#[test]
fn formats_numbers() {
    assert_eq!(group_thousands(0), "0");
    assert_eq!(group_thousands(999), "999");
    assert_eq!(group_thousands(12_345), "12,345");
    assert_eq!(group_thousands(-1_234_567), "-1,234,567");
    assert_eq!(fmt_pct(0.274), "27.4%");
    assert_eq!(fmt_share(0.0002), "<0.1%");
    assert_eq!(fmt_share(0.0), "0.0%");
    assert_eq!(fmt_change(1234), "▲ +1,234");
    assert_eq!(fmt_change(-56), "▼ −56");
    assert_eq!(fmt_change(0), "± 0");
    assert_eq!(fmt_signed_count(1234), "+1,234");
    assert_eq!(fmt_signed_count(-56), "−56");
    assert_eq!(fmt_signed_count(0), "±0");
    assert_eq!(fmt_axis_number(2.5), "2.5");
    assert_eq!(fmt_axis_number(12_000.0), "12,000");
    assert_eq!(nice_ceiling(0.37), 0.4);
    assert_eq!(nice_ceiling(1234.0), 1500.0);
    assert_eq!(nice_ceiling(100.0), 100.0);
}

#[test]
fn picks_money_units() {
    assert_eq!(money_unit(50_000.0, Lang::Ja).name, "円");
    assert_eq!(money_unit(300_000.0, Lang::Ja).name, "万円");
    assert_eq!(money_unit(30_000_000.0, Lang::Ja).name, "百万円");
    assert_eq!(money_unit(5e10, Lang::Ja).name, "億円");
    assert_eq!(money_unit(30_000_000.0, Lang::En).name, "¥ million");
}

#[test]
fn labels_the_latest_month() {
    let step = label_step(24, 8);
    assert_eq!(step, 3);
    assert!(is_labelled(23, 24, step));
    assert!(is_labelled(20, 24, step));
    assert!(!is_labelled(22, 24, step));
    assert_eq!(last_n(30, 24), 6..30);
    assert_eq!(last_n(5, 24), 0..5);
}

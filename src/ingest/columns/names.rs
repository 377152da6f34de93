//! Finding a configured column among the file's: exactly, or ignoring
//! case and blanks; and the closest name for the hint of a column that is
//! not there (a typo, or a name with a note added such as `小計(税込)`).

/// Finds `wanted` among the frame's columns: exactly, or else the one
/// column that matches ignoring case and surrounding blanks.
pub(crate) fn find_column<'a>(names: &'a [String], wanted: &str) -> Option<&'a str> {
    if let Some(n) = names.iter().find(|n| n.as_str() == wanted) {
        return Some(n);
    }
    let norm = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
            .to_lowercase()
    };
    let target = norm(wanted);
    let mut matches = names.iter().filter(|n| norm(n) == target);
    match (matches.next(), matches.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// The column name closest to `wanted`, for a hint: the shortest name that
/// contains what was typed with a short note added (`小計` → `小計(税込)`), else the nearest by edit
/// distance.
pub(crate) fn closest<'a>(names: &'a [String], wanted: &str) -> Option<&'a str> {
    let wanted_l = wanted.trim().to_lowercase();
    let containing = names
        .iter()
        .filter(|n| {
            // A note added to the name (`(税込)`, `_jpy`), not a whole
            // header read as one column.
            !wanted_l.is_empty()
                && n.to_lowercase().contains(&wanted_l)
                && n.chars().count() <= wanted_l.chars().count() + 8
                && !n.contains([',', ';', '\t'])
        })
        .min_by_key(|n| n.chars().count());
    if let Some(n) = containing {
        return Some(n);
    }
    names
        .iter()
        .map(|n| (edit_distance(&n.to_lowercase(), &wanted_l), n))
        .filter(|(d, n)| *d <= (n.chars().count().max(wanted.chars().count()) / 2).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_columns_and_suggests() {
        let names: Vec<String> = ["Customer_ID ", "order_date", "amount"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(find_column(&names, "customer_id"), Some("Customer_ID "));
        assert_eq!(find_column(&names, "amount"), Some("amount"));
        assert_eq!(find_column(&names, "amt"), None);
        assert_eq!(closest(&names, "order_dat"), Some("order_date"));
        assert_eq!(closest(&names, "zzzzzzzz"), None);
        // A name containing what was typed beats a nearer edit.
        let ja: Vec<String> = ["受注番号", "数量", "単価", "小計(税込)", "小計(税込)合計"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest(&ja, "小計"), Some("小計(税込)"));
    }
}

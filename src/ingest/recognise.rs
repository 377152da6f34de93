//! Columns found, not guessed: when the customer, date or amount column is
//! left at its default name (`customer_id`, `order_date`, `amount`) and the
//! file has no such column, the usual names of Japanese and English exports
//! are recognised (会員ID, 受注日時, 小計(税込), ...), full- or half-width,
//! with or without 税込. The header search uses them too, so that a title
//! line above the header is skipped without any column flag.
//!
//! Names come in tiers of equal likelihood: the first tier with a match
//! decides, and two columns matching the same tier are refused as
//! ambiguous (a line subtotal beside an order total is a choice for the
//! user, not for a guess).

/// The three roles a column can be recognised for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Customer,
    Date,
    Amount,
}

impl Role {
    /// The role of `wanted[index]` in the reader's list of wanted columns
    /// (customer, date, amount, then the scope's).
    pub(crate) fn of_index(index: usize) -> Option<Role> {
        [Role::Customer, Role::Date, Role::Amount].get(index).copied()
    }

    /// The setting naming the column, as in the settings table.
    pub(crate) fn setting(self) -> &'static str {
        match self {
            Role::Customer => "columns.customer",
            Role::Date => "columns.date",
            Role::Amount => "columns.amount",
        }
    }

    fn tiers(self) -> &'static [&'static [&'static str]] {
        match self {
            Role::Customer => CUSTOMER,
            Role::Date => DATE,
            Role::Amount => AMOUNT,
        }
    }

    /// The column's default name (the settings table's).
    fn default_name(self) -> &'static str {
        crate::config::settings::find(self.setting())
            .and_then(|s| s.default)
            .unwrap_or_default()
    }
}

const CUSTOMER: &[&[&str]] = &[
    &[
        "customer_id",
        "会員id",
        "会員番号",
        "顧客id",
        "顧客番号",
        "お客様番号",
        "お客様id",
        "member_id",
        "user_id",
    ],
    // Not `customer`, `member` or `user` alone: a name close to the
    // default is more likely a typo to point at than a column to take.
    &["会員コード", "顧客コード", "customer_code"],
];

const DATE: &[&[&str]] = &[
    &[
        "order_date",
        "受注日",
        "受注日時",
        "注文日",
        "注文日時",
        "購入日",
        "購入日時",
        "ordered_at",
        "order_datetime",
        "purchase_date",
    ],
    // Not `date` alone, as `customer` above.
    &["created_at", "売上日", "日付"],
];

const AMOUNT: &[&[&str]] = &[
    &[
        "amount",
        "金額",
        "小計",
        "合計金額",
        "売上金額",
        "支払金額",
        "支払い金額",
        "subtotal",
        "total_amount",
    ],
    &["合計", "売上", "total", "sales"],
];

/// How a wanted column was found among a file's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pick<'a> {
    /// By the configured name (ignoring case and blanks).
    Named(&'a str),
    /// By a usual name, the configured one being the default and absent.
    Recognised(&'a str),
    /// Several columns are equally likely.
    Ambiguous(Vec<&'a str>),
    Missing,
}

impl<'a> Pick<'a> {
    pub(crate) fn name(&self) -> Option<&'a str> {
        match self {
            Pick::Named(n) | Pick::Recognised(n) => Some(n),
            Pick::Ambiguous(_) | Pick::Missing => None,
        }
    }

    /// Whether the header names the column (ambiguity is decided later).
    pub(crate) fn is_in_header(&self) -> bool {
        !matches!(self, Pick::Missing)
    }
}

/// Finds `wanted` among `names`; for a role left at its default name, the
/// usual names when the default is absent.
pub(crate) fn pick<'a>(names: &'a [String], wanted: &str, role: Option<Role>) -> Pick<'a> {
    if let Some(n) = super::columns::find_column(names, wanted) {
        return Pick::Named(n);
    }
    let Some(role) = role.filter(|r| r.default_name() == wanted) else {
        return Pick::Missing;
    };
    for tier in role.tiers() {
        let mut found: Vec<&str> = names
            .iter()
            .filter(|n| tier.iter().any(|c| normal(n) == normal(c)))
            .map(String::as_str)
            .collect();
        found.dedup();
        match found.len() {
            0 => continue,
            1 => return Pick::Recognised(found[0]),
            _ => return Pick::Ambiguous(found),
        }
    }
    Pick::Missing
}

/// [`pick`] for `wanted[index]` of the reader's wanted columns.
pub(crate) fn pick_wanted<'a>(names: &'a [String], wanted: &[&str], index: usize) -> Pick<'a> {
    pick(names, wanted[index], Role::of_index(index))
}

/// A name as compared: full-width letters, digits and brackets made
/// half-width, lower case, without blanks, `_`, `-`, `・` and the tax note
/// `(税込)`/`税込`.
fn normal(name: &str) -> String {
    let half: String = name
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '・'))
        .collect();
    half.replace("(税込)", "").replace("[税込]", "").replace("税込", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(header: &str) -> Vec<String> {
        header.split(',').map(str::to_string).collect()
    }

    /// Header lines of cart and back-office exports, with the columns
    /// expected for customer, date and amount (`?`: ambiguous).
    const HEADERS: &[(&str, [&str; 3])] = &[
        (
            "受注番号,会員ID,受注日時,商品名,数量,単価,小計(税込),キャンセル,店舗,媒体",
            ["会員ID", "受注日時", "小計(税込)"],
        ),
        ("注文番号,顧客番号,注文日,金額", ["顧客番号", "注文日", "金額"]),
        (
            "お客様番号,購入日,支払金額,支払方法",
            ["お客様番号", "購入日", "支払金額"],
        ),
        (
            "会員番号,注文日時,合計金額（税込）",
            ["会員番号", "注文日時", "合計金額（税込）"],
        ),
        ("顧客ＩＤ,受注日,税込金額", ["顧客ＩＤ", "受注日", "税込金額"]),
        (
            "order_id,customer_id,order_date,amount",
            ["customer_id", "order_date", "amount"],
        ),
        (
            "Order ID,Customer ID,Order Date,Total",
            ["Customer ID", "Order Date", "Total"],
        ),
        (
            "id,user_id,created_at,subtotal,tax",
            ["user_id", "created_at", "subtotal"],
        ),
        ("member_id,purchase_date,sales", ["member_id", "purchase_date", "sales"]),
        ("顧客コード,日付,売上", ["顧客コード", "日付", "売上"]),
        (
            "Customer Code,Created At,Total Amount",
            ["Customer Code", "Created At", "Total Amount"],
        ),
        // A line subtotal beside the order's total: refused.
        ("会員ID,受注日,小計,合計金額", ["会員ID", "受注日", "?"]),
        // Two member columns of the first tier: refused.
        ("会員ID,顧客番号,受注日,金額", ["?", "受注日", "金額"]),
    ];

    #[test]
    fn usual_headers_are_recognised_and_ties_refused() {
        let defaults = ["customer_id", "order_date", "amount"];
        for (header, expected) in HEADERS {
            let n = names(header);
            for (i, want) in expected.iter().enumerate() {
                let got = pick_wanted(&n, &defaults, i);
                match *want {
                    "?" => assert!(matches!(got, Pick::Ambiguous(_)), "{header}: {got:?}"),
                    name => assert_eq!(got.name(), Some(name), "{header} role {i}"),
                }
            }
        }
    }

    #[test]
    fn only_default_names_fall_back() {
        let n = names("会員ID,受注日時,小計(税込)");
        assert_eq!(pick(&n, "顧客", Some(Role::Customer)), Pick::Missing);
        assert_eq!(
            pick(&n, "customer_id", Some(Role::Customer)),
            Pick::Recognised("会員ID")
        );
        assert_eq!(pick(&n, "会員id", Some(Role::Customer)), Pick::Named("会員ID"));
        assert_eq!(pick(&n, "customer_id", None), Pick::Missing);
    }
}

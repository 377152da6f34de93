//! Every setting, defined once: its key and section, the kind of value, the
//! default, the allowed range, the help line and the Japanese label. The command-line flags,
//! the config file's keys, `--set KEY=VALUE` (whatif), `rules.toml`, the
//! report's rules line and the list of what changed are all derived from
//! [`SETTINGS`]; adding a threshold is one row here plus its use in the
//! engine (and the field of [`Config`] that carries it).

use super::Config;
pub use super::value::{Kind, Value, quoted};

/// Where a setting lives in the config file (`[cpm]`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// Top-level keys (no table).
    Top,
    /// How the order file is read (encoding, delimiter, bad rows).
    Read,
    Columns,
    Cpm,
    Lifecycle,
    Targets,
    ResponseRates,
}

impl Section {
    pub(crate) const ALL: [Section; 7] = [
        Section::Top,
        Section::Read,
        Section::Columns,
        Section::Cpm,
        Section::Lifecycle,
        Section::Targets,
        Section::ResponseRates,
    ];

    /// The TOML table's name (`None` for top-level keys).
    pub(crate) fn table(self) -> Option<&'static str> {
        match self {
            Section::Top => None,
            Section::Read => Some("read"),
            Section::Columns => Some("columns"),
            Section::Cpm => Some("cpm"),
            Section::Lifecycle => Some("lifecycle"),
            Section::Targets => Some("targets"),
            Section::ResponseRates => Some("response_rates"),
        }
    }

    /// The heading of its flags in `--help`.
    pub(crate) fn heading(self) -> &'static str {
        match self {
            Section::Top => "Rules",
            Section::Read => "Reading the order file",
            Section::Columns => "Columns",
            Section::Cpm => "CPM rules (Yazuya's CPM, the default scheme)",
            Section::Lifecycle => "Lifecycle rules (the six-state D2C lifecycle, --scheme lifecycle)",
            Section::Targets => "Targets",
            Section::ResponseRates => "DM response rates",
        }
    }
}

/// One setting.
pub struct Setting {
    pub(crate) section: Section,
    pub(crate) key: &'static str,
    pub kind: Kind,
    /// `None`: unset unless given (the 超優良 tier).
    pub(crate) default: Option<&'static str>,
    /// The long flag, when the setting has one.
    pub flag: Option<&'static str>,
    pub(crate) help: &'static str,
    /// The setting's name in the Japanese report (the ルール sheet).
    pub(crate) ja: &'static str,
    /// The value a config carries (`None`: unset).
    pub get: fn(&Config) -> Option<Value>,
}

impl Setting {
    /// `cpm.churn_days`, `columns.customer`, `time_zone`.
    pub fn name(&self) -> String {
        match self.section.table() {
            Some(table) => format!("{table}.{}", self.key),
            None => self.key.to_string(),
        }
    }
}

const DAYS: &str = "days";

/// What a cancel column holds for a cancelled line, in the exports seen.
pub(crate) const DEFAULT_CANCEL_VALUES: &str =
    "1,true,yes,y,済,有,キャンセル,キャンセル済,取消,取消済,cancelled,canceled";

/// The settings, in the order `rules.toml` lists them.
pub static SETTINGS: &[Setting] = &[
    Setting {
        section: Section::Top,
        key: "time_zone",
        kind: Kind::TimeZone,
        default: Some("Asia/Tokyo"),
        flag: Some("time-zone"),
        help: "Time zone that datetimes with an offset are converted to before their date is taken",
        ja: "タイムゾーン",
        get: |c| Some(Value::TimeZone(c.time_zone)),
    },
    Setting {
        section: Section::Top,
        key: "scheme",
        kind: Kind::Scheme,
        default: Some("cpm"),
        flag: Some("scheme"),
        help: "Segment scheme: cpm (the ten segments of Yazuya's CPM) or lifecycle (the six-state D2C lifecycle)",
        ja: "区分方式",
        get: |c| Some(Value::Scheme(c.scheme)),
    },
    Setting {
        section: Section::Read,
        key: "encoding",
        kind: Kind::Encoding,
        default: Some("detect"),
        flag: Some("encoding"),
        help: "Text encoding of a CSV order file: detect (a BOM, else UTF-8, else Shift_JIS), utf-8 or shift_jis (CP932)",
        ja: "文字コード",
        get: |c| Some(Value::Encoding(c.read.encoding)),
    },
    Setting {
        section: Section::Read,
        key: "delimiter",
        kind: Kind::Delimiter,
        default: Some("detect"),
        flag: Some("delimiter"),
        help: "Field delimiter of a CSV order file: detect (from the header line), comma, tab or semicolon",
        ja: "区切り文字",
        get: |c| Some(Value::Delimiter(c.read.delimiter)),
    },
    Setting {
        section: Section::Read,
        key: "lenient",
        kind: Kind::Switch,
        default: Some("false"),
        flag: Some("lenient"),
        help: "Skip bad rows (counted by reason and written to a rejects file) instead of stopping at the first",
        ja: "不正な行を飛ばす",
        get: |c| Some(Value::Switch(c.read.lenient)),
    },
    Setting {
        section: Section::Read,
        key: "strict_month",
        kind: Kind::Switch,
        default: Some("false"),
        // `cpm report --strict-month`: the only command it concerns.
        flag: None,
        help: "cpm report: fail (exit 1, nothing written) when the data stops a few days short of a month-end, \
               as an export cut early does, instead of reporting the month before with a warning",
        ja: "月末前に途切れたデータを拒否する",
        get: |c| Some(Value::Switch(c.strict_month)),
    },
    Setting {
        section: Section::Columns,
        key: "customer",
        kind: Kind::Text,
        default: Some("customer_id"),
        flag: Some("customer-col"),
        help: "Customer-id column name",
        ja: "顧客 ID の列",
        get: |c| Some(Value::Text(c.columns.customer.clone())),
    },
    Setting {
        section: Section::Columns,
        key: "date",
        kind: Kind::Text,
        default: Some("order_date"),
        flag: Some("date-col"),
        help: "Order-date column name",
        ja: "注文日の列",
        get: |c| Some(Value::Text(c.columns.date.clone())),
    },
    Setting {
        section: Section::Columns,
        key: "amount",
        kind: Kind::Text,
        default: Some("amount"),
        flag: Some("amount-col"),
        help: "Amount column name",
        ja: "金額の列",
        get: |c| Some(Value::Text(c.columns.amount.clone())),
    },
    Setting {
        section: Section::Columns,
        key: "amount_formula",
        kind: Kind::Text,
        default: None,
        flag: Some("amount"),
        help: "The amount as a formula of columns instead of the amount column: products and sums, e.g. 数量*単価 or 小計-値引 (exact)",
        ja: "金額の計算式",
        get: |c| c.scope.amount_formula.as_ref().map(|f| Value::Text(f.text.clone())),
    },
    Setting {
        section: Section::Columns,
        key: "cancel",
        kind: Kind::Text,
        default: None,
        flag: Some("cancel-col"),
        help: "Column that flags cancelled lines: rows with one of --cancel-values there are left out, counted as cancelled",
        ja: "キャンセルの列",
        get: |c| c.scope.cancel.clone().map(Value::Text),
    },
    Setting {
        section: Section::Columns,
        key: "cancel_values",
        kind: Kind::List,
        default: Some(DEFAULT_CANCEL_VALUES),
        flag: Some("cancel-values"),
        help: "Values of the cancel column that mark a line cancelled (compared trimmed, letter case ignored)",
        ja: "キャンセルを表す値",
        get: |c| Some(Value::List(c.scope.cancel_values.clone())),
    },
    Setting {
        section: Section::Columns,
        key: "guest_ids",
        kind: Kind::List,
        default: None,
        flag: Some("guest-ids"),
        help: "Customer ids of guest orders (\"\" for an empty id): left out, counted as guest_orders with their sales",
        ja: "ゲスト注文の顧客 ID",
        get: |c| c.scope.guest_ids.clone().map(Value::List),
    },
    Setting {
        section: Section::Columns,
        key: "keep",
        kind: Kind::List,
        default: None,
        flag: Some("keep-cols"),
        help: "Columns to carry into the follow-up lists and all_customers.csv: each customer's value from their \
               latest row where it is not blank (e.g. 氏名,メール,電話)",
        ja: "リストに加える列",
        get: |c| (!c.scope.keep.is_empty()).then(|| Value::List(c.scope.keep.clone())),
    },
    Setting {
        section: Section::Cpm,
        key: "churn_days",
        kind: Kind::Whole {
            min: 1,
            max: 36_500,
            unit: DAYS,
        },
        default: Some("240"),
        flag: Some("churn-days"),
        help: "Days without a purchase after which a customer is 離脱 (lapsed)",
        ja: "離脱までの日数",
        get: |c| Some(Value::Whole(c.rules.churn_days.into())),
    },
    Setting {
        section: Section::Cpm,
        key: "toddler_days",
        kind: Kind::Whole {
            min: 1,
            max: 36_500,
            unit: DAYS,
        },
        default: Some("90"),
        flag: Some("toddler-days"),
        help: "Tenure (days) below which a repeat customer is よちよち (toddler); also the 初回→よちよち window",
        ja: "よちよちの在籍日数",
        get: |c| Some(Value::Whole(c.rules.toddler_days.into())),
    },
    Setting {
        section: Section::Cpm,
        key: "loyal_days",
        kind: Kind::Whole {
            min: 1,
            max: 36_500,
            unit: DAYS,
        },
        default: Some("210"),
        flag: Some("loyal-days"),
        help: "Tenure (days) from which a high spender is 優良 (loyal) rather than 流行 (trendy)",
        ja: "優良の在籍日数",
        get: |c| Some(Value::Whole(c.rules.loyal_days.into())),
    },
    Setting {
        section: Section::Cpm,
        key: "loyal_amount",
        kind: Kind::Amount,
        default: Some("70000"),
        flag: Some("loyal-amount"),
        help: "Cumulative sales from which a customer is 流行/優良",
        ja: "優良・流行の累計購入額",
        get: |c| Some(Value::Amount(c.rules.loyal_amount)),
    },
    Setting {
        section: Section::Cpm,
        key: "super_loyal_amount",
        kind: Kind::AmountOrOff,
        default: None,
        flag: Some("super-loyal-amount"),
        help: "優良 customers at or over this total become 超優良 (super-loyal): twelve segments; off turns it off",
        ja: "超優良の累計購入額",
        get: |c| Some(c.rules.super_loyal.map_or(Value::Off, |s| Value::Amount(s.amount))),
    },
    Setting {
        section: Section::Cpm,
        key: "super_loyal_days",
        kind: Kind::Whole {
            min: 1,
            max: 36_500,
            unit: DAYS,
        },
        default: None,
        flag: Some("super-loyal-days"),
        help: "超優良 also needs at least this tenure in days (at least loyal_days)",
        ja: "超優良の在籍日数",
        get: |c| c.rules.super_loyal.and_then(|s| s.days).map(|d| Value::Whole(d.into())),
    },
    Setting {
        section: Section::Lifecycle,
        key: "active_days",
        kind: Kind::Whole {
            min: 0,
            max: 36_500,
            unit: DAYS,
        },
        default: Some("30"),
        flag: Some("active-days"),
        help: "休眠予備軍 (at risk) when days since the last purchase exceed this",
        ja: "休眠予備軍になる日数",
        get: |c| Some(Value::Whole(c.lifecycle.active_days.into())),
    },
    Setting {
        section: Section::Lifecycle,
        key: "dormant_days",
        kind: Kind::Whole {
            min: 0,
            max: 36_500,
            unit: DAYS,
        },
        default: Some("60"),
        flag: Some("dormant-days"),
        help: "休眠 (dormant) when days since the last purchase exceed this; a longer gap makes a 復活 (winback)",
        ja: "休眠になる日数",
        get: |c| Some(Value::Whole(c.lifecycle.dormant_days.into())),
    },
    Setting {
        section: Section::Lifecycle,
        key: "vip_min_purchase_days",
        kind: Kind::Whole {
            min: 1,
            max: 1_000_000,
            unit: "purchase days",
        },
        default: Some("4"),
        flag: Some("vip-min-purchase-days"),
        help: "VIP by frequency from this many purchase days...",
        ja: "VIP の購入日数",
        get: |c| Some(Value::Whole(c.lifecycle.vip_min_purchase_days.into())),
    },
    Setting {
        section: Section::Lifecycle,
        key: "vip_recency_days",
        kind: Kind::Whole {
            min: 0,
            max: 36_500,
            unit: DAYS,
        },
        default: Some("45"),
        flag: Some("vip-recency-days"),
        help: "...with a purchase within this many days",
        ja: "VIP の最終購入からの日数",
        get: |c| Some(Value::Whole(c.lifecycle.vip_recency_days.into())),
    },
    Setting {
        section: Section::Lifecycle,
        key: "vip_top_share",
        kind: Kind::Share,
        default: Some("0.01"),
        flag: Some("vip-top-share"),
        help: "VIP by total: the top share (0 to 1, 0 = off) of non-dormant customers, ties included",
        ja: "VIP の累計上位の割合",
        get: |c| Some(Value::Share(c.lifecycle.vip_top_share)),
    },
    Setting {
        section: Section::Lifecycle,
        key: "new_max_purchase_days",
        kind: Kind::Whole {
            min: 0,
            max: 1_000_000,
            unit: "purchase days",
        },
        default: Some("2"),
        flag: Some("new-max-purchase-days"),
        help: "新規 (newcomer) up to this many purchase days",
        ja: "新規の購入日数",
        get: |c| Some(Value::Whole(c.lifecycle.new_max_purchase_days.into())),
    },
    Setting {
        section: Section::Targets,
        key: "conversion",
        kind: Kind::Fraction,
        default: Some("0.5"),
        flag: None,
        help: "初回→よちよち conversion target",
        ja: "初回→よちよち転換率の目標",
        get: |c| Some(Value::Fraction(c.conversion_target)),
    },
    Setting {
        section: Section::Targets,
        key: "loyal_share",
        kind: Kind::Fraction,
        default: Some("0.2"),
        flag: None,
        help: "優良現役 share of active customers target",
        ja: "優良現役比率の目標",
        get: |c| Some(Value::Fraction(c.loyal_share_target)),
    },
    response_rate("first", "0.01", "初回の DM 反応率", 0),
    response_rate("toddler", "0.05", "よちよちの DM 反応率", 1),
    response_rate("trendy", "0.1", "流行の DM 反応率", 2),
    response_rate("steady", "0.1", "コツコツの DM 反応率", 3),
    response_rate("loyal", "0.2", "優良の DM 反応率", 4),
];

/// A DM response rate by tier, for planning (the book 『社長が知らない秘密の仕組み』).
const fn response_rate(key: &'static str, default: &'static str, ja: &'static str, tier: usize) -> Setting {
    const GETS: [fn(&Config) -> Option<Value>; 5] = [
        |c| Some(Value::Fraction(c.response_rates.by_tier[0])),
        |c| Some(Value::Fraction(c.response_rates.by_tier[1])),
        |c| Some(Value::Fraction(c.response_rates.by_tier[2])),
        |c| Some(Value::Fraction(c.response_rates.by_tier[3])),
        |c| Some(Value::Fraction(c.response_rates.by_tier[4])),
    ];
    Setting {
        section: Section::ResponseRates,
        key,
        kind: Kind::Fraction,
        default: Some(default),
        flag: None,
        help: "DM response rate of this tier, for planning",
        ja,
        get: GETS[tier],
    }
}

/// The setting named `name`: qualified (`cpm.churn_days`) or bare
/// (`churn_days`) when only one section has that key.
pub(crate) fn find(name: &str) -> Option<&'static Setting> {
    let name = name.trim();
    SETTINGS.iter().find(|s| s.name() == name).or_else(|| {
        let mut bare = SETTINGS.iter().filter(|s| s.key == name);
        match (bare.next(), bare.next()) {
            (Some(s), None) => Some(s),
            _ => None,
        }
    })
}

/// The known name closest to `name`, for "did you mean" (within a few edits).
pub(crate) fn closest(name: &str) -> Option<String> {
    let names = SETTINGS.iter().map(Setting::name);
    names
        .map(|n| {
            let bare = n.rsplit('.').next().unwrap_or(&n).to_string();
            let d = edit_distance(name, &n).min(edit_distance(name, &bare));
            (d, n)
        })
        .filter(|(d, n)| *d <= 3.max(n.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Every setting of `config` with its value as people read it, in table
/// order (what `whatif` compares).
pub fn values(config: &Config) -> Vec<(&'static Setting, Option<Value>)> {
    SETTINGS.iter().map(|s| (s, (s.get)(config))).collect()
}

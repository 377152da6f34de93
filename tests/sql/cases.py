"""Order histories and rule sets the SQL is checked on: hand-made edge cases
(each aimed at one line of the spec) and small random histories."""

import datetime as dt
import random

D = dt.date.fromisoformat


def days(date, n):
    return (D(date) + dt.timedelta(days=n)).isoformat()


# --- rule sets (written as a cpm.toml, read by both `cpm tables` and `cpm sql`)
CONFIGS = {
    "cpm": "",
    "cpm_super": "[cpm]\nsuper_loyal_amount = 100000\nsuper_loyal_days = 300\n",
    "cpm_cents": '[cpm]\nloyal_amount = "100"\n',
    "lifecycle": 'scheme = "lifecycle"\n',
    "lifecycle_014": 'scheme = "lifecycle"\n[lifecycle]\nvip_top_share = "0.14"\n',
    "lifecycle_noshare": 'scheme = "lifecycle"\n[lifecycle]\nvip_top_share = 0\n',
}


def edge_cases():
    """name -> rows (customer_id, order_date, amount text)."""
    s0 = "2024-12-31"
    cases = {}
    cases["returns"] = [
        ("A", "2024-01-05", "-500"), ("A", "2024-02-10", "1000"), ("A", "2024-03-15", "-200"),
        ("B", "2024-01-03", "2000"),
        ("C", "2023-12-20", "-300"), ("C", "2024-02-01", "500"), ("C", "2024-02-01", "-500"),
        ("D", "2024-02-02", "-100"),
        ("E", "2024-03-03", "-70"), ("E", "2024-03-20", "80"),
        ("F", "2024-04-30", "100"),
    ]
    cases["same_day"] = [
        ("F", "2024-01-10", "500"), ("F", "2024-01-10", "700"), ("F", "2024-01-10", "-200"),
        ("G", "2024-01-10", "-50"), ("G", "2024-01-10", "0"),
        ("H", "2024-02-29", "100"), ("H", "2024-02-29", "100"), ("H", "2024-02-29", "100"),
        ("H", "2024-03-01", "99.99"), ("H", "2024-03-01", "0.01"),
        ("007", "2024-02-01", "10"), ("7", "2024-02-01", "20"),
        ("I", "2024-03-31", "1"),
        ("J", "2024-01-15", "1234567890.000001"), ("J", "2024-03-02", "-0.000001"),
    ]
    rows = [("R239", days(s0, -239), "100"), ("R240", days(s0, -240), "100"), ("R0", s0, "5")]
    first = "2023-06-01"
    for tenure in (89, 90, 209, 210):
        for total in (69999, 70000):
            cid = f"T{tenure}_{total}"
            rows += [(cid, first, str(total - 30000)), (cid, days(first, tenure), "30000")]
    rows += [("CENTS", "2023-02-01", "99.99"), ("CENTS", "2023-09-01", "0.01")]
    rows += [("SUPER", "2023-01-10", "60000"), ("SUPER", days("2023-01-10", 299), "40000")]
    rows += [("SUPER2", "2023-01-10", "60000"), ("SUPER2", days("2023-01-10", 300), "40000")]
    cases["boundaries"] = rows
    # lifecycle: recency 30/31, 45/46, 60/61 at s0; winback gap 60/61; four purchase days
    rows = [("Z", s0, "1")]
    for r in (30, 31, 45, 46, 60, 61):
        rows.append((f"L{r}", days(s0, -r), "10"))
        rows += [(f"V{r}", days(s0, -r - k), "10") for k in (0, 3, 6, 9)]
    for gap in (60, 61):
        rows += [(f"W{gap}", days(s0, -10 - gap), "10"), (f"W{gap}", days(s0, -10), "10")]
    cases["lifecycle_days"] = rows
    # ties at the top share: 50 customers present and not dormant, k = 7 at 0.14
    rows = []
    totals = [900, 800, 700, 600, 500, 400, 300, 300, 300] + [100] * 41
    for i, t in enumerate(totals):
        rows.append((f"K{i:02d}", days(s0, -(i % 20)), str(t)))
    rows += [(f"OLD{i}", "2023-01-05", "99999") for i in range(5)]  # dormant: not ranked
    cases["ties"] = rows
    return cases


# instants with offsets, dated in Asia/Tokyo (`cpm sql --timestamps`)
TIMESTAMPS = [
    ("TZ1", "2024-01-31T15:30:00+00:00", "100"), ("TZ1", "2024-02-10T10:00:00+09:00", "30"),
    ("TZ2", "2024-01-31T14:59:59+00:00", "100"), ("TZ2", "2024-01-31T15:00:00+00:00", "5"),
    ("TZ3", "2024-03-01T08:00:00+09:00", "50"),
    ("TZ4", "2024-02-29T23:00:00-05:00", "70"),
    ("TZ5", "2024-04-30T12:00:00+00:00", "1"),
]

AS_OF = {"none": None, "mid": "2024-11-15", "end": "2024-10-31"}


def random_config(rng):
    if rng.random() < 0.5:
        churn = rng.randint(20, 400)
        toddler = rng.randint(1, 120)
        loyal_days = toddler + rng.randint(1, 200)  # the config requires toddler_days < loyal_days
        loyal = rng.choice(["0", "500", "1500.5", "3000", str(rng.randint(0, 6000))])
        text = f"[cpm]\nchurn_days = {churn}\ntoddler_days = {toddler}\nloyal_days = {loyal_days}\nloyal_amount = \"{loyal}\"\n"
        if rng.random() < 0.5:
            text += f"super_loyal_amount = \"{float(loyal) + rng.randint(0, 4000)}\"\n"
            if rng.random() < 0.5:
                text += f"super_loyal_days = {loyal_days + rng.randint(0, 200)}\n"
        return text
    active = rng.randint(0, 60)
    dormant = active + rng.randint(0, 90)
    share = rng.choice(["0", "0.01", "0.14", "0.25", "0.5", "1", f"0.{rng.randint(1, 999999):06d}"])
    return (
        'scheme = "lifecycle"\n[lifecycle]\n'
        f"active_days = {active}\ndormant_days = {dormant}\nvip_min_purchase_days = {rng.randint(1, 5)}\n"
        f"vip_recency_days = {rng.randint(0, 90)}\nvip_top_share = \"{share}\"\n"
        f"new_max_purchase_days = {rng.randint(0, 4)}\n"
    )


def random_history(rng):
    base = D("2023-01-01")
    rows = []
    ids = ["007", "7", "A", "B", "C", "D", "E", "F", "G", "H"] + [f"c{i}" for i in range(20)]
    for cid in rng.sample(ids, rng.randint(1, 25)):
        start = rng.randint(0, 600)
        for _ in range(rng.randint(1, 8)):
            day = base + dt.timedelta(days=start + int(rng.expovariate(1 / 90)))
            if rng.random() < 0.2:
                amount = str(-rng.randint(1, 1000))
            elif rng.random() < 0.2:
                amount = f"{rng.randint(0, 3000)}.{rng.randint(0, 99):02d}"
            else:
                amount = str(rng.randint(0, 3000))
            rows.append((cid, day.isoformat(), amount))
            if rng.random() < 0.15:
                rows.append((cid, day.isoformat(), str(rng.randint(-200, 500))))
    rng.shuffle(rows)
    latest = max(D(r[1]) for r in rows)
    as_of = None
    if rng.random() < 0.3:
        as_of = (latest - dt.timedelta(days=rng.randint(0, 300))).isoformat()
    return rows, as_of


# --- breakdowns and filters (spec sections 9 and 10): rows with a fourth and
# fifth column (channel, product), written with a header naming them
def group_rows():
    """Each customer aimed at one clause of the group rule."""
    s = "2024-01-10"
    rows = [
        ("TIE", s, "500", "B", "x"), ("TIE", s, "500", "A", "x"),            # equal amounts: byte order
        ("BLANK", s, "300", "X", "x"), ("BLANK", s, "800", "", "x"),         # blanks ignored
        ("NONE", s, "300", "", "x"), ("NONE", s, "100", "\u3000", "y"),      # every value blank
        ("RET", "2023-12-01", "-50", "Z", "x"), ("RET", s, "-900", "R", "x"), ("RET", s, "100", "Q", "x"),
        ("PAD", s, "10", "\u3000青汁\u3000", "y"), ("PAD", "2024-03-01", "10", "other", "y"),
        ("CASE", s, "100", "b", "x"), ("CASE", s, "100", "B", "x"),          # 'B' < 'b'
        ("UTF", s, "100", "é", "y"), ("UTF", s, "100", "z", "y"),            # 'z' < 'é' in bytes
        ("ONLYRET", s, "-10", "A", "x"),                                     # never present: no group
        ("EXACT", s, "99.99", "small", "x"), ("EXACT", s, "99.989999", "smaller", "x"), ("EXACT", s, "0.01", "big", "x"),
        ("LATE", "2024-05-20", "70", "late", "y"), ("LATE", "2024-06-30", "70", "later", "y"),
        ("A1", "2024-02-01", "1000", "A", "y"), ("A1", "2024-04-01", "1000", "B", "x"),
        ("B1", "2024-02-15", "2000", "B", "y"), ("B1", "2024-02-15", "-2000", "A", "y"),
        ("C1", "2024-03-31", "5", "C ", "青汁 単品"), ("C1", "2024-04-30", "5", "C", "x"),
    ]
    return rows


GROUP_ARGS = [  # (label, args)
    ("by channel", ["--by", "channel"]),
    ("by product", ["--by", "product"]),
    ("where channel", ["--where", "channel=A,B"]),
    ("where-not blank", ["--where-not", 'channel=""']),
    ("where product by channel", ["--where", "product=x", "--by", "channel"]),
    ("where-not product by channel", ["--where-not", "product=青汁 単品", "--by", "channel"]),
    ("where none", ["--where", "channel=nobody"]),
]

SAMPLE_ARGS = [
    ("by channel", ["--by", "channel"]),
    ("by product", ["--by", "product"]),
    ("where product", ["--where", 'product="香醋, 720ml",青汁 単品']),
    ("where-not shop by product", ["--where-not", "shop=楽天市場", "--by", "product"]),
]


def random_attributed(rng):
    """A random history with a channel column (blanks, padding, ties) and
    random --by/--where arguments."""
    rows, as_of = random_history(rng)
    values = ["A", "B", "", "\u3000", "青汁", " C", "c", "B "]
    out = [(c, d, a, rng.choice(values), rng.choice(["x", "y"])) for c, d, a in rows]
    # ties: same customer, day and amount, other values
    for c, d, a, _, p in list(out[: len(out) // 4]):
        out.append((c, d, a, rng.choice(values), p))
    rng.shuffle(out)
    args = rng.choice([
        ["--by", "channel"], ["--by", "channel"], ["--by", "product"],
        ["--where", "product=x"], ["--where", "product=x", "--by", "channel"],
        ["--where-not", "channel=A,\"\"", "--by", "channel"],
    ])
    return out, as_of, args


# --- cells cpm parses or rejects (the orders table holds text: `cpm sql`
# reads them as cpm does; compared with `cpm tables --lenient`)
def bad_cells():
    good_dates = [
        "2024-03-05", "2024/03/05", "2024/3/5", "20240305", "2024年3月5日", "２０２４／３／５", " 2024-03-05 ",
        "2024.3.5", "2024-03-05 23:59", "2024-03-05T10:00:00", "2024-03-04T15:30:00Z", "2024-03-04T15:30:00+00:00",
        "2024-03-05T08:59:59+0900", "2024-03-04T14:59:59.123Z", "2024-03-04 20:00:00 utc", "2024-03-05T01:00-05",
        "2024-03-04T23:00:00-05:00", "2024-3-5", "2024年3月5日 10:00", "2024-03-05\u3000",
        # the plain forms read quickly, at their limits
        "2024-02-29", "1900-01-01", "2199-12-31", "2024-03-05 23:59:59", "2024-03-05T00:00:00",
        "2024-03-05 10:00:00.123456789", "2024-03-05\n", "2024-03-05 10:00:00\r\n", "2024-03-05\u2028",
    ]
    bad_dates = [
        "2024-02-30", "05/03/2024", "", "2024-03-05x", "202403051", "2024-03-0x", "2024-02-30 10:00",
        "2024-02-30 25:00", "0024-03-05", "9999-12-31", "2024-13-01", "2024-3/5", "2024-03-05T24:00",
        "2024-03-05T10:00+24:00", "2024-03-05T10:60", "2023-02-29", "1899-12-31", "2024-03-05T10:00:00.1234567890",
        "2200-01-01", "2024-03-05 24:00:00", "2024-03-05 10:60:00", "2024-03-05 10:00:60", "2023-02-29 10:00:00",
        "2024-04-31", "2024-00-10", "2024-03-00", "1899-12-31 10:00:00", "2024-03-05 10:00:00.",
    ]
    good_amounts = [
        "1234", "-500", "1,234.50", "¥1,234", "￥１，２３４", "-¥1,234", "¥-1,234", "▲1,234", "(1,234)", "1234円",
        "$12.34", "\\1,234", "1.", ".5", "+.5", "--5", "- 5", "0001", "(-5)", "△ 7",
        " 12 ", "1,234,567", "-0.000001", "¥ 5 ¥",
        # the plain forms read quickly, at their limits
        "999999999999.999999", "-999999999999.999999", "9999999999999", "-0", "000000000001",
        "1480\n", "1480\r\n", "1480\u2028", "1480\u0085", "12.5\n", "9999999999999.5",
    ]
    bad_amounts = [
        "0.0000001", "12,34", "abc", " ", "99999999999999999999", "1.1234567", "9223372036854.775808", "1,2345",
        "¥.5", "", "1.2.3", "92233720368547758.07", "(5", "1e5", "¥1.", "+", "-",
        "1.500000001", "-.", "- ", "1 2",
    ]
    rows = []
    for i, t in enumerate(good_dates + bad_dates):
        rows.append((f"D{i}", t, "100"))
    for i, a in enumerate(good_amounts + bad_amounts):
        rows.append((f"M{i}", "2024-03-10", a))
    rows += [("", "2024-03-10", "1"), ("  ", "2024-03-10", "1"), (" P ", "2024-03-11", "2"), ("P", "2024-03-12", "3"),
             ("\ufeffQ", "2024-03-12", "4"), ("", "bad", "bad"),
             # blanks at one end only (a visible ASCII character at both ends is taken as it is)
             ("R ", "2024-03-12", "5"), ("R", "2024-03-13", "6"), ("S\u3000", "2024-03-13", "7"), ("\tT", "2024-03-14", "8"),
             ("U\ufeff", "2024-03-14", "9"), ("U", "2024-03-15", "10")]
    return rows


# --- a cart export (README "A Japanese cart export"): a cancel flag in
# various spellings, guest ids (the empty id too), the amount from 数量, 単価
# and 値引 (`--amount`), bad operand cells; read as text with --lenient
CART_HEADER = ["会員ID", "受注日", "数量", "単価", "値引", "キャンセル", "店舗", "小計"]
CART_CONFIGS = {
    # the default cancel values (1, true, キャンセル, cancelled, ...), formula with a product and a subtraction
    "cart": '[columns]\ncustomer = "会員ID"\ndate = "受注日"\namount_formula = "数量*単価-値引"\n'
            'cancel = "キャンセル"\nguest_ids = ["", "0", "guest"]\n',
    # own cancel values (letter case ignored, a value with a blank), the amount column; a three-factor term
    "cart_values": '[columns]\ncustomer = "会員ID"\ndate = "受注日"\namount = "小計"\n'
                   'cancel = "キャンセル"\ncancel_values = ["済", "CANCELLED", " 取消 "]\nguest_ids = [""]\n',
    "cart_three": '[columns]\ncustomer = "会員ID"\ndate = "受注日"\namount_formula = "数量 * 単価 * 値引 + 小計 - 単価"\n'
                  'guest_ids = ["0"]\n',
    "cart_lifecycle": 'scheme = "lifecycle"\n[columns]\ncustomer = "会員ID"\ndate = "受注日"\n'
                      'amount_formula = "数量*単価-値引"\ncancel = "キャンセル"\ncancel_values = [1, "true"]\n'
                      'guest_ids = ["", "0"]\n',
}


def cart_rows():
    """Rows of CART_HEADER; the comments say what each is under the "cart" config."""
    return [
        ("M1", "2024-01-05", "2", "1500", "100", "0", "公式", "2900"),          # used: 2900
        ("M1", "2024-02-10", "1", "1,500", "0", "", "公式", "1500"),            # used: 1500 (thousands separator)
        ("M2", "2024-01-20", "3", "1000", "0", "1", "楽天", "3000"),            # cancelled: 3000
        ("M2", "2024-03-02", "1", "2000", "0", " TRUE ", "楽天", "2000"),       # cancelled (trimmed, case): 2000
        ("M2", "2024-03-03", "1", "2000", "0", "Cancelled", "楽天", "2000"),    # cancelled: 2000
        ("M2", "2024-03-04", "1", "10", "0", "ＴＲＵＥ", "楽天", "10"),          # full-width: not a cancel value, used: 10
        ("M2", "2024-03-05", "1", "20", "0", "false", "楽天", "20"),            # used: 20
        ("", "2024-01-07", "1", "500", "0", "0", "公式", "500"),               # guest (empty id): 500
        ("\u3000", "2024-01-08", "1", "600", "0", "", "公式", "600"),          # guest (blank id): 600
        ("0", "2024-02-07", "2", "700", "0", "", "公式", "1400"),              # guest: 1400
        ("0", "2024-02-08", "2", "700", "0", "キャンセル", "公式", "1400"),     # cancelled and guest: cancelled, 1400
        (" guest ", "2024-02-09", "1", "300", "0", "", "公式", "300"),         # guest (trimmed): 300
        ("GUEST", "2024-02-09", "1", "40", "0", "", "公式", "40"),             # a customer (ids keep their case): 40
        ("0", "bad date", "1", "900", "0", "", "公式", "900"),                 # guest, its date not checked: 900
        ("M3", "2024-02-11", "x", "700", "0", "", "公式", "x"),                # rejected: 数量 not an amount
        ("M3", "2024-02-12", "1", "", "0", "", "公式", ""),                    # rejected: 単価 empty
        ("M3", "2024-02-13", "1", "700", "1.2.3", "", "公式", "1.2.3"),        # rejected: 値引 not an amount
        ("M3", "2024-02-14", "x", "700", "100", "1", "公式", "x"),             # cancelled, 数量 bad = 0: -100
        ("M3", "2024-03-11", "1.5", "0.5", "0", "", "公式", "0.75"),           # used: 0.75
        ("M3", "2024-03-12", "0.001", "0.001", "0", "", "公式", "0.000001"),  # used: 0.000001
        ("M4", "2024-03-15", "-1", "1500", "0", "", "楽天", "-1500"),          # used, a return: -1500
        ("M4", "2024-01-15", "2", "¥1,000", "▲100", "", "楽天", "2100"),       # used: 2000 - (-100) = 2100
        ("\ufeff", "2024-02-20", "1", "100", "0", "", "公式", "100"),          # rejected: empty id (a BOM is no guest id)
        ("M5", "2024-02-21", "1", "100", "0", "yes", "公式", "100"),           # cancelled (default values): 100
        ("M5", "2024-02-22", "1", "100", "0", "済", "公式", "100"),            # cancelled: 100
        ("M5", "2024-04-02", "1", "100", "0", "", "公式", "100"),              # after the as-of date
    ]


# data_quality of cart_rows() under CART_CONFIGS["cart"] with --lenient and
# --as-of 2024-03-31, worked out by hand from the comments above
CART_QUALITY = {
    "rows_read": "26",
    "rows_used": "9",  # M1 x2, M2's ＴＲＵＥ and false, GUEST, M3's 0.75 and 0.000001, M4 x2
    "rows_rejected": "4",
    "rows_rejected_bad_amount": "2",
    "rows_rejected_empty": "2",
    "rows_after_as_of": "1",  # M5 in April
    "excluded_by_filter": "0",
    "cancelled": "7",  # 3000 + 2000 + 2000 + 1400 - 100 + 100 + 100
    "cancelled_total": "8500",
    "guest_orders": "5",  # 500 + 600 + 1400 + 300 + 900
    "guest_orders_total": "3700",
    "return_rows": "1",
    "returns_total": "-1500",
    "purchases_total": "6570.750001",  # 2900 + 1500 + 10 + 20 + 40 + 0.75 + 0.000001 + 2100
    "customers": "5",  # M1, M2, GUEST, M3, M4
}


# rows whose formula cpm cannot compute exactly (cpm stops on the first):
# the SQL rejects each, whatever else holds for it (here a guest's)
INEXACT_CONFIG = '[columns]\ncustomer = "会員ID"\ndate = "受注日"\namount_formula = "数量*単価+値引"\nguest_ids = ["0"]\n'


def inexact_rows():
    return [
        ("E1", "2024-01-05", "0.0001", "0.0001", "0", "", "公式", ""),           # 1e-8: more than 6 decimals
        ("E2", "2024-01-06", "9999999", "9999999", "0", "", "公式", ""),         # 99999980000001 > 9223372036854.775807
        ("E3", "2024-01-07", "3000000", "3000000", "9000000000000", "", "公式", ""),  # 9e12 + 9e12: the sum
        ("0", "2024-01-08", "0.001", "0.0001", "0", "", "公式", ""),             # a guest's, still rejected
        ("E4", "2024-01-09", "0.5", "0.5", "1", "", "公式", ""),                 # 1.25: used
    ]


INEXACT_QUALITY = {
    "rows_read": "5", "rows_used": "1", "rows_rejected": "4", "rows_rejected_bad_amount": "4",
    "guest_orders": "0", "guest_orders_total": "0", "purchases_total": "1.25",
}
INEXACT_REJECTS = [  # (column, value, reason, problem)
    ("数量*単価+値引", "数量=0.0001, 単価=0.0001, 値引=0", "bad_amount", "more than 6 decimals"),
    ("数量*単価+値引", "数量=9999999, 単価=9999999, 値引=0", "bad_amount", "amount too large"),
    ("数量*単価+値引", "数量=3000000, 単価=3000000, 値引=9000000000000", "bad_amount", "amount too large"),
    ("数量*単価+値引", "数量=0.001, 単価=0.0001, 値引=0", "bad_amount", "more than 6 decimals"),
]

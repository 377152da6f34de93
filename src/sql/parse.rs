//! The date and amount cells read as cpm reads them (`ingest::text`), in
//! SQL: the column's text is trimmed, full-width forms mapped to ASCII,
//! and matched against the forms cpm accepts; a cell that does not parse
//! gets the problem cpm names (`not a date`, `more than 6 decimals`, ...),
//! so the row is rejected and counted, never dropped or rounded.
//!
//! Each function gives the columns one CTE layer adds (`name`, SQL), over
//! the columns of the layer before: `t_text`/`a_text` (the cell as text),
//! then their pieces, then values and problems. Patterns use only `[0-9]`,
//! bracket expressions and capturing groups, which the four dialects read
//! alike (no backslash classes, no `(?:`).
//!
//! Most cells are plain: `2024-03-05` (what a DATE column gives as text),
//! `2024-03-05 10:00:00`, `1480` or `1234.500000`. Those are read first by
//! one pattern test and a cast (`quick`), and every column of the later
//! layers is computed only for the other cells (`slow`): the cascade of
//! patterns, a dozen extractions a cell, runs only for the other forms. A
//! quick value is taken only when the cast succeeds; any other cell (a
//! date that is not in the calendar, a year out of range) goes the long
//! way, which names its problem. Either way gives the same value.

use super::Ctx;

/// Characters Rust's `char::is_whitespace` knows (Unicode White_Space).
const WHITESPACE: [u32; 25] = [
    0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
    0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
];

/// A string of the characters `codes`.
fn chars(ctx: &Ctx, codes: impl IntoIterator<Item = u32>) -> String {
    codes.into_iter().map(|c| ctx.d.chr(c)).collect::<Vec<_>>().join(" || ")
}

/// `text` trimmed of Unicode whitespace (`str::trim`, as cpm trims the
/// `--by` and `--where` cells) or, with `bom`, also of U+FEFF (as cpm
/// trims ids, dates and amounts).
///
/// Most cells begin and end with a visible ASCII character, which no trim
/// removes: those are taken as they are (a trim of two dozen characters
/// costs DuckDB several times the rest of the row).
pub(crate) fn trimmed(ctx: &Ctx, text: &str, bom: bool) -> String {
    format!(
        "CASE WHEN SUBSTR({text}, 1, 1) BETWEEN '!' AND '~' AND RIGHT({text}, 1) BETWEEN '!' AND '~' THEN {text} \
         ELSE {} END",
        trim_all(ctx, text, bom)
    )
}

/// [`trimmed`] without the shortcut (for cells already known not to be
/// plain).
fn trim_all(ctx: &Ctx, text: &str, bom: bool) -> String {
    let extra = if bom { vec![0xFEFF] } else { vec![] };
    ctx.d.trim(text, &chars(ctx, WHITESPACE.into_iter().chain(extra)))
}

/// Each column computed only for cells not read quickly (NULL for the
/// others): a date column (`t...`) when `t_quick` is NULL, an amount
/// column when `a_quick` is.
fn slow(columns: Vec<(String, String)>) -> Vec<(String, String)> {
    columns
        .into_iter()
        .map(|(name, expr)| {
            let quick = if name.starts_with('t') { "t_quick" } else { "a_quick" };
            let gated = format!("CASE WHEN {quick} IS NULL THEN {expr} END");
            (name, gated)
        })
        .collect()
}

/// Full-width digits and punctuation to ASCII, as cpm maps them, then
/// `extra` (pairs of characters).
fn to_ascii(ctx: &Ctx, text: &str, extra: &[(char, char)]) -> String {
    let mut from: Vec<char> = "０１２３４５６７８９／－−‐ー：．，＋ＴＺ".chars().collect();
    let mut to: Vec<char> = "0123456789/----:.,+TZ".chars().collect();
    for &(f, t) in extra {
        from.push(f);
        to.push(t);
    }
    let lit = |cs: &[char]| ctx.d.literal(&cs.iter().collect::<String>());
    // The ideographic space, written as a code point (it is invisible).
    format!(
        "TRANSLATE({text}, {} || {}, {} || ' ')",
        lit(&from),
        ctx.d.chr(0x3000),
        lit(&to)
    )
}

/// A date: `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D` or `YYYYMMDD`, then the
/// rest (at most nine groups: DuckDB's limit).
const DATE: &str = "^([0-9]{4})(([0-9]{2})([0-9]{2})|([-/.])([0-9]{1,2})([-/.])([0-9]{1,2}))(.*)$";
/// Groups of [`DATE`]: year, compact month and day, separators, month and
/// day, the rest.
const DATE_GROUPS: [(&str, usize); 8] = [
    ("y", 1),
    ("mc", 3),
    ("dc", 4),
    ("s1", 5),
    ("m", 6),
    ("s2", 7),
    ("dd", 8),
    ("t", 9),
];
/// The rest of a date: a time `HH:MM[:SS[.f]]` and an optional offset
/// (`Z`, `UTC`, `±HH[[:]MM]`).
const TIME: &str =
    "^[Tt ] *([0-9]{1,2}):([0-9]{2})(:([0-9]{2})([.,][0-9]{1,9})?)? *([Zz]|[Uu][Tt][Cc]|[-+][0-9]{2}:?([0-9]{2})?)?$";
/// Groups of [`TIME`]: hour, minute, second, offset, its minutes.
const TIME_GROUPS: [(&str, usize); 5] = [("hh", 1), ("mi", 2), ("ss", 4), ("off", 6), ("om", 7)];

/// An amount after the sign and currency marks: digits with thousands
/// separators, decimals, a trailing yen sign.
const AMOUNT: &str = "^([-+]?) *([¥$\\\\]?) *([-+]?) *([¥$\\\\]?) *([0-9,]*)([.]([0-9]*))?( *¥)?$";
/// What `Money::parse_plain` reads.
const PLAIN: &str = "^([-+]?)([0-9]*)([.]([0-9]*))?$";

fn group(ctx: &Ctx, text: &str, pattern: &str, k: usize) -> String {
    format!("COALESCE({}, '')", ctx.d.regex_group(text, pattern, k))
}

fn int(ctx: &Ctx, text: &str) -> String {
    ctx.d.try_cast(&format!("NULLIF({text}, '')"), ctx.d.int_type())
}

/// A plain date, optionally with a time of day and no offset: the date is
/// its first ten characters, as cpm reads it. (Java's `$` also matches
/// before a final line break, which cpm trims: the first ten characters
/// are still the date.)
const QUICK_DATE: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?)?$";
/// A plain amount of at most twelve integer digits (never too large) and
/// six decimals, or nine whose last three are zeros (a DECIMAL(38,9), read
/// as the long way reads it). Before a final line break (Java's `$`) the
/// cast either trims it, as cpm does, or fails and the long way reads it.
const QUICK_AMOUNT: &str = "^-?[0-9]{1,12}([.][0-9]{1,6}(0{0,3}))?$";

/// Layer 0: `t_quick` and `a_quick`, the value of a plain cell (NULL for
/// any other: it is read the long way).
pub(crate) fn quick(ctx: &Ctx) -> Vec<(String, String)> {
    let d = ctx.d;
    let years = format!(
        "SUBSTR(t_text, 1, 4) BETWEEN '{}' AND '{}'",
        crate::ingest::text::YEARS.start(),
        crate::ingest::text::YEARS.end()
    );
    let clock = "(LENGTH(t_text) = 10 OR (SUBSTR(t_text, 12, 2) <= '23' AND SUBSTR(t_text, 15, 2) <= '59' \
                 AND SUBSTR(t_text, 18, 2) <= '59'))";
    vec![
        (
            "t_quick".into(),
            format!(
                "CASE WHEN {} AND {years} AND {clock} THEN {} END",
                d.regex_matches("t_text", QUICK_DATE),
                d.try_cast("SUBSTR(t_text, 1, 10)", "DATE"),
            ),
        ),
        (
            "a_quick".into(),
            format!(
                "CASE WHEN {} THEN {} END",
                d.regex_matches("a_text", QUICK_AMOUNT),
                d.narrow_money("a_text")
            ),
        ),
    ]
}

/// Layer 1: the cells trimmed and in ASCII form (`t1`, `a1`).
pub(crate) fn normalise(ctx: &Ctx) -> Vec<(String, String)> {
    let t0 = trim_all(ctx, "t_text", true);
    let a0 = trim_all(ctx, "a_text", true);
    slow(vec![
        ("t0".into(), t0.clone()),
        (
            "t1".into(),
            trim_all(
                ctx,
                &to_ascii(ctx, &t0, &[('年', '/'), ('月', '/'), ('日', ' ')]),
                false,
            ),
        ),
        ("a0".into(), a0.clone()),
        (
            "a1".into(),
            trim_all(
                ctx,
                &to_ascii(
                    ctx,
                    &a0,
                    &[('¥', '¥'), ('￥', '¥'), ('円', '¥'), ('▲', '-'), ('△', '-')],
                ),
                true,
            ),
        ),
    ])
}

/// Layer 2: the pieces of the date and of the amount.
pub(crate) fn pieces(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = DATE_GROUPS
        .iter()
        .map(|(name, k)| (format!("t_{name}"), group(ctx, "t1", DATE, *k)))
        .collect();
    out.push(("t_shape".into(), ctx.d.regex_matches("t1", DATE)));
    // The amount as Money::parse_plain reads it.
    for (name, k) in [("p_sign", 1), ("p_int", 2), ("p_dot", 3), ("p_frac", 4)] {
        out.push((name.into(), group(ctx, "a0", PLAIN, k)));
    }
    out.push(("p_shape".into(), ctx.d.regex_matches("a0", PLAIN)));
    // Accounting parentheses, then the rest.
    let paren = "^[(](.*)[)]$";
    out.push(("a_paren".into(), ctx.d.regex_matches("a1", paren)));
    out.push((
        "a2".into(),
        format!(
            "CASE WHEN {} THEN {} ELSE a1 END",
            ctx.d.regex_matches("a1", paren),
            trim_all(ctx, &group(ctx, "a1", paren, 1), false)
        ),
    ));
    slow(out)
}

/// Layer 3 (dates): the time and offset from the rest of the date.
pub(crate) fn time_pieces(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = TIME_GROUPS
        .iter()
        .map(|(name, k)| (format!("t_{name}"), group(ctx, "t_t", TIME, *k)))
        .collect();
    out.push(("t_time".into(), ctx.d.regex_matches("t_t", TIME)));
    slow(out)
}

/// Layer 3: the amount's pieces from `a2`.
pub(crate) fn amount_pieces(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [("b_s1", 1), ("b_s2", 3), ("b_int", 5), ("b_dot", 6), ("b_frac", 7)]
        .iter()
        .map(|(name, k)| (name.to_string(), group(ctx, "a2", AMOUNT, *k)))
        .collect();
    out.push(("b_shape".into(), ctx.d.regex_matches("a2", AMOUNT)));
    slow(out)
}

/// Days in month `m` of year `y` (SQL integers), by the Gregorian rule.
fn month_days(y: &str, m: &str) -> String {
    format!(
        "CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN CASE WHEN MOD({y}, 4) = 0 AND \
         (MOD({y}, 100) <> 0 OR MOD({y}, 400) = 0) THEN 29 ELSE 28 END ELSE 31 END"
    )
}

/// Layer 4 (dates): `t_year`, `t_month`, `t_day`, the offset's sign and
/// hours, and whether the shape holds (separators alike, a real time and
/// offset).
pub(crate) fn date_numbers(ctx: &Ctx) -> Vec<(String, String)> {
    let signed = "SUBSTR(t_off, 1, 1) IN ('+', '-')";
    slow(vec![
        (
            "t_sg".into(),
            format!("CASE WHEN {signed} THEN SUBSTR(t_off, 1, 1) ELSE '' END"),
        ),
        (
            "t_oh".into(),
            format!("CASE WHEN {signed} THEN SUBSTR(t_off, 2, 2) ELSE '' END"),
        ),
        ("t_year".into(), int(ctx, "t_y")),
        (
            "t_month".into(),
            int(ctx, "CASE WHEN t_mc <> '' THEN t_mc ELSE t_m END"),
        ),
        ("t_day".into(), int(ctx, "CASE WHEN t_dc <> '' THEN t_dc ELSE t_dd END")),
        (
            "t_ok".into(),
            format!(
                "(t_shape AND (t_mc <> '' OR t_s1 = t_s2) AND (t_t = '' OR (t_time AND {hh} <= 23 AND {mi} <= 59 \
                 AND (t_ss = '' OR {ss} <= 59) AND (NOT {signed} OR ({oh} <= 23 AND (t_om = '' OR {om} <= 59))))))",
                hh = int(ctx, "t_hh"),
                mi = int(ctx, "t_mi"),
                ss = int(ctx, "t_ss"),
                oh = int(ctx, "SUBSTR(t_off, 2, 2)"),
                om = int(ctx, "t_om"),
            ),
        ),
    ])
}

/// Two digits of a number given as text of one or two digits.
fn two(text: &str) -> String {
    format!("SUBSTR(CONCAT('0', {text}), LENGTH({text}), 2)")
}

/// The date problem (NULL when the cell is a date), cpm's order: empty,
/// the shape, the calendar, the years.
pub(crate) fn date_problem() -> String {
    format!(
        "CASE WHEN t_quick IS NOT NULL THEN NULL WHEN t_text IS NULL OR t0 = '' THEN 'empty value' \
         WHEN NOT t_ok THEN 'not a date' \
         WHEN t_month < 1 OR t_month > 12 OR t_day < 1 OR t_day > {days} THEN 'no such calendar day' \
         WHEN t_year < {lo} OR t_year > {hi} THEN 'year out of range' END",
        days = month_days("t_year", "t_month"),
        lo = crate::ingest::text::YEARS.start(),
        hi = crate::ingest::text::YEARS.end(),
    )
}

/// The order date of a cell without a problem, as a DATE in the configured
/// time zone: as written without an offset, else the instant's date there.
pub(crate) fn date_value(ctx: &Ctx) -> String {
    let d = ctx.d;
    let s = d.string_type();
    let ymd = format!(
        "CONCAT(t_y, '-', {}, '-', {})",
        two(&format!("CAST(t_month AS {s})")),
        two(&format!("CAST(t_day AS {s})"))
    );
    let offset = "CASE WHEN t_sg = '' THEN '+00:00' ELSE CONCAT(t_sg, t_oh, ':', \
                  CASE WHEN t_om = '' THEN '00' ELSE t_om END) END";
    let instant = format!(
        "CONCAT({ymd}, ' ', {hh}, ':', t_mi, ':', CASE WHEN t_ss = '' THEN '00' ELSE t_ss END, {offset})",
        hh = two("t_hh"),
    );
    format!(
        "CASE WHEN t_quick IS NOT NULL THEN t_quick WHEN t_off = '' THEN {date} ELSE {local} END",
        date = d.try_cast(&ymd, "DATE"),
        local = d.local_date(
            &d.try_cast(&instant, d.instant_type()),
            ctx.config.time_zone.name(),
            true
        ),
    )
}

/// Whether a fraction has more than six decimals, zeros after the sixth
/// aside (a warehouse writes its DECIMAL(38,9) 1.5 as `1.500000000`).
fn too_many_decimals(ctx: &Ctx, frac: &str) -> String {
    format!("NOT {}", ctx.d.regex_matches(frac, "^[0-9]{0,6}0*$"))
}

/// The integer part without separators and leading zeros, and whether the
/// amount (`int.frac`) is beyond what cpm holds (±9,223,372,036,854.775807).
fn too_large(ctx: &Ctx, int_digits: &str, frac: &str) -> String {
    let stripped = ctx.d.ltrim(int_digits, "'0'");
    format!(
        "(LENGTH({stripped}) > 13 OR {value} > {max})",
        value = magnitude(ctx, int_digits, frac),
        max = ctx.d.exact("9223372036854.775807"),
    )
}

/// The exact value of `int.frac` (both digit strings, either empty). An
/// integer part of at most twelve digits (the usual case) is read by the
/// dialect's narrow cast.
fn magnitude(ctx: &Ctx, int_digits: &str, frac: &str) -> String {
    let stripped = ctx.d.ltrim(int_digits, "'0'");
    let text = format!(
        "CONCAT(CASE WHEN LENGTH({stripped}) > 13 OR {stripped} = '' THEN '0' ELSE {stripped} END, '.', \
         SUBSTR(CONCAT({frac}, '000000'), 1, 6))"
    );
    format!(
        "CASE WHEN LENGTH({stripped}) <= 12 THEN {narrow} ELSE {wide} END",
        narrow = ctx.d.narrow_money(&text),
        wide = ctx.d.try_cast(&text, ctx.d.money_type()),
    )
}

/// Layer 5 (amounts): which reading holds (`a_plain`: parse_plain's; else
/// the marked form's), the digits, and the sign.
pub(crate) fn amount_numbers(ctx: &Ctx) -> Vec<(String, String)> {
    let thousands = "^[0-9]{1,3}(,[0-9]{3})+$";
    slow(vec![
        (
            "a_plain".into(),
            format!(
                "(p_shape AND (p_int <> '' OR p_frac <> '') AND LENGTH(p_frac) <= 6 AND NOT {})",
                too_large(ctx, "p_int", "p_frac")
            ),
        ),
        ("b_digits".into(), "REPLACE(b_int, ',', '')".into()),
        (
            "b_int_ok".into(),
            format!(
                "({} OR {})",
                ctx.d.regex_matches("b_int", "^[0-9]+$"),
                ctx.d.regex_matches("b_int", thousands)
            ),
        ),
        (
            "b_negative".into(),
            "(CASE WHEN a_paren THEN 1 ELSE 0 END + CASE WHEN b_s1 = '-' THEN 1 ELSE 0 END \
             + CASE WHEN b_s2 = '-' THEN 1 ELSE 0 END = 1 OR (a_paren AND b_s1 = '-' AND b_s2 = '-'))"
                .into(),
        ),
    ])
}

/// The amount problem (NULL when the cell is an amount).
pub(crate) fn amount_problem(ctx: &Ctx) -> String {
    format!(
        "CASE WHEN a_quick IS NOT NULL THEN NULL WHEN a_text IS NULL OR a0 = '' THEN 'empty value' \
         WHEN a_plain THEN NULL \
         WHEN NOT b_shape OR NOT b_int_ok OR (b_dot <> '' AND b_frac = '') THEN 'not an amount' \
         WHEN {many} THEN 'more than 6 decimals' WHEN {large} THEN 'amount too large' END",
        many = too_many_decimals(ctx, "b_frac"),
        large = too_large(ctx, "b_digits", "b_frac"),
    )
}

/// The amount of a cell without a problem, exact.
pub(crate) fn amount_value(ctx: &Ctx) -> String {
    format!(
        "CASE WHEN a_quick IS NOT NULL THEN a_quick WHEN a_plain THEN CASE WHEN p_sign = '-' THEN -{p} ELSE {p} END \
         ELSE CASE WHEN b_negative THEN -{b} ELSE {b} END END",
        p = magnitude(ctx, "p_int", "p_frac"),
        b = magnitude(ctx, "b_digits", "b_frac"),
    )
}

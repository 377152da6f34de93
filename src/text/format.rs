//! Number and text formatting shared by the terminal summary and the HTML.

/// `1234567` → `1,234,567`.
pub fn thousands(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count in a sentence written for both languages (`by_lang!`): `{}`
/// writes the number (`1,200`) for the Japanese template, whose unit (人,
/// グループ) stands in the template; `{:#}` writes it with the English
/// words that follow it, singular for one: `1 customer is`, `1,200
/// customers are`. So each template says the count its own way from one
/// argument.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Count<'a> {
    n: u64,
    one: &'a str,
    many: &'a str,
}

/// `n`, with `one` after it for 1 and `many` otherwise (see [`Count`]).
pub(crate) fn count<'a>(n: u64, one: &'a str, many: &'a str) -> Count<'a> {
    Count { n, one, many }
}

impl std::fmt::Display for Count<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&thousands(i128::from(self.n)))?;
        if f.alternate() {
            f.write_str(" ")?;
            f.write_str(if self.n == 1 { self.one } else { self.many })?;
        }
        Ok(())
    }
}

/// A change with its sign: `+12`, `-3`, `±0`.
pub(crate) fn signed(n: i128) -> String {
    match n {
        0 => "±0".to_string(),
        n if n > 0 => format!("+{}", thousands(n)),
        n => thousands(n),
    }
}

/// `0.2743` → `27.4%`.
pub(crate) fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// A change of a fraction in percentage points: `+1.2pt`.
pub(crate) fn points(delta: f64) -> String {
    let pt = (delta * 1000.0).round() / 10.0;
    if pt == 0.0 {
        "±0.0pt".to_string()
    } else {
        format!("{pt:+.1}pt")
    }
}

/// Columns a string takes in a terminal (East Asian wide characters: 2).
pub(crate) fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let u = c as u32;
            let wide = matches!(u, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// Right-aligns `text` in `width` terminal columns.
pub(crate) fn pad_left(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(display_width(text))))
}

/// Left-aligns `text` in `width` terminal columns.
pub(crate) fn pad_right(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(display_width(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1000), "-1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(signed(12), "+12");
        assert_eq!(signed(-3), "-3");
        assert_eq!(signed(0), "±0");
        assert_eq!(percent(0.2743), "27.4%");
        assert_eq!(points(0.012), "+1.2pt");
        assert_eq!(points(-0.2258), "-22.6pt");
        assert_eq!(display_width("よちよち"), 8);
        assert_eq!(display_width("abc"), 3);
        assert_eq!(pad_left("初回", 6), "  初回");
    }

    #[test]
    fn a_count_says_its_noun_in_english_only_and_singular_for_one() {
        let c = |n| count(n, "customer is", "customers are");
        assert_eq!(format!("{}", c(1)), "1");
        assert_eq!(format!("{:#}", c(1)), "1 customer is");
        assert_eq!(format!("{:#}", c(0)), "0 customers are");
        assert_eq!(format!("{:#}", c(2)), "2 customers are");
        assert_eq!(
            format!("{} 人 / {:#}", c(1200), c(1200)),
            "1,200 人 / 1,200 customers are"
        );
    }
}

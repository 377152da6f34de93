//! The report's language.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    /// The Japanese or the English text.
    pub(crate) fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// `format!` with the template of the language: `by_lang!(lang, "{n} 人",
/// "{n} customers", n = count)`. The arguments are written once and
/// formatted once, into the chosen template; both templates see the same
/// named (or positional) arguments, so each may put them in its own order.
macro_rules! by_lang {
    ($lang:expr, $ja:literal, $en:literal $(, $($args:tt)*)?) => {
        match $lang {
            $crate::text::lang::Lang::Ja => format!($ja $(, $($args)*)?),
            $crate::text::lang::Lang::En => format!($en $(, $($args)*)?),
        }
    };
}
pub(crate) use by_lang;

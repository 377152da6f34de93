//! Words and numbers for people: the report language and number formats,
//! shared by the report, calibrate and whatif.

pub mod format;
pub mod lang;

//! The two advice commands: `calibrate` (thresholds suggested by the data)
//! and `whatif` (who moves under other thresholds).

pub mod calibrate;
pub mod whatif;

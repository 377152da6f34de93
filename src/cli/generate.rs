//! `cpm generate`: a deterministic synthetic order history.

use super::args::GenerateArgs;
use crate::error::{Error, Result};

pub(super) fn generate(args: &GenerateArgs) -> Result<()> {
    let params = crate::generate::GenerateParams {
        customers: args.customers,
        seed: args.seed,
        start: args.start,
        end: args.end,
    };
    let orders = crate::generate::generate(&params).map_err(|e| Error::Usage(e.to_string()))?;
    crate::generate::writer::write_orders(&args.out, &orders).map_err(|e| Error::Write {
        path: args.out.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    eprintln!(
        "wrote {}: {} rows for {} customers",
        args.out.display(),
        orders.len(),
        args.customers
    );
    Ok(())
}

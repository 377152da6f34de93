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
    crate::output::file::check_free(&args.out, args.force, "--out")?;
    let orders = crate::generate::generate(&params).map_err(|e| Error::Usage(e.to_string()))?;
    // Written beside the target, then moved into place by the one rule for named outputs.
    let (tmp, file) = crate::output::file::temp_sibling(&args.out)?;
    drop(file);
    let written = crate::generate::writer::write_orders(&tmp, &orders).map_err(|e| Error::Write {
        path: args.out.clone(),
        source: std::io::Error::other(e.to_string()),
    });
    let placed = written.and_then(|()| crate::output::file::place(&tmp, &args.out, args.force, "--out"));
    if placed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    placed?;
    eprintln!(
        "wrote {}: {} rows for {} customers",
        args.out.display(),
        orders.len(),
        args.customers
    );
    Ok(())
}

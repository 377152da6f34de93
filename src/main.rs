use clap::Parser;

fn main() {
    let cli = cpm::cli::args::Cli::parse();
    if let Err(error) = cpm::run(cli) {
        eprintln!("error: {error}");
        // The chain, less the causes a message already quotes.
        let mut shown = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !shown.contains(&text) {
                eprintln!("  caused by: {text}");
                shown = text;
            }
            source = cause.source();
        }
        std::process::exit(error.exit_code());
    }
}

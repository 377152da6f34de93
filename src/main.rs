use clap::Parser;

fn main() {
    let cli = cpm::cli::args::Cli::parse();
    if let Err(error) = cpm::run(cli) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

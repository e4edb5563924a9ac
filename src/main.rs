//! The `localfeed` command: parses the command line, sets up logging, and hands over to
//! the library. Exit status: 0 success, 1 some inputs failed (the rest was done),
//! 2 bad configuration or a fatal error, 3 another run holds the lock.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: extraction and publishing allocate many small
/// strings and vectors, and mimalloc serves them in fewer instructions (5 % fewer for a
/// whole extraction of the tiny-fixture set, BENCHMARKS "extract").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = localfeed::cli::Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    localfeed::cli::execute(cli)
}

/// Logs go to stderr: colour only on a terminal, no timestamps under systemd (the journal
/// adds its own). `LOCALFEED_LOG` (an env-filter directive) overrides -v/-q.
fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("LOCALFEED_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("localfeed={level},warn")));
    let terminal = std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(terminal)
        .with_target(false);
    if std::env::var_os("JOURNAL_STREAM").is_some() || !terminal {
        builder.without_time().init();
    } else {
        builder.init();
    }
}

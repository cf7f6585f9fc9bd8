//! The `azfailover` binary: a thin shell around the library.

use clap::Parser;

use azfailover::cli::{Cli, Command};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                azfailover::exit::USAGE
            } else {
                0
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    init_logging(&cli);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = runtime.block_on(azfailover::cli::run(cli));
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    std::process::exit(code);
}

/// Logs are filtered by RUST_LOG. The simulator logs its requests to stderr; the interactive
/// console writes to `azfailover.log` in the cache directory (stderr would tear the screen);
/// other commands print warnings to stderr.
fn init_logging(cli: &Cli) {
    use tracing_subscriber::EnvFilter;
    let env = |default: &str| {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
    };
    let builder = tracing_subscriber::fmt().with_target(false);
    if azfailover::cli::is_interactive(cli) {
        let file = azfailover::paths::cache_dir().and_then(|d| {
            std::fs::create_dir_all(&d).ok()?;
            azfailover::paths::create_private(&d.join("azfailover.log")).ok()
        });
        if let Some(f) = file {
            builder
                .with_env_filter(env("info"))
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(f))
                .init();
        }
        return;
    }
    let default = if matches!(cli.command, Some(Command::Sim { .. })) {
        "warn,azfailover::sim=info"
    } else {
        "warn"
    };
    builder
        .with_env_filter(env(default))
        .with_writer(std::io::stderr)
        .init();
}

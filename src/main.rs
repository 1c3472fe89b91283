//! The `paddock` binary: `serve` (the default) runs the web app; `reconcile` backfills
//! the Paddle mirror; `portal-session` mints a portal link for an operator. Settings are
//! flags or environment variables (`paddock --help` lists them), read once here.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use paddock::server::settings::{RawSettings, Settings, parse_command_line};
use paddock::server::{operator, reconcile, startup, telemetry};

/// Self-service billing through Paddle's customer portal
#[derive(Parser)]
#[command(name = "paddock", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: RawSettings,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app (the default)
    Serve,
    /// Bring the customer/subscription mirror up to date from the Paddle API
    Reconcile,
    /// Mint a customer portal session for a customer of the mirror (operator; audited)
    PortalSession(operator::PortalSessionArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let Err(e) = run().await else {
        return ExitCode::SUCCESS;
    };
    eprintln!("paddock: {e}");
    ExitCode::FAILURE
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let configuration = |e| format!("configuration: {e}");
    let cli = parse_command_line::<Cli>().map_err(configuration)?;
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        Command::PortalSession(_) => operator::init_logs(),
        Command::Serve | Command::Reconcile => telemetry::init(),
    }
    let settings = Settings::from_raw(cli.settings).map_err(configuration)?;
    match command {
        Command::Serve => startup::serve(settings).await?,
        Command::Reconcile => drop(reconcile::run(&settings).await?),
        Command::PortalSession(args) => operator::portal_session::run(&settings, &args).await?,
    }
    Ok(())
}

//! The `paddock` binary: `serve` (the default) runs the web app; `reconcile` backfills
//! the Paddle mirror; `portal-session` mints a portal link for an operator. Settings are
//! flags or environment variables (`paddock --help` lists them), read once here.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use paddock::server::settings::{RawSettings, Settings, parse_command_line};
use paddock::server::{doctor, operator, reconcile, startup, telemetry};

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
    /// Check this deployment (settings, database, Paddle, webhooks, mirror): PASS/WARN/FAIL
    Doctor,
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
    let cli = match parse_command_line::<Cli>() {
        Ok(cli) => cli,
        // The doctor reports a bad setting as its first failed check.
        Err(e) if std::env::args().any(|a| a == "doctor") => {
            operator::init_logs();
            return Ok(doctor::run(Err(e)).await?);
        }
        Err(e) => return Err(configuration(e).into()),
    };
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        Command::PortalSession(_) | Command::Doctor => operator::init_logs(),
        Command::Serve | Command::Reconcile => telemetry::init(),
    }
    let settings = Settings::from_raw(cli.settings);
    if let Command::Doctor = command {
        return Ok(doctor::run(settings).await?);
    }
    let settings = settings.map_err(configuration)?;
    match command {
        Command::Doctor => {}
        Command::Serve => startup::serve(settings).await?,
        Command::Reconcile => drop(reconcile::run(&settings).await?),
        Command::PortalSession(args) => operator::portal_session::run(&settings, &args).await?,
    }
    Ok(())
}

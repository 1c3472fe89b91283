//! The `paddock` binary: `serve` (the default) runs the web app; `reconcile` backfills
//! the Paddle mirror; `portal-session` mints a portal link for an operator.

use clap::{Parser, Subcommand};
use paddock::server::{doctor, operator, reconcile, settings::Settings, startup, telemetry};

#[derive(Parser)]
#[command(
    name = "paddock",
    version,
    about = "Self-service billing through Paddle's customer portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
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
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        Command::PortalSession(_) | Command::Doctor => operator::init_logs(),
        Command::Serve | Command::Reconcile => telemetry::init(),
    }
    let result = match (command, Settings::from_env()) {
        (Command::Doctor, s) => doctor::run(s).await.map_err(|e| e.to_string()),
        (_, Err(e)) => Err(format!("configuration: {e}")),
        (Command::Serve, Ok(s)) => startup::serve(s).await.map_err(|e| e.to_string()),
        (Command::Reconcile, Ok(s)) => reconcile::run(&s)
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        (Command::PortalSession(args), Ok(s)) => operator::portal_session::run(&s, &args)
            .await
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paddock: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

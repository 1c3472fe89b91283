//! The `paddock` binary: `serve` (the default) runs the web app.

use clap::{Parser, Subcommand};
use paddock::server::{settings::Settings, startup, telemetry};

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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => match Settings::from_env() {
            Ok(settings) => startup::serve(settings).await,
            Err(e) => Err(e.into()),
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paddock: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

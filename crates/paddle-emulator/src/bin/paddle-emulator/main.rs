//! `paddle-emulator`: parse options, load state, serve until SIGINT/SIGTERM, save state.

mod cli;
mod clock;
mod signal;

use clap::Parser;
use paddle_emulator::{DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, Emulator};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    let cli = cli::Cli::parse();
    let config = cli.config()?;
    let http = reqwest::Client::builder().build()?;
    if let Some(cli::Command::Clock { action }) = &cli.command {
        let answer = action.run(&http, &config.public_origin).await?;
        println!("{answer}");
        return Ok(());
    }
    let listener = tokio::net::TcpListener::bind(cli.addr).await?;
    let emulator = Emulator::new(config, http).await?;
    println!("Paddle emulator on http://{}", listener.local_addr()?);
    if cli.uses_default_key() {
        println!("API key (local only): {DEFAULT_API_KEY}");
    }
    match &emulator.config().state_file {
        Some(path) => println!("State file: {}", path.display()),
        None => println!("State: in memory only"),
    }
    if cli.uses_default_webhook_secret() {
        println!("Webhook secret (local only): {DEFAULT_WEBHOOK_SECRET}");
    }
    emulator.serve(listener, signal::stop()?).await?;
    println!("Paddle emulator stopped");
    Ok(())
}

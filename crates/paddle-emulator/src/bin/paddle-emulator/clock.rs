//! `paddle-emulator clock advance P30D [--customer ctm_…]`: moves a running emulator's
//! billing clock through `POST /_emulator/clock`.

use clap::Subcommand;
use paddle::CustomerId;
use paddle_emulator::IsoDuration;
use serde_json::{Value, json};
use url::Url;

/// What the clock verb can do.
#[derive(Debug, Subcommand)]
pub enum ClockCommand {
    /// Move billing time forward; everything due in between happens, with its webhooks.
    Advance {
        /// An ISO 8601 duration: P1M (a calendar month), P35D, PT12H.
        duration: IsoDuration,
        /// Move only this customer's time (ctm_…).
        #[arg(long, value_parser = parse_customer)]
        customer: Option<CustomerId>,
        /// The running emulator [default: http://ADDR].
        #[arg(long, env = "PADDLE_EMULATOR_URL")]
        url: Option<Url>,
    },
}

fn parse_customer(text: &str) -> Result<CustomerId, paddle::InvalidId> {
    CustomerId::parse(text)
}

/// Why the verb failed.
#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    /// The emulator could not be reached or answered something unreadable.
    #[error("could not reach the emulator at {url}")]
    Request {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// The emulator refused the advance.
    #[error("the emulator refused: {0}")]
    Refused(String),
}

impl ClockCommand {
    /// Sends the command to the emulator at `default_url` (unless `--url` says otherwise);
    /// returns the emulator's answer.
    pub async fn run(
        &self,
        http: &reqwest::Client,
        default_url: &Url,
    ) -> Result<Value, ClockError> {
        let Self::Advance {
            duration,
            customer,
            url,
        } = self;
        let base = url.as_ref().unwrap_or(default_url);
        let endpoint = format!("{}/_emulator/clock", base.as_str().trim_end_matches('/'));
        let fail = |source| ClockError::Request {
            url: base.to_string(),
            source,
        };
        let mut body = json!({"advance": duration.to_string()});
        if let Some(customer) = customer {
            body["customer_id"] = json!(customer);
        }
        let response = http
            .post(&endpoint)
            .json(&body)
            .send()
            .await
            .map_err(fail)?;
        let status = response.status();
        let answer: Value = response.json().await.map_err(fail)?;
        if status.is_success() {
            Ok(answer)
        } else {
            let message = answer["error"].as_str().unwrap_or("no reason given");
            Err(ClockError::Refused(format!("{status}: {message}")))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use clap::Parser;
    use paddle_emulator::{Config, Emulator};

    use super::*;
    use crate::cli::{Cli, Command};

    #[tokio::test]
    async fn advance_moves_a_running_emulators_clock() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let config = Config::new(
            origin.clone(),
            Url::parse("http://127.0.0.1:3000/").unwrap(),
        );
        let emulator = Emulator::new(config, reqwest::Client::new()).await.unwrap();
        let server = emulator.clone();
        tokio::spawn(async move { server.serve(listener, std::future::pending()).await });
        let http = reqwest::Client::new();
        let checkout = http
            .post(format!("{origin}_emulator/checkout"))
            .json(&json!({"email": "jo@example.com"}))
            .send()
            .await
            .unwrap();
        let customer = checkout.json::<Value>().await.unwrap()["customer_id"].clone();
        let customer = customer.as_str().unwrap();

        let cli = Cli::try_parse_from([
            "paddle-emulator",
            "clock",
            "advance",
            "P1M",
            "--customer",
            customer,
        ])
        .unwrap();
        let Some(Command::Clock { action }) = cli.command else {
            panic!("the clock verb parses");
        };
        let answer = action.run(&http, &origin).await.unwrap();
        assert_eq!(answer["customer_id"], customer);
        assert_eq!(answer["events"], 7, "one renewal: {answer}");

        let bad = Cli::try_parse_from(["paddle-emulator", "clock", "advance", "soon"]);
        assert!(bad.is_err(), "not an ISO 8601 duration");
        let unknown = Cli::try_parse_from([
            "paddle-emulator",
            "clock",
            "advance",
            "P1D",
            "--customer",
            "ctm_01aaaaaaaaaaaaaaaaaaaaaaaa",
        ])
        .unwrap();
        let Some(Command::Clock { action }) = unknown.command else {
            panic!("parses");
        };
        let refused = action.run(&http, &origin).await.unwrap_err();
        assert!(refused.to_string().contains("404"), "{refused}");
    }
}

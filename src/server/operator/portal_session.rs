//! `paddock portal-session`: an operator mints a customer portal session for a customer
//! of the mirror, e.g. to send a support ticket a link, and the attempt is audited.
//!
//! Order matters: ids are checked, the customer is shown, foreign subscriptions are
//! refused and the operator confirms, all before Paddle is called. The links go to stdout
//! only: never to the log, never to the database.

use std::io::{IsTerminal, Write};

use paddle::time::OffsetDateTime;
use paddle::{CustomerId, CustomerPortalSession, SubscriptionId};

use super::error::PortalSessionError;
use super::{os_user, print, prompt};
use crate::server::billing::PortalOrigin;
use crate::server::db::Database;
use crate::server::db::audit::{self, OperatorRow};
use crate::server::db::doctor::open_current;
use crate::server::db::mirror::{self, CustomerRow};
use crate::server::paddle::client_only;
use crate::server::settings::Settings;

/// Paddle accepts at most this many subscription ids per session.
pub const MAX_SUBSCRIPTIONS: usize = 25;

/// `paddock portal-session --customer ctm_… [--subscription sub_…]… [--yes] [--json]`
#[derive(Debug, clap::Args)]
pub struct PortalSessionArgs {
    /// The Paddle customer (`ctm_…`), as mirrored
    #[arg(long, value_name = "CTM_ID")]
    pub customer: String,
    /// A subscription of that customer to get deep links for; repeat for several
    #[arg(long = "subscription", value_name = "SUB_ID")]
    pub subscriptions: Vec<String>,
    /// Mint without asking (required when stdin is not a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Print the session entity as JSON on stdout (everything else goes to stderr)
    #[arg(long)]
    pub json: bool,
}

/// How long the database may take to answer, and a query to get a connection.
const OPEN_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Parses the ids, reaches Paddle and the database, then [`mint`]s; prints as it goes.
pub async fn run(settings: &Settings, args: &PortalSessionArgs) -> Result<(), PortalSessionError> {
    let customer = CustomerId::parse(args.customer.trim())
        .map_err(|e| PortalSessionError::CustomerId(args.customer.clone(), e))?;
    let subscriptions = subscription_ids(&args.subscriptions)?;
    let http = crate::server::state::http_client_with(settings.paddle.timeout)?;
    let client = client_only(&settings.paddle, &http).await?;
    let emulator = match &settings.paddle.mode {
        crate::server::paddle::PaddleMode::Remote(remote) => &remote.portal_origin,
        _ => client.base_url(),
    };
    let origin = PortalOrigin::for_mode(&settings.paddle.mode, Some(emulator));
    let db = open_current(&settings.database_url, OPEN_WITHIN).await?;
    let operator = Operator {
        db: &db,
        client: &client,
        origin,
        mode: settings.paddle.describe(),
        actor: format!("operator:{}", os_user()),
        args,
    };
    let result = operator.mint(customer, subscriptions).await;
    db.close().await;
    result
}

/// Each id parsed, duplicates dropped (Paddle wants them unique), order kept.
fn subscription_ids(raw: &[String]) -> Result<Vec<SubscriptionId>, PortalSessionError> {
    let mut ids: Vec<SubscriptionId> = Vec::new();
    for value in raw {
        let id = SubscriptionId::parse(value.trim())
            .map_err(|e| PortalSessionError::SubscriptionId(value.clone(), e))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_SUBSCRIPTIONS {
        return Err(PortalSessionError::TooManySubscriptions);
    }
    Ok(ids)
}

/// One run of the command, with what it needs.
struct Operator<'a> {
    db: &'a Database,
    client: &'a paddle::Client,
    /// Where links may point; `None` refuses them all.
    origin: Option<PortalOrigin>,
    /// The Paddle mode in words, for error messages.
    mode: String,
    /// `operator:<OS user>`, for the audit row.
    actor: String,
    args: &'a PortalSessionArgs,
}

impl Operator<'_> {
    /// Shows the customer, checks the subscriptions, asks, mints, audits, prints.
    async fn mint(
        &self,
        customer_id: CustomerId,
        subscriptions: Vec<SubscriptionId>,
    ) -> Result<(), PortalSessionError> {
        let mut row = OperatorRow {
            actor: self.actor.clone(),
            customer_id: customer_id.to_string(),
            subscription_ids: subscriptions.iter().map(|s| s.to_string()).collect(),
            outcome: String::new(),
            paddle_request_id: None,
            created_at: 0,
        };
        let customer = match mirror::customer_by_id(self.db, customer_id.as_str()).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                let e = PortalSessionError::UnknownCustomer(customer_id.to_string());
                return Err(self.refuse(&mut row, "unknown_customer", e).await);
            }
            Err(e) => return Err(PortalSessionError::Mirror(e)),
        };
        let owned = mirror::subscriptions_for(self.db, customer_id.as_str())
            .await
            .map_err(PortalSessionError::Mirror)?;
        self.say(&print::customer(&customer, &owned));
        let foreign = subscriptions
            .iter()
            .find(|id| !owned.iter().any(|s| s.id == id.as_str()));
        if let Some(id) = foreign {
            let e = PortalSessionError::ForeignSubscription {
                subscription: id.to_string(),
                customer: customer_id.to_string(),
            };
            return Err(self.refuse(&mut row, "foreign_subscription", e).await);
        }
        if let Err(refusal) = self.confirm(&customer) {
            let outcome = refusal.outcome();
            return Err(self.refuse(&mut row, outcome, refusal.into()).await);
        }
        let answer = match self
            .client
            .create_portal_session_json(&customer_id, &subscriptions)
            .await
        {
            Ok(s) => s,
            Err(source) => {
                row.paddle_request_id = source.request_id().map(str::to_owned);
                let mode = self.mode.clone();
                let e = PortalSessionError::Api { mode, source };
                return Err(self.refuse(&mut row, "paddle_error", e).await);
            }
        };
        let request_id = answer.request_id.clone();
        row.paddle_request_id = Some(request_id.clone());
        // `--json` prints Paddle's entity as it came; the rest reads it typed.
        let Ok(session) = serde_json::from_value::<CustomerPortalSession>(answer.data.clone())
        else {
            let e = PortalSessionError::Unreadable(request_id);
            return Err(self.refuse(&mut row, "unreadable", e).await);
        };
        if !self.allowed(&session, &answer.data) {
            let e = PortalSessionError::RefusedUrl(request_id);
            return Err(self.refuse(&mut row, "refused_url", e).await);
        }
        // The row must exist before anyone sees a link.
        row.outcome = "minted".into();
        row.created_at = now();
        audit::record_operator(self.db, &row)
            .await
            .map_err(|source| PortalSessionError::Audit {
                request_id: request_id.clone(),
                source,
            })?;
        tracing::info!(%request_id, customer_id = %customer_id, subscriptions = subscriptions.len(), "operator: portal session minted");
        if self.args.json {
            let json = serde_json::to_string_pretty(&answer.data)?;
            self.say(&format!(
                "{} (Paddle request_id {request_id})",
                print::WARNING
            ));
            write_out(&mut std::io::stdout(), &format!("{json}\n"));
        } else {
            self.say(&print::links(&session, &request_id));
        }
        Ok(())
    }

    /// The operator's consent: `--yes`, or `y` on a terminal.
    fn confirm(&self, customer: &CustomerRow) -> Result<(), prompt::Refusal> {
        let stdin = std::io::stdin();
        let interactive = stdin.is_terminal();
        prompt::confirm(
            &print::question(customer),
            self.args.yes,
            interactive,
            &mut stdin.lock(),
            &mut std::io::stderr(),
        )
    }

    /// Whether every link of `session` points where portal links may, and so does any other
    /// URL in `data`, Paddle's entity as it came (which `--json` prints whole).
    fn allowed(&self, session: &CustomerPortalSession, data: &serde_json::Value) -> bool {
        let Some(origin) = &self.origin else {
            return false;
        };
        let urls = &session.urls;
        std::iter::once(&urls.general.overview)
            .chain(urls.subscriptions.iter().flat_map(|s| {
                [
                    &s.cancel_subscription,
                    &s.update_subscription_payment_method,
                ]
            }))
            .all(|url| origin.allows(url.expose()))
            && origin.allows_every_url_in(data)
    }

    /// Audits a refusal (best effort: the refusal is what the operator must see).
    async fn refuse(
        &self,
        row: &mut OperatorRow,
        outcome: &str,
        error: PortalSessionError,
    ) -> PortalSessionError {
        row.outcome = outcome.into();
        row.created_at = now();
        if let Err(e) = audit::record_operator(self.db, row).await {
            tracing::error!(error = %e, outcome, "operator: could not write the audit row");
        }
        error
    }

    /// Text for the human: stdout, or stderr when stdout carries `--json`.
    fn say(&self, text: &str) {
        let text = if text.ends_with('\n') {
            text.to_owned()
        } else {
            format!("{text}\n")
        };
        if self.args.json {
            write_out(&mut std::io::stderr(), &text);
        } else {
            write_out(&mut std::io::stdout(), &text);
        }
    }
}

/// Writes and flushes; a closed pipe is not worth a panic.
fn write_out(out: &mut dyn Write, text: &str) {
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_ids_are_parsed_deduplicated_and_limited() {
        let a = SubscriptionId::generate().to_string();
        let b = SubscriptionId::generate().to_string();
        let ids = subscription_ids(&[a.clone(), b.clone(), a.clone()]).expect("valid");
        assert_eq!(
            ids.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            [a, b]
        );
        assert!(matches!(
            subscription_ids(&["sub_short".into()]),
            Err(PortalSessionError::SubscriptionId(..))
        ));
        let many: Vec<String> = (0..26)
            .map(|_| SubscriptionId::generate().to_string())
            .collect();
        assert!(matches!(
            subscription_ids(&many),
            Err(PortalSessionError::TooManySubscriptions)
        ));
    }
}

//! The one async step of the portal use-case: check, look up, mint, check, audit.

use std::time::Duration;

use paddle::time::OffsetDateTime;
use paddle::{ClientError, CustomerId, SubscriptionId};

use super::{LinkAction, PortalError, PortalOrigin, Request};
use crate::server::accounts::User;
use crate::server::db::audit::{AuditRow, AuditWriter};
use crate::server::db::mirror::Bridge;
use crate::server::db::mirror::lookups::CustomerLookup;
use crate::server::limits::{Limits, Rule};

/// Paddle accepts at most this many subscription ids per session.
const MAX_SUBSCRIPTIONS: usize = 25;
/// A 429 is retried once, and only when Paddle asks to wait at most this long.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(2);

/// What minting needs: the mirror, the Paddle client, the allowlist, the per-user limit.
pub struct Portal<'a> {
    /// Appends the audit rows.
    pub audit: &'a AuditWriter,
    /// Finds the user's customer and subscriptions in the mirror.
    pub lookups: &'a CustomerLookup,
    pub client: &'a paddle::Client,
    /// `None` refuses every URL (local mode without an emulator origin).
    pub origin: Option<PortalOrigin>,
    pub limits: &'a Limits,
    /// Mints per user (`PORTAL_MINTS_PER_MINUTE`).
    pub rule: Rule,
}

/// Mints a fresh portal URL for `user`, or says why not. The URL is never logged or stored.
pub async fn mint(
    portal: &Portal<'_>,
    user: Option<&User>,
    request: &Request,
) -> Result<String, PortalError> {
    let user = user.ok_or(PortalError::NotAuthenticated)?;
    let key = format!("user:{}", user.id);
    if let Err(wait) = portal.limits.reserve(&portal.rule, &key).await {
        return Err(PortalError::Limited {
            retry_after: wait.as_secs().max(1),
        });
    }
    if !user.email_verified {
        return Err(PortalError::Unverified);
    }
    let mut audit = Audit::new(user.id, request);
    let lookup = portal.lookups.submit(user.email.as_str().to_owned()).await;
    let (customer, subscriptions) = match lookup {
        Ok(Bridge::One(found)) => found,
        Ok(Bridge::Nobody) => {
            return Err(audit
                .fail(portal.audit, "no_customer", PortalError::NoCustomer)
                .await);
        }
        Ok(Bridge::Several) => {
            tracing::warn!(
                user_id = user.id,
                "portal: several mirrored customers share the user's email; none is used"
            );
            return Err(audit
                .fail(portal.audit, "shared_email", PortalError::SharedEmail)
                .await);
        }
        Err(e) => {
            tracing::error!(error = %e, "portal: mirror lookup failed");
            return Err(PortalError::Unavailable);
        }
    };
    let Ok(customer_id) = CustomerId::parse(customer) else {
        tracing::error!("portal: malformed customer id in the mirror");
        return Err(audit
            .fail(portal.audit, "failed", PortalError::Unavailable)
            .await);
    };
    // Stored only once it has Paddle's shape.
    audit.row.customer_id = Some(customer_id.as_str().to_owned());
    let ids: Vec<SubscriptionId> = match request {
        Request::Session => subscriptions
            .into_iter()
            .filter_map(|id| SubscriptionId::parse(id).ok())
            .take(MAX_SUBSCRIPTIONS)
            .collect(),
        Request::Link {
            subscription_id, ..
        } if subscriptions.iter().any(|s| s == subscription_id.as_str()) => {
            vec![subscription_id.clone()]
        }
        Request::Link { .. } => {
            let e = PortalError::SubscriptionNotFound;
            return Err(audit.fail(portal.audit, "subscription_not_found", e).await);
        }
    };
    let session = match create(portal.client, &customer_id, &ids).await {
        Ok(s) => s,
        Err(e) => {
            audit.row.paddle_request_id = e.request_id().map(str::to_owned);
            let (outcome, error) = classify(&e, &customer_id);
            return Err(audit.fail(portal.audit, outcome, error).await);
        }
    };
    audit.row.paddle_request_id = Some(session.request_id.clone());
    let urls = &session.data.urls;
    let url = match request {
        Request::Session => Some(&urls.general.overview),
        Request::Link {
            subscription_id,
            action,
        } => urls
            .subscriptions
            .iter()
            .find(|s| &s.id == subscription_id)
            .map(|s| match action {
                LinkAction::Cancel => &s.cancel_subscription,
                LinkAction::UpdatePaymentMethod => &s.update_subscription_payment_method,
            }),
    };
    let allowed = url.filter(|u| portal.origin.as_ref().is_some_and(|o| o.allows(u.expose())));
    let Some(url) = allowed else {
        tracing::error!(
            request_id = %session.request_id,
            "portal: Paddle returned no usable URL (missing, or outside the allowlist); refused"
        );
        return Err(audit
            .fail(portal.audit, "refused_url", PortalError::Unavailable)
            .await);
    };
    // Every handed-out URL has its row: one that cannot be written hands out nothing.
    if !audit.save(portal.audit, "minted").await {
        return Err(PortalError::Unavailable);
    }
    tracing::info!(request_id = %session.request_id, kind = %audit.row.kind, "portal: minted");
    Ok(url.expose().to_owned())
}

/// One call, and after a 429 that asks for at most `MAX_RETRY_WAIT`, one more.
async fn create(
    client: &paddle::Client,
    customer: &CustomerId,
    ids: &[SubscriptionId],
) -> Result<paddle::Response<paddle::CustomerPortalSession>, ClientError> {
    match client.create_portal_session(customer, ids).await {
        Err(ClientError::RateLimited {
            retry_after: Some(wait),
            request_id,
            ..
        }) if wait <= MAX_RETRY_WAIT => {
            tracing::warn!(request_id = ?request_id, wait_ms = wait.as_millis() as u64, "portal: rate limited by Paddle; retrying once");
            tokio::time::sleep(wait).await;
            client.create_portal_session(customer, ids).await
        }
        other => other,
    }
}

/// What a failed call means for the user, and the audit outcome; logs Paddle's request id.
fn classify(e: &ClientError, customer: &CustomerId) -> (&'static str, PortalError) {
    let request_id = e.request_id().unwrap_or("-");
    if let ClientError::Api { status: 404, .. } = e {
        tracing::error!(%request_id, customer_id = %customer, "portal: Paddle does not know the mirrored customer (mirror inconsistency)");
        return ("customer_unknown", PortalError::NoCustomer);
    }
    tracing::error!(%request_id, error = %e, "portal: Paddle call failed");
    ("unavailable", PortalError::Unavailable)
}

/// The audit row being built for one call.
struct Audit {
    row: AuditRow,
}

impl Audit {
    fn new(user_id: i64, request: &Request) -> Self {
        let (kind, subscription_id) = match request {
            Request::Session => ("session", None),
            Request::Link {
                subscription_id, ..
            } => ("link", Some(subscription_id.as_str().to_owned())),
        };
        Self {
            row: AuditRow {
                user_id,
                customer_id: None,
                kind: kind.into(),
                subscription_id,
                outcome: String::new(),
                paddle_request_id: None,
                created_at: 0,
            },
        }
    }

    /// Appends the row; the mint answers only once it is stored (or failed, logged).
    /// Whether it was stored.
    async fn save(&mut self, writer: &AuditWriter, outcome: &str) -> bool {
        self.row.outcome = outcome.into();
        self.row.created_at = OffsetDateTime::now_utc().unix_timestamp();
        match writer.submit(self.row.entry()).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, outcome, "portal: could not write the audit row");
                false
            }
        }
    }

    async fn fail(
        &mut self,
        writer: &AuditWriter,
        outcome: &str,
        error: PortalError,
    ) -> PortalError {
        // A refusal is answered as it is whether or not its row could be written.
        self.save(writer, outcome).await;
        error
    }
}

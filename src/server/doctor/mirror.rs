//! Does the mirror hold as many customers and subscriptions as Paddle lists?
//!
//! Paddle's count is `meta.pagination.estimated_total` of a one-item page, with the
//! filters `paddock reconcile` uses (customers active and archived, every subscription
//! status), so a difference is exactly what a reconcile would look at.

use paddle::{
    ClientError, CustomerStatus, ListCustomers, ListSubscriptions, Page, SubscriptionStatus,
};

use super::{Line, count};
use crate::server::db::Database;
use crate::server::db::snapshot;

pub(super) const CHECK: &str = "mirror";

/// What Paddle lists; `None` when it gave no estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Totals {
    pub customers: Option<u64>,
    pub subscriptions: Option<u64>,
}

impl Totals {
    /// Paddle has nothing to send webhooks about yet.
    pub fn is_empty(&self) -> bool {
        self.customers == Some(0) && self.subscriptions == Some(0)
    }
}

/// Two one-item pages: Paddle's estimate of customers and of subscriptions.
pub(super) async fn paddle_totals(client: &paddle::Client) -> Result<Totals, ClientError> {
    let customers = client
        .list_customers(&ListCustomers {
            status: vec![CustomerStatus::Active, CustomerStatus::Archived],
            per_page: Some(1),
            ..ListCustomers::default()
        })
        .await?;
    let subscriptions = client
        .list_subscriptions(&ListSubscriptions {
            status: SubscriptionStatus::ALL.to_vec(),
            per_page: Some(1),
            ..ListSubscriptions::default()
        })
        .await?;
    Ok(Totals {
        customers: total(&customers),
        subscriptions: total(&subscriptions),
    })
}

/// The estimate, or the page's own length when it is the only page.
fn total<T>(page: &Page<T>) -> Option<u64> {
    let p = &page.pagination;
    p.estimated_total
        .or_else(|| (!p.has_more).then(|| u64::try_from(page.data.len()).unwrap_or(u64::MAX)))
}

/// The mirror's counts against Paddle's.
pub(super) async fn compare(db: &Database, paddle: Result<Totals, ClientError>) -> Line {
    let paddle = match paddle {
        Ok(totals) => totals,
        Err(e) if e.code() == Some("forbidden") => {
            return Line::fail(
                CHECK,
                format!("Paddle does not let this key list customers or subscriptions ({e})"),
                "give the API key the permissions customer.read and subscription.read \
                 (`paddock reconcile` needs them too)",
            );
        }
        Err(e) => {
            return Line::warn(CHECK, format!("Paddle's counts are unavailable: {e}"))
                .with_fix("run the doctor again");
        }
    };
    match snapshot::counts(db).await {
        Ok((customers, subscriptions)) => judge(customers, subscriptions, paddle),
        Err(e) => Line::fail(
            CHECK,
            format!("cannot count the mirror: {e}"),
            "see the database line above",
        ),
    }
}

fn entities(customers: impl Into<i128>, subscriptions: impl Into<i128>) -> String {
    format!(
        "{} and {}",
        count(customers, "customer", "customers"),
        count(subscriptions, "subscription", "subscriptions")
    )
}

/// The verdict on the mirror's counts against Paddle's.
fn judge(customers: i64, subscriptions: i64, paddle: Totals) -> Line {
    let (Some(pc), Some(ps)) = (paddle.customers, paddle.subscriptions) else {
        return Line::warn(
            CHECK,
            format!(
                "the mirror has {}; Paddle gave no estimated total to compare with",
                entities(customers, subscriptions)
            ),
        );
    };
    let (pc, ps) = (i128::from(pc), i128::from(ps));
    let (mc, ms) = (i128::from(customers), i128::from(subscriptions));
    if (mc, ms) == (pc, ps) {
        return Line::pass(CHECK, format!("{}, as in Paddle", entities(mc, ms)));
    }
    let found = format!(
        "the mirror has {}, Paddle lists {}",
        entities(mc, ms),
        entities(pc, ps)
    );
    let mut fix = "run `paddock reconcile` (with the app's settings) to fetch what the \
                   webhooks missed, then see the webhook lines above for why they were missed"
        .to_owned();
    if mc > pc || ms > ps {
        fix.push_str(
            "; the mirror holding more than Paddle lists means rows of another Paddle account \
             or environment (reconcile adds and updates, never deletes)",
        );
    }
    Line::fail(CHECK, found, fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::doctor::Status;

    fn paddle(customers: u64, subscriptions: u64) -> Totals {
        Totals {
            customers: Some(customers),
            subscriptions: Some(subscriptions),
        }
    }

    #[test]
    fn equal_counts_pass_and_any_difference_says_reconcile() {
        let same = judge(2, 1, paddle(2, 1));
        assert_eq!(same.status, Status::Pass);
        assert_eq!(same.found, "2 customers and 1 subscription, as in Paddle");
        let behind = judge(1, 1, paddle(2, 1));
        assert_eq!(behind.status, Status::Fail);
        assert!(
            behind.to_string().contains("run `paddock reconcile`"),
            "{behind}"
        );
        assert!(
            !behind.to_string().contains("another Paddle account"),
            "{behind}"
        );
        let ahead = judge(3, 1, paddle(2, 1));
        assert!(
            ahead.to_string().contains("another Paddle account"),
            "{ahead}"
        );
        let unknown = Totals {
            customers: None,
            subscriptions: Some(1),
        };
        assert_eq!(judge(1, 1, unknown).status, Status::Warn);
        assert!(paddle(0, 0).is_empty() && !paddle(0, 1).is_empty());
    }
}

//! One-time portal links and the one-time nonces of the forms on portal pages.
//!
//! Every link carries its own random token (`pga_…`): opening it once uses it up, and it
//! lapses after the configured TTL either way. Nothing here is persisted: after a
//! restart every earlier link has expired, as temporary links should.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use paddle::{CustomerId, PortalLinkId, SecretUrl, SubscriptionId};
use rand::Rng;
use rand::distr::Alphanumeric;
use url::Url;

/// What a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Overview,
    CancelSubscription,
    UpdatePaymentMethod,
    ViewSubscription,
}

impl Action {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::CancelSubscription => "cancel_subscription",
            Self::UpdatePaymentMethod => "update_subscription_payment_method",
            Self::ViewSubscription => "view_subscription",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        [
            Self::Overview,
            Self::CancelSubscription,
            Self::UpdatePaymentMethod,
            Self::ViewSubscription,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// What an opened link grants: a look at this customer's portal, once.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) link_id: PortalLinkId,
    pub(crate) customer_id: CustomerId,
    pub(crate) action: Action,
    pub(crate) subscription_id: Option<SubscriptionId>,
    expires_at: Instant,
}

/// Which form a nonce was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Cancel,
    PaymentMethod,
}

/// What a form nonce allows: one change to one subscription.
#[derive(Debug, Clone)]
pub(crate) struct FormGrant {
    pub(crate) link_id: PortalLinkId,
    pub(crate) customer_id: CustomerId,
    pub(crate) subscription_id: SubscriptionId,
    pub(crate) form: Form,
    expires_at: Instant,
}

#[derive(Default)]
struct Inner {
    links: HashMap<String, Grant>,
    forms: HashMap<String, FormGrant>,
    /// Every token and nonce issued, in order: with one TTL for all, the order they
    /// expire in. Each issue drops the expired ones from the front, so the maps hold no
    /// more than the TTL's worth and no issue scans them.
    expiring: VecDeque<(Instant, Issued)>,
}

/// A key of one of the maps.
#[derive(Debug)]
enum Issued {
    Link(String),
    Form(String),
}

/// The live links and form nonces.
pub(crate) struct Links {
    ttl: Duration,
    origin: String,
    inner: Mutex<Inner>,
}

fn random(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// The longest a link may live: a day. A larger setting is cut to it, so that a link's
/// expiry (now plus the lifetime) is always a time the clock can hold.
pub(crate) const MAX_TTL: Duration = Duration::from_secs(86_400);

impl Links {
    /// Links valid for `ttl` (at most [`MAX_TTL`]), pointing at `origin` (no trailing
    /// slash).
    pub(crate) fn new(ttl: Duration, origin: String) -> Self {
        Self {
            ttl: ttl.min(MAX_TTL),
            origin,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets every link and nonce.
    pub(crate) fn clear(&self) {
        *self.lock() = Inner::default();
    }

    /// A one-time link for `action`, valid for the TTL.
    pub(super) fn issue(
        &self,
        link_id: &PortalLinkId,
        customer_id: &CustomerId,
        action: Action,
        subscription_id: Option<&SubscriptionId>,
    ) -> SecretUrl {
        let token = format!("pga_{}", random(48));
        let grant = Grant {
            link_id: link_id.clone(),
            customer_id: customer_id.clone(),
            action,
            subscription_id: subscription_id.cloned(),
            expires_at: Instant::now() + self.ttl,
        };
        let mut inner = self.lock();
        sweep(&mut inner);
        let expires_at = grant.expires_at;
        inner.links.insert(token.clone(), grant);
        inner
            .expiring
            .push_back((expires_at, Issued::Link(token.clone())));
        drop(inner);
        SecretUrl::new(self.url(link_id, action, subscription_id, &token))
    }

    fn url(
        &self,
        link_id: &PortalLinkId,
        action: Action,
        subscription_id: Option<&SubscriptionId>,
        token: &str,
    ) -> String {
        let base = format!("{}/portal/{link_id}", self.origin);
        let Ok(mut url) = Url::parse(&base) else {
            return base;
        };
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("action", action.as_str());
            if let Some(id) = subscription_id {
                query.append_pair("subscription_id", id.as_str());
            }
            query.append_pair("token", token);
        }
        url.into()
    }

    /// Uses up `token`; the grant if it was live and issued for exactly this URL.
    pub(crate) fn redeem(
        &self,
        token: &str,
        link_id: &str,
        action: Option<Action>,
        subscription_id: Option<&str>,
    ) -> Option<Grant> {
        let grant = self.lock().links.remove(token)?;
        let matches = grant.link_id.as_str() == link_id
            && Some(grant.action) == action
            && grant.subscription_id.as_ref().map(SubscriptionId::as_str) == subscription_id;
        (matches && grant.expires_at > Instant::now()).then_some(grant)
    }

    /// A one-time nonce for a form on a page opened through `grant`'s link. It expires
    /// with the link (minted plus the lifetime): a page refused and shown again, any
    /// number of times, never outlives it.
    pub(crate) fn form_nonce(&self, grant: &Grant, sub: &SubscriptionId, form: Form) -> String {
        let nonce = random(32);
        let form_grant = FormGrant {
            link_id: grant.link_id.clone(),
            customer_id: grant.customer_id.clone(),
            subscription_id: sub.clone(),
            form,
            expires_at: (Instant::now() + self.ttl).min(grant.expires_at),
        };
        let mut inner = self.lock();
        sweep(&mut inner);
        let expires_at = form_grant.expires_at;
        inner.forms.insert(nonce.clone(), form_grant);
        inner
            .expiring
            .push_back((expires_at, Issued::Form(nonce.clone())));
        nonce
    }

    /// Uses up a form nonce; its grant if it was live and issued under `link_id`.
    pub(crate) fn redeem_form(&self, nonce: &str, link_id: &str) -> Option<FormGrant> {
        let grant = self.lock().forms.remove(nonce)?;
        (grant.link_id.as_str() == link_id && grant.expires_at > Instant::now()).then_some(grant)
    }

    /// A grant that reopens the page of `form` (after a form was refused, say).
    pub(crate) fn regrant(form: &FormGrant) -> Grant {
        Grant {
            link_id: form.link_id.clone(),
            customer_id: form.customer_id.clone(),
            action: match form.form {
                Form::Cancel => Action::CancelSubscription,
                Form::PaymentMethod => Action::UpdatePaymentMethod,
            },
            subscription_id: Some(form.subscription_id.clone()),
            expires_at: form.expires_at,
        }
    }
}

/// Drops what has expired (what was redeemed is gone from its map already).
fn sweep(inner: &mut Inner) {
    let now = Instant::now();
    while inner.expiring.front().is_some_and(|(at, _)| *at <= now) {
        match inner.expiring.pop_front() {
            Some((_, Issued::Link(token))) => {
                inner.links.remove(&token);
            }
            Some((_, Issued::Form(nonce))) => {
                inner.forms.remove(&nonce);
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_nonce_expires_with_its_link_however_often_the_page_is_shown_again() {
        let links = Links::new(Duration::from_millis(300), "http://127.0.0.1:1".into());
        let (link, customer) = (PortalLinkId::generate(), CustomerId::generate());
        let sub = SubscriptionId::generate();
        let url = links.issue(&link, &customer, Action::Overview, None);
        let grant = links.redeem(
            &url_token(url.expose()),
            link.as_str(),
            Some(Action::Overview),
            None,
        );
        let grant = grant.expect("live, once");
        std::thread::sleep(Duration::from_millis(150));
        // A refused form shows the page again: a fresh nonce, from a regrant.
        let first = links.form_nonce(&grant, &sub, Form::Cancel);
        let refused = links.redeem_form(&first, link.as_str()).expect("live");
        let again = links.form_nonce(&Links::regrant(&refused), &sub, Form::Cancel);
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            links.redeem_form(&again, link.as_str()).is_none(),
            "the link's lifetime is over, so is the page's"
        );
    }

    #[test]
    fn a_lifetime_beyond_the_bound_is_cut_to_it() {
        let links = Links::new(Duration::MAX, "http://127.0.0.1:1".into());
        assert_eq!(links.ttl, MAX_TTL);
        let (link, customer) = (PortalLinkId::generate(), CustomerId::generate());
        let url = links.issue(&link, &customer, Action::Overview, None);
        let token = url_token(url.expose());
        assert!(
            links
                .redeem(&token, link.as_str(), Some(Action::Overview), None)
                .is_some()
        );
    }

    #[test]
    fn expired_links_and_nonces_leave_memory_as_new_ones_are_issued() {
        let links = Links::new(Duration::from_millis(30), "http://127.0.0.1:1".into());
        let (link, customer) = (PortalLinkId::generate(), CustomerId::generate());
        let sub = SubscriptionId::generate();
        for _ in 0..50 {
            links.issue(&link, &customer, Action::Overview, None);
        }
        let url = links.issue(&link, &customer, Action::Overview, None);
        let token = url_token(url.expose());
        let grant = links.redeem(&token, link.as_str(), Some(Action::Overview), None);
        let grant = grant.expect("live, once");
        for _ in 0..20 {
            links.form_nonce(&grant, &sub, Form::Cancel);
        }
        let held = |l: &Links| {
            let inner = l.lock();
            (inner.links.len(), inner.forms.len(), inner.expiring.len())
        };
        assert_eq!(held(&links), (50, 20, 71), "all live (one redeemed)");
        std::thread::sleep(Duration::from_millis(60));
        links.issue(&link, &customer, Action::Overview, None);
        assert_eq!(held(&links), (1, 0, 1), "only the new one is left");
    }

    fn url_token(url: &str) -> String {
        let url = Url::parse(url).expect("a url");
        let token = url.query_pairs().find(|(k, _)| k == "token");
        token.expect("a token").1.into_owned()
    }
}

//! Paddle's link-carrying entities, minted from one-time links: portal sessions and a
//! subscription's `management_urls`.

use paddle::entities::{ManagementUrls, PortalGeneralUrls, PortalSubscriptionUrls, PortalUrls};
use paddle::{CustomerId, CustomerPortalSession, PortalLinkId, PortalSessionId};
use paddle::{Subscription, SubscriptionId};

use super::links::{Action, Links};

impl Links {
    /// A new portal session: an overview link plus three deep links per subscription.
    pub(crate) fn session(
        &self,
        customer_id: &CustomerId,
        subscription_ids: &[SubscriptionId],
    ) -> CustomerPortalSession {
        let link_id = PortalLinkId::generate();
        let overview = self.issue(&link_id, customer_id, Action::Overview, None);
        let subscriptions = subscription_ids
            .iter()
            .map(|id| PortalSubscriptionUrls {
                id: id.clone(),
                cancel_subscription: self.issue(
                    &link_id,
                    customer_id,
                    Action::CancelSubscription,
                    Some(id),
                ),
                update_subscription_payment_method: self.issue(
                    &link_id,
                    customer_id,
                    Action::UpdatePaymentMethod,
                    Some(id),
                ),
                view_subscription: Some(self.issue(
                    &link_id,
                    customer_id,
                    Action::ViewSubscription,
                    Some(id),
                )),
            })
            .collect();
        CustomerPortalSession {
            id: PortalSessionId::generate(),
            customer_id: Some(customer_id.clone()),
            urls: PortalUrls {
                general: PortalGeneralUrls { overview },
                subscriptions,
            },
            created_at: crate::state::entities::now(),
        }
    }

    /// Fresh `management_urls` for a subscription in an API answer.
    pub(crate) fn management_urls(&self, sub: &Subscription) -> ManagementUrls {
        let link_id = PortalLinkId::generate();
        let (customer, id) = (&sub.customer_id, Some(&sub.id));
        ManagementUrls {
            update_payment_method: Some(self.issue(
                &link_id,
                customer,
                Action::UpdatePaymentMethod,
                id,
            )),
            cancel: self.issue(&link_id, customer, Action::CancelSubscription, id),
            view_subscription: Some(self.issue(&link_id, customer, Action::ViewSubscription, id)),
        }
    }
}

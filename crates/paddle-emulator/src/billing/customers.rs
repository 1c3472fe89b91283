//! Customers created and changed through the API (`POST`/`PATCH /customers`).

use paddle::entities::CustomData;
use paddle::{Customer, CustomerId, CustomerStatus};

use super::BillingError;
use crate::emulator::Shared;
use crate::state::entities::new_customer;
use crate::webhooks::{EventType, Outbox, customer_data};

/// Why a customer write was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CustomerError {
    /// Another customer has this email address (Paddle's `customer_already_exists`).
    #[error("customer email conflicts with customer of id {0}")]
    AlreadyExists(CustomerId),
    /// No such customer.
    #[error("customer not found")]
    NotFound,
    /// A bug.
    #[error(transparent)]
    Billing(#[from] BillingError),
}

impl From<serde_json::Error> for CustomerError {
    fn from(err: serde_json::Error) -> Self {
        Self::Billing(BillingError::Entity(err))
    }
}

/// The fields of a customer a request sets (`None`: unchanged).
#[derive(Debug, Default)]
pub(crate) struct CustomerFields {
    pub(crate) email: Option<String>,
    pub(crate) name: Option<Option<String>>,
    pub(crate) locale: Option<String>,
    pub(crate) custom_data: Option<Option<CustomData>>,
    pub(crate) status: Option<CustomerStatus>,
}

impl CustomerFields {
    fn apply(self, customer: &mut Customer) {
        if let Some(email) = self.email {
            customer.email = email;
        }
        if let Some(name) = self.name {
            customer.name = name;
        }
        if let Some(locale) = self.locale {
            customer.locale = locale;
        }
        if let Some(custom_data) = self.custom_data {
            customer.custom_data = custom_data;
        }
        if let Some(status) = self.status {
            customer.status = status;
        }
    }
}

/// Creates a customer (`customer.created`); `email` must be new (case-insensitively).
pub(crate) fn create(shared: &Shared, fields: CustomerFields) -> Result<Customer, CustomerError> {
    let (customer, outbox) = shared.store.write(|data| {
        let email = fields.email.clone().unwrap_or_default();
        if let Some(existing) = data.customer_by_email(&email) {
            return Err(CustomerError::AlreadyExists(existing.id.clone()));
        }
        let mut customer = new_customer(&email, None, data.clock.now());
        fields.apply(&mut customer);
        data.customers.insert(customer.id.clone(), customer.clone());
        let mut outbox = Outbox::default();
        outbox.push(
            EventType::CustomerCreated,
            customer_data(&customer)?,
            customer.created_at,
        );
        Ok((customer, outbox))
    })?;
    shared.webhooks.send(outbox);
    tracing::info!(customer_id = %customer.id, "customer created");
    Ok(customer)
}

/// Changes a customer (`customer.updated`); a new `email` must not be another's.
pub(crate) fn update(
    shared: &Shared,
    id: &CustomerId,
    fields: CustomerFields,
) -> Result<Customer, CustomerError> {
    let (customer, outbox) = shared.store.write(|data| {
        if let Some(email) = &fields.email
            && let Some(other) = data.customer_by_email(email)
            && &other.id != id
        {
            return Err(CustomerError::AlreadyExists(other.id.clone()));
        }
        let at = data.now_for(id);
        let customer = data.customers.get_mut(id).ok_or(CustomerError::NotFound)?;
        fields.apply(customer);
        customer.updated_at = at;
        let mut outbox = Outbox::default();
        outbox.push(EventType::CustomerUpdated, customer_data(customer)?, at);
        Ok((customer.clone(), outbox))
    })?;
    shared.webhooks.send(outbox);
    tracing::info!(customer_id = %id, "customer updated");
    Ok(customer)
}

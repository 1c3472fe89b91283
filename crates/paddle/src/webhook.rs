//! Paddle webhooks: signature checks over the raw body, and the event envelope.

mod event;
mod signature;

pub use event::{Event, EventData};
pub use signature::{SIGNATURE_HEADER, VerifyError, sign, verify};

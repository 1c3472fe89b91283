//! Paddle webhooks: signature checks over the raw body, and the event envelope.

mod event;
mod raw_event;
mod signature;

pub use event::{Event, EventData};
pub use raw_event::{RawEvent, SentTime};
pub use signature::{SIGNATURE_HEADER, VerifyError, sign, verify};

//! The app's only wasm: `#[island]` components, one file each. Everything else on a
//! page is server-rendered HTML that works without JavaScript.

pub mod auth_form;
pub mod portal;
#[cfg(feature = "hydrate")]
mod portal_submit;

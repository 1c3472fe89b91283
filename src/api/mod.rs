//! Server functions (`#[server]`), thin: gather the request's session, call the
//! server-side use-case, answer. Compiled for the browser too, as client stubs.

pub mod auth;
pub mod pages;
pub mod portal;

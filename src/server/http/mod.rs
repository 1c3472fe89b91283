//! HTTP plumbing shared by every route: security headers, request ids, probes.

pub mod headers;
pub mod health;
pub mod request_id;
pub mod same_origin;

//! HTTP plumbing shared by every route: the accept loop, security headers, request ids,
//! probes.

pub mod headers;
pub mod health;
pub mod request_id;
pub mod same_origin;
pub mod serve;

//! Who is visiting, as the pages see it: provided per request by the server (from the
//! session), absent for guests. Carries no password hash or token.

/// The signed-in visitor.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub email: String,
    pub verified: bool,
}

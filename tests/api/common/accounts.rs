//! Account helpers: a browser-like client that keeps the session cookie and sends the
//! app's own `Origin`, plus sign-up / log-in / outbox shortcuts.

use std::time::Duration;

use super::TestApp;

/// The session cookie's name.
pub const COOKIE: &str = "paddock_session";
pub const PASSWORD: &str = "correct horse battery";

/// A fresh address per call, so tests never share an account.
pub fn unique_email() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("user{}-{n}@example.com", std::process::id())
}

/// One visitor: keeps the session cookie between requests, like a browser.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self { app, cookie: None }
    }

    /// A form post from the app's own page.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let req = self
            .app
            .client
            .post(self.app.url(path))
            .header("origin", &self.app.origin)
            .form(form);
        self.send(req).await
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let req = self.app.client.get(self.app.url(path));
        self.send(req).await
    }

    async fn send(&mut self, mut req: reqwest::RequestBuilder) -> reqwest::Response {
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("{COOKIE}={c}"));
        }
        let res = req.send().await.expect("request reaches the app");
        for value in res.headers().get_all("set-cookie") {
            let value = value.to_str().expect("ascii cookie");
            if let Some(rest) = value.strip_prefix(&format!("{COOKIE}=")) {
                let v = rest.split(';').next().unwrap_or_default();
                let removed = v.is_empty() || value.contains("Max-Age=0");
                self.cookie = (!removed).then(|| v.to_owned());
            }
        }
        res
    }
}

/// Signs up `email` and asserts the app accepted it.
pub async fn sign_up(app: &TestApp, email: &str) {
    let res = Browser::new(app)
        .post(
            "/api/auth/signup",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "sign-up: {}",
        res.text().await.unwrap_or_default()
    );
}

/// The newest link mailed to `to`.
pub async fn outbox_link(app: &TestApp, to: &str) -> String {
    mailed_link(app, to, "/").await
}

/// The newest link to `to` whose path contains `kind` (`/reset-password`); waits up to
/// 5 s, as some mail is sent in the background.
pub async fn mailed_link(app: &TestApp, to: &str, kind: &str) -> String {
    for _ in 0..50 {
        let list = paddock::server::accounts::mail::list_outbox(&app.outbox, &app.origin).await;
        let found = list
            .into_iter()
            .filter(|m| m.to == to)
            .filter_map(|m| m.link)
            .find(|l| l.contains(kind));
        if let Some(link) = found {
            return link;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail to {to} with a {kind} link");
}

/// How many messages went to `to`.
pub async fn outbox_count(app: &TestApp, to: &str) -> usize {
    let list = paddock::server::accounts::mail::list_outbox(&app.outbox, &app.origin).await;
    list.iter().filter(|m| m.to == to).count()
}

/// The token of a mailed link.
pub fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .expect("link has a token")
        .to_owned()
}

/// Signs up and verifies `email`; returns nothing, the account is ready to log in.
pub async fn verified_user(app: &TestApp, email: &str) {
    sign_up(app, email).await;
    let res = verify(&mut Browser::new(app), email, PASSWORD).await;
    assert_eq!(res.status(), 200, "verify");
}

/// Opens the newest verification link mailed to `email` in `b` and submits it with
/// `password`.
pub async fn verify(b: &mut Browser<'_>, email: &str, password: &str) -> reqwest::Response {
    let token = token_of(&mailed_link(b.app, email, "/verify-email").await);
    b.post(
        "/api/auth/verify-email",
        &[("token", &token), ("password", password)],
    )
    .await
}

/// Asks for a reset link for `email`; the token it carries.
pub async fn reset_token(app: &TestApp, email: &str) -> String {
    let res = Browser::new(app)
        .post("/api/auth/forgot-password", &[("email", email)])
        .await;
    assert_eq!(res.status(), 200, "forgot-password");
    token_of(&mailed_link(app, email, "/reset-password").await)
}

/// Asks for a reset link for `email` and sets `password` with it.
pub async fn reset(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let token = reset_token(app, email).await;
    Browser::new(app)
        .post(
            "/api/auth/reset-password",
            &[("token", &token), ("password", password)],
        )
        .await
}

/// Ages the account of `email` by `secs` (as if it had signed up that much earlier).
pub async fn age_account(app: &TestApp, email: &str, secs: i64) {
    use paddock::server::db::Database;
    let sql = "UPDATE users SET created_at = created_at - $2 WHERE email = $1";
    let done = match &app.db {
        Database::Sqlite(pool) => sqlx::query(sql)
            .bind(email)
            .bind(secs)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        Database::Postgres(pool) => sqlx::query(sql)
            .bind(email)
            .bind(secs)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
    };
    assert_eq!(done.expect("update"), 1, "one account aged");
}

/// Logs in a new browser as `email`.
pub async fn log_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Browser<'a> {
    let mut b = Browser::new(app);
    let res = b
        .post(
            "/api/auth/login",
            &[("email", email), ("password", password)],
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "log-in: {}",
        res.text().await.unwrap_or_default()
    );
    assert!(b.cookie.is_some(), "log-in sets the session cookie");
    b
}

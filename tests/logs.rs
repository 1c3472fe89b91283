//! No response or log line carries a password, a password hash or a mailed token. A
//! binary of its own: it installs the process's global log subscriber.
#![cfg(feature = "ssr")]

// The API tests' harness; this binary uses a small part of it.
#[allow(dead_code)]
#[path = "api/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};

use common::accounts::{Browser, mailed_link, outbox_link, token_of, unique_email};
use paddock::server::db::Database;

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

async fn stored_secrets(db: &Database) -> Vec<String> {
    let mut all = Vec::new();
    for sql in [
        "SELECT password_hash FROM users",
        "SELECT token_hash FROM email_tokens",
    ] {
        let rows: Result<Vec<String>, sqlx::Error> = match db {
            Database::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await,
            Database::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await,
        };
        all.extend(rows.expect("stored secrets"));
    }
    all
}

#[tokio::test]
async fn no_response_or_log_line_contains_a_password_hash_or_token() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    // Global (this binary holds one test): sqlx's SQLite threads log too.
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");

    let app = common::spawn_app().await;
    let email = unique_email();
    let (first, second) = ("first secret password", "second secret password");
    let mut b = Browser::new(&app);
    let mut bodies = Vec::new();
    let record = |res: reqwest::Response| async move {
        let headers = format!("{:?}", res.headers());
        let body = res.text().await.expect("body");
        format!("{headers}\n{body}")
    };

    let res = b
        .post(
            "/api/auth/signup",
            &[("email", &email), ("password", first)],
        )
        .await;
    bodies.push(record(res).await);
    let verify = token_of(&outbox_link(&app, &email).await);
    let res = b
        .post(
            "/api/auth/verify-email",
            &[("token", &verify), ("password", first)],
        )
        .await;
    bodies.push(record(res).await);
    let res = b
        .post("/api/auth/login", &[("email", &email), ("password", first)])
        .await;
    bodies.push(record(res).await);
    let res = b.get("/dashboard").await;
    bodies.push(record(res).await);
    let res = b
        .post(
            "/api/auth/login",
            &[("email", &email), ("password", "wrong one!")],
        )
        .await;
    bodies.push(record(res).await);
    let res = b
        .post("/api/auth/forgot-password", &[("email", &email)])
        .await;
    bodies.push(record(res).await);
    let reset_link = mailed_link(&app, &email, "/reset-password").await;
    assert!(reset_link.contains("reset-password"));
    let reset = token_of(&reset_link);
    let res = b
        .post(
            "/api/auth/reset-password",
            &[("token", &reset), ("password", second)],
        )
        .await;
    bodies.push(record(res).await);
    let res = b
        .post(
            "/api/auth/login",
            &[("email", &email), ("password", second)],
        )
        .await;
    bodies.push(record(res).await);
    let res = b.post("/api/auth/logout", &[]).await;
    bodies.push(record(res).await);

    let mut secrets: Vec<String> = vec![first.into(), second.into(), verify, reset];
    secrets.extend(stored_secrets(&app.db).await);
    let logs = String::from_utf8(logs.0.lock().expect("logs").clone()).expect("utf-8");
    assert!(logs.contains("logged in"), "logs were captured: {logs}");
    assert!(logs.contains("outbox"), "the mail path is logged");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a log line carries a secret"
        );
        for body in &bodies {
            assert!(
                !body.contains(secret.as_str()),
                "a response carries a secret: {body}"
            );
        }
    }
    assert!(!logs.contains("$argon2"), "no hash in the logs");
}

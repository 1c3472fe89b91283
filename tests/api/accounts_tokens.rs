//! Mailed links (verification, password reset), abuse limits and cross-site refusal.
use crate::common::accounts::{
    Browser, PASSWORD, log_in, mailed_link, outbox_link, reset_token, sign_up, token_of,
    unique_email, verified_user,
};
use crate::common::{backends, spawn_app, spawn_app_on};
use paddock::server::db::Database;

async fn expire_all_tokens(db: &Database) {
    let sql = "UPDATE email_tokens SET expires_at = 0";
    match db {
        Database::Sqlite(p) => sqlx::query(sql).execute(p).await.map(drop),
        Database::Postgres(p) => sqlx::query(sql).execute(p).await.map(drop),
    }
    .expect("expire tokens");
}

#[tokio::test]
async fn expired_reused_and_tampered_tokens_each_fail_with_their_message() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let mut b = Browser::new(&app);

        let fresh = unique_email();
        sign_up(&app, &fresh).await;
        let token = token_of(&outbox_link(&app, &fresh).await);
        let ok = b
            .post(
                "/api/auth/verify-email",
                &[("token", &token), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(ok.status(), 200, "{backend:?}");
        let reused = b
            .post(
                "/api/auth/verify-email",
                &[("token", &token), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(reused.status(), 400);
        assert!(
            reused
                .text()
                .await
                .expect("body")
                .contains("already been used")
        );

        let mut tampered = token.clone();
        tampered.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
        let res = b
            .post(
                "/api/auth/verify-email",
                &[("token", &tampered), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 400);
        assert!(res.text().await.expect("body").contains("not valid"));
        let res = b
            .post(
                "/api/auth/verify-email",
                &[("token", "garbage"), ("password", PASSWORD)],
            )
            .await;
        assert!(res.text().await.expect("body").contains("not valid"));

        let late = unique_email();
        sign_up(&app, &late).await;
        let token = token_of(&outbox_link(&app, &late).await);
        expire_all_tokens(&app.db).await;
        let res = b
            .post(
                "/api/auth/verify-email",
                &[("token", &token), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 400);
        assert!(
            res.text().await.expect("body").contains("expired"),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn password_reset_ends_other_sessions() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        verified_user(&app, &email).await;
        let mut laptop = log_in(&app, &email, PASSWORD).await;
        assert_eq!(laptop.get("/dashboard").await.status(), 200);

        let mut phone = Browser::new(&app);
        let res = phone
            .post("/api/auth/forgot-password", &[("email", &email)])
            .await;
        assert_eq!(res.status(), 200);
        let link = mailed_link(&app, &email, "/reset-password").await;
        assert!(link.contains("/reset-password?token="), "{link}");
        let new_password = "a brand new password";
        let form = [
            ("token", token_of(&link)),
            ("password", new_password.into()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = phone.post("/api/auth/reset-password", &form).await;
        assert_eq!(res.status(), 200, "{backend:?}");

        assert_eq!(
            laptop.get("/dashboard").await.status(),
            307,
            "{backend:?}: ended"
        );
        let old = Browser::new(&app)
            .post(
                "/api/auth/login",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(old.status(), 401);
        log_in(&app, &email, new_password).await;
        let again = phone.post("/api/auth/reset-password", &form).await;
        assert_eq!(again.status(), 400, "a reset link works once");
    }
}

#[tokio::test]
async fn forgot_password_answers_the_same_with_or_without_an_account() {
    let app = spawn_app().await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let mut b = Browser::new(&app);
    let known = b
        .post("/api/auth/forgot-password", &[("email", &email)])
        .await;
    let unknown = b
        .post(
            "/api/auth/forgot-password",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.text().await.expect("body"),
        unknown.text().await.expect("body")
    );
}

#[tokio::test]
async fn the_eleventh_failed_log_in_gets_429_with_retry_after() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        sign_up(&app, &email).await;
        let mut b = Browser::new(&app);
        let wrong = [("email", email.as_str()), ("password", "wrong password")];
        for n in 1..=10 {
            let res = b.post("/api/auth/login", &wrong).await;
            assert_eq!(res.status(), 401, "{backend:?}: attempt {n}");
        }
        let res = b.post("/api/auth/login", &wrong).await;
        assert_eq!(res.status(), 429, "{backend:?}");
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        // A sliding window made of two fixed ones: a full window clears within at most
        // one more window.
        assert!((1..=1800).contains(&retry), "{retry}");
        assert!(
            res.text()
                .await
                .expect("body")
                .contains("Too many attempts")
        );
        let right = [("email", email.as_str()), ("password", PASSWORD)];
        let res = b.post("/api/auth/login", &right).await;
        assert_eq!(res.status(), 429, "still limited with the right password");
    }
}

#[tokio::test]
async fn only_the_webhook_route_takes_posts_from_other_sites() {
    let app = spawn_app().await;
    // Paddle's signed route is outside the cross-site check (it answers for the
    // signature: 400 unsigned); no other path under /webhooks/ is.
    for (path, status) in [("/webhooks/paddle", 400), ("/webhooks/other", 403)] {
        let res = app
            .client
            .post(app.url(path))
            .header("origin", "http://evil.example")
            .body("{}")
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), status, "{path}");
    }
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = spawn_app().await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let form = [("email", email.as_str()), ("password", PASSWORD)];
    let evil = app
        .client
        .post(app.url("/api/auth/login"))
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(evil.status(), 403);
    assert!(evil.headers().get("set-cookie").is_none());
    let bare = app
        .client
        .post(app.url("/api/auth/login"))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(bare.status(), 403, "no Origin and no Referer");
    let referer = app
        .client
        .post(app.url("/api/auth/login"))
        .header("referer", format!("{}/login", app.origin))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(referer.status(), 200, "own Referer is enough");
}

#[tokio::test]
async fn a_reset_refused_while_the_hasher_is_busy_leaves_its_link_usable() {
    use paddock::server::accounts::{Backend, Failure, reset_password};
    let app = spawn_app().await;
    let email = unique_email();
    verified_user(&app, &email).await;
    let token = reset_token(&app, &email).await;
    // The accounts logic on the app's database, every place in its password hasher taken.
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = crate::common::settings(dir.path(), &app.database_url, &[]).accounts;
    let limits = paddock::server::limits::in_memory();
    let accounts = Backend::new(app.db.clone(), settings, app.origin.clone(), limits);
    let taken: Vec<_> = std::iter::from_fn(|| accounts.hasher.admit().ok()).collect();
    assert!(!taken.is_empty());
    let new = "a brand new password";
    let busy = reset_password(&accounts, &token, new.into()).await;
    assert!(matches!(busy, Err(Failure::Busy)), "{busy:?}");
    drop(taken);
    reset_password(&accounts, &token, new.into())
        .await
        .expect("the link still works");
    log_in(&app, &email, new).await;
    // Used now: a second time is refused.
    let again = reset_password(&accounts, &token, "yet another password".into()).await;
    assert!(matches!(again, Err(Failure::Refused(_))), "{again:?}");
}

#[tokio::test]
async fn a_reset_that_fails_on_the_way_leaves_its_link_usable_and_the_password_unchanged() {
    let app = spawn_app().await;
    let email = unique_email();
    verified_user(&app, &email).await;
    let token = reset_token(&app, &email).await;
    let mut b = Browser::new(&app);
    // The database refuses the new hash, after the link has been used in the same reset.
    let pool = match &app.db {
        Database::Sqlite(pool) => pool.clone(),
        Database::Postgres(_) => unreachable!("SQLite app"),
    };
    sqlx::query(
        "CREATE TRIGGER refuse_hash BEFORE UPDATE OF password_hash ON users \
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    )
    .execute(&pool)
    .await
    .expect("trigger");
    let form = [
        ("token", token.as_str()),
        ("password", "a brand new password"),
    ];
    let res = b.post("/api/auth/reset-password", &form).await;
    assert_eq!(res.status(), 500, "the failure is ours");
    sqlx::query("DROP TRIGGER refuse_hash")
        .execute(&pool)
        .await
        .expect("drop");
    log_in(&app, &email, PASSWORD).await;
    let res = b.post("/api/auth/reset-password", &form).await;
    assert_eq!(res.status(), 200, "the link still works");
    log_in(&app, &email, "a brand new password").await;
}

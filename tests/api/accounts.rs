//! Accounts over HTTP: sign-up, verification, log-in, the dashboard, the outbox. SQLite always,
//! Postgres too when TEST_POSTGRES_URL is set.
use crate::common::accounts::{
    Browser, PASSWORD, log_in, outbox_count, outbox_link, sign_up, token_of, unique_email,
    verified_user,
};
use crate::common::{backends, spawn_app_on};

#[tokio::test]
async fn sign_up_mails_a_link_that_verifies_then_log_in_reaches_the_dashboard() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        sign_up(&app, &email).await;
        assert_eq!(outbox_count(&app, &email).await, 1, "{backend:?}");
        let link = outbox_link(&app, &email).await;
        assert!(
            link.starts_with(&format!("{}/verify-email?token=", app.origin)),
            "{link}"
        );

        let mut visitor = Browser::new(&app);
        let page = visitor.get(&link.replace(&app.origin, "")).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.expect("body").contains("Verify email"));
        let res = visitor
            .post(
                "/api/auth/verify-email",
                &[("token", &token_of(&link)), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200, "{backend:?}");

        let mut user = log_in(&app, &email, PASSWORD).await;
        let dashboard = user.get("/dashboard").await;
        assert_eq!(dashboard.status(), 200);
        let html = dashboard.text().await.expect("body");
        assert!(html.contains(&email), "shows the account");
        assert!(html.contains("Verified"));
        assert!(
            html.contains("Subscribe first"),
            "billing for a verified user"
        );
        assert!(html.contains("Log out"), "nav offers log-out");
    }
}

#[tokio::test]
async fn an_unverified_user_can_log_in_but_sees_no_billing() {
    let app = crate::common::spawn_app().await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let mut user = log_in(&app, &email, PASSWORD).await;
    let html = user.get("/dashboard").await.text().await.expect("body");
    assert!(html.contains("Verify your email to manage billing"));
    assert!(html.contains("Resend verification email"));
    assert!(
        !html.contains("Subscribe first"),
        "no billing before verification"
    );

    let res = user.post("/api/auth/resend-verification", &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(outbox_count(&app, &email).await, 2, "a second link");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        verified_user(&app, &email).await;
        let mut b = Browser::new(&app);
        let wrong = b
            .post(
                "/api/auth/login",
                &[("email", &email), ("password", "not the password")],
            )
            .await;
        assert_eq!(wrong.status(), 401);
        let wrong = wrong.text().await.expect("body");
        let unknown = b
            .post(
                "/api/auth/login",
                &[("email", "nobody@example.com"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(unknown.status(), 401);
        assert_eq!(unknown.text().await.expect("body"), wrong);
        assert!(wrong.contains("Invalid email or password"), "{wrong}");
        assert!(b.cookie.is_none(), "no session for a failed log-in");
    }
}

#[tokio::test]
async fn emails_are_normalised_and_unique() {
    let app = crate::common::spawn_app().await;
    let email = unique_email();
    let shouted = format!("  {}  ", email.to_uppercase());
    let mut b = Browser::new(&app);
    let res = b
        .post(
            "/api/auth/signup",
            &[("email", &shouted), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let again = b
        .post(
            "/api/auth/signup",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), 200, "the same answer as for a new address");
    assert_eq!(outbox_count(&app, &email).await, 2, "the owner is told");
    log_in(&app, &shouted, PASSWORD).await;
}

#[tokio::test]
async fn sign_up_refuses_bad_input_with_a_message() {
    let app = crate::common::spawn_app().await;
    let mut b = Browser::new(&app);
    let short = b
        .post(
            "/api/auth/signup",
            &[("email", &unique_email()), ("password", "1234567")],
        )
        .await;
    assert_eq!(short.status(), 422);
    assert!(
        short
            .text()
            .await
            .expect("body")
            .contains("8 to 256 characters")
    );
    let long = "a".repeat(257);
    let res = b
        .post(
            "/api/auth/signup",
            &[("email", &unique_email()), ("password", &long)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let bad = b
        .post(
            "/api/auth/signup",
            &[("email", "not-an-email"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.expect("body").contains("valid email"));
}

#[tokio::test]
async fn the_dev_mail_page_lists_the_outbox_with_links() {
    let app = crate::common::spawn_app().await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let link = outbox_link(&app, &email).await;
    let res = app.get("/dev/mail").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(html.contains(&email));
    assert!(html.contains("Verify your email for Paddock"));
    assert!(html.contains(&format!("href=\"{link}\"")));
}

#[tokio::test]
async fn dev_mail_does_not_exist_when_smtp_is_configured() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = crate::common::fresh_database(crate::common::Backend::Sqlite, dir.path()).await;
    let settings = crate::common::settings(
        dir.path(),
        &url,
        &[("SMTP_URL", "smtps://user:secret@smtp.example.com:465")],
    );
    let db = paddock::server::db::Database::connect(&settings.database_url)
        .await
        .expect("database");
    paddock::server::accounts::sessions::start(&db)
        .await
        .expect("sessions");
    let app = crate::common::spawn_with(settings, db, dir, pg).await;
    assert_eq!(app.get("/dev/mail").await.status(), 404);
    // Nor does its data: a script that asks gets the typed error.
    let res = app
        .client
        .post(app.url("/api/pages/outbox"))
        .header("origin", &app.origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("request reaches the app");
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body, serde_json::json!({"error": "not_found"}));
}

/// The outbox holds every reset link: a client elsewhere, or a page that reaches the app
/// under another name (DNS rebinding to 127.0.0.1), gets the 404, page and data alike.
#[tokio::test]
async fn dev_mail_is_only_for_this_machine_asking_by_the_public_url() {
    let app = crate::common::spawn_app_with(
        crate::common::Backend::Sqlite,
        &[("TRUST_X_FORWARDED_FOR", "true")],
    )
    .await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let page = |headers: &'static [(&'static str, &'static str)]| {
        let mut req = app.client.get(app.url("/dev/mail"));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    let here = page(&[]).await.expect("answer");
    assert_eq!(here.status(), 200);
    assert!(here.text().await.expect("body").contains(&email));
    for headers in [
        &[("host", "rebound.example:3000")][..],
        &[("x-forwarded-for", "203.0.113.9")][..],
    ] {
        let res = page(headers).await.expect("answer");
        assert_eq!(res.status(), 404, "{headers:?}");
        assert!(
            !res.text().await.expect("body").contains(&email),
            "{headers:?}"
        );
    }
    let data = app
        .client
        .post(app.url("/api/pages/outbox"))
        .header("origin", &app.origin)
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .expect("answer");
    assert_eq!(data.status(), 404);
    assert!(!data.text().await.expect("body").contains(&email));
}

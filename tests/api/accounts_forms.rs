//! The account forms without JavaScript, and the same functions as a script sees them: a
//! failed form post lands on the page that can fix it, the error in the framework's
//! `?__path=…&__err=…` and shown in words; a script reads the error by name.
use crate::common::accounts::{
    Browser, COOKIE, PASSWORD, log_in, mailed_link, outbox_link, sign_up, token_of, unique_email,
    verified_user,
};
use crate::common::{Backend, TestApp, spawn_app, spawn_app_with};

/// A form post as a browser sends it (form-encoded, asking for a page, with the page it
/// came from as `Referer`); returns the status and the `Location`.
async fn form_post(
    b: &Browser<'_>,
    from: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let mut req = b
        .app
        .client
        .post(b.app.url(path))
        .header("origin", &b.app.origin)
        .header("referer", format!("{}{from}", b.app.origin))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .form(form);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", format!("{COOKIE}={c}"));
    }
    let res = req.send().await.expect("answer");
    let location = res.headers().get("location").map(|v| {
        let v = v.to_str().expect("ascii");
        v.strip_prefix(&b.app.origin).unwrap_or(v).to_owned()
    });
    (res.status().as_u16(), location.expect("a Location"))
}

async fn page(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.expect("page")
}

#[tokio::test]
async fn a_refused_form_lands_on_the_page_that_can_fix_it() {
    let app = spawn_app().await;
    let b = Browser::new(&app);
    let email = unique_email();
    sign_up(&app, &email).await;
    let verify = token_of(&outbox_link(&app, &email).await);

    // A wrong password keeps the mailed link: the same page, the way out named.
    let form = [("token", verify.as_str()), ("password", "not the password")];
    let from = format!("/verify-email?token={verify}");
    let (status, back) = form_post(&b, &from, "/api/auth/verify-email", &form).await;
    assert_eq!(status, 302);
    let kept = format!("/verify-email?token={verify}&__path=%2Fapi%2Fauth%2Fverify-email&__err=");
    assert!(back.starts_with(&kept), "{back}");
    let html = page(&app, &back).await;
    assert!(html.contains("reset the password"), "{html}");
    assert!(html.contains(&format!(r#"name="token" value="{verify}""#)));

    // A link that is no good: the page without it, which says what to do.
    let form = [("token", "garbage"), ("password", PASSWORD)];
    let (_, back) = form_post(
        &b,
        "/verify-email?token=garbage",
        "/api/auth/verify-email",
        &form,
    )
    .await;
    assert!(back.starts_with("/verify-email?__path="), "{back}");
    assert!(page(&app, &back).await.contains("This link is not valid."));

    // A reset link used up: to the page that mails a new one.
    let res = Browser::new(&app)
        .post("/api/auth/forgot-password", &[("email", &email)])
        .await;
    assert_eq!(res.status(), 200);
    let reset = token_of(&mailed_link(&app, &email, "/reset-password").await);
    let from = format!("/reset-password?token={reset}");
    let short = [("token", reset.as_str()), ("password", "short")];
    let (_, back) = form_post(&b, &from, "/api/auth/reset-password", &short).await;
    assert!(back.starts_with(&format!("{from}&__path=")), "{back}");
    assert!(
        page(&app, &back)
            .await
            .contains("Use a password of 8 to 256 characters.")
    );
    let good = [
        ("token", reset.as_str()),
        ("password", "a new long password"),
    ];
    let (status, to) = form_post(&b, &from, "/api/auth/reset-password", &good).await;
    assert_eq!(
        (status, to.as_str()),
        (302, "/login?notice=password_changed")
    );
    let (_, back) = form_post(&b, &from, "/api/auth/reset-password", &good).await;
    assert!(back.starts_with("/forgot-password?__path="), "{back}");
    assert!(page(&app, &back).await.contains("already been used"));

    // The log-in form keeps where it returns to.
    let wrong = [
        ("email", email.as_str()),
        ("password", "wrong password"),
        ("next", "/dashboard"),
    ];
    let (_, back) = form_post(&b, "/login?next=/dashboard", "/api/auth/login", &wrong).await;
    assert!(back.starts_with("/login?next=/dashboard&__path="), "{back}");
    let html = page(&app, &back).await;
    assert!(html.contains("Invalid email or password."));
    assert!(html.contains(r#"name="next" value="/dashboard""#));
}

#[tokio::test]
async fn a_form_missing_a_field_comes_back_with_the_frameworks_error_in_words() {
    let app = spawn_app().await;
    let b = Browser::new(&app);
    let form = [("email", "someone@example.com")];
    let (status, back) = form_post(&b, "/login", "/api/auth/login", &form).await;
    assert_eq!(status, 302);
    assert!(back.starts_with("/login?__path="), "{back}");
    let html = page(&app, &back).await;
    assert!(html.contains("Fill in every field of the form"), "{html}");
}

#[tokio::test]
async fn a_script_reads_the_error_by_name_with_its_status() {
    let app = spawn_app_with(Backend::Sqlite, &[("LOGIN_FAILURES_PER_WINDOW", "1")]).await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let mut b = Browser::new(&app);
    let wrong = [("email", email.as_str()), ("password", "wrong password")];
    let res = b.post("/api/auth/login", &wrong).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/json");
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(
        body,
        serde_json::json!({"error": "invalid", "message": "Invalid email or password."})
    );

    let res = b.post("/api/auth/login", &wrong).await;
    assert_eq!(res.status(), 429);
    let header: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["error"], "rate_limited");
    assert_eq!(
        body["retry_after"], header,
        "the body says the header's wait"
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Too many attempts"))
    );
}

/// The dashboard shows the errors of two kinds of function, each by its own `__path`: a
/// failed resend is an account error in words, never read as a portal error.
#[tokio::test]
async fn a_refused_resend_shows_its_own_words_on_the_dashboard() {
    let app = spawn_app_with(Backend::Sqlite, &[("MAILS_PER_ADDRESS_PER_HOUR", "1")]).await;
    let email = unique_email();
    verified_user(&app, &email).await;
    // A reset request uses up the address's one mail of the hour.
    let res = Browser::new(&app)
        .post("/api/auth/forgot-password", &[("email", &email)])
        .await;
    assert_eq!(res.status(), 200);
    let mut user = log_in(&app, &email, PASSWORD).await;
    let (status, back) = form_post(&user, "/dashboard", "/api/auth/resend-verification", &[]).await;
    assert_eq!(status, 302);
    assert!(
        back.starts_with("/dashboard?__path=%2Fapi%2Fauth%2Fresend-verification&__err="),
        "{back}"
    );
    let html = user.get(&back).await.text().await.expect("page");
    assert!(html.contains("Too many attempts."), "{html}");
    assert!(
        !html.contains("temporarily unavailable"),
        "not a portal error"
    );
}

/// Anyone can hand a victim a link with an error of their making in its `__err`: the page
/// shows only the words of the variant it names, never text from the link.
#[tokio::test]
async fn a_crafted_error_link_shows_only_our_own_words() {
    use leptos::server_fn::error::{ServerFnErrorErr, ServerFnUrlError};
    use paddock::api::auth::AuthError;
    let app = spawn_app().await;
    let lure = "Your account is locked: call +1 555 0100 to unlock it";
    let crafted = AuthError::ServerFn {
        cause: ServerFnErrorErr::ServerError(lure.into()),
    };
    let url = ServerFnUrlError::new("/api/auth/login", crafted)
        .to_url(&app.url("/login"))
        .expect("a URL");
    // The lure travels in the link (inside the error's cause); the page must not show it.
    let html = page(&app, &url[url::Position::BeforePath..]).await;
    assert!(!html.contains("call +1 555"), "{html}");
    assert!(html.contains("Something went wrong on our side."), "{html}");
}

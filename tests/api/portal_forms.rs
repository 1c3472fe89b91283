//! The portal buttons as plain forms (no JavaScript): a browser's form post gets a 303
//! to the portal, or back to the dashboard with the error in words; the page's CSP
//! lets exactly that redirect through.
use crate::common::accounts::{Browser, COOKIE, PASSWORD, log_in, unique_email, verified_user};
use crate::common::portal::{portal_calls, subscriber};
use crate::common::{backends, spawn_app_on};

/// A form post as a browser sends it from the dashboard: form-encoded, asking for a page.
async fn form_post(b: &Browser<'_>, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let mut req = b
        .app
        .client
        .post(b.app.url(path))
        .header("origin", &b.app.origin)
        .header("referer", format!("{}/dashboard", b.app.origin))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .form(form);
    if let Some(c) = &b.cookie {
        req = req.header("cookie", format!("{COOKIE}={c}"));
    }
    req.send().await.expect("answer")
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned()
}

fn no_store(res: &reqwest::Response) -> bool {
    res.headers()
        .get("cache-control")
        .is_some_and(|v| v.as_bytes() == b"no-store")
}

#[tokio::test]
async fn a_form_post_is_sent_to_a_fresh_portal_url_with_303() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (user, _, sub) = subscriber(&app, &unique_email()).await;
        let origin = app.emulator_origin.as_ref().expect("local").as_str();
        let first = form_post(&user, "/api/portal/session", &[]).await;
        assert_eq!(first.status(), 303, "{backend:?}");
        assert!(no_store(&first));
        let first = location(&first);
        assert!(first.starts_with(origin), "{first}");
        let second = location(&form_post(&user, "/api/portal/session", &[]).await);
        assert_ne!(first, second, "two posts, two URLs");

        for action in ["cancel", "update_payment_method"] {
            let form = [("subscription_id", sub.as_str()), ("action", action)];
            let res = form_post(&user, "/api/portal/link", &form).await;
            assert_eq!(res.status(), 303, "{backend:?} {action}");
            let to = location(&res);
            assert!(to.starts_with(origin) && to.contains(&sub), "{to}");
        }
    }
}

#[tokio::test]
async fn a_refused_form_post_goes_back_to_the_dashboard_with_the_error_in_words() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (alice, _, _) = subscriber(&app, &unique_email()).await;
    let (_, _, bob_sub) = subscriber(&app, &unique_email()).await;
    let nobody = unique_email();
    verified_user(&app, &nobody).await;
    let mut nobody = log_in(&app, &nobody, PASSWORD).await;
    let before = portal_calls(&app).await;

    let form = [("subscription_id", bob_sub.as_str()), ("action", "cancel")];
    let res = form_post(&alice, "/api/portal/link", &form).await;
    assert_eq!(res.status(), 303);
    let back = location(&res);
    assert!(
        back.starts_with(&format!("{}/dashboard?", app.origin)),
        "{back}"
    );
    let mut alice = alice;
    let page = alice.get(&back.replace(&app.origin, "")).await;
    let html = page.text().await.expect("page");
    assert!(html.contains("Subscription not found."), "shown in words");

    let res = form_post(&nobody, "/api/portal/session", &[]).await;
    assert_eq!(res.status(), 303);
    let back = location(&res).replace(&app.origin, "");
    let html = nobody.get(&back).await.text().await.expect("page");
    assert!(html.contains("No Paddle customer"), "{html}");
    assert!(html.contains("Subscribe first"));

    // Logged out: to the log-in page, which returns to the dashboard.
    let res = form_post(&Browser::new(&app), "/api/portal/session", &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login?next=%2Fdashboard");

    assert_eq!(
        portal_calls(&app).await,
        before,
        "no Paddle call for any refusal"
    );
}

#[tokio::test]
async fn the_dashboards_form_action_is_self_and_the_portal_origin_only() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (mut user, _, _) = subscriber(&app, &unique_email()).await;
    let res = user.get("/dashboard").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let emulator = app.emulator_origin.as_ref().expect("local");
    let origin = emulator.origin().ascii_serialization();
    let form_action = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("form-action"))
        .expect("a form-action directive");
    assert_eq!(form_action, format!("form-action 'self' {origin}"));
    let html = res.text().await.expect("page");
    assert!(
        html.contains(r#"action="/api/portal/session""#),
        "forms post to the functions"
    );
    assert!(html.contains(r#"action="/api/portal/link""#));
}

/// What the framework cannot decode, or an action the server does not know, still ends
/// as a page for a plain form: a redirect to the dashboard, never the error's JSON with a
/// 4xx (a browser does not follow a `Location` on a 4xx). A script gets the status.
#[tokio::test]
async fn a_form_the_server_cannot_use_goes_back_to_the_dashboard_and_a_script_gets_422() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (mut user, _, sub) = subscriber(&app, &unique_email()).await;
    let before = portal_calls(&app).await;
    let unknown = [("subscription_id", sub.as_str()), ("action", "pause")];
    let res = form_post(&user, "/api/portal/link", &unknown).await;
    assert_eq!(res.status(), 303);
    let back = location(&res).replace(&app.origin, "");
    assert!(back.starts_with("/dashboard?"), "{back}");
    let page = user.get(&back).await;
    assert_eq!(page.status(), 200);

    let missing = [("subscription_id", sub.as_str())];
    let res = form_post(&user, "/api/portal/link", &missing).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(location(&res).contains("/dashboard"), "{}", location(&res));

    // A page asked to show an error it cannot read is still the page.
    let page = user
        .get("/dashboard?__path=%2Fapi%2Fportal%2Fsession&__err=!")
        .await;
    assert_eq!(page.status(), 200);

    let script = user
        .app
        .client
        .post(user.app.url("/api/portal/link"))
        .header("origin", &user.app.origin)
        .header(
            "cookie",
            format!("{COOKIE}={}", user.cookie.clone().unwrap_or_default()),
        )
        .form(&unknown)
        .send()
        .await
        .expect("answer");
    assert_eq!(script.status(), 422);
    assert_eq!(portal_calls(&app).await, before, "no Paddle call");
}

//! Sessions over HTTP: the cookie, id cycling at log-in, log-out, protected pages and
//! plain-form redirects. SQLite always, Postgres too when TEST_POSTGRES_URL is set.
use crate::common::accounts::{
    Browser, PASSWORD, age_account, log_in, sign_up, unique_email, verified_user,
};
use crate::common::{backends, spawn_app_on};
use paddock::server::accounts::sessions::Store;
use paddock::server::db::{Database, users};
use tower_sessions::SessionStore;
use tower_sessions::session::Id;

#[tokio::test]
async fn the_session_id_changes_at_log_in_and_the_old_one_stops_working() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        verified_user(&app, &email).await;
        // A live session id planted before log-in (fixation: the attacker's own) is never
        // kept, and its holder does not get the victim's session.
        let attacker_email = unique_email();
        verified_user(&app, &attacker_email).await;
        let attacker = log_in(&app, &attacker_email, PASSWORD).await;
        let planted_id = attacker.cookie.clone().expect("cookie");
        let mut planted = Browser::new(&app);
        planted.cookie = Some(planted_id.clone());
        let res = planted
            .post(
                "/api/auth/login",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_ne!(planted.cookie.as_deref(), Some(planted_id.as_str()));
        let mut holder = Browser::new(&app);
        holder.cookie = Some(planted_id);
        let page = holder.get("/dashboard").await;
        assert_eq!(
            page.status(),
            307,
            "{backend:?}: the planted id is no session now"
        );

        let mut b = log_in(&app, &email, PASSWORD).await;
        let first = b.cookie.clone().expect("cookie");
        let res = b
            .post(
                "/api/auth/login",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200);
        let second = b.cookie.clone().expect("cookie");
        assert_ne!(first, second, "{backend:?}: log-in cycles the session id");

        let mut old = Browser::new(&app);
        old.cookie = Some(first);
        assert_eq!(old.get("/dashboard").await.status(), 307, "{backend:?}");
        assert_eq!(b.get("/dashboard").await.status(), 200);
    }
}

#[tokio::test]
async fn a_session_left_by_an_account_that_is_gone_is_not_kept_at_the_next_log_in() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        // An attacker's throwaway account, signed in; it expires unverified, and its
        // session (still holding its log-in) stays in the store.
        let throwaway = unique_email();
        sign_up(&app, &throwaway).await;
        let planted = log_in(&app, &throwaway, PASSWORD)
            .await
            .cookie
            .expect("cookie");
        age_account(&app, &throwaway, 73 * 3600).await;
        // The id planted in the victim's browser, which then logs in.
        let email = unique_email();
        verified_user(&app, &email).await;
        let mut victim = Browser::new(&app);
        victim.cookie = Some(planted.clone());
        let res = victim
            .post(
                "/api/auth/login",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200, "{backend:?}");
        assert_ne!(
            victim.cookie.as_deref(),
            Some(planted.as_str()),
            "{backend:?}: a fresh id"
        );
        let mut attacker = Browser::new(&app);
        attacker.cookie = Some(planted);
        assert_eq!(
            attacker.get("/dashboard").await.status(),
            307,
            "{backend:?}: the planted id is not the victim's session"
        );
        assert_eq!(victim.get("/dashboard").await.status(), 200);
    }
}

/// The `Set-Cookie` of a new account's log-in.
async fn session_cookie_at_log_in(app: &crate::common::TestApp) -> String {
    let email = unique_email();
    sign_up(app, &email).await;
    let res = Browser::new(app)
        .post(
            "/api/auth/login",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_site_wide() {
    let app = crate::common::spawn_app().await;
    let cookie = session_cookie_at_log_in(&app).await;
    assert!(cookie.starts_with("paddock_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
}

#[tokio::test]
async fn on_https_the_session_cookie_is_host_only_and_secure() {
    let app = crate::common::spawn_app_with(
        crate::common::Backend::Sqlite,
        &[("PUBLIC_URL", "https://billing.example.test")],
    )
    .await;
    assert_eq!(app.origin, "https://billing.example.test");
    let cookie = session_cookie_at_log_in(&app).await;
    assert!(cookie.starts_with("__Host-paddock_session="), "{cookie}");
    for part in ["Secure", "Path=/", "HttpOnly"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
}

#[tokio::test]
async fn after_log_out_the_old_cookie_no_longer_reaches_the_dashboard() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        verified_user(&app, &email).await;
        let mut b = log_in(&app, &email, PASSWORD).await;
        let cookie = b.cookie.clone();
        let res = b.post("/api/auth/logout", &[]).await;
        assert_eq!(res.status(), 200);

        let mut old = Browser::new(&app);
        old.cookie = cookie;
        let res = old.get("/dashboard").await;
        assert_eq!(res.status(), 307, "{backend:?}");
        assert_eq!(res.headers()["location"], "/login?next=%2Fdashboard");
    }
}

#[tokio::test]
async fn guests_are_sent_to_log_in_and_back() {
    let app = crate::common::spawn_app().await;
    let res = app.get("/dashboard").await;
    assert_eq!(res.status(), 307);
    assert_eq!(res.headers()["location"], "/login?next=%2Fdashboard");

    let email = unique_email();
    sign_up(&app, &email).await;
    let mut b = Browser::new(&app);
    let form = [
        ("email", email.as_str()),
        ("password", PASSWORD),
        ("next", "/dashboard"),
    ];
    let res = b.post("/api/auth/login", &form).await;
    assert_eq!(res.json::<String>().await.expect("json"), "/dashboard");
    for evil in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let form = [
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("next", evil),
        ];
        let res = b.post("/api/auth/login", &form).await;
        assert_eq!(
            res.json::<String>().await.expect("json"),
            "/dashboard",
            "{evil}"
        );
    }
}

/// A browser's own form post (it asks for a page) is redirected the framework's way:
/// `leptos_axum::redirect`'s 302 to the next page, or back to the form with the error
/// in the URL (`ServerFnUrlError`), which the page shows in words.
#[tokio::test]
async fn plain_html_forms_get_redirects_and_errors_come_back_in_words() {
    let app = crate::common::spawn_app().await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let post = |form: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("origin", &app.origin)
            .header("accept", "text/html,application/xhtml+xml")
            .form(&form)
            .send()
    };
    let ok = post(vec![
        ("email", email.clone()),
        ("password", PASSWORD.into()),
    ])
    .await
    .expect("request");
    assert_eq!(ok.status(), 302);
    assert_eq!(ok.headers()["location"], "/dashboard");
    let bad = post(vec![
        ("email", email.clone()),
        ("password", "wrong password".into()),
    ])
    .await
    .expect("request");
    assert_eq!(bad.status(), 302);
    let back = bad.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        back.starts_with("/login?__path=%2Fapi%2Fauth%2Flogin&__err="),
        "{back}"
    );
    let page = app.get(&back).await.text().await.expect("body");
    assert!(page.contains("Invalid email or password"));
}

#[tokio::test]
async fn every_visit_extends_the_session() {
    let app = crate::common::spawn_app().await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let mut b = log_in(&app, &email, PASSWORD).await;
    let res = b.get("/dashboard").await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().expect("ascii");
    assert!(
        cookie.contains("Max-Age=1209600"),
        "inactivity clock restarts: {cookie}"
    );
}

#[tokio::test]
async fn probes_and_webhooks_neither_read_nor_extend_a_session() {
    let app = crate::common::spawn_app().await;
    let email = unique_email();
    sign_up(&app, &email).await;
    let mut b = log_in(&app, &email, PASSWORD).await;
    // The machines' routes sit outside the session layer: the browser's cookie, sent
    // along, is neither loaded nor saved (a page would save it and set it again).
    for path in ["/healthz", "/readyz"] {
        let res = b.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers().get("set-cookie").is_none(), "{path}");
    }
    let hook = b.post("/webhooks/paddle", &[]).await;
    assert_eq!(hook.status(), 400, "unsigned");
    assert!(hook.headers().get("set-cookie").is_none());
    // The same cookie is a live session that a page does extend.
    let page = b.get("/dashboard").await;
    assert_eq!(page.status(), 200);
    assert!(page.headers().get("set-cookie").is_some());
}

#[tokio::test]
async fn no_session_record_holds_a_copy_of_the_password_hash() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        sign_up(&app, &email).await;
        let mut b = log_in(&app, &email, PASSWORD).await;
        assert_eq!(b.get("/dashboard").await.status(), 200, "{backend:?}");
        let records = session_rows(&app.db).await;
        let hash = users::by_email(&app.db, &email, 0)
            .await
            .expect("query")
            .expect("the user")
            .password_hash;
        assert!(hash.starts_with("$argon2id$"), "{backend:?}");
        assert!(
            !records.is_empty(),
            "{backend:?}: the signed-in session is stored"
        );
        for (_, data) in &records {
            assert!(
                !holds_hash(data, &hash),
                "{backend:?}: a session record holds the password hash"
            );
        }
    }
}

/// A session stored by a version that bound sessions to the password hash's text (before
/// 6b59032): the same record but for that binding. It no longer matches, so its next
/// request finds its user signed out, and the row, which held the hash, is deleted.
#[tokio::test]
async fn a_session_stored_with_the_old_binding_is_signed_out_and_deleted() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        verified_user(&app, &email).await;
        let mut b = log_in(&app, &email, PASSWORD).await;
        assert_eq!(b.get("/dashboard").await.status(), 200, "{backend:?}");
        let user = users::by_email(&app.db, &email, 0)
            .await
            .expect("query")
            .expect("the user");
        let verified_at = user.email_verified_at.expect("verified").to_string();
        let old_binding = format!("{}|verified:{verified_at}", user.password_hash);

        // The browser's session, through the app's own store: its update-only `save`
        // writes the record back as the store encodes it.
        let cookie = b.cookie.clone().expect("the session cookie");
        let id: Id = cookie.parse().expect("a session id");
        let store = Store::new(&app.db);
        let mut record = store.load(&id).await.expect("load").expect("stored");
        // axum-login's entry: the user's id and the binding (`auth_hash`).
        let login = record
            .data
            .values_mut()
            .find_map(|v| v.get_mut("auth_hash"))
            .expect("the session holds a log-in");
        assert_eq!(login.as_array().map(Vec::len), Some(32), "{backend:?}");
        *login = serde_json::json!(old_binding.as_bytes());
        store.save(&record).await.expect("saved");
        let rows = session_rows(&app.db).await;
        let (_, old) = rows
            .iter()
            .find(|(stored, _)| *stored == cookie)
            .expect("the browser's session is stored");
        assert!(
            holds_hash(old, &user.password_hash),
            "{backend:?}: the old record holds the hash"
        );

        let res = b.get("/dashboard").await;
        assert_eq!(res.status(), 307, "{backend:?}: signed out");
        assert_eq!(res.headers()["location"], "/login?next=%2Fdashboard");
        assert!(
            store.load(&id).await.expect("load").is_none(),
            "{backend:?}: the old session's row is deleted"
        );
    }
}

/// Whether an encoded session record holds the PHC string `hash`'s digest (its last
/// part): in MessagePack, a byte array kept as numbers below 128 (as the session's JSON
/// values keep one) is these very bytes.
fn holds_hash(data: &[u8], hash: &str) -> bool {
    let digest = hash.rsplit('$').next().expect("a PHC string");
    assert!(digest.len() >= 32, "{digest}");
    data.windows(digest.len()).any(|w| w == digest.as_bytes())
}

/// Every stored session: its id and its encoded record.
async fn session_rows(db: &Database) -> Vec<(String, Vec<u8>)> {
    match db {
        Database::Sqlite(pool) => sqlx::query_as("SELECT id, data FROM tower_sessions")
            .fetch_all(pool)
            .await
            .expect("sessions"),
        Database::Postgres(pool) => {
            sqlx::query_as(r#"SELECT id, data FROM "tower_sessions"."session""#)
                .fetch_all(pool)
                .await
                .expect("sessions")
        }
    }
}

/// The pages' router also matches `/dashboard/`; the one guard covers it: a guest is
/// sent to log in, a signed-in user to the page itself.
#[tokio::test]
async fn the_dashboard_with_a_trailing_slash_is_behind_the_same_guard() {
    let app = crate::common::spawn_app().await;
    let res = app.get("/dashboard/").await;
    assert_eq!(res.status(), 307);
    assert_eq!(res.headers()["location"], "/login?next=%2Fdashboard%2F");
    let email = unique_email();
    verified_user(&app, &email).await;
    let mut b = log_in(&app, &email, PASSWORD).await;
    let res = b.get("/dashboard/").await;
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], "/dashboard");
}

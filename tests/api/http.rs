//! The HTTP surface every deployment relies on: probes, security headers, request ids.
use std::time::{Duration, Instant};

use crate::common::{secret, settings, spawn_app, spawn_with};
use paddock::server::db::Database;

#[tokio::test]
async fn healthz_answers_200() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_answers_200_when_the_database_answers() {
    let app = spawn_app().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn readyz_answers_503_within_2s_when_the_database_refuses() {
    // A port that was free a moment ago: connections are refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let app = app_with_lazy_postgres(port).await;
    let started = Instant::now();
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn readyz_answers_503_within_2s_when_the_database_hangs() {
    // A server that accepts connections and never says a word: the worst case, a hang.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    let app = app_with_lazy_postgres(port).await;
    let started = Instant::now();
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["database"], "timeout");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

async fn app_with_lazy_postgres(port: u16) -> crate::common::TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("postgres://paddock:secret@127.0.0.1:{port}/paddock");
    let settings = settings(dir.path(), &url, &[]);
    let db = Database::connect_lazy(&secret(&url)).expect("lazy pool");
    spawn_with(settings, db, dir, None).await
}

#[tokio::test]
async fn home_page_renders_the_layout_and_the_islands_loader() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    let html = res.text().await.expect("body");
    assert!(
        html.contains("<title>Paddock: self-service billing</title>"),
        "{html}"
    );
    for landmark in ["<header", "<main", "<footer", "<nav aria-label=\"Main\""] {
        assert!(html.contains(landmark), "missing {landmark}");
    }
    assert!(
        html.contains("/pkg/paddock.js"),
        "loads the app's own script"
    );
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_that_matches_their_inline_script() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let html = res.text().await.expect("body");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("CSP has a nonce");
    assert!(nonce.len() >= 16, "nonce is long enough: {nonce}");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "inline script carries the nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("default-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(!csp.contains("unsafe-eval'") || csp.contains("'wasm-unsafe-eval'"));

    let again = app.get("/").await;
    let csp2 = again.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(csp, csp2, "every page gets a fresh nonce");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/readyz", "/no-such-page", "/favicon.svg"] {
        let res = app.get(path).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        let csp = h["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    // The webhook route, outside the browser's layers, keeps the ones every answer gets.
    let hook = app
        .client
        .post(app.url("/webhooks/paddle"))
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(hook.status(), 400, "unsigned");
    let h = hook.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-request-id"].len(), 36);
    let csp = h["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("default-src 'none'"), "{csp}");
}

#[tokio::test]
async fn unknown_pages_are_404_with_a_way_home() {
    let app = spawn_app().await;
    let res = app.get("/no-such-page").await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.expect("body");
    assert!(html.contains("Page not found"));
    assert!(html.contains("href=\"/\""));
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let app = spawn_app().await;
    let a = app.get("/healthz").await;
    let b = app.get("/healthz").await;
    let id_a = a.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let id_b = b.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(id_a.len(), 36, "a UUID: {id_a}");
    assert_ne!(id_a, id_b);
}

#[tokio::test]
async fn a_proxys_request_id_is_kept_and_a_forged_one_replaced() {
    let app = spawn_app().await;
    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-1234_abcd")
        .send()
        .await
        .expect("request");
    assert_eq!(kept.headers()["x-request-id"], "lb-1234_abcd");

    let forged = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "x level=ERROR user=admin")
        .send()
        .await
        .expect("request");
    let id = forged.headers()["x-request-id"].to_str().expect("ascii");
    assert_ne!(id, "x level=ERROR user=admin");
    assert_eq!(id.len(), 36);
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_ask() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("request");
    assert_eq!(res.headers()["content-encoding"], "br");
}

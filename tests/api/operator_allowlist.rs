//! `paddock portal-session` shows no link when any URL in Paddle's answer points outside
//! the portal host: the links this version reads and those it does not know of alike.
use axum::http::StatusCode;
use paddle::{CustomerId, SubscriptionId};
use paddock::server::db::audit;
use serde_json::{Value, json};

use crate::common::Backend;
use crate::common::operator::{ACTOR, Ops, Run, output, paddock, start};
use crate::common::standalone::SHARED_SECRET;

/// A Paddle-compatible API on loopback: every request gets 201 and `answer(its origin)`.
async fn paddle_answering(answer: impl FnOnce(&str) -> Value) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    let body = answer(&origin);
    let api = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { (StatusCode::CREATED, axum::Json(body)) }
    });
    tokio::spawn(async move { axum::serve(listener, api).await });
    origin
}

/// `paddock portal-session --json` against the API at `api` (whose origin is then the
/// portal's), on `ops`'s database.
async fn run_against(ops: &Ops, api: &str, customer: &str, sub: &str) -> Run {
    let mut cmd = paddock(ops.cli_dir.path());
    cmd.env("DATABASE_URL", &ops.database_url)
        .env("PADDLE_API_URL", api)
        .env("PADDLE_API_KEY", paddle_emulator::DEFAULT_API_KEY)
        .env("PADDLE_WEBHOOK_SECRETS", SHARED_SECRET)
        .args(["portal-session", "--customer", customer])
        .args(["--subscription", sub, "--yes", "--json"]);
    output(cmd).await
}

#[tokio::test]
async fn a_url_outside_the_portal_host_anywhere_in_the_answer_refuses_the_session() {
    let ops = start(Backend::Sqlite).await;
    let (customer, sub) = ops.customer().await;
    // The emulator's real answer for this customer, its links moved to the fake API's
    // origin: as is, the operator gets it.
    let customer_id = CustomerId::parse(&customer).expect("customer id");
    let sub_id = SubscriptionId::parse(&sub).expect("subscription id");
    let real = ops
        .app
        .paddle
        .create_portal_session_json(&customer_id, &[sub_id])
        .await
        .expect("the emulator mints")
        .data;
    let moved = |origin: &str| -> Value {
        let text = real
            .to_string()
            .replace(&ops.origin(), &format!("{origin}/"));
        let data: Value = serde_json::from_str(&text).expect("json");
        json!({ "data": data, "meta": { "request_id": "req_test" } })
    };
    let api = paddle_answering(&moved).await;
    let fine = run_against(&ops, &api, &customer, &sub).await;
    assert!(fine.ok, "{}", fine.stderr);
    assert!(fine.stdout.contains(&api), "{}", fine.stdout);

    let evil = "https://evil.example/cpl_1?token=t";
    let read_link = paddle_answering(|origin| {
        let mut answer = moved(origin);
        answer["data"]["urls"]["subscriptions"][0]["view_subscription"] = json!(evil);
        answer
    })
    .await;
    let unknown_field = paddle_answering(|origin| {
        let mut answer = moved(origin);
        answer["data"]["urls"]["general"]["later"] = json!(evil);
        answer
    })
    .await;
    for api in [read_link, unknown_field] {
        let run = run_against(&ops, &api, &customer, &sub).await;
        assert!(!run.ok, "refused: {}", run.stdout);
        let reason = run.stderr.lines().last().unwrap_or_default();
        assert!(
            reason.contains("outside the allowed portal origin: refused"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "nothing on stdout: {}", run.stdout);
        assert!(!run.stderr.contains("evil"), "{}", run.stderr);
    }
    let rows = audit::for_actor(&ops.app.db, ACTOR).await.expect("rows");
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["minted", "refused_url", "refused_url"]);
}

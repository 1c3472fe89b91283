//! `paddock portal-session`: an operator mints a portal session for a mirrored customer,
//! against a running app's emulator; refusals never reach Paddle; every attempt is audited.
use std::sync::OnceLock;

use crate::common::operator::{ACTOR, Run, paddock, start};
use crate::common::portal::portal_calls;
use crate::common::{Backend, backends, fresh_database, secret};
use jsonschema::{Draft, Registry, Validator};
use paddle::CustomerId;
use paddock::server::db::Database;
use paddock::server::db::audit::{self, AuditRow, OperatorRow};
use serde_json::{Value, json};

#[tokio::test]
async fn mints_an_overview_link_for_a_customer_after_showing_who_it_is() {
    let ops = start(Backend::Sqlite).await;
    let (customer, sub) = ops.customer().await;
    let before = portal_calls(&ops.app).await;

    let run = ops.run(&["--customer", &customer, "--yes"]).await;

    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(portal_calls(&ops.app).await, before + 1);
    assert!(
        run.line("email:").contains("@example.com"),
        "{}",
        run.stdout
    );
    assert!(
        run.line(&sub).contains("active"),
        "subscriptions with status"
    );
    let warning = run.line("WARNING");
    for word in ["temporary", "single-use", "store", "customer"] {
        assert!(warning.contains(word), "{warning}");
    }
    let overview = run.line("overview:");
    assert!(overview.contains(&ops.origin()), "{overview}");
    assert!(
        !run.stdout.contains("cancel:"),
        "no deep links without --subscription: {}",
        run.stdout
    );
    let shown = run.stdout.find(&customer).expect("customer shown");
    assert!(
        shown < run.stdout.find("overview:").expect("link"),
        "who first"
    );
}

#[tokio::test]
async fn prints_both_deep_links_of_each_subscription_given() {
    let ops = start(Backend::Sqlite).await;
    let (customer, sub) = ops.customer().await;

    let run = ops
        .run(&["--customer", &customer, "--subscription", &sub, "--yes"])
        .await;

    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    for label in ["overview:", "cancel:", "update payment method:"] {
        let line = run.line(label);
        assert!(line.contains(&ops.origin()), "{line}");
    }
    for label in ["cancel:", "update payment method:"] {
        assert!(run.line(label).contains(&sub), "deep link for {sub}");
    }
}

#[tokio::test]
async fn json_is_the_session_entity_and_validates_against_the_spec() {
    let ops = start(Backend::Sqlite).await;
    let (customer, sub) = ops.customer().await;

    let run = ops
        .run(&[
            "--customer",
            &customer,
            "--subscription",
            &sub,
            "--yes",
            "--json",
        ])
        .await;

    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    let session: Value = serde_json::from_str(&run.stdout).expect("stdout is only JSON");
    assert_valid("/components/schemas/customer-portal-session", &session);
    assert_eq!(session["customer_id"], json!(customer));
    assert_eq!(session["urls"]["subscriptions"][0]["id"], json!(sub));
    assert!(
        run.stderr.contains("WARNING"),
        "warning on stderr: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&customer),
        "who, on stderr: {}",
        run.stderr
    );
}

#[tokio::test]
async fn a_subscription_of_another_customer_is_refused_before_paddle_is_called() {
    let ops = start(Backend::Sqlite).await;
    let (alice, alice_sub) = ops.customer().await;
    let (_, bob_sub) = ops.customer().await;
    let before = portal_calls(&ops.app).await;

    let run = ops
        .run(&[
            "--customer",
            &alice,
            "--subscription",
            &alice_sub,
            "--subscription",
            &bob_sub,
            "--yes",
        ])
        .await;

    let reason = run.failed_with_one_line();
    assert!(
        reason.contains(&bob_sub) && reason.contains("refused"),
        "{reason}"
    );
    assert_eq!(portal_calls(&ops.app).await, before, "Paddle is not called");
    assert!(!run.stdout.contains("overview:"), "{}", run.stdout);
}

#[tokio::test]
async fn an_unknown_customer_fails_with_one_line() {
    let ops = start(Backend::Sqlite).await;
    let unknown = CustomerId::generate().to_string();
    let before = portal_calls(&ops.app).await;

    let run = ops.run(&["--customer", &unknown, "--yes"]).await;

    let reason = run.failed_with_one_line();
    assert!(
        reason.contains(&unknown) && reason.contains("not in the mirror"),
        "{reason}"
    );
    assert_eq!(portal_calls(&ops.app).await, before, "Paddle is not called");
}

#[test]
fn ids_of_the_wrong_shape_fail_with_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let customer = CustomerId::generate().to_string();
    let cases: [(&[&str], &str); 3] = [
        (&["--customer", "cus_123", "--yes"], "--customer"),
        (
            &["--customer", "sub_01h04vsc0qhwtsbsxh3422wjs4"],
            "--customer",
        ),
        (
            &["--customer", &customer, "--subscription", "sub_X"],
            "--subscription",
        ),
    ];
    for (args, flag) in cases {
        let out = paddock(dir.path())
            .arg("portal-session")
            .args(args)
            .output()
            .expect("runs");
        let run = Run::from(out);
        let reason = run.failed_with_one_line();
        assert!(
            reason.contains(flag) && reason.contains("not a Paddle"),
            "{reason}"
        );
    }
}

#[tokio::test]
async fn without_a_terminal_it_refuses_unless_told_yes() {
    let ops = start(Backend::Sqlite).await;
    let (customer, _) = ops.customer().await;
    let before = portal_calls(&ops.app).await;

    let run = ops.run(&["--customer", &customer]).await;

    let reason = run.failed_with_one_line();
    assert!(
        reason.contains("--yes") && reason.contains("terminal"),
        "{reason}"
    );
    assert!(
        run.stdout.contains(&customer),
        "shows who first: {}",
        run.stdout
    );
    assert_eq!(portal_calls(&ops.app).await, before, "Paddle is not called");
}

#[test]
fn without_a_running_emulator_it_says_to_start_the_app() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let out = paddock(dir.path())
        .args(["portal-session", "--yes", "--customer"])
        .arg(CustomerId::generate().to_string())
        .env("PADDLE_EMULATOR_ADDR", format!("127.0.0.1:{port}"))
        .output()
        .expect("runs");
    let run = Run::from(out);
    let reason = run.failed_with_one_line();
    assert!(reason.contains("start the app first"), "{reason}");
    assert!(reason.contains(&port.to_string()), "{reason}");
}

#[tokio::test]
async fn every_attempt_is_audited_as_the_operator_and_never_with_a_url() {
    for backend in backends() {
        let ops = start(backend).await;
        let (customer, sub) = ops.customer().await;
        let minted = ops
            .run(&["--customer", &customer, "--subscription", &sub, "--yes"])
            .await;
        assert!(minted.ok, "{backend:?}: {}", minted.stderr);
        let refused = ops.run(&["--customer", &customer]).await;
        assert!(!refused.ok, "{backend:?}");

        let rows = audit::for_actor(&ops.app.db, ACTOR).await.expect("rows");
        assert_eq!(rows.len(), 2, "{backend:?}: {rows:?}");
        let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
        assert_eq!(outcomes, ["minted", "no_terminal"], "{backend:?}");
        let row = &rows[0];
        assert_eq!(row.kind, "operator");
        assert_eq!(row.user_id, None, "an operator is no app user");
        assert_eq!(row.customer_id.as_deref(), Some(customer.as_str()));
        assert_eq!(row.subscription_id.as_deref(), Some(sub.as_str()));
        assert!(row.paddle_request_id.is_some(), "{row:?}");
        assert_eq!(rows[1].paddle_request_id, None, "Paddle was not called");
        let text = format!("{rows:?}");
        assert!(!text.contains("http") && !text.contains("token"), "{text}");
        assert_eq!(rows_containing(&ops.app.db, "http").await, 0, "{backend:?}");
    }
}

/// Rows of `portal_audit` with `needle` in any text column.
async fn rows_containing(db: &Database, needle: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM portal_audit WHERE \
        COALESCE(actor, '') || '|' || COALESCE(customer_id, '') || '|' || kind || '|' || \
        COALESCE(subscription_id, '') || '|' || outcome || '|' || \
        COALESCE(paddle_request_id, '') LIKE $1";
    let pattern = format!("%{needle}%");
    match db {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).bind(&pattern).fetch_one(pool).await,
        Database::Postgres(pool) => sqlx::query_scalar(sql).bind(&pattern).fetch_one(pool).await,
    }
    .expect("count")
}

#[tokio::test]
async fn migration_0004_keeps_web_rows_and_gives_them_an_actor() {
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, _pg) = fresh_database(backend, dir.path()).await;
        let old = Database::connect_lazy(&secret(&url)).expect("pool");
        let folder = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let path = format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR"));
        let mut before_0004 = sqlx::migrate::Migrator::new(std::path::Path::new(&path))
            .await
            .expect("migrations");
        before_0004.migrations = before_0004
            .migrations
            .iter()
            .filter(|m| m.version < 4)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        let insert = "INSERT INTO portal_audit (user_id, customer_id, kind, outcome, \
                      paddle_request_id, created_at) VALUES (7, 'ctm_x', 'session', 'minted', 'rid', 1)";
        match &old {
            Database::Sqlite(pool) => {
                before_0004.run(pool).await.expect("0001-0003");
                sqlx::query(insert).execute(pool).await.expect("old row");
            }
            Database::Postgres(pool) => {
                before_0004.run(pool).await.expect("0001-0003");
                sqlx::query(insert).execute(pool).await.expect("old row");
            }
        }
        old.close().await;

        let db = Database::connect(&secret(&url))
            .await
            .expect("0004 applies");
        let web = audit::for_user(&db, 7).await.expect("rows");
        assert_eq!(web.len(), 1, "{backend:?}: the old row survives");
        assert_eq!(web[0].paddle_request_id.as_deref(), Some("rid"));
        let entries = audit::for_actor(&db, "user:7").await.expect("rows");
        assert_eq!(entries.len(), 1, "{backend:?}: backfilled actor");
        assert_eq!(entries[0].user_id, Some(7));

        // Both writers work on the new table.
        let web_row = AuditRow {
            user_id: 8,
            customer_id: None,
            kind: "session".into(),
            subscription_id: None,
            outcome: "no_customer".into(),
            paddle_request_id: None,
            created_at: 2,
        };
        audit::record(&db, &web_row).await.expect("web row");
        assert_eq!(audit::for_user(&db, 8).await.expect("rows"), [web_row]);
        assert_eq!(
            audit::for_actor(&db, "user:8").await.expect("rows").len(),
            1
        );
        let operator = OperatorRow {
            actor: "operator:someone".into(),
            customer_id: "ctm_y".into(),
            subscription_ids: vec!["sub_a".into(), "sub_b".into()],
            outcome: "cancelled".into(),
            paddle_request_id: None,
            created_at: 3,
        };
        audit::record_operator(&db, &operator)
            .await
            .expect("operator row");
        let rows = audit::for_actor(&db, "operator:someone")
            .await
            .expect("rows");
        assert_eq!(rows.len(), 1, "{backend:?}");
        assert_eq!(rows[0].user_id, None);
        assert_eq!(rows[0].subscription_id.as_deref(), Some("sub_a,sub_b"));
        db.close().await;
    }
}

#[test]
fn help_lists_serve_reconcile_and_portal_session() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = paddock(dir.path()).arg("--help").output().expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no `{name}` line: {stdout}"))
    };
    assert!(line("serve").contains("default"), "{stdout}");
    assert!(line("reconcile").contains("mirror"), "{stdout}");
    assert!(
        line("portal-session").contains("portal session"),
        "{stdout}"
    );
}

/// Paddle's spec as a JSON-Schema resource, as the emulator's fidelity tests use it.
const SPEC_URI: &str = "urn:paddle:openapi";

fn validator(pointer: &str) -> Validator {
    static REGISTRY: OnceLock<Registry<'static>> = OnceLock::new();
    let registry = REGISTRY.get_or_init(|| {
        Registry::new()
            .draft(Draft::Draft202012)
            .add(SPEC_URI, crate::common::webhooks::spec())
            .expect("the spec is a resource")
            .prepare()
            .expect("the registry builds")
    });
    assert!(
        crate::common::webhooks::spec().pointer(pointer).is_some(),
        "no schema at {pointer}"
    );
    let schema = json!({ "$ref": format!("{SPEC_URI}#{pointer}") });
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(registry)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {pointer}: {e}"))
}

fn assert_valid(pointer: &str, instance: &Value) {
    let errors: Vec<String> = validator(pointer)
        .iter_errors(instance)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "does not match {pointer}:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

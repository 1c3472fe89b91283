//! Abuse limits that hold under parallel load.
use crate::common::accounts::{Browser, reset, unique_email, verified_user};
use crate::common::{Backend, spawn_app_with};

/// Statuses of `n` log-ins for `email` with a wrong password, all at once, each from
/// its own client IP (so only the per-account limit can stop them).
async fn parallel_wrong_passwords(app: &crate::common::TestApp, email: &str, n: usize) -> Vec<u16> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let request = app
                .client
                .post(app.url("/api/auth/login"))
                .header("origin", &app.origin)
                .header("x-forwarded-for", format!("198.51.100.{}", i + 1))
                .form(&[("email", email), ("password", "wrong password!")]);
            tokio::spawn(async move { request.send().await.expect("answer").status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    statuses
}

/// The status of a form post to `path` from client IP `ip` (the app trusts
/// `X-Forwarded-For`).
async fn post_from(
    app: &crate::common::TestApp,
    path: &str,
    ip: &str,
    form: &[(&str, &str)],
) -> u16 {
    app.client
        .post(app.url(path))
        .header("origin", &app.origin)
        .header("x-forwarded-for", ip)
        .form(form)
        .send()
        .await
        .expect("answer")
        .status()
        .as_u16()
}

#[tokio::test]
async fn forty_parallel_wrong_passwords_for_one_account_check_at_most_the_limit() {
    let app = spawn_app_with(Backend::Sqlite, &[("TRUST_X_FORWARDED_FOR", "true")]).await;
    let email = unique_email();
    verified_user(&app, &email).await;
    let statuses = parallel_wrong_passwords(&app, &email, 40).await;
    let count = |s: u16| statuses.iter().filter(|&&x| x == s).count();
    // Each check (401) or refusal for a saturated hasher (503) held one of the 10 slots.
    assert_eq!(count(401) + count(503), 10, "{statuses:?}");
    assert_eq!(count(429), 30, "{statuses:?}");
}

#[tokio::test]
async fn one_address_gets_few_mails_however_many_clients_ask() {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("TRUST_X_FORWARDED_FOR", "true"),
            ("MAILS_PER_ADDRESS_PER_HOUR", "3"),
        ],
    )
    .await;
    let victim = unique_email();
    let mut statuses = Vec::new();
    for i in 1..=5 {
        let form = [("email", victim.as_str())];
        statuses.push(
            post_from(
                &app,
                "/api/auth/forgot-password",
                &format!("192.0.2.{i}"),
                &form,
            )
            .await,
        );
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    let res = Browser::new(&app)
        .post("/api/auth/forgot-password", &[("email", &unique_email())])
        .await;
    assert_eq!(res.status(), 200, "other addresses are not affected");
}

#[tokio::test]
async fn sign_ups_in_someone_s_name_do_not_use_up_their_reset_links() {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("TRUST_X_FORWARDED_FOR", "true"),
            ("MAILS_PER_ADDRESS_PER_HOUR", "3"),
        ],
    )
    .await;
    let victim = unique_email();
    verified_user(&app, &victim).await;
    // Someone signs up with the victim's address from many clients: each sign-up mails
    // the owner a notice (no link), until the address's sign-ups are used up.
    let mut statuses = Vec::new();
    for i in 1..=3 {
        let form = [
            ("email", victim.as_str()),
            ("password", "another password!"),
        ];
        statuses.push(post_from(&app, "/api/auth/signup", &format!("192.0.2.{i}"), &form).await);
    }
    assert_eq!(
        statuses,
        [200, 200, 429],
        "the owner's sign-up was the first"
    );
    // The owner can still have a reset link mailed, and use it.
    let res = reset(&app, &victim, "a brand new password").await;
    assert_eq!(
        res.status(),
        200,
        "reset: {}",
        res.text().await.unwrap_or_default()
    );
}

#[tokio::test]
async fn an_ipv6_client_counts_by_its_64_block_through_x_forwarded_for() {
    // Mails per client IP: 2 an hour.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("TRUST_X_FORWARDED_FOR", "true"), ("SIGNUPS_PER_HOUR", "2")],
    )
    .await;
    let forgot_from = |ip: &'static str| {
        let app = &app;
        async move {
            let email = unique_email();
            post_from(app, "/api/auth/forgot-password", ip, &[("email", &email)]).await
        }
    };
    // Two addresses of one /64 (the second as a proxy may write it, with a port) use up
    // its mails; a third address of it is refused, as if it were the same host.
    assert_eq!(forgot_from("2001:db8:1:2::1").await, 200);
    assert_eq!(forgot_from("[2001:db8:1:2:ffff::9]:4431").await, 200);
    assert_eq!(forgot_from("2001:db8:1:2:abcd:ef01:2345:6789").await, 429);
    // The next /64 is another client; so is an IPv4 address, written as IPv6 or not.
    assert_eq!(forgot_from("2001:db8:1:3::1").await, 200);
    assert_eq!(forgot_from("::ffff:192.0.2.7").await, 200);
    assert_eq!(forgot_from("192.0.2.7").await, 200);
    assert_eq!(
        forgot_from("192.0.2.7").await,
        429,
        "the mapped form counted"
    );
}

/// Anyone can use up an account's log-in attempts (its limit is what stops guessing),
/// but its owner gets back in through the mailbox: a reset forgets the failures.
#[tokio::test]
async fn a_password_reset_lets_the_owner_of_a_locked_account_log_in_at_once() {
    let app = spawn_app_with(Backend::Sqlite, &[("TRUST_X_FORWARDED_FOR", "true")]).await;
    let email = unique_email();
    verified_user(&app, &email).await;
    let statuses = parallel_wrong_passwords(&app, &email, 12).await;
    assert!(statuses.contains(&429), "locked: {statuses:?}");
    let new = "a brand new password";
    let log_in = [("email", email.as_str()), ("password", new)];
    assert_eq!(reset(&app, &email, new).await.status(), 200);
    assert_eq!(
        post_from(&app, "/api/auth/login", "192.0.2.7", &log_in).await,
        200,
        "the owner is in"
    );
}

/// A sign-up whose mail fails (a relay that refuses the recipient, which the client can
/// often choose) has hashed a password all the same: it counts against the limits.
#[tokio::test]
async fn sign_ups_whose_mail_fails_still_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, b"not a folder").expect("file");
    let outbox = blocked.join("outbox");
    let outbox = outbox.to_str().expect("utf-8");
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("TRUST_X_FORWARDED_FOR", "true"),
            ("SIGNUPS_PER_HOUR", "3"),
            ("MAIL_OUTBOX_DIR", outbox),
        ],
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let email = unique_email();
        let form = [
            ("email", email.as_str()),
            ("password", "long enough password"),
        ];
        statuses.push(post_from(&app, "/api/auth/signup", "192.0.2.44", &form).await);
    }
    assert_eq!(statuses[..3], [500, 500, 500], "{statuses:?}");
    assert_eq!(statuses[3..], [429, 429], "{statuses:?}");
}

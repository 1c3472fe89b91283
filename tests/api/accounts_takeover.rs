//! Only the mailbox owner ever inherits an address's billing: a password chosen by
//! somebody else is never verified, an unverified account expires, and sign-up says
//! nothing about which addresses have accounts. SQLite always, Postgres too when
//! TEST_POSTGRES_URL is set.
use crate::common::accounts::{
    Browser, PASSWORD, age_account, log_in, mailed_link, outbox_count, reset, sign_up, token_of,
    unique_email, verify,
};
use crate::common::portal::{portal_calls, portal_session, wait_for_subscription};
use crate::common::{backends, spawn_app_on};
use paddock::server::accounts::UNVERIFIED_TTL_SECS;

const ATTACKER_PASSWORD: &str = "attacker chose this";
const OWNER_PASSWORD: &str = "the owner's own secret";

/// The attack: sign up with a Paddle customer's address, keep a session, and wait for
/// the real owner to follow the mailed link. The owner does not know the attacker's
/// password, so proving the mailbox goes through a reset; afterwards neither the
/// attacker's old session nor the attacker's password gets a portal URL, and Paddle is
/// never asked for one.
#[tokio::test]
async fn the_mailbox_owner_verifying_never_hands_the_account_to_whoever_signed_up() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let victim = unique_email();
        let (customer, sub) = app.emulator_checkout(&victim).await;
        wait_for_subscription(&app, &customer, &sub).await;

        let mut attacker = Browser::new(&app);
        let res = attacker
            .post(
                "/api/auth/signup",
                &[("email", &victim), ("password", ATTACKER_PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200);
        let mut attacker = log_in(&app, &victim, ATTACKER_PASSWORD).await;

        // The owner opens the mail and presses "Verify email" with the only password
        // they could know: their own.
        let mut owner = Browser::new(&app);
        let res = verify(&mut owner, &victim, OWNER_PASSWORD).await;
        assert_eq!(
            res.status(),
            401,
            "{backend:?}: a password the owner did not choose is not verified"
        );
        // What the page offers instead: reset the password, which proves the mailbox.
        let res = reset(&app, &victim, OWNER_PASSWORD).await;
        assert_eq!(res.status(), 200, "{backend:?}: reset");

        let before = portal_calls(&app).await;
        let (status, body) = portal_session(&mut attacker).await;
        assert_eq!(
            status, 401,
            "{backend:?}: the attacker's session ended: {body}"
        );
        let res = Browser::new(&app)
            .post(
                "/api/auth/login",
                &[("email", &victim), ("password", ATTACKER_PASSWORD)],
            )
            .await;
        assert_eq!(
            res.status(),
            401,
            "{backend:?}: the attacker's password is gone"
        );
        assert_eq!(portal_calls(&app).await, before, "Paddle is not called");

        // The owner, and only the owner, now manages the billing.
        let mut owner = log_in(&app, &victim, OWNER_PASSWORD).await;
        let (status, body) = portal_session(&mut owner).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
    }
}

#[tokio::test]
async fn verifying_needs_the_password_keeps_the_link_on_a_wrong_one_and_ends_other_sessions() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        sign_up(&app, &email).await;
        let mut elsewhere = log_in(&app, &email, PASSWORD).await;

        let mut b = Browser::new(&app);
        let wrong = verify(&mut b, &email, "not the password").await;
        assert_eq!(wrong.status(), 401, "{backend:?}");
        assert!(
            wrong
                .text()
                .await
                .expect("body")
                .contains("reset the password"),
            "the message names the way out"
        );
        let res = verify(&mut b, &email, PASSWORD).await;
        assert_eq!(
            res.status(),
            200,
            "{backend:?}: the link survived the wrong try"
        );
        assert!(b.cookie.is_some(), "verifying signs this browser in");
        let page = b.get("/dashboard").await.text().await.expect("body");
        assert!(page.contains("Verified"), "{backend:?}");

        let other = elsewhere.get("/dashboard").await;
        assert_eq!(other.status(), 307, "{backend:?}: the older session ended");
        let again = verify(&mut Browser::new(&app), &email, PASSWORD).await;
        assert_eq!(again.status(), 400, "{backend:?}: the link is used up");
    }
}

#[tokio::test]
async fn an_unverified_account_expires_a_fixed_time_after_sign_up_and_frees_the_address() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        sign_up(&app, &email).await;
        let mut squatter = log_in(&app, &email, PASSWORD).await;
        // A resend just before the deadline does not extend it.
        age_account(&app, &email, UNVERIFIED_TTL_SECS - 60).await;
        let res = squatter.post("/api/auth/resend-verification", &[]).await;
        assert_eq!(res.status(), 200);
        let resent = mailed_link(&app, &email, "/verify-email").await;
        age_account(&app, &email, 61).await;

        assert_eq!(
            squatter.get("/dashboard").await.status(),
            307,
            "{backend:?}: the session of an expired account ends"
        );
        let res = Browser::new(&app)
            .post(
                "/api/auth/login",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 401, "{backend:?}: no log-in");
        let res = Browser::new(&app)
            .post(
                "/api/auth/verify-email",
                &[("token", &token_of(&resent)), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            res.status(),
            400,
            "{backend:?}: the resent link died with it"
        );

        // The owner signs up afresh with a password of their own.
        let mails = outbox_count(&app, &email).await;
        let res = Browser::new(&app)
            .post(
                "/api/auth/signup",
                &[("email", &email), ("password", OWNER_PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(outbox_count(&app, &email).await, mails + 1);
        let res = verify(&mut Browser::new(&app), &email, OWNER_PASSWORD).await;
        assert_eq!(res.status(), 200, "{backend:?}: the new account verifies");
        log_in(&app, &email, OWNER_PASSWORD).await;
    }
}

#[tokio::test]
async fn signing_up_with_a_taken_address_answers_as_for_a_new_one_and_tells_the_owner() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let taken = unique_email();
        crate::common::accounts::verified_user(&app, &taken).await;
        let fresh = unique_email();
        let post = |email: String, password: &'static str| {
            let app = &app;
            async move {
                let res = Browser::new(app)
                    .post(
                        "/api/auth/signup",
                        &[("email", &email), ("password", password)],
                    )
                    .await;
                (res.status(), res.text().await.expect("body"))
            }
        };
        let mails = outbox_count(&app, &taken).await;
        let for_taken = post(taken.clone(), ATTACKER_PASSWORD).await;
        let for_new = post(fresh.clone(), PASSWORD).await;
        assert_eq!(for_taken, for_new, "{backend:?}: the same answer");
        assert_eq!(for_taken.0, 200);
        assert_eq!(outbox_count(&app, &taken).await, mails + 1, "owner is told");
        let notice = mailed_link(&app, &taken, "/forgot-password").await;
        assert!(notice.ends_with("/forgot-password"), "{notice}");

        // Nothing about the existing account changed.
        log_in(&app, &taken, PASSWORD).await;
        let res = Browser::new(&app)
            .post(
                "/api/auth/login",
                &[("email", &taken), ("password", ATTACKER_PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 401, "{backend:?}");
    }
}

//! Paddle's `view_subscription` deep link (changelog of 2026-09-28): minted in portal
//! sessions and `management_urls`, it opens the subscription's page with no form open.

use reqwest::StatusCode;

use crate::portal_actions::{cancel_via_portal, forms, open, submit};
use crate::support::spawn;

#[tokio::test]
async fn a_session_view_link_opens_the_subscriptions_page_with_its_forms_folded() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let session = app.portal_session(&customer, &[&sub]).await;
    let link = session["data"]["urls"]["subscriptions"][0]["view_subscription"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(link.contains("action=view_subscription"), "{link}");
    assert!(link.contains(&format!("subscription_id={sub}")), "{link}");
    let (status, page) = open(&app, &link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<h1>Your subscription</h1>"), "{page}");
    assert!(page.contains(&sub) && page.contains("Renews on"));
    assert!(
        page.contains("<details><summary>Cancel subscription</summary><form "),
        "no form is open: {page}"
    );
    let found = forms(&page);
    assert_eq!(found.len(), 2, "cancel and payment method, folded");
    let (action, nonce, _) = found[0].clone();
    let (status, done) = submit(&app, &action, &[("nonce", &nonce), ("when", "period_end")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(done.contains("Cancellation scheduled"));
    assert_eq!(open(&app, &link).await.0, StatusCode::GONE, "one use");
}

#[tokio::test]
async fn management_urls_carry_a_view_link_and_a_canceled_subscription_has_no_forms() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    cancel_via_portal(&app, &customer, &sub, "now").await;
    let answer = app.get(&format!("/subscriptions/{sub}")).await;
    let link = answer.body["data"]["management_urls"]["view_subscription"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, page) = open(&app, &link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<h1>Your subscription</h1>") && page.contains("Canceled on"));
    assert!(forms(&page).is_empty(), "nothing left to change");
}

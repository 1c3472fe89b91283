//! `GET /transactions/{id}/invoice`: a one-time, temporary link to a real PDF.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestEmulator, spawn};

/// A customer with one completed renewal: `(transaction id)`.
async fn renewed(app: &TestEmulator) -> String {
    let (customer, _) = app.checkout("jo@example.com").await;
    app.advance("P1M", Some(&customer)).await;
    let txns = app.transactions("origin=subscription_recurring").await;
    txns[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_link_downloads_a_pdf_of_the_invoice_once() {
    let app = spawn().await;
    let txn = renewed(&app).await;
    let answer = app.get(&format!("/transactions/{txn}/invoice")).await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    let url = answer.body["data"]["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/invoices/", app.base)), "{url}");

    let response = app.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"invoice-{txn}.pdf\"")
    );
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains(&txn), "names the transaction");
    assert!(text.contains("USD 30.00"), "shows the total");

    let again = app.http.get(&url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE, "single use");
}

#[tokio::test]
async fn disposition_inline_opens_in_the_browser() {
    let app = spawn().await;
    let txn = renewed(&app).await;
    let answer = app
        .get(&format!("/transactions/{txn}/invoice?disposition=inline"))
        .await;
    let url = answer.body["data"]["url"].as_str().unwrap();
    let response = app.http.get(url).send().await.unwrap();
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    let bad = app
        .get(&format!("/transactions/{txn}/invoice?disposition=print"))
        .await;
    assert_eq!(bad.fields(), ["disposition"]);
}

#[tokio::test]
async fn only_billed_or_completed_transactions_have_an_invoice() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let (status, _) = app
        .control(
            "faults",
            json!({"count": 1, "payment_decline": {"customer_id": customer}}),
        )
        .await;
    assert!(status.is_success());
    app.advance("P1M", Some(&customer)).await;
    let txn = app.transactions("").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = app.get(&format!("/transactions/{txn}/invoice")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "bad_request");
    let missing = app
        .get("/transactions/txn_01aaaaaaaaaaaaaaaaaaaaaaaa/invoice")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let gone = app
        .http
        .get(app.url("/invoices/unknown"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::GONE);
}

//! State survives a restart; writes are debounced, atomic, and fast enough for bulk data.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::support::spawn_with;

#[tokio::test]
async fn state_survives_a_restart_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data").join("state.json");
    let first = spawn_with({
        let file = file.clone();
        move |c| c.state_file = Some(file)
    })
    .await;
    let (customer, sub) = first.checkout("jo@example.com").await;
    crate::portal_actions::cancel_via_portal(&first, &customer, &sub, "period_end").await;
    let before = first.get(&format!("/subscriptions/{sub}")).await.body["data"].clone();
    first.stop().await;

    let second = spawn_with(move |c| c.state_file = Some(file)).await;
    let after = second.get(&format!("/subscriptions/{sub}")).await;
    assert_eq!(after.status, StatusCode::OK);
    let mut after = after.body["data"].clone();
    let mut before = before;
    for entity in [&mut before, &mut after] {
        entity.as_object_mut().unwrap().remove("management_urls");
    }
    assert_eq!(after, before, "the subscription comes back exactly");
    let found = second.get("/customers?email=jo@example.com").await;
    assert_eq!(found.body["data"][0]["id"], customer.as_str());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        leftovers,
        ["state.json"],
        "no temporary file is left behind"
    );
}

#[tokio::test]
async fn a_thousand_customers_and_1500_subscriptions_are_created_and_saved_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let app = spawn_with({
        let file = file.clone();
        move |c| c.state_file = Some(file)
    })
    .await;
    let started = Instant::now();
    let (status, body) = app
        .control("seed", json!({"customers": 1000, "subscriptions": 1500}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body, json!({"customers": 1000, "subscriptions": 1500}));
    for n in 0..20 {
        app.checkout(&format!("burst{n}@example.com")).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    app.stop().await;
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["customers"].as_array().unwrap().len(), 1020);
    assert_eq!(saved["subscriptions"].as_array().unwrap().len(), 1520);
}

#[tokio::test]
async fn the_state_folder_is_made_at_start_and_a_removed_one_is_not_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let file = folder.join("state.json");
    let app = spawn_with({
        let file = file.clone();
        move |c| c.state_file = Some(file)
    })
    .await;
    assert!(
        folder.is_dir(),
        "the folder is made when the emulator starts"
    );
    std::fs::remove_dir(&folder).unwrap();
    app.checkout("jo@example.com").await;
    let err = app.emulator.shutdown().await.unwrap_err();
    assert!(
        matches!(err, paddle_emulator::EmulatorError::WriteState { .. }),
        "{err}"
    );
    assert!(!folder.exists(), "a save does not make the folder again");
}

#[tokio::test]
async fn a_corrupt_state_file_is_an_error_not_an_empty_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, b"{not json").unwrap();
    let listener_origin = url::Url::parse("http://127.0.0.1:1").unwrap();
    let mut config = paddle_emulator::Config::new(listener_origin.clone(), listener_origin);
    config.state_file = Some(file);
    let err = paddle_emulator::Emulator::new(config, reqwest::Client::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, paddle_emulator::EmulatorError::ParseState { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn the_clock_transactions_declines_and_dunning_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let first = spawn_with({
        let file = file.clone();
        move |c| c.state_file = Some(file)
    })
    .await;
    let (customer, sub) = first.checkout("jo@example.com").await;
    first.decline(&customer, 2).await;
    first.advance("P1M", None).await;
    let clock = first.inspect("clock").await;
    let txns = first.transactions("").await;
    first.stop().await;

    let second = spawn_with(move |c| c.state_file = Some(file)).await;
    let again = second.inspect("clock").await;
    let moved = crate::clock::at(&again["now"]) - crate::clock::at(&clock["now"]);
    assert!(
        moved >= time::Duration::ZERO && moved < time::Duration::minutes(1),
        "{clock} {again}"
    );
    assert_eq!(second.transactions("").await, txns);
    assert_eq!(second.subscription(&sub).await["status"], "past_due");
    second.advance("P7D", None).await;
    assert_eq!(
        second.subscription(&sub).await["status"],
        "active",
        "the retry schedule and the one decline left came back: day 3 declined, day 7 paid"
    );
    let payments = &second.transactions("").await[0]["payments"];
    assert_eq!(payments.as_array().unwrap().len(), 3);
}

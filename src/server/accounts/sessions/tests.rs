use tower_sessions::cookie::time::OffsetDateTime;

use super::*;

async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/s.db?mode=rwc", dir.path().display());
    let db = Database::connect(&secrecy::SecretString::from(url))
        .await
        .expect("database");
    let store = Store::new(&db);
    store.migrate().await.expect("session table");
    (store, dir)
}

fn record(value: i64, expiry: OffsetDateTime) -> Record {
    let mut data = HashMap::new();
    data.insert("k".to_owned(), serde_json::json!(value));
    Record {
        id: Id::default(),
        data,
        expiry_date: expiry,
    }
}

/// A store with one session stored (`"k": 1`), its expiry two weeks from now.
async fn session() -> (Store, tempfile::TempDir, Record, OffsetDateTime) {
    let (store, dir) = store().await;
    let start = OffsetDateTime::now_utc() + Duration::days(14);
    let mut r = record(1, start);
    store.create(&mut r).await.expect("created");
    (store, dir, r, start)
}

/// What a request reads: `store`'s load, which it tracks.
async fn loaded(store: &Store, id: &Id) -> Record {
    store.load(id).await.expect("loads").expect("exists")
}

/// What the database holds, read by a store that tracks nothing.
async fn stored(store: &Store, id: &Id) -> Record {
    let fresh = Store {
        backend: store.backend.clone(),
        db: store.db.clone(),
        loads: store.loads.clone(),
        loaded: Arc::default(),
    };
    fresh.load(id).await.expect("loads").expect("exists")
}

/// Whole seconds: the store keeps expiries to the second.
fn secs(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

#[tokio::test]
async fn a_save_that_only_nudges_the_expiry_is_skipped() {
    let (store, _dir, r, start) = session().await;
    let mut loaded = loaded(&store, &r.id).await;
    loaded.expiry_date = start + Duration::minutes(10);
    store.save(&loaded).await.expect("saved");
    assert_eq!(secs(stored(&store, &r.id).await.expiry_date), secs(start));
}

#[tokio::test]
async fn parallel_requests_of_one_session_each_skip_their_touch() {
    let (store, _dir, r, start) = session().await;
    // Three requests load the session before any of them saves.
    let mut first = loaded(&store, &r.id).await;
    let mut second = loaded(&store, &r.id).await;
    let mut third = loaded(&store, &r.id).await;
    for (minutes, loaded) in [(1, &mut first), (2, &mut second), (3, &mut third)] {
        loaded.expiry_date = start + Duration::minutes(minutes);
        store.save(loaded).await.expect("saved");
        assert_eq!(
            secs(stored(&store, &r.id).await.expiry_date),
            secs(start),
            "save {minutes} only nudged the expiry: not written"
        );
    }
    assert!(store.tracked().is_empty(), "every load was saved");
}

#[tokio::test]
async fn after_a_parallel_request_writes_the_others_write_too() {
    let (store, _dir, r, start) = session().await;
    let mut changes = loaded(&store, &r.id).await;
    let mut touches = loaded(&store, &r.id).await;
    changes.data.insert("k".into(), serde_json::json!(2));
    store.save(&changes).await.expect("saved");
    assert_eq!(stored(&store, &r.id).await.data["k"], 2);
    // What this request loaded is no longer what the database holds: its save writes,
    // as the session layer's last-writer-wins save always did.
    touches.expiry_date = start + Duration::minutes(1);
    store.save(&touches).await.expect("saved");
    let now = stored(&store, &r.id).await;
    assert_eq!(now.data["k"], 1);
    assert_eq!(secs(now.expiry_date), secs(touches.expiry_date));
}

#[tokio::test]
async fn changed_data_an_old_expiry_or_no_load_are_written() {
    let (store, _dir, r, start) = session().await;

    let mut changed = loaded(&store, &r.id).await;
    changed.data.insert("k".into(), serde_json::json!(2));
    store.save(&changed).await.expect("saved");
    assert_eq!(stored(&store, &r.id).await.data["k"], 2);

    let mut later = loaded(&store, &r.id).await;
    later.expiry_date = start + TOUCH_EVERY + Duration::minutes(1);
    store.save(&later).await.expect("saved");
    assert_eq!(
        secs(stored(&store, &r.id).await.expiry_date),
        secs(later.expiry_date)
    );

    // A save without a load before it (nothing to compare with) always writes.
    let mut blind = later.clone();
    blind.expiry_date = later.expiry_date + Duration::minutes(1);
    store.save(&blind).await.expect("saved");
    assert_eq!(
        secs(stored(&store, &r.id).await.expiry_date),
        secs(blind.expiry_date)
    );
}

#[tokio::test]
async fn a_deleted_session_stays_deleted() {
    let (store, _dir, r, _) = session().await;
    loaded(&store, &r.id).await;
    store.delete(&r.id).await.expect("deleted");
    assert!(
        store.tracked().is_empty(),
        "a delete forgets what was loaded"
    );
    assert!(store.load(&r.id).await.expect("loads").is_none());
}

#[tokio::test]
async fn a_save_after_a_delete_does_not_bring_the_session_back() {
    let (store, _dir, r, _) = session().await;
    // A slow request loaded the session, then a log-out elsewhere deleted it.
    let mut slow = loaded(&store, &r.id).await;
    store.delete(&r.id).await.expect("deleted");
    slow.data.insert("k".into(), serde_json::json!(2));
    store
        .save(&slow)
        .await
        .expect("a save of a gone session is not an error");
    assert!(
        store.load(&r.id).await.expect("loads").is_none(),
        "the deleted session stays deleted"
    );
}

#[tokio::test]
async fn a_load_of_an_unknown_session_tracks_nothing() {
    let (store, _dir, _, _) = session().await;
    assert!(store.load(&Id::default()).await.expect("loads").is_none());
    assert!(
        store.tracked().is_empty(),
        "nothing loaded, nothing tracked"
    );
}

#[tokio::test]
async fn past_the_bound_every_tracked_load_is_forgotten_and_its_save_writes() {
    let (store, _dir, r, start) = session().await;
    let mut touches = loaded(&store, &r.id).await;
    // Loads of other sessions whose requests never saved (they failed midway), up to the
    // bound: the map holds them all, then the next load forgets every one before it.
    let other = record(1, start);
    for _ in 1..MAX_TRACKED {
        store.track(Id::default(), &other);
    }
    assert_eq!(store.tracked().len(), MAX_TRACKED);
    store.track(Id::default(), &other);
    assert_eq!(
        store.tracked().len(),
        1,
        "the map never grows past its bound"
    );
    // This request's load was forgotten: its save has nothing to compare with, and writes.
    touches.expiry_date = start + Duration::minutes(1);
    store.save(&touches).await.expect("saved");
    assert_eq!(
        secs(stored(&store, &r.id).await.expiry_date),
        secs(touches.expiry_date)
    );
}

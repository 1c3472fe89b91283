//! Test harness: the real router on a free loopback port, with its own fresh database.
#![allow(dead_code)] // each test binary uses its own subset of these helpers

use std::collections::HashMap;
use std::net::SocketAddr;

use paddock::server::db::Database;
use paddock::server::settings::Settings;
use paddock::server::startup::router;
use paddock::server::state::{AppState, http_client};
use secrecy::SecretString;
use tokio::net::TcpListener;

/// A running app and what a test needs to talk to it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub db: Database,
    _dir: tempfile::TempDir,
    _pg: Option<PgScratch>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the app")
    }
}

/// Which database a test runs against.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; Postgres too when `TEST_POSTGRES_URL` is set (CI always sets it).
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if postgres_admin_url().is_some() {
        all.push(Backend::Postgres);
    } else {
        eprintln!("TEST_POSTGRES_URL is not set: Postgres variant skipped");
    }
    all
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// A database of its own for one test, dropped when the test ends.
pub struct PgScratch {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgScratch {
    async fn create(admin_url: &str) -> Self {
        use sqlx::Connection;
        let name = format!("paddock_test_{}", random_suffix());
        let mut conn = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("TEST_POSTGRES_URL reachable");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create scratch database (the role needs CREATEDB)");
        let mut url = url::Url::parse(admin_url).expect("TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        Self {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        // Best effort, on a thread of its own: Drop cannot await.
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

fn random_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// A database URL for `backend`, fresh and empty, plus what keeps it alive.
pub async fn fresh_database(
    backend: Backend,
    dir: &std::path::Path,
) -> (String, Option<PgScratch>) {
    match backend {
        Backend::Sqlite => (
            format!("sqlite://{}/paddock.db?mode=rwc", dir.display()),
            None,
        ),
        Backend::Postgres => {
            let admin = postgres_admin_url().expect("Postgres backend needs TEST_POSTGRES_URL");
            let pg = PgScratch::create(&admin).await;
            (pg.url.clone(), Some(pg))
        }
    }
}

/// Settings for a test: a temp data dir, the given database, extra variables on top.
pub fn settings(dir: &std::path::Path, database_url: &str, extra: &[(&str, &str)]) -> Settings {
    let dir = dir.display().to_string();
    let mut vars: HashMap<&str, &str> = HashMap::new();
    vars.insert("PADDOCK_DATA_DIR", &dir);
    vars.insert("DATABASE_URL", database_url);
    vars.insert("LEPTOS_SITE_ROOT", "target/site");
    for (k, v) in extra {
        vars.insert(k, v);
    }
    Settings::from_source(&vars).expect("test settings are valid")
}

/// Starts the app on SQLite.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await
}

/// Starts the app on the given backend with a fresh, migrated database.
pub async fn spawn_app_on(backend: Backend) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = fresh_database(backend, dir.path()).await;
    let settings = settings(dir.path(), &url, &[]);
    let db = Database::connect(&settings.database_url)
        .await
        .expect("database opens and migrates");
    spawn_with(settings, db, dir, pg).await
}

/// Starts the app with a database that is already built (for example a lazy one that
/// points at a server that is down).
pub async fn spawn_with(
    settings: Settings,
    db: Database,
    dir: tempfile::TempDir,
    pg: Option<PgScratch>,
) -> TestApp {
    paddock::server::telemetry::init();
    let state = AppState::new(settings, db.clone(), http_client().expect("http client"));
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(state)).await;
    });
    TestApp {
        addr,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        _dir: dir,
        _pg: pg,
    }
}

/// Wraps a string as a secret for APIs that take one.
pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

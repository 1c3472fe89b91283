//! Test harness: the real router on a free loopback port, with its own fresh database.

pub mod accounts;
pub mod doctor;
pub mod emulator;
pub mod operator;
pub mod portal;
pub mod standalone;
pub mod triggers;
pub mod webhooks;

use std::net::SocketAddr;

use paddock::server::db::Database;
use paddock::server::settings::Settings;
use paddock::server::startup::router;
use paddock::server::state::{AppState, http_client_with};
use secrecy::SecretString;
use tokio::net::TcpListener;

/// How often a test app writes its webhook refusal counts (`paddock serve`: 5 s).
pub const REFUSALS_FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// A running app and what a test needs to talk to it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub db: Database,
    /// The embedded Paddle emulator's origin (local mode), e.g. `http://127.0.0.1:41234`.
    pub emulator_origin: Option<url::Url>,
    /// The app's own Paddle client (the embedded emulator in local mode).
    pub paddle: paddle::Client,
    /// The first secret the app accepts on `/webhooks/paddle` (generated in local mode).
    pub webhook_secret: SecretString,
    /// Where local-mode mail lands (one `.eml` per message).
    pub outbox: std::path::PathBuf,
    /// `PUBLIC_URL`'s origin: what same-origin checks expect and mail links start with.
    pub origin: String,
    /// `DATABASE_URL`, for running the `paddock` binary on the same database.
    pub database_url: String,
    /// The `paddock serve` process, when the app runs as one (`standalone::spawn_process`).
    pub process: Option<standalone::AppProcess>,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
        drop_leftovers(admin_url, &mut conn).await;
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

/// Once per test process: drops the scratch databases of test processes that are gone
/// (a drop given up below, or a run that was killed). Their names carry their pid, which
/// says something only about this machine: on a Postgres elsewhere nothing is dropped.
async fn drop_leftovers(admin_url: &str, conn: &mut sqlx::PgConnection) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let local = url::Url::parse(admin_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .is_some_and(|h| ["127.0.0.1", "localhost", "[::1]"].contains(&h.as_str()));
    if !local {
        return;
    }
    ONCE.get_or_init(|| async {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE 'paddock\\_test\\_%'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
        for name in names {
            let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
            let gone =
                pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists());
            if gone {
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let _ = sqlx::query(&drop).execute(&mut *conn).await;
            }
        }
    })
    .await;
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        // Best effort, on a thread of its own: Drop cannot await. The test's runtime is
        // blocked meanwhile, so a connection its app was still opening cannot finish
        // logging in, and Postgres makes `DROP DATABASE` wait for that login (up to its
        // 60 s `authentication_timeout`). After 5 s the test goes on without waiting: its
        // runtime's end closes that connection, and the drop then completes (or the next
        // test process drops the leftover, see `drop_leftovers`).
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        let (done, dropped) = std::sync::mpsc::channel::<()>();
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
            let _ = done.send(());
        });
        let _ = dropped.recv_timeout(std::time::Duration::from_secs(5));
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
    let mut vars = vec![
        ("PADDOCK_DATA_DIR", dir.as_str()),
        ("DATABASE_URL", database_url),
        ("LEPTOS_SITE_ROOT", "target/site"),
        // A free port for the embedded Paddle emulator of each test app.
        ("PADDLE_EMULATOR_ADDR", "127.0.0.1:0"),
    ];
    // Later pairs win, as in the environment an `extra` variable replaces a default.
    vars.extend_from_slice(extra);
    Settings::from_pairs(&vars).expect("test settings are valid")
}

/// Starts the app on SQLite.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await
}

/// Starts the app on the given backend with a fresh, migrated database.
pub async fn spawn_app_on(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Starts the app on `backend` with extra settings (e.g. `PADDLE_TIMEOUT_SECS`).
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = fresh_database(backend, dir.path()).await;
    let (listener, settings) = listen(dir.path(), &url, extra).await;
    let db = Database::connect(&settings.database_url)
        .await
        .expect("database opens and migrates");
    paddock::server::accounts::sessions::start(&db)
        .await
        .expect("session store migrates");
    serve(listener, settings, db, dir, pg).await
}

/// A free loopback port, and settings whose `PUBLIC_URL` is that port's origin.
pub(crate) async fn listen(
    dir: &std::path::Path,
    database_url: &str,
    extra: &[(&str, &str)],
) -> (TcpListener, Settings) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let origin = format!("http://{}", listener.local_addr().expect("local addr"));
    let mut vars = vec![("PUBLIC_URL", origin.as_str())];
    vars.extend_from_slice(extra);
    (listener, settings(dir, database_url, &vars))
}

/// Starts the app with a database that is already built (for example a lazy one that
/// points at a server that is down).
pub async fn spawn_with(
    settings: Settings,
    db: Database,
    dir: tempfile::TempDir,
    pg: Option<PgScratch>,
) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    serve(listener, settings, db, dir, pg).await
}

/// Starts Paddle (the embedded emulator in local mode) and the app on `listener`.
pub async fn serve(
    listener: TcpListener,
    settings: Settings,
    db: Database,
    dir: tempfile::TempDir,
    pg: Option<PgScratch>,
) -> TestApp {
    init_test_logs();
    let http = http_client_with(settings.paddle.timeout).expect("http client");
    let paddle = paddock::server::paddle::start(&settings.paddle, &settings.public_url, &http)
        .await
        .expect("Paddle starts");
    if let Some(emulator) = paddle.emulator {
        emulator.spawn(std::future::pending());
    }
    let emulator_origin = paddle.handle.emulator_origin.clone();
    let paddle_client = paddle.handle.client.clone();
    let webhook_secret = paddle.handle.webhook_secrets[0].clone();
    let outbox = settings.accounts.outbox_dir.clone();
    let origin = settings.public_origin();
    let database_url = secrecy::ExposeSecret::expose_secret(&settings.database_url).to_owned();
    let state = AppState::new(settings, db.clone(), http, paddle.handle);
    // As `paddock serve` does, but every 100 ms so tests need not wait for it.
    paddock::server::webhooks::refusals::spawn_flush(
        state.refusals.clone(),
        db.clone(),
        REFUSALS_FLUSH_EVERY,
        std::future::pending(),
    );
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let limits = state.settings.http.clone();
        let app = router(state);
        paddock::server::http::serve::serve(listener, app, &limits, std::future::pending()).await;
    });
    TestApp {
        addr,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        emulator_origin,
        paddle: paddle_client,
        webhook_secret,
        outbox,
        origin,
        database_url,
        process: None,
        _dir: dir,
        _pg: pg,
    }
}

/// Logs go through the test harness, so they show only for a failing test.
pub fn init_test_logs() {
    use tracing_subscriber::{EnvFilter, fmt};
    let _ = fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_test_writer()
        .try_init();
}

/// Wraps a string as a secret for APIs that take one.
pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

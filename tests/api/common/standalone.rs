//! A standalone Paddle emulator, outside every app, that several instances share
//! (`PADDLE_API_URL`); and the `paddock` binary as a process a test can `kill -9`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use paddle_emulator::{Config, Emulator, RetryPolicy, WebhookDestination};
use secrecy::SecretString;
use tokio::net::TcpListener;
use url::Url;

/// The secret the standalone emulator signs every delivery with.
pub const SHARED_SECRET: &str = "pdl_ntfset_01standaloneemulator0000000_SharedByAllInstances";

/// A running standalone emulator.
pub struct Standalone {
    pub origin: Url,
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

impl Standalone {
    /// Starts one on a free port, delivering every event to each of `destinations` and
    /// retrying failed deliveries with `retry`.
    pub async fn start(destinations: &[Url], retry: RetryPolicy) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let origin = Url::parse(&format!("http://{}", listener.local_addr().expect("addr")))
            .expect("origin");
        let mut config = Config::new(origin.clone(), origin.clone());
        config.webhook_destinations = destinations
            .iter()
            .map(|url| WebhookDestination {
                url: url.clone(),
                secret: SecretString::from(SHARED_SECRET),
            })
            .collect();
        config.retry = retry;
        let http = reqwest::Client::new();
        let emulator = Emulator::new(config, http.clone()).await.expect("emulator");
        let serving = emulator.clone();
        tokio::spawn(async move { serving.serve(listener, std::future::pending()).await });
        Self {
            origin,
            emulator,
            http,
        }
    }

    /// The settings that point an app at this emulator instead of embedding one.
    pub fn app_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PADDLE_API_URL", self.origin.to_string()),
            (
                "PADDLE_API_KEY",
                paddle_emulator::DEFAULT_API_KEY.to_owned(),
            ),
            ("PADDLE_WEBHOOK_SECRETS", SHARED_SECRET.to_owned()),
        ]
    }

    /// Adds `app`'s webhook endpoint to the destinations.
    pub fn deliver_to(&self, app: &super::TestApp) {
        let url = Url::parse(&app.url("/webhooks/paddle")).expect("url");
        self.emulator.add_destination(WebhookDestination {
            url,
            secret: SecretString::from(SHARED_SECRET),
        });
    }

    /// `GET /_emulator/deliveries`: one entry per event and destination.
    pub async fn deliveries(&self) -> Vec<serde_json::Value> {
        let url = self.origin.join("/_emulator/deliveries").expect("url");
        let res = self.http.get(url).send().await.expect("emulator answers");
        res.json().await.expect("json")
    }

    /// Calls the emulator's Paddle API with the default key.
    pub fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let url = self.origin.join(path).expect("url");
        self.http
            .request(method, url)
            .bearer_auth(paddle_emulator::DEFAULT_API_KEY)
    }
}

/// Borrows `(name, value)` pairs as the `&str` pairs the settings helpers take.
pub fn pairs<'a>(owned: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    owned.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// `paddock serve` as a child process; its log lines are kept as they come.
pub struct AppProcess {
    child: Child,
    pub lines: Arc<Mutex<Vec<String>>>,
}

impl AppProcess {
    /// Starts the binary with exactly `env` (plus `PATH`) and waits until it serves.
    pub fn start(
        dir: &std::path::Path,
        env: &[(&str, &str)],
        lines: Arc<Mutex<Vec<String>>>,
    ) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_paddock"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("paddock starts");
        let stdout = child.stdout.take().expect("stdout");
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                kept.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(line);
            }
        });
        let mut app = Self { child, lines };
        let started = Instant::now();
        while !app.saw("Paddock is running") {
            // Its log says why, if it stopped or hangs (its errors go to this stderr).
            let log = || {
                app.lines
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .join("\n")
            };
            if let Ok(Some(status)) = app.child.try_wait() {
                panic!(
                    "paddock exited ({status}) before it served; its log:\n{}",
                    log()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "paddock did not start; its log:\n{}",
                log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        app
    }

    /// The process id (for `/proc/{pid}/…`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether any log line so far contains `text`.
    pub fn saw(&self, text: &str) -> bool {
        self.count(text) > 0
    }

    /// How many log lines so far contain `text`.
    pub fn count(&self, text: &str) -> usize {
        let lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        lines.iter().filter(|l| l.contains(text)).count()
    }

    /// `SIGTERM`, then waits for the process to end; whether it exited 0.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        self.child.wait().is_ok_and(|s| s.success())
    }

    /// `SIGKILL`: no shutdown, no flushing, in-flight requests cut.
    pub fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where [`free_port`] looks: below Linux's ephemeral range (32768 and up by default),
/// from which both a bind to port 0 and the local port of every outgoing connection come.
const PORTS: std::ops::Range<u32> = 20_000..32_000;

/// A free loopback port for a child process to listen on, released for it to take.
///
/// Not one the kernel picked for a bind to port 0: between its release and the child's
/// bind, any connection a test opens (to Postgres, to an app) could take it as its local
/// port, and the child would fail to start. Ports below the ephemeral range are never
/// handed out that way; a counter keeps this binary's picks apart, and the start point,
/// from the process id, keeps two test binaries on one machine apart.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let span = PORTS.end - PORTS.start;
    let start = std::process::id().wrapping_mul(7_919) % span;
    for _ in 0..span {
        let offset = (start + NEXT.fetch_add(1, Ordering::Relaxed)) % span;
        let port = u16::try_from(PORTS.start + offset).expect("a port");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port in {PORTS:?}");
}

/// The app as a `paddock serve` process on `database_url` with `extra` settings (its
/// own port, data folder and outbox), seen by the test as any other [`TestApp`].
pub async fn spawn_process(
    database_url: &str,
    extra: &[(&str, &str)],
    pg: Option<super::PgScratch>,
) -> super::TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let origin = format!("http://{addr}");
    let data_dir = dir.path().display().to_string();
    let site_root = concat!(env!("CARGO_MANIFEST_DIR"), "/target/site");
    let mut env = vec![
        ("DATABASE_URL", database_url),
        ("PADDOCK_DATA_DIR", data_dir.as_str()),
        ("LEPTOS_SITE_ADDR", addr.as_str()),
        ("LEPTOS_SITE_ROOT", site_root),
        ("PUBLIC_URL", origin.as_str()),
    ];
    env.extend_from_slice(extra);
    let process = AppProcess::start(dir.path(), &env, Arc::default());
    // The test's view of it: the same settings, its own pool and Paddle client.
    let settings = super::settings(dir.path(), database_url, &env);
    let db = paddock::server::db::Database::connect(&settings.database_url)
        .await
        .expect("the app's database");
    let http = paddock::server::state::http_client_with(settings.paddle.timeout).expect("http");
    let paddle = paddock::server::paddle::client_only(&settings.paddle, &http)
        .await
        .expect("Paddle client");
    let webhook_secret = settings.paddle.webhook_secrets.first().cloned();
    super::TestApp {
        addr: addr.parse().expect("addr"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        emulator_origin: match &settings.paddle.mode {
            paddock::server::paddle::PaddleMode::Remote(r) => Some(r.portal_origin.clone()),
            _ => None,
        },
        paddle,
        webhook_secret: webhook_secret.expect("a webhook secret (PADDLE_API_URL mode)"),
        outbox: settings.accounts.outbox_dir.clone(),
        origin: settings.public_origin(),
        database_url: database_url.to_owned(),
        process: Some(process),
        _dir: dir,
        _pg: pg,
    }
}

#[test]
fn free_ports_are_distinct_and_below_the_kernels_ephemeral_range() {
    let (a, b) = (free_port(), free_port());
    assert_ne!(a, b);
    for port in [a, b] {
        assert!(PORTS.contains(&u32::from(port)), "{port}");
    }
    // The premise: no bind to port 0 and no outgoing connection can be given these.
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .expect("the kernel's ephemeral port range");
    let low: u32 = range
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number");
    assert!(PORTS.end <= low, "ephemeral ports start at {low}");
}

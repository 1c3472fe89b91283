//! The `paddock` binary as an operator meets it: start-up errors and shutdown.

use crate::common::standalone::free_port;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn paddock() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paddock"));
    // A clean environment: nothing from the developer's shell or .env leaks in.
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info");
    cmd
}

#[test]
fn a_bad_setting_stops_start_up_with_the_variable_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = paddock()
        .current_dir(dir.path())
        .env("PUBLIC_URL", "billing.example.com")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PUBLIC_URL"), "{stderr}");
}

#[test]
fn a_value_clap_refuses_is_named_by_its_variable_and_not_echoed() {
    let out = paddock()
        .env("HTTP_MAX_CONNECTIONS", "abc123")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("paddock: configuration: HTTP_MAX_CONNECTIONS: "),
        "{stderr}"
    );
    assert!(!stderr.contains("abc123"), "{stderr}");
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let out = paddock()
        .env("HTTP_MAX_CONNECTIONS", "")
        .env("PADDLE_API_KEY", " ")
        .env("PUBLIC_URL", "billing.example.com")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Only the one bad value stops start-up; the empty ones took their defaults.
    assert!(
        stderr.starts_with("paddock: configuration: PUBLIC_URL: "),
        "{stderr}"
    );
}

#[test]
fn help_lists_every_setting_with_its_variable_but_no_secret_value() {
    let out = paddock()
        .arg("--help")
        .env("DATABASE_URL", "postgres://paddock:hunter2@db/paddock")
        .env("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_hunter3")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    for var in [
        "PUBLIC_URL",
        "DATABASE_URL",
        "HTTP_MAX_CONNECTIONS",
        "PADDLE_API_URL",
    ] {
        assert!(stdout.contains(&format!("[env: {var}")), "{var}: {stdout}");
    }
    assert!(!stdout.contains("hunter"), "{stdout}");
}

#[test]
fn help_lists_serve_as_the_default_command() {
    let out = paddock().arg("--help").output().expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("serve"), "{stdout}");
    assert!(stdout.contains("the default"), "{stdout}");
}

#[test]
fn serves_on_defaults_then_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let mut child = paddock()
        .current_dir(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        // Any free port for the embedded emulator, so parallel runs do not collide.
        .env("PADDLE_EMULATOR_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .env("NO_COLOR", "1")
        .spawn()
        .expect("starts");

    // Logs and the welcome line share stdout; read it on a thread until the process ends.
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let url = format!("http://127.0.0.1:{port}");
    let welcome = rx
        .iter()
        .find(|line| line.contains("Paddock is running"))
        .expect("prints where it runs");
    assert!(welcome.contains(&url), "{welcome}");
    // The default database is created under ./data.
    assert!(dir.path().join("data/paddock.db").exists());
    let status_line = raw_get(port, "/healthz?token=do-not-log", "cli-test-42");
    assert!(status_line.starts_with("HTTP/1.1 200"), "{status_line}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "did not stop within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let logs = reader.join().expect("reader thread");
    assert!(logs.contains("shutdown signal received"), "{logs}");
    assert!(logs.contains("stopped"), "{logs}");
    assert!(
        logs.contains("LOCAL MODE"),
        "says loudly that Paddle is the emulator: {logs}"
    );
    // Each request is logged once with its id and status, and never with its query.
    let line = logs
        .lines()
        .find(|l| l.contains("request_id=cli-test-42"))
        .expect("a log line for the request");
    assert!(line.contains("status=200"), "{line}");
    assert!(!logs.contains("do-not-log"), "{logs}");
}

/// A `paddock serve` started by [`start_in`]; killed when dropped.
struct Running {
    child: std::process::Child,
    port: u16,
    // Kept open while it runs: the server logs to it.
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `paddock` in `dir` on a free port (emulator too) with `env`; `None` when it
/// ended without saying it runs.
fn start_in(dir: &std::path::Path, env: &[(&str, &str)]) -> Option<Running> {
    let port = free_port();
    let mut cmd = paddock();
    cmd.current_dir(dir)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PADDLE_EMULATOR_ADDR", "127.0.0.1:0")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("Paddock is running"));
    let running = Running {
        child,
        port,
        _stdout: lines,
    };
    started.then_some(running)
}

#[test]
fn a_sqlite_url_without_mode_creates_its_file_and_serves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start_in(dir.path(), &[("DATABASE_URL", "sqlite://./app.db")]);
    let app = app.expect("the server started");
    assert!(dir.path().join("app.db").exists(), "the file was created");
    let status = raw_get(app.port, "/readyz", "cli-sqlite");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
}

#[test]
fn a_second_server_on_the_same_sqlite_file_stops_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = start_in(dir.path(), &[]).expect("the first server started");
    // Same data folder (so the same ./data/paddock.db), other ports.
    let mut second = paddock()
        .current_dir(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("PADDLE_EMULATOR_ADDR", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Without the check it would serve forever: give it 20 s to give up.
    let deadline = Instant::now() + Duration::from_secs(20);
    while second.try_wait().expect("wait").is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = second.kill();
    let second = second.wait_with_output().expect("output");
    assert!(!second.status.success(), "the second server must not start");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("already serving"), "{stderr}");
    assert!(
        stderr.contains("Postgres"),
        "says what to do instead: {stderr}"
    );
    let status = raw_get(first.port, "/readyz", "cli-second");
    assert!(
        status.starts_with("HTTP/1.1 200"),
        "the first keeps serving: {status}"
    );
}

/// A bare HTTP/1.1 GET; returns the status line.
fn raw_get(port: u16, path: &str, request_id: &str) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-request-id: {request_id}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).expect("read");
    line
}

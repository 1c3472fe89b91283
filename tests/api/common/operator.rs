//! `paddock portal-session` as an operator runs it: the binary with a clean environment,
//! next to a running app whose database and emulator it uses.
use std::process::{Command, Output, Stdio};

use super::portal::wait_for_subscription;
use super::{Backend, TestApp, spawn_app_on};

/// `$USER` of every run: the audit rows say `operator:ops-tester`.
pub const OS_USER: &str = "ops-tester";
pub const ACTOR: &str = "operator:ops-tester";

/// A running app (with its emulator) and what the CLI needs to reach the same things.
pub struct Ops {
    pub app: TestApp,
    pub database_url: String,
    pub emulator_addr: String,
    pub cli_dir: tempfile::TempDir,
}

pub async fn start(backend: Backend) -> Ops {
    let app = spawn_app_on(backend).await;
    let database_url = app.database_url.clone();
    let emulator = app.emulator_origin.clone().expect("local mode");
    let emulator_addr = format!(
        "{}:{}",
        emulator.host_str().expect("host"),
        emulator.port().expect("port")
    );
    Ops {
        app,
        database_url,
        emulator_addr,
        cli_dir: tempfile::tempdir().expect("temp dir"),
    }
}

impl Ops {
    /// `paddock portal-session …` on this app's database and emulator, stdin not a terminal.
    pub async fn run(&self, args: &[&str]) -> Run {
        let mut cmd = paddock(self.cli_dir.path());
        cmd.env("DATABASE_URL", &self.database_url)
            .env("PADDLE_EMULATOR_ADDR", &self.emulator_addr)
            .arg("portal-session")
            .args(args);
        output(cmd).await
    }

    /// A customer of the emulator with one active subscription, both in the mirror.
    pub async fn customer(&self) -> (String, String) {
        let (customer, sub) = self
            .app
            .emulator_checkout(&crate::common::accounts::unique_email())
            .await;
        wait_for_subscription(&self.app, &customer, &sub).await;
        (customer, sub)
    }

    pub fn origin(&self) -> String {
        format!("http://{}/", self.emulator_addr)
    }
}

/// The binary with a clean environment: nothing of the developer's shell leaks in.
pub fn paddock(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paddock"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("USER", OS_USER)
        .env("PADDOCK_DATA_DIR", dir)
        .current_dir(dir)
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` to its end, blocking off the runtime that serves the app and its emulator.
pub async fn output(mut cmd: Command) -> Run {
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("joins");
    Run::from(out)
}

pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Self {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// A failure with exactly one line on stderr, which it returns.
    pub fn failed_with_one_line(&self) -> &str {
        assert!(!self.ok, "should fail; stdout: {}", self.stdout);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line on stderr: {}", self.stderr);
        lines[0]
    }

    /// The first line of stdout that contains `label`.
    pub fn line(&self, label: &str) -> &str {
        self.stdout
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no `{label}` line in: {}", self.stdout))
    }
}

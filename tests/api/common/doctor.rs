//! Running `paddock doctor` (the binary) against a test app's database and emulator.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::TestApp;
use super::emulator::eventually;
use super::portal::wait_for_subscription;
use paddock::server::db::refusals;

/// What one `paddock doctor` run printed, and how it ended.
pub struct Diagnosis {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Diagnosis {
    /// The line of check `check` (`FAIL database: …`).
    pub fn line(&self, check: &str) -> &str {
        let label = format!("{check}: ");
        // `PASS `, `WARN ` or `FAIL `, then the check's name.
        self.stdout
            .lines()
            .find(|l| l.get(5..).is_some_and(|rest| rest.starts_with(&label)))
            .unwrap_or_else(|| panic!("no `{check}` line in:\n{}", self.stdout))
    }

    /// Asserts the `check` line starts with `status` and contains each of `words`.
    pub fn says(&self, check: &str, status: &str, words: &[&str]) {
        let line = self.line(check);
        assert!(
            line.starts_with(status),
            "`{check}` should be {status}:\n{}",
            self.stdout
        );
        for word in words {
            assert!(line.contains(word), "`{word}` missing in: {line}");
        }
    }

    /// Every line is PASS or WARN, and the exit code is 0.
    pub fn assert_healthy(&self) {
        assert!(self.ok, "exit code 0:\n{}\n{}", self.stdout, self.stderr);
        for line in self.stdout.lines() {
            assert!(
                line.starts_with("PASS ") || line.starts_with("WARN "),
                "{line}"
            );
        }
    }

    /// At least one FAIL line, and a non-zero exit code.
    pub fn assert_failed(&self) {
        assert!(!self.ok, "non-zero exit:\n{}", self.stdout);
        assert!(
            self.stdout.lines().any(|l| l.starts_with("FAIL ")),
            "{}",
            self.stdout
        );
    }
}

impl TestApp {
    /// `host:port` of the embedded emulator.
    pub fn emulator_addr(&self) -> String {
        let origin = self.emulator_origin.as_ref().expect("local mode");
        format!(
            "{}:{}",
            origin.host_str().expect("host"),
            origin.port().expect("port")
        )
    }

    /// `paddock doctor` with this app's database and emulator, then `env` on top.
    pub async fn doctor(&self, env: &[(&str, &str)]) -> Diagnosis {
        self.paddock("doctor", env).await
    }

    /// `paddock <command>` with this app's settings, then `env` on top.
    pub async fn paddock(&self, command: &str, env: &[(&str, &str)]) -> Diagnosis {
        self.paddock_with_args(command, &[], env).await
    }

    /// [`Self::paddock`] with `args` after the command.
    pub async fn paddock_with_args(
        &self,
        command: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Diagnosis {
        let emulator = self.emulator_addr();
        let mut all = vec![
            ("DATABASE_URL", self.database_url.as_str()),
            ("PADDLE_EMULATOR_ADDR", emulator.as_str()),
            ("PUBLIC_URL", self.origin.as_str()),
        ];
        all.extend_from_slice(env);
        run_paddock_with_args(command, args, &all).await
    }

    /// A checkout in the emulator, mirrored through its webhooks: `(customer, subscription)`.
    pub async fn mirrored_checkout(&self) -> (String, String) {
        let (customer, sub) = self
            .emulator_checkout(&super::accounts::unique_email())
            .await;
        wait_for_subscription(self, &customer, &sub).await;
        (customer, sub)
    }

    /// Waits until the database holds `n` refusals of `reason` (after a flush).
    pub async fn wait_for_refusals(&self, reason: &str, n: i64) {
        eventually(
            "the refusals are flushed",
            Duration::from_secs(5),
            || async {
                let rows = refusals::since(&self.db, 0).await.ok()?;
                rows.iter()
                    .any(|r| r.reason == reason && r.count == n)
                    .then_some(())
            },
        )
        .await;
    }
}

/// `paddock <command>` with exactly `env` (and `PATH`, and a data folder of its own).
pub async fn run_paddock(command: &str, env: &[(&str, &str)]) -> Diagnosis {
    run_paddock_with_args(command, &[], env).await
}

/// [`run_paddock`] with `args` after the command.
pub async fn run_paddock_with_args(
    command: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Diagnosis {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paddock"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PADDOCK_DATA_DIR", dir.path())
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .arg(command)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    // Blocking, off the runtime that serves the app and its emulator.
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("runs"))
        .await
        .expect("joins");
    let run = Diagnosis {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    };
    println!("$ paddock {command}\n{}{}", run.stdout, run.stderr);
    drop(dir);
    run
}

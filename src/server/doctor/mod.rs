//! `paddock doctor`: what is wrong with this deployment, one line per check.
//!
//! Each line starts with `PASS`, `WARN` or `FAIL`, names the check, says what was found
//! and, on a failure, the fix. It reads the same settings as `serve`, opens the database
//! without creating or migrating anything, and asks Paddle only harmless questions (a
//! portal mint for a customer that does not exist, two one-item list pages). Never a
//! secret: the API key shows at most its prefix, the database only where it is.

mod database;
mod durability;
mod mirror;
mod paddle_api;
mod refusals;
mod webhooks;

use std::fmt;

use crate::server::settings::{Settings, SettingsError};

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    /// Worth a look, but not a failure (the exit code stays 0).
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub status: Status,
    /// Which check, e.g. `database`.
    pub check: &'static str,
    /// What was found.
    pub found: String,
    /// What to do about it.
    pub fix: Option<String>,
}

impl Line {
    pub fn pass(check: &'static str, found: impl Into<String>) -> Self {
        Self::new(Status::Pass, check, found, None)
    }

    pub fn warn(check: &'static str, found: impl Into<String>) -> Self {
        Self::new(Status::Warn, check, found, None)
    }

    pub fn fail(check: &'static str, found: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(Status::Fail, check, found, Some(fix.into()))
    }

    /// A check that could not run because an earlier one failed.
    pub fn skipped(check: &'static str, because: &str) -> Self {
        Self::warn(check, format!("not checked: {because}"))
    }

    fn new(
        status: Status,
        check: &'static str,
        found: impl Into<String>,
        fix: Option<String>,
    ) -> Self {
        Self {
            status,
            check,
            found: found.into(),
            fix,
        }
    }

    /// The same line with a fix (also on a warning).
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.status {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        };
        write!(f, "{status} {}: {}", self.check, self.found)?;
        match &self.fix {
            Some(fix) => write!(f, " — fix: {fix}"),
            None => Ok(()),
        }
    }
}

/// Some checks failed; the lines say which.
#[derive(Debug, thiserror::Error)]
#[error("doctor: {failed} of {total} checks failed")]
pub struct Unhealthy {
    pub failed: usize,
    pub total: usize,
}

/// The CLI: examines, prints each line on stdout, and fails when any check failed.
pub async fn run(settings: Result<Settings, SettingsError>) -> Result<(), Unhealthy> {
    let lines = examine(settings).await;
    for line in &lines {
        println!("{line}");
    }
    let failed = lines.iter().filter(|l| l.status == Status::Fail).count();
    if failed == 0 {
        Ok(())
    } else {
        Err(Unhealthy {
            failed,
            total: lines.len(),
        })
    }
}

/// Every check, in order; the ones that need something that failed say they did not run.
pub async fn examine(settings: Result<Settings, SettingsError>) -> Vec<Line> {
    let settings = match settings {
        Ok(settings) => settings,
        Err(e) => {
            return vec![Line::fail(
                "settings",
                format!("{}: {}", e.var, e.reason),
                format!("correct {} (README: \"Configuration\")", e.var),
            )];
        }
    };
    let mut lines = vec![Line::pass(
        "settings",
        format!(
            "valid (Paddle: {}; database: {})",
            settings.paddle.describe(),
            settings.database_kind()
        ),
    )];
    let ((db_line, db), api) =
        tokio::join!(database::check(&settings), paddle_api::check(&settings));
    lines.push(db_line);
    if let Ok(db) = &db {
        lines.extend(durability::check(db).await);
    }
    lines.extend(api.lines);
    lines.push(webhooks::secrets(&settings));
    let now = ::paddle::time::OffsetDateTime::now_utc().unix_timestamp();
    let totals = match &api.client {
        Some(client) => Some(mirror::paddle_totals(client).await),
        None => None,
    };
    match &db {
        Ok(db) => {
            let nothing_in_paddle = totals
                .as_ref()
                .and_then(|t| t.as_ref().ok())
                .map(mirror::Totals::is_empty);
            let counts = refusals::read(db, now).await;
            let simulated = counts.as_deref().ok().and_then(refusals::simulations);
            let (received, last) =
                webhooks::received(db, &settings, now, nothing_in_paddle, simulated).await;
            lines.push(received);
            lines.push(refusals::check(&counts, &settings, now, last));
        }
        Err(because) => {
            lines.push(Line::skipped(webhooks::RECEIVED, because));
            lines.push(Line::skipped(refusals::REFUSALS, because));
        }
    }
    lines.push(match (&db, totals) {
        (Ok(db), Some(totals)) => mirror::compare(db, totals).await,
        (Err(because), _) => Line::skipped(mirror::CHECK, because),
        (_, None) => Line::skipped(mirror::CHECK, "the paddle api check did not pass"),
    });
    if let Ok(db) = db {
        db.close().await;
    }
    lines
}

/// `n thing`/`n things`.
fn count(n: impl Into<i128>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How long ago unix second `at` was, seen at `now`: `12 s`, `3 min`, `5 h`, `2 days`.
fn ago(now: i64, at: i64) -> String {
    let secs = (now - at).max(0);
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => format!("{} h", secs / 3600),
        _ => count(secs / 86_400, "day", "days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_says_status_check_finding_and_fix() {
        let line = Line::fail("database", "down", "start it");
        assert_eq!(line.to_string(), "FAIL database: down — fix: start it");
        assert_eq!(Line::pass("x", "ok").to_string(), "PASS x: ok");
        assert_eq!(
            Line::skipped("x", "no database").to_string(),
            "WARN x: not checked: no database"
        );
    }

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(ago(100, 88), "12 s");
        assert_eq!(ago(1000, 820), "3 min");
        assert_eq!(ago(20_000, 2_000), "5 h");
        assert_eq!(ago(86_400, 0), "1 day");
        assert_eq!(ago(0, 10), "0 s");
        assert_eq!(count(2, "customer", "customers"), "2 customers");
    }

    #[tokio::test]
    async fn invalid_settings_fail_naming_the_variable_and_nothing_else_runs() {
        let lines = examine(Settings::from_pairs(&[("PADDLE_ENV", "production")])).await;
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].status, Status::Fail);
        assert!(lines[0].to_string().contains("PADDLE_ENV"), "{}", lines[0]);
    }
}

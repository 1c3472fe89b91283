//! Is the database there, and does it have every migration this binary carries?

use std::time::Duration;

use secrecy::ExposeSecret;

use super::Line;
use crate::server::db::doctor::{
    AppliedMigration, SchemaProblem, applied_migrations, open_existing, schema_verdict,
};
use crate::server::db::{Database, DbError};
use crate::server::settings::Settings;

const CHECK: &str = "database";
/// A database that has not answered by then is down for the doctor's purpose.
const CONNECT_WITHIN: Duration = Duration::from_secs(3);

/// The line, and the database for the checks that read it (or why they cannot).
pub(super) async fn check(settings: &Settings) -> (Line, Result<Database, &'static str>) {
    let place = location(settings.database_url.expose_secret());
    let db = match open_existing(&settings.database_url, CONNECT_WITHIN).await {
        Ok(db) => db,
        Err(e) => return (unreachable(&place, &e), Err("the database is unreachable")),
    };
    let line = match applied_migrations(&db).await {
        Ok(applied) => judge(&place, applied.as_deref(), &db.built_in_migrations()),
        Err(e) => Line::fail(
            CHECK,
            format!("{place} answers, but its migrations cannot be read: {e}"),
            "check that DATABASE_URL's user may read the database",
        ),
    };
    if line.status == super::Status::Fail {
        db.close().await;
        return (line, Err("the database is not migrated"));
    }
    (line, Ok(db))
}

fn unreachable(place: &str, e: &DbError) -> Line {
    let fix = if place.starts_with("sqlite") {
        "start the app once (`paddock serve` creates and migrates it), or point DATABASE_URL \
         (or PADDOCK_DATA_DIR) at the app's database"
    } else {
        "start the database server, or correct DATABASE_URL (host, port, database, user, \
         password) and check this machine may reach it"
    };
    let why = match e {
        DbError::Connect(e) => e.to_string(),
        e => e.to_string(),
    };
    Line::fail(CHECK, format!("cannot open {place}: {why}"), fix)
}

/// The verdict on the migrations `applied` (`None`: never migrated) against `built_in`
/// (version, checksum): a pass only when `paddock serve` of this binary starts on it and
/// finds nothing to apply.
fn judge(place: &str, applied: Option<&[AppliedMigration]>, built_in: &[(i64, Vec<u8>)]) -> Line {
    let Err(problem) = schema_verdict(applied, built_in) else {
        return Line::pass(
            CHECK,
            format!("{place} answers; all {} migrations applied", built_in.len()),
        );
    };
    let fix = match &problem {
        // The doctor itself never migrates.
        SchemaProblem::NeverMigrated | SchemaProblem::Missing(..) => {
            "start `paddock serve` of this version: it applies the migrations at start (the \
             doctor never does)"
        }
        other => other.fix(),
    };
    Line::fail(CHECK, format!("{place} answers, but {problem}"), fix)
}

/// Where the database is, without credentials: `sqlite at <file>` or
/// `postgres at <host>:<port>/<name>`.
fn location(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or_default();
        return format!("sqlite at {path}");
    }
    match url::Url::parse(url) {
        Ok(u) => match u.host_str().filter(|h| !h.is_empty()) {
            Some(host) => format!(
                "postgres at {host}:{}{}",
                u.port().unwrap_or(5432),
                u.path()
            ),
            None => "postgres (local socket)".to_owned(),
        },
        Err(_) => "postgres".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::doctor::Status;

    fn applied(versions: &[i64]) -> Vec<AppliedMigration> {
        versions
            .iter()
            .map(|&version| AppliedMigration {
                version,
                success: true,
                checksum: vec![version as u8],
            })
            .collect()
    }

    fn built_in(versions: &[i64]) -> Vec<(i64, Vec<u8>)> {
        versions.iter().map(|&v| (v, vec![v as u8])).collect()
    }

    #[test]
    fn locations_never_show_credentials() {
        assert_eq!(
            location("postgres://paddock:hunter2@db.internal:6543/paddock?sslmode=require"),
            "postgres at db.internal:6543/paddock"
        );
        assert_eq!(location("postgresql://u:p@db/x"), "postgres at db:5432/x");
        assert_eq!(
            location("sqlite:///var/lib/paddock/paddock.db?mode=rwc"),
            "sqlite at /var/lib/paddock/paddock.db"
        );
        assert_eq!(
            location("sqlite://./data/paddock.db"),
            "sqlite at ./data/paddock.db"
        );
    }

    #[test]
    fn every_built_in_migration_must_be_applied_as_built() {
        let ok = judge("db", Some(&applied(&[1, 2, 3])), &built_in(&[1, 2, 3]));
        assert_eq!(ok.status, Status::Pass, "{ok}");
        let missing = judge("db", Some(&applied(&[1, 2])), &built_in(&[1, 2, 3]));
        assert_eq!(missing.status, Status::Fail);
        assert!(
            missing.found.contains("1 of 3") && missing.found.contains('3'),
            "{missing}"
        );
        assert_eq!(judge("db", None, &built_in(&[1])).status, Status::Fail);
        let mut broken = applied(&[1, 2, 3]);
        broken[2].success = false;
        let failed = judge("db", Some(&broken), &built_in(&[1, 2, 3]));
        assert_eq!(failed.status, Status::Fail);
    }

    /// sqlx's migrator (so `paddock serve`) refuses both: the doctor must not pass them.
    #[test]
    fn a_newer_or_edited_schema_fails_naming_its_migrations() {
        let newer = judge("db", Some(&applied(&[1, 2, 3, 4])), &built_in(&[1, 2, 3]));
        assert_eq!(newer.status, Status::Fail, "{newer}");
        assert!(newer.found.contains("does not know (4)"), "{newer}");
        let mut edited = applied(&[1, 2, 3]);
        edited[1].checksum = vec![99];
        let edited = judge("db", Some(&edited), &built_in(&[1, 2, 3]));
        assert_eq!(edited.status, Status::Fail, "{edited}");
        assert!(edited.found.contains("migrations 2 differ"), "{edited}");
        assert!(
            edited
                .fix
                .as_deref()
                .unwrap_or_default()
                .contains("restore"),
            "{edited}"
        );
    }
}

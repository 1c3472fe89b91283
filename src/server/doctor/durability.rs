//! Does a commit survive a crash of the database's machine? A webhook is answered 2xx
//! once its event is committed, and Paddle never resends an answered event.

use super::Line;
use crate::server::db::Database;
use crate::server::db::durability::{self, PgDurability};

pub(super) const CHECK: &str = "database durability";

/// The line, on Postgres; SQLite needs none (the storing connection sets its own
/// `synchronous = FULL`, see `db::event_batch::sqlite`).
pub(super) async fn check(db: &Database) -> Option<Line> {
    let Database::Postgres(pool) = db else {
        return None;
    };
    Some(match durability::postgres(pool).await {
        Ok(found) => judge(&found),
        Err(e) => Line::fail(
            CHECK,
            format!("cannot read the server's fsync and synchronous_commit: {e}"),
            "check that DATABASE_URL's user may read pg_settings",
        ),
    })
}

fn judge(d: &PgDurability) -> Line {
    if !d.fsync {
        return Line::fail(
            CHECK,
            "fsync is off on the Postgres server: after a crash of its machine, webhook \
             events already answered 2xx can be lost (Paddle does not send them again) and \
             the database can be corrupted",
            "set fsync = on (postgresql.conf, or ALTER SYSTEM SET fsync = on) and reload \
             the server; then run `paddock reconcile`",
        );
    }
    if d.synchronous_commit == "off" {
        return Line::fail(
            CHECK,
            "synchronous_commit is off on Paddock's connections: the last webhook events \
             answered 2xx before a crash can be lost",
            "remove whatever sets synchronous_commit = off for Paddock's connections (the \
             URL's options, or the pooler in front of Postgres)",
        );
    }
    let raised = if d.default_synchronous_commit == "off" {
        " (the default its connections start with is off: set on the server, the \
         database, the user or in DATABASE_URL; Paddock raises it on each of them)"
    } else {
        ""
    };
    Line::pass(
        CHECK,
        format!(
            "fsync on; commits wait for the write-ahead log (synchronous_commit = {}){raised}",
            d.synchronous_commit
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::doctor::Status;

    fn found(fsync: bool, now: &str, default: &str) -> PgDurability {
        PgDurability {
            fsync,
            synchronous_commit: now.into(),
            default_synchronous_commit: default.into(),
        }
    }

    #[test]
    fn fsync_off_fails_with_the_fix() {
        let line = judge(&found(false, "on", "on"));
        assert_eq!(line.status, Status::Fail, "{line}");
        assert!(line.to_string().contains("set fsync = on"), "{line}");
    }

    #[test]
    fn synchronous_commit_off_on_the_connection_fails() {
        let line = judge(&found(true, "off", "off"));
        assert_eq!(line.status, Status::Fail, "{line}");
    }

    #[test]
    fn a_raised_default_passes_and_says_so() {
        let line = judge(&found(true, "on", "off"));
        assert_eq!(line.status, Status::Pass, "{line}");
        assert!(line.found.contains("default") && line.found.contains("raises"));
        let plain = judge(&found(true, "remote_apply", "remote_apply"));
        assert_eq!(plain.status, Status::Pass, "{plain}");
        assert!(plain.found.contains("remote_apply") && !plain.found.contains("raises"));
    }
}

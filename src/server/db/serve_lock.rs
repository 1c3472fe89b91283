//! SQLite is one process: a second `paddock serve` on the same file would keep its own
//! in-memory limits and its own periodic jobs. The first server holds an exclusive
//! `flock` on `<file>.serve-lock` for its whole life (the kernel drops it when the process
//! ends, even on SIGKILL), and any other server refuses to start. Tools (`reconcile`,
//! `portal-session`) do not take it: they may run beside the server.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::{DbError, Options, ensure_parent_dir, in_memory, parse};

/// Held while serving; dropping it lets another server start.
#[derive(Debug)]
pub struct ServeLock {
    _file: Option<File>,
}

impl ServeLock {
    /// Takes the lock of the SQLite file `url` names; Postgres and in-memory SQLite
    /// need none (several instances share Postgres by design).
    pub fn take(url: &SecretString) -> Result<Self, DbError> {
        let Options::Sqlite(opts) = parse(url)? else {
            return Ok(Self { _file: None });
        };
        let db = opts.get_filename();
        if in_memory(url) || db.as_os_str().is_empty() {
            return Ok(Self { _file: None });
        }
        ensure_parent_dir(&opts)?;
        let path = lock_path(db);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| DbError::Folder {
                path: path.display().to_string(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: Some(file) }),
            Err(TryLockError::WouldBlock) => Err(DbError::Busy(db.display().to_string())),
            Err(TryLockError::Error(source)) => Err(DbError::Folder {
                path: path.display().to_string(),
                source,
            }),
        }
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".serve-lock");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_server_on_one_sqlite_file_is_refused_until_the_first_stops() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = SecretString::from(format!("sqlite://{}/app.db", dir.path().display()));
        let first = ServeLock::take(&url).expect("first server");
        let err = ServeLock::take(&url).expect_err("second server refused");
        assert!(err.to_string().contains("already serving"), "{err}");
        drop(first);
        ServeLock::take(&url).expect("free again once the first stops");

        // Other files and in-memory databases are independent.
        let other = SecretString::from(format!("sqlite://{}/other.db", dir.path().display()));
        let _held = ServeLock::take(&url).expect("lock again");
        ServeLock::take(&other).expect("another file");
        for memory in [
            "sqlite::memory:",
            "sqlite://shared.db?mode=memory&cache=shared",
        ] {
            let lock = ServeLock::take(&SecretString::from(memory)).expect("memory");
            assert!(lock._file.is_none(), "no lock file for {memory}");
        }
    }
}

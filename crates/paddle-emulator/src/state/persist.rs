//! The state file: JSON, written whole to a temporary file and renamed over the old one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use std::collections::BTreeMap;

use paddle::{Customer, CustomerId, Subscription};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use super::transactions::Transaction;
use super::{Data, Store};
use crate::clock::Clock;
use crate::emulator::EmulatorError;

/// Bumped when the file's shape changes incompatibly.
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct FileOut<'a> {
    format: u32,
    customers: Vec<&'a Customer>,
    subscriptions: Vec<&'a Subscription>,
    transactions: Vec<&'a Transaction>,
    clock: &'a Clock,
    declines: &'a BTreeMap<CustomerId, u32>,
}

/// Files written before the clock existed have no transactions, clock or declines.
#[derive(Deserialize)]
struct FileIn {
    format: u32,
    customers: Vec<Customer>,
    subscriptions: Vec<Subscription>,
    #[serde(default)]
    transactions: Vec<Transaction>,
    #[serde(default)]
    clock: Clock,
    #[serde(default)]
    declines: BTreeMap<CustomerId, u32>,
}

/// Reads `path`; a missing file is an empty state.
pub(super) async fn load(path: &Path) -> Result<Data, EmulatorError> {
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Data::default()),
        Err(source) => {
            return Err(EmulatorError::ReadState {
                path: path.to_owned(),
                source,
            });
        }
    };
    let file: FileIn =
        serde_json::from_slice(&bytes).map_err(|source| EmulatorError::ParseState {
            path: path.to_owned(),
            source,
        })?;
    if file.format != FORMAT_VERSION {
        return Err(EmulatorError::StateFormat {
            path: path.to_owned(),
            found: file.format,
        });
    }
    Ok(Data {
        customers: file
            .customers
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect(),
        subscriptions: file
            .subscriptions
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect(),
        transactions: file
            .transactions
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect(),
        clock: file.clock,
        declines: file.declines,
    })
}

pub(super) fn encode(data: &Data) -> Result<Vec<u8>, EmulatorError> {
    let file = FileOut {
        format: FORMAT_VERSION,
        customers: data.customers.values().collect(),
        subscriptions: data.subscriptions.values().collect(),
        transactions: data.transactions.values().collect(),
        clock: &data.clock,
        declines: &data.declines,
    };
    serde_json::to_vec(&file).map_err(EmulatorError::EncodeState)
}

/// Creates the state file's folder, once, when the emulator starts: a folder that cannot
/// be made is a start-up error, not a failed save later. A folder removed while the
/// emulator runs is not made again by a save (which then fails and says so), so a data
/// folder that was unmounted or cleaned up is never recreated behind its owner's back.
pub(super) async fn create_folder(path: &Path) -> Result<(), EmulatorError> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|source| EmulatorError::WriteState {
                    path: path.to_owned(),
                    source,
                })
        }
        None => Ok(()),
    }
}

/// Temp file beside the target (same file system, so the rename is atomic), fsync, rename.
pub(super) async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), EmulatorError> {
    let fail = |source| EmulatorError::WriteState {
        path: path.to_owned(),
        source,
    };
    let temp = temp_path(path);
    let mut file = tokio::fs::File::create(&temp).await.map_err(fail)?;
    file.write_all(bytes).await.map_err(fail)?;
    file.sync_all().await.map_err(fail)?;
    drop(file);
    tokio::fs::rename(&temp, path).await.map_err(fail)
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Writes the state file after changes, at most once per `debounce`, and once more on stop.
pub(crate) async fn run_persister(store: Arc<Store>, debounce: Duration, stop: CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            () = store.changed() => {}
        }
        // Gather the burst of changes (a seed, a checkout) into one write.
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(debounce) => {}
        }
        if let Err(err) = store.flush().await {
            tracing::error!(
                error = &err as &dyn std::error::Error,
                "could not save state"
            );
        }
    }
    if let Err(err) = store.flush().await {
        tracing::error!(
            error = &err as &dyn std::error::Error,
            "could not save state on stop"
        );
    }
}

//! Password rules and argon2id hashing, off the async runtime.

use std::sync::Arc;

/// Length bounds in characters; there are no other rules.
pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 256;

/// Whether `password` may be set.
pub fn acceptable(password: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&password.chars().count())
}

/// Why a password could not be hashed or checked now.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing thread is busy and the short queue is full: try again shortly.
    #[error("password hashing is saturated")]
    Busy,
    /// The hashing thread could not finish (it panicked or was cancelled).
    #[error("password hashing task failed")]
    TaskFailed,
}

/// A place in the hasher, taken before a request is worth hashing for.
pub struct Admission(tokio::sync::OwnedSemaphorePermit);

/// A job for a hashing thread.
type Job = Box<dyn FnOnce() + Send>;

/// Runs argon2id on `workers` threads of its own (each hash holds about 19 MiB; the
/// same few threads reuse it, where Tokio's blocking pool would spread it over many),
/// with at most `queue` more requests waiting: admission is a semaphore of
/// `workers + queue` permits, and beyond it the answer is `Busy` at once, instead of
/// piling up threads and memory.
pub struct Hasher {
    admitted: Arc<tokio::sync::Semaphore>,
    jobs: std::sync::mpsc::SyncSender<Job>,
}

impl Hasher {
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        let (jobs, inbox) = std::sync::mpsc::sync_channel::<Job>(workers + queue);
        let inbox = Arc::new(std::sync::Mutex::new(inbox));
        for i in 0..workers {
            let inbox = inbox.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || {
                    loop {
                        let job = match inbox.lock() {
                            Ok(inbox) => inbox.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => break, // the Hasher is gone
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password-hashing thread");
            }
        }
        Self {
            admitted: Arc::new(tokio::sync::Semaphore::new(workers + queue)),
            jobs,
        }
    }

    /// One thread per core, and a queue of four per core.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, 4 * cores)
    }

    /// A place among the hashes running or queued; `Busy` when there is none.
    pub fn admit(&self) -> Result<Admission, HashError> {
        self.admitted
            .clone()
            .try_acquire_owned()
            .map(Admission)
            .map_err(|_| HashError::Busy)
    }

    async fn run<T: Send + 'static>(
        &self,
        Admission(permit): Admission,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(work());
            drop(permit);
        });
        // Never blocks: the channel holds as many jobs as there are permits.
        self.jobs.try_send(job).map_err(|_| HashError::TaskFailed)?;
        rx.await.map_err(|_| HashError::TaskFailed)
    }

    /// An argon2id PHC string for `password`.
    pub async fn hash(&self, admission: Admission, password: String) -> Result<String, HashError> {
        self.run(admission, move || password_auth::generate_hash(password))
            .await
    }

    /// Whether `password` matches `hash`. Without a stored hash (unknown user) a dummy
    /// one is checked, so both cases take about as long.
    pub async fn verify(
        &self,
        admission: Admission,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, HashError> {
        self.run(admission, move || match hash {
            Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
            None => {
                let _ = password_auth::verify_password(password, dummy_hash());
                false
            }
        })
        .await
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| password_auth::generate_hash("not a real password"));
    &DUMMY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_the_only_rule() {
        assert!(!acceptable("1234567"));
        assert!(acceptable("12345678"));
        assert!(acceptable(&"é".repeat(256)));
        assert!(!acceptable(&"a".repeat(257)));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hasher = Hasher::new(1, 1);
        let admit = || hasher.admit().expect("room");
        let h = hasher
            .hash(admit(), "correct horse".into())
            .await
            .expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(
            hasher
                .verify(admit(), "correct horse".into(), Some(h.clone()))
                .await
                .expect("ok")
        );
        let wrong = hasher.verify(admit(), "wrong horse".into(), Some(h));
        assert!(!wrong.await.expect("ok"));
        let unknown = hasher.verify(admit(), "x".into(), None);
        assert!(!unknown.await.expect("ok"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn beyond_the_workers_and_the_queue_the_answer_is_busy_at_once() {
        let hasher = std::sync::Arc::new(Hasher::new(1, 2));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move {
                    let admission = hasher.admit()?;
                    hasher.verify(admission, "x".into(), None).await
                })
            })
            .collect();
        let (mut done, mut busy) = (0, 0);
        for t in tasks {
            match t.await.expect("task") {
                Ok(_) => done += 1,
                Err(HashError::Busy) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(done, 3, "one worker and a queue of two");
        assert_eq!(busy, 5);
    }
}

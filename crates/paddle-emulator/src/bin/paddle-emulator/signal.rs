//! Stopping on SIGINT (Ctrl-C) and SIGTERM.

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed now, not when the
/// server first polls the future, so a signal that comes early still stops gracefully.
#[cfg(unix)]
pub fn stop() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
pub fn stop() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

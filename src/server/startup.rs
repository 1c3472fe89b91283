//! Builds the router with its layers and runs the server until a shutdown signal.

use std::sync::Arc;

use axum::Router;
use axum::http::Request;
use axum::response::Redirect;
use axum::routing::get;
use axum_login::login_required;
use leptos::prelude::provide_context;
use leptos_axum::{
    LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
    render_app_async_with_context,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::app::App;
use crate::server::accounts;
use crate::server::db::{Database, DbError};
use crate::server::http::request_id::{REQUEST_ID, drop_unsafe_request_id};
use crate::server::http::{headers, health, same_origin};
use crate::server::settings::{Settings, SettingsError};
use crate::server::shell::shell;
use crate::server::state::{AppState, http_client_with};

/// Why the server could not start; each names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Settings(#[from] SettingsError),
    #[error("database: {0}")]
    Database(#[from] DbError),
    #[error("HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
    #[error("{0}")]
    Paddle(#[from] crate::server::paddle::PaddleStartError),
    #[error("cannot listen on {addr}: {source} (set LEPTOS_SITE_ADDR to another address)")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

/// Opens the database, sets up Paddle (starting the embedded emulator in local mode),
/// and serves until SIGINT/SIGTERM; then finishes in-flight requests and saves state.
pub async fn serve(settings: Settings) -> Result<(), StartupError> {
    tracing::info!(database = settings.database_kind(), data_dir = %settings.data_dir.display(), "starting");
    // Before anything is opened: a second server on one SQLite file stops here.
    let _serving = crate::server::db::ServeLock::take(&settings.database_url)?;
    let db = Database::connect(&settings.database_url).await?;
    crate::server::accounts::sessions::start(&db)
        .await
        .map_err(DbError::from)?;
    accounts::spawn_unverified_sweep(db.clone(), std::time::Duration::from_secs(3600));
    let http = http_client_with(settings.paddle.timeout)?;
    let paddle =
        crate::server::paddle::start(&settings.paddle, &settings.public_url, &http).await?;
    let stop = CancellationToken::new();
    let emulator = paddle
        .emulator
        .map(|e| e.spawn(stop.clone().cancelled_owned()));
    let state = AppState::new(settings, db.clone(), http, paddle.handle);
    let refusals = crate::server::webhooks::refusals::spawn_flush(
        state.refusals.clone(),
        db.clone(),
        crate::server::webhooks::refusals::FLUSH_EVERY,
        stop.clone().cancelled_owned(),
    );
    let checkpoints =
        crate::server::db::checkpoint::spawn(db.clone(), stop.clone().cancelled_owned());
    let addr = state.leptos.site_addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })?;
    let public_url = state.settings.public_url.clone();
    tracing::info!(%addr, "listening");
    println!("Paddock is running: open {public_url}  (Ctrl-C to stop)");
    let shutdown = {
        let stop = stop.clone();
        async move {
            shutdown_signal().await;
            stop.cancel();
        }
    };
    let limits = state.settings.http.clone();
    crate::server::http::serve::serve(listener, router(state), &limits, shutdown).await;
    stop.cancel();
    if let Some(emulator) = emulator {
        let _ = emulator.await;
    }
    // Its last flush: the refusals counted since the previous one.
    let _ = refusals.await;
    if let Some(checkpoints) = checkpoints {
        let _ = checkpoints.await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Pages only a signed-in user may see: one guard (axum-login's `login_required!`) in
/// front of them sends anyone else to log in and back.
const SIGNED_IN_PAGES: [&str; 1] = ["/dashboard"];
/// Pages that exist only with local mail (no `SMTP_URL`): the outbox.
const LOCAL_MAIL_PAGES: [&str; 1] = ["/dev/mail"];

/// The whole HTTP surface of the app, ready to serve.
pub fn router(state: AppState) -> Router {
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            crate::server::accounts::web::provide_viewer();
        }
    };
    let app_shell = {
        let leptos = state.leptos.clone();
        move || shell(leptos.clone())
    };
    let local_mail = state.settings.accounts.local_mail();
    let (signed_in, public): (Vec<_>, Vec<_>) = generate_route_list(App)
        .into_iter()
        .filter(|r| local_mail || !LOCAL_MAIL_PAGES.contains(&r.path()))
        .partition(|r| SIGNED_IN_PAGES.contains(&r.path()));
    // Rendered whole (their data is awaited), as `App` declares them; the server
    // functions are registered once, with the public routes below.
    let page = render_app_async_with_context(context.clone(), app_shell.clone());
    // Each also with a trailing slash, which the pages' router would otherwise render from
    // the fallback, outside the guard: behind it, a redirect to the page.
    let signed_in = signed_in
        .iter()
        .fold(Router::new(), |r, listing| {
            let to = listing.path().to_owned();
            let slash = format!("{to}/");
            r.route(listing.path(), get(page.clone()))
                .route(&slash, get(move || async move { Redirect::permanent(&to) }))
        })
        .route_layer(login_required!(accounts::Backend, login_url = "/login"));
    // The browser's part: pages, server functions and files, behind the session and
    // cross-site layers, with compressed answers.
    let browser = Router::new()
        .merge(signed_in)
        .leptos_routes_with_context(&state, public, context.clone(), app_shell)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(CompressionLayer::new())
        .layer(accounts::web::auth_layer(&state))
        .layer(axum::middleware::from_fn_with_state(
            Arc::<str>::from(state.settings.public_origin()),
            same_origin::require_same_origin,
        ));
    // Machines' part: the probes and Paddle's webhooks. No browser session (none is loaded,
    // even if a cookie comes along), no cross-site check (a webhook is signed, a probe
    // takes only GET), and answers too small to compress: none of those layers' work on
    // every call (`make bench-instructions`: /healthz from 51 k to 33 k instructions). The
    // layers below cover both parts.
    Router::new()
        .merge(health::routes())
        .merge(crate::server::webhooks::routes())
        .merge(browser)
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(drop_unsafe_request_id))
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(headers::layers())
                // 408 for a request not answered in time; the body must arrive in time too.
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    state.settings.http.request_timeout,
                ))
                .layer(RequestBodyTimeoutLayer::new(
                    state.settings.http.body_timeout,
                )),
        )
        .with_state(state)
}

/// One span per request. The path only: query strings can carry one-time tokens.
fn request_span<B>(req: &Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
}

/// Resolves on Ctrl-C or SIGTERM; axum then stops accepting and finishes in-flight requests.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}

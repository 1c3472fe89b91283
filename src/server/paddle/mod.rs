//! The app's Paddle: one API client, and in local mode the embedded emulator it talks to.

pub mod settings;

use std::future::Future;
use std::sync::Arc;

use paddle_emulator::{Config, Emulator, WebhookDestination};
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

pub use settings::{
    LivePaddle, LocalPaddle, PaddleEnvironment, PaddleMode, PaddleSettings, RemotePaddle,
};

/// Where the app receives Paddle's webhooks.
pub const WEBHOOK_PATH: &str = "/webhooks/paddle";

/// Why Paddle could not be set up at start-up.
#[derive(Debug, thiserror::Error)]
pub enum PaddleStartError {
    #[error("PADDLE_EMULATOR_ADDR: cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("Paddle emulator: {0}")]
    Emulator(#[from] paddle_emulator::EmulatorError),
    #[error("Paddle client: {0}")]
    Client(#[from] paddle::ClientError),
    #[error("Paddle base URL: {0}")]
    Url(#[from] url::ParseError),
    #[error(
        "no Paddle emulator answers on {0} (PADDLE_EMULATOR_ADDR): start the app first (`paddock serve`)"
    )]
    EmulatorDown(std::net::SocketAddr),
}

/// What request handlers need of Paddle; cheap to clone.
#[derive(Clone)]
pub struct PaddleHandle {
    /// The one API client of the process (emulator or real API).
    pub client: paddle::Client,
    /// Secrets a webhook signature may match (`PADDLE_WEBHOOK_SECRETS`, or the generated one).
    pub webhook_secrets: Arc<[SecretString]>,
    /// The emulator's origin, embedded (local mode) or standalone (`PADDLE_API_URL`): its
    /// portal links' only allowed origin and its checkout page.
    pub emulator_origin: Option<Url>,
}

/// Paddle as set up at start-up: the handle, and in local mode the emulator to serve.
pub struct PaddleRuntime {
    pub handle: PaddleHandle,
    /// The embedded emulator, in local mode only; not yet serving.
    pub emulator: Option<EmbeddedEmulator>,
}

/// The local emulator, bound to its address, ready to serve.
pub struct EmbeddedEmulator {
    pub emulator: Emulator,
    /// Where browsers and the client reach it, e.g. `http://127.0.0.1:3900`.
    pub origin: Url,
    listener: TcpListener,
}

impl EmbeddedEmulator {
    /// Serves the emulator until `stop` completes, then saves its state.
    pub fn spawn(self, stop: impl Future<Output = ()> + Send + 'static) -> JoinHandle<()> {
        tokio::spawn(async move {
            if let Err(e) = self.emulator.serve(self.listener, stop).await {
                tracing::error!(error = %e, "Paddle emulator stopped with an error");
            }
        })
    }
}

/// Builds the Paddle client; in local mode, first binds and loads the emulator.
/// `public_url` is where the emulator sends webhooks and portal pages return to.
pub async fn start(
    settings: &PaddleSettings,
    public_url: &Url,
    http: &reqwest::Client,
) -> Result<PaddleRuntime, PaddleStartError> {
    match &settings.mode {
        PaddleMode::Live(live) => {
            let base = Url::parse(live.environment.api_base())?;
            let client = paddle::Client::new(http.clone(), base.clone(), live.api_key.clone())?;
            tracing::info!(environment = live.environment.name(), api = %base, "LIVE MODE: using the real Paddle API");
            Ok(PaddleRuntime {
                handle: PaddleHandle {
                    client,
                    webhook_secrets: settings.webhook_secrets.clone().into(),
                    emulator_origin: None,
                },
                emulator: None,
            })
        }
        PaddleMode::Remote(remote) => {
            let client = remote_client(remote, http)?;
            tracing::warn!(api = %remote.api_url, portal = %remote.portal_origin, "REMOTE MODE: Paddle is the Paddle-compatible API at PADDLE_API_URL");
            Ok(PaddleRuntime {
                handle: PaddleHandle {
                    client,
                    webhook_secrets: settings.webhook_secrets.clone().into(),
                    emulator_origin: Some(remote.portal_origin.clone()),
                },
                emulator: None,
            })
        }
        PaddleMode::Local(local) => start_local(settings, public_url, local, http).await,
    }
}

fn remote_client(
    remote: &RemotePaddle,
    http: &reqwest::Client,
) -> Result<paddle::Client, PaddleStartError> {
    Ok(paddle::Client::new(
        http.clone(),
        remote.api_url.clone(),
        remote.api_key.clone(),
    )?)
}

async fn start_local(
    settings: &PaddleSettings,
    public_url: &Url,
    local: &LocalPaddle,
    http: &reqwest::Client,
) -> Result<PaddleRuntime, PaddleStartError> {
    let addr = local.emulator_addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| PaddleStartError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| PaddleStartError::Bind { addr, source })?;
    let origin = Url::parse(&format!("http://{bound}"))?;

    let (secret, generated) = match settings.webhook_secrets.first() {
        Some(secret) => (secret.clone(), false),
        None => (generate_webhook_secret(), true),
    };
    let webhook_url = public_url.join(WEBHOOK_PATH)?;
    let mut config = Config::new(origin.clone(), public_url.clone());
    config.api_keys = local.api_keys.clone();
    config.state_file = Some(local.state_file.clone());
    config.link_ttl = local.link_ttl;
    config.webhook_destinations = vec![WebhookDestination {
        url: webhook_url.clone(),
        secret: secret.clone(),
    }];
    let emulator = Emulator::new(config, http.clone()).await?;

    let api_key = local.api_keys[0].clone();
    let client = paddle::Client::new(http.clone(), origin.clone(), api_key.clone())?;
    let shown_key = if api_key.expose_secret() == paddle_emulator::DEFAULT_API_KEY {
        paddle_emulator::DEFAULT_API_KEY
    } else {
        "[configured]"
    };
    tracing::warn!(
        emulator = %origin,
        api_key = shown_key,
        webhooks_to = %webhook_url,
        webhook_secret = if generated { "generated at start" } else { "first of PADDLE_WEBHOOK_SECRETS" },
        state_file = %local.state_file.display(),
        "LOCAL MODE: Paddle is the embedded emulator (set PADDLE_API_KEY for the real API)"
    );
    let mut webhook_secrets = vec![secret];
    webhook_secrets.extend(settings.webhook_secrets.iter().skip(1).cloned());
    Ok(PaddleRuntime {
        handle: PaddleHandle {
            client,
            webhook_secrets: webhook_secrets.into(),
            emulator_origin: Some(origin.clone()),
        },
        emulator: Some(EmbeddedEmulator {
            emulator,
            origin,
            listener,
        }),
    })
}

/// A secret shaped like Paddle's notification-destination secrets, new at each start.
fn generate_webhook_secret() -> SecretString {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let body: String = (0..26)
        .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
        .collect();
    let tail: String = (0..32)
        .map(|_| char::from(ALNUM[rng.random_range(0..ALNUM.len())]))
        .collect();
    SecretString::from(format!("pdl_ntfset_{body}_{tail}"))
}

/// The API client alone, for tools such as `paddock reconcile`. In local mode it points
/// at the emulator of the running app on `PADDLE_EMULATOR_ADDR`, starts none of its own,
/// and fails fast with advice when nothing answers there (within two seconds) rather
/// than with a connection error on the first call.
pub async fn client_only(
    settings: &PaddleSettings,
    http: &reqwest::Client,
) -> Result<paddle::Client, PaddleStartError> {
    match &settings.mode {
        PaddleMode::Live(live) => {
            let base = Url::parse(live.environment.api_base())?;
            Ok(paddle::Client::new(
                http.clone(),
                base,
                live.api_key.clone(),
            )?)
        }
        PaddleMode::Remote(remote) => remote_client(remote, http),
        PaddleMode::Local(local) => {
            let addr = local.emulator_addr;
            let probe = tokio::time::timeout(
                std::time::Duration::from_secs(2),
                tokio::net::TcpStream::connect(addr),
            );
            if !matches!(probe.await, Ok(Ok(_))) {
                return Err(PaddleStartError::EmulatorDown(addr));
            }
            let origin = Url::parse(&format!("http://{addr}"))?;
            Ok(paddle::Client::new(
                http.clone(),
                origin,
                local.api_keys[0].clone(),
            )?)
        }
    }
}

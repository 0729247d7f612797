//! A local, stateful stand-in for the myPOS API Gateway.
//!
//! Start one per test (it is cheap), point the SDK at [`Sandbox::url`], and use the seeded
//! credentials from [`seed`]:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = mypos_sandbox::Sandbox::start().await?;
//! // ... drive your integration against sandbox.url() ...
//! assert_eq!(sandbox.count("POST", "/api/v1/oauth/token"), 1);
//! sandbox.stop().await;
//! # Ok(()) }
//! ```
//!
//! The same state is reachable over HTTP under `/_sandbox/` (see the README), which is how the
//! Python and Node test helpers drive it.

// The layers, bottom-up (docs/ARCHITECTURE.md): shared helpers; each API family's state, in a
// leaf module of the family; `state`, aggregating those; the routes and middleware taking it.
mod calendar;
mod config;
mod control;
mod extract;
mod faults;
mod form;
mod gateway;
mod hash;
mod identity;
mod ids;
mod log;
pub mod mobilepay;
mod paging;
mod problem;
pub mod psd2;
pub mod seed;
mod state;
mod terminal;
pub mod tls;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::SandboxConfig;
pub use faults::{Fault, FaultKind, PendingFault};
pub use log::LoggedRequest;
pub use state::{SandboxState, Stats};
pub use terminal::{TerminalAction, TerminalError};

/// The whole sandbox as one axum router, for embedding it in another server or test harness.
///
/// Control routes live under `/_sandbox/`; everything else is the gateway and is logged.
pub fn router(state: SandboxState) -> Router {
    Router::new()
        .nest(
            "/_sandbox",
            control::router().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                control::loopback_host_only,
            )),
        )
        .merge(identity::router())
        .merge(gateway::router())
        .merge(mobilepay::router())
        .merge(psd2::router(state.clone()))
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            log::record,
        ))
        // Outside the log, so a request is logged before a fault delays or drops its answer.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::apply,
        ))
        .with_state(state)
}

/// A running sandbox (on `127.0.0.1` unless [`SandboxConfig::host`] says otherwise).
///
/// It runs on the tokio runtime that started it. Dropping it stops it too; [`Sandbox::stop`]
/// additionally waits until the last connection is closed.
pub struct Sandbox {
    state: SandboxState,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox on a free loopback port with the default lifetimes.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with `config`.
    pub async fn start_with(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind((config.host, config.port)).await?;
        let addr = listener.local_addr()?;
        let state = SandboxState::new(&config);
        // PSD2's SCA links point at the plain listener, also when the API is served over mTLS.
        state.with(|s| s.psd2.sca_base = Some(format!("http://{addr}")));
        let app = router(state.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // A dropped sender also means "stop".
                let _ = signal.await;
            });
            if let Err(error) = serve.await {
                tracing::warn!(%error, "sandbox server stopped with an error");
            }
        });
        tracing::debug!(%addr, "sandbox started");
        Ok(Sandbox {
            state,
            addr,
            shutdown: Some(shutdown),
            server: Some(server),
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:38211` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state, for reading or driving it directly.
    pub fn state(&self) -> &SandboxState {
        &self.state
    }

    /// Every gateway and identity request so far (control requests are not logged).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.requests()
    }

    /// How many logged requests had this method and exactly this path.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.state.count(method, path)
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.state.clear_requests()
    }

    /// Counters since start, as served by `GET /_sandbox/stats`.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Expires every partner token issued so far.
    pub fn expire_tokens(&self) {
        self.state.expire_tokens()
    }

    /// Expires every merchant session issued so far.
    pub fn expire_sessions(&self) {
        self.state.expire_sessions()
    }

    /// Lifetimes for tokens and sessions issued from now on.
    pub fn set_lifetimes(&self, token: Duration, session: Duration) {
        self.state.set_lifetimes(token, session)
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the server.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Drop cannot wait: open connections are told to finish (the signal), and the accept
        // loop is cancelled at once so the port is released.
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("url", &self.url()).finish()
    }
}

//! The token lifecycle: one partner OAuth token per [`Gateway`](crate::Gateway), one session
//! per merchant. Each is cached, refreshed early, and refreshed by one caller at a time while
//! the others wait for its result.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use tokio::time::Instant;

/// The longest a partner token or merchant session is used before it is fetched again.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

use crate::config::Credentials;
use crate::error::{Error, Result};
use crate::fork::PerProcess;
use crate::transport::{self, Authenticator, Body, Request, Transport};

const TOKEN_PATH: &str = "/api/v1/oauth/token";
const SESSION_PATH: &str = "/api/v1/auth/session";
/// Refresh this long before the partner token expires…
const TOKEN_MARGIN: Duration = Duration::from_secs(60);
/// …and this long before a session does.
const SESSION_MARGIN: Duration = Duration::from_secs(30);
const DEFAULT_TOKEN_LIFETIME: u64 = 3600;
const DEFAULT_SESSION_LIFETIME: u64 = 300;

/// A bearer token or session id with the moment it should be replaced. It is kept as the
/// header value it is sent as (`Bearer …` or the session id), made once instead of on every
/// call and marked sensitive, so neither `Debug` nor reqwest's logs ever show it.
pub(crate) struct Token {
    header: HeaderValue,
    refresh_at: Instant,
}

impl Token {
    /// `prefix`: `"Bearer "` for the OAuth token, empty for a session; `what` names it in the
    /// error when the value cannot be sent as a header.
    fn new(
        value: SecretString,
        prefix: &str,
        what: &str,
        lifetime: Duration,
        margin: Duration,
    ) -> Result<Self> {
        let mut header = HeaderValue::from_str(&format!("{prefix}{}", value.expose_secret()))
            .map_err(|_| Error::Auth {
                status: None,
                message: format!("the {what} is not a valid header value"),
            })?;
        header.set_sensitive(true);
        // A lifetime past a day is taken as a day: an answer's `expires_in` could otherwise
        // overflow the clock, and a token refreshed early costs one request.
        let lifetime = lifetime.min(MAX_LIFETIME);
        // Short lifetimes (tests, odd servers) are refreshed halfway rather than never used.
        let margin = margin.min(lifetime / 2);
        Ok(Token {
            header,
            refresh_at: Instant::now() + lifetime - margin,
        })
    }

    fn is_fresh(&self) -> bool {
        Instant::now() < self.refresh_at
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// How long a refusal of a merchant's credentials is answered from memory: a revoked merchant
/// called in a loop costs one session request per this, not one per call.
const REFUSAL_MEMORY: Duration = Duration::from_secs(5);

/// A refused fetch, remembered briefly: its status, its message, and until when.
#[derive(Debug, Clone)]
struct Refusal {
    status: Option<u16>,
    message: String,
    until: Instant,
}

/// A cached token with single-flight refresh. A fetch refused for its credentials is
/// remembered for [`REFUSAL_MEMORY`] and answered to every caller meanwhile, waiters included.
#[derive(Debug)]
pub(crate) struct TokenCell {
    current: RwLock<Option<Arc<Token>>>,
    refused: RwLock<Option<Refusal>>,
    /// Per process: a forked child must not wait for a refresh its parent was running.
    refreshing: PerProcess<Arc<tokio::sync::Mutex<()>>>,
}

impl Default for TokenCell {
    fn default() -> Self {
        Self {
            current: RwLock::default(),
            refused: RwLock::default(),
            refreshing: PerProcess::new(Arc::default()),
        }
    }
}

impl TokenCell {
    fn fresh(&self) -> Option<Arc<Token>> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|t| t.is_fresh()).cloned()
    }

    /// The remembered refusal, while it lasts.
    fn refusal(&self) -> Option<Error> {
        let refused = self.refused.read().unwrap_or_else(|e| e.into_inner());
        refused
            .as_ref()
            .filter(|r| Instant::now() < r.until)
            .map(|r| Error::Auth {
                status: r.status,
                message: r.message.clone(),
            })
    }

    async fn get_or_refresh<F>(&self, fetch: F) -> Result<Arc<Token>>
    where
        F: AsyncFnOnce() -> Result<Token>,
    {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if let Some(refusal) = self.refusal() {
            return Err(refusal);
        }
        let refreshing = self.refreshing.get(Arc::default);
        let _only_one = refreshing.lock().await;
        // Whoever held the lock before us may have refreshed already, or been refused.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if let Some(refusal) = self.refusal() {
            return Err(refusal);
        }
        let token = match fetch().await {
            Ok(token) => Arc::new(token),
            Err(error) => {
                if let Error::Auth {
                    status: Some(status @ (400 | 401 | 403)),
                    message,
                } = &error
                {
                    *self.refused.write().unwrap_or_else(|e| e.into_inner()) = Some(Refusal {
                        status: Some(*status),
                        message: message.clone(),
                        until: Instant::now() + REFUSAL_MEMORY,
                    });
                }
                return Err(error);
            }
        };
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        Ok(token)
    }

    /// Forgets `used` unless it was already replaced by a newer one.
    fn invalidate(&self, used: &Arc<Token>) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, used)) {
            *current = None;
        }
    }
}

/// The partner's OAuth token, shared by every merchant of one gateway.
#[derive(Debug)]
pub(crate) struct PartnerToken {
    credentials: Credentials,
    cell: TokenCell,
}

impl PartnerToken {
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            cell: TokenCell::default(),
        }
    }

    async fn get(&self, transport: &Transport) -> Result<Arc<Token>> {
        self.cell
            .get_or_refresh(async || self.fetch(transport).await)
            .await
    }

    async fn fetch(&self, transport: &Transport) -> Result<Token> {
        let request = Request {
            method: Method::POST,
            path: TOKEN_PATH.into(),
            template: TOKEN_PATH,
            query: vec![],
            body: Body::Form(vec![
                ("grant_type", "client_credentials".into()),
                ("client_id", self.credentials.client_id.clone()),
                (
                    "client_secret",
                    self.credentials.client_secret.expose_secret().into(),
                ),
            ]),
            headers: HeaderMap::new(),
            repeat: crate::retry::Repeat::Once,
        };
        #[derive(Deserialize)]
        struct Answer {
            access_token: String,
            expires_in: Option<u64>,
        }
        let response = transport
            .send(&request, HeaderMap::new())
            .await
            .map_err(|f| f.error)?;
        let secret = self.credentials.client_secret.expose_secret();
        let answer: Answer = identity_answer(&response, "OAuth token", &[secret])?;
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(DEFAULT_TOKEN_LIFETIME));
        tracing::debug!(
            lifetime_s = lifetime.as_secs(),
            "fetched a partner OAuth token"
        );
        Token::new(
            answer.access_token.into(),
            "Bearer ",
            "OAuth token",
            lifetime,
            TOKEN_MARGIN,
        )
    }
}

/// One merchant's session.
#[derive(Debug)]
pub(crate) struct MerchantSession {
    credentials: Credentials,
    cell: TokenCell,
}

impl MerchantSession {
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            cell: TokenCell::default(),
        }
    }

    pub fn client_id(&self) -> &str {
        &self.credentials.client_id
    }

    async fn get(&self, transport: &Transport, partner: &PartnerToken) -> Result<Arc<Token>> {
        self.cell
            .get_or_refresh(async || {
                let token = partner.get(transport).await?;
                match self.fetch(transport, &token).await {
                    // The partner token was revoked early: one more try with a new one.
                    Err(Fetch::TokenRefused(_)) => {
                        partner.cell.invalidate(&token);
                        let token = partner.get(transport).await?;
                        self.fetch(transport, &token)
                            .await
                            .map_err(Fetch::into_error)
                    }
                    other => other.map_err(Fetch::into_error),
                }
            })
            .await
    }

    async fn fetch(
        &self,
        transport: &Transport,
        token: &Token,
    ) -> std::result::Result<Token, Fetch> {
        let request = Request {
            method: Method::POST,
            path: SESSION_PATH.into(),
            template: SESSION_PATH,
            query: vec![],
            body: Body::Json(json!({
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret.expose_secret(),
            })),
            headers: HeaderMap::new(),
            repeat: crate::retry::Repeat::Once,
        };
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, token.header.clone());
        #[derive(Deserialize)]
        struct Answer {
            session: String,
            expires_in: Option<u64>,
        }
        let response = transport
            .send(&request, headers)
            .await
            .map_err(|f| Fetch::Failed(f.error))?;
        let token_value = token.header.to_str().unwrap_or_default();
        let secrets = [
            self.credentials.client_secret.expose_secret(),
            token_value.strip_prefix("Bearer ").unwrap_or(token_value),
        ];
        if response.status == StatusCode::UNAUTHORIZED && !blames_client(&response) {
            return Err(Fetch::TokenRefused(
                identity_answer::<Answer>(&response, "merchant session", &secrets)
                    .err()
                    .unwrap_or_else(|| Error::Auth {
                        status: Some(401),
                        message: "the partner token was refused".into(),
                    }),
            ));
        }
        let answer: Answer =
            identity_answer(&response, "merchant session", &secrets).map_err(Fetch::Failed)?;
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(DEFAULT_SESSION_LIFETIME));
        tracing::debug!(
            merchant = %self.credentials.client_id,
            lifetime_s = lifetime.as_secs(),
            "opened a merchant session"
        );
        Token::new(
            answer.session.into(),
            "",
            "session",
            lifetime,
            SESSION_MARGIN,
        )
        .map_err(Fetch::Failed)
    }
}

/// Why a session could not be opened.
enum Fetch {
    /// The session endpoint refused the partner token (it checks nothing else with a 401,
    /// unless the answer blames the merchant's credentials).
    TokenRefused(Error),
    Failed(Error),
}

impl Fetch {
    fn into_error(self) -> Error {
        match self {
            Fetch::TokenRefused(error) | Fetch::Failed(error) => error,
        }
    }
}

/// Whether a 401 says the partner token is what was refused: a `WWW-Authenticate` challenge
/// with `invalid_token` (RFC 6750), or an answer that names the token. A 401 that says
/// neither is the session's (or the merchant's), and leaves the shared token alone.
fn blames_token(refusal: &transport::Response) -> bool {
    let challenge = refusal
        .headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("invalid_token"));
    challenge || {
        let api = transport::api_error(refusal);
        let text =
            format!("{} {}", api.status_message, api.detail.unwrap_or_default()).to_lowercase();
        text.contains("token") && !text.contains("session")
    }
}

/// Whether a 401 from the session endpoint blames the merchant's client id or secret rather
/// than the partner token.
fn blames_client(refusal: &transport::Response) -> bool {
    if blames_token(refusal) {
        return false;
    }
    let api = transport::api_error(refusal);
    let text = format!(
        "{} {} {}",
        api.status_message,
        api.detail.unwrap_or_default(),
        api.error_type.unwrap_or_default()
    )
    .to_lowercase();
    ["client", "merchant", "credential", "secret"]
        .iter()
        .any(|word| text.contains(word))
}

/// Decodes a token or session answer. Errors never quote the body: it may hold a secret.
/// `secrets` (what the request sent) are scrubbed from the server's words.
fn identity_answer<T: serde::de::DeserializeOwned>(
    response: &transport::Response,
    what: &str,
    secrets: &[&str],
) -> Result<T> {
    let status = response.status;
    if !status.is_success() {
        let api = transport::api_error(response);
        let hint = match status {
            StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST | StatusCode::FORBIDDEN => {
                " (check the client id and secret)"
            }
            _ => "",
        };
        return Err(Error::Auth {
            status: Some(status.as_u16()),
            message: transport::scrub(
                &format!("could not obtain the {what}: {api}{hint}"),
                secrets,
            ),
        });
    }
    serde_json::from_slice(&response.body).map_err(|_| Error::Auth {
        status: Some(status.as_u16()),
        message: format!("the {what} answer is not in the expected form"),
    })
}

/// What a merchant's business call authenticates with.
pub(crate) struct MerchantAuth<'a> {
    pub transport: &'a Transport,
    pub partner: &'a PartnerToken,
    pub session: &'a MerchantSession,
    /// `X-Partner-Id` and `X-Application-Id`, prepared once per gateway.
    pub fixed: &'a HeaderMap,
}

const X_SESSION: HeaderName = HeaderName::from_static("x-session");

impl Authenticator for MerchantAuth<'_> {
    type Used = (Arc<Token>, Arc<Token>);

    async fn headers(&self) -> Result<(HeaderMap, Self::Used)> {
        let token = self.partner.get(self.transport).await?;
        let session = self.session.get(self.transport, self.partner).await?;
        let mut headers = self.fixed.clone();
        headers.insert(AUTHORIZATION, token.header.clone());
        headers.insert(X_SESSION, session.header.clone());
        Ok((headers, (token, session)))
    }

    /// The session is dropped on any 401; the partner token, shared by every merchant of the
    /// gateway, only when the refusal blames it. Should a revoked token answer without saying
    /// so, the new session's request is refused for it and drops it then.
    fn invalidate(&self, (token, session): &Self::Used, refusal: &transport::Response) {
        if blames_token(refusal) {
            self.partner.cell.invalidate(token);
        }
        self.session.cell.invalidate(session);
    }
}

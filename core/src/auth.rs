//! The token lifecycle: one partner OAuth token per [`Gateway`](crate::Gateway), one session
//! per merchant. Each is cached, refreshed early, and refreshed by one caller at a time while
//! the others wait for its result. With a shared [`TokenStore`](crate::TokenStore), the
//! processes of a fleet share them as well (see [`crate::token_store`]).

use std::sync::{Arc, Mutex, RwLock};
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
use crate::token_store::{Shareable, Shared, Stamp};
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
    /// Its form in the shared store, if it is there: what a 401 deletes.
    stamp: Option<Stamp>,
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
        Ok(Token {
            header,
            refresh_at: Instant::now() + renew_after(lifetime, margin),
            stamp: None,
        })
    }

    fn is_fresh(&self) -> bool {
        Instant::now() < self.refresh_at
    }
}

/// When a token the API gave for `lifetime` is replaced: `margin` before it expires.
fn renew_after(lifetime: Duration, margin: Duration) -> Duration {
    // A lifetime past a day is taken as a day: an answer's `expires_in` could otherwise
    // overflow the clock, and a token refreshed early costs one request.
    let lifetime = lifetime.min(MAX_LIFETIME);
    // Short lifetimes (tests, odd servers) are refreshed halfway rather than never used.
    let margin = margin.min(lifetime / 2);
    lifetime - margin
}

/// In the shared store a token is kept as its header value, until it is due for renewal:
/// every process renews at the moment the fetching one would have.
impl Shareable for Token {
    fn plain(&self) -> &[u8] {
        self.header.as_bytes()
    }

    fn valid_for(&self) -> Duration {
        self.refresh_at.saturating_duration_since(Instant::now())
    }

    fn from_plain(plain: &[u8], valid_for: Duration) -> Option<Self> {
        let mut header = HeaderValue::from_bytes(plain).ok()?;
        header.set_sensitive(true);
        Some(Token {
            header,
            refresh_at: Instant::now() + valid_for.min(MAX_LIFETIME),
            stamp: None,
        })
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

/// A cached token with single-flight refresh, in this process and (with a shared store)
/// across the fleet. A fetch refused for its credentials is remembered for
/// [`REFUSAL_MEMORY`] and answered to every caller meanwhile, waiters included.
pub(crate) struct TokenCell {
    current: RwLock<Option<Arc<Token>>>,
    /// The last refusal of the credentials, while it is remembered.
    refusal: RwLock<Option<Refusal>>,
    /// Per process: a forked child must not wait for a refresh its parent was running.
    refreshing: PerProcess<Arc<tokio::sync::Mutex<()>>>,
    /// Where the fleet shares this token, if it does.
    shared: Option<Shared>,
    /// The stored form of the last shared token refused with a 401: deleted from the store
    /// (unless replaced already) before the next look there.
    refused: Mutex<Option<Stamp>>,
}

/// Neither the token nor its stored form shows (the stored form is the plain value when the
/// store is not encrypted).
impl std::fmt::Debug for TokenCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCell")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl TokenCell {
    fn new(shared: Option<Shared>) -> Self {
        Self {
            current: RwLock::default(),
            refusal: RwLock::default(),
            refreshing: PerProcess::new(Arc::default()),
            shared,
            refused: Mutex::default(),
        }
    }

    fn fresh(&self) -> Option<Arc<Token>> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|t| t.is_fresh()).cloned()
    }

    /// The remembered refusal, while it lasts.
    fn refusal(&self) -> Option<Error> {
        let refusal = self.refusal.read().unwrap_or_else(|e| e.into_inner());
        refusal
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
        let fetched = match &self.shared {
            None => fetch().await,
            Some(shared) => {
                let refused = self
                    .refused
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                shared
                    .obtain(refused.as_deref(), fetch)
                    .await
                    .map(|(mut token, stamp)| {
                        token.stamp = stamp;
                        *self.refused.lock().unwrap_or_else(|e| e.into_inner()) = None;
                        token
                    })
            }
        };
        let token = match fetched {
            Ok(token) => Arc::new(token),
            Err(error) => {
                if let Error::Auth {
                    status: Some(status @ (400 | 401 | 403)),
                    message,
                } = &error
                {
                    *self.refusal.write().unwrap_or_else(|e| e.into_inner()) = Some(Refusal {
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

    /// Forgets `used` unless it was already replaced by a newer one; in the shared store
    /// too, where only that exact value is deleted (not one another process just wrote).
    fn invalidate(&self, used: &Arc<Token>) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, used)) {
            *current = None;
            if let Some(stamp) = &used.stamp {
                *self.refused.lock().unwrap_or_else(|e| e.into_inner()) = Some(stamp.clone());
            }
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
    pub fn new(credentials: Credentials, shared: Option<Shared>) -> Self {
        Self {
            credentials,
            cell: TokenCell::new(shared),
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
    pub fn new(credentials: Credentials, shared: Option<Shared>) -> Self {
        Self {
            credentials,
            cell: TokenCell::new(shared),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_their_margin_before_they_expire() {
        let s = Duration::from_secs;
        assert_eq!(renew_after(s(3600), TOKEN_MARGIN), s(3540));
        assert_eq!(renew_after(s(300), SESSION_MARGIN), s(270));
        // Short lifetimes are renewed halfway; long ones after a day at most.
        assert_eq!(renew_after(s(20), SESSION_MARGIN), s(10));
        assert_eq!(
            renew_after(s(u64::MAX / 4), TOKEN_MARGIN),
            MAX_LIFETIME - TOKEN_MARGIN
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_shared_token_is_kept_until_the_moment_it_is_due() {
        let token = Token::new(
            "abc".into(),
            "Bearer ",
            "token",
            Duration::from_secs(3600),
            TOKEN_MARGIN,
        )
        .unwrap();
        assert_eq!(token.valid_for(), Duration::from_secs(3540));
        assert_eq!(token.plain(), b"Bearer abc");
        let read = Token::from_plain(token.plain(), Duration::from_secs(100)).unwrap();
        assert!(read.header.is_sensitive());
        tokio::time::advance(Duration::from_secs(99)).await;
        assert!(read.is_fresh());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(!read.is_fresh());
        assert!(Token::from_plain(b"bad\nvalue", Duration::from_secs(1)).is_none());
    }
}

//! OAuth2 for PSD2 (`POST /oauth/token`, form-encoded): the TPP's client-credentials token,
//! the authorization-code exchange after the account holder approved, and refreshes.
//!
//! Tokens are held per account holder in a [`TokenSlot`]: refreshed shortly before they
//! expire, by one caller at a time while the others wait for its result, and handed to the
//! application's [`TokenListener`] whenever they change so it can persist them.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::time::Instant;

use crate::config::Credentials;
use crate::error::{Error, Result};
use crate::fork::PerProcess;
use crate::transport::{self, Body, Request, Transport};

/// How the TPP's client id and secret reach the token endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body, as the description shows.
    #[default]
    Body,
    /// `Authorization: Basic base64(client_id:client_secret)` (RFC 6749 §2.3.1).
    Basic,
}

/// Refresh this long before an access token expires (at most half its lifetime).
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// The lifetime assumed when the token endpoint does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// An account holder's tokens, as the application persists and restores them.
#[derive(Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    /// Absent for client-credentials tokens.
    pub refresh_token: Option<SecretString>,
    /// When the access token expires, if the token endpoint said.
    pub expires_at: Option<SystemTime>,
    pub scope: Option<String>,
}

impl TokenSet {
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: SecretString::from(access_token.into()),
            refresh_token: None,
            expires_at: None,
            scope: None,
        }
    }

    /// `expires_at` as seconds since the Unix epoch.
    pub fn expires_at_unix(&self) -> Option<u64> {
        self.expires_at
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at_unix())
            .field("scope", &self.scope)
            .finish()
    }
}

/// Told about every new or rotated token set of an account holder (after the code exchange
/// and after each refresh), so the application can persist it and later restore the holder
/// with [`Psd2Client::account_holder`](super::Psd2Client::account_holder).
///
/// Called on the SDK's runtime right after the tokens change; keep it quick (hand the work
/// to a queue if persisting is slow).
pub trait TokenListener: Send + Sync + 'static {
    fn on_tokens(&self, holder_id: &str, tokens: &TokenSet);
}

impl<F: Fn(&str, &TokenSet) + Send + Sync + 'static> TokenListener for F {
    fn on_tokens(&self, holder_id: &str, tokens: &TokenSet) {
        self(holder_id, tokens)
    }
}

/// A token set with the moment it should be replaced.
#[derive(Debug)]
pub(crate) struct Issued {
    pub tokens: TokenSet,
    /// `None`: no known expiry, replaced only when the API refuses it.
    refresh_at: Option<Instant>,
}

impl Issued {
    pub fn new(tokens: TokenSet) -> Self {
        // An expiry past what the clock can hold (a restored token set saying year 9999) is
        // treated as none: refreshed only when the API refuses the token.
        let refresh_at = tokens.expires_at.and_then(|at| {
            let left = at.duration_since(SystemTime::now()).unwrap_or_default();
            // Short lifetimes (tests, odd servers) are refreshed halfway rather than never used.
            Instant::now().checked_add(left - REFRESH_MARGIN.min(left / 2))
        });
        Self { tokens, refresh_at }
    }

    fn is_fresh(&self) -> bool {
        self.refresh_at.is_none_or(|at| Instant::now() < at)
    }

    /// When the access token expires: later is newer.
    fn expiry(&self) -> Option<SystemTime> {
        self.tokens.expires_at
    }

    pub fn bearer(&self) -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!(
            "Bearer {}",
            self.tokens.access_token.expose_secret()
        ))
        .map_err(|_| Error::Auth {
            status: None,
            message: "the access token is not a valid header value".into(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// One holder's (or the TPP's) tokens with single-flight refresh. The refresh lock is per
/// process: a forked child must not inherit one a parent task held at the fork.
#[derive(Debug)]
pub(crate) struct TokenSlot {
    current: RwLock<Option<Arc<Issued>>>,
    refreshing: PerProcess<Arc<tokio::sync::Mutex<()>>>,
}

impl Default for TokenSlot {
    fn default() -> Self {
        Self {
            current: RwLock::new(None),
            refreshing: PerProcess::new(Arc::default()),
        }
    }
}

impl TokenSlot {
    pub fn with(issued: Issued) -> Self {
        Self {
            current: RwLock::new(Some(Arc::new(issued))),
            ..Self::default()
        }
    }

    pub fn current(&self) -> Option<Arc<Issued>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn fresh(&self) -> Option<Arc<Issued>> {
        self.current().filter(|t| t.is_fresh())
    }

    /// The current tokens, or new ones from `fetch` (given the stale ones) if they are due.
    /// Concurrent callers wait for the one fetch.
    pub async fn get<F>(&self, fetch: F) -> Result<Arc<Issued>>
    where
        F: AsyncFnOnce(Option<Arc<Issued>>) -> Result<Issued>,
    {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let lock = self.refreshing.get(Arc::default);
        let _only_one = lock.lock().await;
        // Whoever held the lock before us may have refreshed already.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let issued = Arc::new(fetch(self.current()).await?);
        self.store(issued.clone());
        Ok(issued)
    }

    fn store(&self, issued: Arc<Issued>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(issued);
    }

    /// Replaces the tokens with `tokens` if they expire later than the ones held (a stale copy
    /// restored from storage must not undo a rotation), or in any case with `replace` (they
    /// come from a new approval).
    pub fn offer(&self, tokens: TokenSet, replace: bool) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        let newer = match current.as_ref().map(|c| c.expiry()) {
            None => true,
            Some(held) => replace || tokens.expires_at > held,
        };
        if newer {
            *current = Some(Arc::new(Issued::new(tokens)));
        }
    }

    /// The API refused `used`: mark it due unless it was already replaced.
    pub fn invalidate(&self, used: &Arc<Issued>) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, used)) {
            *current = Some(Arc::new(Issued {
                tokens: used.tokens.clone(),
                refresh_at: Some(Instant::now()),
            }));
        }
    }
}

/// Which grant a token request is, for its error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    ClientCredentials,
    AuthorizationCode,
    RefreshToken,
}

impl Grant {
    fn failure(self) -> &'static str {
        match self {
            Grant::ClientCredentials => "could not obtain the TPP's access token",
            Grant::AuthorizationCode => "could not exchange the authorization code",
            Grant::RefreshToken => "could not refresh the account holder's tokens",
        }
    }

    /// What the caller can do about an `invalid_grant`.
    fn hint(self) -> &'static str {
        match self {
            Grant::ClientCredentials => "",
            Grant::AuthorizationCode => {
                " (a code works once, expires within minutes, and redirect_uri must be the one the holder was sent to the SCA page with)"
            }
            Grant::RefreshToken => {
                " (the holder's grant was revoked or has expired: the holder must approve a new consent)"
            }
        }
    }
}

/// The token endpoint of one TPP.
#[derive(Debug)]
pub(crate) struct TokenEndpoint {
    pub transport: Transport,
    pub client: Credentials,
    pub auth: ClientAuth,
}

impl TokenEndpoint {
    /// One token request (no retry: a code is single-use, and a refresh token may rotate).
    pub async fn request(
        &self,
        grant: Grant,
        mut form: Vec<(&'static str, String)>,
    ) -> Result<TokenSet> {
        let mut headers = HeaderMap::new();
        match self.auth {
            ClientAuth::Body => {
                form.push(("client_id", self.client.client_id.clone()));
                form.push((
                    "client_secret",
                    self.client.client_secret.expose_secret().to_string(),
                ));
            }
            ClientAuth::Basic => {
                // RFC 6749 §2.3.1: each part form-encoded before joining.
                let encode = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                let pair = format!(
                    "{}:{}",
                    encode(&self.client.client_id),
                    encode(self.client.client_secret.expose_secret())
                );
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
                    .map_err(|_| Error::config("client_id", "must be printable ASCII"))?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
        }
        let request = Request {
            method: Method::POST,
            path: String::new(),
            template: "/oauth/token",
            query: vec![],
            body: Body::Form(form),
            headers: HeaderMap::new(),
            repeat: crate::retry::Repeat::Once,
        };
        let response = self
            .transport
            .send(&request, headers)
            .await
            .map_err(|f| f.error)?;
        let secrets: Vec<&str> = match &request.body {
            Body::Form(fields) => fields
                .iter()
                .filter(|(name, _)| matches!(*name, "client_secret" | "refresh_token" | "code"))
                .map(|(_, value)| value.as_str())
                .chain([self.client.client_secret.expose_secret()])
                .collect(),
            _ => vec![],
        };
        token_answer(&response, grant).map_err(|error| match error {
            Error::Auth { status, message } => Error::Auth {
                status,
                message: transport::scrub(&message, &secrets),
            },
            other => other,
        })
    }
}

/// Reads a token answer. Errors never quote the body: it may hold a token.
fn token_answer(response: &transport::Response, grant: Grant) -> Result<TokenSet> {
    let status = response.status;
    if !status.is_success() {
        #[derive(Deserialize, Default)]
        struct OAuthError {
            error: Option<String>,
            error_description: Option<String>,
        }
        let parsed: OAuthError = serde_json::from_slice(&response.body).unwrap_or_default();
        let mut message = grant.failure().to_string();
        match (parsed.error.as_deref(), parsed.error_description) {
            (Some(code), Some(description)) => message += &format!(": {code}: {description}"),
            (Some(code), None) => message += &format!(": {code}"),
            _ => message += &format!(": {}", transport::api_error(response)),
        }
        match parsed.error.as_deref() {
            Some("invalid_grant") => message += grant.hint(),
            Some("invalid_client") => message += " (check the TPP's client id and secret)",
            _ if status == StatusCode::UNAUTHORIZED => {
                message += " (check the TPP's client id and secret)"
            }
            _ => {}
        }
        return Err(Error::Auth {
            status: Some(status.as_u16()),
            message,
        });
    }
    #[derive(Deserialize)]
    struct Answer {
        access_token: String,
        refresh_token: Option<String>,
        expires_in: Option<u64>,
        scope: Option<String>,
    }
    let answer: Answer = serde_json::from_slice(&response.body).map_err(|_| Error::Auth {
        status: Some(status.as_u16()),
        message: format!(
            "{}: the answer is not in the expected form",
            grant.failure()
        ),
    })?;
    let lifetime = answer
        .expires_in
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_LIFETIME);
    Ok(TokenSet {
        access_token: answer.access_token.into(),
        refresh_token: answer.refresh_token.map(SecretString::from),
        // A lifetime past what the clock holds is no expiry at all.
        expires_at: SystemTime::now().checked_add(lifetime),
        scope: answer.scope,
    })
}

/// The page the account holder approves at: the SCA link with the OAuth authorization
/// parameters added.
// unverified: myPOS publishes no authorize-URL parameters. These are
// RFC 6749 §4.1.1's (`response_type=code`, `client_id`, `redirect_uri`, `state`).
pub(crate) fn authorization_url(
    base: &url::Url,
    sca_href: &str,
    client_id: &str,
    redirect_uri: &str,
    state: Option<&str>,
) -> Result<String> {
    let mut url = base
        .join(sca_href)
        .map_err(|e| Error::invalid("link", format!("is not a usable URL ({e})")))?;
    // The holder's browser goes there with the client id: only over HTTPS (or plain HTTP
    // when the API itself is configured so, as a local sandbox is), never `javascript:` etc.
    if url.scheme() != "https" && url.scheme() != base.scheme() {
        return Err(Error::invalid(
            "link",
            format!("must be an https URL, not {}:", url.scheme()),
        ));
    }
    // An `authorizationUrl` from the API may carry some of these already: added only when
    // missing, never twice.
    let present: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    let wanted = [
        ("response_type", Some("code")),
        ("client_id", Some(client_id)),
        ("redirect_uri", Some(redirect_uri)),
        ("state", state),
    ];
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in wanted {
            if let Some(value) = value.filter(|_| !present.iter().any(|p| p == name)) {
                query.append_pair(name, value);
            }
        }
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_urls_are_https_only() {
        let base = url::Url::parse("https://psd2.example/").unwrap();
        let url =
            |href: &str| authorization_url(&base, href, "tpp", "https://tpp.example/cb", None);
        assert!(
            url("/authorize/c-1")
                .unwrap()
                .starts_with("https://psd2.example/authorize/c-1?")
        );
        for bad in [
            "javascript:alert(1)",
            "http://psd2.example/authorize",
            "data:text/html,x",
        ] {
            assert!(
                matches!(url(bad), Err(Error::InvalidRequest { .. })),
                "{bad}"
            );
        }
    }

    fn tokens(expires_in: Option<u64>) -> TokenSet {
        TokenSet {
            expires_at: expires_in.map(|s| SystemTime::now() + Duration::from_secs(s)),
            ..TokenSet::new("a")
        }
    }

    #[tokio::test]
    async fn one_refresh_for_many_callers() {
        let slot = Arc::new(TokenSlot::default());
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (slot, calls) = (slot.clone(), calls.clone());
                tokio::spawn(async move {
                    slot.get(async |_| {
                        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok(Issued::new(tokens(Some(600))))
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn a_stale_copy_does_not_undo_a_rotation() {
        let slot = TokenSlot::with(Issued::new(tokens(Some(600))));
        slot.offer(tokens(Some(60)), false);
        assert!(
            slot.current().unwrap().tokens.expires_at_unix() > tokens(Some(300)).expires_at_unix()
        );
        slot.offer(tokens(Some(6000)), false);
        assert!(
            slot.current().unwrap().tokens.expires_at_unix() > tokens(Some(5000)).expires_at_unix()
        );
    }

    #[test]
    fn secrets_never_show() {
        let mut set = TokenSet::new("ACCESS-SECRET");
        set.refresh_token = Some("REFRESH-SECRET".to_string().into());
        let shown = format!("{set:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}

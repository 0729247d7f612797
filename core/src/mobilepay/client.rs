//! The MobilePay point-of-sale client: its configuration, and how its credentials travel.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::Method;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::config::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, validate_base_url};
use crate::error::{Error, Result};
use crate::transport::{
    Authenticator, Body, CallLimits, CallOptions, Request, Response, Transport, WithCallOptions,
};

/// The operations that need no access token: creating the first one.
/// (`manage.create_token`; a test below holds it to the operation's definition.)
const TOKENLESS: &[&str] = &["/api/pos/manage/token"];

/// The operation that takes the token as `previousAccessToken` (the one it replaces) instead
/// of `accessToken`, as the text's template has it.
/// (`manage.reset_token`.)
const RESET_TOKEN: &str = "/api/pos/manage/token/reset";

/// How long a flow waits for its payment by default. MobilePay's texts give no number for the
/// inactivity after which it cancels a payment itself; five minutes is ample for a customer at
/// the till, and a payment left active longer blocks the point of sale for the next one.
pub const DEFAULT_FLOW_MAX_WAIT: Duration = Duration::from_secs(300);

/// Everything a [`MobilePayPos`] is built from.
#[derive(Clone)]
pub struct MobilePayConfig {
    /// Where the `api/pos/...` API lives, e.g. `https://mobilepay-pos.example.com`.
    pub base_url: String,
    /// The merchant's code (Integra calls it the cinema's `bioCode`).
    pub bio_code: String,
    /// The merchant's long-lived access token. Only `manage.create_token` works without one.
    pub access_token: Option<SecretString>,
    /// Total time one call may take: every attempt and the waits between them.
    pub timeout: Duration,
    /// Time to open one connection.
    pub connect_timeout: Duration,
    /// Retries after a failed first attempt (0 disables). Only what is safe is retried.
    pub max_retries: u32,
    /// The largest answer body read (default 16 MiB); a longer one is refused with
    /// [`Error::ResponseTooLarge`].
    pub max_response_bytes: u64,
    /// Names the host language in the `User-Agent` (set by the Python and Node packages).
    pub host: Option<String>,
    /// The longest a payment flow waits for its payment to end (default 5 minutes): past it
    /// the flow cancels the payment and fails with [`Error::FlowTimedOut`].
    pub flow_max_wait: Duration,
}

impl MobilePayConfig {
    pub fn new(
        base_url: impl Into<String>,
        bio_code: impl Into<String>,
        access_token: impl Into<String>,
    ) -> Self {
        let mut config = Self::without_token(base_url, bio_code);
        config.access_token = Some(SecretString::from(access_token.into()));
        config
    }

    /// A configuration for a merchant that has no access token yet: only
    /// `manage().create_token()` can be called, to obtain one.
    pub fn without_token(base_url: impl Into<String>, bio_code: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            bio_code: bio_code.into(),
            access_token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: crate::retry::DEFAULT_MAX_RETRIES,
            max_response_bytes: crate::transport::DEFAULT_MAX_RESPONSE_BYTES,
            host: None,
            flow_max_wait: DEFAULT_FLOW_MAX_WAIT,
        }
    }

    fn validate(&self) -> Result<url::Url> {
        let url = validate_base_url("base_url", &self.base_url)?;
        check_credential("bio_code", &self.bio_code)?;
        if let Some(token) = &self.access_token {
            check_credential("access_token", token.expose_secret())?;
        }
        for (field, value) in [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
            ("flow_max_wait", self.flow_max_wait),
        ] {
            if value.is_zero() {
                return Err(Error::config(field, "must be greater than zero"));
            }
        }
        if self.max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes", "must be at least 1"));
        }
        Ok(url)
    }
}

impl fmt::Debug for MobilePayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MobilePayConfig")
            .field("base_url", &self.base_url)
            .field("bio_code", &self.bio_code)
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// A credential travels in query strings and JSON bodies: printable, no spaces. The message
/// names the field, never the value.
fn check_credential(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::config(field, "must not be empty"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::config(
            field,
            "must not contain spaces or control characters",
        ));
    }
    Ok(())
}

/// A MobilePay point-of-sale client for one merchant: its `bioCode` and access token are
/// added to every call. Cloning is cheap and shares the connection pool.
///
/// The access token never shows in `Debug`, errors, logs or logged URLs: the transport logs
/// an operation's path template, never the query that carries the token on GET calls.
#[derive(Clone)]
pub struct MobilePayPos {
    pub(super) inner: Arc<Inner>,
    access_token: Option<SecretString>,
    options: CallOptions,
    pub(super) flow_max_wait: Duration,
}

pub(super) struct Inner {
    transport: Transport,
    bio_code: String,
    /// The runtime the client was made on: a flow dropped outside any runtime still cancels
    /// its payment there.
    pub(super) runtime: Option<tokio::runtime::Handle>,
}

impl MobilePayPos {
    /// Checks the configuration and prepares the connection pool. Sends nothing yet.
    pub fn new(config: MobilePayConfig) -> Result<Self> {
        let base = config.validate()?;
        let user_agent = match &config.host {
            Some(host) => format!(
                "mypos-sdk/{} ({host}; rust core; mobilepay)",
                crate::VERSION
            ),
            None => format!("mypos-sdk/{} (rust; mobilepay)", crate::VERSION),
        };
        let transport = Transport::new(base, config.connect_timeout, &user_agent)?
            .with_max_response_bytes(config.max_response_bytes);
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                bio_code: config.bio_code,
                runtime: tokio::runtime::Handle::try_current().ok(),
            }),
            access_token: config.access_token,
            options: CallOptions {
                timeout: config.timeout,
                max_retries: config.max_retries,
                connect_timeout: None,
            },
            flow_max_wait: config.flow_max_wait,
        })
    }

    /// The same merchant and connection pool with another access token, e.g. the one
    /// `manage().create_token()` or `manage().reset_token()` answered with.
    pub fn with_access_token(&self, access_token: impl Into<String>) -> Result<Self> {
        let token = access_token.into();
        check_credential("access_token", &token)?;
        let mut client = self.clone();
        client.access_token = Some(token.into());
        Ok(client)
    }

    /// The same client with other limits for the calls made through it.
    pub fn with_options(
        &self,
        timeout: Option<Duration>,
        max_retries: Option<u32>,
    ) -> Result<Self> {
        self.with_limits(CallLimits {
            timeout,
            max_retries,
            connect_timeout: None,
        })
    }

    /// The same client with connections for its calls opened within `connect_timeout`
    /// (instead of the configured one).
    pub fn with_connect_timeout(&self, connect_timeout: Duration) -> Result<Self> {
        self.with_limits(CallLimits {
            connect_timeout: Some(connect_timeout),
            ..CallLimits::default()
        })
    }

    /// The same client with flows that wait at most `max_wait` for their payment to end.
    pub fn with_flow_max_wait(&self, max_wait: Duration) -> Result<Self> {
        if max_wait.is_zero() {
            return Err(Error::config("flow_max_wait", "must be greater than zero"));
        }
        let mut client = self.clone();
        client.flow_max_wait = max_wait;
        Ok(client)
    }

    /// The merchant's `bioCode`.
    pub fn bio_code(&self) -> &str {
        &self.inner.bio_code
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base().as_str()
    }

    /// Whether calls carry an access token (only `manage.create_token` works without one).
    pub fn has_access_token(&self) -> bool {
        self.access_token.is_some()
    }

    /// The request with the merchant's credentials added: as query parameters on GET, as
    /// JSON body fields otherwise (the API's POST forms, so the token stays out of URLs).
    fn authorized(&self, request: &Request) -> Result<Request> {
        if request.template == RESET_TOKEN {
            return self.with_previous_token(request);
        }
        let token = match &self.access_token {
            Some(token) => Some(token.expose_secret()),
            None if TOKENLESS.contains(&request.template) => None,
            None => {
                return Err(Error::config(
                    "access_token",
                    "is required for this call; create one with `manage.create_token` and \
                     make a client with it",
                ));
            }
        };
        let mut request = request.clone();
        let credentials = [
            ("bioCode", Some(self.inner.bio_code.as_str())),
            ("accessToken", token),
        ];
        if matches!(request.method, Method::GET | Method::DELETE) {
            for (key, value) in credentials {
                if let Some(value) = value {
                    request.query.push((key.into(), value.into()));
                }
            }
        } else {
            let mut body = match std::mem::replace(&mut request.body, Body::None) {
                Body::Json(Value::Object(map)) => map,
                Body::None | Body::Json(Value::Null) => Map::new(),
                _ => return Err(Error::invalid("json", "must be a JSON object on this API")),
            };
            for (key, value) in credentials {
                if let Some(value) = value {
                    body.insert(key.into(), Value::String(value.into()));
                }
            }
            request.body = Body::Json(Value::Object(body));
        }
        Ok(request)
    }
}

impl MobilePayPos {
    /// `manage.reset_token`: `bioCode` and the token to replace, `previousAccessToken`: the
    /// request's, else the client's own.
    fn with_previous_token(&self, request: &Request) -> Result<Request> {
        let mut request = request.clone();
        let given = request
            .query
            .iter()
            .any(|(k, _)| k == "previousAccessToken");
        if !given {
            let token = self.access_token.as_ref().ok_or_else(|| {
                Error::config(
                    "access_token",
                    "is required to reset it; or pass the token to replace as \
                     `previous_access_token`",
                )
            })?;
            request.query.push((
                "previousAccessToken".into(),
                token.expose_secret().to_string(),
            ));
        }
        request
            .query
            .push(("bioCode".into(), self.inner.bio_code.clone()));
        Ok(request)
    }
}

impl fmt::Debug for MobilePayPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MobilePayPos")
            .field("base_url", &self.base_url())
            .field("bio_code", &self.bio_code())
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The merchant's credentials travel inside each request, so there are no headers to add
/// and nothing to refresh: a refused token stays refused.
struct InRequestCredentials;

impl Authenticator for InRequestCredentials {
    type Used = ();
    const REFRESHES: bool = false;

    async fn headers(&self) -> Result<(HeaderMap, ())> {
        Ok((HeaderMap::new(), ()))
    }

    fn invalidate(&self, _: &(), _: &Response) {}
}

impl MobilePayPos {
    /// Sends `request` with the merchant's credentials: what
    /// [`Executor::execute_request`](crate::endpoint::Executor::execute_request) does for it.
    pub(crate) fn execute<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            let request = self.authorized(request)?;
            self.inner
                .transport
                .call(&InRequestCredentials, &request, self.options)
                .await
        })
    }
}

impl WithCallOptions for MobilePayPos {
    fn call_options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows() {
        let config = MobilePayConfig::new("http://127.0.0.1:1", "1234", "TOPSECRET-token");
        assert!(!format!("{config:?}").contains("TOPSECRET"));
        let pos = MobilePayPos::new(config).unwrap();
        assert!(!format!("{pos:?}").contains("TOPSECRET"));
        let err = pos.with_access_token("TOPSECRET with space").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("TOPSECRET"));
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |config: MobilePayConfig| match MobilePayPos::new(config).unwrap_err() {
            Error::Config { field, .. } => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(MobilePayConfig::new("http://example.com", "1", "t")),
            "base_url"
        );
        assert_eq!(
            field(MobilePayConfig::new("http://127.0.0.1:1", " ", "t")),
            "bio_code"
        );
        assert_eq!(
            field(MobilePayConfig::new("http://127.0.0.1:1", "1", "a b")),
            "access_token"
        );
    }

    #[test]
    fn tokenless_operations_exist() {
        let tokenless: Vec<_> = super::super::operations()
            .into_iter()
            .map(|op| op.info().path)
            .collect();
        for path in TOKENLESS {
            assert!(tokenless.contains(path), "{path}");
        }
        assert!(tokenless.contains(&RESET_TOKEN), "{RESET_TOKEN}");
    }
}

//! [`Gateway`] owns the connection pool and the partner token; [`MerchantClient`] is a cheap
//! handle per merchant that shares them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::{MerchantAuth, MerchantSession, PartnerToken};
use crate::config::{GatewayConfig, MerchantCredentials, validate_merchant};
use crate::error::{Error, Result};
use crate::raw::RawRequest;
use crate::token_store::Fleet;
use crate::transport::{CallOptions, Request, Response, Transport};

/// One partner integration talking to one gateway, for any number of merchants.
#[derive(Clone, Debug)]
pub struct Gateway {
    inner: Arc<GatewayInner>,
}

#[derive(Debug)]
struct GatewayInner {
    transport: Transport,
    partner: PartnerToken,
    /// The store the fleet shares tokens and sessions through, if configured.
    fleet: Option<Arc<Fleet>>,
    /// `X-Partner-Id` and `X-Application-Id`, the same on every business call.
    fixed_headers: HeaderMap,
    /// What calls get unless a client overrides it.
    options: CallOptions,
    /// Set by [`Gateway::close`]: calls are refused from then on.
    closed: AtomicBool,
}

impl Gateway {
    /// Checks the configuration and prepares the connection pool. Sends nothing yet.
    pub fn new(config: GatewayConfig) -> Result<Self> {
        let base = config.validate()?;
        let user_agent = match &config.host {
            Some(host) => format!("mypos-sdk/{} ({host}; rust core)", crate::VERSION),
            None => format!("mypos-sdk/{} (rust)", crate::VERSION),
        };
        let transport =
            Transport::with_tls(base, config.connect_timeout, &user_agent, &config.tls)?
                .with_max_response_bytes(config.max_response_bytes);
        let options = CallOptions {
            timeout: config.timeout,
            max_retries: config.max_retries,
            connect_timeout: None,
        };
        let mut fixed_headers = HeaderMap::new();
        for (name, field, value) in [
            ("x-partner-id", "partner_id", &config.partner_id),
            ("x-application-id", "application_id", &config.application_id),
        ] {
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::config(field, "must be printable ASCII"))?;
            fixed_headers.insert(HeaderName::from_static(name), value);
        }
        let fleet = Fleet::open(
            &config.token_store,
            transport.base().as_str(),
            &config.partner_id,
            &config.application_id,
            &config.integration.client_id,
        )?;
        Ok(Self {
            inner: Arc::new(GatewayInner {
                transport,
                partner: PartnerToken::new(
                    config.integration,
                    fleet.as_ref().map(Fleet::partner_token),
                ),
                fleet,
                fixed_headers,
                options,
                closed: AtomicBool::new(false),
            }),
        })
    }

    /// A client for one merchant. Checks the credentials' form; its session is fetched on
    /// the first call. (`create_client` in Python and Node too.)
    pub fn create_client(&self, credentials: MerchantCredentials) -> Result<MerchantClient> {
        validate_merchant(&credentials)?;
        let shared = (self.inner.fleet.as_ref()).map(|f| f.session(&credentials.client_id));
        Ok(MerchantClient {
            options: self.inner.options,
            gateway: self.inner.clone(),
            session: Arc::new(MerchantSession::new(credentials, shared)),
        })
    }

    /// The former name of [`Gateway::create_client`], kept for code written against it.
    #[doc(hidden)]
    pub fn client(&self, credentials: MerchantCredentials) -> Result<MerchantClient> {
        self.create_client(credentials)
    }

    /// Closes the gateway: its pooled connections now, and every call of its merchant
    /// clients from then on, with a `Config` error. Calls already running finish.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        self.inner.transport.close_connections();
    }

    /// Whether [`Gateway::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// The base URL calls go to (as `base_url` in Python and Node, and on `MobilePayPos`).
    pub fn base_url(&self) -> &str {
        self.inner.transport.base().as_str()
    }

    /// The same as [`Self::base_url`], its former name.
    pub fn url(&self) -> &str {
        self.base_url()
    }
}

/// One merchant's view of the gateway. Cloning is cheap and shares the session.
#[derive(Clone, Debug)]
pub struct MerchantClient {
    gateway: Arc<GatewayInner>,
    session: Arc<MerchantSession>,
    options: CallOptions,
}

impl MerchantClient {
    /// The merchant's client id (`cli_…`).
    pub fn client_id(&self) -> &str {
        self.session.client_id()
    }

    /// The same merchant (same session) with other limits for the calls made through it:
    /// `client.with_options(Some(Duration::from_secs(5)), Some(0))` for a 5 s call, no retries.
    pub fn with_options(
        &self,
        timeout: Option<Duration>,
        max_retries: Option<u32>,
    ) -> Result<Self> {
        let mut client = self.clone();
        client.options = client.options.overridden(timeout, max_retries)?;
        Ok(client)
    }

    /// The same merchant with connections for its calls opened within `connect_timeout`
    /// (instead of the gateway's).
    pub fn with_connect_timeout(&self, connect_timeout: Duration) -> Result<Self> {
        if connect_timeout.is_zero() {
            return Err(Error::config(
                "connect_timeout",
                "must be greater than zero",
            ));
        }
        let mut client = self.clone();
        client.options.connect_timeout = Some(connect_timeout);
        Ok(client)
    }

    /// The limits calls through this client run with.
    pub fn options(&self) -> CallOptions {
        self.options
    }

    /// Sends an authenticated request the SDK does not type yet (see [`RawRequest`]).
    pub async fn request(&self, request: RawRequest) -> Result<serde_json::Value> {
        request.send(self).await
    }

    /// Sends `request` as this merchant: what
    /// [`Executor::execute_request`](crate::endpoint::Executor::execute_request) does for it.
    pub(crate) fn execute<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            let gateway = &*self.gateway;
            if gateway.closed.load(Ordering::Acquire) {
                return Err(Error::config(
                    "gateway",
                    "is closed: create a new Gateway to make calls",
                ));
            }
            let auth = MerchantAuth {
                transport: &gateway.transport,
                partner: &gateway.partner,
                session: &self.session,
                fixed: &gateway.fixed_headers,
            };
            gateway.transport.call(&auth, request, self.options).await
        })
    }
}

//! The native `MobilePayPos`: config JSON in, operations called by name with JSON text. The JS
//! class (`mobilepay.js`) builds its methods from `mobilepayOperations()`.
//!
//! An `AbortSignal` cannot cross into Rust, so the shim hands a [`CancelToken`] instead and
//! cancels it on `abort`; the call selects against it and drops the core's future, which is
//! how an aborted payment flow cancels its payment.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::sync::watch;

use mypos::host;
use mypos::mobilepay::MobilePayPos as Core;

use crate::{CASE, contained, guarded, promise, reject};

/// What an aborted call rejects with; the shim replaces it with the signal's reason.
const ABORTED: &str = "MYPOS_ABORTED";

/// A MobilePay point-of-sale client for one merchant (`bioCode` and access token).
#[napi(js_name = "NativeMobilePayPos")]
pub struct MobilePayPos(Core);

#[napi]
impl MobilePayPos {
    /// `config`: JSON text, camelCase keys, timeouts in milliseconds.
    #[napi(constructor)]
    pub fn new(config: String) -> Result<Self> {
        contained(|| {
            let config = host::mobilepay_config(&config, CASE).map_err(reject)?;
            Core::new(config).map(MobilePayPos).map_err(reject)
        })
    }

    /// Runs operation `name` with `args` (JSON text); resolves to JSON text.
    #[napi]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        name: String,
        args: String,
    ) -> Result<PromiseRaw<'env, String>> {
        let client = self.0.clone();
        promise(env, async move {
            guarded(host::mobilepay().call(&client, &name, &args, CASE)).await
        })
    }

    /// `call`, stopped when `token` is cancelled: the core's future is dropped (a flow then
    /// cancels its payment) and the promise rejects.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call_cancellable<'env>(
        &self,
        env: &'env Env,
        name: String,
        args: String,
        token: &CancelToken,
    ) -> Result<PromiseRaw<'env, String>> {
        let client = self.0.clone();
        let mut cancelled = token.0.subscribe();
        promise(env, async move {
            tokio::select! {
                answer = guarded(host::mobilepay().call(&client, &name, &args, CASE)) => answer,
                () = async {
                    // A token dropped without being cancelled never cancels.
                    if cancelled.wait_for(|c| *c).await.is_err() {
                        std::future::pending::<()>().await;
                    }
                } => Err(Error::new(Status::Cancelled, ABORTED)),
            }
        })
    }

    /// The same merchant with another access token.
    #[napi]
    pub fn with_options(&self, options: String) -> Result<MobilePayPos> {
        contained(|| {
            host::mobilepay_with_options(&self.0, &options, CASE)
                .map(MobilePayPos)
                .map_err(reject)
        })
    }

    #[napi]
    pub fn with_access_token(&self, access_token: String) -> Result<MobilePayPos> {
        contained(|| {
            self.0
                .with_access_token(access_token)
                .map(MobilePayPos)
                .map_err(reject)
        })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.0.base_url().to_string()
    }

    #[napi(getter)]
    pub fn bio_code(&self) -> String {
        self.0.bio_code().to_string()
    }

    #[napi(getter)]
    pub fn has_access_token(&self) -> bool {
        self.0.has_access_token()
    }
}

/// Cancels the calls it was handed to.
#[napi(js_name = "NativeCancelToken")]
pub struct CancelToken(watch::Sender<bool>);

#[napi]
impl CancelToken {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken(watch::Sender::new(false))
    }

    #[napi]
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }
}

/// The MobilePay operations as JSON text: name, method path, positional parameters, doc.
#[napi]
pub fn mobilepay_operations() -> Result<String> {
    contained(|| {
        Ok(serde_json::to_string(&host::mobilepay().operations(CASE))
            .expect("operations serialize"))
    })
}

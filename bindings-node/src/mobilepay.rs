//! The native `MobilePayPos`: config JSON in, operations called by name with JSON text. The JS
//! class (`mobilepay.js`) builds its methods from `mobilepayOperations()`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use mypos::host;
use mypos::mobilepay::MobilePayPos as Core;

use crate::cancel::{CancelToken, cancellable};
use crate::{CASE, contained, guarded, promise, reject};

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
        let call =
            async move { guarded(host::mobilepay().call(&client, &name, &args, CASE)).await };
        promise(env, cancellable(call, token))
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

/// The MobilePay operations as JSON text: name, method path, positional parameters, doc.
#[napi]
pub fn mobilepay_operations() -> Result<String> {
    contained(|| {
        Ok(serde_json::to_string(&host::mobilepay().operations(CASE))
            .expect("operations serialize"))
    })
}

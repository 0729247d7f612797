//! The native `Psd2Client`: config JSON in, operations called by name with JSON text, and the
//! OAuth steps that make a client per account holder. The JS class (`psd2.js`) builds its
//! methods from `psd2Operations()`.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use mypos::host;
use mypos::host::psd2_client as psd2_host;
use mypos::psd2::{ExchangeCode, Psd2Client as Core, TokenListener, TokenSet};

use crate::cancel::{CancelToken, cancellable};
use crate::{CASE, contained, guarded, promise, reject};

/// Calls back into JS with each new token set (JSON text with `holderId`). Weak: it does not
/// keep the process alive. The JS shim catches whatever the application's callback throws.
type TokenCallback = ThreadsafeFunction<String, (), String, Status, false, true>;

struct JsListener(TokenCallback);

impl TokenListener for JsListener {
    fn on_tokens(&self, holder_id: &str, tokens: &TokenSet) {
        let text = psd2_host::tokens_json(holder_id, tokens, CASE);
        self.0.call(text, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// One TPP on the PSD2 API, or one account holder's handle on it.
#[napi(js_name = "NativePsd2Client")]
pub struct Psd2Client(Core);

#[napi]
impl Psd2Client {
    /// `config`: JSON text, camelCase keys, timeouts in milliseconds; `onTokens` receives each
    /// token set as JSON text.
    #[napi(constructor)]
    pub fn new(config: String, on_tokens: Option<Function<'_, String, ()>>) -> Result<Self> {
        contained(|| {
            let mut config = host::psd2_config(&config, CASE).map_err(reject)?;
            if let Some(callback) = on_tokens {
                let tsfn: TokenCallback = callback
                    .build_threadsafe_function::<String>()
                    .callee_handled::<false>()
                    .weak::<true>()
                    .build()?;
                config.token_listener = Some(Arc::new(JsListener(tsfn)) as Arc<dyn TokenListener>);
            }
            Core::new(config).map(Psd2Client).map_err(reject)
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
            guarded(host::psd2().call(&client, &name, &args, CASE)).await
        })
    }

    /// `call`, stopped when `token` is cancelled (a JS `AbortSignal` fired): the promise
    /// rejects.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call_cancellable<'env>(
        &self,
        env: &'env Env,
        name: String,
        args: String,
        token: &CancelToken,
    ) -> Result<PromiseRaw<'env, String>> {
        let client = self.0.clone();
        let call = async move { guarded(host::psd2().call(&client, &name, &args, CASE)).await };
        promise(env, cancellable(call, token))
    }

    /// Sends a raw authenticated request described by `spec` (JSON text).
    #[napi]
    pub fn raw<'env>(&self, env: &'env Env, spec: String) -> Result<PromiseRaw<'env, String>> {
        let client = self.0.clone();
        promise(env, async move {
            guarded(host::psd2().raw(&client, &spec)).await
        })
    }

    /// Exchanges an authorization code; resolves to the holder's client.
    #[napi]
    pub async fn exchange_code(
        &self,
        holder_id: String,
        code: String,
        redirect_uri: Option<String>,
    ) -> Result<Psd2Client> {
        guarded(self.0.exchange_code(ExchangeCode {
            code,
            holder_id,
            redirect_uri,
        }))
        .await
        .map(Psd2Client)
    }

    /// A holder's client from kept tokens (`tokens`: JSON text).
    #[napi]
    pub fn account_holder(&self, holder_id: String, tokens: String) -> Result<Psd2Client> {
        contained(|| {
            let tokens = psd2_host::tokens_from_json(&tokens, CASE).map_err(reject)?;
            self.0
                .account_holder(&holder_id, tokens)
                .map(Psd2Client)
                .map_err(reject)
        })
    }

    /// The SCA page address for an answer with links, or a link (`target`: JSON text).
    #[napi]
    pub fn authorization_url(
        &self,
        target: String,
        state: Option<String>,
        redirect_uri: Option<String>,
    ) -> Result<String> {
        contained(|| {
            psd2_host::authorization_url(
                &self.0,
                &target,
                state.as_deref(),
                redirect_uri.as_deref(),
            )
            .map_err(reject)
        })
    }

    /// The same client with other call limits (`options`: JSON text).
    #[napi]
    pub fn with_options(&self, options: String) -> Result<Psd2Client> {
        contained(|| {
            psd2_host::with_options(&self.0, &options, CASE)
                .map(Psd2Client)
                .map_err(reject)
        })
    }

    /// The holder's current tokens as JSON text, or null for the TPP's client.
    #[napi]
    pub fn tokens(&self) -> Result<Option<String>> {
        contained(|| {
            let Some(holder) = self.0.holder_id() else {
                return Ok(None);
            };
            Ok(self
                .0
                .tokens()
                .map(|t| psd2_host::tokens_json(holder, &t, CASE)))
        })
    }

    #[napi(getter)]
    pub fn holder_id(&self) -> Option<String> {
        self.0.holder_id().map(str::to_owned)
    }

    #[napi(getter)]
    pub fn url(&self) -> String {
        self.0.url().to_string()
    }
}

/// The PSD2 operations as JSON text: name, method path, positional parameters, doc.
#[napi]
pub fn psd2_operations() -> Result<String> {
    contained(|| {
        Ok(serde_json::to_string(&host::psd2().operations(CASE)).expect("operations serialize"))
    })
}

#[napi]
pub const DEFAULT_PSD2_URL: &str = mypos::psd2::DEFAULT_PSD2_URL;

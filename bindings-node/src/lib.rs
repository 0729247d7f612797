//! The Node skin: plain data in and out as JSON text. A core error rejects with its
//! `host::error_json` as the message; `errors.js` swaps in the real error class. No defaults, no
//! validation, no per-endpoint code.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use mypos::host::{self, Case};

use cancel::{CancelToken, cancellable};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Public so that their exports, which napi registers outside a test build, are reachable in
// one too (otherwise `cargo test` sees them as dead code).
mod cancel;
mod inbox;
pub mod mobilepay;
pub mod psd2;

pub(crate) use inbox::promise;

pub(crate) const CASE: Case = Case::Camel;

/// Runs when the addon is loaded: calls run on the core's runtime for hosts (one worker per
/// core beside the JavaScript thread's, see `mypos::host::runtime_builder`), and
/// `MYPOS_LOG=debug` (or any `tracing` filter, e.g. `mypos=trace`) prints the core's logs to
/// stderr: method, path template, status, duration, retries, request id; never a secret.
#[napi_derive::module_init]
fn init() {
    // Should it fail to start, napi starts its default runtime on the first call instead.
    if let Ok(runtime) = host::runtime_builder("mypos").build() {
        napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
    }
    if let Ok(filter) = std::env::var("MYPOS_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .try_init();
    }
}
/// Marks a rejection whose message is a core error as JSON (see `errors.js`).
const ERROR_PREFIX: &str = "MYPOS_ERROR_JSON:";

pub(crate) fn reject(error: mypos::Error) -> Error {
    Error::new(
        Status::GenericFailure,
        format!("{ERROR_PREFIX}{}", host::error_json(&error, CASE)),
    )
}

/// A core call as a promise's outcome: a core error rejects with the SDK's class, and so does a
/// panic anywhere inside the call (`InternalError`), where napi alone would reject with a bare
/// `Error` carrying only the panic's text. Every async method goes through here.
pub(crate) async fn guarded<T>(call: impl Future<Output = mypos::Result<T>>) -> Result<T> {
    AssertUnwindSafe(call)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(mypos::Error::from_panic(panic)))
        .map_err(reject)
}

/// Runs what a synchronous method does (a constructor, `withOptions`, `authorizationUrl`, the
/// start of every call). A panic inside throws the SDK's `InternalError`, as one inside a call
/// rejects with it; left alone it would unwind into Node, which cannot take it, and end the
/// process.
pub(crate) fn contained<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|panic| Err(reject(mypos::Error::from_panic(panic))))
}

/// Test only: a call that fails the way a bug inside the core would, by panicking, through
/// `guarded` like every operation, so tests can see what a caller gets. Not part of the API.
#[doc(hidden)]
#[napi(js_name = "_panicForTests")]
pub async fn panic_for_tests() -> Result<String> {
    guarded(panicking()).await
}

/// Test only: a synchronous method that panics, through `contained` like every constructor
/// and `withOptions`. Not part of the API.
#[doc(hidden)]
#[napi(js_name = "_panicInMethodForTests")]
pub fn panic_in_method_for_tests() -> Result<String> {
    contained(|| panic!("a panic on purpose, for the tests"))
}

async fn panicking() -> mypos::Result<String> {
    panic!("a panic on purpose, for the tests")
}

/// One partner integration; owns the connection pool and the partner token.
#[napi(js_name = "NativeGateway")]
pub struct Gateway(mypos::Gateway);

#[napi]
impl Gateway {
    /// `config`: JSON text, camelCase keys, timeout in milliseconds.
    #[napi(constructor)]
    pub fn new(config: String) -> Result<Self> {
        contained(|| {
            let config = host::gateway_config(&config, CASE).map_err(reject)?;
            mypos::Gateway::new(config).map(Gateway).map_err(reject)
        })
    }

    #[napi]
    pub fn create_client(
        &self,
        client_id: String,
        client_secret: String,
    ) -> Result<MerchantClient> {
        contained(|| {
            let credentials = mypos::Credentials::new(client_id, client_secret);
            self.0
                .create_client(credentials)
                .map(MerchantClient)
                .map_err(reject)
        })
    }

    #[napi(getter)]
    pub fn url(&self) -> String {
        self.0.url().to_string()
    }

    /// Closes pooled connections and refuses further calls.
    #[napi]
    pub fn close(&self) -> Result<()> {
        contained(|| {
            self.0.close();
            Ok(())
        })
    }
}

/// One merchant's client; cheap, shares the gateway's pool and token.
#[napi(js_name = "NativeMerchantClient")]
pub struct MerchantClient(mypos::MerchantClient);

#[napi]
impl MerchantClient {
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
            guarded(host::gateway().call(&client, &name, &args, CASE)).await
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
        let call = async move { guarded(host::gateway().call(&client, &name, &args, CASE)).await };
        promise(env, cancellable(call, token))
    }

    /// The same merchant with other call limits (`options`: JSON text).
    #[napi]
    pub fn with_options(&self, options: String) -> Result<MerchantClient> {
        contained(|| {
            host::with_options(&self.0, &options, CASE)
                .map(MerchantClient)
                .map_err(reject)
        })
    }

    /// Sends a raw authenticated request described by `spec` (JSON text).
    #[napi]
    pub fn raw<'env>(&self, env: &'env Env, spec: String) -> Result<PromiseRaw<'env, String>> {
        let client = self.0.clone();
        promise(env, async move {
            guarded(host::gateway().raw(&client, &spec)).await
        })
    }

    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.0.client_id().to_string()
    }
}

/// The Gateway operations as JSON text: name, method path, positional parameters, doc.
#[napi]
pub fn gateway_operations() -> Result<String> {
    contained(|| {
        Ok(serde_json::to_string(&host::gateway().operations(CASE)).expect("operations serialize"))
    })
}

/// The SDK version.
#[napi]
pub fn version() -> String {
    mypos::VERSION.to_string()
}

#[napi]
pub const DEMO_GATEWAY_URL: &str = mypos::DEMO_GATEWAY_URL;
#[napi]
pub const PRODUCTION_GATEWAY_URL: &str = mypos::PRODUCTION_GATEWAY_URL;

//! The native `Psd2Client`: config JSON in, operations called by name with JSON text, and the
//! OAuth steps that make a client per account holder. The Python class (`mypos/psd2.py`)
//! builds its methods from `psd2_operations()`.

use std::sync::Arc;

use pyo3::prelude::*;

use mypos::host;
use mypos::host::psd2_client as psd2_host;
use mypos::psd2::{ExchangeCode, Psd2Client as Core, TokenListener, TokenSet};

use crate::{BlockingCall, CASE, awaitable, blocking, contained, handoff, raise, runtime};

/// Hands rotated tokens to a Python callable `(holder_id, tokens) -> None`: queued, and called
/// in order on the SDK's Python thread (`handoff`), never on the runtime's. The call that got
/// the tokens awaits it (`settled`) without holding a thread. Whatever it raises is logged
/// (logger `mypos`).
struct PyListener(Arc<Py<PyAny>>);

impl TokenListener for PyListener {
    fn on_tokens(&self, holder_id: &str, tokens: &TokenSet) {
        handoff::tokens(
            &self.0,
            holder_id,
            psd2_host::tokens_json(holder_id, tokens, CASE),
        );
    }

    fn settled(&self) -> futures::future::BoxFuture<'static, ()> {
        handoff::settled()
    }
}

/// One TPP on the PSD2 API, or one account holder's handle on it.
#[pyclass(module = "mypos._native", frozen)]
pub(crate) struct Psd2Client(Core);

#[pymethods]
impl Psd2Client {
    /// `config`: JSON text, snake_case keys, timeouts in seconds; `on_tokens`: a callable.
    #[new]
    #[pyo3(signature = (config, on_tokens = None))]
    fn new(py: Python<'_>, config: &str, on_tokens: Option<Py<PyAny>>) -> PyResult<Self> {
        contained(|| {
            let mut config = host::psd2_config(config, CASE).map_err(raise)?;
            handoff::serve(py)?;
            config.token_listener =
                on_tokens.map(|f| Arc::new(PyListener(Arc::new(f))) as Arc<dyn TokenListener>);
            let runtime = runtime::get();
            let _guard = runtime.enter();
            Core::new(config).map(Psd2Client).map_err(raise)
        })
    }

    /// Runs operation `name` with `args` (JSON text); resolves to JSON text.
    fn call<'py>(
        &self,
        py: Python<'py>,
        name: String,
        args: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        awaitable(py, async move {
            host::psd2().call(&client, &name, &args, CASE).await
        })
    }

    /// `call` for the sync API: a call the calling thread waits for.
    #[pyo3(signature = (name, args, timeout = None))]
    fn call_blocking(
        &self,
        name: String,
        args: String,
        timeout: Option<f64>,
    ) -> PyResult<BlockingCall> {
        let client = self.0.clone();
        blocking::start(
            async move { host::psd2().call(&client, &name, &args, CASE).await },
            timeout,
        )
    }

    /// Sends a raw authenticated request described by `spec` (JSON text).
    fn raw<'py>(&self, py: Python<'py>, spec: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        awaitable(py, async move { host::psd2().raw(&client, &spec).await })
    }

    /// `raw` for the sync API.
    fn raw_blocking(&self, spec: String) -> PyResult<BlockingCall> {
        let client = self.0.clone();
        blocking::start(async move { host::psd2().raw(&client, &spec).await }, None)
    }

    /// Exchanges an authorization code; resolves to the holder's client.
    #[pyo3(signature = (holder_id, code, redirect_uri = None))]
    fn exchange_code<'py>(
        &self,
        py: Python<'py>,
        holder_id: String,
        code: String,
        redirect_uri: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        awaitable(py, async move {
            client
                .exchange_code(ExchangeCode {
                    code,
                    holder_id,
                    redirect_uri,
                })
                .await
                .map(Psd2Client)
        })
    }

    /// `exchange_code` for the sync API.
    #[pyo3(signature = (holder_id, code, redirect_uri = None))]
    fn exchange_code_blocking(
        &self,
        holder_id: String,
        code: String,
        redirect_uri: Option<String>,
    ) -> PyResult<BlockingCall> {
        let client = self.0.clone();
        blocking::start(
            async move {
                client
                    .exchange_code(ExchangeCode {
                        code,
                        holder_id,
                        redirect_uri,
                    })
                    .await
                    .map(Psd2Client)
            },
            None,
        )
    }

    /// A holder's client from kept tokens (`tokens`: JSON text).
    fn account_holder(&self, holder_id: &str, tokens: &str) -> PyResult<Psd2Client> {
        contained(|| {
            let tokens = psd2_host::tokens_from_json(tokens, CASE).map_err(raise)?;
            self.0
                .account_holder(holder_id, tokens)
                .map(Psd2Client)
                .map_err(raise)
        })
    }

    /// The SCA page address for an answer with links, or a link (`target`: JSON text).
    #[pyo3(signature = (target, state = None, redirect_uri = None))]
    fn authorization_url(
        &self,
        target: &str,
        state: Option<&str>,
        redirect_uri: Option<&str>,
    ) -> PyResult<String> {
        contained(|| {
            psd2_host::authorization_url(&self.0, target, state, redirect_uri).map_err(raise)
        })
    }

    /// The same client with other call limits (`options`: JSON text).
    fn with_options(&self, options: &str) -> PyResult<Psd2Client> {
        contained(|| {
            psd2_host::with_options(&self.0, options, CASE)
                .map(Psd2Client)
                .map_err(raise)
        })
    }

    /// The holder's current tokens as JSON text, or None for the TPP's client.
    fn tokens(&self) -> PyResult<Option<String>> {
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

    #[getter]
    fn holder_id(&self) -> Option<&str> {
        self.0.holder_id()
    }

    #[getter]
    fn url(&self) -> &str {
        self.0.url()
    }
}

/// The PSD2 operations as JSON text: name, method path, positional parameters, doc.
#[pyfunction]
fn psd2_operations() -> PyResult<String> {
    contained(|| {
        Ok(serde_json::to_string(&host::psd2().operations(CASE)).expect("operations serialize"))
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Psd2Client>()?;
    m.add_function(wrap_pyfunction!(psd2_operations, m)?)?;
    m.add("DEFAULT_PSD2_URL", mypos::psd2::DEFAULT_PSD2_URL)?;
    Ok(())
}

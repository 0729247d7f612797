//! The native `MobilePayPos`: config JSON in, operations called by name with JSON text. The
//! Python class (`mypos/mobilepay.py`) builds its methods from `mobilepay_operations()`.
//!
//! Cancelling the asyncio task that awaits a call drops the core's future (see `inbox`), which
//! is how a cancelled payment flow cancels its payment.

use pyo3::prelude::*;

use mypos::host;
use mypos::mobilepay::MobilePayPos as Core;

use crate::{BlockingCall, CASE, awaitable, blocking, contained, handoff, raise, runtime};

/// A MobilePay point-of-sale client for one merchant (`bioCode` and access token).
#[pyclass(module = "mypos._native", frozen)]
struct MobilePayPos(Core);

#[pymethods]
impl MobilePayPos {
    /// `config`: JSON text, snake_case keys, timeouts in seconds.
    #[new]
    fn new(py: Python<'_>, config: &str) -> PyResult<Self> {
        contained(|| {
            let config = host::mobilepay_config(config, CASE).map_err(raise)?;
            handoff::serve(py)?;
            // The connection pool, and the cancels of dropped flows, belong to the runtime the
            // calls run on.
            let runtime = runtime::get();
            let _guard = runtime.enter();
            Core::new(config).map(MobilePayPos).map_err(raise)
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
            host::mobilepay().call(&client, &name, &args, CASE).await
        })
    }

    /// `call` for the sync API: a call the calling thread waits for, dropped (a flow's payment
    /// cancelled) when the wait is interrupted or `timeout` (seconds) passes.
    #[pyo3(signature = (name, args, timeout = None))]
    fn call_blocking(
        &self,
        name: String,
        args: String,
        timeout: Option<f64>,
    ) -> PyResult<BlockingCall> {
        let client = self.0.clone();
        blocking::start(
            async move { host::mobilepay().call(&client, &name, &args, CASE).await },
            timeout,
        )
    }

    /// The same client with other call limits (JSON, seconds).
    fn with_options(&self, options: &str) -> PyResult<MobilePayPos> {
        contained(|| {
            host::mobilepay_with_options(&self.0, options, CASE)
                .map(MobilePayPos)
                .map_err(raise)
        })
    }

    /// The same merchant with another access token.
    fn with_access_token(&self, access_token: &str) -> PyResult<MobilePayPos> {
        contained(|| {
            self.0
                .with_access_token(access_token)
                .map(MobilePayPos)
                .map_err(raise)
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        self.0.base_url()
    }

    #[getter]
    fn bio_code(&self) -> &str {
        self.0.bio_code()
    }

    #[getter]
    fn has_access_token(&self) -> bool {
        self.0.has_access_token()
    }
}

/// The MobilePay operations as JSON text: name, method path, positional parameters, doc.
#[pyfunction]
fn mobilepay_operations() -> PyResult<String> {
    contained(|| {
        Ok(serde_json::to_string(&host::mobilepay().operations(CASE))
            .expect("operations serialize"))
    })
}

/// Adds the MobilePay classes and functions to `_native`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MobilePayPos>()?;
    m.add_function(wrap_pyfunction!(mobilepay_operations, m)?)?;
    Ok(())
}

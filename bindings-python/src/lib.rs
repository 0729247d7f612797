//! The Python skin: plain data in and out as JSON text, core errors raised as the exception
//! classes of `mypos.errors`. No defaults, no validation, no per-endpoint code.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use mypos::host::{self, Case};

pub(crate) use blocking::BlockingCall;
pub(crate) use inbox::awaitable;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod blocking;
mod handoff;
mod inbox;
mod mobilepay;
mod psd2;
mod runtime;

pub(crate) const CASE: Case = Case::Snake;

/// Raises the `mypos.errors` class the core names, with its structured fields.
pub(crate) fn raise(error: mypos::Error) -> PyErr {
    Python::attach(|py| match build_exception(py, &error) {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    })
}

fn build_exception<'py>(py: Python<'py>, error: &mypos::Error) -> PyResult<Bound<'py, PyAny>> {
    let errors = py.import("mypos.errors")?;
    let class = errors.getattr(error.class_name())?;
    let spec = py
        .import("json")?
        .call_method1("loads", (host::error_json(error, CASE),))?;
    let fields = spec.get_item("fields")?.cast_into::<PyDict>()?;
    fields.set_item("code", spec.get_item("code")?)?;
    class.call((spec.get_item("message")?,), Some(&fields))
}

/// Runs what a synchronous method or function does (a constructor, `with_options`,
/// `authorization_url`, the setup of every call). A panic inside raises `mypos.InternalError`,
/// as one inside a call does (`blocking`, `inbox`); left to pyo3 it would be `PanicException`,
/// a `BaseException` that even `except Exception` misses.
pub(crate) fn contained<T>(body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body))
        .unwrap_or_else(|panic| Err(raise(mypos::Error::from_panic(panic))))
}

/// Test only: fails the way a bug inside the core would, by panicking inside a call, through
/// the same path every operation takes (`awaitable`, or a `BlockingCall` waited for when
/// `sync`), or, with `method`, inside a synchronous method (through `contained`, as every
/// constructor and `with_options` runs), so tests can see what a caller gets. Not part of the
/// API.
#[pyfunction]
#[pyo3(signature = (sync = false, method = false))]
fn _panic_for_tests(py: Python<'_>, sync: bool, method: bool) -> PyResult<Bound<'_, PyAny>> {
    async fn panicking() -> mypos::Result<String> {
        panic!("a panic on purpose, for the tests")
    }
    if method {
        return contained(|| panic!("a panic on purpose, for the tests"));
    }
    if sync {
        Ok(blocking::wait_all(py, blocking::start(panicking(), None)?)?.into_bound(py))
    } else {
        awaitable(py, panicking())
    }
}

/// One partner integration; owns the connection pool and the partner token.
#[pyclass(module = "mypos._native", frozen)]
struct Gateway(mypos::Gateway);

#[pymethods]
impl Gateway {
    /// `config`: JSON text, snake_case keys, timeout in seconds.
    #[new]
    fn new(py: Python<'_>, config: &str) -> PyResult<Self> {
        contained(|| {
            let config = host::gateway_config(config, CASE).map_err(raise)?;
            handoff::serve(py)?;
            // The connection pool belongs to the runtime the calls run on.
            let runtime = runtime::get();
            let _guard = runtime.enter();
            mypos::Gateway::new(config).map(Gateway).map_err(raise)
        })
    }

    fn create_client(&self, client_id: &str, client_secret: &str) -> PyResult<MerchantClient> {
        contained(|| {
            let credentials = mypos::Credentials::new(client_id, client_secret);
            self.0
                .create_client(credentials)
                .map(MerchantClient)
                .map_err(raise)
        })
    }

    #[getter]
    fn url(&self) -> &str {
        self.0.url()
    }

    /// Closes pooled connections and refuses further calls.
    fn close(&self) -> PyResult<()> {
        contained(|| {
            self.0.close();
            Ok(())
        })
    }
}

/// One merchant's client; cheap, shares the gateway's pool and token.
#[pyclass(module = "mypos._native", frozen)]
struct MerchantClient(mypos::MerchantClient);

#[pymethods]
impl MerchantClient {
    /// Runs operation `name` with `args` (JSON text); resolves to JSON text.
    fn call<'py>(
        &self,
        py: Python<'py>,
        name: String,
        args: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        awaitable(py, async move {
            host::gateway().call(&client, &name, &args, CASE).await
        })
    }

    /// `call` for the sync API: a call the calling thread waits for (`mypos/_api.py`).
    #[pyo3(signature = (name, args, timeout = None))]
    fn call_blocking(
        &self,
        name: String,
        args: String,
        timeout: Option<f64>,
    ) -> PyResult<BlockingCall> {
        let client = self.0.clone();
        blocking::start(
            async move { host::gateway().call(&client, &name, &args, CASE).await },
            timeout,
        )
    }

    /// The same merchant with other call limits (`options`: JSON text).
    fn with_options(&self, options: &str) -> PyResult<MerchantClient> {
        contained(|| {
            host::with_options(&self.0, options, CASE)
                .map(MerchantClient)
                .map_err(raise)
        })
    }

    /// Sends a raw authenticated request described by `spec` (JSON text).
    fn raw<'py>(&self, py: Python<'py>, spec: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        awaitable(py, async move { host::gateway().raw(&client, &spec).await })
    }

    /// `raw` for the sync API.
    fn raw_blocking(&self, spec: String) -> PyResult<BlockingCall> {
        let client = self.0.clone();
        blocking::start(
            async move { host::gateway().raw(&client, &spec).await },
            None,
        )
    }

    #[getter]
    fn client_id(&self) -> &str {
        self.0.client_id()
    }
}

/// The Gateway operations as JSON text: name, method path, positional parameters, doc.
#[pyfunction]
fn gateway_operations() -> PyResult<String> {
    contained(|| {
        Ok(serde_json::to_string(&host::gateway().operations(CASE)).expect("operations serialize"))
    })
}

/// Forgets the logging levels the bridge cached (it asks Python once per logger, for speed).
static LOG_LEVELS: std::sync::OnceLock<pyo3_log::ResetHandle> = std::sync::OnceLock::new();

/// Makes a change of `logging` levels at run time visible to the SDK's logs.
#[pyfunction]
fn refresh_logging() {
    if let Some(handle) = LOG_LEVELS.get() {
        handle.reset();
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The core's logs go to Python's `logging` ("mypos.…" loggers), from the Python thread of
    // `handoff`. An application that already bridged Rust logs keeps its own bridge.
    if let Some(handle) = handoff::init_logging(m.py()) {
        let _ = LOG_LEVELS.set(handle);
    }
    m.add_class::<Gateway>()?;
    m.add_class::<MerchantClient>()?;
    m.add_class::<BlockingCall>()?;
    mobilepay::register(m)?;
    psd2::register(m)?;
    m.add_function(wrap_pyfunction!(gateway_operations, m)?)?;
    m.add_function(wrap_pyfunction!(refresh_logging, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(handoff::_handoff_start, m)?)?;
    m.add_function(wrap_pyfunction!(handoff::_handoff_run, m)?)?;
    m.add("VERSION", mypos::VERSION)?;
    m.add("DEMO_GATEWAY_URL", mypos::DEMO_GATEWAY_URL)?;
    m.add("PRODUCTION_GATEWAY_URL", mypos::PRODUCTION_GATEWAY_URL)?;
    // The core's defaults, for the test that keeps the classes' signatures equal to them.
    m.add("DEFAULT_TIMEOUT", mypos::DEFAULT_TIMEOUT.as_secs_f64())?;
    m.add(
        "DEFAULT_CONNECT_TIMEOUT",
        mypos::config::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(),
    )?;
    m.add("DEFAULT_MAX_RETRIES", mypos::retry::DEFAULT_MAX_RETRIES)?;
    m.add(
        "DEFAULT_MAX_RESPONSE_BYTES",
        mypos::DEFAULT_MAX_RESPONSE_BYTES,
    )?;
    Ok(())
}

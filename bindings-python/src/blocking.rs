//! The calls of the sync API (`mypos.sync`). Each runs as a task on the runtime; the calling
//! thread waits for it in short slices (`BlockingCall.wait`) without holding the GIL. Between
//! two slices Python runs, so Ctrl-C (KeyboardInterrupt) and an exception raised into the
//! thread (a worker's time limit) end the wait; `mypos/_api.py` then `cancel`s the call and
//! waits for what dropping it starts: a payment flow cancels its payment before the exception
//! goes on, so a script that exits on Ctrl-C leaves no payment active.

use std::sync::{Mutex, PoisonError, TryLockError};
use std::time::Duration;

use futures::FutureExt;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use tokio::task::{AbortHandle, JoinHandle};

use mypos::cleanup::Cleanups;
use mypos::host::{self, Case};

use crate::{contained, raise, runtime};

/// Makes the call's value (or its exception); runs on the calling thread, with the GIL.
type Outcome = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

enum State {
    Running(JoinHandle<Outcome>),
    Finished(Option<Outcome>),
}

/// One call of the sync API, running until it finishes or is cancelled.
#[pyclass(module = "mypos._native", frozen)]
pub(crate) struct BlockingCall {
    state: Mutex<State>,
    abort: AbortHandle,
    cleanups: Cleanups,
}

/// Starts `call` for the sync API; `timeout` (seconds), when given, bounds the whole call:
/// past it the call is dropped, what that starts is waited for, and `APITimeoutError` raised.
pub(crate) fn start<F, T>(call: F, timeout: Option<f64>) -> PyResult<BlockingCall>
where
    F: Future<Output = mypos::Result<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    contained(|| start_contained(call, timeout))
}

fn start_contained<F, T>(call: F, timeout: Option<f64>) -> PyResult<BlockingCall>
where
    F: Future<Output = mypos::Result<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PyRuntimeError::new_err(
            "the sync API cannot be called from inside the SDK's own callbacks; use the async API",
        ));
    }
    let deadline = timeout
        .map(|seconds| host::duration(seconds, Case::Snake, "timeout"))
        .transpose()
        .map_err(raise)?;
    let cleanups = Cleanups::new();
    // A panic inside raises `mypos.InternalError`; left to pyo3 it would be `PanicException`, a
    // `BaseException` that even `except Exception` misses.
    let contained = async move {
        std::panic::AssertUnwindSafe(call)
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(mypos::Error::from_panic(panic)))
    };
    let scoped = cleanups.scope(async move {
        match deadline {
            Some(after) => tokio::time::timeout(after, contained)
                .await
                .unwrap_or(Err(mypos::Error::Timeout { after })),
            None => contained.await,
        }
    });
    let finished = cleanups.clone();
    let task = runtime::get().spawn(async move {
        let result = scoped.await;
        // A call that timed out has dropped its work: wait for what that started.
        finished.finished().await;
        Box::new(move |py: Python<'_>| match result {
            Ok(value) => value.into_py_any(py),
            Err(error) => Err(raise(error)),
        }) as Outcome
    });
    Ok(BlockingCall {
        abort: task.abort_handle(),
        state: Mutex::new(State::Running(task)),
        cleanups,
    })
}

#[pymethods]
impl BlockingCall {
    /// Waits up to `seconds` for the call (or, once cancelled, for its clean-up) to finish,
    /// without the GIL; True when it has.
    fn wait(&self, py: Python<'_>, seconds: f64) -> PyResult<bool> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(PyValueError::new_err(
                "seconds must be a finite number, 0 or more",
            ));
        }
        // One waiter at a time (the thread that made the call); a second would hold the GIL
        // while blocked on this lock.
        let mut state = match self.state.try_lock() {
            Ok(state) => state,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(PyRuntimeError::new_err(
                    "another thread is waiting for this call",
                ));
            }
        };
        let state = &mut *state;
        let cleanups = &self.cleanups;
        let slice = Duration::from_secs_f64(seconds);
        Ok(py.detach(|| {
            runtime::block_on(async {
                let settle = async {
                    if let State::Running(task) = state {
                        let outcome = task.await.unwrap_or_else(|error| {
                            let error = match error.try_into_panic() {
                                Ok(panic) => mypos::Error::from_panic(panic),
                                Err(_) => return cancelled(),
                            };
                            Box::new(move |_: Python<'_>| Err(raise(error)))
                        });
                        *state = State::Finished(Some(outcome));
                    }
                    // Dropping a cancelled call may have started work (a flow's cancel).
                    cleanups.finished().await;
                };
                tokio::time::timeout(slice, settle).await.is_ok()
            })
        }))
    }

    /// The call's answer, or its exception; once, after `wait` said it finished.
    fn result(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *state {
            State::Finished(outcome) => match outcome.take() {
                Some(outcome) => outcome(py),
                None => Err(PyRuntimeError::new_err("the result was taken already")),
            },
            State::Running(_) => Err(PyRuntimeError::new_err("the call has not finished")),
        }
    }

    /// Drops the call where it is (a flow then cancels its payment); `wait` waits for that.
    fn cancel(&self) {
        self.abort.abort();
    }
}

fn cancelled() -> Outcome {
    Box::new(|_| Err(PyRuntimeError::new_err("the call was cancelled")))
}

/// Waits for `call` to the end, in slices, as `mypos/_api.py` does (for the test hooks).
pub(crate) fn wait_all(py: Python<'_>, call: BlockingCall) -> PyResult<Py<PyAny>> {
    while !call.wait(py, 0.05)? {
        py.check_signals()?;
    }
    call.result(py)
}

//! How a finished call reaches asyncio. Its outcome, still plain Rust data, is queued in its
//! event loop's inbox, and the loop is woken by a byte on a pipe it watches (`add_reader`). The
//! loop thread then turns every queued outcome into Python objects and resolves the futures,
//! under one hold of the GIL.
//!
//! So the runtime's threads never take the GIL to deliver a result. That is cheaper, and it
//! is safe at exit: a thread that takes the GIL while Python 3.11 shuts down is ended
//! mid-stack, which aborts the whole process.
//!
//! A loop that cannot watch a descriptor (Windows' proactor), or that cannot be weakly
//! referenced, is served by pyo3-async-runtimes instead.

use std::io::{PipeReader, PipeWriter, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::exceptions::{PyNotImplementedError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyWeakrefMethods, PyWeakrefReference};
use pyo3::{IntoPyObjectExt, intern};
use tokio::task::AbortHandle;

use crate::{contained, raise, runtime};

/// Makes the value (or the exception) a future resolves to; runs on the loop thread.
type Outcome = Box<dyn FnOnce(Python<'_>) -> Result<Py<PyAny>, PyErr> + Send>;

/// A finished call: the asyncio future, the canceller watching it, and its outcome.
struct Finished {
    future: Py<PyAny>,
    canceller: Py<Canceller>,
    outcome: Outcome,
}

/// Finished calls of one event loop, waiting for its thread. Both ends of the pipe live as
/// long as the queue: a call still running after its loop is gone rings a pipe that is still
/// open (a closed one would raise SIGPIPE), and the pipe closes with the last such call.
struct Queue {
    finished: Mutex<Vec<Finished>>,
    bell: PipeWriter,
    pipe: PipeReader,
}

impl Queue {
    fn push(&self, finished: Finished) {
        let first = {
            let mut queued = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
            queued.push(finished);
            queued.len() == 1
        };
        // One byte per batch: the loop drains the pipe before it takes the queue, so a push
        // that finds the queue empty always rings after the last drain. With a byte per
        // batch the pipe never fills, so the write never blocks this thread.
        if first {
            let _ = (&self.bell).write(&[1]);
        }
    }
}

/// One event loop's inbox; the loop calls it when the pipe is readable. Only the loop holds
/// it (as that reader), so closing the loop drops it.
#[pyclass(module = "mypos._native", frozen, weakref)]
pub(crate) struct Inbox {
    queue: Arc<Queue>,
}

#[pymethods]
impl Inbox {
    fn __call__(&self, py: Python<'_>) {
        let _ = (&self.queue.pipe).read(&mut [0; 64]);
        let finished = std::mem::take(
            &mut *self
                .queue
                .finished
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for Finished {
            future,
            canceller,
            outcome,
        } in finished
        {
            let future = future.bind(py);
            // Cancelled meanwhile: its caller has stopped waiting.
            if future
                .call_method0(intern!(py, "done"))
                .and_then(|done| done.is_truthy())
                .unwrap_or(true)
            {
                continue;
            }
            // Finished, so there is nothing left to cancel: taking the canceller off spares
            // the loop one scheduled callback per call.
            let _ = future.call_method1(intern!(py, "remove_done_callback"), (canceller,));
            let resolved = match outcome(py) {
                Ok(value) => future.call_method1(intern!(py, "set_result"), (value,)),
                Err(error) => {
                    future.call_method1(intern!(py, "set_exception"), (error.into_value(py),))
                }
            };
            if let Err(error) = resolved {
                error.write_unraisable(py, Some(future));
            }
        }
    }
}

/// Aborts the call when the future awaiting it is cancelled (`asyncio.wait_for`, a task's
/// `cancel()`), so the request does not outlive its caller.
#[pyclass(module = "mypos._native", frozen)]
struct Canceller(std::sync::OnceLock<AbortHandle>);

#[pymethods]
impl Canceller {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future
            .call_method0(intern!(future.py(), "cancelled"))?
            .is_truthy()?
            && let Some(task) = self.0.get()
        {
            task.abort();
        }
        Ok(())
    }
}

/// The inbox of the running event loop, made on first use; `None` for a loop it cannot serve.
fn running_inbox<'py>(py: Python<'py>) -> PyResult<Option<(Bound<'py, PyAny>, Arc<Queue>)>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static INBOXES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let Ok(event_loop) = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()
    else {
        return Ok(None);
    };
    // Weak both ways: a dropped loop leaves the map, and a closed loop's inbox is gone with
    // its reader. (A strong inbox here would keep the loop alive through the futures queued
    // in it, past the reach of Python's garbage collector.)
    let inboxes = INBOXES
        .get_or_try_init(py, || {
            let map = py.import("weakref")?.call_method0("WeakKeyDictionary")?;
            PyResult::Ok(map.unbind())
        })?
        .bind(py);
    match inboxes.call_method1(intern!(py, "get"), (&event_loop,)) {
        Ok(found) if !found.is_none() => {
            let inbox = found.cast::<PyWeakrefReference>()?.upgrade_as::<Inbox>()?;
            if let Some(inbox) = inbox {
                let queue = inbox.get().queue.clone();
                return Ok(Some((event_loop, queue)));
            }
        }
        Ok(_) => {}
        Err(e) if e.is_instance_of::<PyTypeError>(py) => return Ok(None),
        Err(e) => return Err(e),
    }
    let (pipe, bell) = std::io::pipe()?;
    let fd = pipe_fd(&pipe);
    let queue = Arc::new(Queue {
        finished: Mutex::new(Vec::new()),
        bell,
        pipe,
    });
    let inbox = Bound::new(
        py,
        Inbox {
            queue: queue.clone(),
        },
    )?;
    match event_loop.call_method1(intern!(py, "add_reader"), (fd, &inbox)) {
        Ok(_) => {}
        Err(e) if e.is_instance_of::<PyNotImplementedError>(py) => return Ok(None),
        Err(e) => return Err(e),
    }
    inboxes.set_item(&event_loop, PyWeakrefReference::new(inbox.as_any())?)?;
    Ok(Some((event_loop, queue)))
}

#[cfg(unix)]
fn pipe_fd(pipe: &PipeReader) -> i64 {
    use std::os::fd::AsRawFd;
    i64::from(pipe.as_raw_fd())
}

#[cfg(not(unix))]
fn pipe_fd(_: &PipeReader) -> i64 {
    // Not a descriptor a loop can watch: `add_reader` refuses it and the fallback serves.
    -1
}

/// An awaitable for `future`, run on this process's runtime. A panic inside it raises
/// `mypos.InternalError`; left to pyo3-async-runtimes it would be its `RustPanic`, which no
/// `except MyPOSError` catches.
pub(crate) fn awaitable<'py, F, T>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = mypos::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    contained(|| awaitable_contained(py, future))
}

fn awaitable_contained<'py, F, T>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = mypos::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    use futures::FutureExt;
    let contained = async move {
        std::panic::AssertUnwindSafe(future)
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(mypos::Error::from_panic(panic)))
    };
    let Some((event_loop, queue)) = running_inbox(py)? else {
        return pyo3_async_runtimes::generic::future_into_py::<runtime::ForkSafe, _, _>(
            py,
            async move { contained.await.map_err(raise) },
        );
    };
    let awaited = event_loop.call_method0(intern!(py, "create_future"))?;
    let future = awaited.clone().unbind();
    // The task is spawned after its canceller exists, so the canceller holds its abort handle
    // through a cell filled right after.
    let canceller = Py::new(py, Canceller(std::sync::OnceLock::new()))?;
    let watching = canceller.clone_ref(py);
    let task = runtime::get().spawn(async move {
        let outcome = contained.await;
        queue.push(Finished {
            future,
            canceller: watching,
            outcome: Box::new(move |py| match outcome {
                Ok(value) => value.into_py_any(py),
                Err(error) => Err(raise(error)),
            }),
        });
    });
    let _ = canceller.get().0.set(task.abort_handle());
    awaited.call_method1(intern!(py, "add_done_callback"), (canceller,))?;
    Ok(awaited)
}

//! What the SDK's own threads hand to Python: the core's log records and `on_tokens` calls.
//! They are queued here without the GIL, and one Python thread (`mypos/_handoff.py`), woken by
//! a byte on a pipe it reads, runs them in the order they came. So no thread of the runtime
//! ever waits for the GIL or for Python code: a slow logging handler, an `on_tokens` that
//! writes to a database, or a thread holding the GIL for a while delay no request.
//!
//! A dedicated thread rather than an event loop's inbox: a sync application has no loop, and
//! an `on_tokens` that blocks (a database write) would stall the loop it ran on.
//!
//! The Python thread waits in `os.read`, outside any Rust frame, so the interpreter can stop it
//! at exit like any daemon thread; `atexit` runs what is still queued.

use std::collections::VecDeque;
use std::io::{PipeReader, PipeWriter, Write};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use log::{Level, LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Log records queued while no thread takes them (a forked child before its thread starts)
/// are dropped past this many, and counted; `on_tokens` calls never are.
const MAX_QUEUED_LOGS: usize = 10_000;

enum Item {
    Log(OwnedRecord),
    /// Answered when everything queued before it has run.
    Marker(tokio::sync::oneshot::Sender<()>),
    Tokens {
        listener: Arc<Py<PyAny>>,
        holder_id: String,
        /// The token set as JSON text (snake_case).
        tokens: String,
    },
}

/// A log record that outlives the call that made it.
struct OwnedRecord {
    level: Level,
    target: String,
    message: String,
    module_path: Option<String>,
    file: Option<String>,
    line: Option<u32>,
}

#[derive(Default)]
struct Items {
    queue: VecDeque<Item>,
    logs: usize,
    dropped_logs: u64,
}

/// The queue of this process, and the pipe that wakes its Python thread.
struct Queue {
    items: Mutex<Items>,
    bell: PipeWriter,
    /// Kept open while the queue lives: a bell on a closed pipe would raise SIGPIPE.
    _pipe: PipeReader,
    pipe_fd: i64,
}

impl Queue {
    fn new() -> std::io::Result<Self> {
        let (pipe, bell) = std::io::pipe()?;
        Ok(Queue {
            items: Mutex::new(Items::default()),
            pipe_fd: pipe_fd(&pipe),
            bell,
            _pipe: pipe,
        })
    }

    fn push(&self, item: Item) {
        let first = {
            let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
            if let Item::Log(_) = item {
                if items.logs >= MAX_QUEUED_LOGS {
                    items.dropped_logs += 1;
                    return;
                }
                items.logs += 1;
            }
            items.queue.push_back(item);
            items.queue.len() == 1
        };
        // One byte per batch (the Python thread reads before it takes the queue), so the pipe
        // never fills and this write never blocks.
        if first {
            let _ = (&self.bell).write(&[1]);
        }
    }

    fn take(&self) -> Items {
        std::mem::take(&mut *self.items.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

static CURRENT: Mutex<Option<Arc<Queue>>> = Mutex::new(None);

fn current() -> Option<Arc<Queue>> {
    let mut current = CURRENT.lock().unwrap_or_else(PoisonError::into_inner);
    if current.is_none() {
        *current = Queue::new().ok().map(Arc::new);
    }
    current.clone()
}

fn push(item: Item) {
    if let Some(queue) = current() {
        queue.push(item);
    }
}

/// Hands a new token set to a Python `on_tokens` callable, to be called on the Python thread.
pub(crate) fn tokens(listener: &Arc<Py<PyAny>>, holder_id: &str, tokens: String) {
    push(Item::Tokens {
        listener: listener.clone(),
        holder_id: holder_id.to_string(),
        tokens,
    });
}

/// Starts the Python thread that runs the queue (`mypos/_handoff.py`), once per process; the
/// native constructors call it, so a process that makes no client starts no thread.
pub(crate) fn serve(py: Python<'_>) -> PyResult<()> {
    py.import("mypos._handoff")?
        .call_method0("ensure_started")?;
    Ok(())
}

/// Resolves once everything queued so far has run (or can no longer run: the queue was
/// replaced in a forked child).
pub(crate) fn settled() -> futures::future::BoxFuture<'static, ()> {
    let (done, ran) = tokio::sync::oneshot::channel();
    push(Item::Marker(done));
    Box::pin(async move {
        let _ = ran.await;
    })
}

/// A fresh queue for this process (at import, and in a forked child, whose parent's queue and
/// thread are not its own); answers the descriptor its Python thread reads.
#[pyfunction]
pub(crate) fn _handoff_start() -> PyResult<i64> {
    let queue = Arc::new(Queue::new()?);
    let fd = queue.pipe_fd;
    *CURRENT.lock().unwrap_or_else(PoisonError::into_inner) = Some(queue);
    Ok(fd)
}

/// Runs what is queued, in order, on the calling (Python) thread.
#[pyfunction]
pub(crate) fn _handoff_run(py: Python<'_>) {
    let Some(queue) = current() else { return };
    let items = queue.take();
    if items.dropped_logs > 0 {
        warn(
            py,
            &format!(
                "{} log records of the SDK were dropped: no thread took them",
                items.dropped_logs
            ),
        );
    }
    for item in items.queue {
        match item {
            Item::Log(record) => emit(py, &record),
            Item::Tokens {
                listener,
                holder_id,
                tokens,
            } => call_listener(py, &listener, &holder_id, &tokens),
            Item::Marker(done) => {
                let _ = done.send(());
            }
        }
    }
}

fn call_listener(py: Python<'_>, listener: &Py<PyAny>, holder_id: &str, tokens: &str) {
    let outcome = (|| -> PyResult<()> {
        let tokens = py.import("json")?.call_method1("loads", (tokens,))?;
        let result = listener.call1(py, (holder_id, tokens))?;
        let result = result.bind(py);
        if py
            .import("inspect")?
            .call_method1("isawaitable", (result,))?
            .is_truthy()?
        {
            // Nothing here can await it: say so rather than drop it silently.
            let _ = result.call_method0("close");
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "on_tokens must be a plain function, not async (schedule your own task from it)",
            ));
        }
        Ok(())
    })();
    if let Err(error) = outcome {
        let log = || -> PyResult<()> {
            let logger = py
                .import("logging")?
                .call_method1("getLogger", ("mypos",))?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("exc_info", error.value(py))?;
            logger.call_method(
                "error",
                ("the on_tokens callback raised; the API call goes on",),
                Some(&kwargs),
            )?;
            Ok(())
        };
        if log().is_err() {
            error.print(py);
        }
    }
}

fn warn(py: Python<'_>, message: &str) {
    let _ = py
        .import("logging")
        .and_then(|logging| logging.call_method1("getLogger", ("mypos",)))
        .and_then(|logger| logger.call_method1("warning", (message,)));
}

/// The bridge to Python's `logging` (pyo3-log), called only on the Python thread.
static BRIDGE: OnceLock<pyo3_log::Logger> = OnceLock::new();

fn emit(py: Python<'_>, record: &OwnedRecord) {
    if let Some(bridge) = BRIDGE.get() {
        bridge.log(
            &Record::builder()
                .level(record.level)
                .target(&record.target)
                .args(format_args!("{}", record.message))
                .module_path(record.module_path.as_deref())
                .file(record.file.as_deref())
                .line(record.line)
                .build(),
        );
        // The bridge leaves what `logging` raised as the current exception.
        if let Some(error) = PyErr::take(py) {
            error.print(py);
        }
    }
}

/// The global `log` logger: queues what the bridge would log.
struct Deferred;

impl Log for Deferred {
    fn enabled(&self, metadata: &Metadata) -> bool {
        // The bridge's level cache: read without the GIL.
        BRIDGE.get().is_some_and(|bridge| bridge.enabled(metadata))
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            push(Item::Log(OwnedRecord {
                level: record.level(),
                target: record.target().to_string(),
                message: record.args().to_string(),
                module_path: record.module_path().map(str::to_owned),
                file: record.file().map(str::to_owned),
                line: record.line(),
            }));
        }
    }

    fn flush(&self) {}
}

/// Sends the core's logs to Python's `logging` ("mypos.…" loggers) through the queue; `None`
/// when the application already installed a Rust logger (it keeps its own bridge).
pub(crate) fn init_logging(py: Python<'_>) -> Option<pyo3_log::ResetHandle> {
    static DEFERRED: Deferred = Deferred;
    let bridge = pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels).ok()?;
    let handle = bridge.reset_handle();
    log::set_logger(&DEFERRED).ok()?;
    let _ = BRIDGE.set(bridge);
    log::set_max_level(LevelFilter::Debug);
    Some(handle)
}

#[cfg(unix)]
fn pipe_fd(pipe: &PipeReader) -> i64 {
    use std::os::fd::AsRawFd;
    i64::from(pipe.as_raw_fd())
}

#[cfg(not(unix))]
fn pipe_fd(_: &PipeReader) -> i64 {
    // No descriptor `os.read` can wait on: the Python thread looks every few milliseconds.
    -1
}

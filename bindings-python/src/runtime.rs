//! The tokio runtime every call of this module runs on: one per process, made again in a
//! forked child (gunicorn, celery), which inherits the runtime's memory but none of its threads.
//! Plugged into pyo3-async-runtimes through its generic runtime traits.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{ContextExt, Runtime as HostRuntime};
use tokio::runtime::Runtime;

static CURRENT: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// This process's runtime, started on first use.
pub(crate) fn get() -> Arc<Runtime> {
    let pid = mypos::process_id();
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    match current.as_ref() {
        Some((owner, runtime)) if *owner == pid => runtime.clone(),
        inherited => {
            // A runtime from the parent cannot be shut down here (its threads do not exist in
            // this process), so it is left alone rather than dropped.
            if let Some((_, parent)) = inherited {
                std::mem::forget(parent.clone());
            }
            let runtime = Arc::new(
                mypos::host::runtime_builder("mypos")
                    .build()
                    .expect("a tokio runtime starts"),
            );
            *current = Some((pid, runtime.clone()));
            runtime
        }
    }
}

/// Runs `future` to completion on the runtime, from a thread that is not one of its own.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    get().block_on(future)
}

/// The runtime pyo3-async-runtimes spawns awaitables on.
pub(crate) struct ForkSafe;

tokio::task_local! {
    static LOCALS: std::cell::OnceCell<TaskLocals>;
}

impl HostRuntime for ForkSafe {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        get().spawn(future)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        get().spawn_blocking(f)
    }
}

impl ContextExt for ForkSafe {
    fn scope<F, R>(locals: TaskLocals, future: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = std::cell::OnceCell::new();
        cell.set(locals).expect("a new cell is empty");
        Box::pin(LOCALS.scope(cell, future))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        LOCALS.try_with(|cell| cell.get().cloned()).ok().flatten()
    }
}

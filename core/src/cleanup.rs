//! The work a dropped call leaves behind. A payment flow dropped before it finished (a
//! deadline, an aborted task) cancels its payment from a task of its own, since a `Drop`
//! cannot await. That task starts at once; a caller that must know it is done before going on
//! (a sync call interrupted by Ctrl-C, just before the process exits) runs the call inside
//! [`Cleanups::scope`] and then awaits [`Cleanups::finished`].
//!
//! ```no_run
//! # async fn run(pos: mypos::mobilepay::MobilePayPos, request: mypos::mobilepay::flows::PayRequest) {
//! use std::time::Duration;
//! let cleanups = mypos::cleanup::Cleanups::new();
//! let flows = pos.flows();
//! let pay = cleanups.scope(flows.pay(request));
//! if tokio::time::timeout(Duration::from_secs(120), pay).await.is_err() {
//!     cleanups.finished().await; // the payment is cancelled on the server by now
//! }
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

tokio::task_local! {
    static CURRENT: Cleanups;
}

/// The clean-up tasks started by the calls run in its [`scope`](Cleanups::scope). Cheap to
/// clone; clones share the tasks.
#[derive(Debug, Clone, Default)]
pub struct Cleanups(Arc<Mutex<Vec<JoinHandle<()>>>>);

impl Cleanups {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `call`, collecting the clean-ups it starts, also those it starts when it is
    /// dropped before finishing (the scope is still in place while it is dropped).
    pub fn scope<F: Future>(&self, call: F) -> impl Future<Output = F::Output> + use<F> {
        CURRENT.scope(self.clone(), call)
    }

    /// Waits until every clean-up collected so far has finished. Safe to give up on (a
    /// timeout around it): what is not finished stays collected.
    pub async fn finished(&self) {
        std::future::poll_fn(|cx| {
            let mut tasks = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            tasks.retain_mut(|task| Pin::new(task).poll(cx).is_pending());
            if tasks.is_empty() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

/// Starts `work` on `runtime`, adding it to the clean-ups of the scope it is started in, if any.
pub(crate) fn spawn(runtime: &Handle, work: impl Future<Output = ()> + Send + 'static) {
    let task = runtime.spawn(work);
    let _ = CURRENT.try_with(|cleanups| {
        cleanups
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(task)
    });
}

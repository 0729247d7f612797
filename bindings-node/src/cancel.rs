//! Stopping a call from JS: an `AbortSignal` cannot cross into Rust, so the shim (`api.js`)
//! hands a [`CancelToken`] instead and cancels it on `abort`. A cancelled call drops the core's
//! future (an aborted MobilePay flow then cancels its payment) and rejects; the shim replaces
//! the rejection with the signal's reason. Every client's `callCancellable` goes through here.

use std::future::Future;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::sync::watch;

/// What a cancelled call rejects with.
const ABORTED: &str = "MYPOS_ABORTED";

/// Cancels the calls it was handed to.
#[napi(js_name = "NativeCancelToken")]
pub struct CancelToken(watch::Sender<bool>);

#[napi]
impl CancelToken {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken(watch::Sender::new(false))
    }

    #[napi]
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }
}

/// `call`, stopped when `token` is cancelled.
pub(crate) fn cancellable<T, F: Future<Output = Result<T>>>(
    call: F,
    token: &CancelToken,
) -> impl Future<Output = Result<T>> + use<T, F> {
    let mut cancelled = token.0.subscribe();
    async move {
        tokio::select! {
            answer = call => answer,
            () = async {
                // A token dropped without being cancelled never cancels.
                if cancelled.wait_for(|c| *c).await.is_err() {
                    std::future::pending::<()>().await;
                }
            } => Err(Error::new(Status::Cancelled, ABORTED)),
        }
    }
}

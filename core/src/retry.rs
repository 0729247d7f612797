//! When a failed attempt is tried again, and after how long. One policy for every API.
//!
//! A request is repeated only when repeating it cannot do something twice: either it never
//! reached the server (the connection could not be made, or a token could not be fetched), or
//! its operation is declared [`Repeat::Safe`]. Each operation declares that at its one
//! definition; the method gives the default ([`Repeat::by_method`]). A POST or PATCH that may
//! have reached the server (payments, reversals, refunds among them) is never sent again, nor
//! is a GET that changes state (MobilePay's `capture`, `cancel`…), however it is sent.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::Method;
use tokio::time::Instant;

use crate::error::{Error, Result};

/// Retries after the first attempt, unless configured otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The longest `Retry-After` the SDK waits for; a longer one is returned to the caller.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
const FIRST_DELAY: Duration = Duration::from_millis(250);
const MAX_DELAY: Duration = Duration::from_secs(8);

/// A failed attempt, and whether the request may have reached the server.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: Error,
    pub reached_server: bool,
}

impl Failure {
    pub fn before_sending(error: Error) -> Self {
        Failure {
            error,
            reached_server: false,
        }
    }

    pub fn after_sending(error: Error) -> Self {
        Failure {
            error,
            reached_server: true,
        }
    }

    fn is_transient(&self) -> bool {
        match &self.error {
            Error::Connection { .. } | Error::Timeout { .. } => true,
            Error::Api(e) => matches!(e.status, 408 | 429 | 500 | 502 | 503 | 504),
            // The token or session endpoint was unavailable; bad credentials are not transient.
            Error::Auth {
                status: Some(status),
                ..
            } => matches!(status, 408 | 429 | 500..),
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match &self.error {
            Error::Api(e) => e.retry_after,
            _ => None,
        }
    }
}

/// Whether an operation may be sent again after it may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Sending it twice has the effect of sending it once.
    Safe,
    /// Sent again only when it certainly never reached the server.
    Once,
}

impl Repeat {
    /// The default, where an operation does not say: safe for the methods whose repetition
    /// has the effect of one request, once for the rest.
    pub fn by_method(method: &Method) -> Self {
        match *method {
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS => {
                Repeat::Safe
            }
            _ => Repeat::Once,
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, runs out of retries, or would run past
/// `deadline`. Delays grow exponentially with jitter; a `Retry-After` replaces the delay.
pub(crate) async fn run<T, F, Fut>(
    max_retries: u32,
    repeat: Repeat,
    deadline: Instant,
    label: &'static str,
    attempt: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(FIRST_DELAY)
        .with_max_delay(MAX_DELAY)
        .with_factor(2.0)
        .with_jitter()
        .with_max_times(max_retries as usize);
    let mut retries = 0u32;
    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|failure: &Failure| {
            failure.is_transient() && (repeat == Repeat::Safe || !failure.reached_server)
        })
        .adjust(|failure: &Failure, delay: Option<Duration>| {
            // `None`: the retries are used up, whatever the server asks for.
            let delay = match (delay?, failure.retry_after()) {
                (_, Some(wait)) if wait > MAX_RETRY_AFTER => return None,
                (_, Some(wait)) => wait,
                (computed, None) => computed,
            };
            // Waiting past the caller's deadline only to time out is worse than answering now.
            if Instant::now() + delay >= deadline {
                return None;
            }
            retries += 1;
            tracing::info!(
                path = label,
                retry = retries,
                delay_ms = delay.as_millis() as u64,
                error = %failure.error,
                "retrying myPOS call"
            );
            Some(delay)
        })
        .await
        .map_err(|failure| failure.error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn api(status: u16, retry_after: Option<Duration>) -> Error {
        ApiError {
            status,
            retry_after,
            ..ApiError::default()
        }
        .into()
    }

    async fn attempts(safe: bool, failure: fn() -> Failure) -> u32 {
        let repeat = if safe { Repeat::Safe } else { Repeat::Once };
        let count = AtomicU32::new(0);
        let deadline = Instant::now() + Duration::from_secs(30);
        let result: Result<()> = run(2, repeat, deadline, "/test", || {
            count.fetch_add(1, Ordering::SeqCst);
            async move { Err(failure()) }
        })
        .await;
        assert!(result.is_err());
        count.load(Ordering::SeqCst)
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_of_safe_requests_are_retried() {
        assert_eq!(
            attempts(true, || Failure::after_sending(api(503, None))).await,
            3
        );
        assert_eq!(
            attempts(true, || Failure::after_sending(Error::connection("reset"))).await,
            3
        );
        assert_eq!(
            attempts(true, || Failure::after_sending(api(
                429,
                Some(Duration::from_secs(1))
            )))
            .await,
            3
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_may_have_reached_the_server_is_not_repeated_unless_safe() {
        assert_eq!(
            attempts(false, || Failure::after_sending(api(503, None))).await,
            1
        );
        assert_eq!(
            attempts(false, || Failure::after_sending(Error::connection("reset"))).await,
            1
        );
        assert_eq!(
            attempts(false, || Failure::before_sending(Error::connection(
                "refused"
            )))
            .await,
            3
        );
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_failures_and_long_retry_afters_are_returned_at_once() {
        assert_eq!(
            attempts(true, || Failure::after_sending(api(400, None))).await,
            1
        );
        assert_eq!(
            attempts(true, || Failure::after_sending(api(404, None))).await,
            1
        );
        assert_eq!(
            attempts(true, || Failure::after_sending(api(
                429,
                Some(Duration::from_secs(3600))
            )))
            .await,
            1
        );
        let bad_credentials = || {
            Failure::before_sending(Error::Auth {
                status: Some(401),
                message: String::new(),
            })
        };
        assert_eq!(attempts(true, bad_credentials).await, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_sets_the_delay() {
        let started = Instant::now();
        attempts(true, || {
            Failure::after_sending(api(503, Some(Duration::from_secs(5))))
        })
        .await;
        assert_eq!(
            started.elapsed().as_secs(),
            10,
            "two waits of Retry-After: 5"
        );
    }
}

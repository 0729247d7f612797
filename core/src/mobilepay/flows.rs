//! The two payment flows as one call each, and the recovery after a restart.
//!
//! - **Direct**: start → poll the status, waiting the delay MobilePay asks for → capture when
//!   `Reserved` → the captured payment. [`Flows::pay`].
//! - **Prepared**: prepare → (the amount becomes known) → ready → the same.
//!   [`Flows::prepare_and_pay`] in Rust; hosts call `payments.prepare`, then
//!   [`Flows::pay_prepared`] once they know the amount.
//! - **Recovery**: after a restart, cancel what is still active on a terminal, so a new
//!   payment can start (only one may be active per point of sale). [`Flows::recover`].
//!
//! A flow that does not finish cancels its payment: when it fails, before returning the
//! error; when it is dropped (a timeout, a cancelled Python task, an aborted Node call),
//! from a task spawned on the runtime, which a caller may wait for ([`crate::cleanup`]); dropped
//! while its payment is being started, that task waits for the start's answer first. A payment
//! that ends without being captured (the customer rejects it, it expires) is
//! [`Error::PaymentNotCompleted`]. A flow waits for its payment at most the client's
//! `flow_max_wait`, then cancels it and fails with [`Error::FlowTimedOut`].

use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::MobilePayPos;
use super::payments::{
    CapturePaymentRequest, Currency, ListPaymentsRequest, PaymentDetails, PaymentRequest,
    PaymentStatus, PreparePaymentRequest, ReadyPaymentRequest, StartByPosIdRequest,
    StartPaymentRequest, TerminalRequest,
};
use super::rules::Rule;
use crate::answer::Answer;
use crate::endpoint::{ApiRequest, Operation, OperationInfo};
use crate::error::{Error, Result};
use crate::money::Amount;

/// The wait between status polls when the answer names none (MobilePay's example value).
const DEFAULT_POLL_DELAY: Duration = Duration::from_millis(1000);
/// The poll delay is MobilePay's to choose, within these bounds: never a busy loop, never
/// minutes between looks at a customer waiting at the till.
const MIN_POLL_DELAY: Duration = Duration::from_millis(50);
const MAX_POLL_DELAY: Duration = Duration::from_secs(10);

/// One MobilePay payment from start to capture, on a terminal or a point of sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayPayRequest")]
pub struct PayRequest {
    /// The terminal's id at Integra; or give MobilePay's posId instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    /// MobilePay's id of the point of sale; or give the terminal's id instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos_id: Option<String>,
    /// Your order's id.
    pub order_id: String,
    /// In major units (`"27.06"`); captured in full once the customer accepts.
    pub amount: Amount,
    /// `DKK` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl PayRequest {
    /// A payment on a terminal.
    pub fn on_terminal(
        terminal_id: impl Into<String>,
        order_id: impl Into<String>,
        amount: Amount,
    ) -> Self {
        Self {
            terminal_id: Some(terminal_id.into()),
            pos_id: None,
            order_id: order_id.into(),
            amount,
            currency_code: None,
        }
    }

    /// A payment on a point of sale named by MobilePay's posId.
    pub fn on_pos(pos_id: impl Into<String>, order_id: impl Into<String>, amount: Amount) -> Self {
        Self {
            terminal_id: None,
            pos_id: Some(pos_id.into()),
            ..Self::on_terminal("", order_id, amount)
        }
    }
}

impl ApiRequest for PayRequest {
    fn validate(&self) -> Result<()> {
        match (&self.terminal_id, &self.pos_id) {
            (Some(_), None) | (None, Some(_)) => Ok(()),
            _ => Err(Error::invalid(
                "terminalId",
                "give either a terminal id or a posId, not both or neither",
            )),
        }
    }
}

/// The rest of the prepared flow, once the amount is known: ready, wait, capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "MobilePayPayPreparedRequest")]
pub struct PayPreparedRequest {
    /// The payment `payments.prepare` answered with.
    pub payment_id: String,
    /// The order it was prepared for.
    pub order_id: String,
    /// The terminal it was prepared on.
    pub terminal_id: String,
    /// In major units (`"27.06"`); captured in full once the customer accepts.
    pub amount: Amount,
    /// `DKK` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<Currency>,
}

impl ApiRequest for PayPreparedRequest {}

impl PayPreparedRequest {
    fn ready(&self) -> ReadyPaymentRequest {
        ReadyPaymentRequest {
            payment_id: self.payment_id.clone(),
            order_id: self.order_id.clone(),
            amount: self.amount,
            terminal_id: self.terminal_id.clone(),
            currency_code: self.currency_code.clone(),
        }
    }
}

/// A prepared payment whose amount a future will tell ([`Flows::prepare_and_pay`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PrepareAndPayRequest {
    pub terminal_id: String,
    pub order_id: String,
    /// `DKK` when left out.
    pub currency_code: Option<Currency>,
}

/// What a recovery cancelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MobilePayRecovered")]
pub struct Recovered {
    /// The payments that were still active or reserved on the terminal, now cancelled.
    pub cancelled_payment_ids: Vec<String>,
}

/// The payment flows of one client.
#[derive(Clone, Copy)]
pub struct Flows<'a>(pub(crate) &'a MobilePayPos);

impl Flows<'_> {
    /// The direct flow: starts the payment, waits for the customer (polling as MobilePay
    /// asks), captures it when `Reserved` and answers the captured payment.
    ///
    /// Dropping the future (a timeout, a cancelled task) cancels the payment on the server.
    pub async fn pay(&self, request: PayRequest) -> Result<PaymentDetails> {
        request.validate()?;
        let pos = self.0;
        let starter = pos.clone();
        let start = request.clone();
        let payment_id = owned_start(pos, async move {
            let started = match start.pos_id {
                Some(pos_id) => {
                    starter
                        .payments()
                        .start_by_pos_id(StartByPosIdRequest {
                            order_id: start.order_id,
                            amount: start.amount,
                            pos_id,
                            currency_code: start.currency_code,
                        })
                        .await?
                }
                None => {
                    starter
                        .payments()
                        .start(StartPaymentRequest {
                            order_id: start.order_id,
                            amount: start.amount,
                            terminal_id: start.terminal_id.unwrap_or_default(),
                            currency_code: start.currency_code,
                        })
                        .await?
                }
            };
            Ok(started.payment_id)
        })
        .await?;
        let guard = CancelOnDrop::arm(pos, &payment_id);
        guard.finish(settle(pos, &payment_id, request.amount)).await
    }

    /// The prepared flow after `payments.prepare`: makes the payment ready with its amount,
    /// waits for the customer, captures it and answers the captured payment.
    pub async fn pay_prepared(&self, request: PayPreparedRequest) -> Result<PaymentDetails> {
        let pos = self.0;
        let guard = CancelOnDrop::arm(pos, &request.payment_id);
        if let Err(error) = pos.payments().ready(request.ready()).await {
            // Refused (not prepared, unknown): not a payment this call may cancel. Any other
            // failure leaves it prepared and blocking the point of sale: cancel it.
            match error {
                Error::Api(_) => guard.disarm(),
                _ => guard.cancel_now().await,
            }
            return Err(error.in_flow(&request.payment_id));
        }
        guard
            .finish(settle(pos, &request.payment_id, request.amount))
            .await
    }

    /// The whole prepared flow: prepares the payment (the customer may check in meanwhile),
    /// waits for `amount` to tell what to charge, then as [`Flows::pay_prepared`]. If
    /// `amount` fails, the payment is cancelled and its error returned.
    pub async fn prepare_and_pay<F>(
        &self,
        request: PrepareAndPayRequest,
        amount: F,
    ) -> Result<PaymentDetails>
    where
        F: Future<Output = Result<Amount>>,
    {
        let pos = self.0;
        let preparer = pos.clone();
        let prepare =
            PreparePaymentRequest::new(request.terminal_id.clone(), request.order_id.clone());
        let payment_id = owned_start(pos, async move {
            Ok(preparer.payments().prepare(prepare).await?.payment_id)
        })
        .await?;
        let guard = CancelOnDrop::arm(pos, &payment_id);
        guard
            .finish(async {
                let amount = amount.await?;
                let ready = ReadyPaymentRequest {
                    payment_id: payment_id.clone(),
                    order_id: request.order_id.clone(),
                    amount,
                    terminal_id: request.terminal_id.clone(),
                    currency_code: request.currency_code.clone(),
                };
                pos.payments().ready(ready).await?;
                settle(pos, &payment_id, amount).await
            })
            .await
    }

    /// After a restart: cancels every payment still active or reserved on the terminal, so
    /// a new one can start. Answers what it cancelled.
    pub async fn recover(&self, request: TerminalRequest) -> Result<Recovered> {
        let pos = self.0;
        let listed = pos
            .payments()
            .list(ListPaymentsRequest::active(request.terminal_id))
            .await?;
        let mut cancelled = Vec::new();
        for payment_id in listed.payments_ids {
            let details = pos
                .payments()
                .details(PaymentRequest::new(&payment_id))
                .await?;
            if details.status.is_active() {
                pos.payments()
                    .cancel(PaymentRequest::new(&payment_id))
                    .await?;
                cancelled.push(payment_id);
            }
        }
        Ok(Recovered {
            cancelled_payment_ids: cancelled,
        })
    }
}

/// Waits until the payment is reserved and captures `amount`, or until it ends otherwise;
/// gives up after the client's `flow_max_wait` ([`Error::FlowTimedOut`], and the flow then
/// cancels the payment).
async fn settle(pos: &MobilePayPos, payment_id: &str, amount: Amount) -> Result<PaymentDetails> {
    let waited = pos.flow_max_wait;
    tokio::time::timeout(waited, poll_and_capture(pos, payment_id, amount))
        .await
        .unwrap_or(Err(Error::FlowTimedOut { waited }))
}

async fn poll_and_capture(
    pos: &MobilePayPos,
    payment_id: &str,
    amount: Amount,
) -> Result<PaymentDetails> {
    let payments = pos.payments();
    loop {
        let state = payments.status(PaymentRequest::new(payment_id)).await?;
        match &state.status {
            PaymentStatus::Reserved => {
                let captured = payments
                    .capture(CapturePaymentRequest::new(payment_id, amount))
                    .await;
                let details = payments.details(PaymentRequest::new(payment_id)).await;
                match (captured, details) {
                    (_, Ok(details)) if details.status == PaymentStatus::Captured => {
                        return Ok(details);
                    }
                    // The capture's answer may have been lost after it took effect; only an
                    // error with the payment still uncaptured is a failure.
                    (Err(error), _) | (Ok(_), Err(error)) => return Err(error),
                    // Accepted but not captured yet: look again (a repeated capture of the
                    // same amount is harmless).
                    (Ok(_), Ok(details)) => {
                        tokio::time::sleep(poll_delay(details.poll_delay_in_ms)).await
                    }
                }
            }
            PaymentStatus::Captured => {
                return payments.details(PaymentRequest::new(payment_id)).await;
            }
            status if status.is_final() => return Err(not_completed(payment_id, status)),
            // Still with the customer, or a status this SDK does not know yet: wait.
            _ => tokio::time::sleep(poll_delay(state.poll_delay_in_ms)).await,
        }
    }
}

/// MobilePay's poll delay, within bounds.
fn poll_delay(asked_ms: Option<u64>) -> Duration {
    asked_ms
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_POLL_DELAY)
        .clamp(MIN_POLL_DELAY, MAX_POLL_DELAY)
}

fn not_completed(payment_id: &str, status: &PaymentStatus) -> Error {
    Error::PaymentNotCompleted {
        payment_id: payment_id.to_string(),
        payment_status: status.to_string(),
    }
}

/// Cancels its payment unless the flow finished: at once when the flow fails, from a spawned
/// task when the flow is dropped before finishing.
struct CancelOnDrop {
    pos: MobilePayPos,
    payment_id: Option<String>,
}

impl CancelOnDrop {
    fn arm(pos: &MobilePayPos, payment_id: &str) -> Self {
        Self {
            pos: pos.clone(),
            payment_id: Some(payment_id.to_string()),
        }
    }

    /// The flow no longer owns the payment.
    fn disarm(mut self) {
        self.payment_id = None;
    }

    /// Cancels the payment now, and waits for it.
    async fn cancel_now(mut self) {
        if let Some(payment_id) = self.payment_id.take() {
            let _ = cancel(&self.pos, &payment_id).await;
        }
    }

    /// Runs the rest of the flow. A payment that ended on its own (captured, rejected,
    /// expired) needs no cancel; after any other error it is cancelled before returning, and
    /// the error names the payment. A cancel refused because the payment can no longer be
    /// cancelled means a capture took effect although its answer was lost: the payment is
    /// read again and answered when captured.
    async fn finish(
        mut self,
        flow: impl Future<Output = Result<PaymentDetails>>,
    ) -> Result<PaymentDetails> {
        let result = flow.await;
        let Some(payment_id) = self.payment_id.take() else {
            return result;
        };
        let error = match result {
            Ok(details) => return Ok(details),
            Err(error @ Error::PaymentNotCompleted { .. }) => return Err(error),
            Err(error) => error,
        };
        match cancel(&self.pos, &payment_id).await {
            Err(refusal) if Rule::of(&refusal) == Some(Rule::CancelNotAllowed) => {
                match reread(&self.pos, &payment_id).await {
                    Ok(details) if details.status == PaymentStatus::Captured => {
                        tracing::warn!(
                            payment_id,
                            %error,
                            "the flow failed, but its payment is captured: answering it"
                        );
                        Ok(details)
                    }
                    Ok(details) if details.status.is_final() => {
                        Err(not_completed(&payment_id, &details.status))
                    }
                    _ => Err(error.in_flow(&payment_id)),
                }
            }
            _ => Err(error.in_flow(&payment_id)),
        }
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(payment_id) = self.payment_id.take() else {
            return;
        };
        match runtime(&self.pos) {
            Some(runtime) => {
                let pos = self.pos.clone();
                crate::cleanup::spawn(&runtime, async move {
                    let _ = cancel(&pos, &payment_id).await;
                });
            }
            None => tracing::warn!(
                payment_id,
                "a MobilePay flow was dropped outside a tokio runtime; its payment stays active"
            ),
        }
    }
}

/// The runtime a flow's own tasks go to: the one it runs on, else the client's.
fn runtime(pos: &MobilePayPos) -> Option<Handle> {
    Handle::try_current()
        .ok()
        .or_else(|| pos.inner.runtime.clone())
}

/// Sends the request that creates the flow's payment (`start` or `prepare`) from a task of its
/// own and answers the payment's id. Dropped while that request is on the way (the payment may
/// exist on the server already, its answer not back yet), the flow leaves a clean-up behind
/// that waits for the answer and cancels the payment it names: a dropped request's answer would
/// be lost, and the payment would block the point of sale.
async fn owned_start(
    pos: &MobilePayPos,
    start: impl Future<Output = Result<String>> + Send + 'static,
) -> Result<String> {
    let Some(runtime) = runtime(pos) else {
        return start.await;
    };
    let mut starting = Starting {
        pos: pos.clone(),
        task: Some(runtime.spawn(start)),
    };
    let joined = (starting.task.as_mut().expect("just set")).await;
    starting.task = None;
    match joined {
        Ok(outcome) => outcome,
        Err(error) => match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(Error::Internal {
                message: "the runtime shut down while the payment was starting".into(),
            }),
        },
    }
}

/// A payment's start on the way, owned by a flow until it answers.
struct Starting {
    pos: MobilePayPos,
    task: Option<JoinHandle<Result<String>>>,
}

impl Drop for Starting {
    fn drop(&mut self) {
        let Some(task) = self.task.take() else {
            return;
        };
        // `runtime` found one when the task was spawned; the client's is the fallback here.
        let Some(runtime) = runtime(&self.pos) else {
            return;
        };
        let pos = self.pos.clone();
        crate::cleanup::spawn(&runtime, async move {
            if let Ok(Ok(payment_id)) = task.await {
                let _ = cancel(&pos, &payment_id).await;
            }
        });
    }
}

/// Cancels a payment the flow gave up on; answers the last refusal or failure. A payment
/// already captured or ended refuses. The client does not repeat a cancel (a GET that changes
/// state); here a repeat is wanted, since a payment left active blocks the point of sale: a
/// few tries while the failure is one that may pass.
async fn cancel(pos: &MobilePayPos, payment_id: &str) -> Result<()> {
    let mut delay = Duration::from_millis(200);
    let mut attempt = 1;
    loop {
        match pos.payments().cancel(PaymentRequest::new(payment_id)).await {
            Ok(_) => {
                tracing::info!(
                    payment_id,
                    "cancelled the MobilePay payment of an unfinished flow"
                );
                return Ok(());
            }
            Err(error) if attempt < CANCEL_ATTEMPTS && may_pass(&error) => {
                tracing::info!(payment_id, %error, "retrying the cancel of an unfinished flow's payment");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            Err(error) => {
                tracing::warn!(
                    payment_id,
                    %error,
                    "could not cancel the MobilePay payment of an unfinished flow"
                );
                return Err(error);
            }
        }
    }
}

/// Reads a payment again after its cancel was refused, a few tries while the failure may pass.
async fn reread(pos: &MobilePayPos, payment_id: &str) -> Result<PaymentDetails> {
    let mut delay = Duration::from_millis(200);
    let mut attempt = 1;
    loop {
        match pos
            .payments()
            .details(PaymentRequest::new(payment_id))
            .await
        {
            Err(error) if attempt < CANCEL_ATTEMPTS && may_pass(&error) => {
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            read => return read,
        }
    }
}

const CANCEL_ATTEMPTS: u32 = 3;

/// A failure that a later try may not meet: no answer, or the server's trouble.
fn may_pass(error: &Error) -> bool {
    match error {
        Error::Connection { .. } | Error::Timeout { .. } => true,
        Error::Api(api) => api.status == 429 || api.status >= 500,
        _ => false,
    }
}

/// A flow as an operation hosts call by name, like an endpoint.
struct Flow<Req, Resp> {
    name: &'static str,
    doc: &'static str,
    run: for<'a> fn(&'a MobilePayPos, Req) -> BoxFuture<'a, Result<Resp>>,
}

impl<Req, Resp> Operation<MobilePayPos> for Flow<Req, Resp>
where
    Req: ApiRequest + DeserializeOwned,
    Resp: Serialize + JsonSchema + Send + 'static,
{
    fn info(&self) -> OperationInfo {
        OperationInfo {
            name: self.name,
            method: "FLOW".into(),
            path: "",
            positional: vec![],
            doc: self.doc,
            paged: false,
            iterator: None,
        }
    }

    fn request_schema(&self) -> Value {
        schemars::schema_for!(Req).to_value()
    }

    fn response_schema(&self) -> Value {
        schemars::schema_for!(Resp).to_value()
    }

    fn call_answer<'a>(
        &'a self,
        client: &'a MobilePayPos,
        args: Value,
    ) -> BoxFuture<'a, Result<Box<dyn Answer>>> {
        Box::pin(async move {
            let request: Req = crate::endpoint::request_from(args)?;
            let answer = (self.run)(client, request).await?;
            Ok(Box::new(answer) as Box<dyn Answer>)
        })
    }
}

fn run_pay(pos: &MobilePayPos, request: PayRequest) -> BoxFuture<'_, Result<PaymentDetails>> {
    Box::pin(async move { Flows(pos).pay(request).await })
}

fn run_pay_prepared(
    pos: &MobilePayPos,
    request: PayPreparedRequest,
) -> BoxFuture<'_, Result<PaymentDetails>> {
    Box::pin(async move { Flows(pos).pay_prepared(request).await })
}

fn run_recover(pos: &MobilePayPos, request: TerminalRequest) -> BoxFuture<'_, Result<Recovered>> {
    Box::pin(async move { Flows(pos).recover(request).await })
}

static PAY: Flow<PayRequest, PaymentDetails> = Flow {
    name: "flows.pay",
    doc: " The direct flow in one call: starts the payment, waits for the customer (polling as\n MobilePay asks), captures it when reserved and answers the captured payment. Cancelling\n the call (a deadline, task cancellation, an AbortSignal) cancels the payment. A payment\n that ends otherwise (rejected, expired) raises PaymentNotCompletedError. It waits at most\n the client's flow max wait (default 5 minutes), then cancels the payment and raises\n APITimeoutError carrying its payment id.\n",
    run: run_pay,
};

static PAY_PREPARED: Flow<PayPreparedRequest, PaymentDetails> = Flow {
    name: "flows.pay_prepared",
    doc: " The prepared flow once the amount is known (after `payments.prepare`): makes the\n payment ready, waits for the customer, captures it and answers the captured payment.\n Cancelling the call, or waiting past the flow max wait, cancels the payment.\n",
    run: run_pay_prepared,
};

static RECOVER: Flow<TerminalRequest, Recovered> = Flow {
    name: "flows.recover",
    doc: " After a restart: cancels every payment still active or reserved on the terminal, so a\n new one can start. Answers the ids it cancelled.\n",
    run: run_recover,
};

/// The flows, types erased, for hosts.
pub fn operations() -> Vec<&'static dyn Operation<MobilePayPos>> {
    vec![&PAY, &PAY_PREPARED, &RECOVER]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_poll_delay_is_bounded() {
        assert_eq!(poll_delay(None), DEFAULT_POLL_DELAY);
        assert_eq!(poll_delay(Some(0)), MIN_POLL_DELAY);
        assert_eq!(poll_delay(Some(250)), Duration::from_millis(250));
        assert_eq!(poll_delay(Some(3_600_000)), MAX_POLL_DELAY);
    }

    #[test]
    fn a_payment_needs_exactly_one_place() {
        let amount: Amount = "1".parse().unwrap();
        assert!(
            PayRequest::on_terminal("1001", "o", amount)
                .validate()
                .is_ok()
        );
        assert!(PayRequest::on_pos("p", "o", amount).validate().is_ok());
        let mut both = PayRequest::on_terminal("1001", "o", amount);
        both.pos_id = Some("p".into());
        assert!(both.validate().is_err());
    }
}

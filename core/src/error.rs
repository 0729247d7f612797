//! One error type for every API. Python and Node raise the class named by [`Error::class_name`],
//! with the fields of [`Error::fields`], so the three languages agree by construction.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value, json};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration or credentials are malformed; nothing was sent.
    #[error("invalid configuration: `{field}` {message}")]
    Config { field: String, message: String },

    /// A request argument is malformed (missing field, negative amount…); nothing was sent.
    #[error("invalid request: `{field}` {message}")]
    InvalidRequest { field: String, message: String },

    /// A token or session could not be obtained, or was refused twice.
    #[error("authentication failed: {message}")]
    Auth {
        status: Option<u16>,
        message: String,
    },

    /// The API answered with an error.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request could not be sent, or the connection broke before a full answer.
    #[error("connection error: {message}")]
    Connection { message: String },

    /// No full answer within the timeout.
    #[error("request timed out after {:.1?}", .after)]
    Timeout { after: Duration },

    /// The API answered success with a body the SDK cannot read.
    #[error("could not read the API's answer (HTTP {status}): {message}")]
    Decode { status: u16, message: String },

    /// The API's answer was longer than the client reads (`max_response_bytes`); the request
    /// reached the server. Raise the limit if the answer is expected to be this large.
    #[error(
        "the API's answer (HTTP {status}) is larger than max_response_bytes ({limit} bytes); it was not read"
    )]
    ResponseTooLarge { status: u16, limit: u64 },

    /// A payment request may or may not have reached the terminal, and looking it up did not
    /// settle it. Nothing was sent twice; look the payment up by `reference_number` before
    /// trying again.
    #[error(
        "the payment's outcome is unknown ({cause}); look it up by reference_number `{reference_number}` before trying again"
    )]
    PaymentUnconfirmed {
        reference_number: String,
        cause: String,
    },

    /// A payment flow ended without taking the money: the customer rejected the payment, it
    /// was cancelled or it expired. `payment_status` is where it ended (MobilePay's status).
    #[error("payment {payment_id} ended {payment_status} without being captured")]
    PaymentNotCompleted {
        payment_id: String,
        payment_status: String,
    },

    /// A MobilePay payment flow failed after its payment existed: `error` is what failed, as
    /// it would be outside a flow (its class, code and fields are `error`'s), and `payment_id`
    /// names the payment, so it can be looked up. When the flow could, it cancelled the
    /// payment first.
    #[error("{error} (payment {payment_id})")]
    InFlow {
        payment_id: String,
        error: Box<Error>,
    },

    /// A bug in the SDK: something inside it panicked. The process goes on and the call failed;
    /// whether its request reached the API is unknown.
    #[error("internal error in the myPOS SDK (a bug; please report it): {message}")]
    Internal { message: String },
}

/// An error answer from the API, usually RFC 7807 problem details.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The problem's `title`, or the HTTP reason phrase.
    pub status_message: String,
    /// The problem's `detail`, when given.
    pub detail: Option<String>,
    /// Per-field validation messages, keyed by the API's field names.
    pub errors: BTreeMap<String, Vec<String>>,
    /// The API's request or trace id, for support.
    pub request_id: Option<String>,
    /// The problem's `type` URI.
    pub error_type: Option<String>,
    /// From `Retry-After`, when the API sent one.
    pub retry_after: Option<Duration>,
    /// The API's message codes, in order (PSD2: `CONSENT_EXPIRED`, `ACCESS_EXCEEDED`, …).
    pub codes: Vec<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} {}", self.status, self.status_message)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        for (field, messages) in &self.errors {
            write!(f, "; {field}: {}", messages.join(" "))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl Error {
    pub(crate) fn config(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The error a host raises for a panic caught at its boundary (`payload` as given by
    /// `catch_unwind`): its message, cut short, since a panic's text is not an API message.
    #[doc(hidden)]
    pub fn from_panic(payload: Box<dyn std::any::Any + Send>) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Error::Internal {
            message: text.chars().take(300).collect(),
        }
    }

    /// `self` as a failure of the flow of payment `payment_id` (a [`Error::PaymentNotCompleted`]
    /// already names it).
    pub(crate) fn in_flow(self, payment_id: &str) -> Self {
        match self {
            Error::InFlow { .. } | Error::PaymentNotCompleted { .. } => self,
            error => Error::InFlow {
                payment_id: payment_id.to_string(),
                error: Box::new(error),
            },
        }
    }

    /// The error itself, looking through a flow's [`Error::InFlow`].
    pub fn cause(&self) -> &Error {
        match self {
            Error::InFlow { error, .. } => error.cause(),
            error => error,
        }
    }

    /// The payment a MobilePay flow's error concerns, when its payment existed.
    pub fn payment_id(&self) -> Option<&str> {
        match self {
            Error::InFlow { payment_id, .. } | Error::PaymentNotCompleted { payment_id, .. } => {
                Some(payment_id)
            }
            _ => None,
        }
    }

    /// The API's error answer, looking through a flow's [`Error::InFlow`].
    pub fn api(&self) -> Option<&ApiError> {
        match self.cause() {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    pub(crate) fn connection(message: impl Into<String>) -> Self {
        Error::Connection {
            message: message.into(),
        }
    }

    /// True when the request may have had its effect although no success came back: the
    /// connection broke, time ran out, the server failed, or its success could not be read.
    pub fn outcome_unknown(&self) -> bool {
        match self.cause() {
            Error::Connection { .. }
            | Error::Timeout { .. }
            | Error::Decode { .. }
            | Error::ResponseTooLarge { .. }
            | Error::Internal { .. } => true,
            Error::Api(e) => e.status >= 500,
            _ => false,
        }
    }

    /// The HTTP status the API answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self.cause() {
            Error::Api(e) => Some(e.status),
            Error::Auth { status, .. } => *status,
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The exception class the Python and Node packages raise for this error.
    pub fn class_name(&self) -> &'static str {
        match self.cause() {
            Error::Config { .. } => "ConfigError",
            Error::InvalidRequest { .. } => "InvalidRequestError",
            Error::Auth { .. } => "AuthError",
            Error::Connection { .. } => "APIConnectionError",
            Error::Timeout { .. } => "APITimeoutError",
            Error::Decode { .. } | Error::ResponseTooLarge { .. } => "APIDecodeError",
            Error::PaymentUnconfirmed { .. } => "PaymentUnconfirmedError",
            Error::PaymentNotCompleted { .. } => "PaymentNotCompletedError",
            Error::Internal { .. } | Error::InFlow { .. } => "InternalError",
            Error::Api(e) => match e.status {
                400 | 422 => "BadRequestError",
                401 => "AuthenticationError",
                403 => "PermissionDeniedError",
                404 => "NotFoundError",
                409 => "ConflictError",
                429 => "RateLimitError",
                500.. => "ServerError",
                _ => "APIError",
            },
        }
    }

    /// The stable machine-readable code (`err.code` in Node, `.code` in Python).
    pub fn code(&self) -> &'static str {
        match self.class_name() {
            "ConfigError" => "MYPOS_CONFIG",
            "InvalidRequestError" => "MYPOS_INVALID_REQUEST",
            "AuthError" => "MYPOS_AUTH",
            "APIConnectionError" => "MYPOS_CONNECTION",
            "APITimeoutError" => "MYPOS_TIMEOUT",
            "APIDecodeError" => "MYPOS_DECODE",
            "PaymentUnconfirmedError" => "MYPOS_PAYMENT_UNCONFIRMED",
            "PaymentNotCompletedError" => "MYPOS_PAYMENT_NOT_COMPLETED",
            "InternalError" => "MYPOS_INTERNAL",
            "BadRequestError" => "MYPOS_BAD_REQUEST",
            "AuthenticationError" => "MYPOS_UNAUTHENTICATED",
            "PermissionDeniedError" => "MYPOS_PERMISSION_DENIED",
            "NotFoundError" => "MYPOS_NOT_FOUND",
            "ConflictError" => "MYPOS_CONFLICT",
            "RateLimitError" => "MYPOS_RATE_LIMITED",
            "ServerError" => "MYPOS_SERVER_ERROR",
            _ => "MYPOS_API_ERROR",
        }
    }

    /// Structured fields for the host exception, snake_case (the Node shim camel-cases them).
    pub fn fields(&self) -> Map<String, Value> {
        let value = match self {
            Error::Config { field, .. } | Error::InvalidRequest { field, .. } => {
                json!({ "field": field })
            }
            Error::Auth { status, .. } => json!({ "status": status }),
            Error::Decode { status, .. } => json!({ "status": status }),
            Error::ResponseTooLarge { status, limit } => {
                json!({ "status": status, "limit": limit })
            }
            Error::Timeout { after } => json!({ "timeout": after.as_secs_f64() }),
            Error::Connection { .. } | Error::Internal { .. } => json!({}),
            Error::InFlow { payment_id, error } => {
                let mut fields = error.fields();
                fields.insert("payment_id".into(), json!(payment_id));
                Value::Object(fields)
            }
            Error::PaymentUnconfirmed {
                reference_number, ..
            } => {
                json!({ "reference_number": reference_number })
            }
            Error::PaymentNotCompleted {
                payment_id,
                payment_status,
            } => json!({ "payment_id": payment_id, "payment_status": payment_status }),
            Error::Api(e) => json!({
                "status": e.status,
                "status_message": e.status_message,
                "detail": e.detail,
                "errors": e.errors,
                "request_id": e.request_id,
                "error_type": e.error_type,
                "retry_after": e.retry_after.map(|d| d.as_secs_f64()),
                "codes": e.codes,
            }),
        };
        match value {
            Value::Object(map) => map,
            _ => unreachable!("every arm builds an object"),
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

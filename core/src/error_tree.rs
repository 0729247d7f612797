//! The error classes the hosts raise, once: names, parents, codes, the fields each carries and
//! their docs. [`Error::class_name`](crate::Error::class_name) and
//! [`Error::code`](crate::Error::code) read it, and the typings crate generates the Python
//! `errors.py`, the Node `errors.js` and their typings from it.
//!
//! Docs name fields in snake_case between backticks (camelCase in Node) and durations in
//! `{unit}` (seconds in Python, milliseconds in Node).

/// The JSON value a field carries, and so its type in each host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Integer,
    /// A duration in the host's unit.
    Duration,
    /// The API's message codes: a list of text.
    TextList,
    /// Messages per field: text → list of text.
    FieldErrors,
}

/// Whether a field always has a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Always,
    /// Sent, but may be null.
    Nullable,
    /// Sent only on some errors of the class.
    Sometimes,
}

/// A structured field of an error class (snake_case; camelCase in Node).
#[derive(Debug, Clone, Copy)]
pub struct ErrorField {
    pub name: &'static str,
    pub ty: FieldType,
    pub presence: Presence,
    pub doc: Option<&'static str>,
}

/// One class of the tree.
#[derive(Debug, Clone, Copy)]
pub struct ErrorClass {
    pub name: &'static str,
    /// `None` for the root, [`ROOT`].
    pub parent: Option<&'static str>,
    /// The stable machine-readable `code`.
    pub code: &'static str,
    /// Fields declared on this class (subclasses carry them too).
    pub fields: &'static [ErrorField],
    /// A built-in Python exception the class also derives from, so `except ValueError` works.
    pub python_builtin: Option<&'static str>,
    /// Another name Node exports the class under.
    pub node_alias: Option<&'static str>,
    pub doc: &'static str,
}

/// The root class's name.
pub const ROOT: &str = "MyPOSError";

const fn field(name: &'static str, ty: FieldType, presence: Presence) -> ErrorField {
    ErrorField {
        name,
        ty,
        presence,
        doc: None,
    }
}

const fn documented(field: ErrorField, doc: &'static str) -> ErrorField {
    ErrorField {
        doc: Some(doc),
        ..field
    }
}

const fn class(
    name: &'static str,
    parent: &'static str,
    code: &'static str,
    fields: &'static [ErrorField],
    doc: &'static str,
) -> ErrorClass {
    ErrorClass {
        name,
        parent: Some(parent),
        code,
        fields,
        python_builtin: None,
        node_alias: None,
        doc,
    }
}

use FieldType::*;
use Presence::*;

const FIELD: &[ErrorField] = &[field("field", Text, Always)];

/// Every class, parents before their children.
pub const ERROR_CLASSES: &[ErrorClass] = &[
    ErrorClass {
        name: ROOT,
        parent: None,
        code: "MYPOS_ERROR",
        fields: &[documented(
            field("payment_id", Text, Sometimes),
            "On an error of a MobilePay payment flow once its payment exists: the payment, to \
             look it up (the flow cancelled it first where it could).",
        )],
        python_builtin: None,
        node_alias: None,
        doc: "Base class of every error the SDK raises.",
    },
    ErrorClass {
        python_builtin: Some("ValueError"),
        ..class(
            "ConfigError",
            ROOT,
            "MYPOS_CONFIG",
            FIELD,
            "The configuration or credentials are malformed; `field` names which. Nothing was \
             sent.",
        )
    },
    ErrorClass {
        python_builtin: Some("ValueError"),
        ..class(
            "InvalidRequestError",
            ROOT,
            "MYPOS_INVALID_REQUEST",
            FIELD,
            "A request argument is malformed; `field` names which. Nothing was sent.",
        )
    },
    class(
        "AuthError",
        ROOT,
        "MYPOS_AUTH",
        &[field("status", Integer, Nullable)],
        "A token or session could not be obtained, or fresh ones were refused.",
    ),
    class(
        "APIError",
        ROOT,
        "MYPOS_API_ERROR",
        &[
            field("status", Integer, Always),
            field("status_message", Text, Always),
            field("detail", Text, Nullable),
            documented(
                field("errors", FieldErrors, Always),
                "Messages per field, keyed as the API names the fields.",
            ),
            field("request_id", Text, Nullable),
            field("error_type", Text, Nullable),
            documented(
                field("retry_after", Duration, Nullable),
                "When to try again, in {unit}, if the API said.",
            ),
            documented(
                field("codes", TextList, Always),
                "The API's message codes, in order (PSD2: \"CONSENT_EXPIRED\", \
                 \"ACCESS_EXCEEDED\", …).",
            ),
        ],
        "The API answered with an error.",
    ),
    class(
        "BadRequestError",
        "APIError",
        "MYPOS_BAD_REQUEST",
        &[],
        "HTTP 400 / 422: the API rejected the request; `errors` holds per-field messages.",
    ),
    class(
        "AuthenticationError",
        "APIError",
        "MYPOS_UNAUTHENTICATED",
        &[],
        "HTTP 401.",
    ),
    class(
        "PermissionDeniedError",
        "APIError",
        "MYPOS_PERMISSION_DENIED",
        &[],
        "HTTP 403: the integration or merchant may not use this API.",
    ),
    class(
        "NotFoundError",
        "APIError",
        "MYPOS_NOT_FOUND",
        &[],
        "HTTP 404.",
    ),
    class(
        "ConflictError",
        "APIError",
        "MYPOS_CONFLICT",
        &[],
        "HTTP 409: the object is not in a state that allows this.",
    ),
    class(
        "RateLimitError",
        "APIError",
        "MYPOS_RATE_LIMITED",
        &[],
        "HTTP 429; `retry_after` says when to try again, in {unit}.",
    ),
    class(
        "ServerError",
        "APIError",
        "MYPOS_SERVER_ERROR",
        &[],
        "HTTP 5xx.",
    ),
    class(
        "APIConnectionError",
        ROOT,
        "MYPOS_CONNECTION",
        &[],
        "The request could not be sent, or the connection broke before a full answer.",
    ),
    ErrorClass {
        python_builtin: Some("TimeoutError"),
        // Node has no global TimeoutError class; this one is the SDK's timeout.
        node_alias: Some("TimeoutError"),
        ..class(
            "APITimeoutError",
            "APIConnectionError",
            "MYPOS_TIMEOUT",
            &[field("timeout", Duration, Always)],
            "No full answer within the timeout (`timeout`, in {unit}).",
        )
    },
    class(
        "APIDecodeError",
        ROOT,
        "MYPOS_DECODE",
        &[
            field("status", Integer, Always),
            field("limit", Integer, Sometimes),
        ],
        "The API answered with a body the SDK cannot read: not what the answer should be, or \
         longer than `max_response_bytes` (then `limit` is that limit, in bytes).",
    ),
    class(
        "PaymentUnconfirmedError",
        ROOT,
        "MYPOS_PAYMENT_UNCONFIRMED",
        &[field("reference_number", Text, Always)],
        "A payment request may or may not have reached the terminal and could not be found by \
         its `reference_number`. It was not sent twice: look the payment up by that reference \
         (`epos.payments.list` with `terminal_id` and `reference_number`) before trying again.",
    ),
    class(
        "PaymentNotCompletedError",
        ROOT,
        "MYPOS_PAYMENT_NOT_COMPLETED",
        &[
            field("payment_id", Text, Always),
            field("payment_status", Text, Always),
        ],
        "A payment flow ended without taking the money: the customer rejected the payment, it \
         was cancelled or it expired. `payment_status` says where it ended (e.g. \
         `CancelledByUser`).",
    ),
    class(
        "InternalError",
        ROOT,
        "MYPOS_INTERNAL",
        &[],
        "A bug inside the SDK: it panicked. The call failed and the process goes on; whether the \
         request reached the API is unknown. Please report it with the message.",
    ),
];

/// The class named `name`, if the tree has one.
pub fn error_class(name: &str) -> Option<&'static ErrorClass> {
    ERROR_CLASSES.iter().find(|class| class.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_names_are_unique() {
        for (i, class) in ERROR_CLASSES.iter().enumerate() {
            assert!(
                ERROR_CLASSES[..i].iter().all(|c| c.name != class.name),
                "{} twice",
                class.name
            );
            if let Some(parent) = class.parent {
                assert!(
                    ERROR_CLASSES[..i].iter().any(|c| c.name == parent),
                    "{}'s parent {parent} comes later",
                    class.name
                );
            }
        }
    }

    /// Every error the core makes is raised as a class of the table, with the fields the
    /// table gives that class and its ancestors (and no others).
    #[test]
    fn every_error_is_a_class_of_the_table_with_its_fields() {
        use crate::error::{ApiError, Error};
        use std::time::Duration;
        let text = String::new;
        let mut errors = vec![
            Error::config("field", "m"),
            Error::invalid("field", "m"),
            Error::Auth {
                status: Some(401),
                message: text(),
            },
            Error::Connection { message: text() },
            Error::Timeout {
                after: Duration::from_secs(1),
            },
            Error::Decode {
                status: 200,
                message: text(),
            },
            Error::ResponseTooLarge {
                status: 200,
                limit: 1,
            },
            Error::PaymentUnconfirmed {
                reference_number: text(),
                cause: text(),
            },
            Error::PaymentNotCompleted {
                payment_id: text(),
                payment_status: text(),
            },
            Error::Internal { message: text() },
        ];
        for status in [400, 401, 403, 404, 409, 418, 422, 429, 500, 503] {
            errors.push(Error::Api(Box::new(ApiError {
                status,
                ..ApiError::default()
            })));
        }
        for error in errors {
            let class = error_class(error.class_name())
                .unwrap_or_else(|| panic!("{} is not in the table", error.class_name()));
            assert_eq!(error.code(), class.code);
            let mut declared: Vec<&str> = Vec::new();
            let mut current = Some(class);
            while let Some(c) = current {
                declared.extend(c.fields.iter().map(|f| f.name));
                current = c.parent.and_then(error_class);
            }
            for (field, _) in error.fields() {
                assert!(
                    declared.contains(&field.as_str()),
                    "{}: `{field}` is not in the table",
                    class.name
                );
            }
        }
    }
}

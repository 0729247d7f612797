//! Answers the ecommerce routes share: the legacy list envelope and the 404 for an unknown
//! code.

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};

use crate::paging::Page;
use crate::problem::Problem;

/// The legacy list envelope: `items` beside `pagination: {page, page_size, total_pages,
/// total_count}`.
pub(crate) fn nested<T: Serialize>(page: Page<T>) -> Value {
    json!({
        "items": page.items,
        "pagination": {
            "page": page.page,
            "page_size": page.page_size,
            "total_pages": page.total_pages,
            "total_count": page.total_count,
        },
    })
}

/// 404 for a code the merchant does not have.
pub(crate) fn not_found(what: &str, code: &str) -> Problem {
    Problem::new(StatusCode::NOT_FOUND).with_detail(format!("No {what} has the code {code}."))
}

//! `page` / `size` paging shared by every list endpoint (1-based page, size 1–100, default 20).

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Serialize;

use crate::extract::query_pairs;
use crate::problem::Problem;

pub(crate) const DEFAULT_SIZE: u32 = 20;
pub(crate) const MAX_SIZE: u32 = 100;

/// The validated `page` and `size` query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub page: u32,
    pub size: u32,
}

impl<S: Send + Sync> FromRequestParts<S> for PageRequest {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = query_pairs(parts.uri.query());
        let page = bounded(&query, "page", 1, 1, u32::MAX);
        let size = bounded(&query, "size", DEFAULT_SIZE, 1, MAX_SIZE);
        match (page, size) {
            (Ok(page), Ok(size)) => Ok(PageRequest { page, size }),
            // Both are reported, so one response lists every mistake.
            (page, size) => {
                let mut problem = Problem::new(StatusCode::BAD_REQUEST);
                for (field, result) in [("page", page), ("size", size)] {
                    if let Err(message) = result {
                        problem = problem.with_error(field, message);
                    }
                }
                Err(problem)
            }
        }
    }
}

/// An optional integer query parameter within `min..=max`; the error is the field's message.
pub(crate) fn bounded(
    query: &HashMap<String, String>,
    field: &str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, String> {
    let Some(raw) = query.get(field).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    let value = raw.parse::<u32>().ok().filter(|n| (min..=max).contains(n));
    value.ok_or_else(|| {
        if max == u32::MAX {
            format!("The {field} field must be an integer of at least {min}.")
        } else {
            format!("The {field} field must be an integer between {min} and {max}.")
        }
    })
}

/// The flat list envelope (ePOS payments, banking accounts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub page_size: u32,
    pub total_pages: u64,
    pub total_count: u64,
    pub has_previous_page: bool,
    pub has_next_page: bool,
}

impl PageRequest {
    /// The requested page of `all`. A page past the end is empty, not an error.
    pub fn slice<T: Clone>(&self, all: &[T]) -> Page<T> {
        let size = u64::from(self.size);
        let total_count = all.len() as u64;
        let total_pages = total_count.div_ceil(size);
        let start = (u64::from(self.page) - 1).saturating_mul(size);
        let items = all
            .iter()
            .skip(usize::try_from(start).unwrap_or(usize::MAX))
            .take(self.size as usize)
            .cloned()
            .collect();
        Page {
            items,
            page: self.page,
            page_size: self.size,
            total_pages,
            total_count,
            has_previous_page: self.page > 1,
            has_next_page: u64::from(self.page) < total_pages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_pages() {
        let all = [1, 2, 3];
        let second = PageRequest { page: 2, size: 2 }.slice(&all);
        assert_eq!(second.items, vec![3]);
        assert_eq!((second.total_pages, second.total_count), (2, 3));
        assert!(second.has_previous_page && !second.has_next_page);
        let beyond = PageRequest { page: 9, size: 2 }.slice(&all);
        assert!(beyond.items.is_empty() && !beyond.has_next_page);
    }
}

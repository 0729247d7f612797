//! Test hooks, not part of the SDK's API: the error parsers, callable without a server, so
//! property tests (`core/tests/decoders_never_panic.rs`) can feed them arbitrary answers. The
//! response decoders have theirs on the operation table ([`crate::host::Api::decode_answer`]).

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::ApiError;
use crate::transport::Response;

/// An error answer as the transport sees it. Headers that are not valid HTTP are left out
/// (they could not arrive); `None` for a status outside 100–999.
fn response(status: u16, headers: &[(String, Vec<u8>)], body: &[u8]) -> Option<Response> {
    let status = StatusCode::from_u16(status).ok()?;
    let headers: HeaderMap = headers
        .iter()
        .filter_map(|(name, value)| {
            let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
            Some((name, HeaderValue::from_bytes(value).ok()?))
        })
        .collect();
    Some(Response {
        status,
        headers,
        body: bytes::Bytes::copy_from_slice(body),
    })
}

/// The Gateway's (and MobilePay's, and the token endpoints') error parser.
pub fn api_error(status: u16, headers: &[(String, Vec<u8>)], body: &[u8]) -> Option<ApiError> {
    Some(crate::transport::api_error(&response(
        status, headers, body,
    )?))
}

/// PSD2's error parser (`tppMessages` and problem details, with their codes).
pub fn psd2_api_error(status: u16, headers: &[(String, Vec<u8>)], body: &[u8]) -> Option<ApiError> {
    Some(crate::psd2::api_error(
        &response(status, headers, body)?,
        "request-id",
    ))
}

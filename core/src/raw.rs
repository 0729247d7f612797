//! A raw authenticated request, for what the SDK does not type yet: the same tokens, replay
//! and errors as every typed endpoint, with the body passed through as the API spells it.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::endpoint::{Executor, repeat_of};
use crate::error::{Error, Result};
use crate::transport::{Body, Request};

/// What to send. The path is relative to the gateway: a full URL is refused, so credentials
/// can never be sent to another host.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: Map<String, Value>,
    #[serde(default)]
    pub json: Option<Value>,
}

impl RawRequest {
    fn build(self) -> Result<Request> {
        let method = Method::from_bytes(self.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::invalid("method", "must be an HTTP method such as GET or POST"))?;
        let climbs = self
            .path
            .split(['?', '#'])
            .next()
            .is_some_and(|path| path.split('/').any(crate::endpoint::is_dot_segment));
        if climbs {
            return Err(Error::invalid(
                "path",
                "must not contain `.` or `..` segments (URLs resolve them)",
            ));
        }
        if !self.path.starts_with('/') || self.path.starts_with("//") || self.path.contains("://") {
            return Err(Error::invalid(
                "path",
                "must be a path on the gateway starting with `/`, not a URL",
            ));
        }
        let query = self
            .query
            .into_iter()
            .filter_map(|(key, value)| {
                let text = match value {
                    Value::Null => return None,
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                Some((key, text))
            })
            .collect();
        let body = match self.json {
            None | Some(Value::Null) => Body::None,
            Some(json) => Body::Json(json),
        };
        Ok(Request {
            repeat: crate::retry::Repeat::by_method(&method),
            method,
            path: self.path,
            template: "(raw request)",
            query,
            body,
            headers: reqwest::header::HeaderMap::new(),
        })
    }

    /// Sends it for `client`; the answer is its JSON, its text if it is not JSON, or null.
    /// It is repeated as the operation with its method and path would be.
    pub async fn send<C: Executor + 'static>(self, client: &C) -> Result<Value> {
        let mut request = self.build()?;
        request.repeat = repeat_of(&C::operations(), &request.method, &request.path);
        let response = client.execute_request(&request).await?;
        if response.body.is_empty() {
            return Ok(Value::Null);
        }
        Ok(serde_json::from_slice(&response.body).unwrap_or_else(|_| {
            Value::String(String::from_utf8_lossy(&response.body).into_owned())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(request: RawRequest) -> String {
        match request.build().unwrap_err() {
            Error::InvalidRequest { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_urls_and_bad_methods() {
        let raw = |method: &str, path: &str| RawRequest {
            method: method.into(),
            path: path.into(),
            ..Default::default()
        };
        assert_eq!(field(raw("GET", "https://evil.example/x")), "path");
        assert_eq!(field(raw("GET", "//evil.example/x")), "path");
        assert_eq!(field(raw("GET", "accounts")), "path");
        assert_eq!(field(raw("GE T", "/x")), "method");
        assert!(raw("get", "/accounting/v1/accounts").build().is_ok());
    }
}

//! What the Python and Node packages need of a [`Psd2Client`] beyond its operations (which
//! they reach through [`crate::host::psd2`]): token sets as plain data both ways, the
//! authorization URL from an answer, and per-client call limits.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::psd2::{Psd2Client, TokenSet};

use super::casing::Case;
use super::settings::call_options;
use crate::transport::WithCallOptions;

/// A token set as a host sees it: `holder_id`, `access_token`, `refresh_token`, `expires_at`
/// (seconds since the Unix epoch), `scope`, keys in `case`. It holds secrets: it is for the
/// application's token store, never for a log.
pub fn tokens_json(holder_id: &str, tokens: &TokenSet, case: Case) -> String {
    let value = json!({
        "holder_id": holder_id,
        "access_token": tokens.access_token.expose_secret(),
        "refresh_token": tokens.refresh_token.as_ref().map(|t| t.expose_secret().to_string()),
        "expires_at": tokens.expires_at_unix(),
        "scope": tokens.scope,
    });
    let Value::Object(map) = value else {
        unreachable!("an object literal")
    };
    let renamed: Map<String, Value> = map.into_iter().map(|(k, v)| (case.apply(&k), v)).collect();
    Value::Object(renamed).to_string()
}

/// A token set from a host's plain data (what [`tokens_json`] gave, `holder_id` ignored).
/// Errors name the field, never a value.
pub fn tokens_from_json(json: &str, case: Case) -> Result<TokenSet> {
    #[derive(Deserialize)]
    struct Spec {
        access_token: Option<String>,
        refresh_token: Option<String>,
        expires_at: Option<f64>,
        scope: Option<String>,
    }
    let value: Value =
        serde_json::from_str(json).map_err(|_| Error::invalid("tokens", "is not valid JSON"))?;
    let Value::Object(map) = value else {
        return Err(Error::invalid("tokens", "must be an object"));
    };
    let snake: Map<String, Value> = map
        .into_iter()
        .map(|(k, v)| (Case::Snake.apply(&k), v))
        .collect();
    let spec: Spec = serde_json::from_value(Value::Object(snake)).map_err(|_| {
        Error::invalid(
            "tokens",
            "must hold access_token and refresh_token as text, expires_at as seconds since 1970",
        )
    })?;
    let _ = case;
    let access_token = spec
        .access_token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| Error::invalid("tokens.access_token", "is required"))?;
    let expires_at = match spec.expires_at {
        None => None,
        // Negative, not finite, or past what the clock holds (1e19 s): not a time, and not a
        // panic either.
        Some(secs) => Some(
            Duration::try_from_secs_f64(secs)
                .ok()
                .and_then(|after| UNIX_EPOCH.checked_add(after))
                .ok_or_else(|| Error::invalid("tokens.expires_at", "must be seconds since 1970"))?,
        ),
    };
    Ok(TokenSet {
        access_token: access_token.into(),
        refresh_token: spec.refresh_token.map(Into::into),
        expires_at,
        scope: spec.scope,
    })
}

/// [`Psd2Client::authorization_url`] for a host: `target` is JSON text, either an answer (a
/// created consent or payment, as the host got it: its `authorizationUrl`, else its links)
/// or the link's text.
pub fn authorization_url(
    client: &Psd2Client,
    target: &str,
    state: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<String> {
    let target: Value = serde_json::from_str(target)
        .map_err(|_| Error::invalid("target", "must be an answer with links, or a link"))?;
    let href = match &target {
        Value::String(href) => href.clone(),
        Value::Object(answer)
            if let Some(href) = ["authorizationUrl", "authorization_url"]
                .iter()
                .find_map(|key| answer.get(*key)?.as_str()) =>
        {
            // The API text's answers: `{consentId, authorizationUrl}`.
            href.to_string()
        }
        Value::Object(answer) => {
            let links = answer
                .get("_links")
                .or_else(|| answer.get("links"))
                .and_then(Value::as_object)
                .ok_or_else(|| Error::invalid("target", "has no links"))?;
            ["scaRedirect", "scaOAuth"]
                .iter()
                .find_map(|name| links.get(*name)?.get("href")?.as_str())
                .ok_or_else(|| {
                    Error::invalid(
                        "target",
                        "has no scaRedirect or scaOAuth link: it needs no approval, or is not a consent or payment",
                    )
                })?
                .to_string()
        }
        _ => {
            return Err(Error::invalid(
                "target",
                "must be an answer with links, or a link",
            ));
        }
    };
    client.authorization_url_for(&href, state, redirect_uri)
}

/// The same client with other call limits: JSON `{timeout?, connect_timeout?, max_retries?}`.
pub fn with_options(client: &Psd2Client, json: &str, case: Case) -> Result<Psd2Client> {
    client.with_limits(call_options(json, case)?)
}

/// Seconds from now until `tokens` expire, for hosts that show it.
pub fn expires_in(tokens: &TokenSet) -> Option<f64> {
    let at = tokens.expires_at?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or_default()
            .as_secs_f64(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_sets_round_trip_in_both_casings() {
        let mut tokens = TokenSet::new("access");
        tokens.refresh_token = Some("refresh".to_string().into());
        tokens.expires_at = Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000));
        for case in [Case::Snake, Case::Camel] {
            let text = tokens_json("user-1", &tokens, case);
            let back = tokens_from_json(&text, case).unwrap();
            assert_eq!(back.access_token.expose_secret(), "access");
            assert_eq!(back.expires_at_unix(), Some(2_000_000_000));
        }
        assert!(tokens_json("u", &tokens, Case::Camel).contains("\"refreshToken\":\"refresh\""));
        assert!(tokens_from_json("{}", Case::Snake).is_err());
    }
}

//! What the PSD2 token endpoint and SCA page have handed out: access and refresh tokens and
//! authorization codes, and who each acts for.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

use super::errors::Psd2Error;
use crate::extract::header;
use crate::ids::new_id;

/// How long an authorization code can be exchanged.
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// Who an access token acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    /// The TPP itself (client credentials).
    Tpp,
    /// An account holder, by PSU id.
    Holder(String),
}

struct AccessToken {
    subject: Subject,
    /// The consent or payment a holder's grant came from.
    origin: Option<String>,
    expires: Instant,
}

struct RefreshToken {
    psu: String,
    /// The consent or payment the grant came from; revoked with a revoked consent.
    origin: String,
    revoked: bool,
}

/// A code the SCA page handed out.
pub(crate) struct Code {
    pub psu: String,
    pub origin: String,
    /// Where the holder was sent with it: the exchange must name the same.
    pub redirect_uri: String,
    pub expires: Instant,
}

#[derive(Default)]
pub(crate) struct Grants {
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    codes: HashMap<String, Code>,
}

impl Grants {
    /// Takes an authorization code out: a code is exchanged once, valid or not.
    pub fn take_code(&mut self, code: &str) -> Option<Code> {
        self.codes.remove(code)
    }

    /// Spends a refresh token (rotation: the presented one stops working): the holder and
    /// the origin it was granted for, or why it cannot be used.
    pub fn spend_refresh(&mut self, token: &str) -> Result<(String, String), &'static str> {
        match self.refresh.get_mut(token) {
            Some(token) if !token.revoked => {
                token.revoked = true;
                Ok((token.psu.clone(), token.origin.clone()))
            }
            Some(_) => Err("The refresh token has been revoked."),
            None => Err("The refresh token is not known."),
        }
    }

    pub fn issue_code(&mut self, code: Code) -> String {
        let id = new_id("code-");
        self.codes.insert(id.clone(), code);
        id
    }

    /// Makes every access token issued so far expired.
    pub fn expire_access_tokens(&mut self) {
        let now = Instant::now();
        for token in self.access.values_mut() {
            token.expires = now;
        }
    }

    /// Revokes the refresh tokens of `psu` (all holders when `None`).
    pub fn revoke_refresh_tokens(&mut self, psu: Option<&str>) -> usize {
        let mut count = 0;
        for token in self.refresh.values_mut() {
            if psu.is_none_or(|p| p == token.psu) && !token.revoked {
                token.revoked = true;
                count += 1;
            }
        }
        count
    }

    /// Revokes the refresh tokens granted through `origin` (a consent the holder revoked).
    pub fn revoke_origin(&mut self, origin: &str) {
        for token in self.refresh.values_mut() {
            if token.origin == origin {
                token.revoked = true;
            }
        }
    }

    /// Who the bearer token of a request acts for, or the 401 the API answers.
    pub fn subject(&self, headers: &HeaderMap) -> Result<Subject, Psd2Error> {
        let value = header(headers, "authorization").ok_or_else(|| {
            Psd2Error::token("TOKEN_INVALID", "The Authorization header is missing.")
        })?;
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => {
                return Err(Psd2Error::token(
                    "TOKEN_INVALID",
                    "The Authorization header must be 'Bearer <access token>'.",
                ));
            }
        };
        let known = self
            .access
            .get(token)
            .ok_or_else(|| Psd2Error::token("TOKEN_UNKNOWN", "The access token is not known."))?;
        if Instant::now() >= known.expires {
            return Err(Psd2Error::token(
                "TOKEN_EXPIRED",
                "The access token has expired.",
            ));
        }
        Ok(known.subject.clone())
    }

    /// The consent or payment the request's holder token was granted through, if any: the
    /// consent a read without `Consent-ID` is made under.
    pub fn origin(&self, headers: &HeaderMap) -> Option<String> {
        let value = header(headers, "authorization")?;
        let (_, token) = value.split_once(' ')?;
        self.access.get(token.trim())?.origin.clone()
    }

    /// The holder a token acts for; a TPP token cannot read accounts or initiate payments.
    pub fn holder(&self, headers: &HeaderMap) -> Result<String, Psd2Error> {
        match self.subject(headers)? {
            Subject::Holder(psu) => Ok(psu),
            Subject::Tpp => Err(Psd2Error::token(
                "TOKEN_INVALID",
                "This call needs the account holder's access token (from the authorization code), not the TPP's own.",
            )),
        }
    }

    pub fn issue(&mut self, subject: Subject, origin: Option<&str>, lifetime: Duration) -> String {
        let token = new_id("at-");
        self.access.insert(
            token.clone(),
            AccessToken {
                subject,
                origin: origin.map(str::to_owned),
                expires: Instant::now() + lifetime,
            },
        );
        token
    }

    pub fn issue_refresh(&mut self, psu: &str, origin: &str) -> String {
        let token = new_id("rt-");
        self.refresh.insert(
            token.clone(),
            RefreshToken {
                psu: psu.to_owned(),
                origin: origin.to_owned(),
                revoked: false,
            },
        );
        token
    }
}

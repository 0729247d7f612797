//! The store of issued partner tokens and merchant sessions.

use std::collections::HashMap;
use std::time::Duration;

// tokio's clock follows `tokio::time::pause()`, so tests with paused time can age grants.
use tokio::time::Instant;

/// Issued tokens and sessions with their expiry, and the lifetimes for new ones.
///
/// Expired grants are kept so a caller can be told "expired" rather than "unknown".
pub(crate) struct Grants {
    token_lifetime: Duration,
    session_lifetime: Duration,
    tokens: HashMap<String, Instant>,
    sessions: HashMap<String, Session>,
    tokens_issued: u64,
    sessions_issued: u64,
}

struct Session {
    merchant_id: String,
    expires_at: Instant,
}

/// Why a presented token or session was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Unknown,
    Expired,
}

fn live(expires_at: Instant) -> Result<(), Refusal> {
    if Instant::now() < expires_at {
        Ok(())
    } else {
        Err(Refusal::Expired)
    }
}

impl Grants {
    pub fn new(token_lifetime: Duration, session_lifetime: Duration) -> Self {
        Self {
            token_lifetime,
            session_lifetime,
            tokens: HashMap::new(),
            sessions: HashMap::new(),
            tokens_issued: 0,
            sessions_issued: 0,
        }
    }

    pub fn tokens_issued(&self) -> u64 {
        self.tokens_issued
    }

    pub fn sessions_issued(&self) -> u64 {
        self.sessions_issued
    }

    pub fn set_token_lifetime(&mut self, lifetime: Duration) {
        self.token_lifetime = lifetime;
    }

    pub fn set_session_lifetime(&mut self, lifetime: Duration) {
        self.session_lifetime = lifetime;
    }

    pub fn expire_tokens(&mut self) {
        let now = Instant::now();
        self.tokens.values_mut().for_each(|at| *at = (*at).min(now));
    }

    pub fn expire_sessions(&mut self) {
        let now = Instant::now();
        self.sessions
            .values_mut()
            .for_each(|s| s.expires_at = s.expires_at.min(now));
    }

    /// A new token and its lifetime.
    pub fn issue_token(&mut self) -> (String, Duration) {
        let token = crate::ids::access_token();
        self.tokens
            .insert(token.clone(), Instant::now() + self.token_lifetime);
        self.tokens_issued += 1;
        (token, self.token_lifetime)
    }

    /// A new session for `merchant_id` and its lifetime.
    pub fn open_session(&mut self, merchant_id: &str) -> (String, Duration) {
        let id = crate::ids::session();
        let session = Session {
            merchant_id: merchant_id.to_owned(),
            expires_at: Instant::now() + self.session_lifetime,
        };
        self.sessions.insert(id.clone(), session);
        self.sessions_issued += 1;
        (id, self.session_lifetime)
    }

    pub fn check_token(&self, token: &str) -> Result<(), Refusal> {
        live(*self.tokens.get(token).ok_or(Refusal::Unknown)?)
    }

    /// The merchant a live session belongs to.
    pub fn session_merchant(&self, session: &str) -> Result<&str, Refusal> {
        let session = self.sessions.get(session).ok_or(Refusal::Unknown)?;
        live(session.expires_at)?;
        Ok(&session.merchant_id)
    }
}

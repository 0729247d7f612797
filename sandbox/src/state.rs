//! All mutable sandbox state, behind one lock.
//!
//! Each API family keeps its state in a leaf module of its own (`faults::queue`,
//! `log::entries`, `identity::grants`, `gateway::*::model`, `mobilepay::model`,
//! `psd2::model`); this module aggregates them from above. The families' routers take
//! [`SandboxState`]; nothing this module imports reaches back up to it.
//!
//! One mutex keeps every counter exact under concurrency and keeps cross-family operations
//! (a payment moving a balance, say) atomic. Critical sections are short and never await.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::calendar::Day;
use crate::config::SandboxConfig;
use crate::faults::queue::Faults;
use crate::gateway::banking::accounts::{Account, seed_accounts, seed_transactions};
use crate::gateway::banking::ledger::BankTransaction;
use crate::gateway::ecommerce::model::EcommerceState;
use crate::gateway::epos::model::EposState;
use crate::identity::grants::Grants;
use crate::log::entries::{LoggedRequest, RequestLog};
use crate::mobilepay::model::MobilePayState;
use crate::psd2::model::Psd2;

/// A cheap, cloneable handle on one sandbox's state.
#[derive(Clone)]
pub struct SandboxState {
    inner: Arc<Mutex<Inner>>,
}

/// Everything the sandbox remembers. Each API family owns its part.
pub(crate) struct Inner {
    pub identity: Grants,
    pub log: RequestLog,
    pub faults: Faults,
    /// MobilePay point of sale (`api/pos/...`): its own merchants, by `bioCode`.
    pub mobilepay: MobilePayState,
    pub psd2: Psd2,
    /// See [`SandboxConfig::control_loopback_only`].
    pub control_loopback_only: bool,
    merchants: HashMap<String, MerchantState>,
}

/// What the sandbox holds for one merchant, created from its client id on first use.
pub(crate) struct MerchantState {
    pub accounts: Vec<Account>,
    /// The accounts' seeded history, oldest first.
    pub transactions: Vec<BankTransaction>,
    pub ecommerce: EcommerceState,
    pub epos: EposState,
}

impl Inner {
    /// The merchant's state, seeded deterministically on first use.
    pub fn merchant(&mut self, merchant_id: &str) -> &mut MerchantState {
        self.merchants
            .entry(merchant_id.to_owned())
            .or_insert_with(|| {
                let accounts = seed_accounts(merchant_id);
                MerchantState {
                    transactions: seed_transactions(merchant_id, Day::today()),
                    ecommerce: crate::gateway::ecommerce::seed::seed(merchant_id, &accounts),
                    accounts,
                    epos: crate::gateway::epos::seed::seed(merchant_id),
                }
            })
    }

    /// Every merchant seen so far (the simulated terminal finds a payment by id alone).
    pub fn merchants_mut(&mut self) -> impl Iterator<Item = &mut MerchantState> {
        self.merchants.values_mut()
    }
}

/// Counters served by `GET /_sandbox/stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Partner OAuth tokens issued since start.
    pub oauth_tokens_issued: u64,
    /// Merchant sessions opened since start.
    pub sessions_issued: u64,
    /// Requests in the log (since start or the last clear).
    pub requests: u64,
}

impl SandboxState {
    pub fn new(config: &SandboxConfig) -> Self {
        let inner = Inner {
            identity: Grants::new(config.token_lifetime, config.session_lifetime),
            log: RequestLog::new(config.max_logged_requests),
            control_loopback_only: config.control_loopback_only,
            faults: Faults::default(),
            mobilepay: MobilePayState::seeded(),
            psd2: Psd2::default(),
            merchants: HashMap::new(),
        };
        Self {
            inner: Arc::new(Mutex::new(inner)),
        }
    }

    /// Runs `f` under the lock. Keep it short: never call back into the state from `f`.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic in one handler must not take the whole sandbox down with it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every logged request, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.with(|s| s.log.entries().cloned().collect())
    }

    /// How many logged requests had this method (any case) and exactly this path.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.with(|s| s.log.count(method, path))
    }

    /// Empties the request log. Sequence numbers keep counting up.
    pub fn clear_requests(&self) {
        self.with(|s| s.log.clear())
    }

    pub fn stats(&self) -> Stats {
        self.with(|s| Stats {
            oauth_tokens_issued: s.identity.tokens_issued(),
            sessions_issued: s.identity.sessions_issued(),
            requests: s.log.entries().len() as u64,
        })
    }

    /// Expires every partner token issued so far.
    pub fn expire_tokens(&self) {
        self.with(|s| s.identity.expire_tokens())
    }

    /// Expires every merchant session issued so far.
    pub fn expire_sessions(&self) {
        self.with(|s| s.identity.expire_sessions())
    }

    /// Lifetimes for tokens and sessions issued from now on.
    pub fn set_lifetimes(&self, token: Duration, session: Duration) {
        self.with(|s| {
            s.identity.set_token_lifetime(token);
            s.identity.set_session_lifetime(session);
        })
    }
}

impl std::fmt::Debug for SandboxState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxState").finish_non_exhaustive()
    }
}

//! Fault injection: make chosen gateway requests misbehave, so a client's error handling can be
//! tested (status codes, timeouts, dropped connections, broken bodies, expired sessions).
//!
//! Faults are queued through `POST /_sandbox/faults` or [`crate::Sandbox::inject`] and consumed
//! by the [`apply`] middleware, the outermost layer of the router. It sits outside the request
//! log, so a request whose handler runs is logged before any delay or drop happens; for the
//! answers it makes up itself it writes the log entry directly. Either way a faulted request is
//! logged with the status that went out, or 0 when the connection was dropped before a status
//! line. Control paths (`/_sandbox/...`) are never faulted.
//!
//! [`apply`]: apply::apply

use crate::Sandbox;
use crate::state::SandboxState;

mod apply;
mod control;
pub(crate) mod queue;

pub(crate) use apply::apply;
pub(crate) use control::{clear, create, list};
pub use queue::{Fault, FaultKind, PendingFault};

impl SandboxState {
    /// Queues a fault; returns its id.
    ///
    /// # Panics
    ///
    /// If the fault can never apply (a path without a leading `/` or under `/_sandbox/`, a
    /// count of 0, an invalid method, header or status code).
    pub fn inject(&self, fault: Fault) -> u64 {
        if let Err((field, message)) = fault.validate() {
            panic!("invalid fault ({field}): {message}");
        }
        self.with(|s| s.faults.add(fault))
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        self.with(|s| s.faults.clear())
    }

    /// The pending faults, oldest first, each with how many times it will still apply.
    pub fn faults(&self) -> Vec<PendingFault> {
        self.with(|s| s.faults.pending().to_vec())
    }
}

impl Sandbox {
    /// Queues a fault for the next matching request(s); returns its id. See [`Fault`].
    ///
    /// # Panics
    ///
    /// If the fault can never apply; see [`SandboxState::inject`].
    pub fn inject(&self, fault: Fault) -> u64 {
        self.state().inject(fault)
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        self.state().clear_faults()
    }

    /// The pending faults, oldest first.
    pub fn faults(&self) -> Vec<PendingFault> {
        self.state().faults()
    }
}

//! What the request log keeps: the requests, oldest first, up to a limit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One request as the sandbox saw it. Bodies are not recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// 1-based arrival order of completed requests; keeps counting across clears.
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The status the sandbox answered with; 0 if an injected fault dropped the connection
    /// before a status line was sent.
    pub status: u16,
    /// Lower-case header names; repeated headers joined with ", "; credentials redacted.
    pub headers: BTreeMap<String, String>,
}

pub(crate) struct RequestLog {
    entries: std::collections::VecDeque<LoggedRequest>,
    next_seq: u64,
    /// The most entries kept; the oldest go first.
    max: usize,
}

impl RequestLog {
    pub fn new(max: usize) -> Self {
        Self {
            entries: Default::default(),
            next_seq: 0,
            max,
        }
    }

    pub fn entries(&self) -> impl ExactSizeIterator<Item = &LoggedRequest> {
        self.entries.iter()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.entries
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .count()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn push(&mut self, mut request: LoggedRequest) {
        self.next_seq += 1;
        request.seq = self.next_seq;
        if self.entries.len() >= self.max {
            self.entries.pop_front();
        }
        if self.max > 0 {
            self.entries.push_back(request);
        }
    }
}

/// Whether a path belongs to the control API, which is not logged.
pub(crate) fn is_control(path: &str) -> bool {
    path == "/_sandbox" || path.starts_with("/_sandbox/")
}

//! How a sandbox starts: its address and the lifetimes and limits of what it hands out.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// How a [`Sandbox`](crate::Sandbox) starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Address to listen on: loopback unless a user asks for another one.
    pub host: IpAddr,
    /// Port to listen on; 0 lets the OS choose a free one.
    pub port: u16,
    /// Lifetime of partner OAuth tokens (the gateway's is one hour).
    pub token_lifetime: Duration,
    /// Lifetime of merchant sessions (the gateway's is five minutes).
    pub session_lifetime: Duration,
    /// The control API (`/_sandbox/…`) answers only requests whose `Host` is a loopback name
    /// (`localhost`, `127.0.0.1`, `[::1]`), so a web page that rebinds its own name to the
    /// sandbox's address cannot drive it. On by default; turn it off only for a sandbox bound
    /// to another address on purpose.
    pub control_loopback_only: bool,
    /// How many requests the log keeps; older ones are dropped first.
    pub max_logged_requests: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            token_lifetime: Duration::from_secs(3600),
            session_lifetime: Duration::from_secs(300),
            control_loopback_only: true,
            max_logged_requests: 10_000,
        }
    }
}

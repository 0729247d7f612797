//! What must not cross a `fork`. A forked child (gunicorn, celery prefork) inherits memory but
//! no threads: pooled connections whose driver tasks stayed in the parent, or a lock a parent
//! thread held at that instant, would hang it. Such values are kept per process.

use std::sync::RwLock;
#[cfg(unix)]
use std::sync::atomic::{AtomicU32, Ordering};

/// This process's id, without a system call on every use: `getpid` is one (glibc stopped
/// caching it), and a call asks for it several times, on the host's thread and the runtime's.
/// A forked child clears the cache (a `pthread_atfork` handler) and reads its own id again.
#[cfg(unix)]
pub fn process_id() -> u32 {
    use std::sync::atomic::AtomicBool;
    static PID: AtomicU32 = AtomicU32::new(0);
    static CLEARED_ON_FORK: AtomicBool = AtomicBool::new(false);
    static WATCH_FORKS: std::sync::Once = std::sync::Once::new();
    extern "C" fn forget_in_child() {
        PID.store(0, Ordering::Relaxed);
    }
    let pid = PID.load(Ordering::Relaxed);
    if pid != 0 {
        return pid;
    }
    WATCH_FORKS.call_once(|| {
        // Fails only for lack of memory; the id is then read every time.
        let registered = unsafe { libc::pthread_atfork(None, None, Some(forget_in_child)) } == 0;
        CLEARED_ON_FORK.store(registered, Ordering::Relaxed);
    });
    let pid = std::process::id();
    if CLEARED_ON_FORK.load(Ordering::Relaxed) {
        PID.store(pid, Ordering::Relaxed);
    }
    pid
}

/// This process's id (cheap where there is no `fork`).
#[cfg(not(unix))]
pub fn process_id() -> u32 {
    std::process::id()
}

pub(crate) struct PerProcess<T: Clone> {
    slot: RwLock<(u32, T)>,
}

impl<T: Clone> PerProcess<T> {
    pub fn new(value: T) -> Self {
        Self {
            slot: RwLock::new((process_id(), value)),
        }
    }

    /// This process's value; in a forked child, `fresh` makes its own on first use.
    pub fn get(&self, fresh: impl FnOnce() -> T) -> T {
        let pid = process_id();
        {
            let slot = self.slot.read().unwrap_or_else(|e| e.into_inner());
            if slot.0 == pid {
                return slot.1.clone();
            }
        }
        let mut slot = self.slot.write().unwrap_or_else(|e| e.into_inner());
        if slot.0 != pid {
            *slot = (pid, fresh());
        }
        slot.1.clone()
    }
}

impl<T: Clone> PerProcess<T> {
    /// [`PerProcess::get`] with a `fresh` that may fail: its error is returned, and the next
    /// call tries again.
    pub fn try_get<E>(&self, fresh: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let pid = process_id();
        {
            let slot = self.slot.read().unwrap_or_else(|e| e.into_inner());
            if slot.0 == pid {
                return Ok(slot.1.clone());
            }
        }
        let mut slot = self.slot.write().unwrap_or_else(|e| e.into_inner());
        if slot.0 != pid {
            *slot = (pid, fresh()?);
        }
        Ok(slot.1.clone())
    }

    /// Replaces this process's value.
    pub fn set(&self, value: T) {
        *self.slot.write().unwrap_or_else(|e| e.into_inner()) = (process_id(), value);
    }
}

impl<T: Clone> std::fmt::Debug for PerProcess<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PerProcess")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As in a forked child: the value was made by another process.
    fn inherited(value: u32) -> PerProcess<u32> {
        PerProcess {
            slot: RwLock::new((0, value)),
        }
    }

    #[test]
    fn a_failed_rebuild_in_a_child_is_an_error_not_the_parents_value() {
        let value = inherited(1);
        assert_eq!(
            value.try_get(|| Err::<u32, _>("no certificate")),
            Err("no certificate")
        );
        assert_eq!(
            value.try_get(|| Err::<u32, _>("still none")),
            Err("still none")
        );
        assert_eq!(value.try_get(|| Ok::<_, ()>(2)), Ok(2));
        assert_eq!(
            value.try_get(|| Ok::<_, ()>(3)),
            Ok(2),
            "made once per process"
        );
    }
}

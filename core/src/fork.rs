//! What must not cross a `fork`. A forked child (gunicorn, celery prefork) inherits memory but
//! no threads: pooled connections whose driver tasks stayed in the parent, or a lock a parent
//! thread held at that instant, would hang it. Such values are kept per process.

use std::sync::RwLock;

pub(crate) struct PerProcess<T: Clone> {
    slot: RwLock<(u32, T)>,
}

impl<T: Clone> PerProcess<T> {
    pub fn new(value: T) -> Self {
        Self {
            slot: RwLock::new((std::process::id(), value)),
        }
    }

    /// This process's value; in a forked child, `fresh` makes its own on first use.
    pub fn get(&self, fresh: impl FnOnce() -> T) -> T {
        let pid = std::process::id();
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
    /// Replaces this process's value.
    pub fn set(&self, value: T) {
        *self.slot.write().unwrap_or_else(|e| e.into_inner()) = (std::process::id(), value);
    }
}

impl<T: Clone> std::fmt::Debug for PerProcess<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PerProcess")
    }
}

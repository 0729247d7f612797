//! The tokio runtime a host package runs its calls on.
//!
//! A host's own thread (Python's event loop, Node's JavaScript thread) keeps one core busy
//! with its side of every call, so the runtime takes one worker per remaining core, at least
//! one, where tokio's default takes one per core. On 2 cores that is one worker instead of
//! two, and it measured faster both ways (BENCHMARKS.md, "What profiling changed"): a second
//! worker mostly wakes up to look for work the first one already has, and each such wake-up
//! is a system call and a context switch on the core the host thread needs.
//!
//! `TOKIO_WORKER_THREADS`, tokio's own setting, overrides the count.

use std::num::NonZeroUsize;

/// The count of worker threads for a host's runtime on a machine with `cores` cores.
pub fn worker_threads(cores: usize) -> usize {
    cores.saturating_sub(1).max(1)
}

/// A multi-thread runtime builder sized for a host package (see the module's doc), I/O and
/// timers enabled, threads named `name`.
pub fn runtime_builder(name: &str) -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_name(name);
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        builder.worker_threads(worker_threads(cores));
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_thread_keeps_a_core_and_the_runtime_always_has_a_worker() {
        assert_eq!(worker_threads(0), 1);
        assert_eq!(worker_threads(1), 1);
        assert_eq!(worker_threads(2), 1);
        assert_eq!(worker_threads(16), 15);
    }

    #[test]
    fn the_built_runtime_has_that_many_workers_unless_tokio_is_told_otherwise() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let expected = std::env::var("TOKIO_WORKER_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| worker_threads(cores));
        let runtime = runtime_builder("mypos-test").build().unwrap();
        assert_eq!(runtime.metrics().num_workers(), expected);
    }
}

//! One cell of the throughput table: `concurrency` loops calling the same operation for a fixed
//! time, after a warm-up, a few rounds, the median kept. Every side of the benchmark (Rust,
//! Python, Node) measures the same way, so their figures can be set side by side.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde_json::{Value, json};

/// One call of the operation under test; `Err` carries a description of what failed.
pub type Call = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// How long to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub warmup: Duration,
    pub round: Duration,
    pub rounds: usize,
}

/// What one round counted.
struct Round {
    calls: u64,
    errors: u64,
    elapsed: Duration,
    cpu: Duration,
}

/// Runs `call` from `concurrency` loops until `duration` has passed.
async fn round(call: &Call, concurrency: usize, duration: Duration) -> Round {
    let cpu_before = cpu_time();
    let started = Instant::now();
    let stop = started + duration;
    let loops: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let (mut calls, mut errors) = (0u64, 0u64);
                while Instant::now() < stop {
                    match call().await {
                        Ok(()) => calls += 1,
                        Err(error) => {
                            errors += 1;
                            if errors == 1 {
                                eprintln!("mypos-bench: a call failed: {error}");
                            }
                        }
                    }
                }
                (calls, errors)
            })
        })
        .collect();
    let (mut calls, mut errors) = (0, 0);
    for handle in loops {
        let (c, e) = handle.await.expect("a benchmark loop does not panic");
        calls += c;
        errors += e;
    }
    Round {
        calls,
        errors,
        elapsed: started.elapsed(),
        cpu: cpu_time().saturating_sub(cpu_before),
    }
}

/// Warm-up, then `plan.rounds` rounds; the result as one JSON object (the median round's
/// throughput and client CPU time per call).
pub async fn measure(call: &Call, concurrency: usize, plan: Plan) -> Value {
    round(call, concurrency, plan.warmup).await;
    let mut rounds = Vec::with_capacity(plan.rounds);
    for _ in 0..plan.rounds {
        rounds.push(round(call, concurrency, plan.round).await);
    }
    let rates: Vec<f64> = rounds
        .iter()
        .map(|r| r.calls as f64 / r.elapsed.as_secs_f64())
        .collect();
    let cpu_per_call: Vec<f64> = rounds
        .iter()
        .map(|r| r.cpu.as_secs_f64() * 1e6 / r.calls.max(1) as f64)
        .collect();
    json!({
        "calls_per_s": median(&rates),
        "rounds": rates,
        "cpu_us_per_call": median(&cpu_per_call),
        "errors": rounds.iter().map(|r| r.errors).sum::<u64>(),
    })
}

pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// User + system CPU time of this process, from `/proc/self/stat` (clock ticks of 10 ms: the
/// rounds last seconds, so this is precise to well under 1 %).
pub fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let total = ticks(11) + ticks(12);
    Duration::from_millis(total * 10)
}

/// Resident memory of this process in bytes, from `/proc/self/statm`.
pub fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map(|pages| pages * 4096)
        .unwrap_or(0)
}

//! Property tests of the webhook boundary: the `Paddle-Signature` check, the event
//! decoder and the id parsers, fed generated inputs.
//!
//! `cargo test` runs a quick pass ([`QUICK_CASES`] inputs a property). `make fuzz`
//! (`scripts/fuzz`) sets `PROPTEST_CASES` and runs this target in the `fuzz` profile
//! (optimised, with overflow checks and debug assertions) for a million inputs or more.
//! Every property prints `fuzz-inputs <name> <n>`, the inputs it actually ran, so the
//! script can add them up. A failure is saved under `proptest-regressions/` and replayed
//! first on the next run: commit those files.

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

mod decode;
mod envelope;
mod event;
mod event_shapes;
mod ids;
mod json;
mod signature;
mod signature_header;

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};

/// Inputs a property gets in `cargo test` when `PROPTEST_CASES` is not set.
pub const QUICK_CASES: u32 = 512;

/// Runs `test` on inputs from `strategy`, panicking with the smallest failing input.
///
/// Like `proptest!`, but counts the inputs it ran and prints the count.
#[track_caller]
pub fn check<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: Debug,
{
    let mut config = Config::default(); // reads PROPTEST_CASES and the other PROPTEST_ vars
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = QUICK_CASES;
    }
    // Where `proptest!` would save failures: beside this property's source file.
    config.source_file = Some(std::panic::Location::caller().file());
    let inputs = AtomicU64::new(0);
    let result = TestRunner::new(config).run(&strategy, |value| {
        inputs.fetch_add(1, Ordering::Relaxed);
        test(value)
    });
    println!("fuzz-inputs {name} {}", inputs.load(Ordering::Relaxed));
    if let Err(e) = result {
        panic!("property {name} failed: {e}");
    }
}

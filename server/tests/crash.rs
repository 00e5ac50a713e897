//! Crash safety against the real binary: about twenty clients save answers while the
//! server is killed with SIGKILL at random moments and restarted on the same SQLite
//! database (synchronous=FULL). Three cycles here; `EXAMHALL_CRASH_CYCLES=50` (or
//! `examhall-loadtest crash --cycles 50`) runs the long version.
//!
//! The harness lives in the load-test crate and is included by path, so the test and
//! `examhall-loadtest crash` run the same code.

#[allow(dead_code)]
#[path = "../../loadtest/src/http.rs"]
mod http;

#[allow(dead_code)]
#[path = "../../loadtest/src/fixture.rs"]
mod fixture;

#[allow(dead_code)]
#[path = "../../loadtest/src/harness.rs"]
mod harness;

#[allow(dead_code)]
#[path = "../../loadtest/src/crash.rs"]
mod crash;

use std::path::PathBuf;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_save_survives_kill_9_and_the_restarted_server_is_healthy_within_five_seconds(
) {
    let cycles = std::env::var("EXAMHALL_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(3);
    let mut opts = crash::CrashOptions::new(PathBuf::from(env!("CARGO_BIN_EXE_examhall")), cycles);
    opts.seed = std::env::var("EXAMHALL_CRASH_SEED")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    opts.verbose = true;
    let report = crash::run(&opts).await.expect("crash test runs");
    eprintln!("{}", report.summary());
    assert!(
        report.problems.is_empty(),
        "{} (seed {} repeats the random delays):\n{}",
        report.summary(),
        report.seed,
        report.problems.join("\n")
    );
    assert_eq!(report.restart_times.len(), cycles);
    assert!(report.acked > 0, "no save was acknowledged");
}

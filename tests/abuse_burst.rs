//! A 1,000-request log-in burst from 1,000 client IPs: every request is answered (a
//! check, 429 or 503 beyond the bounds, never a hang) and the process stays under
//! 200 MB. Its own test binary, so the peak memory it reads is this burst's alone.
#![cfg(feature = "ssr")]

// The API tests' harness; this binary uses a small part of it.
#[allow(dead_code)]
#[path = "api/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Backend, spawn_app_with};

/// The process's peak resident memory so far (Linux `VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_parallel_log_ins_from_a_thousand_ips_are_all_answered_in_bounded_memory() {
    let app = spawn_app_with(Backend::Sqlite, &[("TRUST_X_FORWARDED_FOR", "true")]).await;
    let before = peak_rss_kib();
    let started = Instant::now();
    let tasks: Vec<_> = (0..1000u32)
        .map(|i| {
            let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
            let header = if i % 2 == 0 {
                format!("203.0.113.9, {ip}")
            } else {
                format!("{ip}:5{i:04}")
            };
            let request = app
                .client
                .post(app.url("/api/auth/login"))
                .header("origin", &app.origin)
                .header("x-forwarded-for", header)
                .form(&[
                    ("email", format!("nobody-{i}@example.com")),
                    ("password", "a wrong password".into()),
                ]);
            tokio::spawn(async move {
                let res = request.send().await.expect("answered");
                let retry = res.headers().contains_key("retry-after");
                (res.status().as_u16(), retry)
            })
        })
        .collect();
    let mut counts = std::collections::BTreeMap::<u16, usize>::new();
    let all = tokio::time::timeout(Duration::from_secs(90), async {
        for t in tasks {
            let (status, retry) = t.await.expect("task");
            assert!(matches!(status, 401 | 429 | 503), "status {status}");
            if status == 503 {
                assert!(retry, "503 carries Retry-After");
            }
            *counts.entry(status).or_default() += 1;
        }
    })
    .await;
    assert!(
        all.is_ok(),
        "every request answered within 90 s: {counts:?}"
    );
    let peak = peak_rss_kib();
    eprintln!(
        "burst: {counts:?} in {:?}; peak RSS {} MiB (before the burst {} MiB)",
        started.elapsed(),
        peak / 1024,
        before / 1024
    );
    assert_eq!(counts.values().sum::<usize>(), 1000);
    assert!(peak < 200 * 1024, "peak RSS {} MiB", peak / 1024);
}

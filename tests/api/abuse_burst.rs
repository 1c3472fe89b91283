//! A 1,000-request log-in burst from 1,000 client IPs: every request is answered (a
//! check, 429 or 503 beyond the bounds, never a hang) and the server stays under 200 MB.
//! The server is a `paddock serve` process of its own, started for this burst, so the
//! peak memory read (its `VmHWM`) is the server's alone, not the test client's.

use std::time::{Duration, Instant};

use crate::common::standalone::{AppProcess, free_port};

/// Process `pid`'s peak resident memory so far (Linux `VmHWM`), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/pid/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_parallel_log_ins_from_a_thousand_ips_are_all_answered_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let addr = format!("127.0.0.1:{}", free_port());
    let origin = format!("http://{addr}");
    let data = dir.path().display().to_string();
    let database = format!("sqlite://{data}/paddock.db");
    let env = [
        ("DATABASE_URL", database.as_str()),
        ("PADDOCK_DATA_DIR", data.as_str()),
        ("LEPTOS_SITE_ADDR", addr.as_str()),
        ("PUBLIC_URL", origin.as_str()),
        ("PADDLE_EMULATOR_ADDR", "127.0.0.1:0"),
        ("TRUST_X_FORWARDED_FOR", "true"),
    ];
    let server = AppProcess::start(dir.path(), &env, std::sync::Arc::default());
    let client = reqwest::Client::new();
    let before = peak_rss_kib(server.pid());
    let started = Instant::now();
    let tasks: Vec<_> = (0..1000u32)
        .map(|i| {
            let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
            let header = if i % 2 == 0 {
                format!("203.0.113.9, {ip}")
            } else {
                format!("{ip}:5{i:04}")
            };
            let request = client
                .post(format!("{origin}/api/auth/login"))
                .header("origin", &origin)
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
    let peak = peak_rss_kib(server.pid());
    eprintln!(
        "burst: {counts:?} in {:?}; peak RSS {} MiB (before the burst {} MiB)",
        started.elapsed(),
        peak / 1024,
        before / 1024
    );
    assert_eq!(counts.values().sum::<usize>(), 1000);
    assert!(peak < 200 * 1024, "peak RSS {} MiB", peak / 1024);
}

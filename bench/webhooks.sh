#!/usr/bin/env bash
# `make bench`: signed webhooks per second and p50/p99 latency of the release server over
# loopback, on SQLite and (with BENCH_POSTGRES_URL or TEST_POSTGRES_URL) on Postgres, with
# GET /healthz on the same server as the baseline. Not a test: it prints figures.
# BENCH_EVENTS (default 2000, at most 20000) and BENCH_CONCURRENCY (16, at most 64).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

command -v node >/dev/null || die "the benchmark needs Node.js"
if [ ! -x target/release/paddock ] || [ ! -d target/site/pkg ]; then
  say "no release build yet: cargo leptos build --release"
  cargo leptos build --release
fi
exec timeout 600 node bench/webhooks.mjs

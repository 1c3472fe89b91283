#!/usr/bin/env bash
# `make bench`: figures of the release server over loopback; not a test.
#   bench/run.sh webhooks   signed webhooks per second and p50/p99, SQLite and (with
#                           BENCH_POSTGRES_URL or TEST_POSTGRES_URL) Postgres, next to
#                           GET /healthz (both warmed first, their phases alternated);
#                           at 16 then 64 concurrent deliveries; BENCH_PHASE_MS (1000),
#                           BENCH_ROUNDS (3), BENCH_CONCURRENCY (one load only),
#                           BENCH_EVENTS (60000 signed in advance)
#   bench/run.sh portal     POST /api/portal/session with signed-in users against the same
#                           mints made directly on the embedded emulator, saturated and
#                           paced; BENCH_PHASE_MS (1000), BENCH_ROUNDS (3), BENCH_MINTS
#                           (2000, paced), BENCH_CONCURRENCY (32)
#   bench/run.sh instructions  instructions the server executes per request on each of
#                           those paths, counted by valgrind's callgrind (needs valgrind):
#                           a figure that noise does not move; BENCH_REQUESTS (2000),
#                           BENCH_CONCURRENCY (16)
#   bench/run.sh limits     the shared (Postgres) limit store's reservation next to one
#                           SELECT 1 round trip and to the in-memory store (needs
#                           BENCH_POSTGRES_URL or TEST_POSTGRES_URL)
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

case "${1:-}" in
  webhooks | portal | instructions) ;;
  limits)
    export TEST_POSTGRES_URL="${BENCH_POSTGRES_URL:-${TEST_POSTGRES_URL:-}}"
    if [ -z "$TEST_POSTGRES_URL" ]; then
      say "limits: skipped (the shared limit store is Postgres: set BENCH_POSTGRES_URL or TEST_POSTGRES_URL)"
      exit 0
    fi
    RUSTFLAGS="--cfg erase_components" exec cargo test -q -p paddock --no-default-features \
      --features ssr --test api -- --ignored --exact limits_shared::limit_store_cost --nocapture
    ;;
  *) die "usage: bench/run.sh webhooks|portal|instructions|limits" ;;
esac
command -v node >/dev/null || die "the benchmark needs Node.js"
# Always: an up-to-date build takes seconds, and a stale one would measure old code.
"$ROOT/scripts/release"
exec timeout 600 node "bench/$1.mjs"

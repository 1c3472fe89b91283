#!/usr/bin/env bash
# Runs Paddle's official Node SDK against the emulator binary: builds the debug binary,
# starts it on a free port with its own API key and state file, runs
# end2end/sdk/paddle-sdk-check.mjs, then stops it with SIGTERM and checks that it
# exited cleanly and saved its state. Needs `cd end2end && npm install` once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
script="$root/end2end/sdk/paddle-sdk-check.mjs"
bin="${CARGO_TARGET_DIR:-$root/target}/debug/paddle-emulator"

if [ ! -d "$root/end2end/node_modules/@paddle/paddle-node-sdk" ]; then
  echo "missing @paddle/paddle-node-sdk: run (cd end2end && npm install)" >&2
  exit 2
fi
# scripts/test has just built it with the workspace's tests; a second build with other
# features would only rebuild dependencies.
[ -n "${SDK_CHECK_NO_BUILD:-}" ] || (cd "$root" && cargo build -p paddle-emulator --quiet)

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
key="pdl_sdbx_apikey_01sdkcheck0000000000000000_SdkCheckNotSecret00"
work="$(mktemp -d)"
"$bin" --addr "127.0.0.1:$port" --api-key "$key" --state-file "$work/state.json" \
  --retry-initial-ms 50 >"$work/emulator.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ready=""
for _ in $(seq 1 100); do
  if node -e "fetch('$base/_emulator/calls').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    ready=yes
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "the emulator did not start:" >&2
  cat "$work/emulator.log" >&2
  exit 1
fi

status=0
(cd "$root/end2end" && node "$script" "$base" "$key") || status=$?

kill -TERM "$pid"
emulator_status=0
wait "$pid" || emulator_status=$?
if [ "$emulator_status" -ne 0 ]; then
  echo "FAIL emulator exited with $emulator_status after SIGTERM" >&2
  cat "$work/emulator.log" >&2
  exit 1
fi
if grep -q '"sdk-check-' "$work/state.json"; then
  echo "ok   emulator stopped on SIGTERM and saved its state"
else
  echo "FAIL the state file lacks the checkout's customer" >&2
  exit 1
fi
exit "$status"

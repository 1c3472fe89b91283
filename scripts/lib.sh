# Shared by the scripts in this folder: messages, timed stages, tool paths, the e2e server.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

STAGE_TIMES=()
# stage NAME CMD...: runs CMD, records how long it took, stops the script on failure.
stage() {
  local name="$1"; shift
  say "$name"
  local start=$SECONDS
  "$@" || die "stage failed: $name"
  STAGE_TIMES+=("$(printf '%-34s %4ds' "$name" $((SECONDS - start)))")
}
print_stage_times() {
  say "stage times"
  printf '  %s\n' "${STAGE_TIMES[@]}"
}

# wait_for_jobs PID:NAME...: waits for background installs, printing a line every 30 s so
# a long first start visibly moves; on a failure shows the end of that job's log.
wait_for_jobs() {
  [ "$#" -gt 0 ] || return 0
  local start=$SECONDS job pid name failed=""
  local pending=("$@")
  while [ "${#pending[@]}" -gt 0 ]; do
    local still=()
    for job in "${pending[@]}"; do
      pid="${job%%:*}"; name="${job#*:}"
      if kill -0 "$pid" 2>/dev/null; then still+=("$job"); continue; fi
      if wait "$pid"; then
        say "$name installed ($((SECONDS - start)) s)"
      else
        tail -n 30 "$ROOT/target/bootstrap/$name.log" >&2
        failed="$failed $name"
      fi
    done
    pending=("${still[@]}")
    [ "${#pending[@]}" -eq 0 ] && break
    for _ in $(seq 1 30); do
      sleep 1
      local alive=0
      for job in "${pending[@]}"; do kill -0 "${job%%:*}" 2>/dev/null && alive=1; done
      [ "$alive" = 1 ] || break
    done
    local names=""; for job in "${pending[@]}"; do names="$names ${job#*:}"; done
    printf '    still compiling:%s (%d min %02d s so far)\n' "$names" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60))
  done
  [ -z "$failed" ] || die "could not install:$failed (logs in target/bootstrap/)"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# start_server ADDR DATA_DIR [EMULATOR_ADDR]: runs the release binary the way a deployment
# does (outside cargo-leptos, LEPTOS_* from the environment) in local mode, with its Paddle
# emulator on EMULATOR_ADDR (default: any free port), and waits until it is ready.
start_server() {
  local addr="$1" data="$2" emulator="${3:-127.0.0.1:0}"
  local bin="$ROOT/target/release/paddock"
  [ -x "$bin" ] || die "no release build at $bin (run: make release)"
  mkdir -p "$data"
  LEPTOS_SITE_ADDR="$addr" LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_OUTPUT_NAME=paddock \
    PADDOCK_DATA_DIR="$data" PADDLE_EMULATOR_ADDR="$emulator" RUST_LOG="${RUST_LOG:-info}" \
    "$bin" serve >"$data/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://$addr/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$data/server.log"; die "server exited during start-up"; }
    sleep 0.2
  done
  cat "$data/server.log"; die "server not ready on $addr after 20 s"
}
stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

// What both benchmarks share: a keep-alive HTTP client, the release server on free
// loopback ports, and a closed-loop load runner. Node built-ins only.
import { spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, rmSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// BENCH_BIN: another build of the server to measure (say, an older commit's), same flags.
const BIN = process.env.BENCH_BIN ?? path.join(ROOT, 'target/release/paddock');
// Concurrent clients: BENCH_CONCURRENCY, else the benchmark's own default; at most 64.
export let C = 16;
export function clients(byDefault) {
  C = Math.min(Number(process.env.BENCH_CONCURRENCY ?? byDefault), 64);
  return C;
}
// Each path of a comparison runs for the same time in each round (BENCH_PHASE_MS), long
// enough that a phase's start and drain are a small part of it: in phases of a fixed
// count, the faster path (/healthz, the direct emulator call) ran for tens to hundreds of
// milliseconds and was measured slow. The paths alternate for BENCH_ROUNDS rounds.
export const PHASE_MS = Math.max(100, Math.min(Number(process.env.BENCH_PHASE_MS ?? 1000), 10_000));
export const ROUNDS = Math.max(1, Math.min(Number(process.env.BENCH_ROUNDS ?? 3), 10));
export const API_KEY = 'pdl_sdbx_apikey_01localpaddleemulator00000_LocalEmulatorNotSecret';
const PHASE_LIMIT_MS = 120_000;

const freePort = () => new Promise((resolve, reject) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => resolve(port));
  }).on('error', reject);
});

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
export function request(port, method, pathname, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${pathname}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

// The release server on free ports, local mode, RUST_LOG=warn, plus `env`; `wrap`: a
// command line to run it under (valgrind's, for bench/instructions.mjs).
export async function startServer(env = {}, wrap = []) {
  const data = mkdtempSync(path.join(os.tmpdir(), 'paddock-bench-'));
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const log = openSync(path.join(data, 'server.log'), 'w');
  const all = {
    PATH: process.env.PATH, RUST_LOG: 'warn', PADDOCK_DATA_DIR: data,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: path.join(ROOT, 'target/site'),
    LEPTOS_OUTPUT_NAME: 'paddock', PADDLE_EMULATOR_ADDR: `127.0.0.1:${emulatorPort}`, ...env,
  };
  const [cmd, ...args] = [...wrap, BIN, 'serve'];
  const child = spawn(cmd, args, { env: all, stdio: ['ignore', log, log] });
  const started = Date.now();
  const deadline = started + (wrap.length > 0 ? 300_000 : 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited; see ${data}/server.log`);
    try { if ((await request(port, 'GET', '/readyz')).status === 200) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill('SIGTERM'); throw new Error(`server not ready in ${(deadline - started) / 1000} s`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    rmSync(data, { recursive: true, force: true });
  };
  return { port, emulatorPort, pid: child.pid, stop };
}

// The `p`th percentile of `sorted` (ascending); NaN for none.
const percentile = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function summary(latencies, failed, started) {
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    done: latencies.length, failed, secs, perSec: latencies.length / secs,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), latencies,
  };
}

// Runs `count` requests with C clients, each sending its next as soon as the last is
// answered, for at most `ms`; a status other than `ok` counts as failed.
export async function load(count, send, ok = 200, ms = PHASE_LIMIT_MS) {
  const latencies = [];
  let next = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  const limit = Date.now() + Math.min(ms, PHASE_LIMIT_MS);
  const worker = async () => {
    while (next < count && Date.now() < limit) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const res = await send(i);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: C }, worker));
  return summary(latencies, failed, started);
}

// The same, paced: C clients share `perSec` requests a second on a fixed schedule (a
// client that falls behind sends at once). Below saturation, latency is the path's own
// cost rather than the queue in front of the cores.
export async function paced(count, perSec, send, ok = 200) {
  const latencies = [];
  let failed = 0;
  const t0 = Date.now() + 50;
  const started = process.hrtime.bigint();
  const worker = async (k) => {
    for (let j = k; j < count; j += C) {
      const wait = t0 + (j * 1000) / perSec - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const start = process.hrtime.bigint();
      const res = await send(j);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (res.status !== ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: C }, (_, k) => worker(k)));
  return summary(latencies, failed, started);
}

export const fmt = (r) => `${r.perSec.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (${r.done} done, ${r.failed} failed)`;

// CPU time (ns) used so far by every thread of the processes `pids` (Linux schedstat; 0
// where there is none). Throughput is capped by this one-threaded client; CPU per request
// is what a request costs the server, however fast the client is.
export function cpuNs(pids) {
  let total = 0;
  for (const pid of pids) {
    let tasks = [];
    try { tasks = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const t of tasks) {
      try { total += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { /* gone */ }
    }
  }
  return total;
}

// The local Postgres server's processes (its connections' backends among them).
export function postgresPids() {
  return readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p)).filter((p) => {
    try { return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'postgres'; } catch { return false; }
  });
}

// Two halves of one measurement as one: counts add up, the rate is over their total time,
// the percentiles are those of every request of both, CPU per request is weighted by each
// half's count.
export const merge = (x, y) => {
  const n = x.done + y.done;
  const weighted = (k) => (x[k] === undefined ? undefined : (x[k] * x.done + y[k] * y.done) / n);
  const latencies = x.latencies.concat(y.latencies).sort((a, b) => a - b);
  const secs = x.secs + y.secs;
  return {
    done: n, failed: x.failed + y.failed, secs,
    perSec: n / secs,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), latencies,
    cpuUs: weighted('cpuUs'), clientUs: weighted('clientUs'),
  };
};

// `load`, plus the CPU per request of the processes `pids()` (asked before and after,
// so processes started meanwhile count) and of this client.
export async function timed(count, send, ok, pids, ms = PHASE_LIMIT_MS) {
  const [before, own] = [cpuNs(pids()), process.cpuUsage()];
  const r = await load(count, send, ok, ms);
  const { user, system } = process.cpuUsage(own);
  const n = Math.max(1, r.done);
  return { ...r, cpuUs: (cpuNs(pids()) - before) / 1000 / n, clientUs: (user + system) / n };
}

// ROUNDS rounds of the phase `base()` then the phase `path()` (each should run for
// PHASE_MS), so that drift on a noisy machine hits both alike. Each side merged over the
// rounds, their throughput ratio path/base, and each round's ratio.
export async function alternate(base, path) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push({ base: await base(), path: await path() });
  const b = rounds.map((x) => x.base).reduce(merge);
  const p = rounds.map((x) => x.path).reduce(merge);
  const each = rounds.map((x) => (x.path.perSec / x.base.perSec).toFixed(3)).join(', ');
  const empty = rounds.filter((x) => x.base.done === 0 || x.path.done === 0).length;
  return { base: b, path: p, ratio: p.perSec / b.perSec, each, empty };
}

// The most `path` could reach if every CPU of this machine did nothing but its requests:
// the CPUs over what one request cost, this client and the server together (`timed`'s
// figures). Against `base`'s measured rate, the ratio's ceiling on this machine at this
// CPU per request; `reached`: what share of that rate the path attained. A ratio short of
// its goal with `reached` near 1 needs less CPU per request; with `reached` well below 1,
// cores went idle (requests waiting on one another, a disk, or one thread), or the host
// of a shared machine ran something else on them (steal time).
export function ceiling(base, path) {
  const perSec = (os.cpus().length * 1e6) / (path.clientUs + path.cpuUs);
  return { perSec, ratio: perSec / base.perSec, reached: path.perSec / perSec };
}
export const fmtCeiling = (c) => `${c.ratio.toFixed(3)} (${c.perSec.toFixed(0)}/s with every CPU busy; this run reached ${(100 * c.reached).toFixed(0)} % of it)`;

// The disk's flush: the median of `n` fdatasyncs, each after a 4 KiB write, of a file in a
// fresh folder under `dir` (ms). What a commit that must be on disk before it is answered
// waits for at least once (SQLite's `synchronous = FULL`, Postgres's WAL flush); a client
// that waits for its commit sends at most 1 / flush requests a second, whatever the CPU.
export function flushMs(dir = os.tmpdir(), n = 200) {
  const folder = mkdtempSync(path.join(dir, 'paddock-flush-'));
  const fd = openSync(path.join(folder, 'probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < n; i++) {
      writeSync(fd, page, 0, page.length, (i % 64) * page.length);
      const t0 = process.hrtime.bigint();
      fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(folder, { recursive: true, force: true });
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

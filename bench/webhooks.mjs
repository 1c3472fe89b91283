// Webhook throughput of the release server, against GET /healthz on the same server as a
// baseline. Node built-ins only; loopback only; bounded in count and time.
//
//   node bench/webhooks.mjs            (bench/run.sh webhooks builds what is missing first)
//   BENCH_PHASE_MS=1000 BENCH_ROUNDS=3 BENCH_CONCURRENCY=64 BENCH_POSTGRES_URL=postgres://… node bench/webhooks.mjs
//
// Each backend is measured at two loads (LOADS): 16 concurrent deliveries (the load of the
// figures issue 18 started from) and 64 (a burst; 64 is also the most one batch takes).
// Stored events share a commit (`db::batcher`), so the more deliveries wait at once, the
// less each one costs: a figure at 16 alone would hide what the app sustains in a burst,
// one at 64 alone what a delivery waits under a lighter load. BENCH_CONCURRENCY measures
// one load only. Each backend and load is measured by a fresh Node process of its own
// (`node bench/webhooks.mjs sqlite|postgres`), so that all start from the same client: run
// in one process, the second backend's /healthz baseline came out 1.3 to 1.7 times faster
// than the first's on the same server code, the client having run the first backend's
// thousands of requests. Those processes get 64 MB semi-spaces (CLIENT_FLAGS): with
// Node's default young generation, the client stopped for a 5 ms scavenge about every
// 60 ms at 64 clients, every request in flight waited through it, and p99 was the
// client's (even /healthz's was 16-21 ms).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';

import { event, templates, webhookSecret } from './events.mjs';
import { PHASE_MS, ROUNDS, agent, alternate, ceiling, clients, flushMs, fmt, fmtCeiling, load, postgresPids, request, startServer, timed } from './lib.mjs';

// Signed events built before the clock starts: more than the webhook phases can send.
const N = Math.max(1000, Math.min(Number(process.env.BENCH_EVENTS ?? 60_000), 100_000));
const LOADS = [16, 64];
const CLIENT_FLAGS = ['--max-semi-space-size=64'];
const C = clients(LOADS[0]);
const SECRET = webhookSecret();

async function bench(backend, databaseUrl) {
  const name = `${backend}/${C}`;
  const env = { PADDLE_WEBHOOK_SECRETS: SECRET, PADDLE_WEBHOOK_TOLERANCE_SECS: '300' };
  const server = await startServer(databaseUrl ? { ...env, DATABASE_URL: databaseUrl } : env);
  try {
    const tpl = await templates(server.emulatorPort);
    const run = randomBytes(3).toString('hex');
    // Built, signed and encoded before the clock starts, so the figure is the server's
    // work, not this client's JSON, HMAC and UTF-8 (the server's tolerance is raised to
    // cover the run).
    const WARM = 400;
    const events = Array.from({ length: N + WARM }, (_, i) => event(tpl, run, i, SECRET));
    const health = () => request(server.port, 'GET', '/healthz');
    // CPU per request: the app's threads, and Postgres's processes if used; the client's.
    const pids = () => (databaseUrl ? [server.pid, ...postgresPids()] : [server.pid]);
    const hook = (offset) => (i) => {
      const e = events[offset + i];
      return request(server.port, 'POST', '/webhooks/paddle', e.body, e.headers);
    };
    // Both paths warm (this client's JIT and the server's pools) before any clock runs,
    // and the phases alternate, so that neither path is measured cold or on a quieter
    // stretch of a noisy machine than the other.
    await load(10_000, health);
    await load(WARM, hook(N));
    // Rounds of a /healthz phase then a webhook phase, each as long as the other: each
    // round's ratio is printed, so one run shows how much this machine drifted meanwhile.
    let sent = 0;
    const webhooks = async () => {
      const w = await timed(N - sent, hook(sent), 200, pids, PHASE_MS);
      sent += w.done;
      return w;
    };
    const { base: healthAll, path: hooks, ratio, each, empty } = await alternate(() => timed(Infinity, health, 200, pids, PHASE_MS), webhooks);
    if (sent >= N) console.log(`${name.padEnd(11)} all ${N} events were sent before the phases ended: raise BENCH_EVENTS`);
    console.log(`${name.padEnd(11)} healthz   ${fmt(healthAll)}`);
    console.log(`${name.padEnd(11)} webhooks  ${fmt(hooks)}`);
    console.log(`${name.padEnd(11)} ratio webhooks/healthz: ${ratio.toFixed(3)} (rounds: ${each})`);
    if (empty > 0) console.log(`${name.padEnd(11)} ${empty} of ${ROUNDS} rounds had a phase in which no request was answered (its ratio above is meaningless); the run fails`);
    const db = databaseUrl ? ' + Postgres' : '';
    console.log(`${name.padEnd(11)} server CPU per request (app${db}): healthz ${healthAll.cpuUs.toFixed(0)} µs, webhook ${hooks.cpuUs.toFixed(0)} µs`);
    console.log(`${name.padEnd(11)} client CPU per request (this Node process): healthz ${healthAll.clientUs.toFixed(0)} µs, webhook ${hooks.clientUs.toFixed(0)} µs`);
    console.log(`${name.padEnd(11)} ceiling of the ratio at this CPU per webhook: ${fmtCeiling(ceiling(healthAll, hooks))}`);
    // Each delivery is answered after its batch's commit, which waits for the disk: each
    // client then sends at most one a flush, however many share the commit.
    const flush = flushMs();
    const byDisk = (C * 1000) / flush;
    console.log(`${name.padEnd(11)} ceiling of the ratio at this disk's flush: ${(byDisk / healthAll.perSec).toFixed(3)} (fdatasync of 4 KiB in ${os.tmpdir()}, median ${flush.toFixed(2)} ms: ${C} clients waiting for one each get at most ${byDisk.toFixed(0)}/s)`);
    return hooks.failed + healthAll.failed + empty;
  } finally {
    await server.stop();
  }
}

// Postgres: a scratch database on the server of BENCH_POSTGRES_URL or TEST_POSTGRES_URL.
function scratchPostgres(adminUrl) {
  const name = `paddock_bench_${process.pid}`;
  execFileSync('psql', [adminUrl, '-qc', `CREATE DATABASE ${name}`], { stdio: 'ignore' });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = () => execFileSync('psql', [adminUrl, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore' });
  return { url: url.toString(), drop };
}

const pgAdmin = process.env.BENCH_POSTGRES_URL || process.env.TEST_POSTGRES_URL;
const backend = process.argv[2];
const self = new URL(import.meta.url).pathname;
// A one-backend run started by hand gets the client flags too, so that it measures what
// `make bench` measures; a semi-space size given to Node (its command line or
// NODE_OPTIONS, either spelling) is kept.
const SEMI_SPACE = /--max[-_]semi[-_]space[-_]size/;
const sized = process.execArgv.some((a) => SEMI_SPACE.test(a)) || SEMI_SPACE.test(process.env.NODE_OPTIONS ?? '');
if (backend !== undefined && !sized) {
  const again = spawnSync(process.execPath, [...process.execArgv, ...CLIENT_FLAGS, self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}
let bad = 0;
if (backend === 'sqlite') {
  bad = await bench('sqlite', undefined);
} else if (backend === 'postgres') {
  if (!pgAdmin) throw new Error('the postgres backend needs BENCH_POSTGRES_URL or TEST_POSTGRES_URL');
  const pg = scratchPostgres(pgAdmin);
  try { bad = await bench('postgres', pg.url); } finally { pg.drop(); }
} else if (backend === undefined) {
  const loads = process.env.BENCH_CONCURRENCY ? [C] : LOADS;
  console.log(`paddock release build, loopback, ${ROUNDS} rounds of a ${PHASE_MS} ms phase per path, ${loads.join(' then ')} concurrent clients, RUST_LOG=warn, ${os.cpus().length} CPUs, one client process (${CLIENT_FLAGS.join(' ')}) per backend and load`);
  const run = (name, concurrency) => {
    const env = { ...process.env, BENCH_CONCURRENCY: String(concurrency) };
    return spawnSync(process.execPath, [...CLIENT_FLAGS, self, name], { stdio: 'inherit', env }).status === 0 ? 0 : 1;
  };
  for (const concurrency of loads) {
    bad += run('sqlite', concurrency);
    if (pgAdmin) bad += run('postgres', concurrency);
  }
  if (!pgAdmin) console.log('postgres: skipped (set BENCH_POSTGRES_URL or TEST_POSTGRES_URL)');
} else {
  throw new Error(`unknown backend ${backend}: sqlite or postgres`);
}
agent.destroy();
process.exit(bad === 0 ? 0 : 1);

// Webhook throughput of the release server, against GET /healthz on the same server as a
// baseline. Node built-ins only; loopback only; bounded in count and time.
//
//   node bench/webhooks.mjs            (bench/webhooks.sh builds what is missing first)
//   BENCH_EVENTS=2000 BENCH_CONCURRENCY=16 BENCH_POSTGRES_URL=postgres://… node bench/webhooks.mjs
import { spawn, execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, openSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, 'target/release/paddock');
const N = Math.min(Number(process.env.BENCH_EVENTS ?? 2000), 20000);
const C = Math.min(Number(process.env.BENCH_CONCURRENCY ?? 16), 64);
const PHASE_LIMIT_MS = 120_000;
const SECRET = `pdl_ntfset_${randomBytes(13).toString('hex')}_${randomBytes(16).toString('hex')}`;
const API_KEY = 'pdl_sdbx_apikey_01localpaddleemulator00000_LocalEmulatorNotSecret';

const freePort = () => new Promise((resolve, reject) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => resolve(port));
  }).on('error', reject);
});

const agent = new http.Agent({ keepAlive: true, maxSockets: C });
function request(port, method, pathname, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${pathname}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function startServer(databaseUrl) {
  const data = mkdtempSync(path.join(os.tmpdir(), 'paddock-bench-'));
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const log = openSync(path.join(data, 'server.log'), 'w');
  const env = {
    PATH: process.env.PATH, RUST_LOG: 'warn', PADDOCK_DATA_DIR: data,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: path.join(ROOT, 'target/site'),
    LEPTOS_OUTPUT_NAME: 'paddock', PADDLE_EMULATOR_ADDR: `127.0.0.1:${emulatorPort}`,
    PADDLE_WEBHOOK_SECRETS: SECRET,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const child = spawn(BIN, ['serve'], { env, stdio: ['ignore', log, log] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited; see ${data}/server.log`);
    try { if ((await request(port, 'GET', '/readyz')).status === 200) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill('SIGTERM'); throw new Error('server not ready in 30 s'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    rmSync(data, { recursive: true, force: true });
  };
  return { port, emulatorPort, stop };
}

// Real entities from the server's own emulator, used as templates with fresh ids.
async function templates(emulatorPort) {
  const json = { 'content-type': 'application/json' };
  const checkout = await request(emulatorPort, 'POST', '/_emulator/checkout', JSON.stringify({ email: 'bench@example.com' }), json);
  if (checkout.status !== 201) throw new Error(`emulator checkout: HTTP ${checkout.status}`);
  const { customer_id, subscription_id } = JSON.parse(checkout.body);
  const auth = { authorization: `Bearer ${API_KEY}` };
  const customer = JSON.parse((await request(emulatorPort, 'GET', `/customers/${customer_id}`, undefined, auth)).body).data;
  const subscription = JSON.parse((await request(emulatorPort, 'GET', `/subscriptions/${subscription_id}`, undefined, auth)).body).data;
  delete subscription.management_urls;
  return { customer, subscription };
}

const id26 = (run, i) => `${run}${String(i).padStart(20, '0')}`.slice(-26);
function event(tpl, run, i) {
  const customerId = `ctm_${id26(run, i >> 1)}`;
  const data = i % 2 === 0
    ? { ...tpl.customer, id: customerId, email: `bench${run}.${i}@example.com` }
    : { ...tpl.subscription, id: `sub_${id26(run, i)}`, customer_id: customerId };
  const body = JSON.stringify({
    event_id: `evt_${id26(run, i)}`, notification_id: `ntf_${id26(run, i)}`,
    event_type: i % 2 === 0 ? 'customer.created' : 'subscription.created',
    occurred_at: new Date().toISOString().replace('Z', '000Z'), data,
  });
  const ts = Math.floor(Date.now() / 1000);
  const h1 = createHmac('sha256', SECRET).update(`${ts}:${body}`).digest('hex');
  return { body, headers: { 'content-type': 'application/json', 'paddle-signature': `ts=${ts};h1=${h1}` } };
}

// Runs `count` requests with C clients; returns throughput and latency percentiles (ms).
async function load(count, send) {
  const latencies = [];
  let next = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  const limit = Date.now() + PHASE_LIMIT_MS;
  const worker = async () => {
    while (next < count && Date.now() < limit) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const res = await send(i);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: C }, worker));
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { done: latencies.length, failed, perSec: latencies.length / secs, p50: pct(50), p99: pct(99) };
}

const fmt = (r) => `${r.perSec.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (${r.done} done, ${r.failed} failed)`;

async function bench(name, databaseUrl) {
  const server = await startServer(databaseUrl);
  try {
    const tpl = await templates(server.emulatorPort);
    await load(200, () => request(server.port, 'GET', '/healthz')); // warm-up
    const health = await load(N, () => request(server.port, 'GET', '/healthz'));
    const run = randomBytes(3).toString('hex');
    const hooks = await load(N, (i) => { const e = event(tpl, run, i); return request(server.port, 'POST', '/webhooks/paddle', e.body, e.headers); });
    console.log(`${name.padEnd(8)} healthz   ${fmt(health)}`);
    console.log(`${name.padEnd(8)} webhooks  ${fmt(hooks)}`);
    console.log(`${name.padEnd(8)} ratio webhooks/healthz: ${(hooks.perSec / health.perSec).toFixed(3)}`);
    return hooks.failed + health.failed + (N - hooks.done) + (N - health.done);
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

console.log(`paddock release build, loopback, ${N} requests per phase, ${C} concurrent clients, RUST_LOG=warn, ${os.cpus().length} CPUs`);
let bad = await bench('sqlite', undefined);
const pgAdmin = process.env.BENCH_POSTGRES_URL || process.env.TEST_POSTGRES_URL;
if (pgAdmin) {
  const pg = scratchPostgres(pgAdmin);
  try { bad += await bench('postgres', pg.url); } finally { pg.drop(); }
} else {
  console.log('postgres: skipped (set BENCH_POSTGRES_URL or TEST_POSTGRES_URL)');
}
agent.destroy();
process.exit(bad === 0 ? 0 : 1);

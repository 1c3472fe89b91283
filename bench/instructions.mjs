// Instructions the release server executes per request, counted by valgrind's callgrind,
// for the paths `make bench` times: GET /healthz, a signed webhook (SQLite), a portal mint
// made directly on the embedded emulator and one through the app. On these shared 2-core
// machines two timed runs of one build can differ by a third; this count moves by about
// 1 %, so it shows a change of a few percent that the timed benches cannot. It is not a
// time: a cache miss, a system call or a wait for the disk costs no more here than an add,
// and requests run one thread at a time under valgrind, so batches hold fewer events.
//
//   bench/run.sh instructions     (needs valgrind: apt-get install valgrind)
//   BENCH_REQUESTS=2000 BENCH_CONCURRENCY=16 BENCH_BIN=… node bench/instructions.mjs
//
// Valgrind does not run the CPU's SHA instructions, so SHA-256 (the webhook signature
// check, the session's binding to the password) runs in software and costs many times what
// it does natively: each path's SHA-256 part is given apart, and the ratios leave it out.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { event, templates, webhookSecret } from './events.mjs';
import { agent, clients, load, request, startServer } from './lib.mjs';
import { directMint, subscriber } from './users.mjs';

const N = Math.max(100, Math.min(Number(process.env.BENCH_REQUESTS ?? 2000), 20_000));
const C = clients(16);
const USERS = 4;
const WARM = 300;

for (const tool of ['valgrind', 'callgrind_control', 'callgrind_annotate']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) {
    console.error(`bench/instructions.mjs needs ${tool} (Debian: apt-get install valgrind)`);
    process.exit(1);
  }
}

const out = mkdtempSync(path.join(os.tmpdir(), 'paddock-callgrind-'));
const secret = webhookSecret();
const server = await startServer(
  {
    PADDLE_WEBHOOK_SECRETS: secret,
    // Valgrind is slow: a signature may be a few seconds old when the server reads it.
    PADDLE_WEBHOOK_TOLERANCE_SECS: '300',
    PORTAL_MINTS_PER_MINUTE: '100000',
    SIGNUPS_PER_HOUR: '100000',
  },
  ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${path.join(out, 'callgrind.out')}`],
);
// callgrind_control's commands, sent to the server's process.
const control = (...args) => execFileSync('callgrind_control', [...args, String(server.pid)], { stdio: 'ignore' });

// The newest dump's total, and its SHA-256 compression function's part.
function lastDump() {
  const parts = readdirSync(out).filter((f) => /^callgrind\.out\.\d+$/.test(f));
  const file = path.join(out, parts.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).at(-1));
  const total = Number(/^summary: (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1]);
  const annotated = execFileSync('callgrind_annotate', [file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const sha = Number(/^\s*([\d,]+) .*sha256::compress256/m.exec(annotated)?.[1].replaceAll(',', '') ?? 0);
  return { total, sha };
}

let bad = 0;
// Counts `count` requests of `send`, with the counters zeroed before and dumped after.
async function count(name, send, ok) {
  control('-z');
  const r = await load(N, send, ok);
  control('-d');
  const { total, sha } = lastDump();
  if (r.failed > 0 || r.done !== N) bad++;
  const each = (x) => Math.round(x / Math.max(1, r.done));
  console.log(`${name.padEnd(24)} ${String(each(total)).padStart(8)} instructions per request  (${r.done} done, ${r.failed} failed)`);
  if (sha > 0) console.log(`${''.padEnd(24)} ${String(each(total - sha)).padStart(8)} without SHA-256 (${each(sha)} in software under valgrind)`);
  return { each: each(total - sha), sha: each(sha) };
}

try {
  const tpl = await templates(server.emulatorPort);
  const run = randomBytes(3).toString('hex');
  const users = [];
  for (let i = 0; i < USERS; i++) users.push(await subscriber(server, i));
  const health = () => request(server.port, 'GET', '/healthz');
  // Each event signed as it is sent: a run under valgrind can outlast the tolerance, and
  // the client's signing is not counted (callgrind counts the server only).
  const hook = (offset) => (i) => {
    const e = event(tpl, run, offset + i, secret);
    return request(server.port, 'POST', '/webhooks/paddle', e.body, e.headers);
  };
  const direct = (i) => directMint(server, users[i % USERS]);
  const viaApp = (i) => request(server.port, 'POST', '/api/portal/session', '', users[i % USERS].headers);
  // Warm (pools, caches, prepared statements) before valgrind starts counting, then a
  // little more with its instrumentation on.
  await load(200, health);
  await load(WARM - 50, hook(N));
  await load(100, direct, 201);
  await load(100, viaApp, 200);
  control('-i', 'on');
  await load(50, health);
  await load(50, hook(N + WARM - 50));
  await load(20, direct, 201);
  await load(20, viaApp, 200);
  console.log(`paddock release build under callgrind, SQLite, ${N} requests per path, ${C} concurrent clients`);
  const h = await count('GET /healthz', health, 200);
  const w = await count('webhook', hook(0), 200);
  const d = await count('mint, emulator direct', direct, 201);
  const a = await count('mint, through the app', viaApp, 200);
  console.log(`without SHA-256: webhook / healthz ${(w.each / h.each).toFixed(2)}; the app's own part of a mint ${a.each - d.each} instructions, the mint through the app ${(a.each / d.each).toFixed(2)} times the direct call`);
} finally {
  await server.stop();
  agent.destroy();
  rmSync(out, { recursive: true, force: true });
}
process.exit(bad === 0 ? 0 : 1);

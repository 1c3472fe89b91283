// Portal mints through the app against the same mints made directly on the emulator, in
// one run: `POST /api/portal/session` with signed-in users (auth, mirror lookups, the
// Paddle call, the allowlist, the audit row) versus `POST /customers/{id}/portal-sessions`
// on the app's embedded emulator. The difference at p50 is what the app adds.
// Node built-ins only; loopback only; bounded in count and time.
//
//   node bench/portal.mjs          (bench/run.sh portal builds what is missing first)
//   BENCH_PHASE_MS=1000 BENCH_ROUNDS=3 BENCH_MINTS=2000 BENCH_CONCURRENCY=32 node bench/portal.mjs
import os from 'node:os';

import { PHASE_MS, ROUNDS, agent, alternate, ceiling, clients, fmt, fmtCeiling, load, merge, paced, request, startServer, timed } from './lib.mjs';
import { directMint, subscriber } from './users.mjs';

// Mints per paced phase pair; the saturated phases run for BENCH_PHASE_MS each, in
// BENCH_ROUNDS rounds.
const N = Math.min(Number(process.env.BENCH_MINTS ?? 2000), 20000);
const C = clients(32);
const USERS = C;
const BUDGET_MS = 2; // the bound on what the app may add at p50
console.log(`paddock release build, SQLite, loopback, ${N} mints per paced phase pair, ${C} concurrent clients, ${USERS} signed-in users, RUST_LOG=warn, ${os.cpus().length} CPUs`);
// The limits would otherwise stop a benchmark, which is what they are for.
const server = await startServer({ PORTAL_MINTS_PER_MINUTE: '100000', SIGNUPS_PER_HOUR: '100000' });
let code = 1;
try {
  const users = [];
  for (let i = 0; i < USERS; i++) users.push(await subscriber(server, i));
  const direct = (i) => directMint(server, users[i % USERS]);
  const viaApp = (i) => request(server.port, 'POST', '/api/portal/session', '', users[i % USERS].headers);
  await load(200, direct, 201); // warm-up, both paths
  await load(200, viaApp, 200);
  // Saturated: rounds of equal-time phases, alternated so that drift on a noisy machine
  // hits both paths alike (a phase of a fixed count lasts as long as its path is slow, and
  // a short one measures its own start and drain).
  const half = Math.floor(N / 2);
  // CPU per mint: the server process (app and embedded emulator) and this client.
  const pids = () => [server.pid];
  const phase = (send, ok) => () => timed(Infinity, send, ok, pids, PHASE_MS);
  const { base: d, path: a, ratio, each, empty } = await alternate(phase(direct, 201), phase(viaApp, 200));
  console.log(`saturated: ${C} clients, each sending its next mint as soon as the last is answered, ${ROUNDS} rounds of a ${PHASE_MS} ms phase per path`);
  console.log(`  emulator direct  ${fmt(d)}`);
  console.log(`  through the app  ${fmt(a)}`);
  console.log(`  ratio app/direct throughput: ${ratio.toFixed(3)} (rounds: ${each})`);
  if (empty > 0) console.log(`  ${empty} of ${ROUNDS} rounds had a phase in which no mint was answered (its ratio above is meaningless); the run fails`);
  console.log(`  server CPU per mint (one process: app + emulator): direct ${d.cpuUs.toFixed(0)} µs, through the app ${a.cpuUs.toFixed(0)} µs (the app's own: ${(a.cpuUs - d.cpuUs).toFixed(0)} µs)`);
  console.log(`  client CPU per mint (this Node process): direct ${d.clientUs.toFixed(0)} µs, through the app ${a.clientUs.toFixed(0)} µs`);
  console.log(`  ceiling of the ratio at this CPU per mint: ${fmtCeiling(ceiling(d, a))}`);
  console.log(`  p50 difference: ${(a.p50 - d.p50).toFixed(2)} ms (at saturation p50 ≈ ${C} / throughput: the app's path holds the direct call plus its own work)`);
  // Paced at half of what the app sustained, the same rate for both paths.
  const rate = Math.max(50, Math.floor(a.perSec / 2));
  const pd1 = await paced(half, rate, direct, 201);
  const pa1 = await paced(half, rate, viaApp, 200);
  const pd2 = await paced(N - half, rate, direct, 201);
  const pa2 = await paced(N - half, rate, viaApp, 200);
  const pd = merge(pd1, pd2);
  const pa = merge(pa1, pa2);
  const added = pa.p50 - pd.p50;
  console.log(`paced: ${C} clients sharing ${rate} mints/s (half the app's saturated throughput), both paths`);
  console.log(`  emulator direct  ${fmt(pd)}`);
  console.log(`  through the app  ${fmt(pa)}`);
  console.log(`  app adds at p50: ${added.toFixed(2)} ms (budget < ${BUDGET_MS} ms): ${added < BUDGET_MS ? 'within' : 'OVER'}`);
  const all = [d, a, pd, pa];
  code = all.every((r) => r.failed === 0) && empty === 0 && pd.done === N && pa.done === N && added < BUDGET_MS ? 0 : 1;
} finally {
  await server.stop();
  agent.destroy();
}
process.exit(code);

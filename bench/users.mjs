// Signed-in subscribers for the benchmarks: each signs up, verifies through the app's
// local outbox, logs in, buys on the embedded emulator and waits until the mirror lets
// it mint. Node built-ins only.
import { API_KEY, request } from './lib.mjs';

const PASSWORD = 'correct horse battery';

const form = (fields) => new URLSearchParams(fields).toString();

// A verified, signed-in user with a customer and one subscription in the mirror:
// sign-up, the link from the local outbox, log-in, the emulator's checkout.
export async function subscriber(server, i) {
  const origin = `http://127.0.0.1:${server.port}`;
  const post = (p, fields, extra = {}) => request(server.port, 'POST', p, form(fields), {
    'content-type': 'application/x-www-form-urlencoded', origin, ...extra,
  });
  const email = `bench-${process.pid}-${i}@example.com`;
  const signup = await post('/api/auth/signup', { email, password: PASSWORD });
  if (signup.status !== 200 && signup.status !== 303) throw new Error(`sign-up ${email}: HTTP ${signup.status}`);
  const outbox = (await request(server.port, 'GET', '/dev/mail')).body;
  const item = outbox.split('<li').find((li) => li.includes(email));
  const token = item?.match(/verify-email\?token=([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no verification link for ${email}`);
  await post('/api/auth/verify-email', { token, password: PASSWORD });
  const login = await post('/api/auth/login', { email, password: PASSWORD });
  const cookie = (login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  if (!cookie) throw new Error(`log-in ${email}: HTTP ${login.status}, no session cookie`);
  const bought = await request(server.emulatorPort, 'POST', '/_emulator/checkout',
    JSON.stringify({ email }), { 'content-type': 'application/json' });
  if (bought.status !== 201) throw new Error(`checkout ${email}: HTTP ${bought.status}`);
  const { customer_id, subscription_id } = JSON.parse(bought.body);
  const headers = { origin, cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  // The webhooks are asynchronous: wait until the mirror lets this user mint.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await request(server.port, 'POST', '/api/portal/session', '', headers);
    if (res.status === 200) break;
    if (Date.now() > deadline) throw new Error(`${email}: no mint after 10 s (HTTP ${res.status} ${res.body})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { headers, customer_id, subscription_id };
}

// One portal mint for `user` made directly on the server's embedded emulator, as the app
// makes it: the baseline the app's own mint is measured against.
export function directMint(server, user) {
  return request(server.emulatorPort, 'POST', `/customers/${user.customer_id}/portal-sessions`,
    JSON.stringify({ subscription_ids: [user.subscription_id] }),
    { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'paddle-version': '1' });
}

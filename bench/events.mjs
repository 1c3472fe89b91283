// Signed Paddle webhook events for the benchmarks: real entities from the server's own
// emulator as templates, with fresh ids. Node built-ins only.
import { createHmac, randomBytes } from 'node:crypto';

import { API_KEY, request } from './lib.mjs';

// A fresh notification-destination secret, in Paddle's shape.
export const webhookSecret = () => `pdl_ntfset_${randomBytes(13).toString('hex')}_${randomBytes(16).toString('hex')}`;

// Real entities from the server's own emulator, used as templates with fresh ids.
export async function templates(emulatorPort) {
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
export function event(tpl, run, i, secret) {
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
  const h1 = createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex');
  // As bytes, with their length: what goes on the wire is ready before the clock starts.
  const bytes = Buffer.from(body);
  const headers = {
    'content-type': 'application/json', 'content-length': String(bytes.length),
    'paddle-signature': `ts=${ts};h1=${h1}`,
  };
  return { body: bytes, headers };
}

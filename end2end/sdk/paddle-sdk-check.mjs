// Checks the Paddle emulator with Paddle's official Node SDK (@paddle/paddle-node-sdk).
//
//   node sdk/paddle-sdk-check.mjs <emulator base URL> <API key>
//   (or PADDLE_EMULATOR_URL and PADDLE_API_KEY)
//
// The SDK treats an `environment` that is neither "sandbox" nor "production" as the
// base URL itself (internal/api/client.js: `API_ENVIRONMENT_TO_BASE_URL_MAP[env] || env`)
// and appends paths such as "/customers/…" to it, so the URL must have no trailing slash.
//
// Prints one line per check and exits non-zero if any fails. Never prints portal links.

import http from "node:http";
import { randomBytes } from "node:crypto";
import { Paddle } from "@paddle/paddle-node-sdk";

const baseUrl = (process.argv[2] ?? process.env.PADDLE_EMULATOR_URL ?? "").replace(/\/+$/, "");
const apiKey = process.argv[3] ?? process.env.PADDLE_API_KEY ?? "";
if (!baseUrl || !apiKey) {
  console.error("usage: node paddle-sdk-check.mjs <emulator base URL> <API key>");
  process.exit(2);
}

let failures = 0;
function check(name, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${!ok && detail ? ` (${detail})` : ""}`);
  if (!ok) failures += 1;
}

async function attempt(name, body) {
  try {
    const [ok, detail] = await body();
    check(name, ok, detail);
  } catch (error) {
    check(name, false, `${error?.constructor?.name}: ${error?.code ?? error?.message}`);
  }
}

async function control(path, body) {
  const response = await fetch(`${baseUrl}/_emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

// A webhook destination: keeps each delivery's raw body and signature header.
const deliveries = [];
const unmarshalled = [];
const server = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const found = {
      raw: Buffer.concat(chunks).toString("utf8"),
      signature: request.headers["paddle-signature"] ?? "",
    };
    deliveries.push(found);
    // The SDK refuses a signature older than 5 seconds: unmarshal each event on arrival.
    paddle.webhooks.unmarshal(found.raw, secret, found.signature).then(
      (event) => unmarshalled.push({ type: JSON.parse(found.raw).event_type, event }),
      (error) => unmarshalled.push({ type: JSON.parse(found.raw).event_type, error }),
    );
    response.writeHead(200).end();
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const hookUrl = `http://127.0.0.1:${server.address().port}/webhooks`;
const secret = `pdl_ntfset_01sdkcheck${randomBytes(12).toString("hex")}`;

async function delivery(predicate, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = deliveries.find((d) => predicate(JSON.parse(d.raw)));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("no matching webhook delivery arrived");
}

const paddle = new Paddle(apiKey, { environment: baseUrl });
let customerId = "";
let subscriptionId = "";

try {
  await attempt("register a webhook destination", async () => {
    const { status } = await control("destinations", { url: hookUrl, secret });
    return [status === 201, `HTTP ${status}`];
  });

  await attempt("checkout creates a customer and a subscription", async () => {
    const email = `sdk-check-${Date.now()}@example.com`;
    const { status, body } = await control("checkout", { email, name: "SDK Check" });
    customerId = body.customer_id ?? "";
    subscriptionId = body.subscription_id ?? "";
    return [status === 201 && customerId.startsWith("ctm_") && subscriptionId.startsWith("sub_"), `HTTP ${status}`];
  });

  await attempt("SDK creates a portal session with the subscription", async () => {
    const session = await paddle.customerPortalSessions.create(customerId, [subscriptionId]);
    const links = session.urls.subscriptions;
    const ok =
      /^cpls_[a-z0-9]{26}$/.test(session.id) &&
      session.customerId === customerId &&
      session.urls.general.overview.startsWith(`${baseUrl}/portal/cpl_`) &&
      links.length === 1 &&
      links[0].id === subscriptionId &&
      links[0].cancelSubscription.includes("action=cancel_subscription") &&
      links[0].updateSubscriptionPaymentMethod.includes("token=pga_");
    return [ok, "unexpected session shape"];
  });

  await attempt("SDK creates a portal session without subscriptions (body {})", async () => {
    const session = await paddle.customerPortalSessions.create(customerId);
    return [session.urls.subscriptions.length === 0 && session.id.startsWith("cpls_"), "not empty"];
  });

  await attempt("SDK reads the customer", async () => {
    const customer = await paddle.customers.get(customerId);
    const ok = customer.id === customerId && customer.email.startsWith("sdk-check-") && customer.status === "active";
    return [ok, "unexpected customer"];
  });

  await attempt("SDK reads the subscription with its items", async () => {
    const subscription = await paddle.subscriptions.get(subscriptionId);
    const item = subscription.items[0];
    const ok = subscription.status === "active" && item.price.id.startsWith("pri_") && item.product.name.length > 0;
    return [ok, "unexpected subscription"];
  });

  await attempt("SDK surfaces not_found for an unknown customer", async () => {
    try {
      await paddle.customers.get("ctm_01hv6y1jedq4p1n0yqn5ba3ky4");
      return [false, "no error"];
    } catch (error) {
      return [error.code === "not_found" && error.type === "request_error", error.code];
    }
  });

  await attempt("SDK surfaces invalid_token for a wrong key", async () => {
    const stranger = new Paddle("pdl_sdbx_apikey_01wrongwrongwrongwrongwrongw_WrongWrongWrongWrong00", { environment: baseUrl });
    try {
      await stranger.customers.get(customerId);
      return [false, "no error"];
    } catch (error) {
      return [error.code === "invalid_token", error.code];
    }
  });

  const created = await delivery((event) => event.event_type === "subscription.created");

  await attempt("webhooks.unmarshal accepts a delivered webhook", async () => {
    const event = await paddle.webhooks.unmarshal(created.raw, secret, created.signature);
    const ok = event.eventType === "subscription.created" && event.data.id === subscriptionId && event.eventId.startsWith("evt_");
    return [ok, "unexpected event"];
  });

  await attempt("subscription.created names the checkout's transaction, which the SDK reads", async () => {
    const transactionId = JSON.parse(created.raw).data.transaction_id ?? "";
    const checkout = await paddle.transactions.get(transactionId);
    const ok =
      checkout.origin === "web" &&
      checkout.status === "completed" &&
      checkout.subscriptionId === subscriptionId &&
      checkout.customerId === customerId;
    return [ok, `${transactionId}: ${checkout.origin} ${checkout.status}`];
  });

  await attempt("webhooks.unmarshal rejects a tampered body", async () => {
    const tampered = created.raw.replace(subscriptionId, "sub_01aaaaaaaaaaaaaaaaaaaaaaaa");
    try {
      await paddle.webhooks.unmarshal(tampered, secret, created.signature);
      return [false, "accepted"];
    } catch {
      return [tampered !== created.raw, "body unchanged"];
    }
  });

  await attempt("webhooks.unmarshal rejects another secret", async () => {
    try {
      await paddle.webhooks.unmarshal(created.raw, `${secret}x`, created.signature);
      return [false, "accepted"];
    } catch {
      return [true, ""];
    }
  });

  await attempt("the clock renews: SDK lists and reads the transaction", async () => {
    const { status, body } = await control("clock", { advance: "P1M", customer_id: customerId });
    const page = await paddle.transactions.list({ subscriptionId: [subscriptionId], origin: ["subscription_recurring"] }).next();
    const one = page.length === 1 ? await paddle.transactions.get(page[0].id) : null;
    const ok =
      status === 200 &&
      body.events === 7 &&
      one?.status === "completed" &&
      one?.origin === "subscription_recurring" &&
      one?.subscriptionId === subscriptionId &&
      one?.details?.totals?.total === one?.payments?.[0]?.amount;
    return [ok, `HTTP ${status}, ${page.length} transaction(s)`];
  });

  await attempt("webhooks.unmarshal accepts a renewal event dated on the emulated clock", async () => {
    const completed = await delivery(
      (event) => event.event_type === "transaction.completed" && event.data.origin === "subscription_recurring",
    );
    const event = await paddle.webhooks.unmarshal(completed.raw, secret, completed.signature);
    const ahead = new Date(event.occurredAt).getTime() - Date.now();
    const ok = event.eventType === "transaction.completed" && ahead > 20 * 86_400_000;
    return [ok, `occurred ${Math.round(ahead / 86_400_000)} days ahead`];
  });

  await attempt("SDK schedules a pause for the period's end", async () => {
    const paused = await paddle.subscriptions.pause(subscriptionId, { effectiveFrom: "next_billing_period" });
    const ok = paused.status === "active" && paused.scheduledChange?.action === "pause";
    return [ok, `status ${paused.status}`];
  });

  await attempt("SDK undoes the scheduled pause (PATCH scheduled_change: null)", async () => {
    const updated = await paddle.subscriptions.update(subscriptionId, { scheduledChange: null });
    return [updated.status === "active" && updated.scheduledChange === null, `scheduled ${updated.scheduledChange?.action}`];
  });

  await attempt("SDK pauses now, then resumes now", async () => {
    const paused = await paddle.subscriptions.pause(subscriptionId, { effectiveFrom: "immediately" });
    const resumed = await paddle.subscriptions.resume(subscriptionId, { effectiveFrom: "immediately" });
    const ok = paused.status === "paused" && resumed.status === "active" && resumed.pausedAt === null;
    return [ok, `${paused.status} then ${resumed.status}`];
  });

  await attempt("SDK changes the plan (items with proration_billing_mode)", async () => {
    const basic = "pri_01emulator00000000000basic";
    const updated = await paddle.subscriptions.update(subscriptionId, {
      items: [{ priceId: basic, quantity: 1 }],
      prorationBillingMode: "prorated_next_billing_period",
    });
    return [updated.items[0].price.id === basic, updated.items[0].price.id];
  });

  await attempt("SDK cancels at the period's end, then immediately", async () => {
    const scheduled = await paddle.subscriptions.cancel(subscriptionId, { effectiveFrom: "next_billing_period" });
    const canceled = await paddle.subscriptions.cancel(subscriptionId, { effectiveFrom: "immediately" });
    const ok = scheduled.scheduledChange?.action === "cancel" && canceled.status === "canceled";
    return [ok, `${scheduled.scheduledChange?.action}, ${canceled.status}`];
  });

  await attempt("SDK surfaces subscription_is_canceled_action_invalid", async () => {
    try {
      await paddle.subscriptions.pause(subscriptionId, { effectiveFrom: "immediately" });
      return [false, "no error"];
    } catch (error) {
      return [error.code === "subscription_is_canceled_action_invalid", error.code];
    }
  });

  await attempt("SDK creates and updates a customer; a second create is customer_already_exists", async () => {
    const email = `sdk-check-new-${Date.now()}@example.com`;
    const created = await paddle.customers.create({ email, name: "New", customData: { source: "sdk-check" } });
    const updated = await paddle.customers.update(created.id, { name: "Renamed" });
    let conflict = "";
    try {
      await paddle.customers.create({ email });
    } catch (error) {
      conflict = error.code;
    }
    const ok = created.id.startsWith("ctm_") && updated.name === "Renamed" && conflict === "customer_already_exists";
    return [ok, `conflict: ${conflict}`];
  });

  await attempt("SDK lists transactions, products and prices (newest first)", async () => {
    const transactions = await paddle.transactions.list().next();
    const products = await paddle.products.list().next();
    const prices = await paddle.prices.list({ productId: ["pro_01emulator0000000000000pro"] }).next();
    const price = await paddle.prices.get(prices[0].id);
    const descending = (list) => list.every((e, i) => i === 0 || list[i - 1].id > e.id);
    const ok =
      transactions.length >= 1 && products.length === 3 && prices.length === 2 &&
      descending(transactions) && descending(products) && price.productId === "pro_01emulator0000000000000pro";
    return [ok, `${transactions.length} transactions, ${products.length} products, ${prices.length} prices`];
  });

  await attempt("SDK gets an invoice PDF URL that downloads a PDF, once", async () => {
    const [completed] = await paddle.transactions.list({ status: ["completed"] }).next();
    const invoice = await paddle.transactions.getInvoicePDF(completed.id, { disposition: "inline" });
    const first = await fetch(invoice.url);
    const bytes = Buffer.from(await first.arrayBuffer());
    const second = await fetch(invoice.url);
    const ok =
      first.status === 200 &&
      first.headers.get("content-type") === "application/pdf" &&
      (first.headers.get("content-disposition") ?? "").startsWith("inline") &&
      bytes.subarray(0, 5).toString() === "%PDF-" &&
      bytes.includes(Buffer.from("%%EOF")) &&
      second.status === 410;
    return [ok, `HTTP ${first.status} ${first.headers.get("content-type")}, then ${second.status}`];
  });

  await attempt("SDK activates a trial", async () => {
    const { body } = await control("checkout", { email: `sdk-check-trial-${Date.now()}@example.com`, plan: "pro-trial" });
    const trialing = await paddle.subscriptions.get(body.subscription_id);
    const active = await paddle.subscriptions.activate(body.subscription_id);
    return [trialing.status === "trialing" && active.status === "active", `${trialing.status} then ${active.status}`];
  });

  await attempt("declined renewals run dunning to the end", async () => {
    const { body } = await control("checkout", { email: `sdk-check-dunning-${Date.now()}@example.com` });
    const customer = body.customer_id;
    await control("faults", { count: 4, payment_decline: { customer_id: customer } });
    await control("clock", { advance: "P1M", customer_id: customer });
    await control("clock", { advance: "P15D", customer_id: customer });
    const sub = await paddle.subscriptions.get(body.subscription_id);
    return [sub.status === "canceled", sub.status];
  });

  // Every event type the emulator sends (README: the clock's table, the API's writes).
  const sent = [
    "customer.created", "customer.updated",
    "subscription.created", "subscription.activated", "subscription.trialing", "subscription.updated",
    "subscription.past_due", "subscription.paused", "subscription.resumed", "subscription.canceled",
    "transaction.created", "transaction.ready", "transaction.billed", "transaction.updated", "transaction.paid",
    "transaction.completed", "transaction.payment_failed", "transaction.past_due", "transaction.canceled",
  ];
  await attempt(`webhooks.unmarshal accepts every event type the emulator sends (${sent.length})`, async () => {
    const refused = [];
    for (const type of sent) {
      const deadline = Date.now() + 5000;
      while (!unmarshalled.some((u) => u.type === type) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const results = unmarshalled.filter((u) => u.type === type);
      const bad = results.find((u) => u.error || u.event.eventType !== type || u.event.constructor.name === "GenericEvent");
      if (results.length === 0) refused.push(`${type} (never delivered)`);
      else if (bad) refused.push(`${type} (${bad.error?.message ?? bad.event.constructor.name})`);
    }
    return [refused.length === 0, refused.join(", ")];
  });
} finally {
  server.close();
}

console.log(failures === 0 ? "all SDK checks passed" : `${failures} SDK check(s) failed`);
process.exit(failures === 0 ? 0 : 1);

import { test, expect, type Page } from "@playwright/test";
import {
  buy,
  emulatorUrl,
  freshEmail,
  hydrated,
  logIn,
  paddleCalls,
  reloadUntil,
  signUp,
} from "../lib/users";

// The "Manage subscription" acceptance list of issue 6, in a release build in local mode.
// These tests read the emulator's global call log, so they run one at a time; no other
// spec makes Paddle API calls.
test.describe.configure({ mode: "serial" });

const SESSION = "/api/portal/session";
const LINK = "/api/portal/link";

/** A verified, signed-in user whose customer was made through the emulator's checkout page. */
async function customerWithCheckout(page: Page) {
  const email = freshEmail("portal");
  await signUp(page, email, true);
  await logIn(page, email);
  await expect(page.getByRole("heading", { name: "Subscribe first" })).toBeVisible();
  await page.getByRole("link", { name: "Subscribe" }).click();
  // The emulator's checkout page, prefilled, returns to the dashboard.
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // The customer and its subscription reach the mirror by separate webhooks: wait for the
  // subscription's row, not only for the customer's button.
  await reloadUntil(page, async () => {
    await expect(page.getByRole("button", { name: "Manage subscription" })).toBeVisible({ timeout: 500 });
    await expect(page.locator("li.subscription").first()).toBeVisible({ timeout: 500 });
  });
  return email;
}

/** Clicks a portal button and returns the URL the server answered with (read from the
 * network response on its way to the page, which then navigates away). */
async function clickForUrl(page: Page, name: string, path = SESSION) {
  await hydrated(page);
  let resolve: (url: string) => void;
  const answered = new Promise<string>((r) => (resolve = r));
  await page.route(`**${path}`, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    expect(res.status()).toBe(200);
    expect(Object.keys(body)).toEqual(["url"]);
    resolve(body.url);
    await route.fulfill({ response: res });
  });
  await page.getByRole("button", { name }).first().click();
  const url = await answered;
  await page.unroute(`**${path}`);
  return url;
}

test("1-2. Manage subscription lands on the portal overview, with a new URL each click", async ({ page }) => {
  await customerWithCheckout(page);
  const first = await clickForUrl(page, "Manage subscription");
  await expect(page).toHaveURL((u) => u.origin === new URL(emulatorUrl()).origin);
  await expect(page.getByRole("heading", { name: "Your subscriptions" })).toBeVisible();
  expect(new URL(first).searchParams.get("action")).toBe("overview");

  await page.goto("/dashboard");
  const second = await clickForUrl(page, "Manage subscription");
  await expect(page.getByRole("heading", { name: "Your subscriptions" })).toBeVisible();
  expect(second).not.toBe(first);
});

test("the button is disabled and says Opening… while pending, and shows a friendly error", async ({ page, request }) => {
  await customerWithCheckout(page);
  await hydrated(page);
  const faults = await request.post(`${emulatorUrl()}/_emulator/faults`, {
    data: { count: 1, status: 500, delay_ms: 1500 },
  });
  expect(faults.ok()).toBeTruthy();
  await page.getByRole("button", { name: "Manage subscription" }).click();
  const pending = page.getByRole("button", { name: "Opening…" });
  await expect(pending).toBeDisabled();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("The billing portal is temporarily unavailable. Please try again.");
  await expect(page.getByRole("button", { name: "Manage subscription" })).toBeEnabled();
  // The next step: try again, which works now that the fault is spent.
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Your subscriptions" })).toBeVisible();
});

test("3. logged out, POST /api/portal/session is Not authenticated and Paddle is not called", async ({ request, baseURL }) => {
  const before = (await paddleCalls(request)).length;
  const res = await request.post(SESSION, { headers: { Origin: baseURL! } });
  expect(res.status()).toBe(401);
  expect(await res.text()).toContain("Not authenticated");
  expect((await paddleCalls(request)).length).toBe(before);
});

test("4. a verified user without a customer sees Subscribe first, and no Paddle call is made", async ({ page, baseURL }) => {
  const email = freshEmail("nocustomer");
  await signUp(page, email, true);
  const before = (await paddleCalls(page.request)).length;
  await logIn(page, email);
  const panel = page.getByRole("heading", { name: "Subscribe first" }).locator("..");
  await expect(panel).toContainText("No Paddle customer");
  await expect(page.getByRole("button", { name: "Manage subscription" })).toHaveCount(0);
  const res = await page.request.post(SESSION, { headers: { Origin: baseURL! } });
  expect(res.status()).toBe(404);
  expect(await res.text()).toContain("No Paddle customer");
  expect((await paddleCalls(page.request)).length).toBe(before);
});

test("5. a deep link to another user's subscription is refused without a Paddle call", async ({ page, request, baseURL }) => {
  const other = await buy(request, freshEmail("other"));
  await customerWithCheckout(page);
  const before = (await paddleCalls(request)).length;
  const res = await page.request.post(LINK, {
    headers: { Origin: baseURL! },
    form: { subscription_id: other.subscription_id, action: "cancel" },
  });
  expect(res.status()).toBe(404);
  expect(await res.text()).toContain("Subscription not found");
  expect((await paddleCalls(request)).length).toBe(before);
});

test("6. the minted session has an entry for every subscription the app passed", async ({ page, request }) => {
  const email = await customerWithCheckout(page);
  await buy(request, email, "team");
  await reloadUntil(page, () => expect(page.locator("li.subscription")).toHaveCount(2, { timeout: 500 }));
  const shown = await page.locator("li.subscription").evaluateAll((lis) =>
    lis.map((li) => li.getAttribute("data-subscription-id")),
  );
  await clickForUrl(page, "Manage subscription");
  await expect(page.getByRole("heading", { name: "Your subscriptions" })).toBeVisible();
  const minted = (await paddleCalls(request)).filter((c) => c.portal_session).at(-1)!;
  expect(minted.status).toBe(201);
  // Newest first, as the dashboard lists them.
  expect(minted.portal_session!.subscription_ids).toEqual(shown);
});

test("7. cancel through the deep link; the dashboard shows the scheduled cancellation", async ({ page }) => {
  await customerWithCheckout(page);
  const sub = page.locator("li.subscription").first();
  await expect(sub).not.toContainText("Cancels on");
  const url = await clickForUrl(page, "Cancel", LINK);
  expect(new URL(url).searchParams.get("action")).toBe("cancel_subscription");
  await expect(page.getByRole("heading", { name: "Cancel subscription" })).toBeVisible();
  await page.getByLabel("At the end of the billing period").check();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await expect(page.getByRole("heading", { name: "Cancellation scheduled" })).toBeVisible();
  await page.goto("/dashboard");
  await reloadUntil(page, () =>
    expect(page.locator("li.subscription").first()).toContainText(/Cancels on \d{1,2} \w{3} \d{4}/, { timeout: 500 }),
  );
  // Already scheduled: no second Cancel button for it.
  await expect(page.locator("li.subscription").first().getByRole("button", { name: /^Cancel/ })).toHaveCount(0);
});

test("update payment method opens that deep link", async ({ page }) => {
  await customerWithCheckout(page);
  const url = await clickForUrl(page, "Update payment method", LINK);
  expect(new URL(url).searchParams.get("action")).toBe("update_subscription_payment_method");
  await expect(page.getByRole("heading", { name: "Update payment method" })).toBeVisible();
});

test("a deep-link form whose action was changed in the page is refused, never sent to the overview", async ({ page, request }) => {
  await customerWithCheckout(page);
  await hydrated(page);
  const form = page.locator("li.subscription").first().locator("form", { has: page.getByRole("button", { name: "Cancel" }) });
  await form.locator("input[name=action]").evaluate((input) => input.setAttribute("value", "pause"));
  const before = (await paddleCalls(request)).length;
  const sessions: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(SESSION)) sessions.push(r.url());
  });
  const answered = page.waitForResponse((r) => r.url().endsWith(LINK));
  await form.getByRole("button", { name: "Cancel" }).click();
  expect((await answered).status()).toBe(422);
  await expect(form.locator("[data-portal-error]")).toContainText("Unknown action or missing field.");
  expect(sessions).toEqual([]);
  expect((await paddleCalls(request)).length).toBe(before);
});

test("8. an unverified user whose email matches a customer gets no portal", async ({ page, request, baseURL }) => {
  const email = freshEmail("unverified");
  await buy(request, email);
  await signUp(page, email, false);
  await logIn(page, email);
  await expect(page.getByRole("heading", { name: "Verify your email to manage billing" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Manage subscription" })).toHaveCount(0);
  const before = (await paddleCalls(request)).length;
  const res = await page.request.post(SESSION, { headers: { Origin: baseURL! } });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain("Verify your email address first");
  expect((await paddleCalls(request)).length).toBe(before);
});

test("each refusal shows its own message and next step (JavaScript on, stubbed answers)", async ({ page }) => {
  await customerWithCheckout(page);
  await hydrated(page);
  const cases = [
    { status: 401, error: "not_authenticated", text: "Not authenticated: you are signed out.", link: "Log in again" },
    { status: 403, error: "unverified", text: "Verify your email address first.", link: "See how" },
    { status: 404, error: "no_customer", text: "No Paddle customer: there is no subscription for your email yet.", link: "Subscribe first" },
    { status: 404, error: "subscription_not_found", text: "Subscription not found.", link: "Reload your subscriptions" },
    { status: 429, error: "limited", retry_after: 17, text: "Too many requests. Try again in 17 seconds.", retry: true },
    { status: 503, error: "unavailable", text: "The billing portal is temporarily unavailable. Please try again.", retry: true },
  ];
  const button = page.getByRole("button", { name: "Manage subscription" });
  const alert = page.locator("form", { has: button }).getByRole("alert");
  for (const c of cases) {
    await page.route(`**${SESSION}`, (route) =>
      route.fulfill({
        status: c.status,
        contentType: "application/json",
        // The message is the server's, for scripts; the island words it from the variant.
        body: JSON.stringify({ error: c.error, message: "(server text)", retry_after: c.retry_after }),
      }),
    );
    await button.click();
    await expect(alert).toContainText(c.text);
    await expect(alert).not.toContainText("(server text)");
    if (c.link) await expect(alert.getByRole("link", { name: c.link })).toBeVisible();
    if (c.retry) await expect(alert.getByRole("button", { name: "Try again" })).toBeVisible();
    await expect(button).toBeEnabled();
    await page.unroute(`**${SESSION}`);
  }
});

/** Serves a page of our own origin holding one form (a stand-in for a crafted or stale
 * page), and submits it: the server sees a real browser form post. */
async function submitForm(page: Page, action: string, fields: Record<string, string> = {}) {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
    .join("");
  await page.route("**/e2e-form", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><form method="post" action="${action}">${inputs}<button>Go</button></form>`,
    }),
  );
  await page.goto("/e2e-form");
  await page.getByRole("button", { name: "Go" }).click();
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("Manage subscription, Cancel and Update payment method are forms that land on the portal", async ({ page }) => {
    await customerWithCheckout(page);
    const sub = await page.locator("li.subscription").first().getAttribute("data-subscription-id");
    const portal = new URL(emulatorUrl()).origin;

    await page.getByRole("button", { name: "Manage subscription" }).click();
    await expect(page.getByRole("heading", { name: "Your subscriptions" })).toBeVisible();
    const first = page.url();
    expect(new URL(first).origin).toBe(portal);
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Manage subscription" }).click();
    await expect(page.getByRole("heading", { name: "Your subscriptions" })).toBeVisible();
    expect(page.url()).not.toBe(first);

    await page.goto("/dashboard");
    await page.getByRole("button", { name: /^Cancel/ }).first().click();
    await expect(page.getByRole("heading", { name: "Cancel subscription" })).toBeVisible();
    expect(new URL(page.url()).searchParams.get("subscription_id")).toBe(sub);

    await page.goto("/dashboard");
    await page.getByRole("button", { name: /^Update payment method/ }).first().click();
    await expect(page.getByRole("heading", { name: "Update payment method" })).toBeVisible();
    expect(new URL(page.url()).searchParams.get("subscription_id")).toBe(sub);
  });

  test("refused form posts come back in words, with no Paddle call", async ({ page, request, browser, baseURL }) => {
    const other = await buy(request, freshEmail("other"));
    await customerWithCheckout(page);
    const before = (await paddleCalls(request)).length;

    await submitForm(page, LINK, { subscription_id: other.subscription_id, action: "cancel" });
    await expect(page).toHaveURL(/\/dashboard\?/);
    await expect(page.getByRole("alert").first()).toContainText("Subscription not found.");

    // Logged out: a browser with no session at all (clearing this one's cookies races
    // with its last responses, which refresh the session cookie).
    const guest = await browser.newPage({ javaScriptEnabled: false, baseURL });
    await submitForm(guest, SESSION);
    await expect(guest).toHaveURL(/\/login\?next=%2Fdashboard$/);
    await guest.close();
    expect((await paddleCalls(request)).length).toBe(before);
  });

  test("without a Paddle customer the form post says Subscribe first, with no Paddle call", async ({ page, request }) => {
    const email = freshEmail("nocustomer");
    await signUp(page, email, true);
    const before = (await paddleCalls(request)).length;
    await submitForm(page, SESSION);
    await expect(page).toHaveURL(/\/dashboard\?/);
    await expect(page.getByRole("alert").first()).toContainText("No Paddle customer");
    await expect(page.getByRole("heading", { name: "Subscribe first" })).toBeVisible();
    expect((await paddleCalls(request)).length).toBe(before);
  });
});

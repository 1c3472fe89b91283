import { expect, type APIRequestContext, type Page } from "@playwright/test";

// Accounts and Paddle helpers shared by the specs. Every test makes users of its own.
export const PASSWORD = "correct horse battery";
export const freshEmail = (tag = "e2e") =>
  `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}@example.com`;

export const emulatorUrl = () => {
  const url = process.env.E2E_EMULATOR_URL;
  if (!url) throw new Error("E2E_EMULATOR_URL is not set (scripts/test sets it)");
  return url;
};

export async function hydrated(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
}

/** Signs up; with `verify`, follows the mailed link from the local outbox too. */
export async function signUp(page: Page, email: string, verify: boolean) {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/login\?notice=verify_sent$/);
  if (!verify) return;
  await page.goto("/dev/mail");
  await page.getByRole("listitem").filter({ hasText: email }).getByRole("link").click();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page).toHaveURL(/\/dashboard\?notice=verified$/);
}

export async function logIn(page: Page, email: string) {
  await page.goto("/login?next=/dashboard");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** A Paddle customer with one active subscription, bought through the emulator's API. */
export async function buy(request: APIRequestContext, email: string, plan?: string) {
  const res = await request.post(`${emulatorUrl()}/_emulator/checkout`, {
    data: plan ? { email, plan } : { email },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { customer_id: string; subscription_id: string };
}

export type Call = {
  method: string;
  path: string;
  status: number;
  portal_session?: { id: string; subscription_ids: string[] };
};

export async function paddleCalls(request: APIRequestContext): Promise<Call[]> {
  const res = await request.get(`${emulatorUrl()}/_emulator/calls`);
  expect(res.ok()).toBeTruthy();
  return res.json();
}

/** Reloads the page until `check` passes (the mirror follows webhooks, which are async). */
export async function reloadUntil(page: Page, check: () => Promise<void>, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await page.waitForTimeout(200);
      await page.reload();
    }
  }
}

import { test, expect, type Page } from "@playwright/test";
import { signUp } from "../lib/users";

// Every test signs up a user of its own, so tests run in parallel.
const PASSWORD = "correct horse battery";
const freshEmail = () =>
  `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 10)}@example.com`;

function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

// Ready to be used: hydrated with JavaScript, and without it loaded (its load event). In
// one CI run a log-out form clicked before that was never sent; the cause is not known.
async function loaded(page: Page, js: boolean) {
  if (js) await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  else await page.waitForLoadState("load");
}

async function signUpVerifyLogInOut(page: Page, js: boolean) {
  const email = freshEmail();
  const nav = page.getByRole("navigation", { name: "Main" });

  await page.goto("/");
  await nav.getByRole("link", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await loaded(page, js);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/login\?notice=verify_sent$/);
  await expect(page.getByRole("status")).toContainText("verify your email");

  // The local outbox: open this user's message and follow its link.
  await page.goto("/dev/mail");
  const message = page.getByRole("listitem").filter({ hasText: email });
  await expect(message).toContainText("Verify your email for Paddock");
  await message.getByRole("link").click();
  await expect(page).toHaveURL(/\/verify-email\?token=/);
  await loaded(page, js);
  // Verifying takes the password chosen at sign-up: a wrong one keeps the link usable
  // and points to the reset, the way out for whoever did not choose it.
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Verify email" }).click();
  // The framework carries the error back in the URL (`ServerFnUrlError`: `__path`, `__err`).
  await expect(page).toHaveURL(/\/verify-email\?token=[^&]+&__path=%2Fapi%2Fauth%2Fverify-email&__err=[^&]+$/);
  await expect(page.getByRole("alert")).toContainText("reset the password");
  await expect(page.getByRole("link", { name: "Reset the password" })).toBeVisible();
  await loaded(page, js);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Verify email" }).click();
  // Verified and signed in, in this browser only.
  await expect(page).toHaveURL(/\/dashboard\?notice=verified$/);
  await expect(page.getByRole("status")).toHaveText("Your email is verified.");
  await expect(page.getByRole("main").getByText("Verified", { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();

  await loaded(page, js);
  await nav.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login\?notice=logged_out$/);

  // A wrong password first: an inline message that does not say which part was wrong.
  await loaded(page, js);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");

  await loaded(page, js);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dashboard");
  await expect(page.getByRole("main").locator("dd", { hasText: email })).toBeVisible();
  await expect(nav.getByText(email)).toBeVisible();

  await loaded(page, js);
  await nav.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login\?notice=logged_out$/);
  await expect(nav.getByRole("link", { name: "Log in" })).toBeVisible();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
}

test("a new user signs up, verifies by the mailed link with the password, logs in and out", async ({ page }) => {
  const problems = watchConsole(page);
  await signUpVerifyLogInOut(page, true);
  expect(problems).toEqual([]);
});

test("the log-in button shows a pending state while signing in", async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto("/login?next=/dashboard");
  await loaded(page, true);
  // Keep the page where it is after the island's handler has run, to look at it.
  await page.evaluate(() =>
    document.addEventListener("submit", (e) => e.preventDefault()),
  );
  await page.getByLabel("Email").fill(freshEmail());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Signing in…" })).toBeDisabled();
  expect(problems).toEqual([]);
});

test("the dashboard sends guests to log in and back", async ({ page }) => {
  const email = freshEmail();
  await signUp(page, email, true);
  await page.context().clearCookies();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Log in");
  await loaded(page, true);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a new user signs up, verifies with the password, logs in and out with plain forms", async ({ page }) => {
    await signUpVerifyLogInOut(page, false);
  });
});

test("an address signed up by someone else becomes its owner's through the reset", async ({ page }) => {
  const email = freshEmail();
  // Someone else signs up with the address and a password of their choosing.
  await page.goto("/signup");
  await loaded(page, true);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("squatter password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/login\?notice=verify_sent$/);

  // The owner opens the link but does not know that password: the page offers the reset.
  await page.goto("/dev/mail");
  await page.getByRole("listitem").filter({ hasText: email }).getByRole("link").click();
  await loaded(page, true);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page.getByRole("alert")).toContainText("reset the password");
  await page.getByRole("link", { name: "Reset the password" }).click();
  await loaded(page, true);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page).toHaveURL(/\/forgot-password\?notice=reset_sent$/);
  // The reset mail is sent in the background: look until it is there.
  const resetMail = page
    .getByRole("listitem")
    .filter({ hasText: email })
    .filter({ hasText: "Reset your Paddock password" });
  await expect(async () => {
    await page.goto("/dev/mail");
    await expect(resetMail).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await resetMail.getByRole("link").click();
  await loaded(page, true);
  await page.getByLabel("New password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/login\?notice=password_changed$/);

  // The owner's password works and the address is verified; the squatter's is gone.
  await loaded(page, true);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("squatter password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
  await loaded(page, true);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("main").getByText("Verified", { exact: true })).toBeVisible();
});

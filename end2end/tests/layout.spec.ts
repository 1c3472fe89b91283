import { test, expect } from "@playwright/test";

// Islands wrap their server-rendered children in custom elements; a form inside one
// must still stack each label above its field.
test("the sign-up form stacks its labels and fields", async ({ page }) => {
  await page.goto("/signup");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
  const emailLabel = await box("label[for=email]");
  const email = await box("input[type=email]");
  const password = await box("input[type=password]");
  expect(email.y).toBeGreaterThanOrEqual(emailLabel.y + emailLabel.height - 1);
  expect(Math.abs(email.x - emailLabel.x)).toBeLessThan(2);
  expect(password.y).toBeGreaterThan(email.y + email.height);
});

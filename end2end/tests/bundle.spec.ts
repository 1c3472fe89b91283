import { test, expect } from "@playwright/test";
// @ts-expect-error: plain ES module, no type declarations
import { measurePage, totals, formatTable } from "../lib/bundle.mjs";
import { buy, freshEmail, logIn, reloadUntil, signUp } from "../lib/users";

// The page that carries the most wasm: a subscriber's dashboard, whose portal buttons
// call the server functions. Paddle's Next.js starter ships 138 KB for its dashboard.
const BUDGET_BROTLI = 60 * 1024;

test("a signed-in subscriber's dashboard stays within the script and wasm budget", async ({ page, request, baseURL }) => {
  const email = freshEmail("bundle");
  await signUp(page, email, true);
  await buy(request, email);
  await logIn(page, email);
  await reloadUntil(page, () =>
    expect(page.getByRole("button", { name: "Manage subscription" })).toBeVisible({ timeout: 500 }),
  );
  const { rows, unread } = await measurePage(page, `${baseURL}/dashboard`);
  const code = rows.filter((r: { url: string }) => /\.(js|wasm)$/.test(r.url));
  console.log(formatTable(rows));
  // Every script and wasm file counted: one whose body could not be read would make the
  // total smaller than what the browser downloaded.
  expect(unread.filter((u: string) => /\.(js|wasm) /.test(u))).toEqual([]);
  expect(code.some((r: { url: string }) => r.url.endsWith(".wasm"))).toBe(true);
  expect(code.some((r: { url: string }) => r.url.endsWith(".js"))).toBe(true);
  expect(totals(code).brotli).toBeLessThanOrEqual(BUDGET_BROTLI);
});

import { test, expect } from "@playwright/test";
// @ts-expect-error: plain ES module, no type declarations
import { measurePage, totals, formatTable } from "../lib/bundle.mjs";

// Half of what a minimal fully hydrated Leptos app ships (~130 KB brotli of wasm).
const BUDGET_BROTLI = 65 * 1024;

test("the home page's scripts and wasm stay within the size budget", async ({ page, baseURL }) => {
  const rows = await measurePage(page, `${baseURL}/`);
  const code = rows.filter((r: { url: string }) => /\.(js|wasm)$/.test(r.url));
  console.log(formatTable(rows));
  expect(code.some((r: { url: string }) => r.url.endsWith(".wasm"))).toBe(true);
  expect(totals(code).brotli).toBeLessThanOrEqual(BUDGET_BROTLI);
});

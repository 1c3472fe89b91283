// Prints the raw, gzip and brotli size of every file a browser downloads for a page.
// Usage: node bundle-size.mjs http://127.0.0.1:3000/
import { chromium } from "@playwright/test";
import { measurePage, formatTable } from "./lib/bundle.mjs";

const url = process.argv[2] ?? "http://127.0.0.1:3000/";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const { rows, unread } = await measurePage(page, url);
  if (unread.length > 0) console.error(`not counted (body unreadable): ${unread.join(", ")}`);
  console.log(`${url}\n${formatTable(rows)}`);
} finally {
  await browser.close();
}

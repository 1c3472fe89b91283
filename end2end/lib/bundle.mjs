// What a browser downloads for a page, and how big it is raw, gzipped and brotli'd.
// Used by scripts/bundle-size (a report) and tests/bundle.spec.ts (a budget).
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

/** Loads `url` in `page` until hydrated and returns one row per downloaded file;
 * `unread` names the responses whose body could not be read (a redirect has none), so
 * that a budget can refuse to count without them. */
export async function measurePage(page, url) {
  const files = [];
  const unread = [];
  page.on("response", async (res) => {
    const path = new URL(res.url()).pathname;
    files.push(
      res.body().then(
        (body) => ({ url: path, type: res.headers()["content-type"] ?? "", body }),
        () => {
          unread.push(`${path} (${res.status()})`);
          return null;
        },
      ),
    );
  });
  await page.goto(url);
  await page.locator("html[data-hydrated=true]").waitFor({ timeout: 20_000 });
  await page.waitForLoadState("networkidle");
  const rows = (await Promise.all(files)).filter(Boolean).map(({ url, type, body }) => ({
    url,
    type: type.split(";")[0],
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  }));
  return { rows, unread };
}

export function totals(rows) {
  return rows.reduce(
    (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
}

export function formatTable(rows) {
  const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
  const lines = [`${"file".padEnd(32)}${"raw".padStart(11)}${"gzip".padStart(11)}${"brotli".padStart(11)}`];
  for (const r of rows) lines.push(`${r.url.padEnd(32)}${kb(r.raw)}${kb(r.gzip)}${kb(r.brotli)}`);
  const t = totals(rows);
  lines.push(`${"total".padEnd(32)}${kb(t.raw)}${kb(t.gzip)}${kb(t.brotli)}`);
  return lines.join("\n");
}

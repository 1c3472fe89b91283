import type { FullConfig } from "@playwright/test";

// The server may still be starting when the suite does: wait for /readyz (60 s at most).
export default async function globalSetup(config: FullConfig) {
  const base = config.projects[0].use.baseURL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${base} not ready after 60 s (${last})`);
}

// Drives the example page in Debian's Chromium (playwright-core) and prints one JSON line per case.
// usage: node test/browser.mjs PAGE_URL GATEWAY_URL TOKEN NO_SCOPE_TOKEN BLOCKED_PAGE_URL [--http1]
// HOME must hold .pki/nssdb trusting the gateway's CA (certutil): the browser checks the certificate for real.
import { chromium } from "playwright-core";

const [pageUrl, gatewayUrl, token, noScopeToken, blockedPageUrl] = process.argv.slice(2);
const http1 = process.argv.includes("--http1");
const args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
if (http1) args.push("--disable-http2");

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args, env: process.env });
const results = [];
const report = (name, ok, detail) => {
  results.push({ name, ok });
  console.log(JSON.stringify({ case: name, ok, detail }));
};

async function open(url) {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill("#gateway", gatewayUrl);
  return page;
}

async function run(name, body) {
  try {
    await body();
  } catch (e) {
    report(name, false, String(e).slice(0, 300));
  }
}

async function lines(page) {
  return page.$$eval("#log li", (items) => items.map((li) => ({
    text: Array.from(li.childNodes).filter((n) => n.nodeName !== "TIME").map((n) => n.textContent).join("").trim(),
    at: Number(li.dataset.at), error: li.className === "error" })));
}

async function waitFor(page, predicate, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    const seen = await lines(page);
    if (predicate(seen)) return seen;
    if (Date.now() > until) throw new Error("timed out; the page shows " + JSON.stringify(seen));
    await page.waitForTimeout(50);
  }
}

for (const protocol of ["grpc-web", "connect"]) {
  await run(`unary ${protocol}`, async () => {
    const page = await open(pageUrl);
    await page.fill("#token", token);
    await page.selectOption("#protocol", protocol);
    await page.click("#sayHello");
    const seen = await waitFor(page, (l) => l.length > 0);
    report(`unary ${protocol}`, seen[0].text === "Hello, Alice!", seen);
    await page.close();
  });

  await run(`stream ${protocol}`, async () => {
    const page = await open(pageUrl);
    await page.fill("#token", token);
    await page.selectOption("#protocol", protocol);
    await page.fill("#count", "3");
    await page.fill("#interval", "700");
    await page.click("#lotsOfReplies");
    const seen = await waitFor(page, (l) => l.some((x) => x.text === "(stream ended)"));
    const first = seen[0];
    const end = seen[seen.length - 1];
    // The first reply is shown as it arrives, well before the stream ends (two more replies, 700 ms apart).
    const ok = first.text === "Hello, Alice! (1 of 3)" && seen.length === 4 && end.at - first.at >= 1000;
    report(`stream ${protocol}`, ok, { seen, firstBeforeEndMs: end.at - first.at });
    await page.close();
  });

  await run(`no token ${protocol}`, async () => {
    const page = await open(pageUrl);
    await page.selectOption("#protocol", protocol);
    await page.click("#sayHello");
    const seen = await waitFor(page, (l) => l.length > 0);
    report(`no token ${protocol}`, seen[0].error && seen[0].text === "UNAUTHENTICATED: missing bearer token", seen);
    await page.close();
  });

  await run(`no scope ${protocol}`, async () => {
    const page = await open(pageUrl);
    await page.fill("#token", noScopeToken);
    await page.selectOption("#protocol", protocol);
    await page.click("#sayHello");
    const seen = await waitFor(page, (l) => l.length > 0);
    report(`no scope ${protocol}`, seen[0].error && seen[0].text === "PERMISSION_DENIED: missing scope: greet", seen);
    await page.close();
  });
}

await run("blocked origin", async () => {
  const page = await open(blockedPageUrl);
  await page.fill("#token", token);
  await page.click("#sayHello");
  const seen = await waitFor(page, (l) => l.length > 0);
  // The browser refuses to hand the page an answer without CORS headers: the call fails, and greets nobody.
  report("blocked origin", seen[0].error && !seen[0].text.includes("Hello"), seen);
  await page.close();
});

await run("abort", async () => {
  const page = await open(pageUrl);
  await page.fill("#token", token);
  await page.fill("#name", "Aborted");
  await page.fill("#count", "1000");
  await page.fill("#interval", "50");
  await page.click("#lotsOfReplies");
  await waitFor(page, (l) => l.length >= 2);
  await page.click("#abort");
  const seen = await waitFor(page, (l) => l.some((x) => x.error));
  const last = seen[seen.length - 1];
  report("abort", last.text.startsWith("CANCELED:") && seen.length < 100, seen.slice(-2));
  console.log(JSON.stringify({ case: "abort-done" }));
  // Held open a moment so the server's count can be read while the tab lives.
  await page.waitForTimeout(1500);
  await page.close();
});

await browser.close();
process.exitCode = results.every((r) => r.ok) ? 0 : 1;

// The messages between the page and the plugin's worker (`www/plugin/rpc.js`) pass functions as
// handles. The side that passed one holds it only while the other side may call it: a run's
// `onProgress` until the run's call settles, a `cancel` sent with a progress report until the
// other side's copy of it is collected. Hundreds of runs leave nothing held.
import { test, expect } from "./playwright.mjs";

/** Two endpoints in the page, joined by a MessageChannel as the page and its worker are. */
async function openPair(page) {
  await page.goto("/demo/");
  await page.evaluate(async () => {
    const { connect } = await import("/plugin/rpc.js");
    const channel = new MessageChannel();
    /** @type {Array<() => void>} */
    const gates = [];
    const t = {
      heard: 0,
      kept: null,
      last: -1,
      cancelled: -1,
      /** Each run's `onProgress` as the worker's side got it. */
      reporters: [],
      gates,
      page: connect(channel.port1, {}),
      worker: connect(channel.port2, {
        // A run: reports progress, waits while a gate is asked for, answers.
        run: async (n, o, gated) => {
          t.reporters.push(o.onProgress);
          o.onProgress(n);
          if (gated) await new Promise((resolve) => gates.push(resolve));
          return n;
        },
        // The host's progress bar: keeps the latest report's `cancel`, drops the one before.
        progress: (p) => {
          t.kept = p.cancel;
          t.last = p.done;
        },
      }),
    };
    channel.port1.onmessage = (e) => void t.page.receive(e.data);
    channel.port2.onmessage = (e) => void t.worker.receive(e.data);
    /** @type {any} */ (window).__rpc = t;
  });
}

test("a function passed with a call is held while the call runs and let go when it settles", async ({ page }) => {
  await openPair(page);
  const counts = await page.evaluate(async () => {
    const t = /** @type {any} */ (window).__rpc;
    const until = (ready) =>
      new Promise((resolve) => {
        const check = () => (ready() ? resolve(undefined) : setTimeout(check, 0));
        check();
      });
    // 300 runs one after the other, each with its own onProgress, as the panel makes them.
    for (let i = 0; i < 300; i++) await t.page.call("run", [i, { onProgress: () => t.heard++ }, false]);
    await until(() => t.heard === 300);
    const afterSequential = t.page.held();
    // 40 at once, held while they run: the count the test would see grow without the release.
    const shared = () => t.heard++;
    const runs = [];
    t.reporters.length = 0;
    for (let i = 0; i < 40; i++) runs.push(t.page.call("run", [i, { onProgress: i < 20 ? shared : () => t.heard++ }, true]));
    await until(() => t.gates.length === 40);
    const inFlight = t.page.held();
    // The shared function stays callable while one of its calls still runs: 19 of its 20 runs
    // settle, the 20th reports once more.
    t.gates.splice(0, 19).forEach((open) => open());
    await Promise.all(runs.slice(0, 19));
    await until(() => t.heard === 340);
    t.reporters[19](19);
    await until(() => t.heard === 341);
    t.gates.splice(0).forEach((open) => open());
    await Promise.all(runs);
    return { afterSequential, inFlight, afterAll: t.page.held(), waiting: t.page.waiting(), heard: t.heard };
  });
  expect(counts.afterSequential, "nothing held after 300 runs").toBe(0);
  expect(counts.inFlight, "20 functions of their own and one shared by 20 runs").toBe(21);
  expect(counts.afterAll, "nothing held once every run settled").toBe(0);
  expect(counts.waiting).toBe(0);
  expect(counts.heard, "every progress report reached its function").toBe(300 + 40 + 1);
});

test("a function sent with a notification is let go once the other side drops it", async ({ page }) => {
  await openPair(page);
  const sent = await page.evaluate(async () => {
    const t = /** @type {any} */ (window).__rpc;
    // 200 progress reports, each with a `cancel` of its own, as each run makes its own.
    for (let i = 0; i < 200; i++) t.page.send("progress", [{ done: i, cancel: () => (t.cancelled = i) }]);
    while (t.last !== 199) await new Promise((r) => setTimeout(r, 0));
    return t.page.held();
  });
  expect(sent, "held while the other side may still hold them").toBeGreaterThan(0);
  const cdp = await page.context().newCDPSession(page);
  // The other side keeps only the last report's `cancel`: once the others are collected, only it
  // stays held.
  await expect
    .poll(async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      return page.evaluate(() => /** @type {any} */ (window).__rpc.page.held());
    })
    .toBe(1);
  // The kept one still calls its function.
  await page.evaluate(() => /** @type {any} */ (window).__rpc.kept());
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).__rpc.cancelled)).toBe(199);
});

// @ts-check
// The plugin's settings panel: linked Google accounts, what syncs where, the manual triggers
// (preview, sync now, send all, fetch all, backup), deletions held for confirmation, a progress
// bar and the run history. It talks only to the plugin's JS API (`GoogleContactsSync`) and the
// host contract, and renders every value with DOM APIs (no markup strings), so it runs under a
// CSP without 'unsafe-inline' and shows hostile contact names as plain text.
//
// This file mounts the panel; each screen is a module of panel/: accounts.js, settings-form.js,
// sync.js (with preview.js), history.js, sharing the state and frame of context.js.

import { h, clear } from "./dom.js";
import { createPanelContext } from "./panel/context.js";
import { renderAccounts, connectAccount } from "./panel/accounts.js";
import { errorCode, takeLanding, onLanding } from "./messages.js";
import { renderSettings } from "./panel/settings-form.js";
import { installSync, refollow } from "./panel/sync.js";
import { renderHistory } from "./panel/history.js";

/**
 * @typedef {import("../types").GoogleContactsSync} GoogleContactsSync
 * @typedef {import("../types").CrmHost} CrmHost
 */

/** Adds plugin.css to the page once (a <link>: the host's CSP allows only same-origin styles). */
export function ensureStylesheet(doc = document) {
  const href = new URL("./plugin.css", import.meta.url).href;
  if (![...doc.querySelectorAll('link[rel="stylesheet"]')].some((l) => /** @type {HTMLLinkElement} */ (l).href === href)) {
    doc.head.append(h("link", { rel: "stylesheet", href, "data-gcs": "" }));
  }
}

/**
 * The panel shown when the plugin itself could not start.
 * @param {HTMLElement} el
 * @param {string} message
 */
export function mountUnavailablePanel(el, message) {
  ensureStylesheet();
  clear(el).append(h("div", { class: "gcs" }, h("p", { class: "gcs-alert gcs-alert-error", role: "alert", text: message })));
}

/**
 * What the panel shows while the plugin's module downloads and starts.
 * @param {HTMLElement} el
 */
export function mountLoadingPanel(el) {
  ensureStylesheet();
  clear(el).append(h("div", { class: "gcs", "aria-busy": "true" }, h("p", { class: "gcs-muted gcs-loading", role: "status", text: "Loading Google Contacts Sync…" })));
}

/**
 * The sticky or fixed box (the host's top bar, the preview's Apply bar, a message in a corner)
 * drawn over the point (x, y) in place of `el`, if any.
 * @param {HTMLElement} el
 * @param {number} x
 * @param {number} y
 * @returns {Element | null}
 */
function coverAt(el, x, y) {
  if (y < 0 || y >= innerHeight) return null;
  const hit = document.elementFromPoint(x, y);
  if (!hit || el.contains(hit) || hit.contains(el)) return null;
  for (let n = /** @type {Element | null} */ (hit); n && n !== document.body; n = n.parentElement) {
    const position = getComputedStyle(n).position;
    if (position === "sticky" || position === "fixed") return n;
  }
  return null;
}

/**
 * Scrolls a focused control out from under a sticky bar: the browser scrolls it into the window,
 * but a bar drawn over the window's top or bottom edge (at 200 % zoom it is a good part of the
 * screen) may still hide it.
 * @param {HTMLElement} el
 */
function keepClearOfBars(el) {
  // Once the browser has done its own scrolling to the focus, which may land a frame later.
  requestAnimationFrame(() => {
    clearOfBars(el);
    requestAnimationFrame(() => clearOfBars(el));
  });
}

/** @param {HTMLElement} el */
function clearOfBars(el) {
  if (!el.isConnected || document.activeElement !== el) return;
  // A link wrapped over two lines is two boxes: its first line's top, its last line's bottom.
  const boxes = [...el.getClientRects()].filter((b) => b.width > 0 || b.height > 0);
  if (!boxes.length) return;
  const first = boxes[0];
  const last = boxes[boxes.length - 1];
  // Not scrolled to at all (a radio of a group the browser leaves where it is): to the middle
  // of the screen, clear of bars at either edge.
  if (last.bottom > innerHeight || first.top < 0) {
    if (last.bottom - first.top < innerHeight) el.scrollIntoView({ block: "center", inline: "nearest" });
    return;
  }
  const xOf = (/** @type {DOMRect} */ b) => Math.min(Math.max(b.left + Math.min(b.width / 2, 12), 0), innerWidth - 1);
  const above = coverAt(el, xOf(first), first.top + 1);
  const below = coverAt(el, xOf(last), last.bottom - 1);
  const margin = 8;
  if (below && below !== above) {
    const edge = below.getBoundingClientRect().top;
    window.scrollBy({ top: last.bottom - edge + margin, behavior: "instant" });
  } else if (above) {
    const edge = above.getBoundingClientRect().bottom;
    window.scrollBy({ top: first.top - edge - margin, behavior: "instant" });
  }
}

/**
 * Shows the section a message's button asked for (the run history), scrolled to the top of the
 * screen with its heading focused, so keyboard and screen-reader users start there too.
 * @param {import("./panel/context.js").PanelContext} ctx
 * @param {import("./messages.js").Landing} landing
 */
function land(ctx, landing) {
  if (landing.section !== "history") return;
  const heading = /** @type {HTMLElement | null} */ (ctx.boxes.history.querySelector("h3"));
  const target = heading || ctx.boxes.history;
  target.tabIndex = -1;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "start" });
}

/**
 * Mounts the settings panel into `el`. Resolves once the first render is done; returns
 * `{ refresh, unmount }`.
 * @param {HTMLElement} el
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 */
export async function mountSettingsPanel(el, api, host) {
  ensureStylesheet();
  const root = h("div", { class: "gcs", "data-gcs-panel": "" });
  clear(el).append(root);
  const ctx = createPanelContext(root, api, host);
  root.addEventListener("focusin", (e) => {
    if (e.target instanceof HTMLElement) keepClearOfBars(e.target);
  });
  ctx.render.accounts = () => renderAccounts(ctx);
  ctx.render.settings = () => renderSettings(ctx);
  ctx.render.history = () => renderHistory(ctx);
  installSync(ctx);

  root.append(h("p", { class: "gcs-muted gcs-loading", text: "Loading…" }));
  // Where a message's button sent the user ("Open history"), if it did.
  const landing = takeLanding();
  try {
    const [views, statuses] = await Promise.all([
      host.views().catch(() => []),
      host.statuses().catch(() => []),
    ]);
    ctx.state.views = views || [];
    ctx.state.statuses = statuses || [];
    await ctx.loadAccounts();
    if (landing && landing.accountId && ctx.state.accounts.some((a) => a.id === landing.accountId)) ctx.state.selectedId = landing.accountId;
    await ctx.loadSelected();
  } catch (e) {
    if (errorCode(e) === "INVALID_STATE") {
      // The account list cannot be read: trying again reads it again, so the way out offered is
      // the one that works, connecting (which lists the account again, its data kept).
      ctx.state.accountsUnreadable = true;
      ctx.showError(e, { action: { label: "Connect Google account", run: () => connectAccount(ctx) } });
    } else {
      ctx.showError(e);
      ctx.boxes.alert.append(h("button", { type: "button", class: "gcs-btn gcs-btn-small", "data-gcs-action": "", text: "Try again", onclick: () => {
        ctx.guarded(async () => {
          ctx.show(null);
          await ctx.refresh();
        });
      } }));
    }
  }
  root.querySelector(".gcs-loading")?.remove();
  ctx.render.all();
  // A run already under way (started here before the panel opened, or in another tab) shows
  // at once, with the panel's actions disabled until it ends.
  refollow(ctx);
  root.dataset.ready = "true";
  if (landing) land(ctx, landing);
  const stopLanding = onLanding((l) => {
    if (!root.isConnected) {
      stopLanding();
      return false;
    }
    const other = l.accountId && l.accountId !== ctx.state.selectedId && ctx.state.accounts.some((a) => a.id === l.accountId);
    if (other && !ctx.state.busy && !ctx.state.follow) {
      ctx.state.selectedId = l.accountId || null;
      ctx.refresh().then(() => land(ctx, l), () => land(ctx, l));
    } else {
      land(ctx, l);
    }
    return true;
  });

  return {
    refresh: () => ctx.refresh(),
    unmount: () => clear(el),
  };
}

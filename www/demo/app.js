// @ts-check
// The demo CRM's web client: a contacts list, contact pages with an edit form, and a settings
// page, all rendered from the IndexedDB host (host.js) and extended by plugins through the
// registry (registry.js). This file starts the app: its chrome (user chip, toasts, progress),
// the router, and the plugins; each page is a module (list.js, contact-page.js, contact-form.js,
// settings.js) rendering from the context this file hands it.
//
// Every piece of user data reaches the page through textContent, DOM properties or
// setAttribute on harmless attributes — never through innerHTML — so a contact named
// `<img src=x onerror=alert(1)>` is shown as text. The page runs under
// `script-src 'self' 'wasm-unsafe-eval'`: no inline scripts or handlers anywhere.
//
// The DOM builder is the plugin's (../plugin/dom.js): one small leaf module of the same `www/`
// tree, with no plugin state, so the demo keeps no copy of it. The demo still runs when the
// plugin's loader is absent (plugins.js).

import { h, clear } from "../plugin/dom.js";
import { openDemoHost } from "./host.js";
import { createRegistry } from "./registry.js";
import { loadPlugins as defaultLoadPlugins, loadConfig } from "./plugins.js";
import { demoGoogle } from "./google.js";
import { initials } from "./format.js";
import { renderList } from "./list.js";
import { renderContact } from "./contact-page.js";
import { renderForm } from "./contact-form.js";
import { renderSettings } from "./settings.js";
import { navMenu } from "./nav.js";

export { createRegistry } from "./registry.js";
export { fullName } from "./host.js";
export { mailto } from "./format.js";

/**
 * @typedef {import("./host.js").DemoHost} DemoHost
 * @typedef {ReturnType<typeof createRegistry>} Registry
 * @typedef {"info" | "success" | "warning" | "error"} Level
 *
 * @typedef {object} ListState The contacts list's view, search, order, page and selection,
 *   kept across navigations.
 * @property {string} viewId
 * @property {string} search
 * @property {string} sortKey
 * @property {"asc" | "desc"} sortDir
 * @property {number} page
 * @property {number} pageSize
 * @property {Set<string>} selected
 *
 * @typedef {import("../types").NotifyOptions} NotifyOptions
 *
 * @typedef {object} DemoContext What the app's pages share.
 * @property {DemoHost} host
 * @property {Registry} registry
 * @property {HTMLElement} main Where pages render.
 * @property {{ id: string, name: string }[]} views
 * @property {{ value: string, label: string }[]} statuses
 * @property {{ id: string, name: string, email?: string }} user
 * @property {{ list: ListState, refresh: (() => Promise<void> | void) | null, page: number }} state
 *   `refresh` re-renders the current page's data from IndexedDB (null: the page must not be
 *   re-rendered under the user, like a form). `page` counts navigations: a page drawing after
 *   an `await` first checks it is still the one shown, so a page the user left (a contact just
 *   deleted, whose page would say "not found") never draws over the next.
 * @property {(message: string, level?: Level, options?: NotifyOptions) => HTMLElement} notify A
 *   toast (the host contract's `ui.notify`); answers its element.
 * @property {(label: string, fn: () => unknown) => Promise<void>} runPluginAction Runs a
 *   plugin's action with the page marked busy, then re-renders.
 *
 * @typedef {object} StartOptions
 * @property {DemoHost} [host]
 * @property {Parameters<typeof openDemoHost>[0]} [hostOptions]
 * @property {Registry} [registry]
 * @property {(registry: Registry, host: DemoHost) => Promise<void>} [loadPlugins]
 */

/**
 * Starts the app in the page (its #main and chrome) and loads the plugins.
 * @param {StartOptions} [options]
 */
export async function startApp(options = {}) {
  const host = options.host || (await openDemoHost(options.hostOptions));
  const registry = options.registry || createRegistry();
  const loadPlugins = options.loadPlugins || defaultLoadPlugins;
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  navMenu();
  const [views, statuses, user] = await Promise.all([host.views(), host.statuses(), host.currentUser()]);

  /** @type {DemoContext["state"]} */
  const state = {
    list: { viewId: "all", search: "", sortKey: "name", sortDir: "asc", page: 0, pageSize: 50, selected: new Set() },
    refresh: null, // re-renders the current page's data from IndexedDB
    page: 0,
  };

  // Chrome: user chip, toasts, progress.
  const userChip = document.getElementById("user-chip");
  if (userChip) {
    clear(userChip).append(
      h("span", { class: "avatar avatar-sm", "aria-hidden": "true", text: initials({ firstName: user.name.split(" ")[0], lastName: user.name.split(" ").slice(-1)[0] }) }),
      h("span", { class: "user-name", text: user.name }),
    );
  }
  const toasts = /** @type {HTMLElement} */ (document.getElementById("toasts"));
  /** @type {DemoContext["notify"]} */
  function notify(message, level = "info", options = {}) {
    const action = options && options.action;
    const t = h("div", { class: `toast toast-${level}`, role: level === "error" ? "alert" : "status", tabIndex: -1 },
      h("span", { class: "toast-text", text: message }),
      action ? h("button", { type: "button", class: "toast-action", text: action.label, onclick: () => {
        t.remove();
        action.run();
      } }) : null,
      h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", text: "×", onclick: () => t.remove() }));
    toasts.append(t);
    // A message that no longer holds leaves at once.
    const signal = options && options.signal;
    if (signal) {
      if (signal.aborted) t.remove();
      else signal.addEventListener("abort", () => t.remove(), { once: true });
    }
    // Warnings, errors and what asks to stay remain until dismissed; the others leave after a
    // while, which waits as long as the pointer or the focus is on them.
    if (options.persistent || level === "warning" || level === "error") {
      t.dataset.persistent = "true";
      return t;
    }
    let left = 6000;
    let since = Date.now();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const resume = () => {
      clearTimeout(timer);
      since = Date.now();
      timer = setTimeout(() => t.remove(), left);
    };
    const pause = () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      left = Math.max(1500, left - (Date.now() - since));
    };
    const held = () => t.matches(":hover") || t.contains(document.activeElement);
    t.addEventListener("mouseenter", pause);
    t.addEventListener("focusin", pause);
    t.addEventListener("mouseleave", () => { if (!held()) resume(); });
    t.addEventListener("focusout", (e) => { if (!t.contains(/** @type {Node | null} */ (e.relatedTarget)) && !t.matches(":hover")) resume(); });
    resume();
    return t;
  }
  globalThis.addEventListener("democrm:notify", (e) => {
    const { message, level, options } = /** @type {CustomEvent<{ message: string, level: Level, options?: NotifyOptions }>} */ (e).detail;
    notify(message, level, options);
  });
  globalThis.addEventListener("democrm:open-settings", () => {
    location.hash = "#/settings";
  });
  const progress = document.getElementById("progress");
  globalThis.addEventListener("democrm:progress", (e) => {
    const p = /** @type {CustomEvent<{ done: number, total: number, label: string, cancel?: () => void } | null>} */ (e).detail;
    if (!progress) return;
    const cancel = /** @type {HTMLButtonElement} */ (progress.querySelector(".progress-cancel"));
    if (!p) {
      progress.hidden = true;
      cancel.hidden = true;
      cancel.onclick = null;
      cancel.disabled = false;
      delete cancel.dataset.cancelling;
      cancel.textContent = "Cancel";
      return;
    }
    // The plugin's stop: shown while the run offers one; clicked, it waits for the run's end.
    const stop = p.cancel;
    if (stop) {
      cancel.hidden = false;
      if (!cancel.dataset.cancelling) cancel.disabled = false;
      cancel.onclick = () => {
        cancel.disabled = true;
        cancel.dataset.cancelling = "true";
        cancel.textContent = "Cancelling…";
        stop();
      };
    } else {
      cancel.hidden = true;
    }
    progress.hidden = false;
    const bar = /** @type {HTMLElement} */ (progress.querySelector(".progress-bar"));
    const label = /** @type {HTMLElement} */ (progress.querySelector(".progress-label"));
    const pct = p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : 0;
    // A total of 0 is not known yet (the plugin reads Google page by page): the count alone, and
    // no value (an indeterminate bar).
    if (p.total > 0) bar.setAttribute("aria-valuenow", String(pct));
    else bar.removeAttribute("aria-valuenow");
    const count = p.total > 0 ? `${p.done} / ${p.total}` : p.done > 0 ? `${p.done} so far` : "";
    // The bar names what runs: a phase alone ("writing") does not say it is the contacts' sync.
    const what = /\bsync/i.test(p.label) ? p.label : `Google Contacts sync: ${p.label}`;
    bar.setAttribute("aria-valuetext", count ? `${what}: ${count}` : what);
    /** @type {HTMLElement} */ (bar.firstElementChild).style.width = `${pct}%`;
    label.textContent = count ? `${what} — ${count}` : what;
  });

  // Re-render when contacts change behind our back (a plugin's scheduled sync, another tab's
  // write is not seen: IndexedDB has no cross-tab events and the demo does not need them).
  /** @type {ReturnType<typeof setTimeout> | null} */
  let pending = null;
  globalThis.addEventListener("democrm:contacts-changed", () => {
    if (!state.refresh || pending) return;
    pending = setTimeout(() => {
      pending = null;
      state.refresh?.();
    }, 150);
  });

  /** @type {DemoContext["runPluginAction"]} */
  async function runPluginAction(label, fn) {
    const busy = document.getElementById("busy");
    if (busy) {
      busy.hidden = false;
      busy.textContent = `${label}…`;
    }
    const before = new Set(toasts.children);
    const hash = location.hash;
    try {
      await fn();
    } catch (e) {
      notify(`${label} failed: ${e instanceof Error ? e.message : String(e)}`, "error");
    } finally {
      if (busy) busy.hidden = true;
      // The plugin may have created, changed or deleted contacts.
      await state.refresh?.();
    }
    // The focus goes to the action's result, the last message it left (the page re-rendered
    // under the menu it was started from), unless the user went elsewhere meanwhile.
    const added = [...toasts.children].filter((t) => !before.has(t));
    const result = /** @type {HTMLElement | undefined} */ (added[added.length - 1]);
    const moved = document.activeElement && document.activeElement !== document.body && !main.contains(document.activeElement);
    if (result && result.isConnected && location.hash === hash && !moved) result.focus();
  }

  /** @type {DemoContext} */
  const ctx = { host, registry, main, views, statuses, user, state, notify, runPluginAction };

  // Router

  // Only the latest navigation marks the page ready: an earlier page still loading when the user
  // moved on must not report the new one ready, nor take its focus.
  let routeSeq = 0;
  async function route() {
    const seq = ++routeSeq;
    const hash = location.hash || "#/contacts";
    const parts = hash.replace(/^#\/?/, "").split("?")[0].split("/").map((p) => decodeURIComponent(p));
    for (const a of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll(".nav a"))) {
      const active = (parts[0] === "settings" && a.dataset.nav === "settings") || (parts[0] !== "settings" && a.dataset.nav === "contacts" && !(parts[0] === "contact" && parts[1] === "new")) || (parts[0] === "contact" && parts[1] === "new" && a.dataset.nav === "new");
      if (active) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.title = "Contacts — Demo CRM";
    try {
      if (parts[0] === "settings") await renderSettings(ctx);
      else if (parts[0] === "contact" && parts[1] === "new") await renderForm(ctx, null);
      else if (parts[0] === "contact" && parts[1] && parts[2] === "edit") await renderForm(ctx, parts[1]);
      else if (parts[0] === "contact" && parts[1]) await renderContact(ctx, parts[1]);
      else await renderList(ctx);
    } catch (e) {
      clear(main).append(h("h1", { text: "Something went wrong" }), h("p", { class: "form-error", text: e instanceof Error ? e.message : String(e) }));
    }
    if (seq !== routeSeq) return;
    main.dataset.ready = "true";
    // The new page takes the focus (for keyboard and screen-reader users) unless the user moved
    // it into the page while the page was still loading: taking it from an open menu would close
    // the menu under them.
    if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
  }
  globalThis.addEventListener("hashchange", () => {
    // The page left behind stops here: no redraw of it is due, even one already asked for.
    state.page += 1;
    state.refresh = null;
    main.dataset.ready = "false";
    window.scrollTo(0, 0);
    route();
  });

  const app = { host, registry, refresh: () => state.refresh?.(), notify };
  // For the end-to-end tests and for poking around in devtools.
  /** @type {typeof globalThis & { demoCrm?: typeof app }} */ (globalThis).demoCrm = app;
  await route();
  try {
    await loadPlugins(registry, host);
  } catch (e) {
    notify(`A plugin failed to load: ${e instanceof Error ? e.message : String(e)}`, "error");
  }
  document.documentElement.dataset.pluginsLoaded = "true";
  return app;
}

if (typeof document !== "undefined" && document.documentElement.dataset.app === "demo-crm") {
  // The host's Google token source renews each account's token without the user after a
  // reload (google.js), as a real CRM's does, so automatic syncs go on. A page may give the host
  // another before the app starts (`demoCrmGoogle`, e.g. one that keeps tokens as a CRM's server
  // would), and name contacts the signed-in user may not change (`demoCrmReadOnly`, id → reason),
  // as a CRM with shared records does; the demo has none by default.
  /** @type {typeof globalThis & { demoCrmGoogle?: import("../types").CrmHost["google"], demoCrmReadOnly?: Record<string, string> }} */
  const g = globalThis;
  loadConfig().then((config) => {
    /** @type {Parameters<typeof openDemoHost>[0]} */
    const hostOptions = { google: g.demoCrmGoogle || demoGoogle(config) };
    if (g.demoCrmReadOnly) hostOptions.readOnly = g.demoCrmReadOnly;
    return startApp({ hostOptions });
  }).catch((e) => {
    const main = document.getElementById("main");
    if (main) clear(main).append(h("h1", { text: "The demo CRM could not start" }), h("p", { class: "form-error", text: e instanceof Error ? e.message : String(e) }));
  });
}

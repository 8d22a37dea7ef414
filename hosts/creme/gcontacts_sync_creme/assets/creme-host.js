// @ts-check
// The plugin's host in Creme CRM: the `CrmHost` contract (docs/hosts.md) on the app's JSON
// endpoints, and the glue that installs the plugin into the three places the app gives it.
//
// Served beside the plugin's loader (`<root>/plugin-loader.js`); the endpoints are at
// `<root>/../api/`. Creme's session cookie authenticates every call and Django's CSRF token
// (its `csrftoken` cookie) goes with every POST. The server enforces Creme's permissions; this
// file only carries the answers, and turns error answers into Errors with the server's `code`
// (and `contact`, when one contact was refused).

import { install, loadManifest, loadModule } from "./plugin-loader.js";

/**
 * @typedef {import("./types").CrmHost} CrmHost
 * @typedef {import("./types").BulkAction} BulkAction
 * @typedef {import("./types").RecordAction} RecordAction
 * @typedef {import("./types").SettingsPanel} SettingsPanel
 * @typedef {import("./types").RecordSection} RecordSection
 * @typedef {import("./types").GoogleContactsSync} GoogleContactsSync
 * @typedef {{ accessToken: string, expiresAt: number, email: string }} Token A Google token and
 *   the account it is for.
 *
 * @typedef {object} Boot The app's bootstrap answer.
 * @property {string} instanceId
 * @property {{ id: string, name: string, email?: string, locale?: string }} user
 * @property {import("./types").HostCapabilities} [capabilities]
 * @property {string} [contactUrl] A contact's page, "{id}" standing for its id.
 * @property {import("./plugin-loader.js").PluginConfig} config
 */

const LIST_PAGE_MAX = 1000;
/** Where the plugin's settings are in Creme. */
const SETTINGS_LABEL = "My settings → Google Contacts Sync";

/**
 * A refusal or failure of Creme, as the host contract's calls reject: an Error with a stable
 * `code` ("UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND", "CONFLICT", "INVALID", …), its
 * `message`, and `contactId` when one contact is concerned (also as `contact`, the plugin's name
 * for it).
 */
export class HostError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {Record<string, unknown>} [data] The server's extra fields (`contact`, `status`…).
   */
  constructor(code, message, data = {}) {
    super(message);
    this.name = "HostError";
    this.code = code;
    Object.assign(this, data);
    if (typeof data.contact === "string") this.contactId = data.contact;
  }
}

const LOG_IN_AGAIN = "Your Creme session has ended: log in to Creme again, then sync again.";

/** The code of an error answer that carries none of its own, by its HTTP status. */
const CODE_OF_STATUS = /** @type {Record<number, string>} */ ({
  400: "INVALID", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "CONFLICT",
});

function csrfToken() {
  const m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
  if (m) return decodeURIComponent(m[1]);
  const input = document.querySelector(/** @type {"input"} */ ("input[name=csrfmiddlewaretoken]"));
  return input ? input.value : "";
}

/**
 * Calls one endpoint; resolves to its JSON (of the type the endpoint answers), rejects with a
 * HostError. Only a 2xx JSON answer from the endpoint itself is an answer: a redirect (the
 * login page of a session that ended, which a followed redirect would hand over as a page of
 * HTML), a page that is not JSON or any other status is a failure, so nothing is taken as done
 * that Creme did not do.
 * @template T
 * @param {URL} api
 * @param {string} path
 * @param {{ query?: Record<string, unknown>, body?: unknown }} [o]
 * @returns {Promise<T>}
 */
async function call(api, path, { query, body } = {}) {
  const url = new URL(path, api);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  }
  /** @type {RequestInit & { headers: Record<string, string> }} */
  const init = { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.headers["X-CSRFToken"] = csrfToken();
    init.body = JSON.stringify(body);
  }
  let res;
  let text;
  try {
    res = await fetch(url, init);
    text = await res.text();
  } catch (e) {
    throw new HostError("NETWORK", `Creme did not answer (${e instanceof Error ? e.message : e})`);
  }
  if (res.type === "opaqueredirect" || res.redirected || (res.status >= 300 && res.status < 400)) {
    // Django sends a request of an ended session to its login page.
    throw new HostError("UNAUTHENTICATED", LOG_IN_AGAIN, { status: res.status });
  }
  const isJson = /^application\/json\b/i.test(res.headers.get("Content-Type") || "");
  /** @type {unknown} */
  let json;
  try {
    json = isJson ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    // Error answers are `{ error: { code, message, ...data } }` (see the app's jsonapi.py).
    const answer = /** @type {{ error?: { code?: unknown, message?: unknown, [k: string]: unknown } } | undefined} */ (json);
    const error = answer && typeof answer === "object" && answer.error && typeof answer.error === "object" ? answer.error : {};
    const { code, message, ...data } = error;
    const known = typeof code === "string" && code ? code : CODE_OF_STATUS[res.status] || "HOST_ERROR";
    const said = typeof message === "string" && message ? message
      : known === "UNAUTHENTICATED" ? LOG_IN_AGAIN : `Creme answered ${res.status} to ${url.pathname}`;
    throw new HostError(known, said, { ...data, status: res.status });
  }
  if (json === undefined) {
    throw new HostError("HOST_ERROR", `Creme's answer to ${url.pathname} is not JSON (${res.headers.get("Content-Type") || "no type"})`, { status: res.status });
  }
  return /** @type {T} */ (json);
}

/**
 * A notification area and a progress bar, in Creme's page.
 * @returns {CrmHost["ui"]}
 */
function createUi(doc = document) {
  let box = doc.getElementById("gcsync-notices");
  if (!box) {
    box = doc.createElement("div");
    box.id = "gcsync-notices";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    doc.body.append(box);
  }
  let bar = doc.getElementById("gcsync-progress");
  if (!bar) {
    bar = doc.createElement("div");
    bar.id = "gcsync-progress";
    bar.hidden = true;
    const label = doc.createElement("span");
    label.id = "gcsync-progress-label";
    const meter = doc.createElement("progress");
    meter.setAttribute("aria-labelledby", label.id);
    // The plugin's stop for the run under way: shown while the run offers one.
    const stop = doc.createElement("button");
    stop.type = "button";
    stop.className = "gcsync-progress-cancel";
    stop.textContent = "Cancel";
    stop.title = "Stop this sync: what it already did is kept, the next sync does the rest";
    stop.hidden = true;
    bar.append(label, meter, stop);
    doc.body.append(bar);
  }
  const notices = box;
  const progress = bar;
  const label = /** @type {HTMLSpanElement} */ (progress.querySelector("span"));
  const meter = /** @type {HTMLProgressElement} */ (progress.querySelector("progress"));
  const stop = /** @type {HTMLButtonElement} */ (progress.querySelector("button"));
  /** Set once Cancel is pressed, until the run ends: later progress does not enable it again. */
  let cancelling = false;
  return {
    // Every notice stays until dismissed (so `options.persistent` needs nothing more here); its
    // action ("Reconnect") is a button that dismisses it and runs within the click.
    notify(message, level, options) {
      const item = doc.createElement("div");
      item.className = `gcsync-notice gcsync-notice-${level}`;
      item.dataset.level = level;
      item.tabIndex = -1;
      const text = doc.createElement("span");
      text.textContent = message;
      item.append(text);
      const action = options && options.action;
      if (action && typeof action.run === "function") {
        const b = doc.createElement("button");
        b.type = "button";
        b.className = "gcsync-notice-action";
        b.textContent = String(action.label);
        b.addEventListener("click", () => {
          item.remove();
          action.run();
        });
        item.append(b);
      }
      const close = doc.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", "Dismiss");
      close.addEventListener("click", () => item.remove());
      item.append(close);
      notices.append(item);
    },
    // "Open settings" in a message: Creme's "My settings", where the app mounts the panel.
    openSettings() {
      location.assign(new URL("/creme_config/my_settings/portal/", location.origin).href);
    },
    progress(p) {
      if (!p) {
        progress.hidden = true;
        stop.hidden = true;
        stop.onclick = null;
        stop.disabled = false;
        stop.textContent = "Cancel";
        cancelling = false;
        return;
      }
      progress.hidden = false;
      // A total of 0 means "not known yet" (Google is read page by page): the count alone, and
      // an indeterminate bar.
      if (p.total > 0) {
        label.textContent = `${p.label} (${p.done} of ${p.total})`;
        meter.max = p.total;
        meter.value = p.done;
      } else {
        label.textContent = p.done > 0 ? `${p.label} (${p.done} so far)` : p.label;
        meter.removeAttribute("value");
      }
      const cancel = p.cancel;
      stop.hidden = !cancel;
      stop.onclick = cancel
        ? () => {
            cancelling = true;
            stop.disabled = true;
            stop.textContent = "Cancelling…";
            cancel();
          }
        : null;
      if (!cancelling) stop.disabled = false;
    },
  };
}

/** An unguessable OAuth `state`: 128 bits from the browser's cryptographic generator. */
function newState() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The Google sign-in popup (OAuth 2.0 token flow) against `config.authUrl`, answered by
 * `redirectUri` (the plugin's oauth-callback.html, which posts the URL fragment back).
 * `loginHint` preselects the account asked for.
 * @param {Boot["config"]} config
 * @param {string} redirectUri
 * @param {string[]} scopes
 * @param {string} [loginHint]
 * @returns {Promise<{ accessToken: string, expiresAt: number }>}
 */
function signIn(config, redirectUri, scopes, loginHint) {
  return new Promise((resolve, reject) => {
    const state = newState();
    const url = new URL(config.authUrl || "https://accounts.google.com/o/oauth2/v2/auth");
    url.searchParams.set("client_id", config.googleClientId || "");
    url.searchParams.set("redirect_uri", redirectUri);
    url.searchParams.set("response_type", "token");
    url.searchParams.set("scope", scopes.join(" "));
    url.searchParams.set("include_granted_scopes", "true");
    url.searchParams.set("prompt", "select_account");
    url.searchParams.set("state", state);
    if (loginHint) url.searchParams.set("login_hint", loginHint);
    const popup = window.open(url.href, "gcsync-signin", "width=520,height=640");
    if (!popup) {
      reject(new HostError("AUTH_CANCELLED", "the browser blocked the Google sign-in window: allow pop-ups for Creme"));
      return;
    }
    let done = false;
    /** @template T @param {(value: T) => void} fn @param {T} value */
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      window.removeEventListener("message", onMessage);
      clearInterval(watch);
      try { popup.close(); } catch { /* already closed */ }
      fn(value);
    };
    /** @param {MessageEvent} e */
    const onMessage = (e) => {
      if (e.origin !== location.origin || e.source !== popup || typeof e.data !== "string") return;
      const answer = new URLSearchParams(e.data.replace(/^#/, ""));
      if (answer.get("state") !== state) return;
      const token = answer.get("access_token");
      if (!token) {
        finish(reject, new HostError("AUTH_FAILED", `Google refused: ${answer.get("error") || "no token"}`));
        return;
      }
      const seconds = Number(answer.get("expires_in") || 3600);
      finish(resolve, { accessToken: token, expiresAt: Date.now() + seconds * 1000 });
    };
    window.addEventListener("message", onMessage);
    // The user closing the window is a cancellation; a grace period lets a last message land.
    const watch = setInterval(() => {
      if (popup.closed) setTimeout(() => finish(reject, new HostError("AUTH_CANCELLED", "the Google sign-in window was closed")), 500);
    }, 400);
  });
}

/**
 * The email of the Google account a token is for, from the People API (the "email" scope the
 * sign-in asks for lets it read the account's own address): the account's primary email.
 * @param {Boot["config"]} config
 * @param {string} accessToken
 * @returns {Promise<string>}
 */
async function accountEmail(config, accessToken) {
  const base = (config.peopleApiBase || "https://people.googleapis.com").replace(/\/$/, "");
  let res;
  try {
    res = await fetch(`${base}/v1/people/me?personFields=emailAddresses`, { headers: { Authorization: `Bearer ${accessToken}` } });
  } catch (e) {
    throw new HostError("NETWORK", `Google did not answer (${e instanceof Error ? e.message : e})`);
  }
  /** @type {{ emailAddresses?: { value?: string, metadata?: { primary?: boolean } }[] } | null} */
  const me = res.ok ? await res.json().catch(() => null) : null;
  const emails = (me && me.emailAddresses) || [];
  const email = (emails.find((e) => e.metadata && e.metadata.primary) || emails[0] || {}).value;
  if (!email) throw new HostError("AUTH_FAILED", `Google did not tell which account signed in (${res.status})`);
  return email;
}

/**
 * The `CrmHost` over the endpoints under `api` (a URL ending in "/"), from the server's
 * bootstrap answer (instance id, user, capabilities, config); `pluginRoot` is where the plugin
 * (and its OAuth redirect page) is served.
 * @param {URL} api
 * @param {Boot} boot
 * @param {string | URL} pluginRoot
 * @param {CrmHost["ui"]} [ui]
 * @returns {CrmHost}
 */
export function createCremeHost(api, boot, pluginRoot, ui = createUi()) {
  const user = boot.user;
  const contactUrl = boot.contactUrl;
  return {
    apiVersion: 1,
    instanceId: boot.instanceId,
    // `restore`: a contact the plugin removes goes to Creme's trash, where `contacts.restore`
    // brings it back under its id (an undo then restores it rather than creating a new one).
    capabilities: { ...boot.capabilities, restore: true, settingsLabel: "My settings → Google Contacts Sync" },
    currentUser: async () => ({ ...user }),
    contacts: {
      get: (ids) => call(api, "contacts/get", { body: { ids } }),
      list: ({ viewId, pageToken, pageSize } = {}) => call(api, "contacts/list", {
        query: { viewId: viewId || undefined, pageToken, pageSize: pageSize && Math.min(pageSize, LIST_PAGE_MAX) },
      }),
      changedSince: (cursor) => call(api, "contacts/changes", { query: { cursor: cursor ?? undefined } }),
      create: (items) => call(api, "contacts/create", { body: { items } }),
      update: (items) => call(api, "contacts/update", { body: { items } }),
      remove: async (ids) => {
        await call(api, "contacts/remove", { body: { ids } });
      },
      restore: (ids) => call(api, "contacts/restore", { body: { ids } }),
      // The contact's image in Creme (`capabilities.photo`).
      setPhotos: async (items) => {
        await call(api, "contacts/set-photos", { body: { items } });
      },
      // The contact's detail page, from the app's URL template ("{id}" in place of the id).
      ...(contactUrl ? { url: (/** @type {string} */ id) => contactUrl.replace("{id}", encodeURIComponent(id)) } : {}),
    },
    views: () => call(api, "views"),
    statuses: () => call(api, "statuses"),
    // Creme's pages are full page loads: the tokens the user granted are kept in their
    // server-side session, one per Google account (see the app's google.py), so the next page
    // can sync each account with its own token without asking.
    google: {
      getToken: async (scopes, { interactive, loginHint }) => {
        if (!interactive) {
          if (!loginHint) throw new HostError("NOT_CONNECTED", "no Google account was named for the token");
          /** @type {{ token: Token | null }} */
          const { token } = await call(api, "google-token", { body: { op: "get", account: loginHint } });
          if (token && token.expiresAt > Date.now() + 60_000) return token;
          throw new HostError("NOT_CONNECTED", `no Google token for ${loginHint} in this Creme session: reconnect it in ${SETTINGS_LABEL}`);
        }
        const granted = await signIn(boot.config, new URL("oauth-callback.html", pluginRoot).href, scopes, loginHint);
        const email = await accountEmail(boot.config, granted.accessToken);
        /** @type {Token} */
        const token = { ...granted, email };
        await call(api, "google-token", { body: { op: "set", ...token } });
        return token;
      },
      // The plugin forgets an account's token (Google refused it, or the account is
      // disconnected): so does the session.
      forget: (accountId) => {
        call(api, "google-token", { body: { op: "clear", account: accountId } }).catch(() => {});
      },
    },
    storage: {
      get: async (key) => (/** @type {{ value: string | null }} */ (await call(api, "storage", { body: { op: "get", key } }))).value,
      set: async (key, value) => {
        await call(api, "storage", { body: { op: "set", key, value } });
      },
      remove: async (key) => {
        await call(api, "storage", { body: { op: "remove", key } });
      },
      // Creme locks the row while it compares: the lease that keeps two devices' runs apart.
      compareAndSet: async (key, expected, value) =>
        (/** @type {{ written: boolean }} */ (await call(api, "storage/compare-and-set", { body: { key, expected, value } }))).written === true,
    },
    ui,
  };
}

/** @param {string} href */
function ensureStylesheet(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

/**
 * A registry of the plugin's entries, as the loader hands them over.
 * @returns {import("./types").PluginRegistry & { entries: { bulk: BulkAction | null, record: RecordAction | null, panel: SettingsPanel | null, section: RecordSection | null } }}
 */
function createRegistry() {
  /** @type {{ bulk: BulkAction | null, record: RecordAction | null, panel: SettingsPanel | null, section: RecordSection | null }} */
  const entries = { bulk: null, record: null, panel: null, section: null };
  return {
    entries,
    registerBulkAction: (e) => { entries.bulk = e; },
    registerRecordAction: (e) => { entries.record = e; },
    registerSettingsPanel: (e) => { entries.panel = e; },
    registerRecordSection: (e) => { entries.section = e; },
  };
}

/**
 * Starts the plugin for this page: reads the server's bootstrap, builds the host, loads the
 * plugin through its loader and resolves to what the app's entry points call.
 * `root` is the URL the plugin is served from (ending in "/").
 * @param {string} root
 */
export async function start(root) {
  ensureStylesheet(new URL("creme-host.css", root).href);
  const api = new URL("../api/", root);
  /** @type {Boot} */
  const boot = await call(api, "bootstrap");
  const host = createCremeHost(api, boot, root);
  /** @param {string} account */
  const forgetToken = (account) => {
    if (host.google && host.google.forget) host.google.forget(account);
  };
  const registry = createRegistry();
  const base = new URL(root);
  /** @type {{ start: (() => void) | null }} The scheduler's start, held back from the loader. */
  const scheduler = { start: null };
  // This module is itself imported on first use (gcsync.js), so the plugin's module loads now.
  const installed = await install(registry, host, boot.config, {
    base,
    idleLoad: false,
    createApi: async (h, options) => {
      const { manifest, url } = await loadManifest(base);
      const glue = await loadModule(manifest, url, base);
      const created = await glue.GoogleContactsSync.create(h, options);
      // The loader starts the scheduler at once; this host decides when (below).
      scheduler.start = created.startScheduler.bind(created);
      created.startScheduler = () => {};
      // A disconnected account's token leaves the session too, once the plugin has revoked it.
      const disconnect = created.disconnect.bind(created);
      created.disconnect = async (account) => {
        try {
          return await disconnect(account);
        } finally {
          forgetToken(account);
        }
      };
      return created;
    },
  });
  /** @type {GoogleContactsSync | null} */
  let plugin = null;
  /** @type {unknown} */
  let error = null;
  try {
    plugin = await installed.load();
  } catch (e) {
    error = e; // the entries say why when used, and try again
  }
  // Scheduled runs keep accounts in sync while a Creme page that loaded the plugin is open. An
  // account never synced waits for its user's first sync (from My settings, after a preview):
  // Creme loads the plugin afresh on every page, and a first full sync must not start by itself
  // because someone clicked "Sync Contact(s)" for three contacts.
  if (plugin && scheduler.start) {
    try {
      const accounts = (await plugin.accounts()).filter((a) => a.enabled);
      if (accounts.every((a) => a.lastRun)) scheduler.start();
    } catch {
      // No scheduling this page; the actions still work.
    }
  }
  const { bulk, record, panel, section } = registry.entries;
  // The loader registers every entry point, from the manifest or its own defaults.
  if (!bulk || !record || !panel) throw new Error("the plugin's loader registered no entry points");
  return {
    error,
    host,
    /**
     * `kind` "record": the contact page's action (one contact); else the list's bulk action.
     * @param {string[]} ids
     * @param {string} [kind]
     */
    run: async (ids, kind) => {
      const box = document.getElementById("gcsync-notices");
      const before = new Set(box ? box.children : []);
      const result = await (kind === "record" ? record.run(ids[0]) : bulk.run(ids));
      // The focus goes to the action's result: the last notice it left.
      const added = box ? [...box.children].filter((n) => !before.has(n)) : [];
      const last = added[added.length - 1];
      if (last instanceof HTMLElement) last.focus();
      return result;
    },
    /** @param {HTMLElement} el */
    mountSettings: (el) => panel.mount(el),
    /**
     * The contact's sync status, in its brick (a plugin without the section says so).
     * @param {HTMLElement} el
     * @param {string} contactId
     */
    mountStatus: (el, contactId) => {
      if (section) return section.mount(el, contactId);
      el.textContent = "This version of the plugin shows no sync status.";
    },
  };
}

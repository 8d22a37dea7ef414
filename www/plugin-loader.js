// @ts-check
// The Google Contacts Sync plugin's loader: what a host (the demo CRM, or an adapter for a real
// CRM) imports and calls as `install(registry, host, config)`.
//
// It reads plugin-manifest.json and registers the manifest's three entry points at once, from the
// manifest alone (labels, ids). The WebAssembly module is fetched and compiled only when it is
// needed: the first time the user runs one of the actions or opens the settings panel, or, for a
// user who has used the plugin before, when the browser is idle (the scheduler's hourly syncs
// need the module). A CRM page of a user who never opens the plugin downloads no wasm. If the
// module cannot load, the entries explain the failure in plain words instead of disappearing.
//
// This file lives in the repository's `www/` folder. Hosts serve either the repository root
// (this file at /www/plugin-loader.js, the manifest at /plugin-manifest.json) or `www/` itself
// (this file at /plugin-loader.js, the manifest copied beside it): both layouts are tried.
//
// A release's manifest (`cargo xtask dist`) carries each file's SRI hash (`integrity`): before
// the module starts, the loader fetches the files it loads and compares their SHA-384 with the
// manifest's, and refuses to start, naming the file, when one differs. The two modules this file
// imports statically load with it, before any check can run: they are checked with the rest
// before the module starts, and a host that wants this file itself checked before it runs loads
// it with the `integrity` the manifest gives it.

import { syncSelectedContacts, syncOneContact } from "./plugin/actions.js";
import { loadFailureMessage, useSettingsLabel } from "./plugin/messages.js";

/**
 * @typedef {import("./types").CrmHost} CrmHost
 * @typedef {import("./types").GoogleContactsSync} GoogleContactsSync
 * @typedef {import("./types").GoogleContactsSyncOptions} GoogleContactsSyncOptions
 * @typedef {import("./types").PluginRegistry} PluginRegistry
 * @typedef {typeof import("./plugin/index.js")} Entry The plugin's JS API module.
 *
 * @typedef {object} Manifest The parts of plugin-manifest.json the loader reads.
 * @property {string} [id]
 * @property {{ js?: string, wasm?: string, inlineWasm?: string, oauthCallback?: string }} [files]
 * @property {{ widgets?: { name?: string, location: string }[] }} [modules]
 * @property {Record<string, string>} [integrity] Each file's SRI hash ("sha384-…") by its
 *   manifest path: a release's manifest has it (`cargo xtask dist`), a checkout's has not.
 *
 * @typedef {{ manifest: Manifest, url: URL }} FoundManifest
 *
 * @typedef {object} PluginConfig The host's config: the manifest's `config[]` names, or the
 *   demo's older key names.
 * @property {string} [googleClientId]
 * @property {string} [oauthClientId]
 * @property {string} [peopleApiBase]
 * @property {string} [peopleApiBaseUrl]
 * @property {string} [authUrl]
 * @property {string} [revokeUrl]
 * @property {string} [redirectUri]
 * @property {boolean} [worker] false: run the syncs on the page, in slices, not in a worker.
 * @property {number} [googleMaxContacts] The most contacts a Google account holds, when the
 *   People API endpoint holds fewer than Google's 25,000 (a test emulator).
 *
 * @typedef {object} InstallOptions
 * @property {URL} [base] Where www/ is served, when not beside this file.
 * @property {(host: CrmHost, options: GoogleContactsSyncOptions) => Promise<GoogleContactsSync>} [createApi]
 *   Replaces loading the wasm module (development, tests, hosts that wrap the API).
 * @property {boolean} [idleLoad] false: never load the module before first use (default true).
 * @property {boolean} [worker] false: run the syncs on the page, in slices, not in a worker
 *   (default true).
 *
 * @typedef {object} Installed
 * @property {Manifest} manifest
 * @property {() => Promise<GoogleContactsSync>} load Loads and starts the module (once; a
 *   failed load is tried again on the next call); rejects with a plain-words Error.
 * @property {() => GoogleContactsSync | null} loaded The API once loaded, else null.
 */

const HERE = new URL("./", import.meta.url); // the www/ folder, however it is served

const FALLBACK_WIDGETS = [
  { name: "Sync Contact(s)", location: "contacts.list.bulk" },
  { name: "Sync with Google Contacts", location: "contacts.record.more" },
  { name: "Google Contacts Sync", location: "settings.user" },
  { name: "Google Contacts Sync", location: "contacts.record.section" },
];

const FALLBACK_JS = "www/plugin/index.js";
const FALLBACK_WASM = "www/pkg/gcontacts_sync_bg.wasm";

/** @type {Manifest} */
const FALLBACK_MANIFEST = {
  id: "google-contacts-sync",
  files: { js: FALLBACK_JS, wasm: FALLBACK_WASM },
  modules: { widgets: FALLBACK_WIDGETS },
};

/** @type {Record<string, string>} */
const LABELS = {
  "contacts.list.bulk": "Sync Contact(s)",
  "contacts.record.more": "Sync with Google Contacts",
  "settings.user": "Google Contacts Sync",
  "contacts.record.section": "Google Contacts Sync",
};

/**
 * The key, in the host's per-user storage, that marks a user of the plugin: their pages load the
 * module when the browser is idle, so scheduled syncs run. The plugin's own keys start "gcs:".
 */
export const LOAD_ON_IDLE_KEY = "gcs-loader:load-on-idle";

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Fetches the manifest from beside this file, else from one level up.
 * @param {URL} [base]
 * @returns {Promise<FoundManifest>}
 */
export async function loadManifest(base = HERE) {
  const tried = [];
  const urls = ["plugin-manifest.json", "../plugin-manifest.json"].map((rel) => new URL(rel, base));
  // Served from its root, www/'s parent is www/ itself: ask once.
  for (const url of urls.filter((u, i) => urls.findIndex((v) => v.href === u.href) === i)) {
    try {
      const res = await fetch(url, { cache: "no-store" });
      if (res.ok) {
        const json = await res.json();
        if (json && typeof json === "object") return { manifest: json, url };
      }
      tried.push(`${url.pathname} (${res.status})`);
    } catch (e) {
      tried.push(`${url.pathname} (${messageOf(e)})`);
    }
  }
  throw Object.assign(new Error(`plugin-manifest.json was not found (tried ${tried.join(", ")})`), { code: "MANIFEST" });
}

/**
 * A file whose bytes are not those the release's manifest hashes: a file altered where it is
 * served, or a half-done upgrade mixing two releases. Its `code` is "INTEGRITY"; its message
 * names the file and both hashes.
 */
export class IntegrityError extends Error {
  /**
   * @param {string} path The file's path in the manifest.
   * @param {string} why
   */
  constructor(path, why) {
    super(`its file ${path} is not the one its manifest names (${why})`);
    this.name = "IntegrityError";
    this.code = "INTEGRITY";
    this.path = path;
  }
}

/**
 * The SRI value of `bytes`: "sha384-" and the base64 of their SHA-384 digest.
 * @param {BufferSource} bytes
 */
export async function sriOf(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", bytes));
  let s = "";
  for (const b of digest) s += String.fromCharCode(b);
  return `sha384-${btoa(s)}`;
}

/**
 * Fetches a file the manifest hashes and resolves to its bytes once they match the hash;
 * rejects with an {@link IntegrityError} when they do not. Where the page has no SubtleCrypto
 * (served neither over HTTPS nor from localhost), the browser checks the hash itself
 * (`fetch`'s `integrity`), and a failure cannot tell a changed file from a lost connection.
 * @param {string} path The file's path in the manifest.
 * @param {URL} url Where it is served.
 * @param {string} expected Its SRI hash.
 * @returns {Promise<ArrayBuffer>}
 */
export async function fetchChecked(path, url, expected) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  let res;
  try {
    res = await fetch(url, subtle ? {} : { integrity: expected });
  } catch (e) {
    if (subtle) throw new Error(`its file ${url.pathname} did not load (${messageOf(e)})`);
    throw new IntegrityError(path, `the browser found it differs from ${expected}, or could not fetch it: ${messageOf(e)}`);
  }
  if (!res.ok) throw new Error(`its file ${url.pathname} did not load (HTTP ${res.status})`);
  const bytes = await res.arrayBuffer();
  if (subtle) {
    const got = await sriOf(bytes);
    if (got !== expected) throw new IntegrityError(path, `its SHA-384 is ${got}, the manifest's ${expected}`);
  }
  return bytes;
}

/**
 * Checks every file the module's start loads (the loader itself, the glue, the worker, the panel
 * and its CSS) against the manifest's hashes, all at once; the wasm and its inline variant are
 * checked as they are fetched (their bytes are the ones compiled). Nothing to check without
 * hashes. Rejects with the first {@link IntegrityError}.
 * @param {Manifest} manifest
 * @param {URL | null} manifestUrl
 * @param {URL} base
 */
export async function checkFiles(manifest, manifestUrl, base = HERE) {
  const integrity = manifest.integrity;
  if (!integrity) return;
  const files = manifest.files || {};
  const later = [files.wasm, files.inlineWasm, files.oauthCallback, "www/oauth-callback.js"];
  const checks = Object.entries(integrity)
    .filter(([path]) => /\.(js|css)$/.test(path) && !later.includes(path))
    .map(([path, hash]) => fetchChecked(path, resolveFile(path, manifestUrl, base), hash));
  await Promise.all(checks);
}

/**
 * Where a manifest file path (relative to the repository root, e.g. "www/pkg/x.js") is served:
 * paths under www/ are resolved from this file's folder, which is www/ in both layouts.
 * @param {string} path
 * @param {URL | null | undefined} manifestUrl
 * @param {URL} [base]
 */
export function resolveFile(path, manifestUrl, base = HERE) {
  const p = String(path).replace(/^\.\//, "");
  if (p.startsWith("www/")) return new URL(p.slice(4), base);
  return new URL(p, manifestUrl || base);
}

/**
 * Fetches and compiles the wasm file, streaming when the server labels it `application/wasm`
 * (compiling while it downloads), else from its bytes (some hosts serve .wasm with another
 * type). Hosts that refuse to serve .wasm files at all get the inline build the manifest names.
 * With the manifest's hashes, the wasm's bytes are checked before they are compiled (so it
 * compiles after it downloads), and the inline build is checked before it is imported.
 * @param {URL} wasmUrl
 * @param {URL | null} inlineUrl
 * @param {Manifest} [manifest]
 * @returns {Promise<WebAssembly.Module>}
 */
async function compileWasm(wasmUrl, inlineUrl, manifest = {}) {
  const files = manifest.files || {};
  /** @type {Record<string, string>} */
  const hashes = manifest.integrity || {};
  const wasmHash = files.wasm && hashes[files.wasm];
  /** @type {Response | ArrayBuffer} */
  let res;
  try {
    if (files.wasm && wasmHash) {
      res = await fetchChecked(files.wasm, wasmUrl, wasmHash);
    } else {
      res = await fetch(wasmUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    }
  } catch (e) {
    if (e instanceof IntegrityError) throw e;
    try {
      if (!inlineUrl) throw e;
      const inlineHash = files.inlineWasm && hashes[files.inlineWasm];
      if (files.inlineWasm && inlineHash) await fetchChecked(files.inlineWasm, inlineUrl, inlineHash);
      /** @type {{ wasmBytes(): Uint8Array }} */
      const inline = await import(inlineUrl.href);
      return await WebAssembly.compile(/** @type {BufferSource} */ (inline.wasmBytes()));
    } catch (inlineError) {
      if (inlineError instanceof IntegrityError) throw inlineError;
      throw new Error(`its WebAssembly file ${wasmUrl.pathname} did not load (${messageOf(e)})`);
    }
  }
  try {
    if (res instanceof ArrayBuffer) return await WebAssembly.compile(res);
    if ((res.headers.get("Content-Type") || "").startsWith("application/wasm")) {
      return await WebAssembly.compileStreaming(res);
    }
    return await WebAssembly.compile(await res.arrayBuffer());
  } catch (e) {
    throw new Error(`its WebAssembly file could not be started (${messageOf(e)})`);
  }
}

/**
 * Loads the plugin's JS API (plugin/index.js: the wasm-bindgen glue, its `GoogleContactsSync`
 * running the syncs in a worker unless `worker: false`) and starts it with the compiled wasm file.
 * @param {Manifest} manifest
 * @param {URL | null} manifestUrl
 * @param {URL} [base]
 * @returns {Promise<Entry>}
 */
export async function loadModule(manifest, manifestUrl, base = HERE) {
  const files = (manifest && manifest.files) || {};
  const jsUrl = resolveFile(files.js || FALLBACK_JS, manifestUrl, base);
  const wasmUrl = resolveFile(files.wasm || FALLBACK_WASM, manifestUrl, base);
  const inlineUrl = files.inlineWasm ? resolveFile(files.inlineWasm, manifestUrl, base) : null;
  // Both downloads at once: the JS is small, the wasm compiles while it streams.
  const compiling = compileWasm(wasmUrl, inlineUrl, manifest);
  compiling.catch(() => {}); // reported below, after the JS
  // A release's files are checked before any of them runs.
  await checkFiles(manifest, manifestUrl, base);
  /** @type {Entry} */
  let entry;
  try {
    entry = await import(jsUrl.href);
  } catch (e) {
    throw new Error(`its JavaScript file ${jsUrl.pathname} did not load (${messageOf(e)})`);
  }
  const module = await compiling;
  try {
    await entry.default({ module_or_path: module });
  } catch (e) {
    throw new Error(`its WebAssembly file could not be started (${messageOf(e)})`);
  }
  if (typeof entry.GoogleContactsSync !== "function") {
    throw new Error("its program does not export GoogleContactsSync");
  }
  return entry;
}

/**
 * The options `GoogleContactsSync.create` takes, from the host's config (either key style) and
 * the loader's own `worker` option.
 * @param {PluginConfig} [config]
 * @param {{ worker?: boolean }} [how]
 * @returns {GoogleContactsSyncOptions}
 */
export function apiOptions(config = {}, how = {}) {
  const c = config || {};
  const clientId = c.googleClientId ?? c.oauthClientId;
  /** @type {GoogleContactsSyncOptions} */
  const options = {};
  if (c.worker === false || (how && how.worker === false)) options.worker = false;
  const base = c.peopleApiBase ?? c.peopleApiBaseUrl;
  if (base) options.peopleApiBase = base;
  if (typeof c.googleMaxContacts === "number") options.googleMaxContacts = c.googleMaxContacts;
  if (clientId) {
    options.oauth = { clientId };
    if (c.authUrl) options.oauth.authUrl = c.authUrl;
    if (c.revokeUrl) options.oauth.revokeUrl = c.revokeUrl;
    if (c.redirectUri) options.oauth.redirectUri = c.redirectUri;
  }
  return options;
}

/**
 * Runs `fn` when the browser is idle (after the page's own work), or soon where there is no
 * `requestIdleCallback`.
 * @param {() => void} fn
 */
function whenIdle(fn) {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => fn(), { timeout: 10_000 });
  else setTimeout(fn, 1000);
}

/**
 * Installs the plugin into a host's registry: registers the manifest's entry points at once and
 * loads the module on first use. Resolves to an {@link Installed}.
 * @param {PluginRegistry} registry
 * @param {CrmHost} host
 * @param {PluginConfig} [config]
 * @param {InstallOptions} [options]
 * @returns {Promise<Installed>}
 */
export async function install(registry, host, config = {}, options = {}) {
  const base = options.base || HERE;
  // The messages name the settings page as the host does.
  useSettingsLabel(host);
  /** @type {FoundManifest & { missing?: Error }} */
  let found;
  try {
    found = await loadManifest(base);
  } catch (e) {
    // Without a manifest the built-in one still names the usual files and entries.
    found = { manifest: FALLBACK_MANIFEST, url: new URL("../", base), missing: /** @type {Error} */ (e) };
  }
  const { manifest } = found;

  /** @type {GoogleContactsSync | null} */
  let api = null;
  /** @type {Promise<GoogleContactsSync> | null} */
  let loading = null;

  /** @returns {Promise<GoogleContactsSync>} */
  async function start() {
    // The plugin sees the host through the run follower, which tells the settings panel, in
    // this tab and the CRM's others, of every run's progress and end (plugin/follow.js).
    const { followHost, followerFor } = await import("./plugin/follow.js");
    const followed = followHost(host);
    let created;
    if (options.createApi) {
      created = await options.createApi(followed, apiOptions(config, options));
    } else {
      let glue;
      try {
        glue = await loadModule(manifest, found.url, base);
      } catch (e) {
        if (found.missing && e instanceof Error) e.message = `${found.missing.message}, and ${e.message}`;
        throw e;
      }
      created = await glue.GoogleContactsSync.create(followed, apiOptions(config, options));
    }
    followerFor(host).setApi(created);
    try {
      created.startScheduler();
    } catch (e) {
      host.ui.notify(loadFailureMessage(e), "error");
    }
    return created;
  }

  /** @param {"use" | "idle"} why */
  function load(why = "use") {
    if (!loading) {
      loading = start().then((created) => {
        api = created;
        if (options.idleLoad !== false) rememberUse(created, why);
        return created;
      }, (e) => {
        loading = null; // the next use tries again
        throw new Error(loadFailureMessage(e));
      });
    }
    return loading;
  }

  /**
   * Marks this user as one whose pages load the module when idle, or, when an idle load finds no
   * account at all, unmarks them.
   * @param {GoogleContactsSync} created
   * @param {"use" | "idle"} why
   */
  async function rememberUse(created, why) {
    try {
      if (why === "use") await host.storage.set(LOAD_ON_IDLE_KEY, "1");
      else if ((await created.accounts()).length === 0) await host.storage.remove(LOAD_ON_IDLE_KEY);
    } catch {
      // Only the idle load depends on it: the entries still load the module when used.
    }
  }

  /**
   * Runs `fn` with the API, or says in a notification why the plugin cannot start.
   * @template T
   * @param {(api: GoogleContactsSync) => Promise<T>} fn
   * @returns {Promise<T | null>}
   */
  async function withApi(fn) {
    let loaded;
    try {
      loaded = await load("use");
    } catch (e) {
      host.ui.notify(messageOf(e), "error");
      return null;
    }
    return fn(loaded);
  }

  const pluginId = manifest.id || "google-contacts-sync";
  const listed = manifest.modules && manifest.modules.widgets;
  const widgets = Array.isArray(listed) && listed.length ? listed : FALLBACK_WIDGETS;
  for (const w of widgets) {
    const label = w.name || LABELS[w.location];
    if (!label) continue;
    const id = `${pluginId}.${w.location}`;
    if (w.location === "contacts.list.bulk") {
      registry.registerBulkAction({ id, label, run: (ids) => withApi((a) => syncSelectedContacts(a, host, ids)) });
    } else if (w.location === "contacts.record.more") {
      registry.registerRecordAction({ id, label, run: (contactId) => withApi((a) => syncOneContact(a, host, contactId)) });
    } else if (w.location === "contacts.record.section" && typeof registry.registerRecordSection === "function") {
      // The contact's sync status, in a section of its page: the host mounts it once opened,
      // and only then does the module load.
      registry.registerRecordSection({
        id,
        title: label,
        mount: async (el, contactId) => {
          const status = await import("./plugin/status.js");
          let loaded;
          try {
            loaded = await load("use");
          } catch (e) {
            el.textContent = messageOf(e);
            return;
          }
          await status.mountContactStatus(el, loaded, contactId);
        },
      });
    } else if (w.location === "settings.user") {
      registry.registerSettingsPanel({
        id,
        title: label,
        mount: async (el) => {
          // The panel's code loads with the module, on first use too.
          const panel = await import("./plugin/settings-panel.js");
          panel.mountLoadingPanel(el);
          let loaded;
          try {
            loaded = await load("use");
          } catch (e) {
            return panel.mountUnavailablePanel(el, messageOf(e));
          }
          return panel.mountSettingsPanel(el, loaded, host);
        },
      });
    }
  }

  if (options.idleLoad !== false) {
    host.storage.get(LOAD_ON_IDLE_KEY).then((mark) => {
      if (mark) whenIdle(() => load("idle").catch(() => {}));
    }, () => {});
  }
  return { manifest, load: () => load("use"), loaded: () => api };
}

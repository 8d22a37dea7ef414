// The Google Contacts Sync plugin's loader: what a host (the demo CRM, or an adapter for a real
// CRM) imports and calls as `install(registry, host, config)`.
//
// It reads plugin-manifest.json, loads the WebAssembly module from bytes (so hosts that serve
// .wasm with the wrong MIME type still work), creates the API and wires the manifest's three entry
// points by location. If the module cannot load, the entries still register and explain the
// failure in plain words instead of disappearing.
//
// This file lives in the repository's `www/` folder. Hosts serve either the repository root
// (this file at /www/plugin-loader.js, the manifest at /plugin-manifest.json) or `www/` itself
// (this file at /plugin-loader.js, the manifest copied beside it): both layouts are tried.

import { syncSelectedContacts, syncOneContact, unavailableAction } from "./plugin/actions.js";
import { mountSettingsPanel, mountUnavailablePanel } from "./plugin/settings-panel.js";
import { loadFailureMessage } from "./plugin/messages.js";

const HERE = new URL("./", import.meta.url); // the www/ folder, however it is served

const FALLBACK_MANIFEST = {
  id: "google-contacts-sync",
  files: { js: "www/pkg/gcontacts_sync.js", wasm: "www/pkg/gcontacts_sync_bg.wasm" },
  modules: {
    widgets: [
      { name: "Sync Contact(s)", location: "contacts.list.bulk" },
      { name: "Sync with Google Contacts", location: "contacts.record.more" },
      { name: "Google Contacts Sync", location: "settings.user" },
    ],
  },
};

const LABELS = {
  "contacts.list.bulk": "Sync Contact(s)",
  "contacts.record.more": "Sync with Google Contacts",
  "settings.user": "Google Contacts Sync",
};

/** Fetches the manifest from beside this file, else from one level up. */
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
      tried.push(`${url.pathname} (${e && e.message ? e.message : e})`);
    }
  }
  const err = new Error(`plugin-manifest.json was not found (tried ${tried.join(", ")})`);
  err.code = "MANIFEST";
  throw err;
}

/**
 * Where a manifest file path (relative to the repository root, e.g. "www/pkg/x.js") is served:
 * paths under www/ are resolved from this file's folder, which is www/ in both layouts.
 */
export function resolveFile(path, manifestUrl, base = HERE) {
  const p = String(path).replace(/^\.\//, "");
  if (p.startsWith("www/")) return new URL(p.slice(4), base);
  return new URL(p, manifestUrl || base);
}

/** Loads the wasm-bindgen module and instantiates it from the wasm file's bytes. */
export async function loadModule(manifest, manifestUrl, base = HERE) {
  const files = (manifest && manifest.files) || FALLBACK_MANIFEST.files;
  const jsUrl = resolveFile(files.js || FALLBACK_MANIFEST.files.js, manifestUrl, base);
  const wasmUrl = resolveFile(files.wasm || FALLBACK_MANIFEST.files.wasm, manifestUrl, base);
  let glue;
  try {
    glue = await import(jsUrl.href);
  } catch (e) {
    throw new Error(`its JavaScript file ${jsUrl.pathname} did not load (${e && e.message ? e.message : e})`);
  }
  let bytes;
  try {
    const res = await fetch(wasmUrl);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = await res.arrayBuffer();
  } catch (e) {
    // Hosts that refuse to serve .wasm files get the inline build the manifest names.
    const inline = files.inlineWasm && resolveFile(files.inlineWasm, manifestUrl, base);
    try {
      if (!inline) throw e;
      bytes = (await import(inline.href)).wasmBytes();
    } catch {
      throw new Error(`its WebAssembly file ${wasmUrl.pathname} did not load (${e && e.message ? e.message : e})`);
    }
  }
  try {
    await glue.default({ module_or_path: bytes });
  } catch (e) {
    throw new Error(`its WebAssembly file could not be started (${e && e.message ? e.message : e})`);
  }
  if (typeof glue.GoogleContactsSync !== "function") {
    throw new Error("its program does not export GoogleContactsSync");
  }
  return glue;
}

/** The options `GoogleContactsSync.create` takes, from the host's config (either key style). */
export function apiOptions(config = {}) {
  const c = config || {};
  const clientId = c.googleClientId ?? c.oauthClientId;
  const options = {};
  const base = c.peopleApiBase ?? c.peopleApiBaseUrl;
  if (base) options.peopleApiBase = base;
  if (clientId) {
    options.oauth = { clientId };
    if (c.authUrl) options.oauth.authUrl = c.authUrl;
    if (c.revokeUrl) options.oauth.revokeUrl = c.revokeUrl;
    if (c.redirectUri) options.oauth.redirectUri = c.redirectUri;
  }
  return options;
}

/**
 * Installs the plugin into a host's registry. Resolves to `{ api, manifest, error }`: `api` is
 * null and `error` set when the plugin could not start (its entries then explain why).
 * `options.createApi(host, apiOptions)` replaces the wasm module (development and tests).
 */
export async function install(registry, host, config = {}, options = {}) {
  let manifest = FALLBACK_MANIFEST;
  let api = null;
  let error = null;
  try {
    let found;
    try {
      found = await loadManifest(options.base || HERE);
    } catch (e) {
      // Without a manifest the built-in one still names the usual files: try those.
      found = { manifest: FALLBACK_MANIFEST, url: new URL("../", options.base || HERE), missing: e };
    }
    manifest = found.manifest;
    if (options.createApi) {
      api = await options.createApi(host, apiOptions(config));
    } else {
      let glue;
      try {
        glue = await loadModule(manifest, found.url, options.base || HERE);
      } catch (e) {
        if (found.missing) e.message = `${found.missing.message}, and ${e.message}`;
        throw e;
      }
      api = await glue.GoogleContactsSync.create(host, apiOptions(config));
    }
  } catch (e) {
    error = e;
    api = null;
  }

  const pluginId = manifest.id || FALLBACK_MANIFEST.id;
  const widgets = (manifest.modules && Array.isArray(manifest.modules.widgets) && manifest.modules.widgets.length
    ? manifest.modules.widgets
    : FALLBACK_MANIFEST.modules.widgets);
  const failure = error ? loadFailureMessage(error) : "";

  for (const w of widgets) {
    const label = LABELS[w.location] ? (w.name || LABELS[w.location]) : w.name;
    const id = `${pluginId}.${w.location}`;
    if (w.location === "contacts.list.bulk") {
      registry.registerBulkAction({
        id,
        label,
        run: api ? (ids) => syncSelectedContacts(api, host, ids) : unavailableAction(host, failure),
      });
    } else if (w.location === "contacts.record.more") {
      registry.registerRecordAction({
        id,
        label,
        run: api ? (contactId) => syncOneContact(api, host, contactId) : unavailableAction(host, failure),
      });
    } else if (w.location === "settings.user") {
      registry.registerSettingsPanel({
        id,
        title: label,
        mount: api ? (el) => mountSettingsPanel(el, api, host) : (el) => mountUnavailablePanel(el, failure),
      });
    }
  }

  if (error) {
    host.ui.notify(failure, "error");
  } else {
    try {
      api.startScheduler();
    } catch (e) {
      host.ui.notify(loadFailureMessage(e), "error");
    }
  }
  return { api, manifest, error };
}

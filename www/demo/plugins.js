// @ts-check
// Where the demo CRM loads its plugins. The Google Contacts Sync plugin ships its own loader,
// `www/plugin-loader.js` (one level up from the demo), exporting
// `install(registry, host, config)`. When that file is absent the demo runs without plugins.

const DEFAULT_CONFIG = {
  // Where the plugin sends People API calls: the local emulator by default, Google's
  // "https://people.googleapis.com" in production.
  peopleApiBaseUrl: "http://127.0.0.1:8787",
  oauthClientId: "demo-crm-client",
  authUrl: "http://127.0.0.1:8787/o/oauth2/v2/auth",
};

/**
 * Reads `config.json` beside index.html (the demo launcher writes it), else the defaults.
 * @returns {Promise<import("../plugin-loader.js").PluginConfig>}
 */
export async function loadConfig(url = new URL("./config.json", import.meta.url)) {
  try {
    const res = await fetch(url, { cache: "no-store" });
    if (!res.ok) return { ...DEFAULT_CONFIG };
    const json = await res.json();
    return { ...DEFAULT_CONFIG, ...(json && typeof json === "object" ? json : {}) };
  } catch {
    return { ...DEFAULT_CONFIG };
  }
}

/**
 * Installs the plugins the demo knows about into `registry`, handing them `host`.
 * @param {import("../types").PluginRegistry} registry
 * @param {import("../types").CrmHost} host
 */
export async function loadPlugins(registry, host) {
  const url = new URL("../plugin-loader.js", import.meta.url);
  // Look before importing, so a missing loader is quiet but a broken one still reports.
  let present = false;
  try {
    present = (await fetch(url, { method: "HEAD", cache: "no-store" })).ok;
  } catch {
    present = false;
  }
  if (!present) return; // no plugin built yet: the demo works on its own
  const loader = await import(url.href);
  if (typeof loader.install !== "function") return;
  const config = await loadConfig();
  await loader.install(registry, host, config);
}

// Workbench for the settings panel and the contact actions: mounts them against the fake API
// (fake-api.js) over the demo CRM's IndexedDB host, so the UI can be looked at and clicked
// through before the real WebAssembly API exists. Development only.

import { openDemoHost } from "../../demo/host.js";
import { createRegistry } from "../../demo/registry.js";
import { createFakeApi } from "./fake-api.js";
import { mountSettingsPanel } from "../settings-panel.js";
import { syncSelectedContacts, syncOneContact } from "../actions.js";
import { install } from "../../plugin-loader.js";

const params = new URLSearchParams(location.search);
const log = document.getElementById("log");
const hostProgress = document.getElementById("host-progress");

const ui = {
  notify(message, level = "info") {
    const li = document.createElement("li");
    li.dataset.level = level;
    const tag = document.createElement("span");
    tag.className = "level";
    tag.textContent = `[${level}]`;
    li.append(tag, document.createTextNode(String(message)));
    log.append(li);
  },
  progress(p) {
    hostProgress.textContent = p ? `${p.label}: ${p.done} / ${p.total}` : "";
  },
};

function fakeOptions() {
  const fail = {};
  for (const pair of (params.get("fail") || "").split(",").filter(Boolean)) {
    const [method, code] = pair.split(":");
    fail[method] = code;
  }
  return {
    accounts: params.has("accounts") ? Number(params.get("accounts")) : 1,
    runs: params.get("runs") !== "0",
    held: params.get("held") === "1",
    fail,
    delayMs: params.has("delay") ? Number(params.get("delay")) : 150,
  };
}

function clickButton(name) {
  const b = [...document.querySelectorAll("button")].find((x) => x.textContent.trim() === name && !x.disabled);
  if (b) b.click();
  return b;
}

async function waitIdle(panel) {
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const root = panel.querySelector("[data-gcs-panel]");
    if (root && root.dataset.ready === "true" && root.getAttribute("aria-busy") !== "true") return;
  }
}

async function main() {
  const host = await openDemoHost({ dbName: "gcs-panel-dev", pluginId: "google-contacts-sync", ui });
  const panel = document.getElementById("panel");
  let api;
  if (params.get("loader") === "1") {
    // Through the real loader, with the fake in place of the wasm module.
    const registry = createRegistry();
    const result = await install(registry, host, {}, { createApi: (h) => createFakeApi(h, fakeOptions()) });
    api = result.api;
    const p = registry.settingsPanels()[0];
    ui.notify(`loader: ${registry.bulkActions().map((a) => a.label).join(", ")} | ${registry.recordActions().map((a) => a.label).join(", ")} | ${p ? p.title : "no panel"}${result.error ? ` | error: ${result.error.message}` : ""}`, "info");
    if (p) await p.mount(panel);
    document.getElementById("bulk").addEventListener("click", async () => {
      const ids = (await host.contacts.list({ pageSize: 3 })).items.map((c) => c.id);
      registry.bulkActions()[0].run(ids);
    });
    document.getElementById("record").addEventListener("click", async () => {
      registry.recordActions()[0].run((await host.contacts.list({ pageSize: 1 })).items[0].id);
    });
  } else {
    api = await createFakeApi(host, fakeOptions());
    await mountSettingsPanel(panel, api, host);
    document.getElementById("bulk").addEventListener("click", async () => {
      const ids = (await host.contacts.list({ pageSize: 3 })).items.map((c) => c.id);
      syncSelectedContacts(api, host, ids);
    });
    document.getElementById("record").addEventListener("click", async () => {
      syncOneContact(api, host, (await host.contacts.list({ pageSize: 1 })).items[0].id);
    });
  }
  globalThis.gcsBench = { api, host };

  const action = params.get("do");
  await waitIdle(panel);
  if (action === "preview") clickButton("Preview changes");
  else if (action === "sync") clickButton("Sync now");
  else if (action === "bulk") document.getElementById("bulk").click();
  else if (action === "record") document.getElementById("record").click();
  else if (action === "reset") clickButton("Reset sync data");
  else if (action === "backup") clickButton("Download backup");
  else if (action === "save") clickButton("Save");
  else if (action === "apply") {
    clickButton("Preview changes");
    await waitIdle(panel);
    clickButton("Apply");
  }
  await waitIdle(panel);
  document.documentElement.dataset.benchDone = "true";
}

main().catch((e) => ui.notify(`workbench failed: ${e && e.stack ? e.stack : e}`, "error"));

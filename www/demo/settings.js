// @ts-check
// The demo CRM's Settings page.

import { h, clear, uid } from "../plugin/dom.js";

/** @typedef {import("./app.js").DemoContext} DemoContext */

/**
 * The Settings page: the user's account and the settings panels plugins register.
 * @param {DemoContext} ctx
 */
export async function renderSettings(ctx) {
  const { host, registry, main, user, state, notify } = ctx;
  state.refresh = null;
  document.title = "Settings — Demo CRM";
  const container = h("div", { id: "plugin-settings", class: "plugin-settings" });
  clear(main).append(
    h("div", { class: "page-head" }, h("h1", { text: "Settings" })),
    h("section", { class: "card" }, h("h2", { text: "Your account" }), h("dl", { class: "fields" },
      h("dt", { text: "Name" }), h("dd", { text: user.name }),
      h("dt", { text: "Email" }), h("dd", { text: user.email || "—" }),
      h("dt", { text: "CRM instance" }), h("dd", {}, h("code", { text: host.instanceId })),
    )),
    h("h2", { class: "section-title", text: "Integrations" }),
    container,
  );
  const mounted = new Set();
  function mountPanels() {
    const panels = registry.settingsPanels();
    container.querySelector(".empty-panels")?.remove();
    if (panels.length === 0) {
      container.append(h("p", { class: "muted empty-panels", text: "No integrations are installed." }));
    }
    for (const p of panels) {
      if (mounted.has(p.id)) continue;
      mounted.add(p.id);
      const headingId = uid("panel");
      const body = h("div", { class: "plugin-panel", dataset: { pluginPanel: p.id } });
      container.append(h("section", { class: "card", "aria-labelledby": headingId }, h("h2", { id: headingId, text: p.title }), body));
      try {
        const r = p.mount(body);
        if (r instanceof Promise) r.catch((e) => notify(`${p.title}: ${e instanceof Error ? e.message : String(e)}`, "error"));
      } catch (e) {
        notify(`${p.title}: ${e instanceof Error ? e.message : String(e)}`, "error");
      }
    }
  }
  mountPanels();
  // A plugin that finishes loading while Settings is open still gets its panel shown.
  const off = registry.onChange(() => {
    if (container.isConnected) mountPanels();
    else off();
  });
}

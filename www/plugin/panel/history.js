// @ts-check
// The panel's run history for the selected account: the last 50 runs, newest first, with their
// trigger, result, counts per side, links, conflicts (both values) and errors.

import { h, clear, uid } from "../dom.js";
import { errorMessage, heldCount, plural, triggerLabel, formatTime } from "../messages.js";
import { conflictsTable } from "./preview.js";

/** @typedef {import("./context.js").PanelContext} PanelContext */

/** @param {PanelContext} ctx */
export function renderHistory(ctx) {
  const { state } = ctx;
  const box = ctx.boxes.history;
  clear(box);
  const a = ctx.selected();
  if (!a) return;
  const headingId = uid("gcs-s");
  box.setAttribute("aria-labelledby", headingId);
  box.append(h("h3", { id: headingId, text: "Run history" }));
  if (!state.runs.length) {
    box.append(h("p", { class: "gcs-empty", text: "No sync has run for this account yet." }));
    return;
  }
  /** @param {{ crm: number, google: number }} p */
  /** @param {{ crm: number, google: number }} p */
  const pair = (p) => `${p.crm} / ${p.google}`;
  const tbody = h("tbody");
  for (const r of state.runs.slice(0, 50)) {
    const conflicts = r.conflicts && r.conflicts.length
      ? h("details", {}, h("summary", { text: String(r.conflicts.length) }), conflictsTable(r.conflicts))
      : "0";
    const errs = r.errors && r.errors.length
      ? h("details", {}, h("summary", { text: String(r.errors.length) }), h("ul", { class: "gcs-errors" },
        r.errors.map((e) => h("li", {}, e.contact ? h("span", { class: "gcs-strong", text: `${e.contact}: ` }) : null, h("span", { text: errorMessage(e, { inPanel: true }) })))))
      : "0";
    const held = heldCount(r.held);
    tbody.append(h("tr", { class: r.ok ? "" : "gcs-row-failed" },
      h("td", {}, h("time", { datetime: r.startedAt, text: formatTime(r.startedAt) })),
      h("td", { text: triggerLabel(r.trigger) }),
      h("td", { text: r.ok ? (held ? `OK, ${plural(held, "deletion")} held` : "OK") : "Failed" }),
      h("td", { text: pair(r.created) }),
      h("td", { text: pair(r.updated) }),
      h("td", { text: pair(r.deleted) }),
      h("td", { text: `${r.linked} / ${r.unlinked}` }),
      h("td", {}, conflicts),
      h("td", {}, errs)));
  }
  box.append(
    h("p", { class: "gcs-hint", text: `The last ${plural(Math.min(state.runs.length, 50), "run")}, newest first. Counts read CRM / Google.` }),
    // Wider than a narrow screen: it scrolls sideways, so the keyboard must be able to reach it.
    h("div", { class: "gcs-table-wrap", tabIndex: 0, role: "region", "aria-label": "Run history, scrollable" }, h("table", { class: "gcs-table gcs-table-compact" },
      h("caption", { class: "gcs-sr-only", text: "Run history" }),
      h("thead", {}, h("tr", {}, ["Time", "Trigger", "Result", "Created (CRM / Google)", "Updated (CRM / Google)", "Deleted (CRM / Google)", "Linked / unlinked", "Conflicts", "Errors"].map((t) => h("th", { scope: "col", text: t })))),
      tbody)));
}

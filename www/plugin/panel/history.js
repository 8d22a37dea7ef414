// @ts-check
// The panel's run history for the selected account: the last 50 runs, newest first, with their
// trigger, result, counts per side, links, conflicts (both values) and errors. A run's errors
// take a row of their own under it, the table's full width, each a plain sentence with its
// technical side behind a disclosure.

import { h, clear, uid } from "../dom.js";
import { errorMessage, errorDetail, heldCount, plural, triggerLabel, formatTime } from "../messages.js";
import { conflictsTable, mergedList, notWrittenList } from "./preview.js";
import { techDetails } from "./context.js";

/** @typedef {import("./context.js").PanelContext} PanelContext */

const COLUMNS = ["Time", "Trigger", "Result", "Created (CRM / Google)", "Updated (CRM / Google)", "Deleted (CRM / Google)", "Linked / unlinked", "Conflicts", "Errors"];

/** @param {PanelContext} ctx */
export function renderHistory(ctx) {
  const { state } = ctx;
  const box = ctx.boxes.history;
  clear(box);
  const a = ctx.selected();
  if (!a) return;
  const headingId = uid("gcs-s");
  box.setAttribute("aria-labelledby", headingId);
  box.classList.add("gcs-history");
  box.append(h("h3", { id: headingId, text: "Run history" }));
  if (!state.runs.length) {
    box.append(h("p", { class: "gcs-empty", text: "No sync has run for this account yet." }));
    return;
  }
  /** @param {{ crm: number, google: number }} p */
  const pair = (p) => `${p.crm} / ${p.google}`;
  const tbody = h("tbody", { class: "gcs-runs" });
  for (const r of state.runs.slice(0, 50)) {
    const conflicts = r.conflicts && r.conflicts.length
      ? h("details", {}, h("summary", { text: String(r.conflicts.length) }), conflictsTable(r.conflicts))
      : "0";
    const errors = r.errors || [];
    const held = heldCount(r.held);
    const merged = r.merged || [];
    const notWritten = r.notWritten || [];
    const result = r.ok ? (held ? `OK, ${plural(held, "deletion")} held` : "OK") : "Failed";
    const cells = [
      ["Time", h("time", { datetime: r.startedAt, text: formatTime(r.startedAt) })],
      ["Trigger", triggerLabel(r.trigger)],
      ["Result", notWritten.length
        ? h("span", {}, result, h("details", {}, h("summary", { text: `${plural(notWritten.length, "contact")} not written to the CRM` }), notWrittenList(notWritten)))
        : result],
      ["Created", pair(r.created)],
      ["Updated", pair(r.updated)],
      ["Deleted", pair(r.deleted)],
      ["Linked / unlinked", merged.length
        ? h("span", {}, `${r.linked} / ${r.unlinked}`, h("details", {}, h("summary", { text: `${merged.length} merged in Google` }), mergedList(merged)))
        : `${r.linked} / ${r.unlinked}`],
      ["Conflicts", conflicts],
      ["Errors", String(errors.length)],
    ];
    tbody.append(h("tr", { class: r.ok ? "" : "gcs-row-failed" },
      cells.map(([label, content]) => h("td", { "data-label": label }, content))));
    if (errors.length) {
      tbody.append(h("tr", { class: ["gcs-run-errors", r.ok ? "" : "gcs-row-failed"] },
        h("td", { colspan: COLUMNS.length }, h("ul", { class: "gcs-errors", "aria-label": `Errors of the run at ${formatTime(r.startedAt)}` },
          errors.map((e) => h("li", {},
            e.contact ? h("span", { class: "gcs-strong", text: `${e.contact}: ` }) : null,
            h("span", { text: errorMessage(e, { inPanel: true }) }),
            techDetails(errorDetail(e))))))));
    }
  }
  box.append(
    h("p", { class: "gcs-hint", text: `The last ${plural(Math.min(state.runs.length, 50), "run")}, newest first. Counts read CRM / Google.` }),
    // Wider than a narrow screen: it scrolls sideways, so the keyboard must be able to reach it.
    h("div", { class: "gcs-table-wrap", tabIndex: 0, role: "region", "aria-label": "Run history, scrollable" }, h("table", { class: "gcs-table gcs-table-compact" },
      h("caption", { class: "gcs-sr-only", text: "Run history" }),
      h("thead", {}, h("tr", {}, COLUMNS.map((t) => h("th", { scope: "col", text: t })))),
      tbody)));
}

// @ts-check
// The panel's run history for the selected account: the last 50 runs, newest first, with their
// trigger, result, counts per side, links, conflicts (both values) and errors. A run's errors
// take a row of their own under it, the table's full width, each a plain sentence with its
// technical side behind a disclosure. The contacts a run could not sync are listed under it too,
// each with its name (linked to its record on its side), the side, why, and whether the next
// run tries again.

import { h, clear, uid } from "../dom.js";
import { errorMessage, errorDetail, heldCount, plural, triggerLabel, formatTime, reportState, reportFailures, failureLine } from "../messages.js";
import { conflictsTable, mergedList, notWrittenList } from "./preview.js";
import { techDetails } from "./context.js";
import { previewUndo } from "./sync.js";

/** How many runs keep what they wrote when the settings do not say (`undo.runs`). */
const UNDOABLE = 5;

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
  // "Undo this run" is offered for the runs kept to be undone, newest first: as many as the
  // settings keep (`undo.runs`; 0 keeps none).
  const keep = state.settings && state.settings.undo;
  let undoable = keep ? keep.runs : UNDOABLE;
  for (const r of state.runs.slice(0, 50)) {
    const wrote = r.created.crm + r.created.google + r.updated.crm + r.updated.google + r.deleted.crm + r.deleted.google > 0;
    const undo = wrote && undoable-- > 0
      ? h("button", { type: "button", class: "gcs-btn gcs-btn-small", "data-gcs-action": "", text: "Undo this run",
        "aria-label": `Undo this run: ${formatTime(r.startedAt)}`, onclick: () => previewUndo(ctx, r.startedAt) })
      : null;
    const conflicts = r.conflicts && r.conflicts.length
      ? h("details", {}, h("summary", { text: String(r.conflicts.length) }), conflictsTable(r.conflicts))
      : "0";
    // A contact's error shows in its line of the failures list, its technical side with it.
    const listed = new Set((r.failures || []).map((f) => f.crmId).filter(Boolean));
    const errors = (r.errors || []).filter((e) => !(e.contact && listed.has(e.contact)));
    const held = heldCount(r.held);
    const merged = r.merged || [];
    const notWritten = r.notWritten || [];
    const result = held ? `${reportState(r)}, ${plural(held, "deletion")} held` : reportState(r);
    const cells = [
      ["Time", h("span", {}, h("time", { datetime: r.startedAt, text: formatTime(r.startedAt) }), undo ? " " : null, undo)],
      ["Trigger", r.undoes ? `Undo of the run of ${formatTime(r.undoes)}` : triggerLabel(r.trigger)],
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
      ["Errors", String((r.errors || []).length)],
    ];
    const failedRow = reportState(r) === "Failed" ? "gcs-row-failed" : "";
    tbody.append(h("tr", { class: failedRow },
      cells.map(([label, content]) => h("td", { "data-label": label }, content))));
    const list = failuresList(ctx, r);
    if (list) tbody.append(h("tr", { class: ["gcs-run-errors", failedRow] }, h("td", { colspan: COLUMNS.length }, list)));
    if (errors.length) {
      tbody.append(h("tr", { class: ["gcs-run-errors", failedRow] },
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

/**
 * Where a contact of a failure lives: its CRM page where the host gives one, else its Google
 * Contacts page.
 * @param {PanelContext} ctx
 * @param {import("../../types").ContactFailure} f
 */
function recordLink(ctx, f) {
  const url = ctx.host && ctx.host.contacts && ctx.host.contacts.url;
  if (f.side === "crm" && f.crmId && typeof url === "function") {
    try {
      return { href: String(url.call(ctx.host.contacts, f.crmId)), where: "Open in the CRM" };
    } catch {
      return null;
    }
  }
  if (f.resourceName) return { href: `https://contacts.google.com/person/${encodeURIComponent(f.resourceName.replace(/^people\//, ""))}`, where: "Open in Google Contacts" };
  if (f.crmId && typeof url === "function") {
    try {
      return { href: String(url.call(ctx.host.contacts, f.crmId)), where: "Open in the CRM" };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The contacts a run could not sync (and those that changed meanwhile), as a disclosure
 * (`data-gcs-failures` holds the run's start, for "Show them" to open it); null when none.
 * @param {PanelContext} ctx
 * @param {import("../../types").RunReport} r
 */
function failuresList(ctx, r) {
  const { failed, changed } = reportFailures(r);
  const all = [...failed, ...changed];
  if (!all.length) return null;
  const title = [
    failed.length ? `${failed.length} of ${plural(Math.max(r.contacts || 0, failed.length), "contact")} could not be synced` : "",
    changed.length ? `${plural(changed.length, "contact")} will sync at the next run` : "",
  ].filter(Boolean).join("; ");
  return h("details", { class: "gcs-failures", "data-gcs-failures": r.startedAt },
    h("summary", { text: title }),
    h("ul", { class: "gcs-errors", "aria-label": `Contacts not synced by the run at ${formatTime(r.startedAt)}` },
      all.map((f) => {
        const link = recordLink(ctx, f);
        const error = f.crmId ? (r.errors || []).find((e) => e.contact === f.crmId) : undefined;
        return h("li", {},
          h("span", { text: failureLine(f) }),
          link ? h("span", {}, " ", h("a", { href: link.href, target: "_blank", rel: "noopener noreferrer", text: link.where })) : null,
          error ? techDetails([errorDetail(error), error.hostCode ? `host: ${error.hostCode}` : ""].filter(Boolean).join(" \u00b7 ")) : null);
      })));
}

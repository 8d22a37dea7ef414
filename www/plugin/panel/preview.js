// @ts-check
// What a sync would change, shown before it changes anything: each operation with its contact,
// side and field diffs (before → after), the conflicts with both values, the ambiguous matches
// set aside, and the deletions the guard holds. The run history shows conflicts the same way.

import { h, uid } from "../dom.js";
import { heldCount, plural, opLabel, sideLabel } from "../messages.js";

/**
 * @typedef {import("../../types").Plan} Plan
 * @typedef {import("../../types").Conflict} Conflict
 * @typedef {import("../../types").AmbiguousMatch} AmbiguousMatch
 * @typedef {import("../../types").HeldDeletions} HeldDeletions
 */

/** Why a contact was set aside, in words (the candidates follow). */
/** @param {AmbiguousMatch} m */
function ambiguityText(m) {
  switch (m.reason) {
    case "namesDiffer":
      return `has the same ${m.rule} as a contact with another family name`;
    case "severalTags":
      return `is linked to ${plural(m.candidates.length, "CRM contact")}`;
    default:
      return `matches ${plural(m.candidates.length, "contact")} by ${m.rule}`;
  }
}

/**
 * The held deletions as a list: the contact, the side, why.
 * @param {HeldDeletions[]} held
 */
export function deletionsList(held) {
  const list = h("ul", { class: "gcs-held-list" });
  for (const group of held) {
    for (const op of group.deletions || []) {
      list.append(h("li", {}, h("span", { class: "gcs-strong", text: op.name || op.crmId || op.resourceName || "(no name)" }),
        ` — delete in ${sideLabel(group.side)}`, op.reason ? h("span", { class: "gcs-muted", text: ` (${op.reason})` }) : null));
    }
  }
  return list;
}

/**
 * The preview of a plan: the operations with their field diffs, conflicts, ambiguous matches,
 * held deletions and the plan's text. `apply` is the button that runs it; `close` hides it.
 * @param {Plan} plan
 * @param {{ apply: HTMLElement, close: () => void }} o
 */
export function renderPlan(plan, { apply, close }) {
  const headingId = uid("gcs-plan");
  const box = h("div", { class: "gcs-plan", role: "region", "aria-labelledby": headingId });
  box.append(h("h4", { id: headingId, tabIndex: -1, text: "Preview" }));
  const ops = plan.operations || [];
  /** @type {Record<string, number>} */
  const counts = {};
  for (const op of ops) counts[op.op] = (counts[op.op] || 0) + 1;
  box.append(h("p", { text: ops.length
    ? `A sync would make ${plural(ops.length, "change")}: ${Object.entries(counts).map(([k, v]) => `${v} ${opLabel(k).toLowerCase()}`).join(", ")}. Nothing has been changed yet.`
    : "Nothing to change: both sides agree." }));

  if (ops.length) {
    const tbody = h("tbody");
    for (const op of ops) {
      const changes = h("td", { class: "gcs-diffs" });
      if (op.diffs && op.diffs.length) {
        const ul = h("ul", {});
        for (const d of op.diffs) {
          ul.append(h("li", {}, h("span", { class: "gcs-field-name", text: `${d.field}: ` }),
            h("span", { class: d.before === "" ? "gcs-nothing" : "gcs-before", text: d.before === "" ? "(empty)" : d.before }), " → ",
            h("span", { class: d.after === "" ? "gcs-nothing" : "gcs-after", text: d.after === "" ? "(empty)" : d.after })));
        }
        changes.append(ul);
      }
      if (op.reason) changes.append(h("div", { class: "gcs-muted", text: op.reason }));
      tbody.append(h("tr", {}, h("td", { text: opLabel(op.op) }), h("td", { text: sideLabel(op.side) }), h("td", { text: op.name || op.crmId || op.resourceName || "" }), changes));
    }
    box.append(h("div", { class: "gcs-table-wrap" }, h("table", { class: "gcs-table" },
      h("caption", { class: "gcs-sr-only", text: "Planned changes" }),
      h("thead", {}, h("tr", {}, ["Operation", "Side", "Contact", "Changes"].map((t) => h("th", { scope: "col", text: t })))),
      tbody)));
  }

  if (plan.conflicts && plan.conflicts.length) {
    box.append(h("h5", { text: `Conflicts (${plan.conflicts.length})` }), conflictsTable(plan.conflicts));
  }
  if (plan.ambiguous && plan.ambiguous.length) {
    const ul = h("ul", { class: "gcs-ambiguous" });
    for (const m of plan.ambiguous) {
      ul.append(h("li", { "data-reason": m.reason || "" }, h("span", { class: "gcs-strong", text: m.name || m.id }), ` (${sideLabel(m.side)}) ${ambiguityText(m)}: `, h("span", { text: m.candidates.join(", ") })));
    }
    box.append(h("h5", { text: `Ambiguous matches (${plan.ambiguous.length})` }),
      h("p", { class: "gcs-hint", text: "Nothing is created or linked for these contacts. Make them distinct (for example, remove a shared email) and preview again." }), ul);
  }
  if (heldCount(plan.held)) {
    box.append(h("h5", { text: `Held deletions (${heldCount(plan.held)})` }),
      h("p", { class: "gcs-hint", text: "More deletions than the safety limit: Apply will not delete these; use the confirmation button above if they are intended." }),
      deletionsList(plan.held));
  }
  box.append(h("details", { class: "gcs-details" }, h("summary", { text: "Preview text" }), h("pre", { class: "gcs-pre", text: plan.text || "" })));
  box.append(h("div", { class: "gcs-actions" },
    apply,
    h("button", { type: "button", class: "gcs-btn", text: "Close preview", onclick: close })));
  return box;
}

/**
 * Conflicts with both values and the side kept.
 * @param {Conflict[]} conflicts
 */
export function conflictsTable(conflicts) {
  return h("div", { class: "gcs-table-wrap" }, h("table", { class: "gcs-table gcs-table-compact" },
    h("thead", {}, h("tr", {}, ["Contact", "Field", "CRM value", "Google value", "Kept"].map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, conflicts.map((c) => h("tr", {},
      h("td", { text: c.name || c.crmId }), h("td", { text: c.field }),
      h("td", { text: c.crm === "" ? "(empty)" : c.crm }), h("td", { text: c.google === "" ? "(empty)" : c.google }),
      h("td", { text: `${sideLabel(c.kept)}${c.rule ? ` (${c.rule})` : ""}` }))))));
}

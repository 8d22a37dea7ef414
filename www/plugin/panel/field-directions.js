// @ts-check
// The settings form's "Direction per field": a select per synced field (both ways, CRM → Google
// only, Google → CRM only, not synced). A change is previewed before a sync applies it.

import { h, select, field } from "../dom.js";

/**
 * @typedef {import("../../types").FieldDirections} FieldDirections
 * @typedef {import("../../types").FieldDirection} FieldDirection
 */

/** The synced fields, by the key the settings name them, with the label the user reads. */
const FIELDS = /** @type {const} */ ([
  ["prefix", "Name prefix"],
  ["firstName", "First name"],
  ["middleName", "Middle name"],
  ["lastName", "Last name"],
  ["suffix", "Name suffix"],
  ["emails", "Emails"],
  ["phones", "Phones"],
  ["addresses", "Addresses"],
  ["birthday", "Birthday"],
  ["company", "Company"],
  ["title", "Job title"],
  ["notes", "Notes"],
  ["tags", "Tags (Google labels)"],
  ["photo", "Photo"],
]);

/** The directions a field can take, as the settings name them and the user reads them. */
export const DIRECTION_CHOICES = [
  { value: "both", label: "Both ways" },
  { value: "crmToGoogle", label: "CRM → Google only" },
  { value: "googleToCrm", label: "Google → CRM only" },
  { value: "notSynced", label: "Not synced" },
];

/**
 * The fieldset, and the directions it holds (only the fields that are not two-way).
 * @param {FieldDirections | undefined} current
 * @returns {{ fieldset: HTMLElement, value: () => FieldDirections }}
 */
export function fieldDirections(current) {
  const now = current || {};
  const selects = FIELDS.map(([key, label]) => {
    const sel = select({ "data-gcs-field-direction": key }, DIRECTION_CHOICES, now[key] || "both");
    return { key, sel, row: field(label, sel) };
  });
  const fieldset = h("fieldset", { class: "gcs-fieldset" }, h("legend", { text: "Direction per field" }),
    h("p", { class: "gcs-hint", text: "Choose which way each field goes. A one-way field is never copied back, and an edit of it on both sides is not a conflict: the side it comes from wins. A field that is not synced is left as each side has it. After a change, the next sync shows a preview first and changes nothing until you apply it." }),
    h("div", { class: "gcs-grid" }, ...selects.map((s) => s.row)));
  const value = () => {
    /** @type {FieldDirections} */
    const out = {};
    for (const { key, sel } of selects) {
      if (sel.value !== "both") out[key] = /** @type {FieldDirection} */ (sel.value);
    }
    return out;
  };
  return { fieldset, value };
}

/** @param {string} key @param {string} [label] A custom field's label (`key` "custom"). */
function fieldLabel(key, label) {
  if (key === "custom" && label) return label;
  const f = FIELDS.find(([k]) => k === key);
  return f ? f[1] : key;
}

/** @param {string} d */
function directionLabel(d) {
  const c = DIRECTION_CHOICES.find((x) => x.value === d);
  return c ? c.label : d;
}

/**
 * The preview's lines for the fields' directions: each changed direction, then each difference
 * a direction holds back (its contact, the side it is not written on, what that side keeps).
 * @param {import("../../types").Plan} plan
 * @returns {string[]}
 */
export function directionLines(plan) {
  const lines = (plan.directionChanges || []).map((c) =>
    `Direction changed: ${fieldLabel(c.field, c.label)}: ${directionLabel(c.after)} (was ${directionLabel(c.before)})`);
  for (const x of plan.byDirection || []) {
    const side = x.held.side === "crm" ? "the CRM" : "Google";
    lines.push(`Not written to ${side} (${fieldLabel(x.held.field, x.held.label)}: ${directionLabel(x.held.direction)}): ${x.name || "(no name)"} keeps ${JSON.stringify(x.held.before)}, not ${JSON.stringify(x.held.after)}`);
  }
  return lines;
}

/**
 * The preview's section on the fields' directions, when it has anything to say.
 * @param {import("../../types").Plan} plan
 * @returns {HTMLElement | null}
 */
export function directionSection(plan) {
  const lines = directionLines(plan);
  if (!lines.length) return null;
  const changed = (plan.directionChanges || []).length;
  return h("div", { class: "gcs-directions", "data-gcs-directions": "" },
    h("h5", { text: "Direction per field" }),
    h("p", { class: "gcs-hint", text: changed
      ? "The direction of these fields changed since the last sync: Apply syncs with the new directions, and later syncs follow them."
      : "These differences stay: their field does not go that way." }),
    h("ul", {}, ...lines.map((t) => h("li", { text: t }))));
}

// @ts-check
// The demo CRM's own contact fields, beyond the standard ones: declared to plugins in the host's
// capabilities (`customFields`), checked by type when written, shown on the contact's page and
// edited in its form. Values are text: a number in plain digits, a date "YYYY-MM-DD", a choice
// by its label, a URL starting with http:// or https://.

import { h, uid } from "../plugin/dom.js";
import { HostError } from "./host.js";

/** @typedef {import("../types").CustomFieldDecl} CustomFieldDecl */

/** @type {CustomFieldDecl[]} */
export const CUSTOM_FIELDS = [
  { key: "customerNumber", label: "Customer number", type: "number" },
  { key: "leadSource", label: "Lead source", type: "choice", choices: ["Website", "Referral", "Trade show", "Cold call"] },
  { key: "language", label: "Preferred language", type: "text" },
  { key: "renewal", label: "Contract renewal", type: "date" },
  { key: "profile", label: "Profile page", type: "url" },
];

/** The longest value the demo stores in a custom field. */
const MAX_LENGTH = 1024;

/**
 * Why `value` does not fit `f`, or null when it does.
 * @param {CustomFieldDecl} f
 * @param {string} value
 */
function problem(f, value) {
  if (value.length > MAX_LENGTH) return `is longer than ${MAX_LENGTH} characters`;
  switch (f.type) {
    case "number":
      return /^-?\d+(?:\.\d+)?$/.test(value) ? null : "must be a number in plain digits, e.g. 1042 or 12.5";
    case "date": {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      const d = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      const real = d && d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
      return real ? null : "must be a real date written YYYY-MM-DD";
    }
    case "choice":
      return (f.choices || []).includes(value) ? null : `must be one of ${(f.choices || []).map((c) => JSON.stringify(c)).join(", ")}`;
    case "url": {
      let ok = false;
      try {
        ok = ["http:", "https:"].includes(new URL(value).protocol);
      } catch {
        ok = false;
      }
      return ok ? null : "must be a web address starting with http:// or https://";
    }
    default:
      return null;
  }
}

/**
 * Checks the `custom` of a contact input: an object of the declared keys, each a string ("" or
 * null clears it). Answers the values to set, with `undefined` for those to clear.
 * @param {unknown} value
 * @param {string} where Names the input in error messages.
 * @returns {Record<string, string | undefined>}
 */
export function checkCustom(value, where) {
  if (value === null) return Object.fromEntries(CUSTOM_FIELDS.map((f) => [f.key, undefined]));
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new HostError("INVALID_INPUT", `${where}: field "custom" must be an object of custom field values`, { field: "custom" });
  }
  /** @type {Record<string, string | undefined>} */
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    const f = CUSTOM_FIELDS.find((x) => x.key === key);
    const path = `custom.${key}`;
    if (!f) throw new HostError("INVALID_INPUT", `${where}: field "${path}" is not a custom field of this CRM`, { field: path });
    if (v === null || v === undefined || v === "") {
      out[key] = undefined;
      continue;
    }
    if (typeof v !== "string") throw new HostError("INVALID_INPUT", `${where}: field "${path}" (${f.label}) must be a string`, { field: path });
    const why = problem(f, v);
    if (why) throw new HostError("INVALID_INPUT", `${where}: field "${path}" (${f.label}) ${why}, got ${JSON.stringify(v)}`, { field: path });
    out[key] = v;
  }
  return out;
}

/**
 * A contact's custom values after a write of `changes` (from checkCustom): only the keys named
 * change; the result is undefined when no value is left.
 * @param {Record<string, string> | undefined} current
 * @param {Record<string, string | undefined>} changes
 * @returns {Record<string, string> | undefined}
 */
export function applyCustom(current, changes) {
  const next = { ...(current || {}) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  return Object.keys(next).length ? next : undefined;
}

/**
 * The contact page's rows (a term and its value, or none) for the custom fields.
 * @param {Record<string, string> | undefined} custom
 * @param {(label: string, value: import("../plugin/dom.js").Child) => import("../plugin/dom.js").Child[]} row
 */
export function customRows(custom, row) {
  return CUSTOM_FIELDS.flatMap((f) => {
    const v = custom && custom[f.key];
    if (!v) return row(f.label, undefined);
    // A web address is a link (http or https only, as written); its text is the address.
    return row(f.label, f.type === "url" ? h("a", { href: v, rel: "noopener noreferrer", target: "_blank", text: v }) : h("span", { text: v }));
  });
}

/**
 * The form's "Custom fields" inputs, and the values they hold ("" for an emptied one, so that a
 * save clears it).
 * @param {Record<string, string> | undefined} current
 * @returns {{ section: HTMLElement, value: () => Record<string, string> }}
 */
export function customInputs(current) {
  const inputs = CUSTOM_FIELDS.map((f) => {
    const id = uid(`custom-${f.key}`);
    const now = (current && current[f.key]) || "";
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let control;
    if (f.type === "choice") {
      const choices = f.choices || [];
      const offered = now && !choices.includes(now) ? [...choices, now] : choices;
      control = /** @type {HTMLSelectElement} */ (h("select", { id, name: `custom-${f.key}` }, h("option", { value: "", text: "—" }),
        offered.map((c) => h("option", { value: c, text: c, selected: c === now }))));
    } else {
      const type = f.type === "date" ? "date" : f.type === "url" ? "url" : "text";
      control = /** @type {HTMLInputElement} */ (h("input", { id, name: `custom-${f.key}`, type, value: now, autocomplete: "off", inputmode: f.type === "number" ? "decimal" : undefined }));
    }
    return { f, control, el: h("div", { class: "field" }, h("label", { htmlFor: id, text: f.label }), control) };
  });
  const section = h("section", { class: "card" }, h("h2", { text: "Custom fields" }), h("div", { class: "form-grid" }, inputs.map((i) => i.el)));
  const value = () => Object.fromEntries(inputs.map(({ f, control }) => [f.key, control.value.trim()]));
  return { section, value };
}

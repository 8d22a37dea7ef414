// @ts-check
// The settings form's "Custom fields": for each custom contact field the CRM declares
// (`capabilities.customFields`), the Google field it syncs with (a `userDefined` entry, by
// default named as the CRM names the field) and its direction.

import { h, select, field } from "../dom.js";
import { DIRECTION_CHOICES } from "./field-directions.js";

/**
 * @typedef {import("../../types").CustomFieldDecl} CustomFieldDecl
 * @typedef {import("../../types").Settings} Settings
 * @typedef {import("../../types").FieldDirection} FieldDirection
 * @typedef {NonNullable<Settings["customFields"]>} CustomSettings
 */

/** Google's limit on a `userDefined` entry's key, as on its value. */
const MAX_KEY = 1024;

/**
 * The fieldset (null when the CRM declares no custom field), the settings it holds (only the
 * fields mapped otherwise than by default), and a check of what the user typed.
 * @param {CustomFieldDecl[] | undefined} declared
 * @param {CustomSettings | undefined} current
 * @returns {{ fieldset: HTMLElement | null, controls: HTMLElement[], value: () => CustomSettings, problems: () => [HTMLElement, string][] }}
 */
export function customFields(declared, current) {
  const fields = Array.isArray(declared) ? declared.filter((f) => f && typeof f.key === "string" && typeof f.label === "string") : [];
  if (!fields.length) return { fieldset: null, controls: [], value: () => ({}), problems: () => [] };
  const now = current || {};
  const rows = fields.map((f) => {
    const mine = now[f.key] || {};
    const key = /** @type {HTMLInputElement} */ (h("input", { type: "text", value: mine.googleKey || "", placeholder: f.label, maxLength: MAX_KEY, autocomplete: "off", "data-gcs-custom-key": f.key }));
    const dir = select({ "data-gcs-custom-direction": f.key }, DIRECTION_CHOICES, mine.direction || "both");
    return {
      f, key, dir,
      el: h("div", { class: "gcs-grid" },
        field(`${f.label}: Google field name`, key),
        field(`${f.label}: direction`, dir)),
    };
  });
  const fieldset = h("fieldset", { class: "gcs-fieldset" }, h("legend", { text: "Custom fields" }),
    h("p", { class: "gcs-hint", text: "Each of the CRM's own fields syncs with a custom field of the Google contact (shown in Google Contacts under \u201cCustom\u201d), named as the CRM names it unless you name it here. Changing the name makes the next sync read the field under its new name." }),
    ...rows.map((r) => r.el));
  const value = () => {
    /** @type {CustomSettings} */
    const out = {};
    for (const { f, key, dir } of rows) {
      const googleKey = key.value.trim();
      /** @type {{ googleKey?: string, direction?: FieldDirection }} */
      const s = {};
      if (googleKey && googleKey !== f.label) s.googleKey = googleKey;
      if (dir.value !== "both") s.direction = /** @type {FieldDirection} */ (dir.value);
      if (Object.keys(s).length) out[f.key] = s;
    }
    return out;
  };
  const problems = () => {
    /** @type {[HTMLElement, string][]} */
    const out = [];
    /** @type {Map<string, string>} */
    const taken = new Map();
    for (const { f, key } of rows) {
      const name = key.value.trim() || f.label;
      const other = taken.get(name);
      if (other !== undefined) out.push([key, `${other} already syncs with the Google field \u201c${name}\u201d: choose another name.`]);
      else taken.set(name, f.label);
    }
    return out;
  };
  return { fieldset, controls: rows.map((r) => r.key), value, problems };
}

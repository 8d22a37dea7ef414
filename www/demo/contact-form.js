// @ts-check
// The demo CRM's contact form: edit a contact or create one, with repeated rows for emails,
// phones and addresses.

import { h, clear, uid } from "../plugin/dom.js";
import { fullName } from "./host.js";
import { customInputs } from "./custom-fields.js";

/**
 * @typedef {import("./app.js").DemoContext} DemoContext
 * @typedef {import("../types").CrmContactInput} CrmContactInput
 * @typedef {"prefix" | "firstName" | "middleName" | "lastName" | "suffix" | "status" | "company" | "title" | "birthday" | "notes"} TextField
 * @typedef {{ value?: string, type?: string | null, primary?: boolean } & import("../types").CrmAddress} Item
 *   An email, phone or address as its inputs hold it.
 * @typedef {{ [K in TextField]?: string } & { emails: Item[], phones: Item[], addresses: Item[] }} Draft
 *   The contact being edited.
 */

/** @type {TextField[]} */
const TEXT_FIELDS = ["prefix", "firstName", "middleName", "lastName", "suffix", "status", "company", "title", "birthday", "notes"];

const EMAIL_TYPES = ["home", "work", "other"];
const PHONE_TYPES = ["mobile", "home", "work", "main", "other"];
const ADDRESS_TYPES = ["home", "work", "other"];

/**
 * The type of an email, phone or address; a type outside the usual ones stays offered.
 * @param {string[]} types
 * @param {string | undefined} value
 * @param {string} label
 */
function typeSelect(types, value, label) {
  const opts = value && !types.includes(value) ? [...types, value] : types;
  return h("select", { "aria-label": label, class: "type-select" }, h("option", { value: "", text: "—" }), opts.map((t) => h("option", { value: t, text: t, selected: t === value })));
}

/**
 * The edit form of a contact, or with a null id the New contact form.
 * @param {DemoContext} ctx
 * @param {string | null} id
 */
export async function renderForm(ctx, id) {
  const { host, main, statuses, state, notify } = ctx;
  state.refresh = null; // never pull the form out from under the user
  /** @type {import("../types").CrmContact | null} */
  let c = null;
  if (id) {
    const page = state.page;
    [c] = await host.contacts.get([id]);
    if (state.page !== page) return;
    if (!c) {
      clear(main).append(h("h1", { text: "Contact not found" }), h("a", { href: "#/contacts", text: "Back to contacts" }));
      return;
    }
  }
  /** @type {Draft} */
  const data = c ? structuredClone(c) : { emails: [{ value: "", type: "home" }], phones: [{ value: "", type: "mobile" }], addresses: [], status: "New" };
  const title = c ? `Edit ${fullName(c)}` : "New contact";
  document.title = `${title} — Demo CRM`;
  const errorBox = h("div", { class: "form-error", role: "alert", tabIndex: -1, hidden: true });

  /**
   * A labelled text input (or textarea) bound to a text field of the draft.
   * @param {TextField} key
   * @param {string} label
   * @param {{ multiline?: boolean, placeholder?: string, hint?: string, wide?: boolean }} [opts]
   */
  const text = (key, label, opts = {}) => {
    const inputId = uid(key);
    const input = h(opts.multiline ? "textarea" : "input", { id: inputId, name: key, type: opts.multiline ? undefined : "text", value: data[key] || "", placeholder: opts.placeholder, rows: opts.multiline ? 4 : undefined, autocomplete: "off", "aria-describedby": opts.hint ? `${inputId}-hint` : undefined });
    input.addEventListener("input", () => {
      data[key] = input.value;
    });
    return h("div", { class: ["field", opts.wide ? "field-wide" : ""] }, h("label", { htmlFor: inputId, text: label }), input, opts.hint ? h("small", { id: `${inputId}-hint`, class: "hint", text: opts.hint }) : null);
  };

  const statusId = uid("status");
  const status = h("select", { id: statusId, onchange: () => {
    data.status = status.value;
  } }, h("option", { value: "", text: "—" }), statuses.map((s) => h("option", { value: s.value, text: s.label, selected: s.value === data.status })));

  /**
   * Repeated rows: emails, phones, addresses. Each list re-renders itself on add/remove.
   * @param {"emails" | "phones" | "addresses"} key
   * @param {string} noun
   * @param {string} plural
   * @param {(item: Item, n: number) => import("../plugin/dom.js").Child} render
   * @param {() => Item} blank
   */
  function repeated(key, noun, plural, render, blank) {
    const list = h("div", { class: "repeat-list" });
    const box = h("fieldset", { class: `repeat repeat-${key}` }, h("legend", { text: plural }), list);
    function draw() {
      clear(list);
      if (data[key].length === 0) list.append(h("p", { class: "muted", text: `No ${plural.toLowerCase()}.` }));
      data[key].forEach((item, i) => {
        const n = i + 1;
        list.append(h("div", { class: "repeat-row" }, render(item, n), h("button", { type: "button", class: "btn btn-small btn-ghost", "aria-label": `Remove ${noun} ${n}`, text: "Remove", onclick: () => {
          data[key].splice(i, 1);
          draw();
        } })));
      });
    }
    box.append(h("button", { type: "button", class: "btn btn-small", text: `Add ${noun}`, onclick: () => {
      data[key].push(blank());
      draw();
      list.querySelector(/** @type {"input"} */ (".repeat-row:last-child input"))?.focus();
    } }));
    draw();
    return box;
  }
  /**
   * Keeps `obj[key]` equal to the control's value.
   * @template {HTMLInputElement | HTMLSelectElement} E
   * @param {Item} obj
   * @param {Exclude<keyof Item, "primary">} key
   * @param {E} el
   */
  const bind = (obj, key, el) => {
    el.addEventListener(el.tagName === "SELECT" ? "change" : "input", () => {
      obj[key] = el.value;
    });
    return el;
  };
  const emails = repeated("emails", "email", "Emails", (e, n) => [
    bind(e, "value", h("input", { type: "text", inputmode: "email", "aria-label": `Email ${n}`, value: e.value || "", placeholder: "name@example.com", autocomplete: "off" })),
    bind(e, "type", typeSelect(EMAIL_TYPES, e.type ?? undefined, `Email ${n} type`)),
  ], () => ({ value: "", type: "home" }));
  const phones = repeated("phones", "phone", "Phones", (p, n) => [
    bind(p, "value", h("input", { type: "tel", "aria-label": `Phone ${n}`, value: p.value || "", placeholder: "+1 415 555 0132", autocomplete: "off" })),
    bind(p, "type", typeSelect(PHONE_TYPES, p.type ?? undefined, `Phone ${n} type`)),
  ], () => ({ value: "", type: "mobile" }));
  const addresses = repeated("addresses", "address", "Addresses", (a, n) => h("div", { class: "address-grid" },
    /** @type {[keyof import("../types").CrmAddress, string][]} */ ([["street", "Street"], ["extended", "Apartment, suite"], ["city", "City"], ["region", "Region / state"], ["postalCode", "Postal code"], ["country", "Country"], ["countryCode", "Country code"]])
      .map(([k, label]) => bind(a, k, h("input", { type: "text", "aria-label": `Address ${n} ${label.toLowerCase()}`, placeholder: label, value: a[k] || "", class: `addr-${k}`, autocomplete: "off", maxlength: k === "countryCode" ? "2" : undefined }))),
    bind(a, "type", typeSelect(ADDRESS_TYPES, a.type ?? undefined, `Address ${n} type`)),
  ), () => ({ type: "home" }));

  const custom = customInputs(c ? c.custom : undefined);
  const tagsId = uid("tags");
  const tagsInput = h("input", { id: tagsId, name: "tags", type: "text", value: (c && c.tags || []).join(", "), placeholder: "vip, lead", autocomplete: "off", "aria-describedby": `${tagsId}-hint` });
  const tagsField = h("div", { class: "field field-wide" }, h("label", { htmlFor: tagsId, text: "Tags" }), tagsInput, h("small", { id: `${tagsId}-hint`, class: "hint", text: "Separated by commas." }));

  const saveBtn = h("button", { type: "submit", class: "btn btn-primary", text: c ? "Save" : "Create contact" });
  const form = h("form", { class: "contact-form", novalidate: true, "aria-labelledby": "form-title" },
    errorBox,
    h("section", { class: "card" }, h("h2", { text: "Name" }), h("div", { class: "form-grid" },
      text("prefix", "Prefix"), text("firstName", "First name"), text("middleName", "Middle name"), text("lastName", "Last name"), text("suffix", "Suffix"),
    )),
    h("section", { class: "card" }, h("h2", { text: "Details" }), h("div", { class: "form-grid" },
      h("div", { class: "field" }, h("label", { htmlFor: statusId, text: "Status" }), status),
      text("company", "Company"), text("title", "Job title"),
      text("birthday", "Birthday", { placeholder: "YYYY-MM-DD or --MM-DD", hint: "Use --MM-DD when the year is unknown, e.g. --07-14." }),
    )),
    h("section", { class: "card" }, h("h2", { text: "Contact information" }), emails, phones, addresses),
    h("section", { class: "card" }, h("h2", { text: "Notes" }), text("notes", "Notes", { multiline: true, wide: true })),
    custom.section,
    h("section", { class: "card" }, h("h2", { text: "Tags" }), tagsField),
    h("div", { class: "form-actions" }, saveBtn, h("a", { class: "btn", href: c ? `#/contact/${encodeURIComponent(c.id)}` : "#/contacts", text: "Cancel" })),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errorBox.hidden = true;
    /** @type {CrmContactInput} */
    const fields = {};
    for (const k of TEXT_FIELDS) {
      const v = data[k];
      fields[k] = typeof v === "string" ? (k === "notes" ? v : v.trim()) : "";
    }
    /** @param {Item} o @returns {Item} */
    const keep = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "string" ? v.trim() : v]).filter(([, v]) => v !== "" && v !== undefined));
    // The inputs hold strings (and `primary` its flag): the kept items are the contract's items.
    const emails = /** @type {{ value: string, type?: string, primary?: boolean }[]} */ (data.emails.map(keep).filter((e) => e.value));
    const phones = /** @type {{ value: string, type?: string }[]} */ (data.phones.map(keep).filter((p) => p.value));
    const addresses = /** @type {import("../types").CrmAddress[]} */ (data.addresses.map(keep).filter((a) => Object.keys(a).some((k) => k !== "type")));
    if (emails.length && !emails.some((e) => e.primary)) emails[0].primary = true;
    addresses.forEach((a) => { if (a.countryCode) a.countryCode = a.countryCode.toUpperCase(); });
    const tags = tagsInput.value.split(",").map((t) => t.trim()).filter((t) => t !== "");
    Object.assign(fields, { emails, phones, addresses, tags });
    const values = custom.value();
    // A new contact is sent the values set; an edit all of them ("" clears one).
    fields.custom = c ? values : Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    if (!fields.firstName && !fields.lastName && !fields.company && emails.length === 0 && phones.length === 0) {
      errorBox.textContent = "Enter at least a name, a company, an email or a phone.";
      errorBox.hidden = false;
      errorBox.focus?.();
      return;
    }
    saveBtn.disabled = true;
    try {
      let saved;
      if (c) {
        [saved] = await host.contacts.update([{ id: c.id, fields, ifModifiedAt: c.modifiedAt }]);
        notify(`Saved ${fullName(saved)}.`, "success");
      } else {
        const create = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ""));
        [saved] = await host.contacts.create([create]);
        notify(`Created ${fullName(saved)}.`, "success");
      }
      location.hash = `#/contact/${encodeURIComponent(saved.id)}`;
    } catch (e) {
      const err = /** @type {Error & { code?: string }} */ (e);
      errorBox.textContent = err.code === "CONFLICT"
        ? "This contact was changed elsewhere (perhaps by a sync) while you were editing. Reload it and apply your edits again."
        : `Could not save: ${String(err.message).replace(/^contacts\.\w+: item \d+(?: \(contact [^)]*\))?: /, "")}`;
      errorBox.hidden = false;
      errorBox.scrollIntoView({ block: "center" });
    } finally {
      saveBtn.disabled = false;
    }
  });

  clear(main).append(
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("a", { href: "#/contacts", text: "Contacts" }), h("span", { "aria-hidden": "true", text: " / " }), c ? [h("a", { href: `#/contact/${encodeURIComponent(c.id)}`, text: fullName(c) }), h("span", { "aria-hidden": "true", text: " / " })] : null, h("span", { text: c ? "Edit" : "New" })),
    h("div", { class: "page-head" }, h("h1", { id: "form-title", text: title })),
    form,
  );
  form.querySelector("input")?.focus();
}

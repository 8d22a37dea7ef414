// @ts-check
// A tiny DOM builder for the plugin's UI, and for the demo CRM's (it imports this file rather
// than keep a copy). Data only ever reaches the page as text nodes, DOM properties or attribute
// values: never as markup, so a contact named `<img src=x onerror=alert(1)>` shows as those
// characters.

/**
 * A child of `h()`: a node, text (strings, numbers), nothing (null, undefined, false), or a list
 * of children.
 * @typedef {Node | string | number | null | undefined | false | ChildList} Child
 * @typedef {Child[]} ChildList
 */

/**
 * Properties set as DOM properties rather than attributes (so `checked: false`, `value` and
 * `htmlFor` mean what they say).
 */
const PROPS = new Set([
  "value", "checked", "disabled", "hidden", "selected", "indeterminate", "htmlFor", "tabIndex", "type", "name",
  "id", "href", "title", "placeholder", "required", "min", "max", "step", "maxLength", "pattern", "open",
  "autocomplete", "rows",
]);

/**
 * h("button", { class, text, onclick, "aria-label": … }, ...children). `class` takes a string or
 * a list (falsy items dropped), `text` sets the text, `dataset` an object, `on…` a listener;
 * null, undefined and false leave a property out, true sets an empty attribute.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : String(v);
    else if (k === "text") el.textContent = String(v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (PROPS.has(k)) /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (el))[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/**
 * Appends children (see {@link Child}) to `el`.
 * @template {Element} E
 * @param {E} el
 * @param {Child} children
 * @returns {E}
 */
export function append(el, children) {
  for (const c of /** @type {unknown[]} */ ([children]).flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * Removes every child of `el`.
 * @template {Element} E
 * @param {E} el
 * @returns {E}
 */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let counter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = "gcs") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * A <select> with options [{ value, label }] and the given value selected.
 * @param {Record<string, unknown>} props
 * @param {{ value: string, label: string }[]} options
 * @param {string | undefined} value
 */
export function select(props, options, value) {
  const el = h("select", props);
  for (const o of options) el.append(h("option", { value: o.value, text: o.label, selected: o.value === value }));
  if (value !== undefined && options.some((o) => o.value === value)) el.value = value;
  return el;
}

/**
 * A labelled field: <div class=gcs-field><label for>…</label>control hint</div>.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  if (!control.id) control.id = uid("gcs-f");
  const hintEl = hint ? h("p", { class: "gcs-hint", id: uid("gcs-h"), text: hint }) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "gcs-field" }, h("label", { htmlFor: control.id, text: label }), control, hintEl);
}

/**
 * Shows (or, with null, clears) an error under a control: the control is marked `aria-invalid`
 * and described by the error's text first, then by its hint, so a screen reader reads what is
 * wrong as the field takes focus.
 * @param {HTMLElement} control
 * @param {string | null} text
 */
export function fieldError(control, text) {
  const next = control.nextElementSibling;
  let el = next && next.classList.contains("gcs-field-error") ? next : null;
  const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && (!el || id !== el.id));
  if (!text) {
    if (el) el.remove();
    control.removeAttribute("aria-invalid");
  } else {
    if (!el) {
      el = h("p", { class: "gcs-field-error", id: uid("gcs-err") });
      control.after(el);
    }
    el.textContent = text;
    control.setAttribute("aria-invalid", "true");
    ids.unshift(el.id);
  }
  if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
  else control.removeAttribute("aria-describedby");
}

// A tiny DOM builder for the plugin's UI. Data only ever reaches the page as text nodes,
// DOM properties or attribute values: never as markup, so a contact named
// `<img src=x onerror=alert(1)>` shows as those characters.

const PROPS = new Set([
  "value", "checked", "disabled", "hidden", "selected", "htmlFor", "tabIndex", "type", "name", "id",
  "title", "placeholder", "required", "min", "max", "step", "maxLength", "pattern", "open", "autocomplete",
]);

/** h("button", { class, text, onclick, "aria-label": … }, ...children) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : v;
    else if (k === "text") el.textContent = String(v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

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

/** A <select> with options [{ value, label }] and the given value selected. */
export function select(props, options, value) {
  const el = h("select", props);
  for (const o of options) el.append(h("option", { value: o.value, text: o.label, selected: o.value === value }));
  if (value !== undefined && options.some((o) => o.value === value)) el.value = value;
  return el;
}

/** A labelled field: <div class=gcs-field><label for>…</label>control hint</div>. */
export function field(label, control, hint) {
  if (!control.id) control.id = uid("gcs-f");
  const hintEl = hint ? h("p", { class: "gcs-hint", id: uid("gcs-h"), text: hint }) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "gcs-field" }, h("label", { htmlFor: control.id, text: label }), control, hintEl);
}

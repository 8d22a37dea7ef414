// @ts-check
// The settings form's "Tags and Google labels", for hosts that hold tags: each row maps a CRM
// tag to one of the user's Google labels (contact groups). Tags then sync both ways with the
// contact's membership of that label.

import { h, clear, select, field } from "../dom.js";

/**
 * @typedef {import("./context.js").PanelContext} PanelContext
 * @typedef {{ tag: string, group: string }} TagLabel
 */

const MY_CONTACTS = "contactGroups/myContacts";

/**
 * The fieldset (null when the host holds no tags) and the mappings it holds.
 * @param {PanelContext} ctx
 * @param {TagLabel[] | undefined} current
 * @returns {{ fieldset: HTMLElement | null, value: () => TagLabel[] | undefined }}
 */
export function tagLabels(ctx, current) {
  const caps = /** @type {{ tags?: boolean } | undefined} */ (ctx.host.capabilities);
  if (!caps || !caps.tags) return { fieldset: null, value: () => undefined };
  /** @type {TagLabel[]} */
  let rows = (current || []).map((r) => ({ ...r }));
  const labels = ctx.state.groups.filter((g) => g.groupType === "USER_CONTACT_GROUP" && g.resourceName !== MY_CONTACTS)
    .map((g) => ({ value: g.resourceName, label: g.name }));
  const list = h("div", { class: "gcs-tag-labels" });
  const draw = () => {
    clear(list);
    if (rows.length === 0) list.append(h("p", { class: "gcs-muted", text: "No tag is synced with a label." }));
    rows.forEach((r, i) => {
      const tag = h("input", { type: "text", value: r.tag, autocomplete: "off", "data-gcs-tag": String(i) });
      tag.addEventListener("input", () => { r.tag = tag.value; });
      const options = labels.some((o) => o.value === r.group) || !r.group ? labels : [...labels, { value: r.group, label: r.group }];
      const group = select({ "data-gcs-tag-label": String(i) }, options, r.group);
      if (!r.group && options[0]) r.group = options[0].value;
      group.addEventListener("change", () => { r.group = group.value; });
      list.append(h("div", { class: "gcs-add-row" },
        field(`Tag ${i + 1}`, tag),
        field(`Google label for tag ${i + 1}`, group),
        h("button", { type: "button", class: "gcs-btn gcs-btn-small", "aria-label": `Remove tag ${i + 1}`, text: "Remove", onclick: () => {
          rows = rows.filter((x) => x !== r);
          draw();
        } })));
    });
  };
  const add = h("button", { type: "button", class: "gcs-btn gcs-btn-small", text: "Add a tag", disabled: labels.length === 0, onclick: () => {
    rows.push({ tag: "", group: labels[0] ? labels[0].value : "" });
    draw();
    const inputs = list.querySelectorAll("input");
    /** @type {HTMLElement | undefined} */ (inputs[inputs.length - 1])?.focus();
  } });
  draw();
  const fieldset = h("fieldset", { class: "gcs-fieldset", "data-gcs-tag-labels": "" }, h("legend", { text: "Tags and Google labels" }),
    h("p", { class: "gcs-hint", text: labels.length
      ? "A contact's tag and its Google label go together: a tag added or removed in the CRM adds or removes the label in Google, and the other way round. Tags without a label stay in the CRM only."
      : "Create a label in Google Contacts first: tags sync with existing labels." }),
    list, add);
  const value = () => rows
    .map((r) => ({ tag: r.tag.trim(), group: r.group }))
    .filter((r) => r.tag !== "" && r.group !== "");
  return { fieldset, value };
}

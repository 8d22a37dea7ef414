// @ts-check
// The demo CRM's contact page, with the sections plugins register for it (collapsed: a
// section's content is mounted, and its plugin loaded, once the user opens it).

import { h, clear } from "../plugin/dom.js";
import { fullName } from "./host.js";
import { dateTimeFmt, formatAddress, formatBirthday, initials, mailto, statusPill } from "./format.js";
import { menuButton } from "./menu.js";
import { customRows } from "./custom-fields.js";

/**
 * @typedef {import("./app.js").DemoContext} DemoContext
 * @typedef {import("../types").CrmContact} CrmContact
 */

/** The sections the user opened, by entry id: kept open when the page is drawn again. */
const opened = new Set();

/**
 * A plugin's section of a contact's page: closed, mounted when first opened.
 * @param {import("../types").RecordSection} entry
 * @param {string} contactId
 */
function pluginSection(entry, contactId) {
  const body = h("div", { class: "plugin-section-body" });
  let mounted = false;
  const mount = () => {
    if (mounted) return;
    mounted = true;
    Promise.resolve()
      .then(() => entry.mount(body, contactId))
      .catch((e) => clear(body).append(h("p", { class: "muted", text: `This section could not be shown: ${e instanceof Error ? e.message : String(e)}` })));
  };
  const details = h("details", { class: "card card-wide plugin-section", dataset: { section: entry.id } },
    h("summary", {}, h("h2", { text: entry.title })), body);
  details.addEventListener("toggle", () => {
    if (details.open) {
      opened.add(entry.id);
      mount();
    } else {
      opened.delete(entry.id);
    }
  });
  if (opened.has(entry.id)) {
    details.open = true;
    mount();
  }
  return details;
}

/**
 * A contact's page, with Edit, Delete and the record actions plugins register under "More
 * Actions".
 * @param {DemoContext} ctx
 * @param {string} id
 */
export async function renderContact(ctx, id) {
  const { host, registry, main, state, runPluginAction } = ctx;
  const page = state.page;
  async function draw() {
    const [c] = await host.contacts.get([id]);
    if (state.page !== page) return;
    if (!c) {
      clear(main).append(h("div", { class: "page-head" }, h("h1", { text: "Contact not found" })), h("p", {}, "This contact may have been deleted. ", h("a", { href: "#/contacts", text: "Back to contacts" })));
      state.refresh = null;
      return;
    }
    const name = fullName(c);
    document.title = `${name} — Demo CRM`;
    const more = menuButton({
      label: "More Actions",
      items: () => registry.recordActions().map((a) => ({ label: a.label, run: () => runPluginAction(a.label, () => a.run(c.id)) })),
      onItemsChange: (fn) => registry.onChange(fn),
    });
    const del = h("button", { type: "button", class: "btn btn-danger", text: "Delete", onclick: () => confirmDelete(ctx, c) });

    /** @param {string} title @param {import("../plugin/dom.js").Child[]} rows */
    const section = (title, ...rows) => h("section", { class: "card" }, h("h2", { text: title }), h("dl", { class: "fields" }, rows));
    /** A field's label and value(s), or "—" for nothing. @param {string} label @param {import("../plugin/dom.js").Child[]} value */
    const row = (label, ...value) => [h("dt", { text: label }), h("dd", {}, value.length && value.some((v) => v !== undefined && v !== "" && v !== null) ? value : h("span", { class: "muted", text: "—" }))];

    // Sections plugins register, late ones (a plugin still loading) included.
    const sections = h("div", { class: "plugin-sections" });
    /** @type {Set<string>} */
    const shown = new Set();
    const addSections = () => {
      for (const entry of registry.recordSections()) {
        if (shown.has(entry.id)) continue;
        shown.add(entry.id);
        sections.append(pluginSection(entry, c.id));
      }
    };
    addSections();
    const stop = registry.onChange(() => (sections.isConnected ? addSections() : stop()));

    const emails = c.emails.map((e) => h("div", { class: "multi" }, h("a", { href: mailto(e.value), text: e.value }), e.type ? h("span", { class: "tag", text: e.type }) : null, e.primary ? h("span", { class: "tag tag-primary", text: "primary" }) : null));
    const phones = c.phones.map((p) => h("div", { class: "multi" }, h("a", { href: `tel:${p.value.replace(/[^\d+]/g, "")}`, text: p.value }), p.type ? h("span", { class: "tag", text: p.type }) : null));
    const addresses = c.addresses.map((a) => h("div", { class: "multi address" }, h("address", {}, formatAddress(a).map((line, i) => [i ? h("br") : null, line])), a.type ? h("span", { class: "tag", text: a.type }) : null));

    clear(main).append(
      h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("a", { href: "#/contacts", text: "Contacts" }), h("span", { "aria-hidden": "true", text: " / " }), h("span", { text: name })),
      h("div", { class: "record-head" },
        photoOf(c),
        h("div", { class: "titles" }, h("h1", { text: name }), h("p", { class: "subtitle" }, [c.title, c.company].filter(Boolean).join(" · ") || "", " ", statusPill(c.status))),
        h("div", { class: "spacer" }),
        h("a", { class: "btn", href: `#/contact/${encodeURIComponent(c.id)}/edit`, text: "Edit" }),
        del,
        more.element,
      ),
      photoControls(host, c, draw),
      h("div", { class: "record-grid" },
        section("Contact information",
          row("Emails", ...emails),
          row("Phones", ...phones),
          row("Addresses", ...addresses),
        ),
        section("Details",
          row("Prefix", c.prefix), row("First name", c.firstName), row("Middle name", c.middleName), row("Last name", c.lastName), row("Suffix", c.suffix),
          row("Status", c.status ? statusPill(c.status) : undefined),
          row("Company", c.company), row("Job title", c.title),
          row("Tags", (c.tags || []).join(", ") || undefined),
          row("Birthday", c.birthday ? h("span", { title: c.birthday, text: formatBirthday(c.birthday) }) : undefined),
        ),
        section("Custom fields", ...customRows(c.custom, row)),
        h("section", { class: "card card-wide" }, h("h2", { text: "Notes" }), c.notes ? h("p", { class: "notes", text: c.notes }) : h("p", { class: "muted", text: "No notes." })),
        h("section", { class: "card card-wide meta" }, h("dl", { class: "fields" },
          row("Record ID", h("code", { text: c.id })),
          row("Last modified", h("time", { datetime: c.modifiedAt, text: dateTimeFmt.format(new Date(c.modifiedAt)) })),
        )),
        sections,
      ),
    );
  }
  state.refresh = draw;
  await draw();
}

/**
 * Asks before deleting a contact, then deletes it and goes back to the list.
 * @param {DemoContext} ctx
 * @param {CrmContact} c
 */
function confirmDelete(ctx, c) {
  const { host, notify } = ctx;
  const name = fullName(c);
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": "del-title" },
    h("h2", { id: "del-title", text: `Delete ${name}?` }),
    h("p", { text: "The contact is removed from the CRM. This cannot be undone." }),
    h("div", { class: "dialog-actions" },
      h("button", { type: "button", class: "btn", text: "Cancel", onclick: () => dialog.close() }),
      h("button", { type: "button", class: "btn btn-danger", text: "Delete contact", onclick: async () => {
        dialog.close();
        try {
          await host.contacts.remove([c.id]);
          notify(`Deleted ${name}.`, "success");
          location.hash = "#/contacts";
        } catch (e) {
          notify(`Could not delete: ${e instanceof Error ? e.message : String(e)}`, "error");
        }
      } }),
    ),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

/**
 * The contact's photo, or its initials. Only an image the CRM holds (a `data:` URL of a JPEG or
 * PNG) is shown: no address outside the page is ever loaded.
 * @param {CrmContact} c
 */
function photoOf(c) {
  const photo = /** @type {{ photo?: string }} */ (c).photo;
  if (typeof photo === "string" && /^data:image\/(jpeg|png);base64,/.test(photo)) {
    return h("img", { class: "avatar avatar-lg photo", src: photo, alt: `Photo of ${fullName(c)}` });
  }
  return h("span", { class: "avatar avatar-lg", "aria-hidden": "true", text: initials(c) });
}

/**
 * "Photo": choose a JPEG or PNG of at most 1 MiB for the contact, or remove it.
 * @param {DemoContext["host"]} host @param {CrmContact} c @param {() => Promise<void>} redraw
 */
function photoControls(host, c, redraw) {
  const status = h("span", { class: "muted", role: "status" });
  const input = /** @type {HTMLInputElement} */ (h("input", { type: "file", accept: "image/jpeg,image/png", "aria-label": "Choose a photo" }));
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (!file) return;
    if (!["image/jpeg", "image/png"].includes(file.type) || file.size > 1024 * 1024) {
      status.textContent = "Choose a JPEG or PNG image of at most 1 MB.";
      return;
    }
    const reader = new FileReader();
    reader.onload = async () => {
      await host.contacts.setPhotos?.([{ id: c.id, photo: String(reader.result) }]);
      await redraw();
    };
    reader.readAsDataURL(file);
  });
  const remove = h("button", {
    type: "button", class: "btn", text: "Remove photo",
    onclick: async () => {
      await host.contacts.setPhotos?.([{ id: c.id, photo: null }]);
      await redraw();
    },
  });
  const has = typeof (/** @type {{ photo?: string }} */ (c).photo) === "string";
  return h("div", { class: "photo-controls" }, h("label", {}, "Photo ", input), has ? remove : null, status);
}

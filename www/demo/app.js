// The demo CRM's web client: a contacts list, contact pages with an edit form, and a settings
// page, all rendered from the IndexedDB host (host.js) and extended by plugins through the
// registry (registry.js).
//
// Every piece of user data reaches the page through textContent, DOM properties or
// setAttribute on harmless attributes — never through innerHTML — so a contact named
// `<img src=x onerror=alert(1)>` is shown as text. The page runs under
// `script-src 'self' 'wasm-unsafe-eval'`: no inline scripts or handlers anywhere.

import { openDemoHost, fullName } from "./host.js";
import { createRegistry } from "./registry.js";
import { loadPlugins as defaultLoadPlugins } from "./plugins.js";

export { createRegistry } from "./registry.js";
export { fullName } from "./host.js";

// ---------------------------------------------------------------------------------------------
// DOM helpers

const PROPS = new Set(["value", "checked", "disabled", "hidden", "selected", "indeterminate", "htmlFor", "tabIndex", "type", "name", "id", "href", "title", "placeholder", "rows", "required", "autocomplete"]);

/** h("a", { href, class, text, onclick }, ...children): strings become text nodes. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : v;
    else if (k === "text") el.textContent = String(v);
    else if (k === "style") Object.assign(el.style, v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function fold(s) {
  return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function slug(s) {
  return fold(s).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function initials(c) {
  const parts = [c.firstName, c.lastName].filter(Boolean);
  const src = parts.length ? parts : [fullName(c)];
  return src.map((p) => Array.from(p.trim())[0] || "").join("").toUpperCase().slice(0, 2) || "?";
}

/** A `mailto:` link for one address: everything but the "@" percent-encoded, so an address
 *  holding "?" or "&" cannot add headers (`?bcc=`) or recipients to the mail. */
export function mailto(address) {
  return "mailto:" + encodeURIComponent(String(address)).replace(/%40/g, "@");
}

function formatBirthday(b) {
  const m = /^(?:(\d{4})-|--)(\d{2})-(\d{2})$/.exec(b || "");
  if (!m) return b || "";
  const d = new Date(Date.UTC(m[1] ? Number(m[1]) : 2000, Number(m[2]) - 1, Number(m[3])));
  const opts = { month: "long", day: "numeric", timeZone: "UTC" };
  if (m[1]) opts.year = "numeric";
  return new Intl.DateTimeFormat(undefined, opts).format(d);
}

function formatAddress(a) {
  const lines = [a.street, a.extended, [a.postalCode, a.city].filter(Boolean).join(" "), a.region, a.country || a.countryCode];
  return lines.filter(Boolean);
}

function statusPill(status) {
  if (!status) return h("span", { class: "pill pill-none", text: "—" });
  return h("span", { class: `pill status-${slug(status)}`, text: status });
}

// ---------------------------------------------------------------------------------------------
// Menu button (WAI-ARIA menu button pattern): Enter/Space/ArrowDown open, arrows move,
// Escape closes and returns focus, Tab or a click outside closes.

function menuButton({ label, items, className = "", onItemsChange }) {
  const menuId = nextId("menu");
  const wrap = h("div", { class: "menu-wrap" });
  const button = h("button", { type: "button", class: ["btn", className], "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": menuId }, label, h("span", { class: "caret", "aria-hidden": "true", text: "▾" }));
  const menu = h("ul", { class: "menu", role: "menu", id: menuId, "aria-label": label, hidden: true });
  wrap.append(button, menu);

  const menuItems = () => [...menu.querySelectorAll('[role="menuitem"]:not([aria-disabled="true"])')];
  function onDocPointer(e) {
    if (!wrap.contains(e.target)) close(false);
  }
  function open(focusLast = false) {
    clear(menu);
    const entries = items();
    if (entries.length === 0) {
      menu.append(h("li", { role: "none" }, h("span", { role: "menuitem", "aria-disabled": "true", class: "menu-empty", tabIndex: -1, text: "No actions available" })));
    }
    for (const entry of entries) {
      const item = h("button", { type: "button", role: "menuitem", tabIndex: -1, text: entry.label, onclick: () => {
        close(true);
        entry.run();
      } });
      menu.append(h("li", { role: "none" }, item));
    }
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", onDocPointer, true);
    const list = menuItems();
    (focusLast ? list[list.length - 1] : list[0] || menu.querySelector('[role="menuitem"]'))?.focus();
  }
  function close(focusButton) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", onDocPointer, true);
    if (focusButton) button.focus();
  }
  button.addEventListener("click", () => (menu.hidden ? open() : close(true)));
  // Entries registered while the menu is open (a plugin that finishes loading) show at once.
  if (onItemsChange) {
    const off = onItemsChange(() => {
      if (!wrap.isConnected) off();
      else if (!menu.hidden) open();
    });
  }
  button.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      open(e.key === "ArrowUp");
    }
  });
  menu.addEventListener("keydown", (e) => {
    const list = menuItems();
    const i = list.indexOf(document.activeElement);
    if (e.key === "Escape") {
      e.preventDefault();
      close(true);
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      list[(i + 1) % list.length]?.focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      list[(i - 1 + list.length) % list.length]?.focus();
    } else if (e.key === "Home") {
      e.preventDefault();
      list[0]?.focus();
    } else if (e.key === "End") {
      e.preventDefault();
      list[list.length - 1]?.focus();
    } else if (e.key === "Tab") {
      close(false);
    }
  });
  wrap.addEventListener("focusout", (e) => {
    if (e.relatedTarget && !wrap.contains(e.relatedTarget)) close(false);
  });
  return { element: wrap, button, close };
}

// ---------------------------------------------------------------------------------------------
// App

export async function startApp(options = {}) {
  const host = options.host || (await openDemoHost(options.hostOptions));
  const registry = options.registry || createRegistry();
  const loadPlugins = options.loadPlugins || defaultLoadPlugins;
  const main = document.getElementById("main");
  const [views, statuses, user] = await Promise.all([host.views(), host.statuses(), host.currentUser()]);

  const state = {
    list: { viewId: "all", search: "", sortKey: "name", sortDir: "asc", page: 0, pageSize: 50, selected: new Set() },
    route: null,
    refresh: null, // re-renders the current page's data from IndexedDB
  };

  // Chrome: user chip, toasts, progress.
  const userChip = document.getElementById("user-chip");
  if (userChip) {
    clear(userChip).append(
      h("span", { class: "avatar avatar-sm", "aria-hidden": "true", text: initials({ firstName: user.name.split(" ")[0], lastName: user.name.split(" ").slice(-1)[0] }) }),
      h("span", { class: "user-name", text: user.name }),
    );
  }
  const toasts = document.getElementById("toasts");
  function notify(message, level = "info") {
    const t = h("div", { class: `toast toast-${level}`, role: level === "error" ? "alert" : "status" }, h("span", { class: "toast-text", text: message }), h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", text: "×", onclick: () => t.remove() }));
    toasts.append(t);
    setTimeout(() => t.remove(), level === "error" ? 12000 : 6000);
  }
  globalThis.addEventListener("democrm:notify", (e) => notify(e.detail.message, e.detail.level));
  const progress = document.getElementById("progress");
  globalThis.addEventListener("democrm:progress", (e) => {
    const p = e.detail;
    if (!progress) return;
    if (!p) {
      progress.hidden = true;
      return;
    }
    progress.hidden = false;
    const bar = progress.querySelector(".progress-bar");
    const label = progress.querySelector(".progress-label");
    const pct = p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : 0;
    bar.setAttribute("aria-valuenow", String(pct));
    bar.setAttribute("aria-valuetext", `${p.label}: ${p.done} of ${p.total}`);
    bar.firstElementChild.style.width = `${pct}%`;
    label.textContent = `${p.label} — ${p.done} / ${p.total}`;
  });

  // Re-render when contacts change behind our back (a plugin's scheduled sync, another tab's
  // write is not seen: IndexedDB has no cross-tab events and the demo does not need them).
  let pending = null;
  globalThis.addEventListener("democrm:contacts-changed", () => {
    if (!state.refresh || pending) return;
    pending = setTimeout(() => {
      pending = null;
      state.refresh?.();
    }, 150);
  });

  async function runPluginAction(label, fn) {
    const busy = document.getElementById("busy");
    if (busy) {
      busy.hidden = false;
      busy.textContent = `${label}…`;
    }
    try {
      await fn();
    } catch (e) {
      notify(`${label} failed: ${e && e.message ? e.message : String(e)}`, "error");
    } finally {
      if (busy) busy.hidden = true;
      // The plugin may have created, changed or deleted contacts.
      await state.refresh?.();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Contacts list

  async function loadView(viewId) {
    const all = [];
    let pageToken;
    do {
      const page = await host.contacts.list({ viewId, pageToken, pageSize: 1000 });
      all.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return all;
  }

  const COLUMNS = [
    { key: "name", label: "Name", value: (c) => fullName(c) },
    { key: "email", label: "Email", value: (c) => c.emails[0]?.value || "" },
    { key: "phone", label: "Phone", value: (c) => c.phones[0]?.value || "" },
    { key: "status", label: "Status", value: (c) => c.status || "" },
    { key: "company", label: "Company", value: (c) => c.company || "" },
    { key: "modified", label: "Modified", value: (c) => c.modifiedAt },
  ];

  function matches(c, q) {
    if (!q) return true;
    const hay = fold([fullName(c), c.prefix, c.suffix, c.company, c.title, ...c.emails.map((e) => e.value), ...c.phones.map((p) => p.value), ...c.addresses.map((a) => `${a.city || ""} ${a.country || ""}`)].join(" "));
    const words = fold(q).split(/\s+/).filter(Boolean);
    const qDigits = q.replace(/\D/g, "");
    const phoneDigits = c.phones.map((p) => p.value.replace(/\D/g, ""));
    return words.every((w) => hay.includes(w)) || (qDigits.length >= 3 && /^[\d\s()+.-]+$/.test(q) && phoneDigits.some((d) => d.includes(qDigits)));
  }

  async function renderList() {
    const ls = state.list;
    const title = h("h1", { text: "Contacts" });
    const count = h("span", { class: "count" });
    const viewSelect = h("select", { id: "view-select", onchange: () => {
      ls.viewId = viewSelect.value;
      ls.page = 0;
      ls.selected.clear();
      refresh();
    } }, views.map((v) => h("option", { value: v.id, text: v.name, selected: v.id === ls.viewId })));
    const search = h("input", { type: "search", id: "contact-search", placeholder: "Search name, email, phone, company…", value: ls.search, autocomplete: "off" });
    let searchTimer;
    search.addEventListener("input", () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        ls.search = search.value;
        ls.page = 0;
        draw();
      }, 120);
    });
    const selInfo = h("span", { class: "selection-info", "aria-live": "polite" });
    const more = menuButton({
      label: "More Actions",
      onItemsChange: (fn) => registry.onChange(fn),
      items: () => registry.bulkActions().map((a) => ({
        label: a.label,
        run: () => {
          const ids = [...ls.selected];
          if (ids.length === 0) {
            notify("Select one or more contacts first.", "warning");
            return;
          }
          runPluginAction(a.label, () => a.run(ids));
        },
      })),
    });

    const selectAll = h("input", { type: "checkbox", "aria-label": "Select all", class: "row-check" });
    const headRow = h("tr", {}, h("th", { class: "col-check", scope: "col" }, selectAll));
    const sortButtons = [];
    for (const col of COLUMNS) {
      const th = h("th", { scope: "col", class: `col-${col.key}` });
      const btn = h("button", { type: "button", class: "sort", onclick: () => {
        if (ls.sortKey === col.key) ls.sortDir = ls.sortDir === "asc" ? "desc" : "asc";
        else {
          ls.sortKey = col.key;
          ls.sortDir = col.key === "modified" ? "desc" : "asc";
        }
        draw();
      } }, col.label, h("span", { class: "sort-icon", "aria-hidden": "true" }));
      th.append(btn);
      sortButtons.push({ col, th, btn });
      headRow.append(th);
    }
    const tbody = h("tbody");
    const table = h("table", { class: "contacts-table", "aria-label": "Contacts" }, h("thead", {}, headRow), tbody);
    const pager = h("div", { class: "pager" });
    const banner = h("div", { class: "select-banner", hidden: true });

    clear(main).append(
      h("div", { class: "page-head" }, h("div", { class: "titles" }, title, count), h("a", { class: "btn btn-primary", href: "#/contact/new", text: "New contact" })),
      h("div", { class: "toolbar" },
        h("div", { class: "field-inline" }, h("label", { htmlFor: "view-select", text: "View" }), viewSelect),
        h("div", { class: "field-inline search" }, h("label", { htmlFor: "contact-search", class: "sr-only", text: "Search contacts" }), search),
        h("div", { class: "spacer" }),
        selInfo,
        more.element,
      ),
      banner,
      h("div", { class: "table-card" }, table),
      pager,
    );

    let contacts = [];
    let visible = [];
    let filtered = [];

    function draw() {
      filtered = contacts.filter((c) => matches(c, ls.search));
      const col = COLUMNS.find((c) => c.key === ls.sortKey) || COLUMNS[0];
      const dir = ls.sortDir === "asc" ? 1 : -1;
      filtered.sort((a, b) => {
        const va = col.value(a);
        const vb = col.value(b);
        // Empty values last whatever the direction, like most CRMs.
        if (!va && vb) return 1;
        if (va && !vb) return -1;
        return (col.key === "modified" ? (va < vb ? -1 : va > vb ? 1 : 0) : collator.compare(va, vb)) * dir || (a.id < b.id ? -1 : 1);
      });
      const pages = Math.max(1, Math.ceil(filtered.length / ls.pageSize));
      ls.page = Math.min(ls.page, pages - 1);
      visible = filtered.slice(ls.page * ls.pageSize, (ls.page + 1) * ls.pageSize);

      for (const { col: c, th } of sortButtons) {
        th.setAttribute("aria-sort", c.key === ls.sortKey ? (ls.sortDir === "asc" ? "ascending" : "descending") : "none");
      }
      const view = views.find((v) => v.id === ls.viewId);
      count.textContent = `${filtered.length} ${filtered.length === 1 ? "contact" : "contacts"}${view && view.id !== "all" ? ` in ${view.name}` : ""}`;

      clear(tbody);
      if (visible.length === 0) {
        tbody.append(h("tr", {}, h("td", { colspan: String(COLUMNS.length + 1), class: "empty", text: ls.search ? "No contacts match your search." : "No contacts in this view yet." })));
      }
      for (const c of visible) {
        const name = fullName(c);
        const check = h("input", { type: "checkbox", class: "row-check", "aria-label": `Select ${name}`, checked: ls.selected.has(c.id), onchange: () => {
          if (check.checked) ls.selected.add(c.id);
          else ls.selected.delete(c.id);
          row.classList.toggle("selected", check.checked);
          syncSelection();
        } });
        const row = h("tr", { class: ls.selected.has(c.id) ? "selected" : "", dataset: { id: c.id } },
          h("td", { class: "col-check" }, check),
          h("td", { class: "col-name" }, h("a", { href: `#/contact/${encodeURIComponent(c.id)}`, class: "name-link" }, h("span", { class: "avatar avatar-sm", "aria-hidden": "true", text: initials(c) }), h("span", { text: name }))),
          h("td", { class: "col-email", text: c.emails[0]?.value || "" }),
          h("td", { class: "col-phone", text: c.phones[0]?.value || "" }),
          h("td", { class: "col-status" }, statusPill(c.status)),
          h("td", { class: "col-company", text: c.company || "" }),
          h("td", { class: "col-modified" }, h("time", { datetime: c.modifiedAt, title: dateTimeFmt.format(new Date(c.modifiedAt)), text: dateFmt.format(new Date(c.modifiedAt)) })),
        );
        tbody.append(row);
      }

      clear(pager);
      if (filtered.length > 0) {
        const from = ls.page * ls.pageSize + 1;
        const to = Math.min(filtered.length, from + ls.pageSize - 1);
        const sizeSelect = h("select", { id: "page-size", onchange: () => {
          ls.pageSize = Number(sizeSelect.value);
          ls.page = 0;
          draw();
        } }, [25, 50, 100, 500].map((n) => h("option", { value: String(n), text: String(n), selected: n === ls.pageSize })));
        pager.append(
          h("span", { text: `Showing ${from}–${to} of ${filtered.length}` }),
          h("div", { class: "spacer" }),
          h("label", { htmlFor: "page-size", text: "Rows per page" }), sizeSelect,
          h("button", { type: "button", class: "btn btn-small", text: "Previous", disabled: ls.page === 0, onclick: () => { ls.page--; draw(); } }),
          h("span", { class: "page-no", text: `Page ${ls.page + 1} of ${pages}` }),
          h("button", { type: "button", class: "btn btn-small", text: "Next", disabled: ls.page >= pages - 1, onclick: () => { ls.page++; draw(); } }),
        );
      }
      syncSelection();
    }

    function syncSelection() {
      const onPage = visible.filter((c) => ls.selected.has(c.id)).length;
      selectAll.checked = visible.length > 0 && onPage === visible.length;
      selectAll.indeterminate = onPage > 0 && onPage < visible.length;
      const n = ls.selected.size;
      selInfo.textContent = n ? `${n} selected` : "";
      clear(banner);
      banner.hidden = true;
      if (selectAll.checked && filtered.length > visible.length) {
        banner.hidden = false;
        if (n < filtered.length) {
          banner.append(`All ${visible.length} contacts on this page are selected. `, h("button", { type: "button", class: "link-btn", text: `Select all ${filtered.length} contacts`, onclick: () => {
            filtered.forEach((c) => ls.selected.add(c.id));
            syncSelection();
          } }));
        } else {
          banner.append(`All ${filtered.length} contacts are selected. `, h("button", { type: "button", class: "link-btn", text: "Clear selection", onclick: () => {
            ls.selected.clear();
            draw();
          } }));
        }
      }
    }

    selectAll.addEventListener("change", () => {
      for (const c of visible) {
        if (selectAll.checked) ls.selected.add(c.id);
        else ls.selected.delete(c.id);
      }
      for (const cb of tbody.querySelectorAll("input.row-check")) {
        cb.checked = selectAll.checked;
        cb.closest("tr").classList.toggle("selected", selectAll.checked);
      }
      syncSelection();
    });

    async function refresh() {
      contacts = await loadView(ls.viewId);
      const present = new Set(contacts.map((c) => c.id));
      for (const id of [...ls.selected]) if (!present.has(id)) ls.selected.delete(id);
      draw();
    }
    state.refresh = refresh;
    await refresh();
  }

  // -------------------------------------------------------------------------------------------
  // Contact page

  async function renderContact(id) {
    async function draw() {
      const [c] = await host.contacts.get([id]);
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
      const del = h("button", { type: "button", class: "btn btn-danger", text: "Delete", onclick: () => confirmDelete(c) });

      const section = (title, ...rows) => h("section", { class: "card" }, h("h2", { text: title }), h("dl", { class: "fields" }, rows));
      const row = (label, ...value) => [h("dt", { text: label }), h("dd", {}, value.length && value.some((v) => v !== undefined && v !== "" && v !== null) ? value : h("span", { class: "muted", text: "—" }))];

      const emails = c.emails.map((e) => h("div", { class: "multi" }, h("a", { href: mailto(e.value), text: e.value }), e.type ? h("span", { class: "tag", text: e.type }) : null, e.primary ? h("span", { class: "tag tag-primary", text: "primary" }) : null));
      const phones = c.phones.map((p) => h("div", { class: "multi" }, h("a", { href: `tel:${p.value.replace(/[^\d+]/g, "")}`, text: p.value }), p.type ? h("span", { class: "tag", text: p.type }) : null));
      const addresses = c.addresses.map((a) => h("div", { class: "multi address" }, h("address", {}, formatAddress(a).map((line, i) => [i ? h("br") : null, line])), a.type ? h("span", { class: "tag", text: a.type }) : null));

      clear(main).append(
        h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("a", { href: "#/contacts", text: "Contacts" }), h("span", { "aria-hidden": "true", text: " / " }), h("span", { text: name })),
        h("div", { class: "record-head" },
          h("span", { class: "avatar avatar-lg", "aria-hidden": "true", text: initials(c) }),
          h("div", { class: "titles" }, h("h1", { text: name }), h("p", { class: "subtitle" }, [c.title, c.company].filter(Boolean).join(" · ") || "", " ", statusPill(c.status))),
          h("div", { class: "spacer" }),
          h("a", { class: "btn", href: `#/contact/${encodeURIComponent(c.id)}/edit`, text: "Edit" }),
          del,
          more.element,
        ),
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
            row("Birthday", c.birthday ? h("span", { title: c.birthday, text: formatBirthday(c.birthday) }) : undefined),
          ),
          h("section", { class: "card card-wide" }, h("h2", { text: "Notes" }), c.notes ? h("p", { class: "notes", text: c.notes }) : h("p", { class: "muted", text: "No notes." })),
          h("section", { class: "card card-wide meta" }, h("dl", { class: "fields" },
            row("Record ID", h("code", { text: c.id })),
            row("Last modified", h("time", { datetime: c.modifiedAt, text: dateTimeFmt.format(new Date(c.modifiedAt)) })),
          )),
        ),
      );
    }
    state.refresh = draw;
    await draw();
  }

  function confirmDelete(c) {
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
            notify(`Could not delete: ${e.message}`, "error");
          }
        } }),
      ),
    );
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  // -------------------------------------------------------------------------------------------
  // Edit / new form

  const EMAIL_TYPES = ["home", "work", "other"];
  const PHONE_TYPES = ["mobile", "home", "work", "main", "other"];
  const ADDRESS_TYPES = ["home", "work", "other"];

  function typeSelect(types, value, label) {
    const opts = value && !types.includes(value) ? [...types, value] : types;
    return h("select", { "aria-label": label, class: "type-select" }, h("option", { value: "", text: "—" }), opts.map((t) => h("option", { value: t, text: t, selected: t === value })));
  }

  async function renderForm(id) {
    state.refresh = null; // never pull the form out from under the user
    let c = null;
    if (id) {
      [c] = await host.contacts.get([id]);
      if (!c) {
        clear(main).append(h("h1", { text: "Contact not found" }), h("a", { href: "#/contacts", text: "Back to contacts" }));
        return;
      }
    }
    const data = c ? structuredClone(c) : { emails: [{ value: "", type: "home" }], phones: [{ value: "", type: "mobile" }], addresses: [], status: "New" };
    const title = c ? `Edit ${fullName(c)}` : "New contact";
    document.title = `${title} — Demo CRM`;
    const errorBox = h("div", { class: "form-error", role: "alert", tabIndex: -1, hidden: true });

    const text = (key, label, opts = {}) => {
      const inputId = nextId(key);
      const input = h(opts.multiline ? "textarea" : "input", { id: inputId, name: key, type: opts.multiline ? undefined : "text", value: data[key] || "", placeholder: opts.placeholder, rows: opts.multiline ? 4 : undefined, autocomplete: "off", "aria-describedby": opts.hint ? `${inputId}-hint` : undefined });
      input.addEventListener("input", () => {
        data[key] = input.value;
      });
      return h("div", { class: ["field", opts.wide ? "field-wide" : ""] }, h("label", { htmlFor: inputId, text: label }), input, opts.hint ? h("small", { id: `${inputId}-hint`, class: "hint", text: opts.hint }) : null);
    };

    const statusId = nextId("status");
    const status = h("select", { id: statusId, onchange: () => {
      data.status = status.value;
    } }, h("option", { value: "", text: "—" }), statuses.map((s) => h("option", { value: s.value, text: s.label, selected: s.value === data.status })));

    // Repeated rows: emails, phones, addresses. Each list re-renders itself on add/remove.
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
        const inputs = list.querySelectorAll(".repeat-row:last-child input");
        inputs[0]?.focus();
      } }));
      draw();
      return box;
    }
    const bind = (obj, key, el) => {
      el.addEventListener(el.tagName === "SELECT" ? "change" : "input", () => {
        obj[key] = el.value;
      });
      return el;
    };
    const emails = repeated("emails", "email", "Emails", (e, n) => [
      bind(e, "value", h("input", { type: "text", inputmode: "email", "aria-label": `Email ${n}`, value: e.value || "", placeholder: "name@example.com", autocomplete: "off" })),
      bind(e, "type", typeSelect(EMAIL_TYPES, e.type, `Email ${n} type`)),
    ], () => ({ value: "", type: "home" }));
    const phones = repeated("phones", "phone", "Phones", (p, n) => [
      bind(p, "value", h("input", { type: "tel", "aria-label": `Phone ${n}`, value: p.value || "", placeholder: "+1 415 555 0132", autocomplete: "off" })),
      bind(p, "type", typeSelect(PHONE_TYPES, p.type, `Phone ${n} type`)),
    ], () => ({ value: "", type: "mobile" }));
    const addresses = repeated("addresses", "address", "Addresses", (a, n) => h("div", { class: "address-grid" },
      [["street", "Street"], ["extended", "Apartment, suite"], ["city", "City"], ["region", "Region / state"], ["postalCode", "Postal code"], ["country", "Country"], ["countryCode", "Country code"]]
        .map(([k, label]) => bind(a, k, h("input", { type: "text", "aria-label": `Address ${n} ${label.toLowerCase()}`, placeholder: label, value: a[k] || "", class: `addr-${k}`, autocomplete: "off", maxlength: k === "countryCode" ? "2" : undefined }))),
      bind(a, "type", typeSelect(ADDRESS_TYPES, a.type, `Address ${n} type`)),
    ), () => ({ type: "home" }));

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
      h("div", { class: "form-actions" }, saveBtn, h("a", { class: "btn", href: c ? `#/contact/${encodeURIComponent(c.id)}` : "#/contacts", text: "Cancel" })),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      errorBox.hidden = true;
      const fields = {};
      for (const k of ["prefix", "firstName", "middleName", "lastName", "suffix", "status", "company", "title", "birthday", "notes"]) {
        const v = typeof data[k] === "string" ? (k === "notes" ? data[k] : data[k].trim()) : "";
        fields[k] = v;
      }
      const keep = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "string" ? v.trim() : v]).filter(([, v]) => v !== "" && v !== undefined));
      fields.emails = data.emails.map(keep).filter((e) => e.value);
      fields.phones = data.phones.map(keep).filter((p) => p.value);
      fields.addresses = data.addresses.map(keep).filter((a) => Object.keys(a).some((k) => k !== "type"));
      if (fields.emails.length && !fields.emails.some((e) => e.primary)) fields.emails[0].primary = true;
      if (fields.addresses.length) fields.addresses.forEach((a) => { if (a.countryCode) a.countryCode = a.countryCode.toUpperCase(); });
      if (!fields.firstName && !fields.lastName && !fields.company && fields.emails.length === 0 && fields.phones.length === 0) {
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
      } catch (err) {
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

  // -------------------------------------------------------------------------------------------
  // Settings

  async function renderSettings() {
    state.refresh = null;
    document.title = "Settings — Demo CRM";
    const container = h("div", { id: "plugin-settings", class: "plugin-settings" });
    clear(main).append(
      h("div", { class: "page-head" }, h("h1", { text: "Settings" })),
      h("section", { class: "card" }, h("h2", { text: "Your account" }), h("dl", { class: "fields" },
        h("dt", { text: "Name" }), h("dd", { text: user.name }),
        h("dt", { text: "Email" }), h("dd", { text: user.email || "—" }),
        h("dt", { text: "CRM instance" }), h("dd", {}, h("code", { text: host.instanceId })),
      )),
      h("h2", { class: "section-title", text: "Integrations" }),
      container,
    );
    const mounted = new Set();
    function mountPanels() {
      const panels = registry.settingsPanels();
      container.querySelector(".empty-panels")?.remove();
      if (panels.length === 0) {
        container.append(h("p", { class: "muted empty-panels", text: "No integrations are installed." }));
      }
      for (const p of panels) {
        if (mounted.has(p.id)) continue;
        mounted.add(p.id);
        const headingId = nextId("panel");
        const body = h("div", { class: "plugin-panel", dataset: { pluginPanel: p.id } });
        container.append(h("section", { class: "card", "aria-labelledby": headingId }, h("h2", { id: headingId, text: p.title }), body));
        try {
          const r = p.mount(body);
          if (r && typeof r.catch === "function") r.catch((e) => notify(`${p.title}: ${e.message}`, "error"));
        } catch (e) {
          notify(`${p.title}: ${e.message}`, "error");
        }
      }
    }
    mountPanels();
    // A plugin that finishes loading while Settings is open still gets its panel shown.
    const off = registry.onChange(() => {
      if (container.isConnected) mountPanels();
      else off();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Router

  // Only the latest navigation marks the page ready: an earlier page still loading when the user
  // moved on must not report the new one ready, nor take its focus.
  let routeSeq = 0;
  async function route() {
    const seq = ++routeSeq;
    const hash = location.hash || "#/contacts";
    const parts = hash.replace(/^#\/?/, "").split("?")[0].split("/").map((p) => decodeURIComponent(p));
    for (const a of document.querySelectorAll(".nav a")) {
      const active = (parts[0] === "settings" && a.dataset.nav === "settings") || (parts[0] !== "settings" && a.dataset.nav === "contacts" && !(parts[0] === "contact" && parts[1] === "new")) || (parts[0] === "contact" && parts[1] === "new" && a.dataset.nav === "new");
      if (active) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.title = "Contacts — Demo CRM";
    try {
      if (parts[0] === "settings") await renderSettings();
      else if (parts[0] === "contact" && parts[1] === "new") await renderForm(null);
      else if (parts[0] === "contact" && parts[1] && parts[2] === "edit") await renderForm(parts[1]);
      else if (parts[0] === "contact" && parts[1]) await renderContact(parts[1]);
      else await renderList();
    } catch (e) {
      clear(main).append(h("h1", { text: "Something went wrong" }), h("p", { class: "form-error", text: e.message }));
    }
    if (seq !== routeSeq) return;
    main.dataset.ready = "true";
    // The new page takes the focus (for keyboard and screen-reader users) unless the user moved
    // it into the page while the page was still loading: taking it from an open menu would close
    // the menu under them.
    if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
  }
  globalThis.addEventListener("hashchange", () => {
    main.dataset.ready = "false";
    window.scrollTo(0, 0);
    route();
  });

  const app = { host, registry, refresh: () => state.refresh?.(), notify };
  // For the end-to-end tests and for poking around in devtools.
  globalThis.demoCrm = app;
  await route();
  try {
    await loadPlugins(registry, host);
  } catch (e) {
    notify(`A plugin failed to load: ${e && e.message ? e.message : String(e)}`, "error");
  }
  document.documentElement.dataset.pluginsLoaded = "true";
  return app;
}

if (typeof document !== "undefined" && document.documentElement.dataset.app === "demo-crm") {
  startApp().catch((e) => {
    const main = document.getElementById("main");
    if (main) clear(main).append(h("h1", { text: "The demo CRM could not start" }), h("p", { class: "form-error", text: e.message }));
  });
}

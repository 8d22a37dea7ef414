// @ts-check
// The demo CRM's contacts list.

import { h, clear } from "../plugin/dom.js";
import { fullName } from "./host.js";
import { collator, dateFmt, dateTimeFmt, fold, initials, statusPill } from "./format.js";
import { menuButton } from "./menu.js";

/**
 * @typedef {import("./app.js").DemoContext} DemoContext
 * @typedef {import("../types").CrmContact} CrmContact
 * @typedef {import("../types").CrmHost} CrmHost
 */

/**
 * Every contact of a view, page by page.
 * @param {CrmHost} host
 * @param {string} viewId
 * @returns {Promise<CrmContact[]>}
 */
async function loadView(host, viewId) {
  /** @type {CrmContact[]} */
  const all = [];
  /** @type {string | undefined} */
  let pageToken;
  do {
    const page = await host.contacts.list({ viewId, pageToken, pageSize: 1000 });
    all.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

/** @type {{ key: string, label: string, value(c: CrmContact): string }[]} */
const COLUMNS = [
  { key: "name", label: "Name", value: (c) => fullName(c) },
  { key: "email", label: "Email", value: (c) => c.emails[0]?.value || "" },
  { key: "phone", label: "Phone", value: (c) => c.phones[0]?.value || "" },
  { key: "status", label: "Status", value: (c) => c.status || "" },
  { key: "company", label: "Company", value: (c) => c.company || "" },
  { key: "modified", label: "Modified", value: (c) => c.modifiedAt },
];

/**
 * Whether a contact matches the search: every word somewhere in it, or the digits of a phone.
 * @param {CrmContact} c
 * @param {string} q
 */
function matches(c, q) {
  if (!q) return true;
  const hay = fold([fullName(c), c.prefix, c.suffix, c.company, c.title, ...c.emails.map((e) => e.value), ...c.phones.map((p) => p.value), ...c.addresses.map((a) => `${a.city || ""} ${a.country || ""}`)].join(" "));
  const words = fold(q).split(/\s+/).filter(Boolean);
  const qDigits = q.replace(/\D/g, "");
  const phoneDigits = c.phones.map((p) => p.value.replace(/\D/g, ""));
  return words.every((w) => hay.includes(w)) || (qDigits.length >= 3 && /^[\d\s()+.-]+$/.test(q) && phoneDigits.some((d) => d.includes(qDigits)));
}

/**
 * The contacts list: view, search, sortable columns, selection, paging, and the bulk actions
 * plugins register under "More Actions".
 * @param {DemoContext} ctx
 */
export async function renderList(ctx) {
  const { host, registry, main, views, state, notify, runPluginAction } = ctx;
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
  /** @type {ReturnType<typeof setTimeout> | undefined} */
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
  /** @type {{ col: (typeof COLUMNS)[number], th: HTMLElement, btn: HTMLElement }[]} */
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

  /** @type {CrmContact[]} */
  let contacts = [];
  /** @type {CrmContact[]} The contacts on the page shown. */
  let visible = [];
  /** @type {CrmContact[]} The contacts matching the search, in order. */
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
    for (const cb of tbody.querySelectorAll(/** @type {"input"} */ ("input.row-check"))) {
      cb.checked = selectAll.checked;
      cb.closest("tr")?.classList.toggle("selected", selectAll.checked);
    }
    syncSelection();
  });

  const page = state.page;
  async function refresh() {
    const loaded = await loadView(host, ls.viewId);
    if (state.page !== page) return;
    contacts = loaded;
    const present = new Set(contacts.map((c) => c.id));
    for (const id of [...ls.selected]) if (!present.has(id)) ls.selected.delete(id);
    draw();
  }
  state.refresh = refresh;
  await refresh();
}

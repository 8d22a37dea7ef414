// @ts-check
// What a sync would change, shown before it changes anything. A first sync can list thousands of
// changes, so the preview opens with counts per kind and side (each jumps to its rows or section),
// then one table of the operations grouped by kind and side, narrowed by a kind filter and a
// name search and shown a page at a time; conflicts with both values, the ambiguous matches set
// aside and the deletions the guard holds follow. Apply and Close sit in a bar that stays on
// screen while the preview does. The run history shows conflicts the same way.
//
// The user decides there too: each conflict keeps the CRM's or Google's value for this run, and
// each ambiguous match by value is linked to one candidate or kept apart from them (the plugin
// remembers that). The choices live with the plan on screen (`planDecisions`), so a redraw keeps
// them, and Apply passes them with the run. Contacts link to their pages (the host's
// `contacts.url`, Google Contacts), opened in a new tab without access to this page.

import { h, uid, clear } from "../dom.js";
import { heldCount, plural, opLabel, sideLabel, fieldLabel, changeLabel, ruleLabel, groupName } from "../messages.js";

/**
 * @typedef {import("../../types").Plan} Plan
 * @typedef {import("../../types").PlanOperation} PlanOperation
 * @typedef {import("../../types").Conflict} Conflict
 * @typedef {import("../../types").AmbiguousMatch} AmbiguousMatch
 * @typedef {import("../../types").HeldDeletions} HeldDeletions
 * @typedef {import("../../types").MergedInGoogle} MergedInGoogle
 * @typedef {import("../../types").NotWritten} NotWritten
 * @typedef {import("../../types").GoogleGroup} GoogleGroup
 * @typedef {import("../../types").Decisions} Decisions
 * @typedef {import("../../types").CrmHost} CrmHost
 * @typedef {import("../../types").Side} Side
 *
 * @typedef {object} Choices What the user chose on one plan.
 * @property {Map<string, Side>} conflicts By `crmId` and field ("c1 title").
 * @property {Map<string, { candidate: string } | "apart">} matches By the ambiguous contact's
 *   side and id ("google people/c1"): linked to one candidate, or kept apart from all.
 */

/** @type {WeakMap<Plan, Choices>} */
const choicesByPlan = new WeakMap();

/** @param {Plan} plan @returns {Choices} */
function choicesOf(plan) {
  let c = choicesByPlan.get(plan);
  if (!c) {
    c = { conflicts: new Map(), matches: new Map() };
    choicesByPlan.set(plan, c);
  }
  return c;
}

/** @param {string} crmId @param {string} field */
const conflictKey = (crmId, field) => `${crmId} ${field}`;
/** @param {AmbiguousMatch} m */
const matchKey = (m) => `${m.side} ${m.id}`;

/**
 * The decisions the user made on `plan`, as the run that applies it takes them.
 * @param {Plan} plan
 * @returns {Decisions}
 */
export function planDecisions(plan) {
  const c = choicesOf(plan);
  /** @type {Required<Decisions>} */
  const out = { conflicts: [], matches: [] };
  for (const k of plan.conflicts || []) {
    const keep = c.conflicts.get(conflictKey(k.crmId, k.field));
    if (keep) out.conflicts.push({ crmId: k.crmId, field: k.field, keep });
  }
  for (const m of plan.ambiguous || []) {
    const choice = c.matches.get(matchKey(m));
    if (!choice) continue;
    /** @param {string} other */
    const pair = (other) => (m.side === "crm" ? { crmId: m.id, resourceName: other } : { crmId: other, resourceName: m.id });
    if (choice === "apart") {
      for (const other of m.candidates) out.matches.push({ ...pair(other), choice: "apart" });
    } else {
      out.matches.push({ ...pair(choice.candidate), choice: "link" });
    }
  }
  return out;
}

/**
 * The address of a contact's page, or "" when there is none to link to: Google's contacts in
 * Google Contacts, the CRM's through the host's optional `contacts.url`. Only http(s) addresses
 * are linked, so a host's odd answer cannot become a `javascript:` link.
 * @param {Side} side
 * @param {string} id
 * @param {CrmHost | undefined} host
 */
export function contactUrl(side, id, host) {
  let url = "";
  if (side === "google") {
    const m = /^people\/(.+)$/.exec(id);
    url = m ? `https://contacts.google.com/person/${encodeURIComponent(m[1])}` : "";
  } else {
    try {
      url = (host && host.contacts && typeof host.contacts.url === "function" && host.contacts.url(id)) || "";
    } catch {
      url = "";
    }
  }
  if (!url) return "";
  try {
    const u = new URL(String(url), location.href);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : "";
  } catch {
    return "";
  }
}

/**
 * A contact's name, linked to its page when it has one (a new tab, no opener, no referrer).
 * @param {string} name
 * @param {Side} side
 * @param {string} id
 * @param {CrmHost | undefined} host
 */
function contactLink(name, side, id, host) {
  const href = contactUrl(side, id, host);
  const text = name || "(no name)";
  if (!href) return h("span", { class: "gcs-strong", text });
  return h("a", { href, target: "_blank", rel: "noopener noreferrer", class: "gcs-strong", text,
    title: `Open in ${side === "crm" ? "the CRM" : "Google Contacts"} (new tab)` });
}

/** Rows shown at once: enough to read a page, few enough that thousands of changes stay fast. */
export const PAGE_SIZE = 50;

/** The order of the groups of changes, each a kind and (for writes) the side written. */
const GROUPS = [
  "create:google", "create:crm", "update:google", "update:crm", "delete:google", "delete:crm",
  "link", "unlink", "addToGroup",
];

/** @param {PlanOperation} op */
function groupOf(op) {
  return op.op === "create" || op.op === "update" || op.op === "delete" ? `${op.op}:${op.side}` : op.op;
}

/** @param {string} key */
function groupLabel(key) {
  const [op, side] = key.split(":");
  return changeLabel(op, side || "");
}

/**
 * Names by CRM id and by Google resource name, from every place of the plan that has both: an
 * operation that names only an id (adding a Google contact to a group) or a candidate of an
 * ambiguous match is then shown by its name.
 * @param {Plan} plan
 */
function nameIndex(plan) {
  /** @type {Map<string, string>} */
  const names = new Map();
  /** @param {string | undefined} id @param {string | undefined} name */
  const add = (id, name) => {
    if (id && name && name !== id && !names.has(id)) names.set(id, name);
  };
  for (const op of plan.operations || []) {
    if (op.op === "addToGroup") continue;
    add(op.crmId, op.name);
    add(op.resourceName, op.name);
  }
  for (const c of plan.conflicts || []) {
    add(c.crmId, c.name);
    add(c.resourceName, c.name);
  }
  for (const m of plan.ambiguous || []) add(m.id, m.name);
  return names;
}

/**
 * The name to show for an operation: its own, else one the plan knows for its ids.
 * @param {PlanOperation} op
 * @param {Map<string, string>} names
 */
function opName(op, names) {
  const own = op.op === "addToGroup" ? "" : op.name;
  return own || names.get(op.resourceName || "") || names.get(op.crmId || "") || "(no name)";
}

/**
 * What an operation's reason says, in words: a group's name rather than its resource name.
 * @param {PlanOperation} op
 * @param {GoogleGroup[]} groups
 */
function reasonText(op, groups) {
  if (!op.reason) return "";
  if (op.op === "addToGroup") return `to ${groupName(op.reason, groups)}`;
  if (op.op === "link") return `matched by ${op.reason}`;
  return op.reason;
}

/**
 * The candidates of an ambiguous match by name: the match's own names, else one the plan knows,
 * else the id.
 * @param {AmbiguousMatch} m
 * @param {Map<string, string>} names
 */
function candidateNames(m, names) {
  return m.candidates.map((id, i) => (m.candidateNames && m.candidateNames[i]) || names.get(id) || id);
}

/** Case- and accent-blind text for the name search. @param {string} s */
function fold(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/** Why a contact was set aside, in words (the candidates follow). */
/** @param {AmbiguousMatch} m */
function ambiguityText(m) {
  switch (m.reason) {
    case "namesDiffer":
      return `has the same ${m.rule} as a contact with another family name`;
    case "severalTags":
      return `is linked to ${plural(m.candidates.length, "CRM contact")}`;
    default:
      return `matches ${plural(m.candidates.length, "contact")} by ${m.rule}`;
  }
}

/**
 * The held deletions as a list: the contact, the side, why.
 * @param {HeldDeletions[]} held
 */
export function deletionsList(held) {
  const list = h("ul", { class: "gcs-held-list" });
  for (const group of held) {
    for (const op of group.deletions || []) {
      list.append(h("li", {}, h("span", { class: "gcs-strong", text: op.name || "(no name)" }),
        ` — delete in ${group.side === "crm" ? "the CRM" : sideLabel(group.side)}`, op.reason ? h("span", { class: "gcs-muted", text: ` (${op.reason})` }) : null));
    }
  }
  return list;
}

/**
 * What happened to a CRM contact whose Google contact Google merged into another's, in words.
 * @param {MergedInGoogle} m
 * @param {Map<string, string>} names
 */
function mergedText(m, names) {
  const survivor = names.get(m.survivor) || `CRM contact ${m.survivor}`;
  return `${m.name || "(no name)"} was merged in Google into the contact linked to ${survivor}; it stays in the CRM, unlinked, and is not sent back to Google`;
}

/**
 * The CRM contacts unlinked because Google merged their Google contact into another's, as a list
 * (the preview's section, and the run history's).
 * @param {MergedInGoogle[]} merged
 * @param {Map<string, string>} [names]
 */
export function mergedList(merged, names = new Map()) {
  return h("ul", { class: "gcs-merged-list" }, merged.map((m) => h("li", { "data-crm-id": m.crmId, text: mergedText(m, names) })));
}

/** @param {string} s */
const shown = (s) => (s === "" ? "(empty)" : s);

/**
 * What a change not written to a CRM contact the user may not change would have been, in words.
 * @param {NotWritten} n
 */
function notWrittenChange(n) {
  if (n.change === "delete") return "delete it (deleted in Google); it is unlinked instead";
  if (n.change === "status") return `set its status to ${n.status || ""} (deleted in Google); it is unlinked instead`;
  return (n.diffs || []).map((d) => `${fieldLabel(d.field)}: ${shown(d.before)} → ${shown(d.after)}`).join("; ");
}

/**
 * The changes not written to CRM contacts the user may not change, as a list: the contact, why,
 * and what was left out (the preview's section, and the run history's).
 * @param {NotWritten[]} list
 */
export function notWrittenList(list) {
  return h("ul", { class: "gcs-not-written" }, list.map((n) => h("li", { "data-crm-id": n.crmId },
    h("span", { class: "gcs-strong", text: `${n.name || "(no name)"}: ` }),
    h("span", { text: n.message }),
    h("div", { class: "gcs-muted", text: `Not written to the CRM: ${notWrittenChange(n)}` }))));
}

/**
 * The plan as plain text with names and labels (no internal ids), for reading in one piece or
 * copying.
 * @param {Plan} plan
 * @param {Map<string, string>} names
 * @param {GoogleGroup[]} groups
 */
function planText(plan, names, groups) {
  const lines = [];
  for (const op of plan.operations || []) {
    const diffs = (op.diffs || []).map((d) => `${fieldLabel(d.field)}: ${shown(d.before)} → ${shown(d.after)}`).join("; ");
    const why = reasonText(op, groups);
    lines.push(`${changeLabel(op.op, op.side)}: ${opName(op, names)}${diffs ? ` (${diffs})` : ""}${why ? ` — ${why}` : ""}`);
  }
  for (const c of plan.conflicts || []) {
    lines.push(`Conflict: ${c.name || "(no name)"}, ${fieldLabel(c.field)}: CRM ${shown(c.crm)}, Google ${shown(c.google)}; keeps ${sideLabel(c.kept)} (${keptBy(c.rule)})`);
  }
  for (const m of plan.ambiguous || []) {
    lines.push(`Set aside: ${m.name || "(no name)"} (${sideLabel(m.side)}) ${ambiguityText(m)}: ${candidateNames(m, names).join(", ")}`);
  }
  for (const g of plan.held || []) {
    for (const op of g.deletions || []) lines.push(`Held: delete in ${sideLabel(g.side)}: ${op.name || "(no name)"}${op.reason ? ` (${op.reason})` : ""}`);
  }
  for (const m of plan.merged || []) lines.push(`Merged in Google: ${mergedText(m, names)}`);
  for (const n of plan.notWritten || []) lines.push(`Not written to the CRM: ${n.name || "(no name)"}, ${n.message}: ${notWrittenChange(n)}`);
  return lines.join("\n");
}

/**
 * One row of the changes table.
 * @param {PlanOperation} op
 * @param {Map<string, string>} names
 * @param {GoogleGroup[]} groups
 */
function opRow(op, names, groups) {
  const changes = h("td", { class: "gcs-diffs", "data-label": "Changes" });
  if (op.diffs && op.diffs.length) {
    const ul = h("ul", {});
    for (const d of op.diffs) {
      ul.append(h("li", {}, h("span", { class: "gcs-field-name", text: `${fieldLabel(d.field)}: ` }),
        h("span", { class: d.before === "" ? "gcs-nothing" : "gcs-before", text: shown(d.before) }), " → ",
        h("span", { class: d.after === "" ? "gcs-nothing" : "gcs-after", text: shown(d.after) })));
    }
    changes.append(ul);
  }
  const why = reasonText(op, groups);
  if (why) changes.append(h("div", { class: "gcs-muted", text: why }));
  return h("tr", { "data-group": groupOf(op) },
    h("td", { class: "gcs-nowrap", "data-label": "Operation", text: opLabel(op.op) }),
    h("td", { class: "gcs-nowrap", "data-label": "Side", text: sideLabel(op.side) }),
    h("td", { class: "gcs-contact", "data-label": "Contact", text: opName(op, names) }),
    changes);
}

/**
 * The preview of a plan: counts, the grouped, filtered and paged changes, conflicts, ambiguous
 * matches, held deletions and the plan as text, then the bar with `apply` (the button that runs
 * it, with `planDecisions(plan)`) and Close (`close` hides it). `groups`: the account's Google
 * groups, to name them; `host`: to link CRM contacts to their pages.
 * @param {Plan} plan
 * @param {{ apply: HTMLElement, close: () => void, groups?: GoogleGroup[], host?: CrmHost }} o
 */
export function renderPlan(plan, { apply, close, groups = [], host }) {
  const choices = choicesOf(plan);
  const headingId = uid("gcs-plan");
  const box = h("div", { class: "gcs-plan", role: "region", "aria-labelledby": headingId });
  // The panel focuses the heading when the preview opens: the preview then starts at the top of
  // the screen (once the browser has scrolled for the focus), its counts and first rows in view
  // and its bar at the bottom.
  const heading = h("h4", { id: headingId, tabIndex: -1, text: "Preview", onfocus: () => requestAnimationFrame(() => heading.scrollIntoView({ block: "start" })) });
  box.append(heading);
  const ops = plan.operations || [];
  const names = nameIndex(plan);
  /** @type {Map<string, PlanOperation[]>} */
  const byGroup = new Map(GROUPS.map((g) => [g, []]));
  for (const op of ops) {
    const key = groupOf(op);
    if (!byGroup.has(key)) byGroup.set(key, []);
    /** @type {PlanOperation[]} */ (byGroup.get(key)).push(op);
  }
  const ordered = [...byGroup.values()].flat();
  const conflicts = plan.conflicts || [];
  const ambiguous = plan.ambiguous || [];
  const held = heldCount(plan.held);

  box.append(h("p", { text: ops.length
    ? `A sync would make ${plural(ops.length, "change")}. Nothing has been changed yet.`
    : (plan.notWritten || []).length
      ? "Nothing to change that you may change: see what is not written to the CRM below."
      : "Nothing to change: both sides agree." }));

  // Where the counts jump to: the rows of a kind (through the filter) or a section's heading.
  const conflictsId = uid("gcs-plan-conflicts");
  const ambiguousId = uid("gcs-plan-ambiguous");
  const heldId = uid("gcs-plan-held");
  const mergedId = uid("gcs-plan-merged");
  const merged = plan.merged || [];
  const notWrittenId = uid("gcs-plan-not-written");
  const notWritten = plan.notWritten || [];
  /** @param {string} id */
  const toSection = (id) => {
    const el = /** @type {HTMLElement | null} */ (box.querySelector(`[id="${id}"]`));
    if (el) {
      el.scrollIntoView({ block: "start" });
      el.focus();
    }
  };

  const filter = { group: "", query: "", page: 0 };
  const counts = h("ul", { class: "gcs-counts", "aria-label": "Changes by kind" });
  /**
   * @param {number} n
   * @param {string} label
   * @param {(() => void) | null} go
   * @param {string} key
   */
  const count = (n, label, go, key) => counts.append(h("li", { "data-count": key },
    n && go
      ? h("button", { type: "button", class: "gcs-count", onclick: go }, h("span", { class: "gcs-count-n", text: String(n) }), ` ${label}`)
      : h("span", { class: "gcs-count gcs-count-zero" }, h("span", { class: "gcs-count-n", text: String(n) }), ` ${label}`)));
  for (const [key, list] of byGroup) {
    // Every kind a user asks about is listed, zero or not; the rarer ones only when present.
    if (!list.length && !GROUPS.slice(0, 7).includes(key)) continue;
    count(list.length, groupLabel(key), () => showGroup(key), key);
  }
  count(conflicts.length, "Conflicts", () => toSection(conflictsId), "conflicts");
  count(ambiguous.length, "Ambiguous matches", () => toSection(ambiguousId), "ambiguous");
  count(held, "Held deletions", () => toSection(heldId), "held");
  if (merged.length) count(merged.length, "Merged in Google", () => toSection(mergedId), "merged");
  if (notWritten.length) count(notWritten.length, "Not written to the CRM", () => toSection(notWrittenId), "notWritten");
  box.append(counts);

  const tbody = h("tbody");
  const status = h("p", { class: "gcs-page-status", role: "status" });
  const prev = h("button", { type: "button", class: "gcs-btn gcs-btn-small", text: "Previous page", onclick: () => turn(-1) });
  const next = h("button", { type: "button", class: "gcs-btn gcs-btn-small", text: "Next page", onclick: () => turn(1) });
  const kind = h("select", { "aria-label": "Show", onchange: () => { filter.group = kind.value; filter.page = 0; draw(); } },
    h("option", { value: "", text: `All changes (${ops.length})` }),
    [...byGroup].filter(([, list]) => list.length).map(([key, list]) => h("option", { value: key, text: `${groupLabel(key)} (${list.length})` })));
  const search = h("input", { type: "search", class: "gcs-search", placeholder: "Search by name", "aria-label": "Search changes by name",
    oninput: () => { filter.query = search.value; filter.page = 0; draw(); } });
  const wrap = h("div", { class: "gcs-table-wrap gcs-plan-wrap", tabIndex: 0, role: "region", "aria-label": "Planned changes, scrollable" },
    h("table", { class: "gcs-table gcs-plan-table" },
      h("caption", { class: "gcs-sr-only", text: "Planned changes" }),
      h("thead", {}, h("tr", {}, ["Operation", "Side", "Contact", "Changes"].map((t) => h("th", { scope: "col", text: t })))),
      tbody));

  // Each operation's group and searchable name, worked out once rather than at every keystroke.
  const keyed = ordered.map((op) => ({ op, group: groupOf(op), name: fold(opName(op, names)) }));
  /** The operations the filter and search let through, in group order. */
  const matching = () => {
    const q = fold(filter.query.trim());
    return keyed.filter((k) => (!filter.group || k.group === filter.group) && (!q || k.name.includes(q))).map((k) => k.op);
  };
  const draw = () => {
    const rows = matching();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    filter.page = Math.min(filter.page, pages - 1);
    const from = filter.page * PAGE_SIZE;
    const slice = rows.slice(from, from + PAGE_SIZE);
    clear(tbody);
    let last = "";
    for (const op of slice) {
      const key = groupOf(op);
      if (key !== last) {
        const total = /** @type {PlanOperation[]} */ (byGroup.get(key)).length;
        tbody.append(h("tr", { class: "gcs-group-row" }, h("th", { scope: "rowgroup", colspan: 4, text: `${groupLabel(key)} (${total})` })));
        last = key;
      }
      tbody.append(opRow(op, names, groups));
    }
    if (!slice.length) tbody.append(h("tr", {}, h("td", { colspan: 4, class: "gcs-muted", text: "No change matches." })));
    status.textContent = rows.length
      ? `Showing ${from + 1}–${from + slice.length} of ${plural(rows.length, "change")}, page ${filter.page + 1} of ${pages}.`
      : "No change matches.";
    prev.disabled = filter.page === 0;
    next.disabled = filter.page >= pages - 1;
  };
  /** @param {number} step */
  const turn = (step) => {
    filter.page += step;
    draw();
    wrap.scrollTop = 0;
    // Keep the reader at the top of the new page rather than wherever the button now sits.
    wrap.scrollIntoView({ block: "nearest" });
  };
  /** @param {string} key */
  const showGroup = (key) => {
    filter.group = key;
    filter.query = "";
    filter.page = 0;
    kind.value = key;
    search.value = "";
    draw();
    wrap.scrollIntoView({ block: "start" });
    wrap.focus();
  };

  if (ops.length) {
    box.append(h("div", { class: "gcs-plan-tools" },
      h("label", { class: "gcs-inline" }, h("span", { text: "Show" }), kind),
      search),
    status, wrap, h("div", { class: "gcs-pager" }, prev, next));
    draw();
  }

  if (conflicts.length) {
    box.append(h("h5", { id: conflictsId, tabIndex: -1, text: `Conflicts (${conflicts.length})` }),
      h("p", { class: "gcs-hint", text: "Choose the value each field keeps in this sync; Apply writes it to the other side." }),
      conflictsTable(conflicts, choices.conflicts));
  }
  if (ambiguous.length) {
    const ul = h("ul", { class: "gcs-ambiguous" });
    for (const m of ambiguous) ul.append(ambiguousItem(m, names, host, choices.matches));
    box.append(h("h5", { id: ambiguousId, tabIndex: -1, text: `Ambiguous matches (${ambiguous.length})` }),
      h("p", { class: "gcs-hint", text: "Nothing is created or linked for these contacts until you decide. Link a contact to the one that is the same person, or keep them apart: Apply does it, and the plugin remembers it. Undecided ones stay set aside." }), ul);
  }
  if (held) {
    box.append(h("h5", { id: heldId, tabIndex: -1, text: `Held deletions (${held})` }),
      h("p", { class: "gcs-hint", text: "More deletions than the safety limit: Apply will not delete these; use the confirmation button above if they are intended." }),
      deletionsList(plan.held));
  }
  if (merged.length) {
    box.append(h("h5", { id: mergedId, tabIndex: -1, text: `Merged in Google (${merged.length})` }),
      h("p", { class: "gcs-hint", text: "Google merged these contacts' Google copies into another contact, which keeps one link. Nothing is deleted: the CRM keeps both contacts, and the merged Google contact holds the data of both." }),
      mergedList(merged, names));
  }
  if (notWritten.length) {
    box.append(h("h5", { id: notWrittenId, tabIndex: -1, text: `Not written to the CRM (${notWritten.length})` }),
      h("p", { class: "gcs-hint", text: "You may not change these contacts in the CRM: Apply leaves them as they are there, and Google keeps its values. Changes marked \"from a contact you may not change\" above are written to Google from them." }),
      notWrittenList(notWritten));
  }
  // The text of thousands of changes is written only when asked for.
  const pre = h("pre", { class: "gcs-pre", tabIndex: 0, "aria-label": "Preview text" });
  const details = h("details", { class: "gcs-details", ontoggle: () => {
    if (details.open && !pre.textContent) pre.textContent = planText(plan, names, groups);
  } }, h("summary", { text: "Preview text" }), pre);
  box.append(details);
  // Last in reading order, after what it applies; sticky, so it stays on screen while any of the
  // preview is.
  box.append(h("div", { class: "gcs-actions gcs-plan-bar", role: "group", "aria-label": "Preview actions" },
    apply,
    h("button", { type: "button", class: "gcs-btn", text: "Close preview", onclick: close }),
    h("span", { class: "gcs-muted gcs-plan-bar-note", text: ops.length ? `${plural(ops.length, "change")}, nothing changed yet` : "" })));
  return box;
}

/** Why a conflict kept its value, in words. @param {string} rule */
const keptBy = (rule) => (rule === "decided" ? "your choice" : ruleLabel(rule));

/**
 * Conflicts with both values and the side kept. With `chosen` (the preview), each row offers the
 * choice of the side to keep, recorded there by `crmId` and field.
 * @param {Conflict[]} conflicts
 * @param {Map<string, Side>} [chosen]
 */
export function conflictsTable(conflicts, chosen) {
  /** @param {Conflict} c */
  const keepCell = (c) => {
    if (!chosen) return h("td", { "data-label": "Kept", text: `${sideLabel(c.kept)}${c.rule ? ` (${keptBy(c.rule)})` : ""}` });
    const key = conflictKey(c.crmId, c.field);
    const current = chosen.get(key) || c.kept;
    const group = uid("gcs-keep");
    const what = `${fieldLabel(c.field)} of ${c.name || "(no name)"}`;
    /** @param {Side} side */
    const option = (side) => h("label", { class: "gcs-inline gcs-keep" },
      h("input", { type: "radio", name: group, value: side, checked: current === side,
        "aria-label": `Keep the ${sideLabel(side)} value for the ${what}`,
        onchange: () => chosen.set(key, side) }),
      h("span", { text: sideLabel(side) }));
    return h("td", { "data-label": "Keep" },
      h("div", { role: "radiogroup", "aria-label": `Value kept for the ${what}` }, option("crm"), option("google")),
      chosen.has(key) ? null : h("div", { class: "gcs-muted", text: `By default ${sideLabel(c.kept)} (${keptBy(c.rule)})` }));
  };
  return h("div", { class: "gcs-table-wrap", tabIndex: 0, role: "region", "aria-label": "Conflicts, scrollable" }, h("table", { class: "gcs-table gcs-table-compact" },
    h("thead", {}, h("tr", {}, ["Contact", "Field", "CRM value", "Google value", chosen ? "Keep" : "Kept"].map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, conflicts.map((c) => h("tr", { "data-conflict": conflictKey(c.crmId, c.field) },
      h("td", { "data-label": "Contact", text: c.name || "(no name)" }), h("td", { "data-label": "Field", text: fieldLabel(c.field) }),
      h("td", { "data-label": "CRM value", text: shown(c.crm) }), h("td", { "data-label": "Google value", text: shown(c.google) }),
      keepCell(c))))));
}

/**
 * One ambiguous match: the contact and its candidates by name, each linked to its page, what
 * they share, and (for a match by value) the choice: decide later, link to one candidate, or
 * keep apart from all, recorded in `chosen`.
 * @param {AmbiguousMatch} m
 * @param {Map<string, string>} names
 * @param {CrmHost | undefined} host
 * @param {Map<string, { candidate: string } | "apart">} chosen
 */
function ambiguousItem(m, names, host, chosen) {
  const other = m.side === "crm" ? "google" : "crm";
  const labels = candidateNames(m, names);
  const li = h("li", { "data-reason": m.reason || "", "data-id": m.id },
    contactLink(m.name, m.side, m.id, host), ` (${sideLabel(m.side)}) ${ambiguityText(m)}: `);
  labels.forEach((label, i) => {
    if (i) li.append(", ");
    li.append(contactLink(label, other, m.candidates[i], host));
  });
  if (m.shared && m.shared.length) li.append(h("div", { class: "gcs-muted", text: `Shared: ${m.shared.join(", ")}` }));
  if (!m.decidable) return li;
  const key = matchKey(m);
  const group = uid("gcs-match");
  const current = chosen.get(key);
  const value = current === "apart" ? "apart" : current ? `link:${current.candidate}` : "";
  /** @param {string} v @param {string} text */
  const option = (v, text) => h("label", { class: "gcs-inline gcs-choice" },
    h("input", { type: "radio", name: group, value: v, checked: value === v, onchange: () => {
      if (!v) chosen.delete(key);
      else if (v === "apart") chosen.set(key, "apart");
      else chosen.set(key, { candidate: v.slice("link:".length) });
    } }),
    h("span", { text }));
  li.append(h("div", { role: "radiogroup", class: "gcs-match-choice", "aria-label": `What to do with ${m.name || "(no name)"}` },
    option("", "Decide later"),
    m.candidates.map((id, i) => option(`link:${id}`, `Same person as ${labels[i]}`)),
    option("apart", m.candidates.length > 1 ? "Different people: keep apart from all" : "Different people: keep apart")));
  return li;
}

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

import { directionLines, directionSection } from "./field-directions.js";
import { photoLines, photoSection } from "./photos.js";
import { h, uid, clear } from "../dom.js";
import { heldCount, plural, opLabel, sideLabel, fieldLabel, changeLabel, groupName, errorMessage } from "../messages.js";
import { choicesOf, planDecisions, planApproval, contactUrl, candidateList, ambiguityText, keptBy, conflictsTable, ambiguousItem, isPossibleDuplicate } from "./decisions.js";
import { valueText, listChange } from "./values.js";

export { planDecisions, planApproval, contactUrl, conflictsTable };

/**
 * @typedef {import("../../types").Plan} Plan
 * @typedef {import("../../types").PlanOperation} PlanOperation
 * @typedef {import("../../types").FieldDiff} FieldDiff
 * @typedef {import("../../types").HeldDeletions} HeldDeletions
 * @typedef {import("../../types").MergedInGoogle} MergedInGoogle
 * @typedef {import("../../types").NotWritten} NotWritten
 * @typedef {import("../../types").GoogleGroup} GoogleGroup
 * @typedef {import("../../types").Decisions} Decisions
 * @typedef {import("../../types").CrmHost} CrmHost
 */

/** Rows shown at once: enough to read a page, few enough that thousands of changes stay fast. */
export const PAGE_SIZE = 50;

/** How many contacts left out for Google's limit the preview names; the rest are counted. */
const PAST_LIMIT_SHOWN = 50;

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

/** Case- and accent-blind text for the name search. @param {string} s */
function fold(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
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

/** @param {string} field @param {string} s */
const shown = (field, s) => (s === "" ? "(empty)" : valueText(field, s));

/**
 * A field's change as one line of text: what a list gained and lost, else before → after.
 * @param {FieldDiff} d
 */
export function diffText(d) {
  const change = listChange(d);
  if (!change) return `${fieldLabel(d.field)}: ${shown(d.field, d.before)} → ${shown(d.field, d.after)}`;
  const parts = [];
  if (change.added.length) parts.push(`added ${change.added.join("; ")}`);
  if (change.removed.length) parts.push(`removed ${change.removed.join("; ")}`);
  return `${fieldLabel(d.field)}: ${parts.length ? parts.join(", ") : `reordered: ${d.after}`}`;
}

/**
 * What a change not written to a CRM contact the user may not change would have been, in words.
 * @param {NotWritten} n
 */
function notWrittenChange(n) {
  if (n.change === "delete") return "delete it (deleted in Google); it is unlinked instead";
  if (n.change === "status") return `set its status to ${n.status || ""} (deleted in Google); it is unlinked instead`;
  return (n.diffs || []).map((d) => `${fieldLabel(d.field)}: ${shown(d.field, d.before)} → ${shown(d.field, d.after)}`).join("; ");
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
    const diffs = (op.diffs || []).map(diffText).join("; ");
    const why = reasonText(op, groups);
    lines.push(`${changeLabel(op.op, op.side)}: ${opName(op, names)}${diffs ? ` (${diffs})` : ""}${why ? ` — ${why}` : ""}`);
  }
  for (const c of plan.conflicts || []) {
    lines.push(`Conflict: ${c.name || "(no name)"}, ${fieldLabel(c.field)}: CRM ${shown(c.field, c.crm)}, Google ${shown(c.field, c.google)}; keeps ${sideLabel(c.kept)} (${keptBy(c.rule)})`);
  }
  for (const m of plan.ambiguous || []) {
    const what = isPossibleDuplicate(m) ? "Possible duplicate" : "Set aside";
    lines.push(`${what}: ${m.name || "(no name)"} (${sideLabel(m.side)}) ${ambiguityText(m)}${isPossibleDuplicate(m) ? " " : ": "}${candidateList(m, names)}`);
  }
  for (const g of plan.held || []) {
    for (const op of g.deletions || []) lines.push(`Held: delete in ${sideLabel(g.side)}: ${op.name || "(no name)"}${op.reason ? ` (${op.reason})` : ""}`);
  }
  for (const m of plan.merged || []) lines.push(`Merged in Google: ${mergedText(m, names)}`);
  for (const n of plan.notWritten || []) lines.push(`Not written to the CRM: ${n.name || "(no name)"}, ${n.message}: ${notWrittenChange(n)}`);
  for (const c of plan.pastLimit || []) lines.push(`Not created in Google, the account is full: ${c.name || "(no name)"}`);
  lines.push(...directionLines(plan));
  lines.push(...photoLines(plan));
  return lines.join("\n");
}

/**
 * A field's change in the table: a list's items added and removed, else before → after.
 * @param {FieldDiff} d
 */
function diffItem(d) {
  const li = h("li", {}, h("span", { class: "gcs-field-name", text: `${fieldLabel(d.field)}: ` }));
  const change = listChange(d);
  if (!change) {
    li.append(h("span", { class: d.before === "" ? "gcs-nothing" : "gcs-before", text: shown(d.field, d.before) }), " → ",
      h("span", { class: d.after === "" ? "gcs-nothing" : "gcs-after", text: shown(d.field, d.after) }));
    return li;
  }
  if (change.added.length) li.append("added ", h("span", { class: "gcs-after", text: change.added.join("; ") }));
  if (change.added.length && change.removed.length) li.append(", ");
  if (change.removed.length) li.append("removed ", h("span", { class: "gcs-before", text: change.removed.join("; ") }));
  if (!change.added.length && !change.removed.length) li.append("reordered: ", h("span", { class: "gcs-after", text: d.after }));
  return li;
}

/**
 * A new contact's fields behind a disclosure whose summary tells how many there are and the
 * first email or phone ("9 fields · zoe@example.com"), so a page of creates reads as a list of
 * names; the summary names the contact for a screen reader's list of controls.
 * @param {PlanOperation} op
 * @param {string} name
 */
function createFields(op, name) {
  const diffs = op.diffs || [];
  const filled = diffs.filter((d) => d.after !== "").length;
  const reach = ["emails", "phones"].map((f) => diffs.find((d) => d.field === f && d.after !== "")).find(Boolean);
  // An email or a phone holds neither ";" nor ",", whichever joins a list's items.
  const first = reach ? reach.after.split(/[;,]\s*/)[0] : "";
  return h("details", { class: "gcs-create-fields" },
    h("summary", {}, h("span", { class: "gcs-sr-only", text: `${name}: ` }), plural(filled, "field"),
      first ? h("span", { class: "gcs-muted", text: ` · ${first}` }) : null),
    h("ul", {}, diffs.map(diffItem)));
}

/**
 * One row of the changes table.
 * @param {PlanOperation} op
 * @param {Map<string, string>} names
 * @param {GoogleGroup[]} groups
 */
function opRow(op, names, groups) {
  const changes = h("td", { class: "gcs-diffs", "data-label": "Changes" });
  if (op.op === "create" && op.diffs && op.diffs.length) changes.append(createFields(op, opName(op, names)));
  else if (op.diffs && op.diffs.length) changes.append(h("ul", {}, op.diffs.map(diffItem)));
  const why = reasonText(op, groups);
  if (why) changes.append(h("div", { class: "gcs-muted", text: why }));
  return h("tr", { "data-group": groupOf(op) },
    h("td", { class: "gcs-nowrap", "data-label": "Operation", text: opLabel(op.op) }),
    h("td", { class: "gcs-nowrap", "data-label": "Side", text: sideLabel(op.side) }),
    h("td", { class: "gcs-contact", "data-label": "Contact", text: opName(op, names) }),
    changes);
}

/** What a count of changes of each kind says after its number: a verb, whatever the number. */
const COUNT_LABELS = /** @type {Record<string, string>} */ ({
  "create:google": "to create in Google", "create:crm": "to create in the CRM",
  "update:google": "to update in Google", "update:crm": "to update in the CRM",
  "delete:google": "to delete in Google", "delete:crm": "to delete in the CRM",
  link: "to link", unlink: "to unlink", addToGroup: "to add to the group",
});

/** @param {number} n @param {string} one @param {string} [many] */
const noun = (n, one, many = `${one}s`) => (n === 1 ? one : many);

/**
 * The preview of a plan: counts, the grouped, filtered and paged changes, conflicts, ambiguous
 * matches, possible duplicates, held deletions and the plan as text, then the bar with `apply`
 * (the button that runs it, with `planApproval(plan)`) and Close (`close` hides it). `plan` is
 * the preview as it opened; each decision plans it again with `replan` (when given) and the
 * counts, changes, text and bar show that plan. `groups`: the account's Google groups, to name
 * them; `host`: to link CRM contacts to their pages; `title`: its heading.
 * @param {Plan} plan
 * @param {{ apply: HTMLButtonElement, close: () => void, groups?: GoogleGroup[], host?: CrmHost,
 *   replan?: (d: Decisions) => Promise<Plan>, title?: string }} o
 */
export function renderPlan(plan, { apply, close, groups = [], host, replan, title = "Preview" }) {
  const choices = choicesOf(plan);
  const headingId = uid("gcs-plan");
  const box = h("div", { class: "gcs-plan", role: "region", "aria-labelledby": headingId });
  // The panel focuses the heading when the preview opens: the preview then starts at the top of
  // the screen (once the browser has scrolled for the focus), its counts and first rows in view
  // and its bar at the bottom.
  const heading = h("h4", { id: headingId, tabIndex: -1, text: title, onfocus: () => requestAnimationFrame(() => heading.scrollIntoView({ block: "start" })) });
  box.append(heading);
  // An undo's contacts (or fields) it leaves as they are: edited since the run, or gone.
  const notUndone = plan.notUndone || [];
  if (notUndone.length) {
    box.append(h("div", { class: "gcs-plan-not-undone" },
      h("p", { text: `${plural(notUndone.length, "change")} of that run will not be undone, so that nothing edited since is overwritten:` }),
      h("ul", {}, notUndone.map((t) => h("li", { text: t })))));
  }
  // Decisions are made on the plan as it opened (every conflict and ambiguity in it); what they
  // lead to is `choices.current`, which the live part shows.
  const conflicts = plan.conflicts || [];
  const ambiguous = (plan.ambiguous || []).filter((m) => !isPossibleDuplicate(m));
  const duplicates = (plan.ambiguous || []).filter(isPossibleDuplicate);
  const merged = plan.merged || [];
  const held = heldCount(plan.held);
  const names = nameIndex(plan);

  // Where the counts jump to: the rows of a kind (through the filter) or a section's heading.
  const conflictsId = uid("gcs-plan-conflicts");
  const ambiguousId = uid("gcs-plan-ambiguous");
  const duplicatesId = uid("gcs-plan-duplicates");
  const heldId = uid("gcs-plan-held");
  const mergedId = uid("gcs-plan-merged");
  const notWrittenId = uid("gcs-plan-not-written");
  const pastLimitId = uid("gcs-plan-past-limit");
  const photosId = uid("gcs-plan-photos");
  /** @param {string} id */
  const toSection = (id) => {
    const el = /** @type {HTMLElement | null} */ (box.querySelector(`[id="${id}"]`));
    if (el) {
      el.scrollIntoView({ block: "start" });
      el.focus();
    }
  };

  const filter = { group: "", query: "", page: 0 };
  const live = h("div", { class: "gcs-plan-live" });
  box.append(live);
  const pre = h("pre", { class: "gcs-pre", tabIndex: 0, "aria-label": "Preview text" });
  const note = h("span", { class: "gcs-muted gcs-plan-bar-note", "aria-live": "polite" });
  /** The bar's note and whether Apply may run, from the plan shown. */
  const state = { pending: false, failed: "", applying: false };

  /** Draws what depends on the plan with the user's choices: the summary, counts and changes. */
  const drawLive = () => {
    const current = choices.current;
    const ops = current.operations || [];
    /** @type {Map<string, PlanOperation[]>} */
    const byGroup = new Map(GROUPS.map((g) => [g, []]));
    for (const op of ops) {
      const key = groupOf(op);
      if (!byGroup.has(key)) byGroup.set(key, []);
      /** @type {PlanOperation[]} */ (byGroup.get(key)).push(op);
    }
    const ordered = [...byGroup.values()].flat();
    const opNames = nameIndex(current);
    for (const [k, v] of names) if (!opNames.has(k)) opNames.set(k, v);
    const waiting = (current.ambiguous || []).filter(isPossibleDuplicate).length;
    const setAside = (current.ambiguous || []).length - waiting;
    clear(live);
    const moves = ops.length + (current.photos || []).length;
    live.append(h("p", { class: "gcs-plan-summary", text: moves
      ? `A sync would make ${plural(moves, "change")}. Nothing has been changed yet.`
      : waiting || setAside ? "Nothing to change until you decide on the contacts below."
        : (current.notWritten || []).length ? "Nothing to change that you may change: see what is not written to the CRM below."
          : (current.pastLimit || []).length ? "Nothing to change: the Google account is full; see the contacts not created below."
            : "Nothing to change: both sides agree." }));

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
      count(list.length, COUNT_LABELS[key] || groupLabel(key), () => showGroup(key), key);
    }
    const nConflicts = (current.conflicts || []).length;
    count(nConflicts, noun(nConflicts, "conflict"), () => toSection(conflictsId), "conflicts");
    count(setAside, noun(setAside, "ambiguous match", "ambiguous matches"), () => toSection(ambiguousId), "ambiguous");
    if (duplicates.length) count(waiting, noun(waiting, "possible duplicate"), () => toSection(duplicatesId), "duplicates");
    count(held, noun(held, "held deletion"), () => toSection(heldId), "held");
    if (merged.length) count(merged.length, "merged in Google", () => toSection(mergedId), "merged");
    const notWritten = (current.notWritten || []).length;
    if (notWritten) count(notWritten, "not written to the CRM", () => toSection(notWrittenId), "notWritten");
    const pastLimit = (current.pastLimit || []).length;
    if (pastLimit) count(pastLimit, "not created: Google account full", () => toSection(pastLimitId), "pastLimit");
    const photos = (current.photos || []).length;
    if (photos) count(photos, noun(photos, "photo") + " to move", () => toSection(photosId), "photos");
    live.append(counts);

    const tbody = h("tbody");
    const status = h("p", { class: "gcs-page-status", role: "status" });
    const prev = h("button", { type: "button", class: "gcs-btn gcs-btn-small", text: "Previous page", onclick: () => turn(-1) });
    const next = h("button", { type: "button", class: "gcs-btn gcs-btn-small", text: "Next page", onclick: () => turn(1) });
    if (filter.group && !(byGroup.get(filter.group) || []).length) filter.group = "";
    const kind = h("select", { "aria-label": "Show", onchange: () => { filter.group = kind.value; filter.page = 0; draw(); } },
      h("option", { value: "", text: `All changes (${ops.length})` }),
      [...byGroup].filter(([, list]) => list.length).map(([key, list]) => h("option", { value: key, text: `${groupLabel(key)} (${list.length})`, selected: key === filter.group })));
    const search = h("input", { type: "search", class: "gcs-search", placeholder: "Search by name", "aria-label": "Search changes by name", value: filter.query,
      oninput: () => { filter.query = search.value; filter.page = 0; draw(); } });
    const wrap = h("div", { class: "gcs-table-wrap gcs-plan-wrap", tabIndex: 0, role: "region", "aria-label": "Planned changes, scrollable" },
      h("table", { class: "gcs-table gcs-plan-table" },
        h("caption", { class: "gcs-sr-only", text: "Planned changes" }),
        h("thead", {}, h("tr", {}, ["Operation", "Side", "Contact", "Changes"].map((t) => h("th", { scope: "col", text: t })))),
        tbody));

    // Each operation's group and searchable name, worked out once rather than at every keystroke.
    const keyed = ordered.map((op) => ({ op, group: groupOf(op), name: fold(opName(op, opNames)) }));
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
        tbody.append(opRow(op, opNames, groups));
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
      live.append(h("div", { class: "gcs-plan-tools" },
        h("label", { class: "gcs-inline" }, h("span", { text: "Show" }), kind),
        search),
      status, wrap, h("div", { class: "gcs-pager" }, prev, next));
      draw();
    }
    pre.textContent = details.open ? planText(current, opNames, groups) : "";
    drawBar();
  };

  /** The bar: Apply runs only a plan on screen that has something to do. */
  const drawBar = () => {
    // Photos move after the other changes, and are changes a user applies too.
    const n = (choices.current.operations || []).length + (choices.current.photos || []).length;
    const decided = planDecisions(plan).matches.length > 0;
    const blocked = state.pending || !!state.failed || (!n && !decided);
    if (blocked) apply.setAttribute("data-gcs-blocked", "");
    else apply.removeAttribute("data-gcs-blocked");
    // Set only when it changes: the observer below hears every write.
    const disabled = blocked || !!box.closest("[aria-busy=true]");
    if (apply.disabled !== disabled) apply.disabled = disabled;
    note.textContent = state.applying ? `Applying ${plural(n, "change")}…`
      : state.failed ? state.failed
      : state.pending ? "Updating the preview with your choice…"
      : n ? `${plural(n, "change")} to apply; nothing has been changed yet`
      : decided ? "Apply to remember your choices" : "Nothing to apply";
  };
  // While the run it started lasts, the panel disables Apply: the note says it is applying.
  new MutationObserver(() => {
    // A preview the run's end took off the page says nothing more.
    if (!apply.isConnected) return;
    if (!apply.disabled && state.applying) state.applying = false;
    drawBar();
  }).observe(apply, { attributes: true, attributeFilter: ["disabled"] });
  // Before the panel's own listener (capture runs first on the button), which marks the panel
  // busy: the note never says "nothing has been changed yet" once Apply was clicked.
  apply.addEventListener("click", () => {
    state.applying = true;
    drawBar();
  }, { capture: true });

  let asked = 0;
  /** A choice was made: the preview shows the plan it leads to. */
  const onchoice = () => {
    if (!replan) return;
    const mine = ++asked;
    state.pending = true;
    state.failed = "";
    drawBar();
    replan(planDecisions(plan)).then((p) => {
      if (mine !== asked) return;
      choices.current = p;
      state.pending = false;
      drawLive();
    }, (e) => {
      if (mine !== asked) return;
      state.pending = false;
      state.failed = errorMessage(e);
      drawBar();
    });
  };

  if (conflicts.length) {
    box.append(h("h5", { id: conflictsId, tabIndex: -1, text: `Conflicts (${conflicts.length})` }),
      h("p", { class: "gcs-hint", text: "Choose the value each field keeps in this sync; the changes above show it, and Apply writes it to the other side." }),
      conflictsTable(conflicts, choices.conflicts, onchoice));
  }
  if (duplicates.length) {
    const ul = h("ul", { class: "gcs-ambiguous gcs-duplicates" });
    for (const m of duplicates) ul.append(ambiguousItem(m, names, host, choices.matches, onchoice));
    box.append(h("h5", { id: duplicatesId, tabIndex: -1, text: `Possible duplicates (${duplicates.length})` }),
      h("p", { class: "gcs-hint", text: "These contacts have the same name in the CRM and in Google, and nothing else links them or tells them apart. Nothing is created for them until you decide: link them if they are the same person, or create both if they are different people. The plugin remembers your choice; automatic syncs leave them waiting." }), ul);
  }
  if (ambiguous.length) {
    const ul = h("ul", { class: "gcs-ambiguous" });
    for (const m of ambiguous) ul.append(ambiguousItem(m, names, host, choices.matches, onchoice));
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
  const notWritten = plan.notWritten || [];
  if (notWritten.length) {
    box.append(h("h5", { id: notWrittenId, tabIndex: -1, text: `Not written to the CRM (${notWritten.length})` }),
      h("p", { class: "gcs-hint", text: "You may not change these contacts in the CRM: Apply leaves them as they are there, and Google keeps its values. Changes marked \"from a contact you may not change\" above are written to Google from them." }),
      notWrittenList(notWritten));
  }
  const pastLimit = plan.pastLimit || [];
  if (pastLimit.length) {
    const room = (plan.operations || []).filter((op) => op.op === "create" && op.side === "google").length;
    const shown = pastLimit.slice(0, PAST_LIMIT_SHOWN);
    box.append(h("h5", { id: pastLimitId, tabIndex: -1, text: `Not created in Google: the account is full (${pastLimit.length})` }),
      h("p", { class: "gcs-hint", text: `Google holds at most ${plan.googleLimit} contacts per account, and this one ${room
        ? `has room for ${plural(room, "more contact")}: Apply creates ${room === 1 ? "it" : "those"} and not these ${plural(pastLimit.length, "contact")}.`
        : `is full: Apply creates none of these ${plural(pastLimit.length, "contact")}.`} Delete contacts in Google to make room; the next sync creates them.` }),
      h("ul", { class: "gcs-past-limit" }, shown.map((c) => h("li", { "data-crm-id": c.crmId, text: c.name || "(no name)" }))));
    if (pastLimit.length > shown.length) box.append(h("p", { class: "gcs-muted", text: `and ${pastLimit.length - shown.length} more (all are in the preview text)` }));
  }
  const directions = directionSection(plan);
  if (directions) box.append(directions);
  const photos = photoSection(plan, photosId);
  if (photos) box.append(photos);
  // The text of thousands of changes is written only when asked for.
  const details = h("details", { class: "gcs-details", ontoggle: () => {
    if (details.open && !pre.textContent) pre.textContent = planText(choices.current, names, groups);
  } }, h("summary", { text: "Preview text" }), pre);
  box.append(details);
  // Last in reading order, after what it applies; sticky, so it stays on screen while any of the
  // preview is.
  box.append(h("div", { class: "gcs-actions gcs-plan-bar", role: "group", "aria-label": "Preview actions" },
    apply,
    h("button", { type: "button", class: "gcs-btn", text: "Close preview", onclick: close }),
    note));
  drawLive();
  return box;
}

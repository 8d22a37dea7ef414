// @ts-check
// The user's decisions in the preview: the side each conflict keeps, and for each ambiguous match
// or possible duplicate a link to one candidate or keeping them apart. The choices belong to the
// plan the preview opened with (its "base": every conflict and ambiguity undecided), so a redraw
// keeps them; each choice plans the preview again (`replan`) and the preview shows that plan,
// whose fingerprint Apply passes with the decisions.

import { h, uid } from "../dom.js";
import { plural, sideLabel, fieldLabel, ruleLabel, moreCandidates } from "../messages.js";
import { valueText } from "./values.js";

/**
 * @typedef {import("../../types").Plan} Plan
 * @typedef {import("../../types").Conflict} Conflict
 * @typedef {import("../../types").AmbiguousMatch} AmbiguousMatch
 * @typedef {import("../../types").Decisions} Decisions
 * @typedef {import("../../types").CrmHost} CrmHost
 * @typedef {import("../../types").Side} Side
 *
 * @typedef {object} Choices What the user chose on one preview, and the plan that leads to.
 * @property {Map<string, Side>} conflicts By `crmId` and field ("c1 title").
 * @property {Map<string, { candidate: string } | "apart">} matches By the ambiguous contact's
 *   side and id ("google people/c1"): linked to one candidate, or kept apart from all.
 * @property {Plan} current The plan with these choices (the base until a choice is made).
 */

/** @type {WeakMap<Plan, Choices>} */
const choicesByPlan = new WeakMap();

/** @param {Plan} plan @returns {Choices} */
export function choicesOf(plan) {
  let c = choicesByPlan.get(plan);
  if (!c) {
    c = { conflicts: new Map(), matches: new Map(), current: plan };
    choicesByPlan.set(plan, c);
  }
  return c;
}

/** A conflict's key: its contact, its field and a custom field's key. @param {string} crmId @param {string} field @param {string} [key] */
export const conflictKey = (crmId, field, key) => (key ? `${crmId} ${field} ${key}` : `${crmId} ${field}`);
/** @param {AmbiguousMatch} m */
const matchKey = (m) => `${m.side} ${m.id}`;

/** Whether a set-aside contact is a possible duplicate: found by its name alone. @param {AmbiguousMatch} m */
export const isPossibleDuplicate = (m) => m.reason === "possibleDuplicate" || m.rule === "name";

/**
 * The decisions the user made on the preview that opened with `plan`, as the run that applies
 * it takes them.
 * @param {Plan} plan
 * @returns {Required<Decisions>}
 */
export function planDecisions(plan) {
  const c = choicesOf(plan);
  /** @type {Required<Decisions>} */
  const out = { conflicts: [], matches: [], pending: [] };
  for (const k of plan.conflicts || []) {
    const keep = c.conflicts.get(conflictKey(k.crmId, k.field, k.key));
    if (keep) out.conflicts.push(k.key ? { crmId: k.crmId, field: k.field, key: k.key, keep } : { crmId: k.crmId, field: k.field, keep });
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
 * What Apply passes for the preview that opened with `plan`: the decisions, and the fingerprint
 * of the plan they lead to, which the preview shows.
 * @param {Plan} plan
 */
export function planApproval(plan) {
  return { decisions: planDecisions(plan), fingerprint: choicesOf(plan).current.fingerprint };
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

/**
 * The candidates of an ambiguous match by name: the match's own names, else one the plan knows,
 * else the id.
 * @param {AmbiguousMatch} m
 * @param {Map<string, string>} names
 */
export function candidateNames(m, names) {
  return m.candidates.map((id, i) => (m.candidateNames && m.candidateNames[i]) || names.get(id) || id);
}

/** How many candidates an ambiguous match has, listed or not. @param {AmbiguousMatch} m */
const candidateCount = (m) => m.candidates.length + (m.moreCandidates || 0);

/** The candidates by name, then how many more are not listed. @param {AmbiguousMatch} m @param {Map<string, string>} names */
export function candidateList(m, names) {
  return candidateNames(m, names).join(", ") + moreCandidates(m.moreCandidates);
}

/** Why a contact was set aside, in words (the candidates follow). @param {AmbiguousMatch} m */
export function ambiguityText(m) {
  const n = candidateCount(m);
  if (isPossibleDuplicate(m)) {
    return n > 1 ? `has the same name as ${plural(n, "contact")}` : "has the same name as";
  }
  switch (m.reason) {
    case "namesDiffer":
      return `has the same ${m.rule} as a contact with another family name`;
    case "severalTags":
      return `is linked to ${plural(n, "CRM contact")}`;
    default:
      return `matches ${plural(n, "contact")} by ${m.rule}`;
  }
}

/** Why a conflict kept its value, in words. @param {string} rule */
export const keptBy = (rule) => (rule === "decided" ? "your choice" : ruleLabel(rule));

/** @param {string} field @param {string} s */
const shownValue = (field, s) => (s === "" ? "(empty)" : valueText(field, s));

/**
 * Conflicts with both values and the side kept. With `chosen` (the preview), each row offers the
 * choice of the side to keep, recorded there by `crmId` and field, and `onchoice` hears of it.
 * @param {Conflict[]} conflicts
 * @param {Map<string, Side>} [chosen]
 * @param {() => void} [onchoice]
 */
export function conflictsTable(conflicts, chosen, onchoice) {
  /** @param {Conflict} c */
  const keepCell = (c) => {
    if (!chosen) return h("td", { "data-label": "Kept", text: `${sideLabel(c.kept)}${c.rule ? ` (${keptBy(c.rule)})` : ""}` });
    const key = conflictKey(c.crmId, c.field, c.key);
    const current = chosen.get(key) || c.kept;
    const group = uid("gcs-keep");
    const what = `${fieldLabel(c.field, c.label)} of ${c.name || "(no name)"}`;
    const hintText = () => (chosen.has(key) ? `Your choice: ${sideLabel(/** @type {Side} */ (chosen.get(key)))}` : `By default ${sideLabel(c.kept)} (${keptBy(c.rule)})`);
    const hint = h("div", { class: "gcs-muted gcs-keep-hint", text: hintText() });
    /** @param {Side} side */
    const option = (side) => h("label", { class: "gcs-inline gcs-keep" },
      h("input", { type: "radio", name: group, value: side, checked: current === side,
        "aria-label": `Keep the ${sideLabel(side)} value for the ${what}`,
        onchange: () => {
          chosen.set(key, side);
          hint.textContent = hintText();
          if (onchoice) onchoice();
        } }),
      h("span", { text: sideLabel(side) }));
    return h("td", { "data-label": "Keep" },
      h("div", { role: "radiogroup", "aria-label": `Value kept for the ${what}` }, option("crm"), option("google")), hint);
  };
  return h("div", { class: "gcs-table-wrap", tabIndex: 0, role: "region", "aria-label": "Conflicts, scrollable" }, h("table", { class: "gcs-table gcs-table-compact" },
    h("thead", {}, h("tr", {}, ["Contact", "Field", "CRM value", "Google value", chosen ? "Keep" : "Kept"].map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, conflicts.map((c) => h("tr", { "data-conflict": conflictKey(c.crmId, c.field, c.key) },
      h("td", { "data-label": "Contact", text: c.name || "(no name)" }), h("td", { "data-label": "Field", text: fieldLabel(c.field, c.label) }),
      h("td", { "data-label": "CRM value", text: shownValue(c.field, c.crm) }), h("td", { "data-label": "Google value", text: shownValue(c.field, c.google) }),
      keepCell(c))))));
}

/**
 * One ambiguous match or possible duplicate: the contact and its candidates by name, each linked
 * to its page, what they share, and (when decidable) the choice: decide later, link to one
 * candidate, or keep apart from all, recorded in `chosen`; `onchoice` hears of it.
 * @param {AmbiguousMatch} m
 * @param {Map<string, string>} names
 * @param {CrmHost | undefined} host
 * @param {Map<string, { candidate: string } | "apart">} chosen
 * @param {() => void} onchoice
 */
export function ambiguousItem(m, names, host, chosen, onchoice) {
  const other = m.side === "crm" ? "google" : "crm";
  const labels = candidateNames(m, names);
  const duplicate = isPossibleDuplicate(m);
  // A possible duplicate's candidates are named with their side: the names are the same.
  const li = h("li", { "data-reason": m.reason || "", "data-id": m.id },
    contactLink(m.name, m.side, m.id, host), ` (${sideLabel(m.side)}) ${ambiguityText(m)}${duplicate ? " " : ": "}`);
  labels.forEach((label, i) => {
    if (i) li.append(", ");
    li.append(contactLink(label, other, m.candidates[i], host), duplicate ? ` (${sideLabel(other)})` : "");
  });
  li.append(moreCandidates(m.moreCandidates));
  if (m.shared && m.shared.length && !duplicate) li.append(h("div", { class: "gcs-muted", text: `Shared: ${m.shared.join(", ")}` }));
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
      onchoice();
    } }),
    h("span", { text }));
  const one = m.candidates.length === 1;
  const apart = duplicate
    ? (one ? "Different people: create both" : "Different people: create them all")
    : (one ? "Different people: keep apart" : "Different people: keep apart from all");
  li.append(h("div", { role: "radiogroup", class: "gcs-match-choice", "aria-label": `What to do with ${m.name || "(no name)"}` },
    option("", "Decide later"),
    m.candidates.map((id, i) => option(`link:${id}`, duplicate && one ? "Same person: link them" : `Same person as ${labels[i]}`)),
    option("apart", apart)));
  return li;
}

// @ts-check
// Plain-words text shared by the action handlers and the settings panel: what an API error
// means and what to do about it, and one-line summaries of run reports. A failure reads as a
// plain sentence and what to do; its technical side (code, HTTP status, the plugin's or
// Google's own words) comes apart from it, from `errorDetail` and `reportDetail`, for the
// panel to show behind a disclosure. Everything here returns plain strings; callers put them on
// the page with textContent.

/**
 * @typedef {import("../types").RunReport} RunReport
 * @typedef {import("../types").AccountInfo} AccountInfo
 * @typedef {import("../types").HeldDeletions} HeldDeletions
 * @typedef {import("../types").Retrying} Retrying
 * @typedef {"info" | "success" | "warning" | "error"} Level
 */

/** Where the messages send the user for the plugin's settings, unless the host names it. */
const DEFAULT_SETTINGS = "Settings → Google Contacts Sync";
let SETTINGS = DEFAULT_SETTINGS;

/**
 * Takes the host's own name for the place of the plugin's settings
 * (`capabilities.settingsLabel`, e.g. "My settings → Google Contacts Sync"), else the default.
 * @param {import("../types").CrmHost} host
 */
export function useSettingsLabel(host) {
  const label = host && host.capabilities && host.capabilities.settingsLabel;
  SETTINGS = typeof label === "string" && label.trim() ? label.trim() : DEFAULT_SETTINGS;
}

/** The place of the plugin's settings as the messages name it. */
export function settingsLabel() {
  return SETTINGS;
}

/**
 * A field of an error-like value (`code`, `status`, `message`), whatever was thrown.
 * @param {unknown} err
 * @param {string} key
 * @returns {unknown}
 */
function fieldOf(err, key) {
  return err && typeof err === "object" && key in err ? /** @type {Record<string, unknown>} */ (err)[key] : undefined;
}

/**
 * The error's stable code, if it has one (API errors carry `code`; host errors may too).
 * @param {unknown} err
 * @returns {string}
 */
export function errorCode(err) {
  const code = fieldOf(err, "code");
  return typeof code === "string" ? code : "";
}

/** @param {unknown} err */
function detail(err) {
  const m = err && typeof err === "object" && "message" in err ? String(fieldOf(err, "message")) : String(err);
  return m.trim();
}

/**
 * The technical side of an error, for a disclosure under its message: "GOOGLE_ERROR · HTTP 503 ·
 * the service is unavailable". Empty when the error says nothing.
 * @param {unknown} err
 */
export function errorDetail(err) {
  const status = fieldOf(err, "status");
  return [errorCode(err), status ? `HTTP ${status}` : "", detail(err)].filter(Boolean).join(" \u00b7 ");
}

/**
 * What went wrong and what to do, in plain words: no code, status or quoted error, which
 * `errorDetail` gives.
 * `inPanel`: the reader is already looking at the settings panel, so point at its buttons
 * rather than at the Settings page.
 * @param {unknown} err
 * @param {{ inPanel?: boolean }} [o]
 */
export function errorMessage(err, { inPanel = false } = {}) {
  const where = inPanel ? "" : ` in ${SETTINGS}`;
  const open = inPanel ? "" : `open ${SETTINGS} and `;
  const code = errorCode(err);
  const hostCode = fieldOf(err, "hostCode");
  if (hostCode === "UNAUTHENTICATED") {
    return "Your CRM session has ended. Log in to the CRM again, then sync: nothing was changed after the session ended.";
  }
  if (hostCode === "PERMISSION_DENIED") {
    return "The CRM refused the change: you may not change this contact. Ask its owner or your administrator.";
  }
  switch (code) {
    case "NOT_CONNECTED":
      return inPanel
        ? "This Google account is not signed in. Click Reconnect to sign in again."
        : `Connect a Google account${where} first.`;
    case "AUTH_FAILED":
      return `Google needs you to sign in again: ${open}click Reconnect.`;
    case "AUTH_CANCELLED":
      return "The Google sign-in window was closed before it finished. Try again and allow access to your contacts.";
    case "PERMISSION_DENIED":
      return `Google refused access to your contacts. ${inPanel ? "Click" : `Open ${SETTINGS}, click`} Reconnect and allow access to your contacts.`;
    case "QUOTA":
      return "Google's rate limit was reached; the sync will continue at the next run.";
    case "NETWORK":
      return "Google could not be reached. Check your internet connection, then try again.";
    case "GOOGLE_ERROR":
      return "Google answered with an error. Try again in a few minutes.";
    case "HOST_ERROR":
      return "The CRM reported an error. Try again; if a contact is named, check that contact first.";
    case "BUSY":
      return "A sync is already running (perhaps in another tab). Wait for it to finish, then try again.";
    case "DISABLED":
      return `ContactSync is off for this account. Tick "ContactSync: sync this account"${where} to turn it on.`;
    case "UNKNOWN_ACCOUNT":
      return `That Google account is not connected any more. Connect it again${where}.`;
    case "INVALID_INPUT":
      return "That was not accepted. Correct it and try again: the details say what was wrong.";
    case "PLAN_CHANGED":
      if (/directions changed/.test(detail(err))) {
        return "The direction of some fields changed since the last sync, so this sync changed nothing. Preview the sync to see what the new directions do, then apply it.";
      }
      return "Your contacts changed since this preview, so Apply did not change anything. Preview again to see what a sync would do now.";
    case "WORKER_STOPPED":
      return "The sync stopped before it finished, as its background task ended. What it did is kept: start it again to finish the job.";
    case "INVALID_STATE":
      if (/\bgcs:accounts\b/.test(detail(err))) {
        return `The list of connected Google accounts cannot be read. Connect your Google account again${where}: its links and settings are still there.`;
      }
      return `Saved sync data for this account cannot be read. Use "Reset sync data"${where}: contacts are matched again without duplicates; or Disconnect the account.`;
    default:
      return "Something went wrong. Try again; if it keeps happening, reload the page.";
  }
}

/**
 * The severity to show an error with.
 * @param {unknown} err
 * @returns {Level}
 */
export function errorLevel(err) {
  return errorCode(err) === "QUOTA" ? "warning" : "error";
}

/**
 * The message when no enabled account is there to sync with.
 * @param {AccountInfo[] | null | undefined} accounts
 */
export function noAccountMessage(accounts) {
  if (!accounts || accounts.length === 0) {
    return `No Google account is connected. Connect one in ${SETTINGS} first.`;
  }
  return `ContactSync is turned off for every connected Google account. Tick "ContactSync: sync this account" in ${SETTINGS}.`;
}

/**
 * The candidates of an ambiguous match not listed, in words ("" when all are listed).
 * @param {number | undefined} more
 */
export function moreCandidates(more) {
  return more ? ` and ${more.toLocaleString("en-US")} more` : "";
}

/**
 * "1 contact", "3 contacts".
 * @param {number} n
 * @param {string} one
 */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Both sides' count.
 * @param {{ crm?: number, google?: number } | null | undefined} pair
 */
export function sum(pair) {
  return pair ? (pair.crm || 0) + (pair.google || 0) : 0;
}

/**
 * How many deletions wait for confirmation.
 * @param {HeldDeletions[] | null | undefined} held
 */
export function heldCount(held) {
  return (held || []).reduce((n, h) => n + (h.deletions ? h.deletions.length : 0), 0);
}

/**
 * The contacts a report could not sync, and those that only changed while it wrote them (they
 * sync at the next run, nothing is wrong).
 * @param {RunReport} report
 */
export function reportFailures(report) {
  const all = report.failures || [];
  return { failed: all.filter((f) => f.kind !== "changed"), changed: all.filter((f) => f.kind === "changed") };
}

/**
 * Whether every error of a failed report is Google's request limit: the run stopped to wait, and
 * the next run goes on.
 * @param {RunReport} report
 */
function onlyQuota(report) {
  const errors = report.errors || [];
  return errors.length > 0 && errors.every((e) => e.code === "QUOTA");
}

/**
 * The run's state in one word or two, for its history row: "Synced", "Partly synced",
 * "Cancelled" or "Failed".
 * @param {RunReport} report
 */
export function reportState(report) {
  if (report.cancelled) return "Cancelled";
  const { failed } = reportFailures(report);
  if (!report.ok) return changedAnything(report) || onlyQuota(report) ? "Partly synced" : "Failed";
  if (failed.length || (report.errors || []).some((e) => !e.contact)) return "Partly synced";
  return "Synced";
}

/** @param {RunReport} report */
function changedAnything(report) {
  return sum(report.created) + sum(report.updated) + sum(report.deleted) + report.linked + (report.unlinked || 0) > 0;
}

/**
 * One report as a sentence: "Synced 3 contacts with ann@example.com: 1 created in Google, 2
 * updated, 1 linked." — only what happened; "already up to date" when nothing had to. Contacts
 * it could not sync are counted ("12 of 300 contacts could not be synced"); their names and
 * reasons are in the history (`failureLines`).
 * `count`: how many contacts the user chose (omitted for whole-account runs).
 * @param {RunReport} report
 * @param {{ count?: number, email?: string, inPanel?: boolean }} [o]
 */
export function reportSummary(report, { count, email, inPanel = false } = {}) {
  const where = inPanel ? "below" : `in ${SETTINGS}`;
  const who = email || report.accountId;
  const parts = [];
  if (report.created.google) parts.push(`${report.created.google} created in Google`);
  if (report.created.crm) parts.push(`${report.created.crm} created in the CRM`);
  if (sum(report.updated)) parts.push(`${sum(report.updated)} updated`);
  if (report.deleted.google) parts.push(`${report.deleted.google} deleted in Google`);
  if (report.deleted.crm) parts.push(`${report.deleted.crm} deleted in the CRM`);
  if (report.linked) parts.push(`${report.linked} linked`);
  if (report.unlinked) parts.push(`${report.unlinked} unlinked`);
  const changed = changedAnything(report);
  const { failed, changed: meanwhile } = reportFailures(report);
  // Errors of the run itself; those of one contact are in its failures.
  const errors = (report.errors || []).filter((e) => !e.contact);
  const first = errors[0];
  const firstError = () => errorMessage(first, { inPanel });
  const running = count === undefined ? "The sync" : `Syncing ${plural(count, "contact")}`;
  let text;
  // Whether the run's first error is told already.
  let told = false;
  if (report.cancelled) {
    text = `${running} with ${who} was cancelled${changed ? `; done before it stopped: ${parts.join(", ")}` : " before it changed anything"}. The next sync does the rest.`;
  } else if (!report.ok && first && !changed) {
    // Nothing was done: the failure and what to do come first (with the contacts it left).
    text = `${running} with ${who} ${onlyQuota(report) ? "stopped" : "failed"}: ${firstError()}`;
    if (!failed.length) return text;
    told = true;
  } else if (!report.ok && first && changed) {
    // Stopped part-way: why and what to do, then only what it did before.
    text = `${running} with ${who} stopped before it finished: ${firstError()} Done before it stopped: ${parts.join(", ")}.`;
    told = true;
  } else {
    if (report.conflicts.length) parts.push(plural(report.conflicts.length, "conflict"));
    const what = count === undefined ? "Synced" : `Synced ${plural(count, "contact")}`;
    const nothing = !changed && !report.conflicts.length && !failed.length && !meanwhile.length && !first;
    text = `${what} with ${who}: ${nothing ? "already up to date" : parts.length ? parts.join(", ") : "nothing changed"}.`;
  }
  if (failed.length) {
    const of = Math.max(report.contacts || 0, failed.length);
    text += ` ${failed.length} of ${plural(of, "contact")} could not be synced${inPanel ? "" : `; see the run history ${where}`}.`;
  }
  if (report.pastLimit) {
    // Among the failures, but with one reason the user can act on: said once, in full.
    text += ` ${report.pastLimit === 1 ? "1 contact was" : `${report.pastLimit} contacts were`} not created in Google: the account is full (Google holds at most ${report.googleLimit} contacts per account). Delete contacts in Google to make room, and the next sync creates them.`;
  }
  if (meanwhile.length) {
    text += ` ${plural(meanwhile.length, "contact")} changed in the CRM during the sync and will sync at the next run.`;
  }
  const held = heldCount(report.held);
  if (held) text += ` ${plural(held, "deletion")} ${held === 1 ? "waits" : "wait"} for your confirmation ${where}.`;
  // Deletions held for their days: "3 deletions wait 3 days in Pending deletions".
  for (const w of report.holding || []) {
    text += ` ${plural(w.deletions, "deletion")} ${w.deletions === 1 ? "waits" : "wait"} ${plural(w.days, "day")} in Pending deletions${inPanel ? "" : ` in ${SETTINGS}`}.`;
  }
  if (report.ambiguous && report.ambiguous.length) {
    text += ` ${plural(report.ambiguous.length, "contact")} could not be matched with certainty and ${report.ambiguous.length === 1 ? "was" : "were"} left alone; see "Preview changes"${inPanel ? "" : ` in ${SETTINGS}`}.`;
  }
  const notWritten = report.notWritten || [];
  if (notWritten.length) {
    const n = notWritten[0];
    const whom = notWritten.length === 1 ? `${n.name || "(no name)"} was` : `${plural(notWritten.length, "contact")} were`;
    // The host's sentence goes in parentheses: without its own full stop.
    const why = n.message.replace(/[.\s]+$/, "");
    text += ` ${whom} not updated in the CRM (${why}${notWritten.length > 1 ? ", …" : ""}); Google keeps its values. See the run history${inPanel ? "" : ` in ${SETTINGS}`}.`;
  }
  if (first && !told) text += ` ${plural(errors.length, "error")}: ${firstError()}`;
  return text;
}

/**
 * One contact the run could not sync, as its list shows it: "Ann Lee (CRM): you may not change
 * Ann Lee in the CRM. The next sync tries again."
 * @param {import("../types").ContactFailure} f
 */
export function failureLine(f) {
  const who = f.name || f.crmId || (f.resourceName ? f.resourceName.replace(/^people\//, "Google contact ") : "A contact");
  const again = f.kind === "changed" ? "" : f.retried ? " The next sync tries again." : " The next sync leaves it alone.";
  return `${who} (${sideLabel(f.side)}): ${f.reason}.${again}`;
}

/**
 * The technical side of a report's errors, one line each ("c000012: HOST_ERROR · …"), for a
 * disclosure under its summary; empty when it has none.
 * @param {RunReport} report
 */
export function reportDetail(report) {
  const errors = report.errors || [];
  const shown = errors.slice(0, 20).map((e) => `${e.contact ? `${e.contact}: ` : ""}${[errorDetail(e), e.hostCode ? `host: ${e.hostCode}` : ""].filter(Boolean).join(" \u00b7 ")}`);
  if (errors.length > shown.length) shown.push(`and ${plural(errors.length - shown.length, "more error")} in the run history`);
  return shown.join("\n");
}

/**
 * A run's progress in words: "writing: 30 of 120"; while the total is not known yet (the plugin
 * reports 0, reading Google page by page) the count alone: "reading Google: 1000 so far".
 * @param {string} label
 * @param {number} done
 * @param {number} total
 */
export function progressText(label, done, total) {
  if (total > 0) return `${label}: ${done} of ${total}`;
  return done > 0 ? `${label}: ${done} so far` : label;
}

/**
 * What a run waiting to try again says: "Google is unavailable — retrying in 8 s, attempt 2
 * of 4." `now`: the time to count the wait from (ms since the epoch).
 * @param {Retrying} r
 * @param {number} [now]
 */
export function retryMessage(r, now = Date.now()) {
  const what = r.code === "QUOTA" ? "Google's request limit is reached"
    : r.code === "NETWORK" ? "Google cannot be reached"
    : r.code === "HOST_ERROR" ? "The CRM did not answer"
    : "Google is unavailable";
  const seconds = Math.max(0, Math.ceil((r.at - now) / 1000));
  return `${what} \u2014 retrying in ${seconds} s, attempt ${r.attempt} of ${r.maxAttempts}.`;
}

/**
 * The notification level a report deserves.
 * @param {RunReport} report
 * @returns {Level}
 */
export function reportLevel(report) {
  if (report.cancelled) return "warning";
  // A run stopped by what only the user can fix (signing in again, to the CRM or to Google) is
  // an error, whatever it did before.
  if (!report.ok && (report.errors || []).some((e) => !e.contact && (e.hostCode === "UNAUTHENTICATED" || e.code === "AUTH_FAILED"))) return "error";
  const state = reportState(report);
  if (state === "Failed") return "error";
  if (state === "Partly synced") return "warning";
  if (heldCount(report.held) || (report.ambiguous && report.ambiguous.length)) return "warning";
  return "success";
}

/** @type {Record<string, string>} */
const TRIGGERS = {
  schedule: "Scheduled",
  manual: "Sync now",
  apply: "Apply (preview)",
  bulkAction: "Sync Contact(s)",
  recordAction: "Sync with Google Contacts",
  push: "Send all to Google",
  pull: "Fetch all from Google",
};

/** @param {string} t */
export function triggerLabel(t) {
  return TRIGGERS[t] || String(t || "");
}

/** @type {Record<string, string>} */
const OPS = { create: "Create", update: "Update", delete: "Delete", link: "Link", unlink: "Unlink", addToGroup: "Add to group" };

/** @param {string} op */
export function opLabel(op) {
  return OPS[op] || String(op || "");
}

/** @param {string} side */
export function sideLabel(side) {
  return side === "crm" ? "CRM" : side === "google" ? "Google" : String(side || "");
}

/**
 * A date-time in the reader's locale, or "" for nothing.
 * @param {string | null | undefined} iso
 */
export function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/**
 * "Connected", "Needs reconnect" or "Disabled" for an AccountInfo. Tokens live in memory only, so
 * after a page load `connected` is false until the next run renews the token without the user;
 * only `needsReconnect` means the user has to act.
 * @param {AccountInfo} account
 */
export function accountState(account) {
  if (account.needsReconnect) return "Needs reconnect";
  if (!account.enabled) return "Disabled";
  return "Connected";
}

/**
 * What an account's `unreadable` list means for the user, or null when all is readable.
 * @param {AccountInfo | null | undefined} account
 */
export function unreadableMessage(account) {
  const bad = account && account.unreadable;
  if (!bad || bad.length === 0) return null;
  const what = bad.map((u) => u.message).join("; ");
  return `Some of this account's saved data cannot be read, so it cannot sync: ${what}. "Reset sync data" clears it (contacts are matched again without duplicates), or Disconnect the account.`;
}

/**
 * A message for a load failure of the plugin itself (the wasm module or the manifest).
 * @param {unknown} err
 */
export function loadFailureMessage(err) {
  return `Google Contacts Sync could not start: ${detail(err) || "its program file did not load"}. Reload the page; if this keeps happening, ask your administrator to reinstall the plugin.`;
}

// ---- Preview: field, change and rule labels in the user's words ----

/** @type {Record<string, string>} */
const FIELDS = {
  prefix: "Prefix",
  firstName: "First name",
  middleName: "Middle name",
  lastName: "Last name",
  suffix: "Suffix",
  emails: "Emails",
  phones: "Phones",
  addresses: "Addresses",
  birthday: "Birthday",
  company: "Company",
  title: "Job title",
  notes: "Notes",
};

/**
 * A contact field as the user knows it: "First name" for `firstName`.
 * @param {string} field
 */
export function fieldLabel(field) {
  return FIELDS[field] || String(field || "");
}

/**
 * A group of the preview's changes: "Create in Google", "Update in the CRM", "Link".
 * @param {string} op
 * @param {string} side
 */
export function changeLabel(op, side) {
  if (op === "create" || op === "update" || op === "delete") {
    return `${opLabel(op)} in ${side === "crm" ? "the CRM" : sideLabel(side)}`;
  }
  return opLabel(op);
}

/** @type {Record<string, string>} */
const RULES = { newest: "most recent edit", crm: "CRM wins", google: "Google wins", firstLink: "first link" };

/**
 * Why a conflict kept the value it kept.
 * @param {string} rule
 */
export function ruleLabel(rule) {
  return RULES[rule] || String(rule || "");
}

/** @type {Record<string, string>} */
const SYSTEM_GROUPS = {
  "contactGroups/myContacts": "My Contacts",
  "contactGroups/starred": "Starred",
  "contactGroups/friends": "Friends",
  "contactGroups/family": "Family",
  "contactGroups/coworkers": "Coworkers",
};

/**
 * A Google contact group's name, from the listed groups or Google's system groups; the
 * resource name only when neither knows it.
 * @param {string} resourceName
 * @param {{ resourceName: string, name: string }[]} [groups]
 */
export function groupName(resourceName, groups = []) {
  const g = groups.find((x) => x.resourceName === resourceName);
  return (g && g.name) || SYSTEM_GROUPS[resourceName] || resourceName.replace(/^contactGroups\//, "");
}

// ---- How long a message holds, and where its button lands ----

/** @type {Map<string, Set<AbortController>>} */
const holding = new Map();

/**
 * A signal for a message that holds only until `topic` lapses (`NotifyOptions.signal`): the host
 * removes the message then. Topics: "account" (no account connected, or one needing a sign-in:
 * lapses when an account is connected or signed in again).
 * @param {string} topic
 */
export function holdsUntil(topic) {
  const c = new AbortController();
  let set = holding.get(topic);
  if (!set) holding.set(topic, (set = new Set()));
  set.add(c);
  return c.signal;
}

/**
 * The messages held by `topic` no longer apply: their hosts remove them.
 * @param {string} topic
 */
export function lapse(topic) {
  const set = holding.get(topic);
  holding.delete(topic);
  for (const c of set || []) c.abort();
}

/**
 * @typedef {{ section: "history", accountId?: string }} Landing Where a message's button sends
 *   the user in the settings panel ("Open history": the run history, of that account).
 * @typedef {(landing: Landing) => boolean} Lander A mounted panel; answers whether it took it.
 */

/** @type {Landing | null} */
let pendingLanding = null;
/** @type {Set<Lander>} */
const landers = new Set();

/**
 * Asks the settings panel to land on `landing`: a panel on screen does it now; else the next
 * panel mounted does, once rendered.
 * @param {Landing} landing
 */
export function requestLanding(landing) {
  for (const land of [...landers]) if (land(landing)) return;
  pendingLanding = landing;
}

/** The landing asked for before this panel was mounted, once. */
export function takeLanding() {
  const l = pendingLanding;
  pendingLanding = null;
  return l;
}

/**
 * Registers a mounted panel for the landings asked while it is on screen; returns the
 * unsubscribe.
 * @param {Lander} land
 */
export function onLanding(land) {
  landers.add(land);
  return () => {
    landers.delete(land);
  };
}

// @ts-check
// A CRM contact's sync status, as a contact's page shows it (the host's section for it: the
// demo's "Google Contacts Sync" section, Creme's brick) and as the record action's report says it
// in one sentence: per connected account, whether the contact is linked and to which Google
// contact (a link to it in Google Contacts), when it last synced, what the last run that changed
// it did, field by field as the preview words a change, and what waits for the user. Loaded only
// when such a section is opened. Every value reaches the page as text (dom.js).

import { h, clear } from "./dom.js";
import { fieldLabel, formatTime, sideLabel, errorMessage, plural } from "./messages.js";
import { diffText } from "./panel/preview.js";
import { ensureStylesheet } from "./settings-panel.js";

/**
 * @typedef {import("../types").GoogleContactsSync} GoogleContactsSync
 * @typedef {import("../types").ContactStatus} ContactStatus
 * @typedef {import("../types").AccountContactStatus} AccountContactStatus
 * @typedef {import("../types").LastChange} LastChange
 */

/** @param {string} side */
const where = (side) => (side === "crm" ? "in the CRM" : "in Google");

/**
 * The record's changes as lines: its creation or link, then each field written, as the preview
 * says a change ("Company: (empty) → Globex"), with the side it was written on.
 * @param {LastChange} c
 * @returns {string[]}
 */
export function changeLines(c) {
  const lines = [];
  if (c.created) lines.push(`Created ${where(c.created)} from the ${c.created === "crm" ? "Google" : "CRM"} contact, and linked`);
  else if (c.linked) lines.push("Linked to its Google contact");
  for (const f of c.fields) lines.push(`${diffText(f)} (${where(f.side)})`);
  if (c.omitted) lines.push(`and ${plural(c.omitted, "other field change")}`);
  return lines;
}

/**
 * What waits for the user, as lines: a held deletion, conflicts the run settled, ambiguous
 * matches, failures.
 * @param {AccountContactStatus} s
 * @returns {string[]}
 */
export function pendingLines(s) {
  const lines = [];
  const d = s.pendingDeletion;
  if (d) lines.push(`Deletion ${where(d.side)} waiting${d.until ? ` until ${formatTime(d.until)}` : ""}: ${d.reason}`);
  for (const c of s.conflicts) {
    lines.push(`Conflict on ${fieldLabel(c.field)}: CRM ${c.crm || "(empty)"}, Google ${c.google || "(empty)"}; kept ${sideLabel(c.kept)}'s`);
  }
  for (const a of s.ambiguous) {
    const many = a.candidates.length + a.moreCandidates;
    lines.push(`Not linked: it matches ${plural(many, "contact")} ${a.side === "crm" ? "in Google" : "in the CRM"} by ${a.rule}; choose in the preview (settings)`);
  }
  for (const f of s.failures) lines.push(`Could not sync ${where(f.side)}: ${f.reason}`);
  return lines;
}

/**
 * The link in words: to which Google contact and since when, or why there is none.
 * @param {AccountContactStatus} s
 */
function linkText(s) {
  if (s.linked && s.google) return `Linked to Google contact ${s.google.resourceName}${s.syncedAt ? `, last synced ${formatTime(s.syncedAt)}` : ""}.`;
  if (s.unlinked?.reason === "deletedInGoogle") return `Not linked: its Google contact ${s.unlinked.resourceName} was deleted in Google (${formatTime(s.unlinked.at)}); the CRM keeps it.`;
  if (s.unlinked?.reason === "mergedInGoogle") return `Not linked: Google merged its Google contact ${s.unlinked.resourceName} into another contact (${formatTime(s.unlinked.at)}).`;
  return "Not linked to a Google contact.";
}

/**
 * One account's status in one sentence, for the record action's report.
 * @param {AccountContactStatus} s
 */
export function statusSentence(s) {
  const parts = [linkText(s)];
  if (s.lastChange) parts.push(`Last change (${formatTime(s.lastChange.at)}): ${changeLines(s.lastChange).join("; ") || "none"}.`);
  const pending = pendingLines(s);
  if (pending.length) parts.push(`${pending.join(". ")}.`);
  return parts.join(" ");
}

/**
 * The status as a section's content: one block per account.
 * @param {ContactStatus} status
 * @param {Map<string, string>} emails Each account's email, by id.
 */
export function renderStatus(status, emails) {
  if (status.accounts.length === 0) {
    return h("div", { class: "gcs gcs-status" }, h("p", { class: "gcs-muted", text: "No Google account is connected. Connect one in the settings to sync this contact." }));
  }
  return h("div", { class: "gcs gcs-status" }, status.accounts.map((s) => {
    const change = s.lastChange;
    const pending = pendingLines(s);
    const link = s.linked && s.google && s.google.url
      ? h("a", { href: s.google.url, target: "_blank", rel: "noopener noreferrer", class: "gcs-status-google", text: "Open in Google Contacts" })
      : null;
    return h("section", { class: ["gcs-status-account", s.linked ? "gcs-status-linked" : "gcs-status-unlinked"], dataset: { account: s.accountId } },
      h("h3", { class: "gcs-status-title", text: emails.get(s.accountId) || s.accountId }),
      h("p", { class: "gcs-status-link" }, linkText(s), link ? " " : null, link),
      change ? h("div", { class: "gcs-status-change" },
        h("h4", { text: `Last change, ${formatTime(change.at)}` }),
        h("ul", {}, changeLines(change).map((line) => h("li", { text: line })))) : null,
      pending.length ? h("div", { class: "gcs-status-pending", role: "note" },
        h("h4", { text: "Waiting for you" }),
        h("ul", {}, pending.map((line) => h("li", { text: line })))) : null,
      s.unreadable && s.unreadable.length ? h("p", { class: "gcs-alert gcs-alert-warning", text: `Some sync data cannot be read: ${s.unreadable.map((u) => u.key).join(", ")}. "Reset sync data" in the settings clears it.` }) : null,
    );
  }));
}

/**
 * Fills `el` with contact `contactId`'s status (a section's body, once opened): loading, then
 * the status, or what went wrong.
 * @param {HTMLElement} el
 * @param {GoogleContactsSync} api
 * @param {string} contactId
 */
export async function mountContactStatus(el, api, contactId) {
  ensureStylesheet();
  clear(el).append(h("p", { class: "gcs gcs-muted", role: "status", text: "Loading the sync status…" }));
  try {
    const [status, accounts] = await Promise.all([api.contactStatus(contactId), api.accounts()]);
    const emails = new Map(accounts.map((a) => [a.id, a.email]));
    clear(el).append(renderStatus(status, emails));
  } catch (e) {
    clear(el).append(h("p", { class: "gcs gcs-alert gcs-alert-error", role: "alert", text: errorMessage(e) }));
  }
}

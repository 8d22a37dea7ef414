// @ts-check
// The two contact actions: "Sync Contact(s)" on the list's selection and "Sync with Google
// Contacts" on one contact page. Both sync the chosen contacts both ways with every enabled
// Google account, show progress through the host while they run (with a Cancel, and what they
// wait for when Google fails), and end with one plain-words notification per account: a run
// that did nothing because of an error says it failed, first, and what to do. Errors never escape as exceptions: they become a notification that
// says what to do.

import { errorMessage, errorLevel, noAccountMessage, reportSummary, reportLevel } from "./messages.js";

/**
 * @typedef {import("../types").GoogleContactsSync} GoogleContactsSync
 * @typedef {import("../types").CrmHost} CrmHost
 * @typedef {import("../types").RunReport} RunReport
 * @typedef {import("../types").AccountInfo} AccountInfo
 */

const LABEL = "Syncing with Google Contacts";

/** @param {GoogleContactsSync} api */
async function enabledAccounts(api) {
  const accounts = await api.accounts();
  return { accounts, enabled: accounts.filter((a) => a.enabled) };
}

/**
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {number} count How many contacts the user chose.
 * @param {() => Promise<RunReport[]>} call
 * @returns {Promise<RunReport[] | null>}
 */
async function runSync(api, host, count, call) {
  let accounts;
  try {
    ({ accounts } = await enabledAccounts(api));
  } catch (e) {
    host.ui.notify(errorMessage(e), errorLevel(e));
    return null;
  }
  if (!accounts.some((a) => a.enabled)) {
    host.ui.notify(noAccountMessage(accounts), "warning");
    return null;
  }
  // Cancel stops every run this action started; the plugin's own progress offers it too.
  host.ui.progress({ done: 0, total: count, label: LABEL, cancel: () => void api.cancel() });
  let reports;
  try {
    reports = await call();
  } catch (e) {
    host.ui.notify(errorMessage(e), errorLevel(e));
    return null;
  } finally {
    host.ui.progress(null);
  }
  if (!reports || reports.length === 0) {
    host.ui.notify(noAccountMessage(accounts), "warning");
    return reports || [];
  }
  const emails = new Map(accounts.map((a) => [a.id, a.email]));
  for (const r of reports) {
    host.ui.notify(reportSummary(r, { count, email: emails.get(r.accountId) }), reportLevel(r));
  }
  return reports;
}

/**
 * The bulk action: syncs the selected contacts. Resolves to the reports, or null on failure.
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {unknown} ids
 */
export function syncSelectedContacts(api, host, ids) {
  const list = Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  if (list.length === 0) {
    host.ui.notify("Select one or more contacts first.", "warning");
    return Promise.resolve(null);
  }
  return runSync(api, host, list.length, () => api.syncSelected(list));
}

/**
 * The record action: syncs one contact. Resolves to the reports, or null on failure.
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {string} id
 */
export function syncOneContact(api, host, id) {
  return runSync(api, host, 1, () => api.syncContact(id));
}

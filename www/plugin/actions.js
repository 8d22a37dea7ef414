// @ts-check
// The two contact actions: "Sync Contact(s)" on the list's selection and "Sync with Google
// Contacts" on one contact page (whose report also says the contact's status after it). Both
// sync the chosen contacts both ways with every enabled Google account, show progress through
// the host while they run (with a Cancel, and what they wait for when Google fails), and end with one plain-words notification per account: a run
// that did nothing because of an error says it failed, first, and what to do. Errors never
// escape as exceptions: they become a notification that says what to do and, where the host
// shows it, carries the button that does it ("Reconnect", "Open settings"). Warnings, errors
// and the runs' reports stay until dismissed.

import { errorMessage, errorLevel, errorCode, noAccountMessage, reportSummary, reportLevel, holdsUntil, lapse, requestLanding } from "./messages.js";

/**
 * @typedef {import("../types").GoogleContactsSync} GoogleContactsSync
 * @typedef {import("../types").CrmHost} CrmHost
 * @typedef {import("../types").RunReport} RunReport
 * @typedef {import("../types").AccountInfo} AccountInfo
 * @typedef {import("../types").NotifyOptions} NotifyOptions
 * @typedef {"info" | "success" | "warning" | "error"} Level
 */

const LABEL = "Syncing with Google Contacts";

/** @param {GoogleContactsSync} api */
async function enabledAccounts(api) {
  const accounts = await api.accounts();
  return { accounts, enabled: accounts.filter((a) => a.enabled) };
}

/**
 * A notification. Warnings and errors stay until dismissed; `options` adds to that. Hosts of the
 * first contract take two arguments and ignore the third: the text says what to do in words.
 * @param {CrmHost} host
 * @param {string} message
 * @param {Level} level
 * @param {NotifyOptions} [options]
 */
function say(host, message, level, options = {}) {
  const persistent = options.persistent || level === "warning" || level === "error";
  host.ui.notify(message, level, { ...options, persistent });
}

/**
 * "Open settings", where the host can show the plugin's settings.
 * @param {CrmHost} host
 * @returns {NotifyOptions["action"]}
 */
function openSettings(host) {
  const open = host.ui.openSettings;
  return typeof open === "function" ? { label: "Open settings", run: () => open.call(host.ui) } : undefined;
}

/**
 * What a failed action offers: "Reconnect" when Google needs the user's sign-in again (the
 * account is signed in from the click, then the action runs again), "Open settings" when the
 * fix is there.
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {unknown} err
 * @param {() => unknown} again Runs the action again.
 * @returns {Promise<NotifyOptions["action"]>}
 */
async function actionFor(api, host, err, again) {
  const code = errorCode(err);
  if (code === "AUTH_FAILED" || code === "PERMISSION_DENIED") {
    // The account whose sign-in lapsed: found now, so the click opens the sign-in at once.
    const accounts = await api.accounts().catch(() => /** @type {AccountInfo[]} */ ([]));
    const stale = accounts.find((a) => a.enabled && a.needsReconnect) || (code === "PERMISSION_DENIED" ? accounts.find((a) => a.enabled) : undefined);
    if (stale) return { label: "Reconnect", run: () => void reconnect(api, host, stale, again) };
  }
  if (["NOT_CONNECTED", "UNKNOWN_ACCOUNT", "DISABLED", "INVALID_STATE", "AUTH_FAILED", "PERMISSION_DENIED"].includes(code)) return openSettings(host);
  return undefined;
}

/**
 * For a BUSY error: the run that holds the account, when this tab knows it (a scheduled run or
 * another action on this page, or a run in another tab): what to say while the action waits
 * for it, and a promise of its end. Null when no run is known (the action fails as before).
 * @param {CrmHost} host
 * @param {AccountInfo[]} accounts
 * @param {unknown} err
 * @param {number} count
 * @returns {Promise<{ text: string, ended: Promise<void> } | null>}
 */
async function busyWait(host, accounts, err, count) {
  if (errorCode(err) !== "BUSY") return null;
  // Loaded with the plugin's module, before any run; imported here so this file stays small.
  const { followerFor } = await import("./follow.js");
  const follower = followerFor(host);
  const runs = follower.all();
  const run = runs.find((r) => r.here) || runs[0];
  if (!run) return null;
  const a = accounts.find((x) => x.id === run.accountId);
  const who = a ? a.email : run.accountId;
  const where = run.here ? "on this page (a scheduled sync or another action)" : "in another tab of the CRM";
  const what = count === 1 ? "this contact syncs" : `the ${count} contacts sync`;
  // Every run known to this tab has ended (a closed tab's run counts as ended).
  const ended = new Promise((resolve) => {
    const stop = follower.subscribe(() => {
      if (follower.all().length === 0) {
        stop();
        resolve(undefined);
      }
    });
    if (follower.all().length === 0) {
      stop();
      resolve(undefined);
    }
  });
  return { text: `Waiting for the sync of ${who} running ${where} to finish: ${what} right after it.`, ended: /** @type {Promise<void>} */ (ended) };
}

/**
 * Signs the account in again, then runs the action again.
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {AccountInfo} account
 * @param {() => unknown} again
 */
async function reconnect(api, host, account, again) {
  try {
    await api.reconnect(account.id);
  } catch (e) {
    say(host, errorMessage(e), errorLevel(e), { action: openSettings(host) });
    return;
  }
  lapse("account");
  host.ui.notify(`${account.email} is connected again.`, "success");
  await again();
}

/**
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {number} count How many contacts the user chose.
 * @param {() => Promise<RunReport[]>} call
 * @param {() => unknown} again Runs the whole action again (after a reconnect).
 * @param {() => Promise<Map<string, string>>} [after] What to add to each account's report, by
 *   account id (the record action: the contact's status after the run).
 * @returns {Promise<RunReport[] | null>}
 */
async function runSync(api, host, count, call, again, after) {
  let accounts;
  try {
    ({ accounts } = await enabledAccounts(api));
  } catch (e) {
    say(host, errorMessage(e), errorLevel(e), { action: await actionFor(api, host, e, again), signal: lapsesWith(e) });
    return null;
  }
  if (!accounts.some((a) => a.enabled)) {
    // It holds until an account is connected (or turned on, in the panel that connects it).
    say(host, noAccountMessage(accounts), "warning", { action: openSettings(host), signal: holdsUntil("account") });
    return null;
  }
  // Cancel stops every run this action started; the plugin's own progress offers it too.
  host.ui.progress({ done: 0, total: count, label: LABEL, cancel: () => void api.cancel() });
  let reports;
  try {
    reports = await call();
  } catch (e) {
    host.ui.progress(null);
    // Another run holds the account: the action waits for its turn, says so, then runs.
    const wait = await busyWait(host, accounts, e, count);
    if (wait) {
      const queued = new AbortController();
      say(host, wait.text, "info", { persistent: true, signal: queued.signal });
      await wait.ended;
      queued.abort();
      return runSync(api, host, count, call, again, after);
    }
    say(host, errorMessage(e), errorLevel(e), { action: await actionFor(api, host, e, again), signal: lapsesWith(e) });
    return null;
  }
  host.ui.progress(null);
  if (!reports || reports.length === 0) {
    say(host, noAccountMessage(accounts), "warning", { action: openSettings(host), signal: holdsUntil("account") });
    return reports || [];
  }
  const emails = new Map(accounts.map((a) => [a.id, a.email]));
  // The report stays until dismissed (the toast is its only trace on the page), with the way to
  // the run history in the settings: the panel lands on it, of the report's account.
  const settings = openSettings(host);
  // The report is what matters: a status that cannot be read adds nothing.
  const more = after ? await after().catch(() => new Map()) : new Map();
  for (const r of reports) {
    const extra = more.get(r.accountId);
    say(host, reportSummary(r, { count, email: emails.get(r.accountId) }) + (extra ? ` ${extra}` : ""), reportLevel(r), {
      persistent: true,
      action: settings && { label: "Open history", run: () => {
        requestLanding({ section: "history", accountId: r.accountId });
        settings.run();
      } },
    });
  }
  return reports;
}

/**
 * The signal of an error's message that holds only until an account is connected or signed in
 * again (no account, a sign-in that lapsed); none for the others.
 * @param {unknown} err
 */
function lapsesWith(err) {
  const code = errorCode(err);
  return ["NOT_CONNECTED", "UNKNOWN_ACCOUNT", "AUTH_FAILED"].includes(code) ? holdsUntil("account") : undefined;
}

/**
 * The bulk action: syncs the selected contacts. Resolves to the reports, or null on failure.
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {unknown} ids
 * @returns {Promise<RunReport[] | null>}
 */
export function syncSelectedContacts(api, host, ids) {
  const list = Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  if (list.length === 0) {
    say(host, "Select one or more contacts first.", "warning");
    return Promise.resolve(null);
  }
  return runSync(api, host, list.length, () => api.syncSelected(list), () => syncSelectedContacts(api, host, list));
}

/**
 * The record action: syncs one contact. Resolves to the reports, or null on failure.
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @param {string} id
 * @returns {Promise<RunReport[] | null>}
 */
export function syncOneContact(api, host, id) {
  const status = async () => {
    // Loaded with the first use of the action, not with the loader.
    const { statusSentence } = await import("./status.js");
    const s = await api.contactStatus(id);
    return new Map(s.accounts.map((a) => [a.accountId, statusSentence(a)]));
  };
  return runSync(api, host, 1, () => api.syncContact(id), () => syncOneContact(api, host, id), status);
}

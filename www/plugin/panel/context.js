// @ts-check
// What the settings panel's screens share: the API and host, the panel's state, its static frame
// (one box per screen), the inline message, and `guarded`, which runs one action at a time with
// the panel marked busy. Each screen module renders into its box from this context and calls
// the others through `ctx.render`, so no screen imports another.

import { h, clear, uid } from "../dom.js";
import { errorMessage, errorCode, errorDetail, lapse } from "../messages.js";
import { followerFor } from "../follow.js";

/**
 * @typedef {import("../../types").GoogleContactsSync} GoogleContactsSync
 * @typedef {import("../../types").CrmHost} CrmHost
 * @typedef {import("../../types").AccountInfo} AccountInfo
 * @typedef {import("../../types").Settings} Settings
 * @typedef {import("../../types").GoogleGroup} GoogleGroup
 * @typedef {import("../../types").RunReport} RunReport
 * @typedef {import("../../types").Plan} Plan
 * @typedef {import("../../types").HeldDeletions} HeldDeletions
 * @typedef {import("../../types").Progress} Progress
 * @typedef {"info" | "success" | "warning" | "error"} Level
 * @typedef {import("../follow.js").Follower} Follower
 * @typedef {import("../follow.js").FollowedRun} FollowedRun
 * @typedef {"top" | "sync"} Where Where a message shows: above the accounts, or in the sync
 *   section under its buttons (a run's result, near where the user clicked).
 * @typedef {{ label: string, run: () => unknown }} MessageAction A button beside a message.
 * @typedef {{ focus?: boolean, where?: Where, action?: MessageAction, detail?: string }} ShowOptions `focus`
 *   moves the focus to the message (after an action the user took, never for a background event).
 *
 * @typedef {object} PanelState
 * @property {AccountInfo[]} accounts
 * @property {string | null} selectedId The account whose settings, sync and history show.
 * @property {Settings | null} settings Null when none is selected or they cannot be read.
 * @property {GoogleGroup[]} groups
 * @property {unknown} groupsError Why the groups could not be listed, if so.
 * @property {{ id: string, name: string }[]} views
 * @property {{ value: string, label: string }[]} statuses
 * @property {RunReport[]} runs
 * @property {Plan | null} plan The preview on screen.
 * @property {string | null} [undo] The run whose undo the preview on screen shows (its `startedAt`).
 * @property {HeldDeletions[]} held Deletions awaiting confirmation.
 * @property {boolean} busy
 * @property {boolean} [accountsUnreadable] The stored account list cannot be read: connecting
 *   lists the account again.
 * @property {Progress | null} progress
 * @property {FollowedRun | null} follow A run the panel did not start (another trigger of this
 *   tab, or another tab), followed while it goes: the panel is busy meanwhile.
 * @property {{ text: string, level: Level, where: Where, action?: MessageAction, detail?: string } | null} message
 *   `detail`: the technical side of a failure, behind a disclosure.
 *
 * @typedef {object} PanelContext
 * @property {GoogleContactsSync} api
 * @property {CrmHost} host
 * @property {HTMLElement} root
 * @property {PanelState} state
 * @property {{ alert: HTMLElement, result: HTMLElement, accounts: HTMLElement, settings: HTMLElement, sync: HTMLElement, history: HTMLElement }} boxes
 *   `result` is the sync section's place for the message (sync.js places it): the one message
 *   box moves there for a run's result.
 * @property {Follower} follower The runs of this tab and the CRM's other tabs.
 * @property {Set<string>} own Accounts whose run the panel started itself: the follower's
 *   events for them are the panel's own run, reported when it resolves.
 * @property {() => AccountInfo | null} selected
 * @property {(text: string | null, level?: Level, o?: ShowOptions) => void} show Sets (or,
 *   with null, clears) the message; `detail` goes behind a "Technical details" disclosure.
 * @property {(e: unknown, o?: ShowOptions) => void} showError
 * @property {<T>(fn: () => Promise<T>, o?: { where?: Where }) => Promise<T | undefined>} guarded
 *   Runs one action at a time; its error shows (at `where`) and takes the focus.
 * @property {() => Promise<void>} loadAccounts
 * @property {() => Promise<void>} loadSelected
 * @property {(o?: { reloadSelected?: boolean }) => Promise<void>} refresh
 * @property {() => Promise<void>} refreshAfterRun
 * @property {{ all(): void, accounts(): void, settings(): void, sync(): void, history(): void, progress(): void }} render
 */

/**
 * Builds the panel's frame inside `root` and the context its screens share. The screens fill in
 * `ctx.render`.
 * @param {HTMLElement} root
 * @param {GoogleContactsSync} api
 * @param {CrmHost} host
 * @returns {PanelContext}
 */
export function createPanelContext(root, api, host) {
  /** @type {PanelState} */
  const state = {
    accounts: [],
    selectedId: null,
    settings: null,
    groups: [],
    groupsError: null,
    views: [],
    statuses: [],
    runs: [],
    plan: null,
    held: [],
    busy: false,
    progress: null,
    follow: null,
    message: null,
  };
  const boxes = {
    alert: h("div", { class: "gcs-messages", "aria-live": "polite" }),
    result: h("div", { class: "gcs-result" }),
    accounts: h("section", { class: "gcs-section", "aria-labelledby": uid("gcs-s") }),
    settings: h("section", { class: "gcs-section" }),
    sync: h("section", { class: "gcs-section" }),
    history: h("section", { class: "gcs-section" }),
  };
  root.append(boxes.alert, boxes.accounts, boxes.settings, boxes.sync, boxes.history);
  const nothing = () => {};

  /** @type {PanelContext} */
  const ctx = {
    api,
    host,
    root,
    state,
    boxes,
    follower: followerFor(host),
    own: new Set(),
    selected: () => state.accounts.find((a) => a.id === state.selectedId) || null,
    show(text, level = "info", o = {}) {
      state.message = text ? { text, level, where: o.where || "top", action: o.action, detail: o.detail } : null;
      renderMessage();
      if (text && o.focus) focusMessage();
    },
    showError(e, o = {}) {
      const code = errorCode(e);
      const a = ctx.selected();
      let text = errorMessage(e, { inPanel: true });
      /** @type {MessageAction | undefined} */
      let action = o.action;
      if (code === "BUSY" && a) {
        // Whose run holds the account, when this tab knows it.
        const run = ctx.follower.running(a.id);
        if (run && run.here) text = `A sync of ${a.email} is already running on this page; its progress shows below. Wait for it to finish, then try again.`;
        else if (run) text = `A sync of ${a.email} is running in another tab of the CRM; its progress shows below. Wait for it to finish, then try again.`;
      }
      if ((code === "AUTH_FAILED" || code === "NOT_CONNECTED" || code === "PERMISSION_DENIED") && a) {
        action = { label: "Reconnect", run: () => reconnectFromMessage(ctx, a) };
        // Google refused the account's sign-in: its row must not go on saying "Connected".
        ctx.loadAccounts().then(() => {
          ctx.render.accounts();
          syncBusy(ctx);
        }, () => {});
      }
      ctx.show(text, code === "QUOTA" ? "warning" : "error", { ...o, action, detail: errorDetail(e) });
    },
    async guarded(fn, { where = "top" } = {}) {
      if (state.busy || state.follow) return undefined;
      // The clicked button is disabled while the action runs, which drops the focus; unless the
      // action placed it (on its result), it goes back to that button when it is still there.
      const from = document.activeElement;
      state.busy = true;
      setBusy();
      try {
        return await fn();
      } catch (e) {
        ctx.showError(e, { where, focus: true });
        return undefined;
      } finally {
        state.busy = false;
        state.progress = null;
        setBusy();
        const now = document.activeElement;
        if (from instanceof HTMLElement && from.isConnected && !from.matches(":disabled") && (!now || now === document.body)) from.focus();
      }
    },
    async loadAccounts() {
      state.accounts = await api.accounts();
      if (!state.accounts.some((a) => a.id === state.selectedId)) {
        state.selectedId = state.accounts.length ? state.accounts[0].id : null;
      }
    },
    async loadSelected() {
      state.settings = null;
      state.groups = [];
      state.groupsError = null;
      state.runs = [];
      state.plan = null;
      state.held = [];
      const a = ctx.selected();
      if (!a) return;
      // Unreadable settings or history do not block the panel: the account's entry says what
      // broke and offers Reset and Disconnect.
      const [settings, runs] = await Promise.all([
        api.getSettings(a.id).catch((e) => (e && e.code === "INVALID_STATE" ? null : Promise.reject(e))),
        api.runs(a.id).catch(() => []),
      ]);
      state.settings = settings;
      state.runs = runs || [];
      const last = state.runs[0] || a.lastRun;
      state.held = last && last.held ? last.held : [];
      try {
        state.groups = await api.googleGroups(a.id);
      } catch (e) {
        state.groupsError = e;
      }
    },
    async refresh({ reloadSelected = true } = {}) {
      await ctx.loadAccounts();
      if (reloadSelected) await ctx.loadSelected();
      ctx.render.all();
    },
    async refreshAfterRun() {
      const plan = state.plan;
      await ctx.loadAccounts();
      const a = ctx.selected();
      if (a) {
        state.runs = await api.runs(a.id).catch(() => state.runs);
        const last = state.runs[0] || a.lastRun;
        state.held = last && last.held ? last.held : [];
      }
      state.plan = plan;
      ctx.render.accounts();
      ctx.render.sync();
      ctx.render.history();
    },
    render: { all: nothing, accounts: nothing, settings: nothing, sync: nothing, history: nothing, progress: nothing },
  };

  function renderMessage() {
    clear(boxes.alert);
    // One message box, above the accounts or, for a run's result, under the sync buttons.
    if (state.message && state.message.where === "sync") {
      if (boxes.alert.parentNode !== boxes.result) boxes.result.append(boxes.alert);
    } else if (root.firstChild !== boxes.alert) {
      root.prepend(boxes.alert);
    }
    if (!state.message) return;
    const { text, level, action, detail } = state.message;
    // Focusable from script only, so a result can take the focus after the action that made it.
    boxes.alert.append(h("div", { class: `gcs-alert gcs-alert-${level}`, role: level === "error" ? "alert" : "status", tabIndex: -1 },
      h("div", { class: "gcs-alert-text" }, h("span", { text }), techDetails(detail)),
      action ? h("button", { type: "button", class: "gcs-btn gcs-btn-small", "data-gcs-action": "", text: action.label, onclick: () => action.run() }) : null,
      h("button", { type: "button", class: "gcs-alert-close", "aria-label": "Dismiss message", text: "×", onclick: () => ctx.show(null) })));
  }

  /** Moves the focus to the message, scrolled into view where it is not. */
  function focusMessage() {
    const el = /** @type {HTMLElement | null} */ (boxes.alert.querySelector(".gcs-alert"));
    if (!el || !el.isConnected) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }

  const setBusy = () => syncBusy(ctx);

  ctx.render.all = () => {
    renderMessage();
    ctx.render.accounts();
    ctx.render.settings();
    ctx.render.sync();
    ctx.render.history();
    setBusy();
  };
  return ctx;
}

/**
 * A failure's technical side behind a closed disclosure, or nothing when there is none.
 * @param {string | undefined} detail
 */
export function techDetails(detail) {
  if (!detail) return null;
  return h("details", { class: "gcs-tech" }, h("summary", { text: "Technical details" }), h("pre", { class: "gcs-tech-text", text: detail }));
}

/**
 * Marks the panel busy or idle (every action button is disabled while one runs); screens call it
 * again after re-rendering their buttons.
 * @param {PanelContext} ctx
 */
export function syncBusy(ctx) {
  const busy = ctx.state.busy || !!ctx.state.follow;
  ctx.root.setAttribute("aria-busy", busy ? "true" : "false");
  // A button may be blocked for a reason of its own (Apply on a preview with nothing to apply).
  for (const b of ctx.root.querySelectorAll("[data-gcs-action]")) /** @type {HTMLButtonElement} */ (b).disabled = busy || b.hasAttribute("data-gcs-blocked");
  ctx.render.progress();
}

/**
 * The message's "Reconnect": signs the account in again (the click is the user's gesture the
 * sign-in window needs) and says so, with the focus on the result.
 * @param {PanelContext} ctx
 * @param {AccountInfo} a
 */
function reconnectFromMessage(ctx, a) {
  ctx.guarded(async () => {
    ctx.show(null);
    const account = await ctx.api.reconnect(a.id);
    lapse("account");
    await ctx.refresh({ reloadSelected: ctx.state.selectedId === a.id });
    ctx.show(`${account.email} is connected again.`, "success", { focus: true });
  });
}

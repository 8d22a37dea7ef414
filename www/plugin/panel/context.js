// @ts-check
// What the settings panel's screens share: the API and host, the panel's state, its static frame
// (one box per screen), the inline message, and `guarded`, which runs one action at a time with
// the panel marked busy. Each screen module renders into its box from this context and calls
// the others through `ctx.render`, so no screen imports another.

import { h, clear, uid } from "../dom.js";
import { errorMessage, errorDetail } from "../messages.js";

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
 * @property {HeldDeletions[]} held Deletions awaiting confirmation.
 * @property {boolean} busy
 * @property {Progress | null} progress
 * @property {{ text: string, level: Level, detail?: string } | null} message `detail`: the technical
 *   side of a failure, behind a disclosure.
 *
 * @typedef {object} PanelContext
 * @property {GoogleContactsSync} api
 * @property {CrmHost} host
 * @property {HTMLElement} root
 * @property {PanelState} state
 * @property {{ alert: HTMLElement, accounts: HTMLElement, settings: HTMLElement, sync: HTMLElement, history: HTMLElement }} boxes
 * @property {() => AccountInfo | null} selected
 * @property {(text: string | null, level?: Level, o?: { detail?: string }) => void} show Sets (or,
 *   with null, clears) the message; `detail` goes behind a "Technical details" disclosure.
 * @property {(e: unknown) => void} showError
 * @property {<T>(fn: () => Promise<T>) => Promise<T | undefined>} guarded
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
    message: null,
  };
  const boxes = {
    alert: h("div", { class: "gcs-messages", "aria-live": "polite" }),
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
    selected: () => state.accounts.find((a) => a.id === state.selectedId) || null,
    show(text, level = "info", o = {}) {
      state.message = text ? { text, level, detail: o.detail } : null;
      renderMessage();
    },
    showError(e) {
      const code = e && typeof e === "object" && "code" in e ? e.code : undefined;
      ctx.show(errorMessage(e, { inPanel: true }), code === "QUOTA" ? "warning" : "error", { detail: errorDetail(e) });
    },
    async guarded(fn) {
      if (state.busy) return undefined;
      state.busy = true;
      setBusy();
      try {
        return await fn();
      } catch (e) {
        ctx.showError(e);
        return undefined;
      } finally {
        state.busy = false;
        state.progress = null;
        setBusy();
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
    if (!state.message) return;
    const { text, level, detail } = state.message;
    boxes.alert.append(h("div", { class: `gcs-alert gcs-alert-${level}`, role: level === "error" ? "alert" : "status" },
      h("div", { class: "gcs-alert-text" }, h("span", { text }), techDetails(detail)),
      h("button", { type: "button", class: "gcs-alert-close", "aria-label": "Dismiss message", text: "×", onclick: () => ctx.show(null) })));
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
  ctx.root.setAttribute("aria-busy", ctx.state.busy ? "true" : "false");
  for (const b of ctx.root.querySelectorAll("[data-gcs-action]")) /** @type {HTMLButtonElement} */ (b).disabled = ctx.state.busy;
  ctx.render.progress();
}

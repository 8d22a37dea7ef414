// @ts-check
// The panel's first screen: the linked Google accounts, each with its state, last sync and
// links, the "ContactSync" checkbox, Reconnect, Reset sync data and Disconnect; and "Connect Google
// account".

import { h, clear, uid } from "../dom.js";
import { plural, formatTime, accountState, unreadableMessage, lapse } from "../messages.js";
import { confirmDialog } from "./dialogs.js";
import { pendingSection } from "./pending.js";

/**
 * @typedef {import("./context.js").PanelContext} PanelContext
 * @typedef {import("./context.js").AccountInfo} AccountInfo
 */

/** @param {PanelContext} ctx */
export function renderAccounts(ctx) {
  const { state, boxes } = ctx;
  const box = boxes.accounts;
  const headingId = box.getAttribute("aria-labelledby");
  clear(box).append(
    h("div", { class: "gcs-head" },
      h("h3", { id: headingId, text: "Linked Google accounts" }),
      h("button", { type: "button", class: "gcs-btn gcs-btn-primary", "data-gcs-action": "", text: "Connect Google account", onclick: () => connectAccount(ctx) })),
  );
  if (state.accounts.length === 0) {
    const text = state.accountsUnreadable
      ? "The list of connected Google accounts cannot be read. Click \u201cConnect Google account\u201d and sign in again: each account's links and settings are still there."
      : "No Google account is connected yet. Click \u201cConnect Google account\u201d and sign in to Google to start syncing your contacts.";
    box.append(h("p", { class: "gcs-empty", text }));
    return;
  }
  const list = h("ul", { class: "gcs-accounts" });
  for (const a of state.accounts) {
    const emailId = uid("gcs-acct");
    const st = accountState(a);
    const check = h("input", { type: "checkbox", id: uid("gcs-cs"), checked: a.enabled, "data-gcs-action": "", "aria-describedby": emailId });
    check.addEventListener("change", () => onToggleEnabled(ctx, a, check));
    const last = a.lastRun ? `Last sync ${formatTime(a.lastRun.finishedAt || a.lastRun.startedAt)}${a.lastRun.ok ? "" : " (with errors)"}` : "Never synced";
    const needs = st === "Needs reconnect";
    const broken = unreadableMessage(a);
    list.append(h("li", { class: ["gcs-account", a.id === state.selectedId ? "gcs-account-selected" : ""], "data-account": a.id },
      h("div", { class: "gcs-account-main" },
        h("span", { class: "gcs-account-email", id: emailId, text: a.email }),
        h("span", { class: ["gcs-pill", `gcs-pill-${st.toLowerCase().replace(/\s+/g, "-")}`], text: st }),
        h("span", { class: "gcs-muted", text: last }),
        h("span", { class: "gcs-muted", text: `${plural(a.links, "linked contact")}` })),
      broken ? h("p", { class: "gcs-hint gcs-warn", role: "alert", "data-gcs-unreadable": "", text: broken }) : null,
      needs ? h("p", { class: "gcs-hint gcs-warn", text: "Google no longer accepts this account's sign-in (it was revoked, expired or signed out). Click Reconnect to sign in again; automatic syncs wait until then." }) : null,
      h("div", { class: "gcs-account-actions" },
        h("span", { class: "gcs-check" }, check, h("label", { htmlFor: check.id, text: "ContactSync: sync this account" })),
        h("span", { class: "gcs-spacer" }),
        h("button", { type: "button", class: ["gcs-btn", "gcs-btn-small", needs ? "gcs-btn-primary" : ""], "data-gcs-action": "", "aria-describedby": emailId, title: "Sign in to Google again to renew this account's access", text: "Reconnect", onclick: () => onReconnect(ctx, a) }),
        h("button", { type: "button", class: "gcs-btn gcs-btn-small", "data-gcs-action": "", "aria-describedby": emailId, title: "Unlink this account's contacts; they are matched again on the next sync", text: "Reset sync data", onclick: () => onReset(ctx, a) }),
        h("button", { type: "button", class: "gcs-btn gcs-btn-small gcs-btn-danger", "data-gcs-action": "", "aria-describedby": emailId, title: "Revoke access and remove this account from the plugin", text: "Disconnect", onclick: () => onDisconnect(ctx, a) })),
      a.id === state.selectedId ? pendingSection(ctx, a) : null));
  }
  box.append(list);
}

/**
 * "Connect Google account": signs in and lists the account (rebuilding a list that could not be
 * read).
 * @param {PanelContext} ctx
 */
export function connectAccount(ctx) {
  ctx.guarded(async () => {
    ctx.show(null);
    const account = await ctx.api.connect(undefined);
    // The CRM's messages that said no account is connected, or that one needs signing in, are
    // no longer true.
    lapse("account");
    ctx.state.accountsUnreadable = false;
    ctx.state.selectedId = account.id;
    await ctx.refresh();
    ctx.show(`Connected ${account.email}. Check the settings below, back up both sides, then preview or sync.`, "success", { focus: true });
  });
}

/** @param {PanelContext} ctx @param {AccountInfo} a */
function onReconnect(ctx, a) {
  ctx.guarded(async () => {
    ctx.show(null);
    const account = await ctx.api.reconnect(a.id);
    lapse("account");
    await ctx.refresh({ reloadSelected: ctx.state.selectedId === a.id });
    ctx.show(`${account.email} is connected again.`, "success", { focus: true });
  });
}

/** @param {PanelContext} ctx @param {AccountInfo} a */
async function onDisconnect(ctx, a) {
  const yes = await confirmDialog(ctx.root, {
    title: `Disconnect ${a.email}?`,
    body: [
      "The plugin revokes its access to this Google account and forgets the account's settings, links and history.",
      "No contact is deleted on either side. You can connect the account again later; contacts will be matched again, not duplicated.",
    ],
    confirm: "Revoke access",
  });
  if (!yes) return;
  ctx.guarded(async () => {
    ctx.show(null);
    // The answer says whether Google confirmed the revoke; when it did not, its message tells
    // the user how to remove the access by hand, and it stays on screen as a warning.
    const r = await ctx.api.disconnect(a.id);
    await ctx.refresh();
    ctx.show(r.message, r.revoked ? "success" : "warning", { focus: true });
  });
}

/** @param {PanelContext} ctx @param {AccountInfo} a */
async function onReset(ctx, a) {
  const yes = await confirmDialog(ctx.root, {
    title: `Reset sync data for ${a.email}?`,
    body: [
      `This unlinks your CRM contacts from their Google contacts for this account (${plural(a.links, "link")}) and clears its sync history. No contact is deleted.`,
      "Unlike other tools, this will not cause duplicates: on the next sync, contacts are matched again by their link tag, email and phone. There is no need to empty your Google group first.",
      "It also forgets the contacts you chose to keep apart in the preview: their ambiguous matches show again, to decide again.",
    ],
    confirm: "Unlink contacts",
  });
  if (!yes) return;
  ctx.guarded(async () => {
    ctx.show(null);
    await ctx.api.resetSyncData(a.id);
    await ctx.refresh({ reloadSelected: true });
    ctx.show(`Sync data for ${a.email} was reset. The next sync matches contacts again.`, "success", { focus: true });
  });
}

/** @param {PanelContext} ctx @param {AccountInfo} a @param {HTMLInputElement} check */
function onToggleEnabled(ctx, a, check) {
  const enabled = check.checked;
  const done = ctx.guarded(async () => {
    try {
      await ctx.api.setSettings(a.id, { enabled });
    } catch (e) {
      check.checked = !enabled;
      throw e;
    }
    await ctx.loadAccounts();
    if (ctx.state.settings && a.id === ctx.state.selectedId) ctx.state.settings.enabled = enabled;
    ctx.render.accounts();
    ctx.render.sync();
    ctx.show(enabled ? `ContactSync is on for ${a.email}.` : `ContactSync is off for ${a.email}: no sync touches this account until you tick it again.`, "info");
  });
  // The row was drawn again: the focus goes back to its checkbox, enabled once the panel is idle.
  done.then(() => {
    const again = ctx.boxes.accounts.querySelector(`[data-account="${CSS.escape(a.id)}"] input[type="checkbox"]`);
    if (again instanceof HTMLElement && !ctx.root.contains(document.activeElement)) again.focus();
  });
}

// @ts-check
// "Pending deletions": the deletions one side made that wait before the plugin makes them on the
// other (the settings' googleDeletesHoldDays / crmDeletesHoldDays), listed under the selected
// account, each with Restore (the pair comes back, linked) and Delete now. Both run a sync of the
// whole account carrying the choice; the first sync after a deletion's date makes it.

import { h, uid } from "../dom.js";
import { formatTime } from "../messages.js";
import { confirmDialog } from "./dialogs.js";
import { runSync } from "./sync.js";

/**
 * @typedef {import("./context.js").PanelContext} PanelContext
 * @typedef {import("./context.js").AccountInfo} AccountInfo
 * @typedef {import("../../types").PendingDeletion} PendingDeletion
 */

/**
 * The account's "Pending deletions" section, or null when none waits.
 * @param {PanelContext} ctx
 * @param {AccountInfo} a
 */
export function pendingSection(ctx, a) {
  const pending = a.pendingDeletions || [];
  if (pending.length === 0) return null;
  const headingId = uid("gcs-pending");
  const list = h("ul", { class: "gcs-pending-list" });
  for (const p of pending) {
    const nameId = uid("gcs-pending-name");
    const where = p.side === "google"
      ? `Deleted in the CRM: its Google contact is in the group \u201cPending deletion (CRM)\u201d and is deleted by the first sync after ${formatTime(p.until)}.`
      : `Deleted in Google: the CRM contact is kept, unlinked, and deleted by the first sync after ${formatTime(p.until)}.`;
    list.append(h("li", { class: "gcs-pending", "data-pending": p.crmId },
      h("span", { class: "gcs-pending-name", id: nameId, text: p.name || "(no name)" }),
      h("span", { class: "gcs-muted", text: where }),
      h("span", { class: "gcs-pending-actions" },
        h("button", { type: "button", class: "gcs-btn gcs-btn-small", "data-gcs-action": "", "aria-describedby": nameId, title: "Bring the contact back on both sides, linked", text: "Restore", onclick: () => choose(ctx, p, "restore") }),
        h("button", { type: "button", class: "gcs-btn gcs-btn-small gcs-btn-danger", "data-gcs-action": "", "aria-describedby": nameId, title: "Delete the contact now rather than at its date", text: "Delete now", onclick: () => choose(ctx, p, "deleteNow") }))));
  }
  return h("section", { class: "gcs-pending-box", "aria-labelledby": headingId },
    h("h4", { id: headingId, text: "Pending deletions" }),
    list);
}

/**
 * Runs a sync of the whole account carrying the user's choice on one pending deletion.
 * @param {PanelContext} ctx
 * @param {PendingDeletion} p
 * @param {"restore" | "deleteNow"} action
 */
async function choose(ctx, p, action) {
  if (action === "deleteNow") {
    const side = p.side === "google" ? "Google" : "the CRM";
    const yes = await confirmDialog(ctx.root, {
      title: `Delete ${p.name || "this contact"} now?`,
      body: [`The contact is deleted in ${side} by a sync that starts now, rather than at ${formatTime(p.until)}.`],
      confirm: "Delete now",
    });
    if (!yes) return;
  }
  const decisions = { pending: [{ crmId: p.crmId, action }] };
  await runSync(ctx, { kind: "all" }, { decisions }, action === "restore" ? "Restoring" : "Deleting");
}

// @ts-check
// The panel's sync screen: the manual triggers (preview, sync now, send all, fetch all, backup),
// the first-sync checklist, deletions held for confirmation, the progress bar, and the preview
// (drawn by preview.js) once asked for.

import { h, append, clear, uid } from "../dom.js";
import { reportSummary, reportDetail, reportLevel, heldCount, plural, sideLabel, retryMessage, progressText } from "../messages.js";
import { downloadText, safeFilePart } from "./dialogs.js";
import { renderPlan, deletionsList, planDecisions } from "./preview.js";
import { syncBusy } from "./context.js";

/**
 * @typedef {import("./context.js").PanelContext} PanelContext
 * @typedef {import("../../types").SyncScope} SyncScope
 * @typedef {import("../../types").SyncOptions} SyncOptions
 */

/**
 * Installs the sync screen's renderers (`ctx.render.sync`, `ctx.render.progress`).
 * @param {PanelContext} ctx
 */
export function installSync(ctx) {
  const progressBar = h("progress", { max: 1, value: 0, "aria-label": "Sync progress" });
  const progressLabel = h("span", { class: "gcs-muted" });
  // Not a `data-gcs-action` button: it is the one control enabled while a run is under way.
  const cancelButton = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "gcs-btn gcs-cancel", text: "Cancel", hidden: true, title: "Stop this sync: what it already did is kept, the next sync does the rest" }));
  const progressWrap = h("div", { class: "gcs-progress", hidden: true }, progressBar, progressLabel, cancelButton);
  // What a screen reader hears of a run: each new phase once (not every count); the end is the
  // result message at the top of the panel, so this falls silent then. Kept outside the hidden
  // bar so it is in the page before it speaks.
  const announcer = h("p", { class: "gcs-sr-only", role: "status", "data-gcs-progress-status": "" });
  /** @type {string | null} */
  let announced = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let tick;
  ctx.render.progress = () => {
    renderProgress(ctx, progressWrap, progressBar, progressLabel);
    const phase = ctx.state.busy && ctx.state.progress ? ctx.state.progress.phase : null;
    if (phase !== announced) {
      announced = phase;
      announcer.textContent = phase && progressLabel.textContent ? progressLabel.textContent : "";
    }
    const run = running.get(ctx);
    cancelButton.hidden = !ctx.state.busy || !run;
    cancelButton.disabled = !run || run.cancelling;
    cancelButton.textContent = run && run.cancelling ? "Cancelling…" : "Cancel";
    cancelButton.onclick = () => {
      if (!run || run.cancelling) return;
      run.cancelling = true;
      ctx.api.cancel(run.accountId);
      ctx.render.progress();
    };
    // A retry's countdown: redrawn each second while the same notice shows.
    clearTimeout(tick);
    const p = ctx.state.progress;
    if (ctx.state.busy && p && p.retrying) {
      tick = setTimeout(() => {
        if (ctx.state.progress === p) ctx.render.progress();
      }, 1000);
    }
  };
  ctx.render.sync = () => renderSync(ctx, progressWrap, announcer);
}

/**
 * @param {PanelContext} ctx
 * @param {HTMLElement} progressWrap
 * @param {HTMLProgressElement} progressBar
 * @param {HTMLElement} progressLabel
 */
function renderProgress(ctx, progressWrap, progressBar, progressLabel) {
  const { state } = ctx;
  const p = state.progress;
  progressWrap.hidden = !state.busy;
  if (!state.busy) return;
  if (p && p.retrying) {
    progressBar.removeAttribute("value"); // indeterminate while it waits
    progressLabel.textContent = retryMessage(p.retrying);
  } else if (p && p.total > 0) {
    progressBar.max = p.total;
    progressBar.value = Math.min(p.done, p.total);
    progressLabel.textContent = progressText(p.phase || "Working", p.done, p.total);
  } else {
    progressBar.removeAttribute("value"); // indeterminate: the total is not known yet
    progressLabel.textContent = p ? progressText(p.phase || "Working", p.done, 0) : "Working…";
  }
  progressBar.setAttribute("aria-valuetext", progressLabel.textContent);
}

/**
 * Runs a sync of the selected account with progress, then shows its summary.
 * @param {PanelContext} ctx
 * @param {SyncScope} scope
 * @param {SyncOptions} opts
 * @param {string} what The run's name in the progress label.
 */
export function runSync(ctx, scope, opts = {}, what = "Sync") {
  const { state } = ctx;
  const a = ctx.selected();
  if (!a) return undefined;
  return ctx.guarded(async () => {
    ctx.show(null);
    state.progress = { done: 0, total: 0, phase: `${what} starting` };
    running.set(ctx, { accountId: a.id, cancelling: false });
    ctx.render.progress();
    let report;
    try {
      report = await ctx.api.sync(a.id, scope, {
        ...opts,
        onProgress: (p) => {
          state.progress = p;
          ctx.render.progress();
        },
      });
    } finally {
      running.delete(ctx);
    }
    state.plan = null;
    ctx.show(reportSummary(report, { email: a.email, inPanel: true }), reportLevel(report), { detail: reportDetail(report) });
    await ctx.refreshAfterRun();
    return report;
  });
}

/**
 * The panel's run under way (a sync, not a preview), which its Cancel button stops.
 * @type {WeakMap<PanelContext, { accountId: string, cancelling: boolean }>}
 */
const running = new WeakMap();

/** @param {PanelContext} ctx */
function onPreview(ctx) {
  const { state } = ctx;
  const a = ctx.selected();
  if (!a) return;
  ctx.guarded(async () => {
    ctx.show(null);
    state.progress = { done: 0, total: 0, phase: "Reading both sides" };
    ctx.render.progress();
    const plan = await ctx.api.preview(a.id, { kind: "all" });
    state.plan = plan;
    state.held = plan.held || [];
    ctx.render.sync();
    const target = ctx.boxes.sync.querySelector(".gcs-plan h4");
    if (target) /** @type {HTMLElement} */ (target).focus();
  });
}

/** @param {PanelContext} ctx */
function onBackup(ctx) {
  const a = ctx.selected();
  if (!a) return;
  ctx.guarded(async () => {
    ctx.show(null);
    const json = await ctx.api.backup(a.id);
    const day = new Date().toISOString().slice(0, 10);
    downloadText(json, `google-contacts-sync-backup-${safeFilePart(a.email)}-${day}.json`);
    ctx.show("Backup downloaded: it holds the contacts of both sides in scope. Keep it until you are happy with the sync.", "success");
  });
}

/**
 * A button of the panel's actions (disabled while the panel is busy).
 * @param {string} text
 * @param {() => unknown} onclick
 * @param {{ primary?: boolean, title?: string }} [o]
 */
export function actionButton(text, onclick, { primary = false, title } = {}) {
  return h("button", { type: "button", class: ["gcs-btn", primary ? "gcs-btn-primary" : ""], "data-gcs-action": "", text, title, onclick });
}

/**
 * @param {PanelContext} ctx
 * @param {HTMLElement} progressWrap
 * @param {HTMLElement} announcer
 */
function renderSync(ctx, progressWrap, announcer) {
  const { state } = ctx;
  const box = ctx.boxes.sync;
  clear(box);
  const a = ctx.selected();
  if (!a) return;
  const headingId = uid("gcs-s");
  box.setAttribute("aria-labelledby", headingId);
  box.append(h("h3", { id: headingId, text: "Sync" }));

  const firstSync = state.runs.length === 0 && !a.lastRun;
  const backupBtn = actionButton("Download backup", () => onBackup(ctx), { primary: firstSync, title: "Download the contacts of both sides in scope as a JSON file" });
  if (firstSync) {
    box.append(h("div", { class: "gcs-first" },
      h("h4", { text: "Before your first sync" }),
      h("ol", {},
        h("li", { text: "Back up both sides: download a backup of your CRM and Google contacts." }),
        h("li", { text: "Choose the CRM view and the Google group above, then click Save." }),
        h("li", { text: "Click \u201cPreview changes\u201d to see what will happen." }),
        h("li", { text: "Click \u201cSend all filtered contacts to Google\u201d (or \u201cSync now\u201d for both ways)." })),
      h("p", { class: "gcs-hint", text: "You do not need to empty your Google group first: contacts already in Google are matched by email and phone, not duplicated." }),
      backupBtn));
  }

  if (!a.enabled) {
    box.append(h("p", { class: "gcs-alert gcs-alert-warning", text: "ContactSync is off for this account: tick \u201cContactSync: sync this account\u201d above to sync it." }));
  }

  const schedule = state.settings ? `Syncs automatically every ${plural(state.settings.intervalMinutes, "minute")} while the CRM is open.` : "";
  append(box, [
    h("div", { class: "gcs-actions" },
      actionButton("Preview changes", () => onPreview(ctx), { title: "Show what a sync would change, without changing anything" }),
      actionButton("Sync now", () => runSync(ctx, { kind: "all" }, {}, "Sync"), { primary: !firstSync, title: "Sync both ways now" }),
      actionButton("Send all filtered contacts to Google", () => runSync(ctx, { kind: "pushAll" }, {}, "Sending to Google"), { title: "Send or update every contact of the chosen CRM view in the chosen Google group" }),
      actionButton("Fetch all Google contacts", () => runSync(ctx, { kind: "pullAll" }, {}, "Fetching from Google"), { title: "Bring every contact of the chosen Google groups into the CRM" }),
      firstSync ? null : backupBtn),
    schedule ? h("p", { class: "gcs-hint", text: schedule }) : null,
    progressWrap,
    announcer,
  ]);

  renderHeld(ctx);
  if (state.plan) {
    const plan = state.plan;
    box.append(renderPlan(plan, {
      apply: actionButton("Apply", () => runSync(ctx, { kind: "all" }, { fromPreview: true, decisions: planDecisions(plan) }, "Applying"), { primary: true, title: "Run the sync now" }),
      close: () => {
        state.plan = null;
        ctx.render.sync();
      },
      groups: state.groups,
      host: ctx.host,
    }));
  }
  syncBusy(ctx);
}

/** @param {PanelContext} ctx */
function renderHeld(ctx) {
  const { state } = ctx;
  const box = ctx.boxes.sync;
  const n = heldCount(state.held);
  if (!n) return;
  const limits = state.held.map((g) => `${sideLabel(g.side)}: ${plural(g.deletions.length, "deletion")}, limit ${g.limit}`).join("; ");
  const headingId = uid("gcs-held");
  box.append(h("div", { class: "gcs-held", role: "region", "aria-labelledby": headingId },
    h("h4", { id: headingId, text: "Deletions awaiting your confirmation" }),
    h("p", { text: `This sync would delete more contacts than the safety limit allows (${limits}), so it stopped before deleting. Check the list; confirm only if these deletions are intended.` }),
    deletionsList(state.held),
    actionButton(`Confirm ${plural(n, "deletion")}`, () => runSync(ctx, { kind: "all" }, { confirmDeletions: true }, "Sync with deletions"), { title: "Sync now and carry out these deletions" })));
}

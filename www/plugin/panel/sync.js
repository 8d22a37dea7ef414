// @ts-check
// The panel's sync screen: the manual triggers (preview, sync now, send all, fetch all, backup),
// the first-sync checklist, deletions held for confirmation, the progress bar, and the preview
// (drawn by preview.js) once asked for.

import { h, append, clear, uid } from "../dom.js";
import { reportSummary, reportDetail, reportLevel, reportFailures, heldCount, plural, sideLabel, retryMessage, progressText, errorCode, formatTime } from "../messages.js";
import { downloadText, safeFilePart } from "./dialogs.js";
import { renderPlan, deletionsList, planApproval } from "./preview.js";
import { syncBusy } from "./context.js";

/**
 * @typedef {import("./context.js").PanelContext} PanelContext
 * @typedef {import("../../types").SyncScope} SyncScope
 * @typedef {import("../../types").SyncOptions} SyncOptions
 */

/**
 * Installs the sync screen's renderers (`ctx.render.sync`, `ctx.render.progress`) and follows
 * the runs the panel did not start.
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
  /** Accounts whose followed run was asked to stop. */
  const stopping = new Set();
  ctx.render.progress = () => {
    renderProgress(ctx, progressWrap, progressBar, progressLabel);
    const { busy, follow } = ctx.state;
    const shown = shownProgress(ctx);
    const phase = (busy || follow) && shown ? shown.phase : null;
    if (phase !== announced) {
      announced = phase;
      announcer.textContent = phase && progressLabel.textContent ? progressLabel.textContent : "";
    }
    const own = busy ? running.get(ctx) : undefined;
    const followed = !busy && follow ? { accountId: follow.accountId, cancelling: stopping.has(follow.accountId) } : undefined;
    const run = own || followed;
    cancelButton.hidden = !run;
    cancelButton.disabled = !run || run.cancelling;
    cancelButton.textContent = run && run.cancelling ? "Cancelling…" : "Cancel";
    cancelButton.onclick = () => {
      if (!run || run.cancelling) return;
      if (own) {
        own.cancelling = true;
        ctx.api.cancel(own.accountId);
      } else {
        stopping.add(run.accountId);
        ctx.follower.cancel(run.accountId);
      }
      ctx.render.progress();
    };
    // A retry's countdown: redrawn each second while the same notice shows.
    clearTimeout(tick);
    const p = shownProgress(ctx);
    if (p && p.retrying) {
      tick = setTimeout(() => {
        if (shownProgress(ctx) === p) ctx.render.progress();
      }, 1000);
    }
  };
  ctx.render.sync = () => renderSync(ctx, progressWrap, announcer);

  const unsubscribe = ctx.follower.subscribe((e) => {
    // A panel taken off the page (the host re-rendered its settings) stops listening.
    if (!ctx.root.isConnected) {
      unsubscribe();
      return;
    }
    const id = e.run.accountId;
    if (ctx.own.has(id)) {
      if (e.kind === "end") ctx.own.delete(id);
      return;
    }
    const followed = ctx.state.follow && ctx.state.follow.accountId === id;
    if (e.kind === "end") {
      stopping.delete(id);
      ctx.state.follow = null;
      if (followed || ctx.state.accounts.some((a) => a.id === id)) void followedEnd(ctx, e.run);
    }
    refollow(ctx);
  });
}

/**
 * Follows, while the panel is idle, a run it did not start: the selected account's, else any
 * connected account's. Called when the follower hears of a run and when an action of the panel
 * ends.
 * @param {PanelContext} ctx
 */
export function refollow(ctx) {
  const { state } = ctx;
  if (state.busy) return;
  const ids = new Set(state.accounts.map((a) => a.id));
  const runs = ctx.follower.all().filter((r) => ids.has(r.accountId) && !ctx.own.has(r.accountId));
  state.follow = runs.find((r) => r.accountId === state.selectedId) || runs[0] || null;
  syncBusy(ctx);
}

/**
 * A followed run ended: the account row, history and held deletions are read again, and its
 * report (or, for a tab that died mid-run, that it stopped) shows in the sync section.
 * @param {PanelContext} ctx
 * @param {import("./context.js").FollowedRun} run
 */
async function followedEnd(ctx, run) {
  try {
    await ctx.refreshAfterRun();
  } catch {
    return; // the panel keeps what it shows; the next action reads again
  }
  const a = ctx.state.accounts.find((x) => x.id === run.accountId);
  if (!a || ctx.state.busy || (run.progress && run.progress.preview)) return;
  const runs = a.id === ctx.state.selectedId ? ctx.state.runs : await ctx.api.runs(a.id).catch(() => []);
  const last = runs[0] || a.lastRun;
  // A report written after this tab heard of the run is that run's (one clock: one browser).
  if (last && Date.parse(last.finishedAt) >= run.since - 1000) {
    const level = reportLevel(last);
    ctx.show(reportSummary(last, { email: a.email, inPanel: true }), level === "success" ? "success" : level, { where: "sync", detail: reportDetail(last), action: showThem(ctx, last) });
  } else if (!run.here) {
    ctx.show(`The sync of ${a.email} in another tab stopped before it finished (that tab was closed or reloaded). What it did is kept; the next sync does the rest.`, "warning", { where: "sync" });
  }
}

/**
 * The progress on screen: the panel's own run's, else the followed run's.
 * @param {PanelContext} ctx
 */
function shownProgress(ctx) {
  const { state } = ctx;
  if (state.busy) return state.progress;
  return state.follow ? state.follow.progress : null;
}

/**
 * @param {PanelContext} ctx
 * @param {HTMLElement} progressWrap
 * @param {HTMLProgressElement} progressBar
 * @param {HTMLElement} progressLabel
 */
function renderProgress(ctx, progressWrap, progressBar, progressLabel) {
  const { state } = ctx;
  const p = shownProgress(ctx);
  const followed = !state.busy ? state.follow : null;
  progressWrap.hidden = !state.busy && !followed;
  if (progressWrap.hidden) return;
  // Whose run it is: the panel's own names its account, a followed one its tab too.
  let who = "";
  const own = state.busy ? running.get(ctx) : undefined;
  if (own) {
    const a = state.accounts.find((x) => x.id === own.accountId);
    who = `${own.label} ${a ? a.email : own.accountId} \u2014 `;
  }
  if (followed) {
    const a = state.accounts.find((x) => x.id === followed.accountId);
    const what = followed.progress && followed.progress.preview ? "Preview" : "Sync";
    who = `${what} of ${a ? a.email : followed.accountId}${followed.here ? "" : " in another tab"} \u2014 `;
  }
  if (p && p.retrying) {
    progressBar.removeAttribute("value"); // indeterminate while it waits
    progressLabel.textContent = who + retryMessage(p.retrying);
  } else if (p && p.total > 0) {
    progressBar.max = p.total;
    progressBar.value = Math.min(p.done, p.total);
    progressLabel.textContent = who + progressText(p.phase || "Working", p.done, p.total);
  } else {
    progressBar.removeAttribute("value"); // indeterminate: the total is not known yet
    progressLabel.textContent = who + (p ? progressText(p.phase || "Working", p.done, 0) : "Working…");
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
  return ownAction(ctx, a.id, async () => {
    ctx.show(null);
    state.progress = { done: 0, total: 0, phase: "starting" };
    running.set(ctx, { accountId: a.id, cancelling: false, label: what === "Sync" ? "Syncing" : what });
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
    } catch (e) {
      if (!opts.fromPreview || opts.undo || errorCode(e) !== "PLAN_CHANGED") throw e;
      // The contacts moved since the preview: Apply wrote nothing. The preview shows what a
      // sync would do now, for the user to check and apply.
      running.delete(ctx);
      await showPreview(ctx, a.id);
      ctx.show("Your contacts changed since the preview, so Apply changed nothing. The preview below shows what a sync would do now: check it and apply again.", "warning", { where: "sync" });
      return undefined;
    } finally {
      running.delete(ctx);
    }
    state.plan = null;
    state.undo = null;
    await ctx.refreshAfterRun();
    if (!opts.fromPreview && report.errors.some((x) => x.code === "PLAN_CHANGED")) {
      // A sync after a change of the fields' directions writes nothing: the preview shows what
      // the new directions do, for the user to check and apply.
      ctx.show("The direction of some fields changed since the last sync, so this sync changed nothing. Preview the sync to see what the new directions do, then apply it.", "warning", { where: "sync", focus: true, action: { label: "Show the preview", run: () => onPreview(ctx) } });
      return report;
    }
    // Under the sync buttons, with the focus: after Apply the preview is gone, and the result
    // shows where the user is rather than at the top of the panel.
    const level = reportLevel(report);
    ctx.show(reportSummary(report, { email: a.email, inPanel: true }), level === "success" ? "success" : level, { where: "sync", focus: true, detail: reportDetail(report), action: showThem(ctx, report) });
    return report;
  });
}

/**
 * "Show them" beside a report that could not sync some contacts: opens their list in the run
 * history (names, sides, reasons, links), with the focus. None when it synced them all.
 * @param {PanelContext} ctx
 * @param {import("../../types").RunReport} report
 */
function showThem(ctx, report) {
  if (!reportFailures(report).failed.length) return undefined;
  return {
    label: "Show them",
    run: () => {
      const box = ctx.boxes.history;
      const d = /** @type {HTMLDetailsElement | undefined} */ ([...box.querySelectorAll("details[data-gcs-failures]")]
        .find((x) => /** @type {HTMLElement} */ (x).dataset.gcsFailures === report.startedAt));
      if (!d) return;
      d.open = true;
      const summary = /** @type {HTMLElement | null} */ (d.querySelector(":scope > summary"));
      if (summary) {
        summary.scrollIntoView({ block: "start" });
        summary.focus();
      }
    },
  };
}

/**
 * A guarded action of the panel on one account that may run the engine: the follower's events
 * of that run are the panel's own, not another run to follow.
 * @template T
 * @param {PanelContext} ctx
 * @param {string} accountId
 * @param {() => Promise<T>} fn
 */
async function ownAction(ctx, accountId, fn) {
  if (ctx.state.busy || ctx.state.follow) return undefined;
  const started = Date.now();
  ctx.own.add(accountId);
  try {
    return await ctx.guarded(fn, { where: "sync" });
  } finally {
    // A run of this tab first heard of since the action started is the action's: its end may
    // reach the follower a moment after the action resolves, and is not another run's. Any
    // other run (one that made this action fail as busy) is followed from now on.
    const r = ctx.follower.running(accountId);
    if (!(r && r.here && r.since >= started)) ctx.own.delete(accountId);
    refollow(ctx);
  }
}

/**
 * The panel's run under way (a sync, not a preview), which its Cancel button stops.
 * `label`: how the progress names the run ("Syncing", "Applying").
 * @type {WeakMap<PanelContext, { accountId: string, cancelling: boolean, label: string }>}
 */
const running = new WeakMap();

/** @param {PanelContext} ctx */
function onPreview(ctx) {
  const { state } = ctx;
  const a = ctx.selected();
  if (!a) return;
  ownAction(ctx, a.id, async () => {
    ctx.show(null);
    await showPreview(ctx, a.id);
  });
}

/**
 * Makes a preview of the account and shows it, its heading focused.
 * @param {PanelContext} ctx
 * @param {string} accountId
 */
async function showPreview(ctx, accountId) {
  const { state } = ctx;
  state.progress = { done: 0, total: 0, phase: "Reading both sides" };
  ctx.render.progress();
  const plan = await ctx.api.preview(accountId, { kind: "all" }, {});
  state.plan = plan;
  state.undo = null;
  state.held = plan.held || [];
  ctx.render.sync();
  const target = ctx.boxes.sync.querySelector(".gcs-plan h4");
  if (target) /** @type {HTMLElement} */ (target).focus();
}

/**
 * "Undo this run" in the history: the preview of undoing run `run` (its `startedAt`), shown in
 * the sync section, whose Apply undoes it.
 * @param {PanelContext} ctx
 * @param {string} run
 */
export function previewUndo(ctx, run) {
  const { state } = ctx;
  const a = ctx.selected();
  if (!a) return;
  ownAction(ctx, a.id, async () => {
    ctx.show(null);
    state.progress = { done: 0, total: 0, phase: "Reading both sides" };
    ctx.render.progress();
    const plan = await ctx.api.preview(a.id, { kind: "all" }, { undo: run });
    state.plan = plan;
    state.undo = run;
    state.held = [];
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
    ctx.show("Backup downloaded: it holds the contacts of both sides in scope. Keep it until you are happy with the sync.", "success", { where: "sync", focus: true });
  }, { where: "sync" });
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
    ctx.boxes.result,
  ]);

  renderHeld(ctx);
  if (state.plan) {
    const plan = state.plan;
    const accountId = a.id;
    const undo = state.undo || undefined;
    box.append(renderPlan(plan, {
      apply: undo
        ? actionButton("Undo the run", () => runSync(ctx, { kind: "all" }, { fromPreview: true, undo, ...planApproval(plan) }, "Undoing"), { primary: true, title: "Put back what that run changed" })
        : actionButton("Apply", () => runSync(ctx, { kind: "all" }, { fromPreview: true, ...planApproval(plan) }, "Applying"), { primary: true, title: "Run the sync now" }),
      replan: undo ? undefined : (decisions) => ctx.api.replan(accountId, decisions),
      title: undo ? `Preview: undo the run of ${formatTime(undo)}` : "Preview",
      close: () => {
        state.plan = null;
        state.undo = null;
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

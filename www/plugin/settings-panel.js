// The plugin's settings panel: linked Google accounts, what syncs where, the manual triggers
// (preview, sync now, send all, fetch all, backup), deletions held for confirmation, a progress
// bar and the run history. It talks only to the plugin's JS API (`GoogleContactsSync`) and the
// host contract, and renders every value with DOM APIs (no markup strings), so it runs under a
// CSP without 'unsafe-inline' and shows hostile contact names as plain text.

import { h, clear, uid, select, field } from "./dom.js";
import {
  errorMessage, reportSummary, reportLevel, heldCount, plural, sum,
  triggerLabel, opLabel, sideLabel, formatTime, accountState, unreadableMessage,
} from "./messages.js";

const NEW_GROUP = "__new__";
const KEEP_NONE = "";
const MY_CONTACTS = "contactGroups/myContacts";

/** Adds plugin.css to the page once (a <link>: the host's CSP allows only same-origin styles). */
export function ensureStylesheet(doc = document) {
  const href = new URL("./plugin.css", import.meta.url).href;
  if (![...doc.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) {
    doc.head.append(h("link", { rel: "stylesheet", href, "data-gcs": "" }));
  }
}

/** The panel shown when the plugin itself could not start. */
export function mountUnavailablePanel(el, message) {
  ensureStylesheet();
  clear(el).append(h("div", { class: "gcs" }, h("p", { class: "gcs-alert gcs-alert-error", role: "alert", text: message })));
}

/** What the panel shows while the plugin's module downloads and starts. */
export function mountLoadingPanel(el) {
  ensureStylesheet();
  clear(el).append(h("div", { class: "gcs", "aria-busy": "true" }, h("p", { class: "gcs-muted gcs-loading", role: "status", text: "Loading Google Contacts Sync…" })));
}

/** A modal confirmation; resolves true when the user confirms. */
function confirmDialog(root, { title, body, confirm, danger = true }) {
  return new Promise((resolve) => {
    const titleId = uid("gcs-dlg");
    const ok = h("button", { type: "button", class: ["gcs-btn", danger ? "gcs-btn-danger" : "gcs-btn-primary"], text: confirm });
    const cancel = h("button", { type: "button", class: "gcs-btn", text: "Cancel" });
    const dialog = h("dialog", { class: "gcs-dialog", "aria-labelledby": titleId },
      h("h3", { id: titleId, text: title }),
      [].concat(body).map((p) => h("p", { text: p })),
      h("div", { class: "gcs-dialog-actions" }, cancel, ok));
    let answered = false;
    const finish = (v) => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(v);
    };
    ok.addEventListener("click", () => finish(true));
    cancel.addEventListener("click", () => finish(false));
    dialog.addEventListener("close", () => finish(false));
    root.append(dialog);
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    cancel.focus();
  });
}

/** Saves `text` as a file through a Blob URL and an <a download>. */
function downloadText(text, filename, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename, class: "gcs-hidden-link" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function safeFilePart(s) {
  return String(s || "account").replace(/[^A-Za-z0-9@._-]+/g, "_");
}

/**
 * Mounts the settings panel into `el`. Resolves once the first render is done; returns
 * `{ refresh, unmount }`.
 */
export async function mountSettingsPanel(el, api, host) {
  ensureStylesheet();
  const root = h("div", { class: "gcs", "data-gcs-panel": "" });
  clear(el).append(root);

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
    message: null, // { text, level }
  };

  // Static frame; each part re-renders on its own.
  const alertBox = h("div", { class: "gcs-messages", "aria-live": "polite" });
  const accountsBox = h("section", { class: "gcs-section", "aria-labelledby": uid("gcs-s") });
  const settingsBox = h("section", { class: "gcs-section" });
  const syncBox = h("section", { class: "gcs-section" });
  const historyBox = h("section", { class: "gcs-section" });
  root.append(alertBox, accountsBox, settingsBox, syncBox, historyBox);

  const selected = () => state.accounts.find((a) => a.id === state.selectedId) || null;

  function show(text, level = "info") {
    state.message = text ? { text, level } : null;
    renderMessage();
  }
  function showError(e) {
    show(errorMessage(e, { inPanel: true }), e && e.code === "QUOTA" ? "warning" : "error");
  }
  function renderMessage() {
    clear(alertBox);
    if (!state.message) return;
    const { text, level } = state.message;
    alertBox.append(h("div", { class: `gcs-alert gcs-alert-${level}`, role: level === "error" ? "alert" : "status" },
      h("span", { class: "gcs-alert-text", text }),
      h("button", { type: "button", class: "gcs-alert-close", "aria-label": "Dismiss message", text: "×", onclick: () => show(null) })));
  }

  /** Runs `fn` with the panel marked busy; errors become the inline message. */
  async function guarded(fn) {
    if (state.busy) return undefined;
    state.busy = true;
    setBusy();
    try {
      return await fn();
    } catch (e) {
      showError(e);
      return undefined;
    } finally {
      state.busy = false;
      state.progress = null;
      setBusy();
    }
  }
  function setBusy() {
    root.setAttribute("aria-busy", state.busy ? "true" : "false");
    for (const b of root.querySelectorAll("[data-gcs-action]")) b.disabled = state.busy;
    renderProgress();
  }

  // ------------------------------------------------------------------------------------------
  // Loading

  async function loadAccounts() {
    state.accounts = await api.accounts();
    if (!state.accounts.some((a) => a.id === state.selectedId)) {
      state.selectedId = state.accounts.length ? state.accounts[0].id : null;
    }
  }

  async function loadSelected() {
    state.settings = null;
    state.groups = [];
    state.groupsError = null;
    state.runs = [];
    state.plan = null;
    state.held = [];
    const a = selected();
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
  }

  async function refresh({ reloadSelected = true } = {}) {
    await loadAccounts();
    if (reloadSelected) await loadSelected();
    renderAll();
  }

  async function refreshAfterRun() {
    const plan = state.plan;
    await loadAccounts();
    const a = selected();
    if (a) {
      state.runs = await api.runs(a.id).catch(() => state.runs);
      const last = state.runs[0] || a.lastRun;
      state.held = last && last.held ? last.held : [];
    }
    state.plan = plan;
    renderAccounts();
    renderSync();
    renderHistory();
  }

  function renderAll() {
    renderMessage();
    renderAccounts();
    renderSettings();
    renderSync();
    renderHistory();
    setBusy();
  }

  // ------------------------------------------------------------------------------------------
  // Linked accounts

  function renderAccounts() {
    const headingId = accountsBox.getAttribute("aria-labelledby");
    clear(accountsBox).append(
      h("div", { class: "gcs-head" },
        h("h3", { id: headingId, text: "Linked Google accounts" }),
        h("button", { type: "button", class: "gcs-btn gcs-btn-primary", "data-gcs-action": "", text: "Connect Google account", onclick: onConnect })),
    );
    if (state.accounts.length === 0) {
      accountsBox.append(h("p", { class: "gcs-empty", text: "No Google account is connected yet. Click \u201cConnect Google account\u201d and sign in to Google to start syncing your contacts." }));
      return;
    }
    const list = h("ul", { class: "gcs-accounts" });
    for (const a of state.accounts) {
      const emailId = uid("gcs-acct");
      const st = accountState(a);
      const check = h("input", { type: "checkbox", id: uid("gcs-cs"), checked: a.enabled, "data-gcs-action": "", "aria-describedby": emailId });
      check.addEventListener("change", () => onToggleEnabled(a, check));
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
        needs ? h("p", { class: "gcs-hint gcs-warn", text: "This account needs Google's sign-in again (it expired, or this page was reloaded: tokens are never stored). Click Update to reconnect; automatic syncs wait until then." }) : null,
        h("div", { class: "gcs-account-actions" },
          h("span", { class: "gcs-check" }, check, h("label", { htmlFor: check.id, text: "ContactSync: sync this account" })),
          h("span", { class: "gcs-spacer" }),
          h("button", { type: "button", class: ["gcs-btn", "gcs-btn-small", needs ? "gcs-btn-primary" : ""], "data-gcs-action": "", "aria-describedby": emailId, title: "Sign in to Google again to renew this account's access", text: "Update", onclick: () => onReconnect(a) }),
          h("button", { type: "button", class: "gcs-btn gcs-btn-small", "data-gcs-action": "", "aria-describedby": emailId, title: "Unlink this account's contacts; they are matched again on the next sync", text: "Reset sync data", onclick: () => onReset(a) }),
          h("button", { type: "button", class: "gcs-btn gcs-btn-small gcs-btn-danger", "data-gcs-action": "", "aria-describedby": emailId, title: "Revoke access and remove this account from the plugin", text: "Disconnect", onclick: () => onDisconnect(a) }))));
    }
    accountsBox.append(list);
  }

  function onConnect() {
    guarded(async () => {
      show(null);
      const account = await api.connect();
      state.selectedId = account.id;
      await refresh();
      show(`Connected ${account.email}. Check the settings below, back up both sides, then preview or sync.`, "success");
    });
  }

  function onReconnect(a) {
    guarded(async () => {
      show(null);
      const account = await api.reconnect(a.id);
      await refresh({ reloadSelected: state.selectedId === a.id });
      show(`${account.email} is connected again.`, "success");
    });
  }

  async function onDisconnect(a) {
    const yes = await confirmDialog(root, {
      title: `Disconnect ${a.email}?`,
      body: [
        "The plugin revokes its access to this Google account and forgets the account's settings, links and history.",
        "No contact is deleted on either side. You can connect the account again later; contacts will be matched again, not duplicated.",
      ],
      confirm: "Revoke access",
    });
    if (!yes) return;
    guarded(async () => {
      show(null);
      // The answer says whether Google confirmed the revoke; when it did not, its message tells
      // the user how to remove the access by hand, and it stays on screen as a warning.
      const r = await api.disconnect(a.id);
      await refresh();
      show(r.message, r.revoked ? "success" : "warning");
    });
  }

  async function onReset(a) {
    const yes = await confirmDialog(root, {
      title: `Reset sync data for ${a.email}?`,
      body: [
        `This unlinks your CRM contacts from their Google contacts for this account (${plural(a.links, "link")}) and clears its sync history. No contact is deleted.`,
        "Unlike other tools, this will not cause duplicates: on the next sync, contacts are matched again by their link tag, email and phone. There is no need to empty your Google group first.",
      ],
      confirm: "Unlink contacts",
    });
    if (!yes) return;
    guarded(async () => {
      show(null);
      await api.resetSyncData(a.id);
      await refresh({ reloadSelected: true });
      show(`Sync data for ${a.email} was reset. The next sync matches contacts again.`, "success");
    });
  }

  function onToggleEnabled(a, check) {
    const enabled = check.checked;
    guarded(async () => {
      try {
        await api.setSettings(a.id, { enabled });
      } catch (e) {
        check.checked = !enabled;
        throw e;
      }
      await loadAccounts();
      if (state.settings && a.id === state.selectedId) state.settings.enabled = enabled;
      renderAccounts();
      renderSync();
      show(enabled ? `ContactSync is on for ${a.email}.` : `ContactSync is off for ${a.email}: no sync touches this account until you tick it again.`, "info");
    });
  }

  // ------------------------------------------------------------------------------------------
  // Settings form

  function groupName(resourceName) {
    const g = state.groups.find((x) => x.resourceName === resourceName);
    if (g) return g.name;
    if (resourceName === MY_CONTACTS) return "My Contacts";
    return resourceName.replace(/^contactGroups\//, "");
  }

  function renderSettings() {
    clear(settingsBox);
    const a = selected();
    if (!a || !state.settings) return;
    const s = state.settings;
    const headingId = uid("gcs-s");
    settingsBox.setAttribute("aria-labelledby", headingId);

    const head = h("div", { class: "gcs-head" }, h("h3", { id: headingId, text: `Settings for ${a.email}` }));
    if (state.accounts.length > 1) {
      const picker = select({ id: uid("gcs-acct-pick"), "data-gcs-action": "" }, state.accounts.map((x) => ({ value: x.id, label: x.email })), a.id);
      picker.addEventListener("change", () => {
        state.selectedId = picker.value;
        guarded(async () => {
          show(null);
          await loadSelected();
          renderAll();
        });
      });
      head.append(h("div", { class: "gcs-inline" }, h("label", { htmlFor: picker.id, text: "Account" }), picker));
    }
    settingsBox.append(head);
    if (state.groupsError) {
      settingsBox.append(h("p", { class: "gcs-alert gcs-alert-warning", role: "status", text: `Your Google groups could not be listed. ${errorMessage(state.groupsError, { inPanel: true })}` }));
    }

    // CRM → Google
    const views = state.views.filter((v) => !(v.name.trim().toLowerCase() === "all" && v.id !== s.crmViewId));
    const viewSel = select({}, [{ value: "", label: "All" }, ...views.map((v) => ({ value: v.id, label: v.name }))], s.crmViewId ?? "");
    const groupOptions = state.groups.map((g) => ({ value: g.resourceName, label: `${g.name} (${g.memberCount})` }));
    const tg = s.targetGroup || { kind: "named", value: "CRM" };
    const tgValue = tg.kind === "existing" ? tg.value : NEW_GROUP;
    if (tg.kind === "existing" && !groupOptions.some((o) => o.value === tg.value)) groupOptions.push({ value: tg.value, label: groupName(tg.value) });
    const targetSel = select({}, [...groupOptions, { value: NEW_GROUP, label: "New group…" }], tgValue);
    const newName = h("input", { type: "text", value: tg.kind === "named" ? tg.value : "CRM", autocomplete: "off" });
    const newNameField = field("Name of the new group", newName, "Created in Google on the first sync.");
    const syncNewName = () => { newNameField.hidden = targetSel.value !== NEW_GROUP; };
    targetSel.addEventListener("change", syncNewName);
    syncNewName();

    // Google → CRM
    let sources = [...(s.sourceGroups || [])];
    const sourceList = h("ul", { class: "gcs-sources", "aria-label": "Google groups synced to the CRM" });
    const addSel = h("select", {});
    const addBtn = h("button", { type: "button", class: "gcs-btn gcs-btn-small", text: "Add" });
    const addSelField = field("Google group to add", addSel);
    function drawSources() {
      clear(sourceList);
      if (sources.length === 0) sourceList.append(h("li", { class: "gcs-muted", text: "No group chosen: nothing comes from Google." }));
      for (const rn of sources) {
        const name = groupName(rn);
        sourceList.append(h("li", {}, h("span", { text: name }),
          h("button", { type: "button", class: "gcs-btn gcs-btn-small", "aria-label": `Remove ${name}`, text: "Remove", onclick: () => {
            sources = sources.filter((x) => x !== rn);
            drawSources();
          } })));
      }
      clear(addSel);
      const left = state.groups.filter((g) => !sources.includes(g.resourceName));
      for (const g of left) addSel.append(h("option", { value: g.resourceName, text: `${g.name} (${g.memberCount})` }));
      if (left.length === 0) addSel.append(h("option", { value: "", text: state.groups.length ? "(every group is already in the list)" : "(no groups found)" }));
      addSel.disabled = left.length === 0;
      addBtn.disabled = left.length === 0;
    }
    addBtn.addEventListener("click", () => {
      if (addSel.value && !sources.includes(addSel.value)) sources.push(addSel.value);
      drawSources();
    });
    drawSources();

    const statusOpts = [{ value: KEEP_NONE, label: "(keep none)" }, ...state.statuses.map((x) => ({ value: x.value, label: x.label }))];
    const importSel = select({}, statusOpts, s.importStatus ?? KEEP_NONE);

    // Rules
    const conflictSel = select({}, [
      { value: "newest", label: "Newest edit wins" },
      { value: "crm", label: "CRM wins" },
      { value: "google", label: "Google wins" },
    ], s.conflictPolicy || "newest");
    const gd = s.googleDeletes || { kind: "delete" };
    const gDelSel = select({}, [
      { value: "delete", label: "Delete it in the CRM" },
      { value: "unlink", label: "Keep it, unlink" },
      { value: "setStatus", label: "Keep it and set status…" },
    ], gd.kind);
    const gDelStatus = select({}, state.statuses.map((x) => ({ value: x.value, label: x.label })), gd.kind === "setStatus" ? gd.status : (state.statuses[0] && state.statuses[0].value));
    const gDelStatusField = field("Status for contacts deleted in Google", gDelStatus);
    const syncGDel = () => { gDelStatusField.hidden = gDelSel.value !== "setStatus"; };
    gDelSel.addEventListener("change", syncGDel);
    syncGDel();
    const cDelSel = select({}, [
      { value: "keep", label: "Keep it in Google" },
      { value: "delete", label: "Delete it in Google" },
    ], s.crmDeletes || "keep");
    const dirSel = select({}, [
      { value: "both", label: "Both ways" },
      { value: "crmToGoogle", label: "CRM → Google only" },
      { value: "googleToCrm", label: "Google → CRM only" },
    ], s.directions || "both");
    const interval = h("input", { type: "number", min: 5, max: 1440, step: 1, value: String(s.intervalMinutes ?? 60), required: true });
    const region = h("input", { type: "text", value: s.defaultRegion || "", maxLength: 2, pattern: "[A-Za-z]{2}", autocomplete: "off", class: "gcs-short" });

    const saveBtn = h("button", { type: "submit", class: "gcs-btn gcs-btn-primary", "data-gcs-action": "", text: "Save" });
    const saved = h("span", { class: "gcs-saved", role: "status" });
    const formError = h("p", { class: "gcs-alert gcs-alert-error", role: "alert", hidden: true });

    const form = h("form", { class: "gcs-form", novalidate: true },
      h("p", { class: "gcs-hint", text: "Synced fields: name, emails, phones, addresses and birthday, plus company, job title and notes. A field changed on one side is updated on the other; a field missing on one side is filled in from the other." }),
      h("fieldset", { class: "gcs-fieldset" }, h("legend", { text: "CRM → Google" }),
        h("div", { class: "gcs-grid" },
          field("CRM view", viewSel, "Contacts in this view are sent to Google. \u201cAll\u201d sends every contact."),
          field("Google group", targetSel, "Contacts sent to Google join this group."),
          newNameField)),
      h("fieldset", { class: "gcs-fieldset" }, h("legend", { text: "Google → CRM" }),
        h("p", { class: "gcs-hint", text: "Members of these Google groups come to the CRM. You can add several groups." }),
        sourceList,
        h("div", { class: "gcs-add-row" }, addSelField, addBtn),
        h("div", { class: "gcs-grid" },
          field("Import contacts as", importSel, "The status new contacts from Google get in the CRM. Contacts that already exist in the CRM are matched and their blanks filled in, not duplicated."))),
      h("fieldset", { class: "gcs-fieldset" }, h("legend", { text: "Rules" }),
        h("div", { class: "gcs-grid" },
          field("When both sides changed the same field", conflictSel, "Every conflict is logged with both values in the run history."),
          field("When a contact is deleted in Google", gDelSel, "If the CRM contact was edited since the last sync, it is kept and unlinked instead."),
          gDelStatusField,
          field("When a contact is deleted in the CRM", cDelSel),
          field("Sync direction", dirSel),
          field("Sync every (minutes)", interval, "Automatic syncs run while the CRM is open in a browser tab."),
          field("Default phone region (2-letter country code)", region, "Used to read phone numbers written without a country code, e.g. US or GB."))),
      formError,
      h("div", { class: "gcs-form-actions" }, saveBtn, saved),
    );

    form.addEventListener("input", () => { saved.textContent = ""; });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      formError.hidden = true;
      const problems = [];
      const minutes = Number(interval.value);
      if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440) problems.push("Sync every: enter a whole number of minutes from 5 to 1440.");
      const reg = region.value.trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(reg)) problems.push("Default phone region: enter a 2-letter country code such as US, GB or DE.");
      const newGroupName = newName.value.trim();
      if (targetSel.value === NEW_GROUP && !newGroupName) problems.push("Name of the new group: enter a name, or choose an existing group.");
      if (dirSel.value !== "crmToGoogle" && sources.length === 0) problems.push("Google → CRM: add at least one Google group, or set the sync direction to \u201cCRM → Google only\u201d.");
      if (problems.length) {
        formError.textContent = problems.join(" ");
        formError.hidden = false;
        return;
      }
      const patch = {
        crmViewId: viewSel.value || null,
        targetGroup: targetSel.value === NEW_GROUP ? { kind: "named", value: newGroupName } : { kind: "existing", value: targetSel.value },
        sourceGroups: [...sources],
        importStatus: importSel.value || null,
        conflictPolicy: conflictSel.value,
        googleDeletes: gDelSel.value === "setStatus" ? { kind: "setStatus", status: gDelStatus.value } : { kind: gDelSel.value },
        crmDeletes: cDelSel.value,
        directions: dirSel.value,
        intervalMinutes: minutes,
        defaultRegion: reg,
      };
      const accountId = a.id;
      guarded(async () => {
        saved.textContent = "";
        try {
          state.settings = await api.setSettings(accountId, patch);
        } catch (e) {
          formError.textContent = errorMessage(e, { inPanel: true });
          formError.hidden = false;
          return;
        }
        region.value = reg;
        saved.textContent = "Saved";
        await loadAccounts();
        renderAccounts();
        renderSync();
      });
    });
    settingsBox.append(form);
  }

  // ------------------------------------------------------------------------------------------
  // Sync actions, preview, held deletions, progress

  const progressWrap = h("div", { class: "gcs-progress", hidden: true });
  const progressBar = h("progress", { max: 1, value: 0, "aria-label": "Sync progress" });
  const progressLabel = h("span", { class: "gcs-muted" });
  progressWrap.append(progressBar, progressLabel);

  function renderProgress() {
    const p = state.progress;
    progressWrap.hidden = !state.busy;
    if (!state.busy) return;
    if (p && p.total > 0) {
      progressBar.max = p.total;
      progressBar.value = Math.min(p.done, p.total);
      progressLabel.textContent = `${p.phase ? `${p.phase}: ` : ""}${p.done} of ${p.total}`;
    } else {
      progressBar.removeAttribute("value"); // indeterminate
      progressLabel.textContent = p && p.phase ? p.phase : "Working…";
    }
  }

  function runSync(scope, opts = {}, what = "Sync") {
    const a = selected();
    if (!a) return undefined;
    return guarded(async () => {
      show(null);
      state.progress = { done: 0, total: 0, phase: `${what} starting` };
      renderProgress();
      const report = await api.sync(a.id, scope, {
        ...opts,
        onProgress: (p) => {
          state.progress = p;
          renderProgress();
        },
      });
      state.plan = null;
      show(reportSummary(report, { email: a.email, inPanel: true }), reportLevel(report) === "success" ? "success" : reportLevel(report));
      await refreshAfterRun();
      return report;
    });
  }

  function onPreview() {
    const a = selected();
    if (!a) return;
    guarded(async () => {
      show(null);
      state.progress = { done: 0, total: 0, phase: "Reading both sides" };
      renderProgress();
      state.plan = await api.preview(a.id, { kind: "all" });
      state.held = state.plan.held || [];
      renderSync();
      const target = syncBox.querySelector(".gcs-plan h4");
      if (target) target.focus();
    });
  }

  function onBackup() {
    const a = selected();
    if (!a) return;
    guarded(async () => {
      show(null);
      const json = await api.backup(a.id);
      const day = new Date().toISOString().slice(0, 10);
      downloadText(json, `google-contacts-sync-backup-${safeFilePart(a.email)}-${day}.json`);
      show("Backup downloaded: it holds the contacts of both sides in scope. Keep it until you are happy with the sync.", "success");
    });
  }

  /** Why a contact was set aside, in words (the candidates follow). */
  function ambiguityText(m) {
    switch (m.reason) {
      case "namesDiffer":
        return `has the same ${m.rule} as a contact with another family name`;
      case "severalTags":
        return `is linked to ${plural(m.candidates.length, "CRM contact")}`;
      default:
        return `matches ${plural(m.candidates.length, "contact")} by ${m.rule}`;
    }
  }

  function actionButton(text, onclick, { primary = false, title } = {}) {
    return h("button", { type: "button", class: ["gcs-btn", primary ? "gcs-btn-primary" : ""], "data-gcs-action": "", text, title, onclick });
  }

  function renderSync() {
    clear(syncBox);
    const a = selected();
    if (!a) return;
    const headingId = uid("gcs-s");
    syncBox.setAttribute("aria-labelledby", headingId);
    syncBox.append(h("h3", { id: headingId, text: "Sync" }));

    const firstSync = state.runs.length === 0 && !a.lastRun;
    const backupBtn = actionButton("Download backup", onBackup, { primary: firstSync, title: "Download the contacts of both sides in scope as a JSON file" });
    if (firstSync) {
      syncBox.append(h("div", { class: "gcs-first" },
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
      syncBox.append(h("p", { class: "gcs-alert gcs-alert-warning", text: "ContactSync is off for this account: tick \u201cContactSync: sync this account\u201d above to sync it." }));
    }

    const schedule = state.settings ? `Syncs automatically every ${plural(state.settings.intervalMinutes, "minute")} while the CRM is open.` : "";
    syncBox.append(
      h("div", { class: "gcs-actions" },
        actionButton("Preview changes", onPreview, { title: "Show what a sync would change, without changing anything" }),
        actionButton("Sync now", () => runSync({ kind: "all" }, {}, "Sync"), { primary: !firstSync, title: "Sync both ways now" }),
        actionButton("Send all filtered contacts to Google", () => runSync({ kind: "pushAll" }, {}, "Sending to Google"), { title: "Send or update every contact of the chosen CRM view in the chosen Google group" }),
        actionButton("Fetch all Google contacts", () => runSync({ kind: "pullAll" }, {}, "Fetching from Google"), { title: "Bring every contact of the chosen Google groups into the CRM" }),
        firstSync ? null : backupBtn),
      schedule ? h("p", { class: "gcs-hint", text: schedule }) : null,
      progressWrap,
    );

    renderHeld();
    if (state.plan) syncBox.append(renderPlan(state.plan));
    setBusy();
  }

  function deletionsList(held) {
    const list = h("ul", { class: "gcs-held-list" });
    for (const group of held) {
      for (const op of group.deletions || []) {
        list.append(h("li", {}, h("span", { class: "gcs-strong", text: op.name || op.crmId || op.resourceName || "(no name)" }),
          ` — delete in ${sideLabel(group.side)}`, op.reason ? h("span", { class: "gcs-muted", text: ` (${op.reason})` }) : null));
      }
    }
    return list;
  }

  function renderHeld() {
    const n = heldCount(state.held);
    if (!n) return;
    const limits = state.held.map((g) => `${sideLabel(g.side)}: ${plural(g.deletions.length, "deletion")}, limit ${g.limit}`).join("; ");
    const headingId = uid("gcs-held");
    syncBox.append(h("div", { class: "gcs-held", role: "region", "aria-labelledby": headingId },
      h("h4", { id: headingId, text: "Deletions awaiting your confirmation" }),
      h("p", { text: `This sync would delete more contacts than the safety limit allows (${limits}), so it stopped before deleting. Check the list; confirm only if these deletions are intended.` }),
      deletionsList(state.held),
      actionButton(`Confirm ${plural(n, "deletion")}`, () => runSync({ kind: "all" }, { confirmDeletions: true }, "Sync with deletions"), { title: "Sync now and carry out these deletions" })));
  }

  function renderPlan(plan) {
    const headingId = uid("gcs-plan");
    const box = h("div", { class: "gcs-plan", role: "region", "aria-labelledby": headingId });
    box.append(h("h4", { id: headingId, tabIndex: -1, text: "Preview" }));
    const ops = plan.operations || [];
    const counts = {};
    for (const op of ops) counts[op.op] = (counts[op.op] || 0) + 1;
    box.append(h("p", { text: ops.length
      ? `A sync would make ${plural(ops.length, "change")}: ${Object.entries(counts).map(([k, v]) => `${v} ${opLabel(k).toLowerCase()}`).join(", ")}. Nothing has been changed yet.`
      : "Nothing to change: both sides agree." }));

    if (ops.length) {
      const tbody = h("tbody");
      for (const op of ops) {
        const changes = h("td", { class: "gcs-diffs" });
        if (op.diffs && op.diffs.length) {
          const ul = h("ul", {});
          for (const d of op.diffs) {
            ul.append(h("li", {}, h("span", { class: "gcs-field-name", text: `${d.field}: ` }),
              h("span", { class: d.before === "" ? "gcs-nothing" : "gcs-before", text: d.before === "" ? "(empty)" : d.before }), " → ",
              h("span", { class: d.after === "" ? "gcs-nothing" : "gcs-after", text: d.after === "" ? "(empty)" : d.after })));
          }
          changes.append(ul);
        }
        if (op.reason) changes.append(h("div", { class: "gcs-muted", text: op.reason }));
        tbody.append(h("tr", {}, h("td", { text: opLabel(op.op) }), h("td", { text: sideLabel(op.side) }), h("td", { text: op.name || op.crmId || op.resourceName || "" }), changes));
      }
      box.append(h("div", { class: "gcs-table-wrap" }, h("table", { class: "gcs-table" },
        h("caption", { class: "gcs-sr-only", text: "Planned changes" }),
        h("thead", {}, h("tr", {}, ["Operation", "Side", "Contact", "Changes"].map((t) => h("th", { scope: "col", text: t })))),
        tbody)));
    }

    if (plan.conflicts && plan.conflicts.length) {
      box.append(h("h5", { text: `Conflicts (${plan.conflicts.length})` }), conflictsTable(plan.conflicts));
    }
    if (plan.ambiguous && plan.ambiguous.length) {
      const ul = h("ul", { class: "gcs-ambiguous" });
      for (const m of plan.ambiguous) {
        ul.append(h("li", { "data-reason": m.reason || "" }, h("span", { class: "gcs-strong", text: m.name || m.id }), ` (${sideLabel(m.side)}) ${ambiguityText(m)}: `, h("span", { text: m.candidates.join(", ") })));
      }
      box.append(h("h5", { text: `Ambiguous matches (${plan.ambiguous.length})` }),
        h("p", { class: "gcs-hint", text: "Nothing is created or linked for these contacts. Make them distinct (for example, remove a shared email) and preview again." }), ul);
    }
    if (heldCount(plan.held)) {
      box.append(h("h5", { text: `Held deletions (${heldCount(plan.held)})` }),
        h("p", { class: "gcs-hint", text: "More deletions than the safety limit: Apply will not delete these; use the confirmation button above if they are intended." }),
        deletionsList(plan.held));
    }
    box.append(h("details", { class: "gcs-details" }, h("summary", { text: "Preview text" }), h("pre", { class: "gcs-pre", text: plan.text || "" })));
    box.append(h("div", { class: "gcs-actions" },
      actionButton("Apply", () => runSync({ kind: "all" }, {}, "Applying"), { primary: true, title: "Run the sync now" }),
      h("button", { type: "button", class: "gcs-btn", text: "Close preview", onclick: () => { state.plan = null; renderSync(); } })));
    return box;
  }

  function conflictsTable(conflicts) {
    return h("div", { class: "gcs-table-wrap" }, h("table", { class: "gcs-table gcs-table-compact" },
      h("thead", {}, h("tr", {}, ["Contact", "Field", "CRM value", "Google value", "Kept"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, conflicts.map((c) => h("tr", {},
        h("td", { text: c.name || c.crmId }), h("td", { text: c.field }),
        h("td", { text: c.crm === "" ? "(empty)" : c.crm }), h("td", { text: c.google === "" ? "(empty)" : c.google }),
        h("td", { text: `${sideLabel(c.kept)}${c.rule ? ` (${c.rule})` : ""}` }))))));
  }

  // ------------------------------------------------------------------------------------------
  // Run history

  function renderHistory() {
    clear(historyBox);
    const a = selected();
    if (!a) return;
    const headingId = uid("gcs-s");
    historyBox.setAttribute("aria-labelledby", headingId);
    historyBox.append(h("h3", { id: headingId, text: "Run history" }));
    if (!state.runs.length) {
      historyBox.append(h("p", { class: "gcs-empty", text: "No sync has run for this account yet." }));
      return;
    }
    const pair = (p) => `${p.crm} / ${p.google}`;
    const tbody = h("tbody");
    for (const r of state.runs.slice(0, 50)) {
      const conflicts = r.conflicts && r.conflicts.length
        ? h("details", {}, h("summary", { text: String(r.conflicts.length) }), conflictsTable(r.conflicts))
        : "0";
      const errs = r.errors && r.errors.length
        ? h("details", {}, h("summary", { text: String(r.errors.length) }), h("ul", { class: "gcs-errors" },
          r.errors.map((e) => h("li", {}, e.contact ? h("span", { class: "gcs-strong", text: `${e.contact}: ` }) : null, h("span", { text: errorMessage(e, { inPanel: true }) })))))
        : "0";
      const held = heldCount(r.held);
      tbody.append(h("tr", { class: r.ok ? "" : "gcs-row-failed" },
        h("td", {}, h("time", { datetime: r.startedAt, text: formatTime(r.startedAt) })),
        h("td", { text: triggerLabel(r.trigger) }),
        h("td", { text: r.ok ? (held ? `OK, ${plural(held, "deletion")} held` : "OK") : "Failed" }),
        h("td", { text: pair(r.created) }),
        h("td", { text: pair(r.updated) }),
        h("td", { text: pair(r.deleted) }),
        h("td", { text: `${r.linked} / ${r.unlinked}` }),
        h("td", {}, conflicts),
        h("td", {}, errs)));
    }
    historyBox.append(
      h("p", { class: "gcs-hint", text: `The last ${plural(Math.min(state.runs.length, 50), "run")}, newest first. Counts read CRM / Google.` }),
      h("div", { class: "gcs-table-wrap" }, h("table", { class: "gcs-table gcs-table-compact" },
        h("caption", { class: "gcs-sr-only", text: "Run history" }),
        h("thead", {}, h("tr", {}, ["Time", "Trigger", "Result", "Created (CRM / Google)", "Updated (CRM / Google)", "Deleted (CRM / Google)", "Linked / unlinked", "Conflicts", "Errors"].map((t) => h("th", { scope: "col", text: t })))),
        tbody)));
  }

  // ------------------------------------------------------------------------------------------
  // First render

  root.append(h("p", { class: "gcs-muted gcs-loading", text: "Loading…" }));
  try {
    const [views, statuses] = await Promise.all([
      host.views().catch(() => []),
      host.statuses().catch(() => []),
    ]);
    state.views = views || [];
    state.statuses = statuses || [];
    await loadAccounts();
    await loadSelected();
  } catch (e) {
    showError(e);
    alertBox.append(h("button", { type: "button", class: "gcs-btn gcs-btn-small", "data-gcs-action": "", text: "Try again", onclick: () => {
      guarded(async () => {
        show(null);
        await refresh();
      });
    } }));
  }
  root.querySelector(".gcs-loading")?.remove();
  renderAll();
  root.dataset.ready = "true";

  return {
    refresh: () => refresh(),
    unmount: () => clear(el),
  };
}

// @ts-check
// The panel's settings form for the selected account: CRM → Google (view, target group),
// Google → CRM (source groups, import status), and the rules (conflicts, deletions, direction,
// interval, phone region). It checks what it can before saving; the plugin checks the rest.

import { h, clear, uid, select, field, fieldError } from "../dom.js";
import { errorMessage, errorDetail } from "../messages.js";
import { techDetails } from "./context.js";
import { fieldDirections } from "./field-directions.js";
import { customFields } from "./custom-fields.js";
import { tagLabels } from "./tag-labels.js";

/**
 * @typedef {import("./context.js").PanelContext} PanelContext
 * @typedef {import("../../types").Settings} Settings
 */

/** The target group choice that creates a group by name. */
const NEW_GROUP = "__new__";
const KEEP_NONE = "";
const MY_CONTACTS = "contactGroups/myContacts";

/**
 * A Google group's name, from its resource name.
 * @param {PanelContext} ctx
 * @param {string} resourceName
 */
function groupName(ctx, resourceName) {
  const g = ctx.state.groups.find((x) => x.resourceName === resourceName);
  if (g) return g.name;
  if (resourceName === MY_CONTACTS) return "My Contacts";
  return resourceName.replace(/^contactGroups\//, "");
}

/** @param {PanelContext} ctx */
export function renderSettings(ctx) {
  const { state } = ctx;
  const box = ctx.boxes.settings;
  clear(box);
  const a = ctx.selected();
  if (!a || !state.settings) return;
  const s = state.settings;
  const headingId = uid("gcs-s");
  box.setAttribute("aria-labelledby", headingId);

  const head = h("div", { class: "gcs-head" }, h("h3", { id: headingId, text: `Settings for ${a.email}` }));
  if (state.accounts.length > 1) {
    const picker = select({ id: uid("gcs-acct-pick"), "data-gcs-action": "" }, state.accounts.map((x) => ({ value: x.id, label: x.email })), a.id);
    picker.addEventListener("change", () => {
      state.selectedId = picker.value;
      ctx.guarded(async () => {
        ctx.show(null);
        await ctx.loadSelected();
        ctx.render.all();
      });
    });
    head.append(h("div", { class: "gcs-inline" }, h("label", { htmlFor: picker.id, text: "Account" }), picker));
  }
  box.append(head);
  if (state.groupsError) {
    box.append(h("div", { class: "gcs-alert gcs-alert-warning", role: "status" }, h("div", { class: "gcs-alert-text" },
      h("span", { text: `Your Google groups could not be listed. ${errorMessage(state.groupsError, { inPanel: true })}` }), techDetails(errorDetail(state.groupsError)))));
  }

  // CRM → Google
  const views = state.views.filter((v) => !(v.name.trim().toLowerCase() === "all" && v.id !== s.crmViewId));
  const viewSel = select({}, [{ value: "", label: "All" }, ...views.map((v) => ({ value: v.id, label: v.name }))], s.crmViewId ?? "");
  const groupOptions = state.groups.map((g) => ({ value: g.resourceName, label: `${g.name} (${g.memberCount})` }));
  const tg = s.targetGroup || { kind: "named", value: "CRM" };
  const tgValue = tg.kind === "existing" ? tg.value : NEW_GROUP;
  if (tg.kind === "existing" && !groupOptions.some((o) => o.value === tg.value)) groupOptions.push({ value: tg.value, label: groupName(ctx, tg.value) });
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
      const name = groupName(ctx, rn);
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
  const holdInput = (/** @type {number | undefined} */ days) => h("input", { type: "number", min: 0, max: 90, step: 1, value: String(days ?? 3), required: true, class: "gcs-short" });
  const gHold = holdInput(s.googleDeletesHoldDays);
  const cHold = holdInput(s.crmDeletesHoldDays);
  const dirSel = select({}, [
    { value: "both", label: "Both ways" },
    { value: "crmToGoogle", label: "CRM → Google only" },
    { value: "googleToCrm", label: "Google → CRM only" },
  ], s.directions || "both");
  const perField = fieldDirections(s.fieldDirections);
  const custom = customFields(ctx.host.capabilities && ctx.host.capabilities.customFields, s.customFields);
  const tagged = tagLabels(ctx, s.tagLabels);
  const interval = h("input", { type: "number", min: 5, max: 1440, step: 1, value: String(s.intervalMinutes ?? 60), required: true });
  const region = h("input", { type: "text", value: s.defaultRegion || "", maxLength: 2, pattern: "[A-Za-z]{2}", autocomplete: "off", class: "gcs-short" });

  const saveBtn = h("button", { type: "submit", class: "gcs-btn gcs-btn-primary", "data-gcs-action": "", text: "Save" });
  const saved = h("span", { class: "gcs-saved", role: "status" });
  const formError = h("div", { class: "gcs-alert gcs-alert-error", role: "alert", hidden: true });

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
        field("Days a Google deletion waits before the CRM contact is deleted", gHold, "Meanwhile it is listed under Pending deletions, to restore. 0 deletes at once."),
        field("When a contact is deleted in the CRM", cDelSel),
        field("Days a CRM deletion waits before the Google contact is deleted", cHold, "Meanwhile it is in the Google group \u201cPending deletion (CRM)\u201d and listed under Pending deletions. 0 deletes at once."),
        field("Sync direction", dirSel),
        field("Sync every (minutes)", interval, "Automatic syncs run while the CRM is open in a browser tab."),
        field("Default phone region (2-letter country code)", region, "Used to read phone numbers written without a country code, e.g. US or GB."))),
    perField.fieldset,
    custom.fieldset,
    tagged.fieldset,
    formError,
    h("div", { class: "gcs-form-actions" }, saveBtn, saved),
  );

  form.addEventListener("input", () => { saved.textContent = ""; });
  // Each problem shows under its field, which it describes; Save takes focus to the first.
  const checked = [interval, region, newName, addSel, dirSel, gHold, cHold, ...custom.controls];
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    formError.hidden = true;
    for (const c of checked) fieldError(c, null);
    /** @type {[HTMLElement, string][]} */
    const problems = [];
    const minutes = Number(interval.value);
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440) problems.push([interval, "Enter a whole number of minutes from 5 to 1440."]);
    for (const hold of [gHold, cHold]) {
      const days = Number(hold.value);
      if (!Number.isInteger(days) || days < 0 || days > 90) problems.push([hold, "Enter a whole number of days from 0 to 90."]);
    }
    const reg = region.value.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(reg)) problems.push([region, "Enter a 2-letter country code such as US, GB or DE."]);
    const newGroupName = newName.value.trim();
    if (targetSel.value === NEW_GROUP && !newGroupName) problems.push([newName, "Enter a name, or choose an existing group."]);
    if (dirSel.value !== "crmToGoogle" && sources.length === 0) problems.push([addSel.disabled ? dirSel : addSel, "Add at least one Google group, or set the sync direction to \u201cCRM → Google only\u201d."]);
    problems.push(...custom.problems());
    if (problems.length) {
      for (const [control, text] of problems) fieldError(control, text);
      problems[0][0].focus();
      return;
    }
    // The selects offer only the values their types allow.
    /** @type {Partial<Settings>} */
    const patch = {
      crmViewId: viewSel.value || null,
      targetGroup: targetSel.value === NEW_GROUP ? { kind: "named", value: newGroupName } : { kind: "existing", value: targetSel.value },
      sourceGroups: [...sources],
      importStatus: importSel.value || null,
      conflictPolicy: /** @type {Settings["conflictPolicy"]} */ (conflictSel.value),
      googleDeletes: gDelSel.value === "setStatus"
        ? { kind: "setStatus", status: gDelStatus.value }
        : { kind: /** @type {"delete" | "unlink"} */ (gDelSel.value) },
      crmDeletes: /** @type {Settings["crmDeletes"]} */ (cDelSel.value),
      directions: /** @type {Settings["directions"]} */ (dirSel.value),
      fieldDirections: perField.value(),
      customFields: custom.value(),
      ...(tagged.fieldset ? { tagLabels: tagged.value() } : {}),
      googleDeletesHoldDays: Number(gHold.value),
      crmDeletesHoldDays: Number(cHold.value),
      intervalMinutes: minutes,
      defaultRegion: reg,
    };
    const accountId = a.id;
    ctx.guarded(async () => {
      saved.textContent = "";
      try {
        state.settings = await ctx.api.setSettings(accountId, patch);
      } catch (e) {
        clear(formError).append(h("div", { class: "gcs-alert-text" }, h("span", { text: errorMessage(e, { inPanel: true }) }), techDetails(errorDetail(e))));
        formError.hidden = false;
        return;
      }
      region.value = reg;
      saved.textContent = "Saved";
      await ctx.loadAccounts();
      ctx.render.accounts();
      ctx.render.sync();
    });
  });
  box.append(form);
}

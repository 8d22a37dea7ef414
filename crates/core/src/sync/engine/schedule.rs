//! Planning, queuing the plan's writes in batches, and committing what was done.

use super::past_limit;
use super::photos;
use super::{
    ContactFailure, Engine, FailureKind, Holding, Journal, Life, Phase, Step, CRM_BATCH, CRM_PAGE,
};
use crate::people::request::{
    MAX_BATCH_CREATE, MAX_BATCH_DELETE, MAX_BATCH_GET, MAX_BATCH_UPDATE, MAX_GROUP_MODIFY,
};
use crate::people::time::format_rfc3339;
use crate::sync::error::ErrorCode;
use crate::sync::model::{Contact, CrmContact, Millis, Side};
use crate::sync::plan::{
    new_group_placeholder, plan, plan_undo, BeforeImage, DeleteReason, GoogleListing, Outcome,
    Plan, PlanInput, Rejection, RunUndo, Scope,
};
use crate::sync::settings::TargetGroup;
use crate::sync::state::AccountState;
use std::collections::HashMap;

/// Whether a run lists Google in full rather than from the account's sync token: when there is
/// no token yet, or when a journal names creates that may have reached Google (a full listing
/// finds them again by their tag). Confirming held deletions is no reason to: a run that holds
/// deletions leaves both cursors where they were (see `commit`), so the run that confirms them
/// reads the same tombstones again from the same token. The shell passes `confirm_deletions`
/// in the [`RunConfig`] and changes nothing in the state.
pub fn lists_google_in_full(state: &AccountState, journal: &Journal) -> bool {
    state.sync_token.is_none() || !journal.google_creates.is_empty()
}

/// The plan of `input`, creating no Google contact past `google_limit`, with the fingerprint
/// of its writes.
pub(super) fn planned(input: PlanInput<'_>, google_limit: usize) -> Plan {
    let target = input.target_group;
    let mut p = plan(input);
    p.cap_google_creates(&input, google_limit);
    p.fingerprint = p.fingerprint_of(target);
    p
}

impl Engine {
    pub(super) fn make_plan(&mut self, now: Millis) {
        let writes_google = self.settings.directions.writes_google()
            && !matches!(self.config.scope, Scope::PullAll);
        self.planned_group = match (&self.target_group, &self.settings.target_group) {
            (Some(g), _) => Some(g.clone()),
            // The preview of a run that will create the group.
            (None, TargetGroup::Named(name)) if self.config.preview_only && writes_google => {
                Some(new_group_placeholder(name))
            }
            (None, _) => None,
        };
        self.planned_at = now;
        if let Some(undo) = self.config.undo.take() {
            self.plan_undo(&undo, now);
            self.config.undo = Some(undo);
            return;
        }
        if self.crm_incremental && !self.all_crm_loaded && !self.candidates_read {
            // The feed showed only what changed: a Google contact whose match waits for the user
            // is matched against its candidates as well, read by id, not against a full listing.
            // One that changed in Google may match any CRM contact now: the whole CRM is read.
            self.candidates_read = true;
            let changed = self
                .listing
                .people
                .iter()
                .any(|g| self.state.undecided.contains_key(&g.resource_name));
            if changed {
                self.all_crm_loaded = true;
                self.steps.push_front(Step::Plan);
                self.steps.push_front(Step::ListCrm {
                    view: None,
                    page_token: None,
                    other: true,
                });
                return;
            }
            let ids = self.unread_candidates();
            if !ids.is_empty() {
                self.steps.push_front(Step::Plan);
                for chunk in ids.chunks(CRM_PAGE as usize).rev() {
                    self.steps.push_front(Step::GetCandidates {
                        ids: chunk.to_vec(),
                    });
                }
                return;
            }
        }
        let plan = planned(self.plan_input(now), self.config.google_max_contacts);
        if self.crm_incremental && !self.all_crm_loaded && !plan.creates_crm.is_empty() {
            // The feed showed only what changed; before importing Google contacts, match them
            // against every CRM contact, or an old unchanged one would be duplicated. Contacts
            // whose match waits for the user had their candidates read (below) instead.
            self.all_crm_loaded = true;
            self.steps.push_front(Step::Plan);
            self.steps.push_front(Step::ListCrm {
                view: None,
                page_token: None,
                other: true,
            });
            return;
        }
        if !plan.rejected.is_empty() {
            // Decisions made on another plan than this one: nothing is written, nothing
            // remembered, and the user is asked to look again.
            self.abort(ErrorCode::InvalidInput, Rejection::message(&plan.rejected));
            return;
        }
        if self.refuses_plan(&plan) || self.awaits_review(&plan) {
            return;
        }
        if self.tag_check_due(&plan, now) {
            self.check_tags(&plan);
            return;
        }
        self.report.conflicts = plan.conflicts.clone();
        self.report.not_written = plan.not_written.clone();
        self.report.ambiguous = plan.ambiguous.clone();
        self.report.held = plan.held.clone();
        self.report.holding = self.holding(&plan);
        self.past_limit(&plan);
        if self.config.preview_only {
            self.plan = Some(plan);
            return;
        }
        self.schedule(&plan);
        self.plan = Some(plan);
        self.count_contacts();
    }

    /// Whether `plan` is not the one the user approved (Apply passed the fingerprint of another):
    /// then the run ends writing nothing, and the user looks again.
    fn refuses_plan(&mut self, plan: &Plan) -> bool {
        let changed = self
            .config
            .fingerprint
            .as_deref()
            .is_some_and(|shown| shown != plan.fingerprint);
        if changed {
            self.abort(
                ErrorCode::PlanChanged,
                "the contacts changed since the preview, so Apply would not do what it showed: \
                 nothing was changed; preview again"
                    .into(),
            );
        }
        changed
    }

    /// Whether `plan` changes the fields' directions and this run writes without applying a
    /// preview of it: then it ends writing nothing, a scheduled run included, until the user
    /// has seen what the new directions do and applied that.
    fn awaits_review(&mut self, plan: &Plan) -> bool {
        let unreviewed = !self.config.preview_only
            && self.config.fingerprint.is_none()
            && !plan.direction_changes.is_empty();
        if unreviewed {
            let fields: Vec<String> = plan
                .direction_changes
                .iter()
                .map(|c| c.to_string())
                .collect();
            self.abort(
                ErrorCode::PlanChanged,
                format!(
                    "the fields' directions changed since the last sync ({}): nothing was \
                     changed; preview the sync and apply it to sync with them",
                    fields.join("; ")
                ),
            );
        }
        unreviewed
    }

    /// Queues the plan's writes in batches.
    pub(super) fn schedule(&mut self, plan: &Plan) {
        let mut steps = Vec::new();
        if !plan.creates_google.is_empty() {
            self.journal.google_creates = plan
                .creates_google
                .iter()
                .map(|c| c.crm_id.clone())
                .collect();
            steps.push(Step::WriteJournal);
            let idx: Vec<usize> = (0..plan.creates_google.len()).collect();
            for chunk in idx.chunks(MAX_BATCH_CREATE) {
                steps.push(Step::CreateGoogle {
                    items: chunk.to_vec(),
                });
            }
        }
        let google_updates: Vec<usize> = (0..plan.updates.len())
            .filter(|&i| plan.updates[i].side == Side::Google)
            .collect();
        let missing: Vec<String> = google_updates
            .iter()
            .map(|&i| plan.updates[i].resource_name.clone())
            .filter(|rn| !self.persons.contains_key(rn))
            .collect();
        for chunk in missing.chunks(MAX_BATCH_GET) {
            steps.push(Step::BatchGet {
                names: chunk.to_vec(),
            });
        }
        for chunk in google_updates.chunks(MAX_BATCH_UPDATE) {
            steps.push(Step::UpdateGoogle {
                items: chunk.to_vec(),
                round: 0,
            });
        }
        let google_deletes: Vec<usize> = (0..plan.deletes.len())
            .filter(|&i| plan.deletes[i].side == Side::Google)
            .collect();
        for chunk in google_deletes.chunks(MAX_BATCH_DELETE) {
            steps.push(Step::DeleteGoogle {
                items: chunk.to_vec(),
            });
        }
        for add in &plan.group_adds {
            for chunk in add.resource_names.chunks(MAX_GROUP_MODIFY) {
                steps.push(Step::AddToGroup {
                    group: add.group.clone(),
                    names: chunk.to_vec(),
                });
            }
        }
        // Before the creates: one the host cannot restore is created after them.
        let idx: Vec<usize> = (0..plan.restores_crm.len()).collect();
        for chunk in idx.chunks(CRM_BATCH) {
            steps.push(Step::RestoreCrm {
                items: chunk.to_vec(),
            });
        }
        let idx: Vec<usize> = (0..plan.creates_crm.len()).collect();
        for chunk in idx.chunks(CRM_BATCH) {
            steps.push(Step::CreateCrm {
                items: chunk.to_vec(),
            });
        }
        let crm_updates: Vec<usize> = (0..plan.updates.len())
            .filter(|&i| plan.updates[i].side == Side::Crm)
            .collect();
        for chunk in crm_updates.chunks(CRM_BATCH) {
            steps.push(Step::UpdateCrm {
                items: chunk.to_vec(),
            });
        }
        let crm_deletes: Vec<usize> = (0..plan.deletes.len())
            .filter(|&i| plan.deletes[i].side == Side::Crm)
            .collect();
        for chunk in crm_deletes.chunks(CRM_BATCH) {
            steps.push(Step::DeleteCrm {
                items: chunk.to_vec(),
            });
        }
        // Last: a mark changes the contact's etag, which a restore's tagging of the contact it
        // links (after the CRM create) must still match.
        steps.extend(self.pending_steps(&plan.pending_marks));
        steps.push(Step::Commit);
        steps.push(Step::Photo(photos::PhotoStep::Plan));
        steps.push(Step::ClearJournal);
        self.writes_total = plan.writes();
        self.steps.extend(steps);
        self.progress = Some((0, self.writes_total, Phase::Writing));
    }

    /// Reports each contact the plan leaves out for Google's limit, as a refusal the next run
    /// tries again.
    fn past_limit(&mut self, plan: &Plan) {
        self.report.past_limit = plan.past_limit.len();
        self.report.google_limit = plan.google_limit;
        for c in &plan.past_limit {
            self.report.failures.push(ContactFailure {
                name: c.name.clone(),
                side: Side::Google,
                crm_id: Some(c.crm_id.clone()),
                resource_name: None,
                kind: FailureKind::Refused,
                code: ErrorCode::GoogleError,
                host_code: None,
                reason: format!(
                    "not created: Google holds at most {} contacts per account, and this one \
                     is full; delete contacts in Google to make room",
                    plan.google_limit
                ),
                retried: true,
            });
        }
    }

    pub(super) fn advance(&mut self, n: usize, phase: Phase) {
        self.writes_done += n;
        self.progress = Some((self.writes_done, self.writes_total, phase));
    }

    /// Re-merges the pairs of `items` (Google updates refused for a stale etag) against their
    /// persons just re-read: what changed in Google meanwhile is merged like any edit, so it
    /// is neither overwritten in Google nor lost to the CRM. A pair whose person could not be
    /// read is left for the next run.
    pub(super) fn remerge(&mut self, items: &[usize], now: Millis) {
        let Some(mut plan) = self.plan.take() else {
            return;
        };
        let listing = GoogleListing::default();
        let input = PlanInput {
            state: &self.state,
            settings: &self.settings,
            crm: &self.crm,
            crm_other: &self.crm_other,
            crm_deleted: &[],
            google: &listing,
            target_group: self.target_group.as_deref(),
            scope: &self.config.scope,
            confirm_deletions: self.config.confirm_deletions,
            now,
            capabilities: &self.config.capabilities,
            decisions: &self.config.decisions,
        };
        let mut crm_updates = Vec::new();
        let mut nothing_left = Vec::new();
        for &i in items {
            let u = &plan.updates[i];
            let fresh = self
                .persons
                .get(&u.resource_name)
                .and_then(|p| self.read_google(p).ok());
            let crm = self
                .crm
                .iter()
                .chain(&self.crm_other)
                .find(|c| c.id == u.crm_id);
            let (Some(fresh), Some(crm)) = (fresh, crm) else {
                continue;
            };
            let r = plan.remerge(i, input, crm, &fresh);
            if !r.google_write {
                nothing_left.push(plan.updates[i].crm_id.clone());
            }
            crm_updates.extend(r.new_crm_update);
        }
        if self.refuses_plan(&plan) {
            return;
        }
        self.report.conflicts = plan.conflicts.clone();
        self.report.not_written = plan.not_written.clone();
        self.plan = Some(plan);
        // Google holds the merged values already: nothing left to send for these.
        for id in nothing_left {
            self.google_updates_done.insert(id);
        }
        if !crm_updates.is_empty() {
            self.writes_total += crm_updates.len();
            let at = self
                .steps
                .iter()
                .position(|s| *s == Step::Commit)
                .unwrap_or(self.steps.len());
            self.steps
                .insert(at, Step::UpdateCrm { items: crm_updates });
        }
    }

    pub(super) fn commit(&mut self, now: Millis) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        let mut outcome = std::mem::take(&mut self.outcome);
        for u in &plan.updates {
            let done = match u.side {
                Side::Crm => &self.crm_updates_done,
                Side::Google => &self.google_updates_done,
            };
            if !done.contains(&u.crm_id) {
                outcome.failed.insert(u.crm_id.clone());
            }
        }
        self.images = self.images_of(plan, &outcome);
        let touched = plan.commit(&mut self.state, &self.listing, &outcome, now);
        // The run wrote under the settings' directions, which its preview showed.
        self.state.field_directions = self.settings.field_directions;
        self.state.custom_directions = self.custom_table().directions();
        self.touched.extend(touched);
        let recorded = plan.record_changes(&mut self.state, &outcome, &self.report.started_at, now);
        self.touched.extend(recorded);
        // Every pair linked by this run, those it created included: each is linked now.
        self.report.linked = plan
            .links
            .iter()
            .filter(|l| !outcome.failed.contains(&l.crm_id))
            .count()
            + outcome.google_created.len()
            + outcome.crm_created.len();
        self.report.merged = plan.merged.clone();
        self.report.unlinked = plan
            .unlinks
            .iter()
            .filter(|u| !outcome.failed.contains(&u.crm_id))
            .count();
        // The token moves only past a complete listing of a whole-account run: a scoped run
        // acts on a few contacts, and the changes it skipped must come again.
        // An undo acts on the contacts one run wrote: what else changed since is for the next
        // run, so neither cursor moves.
        let whole =
            matches!(self.config.scope, Scope::All | Scope::PullAll) && self.config.undo.is_none();
        // Held deletions must come again when the user confirms them: the cursors stay where
        // they are, so the tombstones are read again (the rest of what they cover is no-op now).
        let whole = whole && plan.held.is_empty();
        // A change is read once: each cursor moves only when every write the run planned was
        // made and every pair it touched was read. A pair that failed keeps its old link and
        // base, and what changed for it (a Google edit, a tombstone) must be read again, or it
        // is never retried.
        let all_done = plan.deferred.is_empty()
            && outcome.failed.is_empty()
            && plan
                .creates_crm
                .iter()
                .all(|c| outcome.crm_created.contains_key(&c.resource_name))
            && plan
                .creates_google
                .iter()
                .all(|c| outcome.google_created.contains_key(&c.crm_id))
            && plan
                .deletes
                .iter()
                .all(|d| outcome.deleted.contains(&d.crm_id));
        // Every unlinked Google contact is linked, imported or set aside by a whole run's plan,
        // so its ambiguities are all that wait for the user.
        if whole && self.listing.complete {
            let undecided = Self::undecided_of(plan);
            if undecided != self.state.undecided {
                self.state.undecided = undecided;
            }
        }
        if whole && all_done && self.listing.complete && !self.failed() {
            if let Some(t) = self.next_sync_token.take() {
                self.state.sync_token = Some(t);
                if self.listing.full {
                    self.state.full_sync_at = Some(now);
                }
            }
        }
        // Every tag was seen and every doubled one repaired: the weekly look starts again.
        let repaired = plan
            .deletes
            .iter()
            .filter(|d| d.reason == DeleteReason::Duplicate)
            .all(|d| outcome.deleted.contains(&d.crm_id));
        if whole && repaired && !self.failed() && self.saw_every_tag() {
            self.state.tags_checked_at = Some(now);
        }
        // The CRM cursor also waits for every contact the CRM returned to be readable. Those
        // left out for Google's limit are kept to be read by id (or, too many, it waits for them).
        let read = self
            .crm
            .iter()
            .chain(&self.crm_other)
            .map(|c| c.id.as_str());
        let creates = self.settings.directions.writes_google()
            && !matches!(self.config.scope, Scope::PullAll)
            && self.listing.complete;
        let kept = self.config.undo.is_some()
            || past_limit::keep(
                &mut self.state,
                read,
                &self.crm_deleted,
                (plan, &outcome),
                (whole, creates),
            );
        let crm_done = all_done && kept;
        if whole && crm_done && !self.failed() && self.report.errors.is_empty() {
            if let Some(c) = self.next_crm_cursor.take() {
                self.state.crm_cursor = Some(c);
            }
        }
        // An undo that deleted the Google twins of CRM contacts still there leaves them unlinked
        // and unchanged: the change feed would not bring them again, so they would never sync.
        // The cursor is dropped, and the next run reads the whole CRM as the undone run did.
        if self.config.undo.is_some() && plan.unlinks_crm_by_undo(&outcome) {
            self.state.crm_cursor = None;
        }
        self.journal = Journal::default();
        if self.creates_unanswered {
            self.journal.google_creates = plan
                .creates_google
                .iter()
                .filter(|c| !outcome.google_created.contains_key(&c.crm_id))
                .map(|c| c.crm_id.clone())
                .collect();
        }
        self.outcome = outcome;
    }

    /// What the planner reads: the state, the settings and both sides as this run read them.
    pub(super) fn plan_input(&self, now: Millis) -> PlanInput<'_> {
        PlanInput {
            state: &self.state,
            settings: &self.settings,
            crm: &self.crm,
            crm_other: &self.crm_other,
            crm_deleted: &self.crm_deleted,
            google: &self.listing,
            target_group: self.planned_group.as_deref(),
            scope: &self.config.scope,
            confirm_deletions: self.config.confirm_deletions,
            now,
            capabilities: &self.config.capabilities,
            decisions: &self.config.decisions,
        }
    }

    /// The deletions `plan` holds, counted by the side their contacts wait on, with the days
    /// they wait.
    fn holding(&self, plan: &Plan) -> Vec<Holding> {
        [Side::Crm, Side::Google]
            .into_iter()
            .map(|side| Holding {
                side,
                deletions: plan.holds.iter().filter(|h| h.side == side).count(),
                days: (self.settings.hold_ms(side) / (24 * 60 * 60 * 1000)) as u32,
            })
            .filter(|h| h.deletions > 0)
            .collect()
    }

    /// The plan that undoes `undo`, from both sides as read; previewed or applied as any plan.
    fn plan_undo(&mut self, undo: &RunUndo, now: Millis) {
        let input = self.plan_input(now);
        let mut plan = plan_undo(input, undo);
        plan.fingerprint = plan.fingerprint_of(self.planned_group.as_deref());
        self.report.undoes = Some(undo.run.clone());
        if self.refuses_plan(&plan) {
            return;
        }
        if !self.config.preview_only {
            self.schedule(&plan);
        }
        self.plan = Some(plan);
        self.count_contacts();
    }

    /// What executing `plan` wrote, as it was before: kept to undo the run.
    fn images_of(&self, plan: &Plan, outcome: &Outcome) -> Vec<BeforeImage> {
        let crm: HashMap<&str, &CrmContact> = self
            .crm
            .iter()
            .chain(&self.crm_other)
            .map(|c| (c.id.as_str(), c))
            .collect();
        let listed: HashMap<&str, &Contact> = self
            .listing
            .people
            .iter()
            .map(|g| (g.resource_name.as_str(), &g.contact))
            .collect();
        plan.before_images(
            outcome,
            &self.crm_updates_done,
            &self.google_updates_done,
            |id| crm.get(id).map(|c| c.contact.clone()),
            // The person read last is the one the write went onto (re-read after a stale etag).
            |rn| match self.persons.get(rn) {
                Some(p) => self.read_google(p).ok().map(|g| g.contact),
                None => listed.get(rn).map(|c| (*c).clone()),
            },
            &self.state,
        )
    }

    pub(super) fn finish_run(&mut self, now: Millis) {
        let failed = self.failed();
        self.life = Life::Done;
        self.report.finished_at = format_rfc3339(now);
        if failed || !self.report.errors.is_empty() {
            self.report.ok = self.report.ok && !failed;
        }
    }
}

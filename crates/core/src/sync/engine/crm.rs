//! The CRM's side of a run: its listings and change feed, and how deletions are told from
//! contacts that are merely out of view.

use super::{ContactFailure, Engine, FailureKind, InvalidContact, Phase, Step, CRM_PAGE};
use crate::people::request::{MAX_BATCH_GET, MAX_BATCH_UPDATE};
use crate::sync::error::ErrorCode;
use crate::sync::model::{CrmContact, GoogleContact, Side};
use crate::sync::plan::{Plan, Scope};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

impl Engine {
    pub(super) fn crm_failed(&mut self, step: Step, message: &str) {
        let message = format!("the CRM refused: {message}");
        self.write_failed(step, ErrorCode::HostError, &message);
    }

    pub(super) fn crm_ok(
        &mut self,
        step: Step,
        items: Vec<Result<CrmContact, InvalidContact>>,
        next_page_token: Option<String>,
    ) {
        let mut good = Vec::new();
        for item in items {
            match item {
                Ok(mut c) => {
                    let own = self.labels().split_crm(&mut c.contact);
                    if !own.is_empty() {
                        self.crm_own_tags.insert(c.id.clone(), own);
                    }
                    good.push(c)
                }
                Err(bad) => {
                    let message = match &bad.id {
                        Some(id) => format!("CRM contact {id} skipped: {}", bad.message),
                        None => format!("a CRM contact was skipped: {}", bad.message),
                    };
                    // Present although unreadable: never taken for deleted.
                    if let Some(id) = &bad.id {
                        self.crm_invalid.push(id.clone());
                        self.report.failures.push(ContactFailure {
                            name: String::new(),
                            side: Side::Crm,
                            crm_id: Some(id.clone()),
                            resource_name: None,
                            kind: FailureKind::Skipped,
                            code: ErrorCode::InvalidInput,
                            host_code: None,
                            reason: "the CRM's record could not be read".into(),
                            retried: true,
                        });
                    }
                    self.error(ErrorCode::InvalidInput, message, bad.id);
                }
            }
        }
        match step {
            Step::ListCrm {
                view,
                page_token: _,
                other,
            } => {
                if other {
                    self.crm_other.extend(good);
                } else {
                    self.crm.extend(good);
                }
                match next_page_token {
                    Some(t)
                        if self.repeated_page(if other { "crm all" } else { "crm view" }, &t) => {}
                    Some(t) => {
                        self.crm_read_so_far();
                        self.steps.push_front(Step::ListCrm {
                            view,
                            page_token: Some(t),
                            other,
                        })
                    }
                    None => self.after_crm_listing(other),
                }
            }
            Step::GetCrm {
                ids,
                confirm_deleted,
            } => {
                // Membership only: hash order cannot reach the plan.
                if confirm_deleted {
                    let mut found = HashSet::new();
                    found.extend(good.iter().map(|c| c.id.as_str()));
                    found.extend(self.crm_invalid.iter().map(String::as_str));
                    let deleted: Vec<String> = ids
                        .iter()
                        .filter(|id| !found.contains(id.as_str()))
                        .cloned()
                        .collect();
                    self.crm_deleted.extend(deleted);
                    // Without a view every contact is in scope; with one, these are outside it.
                    if self.settings.crm_view_id.is_none() {
                        self.crm.extend(good);
                    } else {
                        self.crm_other.extend(good);
                    }
                } else {
                    let mut found = HashSet::new();
                    found.extend(good.iter().map(|c| c.id.as_str()));
                    found.extend(self.crm_invalid.iter().map(String::as_str));
                    let missing: Vec<String> = ids
                        .iter()
                        .filter(|id| !found.contains(id.as_str()))
                        .cloned()
                        .collect();
                    for id in missing {
                        self.error(
                            ErrorCode::InvalidInput,
                            format!("the CRM has no contact with id {id:?}"),
                            Some(id),
                        );
                    }
                    self.crm.extend(good);
                }
            }
            // Matching candidates only; one the CRM no longer has is simply not one.
            Step::GetCandidates { .. } => self.crm_other.extend(good),
            Step::CreateCrm { items } => {
                let Some(plan) = self.plan.as_ref() else {
                    return;
                };
                // The host answers in input order.
                let mut tags = Vec::new();
                for (&i, c) in items.iter().zip(&good) {
                    let rn = plan.creates_crm[i].resource_name.clone();
                    self.outcome.crm_created.insert(rn.clone(), c.id.clone());
                    if plan.links_crm_create(&rn) {
                        self.journal.crm_created.insert(rn.clone(), c.id.clone());
                        tags.push((rn, c.id.clone()));
                    }
                }
                self.report.created.add(Side::Crm, good.len());
                self.advance(items.len(), Phase::CreatingInCrm);
                // Journal the new ids before tagging, so a crash cannot import them twice; read
                // the persons this listing did not bring (they came from the cache), since a tag
                // is written onto the whole person.
                let missing: Vec<String> = tags
                    .iter()
                    .map(|(rn, _)| rn.clone())
                    .filter(|rn| !self.persons.contains_key(rn))
                    .collect();
                for chunk in tags.chunks(MAX_BATCH_UPDATE).rev() {
                    self.steps.push_front(Step::TagGoogle {
                        items: chunk.to_vec(),
                    });
                }
                for chunk in missing.chunks(MAX_BATCH_GET).rev() {
                    self.steps.push_front(Step::BatchGet {
                        names: chunk.to_vec(),
                    });
                }
                self.steps.push_front(Step::WriteJournal);
            }
            Step::UpdateCrm { items } => {
                let Some(plan) = self.plan.as_ref() else {
                    return;
                };
                let mut ok = HashSet::new();
                ok.extend(good.iter().map(|c| c.id.as_str()));
                let mut done = Vec::new();
                let mut not_done = Vec::new();
                for &i in &items {
                    let u = &plan.updates[i];
                    if ok.contains(u.crm_id.as_str()) {
                        done.push(u.crm_id.clone());
                    } else {
                        not_done.push(u.crm_id.clone());
                    }
                }
                // A host that leaves out what its stale-write check refused: those contacts
                // changed meanwhile, and the next run merges their new values.
                let step = Step::UpdateCrm {
                    items: items.clone(),
                };
                for id in not_done {
                    self.changed_meanwhile(&step, &id);
                }
                self.report.updated.add(Side::Crm, done.len());
                for id in done {
                    self.crm_updates_done.insert(id);
                }
                self.advance(items.len(), Phase::UpdatingCrm);
            }
            Step::RestoreCrm { items } => self.restored(&items, good),
            Step::DeleteCrm { items } => {
                if let Some(plan) = self.plan.as_ref() {
                    for &i in &items {
                        self.outcome.deleted.insert(plan.deletes[i].crm_id.clone());
                    }
                }
                self.report.deleted.add(Side::Crm, items.len());
                self.advance(items.len(), Phase::DeletingInCrm);
            }
            Step::Photo(step) => self.photo_set(step),
            _ => {}
        }
    }

    /// The host answered the restore of `items` with the contacts that came back: each gets
    /// its before-image written back where it differs; one that did not come back is created
    /// again instead. Those writes go next.
    fn restored(&mut self, items: &[usize], back: Vec<CrmContact>) {
        let Some(plan) = self.plan.as_mut() else {
            return;
        };
        let region = self.settings.region();
        let mut updates = Vec::new();
        let mut creates = Vec::new();
        for &i in items {
            let id = plan.restores_crm[i].crm_id.clone();
            match back.iter().find(|c| c.id == id) {
                Some(c) => {
                    self.outcome.crm_restored.insert(id);
                    updates.extend(plan.restored(i, c, &self.config.capabilities, region));
                }
                None => creates.push(plan.restore_failed(i)),
            }
        }
        self.report.restored += items.len() - creates.len();
        // The contacts restored as read: their update's stale-write check, and the images.
        self.crm.extend(back);
        self.advance(items.len(), Phase::CreatingInCrm);
        self.writes_total += updates.len() + creates.len();
        if !updates.is_empty() {
            self.steps.push_front(Step::UpdateCrm { items: updates });
        }
        if !creates.is_empty() {
            self.steps.push_front(Step::CreateCrm { items: creates });
        }
    }

    pub(super) fn crm_changes(
        &mut self,
        items: Vec<Result<CrmContact, InvalidContact>>,
        deleted_ids: Vec<String>,
        cursor: String,
        more: bool,
    ) {
        self.crm_ok(
            Step::GetCrm {
                ids: Vec::new(),
                confirm_deleted: false,
            },
            items,
            None,
        );
        self.crm_deleted.extend(
            deleted_ids
                .into_iter()
                .filter(|id| self.state.links.contains_key(id)),
        );
        if more {
            if self.repeated_page("crm changes", &cursor) {
                return;
            }
            self.crm_read_so_far();
            self.steps.push_front(Step::CrmChanges {
                cursor: Some(cursor.clone()),
            });
        } else if !self.crm_incremental {
            // From no cursor the feed listed everything: linked contacts it did not return are
            // checked like after a full listing.
            self.after_crm_listing(true);
        } else {
            self.read_changed_pairs();
            self.read_past_limit();
        }
        self.next_crm_cursor = Some(cursor);
    }

    /// Shows how many CRM contacts the run has read while more pages come: "reading the CRM:
    /// 3000 so far" (no total, as the host gives none).
    fn crm_read_so_far(&mut self) {
        let read = self.crm.len() + self.crm_other.len() + self.crm_invalid.len();
        self.progress = Some((read, 0, Phase::ReadingCrm));
    }

    /// After the CRM listing of all contacts: linked contacts it did not return are confirmed
    /// deleted with a `get`, so a contact that only left the view is not taken for deleted.
    pub(super) fn after_crm_listing(&mut self, other: bool) {
        let listed_all = other || self.settings.crm_view_id.is_none();
        if !listed_all || !matches!(self.config.scope, Scope::All | Scope::PullAll) {
            return;
        }
        // Only asked for membership, never iterated, so hash order cannot reach the plan.
        let mut seen = HashSet::new();
        seen.extend(
            self.crm
                .iter()
                .chain(&self.crm_other)
                .map(|c| c.id.as_str()),
        );
        // An invalid record is still there: only an id the CRM no longer returns is a deletion.
        seen.extend(self.crm_invalid.iter().map(String::as_str));
        let missing: Vec<String> = self
            .state
            .links
            .keys()
            .filter(|id| !seen.contains(id.as_str()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            // Before the Plan step, which is next in the queue.
            self.steps.push_front(Step::GetCrm {
                ids: missing,
                confirm_deleted: true,
            });
        }
    }

    /// The CRM ids this run has read so far: returned, deleted or refused.
    pub(super) fn crm_ids_read(&self) -> HashSet<&str> {
        self.crm
            .iter()
            .chain(&self.crm_other)
            .map(|c| c.id.as_str())
            .chain(self.crm_deleted.iter().map(String::as_str))
            .chain(self.crm_invalid.iter().map(String::as_str))
            .collect()
    }

    /// Reads `ids` by id before any other step, a page at a time; one the CRM no longer has is
    /// taken for deleted.
    pub(super) fn read_crm_next(&mut self, ids: &[String]) {
        for chunk in ids.chunks(CRM_PAGE as usize).rev() {
            self.steps.push_front(Step::GetCrm {
                ids: chunk.to_vec(),
                confirm_deleted: true,
            });
        }
    }

    /// The CRM candidates of the Google contacts whose match waits for the user that this run
    /// has not read: with them and what the feed returned, planning matches those contacts as
    /// a full listing would (a CRM contact unchanged since it was found no candidate cannot
    /// have become one).
    pub(super) fn unread_candidates(&self) -> Vec<String> {
        let read = self.crm_ids_read();
        let ids: BTreeSet<&String> = self
            .state
            .undecided
            .values()
            .flatten()
            .filter(|id| !read.contains(id.as_str()))
            .collect();
        ids.into_iter().cloned().collect()
    }

    /// The Google contacts whose match waits for the user in `plan`, with their CRM
    /// candidates: both those with several CRM candidates and those that are the candidates
    /// of a CRM contact's undecided match.
    pub(super) fn undecided_of(plan: &Plan) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for a in &plan.ambiguous {
            for (crm_id, rn) in a.pairs() {
                out.entry(rn.to_string())
                    .or_default()
                    .insert(crm_id.to_string());
            }
        }
        out.into_iter()
            .map(|(rn, ids)| (rn, ids.into_iter().collect()))
            .collect()
    }

    /// With a change feed, the CRM contacts it did not return are unchanged but unread. Those
    /// whose Google twin changed (a new etag, a tombstone, missing from a full listing) are
    /// read before planning: the merge needs the real record, and a write must carry its
    /// `modifiedAt`. One the CRM no longer has is deleted.
    pub(super) fn read_changed_pairs(&mut self) {
        let gone_if_missing = self.listing.full && self.listing.complete;
        if self.listing.people.is_empty() && self.listing.deleted.is_empty() && !gone_if_missing {
            // Google showed no change: no link's twin changed.
            return;
        }
        let read = self.crm_ids_read();
        let listed: HashMap<&str, &GoogleContact> = self
            .listing
            .people
            .iter()
            .map(|g| (g.resource_name.as_str(), g))
            .collect();
        let ids: Vec<String> = self
            .state
            .links
            .values()
            .filter(|l| !read.contains(l.crm_id.as_str()))
            .filter(|l| match listed.get(l.resource_name.as_str()) {
                Some(g) => g.etag != l.etag,
                None if self.listing.unchanged.contains(&l.resource_name) => false,
                None => gone_if_missing || self.listing.deleted.contains(&l.resource_name),
            })
            .map(|l| l.crm_id.clone())
            .collect();
        self.read_crm_next(&ids);
    }
}

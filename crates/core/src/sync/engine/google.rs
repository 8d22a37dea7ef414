//! Google's side of a run: reading its answers, and building the batches of updates.

use super::{Engine, Phase, Step};
use crate::json::{self, FromJson};
use crate::people::tag;
use crate::people::wire::{
    BatchCreateContactsResponse, BatchUpdateContactsResponse, ContactGroup, GetPeopleResponse,
    ListConnectionsResponse, ListContactGroupsResponse, ListingPage, Person, PersonHead,
};
use crate::sync::custom;
use crate::sync::error::ErrorCode;
use crate::sync::labels::Labels;
use crate::sync::mapping::{self, apply_to_person};
use crate::sync::model::{Field, Millis, Side};
use crate::sync::settings::TargetGroup;

/// Reads the answer to a batch update. Every update sends a `readMask`, so Google's answer
/// names each person it updated: an empty body or an object without `updateResult` is not
/// Google's answer, and taken for one it would count every update as made.
fn updated(body: &str) -> Result<BatchUpdateContactsResponse, String> {
    let r: BatchUpdateContactsResponse = json::from_str(body).map_err(|e| e.to_string())?;
    if r.update_result.is_empty() {
        return Err("it names no updated person".into());
    }
    Ok(r)
}

fn find_group(groups: &[ContactGroup], name: &str) -> Option<String> {
    groups
        .iter()
        .find(|g| {
            g.resource_name.as_deref() == Some(name)
                || g.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .and_then(|g| g.resource_name.clone())
}

impl Engine {
    /// The settings' tags and labels, when the host holds tags; else none (every CRM tag is the
    /// CRM's own, and no membership a tag).
    pub(super) fn labels(&self) -> Labels<'_> {
        if self.config.capabilities.tags {
            self.settings.labels()
        } else {
            Labels(&[])
        }
    }

    /// A linked contact listed as it was when its link was recorded: the link's etag, its tag
    /// and no other, in a group planning reads. Planning would find nothing changed on Google's
    /// side, so only its resource name is kept, not the person: an echo of the last run's
    /// writes costs no memory. Should the CRM side need the person for an update, it is read
    /// again.
    fn echo(&mut self, head: &PersonHead<'_>) -> Option<String> {
        let rn = head.resource_name?;
        if head.deleted || head.renamed {
            return None;
        }
        let links = &self.state.links;
        let by_rn = self.linked_by_rn.get_or_insert_with(|| {
            links
                .values()
                .map(|l| (l.resource_name.clone(), l.crm_id.clone()))
                .collect()
        });
        let link = by_rn.get(rn).and_then(|id| links.get(id))?;
        let unchanged = link.resource_name == rn
            && !link.etag.is_empty()
            && head.etag == Some(link.etag.as_str())
            && tag::crm_ids(&head.client_data, &self.config.instance_id) == [link.crm_id.as_str()]
            && head.groups.iter().any(|&g| {
                self.settings.source_groups.iter().any(|s| s == g)
                    || self.target_group.as_deref() == Some(g)
            });
        unchanged.then(|| rn.to_string())
    }

    /// The persons and the union of fields for a batch of Google updates, sorted and without
    /// repeats, so the update mask is the same text whatever the order of the persons.
    pub(super) fn google_updates(&self, items: &[usize]) -> (Vec<Person>, Vec<String>) {
        let mut people = Vec::new();
        let mut mask: Vec<String> = Vec::new();
        let Some(plan) = self.plan.as_ref() else {
            return (people, mask);
        };
        for &i in items {
            let u = &plan.updates[i];
            let Some(person) = self.persons.get(&u.resource_name) else {
                continue;
            };
            let limited = (!self.config.capabilities.is_unlimited()).then(|| {
                let base = self.state.links.get(&u.crm_id).map(|l| &l.base);
                let region = self.settings.region();
                let mut google = mapping::contact(person);
                google.custom = custom::read(person, self.custom_table());
                (self.config.capabilities).keep_beyond(&u.contact, &google, base, region)
            });
            let contact = limited.as_ref().unwrap_or(&u.contact);
            let fields = u.fields();
            let (mut p, changed) =
                apply_to_person(person, contact, &fields, self.settings.region());
            mask.extend(changed.into_iter().map(String::from));
            if custom::write(
                &mut p,
                &u.contact.custom,
                &u.custom_keys(),
                self.custom_table(),
            ) {
                mask.push("userDefined".to_string());
            }
            if fields.contains(&Field::Tags) && self.labels().apply(&mut p, &u.contact.tags) {
                mask.push("memberships".to_string());
            }
            // Every write to a linked contact makes sure it carries the tag, whether or not the
            // plan saw it missing (a tag write that failed, a person the listing did not show).
            if tag::set(&mut p.client_data, &self.config.instance_id, &u.crm_id) {
                mask.push("clientData".to_string());
            }
            if p.etag.is_none() || !u.etag.is_empty() {
                p.etag = Some(u.etag.clone()).filter(|e| !e.is_empty()).or(p.etag);
            }
            people.push(p);
        }
        // Equal strings are indistinguishable: an unstable sort gives the same mask.
        mask.sort_unstable();
        mask.dedup();
        if mask.is_empty() {
            // Nothing Google-visible changed (e.g. only a reordering): no request.
            people.clear();
        }
        (people, mask)
    }

    /// Sends a batch of Google updates as several when the persons' field masks differ: one
    /// mask for all would write every person's fields that another person changed, and one
    /// person whose untouched field Google refuses (two names from two sources, say) would
    /// fail the whole batch, run after run. A person that already holds what would be written
    /// needs no request: its update is done. One not read (gone from Google) goes with the
    /// first group and fails there, to be planned again.
    pub(super) fn split_by_mask(&mut self, step: Step) -> Step {
        let Step::UpdateGoogle { items, round } = step else {
            return step;
        };
        let mut masks: Vec<Vec<String>> = Vec::new();
        let mut items_left = Vec::new();
        for i in items {
            let mask = self.google_updates(&[i]).1;
            let Some(u) = self.plan.as_ref().map(|p| &p.updates[i]) else {
                continue;
            };
            if mask.is_empty() && self.persons.contains_key(&u.resource_name) {
                let id = u.crm_id.clone();
                self.google_updates_done.insert(id);
                continue;
            }
            masks.push(mask);
            items_left.push(i);
        }
        let items = items_left;
        let Some(first) = masks.iter().find(|m| !m.is_empty()) else {
            return Step::UpdateGoogle { items, round };
        };
        let mut first_group = Vec::new();
        let mut later = Vec::new();
        for (i, m) in items.iter().copied().zip(&masks) {
            if m.is_empty() || m == first {
                first_group.push(i);
            } else {
                later.push(i);
            }
        }
        if !later.is_empty() {
            self.steps.push_front(Step::UpdateGoogle {
                items: later,
                round,
            });
        }
        Step::UpdateGoogle {
            items: first_group,
            round,
        }
    }

    pub(super) fn http_ok(&mut self, step: Step, body: &str, now: Millis) {
        match step {
            Step::FindGroup { page_token } => {
                let r = match json::from_str::<ListContactGroupsResponse>(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::FindGroup { page_token };
                        return self.unreadable(step, now, "contact group list", &e);
                    }
                };
                let name = match &self.settings.target_group {
                    TargetGroup::Named(n) => n.clone(),
                    TargetGroup::Existing(rn) => rn.clone(),
                };
                if let Some(rn) = find_group(&r.contact_groups, &name) {
                    self.set_target_group(rn);
                } else if let Some(t) = r.next_page_token {
                    if self.repeated_page("groups", &t) {
                        return;
                    }
                    self.steps.push_front(Step::FindGroup {
                        page_token: Some(t),
                    });
                } else if !self.config.preview_only {
                    self.steps.push_front(Step::CreateGroup { name });
                }
            }
            Step::CreateGroup { name } => match json::from_str::<ContactGroup>(body) {
                Ok(ContactGroup {
                    resource_name: Some(rn),
                    ..
                }) => self.set_target_group(rn),
                Ok(_) => self.abort(
                    ErrorCode::GoogleError,
                    "the created group has no name".into(),
                ),
                Err(e) => self.unreadable(Step::CreateGroup { name }, now, "created group", &e),
            },
            Step::ListGoogle { page_token } => {
                let r = match json::from_str::<ListingPage>(body) {
                    // The listing asks for a sync token, which Google sends on the last page: a
                    // last page without one is not Google's answer (an empty object from a
                    // proxy), and taken for an empty account it would delete every link.
                    Ok(r) if r.next_page_token.is_none() && r.next_sync_token.is_none() => {
                        let step = Step::ListGoogle { page_token };
                        let e = "its last page has no nextSyncToken";
                        return self.unreadable(step, now, "contact listing", &e);
                    }
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::ListGoogle { page_token };
                        return self.unreadable(step, now, "contact listing", &e);
                    }
                };
                // Echoes are told from their etag before the person is read; the others are
                // read all before any is taken, so a page with an unreadable person is taken
                // whole or not at all.
                let mut echoes = Vec::new();
                let mut people = Vec::new();
                for (i, v) in r.connections.into_iter().enumerate() {
                    if let Some(rn) = self.echo(&PersonHead::of(&v)) {
                        echoes.push(rn);
                        continue;
                    }
                    // Only the contact's own items are kept (a linked profile's are not the
                    // user's to sync, nor writable), whatever Google answered.
                    match Person::from_json(v) {
                        Ok(p) => people.push(p.contact_only()),
                        Err(e) => {
                            let step = Step::ListGoogle { page_token };
                            let e = e.at_index(i).at_key("connections");
                            return self.unreadable(step, now, "contact listing", &e);
                        }
                    }
                }
                self.listing.unchanged.extend(echoes);
                for person in people {
                    if person.is_deleted() {
                        if let Some(rn) = person.resource_name.clone() {
                            // Renamed, then deleted: the link follows to the tombstone.
                            self.follow_renames(&person, &rn);
                            self.listing.deleted.push(rn);
                        }
                        continue;
                    }
                    match self.read_google(&person) {
                        Ok(g) => {
                            self.follow_renames(&person, &g.resource_name);
                            self.persons.insert(g.resource_name.clone(), person);
                            self.listing.people.push(g);
                        }
                        Err(e) => self.error(ErrorCode::GoogleError, e.to_string(), None),
                    }
                }
                match r.next_page_token {
                    Some(t) => {
                        if self.repeated_page("people", &t) {
                            return;
                        }
                        let read = self.listing.people.len() + self.listing.unchanged.len();
                        self.progress = Some((read, 0, Phase::ReadingGoogle));
                        self.steps.push_front(Step::ListGoogle {
                            page_token: Some(t),
                        })
                    }
                    None => {
                        self.linked_by_rn = None;
                        self.listing.full = self.full_listing;
                        self.listing.complete = true;
                        self.next_sync_token = r.next_sync_token;
                    }
                }
            }
            Step::ListTags { page_token } => self.tags_listed(page_token, body, now),
            Step::ReadTagged { names } => self.tagged_read(names, body, now),
            Step::FindCreated { items, page_token } => {
                let r: ListConnectionsResponse = match json::from_str(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::FindCreated { items, page_token };
                        return self.unreadable(step, now, "contact listing", &e);
                    }
                };
                self.found_created(&items, r.connections);
                let remaining: Vec<usize> = items
                    .iter()
                    .copied()
                    .filter(|&i| {
                        self.plan.as_ref().is_some_and(|p| {
                            !self
                                .outcome
                                .google_created
                                .contains_key(&p.creates_google[i].crm_id)
                        })
                    })
                    .collect();
                match r.next_page_token {
                    Some(t) if !remaining.is_empty() => {
                        if self.repeated_page("lookup", &t) {
                            return;
                        }
                        self.steps.push_front(Step::FindCreated {
                            items: remaining,
                            page_token: Some(t),
                        });
                    }
                    // Not in Google: the lost answer was a create that never happened.
                    _ if !remaining.is_empty() => {
                        self.steps
                            .push_front(Step::CreateGoogle { items: remaining });
                    }
                    _ => {}
                }
            }
            Step::BatchGet { names } => match json::from_str::<GetPeopleResponse>(body) {
                Ok(r) => {
                    for item in r.responses {
                        let ok = item.is_ok();
                        if let Some(p) = item.person.filter(|_| ok) {
                            if let Some(rn) = p.resource_name.clone() {
                                self.persons.insert(rn, p.contact_only());
                            }
                        }
                    }
                }
                Err(e) => self.unreadable(Step::BatchGet { names }, now, "contacts read", &e),
            },
            Step::CreateGoogle { items } => {
                // Google answers one item per person sent. Without them, Google may still have
                // made the persons: they are looked up by tag before being sent again.
                let r = match json::from_str::<BatchCreateContactsResponse>(body) {
                    Ok(r) if r.created_people.len() != items.len() => {
                        let step = Step::CreateGoogle { items };
                        let e = "it answers another number of persons than were sent";
                        return self.unreadable(step, now, "created contacts", &e);
                    }
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::CreateGoogle { items };
                        return self.unreadable(step, now, "created contacts", &e);
                    }
                };
                let Some(plan) = self.plan.as_ref() else {
                    return;
                };
                let mut created = Vec::new();
                for (k, item) in r.created_people.into_iter().enumerate() {
                    let Some(p) = item.person.map(Person::contact_only) else {
                        continue;
                    };
                    let crm_id = tag::crm_id(&p.client_data, &self.config.instance_id)
                        .or_else(|| items.get(k).map(|&i| plan.creates_google[i].crm_id.clone()));
                    if let (Some(crm_id), Some(rn)) = (crm_id, p.resource_name.clone()) {
                        created.push((crm_id, (rn, p.etag.clone().unwrap_or_default())));
                    }
                }
                let n = created.len();
                self.outcome.google_created.extend(created);
                self.report.created.add(Side::Google, n);
                self.advance(items.len(), Phase::CreatingInGoogle);
            }
            Step::UpdateGoogle { items, round } => {
                let r = match updated(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::UpdateGoogle { items, round };
                        return self.unreadable(step, now, "updated contacts", &e);
                    }
                };
                self.google_updated(&items, r);
                self.advance(items.len(), Phase::UpdatingGoogle);
            }
            Step::TagGoogle { items } => {
                let r = match updated(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::TagGoogle { items };
                        return self.unreadable(step, now, "tagged contacts", &e);
                    }
                };
                for (rn, res) in r.update_result {
                    if let Some(etag) = res.person.and_then(|p| p.etag) {
                        self.outcome.google_etags.insert(rn, etag);
                    }
                }
            }
            Step::DeleteGoogle { items } => {
                if let Some(plan) = self.plan.as_ref() {
                    for &i in &items {
                        self.outcome.deleted.insert(plan.deletes[i].crm_id.clone());
                    }
                }
                self.report.deleted.add(Side::Google, items.len());
                self.advance(items.len(), Phase::DeletingInGoogle);
            }
            Step::AddToGroup { names, .. } => self.advance(names.len(), Phase::AddingToGroup),
            Step::MarkPending { change } => {
                let n = change.resource_names_to_add.len() + change.resource_names_to_remove.len();
                self.advance(n, Phase::AddingToGroup);
            }
            step @ (Step::FindPendingGroup { .. } | Step::CreatePendingGroup) => {
                self.pending_ok(step, body, now)
            }
            Step::Photo(step) => self.photo_sent(&step, body),
            _ => {}
        }
    }

    /// Records the creates of `items` that a look-up found in Google by their tag.
    pub(super) fn found_created(&mut self, items: &[usize], people: Vec<Person>) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        let wanted: Vec<&str> = items
            .iter()
            .map(|&i| plan.creates_google[i].crm_id.as_str())
            .collect();
        let mut found = Vec::new();
        for p in people.into_iter().map(Person::contact_only) {
            let Some(rn) = p.resource_name.clone() else {
                continue;
            };
            for crm_id in tag::crm_ids(&p.client_data, &self.config.instance_id) {
                if wanted.contains(&crm_id.as_str())
                    && !self.outcome.google_created.contains_key(&crm_id)
                    && !found.iter().any(|(id, _)| id == &crm_id)
                {
                    found.push((crm_id, (rn.clone(), p.etag.clone().unwrap_or_default())));
                }
            }
        }
        let n = found.len();
        self.outcome.google_created.extend(found);
        self.report.created.add(Side::Google, n);
        self.advance(n, Phase::CreatingInGoogle);
    }

    pub(super) fn set_target_group(&mut self, rn: String) {
        self.state.target_group = Some(rn.clone());
        self.target_group = Some(rn);
    }

    pub(super) fn google_updated(&mut self, items: &[usize], r: BatchUpdateContactsResponse) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        let mut done = Vec::new();
        for &i in items {
            let u = &plan.updates[i];
            match r.update_result.get(&u.resource_name) {
                Some(res) if res.is_ok() => {
                    if let Some(etag) = res.person.as_ref().and_then(|p| p.etag.clone()) {
                        self.outcome
                            .google_etags
                            .insert(u.resource_name.clone(), etag);
                    }
                    done.push(u.crm_id.clone());
                }
                _ => {}
            }
        }
        self.report.updated.add(Side::Google, done.len());
        for id in done {
            self.google_updates_done.insert(id);
        }
    }
}

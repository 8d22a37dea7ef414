//! The check of the link tags before creating in Google, and the repair of doubled ones.
//!
//! An incremental listing shows only what changed since the sync token, so a run planned from
//! one may not see a Google contact that already carries the tag of a CRM contact it is about
//! to create: one that another device's run created meanwhile (Google's incremental listings
//! lag behind writes by minutes), or an extra copy left by two runs that could not exclude each
//! other. So before sending any create, a run that did not list Google in full lists every
//! contact's tags alone (`clientData`, a few bytes each, a thousand a page), reads in full the
//! contacts tagged for a CRM contact it would create and the extra copies tagged for a linked
//! one, and plans again with them in its listing: a create becomes a link, and an extra copy is
//! merged back by the planner's rules for duplicates (deleted when it holds nothing its twin
//! lacks, else reported). The same listing runs once a week (and at the first run of a state
//! that never had it) even when nothing is to be created, so doubled tags that no incremental
//! listing will show again, such as those an older version left, are repaired too.

use super::{Engine, Phase, Step};
use crate::json;
use crate::people::request::MAX_BATCH_GET;
use crate::people::tag;
use crate::people::wire::{GetPeopleResponse, ListingPage, PersonHead};
use crate::sync::model::Millis;
use crate::sync::plan::{Plan, Scope};
use crate::sync::state::AccountState;
use std::collections::{BTreeMap, HashSet};

/// How often a run that lists Google incrementally lists every tag, creates or not.
pub const TAG_CHECK_EVERY_MS: Millis = 7 * 24 * 3600 * 1000;

/// Whether the account's tags are due their weekly look (never looked at: due).
pub fn tags_due(state: &AccountState, now: Millis) -> bool {
    state
        .tags_checked_at
        .is_none_or(|at| now.saturating_sub(at) >= TAG_CHECK_EVERY_MS)
}

/// A run's look at every tag.
#[derive(Debug, Default)]
pub(super) struct TagCheck {
    /// The CRM ids the plan would create in Google.
    creates: HashSet<String>,
    /// Resource names by the CRM id they are tagged for, in listing order.
    tagged: BTreeMap<String, Vec<String>>,
    /// Contacts listed so far, for the progress.
    seen: usize,
    /// Every page was read.
    pub(super) complete: bool,
}

impl Engine {
    /// Whether this plan must wait for a look at every tag: it was planned from an incremental
    /// listing, and it would create in Google, or the weekly look is due for a whole-account run.
    pub(super) fn tag_check_due(&self, plan: &Plan, now: Millis) -> bool {
        let writes_google = self.settings.directions.writes_google()
            && !matches!(self.config.scope, Scope::PullAll);
        let whole = matches!(self.config.scope, Scope::All);
        self.tags.is_none()
            && writes_google
            && self.listing.complete
            && !self.listing.full
            && (!plan.creates_google.is_empty() || (whole && tags_due(&self.state, now)))
    }

    /// Lists every tag, then plans again.
    pub(super) fn check_tags(&mut self, plan: &Plan) {
        self.tags = Some(TagCheck {
            creates: plan
                .creates_google
                .iter()
                .map(|c| c.crm_id.clone())
                .collect(),
            ..TagCheck::default()
        });
        self.steps.push_front(Step::Plan);
        self.steps.push_front(Step::ListTags { page_token: None });
        self.progress = Some((0, 0, Phase::CheckingGoogle));
    }

    /// A page of the listing of tags.
    pub(super) fn tags_listed(&mut self, page_token: Option<String>, body: &str, now: Millis) {
        let r: ListingPage = match json::from_str(body) {
            Ok(r) => r,
            Err(e) => {
                let step = Step::ListTags { page_token };
                return self.unreadable(step, now, "contact tags", &e);
            }
        };
        let instance = self.config.instance_id.clone();
        let Some(check) = self.tags.as_mut() else {
            return;
        };
        check.seen += r.connections.len();
        for v in &r.connections {
            let head = PersonHead::of(v);
            let Some(rn) = head.resource_name.filter(|_| !head.deleted) else {
                continue;
            };
            for crm_id in tag::crm_ids(&head.client_data, &instance) {
                check.tagged.entry(crm_id).or_default().push(rn.to_string());
            }
        }
        match r.next_page_token {
            Some(t) => {
                self.progress = Some((check.seen, 0, Phase::CheckingGoogle));
                if self.repeated_page("tags", &t) {
                    return;
                }
                self.steps.push_front(Step::ListTags {
                    page_token: Some(t),
                });
            }
            None => {
                check.complete = true;
                let names = self.tagged_to_read();
                for chunk in names.chunks(MAX_BATCH_GET).rev() {
                    self.steps.push_front(Step::ReadTagged {
                        names: chunk.to_vec(),
                    });
                }
            }
        }
    }

    /// The tagged contacts the planner must see and the listing did not bring: every one tagged
    /// for a CRM contact the plan would create, the extra copies of a linked contact whose twin
    /// is in Google, and every copy of an unlinked one tagged twice.
    fn tagged_to_read(&self) -> Vec<String> {
        let Some(check) = self.tags.as_ref() else {
            return Vec::new();
        };
        let listed: HashSet<&str> = self
            .listing
            .people
            .iter()
            .map(|g| g.resource_name.as_str())
            .chain(self.listing.unchanged.iter().map(String::as_str))
            .collect();
        let mut names = Vec::new();
        for (crm_id, rns) in &check.tagged {
            let wanted: Vec<&String> = match self.state.links.get(crm_id) {
                // A twin missing from the listing of every contact was renamed or deleted:
                // that is for the incremental listings to show, not a copy to merge back.
                Some(link) if rns.contains(&link.resource_name) => {
                    rns.iter().filter(|rn| **rn != link.resource_name).collect()
                }
                Some(_) => Vec::new(),
                None if check.creates.contains(crm_id) || rns.len() > 1 => rns.iter().collect(),
                None => Vec::new(),
            };
            for rn in wanted {
                if !listed.contains(rn.as_str()) && !names.contains(rn) {
                    names.push(rn.clone());
                }
            }
        }
        names
    }

    /// Tagged contacts read in full: they join the listing the run plans from again.
    pub(super) fn tagged_read(&mut self, names: Vec<String>, body: &str, now: Millis) {
        let r = match json::from_str::<GetPeopleResponse>(body) {
            Ok(r) => r,
            Err(e) => {
                return self.unreadable(Step::ReadTagged { names }, now, "tagged contacts", &e)
            }
        };
        for item in r.responses {
            let ok = item.is_ok();
            let Some(person) = item.person.filter(|_| ok).map(|p| p.contact_only()) else {
                continue;
            };
            match self.google_contact(&person) {
                Ok(g) if !self.persons.contains_key(&g.resource_name) => {
                    self.persons.insert(g.resource_name.clone(), person);
                    self.listing.people.push(g);
                }
                Ok(_) => {}
                Err(e) => self.error(crate::sync::ErrorCode::GoogleError, e.to_string(), None),
            }
        }
    }

    /// Whether this run looked at every tag: a complete full listing, or the listing of tags.
    pub(super) fn saw_every_tag(&self) -> bool {
        (self.listing.full && self.listing.complete)
            || self.tags.as_ref().is_some_and(|t| t.complete)
    }
}

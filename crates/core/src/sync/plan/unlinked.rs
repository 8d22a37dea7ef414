//! Unlinked contacts: matching them, setting aside the duplicates our tag reveals, and the
//! creates on either side.

use super::linked::{differs, Pair};
use super::{
    CreateCrm, CreateGoogle, Delete, DeleteReason, MatchChoice, NewLink, Planner, Rejection, Scope,
};
use crate::sync::direction::FieldDirections;
use crate::sync::matching::{
    match_settled, Ambiguity, Ambiguous, Match, MatchRule, Matching, Settled,
};
use crate::sync::merge::merge;
use crate::sync::model::{Contact, CrmContact, GoogleContact, Side};
use crate::sync::settings::MY_CONTACTS;
use crate::sync::state::{Apart, Merged};
use std::collections::HashSet;

impl<'a> Planner<'a> {
    pub(super) fn unlinked(&mut self) {
        let state = self.input.state;
        // Whole-account runs leave a contact unlinked after its Google twin was deleted alone
        // until it is edited; a chosen contact goes back, since the user asked for it.
        let keeps_deleted = !matches!(self.input.scope, Scope::Contacts { .. });
        let region = self.region;
        // CRM side: the scope's contacts first (they may be pushed), then the others.
        let mut crm: Vec<(&CrmContact, bool)> = Vec::new();
        let mut seen = HashSet::new();
        for (c, pushable) in self
            .input
            .crm
            .iter()
            .map(|c| (c, true))
            .chain(self.input.crm_other.iter().map(|c| (c, false)))
        {
            if (state.links.contains_key(&c.id) && !self.freed.contains(c.id.as_str()))
                || self.crm_deleted.contains(c.id.as_str())
                || self.merged_hold(&c.id)
                || self.waiting_crm.contains(c.id.as_str())
                || !seen.insert(c.id.as_str())
            {
                continue;
            }
            let kept = keeps_deleted
                && state
                    .kept_in_crm
                    .get(&c.id)
                    .is_some_and(|v| !differs(&v.base, &c.contact, region));
            crm.push((c, pushable && !kept && self.in_crm_scope(&c.id)));
        }
        // Ids are unique here (`seen`), so an unstable sort gives the same order as a stable one.
        crm.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
        // Google side: this listing, then the cache of earlier listings for what it did not show;
        // a second contact tagged for one CRM contact is not matched but merged back.
        let extras = self.duplicates();
        let google: Vec<&GoogleContact> = self
            .unlinked_google()
            .into_iter()
            .filter(|g| {
                !extras.contains(g.resource_name.as_str())
                    && !self
                        .relinked
                        .values()
                        .any(|r| r.resource_name == g.resource_name)
            })
            .collect();

        let crm_refs: Vec<&CrmContact> = crm.iter().map(|(c, _)| *c).collect();
        // Pairs the user kept apart never join; the user's links of this run are made first,
        // and matching runs again without them.
        let mut remembered = Settled {
            apart: state
                .apart
                .iter()
                .map(|a| (a.crm_id.as_str(), a.resource_name.as_str()))
                .collect(),
            common: state.common_keys.iter().map(String::as_str).collect(),
            ..Settled::default()
        };
        // Stored sorted; sorted again, as the search needs it whatever storage held.
        remembered.apart.sort_unstable();
        let mut matching = match_settled(&crm_refs, &google, region, &remembered);
        let mut chosen = Vec::new();
        if !self.input.decisions.matches.is_empty() {
            let settled;
            (settled, chosen) = self.settle_matches(&matching, &crm_refs, &google, remembered);
            matching = match_settled(&crm_refs, &google, region, &settled);
        }
        // A key found too common stays so: the next run, with some of its holders linked,
        // counts fewer, and must not join the rest.
        let mut common = state.common_keys.clone();
        common.extend(std::mem::take(&mut matching.common));
        common.sort_unstable();
        common.dedup();
        if common != state.common_keys {
            self.out.common_keys = Some(common);
        }
        let mut matched_crm = vec![false; crm.len()];
        let mut matched_google = vec![false; google.len()];
        let scoped = self.scoped_ids.is_some();
        for m in matching.matches.iter().chain(&chosen) {
            let (c, pushable) = crm[m.crm];
            let g = google[m.google];
            matched_crm[m.crm] = true;
            matched_google[m.google] = true;
            // A scoped run links only the chosen contacts.
            if scoped && !pushable {
                continue;
            }
            // A pair neither side's scope covers would be unlinked again by the next run (see
            // `pair`): left unlinked, the runs reach a fixed point instead of flapping.
            if !pushable && !self.in_google_scope(g) {
                continue;
            }
            self.out.links.push(NewLink {
                crm_id: c.id.clone(),
                resource_name: g.resource_name.clone(),
                name: c.contact.display_name(),
                rule: m.rule,
            });
            if pushable
                && !g
                    .groups
                    .iter()
                    .any(|x| Some(x.as_str()) == self.input.target_group)
            {
                self.to_target.push(g.resource_name.clone());
            }
            let needs_tag = g.tag.as_deref() != Some(c.id.as_str());
            self.merge_pair(Pair {
                crm_id: &c.id,
                resource_name: &g.resource_name,
                base: None,
                crm: (&c.contact, c.modified_at),
                google: (&g.contact, g.updated_at),
                etag: &g.etag,
                set_tag: needs_tag,
            });
        }
        self.out.ambiguous.extend(matching.ambiguous);

        let listing = self.input.google;
        if self.writes_google() && listing.complete {
            for (i, (c, pushable)) in crm.iter().enumerate() {
                if !*pushable || matched_crm[i] || matching.blocked_crm[i] {
                    continue;
                }
                // A contact whose tag a Google contact carries after another's has a copy
                // already: Google merged it into that contact (its own link not saved: a run
                // that created it stopped first). It is merged away as a linked one would be,
                // reported once and not sent back to Google as a duplicate.
                if let Some(g) = self.extra_tagged.get(c.id.as_str()) {
                    if let Some(survivor) = g.tag.as_deref().filter(|t| *t != c.id) {
                        self.out.merged.push(Merged {
                            crm_id: c.id.clone(),
                            survivor: survivor.to_string(),
                            resource_name: g.resource_name.clone(),
                            merged_from: g.resource_name.clone(),
                            name: c.contact.display_name(),
                            at: self.input.now,
                        });
                        continue;
                    }
                }
                let create = self.create_google(c);
                self.out.creates_google.push(create);
            }
        }
        if self.writes_crm() && self.whole_account() {
            for (i, g) in google.iter().enumerate() {
                // A contact tagged for a CRM contact that is not here was deleted in the CRM (or
                // lives outside what was loaded): importing it would bring a deleted contact back
                // or make a duplicate.
                let tagged_elsewhere = g.tag.is_some();
                if !matched_google[i]
                    && !matching.blocked_google[i]
                    && !tagged_elsewhere
                    && self.in_google_scope(g)
                {
                    self.out.creates_crm.push(CreateCrm {
                        resource_name: g.resource_name.clone(),
                        name: g.contact.display_name(),
                        // Also the link's base: what the CRM holds of it, the fields whose
                        // direction does not write the CRM left out.
                        contact: self
                            .input
                            .settings
                            .field_directions
                            .create_on(Side::Crm, &self.input.capabilities.fit(&g.contact)),
                        status: self.input.settings.import_status.clone(),
                    });
                }
            }
        }
    }

    /// Whether CRM contact `id` stays out of matching and creates: Google merged its twin into
    /// another contact (see `merged`). Only a run for chosen contacts takes it, since the user
    /// asked for it.
    fn merged_hold(&self, id: &str) -> bool {
        !matches!(self.input.scope, Scope::Contacts { .. })
            && self.input.state.merged_in_google.contains_key(id)
    }

    /// Applies the user's decisions on ambiguous matches to `settled` (the pairs remembered
    /// apart): a pair kept apart joins it, a pair linked is taken out of matching and returned
    /// as a match by its ambiguity's rule. A decision must name a contact and a candidate of a
    /// match by value that `first` set aside; any other is rejected.
    fn settle_matches(
        &mut self,
        first: &Matching,
        crm: &[&'a CrmContact],
        google: &[&'a GoogleContact],
        mut settled: Settled<'a>,
    ) -> (Settled<'a>, Vec<Match>) {
        let mut chosen = Vec::new();
        let decisions = &self.input.decisions.matches;
        for d in decisions {
            let pair = (d.crm_id.as_str(), d.resource_name.as_str());
            // Decisions are few: searched, not indexed.
            let rule = first
                .ambiguous
                .iter()
                .filter(|a| a.decidable())
                .find(|a| a.pairs().any(|p| p == pair))
                .map(|a| a.rule);
            let at = (
                crm.iter().position(|c| c.id == d.crm_id),
                google
                    .iter()
                    .position(|g| g.resource_name == d.resource_name),
            );
            let (Some(rule), (Some(c), Some(g))) = (rule, at) else {
                self.out.rejected.push(Rejection::NotAmbiguous {
                    crm_id: d.crm_id.clone(),
                    resource_name: d.resource_name.clone(),
                });
                continue;
            };
            let both = decisions.iter().any(|o| {
                (o.crm_id.as_str(), o.resource_name.as_str()) == pair && o.choice != d.choice
            });
            match d.choice {
                _ if both => self.out.rejected.push(Rejection::LinkedAndApart {
                    crm_id: d.crm_id.clone(),
                    resource_name: d.resource_name.clone(),
                }),
                MatchChoice::Apart => {
                    settled.apart.push(pair);
                    self.out.apart.push(Apart {
                        crm_id: d.crm_id.clone(),
                        resource_name: d.resource_name.clone(),
                    });
                }
                MatchChoice::Link => {
                    if !settled.crm.insert(pair.0) | !settled.google.insert(pair.1) {
                        self.out.rejected.push(Rejection::LinkedTwice {
                            crm_id: d.crm_id.clone(),
                            resource_name: d.resource_name.clone(),
                        });
                        continue;
                    }
                    chosen.push(Match {
                        crm: c,
                        google: g,
                        rule,
                    });
                }
            }
        }
        settled.apart.sort_unstable();
        (settled, chosen)
    }

    /// Google contacts tagged for a CRM contact that has a twin already (two runs that could not
    /// exclude each other both created one): an extra one is deleted when it holds nothing its
    /// twin lacks, else reported for the user; either way it is set aside from matching. The
    /// twin is the linked contact, or among unlinked ones the first by resource name, unless
    /// it holds less than another. Returns the resource names set aside.
    fn duplicates(&mut self) -> HashSet<&'a str> {
        let mut extras = HashSet::new();
        let state = self.input.state;
        let tagged = std::mem::take(&mut self.tagged);
        // Tags in the resource name order of their first contact, the order the plan reports in.
        let mut tags: Vec<(&'a str, &'a str)> = tagged
            .iter()
            .filter_map(|(&tag, gs)| Some((gs.first()?.resource_name.as_str(), tag)))
            .collect();
        tags.sort_unstable();
        for (_, crm_id) in tags {
            let gs = tagged.get(crm_id).into_iter().flatten();
            // Whether the twin is known to exist as it is compared: deleting a second copy is a
            // repair only while its twin holds all it holds. A twin in this listing is seen as
            // Google holds it now (as its base when listed as an unchanged echo); one left out
            // of a complete listing is unchanged since the last sync (its deletion would be
            // listed). One left out of an incomplete listing may have been edited or deleted in
            // Google meanwhile, so the copy at hand may be the only one left: it is set aside,
            // never deleted, until a complete listing tells.
            let mut twin_seen = true;
            let linked: Option<(&'a str, &'a Contact)> = match state.links.get(crm_id) {
                Some(l) if !self.freed.contains(crm_id) => Some(match self.relinked.get(crm_id) {
                    Some(g) => (g.resource_name.as_str(), &g.contact),
                    None => match self.google_by_rn.get(l.resource_name.as_str()) {
                        Some(g) => (g.resource_name.as_str(), &g.contact),
                        // Not in this listing: as it was when last synced.
                        None => {
                            let google = self.input.google;
                            twin_seen =
                                google.complete || google.unchanged.contains(&l.resource_name);
                            (l.resource_name.as_str(), &l.base)
                        }
                    },
                }),
                _ => None,
            };
            let mut rest = gs.copied();
            let mut first: Option<&'a GoogleContact> = None;
            let (mut twin_rn, mut twin) = match linked {
                Some(t) => t,
                None => match rest.next() {
                    Some(g) => {
                        first = Some(g);
                        (g.resource_name.as_str(), &g.contact)
                    }
                    None => continue,
                },
            };
            for g in rest {
                if g.resource_name == twin_rn {
                    continue;
                }
                if !twin_seen {
                    extras.insert(g.resource_name.as_str());
                } else if self.holds_nothing_more(&g.contact, twin) {
                    extras.insert(g.resource_name.as_str());
                    self.duplicate(crm_id, g, true);
                } else if let Some(f) = first.filter(|_| self.holds_nothing_more(twin, &g.contact))
                {
                    // The first holds less than this one: it is the one that goes.
                    extras.insert(f.resource_name.as_str());
                    self.duplicate(crm_id, f, true);
                    first = Some(g);
                    (twin_rn, twin) = (g.resource_name.as_str(), &g.contact);
                } else {
                    extras.insert(g.resource_name.as_str());
                    self.duplicate(crm_id, g, false);
                }
            }
        }
        self.tagged = tagged;
        extras
    }

    /// Whether `extra` holds no value `twin` lacks, as a first-link merge would fill it in.
    fn holds_nothing_more(&self, extra: &Contact, twin: &Contact) -> bool {
        let mut input = self.merge_input(twin, twin, extra, 0, 0);
        input.base = None;
        input.write_crm = true;
        // What each contact holds, whichever way its fields flow.
        input.directions = FieldDirections::default();
        let m = merge(input);
        m.crm.is_empty() && m.conflicts.is_empty()
    }

    /// Deletes a duplicate Google contact, or reports it when it holds something its twin lacks.
    fn duplicate(&mut self, crm_id: &str, g: &GoogleContact, delete: bool) {
        if !self.whole_account() {
            return;
        }
        if delete && self.writes_google() {
            self.out.deletes.push(Delete {
                side: Side::Google,
                crm_id: crm_id.to_string(),
                resource_name: g.resource_name.clone(),
                name: g.contact.display_name(),
                reason: DeleteReason::Duplicate,
            });
        } else {
            self.out.ambiguous.push(Ambiguous {
                side: Side::Google,
                id: g.resource_name.clone(),
                name: g.contact.display_name(),
                rule: MatchRule::Tag,
                reason: Ambiguity::SecondCopy,
                candidates: vec![crm_id.to_string()],
                candidate_names: vec![String::new()],
                more_candidates: 0,
                shared: Vec::new(),
            });
        }
    }

    pub(super) fn create_google(&self, c: &CrmContact) -> CreateGoogle {
        let mut groups: Vec<String> = self
            .input
            .target_group
            .iter()
            .map(|g| g.to_string())
            .collect();
        // myContacts keeps the contact visible in Google Contacts' main list.
        groups.push(MY_CONTACTS.to_string());
        groups.dedup();
        CreateGoogle {
            crm_id: c.id.clone(),
            name: c.contact.display_name(),
            // Also the link's base: the fields whose direction does not write Google left out.
            contact: (self.input.settings.field_directions).create_on(Side::Google, &c.contact),
            groups,
            read_only: c.read_only.clone(),
        }
    }
}

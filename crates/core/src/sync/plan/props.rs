//! Property tests over whole planning rounds on two in-memory sides: random edits on both sides
//! (values, labels, item order), a plan, its execution by a faithful in-memory executor, the
//! commit; then the invariants of docs/sync-rules.md: a second round with no edits plans nothing;
//! no round writes onto a CRM record it did not read; a deletion on one side never removes an
//! edit made on the other; ambiguity never creates on either side. Cases default to 1,000 per
//! property; `PROPTEST_CASES` raises it.

// proptest is a native dev-dependency only.
#![cfg(not(target_arch = "wasm32"))]

use super::linked::differs;
use super::*;
use crate::sync::merge::{copy_fields, text};
use crate::sync::model::{Email, Field, Phone};
use crate::sync::normalize::{email_key, phone_key};
use crate::sync::settings::{ConflictPolicy, CrmDeletes, MY_CONTACTS};
use proptest::prelude::*;
use std::collections::BTreeSet;

type Rng = crate::sync::xorshift::XorShift;

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

// Small pools so that matches, collisions and conflicts are common.
const FIRST: [&str; 5] = ["Ann", "Bo", "Cy", "Dee", "Zoë"];
const LAST: [&str; 4] = ["Lee", "Ng", "Álvarez", ""];
const EMAILS: [&str; 8] = [
    "a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io", "g@x.io", "h@x.io",
];
const PHONES: [&str; 6] = [
    "(415) 555-0100",
    "+1 415 555 0101",
    "415.555.0102",
    "+44 20 7946 0018",
    "+33 1 42 68 53 00",
    "+1 415 555 0100",
];
const COMPANIES: [&str; 4] = ["Acme", "Globex", "Initech", ""];
const LABELS: [&str; 5] = ["", "home", "work", "mobile", "other"];

struct World {
    rng: Rng,
    crm: BTreeMap<String, CrmContact>,
    google: BTreeMap<String, GoogleContact>,
    /// Google contacts changed or deleted since the last listing (what a sync token returns).
    google_changed: BTreeSet<String>,
    google_deleted: BTreeSet<String>,
    crm_deleted: Vec<String>,
    state: AccountState,
    settings: Settings,
    next: u64,
    now: Millis,
}

const TARGET: &str = "contactGroups/crm";

impl World {
    fn new(seed: u64) -> World {
        let mut w = World {
            rng: Rng::new(seed),
            crm: BTreeMap::new(),
            google: BTreeMap::new(),
            google_changed: BTreeSet::new(),
            google_deleted: BTreeSet::new(),
            crm_deleted: Vec::new(),
            state: AccountState::new(),
            settings: Settings {
                google_deletes_hold_days: 0,
                crm_deletes_hold_days: 0,
                ..Settings::default()
            },
            next: 0,
            now: 1_000,
        };
        w.settings.conflict_policy = [
            ConflictPolicy::Newest,
            ConflictPolicy::Crm,
            ConflictPolicy::Google,
        ][w.rng.below(3)];
        for _ in 0..w.rng.below(8) {
            w.add(Side::Crm);
        }
        for _ in 0..w.rng.below(8) {
            w.add(Side::Google);
        }
        // Twins of CRM contacts that Google holds with other labels or in another order.
        let ids: Vec<String> = w.crm.keys().cloned().collect();
        for id in ids {
            if w.rng.chance(30) {
                let mut contact = w.crm[&id].contact.clone();
                w.relabel(&mut contact);
                w.add_google(contact);
            }
        }
        w.settings.crm_deletes = if w.rng.chance(50) {
            CrmDeletes::Delete
        } else {
            CrmDeletes::Keep
        };
        w
    }

    /// Changes the labels of some items, or their order (and so which one is primary).
    fn relabel(&mut self, c: &mut Contact) {
        for e in &mut c.emails {
            if self.rng.chance(50) {
                e.kind = pick(&mut self.rng, &LABELS).to_string();
            }
        }
        for p in &mut c.phones {
            if self.rng.chance(50) {
                p.kind = pick(&mut self.rng, &LABELS).to_string();
            }
        }
        if self.rng.chance(50) {
            c.emails.reverse();
        }
        if self.rng.chance(50) {
            c.phones.reverse();
        }
    }

    fn id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn random_contact(&mut self) -> Contact {
        let mut c = Contact::default();
        c.name.given = pick(&mut self.rng, &FIRST).to_string();
        c.name.family = pick(&mut self.rng, &LAST).to_string();
        for _ in 0..self.rng.below(3) {
            c.emails.push(Email {
                value: pick(&mut self.rng, &EMAILS).to_string(),
                kind: pick(&mut self.rng, &["", "home", "work"]).to_string(),
                primary: false,
            });
        }
        for _ in 0..self.rng.below(3) {
            c.phones.push(Phone {
                value: pick(&mut self.rng, &PHONES).to_string(),
                kind: pick(&mut self.rng, &LABELS).to_string(),
                canonical: None,
                primary: false,
            });
        }
        c.company = pick(&mut self.rng, &COMPANIES).to_string();
        if self.rng.chance(30) {
            c.birthday = crate::sync::model::Birthday::new(
                self.rng.chance(50).then_some(1990),
                7,
                1 + self.rng.below(3) as u8,
            );
        }
        c
    }

    fn add(&mut self, side: Side) {
        let contact = self.random_contact();
        let n = self.id();
        self.now += 1;
        match side {
            Side::Crm => {
                let id = format!("{n}");
                self.crm.insert(
                    id.clone(),
                    CrmContact {
                        id,
                        modified_at: self.now,
                        status: None,
                        contact,
                        read_only: None,
                    },
                );
            }
            Side::Google => self.add_google(contact),
        }
    }

    fn add_google(&mut self, contact: Contact) {
        let n = self.id();
        let rn = format!("people/c{n}");
        self.google_changed.insert(rn.clone());
        self.google.insert(
            rn.clone(),
            GoogleContact {
                resource_name: rn,
                etag: format!("e{n}"),
                updated_at: self.now,
                tag: None,
                extra_tags: Vec::new(),
                groups: vec![MY_CONTACTS.to_string()],
                contact,
            },
        );
    }

    /// Edits one contact on `side`; returns its CRM id or resource name.
    fn edit(&mut self, side: Side) -> Option<String> {
        self.now += 1;
        let mut fresh = self.random_contact();
        let field = self.rng.below(8);
        let now = self.now;
        let n = self.id();
        let contact = match side {
            Side::Crm => {
                let keys: Vec<String> = self.crm.keys().cloned().collect();
                if keys.is_empty() {
                    return None;
                }
                let id = keys[self.rng.below(keys.len())].clone();
                let c = self.crm.get_mut(&id)?;
                c.modified_at = now;
                (id, &mut c.contact)
            }
            Side::Google => {
                let keys: Vec<String> = self.google.keys().cloned().collect();
                if keys.is_empty() {
                    return None;
                }
                let rn = keys[self.rng.below(keys.len())].clone();
                self.google_changed.insert(rn.clone());
                let g = self.google.get_mut(&rn)?;
                g.updated_at = now;
                g.etag = format!("e{n}");
                (rn, &mut g.contact)
            }
        };
        let (key, contact) = contact;
        if field >= 6 {
            // Labels and order only: the values stay.
            fresh.emails = contact.emails.clone();
            fresh.phones = contact.phones.clone();
            let mut rng = Rng::new(self.rng.next_u64());
            let c = &mut fresh;
            for e in &mut c.emails {
                if rng.chance(50) {
                    e.kind = pick(&mut rng, &LABELS).to_string();
                }
            }
            for p in &mut c.phones {
                if rng.chance(50) {
                    p.kind = pick(&mut rng, &LABELS).to_string();
                }
            }
            if field == 7 {
                c.emails.reverse();
                c.phones.reverse();
            }
            let contact = match side {
                Side::Crm => &mut self.crm.get_mut(&key)?.contact,
                Side::Google => &mut self.google.get_mut(&key)?.contact,
            };
            contact.emails = fresh.emails;
            contact.phones = fresh.phones;
            return Some(key);
        }
        match field {
            0 => contact.name.given = fresh.name.given,
            1 => contact.emails = fresh.emails,
            2 => contact.phones = fresh.phones,
            3 => contact.company = fresh.company,
            4 => contact.birthday = fresh.birthday,
            _ => contact.emails.extend(fresh.emails),
        }
        Some(key)
    }

    fn delete(&mut self, side: Side) {
        match side {
            Side::Crm => {
                let keys: Vec<String> = self.crm.keys().cloned().collect();
                if let Some(id) = keys.get(self.rng.below(keys.len())) {
                    self.crm.remove(id);
                    self.crm_deleted.push(id.clone());
                }
            }
            Side::Google => {
                let keys: Vec<String> = self.google.keys().cloned().collect();
                if let Some(rn) = keys.get(self.rng.below(keys.len())) {
                    self.google.remove(rn);
                    self.google_changed.remove(rn);
                    self.google_deleted.insert(rn.clone());
                }
            }
        }
    }

    /// Google merges two contacts ("Merge & fix"): the first keeps its name and holds both
    /// contacts' emails, phones, groups and tags (its own first); the second is deleted.
    fn merge_google(&mut self) {
        let keys: Vec<String> = self.google.keys().cloned().collect();
        if keys.len() < 2 {
            return;
        }
        let a = keys[self.rng.below(keys.len())].clone();
        let b = keys[self.rng.below(keys.len())].clone();
        if a == b {
            return;
        }
        self.now += 1;
        let (now, n) = (self.now, self.id());
        let region = self.settings.region();
        let Some(m) = self.google.remove(&b) else {
            return;
        };
        self.google_changed.remove(&b);
        self.google_deleted.insert(b);
        let Some(s) = self.google.get_mut(&a) else {
            return;
        };
        for e in m.contact.emails {
            if !s
                .contact
                .emails
                .iter()
                .any(|x| email_key(x) == email_key(&e))
            {
                s.contact.emails.push(e);
            }
        }
        for p in m.contact.phones {
            if !s
                .contact
                .phones
                .iter()
                .any(|x| phone_key(x, region) == phone_key(&p, region))
            {
                s.contact.phones.push(p);
            }
        }
        for t in m.tag.into_iter().chain(m.extra_tags) {
            match &s.tag {
                None => s.tag = Some(t),
                Some(first) if *first != t && !s.extra_tags.contains(&t) => s.extra_tags.push(t),
                Some(_) => {}
            }
        }
        for g in m.groups {
            if !s.groups.contains(&g) {
                s.groups.push(g);
            }
        }
        s.etag = format!("e{n}");
        s.updated_at = now;
        self.google_changed.insert(a);
    }

    fn random_edits(&mut self, deletions: bool) {
        for _ in 0..self.rng.below(6) {
            let side = if self.rng.chance(50) {
                Side::Crm
            } else {
                Side::Google
            };
            match self.rng.below(if deletions { 5 } else { 3 }) {
                0 => self.add(side),
                1 | 2 => {
                    self.edit(side);
                }
                3 => self.delete(side),
                _ => self.merge_google(),
            }
        }
    }

    /// What Google would list now: everything (full), or what changed since the last listing.
    fn listing(&self, full: bool) -> GoogleListing {
        let people = if full {
            self.google.values().cloned().collect()
        } else {
            self.google_changed
                .iter()
                .filter_map(|rn| self.google.get(rn).cloned())
                .collect()
        };
        GoogleListing {
            people,
            deleted: if full {
                Vec::new()
            } else {
                self.google_deleted.iter().cloned().collect()
            },
            full,
            complete: true,
            ..GoogleListing::default()
        }
    }

    fn plan(&self, listing: &GoogleListing, confirm: bool) -> Plan {
        self.plan_decided(listing, confirm, &NO_DECISIONS)
    }

    fn plan_decided(&self, listing: &GoogleListing, confirm: bool, decisions: &Decisions) -> Plan {
        let crm: Vec<CrmContact> = self.crm.values().cloned().collect();
        plan(PlanInput {
            state: &self.state,
            settings: &self.settings,
            crm: &crm,
            crm_other: &[],
            crm_deleted: &self.crm_deleted,
            google: listing,
            target_group: Some(TARGET),
            scope: &Scope::All,
            confirm_deletions: confirm,
            now: self.now,
            capabilities: &Default::default(),
            decisions,
        })
    }

    /// Random decisions on `plan`'s conflicts and decidable ambiguous matches, none contradicting
    /// another: some conflicts settled for a random side; some matches linked to a random
    /// candidate, others kept apart from all.
    fn random_decisions(&mut self, plan: &Plan) -> Decisions {
        let mut d = Decisions::default();
        // A link or a pair kept apart may change which pairs match (a contact freed from one
        // candidate matches another by a later rule), and with them the conflicts: conflicts
        // and matches are decided in separate rounds here, as a user would preview again.
        let conflicts_only = self.rng.chance(50);
        for c in plan.conflicts.iter().filter(|_| conflicts_only) {
            let keep = if self.rng.chance(50) {
                Side::Crm
            } else {
                Side::Google
            };
            let decided = d
                .conflicts
                .iter()
                .any(|x| x.crm_id == c.crm_id && x.field == c.conflict.field);
            if !decided && self.rng.chance(60) {
                d.conflicts.push(ConflictChoice {
                    crm_id: c.crm_id.clone(),
                    field: c.conflict.field,
                    keep,
                });
            }
        }
        let mut linked: BTreeSet<&str> = BTreeSet::new();
        let mut touched: BTreeSet<(String, String)> = BTreeSet::new();
        for a in plan
            .ambiguous
            .iter()
            .filter(|a| !conflicts_only && a.decidable())
        {
            let pairs: Vec<(&str, &str)> = a.pairs().collect();
            match self.rng.below(3) {
                0 => {}
                1 => {
                    let (c, g) = pairs[self.rng.below(pairs.len())];
                    let free = !linked.contains(c) && !linked.contains(g);
                    if free && !touched.contains(&(c.to_string(), g.to_string())) {
                        linked.extend([c, g]);
                        touched.insert((c.to_string(), g.to_string()));
                        d.matches.push(MatchDecision {
                            crm_id: c.into(),
                            resource_name: g.into(),
                            choice: MatchChoice::Link,
                        });
                    }
                }
                _ => {
                    for (c, g) in pairs {
                        if touched.insert((c.to_string(), g.to_string())) {
                            d.matches.push(MatchDecision {
                                crm_id: c.into(),
                                resource_name: g.into(),
                                choice: MatchChoice::Apart,
                            });
                        }
                    }
                }
            }
        }
        d
    }

    /// Executes `plan` as a host and Google would, then commits it. Checks on the way that each
    /// Google update carries the contact's current etag.
    fn execute(&mut self, plan: &Plan, listing: &GoogleListing) -> std::result::Result<(), String> {
        self.now += 1;
        let now = self.now;
        let mut outcome = Outcome::default();
        for c in &plan.creates_google {
            let n = self.id();
            let rn = format!("people/c{n}");
            let etag = format!("e{n}");
            self.google.insert(
                rn.clone(),
                GoogleContact {
                    resource_name: rn.clone(),
                    etag: etag.clone(),
                    updated_at: now,
                    tag: Some(c.crm_id.clone()),
                    extra_tags: Vec::new(),
                    groups: c.groups.clone(),
                    contact: c.contact.clone(),
                },
            );
            self.google_changed.insert(rn.clone());
            outcome.google_created.insert(c.crm_id.clone(), (rn, etag));
        }
        for c in &plan.creates_crm {
            let id = format!("{}", self.id());
            self.crm.insert(
                id.clone(),
                CrmContact {
                    id: id.clone(),
                    modified_at: now,
                    status: c.status.clone(),
                    contact: c.contact.clone(),
                    read_only: None,
                },
            );
            // The executor tags the Google contact with its new CRM id, as every linked contact is.
            let n = self.id();
            if let Some(g) = self.google.get_mut(&c.resource_name) {
                g.tag = Some(id.clone());
                g.etag = format!("e{n}");
                g.updated_at = now;
                outcome
                    .google_etags
                    .insert(c.resource_name.clone(), g.etag.clone());
                self.google_changed.insert(c.resource_name.clone());
            }
            outcome.crm_created.insert(c.resource_name.clone(), id);
        }
        for u in &plan.updates {
            match u.side {
                Side::Crm => {
                    let c = self
                        .crm
                        .get_mut(&u.crm_id)
                        .ok_or(format!("update of a missing CRM contact {}", u.crm_id))?;
                    copy_fields(&mut c.contact, &u.contact, &u.fields());
                    if u.status.is_some() {
                        c.status = u.status.clone();
                    }
                    c.modified_at = now;
                }
                Side::Google => {
                    let n = self.id();
                    let g = self.google.get_mut(&u.resource_name).ok_or(format!(
                        "update of a missing Google contact {}",
                        u.resource_name
                    ))?;
                    if g.etag != u.etag {
                        return Err(format!(
                            "update of {} with etag {} but Google has {}",
                            u.resource_name, u.etag, g.etag
                        ));
                    }
                    copy_fields(&mut g.contact, &u.contact, &u.fields());
                    if u.set_tag {
                        // Written, our tag names the link alone (`tag::set`).
                        g.tag = Some(u.crm_id.clone());
                        g.extra_tags.clear();
                    }
                    g.etag = format!("e{n}");
                    g.updated_at = now;
                    self.google_changed.insert(u.resource_name.clone());
                    outcome
                        .google_etags
                        .insert(u.resource_name.clone(), g.etag.clone());
                }
            }
        }
        for d in &plan.deletes {
            match d.side {
                Side::Crm => {
                    self.crm.remove(&d.crm_id);
                }
                Side::Google => {
                    self.google.remove(&d.resource_name);
                    self.google_changed.remove(&d.resource_name);
                    self.google_deleted.insert(d.resource_name.clone());
                }
            }
            outcome.deleted.insert(d.crm_id.clone());
        }
        for add in &plan.group_adds {
            for rn in &add.resource_names {
                if let Some(g) = self.google.get_mut(rn) {
                    if !g.groups.contains(&add.group) {
                        g.groups.push(add.group.clone());
                    }
                }
            }
        }
        plan.commit(&mut self.state, listing, &outcome, now);
        // One Google contact is linked to at most one CRM contact after every commit.
        if let Some((rn, a, b)) = self.state.linked_twice() {
            return Err(format!("{rn} linked to both CRM {a} and CRM {b}:\n{plan}"));
        }
        // The listing consumed what changed before it; our own writes come back next time, as
        // echoes through the sync token.
        for rn in listing
            .people
            .iter()
            .map(|g| &g.resource_name)
            .chain(&listing.deleted)
        {
            if !outcome.google_etags.contains_key(rn)
                && !outcome.google_created.values().any(|(r, _)| r == rn)
            {
                self.google_changed.remove(rn);
            }
        }
        self.google_deleted
            .retain(|rn| !listing.deleted.contains(rn));
        self.crm_deleted.clear();
        Ok(())
    }

    fn round(&mut self, full: bool, confirm: bool) -> std::result::Result<Plan, String> {
        let listing = self.listing(full);
        let plan = self.plan(&listing, confirm);
        self.execute(&plan, &listing)?;
        Ok(plan)
    }

    /// Every linked pair holds the same values, and no contact is linked twice on either side.
    fn check_links(&self) -> std::result::Result<(), String> {
        let mut rns = BTreeSet::new();
        let region = self.settings.region();
        for link in self.state.links.values() {
            if !rns.insert(&link.resource_name) {
                return Err(format!("{} linked twice", link.resource_name));
            }
            let c = self
                .crm
                .get(&link.crm_id)
                .ok_or(format!("link to missing CRM {}", link.crm_id))?;
            let g = self
                .google
                .get(&link.resource_name)
                .ok_or(format!("link to missing Google {}", link.resource_name))?;
            if differs(&c.contact, &g.contact, region) {
                return Err(format!(
                    "linked pair differs:\n crm {:?}\n google {:?}",
                    c.contact, g.contact
                ));
            }
        }
        let mut tags = BTreeMap::new();
        for g in self.google.values() {
            if let Some(t) = &g.tag {
                if let Some(other) = tags.insert(t.clone(), g.resource_name.clone()) {
                    return Err(format!(
                        "CRM contact {t} has two Google contacts: {other}, {}",
                        g.resource_name
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Nothing is created, on either side, for a contact set aside as ambiguous or for any of its
/// candidates.
fn ambiguity_creates_nothing(plan: &Plan) -> std::result::Result<(), String> {
    let mut crm = BTreeSet::new();
    let mut google = BTreeSet::new();
    for a in &plan.ambiguous {
        let (own, other) = match a.side {
            Side::Crm => (&mut crm, &mut google),
            Side::Google => (&mut google, &mut crm),
        };
        own.insert(a.id.clone());
        other.extend(a.candidates.iter().cloned());
    }
    if let Some(c) = plan.creates_google.iter().find(|c| crm.contains(&c.crm_id)) {
        return Err(format!(
            "ambiguous CRM contact {} created in Google:\n{plan}",
            c.crm_id
        ));
    }
    if let Some(c) = plan
        .creates_crm
        .iter()
        .find(|c| google.contains(&c.resource_name))
    {
        return Err(format!(
            "ambiguous Google contact {} created in the CRM:\n{plan}",
            c.resource_name
        ));
    }
    Ok(())
}

/// No pair that looks like one person (a possible duplicate: the same name, nothing telling them
/// apart) is created on both sides unless the user kept it apart: it waits for the user's word.
fn no_silent_twins(plan: &Plan, state: &AccountState) -> std::result::Result<(), String> {
    use crate::sync::matching::duplicates::{contradicts, loose_name_key};
    let apart = |c: &str, g: &str| {
        state
            .apart
            .iter()
            .chain(&plan.apart)
            .any(|a| a.crm_id == c && a.resource_name == g)
    };
    for c in &plan.creates_google {
        let key = loose_name_key(&c.contact.name);
        if key.is_empty() {
            continue;
        }
        for g in &plan.creates_crm {
            if loose_name_key(&g.contact.name) == key
                && !contradicts(&c.contact, &g.contact)
                && !apart(&c.crm_id, &g.resource_name)
            {
                return Err(format!(
                    "{:?} created on both sides ({} and {}) without a decision:\n{plan}",
                    c.name, c.crm_id, g.resource_name
                ));
            }
        }
    }
    Ok(())
}

/// The values matching may join a contact by: its emails, phones and full name, normalized.
fn match_keys(c: &Contact, region: Region) -> Vec<String> {
    let mut out: Vec<String> = c.emails.iter().map(email_key).collect();
    out.extend(c.phones.iter().map(|p| phone_key(p, region)));
    out.push(crate::sync::normalize::name_key(&c.name));
    out.push(crate::sync::matching::duplicates::loose_name_key(&c.name));
    out.retain(|k| !k.is_empty());
    out
}

/// Every value a linked pair holds, as keys: field name plus normalized value.
fn values(c: &Contact, region: Region) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in &c.emails {
        out.insert(format!("email {}", email_key(e)));
    }
    for p in &c.phones {
        out.insert(format!("phone {}", phone_key(p, region)));
    }
    for f in [Field::GivenName, Field::FamilyName, Field::Company] {
        let v = crate::sync::normalize::text_key(text(c, f));
        if !v.is_empty() {
            out.insert(format!("{f} {v}"));
        }
    }
    out.retain(|v| !v.ends_with(' '));
    out
}

/// A linked pair's ids and the values of its base, CRM side and Google side.
type PairValues = (
    String,
    String,
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
);

/// Plans from an incomplete listing after a round and random edits: nothing is deleted but CRM
/// deletions carried to Google and second copies whose twin is in the listing, and nothing is
/// created in Google.
fn incomplete_listing(seed: u64) -> Result<(), TestCaseError> {
    let mut w = World::new(seed);
    w.round(true, true).map_err(TestCaseError::fail)?;
    w.random_edits(true);
    let full = w.rng.chance(50);
    let mut listing = w.listing(full);
    let keep = w.rng.below(listing.people.len() + 1);
    listing.people.truncate(keep);
    listing.complete = false;
    let p = w.plan(&listing, true);
    let listed = |rn: &str| listing.people.iter().any(|g| g.resource_name == rn);
    for d in &p.deletes {
        prop_assert!(d.side == Side::Google, "{p}");
        if d.reason == DeleteReason::Duplicate {
            // A second copy goes only while both it and its twin are in sight: the twin being
            // the linked contact or another one tagged for the same CRM contact.
            let echo = w
                .state
                .links
                .get(&d.crm_id)
                .is_some_and(|l| listing.unchanged.contains(&l.resource_name));
            let twin = echo
                || listing.people.iter().any(|g| {
                    g.resource_name != d.resource_name
                        && (g.tag.as_deref() == Some(d.crm_id.as_str())
                            || w.state
                                .links
                                .get(&d.crm_id)
                                .is_some_and(|l| l.resource_name == g.resource_name))
                });
            prop_assert!(
                listed(&d.resource_name) && twin,
                "second copy deleted unseen twin:\n{p}"
            );
        } else {
            prop_assert!(d.reason == DeleteReason::DeletedInCrm, "{p}");
        }
    }
    prop_assert!(p.creates_google.is_empty(), "{p}");
    Ok(())
}

/// Seeds the properties once failed on, kept so that they run on every test run.
#[test]
fn kept_seeds_of_an_incomplete_listing() {
    // A second copy of a linked contact was deleted while the linked contact itself was not in
    // the (truncated) listing, so could have been deleted in Google meanwhile.
    for seed in [5_798_803_408_107_179_954] {
        if let Err(e) = incomplete_listing(seed) {
            panic!("seed {seed}: {e}");
        }
    }
}

/// Rounds of random edits, each planned, executed and committed; after each, planning again
/// from the incremental listing plans nothing.
fn rounds_converge(seed: u64, rounds: usize) -> Result<(), TestCaseError> {
    let mut w = World::new(seed);
    for r in 0..rounds {
        let full = r == 0 || w.rng.chance(30);
        let state = w.state.clone();
        let plan = w.round(full, true).map_err(TestCaseError::fail)?;
        ambiguity_creates_nothing(&plan).map_err(TestCaseError::fail)?;
        no_silent_twins(&plan, &state).map_err(TestCaseError::fail)?;
        w.check_links().map_err(TestCaseError::fail)?;
        let again = w.listing(false);
        let p = w.plan(&again, true);
        prop_assert!(
            p.writes() == 0 && p.links.is_empty(),
            "second plan not empty:\n{p}\nafter:\n{plan}\nundecided: {:?}",
            w.state.undecided
        );
        w.random_edits(true);
    }
    Ok(())
}

/// Seeds the convergence property once failed on, kept so that they run on every test run.
#[test]
fn kept_seeds_of_convergence() {
    // A phone (an email) more CRM (Google) contacts held than a key may join counted only the
    // unlinked ones: once a round linked some holders it joined the rest, and the ambiguity it
    // made freed a same-named contact the first plan held back, created in Google next.
    for (seed, rounds) in [
        (2_879_039_970_615_578_014, 4),
        (8_402_060_184_757_072_432, 1),
        (2_741_827_329_187_617_124, 1),
        (11_810_602_969_470_548_860, 1),
        (1_964_445_581_353_352_572, 2),
    ] {
        if let Err(e) = rounds_converge(seed, rounds) {
            panic!("seed {seed}, {rounds} rounds: {e}");
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Applying a plan makes linked pairs agree, links stay one-to-one, no CRM contact gets two
    /// Google contacts, and planning again right away writes nothing.
    #[test]
    fn rounds_converge_and_a_second_plan_is_empty(seed in any::<u64>(), rounds in 1usize..5) {
        rounds_converge(seed, rounds)?;
    }

    /// Decisions never make a duplicate and never touch a pair not decided: each link decided
    /// is made and neither of its contacts is created on the other side; a pair kept apart is
    /// not linked, now or later; the links, creates and updates of contacts no decision names
    /// are those of the plan without decisions; each conflict decided keeps the side chosen;
    /// after execution links stay one-to-one.
    #[test]
    fn decisions_never_duplicate_and_never_touch_what_was_not_decided(seed in any::<u64>(), rounds in 1usize..4) {
        let mut w = World::new(seed);
        let region = w.settings.region();
        for r in 0..rounds {
            let full = r == 0 || w.rng.chance(30);
            let listing = w.listing(full);
            let undecided = w.plan(&listing, true);
            let d = w.random_decisions(&undecided);
            let plan = w.plan_decided(&listing, true, &d);
            prop_assert!(plan.rejected.is_empty(), "{:?} rejected:\n{plan}", plan.rejected);
            let mut named: BTreeSet<&str> = BTreeSet::new();
            for m in &d.matches {
                named.extend([m.crm_id.as_str(), m.resource_name.as_str()]);
                let linked = plan.links.iter().any(|l| l.crm_id == m.crm_id && l.resource_name == m.resource_name);
                match m.choice {
                    MatchChoice::Link => {
                        prop_assert!(linked, "{m:?} not linked:\n{plan}");
                        prop_assert!(!plan.creates_google.iter().any(|c| c.crm_id == m.crm_id), "{m:?}: created in Google:\n{plan}");
                        prop_assert!(!plan.creates_crm.iter().any(|c| c.resource_name == m.resource_name), "{m:?}: created in the CRM:\n{plan}");
                    }
                    MatchChoice::Apart => prop_assert!(!linked, "{m:?} linked:\n{plan}"),
                }
            }
            // What no decision names: a contact named by a match decision, or a candidate of
            // an ambiguity a decision settled, may go another way now; nothing else may.
            // (The contacts of a settled cluster, through every ambiguity they share.)
            loop {
                let more: Vec<&str> = undecided
                    .ambiguous
                    .iter()
                    .filter(|a| a.pairs().any(|(c, g)| named.contains(c) || named.contains(g)))
                    .flat_map(|a| std::iter::once(a.id.as_str()).chain(a.candidates.iter().map(String::as_str)))
                    .filter(|id| !named.contains(id))
                    .collect();
                if more.is_empty() {
                    break;
                }
                named.extend(more);
            }
            // A contact so settled and freed from a candidate goes on to the later rules, where
            // it may match a contact sharing an email, a phone or a full name with it: those
            // may go another way too. Nothing else may.
            let keys: BTreeSet<String> = w.crm.values().filter(|c| named.contains(c.id.as_str())).map(|c| &c.contact)
                .chain(w.google.values().filter(|g| named.contains(g.resource_name.as_str())).map(|g| &g.contact))
                .flat_map(|c| match_keys(c, region))
                .collect();
            let near: Vec<&str> = w.crm.values().filter(|c| match_keys(&c.contact, region).iter().any(|k| keys.contains(k))).map(|c| c.id.as_str())
                .chain(w.google.values().filter(|g| match_keys(&g.contact, region).iter().any(|k| keys.contains(k))).map(|g| g.resource_name.as_str()))
                .collect();
            named.extend(near);
            let conflicted: BTreeSet<&str> = d.conflicts.iter().map(|c| c.crm_id.as_str()).collect();
            for l in undecided.links.iter().filter(|l| !named.contains(l.crm_id.as_str()) && !named.contains(l.resource_name.as_str())) {
                prop_assert!(plan.links.contains(l), "link {l:?} lost:\n{plan}");
            }
            for c in undecided.creates_google.iter().filter(|c| !named.contains(c.crm_id.as_str())) {
                prop_assert!(plan.creates_google.contains(c), "create {c:?} lost:\n{plan}");
            }
            for c in undecided.creates_crm.iter().filter(|c| !named.contains(c.resource_name.as_str())) {
                prop_assert!(plan.creates_crm.contains(c), "create {c:?} lost:\n{plan}");
            }
            for u in undecided.updates.iter().filter(|u| !conflicted.contains(u.crm_id.as_str()) && !named.contains(u.crm_id.as_str()) && !named.contains(u.resource_name.as_str())) {
                prop_assert!(plan.updates.contains(u), "update {u:?} changed:\n{plan}");
            }
            for c in &d.conflicts {
                let settled = plan.conflicts.iter().find(|x| x.crm_id == c.crm_id && x.conflict.field == c.field);
                prop_assert!(settled.is_some_and(|x| x.conflict.kept == c.keep), "{c:?}:\n{plan}");
            }
            ambiguity_creates_nothing(&plan).map_err(TestCaseError::fail)?;
            no_silent_twins(&plan, &w.state).map_err(TestCaseError::fail)?;
            w.execute(&plan, &listing).map_err(TestCaseError::fail)?;
            w.check_links().map_err(TestCaseError::fail)?;
            let next = w.plan(&w.listing(false), true);
            for m in d.matches.iter().filter(|m| m.choice == MatchChoice::Apart) {
                prop_assert!(!next.links.iter().any(|l| l.crm_id == m.crm_id && l.resource_name == m.resource_name), "{m:?} linked later:\n{next}");
                prop_assert!(!next.ambiguous.iter().any(|a| a.pairs().any(|p| p == (m.crm_id.as_str(), m.resource_name.as_str()))), "{m:?} reported again:\n{next}");
            }
            w.random_edits(true);
        }
    }

    /// A linked Google contact listed with its link's etag and tag, in a planned group (an echo
    /// of the last write), plans the same whether the listing holds the contact or only its
    /// resource name, as the engine keeps echoes.
    #[test]
    fn echoes_kept_as_resource_names_plan_the_same(seed in any::<u64>(), rounds in 1usize..4) {
        echoes_plan_the_same(seed, rounds)?;
    }

    /// A value either side held before a round is still held after it, unless a deletion, a
    /// one-sided removal (the value was in the base and one side dropped it) or a recorded
    /// conflict took it out.
    #[test]
    fn no_value_is_lost_except_by_a_rule(seed in any::<u64>()) {
        let mut w = World::new(seed);
        w.round(true, true).map_err(TestCaseError::fail)?;
        w.random_edits(false);
        let region = w.settings.region();
        let before: Vec<PairValues> = w
            .state
            .links
            .values()
            .filter_map(|l| {
                let c = w.crm.get(&l.crm_id)?;
                let g = w.google.get(&l.resource_name)?;
                Some((l.crm_id.clone(), l.resource_name.clone(), values(&l.base, region), values(&c.contact, region), values(&g.contact, region)))
            })
            .collect();
        let plan = w.round(false, true).map_err(TestCaseError::fail)?;
        let conflicts: BTreeSet<String> = plan
            .conflicts
            .iter()
            .flat_map(|c| [c.conflict.crm.clone(), c.conflict.google.clone()])
            .map(|v| crate::sync::normalize::text_key(&v))
            .collect();
        for (crm_id, rn, base, c, g) in before {
            let (Some(ca), Some(ga)) = (w.crm.get(&crm_id), w.google.get(&rn)) else { continue };
            let after: BTreeSet<String> = values(&ca.contact, region).union(&values(&ga.contact, region)).cloned().collect();
            for v in c.union(&g) {
                let removed_one_side = base.contains(v) && !(c.contains(v) && g.contains(v));
                let in_conflict = conflicts.iter().any(|x| v.ends_with(x.as_str()) && !x.is_empty());
                prop_assert!(after.contains(v) || removed_one_side || in_conflict, "{v} lost for {crm_id}");
            }
        }
    }

    /// The host returns some CRM contacts in the view, some outside it, and (a change feed)
    /// leaves some linked ones out: a round writes nothing onto a CRM record it did not read,
    /// and defers those pairs instead. (Google writes carry the etag of the copy read; the
    /// executor refuses any other.)
    #[test]
    fn no_round_writes_onto_a_crm_record_it_did_not_read(seed in any::<u64>()) {
        let mut w = World::new(seed);
        w.round(true, true).map_err(TestCaseError::fail)?;
        w.random_edits(true);
        let full = w.rng.chance(30);
        let listing = w.listing(full);
        let (mut crm, mut other, mut unread) = (Vec::new(), Vec::new(), BTreeSet::new());
        let mut rng = Rng::new(w.rng.next_u64());
        for c in w.crm.values() {
            match rng.below(3) {
                0 => other.push(c.clone()),
                1 if w.state.links.contains_key(&c.id) => {
                    unread.insert(c.id.clone());
                }
                _ => crm.push(c.clone()),
            }
        }
        let p = plan(PlanInput {
            state: &w.state,
            settings: &w.settings,
            crm: &crm,
            crm_other: &other,
            crm_deleted: &w.crm_deleted,
            google: &listing,
            target_group: Some(TARGET),
            scope: &Scope::All,
            confirm_deletions: true,
            now: w.now,
            capabilities: &Default::default(),
            decisions: &NO_DECISIONS,
        });
        for u in p.updates.iter().filter(|u| u.side == Side::Crm) {
            prop_assert!(!unread.contains(&u.crm_id), "update of unread {}:
{}", u.crm_id, p);
        }
        for d in p.deletes.iter().filter(|d| d.side == Side::Crm) {
            prop_assert!(!unread.contains(&d.crm_id), "deletion of unread {}:
{}", d.crm_id, p);
        }
        for id in &p.deferred {
            prop_assert!(unread.contains(id), "{} deferred although read", id);
        }
        ambiguity_creates_nothing(&p).map_err(TestCaseError::fail)?;
    }

    /// A contact edited on one side and deleted on the other survives with its edit, whatever
    /// the deletion policies and the kind of listing.
    #[test]
    fn a_deletion_never_removes_an_edit_made_on_the_other_side(seed in any::<u64>()) {
        let mut w = World::new(seed);
        w.round(true, true).map_err(TestCaseError::fail)?;
        let links: Vec<Link> = w.state.links.values().cloned().collect();
        let (mut crm_edited, mut google_edited) = (Vec::new(), Vec::new());
        for l in links {
            w.now += 1;
            let title = format!("T{}", w.now);
            match w.rng.below(3) {
                0 => {
                    let Some(c) = w.crm.get_mut(&l.crm_id) else { continue };
                    c.contact.title = title.clone();
                    c.modified_at = w.now;
                    w.google.remove(&l.resource_name);
                    w.google_changed.remove(&l.resource_name);
                    w.google_deleted.insert(l.resource_name.clone());
                    crm_edited.push((l.crm_id.clone(), title));
                }
                1 => {
                    let Some(g) = w.google.get_mut(&l.resource_name) else { continue };
                    g.contact.title = title.clone();
                    g.updated_at = w.now;
                    g.etag = format!("e{}", w.now);
                    w.google_changed.insert(l.resource_name.clone());
                    w.crm.remove(&l.crm_id);
                    w.crm_deleted.push(l.crm_id.clone());
                    google_edited.push((l.resource_name.clone(), title));
                }
                _ => {}
            }
        }
        let full = w.rng.chance(50);
        let p = w.round(full, true).map_err(TestCaseError::fail)?;
        for (id, title) in crm_edited {
            let c = w.crm.get(&id);
            prop_assert!(c.is_some_and(|c| c.contact.title == title), "CRM edit of {} lost:
{}", id, p);
        }
        for (rn, title) in google_edited {
            let g = w.google.get(&rn);
            prop_assert!(g.is_some_and(|g| g.contact.title == title), "Google edit of {} lost:
{}", rn, p);
        }
        w.check_links().map_err(TestCaseError::fail)?;
    }

    /// An incomplete listing never yields a deletion inferred from what it lacks, nor a create
    /// in Google.
    #[test]
    fn an_incomplete_listing_never_deletes(seed in any::<u64>()) {
        incomplete_listing(seed)?;
    }

    /// A deletion set over the guard's limit is held back whole; under it, nothing is held.
    #[test]
    fn deletions_over_the_guard_are_held_back(seed in any::<u64>(), deleted in 0usize..40) {
        let mut w = World::new(seed);
        for _ in 0..30 { w.add(Side::Crm); }
        w.round(true, true).map_err(TestCaseError::fail)?;
        let links = w.state.links.len();
        let rns: Vec<String> = w.state.links.values().map(|l| l.resource_name.clone()).take(deleted).collect();
        for rn in &rns {
            w.google.remove(rn);
            w.google_deleted.insert(rn.clone());
        }
        let p = w.plan(&w.listing(false), false);
        let limit = w.settings.deletion_guard.limit(links);
        let crm_deletes = p.deletes.iter().filter(|d| d.side == Side::Crm).count();
        let held: usize = p.held.iter().map(|h| h.deletions.len()).sum();
        prop_assert!(crm_deletes <= limit);
        prop_assert_eq!(held > 0, rns.len() > limit);
        prop_assert_eq!(crm_deletes + held, rns.len());
    }
}

fn echoes_plan_the_same(seed: u64, rounds: usize) -> std::result::Result<(), TestCaseError> {
    let mut w = World::new(seed);
    for r in 0..rounds {
        let full = r == 0 || w.rng.chance(30);
        w.round(full, true).map_err(TestCaseError::fail)?;
        w.random_edits(true);
    }
    let full = w.rng.chance(50);
    let listing = w.listing(full);
    let mut reduced = GoogleListing {
        people: Vec::new(),
        ..listing.clone()
    };
    for g in &listing.people {
        let echo = w.state.links.values().any(|l| {
            l.resource_name == g.resource_name
                && !l.etag.is_empty()
                && l.etag == g.etag
                && g.tag.as_deref() == Some(l.crm_id.as_str())
                && g.extra_tags.is_empty()
                && g.groups
                    .iter()
                    .any(|grp| w.settings.source_groups.contains(grp) || grp == TARGET)
        });
        if echo {
            reduced.unchanged.insert(g.resource_name.clone());
        } else {
            reduced.people.push(g.clone());
        }
    }
    // The same writes, links and bases; only a diff's `before` text, which describes Google's
    // value, shows the base's order and labels of the values an echo holds.
    let writes = |mut p: Plan| {
        for d in p.updates.iter_mut().flat_map(|u| u.diffs.iter_mut()) {
            d.before.clear();
        }
        p
    };
    // And the contacts they carry may differ in what Google holds but normalisation drops
    // (a duplicate email the full listing shows, the base folded into one): equal values.
    let (mut full_plan, mut reduced_plan) = (
        writes(w.plan(&listing, false)),
        writes(w.plan(&reduced, false)),
    );
    let region = w.settings.region();
    for (r, f) in reduced_plan.updates.iter_mut().zip(&full_plan.updates) {
        if !differs(&r.contact, &f.contact, region) {
            r.contact = f.contact.clone();
        }
    }
    for (id, r) in reduced_plan.next_bases.iter_mut() {
        if let Some(f) = full_plan.next_bases.get(id) {
            if !differs(&r.base, &f.base, region) {
                r.base = f.base.clone();
            }
        }
    }
    // A base the full listing refreshes to Google's spelling of the same values is no change.
    full_plan.next_bases.retain(|id, f| {
        reduced_plan.next_bases.contains_key(id)
            || w.state.links.get(id).is_none_or(|l| {
                l.resource_name != f.resource_name
                    || l.etag != f.etag
                    || differs(&l.base, &f.base, region)
            })
    });
    prop_assert_eq!(full_plan, reduced_plan);
    Ok(())
}

#[test]
fn kept_seeds_of_echoes() {
    // An echo whose Google copy holds a duplicate email the base folded into one.
    // A base refreshed to Google's spelling of values the base already holds.
    for (seed, rounds) in [
        (13_552_868_109_175_506_688, 1),
        (8_269_849_036_364_748_044, 2),
    ] {
        if let Err(e) = echoes_plan_the_same(seed, rounds) {
            panic!("seed {seed}: {e}");
        }
    }
}

mod held;

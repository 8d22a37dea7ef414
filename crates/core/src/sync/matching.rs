//! Pairing unlinked contacts across the two sides (docs/sync-rules.md, "Linking").
//!
//! Rules, strongest first: our `clientData` tag; then, for untagged Google contacts only, a shared
//! normalized email; a shared normalized phone; an equal normalized full name plus an equal
//! birthday or company; last, an equal loosely normalized full name alone (see `duplicates`),
//! which never links: such pairs are *possible duplicates*, set aside for the user to decide.
//! Rules run in order and each sees only the contacts earlier rules left unmatched; a contact a
//! later rule joins to one an earlier rule set aside is set aside too, never created.
//!
//! Under one rule, contacts sharing a key are joined; the contacts joined directly or through
//! others form a cluster. A cluster of exactly one contact on each side links. Any larger cluster
//! is ambiguous as a whole: every contact in it is set aside for the user (no link, no create),
//! whatever the order of the inputs, because linking any pair inside it and creating the rest
//! would make a duplicate of a contact the pair stands for (info@ on Alice and Bob in the CRM, and
//! on Bob and Carol in Google: linking Bob to Bob leaves Alice and Carol, each the other's twin by
//! that same info@).
//!
//! An email or phone is shared by a household or a switchboard, so it links two contacts only when
//! their names are compatible: equal family names (normalized), or no family name on one side. A
//! pair whose family names differ is ambiguous too. A Google contact carrying this instance's tag
//! for two CRM contacts (two tagged contacts merged in Google) is ambiguous under the tag rule.
//! Phones everyone shares (emergency numbers, short codes, placeholders) never join contacts.
//!
//! Bounded: an email, phone or name with birthday or company held by more than
//! [`COMMON_KEY_LIMIT`] contacts on either side (a switchboard, info@) is no evidence of anyone's
//! identity: under that rule it neither links nor makes an ambiguity. A key found so is kept and
//! stays so ([`Settled::common`]), so that a run linking some holders does not make it evidence
//! for the rest. Each ambiguity lists at most [`LISTED_CANDIDATES`] candidates and counts the
//! rest, so the output stays linear in the contacts however many share a value. The name rule
//! keeps every cluster whatever its size: a name alone never links, and creating each of many
//! same-named contacts on the other side would be the duplicate that rule exists to prevent.

use super::model::{Contact, CrmContact, GoogleContact, Side};
use super::normalize::{email_key, name_key, phone_key, text_key, Region};
use super::phone::is_matchable;
use serde::Serialize;
use std::collections::HashSet;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchRule {
    Tag,
    Email,
    Phone,
    NameAndBirthdayOrCompany,
    /// The same name with nothing contradicting it: a possible duplicate, never linked alone.
    Name,
}

impl MatchRule {
    const ALL: [MatchRule; 5] = [
        MatchRule::Tag,
        MatchRule::Email,
        MatchRule::Phone,
        MatchRule::NameAndBirthdayOrCompany,
        MatchRule::Name,
    ];
}

impl fmt::Display for MatchRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MatchRule::Tag => "link tag",
            MatchRule::Email => "email",
            MatchRule::Phone => "phone",
            MatchRule::NameAndBirthdayOrCompany => "name and birthday or company",
            MatchRule::Name => "name",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub crm: usize,
    pub google: usize,
    pub rule: MatchRule,
}

/// Why contacts were set aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Ambiguity {
    /// The contact has several candidates on the other side (or is one of a cluster where some
    /// contact has).
    SeveralCandidates,
    /// Its only candidate shares an email or phone with it under another family name.
    NamesDiffer,
    /// A Google contact carries this CRM instance's tag for several CRM contacts.
    SeveralTags,
    /// A second Google contact tagged for a CRM contact that has a twin already, holding
    /// values the twin lacks (so it is not deleted as a duplicate).
    SecondCopy,
    /// Its only candidate has the same name and nothing telling them apart, and nothing else
    /// links them: perhaps one person entered on both sides, perhaps two.
    PossibleDuplicate,
}

/// A contact set aside, with its candidates: nothing is linked or created for it or for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ambiguous {
    /// The side the contact is on.
    pub side: Side,
    /// Its CRM id or Google resource name.
    pub id: String,
    pub name: String,
    pub rule: MatchRule,
    pub reason: Ambiguity,
    /// The candidates' ids on the other side, the first [`LISTED_CANDIDATES`] by id.
    pub candidates: Vec<String>,
    /// How many candidates there are beyond those listed.
    #[serde(default)]
    pub more_candidates: usize,
    /// Their names, in the order of `candidates` ("" where the name is not at hand), so the
    /// preview names the contacts rather than their ids.
    #[serde(default)]
    pub candidate_names: Vec<String>,
    /// What it shares with them under `rule`, as the contact holds it: its emails or phones
    /// that join them, or its name with the birthday or company (empty under the tag rule).
    #[serde(default)]
    pub shared: Vec<String>,
}

impl Ambiguous {
    /// Whether the user may settle it in the preview, linking the contact to a candidate or
    /// keeping them apart: a match by value. A tag names its CRM contact; a tag conflict is
    /// not a guess to settle.
    pub fn decidable(&self) -> bool {
        self.rule != MatchRule::Tag
            && matches!(
                self.reason,
                Ambiguity::SeveralCandidates
                    | Ambiguity::NamesDiffer
                    | Ambiguity::PossibleDuplicate
            )
    }

    /// The (CRM id, resource name) pairs of the contact with each candidate.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.candidates.iter().map(move |c| match self.side {
            Side::Crm => (self.id.as_str(), c.as_str()),
            Side::Google => (c.as_str(), self.id.as_str()),
        })
    }
}

/// What was settled before matching: pairs never to join, contacts already paired by the
/// user's choice (by CRM id and by resource name), which take no part, and linked contacts.
#[derive(Debug, Default)]
pub struct Settled<'a> {
    /// (CRM id, resource name), sorted: searched, not hashed, as there are few.
    pub apart: Vec<(&'a str, &'a str)>,
    pub crm: HashSet<&'a str>,
    pub google: HashSet<&'a str>,
    /// Keys an earlier plan found too common to be evidence: they stay so (see `common_keys`).
    pub common: HashSet<&'a str>,
}

impl fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ambiguous {} {:?} ({}): ", self.side, self.name, self.id)?;
        let mut list = self.candidates.join(", ");
        if self.more_candidates > 0 {
            list.push_str(&format!(" and {} more", self.more_candidates));
        }
        let count = self.candidates.len() + self.more_candidates;
        match self.reason {
            Ambiguity::SeveralCandidates => {
                write!(f, "{count} candidates by {}: {list}", self.rule)
            }
            Ambiguity::NamesDiffer => {
                write!(f, "same {} as {list} under another family name", self.rule)
            }
            Ambiguity::SeveralTags => write!(f, "tagged for {count} CRM contacts: {list}"),
            Ambiguity::SecondCopy => write!(
                f,
                "a second copy of CRM contact {list}, holding values the first lacks"
            ),
            Ambiguity::PossibleDuplicate => write!(f, "possibly the same person as {list}"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matching {
    /// Indexes into the inputs.
    pub matches: Vec<Match>,
    pub ambiguous: Vec<Ambiguous>,
    /// Contacts set aside by an ambiguity, by index into the inputs (true when set aside):
    /// neither linked nor created.
    pub blocked_crm: Vec<bool>,
    pub blocked_google: Vec<bool>,
    /// The keys too common to be evidence that the contacts here hold, sorted.
    pub common: Vec<String>,
}

/// The keys a contact is matched by under one rule.
fn crm_keys(c: &CrmContact, rule: MatchRule, region: Region) -> Vec<String> {
    match rule {
        MatchRule::Tag => vec![c.id.clone()],
        _ => contact_keys(&c.contact, rule, region),
    }
}

fn google_keys(g: &GoogleContact, rule: MatchRule, region: Region) -> Vec<String> {
    match rule {
        MatchRule::Tag => g.tag.iter().chain(&g.extra_tags).cloned().collect(),
        // A contact tagged for a CRM contact that the tag rule did not find belongs to that
        // contact (deleted in the CRM, or linked elsewhere): it is nobody else's twin.
        _ if g.tag.is_some() => Vec::new(),
        _ => contact_keys(&g.contact, rule, region),
    }
}

/// Whether an email or a phone may pair these two: one person's, not a household's.
fn names_compatible(a: &Contact, b: &Contact) -> bool {
    let (fa, fb) = (text_key(&a.name.family), text_key(&b.name.family));
    fa.is_empty() || fb.is_empty() || fa == fb
}

fn contact_keys(c: &Contact, rule: MatchRule, region: Region) -> Vec<String> {
    let mut keys: Vec<String> = match rule {
        MatchRule::Tag => Vec::new(),
        MatchRule::Email => c.emails.iter().map(email_key).collect(),
        MatchRule::Phone => c
            .phones
            .iter()
            .map(|p| phone_key(p, region))
            .filter(|k| is_matchable(k))
            .collect(),
        MatchRule::NameAndBirthdayOrCompany => {
            let name = name_key(&c.name);
            if name.is_empty() {
                return Vec::new();
            }
            let mut k = Vec::new();
            if let Some(b) = c.birthday {
                k.push(format!("b\u{1f}{name}\u{1f}{b}"));
            }
            let company = text_key(&c.company);
            if !company.is_empty() {
                k.push(format!("c\u{1f}{name}\u{1f}{company}"));
            }
            k
        }
        MatchRule::Name => vec![duplicates::loose_name_key(&c.name)],
    };
    keys.retain(|k| !k.is_empty());
    // Unstable: equal keys are indistinguishable (see `Engine::google_updates`).
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The values of `c` whose keys under `rule` pass `joins`, as `c` holds them, for people to
/// read: its emails or phones, or its name with the birthday or company that matched.
fn shown_keys(
    c: &Contact,
    rule: MatchRule,
    region: Region,
    joins: impl Fn(&String) -> bool,
) -> Vec<String> {
    let mut out: Vec<String> = match rule {
        MatchRule::Tag => Vec::new(),
        MatchRule::Email => c
            .emails
            .iter()
            .filter(|e| joins(&email_key(e)))
            .map(|e| e.value.trim().to_string())
            .collect(),
        MatchRule::Phone => c
            .phones
            .iter()
            .filter(|p| joins(&phone_key(p, region)))
            .map(|p| p.value.trim().to_string())
            .collect(),
        MatchRule::NameAndBirthdayOrCompany => {
            let name = c.display_name();
            contact_keys(c, rule, region)
                .iter()
                .filter(|k| joins(k))
                .map(|k| match k.split('\u{1f}').next() {
                    Some("b") => format!(
                        "{name}, {}",
                        c.birthday.map(|b| b.to_string()).unwrap_or_default()
                    ),
                    _ => format!("{name}, {}", c.company.trim()),
                })
                .collect()
        }
        MatchRule::Name => vec![c.display_name()],
    };
    out.dedup();
    out
}

/// Pairs `crm` with `google`. Deterministic, and independent of the order of the inputs up to
/// the order of its lists: the same contacts give the same links and ambiguities.
pub fn match_contacts(crm: &[&CrmContact], google: &[&GoogleContact], region: Region) -> Matching {
    match_settled(crm, google, region, &Settled::default())
}

/// [`match_contacts`] after the user's choices: the pairs in `settled.apart` never join, and the
/// contacts it names as paired are neither matched nor candidates.
pub fn match_settled(
    crm: &[&CrmContact],
    google: &[&GoogleContact],
    region: Region,
    settled: &Settled<'_>,
) -> Matching {
    let mut out = Matching {
        blocked_crm: vec![false; crm.len()],
        blocked_google: vec![false; google.len()],
        ..Matching::default()
    };
    let mut crm_done: Vec<bool> = crm
        .iter()
        .map(|c| settled.crm.contains(c.id.as_str()))
        .collect();
    let mut google_done: Vec<bool> = google
        .iter()
        .map(|g| settled.google.contains(g.resource_name.as_str()))
        .collect();
    let n = crm.len();
    // Contacts set aside keep their keys under later rules: a contact joined to one is set aside
    // too (created, it could duplicate it should the user keep it from its candidates).
    for rule in MatchRule::ALL {
        let before_crm = out.blocked_crm.clone();
        let before_google = out.blocked_google.clone();
        // Every contact's keys count towards a key's commonness, matched or not: a switchboard
        // stays one however many of its callers an earlier rule (or run) linked.
        let mut ck: Vec<Vec<String>> = crm.iter().map(|c| crm_keys(c, rule, region)).collect();
        let mut gk: Vec<Vec<String>> = google
            .iter()
            .map(|g| google_keys(g, rule, region))
            .collect();
        let common = common_keys(rule, [&ck, &gk], &settled.common);
        out.common.extend(common.iter().cloned());
        for ((keys, done), blocked) in ck
            .iter_mut()
            .zip(&crm_done)
            .zip(&before_crm)
            .chain(gk.iter_mut().zip(&google_done).zip(&before_google))
        {
            if *done && !*blocked {
                *keys = Vec::new();
            } else if !common.is_empty() {
                keys.retain(|k| !common.contains(k.as_str()));
            }
        }
        let (c_index, g_index) = (index(&ck), index(&gk));
        let mut c_cands: Vec<Vec<usize>> = ck.iter().map(|ks| candidates(ks, &g_index)).collect();
        let mut g_cands: Vec<Vec<usize>> = gk.iter().map(|ks| candidates(ks, &c_index)).collect();
        if !settled.apart.is_empty() {
            let apart = |c: usize, g: usize| {
                settled
                    .apart
                    .binary_search(&(crm[c].id.as_str(), google[g].resource_name.as_str()))
                    .is_ok()
            };
            for (c, cands) in c_cands.iter_mut().enumerate() {
                cands.retain(|&g| !apart(c, g));
            }
            for (g, cands) in g_cands.iter_mut().enumerate() {
                cands.retain(|&c| !apart(c, g));
            }
        }
        if rule == MatchRule::Name {
            // A name alone joins only contacts that nothing tells apart.
            let told_apart =
                |c: usize, g: usize| duplicates::contradicts(&crm[c].contact, &google[g].contact);
            for (c, cands) in c_cands.iter_mut().enumerate() {
                cands.retain(|&g| !told_apart(c, g));
            }
            for (g, cands) in g_cands.iter_mut().enumerate() {
                cands.retain(|&c| !told_apart(c, g));
            }
        }

        let mut clusters = Clusters((0..n + google.len()).collect());
        for (ci, cands) in c_cands.iter().enumerate() {
            for &gi in cands {
                clusters.join(ci, n + gi);
            }
        }
        // Each cluster's contacts on each side, indexed by its root node (nodes that are not a
        // root keep two empty lists, which do not allocate).
        let mut members: Vec<(Vec<usize>, Vec<usize>)> =
            vec![(Vec::new(), Vec::new()); n + google.len()];
        for ci in (0..n).filter(|&i| !c_cands[i].is_empty()) {
            members[clusters.root(ci)].0.push(ci);
        }
        for gi in (0..google.len()).filter(|&i| !g_cands[i].is_empty()) {
            members[clusters.root(n + gi)].1.push(gi);
        }
        // A Google contact tagged for several CRM contacts is set aside even when only one of
        // them is here: linking it would give one contact the other's data.
        for gi in 0..google.len() {
            if rule != MatchRule::Tag || google_done[gi] || google[gi].extra_tags.is_empty() {
                continue;
            }
            let g = google[gi];
            let (candidates, _, more_candidates) =
                listed(gk[gi].iter().map(|t| (t.clone(), String::new())).collect());
            let listed_count = candidates.len();
            out.ambiguous.push(Ambiguous {
                side: Side::Google,
                id: g.resource_name.clone(),
                name: g.contact.display_name(),
                rule,
                reason: Ambiguity::SeveralTags,
                candidates,
                // The tagged CRM contacts need not be in scope: not named here.
                candidate_names: vec![String::new(); listed_count],
                more_candidates,
                shared: Vec::new(),
            });
            google_done[gi] = true;
            out.blocked_google[gi] = true;
        }
        // Contact `i` of `side` set aside under this rule, with its candidates (indexes on the
        // other side) by id.
        let set_aside = |side: Side, i: usize, reason: Ambiguity, candidates_of: &[usize]| {
            let id = |side: Side, i: usize| match side {
                Side::Crm => crm[i].id.clone(),
                Side::Google => google[i].resource_name.clone(),
            };
            let contact = |side: Side, i: usize| match side {
                Side::Crm => &crm[i].contact,
                Side::Google => &google[i].contact,
            };
            let (candidates, candidate_names, more_candidates) = listed(
                candidates_of
                    .iter()
                    .map(|&j| (id(side.other(), j), contact(side.other(), j).display_name()))
                    .collect(),
            );
            let keys = |side: Side, i: usize| match side {
                Side::Crm => &ck[i],
                Side::Google => &gk[i],
            };
            let joining: HashSet<&String> = candidates_of
                .iter()
                .flat_map(|&j| keys(side.other(), j))
                .collect();
            let shared = shown_keys(contact(side, i), rule, region, |k| joining.contains(k));
            Ambiguous {
                side,
                id: id(side, i),
                name: contact(side, i).display_name(),
                rule,
                reason,
                candidates,
                candidate_names,
                more_candidates,
                shared,
            }
        };
        // Clusters in the order of their first CRM contact (every cluster has one), so the
        // output follows the CRM's order.
        for ci in 0..n {
            let (cs, gs) = std::mem::take(&mut members[clusters.root(ci)]);
            if cs.is_empty() {
                continue;
            }
            let joins_blocked =
                cs.iter().any(|&c| before_crm[c]) || gs.iter().any(|&g| before_google[g]);
            if joins_blocked {
                // Joined to contacts set aside before: each contact new here is set aside too.
                let reason = |cands: &[usize]| match rule {
                    MatchRule::Name if cands.len() == 1 => Ambiguity::PossibleDuplicate,
                    _ => Ambiguity::SeveralCandidates,
                };
                for &c in cs.iter().filter(|&&c| !crm_done[c]) {
                    out.ambiguous
                        .push(set_aside(Side::Crm, c, reason(&c_cands[c]), &c_cands[c]));
                }
                for &g in gs.iter().filter(|&&g| !google_done[g]) {
                    let a = set_aside(Side::Google, g, reason(&g_cands[g]), &g_cands[g]);
                    out.ambiguous.push(a);
                }
            } else if let ([c], [g]) = (&cs[..], &gs[..]) {
                let (c, g) = (*c, *g);
                if google_done[g] {
                    // Set aside above for its tags: its CRM contact goes with it.
                    crm_done[c] = true;
                    out.blocked_crm[c] = true;
                    continue;
                }
                if rule == MatchRule::Name {
                    out.ambiguous
                        .push(set_aside(Side::Crm, c, Ambiguity::PossibleDuplicate, &[g]));
                    crm_done[c] = true;
                    google_done[g] = true;
                    out.blocked_crm[c] = true;
                    out.blocked_google[g] = true;
                    continue;
                }
                let by_value = matches!(rule, MatchRule::Email | MatchRule::Phone);
                if !by_value || names_compatible(&crm[c].contact, &google[g].contact) {
                    out.matches.push(Match {
                        crm: c,
                        google: g,
                        rule,
                    });
                    crm_done[c] = true;
                    google_done[g] = true;
                    continue;
                }
                out.ambiguous
                    .push(set_aside(Side::Crm, c, Ambiguity::NamesDiffer, &[g]));
            } else {
                // Some contact here has several candidates (a connected cluster of three or
                // more always has one): each such contact is reported, every one is set aside.
                for &c in cs.iter().filter(|&&c| c_cands[c].len() > 1) {
                    out.ambiguous.push(set_aside(
                        Side::Crm,
                        c,
                        Ambiguity::SeveralCandidates,
                        &c_cands[c],
                    ));
                }
                for &g in gs
                    .iter()
                    .filter(|&&g| g_cands[g].len() > 1 && !google_done[g])
                {
                    out.ambiguous.push(set_aside(
                        Side::Google,
                        g,
                        Ambiguity::SeveralCandidates,
                        &g_cands[g],
                    ));
                }
            }
            for c in cs {
                crm_done[c] = true;
                out.blocked_crm[c] = true;
            }
            for g in gs {
                google_done[g] = true;
                out.blocked_google[g] = true;
            }
        }
    }
    out.common.sort_unstable();
    out.common.dedup();
    out
}

mod bounds;
mod clusters;
pub mod duplicates;

use bounds::{common_keys, listed};
pub use bounds::{COMMON_KEY_LIMIT, LISTED_CANDIDATES};
use clusters::{candidates, index, Clusters};

#[cfg(test)]
mod tests;

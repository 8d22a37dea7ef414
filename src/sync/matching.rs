//! Pairing unlinked contacts across the two sides (DESIGN §3, "Linking").
//!
//! Rules, strongest first: our `clientData` tag; then, for untagged Google contacts only, a shared
//! normalized email; a shared normalized
//! phone; an equal normalized full name plus an equal birthday or company. A pair links only when
//! each is the other's single candidate under a rule. A contact with several candidates is
//! ambiguous: it, and every candidate it has, is set aside for the user (no link, no create),
//! because creating any of them would make a duplicate. Rules run in order and each sees only the
//! contacts earlier rules left unmatched and unblocked.

use super::model::{CrmContact, GoogleContact, Side};
use super::normalize::{email_key, name_key, phone_key, text_key, Region};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchRule {
    Tag,
    Email,
    Phone,
    NameAndBirthdayOrCompany,
}

impl MatchRule {
    const ALL: [MatchRule; 4] = [
        MatchRule::Tag,
        MatchRule::Email,
        MatchRule::Phone,
        MatchRule::NameAndBirthdayOrCompany,
    ];
}

impl fmt::Display for MatchRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MatchRule::Tag => "link tag",
            MatchRule::Email => "email",
            MatchRule::Phone => "phone",
            MatchRule::NameAndBirthdayOrCompany => "name and birthday or company",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub crm: usize,
    pub google: usize,
    pub rule: MatchRule,
}

/// A contact with several candidates on the other side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ambiguous {
    /// The side the contact is on.
    pub side: Side,
    /// Its CRM id or Google resource name.
    pub id: String,
    pub name: String,
    pub rule: MatchRule,
    /// The candidates' ids on the other side.
    pub candidates: Vec<String>,
}

impl fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ambiguous {} {:?} ({}): {} candidates by {}: {}",
            self.side,
            self.name,
            self.id,
            self.candidates.len(),
            self.rule,
            self.candidates.join(", ")
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matching {
    /// Indexes into the inputs.
    pub matches: Vec<Match>,
    pub ambiguous: Vec<Ambiguous>,
    /// Contacts set aside by an ambiguity, by index (true when set aside): neither linked nor
    /// created. Flags rather than a `BTreeSet<usize>`, a B-tree type the wasm had for nothing
    /// else.
    pub blocked_crm: Vec<bool>,
    pub blocked_google: Vec<bool>,
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
        MatchRule::Tag => g.tag.iter().cloned().collect(),
        // A contact tagged for a CRM contact that the tag rule did not find belongs to that
        // contact (deleted in the CRM, or linked elsewhere): it is nobody else's twin.
        _ if g.tag.is_some() => Vec::new(),
        _ => contact_keys(&g.contact, rule, region),
    }
}

fn contact_keys(c: &super::model::Contact, rule: MatchRule, region: Region) -> Vec<String> {
    let mut keys: Vec<String> = match rule {
        MatchRule::Tag => Vec::new(),
        MatchRule::Email => c.emails.iter().map(email_key).collect(),
        MatchRule::Phone => c.phones.iter().map(|p| phone_key(p, region)).collect(),
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
    };
    keys.retain(|k| !k.is_empty());
    // Unstable: equal keys are indistinguishable (see `Engine::google_updates`).
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn index(keys: &[Vec<String>]) -> HashMap<&str, Vec<usize>> {
    let mut m: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for k in ks {
            m.entry(k.as_str()).or_default().push(i);
        }
    }
    m
}

/// Pairs `crm` with `google`. Deterministic: the same inputs in the same order give the same
/// result.
pub fn match_contacts(crm: &[&CrmContact], google: &[&GoogleContact], region: Region) -> Matching {
    let mut out = Matching {
        blocked_crm: vec![false; crm.len()],
        blocked_google: vec![false; google.len()],
        ..Matching::default()
    };
    let mut crm_done = vec![false; crm.len()];
    let mut google_done = vec![false; google.len()];
    for rule in MatchRule::ALL {
        let ck: Vec<Vec<String>> = crm
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if crm_done[i] {
                    Vec::new()
                } else {
                    crm_keys(c, rule, region)
                }
            })
            .collect();
        let gk: Vec<Vec<String>> = google
            .iter()
            .enumerate()
            .map(|(i, g)| {
                if google_done[i] {
                    Vec::new()
                } else {
                    google_keys(g, rule, region)
                }
            })
            .collect();
        let (c_index, g_index) = (index(&ck), index(&gk));
        // The indexes a contact's keys lead to, ascending and without repeats: kept sorted by
        // inserting in place (a handful each), which costs the wasm less than a sort or a
        // `BTreeSet<usize>`, both instantiated for this alone.
        let candidates = |keys: &[String], other: &HashMap<&str, Vec<usize>>| {
            let mut s: Vec<usize> = Vec::new();
            for k in keys {
                for &i in other.get(k.as_str()).into_iter().flatten() {
                    if let Err(at) = s.binary_search(&i) {
                        s.insert(at, i);
                    }
                }
            }
            s
        };
        let g_cands: Vec<Vec<usize>> = gk.iter().map(|ks| candidates(ks, &c_index)).collect();
        for (ci, keys) in ck.iter().enumerate() {
            if crm_done[ci] || keys.is_empty() {
                continue;
            }
            let cands = candidates(keys, &g_index);
            match cands.len() {
                0 => {}
                1 => {
                    let gi = *cands.first().unwrap_or(&0);
                    if google_done[gi] {
                        continue;
                    }
                    if g_cands[gi].len() == 1 {
                        out.matches.push(Match {
                            crm: ci,
                            google: gi,
                            rule,
                        });
                        crm_done[ci] = true;
                        google_done[gi] = true;
                    } else {
                        let g = google[gi];
                        out.ambiguous.push(Ambiguous {
                            side: Side::Google,
                            id: g.resource_name.clone(),
                            name: g.contact.display_name(),
                            rule,
                            candidates: g_cands[gi].iter().map(|&i| crm[i].id.clone()).collect(),
                        });
                        google_done[gi] = true;
                        out.blocked_google[gi] = true;
                        for &i in &g_cands[gi] {
                            crm_done[i] = true;
                            out.blocked_crm[i] = true;
                        }
                    }
                }
                _ => {
                    let c = crm[ci];
                    out.ambiguous.push(Ambiguous {
                        side: Side::Crm,
                        id: c.id.clone(),
                        name: c.contact.display_name(),
                        rule,
                        candidates: cands
                            .iter()
                            .map(|&i| google[i].resource_name.clone())
                            .collect(),
                    });
                    crm_done[ci] = true;
                    out.blocked_crm[ci] = true;
                    for &i in &cands {
                        google_done[i] = true;
                        out.blocked_google[i] = true;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;

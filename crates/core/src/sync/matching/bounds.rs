//! What keeps matching linear in the contacts however many share a value: keys too common to be
//! evidence, and ambiguities listing a few candidates each.

use super::MatchRule;
use std::collections::{HashMap, HashSet};

/// A key held by more contacts than this on either side does not join contacts under the email,
/// phone or name-with-birthday-or-company rules: a household shares a phone or an address among
/// a few people; more is an office's switchboard or a role address, shared by people who are
/// not each other.
pub const COMMON_KEY_LIMIT: usize = 5;

/// At most this many candidates are listed per ambiguous contact; the rest are counted in
/// [`Ambiguous::more_candidates`].
pub const LISTED_CANDIDATES: usize = 5;

/// The first [`LISTED_CANDIDATES`] of (id, name) pairs by id, as ids and names, and how many
/// more there are.
pub(super) fn listed(mut named: Vec<(String, String)>) -> (Vec<String>, Vec<String>, usize) {
    let more = named.len().saturating_sub(LISTED_CANDIDATES);
    if more > 0 {
        // Only the listed ones need their order: the rest are counted.
        named.select_nth_unstable(LISTED_CANDIDATES);
        named.truncate(LISTED_CANDIDATES);
    }
    // Unstable: equal ids are indistinguishable (see `Engine::google_updates`).
    named.sort_unstable();
    let (ids, names) = named.into_iter().unzip();
    (ids, names, more)
}

/// The keys under `rule` that more than [`COMMON_KEY_LIMIT`] contacts on one side hold, or that
/// an earlier plan found so (`before`) and a contact here still holds: no evidence of identity
/// (none under the tag rule, whose keys are ids, or the name rule, which never links). Only the
/// contacts in matching are counted, so a run that links some holders of a key counts fewer
/// next time; the key found common stays so, and what it did not join stays unjoined.
pub(super) fn common_keys(
    rule: MatchRule,
    keys: [&[Vec<String>]; 2],
    before: &HashSet<&str>,
) -> HashSet<String> {
    if matches!(rule, MatchRule::Tag | MatchRule::Name) {
        return HashSet::new();
    }
    let mut counts: HashMap<&str, [usize; 2]> = HashMap::new();
    // Each contact's keys are without repeats (`contact_keys`), so each counts a contact once.
    for (side, keys) in keys.into_iter().enumerate() {
        for k in keys.iter().flatten() {
            counts.entry(k).or_default()[side] += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(k, n)| n.iter().any(|&n| n > COMMON_KEY_LIMIT) || before.contains(k))
        .map(|(k, _)| k.to_string())
        .collect()
}

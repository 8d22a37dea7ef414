//! A key found too common to be evidence stays so while contacts in matching hold it.

use super::*;

/// Matches CRM contacts `1` to `n`, each with its own email and all with one phone, against a
/// Google contact holding that phone and another holding contact 1's email; `before` the keys
/// an earlier plan found too common.
fn switchboard(n: usize, before: &[&str]) -> Matching {
    let crm: Vec<String> = (1..=n)
        .map(|i| format!("{i}: first=P{i} phone=+1 415 555 0100 email=p{i}@x.io"))
        .collect();
    let crm = crm_contacts(&crm.join("\n"));
    let google =
        google_contacts("c1: first=Reception phone=(415) 555-0100\n c2: first=P1 email=p1@x.io");
    let settled = Settled {
        common: before.iter().copied().collect(),
        ..Settled::default()
    };
    match_settled(
        &crm.iter().collect::<Vec<_>>(),
        &google.iter().collect::<Vec<_>>(),
        Region::US,
        &settled,
    )
}

#[test]
fn a_phone_found_too_common_stays_so_when_some_of_its_holders_are_linked() {
    // Six share it: a switchboard, no evidence; P1 links by her email.
    let six = switchboard(6, &[]);
    assert_eq!(six.matches.len(), 1);
    assert!(six.ambiguous.is_empty(), "{:?}", six.ambiguous);
    assert_eq!(six.common.len(), 1, "{:?}", six.common);
    // Five hold it now (one linked meanwhile): found common before, it still joins none.
    let five = switchboard(
        5,
        &six.common.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(five.ambiguous.is_empty(), "{:?}", five.ambiguous);
    assert!(!five.blocked_crm.iter().any(|b| *b));
    assert_eq!(five.common, six.common);
    // Not found common before, the five are a household's or an office's phone: set aside.
    let household = switchboard(5, &[]);
    assert_eq!(household.ambiguous.len(), 1, "{:?}", household.ambiguous);
    assert!(household.common.is_empty());
}

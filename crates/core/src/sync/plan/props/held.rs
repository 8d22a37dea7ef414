//! Deletions held for their days (the settings' `googleDeletesHoldDays`, `crmDeletesHoldDays`),
//! over random worlds and random gaps between runs: a held deletion is never made by a run before
//! its days are over, and always by the first run after them.

use super::*;

const DAY: Millis = 24 * 60 * 60 * 1000;

/// One deletion held: the side its contact waits on, its CRM id and resource name, and when the
/// run that holds it saw the deletion.
struct Held {
    side: Side,
    crm_id: String,
    resource_name: String,
    since: Millis,
}

fn waits(w: &World, h: &Held) -> bool {
    match h.side {
        Side::Crm => w.crm.contains_key(&h.crm_id),
        Side::Google => w.google.contains_key(&h.resource_name),
    }
}

fn held_deletions(seed: u64, days: u32) -> std::result::Result<(), TestCaseError> {
    let mut w = World::new(seed);
    w.settings.crm_deletes = CrmDeletes::Delete;
    w.settings.google_deletes_hold_days = days;
    w.settings.crm_deletes_hold_days = days;
    w.round(true, true).map_err(TestCaseError::fail)?;
    // Some linked pairs deleted on one side or the other.
    let links: Vec<Link> = w.state.links.values().cloned().collect();
    for l in links {
        match w.rng.below(3) {
            0 => {
                w.crm.remove(&l.crm_id);
                w.crm_deleted.push(l.crm_id.clone());
            }
            1 => {
                w.google.remove(&l.resource_name);
                w.google_changed.remove(&l.resource_name);
                w.google_deleted.insert(l.resource_name.clone());
            }
            _ => {}
        }
    }
    w.now += w.rng.below(1_000) as Millis;
    let p = w.round(false, true).map_err(TestCaseError::fail)?;
    prop_assert!(
        p.deletes
            .iter()
            .all(|d| d.reason == DeleteReason::Duplicate),
        "a deletion made before its days:\n{}",
        p
    );
    let held: Vec<Held> = w
        .state
        .pending
        .deletions
        .values()
        .map(|d| Held {
            side: d.side,
            crm_id: d.link.crm_id.clone(),
            resource_name: d.link.resource_name.clone(),
            since: d.since,
        })
        .collect();
    prop_assert_eq!(held.len(), p.holds.len());
    if held.is_empty() {
        return Ok(());
    }
    let hold = Millis::from(days) * DAY;
    let last = held.iter().map(|h| h.since + hold).max().unwrap_or(w.now);
    // Runs at random gaps, some a moment before or at the end of a hold, until every hold is over.
    while w.now <= last {
        w.now = match w.rng.below(4) {
            0 => w.now + w.rng.below(DAY as usize) as Millis,
            1 => w.now + w.rng.below(1_000) as Millis,
            _ => {
                let h = &held[w.rng.below(held.len())];
                (h.since + hold - w.rng.below(2) as Millis).max(w.now)
            }
        };
        let at = w.now;
        let p = w.round(false, true).map_err(TestCaseError::fail)?;
        for h in &held {
            let due = at >= h.since + hold;
            prop_assert_eq!(
                waits(&w, h),
                !due,
                "{:?} contact of crm {} held since {} for {} days, run at {}:\n{}",
                h.side,
                h.crm_id,
                h.since,
                days,
                at,
                p
            );
            prop_assert_eq!(w.state.pending.deletions.contains_key(&h.crm_id), !due);
        }
    }
    w.check_links().map_err(TestCaseError::fail)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// A held deletion is never made before its days are over, and always by the first run after.
    #[test]
    fn a_held_deletion_never_deletes_before_its_days_and_always_after(seed in any::<u64>(), days in 1u32..4) {
        held_deletions(seed, days)?;
    }
}

use super::*;
use crate::sync::model::{Contact, GoogleContact, Name};
use crate::sync::state::Touched;
use std::collections::HashMap;

mod limits;

const ACCOUNT: &str = "ann@example.com";

fn link(id: &str, given: &str) -> Link {
    Link {
        crm_id: id.into(),
        resource_name: format!("people/c{id}"),
        etag: "e".into(),
        base: Contact {
            name: Name {
                given: given.into(),
                ..Name::default()
            },
            ..Contact::default()
        },
        synced_at: 5,
        last_change: None,
    }
}

fn state(ids: &[&str], token: &str) -> AccountState {
    let mut s = AccountState::new();
    for id in ids {
        s.links.insert(id.to_string(), link(id, "Ann"));
    }
    s.sync_token = Some(token.into());
    s.crm_cursor = Some(format!("cursor-{token}"));
    s.target_group = Some("contactGroups/crm".into());
    // A contact kept in the CRM after its Google deletion must stay remembered across reloads.
    s.kept_in_crm.insert("kept".into(), link("kept", "Kim"));
    s
}

/// A host storage: key → text.
#[derive(Clone, Default)]
struct Disk(HashMap<String, String>);

impl Disk {
    /// The values of the state's keys, then of the pieces the header names, as the shell reads
    /// them.
    fn values(&self) -> Vec<Option<String>> {
        let mut keys = state_keys(ACCOUNT);
        keys.extend(piece_keys(
            ACCOUNT,
            self.0.get(&key(ACCOUNT, "state")).map(String::as_str),
        ));
        keys.iter().map(|k| self.0.get(k).cloned()).collect()
    }

    fn load(&self) -> Loaded {
        load_state(ACCOUNT, &self.values()).expect("readable")
    }

    /// Makes the save's writes in order; `fails` names the writes (by index) that do not land.
    fn apply(&mut self, save: &Save, fails: &dyn Fn(usize) -> bool) -> bool {
        // The stamp goes first (and is not counted among the writes that fail).
        if let Some((k, v)) = &save.stamp {
            self.0.insert(k.clone(), v.clone());
        }
        let mut all = true;
        for (i, (k, v)) in save.shards.iter().enumerate() {
            if fails(i) {
                all = false;
            } else {
                self.0.insert(k.clone(), v.clone());
            }
        }
        // The header goes last, and only after every shard landed.
        if let Some((k, v)) = &save.header {
            if all && !fails(save.shards.len()) {
                self.0.insert(k.clone(), v.clone());
            } else {
                all = false;
            }
        }
        all
    }
}

fn saved(s: &AccountState) -> Disk {
    let mut disk = Disk::default();
    let save = save_state(ACCOUNT, s, &Stored::default()).expect("the state fits");
    assert!(disk.apply(&save, &|_| false));
    disk
}

#[test]
fn a_saved_state_loads_back_whole_and_trusted() {
    let s = state(&["1", "2", "3"], "t1");
    let loaded = saved(&s).load();
    assert!(!loaded.torn);
    assert_eq!(loaded.state, s);
}

#[test]
fn a_second_save_writes_only_the_shards_that_changed_then_the_header() {
    let s = state(&["1", "2", "3"], "t1");
    let disk = saved(&s);
    let loaded = disk.load();
    let same = save_state(ACCOUNT, &s, &loaded.stored).expect("the state fits");
    assert!(same.shards.is_empty() && same.header.is_none(), "{same:?}");
    let mut t = s.clone();
    t.links.insert("4".into(), link("4", "Bo"));
    t.sync_token = Some("t2".into());
    let save = save_state(ACCOUNT, &t, &loaded.stored).expect("the state fits");
    assert_eq!(save.shards.len(), 1, "{save:?}");
    assert!(save.header.is_some());
}

/// The class of bug: a save cut short anywhere. For every write of a save that fails (the rest
/// landing) and every point where the tab dies (nothing after it landing), the state read back
/// is either the new one, trusted, or untrusted: no sync token or CRM cursor that would let the
/// next run skip a contact whose link did not land; or, when nothing landed, the old one.
/// What the shell checks before it starts a run from the state it kept: the header and stamp.
fn holds(disk: &Disk, stored: &Stored) -> bool {
    stored.holds(
        ACCOUNT,
        disk.0.get(&key(ACCOUNT, "state")).map(String::as_str),
        disk.0.get(&stamp_key(ACCOUNT)).map(String::as_str),
    )
}

/// Loads as the shell does: the state keys and the stamp.
fn load_with_stamp(disk: &Disk) -> Loaded {
    let mut loaded = disk.load();
    loaded
        .stored
        .set_stamp(disk.0.get(&stamp_key(ACCOUNT)).cloned());
    loaded
}

#[test]
fn a_state_kept_in_memory_is_trusted_only_while_no_other_tab_saved_or_reset_it() {
    let s = state(&["1", "2", "3"], "t1");
    let mut disk = Disk::default();
    let first = save_changes(
        ACCOUNT,
        &s,
        &Stored::default(),
        None,
        Some("a"),
        DEFAULT_MAX_VALUE_BYTES,
    )
    .expect("the state fits");
    assert!(disk.apply(&first, &|_| false));
    // This tab keeps `s` and `first.stored`; nothing else wrote: trusted.
    let kept = first.stored;
    assert!(holds(&disk, &kept));
    // Another tab runs and saves: the kept state is stale, even when the other tab's save
    // changed a single link and no sync token.
    let other = load_with_stamp(&disk);
    assert!(holds(&disk, &other.stored), "a fresh load holds too");
    let mut t = other.state.clone();
    t.links.insert("2".into(), link("2", "Edited"));
    let mut touched = Touched::default();
    touched.links.insert("2".into());
    let save = save_changes(
        ACCOUNT,
        &t,
        &other.stored,
        Some(&touched),
        Some("b"),
        DEFAULT_MAX_VALUE_BYTES,
    )
    .expect("the state fits");
    let mut d = disk.clone();
    assert!(d.apply(&save, &|_| false));
    assert!(!holds(&d, &kept), "another tab's save is noticed");
    // The other tab's save cut short after its first shard: the header is the old one, but
    // the stamp says a save began.
    let mut d = disk.clone();
    d.apply(&save, &|i| i >= 1);
    assert_eq!(
        d.0.get(&key(ACCOUNT, "state")),
        disk.0.get(&key(ACCOUNT, "state"))
    );
    assert!(!holds(&d, &kept), "a torn save by another tab is noticed");
    // A reset deletes the state's keys and the stamp.
    let mut d = disk.clone();
    for k in state_keys(ACCOUNT).iter().chain([&stamp_key(ACCOUNT)]) {
        d.0.remove(k);
    }
    assert!(!holds(&d, &kept), "a reset is noticed");
    // The tab's own save that changed nothing writes nothing, and what it kept still holds.
    let same = save_changes(
        ACCOUNT,
        &s,
        &kept,
        Some(&Touched::default()),
        Some("c"),
        DEFAULT_MAX_VALUE_BYTES,
    )
    .expect("the state fits");
    assert!(same.stamp.is_none() && same.shards.is_empty() && same.header.is_none());
    assert!(holds(&disk, &same.stored));
}

/// The class of bug: a save that looks only at the entries a run touched must write what
/// comparing every shard writes, whatever changed (links, the cache, the header's fields).
#[test]
fn a_save_of_the_touched_entries_writes_what_a_full_comparison_writes() {
    let ids: Vec<String> = (0..300).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = state(&refs, "t1");
    for i in 0..40 {
        let rn = format!("people/u{i}");
        s.google_unlinked.insert(
            rn.clone(),
            GoogleContact {
                resource_name: rn,
                etag: "e".into(),
                updated_at: 1,
                tag: None,
                extra_tags: Vec::new(),
                groups: Vec::new(),
                contact: Contact::default(),
            },
        );
    }
    let mut disk = Disk::default();
    let first = save_changes(
        ACCOUNT,
        &s,
        &Stored::default(),
        None,
        Some("0"),
        DEFAULT_MAX_VALUE_BYTES,
    )
    .expect("the state fits");
    assert!(disk.apply(&first, &|_| false));
    let mut stored = first.stored;
    let mut rng = crate::sync::xorshift::XorShift::new(7);
    for round in 0..200 {
        let mut t = s.clone();
        let mut touched = Touched::default();
        for _ in 0..rng.below(6) {
            let id = (rng.below(400)).to_string();
            touched.links.insert(id.clone());
            match rng.below(3) {
                0 => {
                    t.links.remove(&id);
                }
                1 => {
                    t.links.insert(id.clone(), link(&id, "Changed"));
                }
                // Written again with the same values: no change to write.
                _ => {
                    if let Some(l) = s.links.get(&id) {
                        t.links.insert(id.clone(), l.clone());
                    }
                }
            }
        }
        match rng.below(4) {
            0 => {
                let rn = format!("people/u{}", rng.below(60));
                touched.google_unlinked.insert(rn.clone());
                t.google_unlinked.remove(&rn);
            }
            1 => {
                touched.all_google_unlinked = true;
                t.google_unlinked.clear();
            }
            2 => t.sync_token = Some(format!("t{round}")),
            _ => {}
        }
        let full = save_state(ACCOUNT, &t, &stored).expect("the state fits");
        let quick = save_changes(
            ACCOUNT,
            &t,
            &stored,
            Some(&touched),
            Some(&round.to_string()),
            DEFAULT_MAX_VALUE_BYTES,
        )
        .expect("the state fits");
        assert_eq!(quick.shards, full.shards, "round {round}");
        assert_eq!(quick.header, full.header, "round {round}");
        assert!(disk.apply(&quick, &|_| false));
        let back = load_with_stamp(&disk);
        assert!(!back.torn, "round {round}");
        assert_eq!(back.state, t, "round {round}");
        assert!(holds(&disk, &quick.stored), "round {round}");
        stored = quick.stored;
        s = t;
    }
}

/// Storage as a layout-2 build left it: a state with token "tok" and link "1" (Ann) in its shard,
/// without generations. Returns the disk and that link.
fn layout_2_disk() -> (Disk, Link) {
    let mut d = Disk::default();
    d.0.insert(
        key(ACCOUNT, "state"),
        r#"{"version":2,"links":{},"syncToken":"tok","fullSyncAt":7,"crmCursor":null,"googleUnlinked":{},"targetGroup":"contactGroups/g"}"#.into(),
    );
    let l = link("1", "Ann");
    let shard = fnv("1") % LINK_SHARDS;
    d.0.insert(
        key(ACCOUNT, &format!("links/{shard}")),
        format!("{{\"1\":{}}}", serde_json::to_string(&l).unwrap()),
    );
    (d, l)
}

/// A state just read may hold shards another build or layout wrote: the first save after a
/// load compares every shard, even those no entry of which the run touched, so none is left
/// in a form the header does not vouch for.
#[test]
fn the_first_save_after_a_load_compares_every_shard_whatever_the_run_touched() {
    let (mut d, _) = layout_2_disk();
    let back = load_with_stamp(&d);
    let save = save_changes(
        ACCOUNT,
        &back.state,
        &back.stored,
        Some(&Touched::default()),
        Some("s"),
        DEFAULT_MAX_VALUE_BYTES,
    )
    .expect("the state fits");
    assert_eq!(
        save.shards.len(),
        1,
        "the layout-2 shard is rewritten: {save:?}"
    );
    assert!(d.apply(&save, &|_| false));
    let again = load_with_stamp(&d);
    assert!(!again.torn);
    assert_eq!(again.state, back.state);
}

#[test]
fn a_save_cut_short_anywhere_is_never_trusted_with_missing_links() {
    let before = state(&["1", "2", "3", "4", "5", "6"], "old");
    let disk = saved(&before);
    let loaded = disk.load();
    let mut after = before.clone();
    after.links.remove("2");
    for id in ["7", "8", "9", "10", "11"] {
        after.links.insert(id.into(), link(id, "New"));
    }
    after.links.insert("3".into(), link("3", "Edited"));
    after.sync_token = Some("new".into());
    after.crm_cursor = Some("cursor-new".into());
    let save = save_state(ACCOUNT, &after, &loaded.stored).expect("the state fits");
    let writes = save.shards.len() + 1;
    assert!(writes > 3, "the save spans several writes: {save:?}");
    let one_fails = (0..writes).map(|n| Box::new(move |i| i == n) as Box<dyn Fn(usize) -> bool>);
    let dies = (0..writes).map(|n| Box::new(move |i| i >= n) as Box<dyn Fn(usize) -> bool>);
    for (case, fails) in one_fails.chain(dies).enumerate() {
        let mut d = disk.clone();
        let whole = d.apply(&save, &*fails);
        let back = d.load();
        if (0..writes).all(&*fails) {
            // Nothing landed: the previous save is whole, token and all.
            assert!(!back.torn, "case {case}");
            assert_eq!(back.state, before, "case {case}");
            continue;
        }
        if whole {
            assert!(!back.torn, "case {case}");
            assert_eq!(back.state, after, "case {case}");
            continue;
        }
        assert!(back.torn, "case {case}: an unfinished save read as whole");
        assert_eq!(back.state.sync_token, None, "case {case}");
        assert_eq!(back.state.crm_cursor, None, "case {case}");
        // Every link read is one of the two saves' links.
        for (id, l) in &back.state.links {
            assert!(
                before.links.get(id) == Some(l) || after.links.get(id) == Some(l),
                "case {case}: link {id} is neither save's"
            );
        }
        // The next save over what was read repairs storage: whole and trusted again.
        let mut repaired = back.state.clone();
        repaired.sync_token = Some("next".into());
        let again = save_state(ACCOUNT, &repaired, &back.stored).expect("the state fits");
        assert!(d.apply(&again, &|_| false));
        let last = d.load();
        assert!(
            !last.torn,
            "case {case}: the save after a torn one is whole"
        );
        assert_eq!(last.state, repaired, "case {case}");
    }
}

#[test]
fn shards_without_a_header_are_a_first_save_cut_short() {
    let s = state(&["1", "2"], "t");
    let save = save_state(ACCOUNT, &s, &Stored::default()).expect("the state fits");
    let mut d = Disk::default();
    d.apply(&save, &|i| i >= save.shards.len());
    let back = d.load();
    assert!(back.torn);
    assert_eq!(back.state.links, s.links);
    assert_eq!(back.state.sync_token, None);
}

#[test]
fn a_layout_2_state_is_read_and_trusted_then_saved_in_layout_3() {
    let (mut d, l) = layout_2_disk();
    let back = d.load();
    assert!(!back.torn);
    assert_eq!(back.state.sync_token.as_deref(), Some("tok"));
    assert_eq!(back.state.links.get("1"), Some(&l));
    let save = save_state(ACCOUNT, &back.state, &back.stored).expect("the state fits");
    assert_eq!(
        save.shards.len(),
        1,
        "the old shard is rewritten with its generation"
    );
    assert!(d.apply(&save, &|_| false));
    let again = d.load();
    assert!(!again.torn);
    assert_eq!(again.state, back.state);
}

#[test]
fn a_corrupt_or_newer_key_names_itself() {
    let s = state(&["1"], "t");
    for (part, text, says) in [
        ("state", "{torn", "key must be a string"),
        ("state", r#"{"version":9}"#, "newer than this plugin"),
        (
            &*format!("links/{}", fnv("1") % LINK_SHARDS),
            "[1,2]",
            "expected a map",
        ),
        (
            "cache/3",
            r#"{"version":3,"generation":1,"entries":{"x":1}}"#,
            "expected struct",
        ),
        (
            "links/0",
            r#"{"version":4,"entries":{}}"#,
            "newer than this plugin",
        ),
    ] {
        let mut d = saved(&s);
        d.0.insert(key(ACCOUNT, part), text.into());
        let e = load_state(ACCOUNT, &d.values()).expect_err(part);
        assert_eq!(e.key, key(ACCOUNT, part));
        assert!(e.to_string().contains(says), "{part}: {e}");
    }
}

#[test]
fn small_values_carry_a_version_and_older_unversioned_ones_still_read() {
    let text = wrap_value(&vec!["a@x.io".to_string()]);
    assert_eq!(text, r#"{"version":1,"value":["a@x.io"]}"#);
    assert_eq!(read::<Vec<String>>("k", &text), Ok(vec!["a@x.io".into()]));
    assert_eq!(
        read::<Vec<String>>("k", r#"["b@x.io"]"#),
        Ok(vec!["b@x.io".into()])
    );
    let e = read::<Vec<String>>("gcs:accounts", r#"{"version":2,"value":[]}"#).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("stored gcs:accounts cannot be read: version 2"),
        "{e}"
    );
    let e = read::<Vec<String>>("gcs:accounts", "[\"a@x").unwrap_err();
    assert_eq!(e.key, "gcs:accounts");
    let e = read::<Vec<String>>("gcs:accounts", "{\"a\":1}").unwrap_err();
    assert!(e.reason.contains("expected a sequence"), "{e}");
}

#[test]
fn the_run_log_is_json_read_from_either_layout_and_keeps_the_last_fifty() {
    let k = "gcs:a:runs";
    assert_eq!(runs(k, "{\"ok\":true}\n{\"ok\":false}\n").unwrap().len(), 2);
    assert_eq!(runs(k, "{\"ok\":true}").unwrap().len(), 1);
    // A line that is not a report, as a torn write or a bad paste leaves it.
    let e = runs(k, "{\"ok\":true}\nnull garbage\n").unwrap_err();
    assert_eq!(e.key, k);
    let mut log = None;
    for i in 0..60 {
        log = Some(runs_with(k, log.as_deref(), &format!("{{\"n\":{i}}}")));
    }
    let log = log.unwrap();
    let v: Value = serde_json::from_str(&log).expect("real JSON");
    assert_eq!(v["version"], 1);
    let list = runs(k, &log).unwrap();
    assert_eq!(list.len(), RUNS_KEPT);
    assert_eq!(list[0]["n"], 59);
    // An unreadable log is started afresh by the next run.
    let fresh = runs_with(k, Some("{torn"), "{\"n\":1}");
    assert_eq!(runs(k, &fresh).unwrap().len(), 1);
}

#[test]
fn every_key_of_an_account_is_named_for_disconnect() {
    let keys = account_keys(ACCOUNT, None);
    assert_eq!(keys.len(), 1 + 64 + 16 + 6);
    for part in [
        "state", "links/63", "cache/0", "stamp", "journal", "settings", "runs", "meta", "lease",
    ] {
        assert!(keys.contains(&key(ACCOUNT, part)), "{part}");
    }
}

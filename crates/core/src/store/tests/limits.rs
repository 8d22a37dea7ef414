//! Every value written stays within the host's limit, whatever the state holds.

use super::*;
use proptest::prelude::*;

const MB: usize = 1_000_000;

/// A link whose synced values carry `notes_bytes` of notes (quotes, newlines and accents among
/// them, which JSON escapes or UTF-8 writes in more than one byte).
fn noted(id: &str, notes_bytes: usize) -> Link {
    let mut l = link(id, "Ann");
    let mut notes = String::with_capacity(notes_bytes);
    let pattern = format!("{id}: \"met at the fair\"\nœuvre; ");
    while notes.len() + pattern.len() <= notes_bytes {
        notes.push_str(&pattern);
    }
    while notes.len() < notes_bytes {
        notes.push('x');
    }
    l.base.notes = notes;
    l
}

/// Every write of a save, the stamp and the header included, with its key.
fn writes(save: &Save) -> impl Iterator<Item = &(String, String)> {
    save.stamp.iter().chain(&save.shards).chain(&save.header)
}

fn largest(save: &Save) -> usize {
    writes(save).map(|(_, v)| v.len()).max().unwrap_or(0)
}

/// Every key of the account on `disk` is one "Disconnect" removes.
fn assert_disconnect_finds_every_key(disk: &Disk) {
    let keys = account_keys(
        ACCOUNT,
        disk.0.get(&key(ACCOUNT, "state")).map(String::as_str),
    );
    for k in disk.0.keys() {
        assert!(keys.contains(k), "{k} is left behind by Disconnect");
    }
}

#[test]
fn twenty_five_thousand_contacts_with_8_kb_notes_save_and_load_through_a_1_mb_limit() {
    let mut s = state(&[], "t1");
    for i in 0..25_000 {
        let id = format!("crm-{i}");
        s.links.insert(id.clone(), noted(&id, 8 * 1024));
    }
    let save = save_changes(ACCOUNT, &s, &Stored::default(), None, Some("a"), MB)
        .expect("every contact fits");
    let big = largest(&save);
    eprintln!(
        "25,000 contacts x 8 KB notes, limit {MB}: {} writes, the largest {big} bytes",
        save.shards.len() + 2
    );
    assert!(big <= MB, "a write of {big} bytes passes the limit");
    // More keys than the 64 + 16 shards: the pieces beyond the first, named by the header.
    assert!(save.shards.len() > 64, "{}", save.shards.len());
    let mut disk = Disk::default();
    assert!(disk.apply(&save, &|_| false));
    let back = load_with_stamp(&disk);
    assert!(!back.torn);
    assert!(back.state == s, "the state reads back as saved");
    assert_disconnect_finds_every_key(&disk);

    // A run that edits one contact's notes rewrites only that contact's shard, within the limit.
    let mut t = back.state.clone();
    let edited = "crm-7".to_string();
    t.links.insert(edited.clone(), noted(&edited, 3 * 1024));
    let touched = Touched {
        links: [edited].into_iter().collect(),
        ..Touched::default()
    };
    let again = save_changes(ACCOUNT, &t, &save.stored, Some(&touched), Some("b"), MB)
        .expect("every contact fits");
    assert!(largest(&again) <= MB);
    assert!(
        (1..=4).contains(&again.shards.len()),
        "{} shards rewritten for one contact",
        again.shards.len()
    );
    assert!(disk.apply(&again, &|_| false));
    let back = load_with_stamp(&disk);
    assert!(!back.torn);
    assert!(back.state == t, "the edit reads back");
}

#[test]
fn a_contact_larger_than_the_limit_is_an_error_naming_it_and_writes_nothing() {
    let mut s = state(&["1", "2"], "t1");
    s.links.insert("crm-big".into(), noted("crm-big", 40_000));
    let e = save_changes(ACCOUNT, &s, &Stored::default(), None, Some("a"), 32 * 1024)
        .expect_err("the contact cannot fit");
    assert!(e.to_string().contains("CRM contact crm-big"), "{e}");
    assert!(e.to_string().contains("32768 bytes"), "{e}");
    assert!(e.bytes > e.limit);
}

#[test]
fn a_save_cut_short_is_noticed_when_it_rewrote_a_piece_the_header_names() {
    let limit = MIN_MAX_VALUE_BYTES;
    let mut s = state(&[], "t1");
    for i in 0..400 {
        let id = format!("crm-{i}");
        s.links.insert(id.clone(), noted(&id, 3_000));
    }
    let mut disk = saved_within(&s, limit);
    let before = disk.load();
    let header = disk.0.get(&key(ACCOUNT, "state")).cloned();
    let pieces = piece_keys(ACCOUNT, header.as_deref());
    assert!(
        !pieces.is_empty(),
        "400 contacts of 3 KB take more than 64 shards of 16 KiB"
    );
    // Edit the last contact of a shard in pieces: its last piece changes.
    let piece = &pieces[0];
    let in_piece: Vec<String> = read_shard::<Link>(piece, &disk.0[piece])
        .expect("readable")
        .0
        .into_keys()
        .collect();
    let edited = in_piece.last().expect("a piece holds contacts").clone();
    let mut t = before.state.clone();
    t.links.insert(edited.clone(), noted(&edited, 3_001));
    let save = save_changes(ACCOUNT, &t, &before.stored, None, Some("b"), limit).expect("fits");
    assert!(save.shards.iter().any(|(k, _)| k == piece), "{piece}");
    // Every shard lands but the header does not.
    assert!(!disk.apply(&save, &|i| i == save.shards.len()));
    let back = disk.load();
    assert!(back.torn, "a torn save read as whole");
    assert_eq!(back.state.sync_token, None);
    assert_eq!(back.state.links.len(), 400, "the links read are kept");
}

fn saved_within(s: &AccountState, limit: usize) -> Disk {
    let mut disk = Disk::default();
    let save = save_changes(ACCOUNT, s, &Stored::default(), None, Some("0"), limit).expect("fits");
    assert!(disk.apply(&save, &|_| false));
    disk
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the sizes and the limit: every write stays within it (or the save is refused
    /// naming a contact that cannot fit), the state reads back as saved, and a second save that
    /// shrinks or grows it leaves no key "Disconnect" misses.
    #[test]
    fn every_write_stays_within_the_limit_and_reads_back(
        sizes in prop::collection::vec(0usize..30_000, 0..160),
        resized in prop::collection::vec(0usize..30_000, 0..160),
        limit in MIN_MAX_VALUE_BYTES..150_000,
    ) {
        let mut disk = Disk::default();
        let mut stored = Stored::default();
        for (round, sizes) in [sizes, resized].into_iter().enumerate() {
            let mut s = state(&[], &format!("t{round}"));
            for (i, n) in sizes.iter().enumerate() {
                let id = format!("crm-{i}");
                s.links.insert(id.clone(), noted(&id, *n));
            }
            match save_changes(ACCOUNT, &s, &stored, None, Some(&round.to_string()), limit) {
                Ok(save) => {
                    for (k, v) in writes(&save) {
                        prop_assert!(v.len() <= limit, "{k}: {} > {limit}", v.len());
                    }
                    prop_assert!(disk.apply(&save, &|_| false));
                    let back = load_with_stamp(&disk);
                    prop_assert!(!back.torn);
                    prop_assert!(back.state == s, "round {round} reads back as saved");
                    assert_disconnect_finds_every_key(&disk);
                    stored = back.stored;
                }
                Err(e) => {
                    let too_big = sizes.iter().enumerate().any(|(i, n)| {
                        let id = format!("crm-{i}");
                        let text = serde_json::to_string(&noted(&id, *n)).unwrap_or_default();
                        SHARD_OVERHEAD + text.len() + id.len() + 4 > limit
                    });
                    prop_assert!(too_big, "refused though every contact fits: {e}");
                    prop_assert!(e.what.starts_with("CRM contact crm-"), "{e}");
                }
            }
        }
    }
}

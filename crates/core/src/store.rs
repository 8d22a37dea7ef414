//! How the plugin's data lies in the host's per-user storage, as text: keys, versions, the
//! sharded account state and the run log. Pure (the shell does the reads and writes), so native
//! tests reach every rule here.
//!
//! Keys are `gcs:accounts` (the account list) and `gcs:<account>:<part>` per account: `state`
//! (the header), `links/0…63` and `cache/0…15` (the state's maps, by a hash of their keys),
//! `stamp`, `journal`, `settings`, `meta`, `runs`, `lease`, `undo` and `undo/<run>/0…`
//! ([`keep_undo`]). Every value carries a version; a value that cannot be read is an
//! [`Unreadable`] naming its key. "Reset sync data" and "Disconnect" delete keys unread.
//!
//! Every value written stays within the host's limit (`storageMaxValueBytes`, else
//! [`DEFAULT_MAX_VALUE_BYTES`]): a shard whose text would pass it is written in pieces, the first
//! at its own key and the others at `links/3/1`, `links/3/2`…, which the header names.
//!
//! Saves cannot tear. A save writes the changed shards first, each stamped with a new save
//! generation, and the header last; the header names the generation every shard must carry. A
//! save cut short (a failed write, a closed tab) leaves shards whose generation the header does
//! not name, or a header whose shards never arrived: [`load_state`] then keeps the links it read
//! but drops the sync token and the CRM cursor, so the next run lists both sides in full and
//! links again what it lost (by tag first, then email, phone, name).
//!
//! A tab keeps the state it saved in memory and starts its next run from it while storage still
//! holds it ([`Stored::holds`]): every save writes a new stamp before anything else, so another
//! tab's save, even one cut short, changes the stamp or the header. Such a tab saves only the
//! shards holding the entries a run touched ([`save_changes`]).

use crate::json::{self, FromJson};
use crate::json_struct;
use crate::sync::model::{GoogleContact, Millis};
use crate::sync::state::{AccountState, Apart, Link, Merged, Pending, Touched};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

pub const LINK_SHARDS: u64 = 64;
pub const CACHE_SHARDS: u64 = 16;
/// The largest value written when the host declares no `storageMaxValueBytes`: small enough for
/// any store a CRM offers (Django's default request limit is 2.5 MB, with the value escaped in
/// JSON).
pub const DEFAULT_MAX_VALUE_BYTES: usize = 512 * 1024;
/// The smallest limit a host may declare: a shard must hold at least one contact.
pub const MIN_MAX_VALUE_BYTES: usize = 16 * 1024;
pub const ACCOUNTS_KEY: &str = "gcs:accounts";
/// Run log entries kept per account.
pub const RUNS_KEPT: usize = 50;
/// The layout of the header and the shards that [`save_state`] writes. Version 2 wrote the
/// shards as bare maps and the header without generations.
pub const LAYOUT_VERSION: u32 = 3;
/// The version of every other value (`{"version": 1, "value": …}`).
pub const VALUE_VERSION: u32 = 1;

pub fn key(account: &str, part: &str) -> String {
    let mut k = String::from("gcs:");
    k.push_str(account);
    k.push(':');
    k.push_str(part);
    k
}

/// FNV-1a: stable across builds and platforms, which the shard of a stored link depends on.
pub fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A stored value that cannot be used: its key and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub key: String,
    pub reason: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stored {} cannot be read: {}", self.key, self.reason)
    }
}

impl std::error::Error for Unreadable {}

fn unreadable(key: &str, reason: impl Into<String>) -> Unreadable {
    Unreadable {
        key: key.to_string(),
        reason: reason.into(),
    }
}

// ---- The account state ----------------------------------------------------------------------

/// The keys of an account's state, in the order [`load_state`] takes their values: the header,
/// the link shards, the cache shards.
pub fn state_keys(account: &str) -> Vec<String> {
    let mut k = vec![key(account, "state")];
    k.extend((0..LINK_SHARDS).map(|i| key(account, &format!("links/{i}"))));
    k.extend((0..CACHE_SHARDS).map(|i| key(account, &format!("cache/{i}"))));
    k
}

/// The key of an account's save stamp: a value no two saves share, written before anything else
/// of a save, so a tab that kept the state in memory learns from it and the header whether any
/// other tab wrote the state since, even a save of theirs cut short.
pub fn stamp_key(account: &str) -> String {
    key(account, "stamp")
}

/// The keys of the pieces beyond the first that the header `header` (its stored text) names:
/// read after [`state_keys`], in this order, for [`load_state`]. A header that cannot be read
/// names none.
pub fn piece_keys(account: &str, header: Option<&str>) -> Vec<String> {
    let Some(Ok(Value::Object(h))) = header.map(serde_json::from_str::<Value>) else {
        return Vec::new();
    };
    let Some(Value::Object(shards)) = h.get("shards") else {
        return Vec::new();
    };
    shards
        .keys()
        .filter(|p| p.matches('/').count() == 2)
        .map(|p| key(account, p))
        .collect()
}

/// The keys [`load_state`] takes the values of, in order: [`state_keys`], then the
/// [`piece_keys`] the stored header `header` names.
pub fn load_keys(account: &str, header: Option<&str>) -> Vec<String> {
    let mut keys = state_keys(account);
    keys.extend(piece_keys(account, header));
    keys
}

/// Every key an account may use, for "Disconnect": the pieces the stored header `header` names
/// included.
pub fn account_keys(account: &str, header: Option<&str>) -> Vec<String> {
    let mut keys = state_keys(account);
    keys.extend(piece_keys(account, header));
    for part in ["stamp", "journal", "settings", "runs", "meta", "lease"] {
        keys.push(key(account, part));
    }
    keys
}

/// What is in storage of an account's state: each key's value hash and the generation it
/// carries, the newest generation seen, and the save stamp.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stored {
    hashes: BTreeMap<String, u64>,
    generations: BTreeMap<String, u64>,
    generation: u64,
    /// The value of [`stamp_key`] as read or written.
    stamp: Option<String>,
    /// Every shard in storage was compared with or written from this build's serialization of
    /// the state it belongs to, so a shard none of whose entries changed need not be written
    /// out again to learn that it is unchanged. False after a load: a shard written by another
    /// build (or an older layout) may read the same and be written differently.
    verified: bool,
}

impl Stored {
    /// Records the stamp storage holds, as read beside the state.
    pub fn set_stamp(&mut self, stamp: Option<String>) {
        self.stamp = stamp;
    }

    /// Whether storage still holds what this describes, from the texts of the header and the
    /// stamp only: every save writes a new stamp before anything else, and every save that
    /// completes a new header, so another tab's save (finished or cut short) changes one of
    /// them, as does a reset or a disconnect (which delete both).
    pub fn holds(&self, account: &str, header: Option<&str>, stamp: Option<&str>) -> bool {
        self.hashes.get(&key(account, "state")).copied() == header.map(fnv)
            && self.stamp.as_deref() == stamp
    }

    fn get(&self, key: &str) -> Option<(u64, u64)> {
        Some((*self.hashes.get(key)?, *self.generations.get(key)?))
    }

    fn insert(&mut self, key: &str, hash: u64, generation: u64) {
        self.hashes.insert(key.to_string(), hash);
        self.generations.insert(key.to_string(), generation);
    }
}

/// A state read back.
#[derive(Debug, PartialEq)]
pub struct Loaded {
    pub state: AccountState,
    pub stored: Stored,
    /// The last save did not finish: the token and cursor were dropped (see the module docs).
    pub torn: bool,
}

json_struct! {
    /// The header: the state without its maps, and the generation each stored shard must carry.
    /// Written with the state's `kept_in_crm` borrowed, read into a map.
    struct Header<Kept> {
        /// Absent in the first layouts.
        version: u64 = "version" [default],
        /// Absent in layout 2.
        generation: Option<u64> = "generation",
        /// Shard part ("links/3") → generation, for every shard in storage. Absent in layout 2.
        shards: Option<BTreeMap<String, u64>> = "shards",
        sync_token: Option<String> = "syncToken",
        full_sync_at: Option<Millis> = "fullSyncAt",
        tags_checked_at: Option<Millis> = "tagsCheckedAt" [skip_empty],
        crm_cursor: Option<String> = "crmCursor",
        target_group: Option<String> = "targetGroup",
        /// Contacts kept in the CRM after their Google deletion: never pushed back unless edited.
        kept_in_crm: Kept = "keptInCrm" [default],
        /// Pairs the user keeps apart: few, so in the header. Not written while there are none.
        apart: Vec<Apart> = "apart" [skip_empty],
        /// CRM contacts whose Google twin was merged into another: few, so in the header.
        merged_in_google: BTreeMap<String, Merged> = "mergedInGoogle" [skip_empty],
        /// Undecided Google contacts' candidates: few, so in the header.
        undecided: BTreeMap<String, Vec<String>> = "undecided" [skip_empty],
        /// CRM contacts left out for Google's limit: capped in size, so in the header.
        past_limit: Vec<String> = "pastLimit" [skip_empty],
        /// Keys too common to be evidence: few, so in the header.
        common_keys: Vec<String> = "commonKeys" [skip_empty],
        field_directions: crate::sync::direction::FieldDirections = "fieldDirections" [skip_empty],
        custom_directions: BTreeMap<String, crate::sync::direction::FieldDirection> = "customDirections" [skip_empty],
        pending: Pending = "pending" [default],
    }
}

/// A shard's entries, written as a JSON object in its map's key order.
struct Entries<'a, T>(Vec<(&'a String, &'a T)>);

impl<T: Serialize> Serialize for Entries<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

fn split<T>(map: &BTreeMap<String, T>, n: u64) -> Vec<Entries<'_, T>> {
    let mut parts: Vec<Entries<T>> = (0..n).map(|_| Entries(Vec::new())).collect();
    for (k, v) in map {
        parts[(fnv(k) % n) as usize].0.push((k, v));
    }
    parts
}

json_struct! {
    /// A stored shard (layout 3): its entries, keyed as in the state's map, and the save
    /// generation it was written in. Written from borrowed [`Entries`], read into a map.
    struct Shard<E> {
        version: u64 = "version",
        generation: u64 = "generation" [default],
        entries: E = "entries" [default],
    }
}

fn shard_text<T: Serialize>(entries: &Entries<T>, generation: u64) -> String {
    // Invariant: plain data, as in `wrap_value`.
    serde_json::to_string(&Shard {
        version: u64::from(LAYOUT_VERSION),
        generation,
        entries,
    })
    .unwrap_or_default()
}

/// The part of a state key after the account ("links/3").
fn part(key: &str) -> &str {
    key.splitn(3, ':').nth(2).unwrap_or(key)
}

/// A shard's entries and its generation (`None` for a shard of layout 2, a bare map).
fn read_shard<T: FromJson>(
    key: &str,
    text: &str,
) -> Result<(BTreeMap<String, T>, Option<u64>), Unreadable> {
    let v: Value = serde_json::from_str(text).map_err(|e| unreadable(key, e.to_string()))?;
    let bad = |e: json::Error| unreadable(key, e.to_string());
    match v {
        // Layout 3; a bare map of layout 2 has no number for a value.
        Value::Object(m) if m.get("version").is_some_and(Value::is_u64) => {
            let version = m.get("version").and_then(Value::as_u64).unwrap_or(0);
            if version > u64::from(LAYOUT_VERSION) {
                return Err(unreadable(key, format!(
                    "version {version} is newer than this plugin's {LAYOUT_VERSION}: update the plugin"
                )));
            }
            let shard = Shard::<BTreeMap<String, T>>::from_json(Value::Object(m)).map_err(bad)?;
            Ok((shard.entries, Some(shard.generation)))
        }
        v => Ok((BTreeMap::from_json(v).map_err(bad)?, None)),
    }
}

/// Reads an account's state from the values of [`state_keys`] then of the [`piece_keys`] its
/// header names (in that order; `None` where a key holds nothing). Every key is read; the first
/// that cannot be is the error.
pub fn load_state(account: &str, values: &[Option<String>]) -> Result<Loaded, Unreadable> {
    let keys = load_keys(account, values.first().and_then(Option::as_deref));
    let mut stored = Stored::default();
    let mut state = AccountState::new();
    let mut header: Option<Header<BTreeMap<String, Link>>> = None;
    // Each shard's generation as found (`Some(None)`: a layout-2 shard).
    let mut found: Vec<(&str, Option<u64>)> = Vec::new();
    let mut newest = 0;
    for (i, k) in keys.iter().enumerate() {
        let Some(text) = values.get(i).and_then(Option::as_deref) else {
            continue;
        };
        let generation = if i == 0 {
            let h: Header<BTreeMap<String, Link>> =
                json::from_str(text).map_err(|e| unreadable(k, e.to_string()))?;
            if h.version > u64::from(LAYOUT_VERSION) {
                return Err(unreadable(
                    k,
                    format!(
                        "version {} is newer than this plugin's {LAYOUT_VERSION}: update the plugin",
                        h.version
                    ),
                ));
            }
            let g = h.generation;
            header = Some(h);
            g
        } else if part(k).starts_with("links/") {
            let (entries, g) = read_shard::<Link>(k, text)?;
            state.links.extend(entries);
            found.push((part(k), g));
            g
        } else {
            let (entries, g) = read_shard::<GoogleContact>(k, text)?;
            state.google_unlinked.extend(entries);
            found.push((part(k), g));
            g
        };
        let generation = generation.unwrap_or(0);
        newest = newest.max(generation);
        stored.insert(k, fnv(text), generation);
    }
    stored.generation = newest;
    let torn = match &header {
        // Layout 3: every shard in storage, and only those, at the generation the header names.
        Some(Header {
            shards: Some(expected),
            generation: Some(_),
            ..
        }) => {
            found.len() != expected.len()
                || found
                    .iter()
                    .any(|(p, g)| expected.get(*p).copied() != Some(g.unwrap_or(u64::MAX)))
        }
        // Layout 2 wrote everything at once with no generations: trusted, unless a layout-3
        // save began over it and did not finish.
        Some(_) => found.iter().any(|(_, g)| g.is_some()),
        // Shards without a header: a first save cut short.
        None => !found.is_empty(),
    };
    if let Some(h) = header {
        state.sync_token = h.sync_token;
        state.full_sync_at = h.full_sync_at;
        state.tags_checked_at = h.tags_checked_at;
        state.crm_cursor = h.crm_cursor;
        state.target_group = h.target_group;
        state.kept_in_crm = h.kept_in_crm;
        state.apart = h.apart;
        state.merged_in_google = h.merged_in_google;
        state.undecided = h.undecided;
        state.past_limit = h.past_limit;
        state.common_keys = h.common_keys;
        state.field_directions = h.field_directions;
        state.custom_directions = h.custom_directions;
        state.pending = h.pending;
    }
    if torn {
        state.sync_token = None;
        state.full_sync_at = None;
        state.crm_cursor = None;
    }
    Ok(Loaded {
        state,
        stored,
        torn,
    })
}

/// The writes of one save, to be made in this order: the stamp, every shard (in any order, or
/// at once), then, once they all succeeded, the header. `stored` is what storage holds after.
/// A save that changes nothing writes nothing, not even the stamp.
#[derive(Debug)]
pub struct Save {
    pub stamp: Option<(String, String)>,
    pub shards: Vec<(String, String)>,
    pub header: Option<(String, String)>,
    pub stored: Stored,
}

/// What to write so that storage holds `state`, given what it holds, with no value over
/// [`DEFAULT_MAX_VALUE_BYTES`]: only the shards whose entries changed, then the header (when it
/// changed). Every shard is serialized to learn whether it changed; [`save_changes`] looks only
/// at the entries a run touched.
pub fn save_state(account: &str, state: &AccountState, stored: &Stored) -> Result<Save, TooLarge> {
    save_changes(account, state, stored, None, None, DEFAULT_MAX_VALUE_BYTES)
}

/// Whether each key of [`state_keys`] (by index; the header's is unused) may hold an entry of
/// `touched`.
fn touched_shards(touched: &Touched) -> Vec<bool> {
    let mut out = vec![false; 1 + (LINK_SHARDS + CACHE_SHARDS) as usize];
    for k in &touched.links {
        out[1 + (fnv(k) % LINK_SHARDS) as usize] = true;
    }
    for k in &touched.google_unlinked {
        out[1 + (LINK_SHARDS + fnv(k) % CACHE_SHARDS) as usize] = true;
    }
    if touched.all_google_unlinked {
        for t in out.iter_mut().skip(1 + LINK_SHARDS as usize) {
            *t = true;
        }
    }
    out
}

/// [`save_state`] for a state that differs from the one `stored` describes only in the entries
/// `touched` names (and the header's fields): when `stored` was verified by an earlier save,
/// the other shards are taken as unchanged without serializing them. `stamp` is a value no
/// other save uses (the shell draws it at random): written first when anything is written.
/// No value written is longer than `limit` bytes; an entry that cannot fit is the error, and
/// nothing is to be written.
pub fn save_changes(
    account: &str,
    state: &AccountState,
    stored: &Stored,
    touched: Option<&Touched>,
    stamp: Option<&str>,
    limit: usize,
) -> Result<Save, TooLarge> {
    let keys = state_keys(account);
    let generation = stored.generation + 1;
    let mut next = stored.clone();
    let mut shards = Vec::new();
    let mut expected = BTreeMap::new();
    let only = touched.filter(|_| stored.verified).map(touched_shards);
    // Splitting hashes every key: not needed when no shard is to be looked at.
    let (mut links, mut cache) = if only.as_ref().is_some_and(|o| !o.contains(&true)) {
        (Vec::new(), Vec::new())
    } else {
        (
            split(&state.links, LINK_SHARDS),
            split(&state.google_unlinked, CACHE_SHARDS),
        )
    };
    for (i, k) in keys.iter().enumerate().skip(1) {
        let is_link = i as u64 <= LINK_SHARDS;
        if only.as_ref().is_some_and(|o| !o[i]) {
            // Verified and untouched: storage holds this shard's pieces as they would be written.
            for j in 0.. {
                let Some((_, g)) = stored.get(&piece_key(k, j)) else {
                    break;
                };
                expected.insert(part(&piece_key(k, j)).to_string(), g);
            }
            continue;
        }
        let mut texts = if is_link {
            let e = take(&mut links, i - 1);
            shard_pieces(k, e, limit, "CRM contact")?
        } else {
            let e = take(&mut cache, i - 1 - LINK_SHARDS as usize);
            shard_pieces(k, e, limit, "Google contact")?
        };
        // Pieces a larger save left stay named, written empty, so "Disconnect" finds them.
        while stored.get(&piece_key(k, texts.len())).is_some() {
            let empty: Entries<Link> = Entries(Vec::new());
            let text: Box<dyn Fn(u64) -> String> = Box::new(move |g| shard_text(&empty, g));
            texts.push((piece_key(k, texts.len()), true, text));
        }
        for (pk, empty, text) in texts {
            let before = stored.get(&pk);
            let unchanged = before.map(|(h, g)| fnv(&text(g)) == h);
            match (before, unchanged) {
                // An empty shard that was never stored need not be.
                (None, _) if empty => continue,
                (Some((_, g)), Some(true)) => {
                    expected.insert(part(&pk).to_string(), g);
                    continue;
                }
                _ => {}
            }
            let text = text(generation);
            next.insert(&pk, fnv(&text), generation);
            expected.insert(part(&pk).to_string(), generation);
            shards.push((pk, text));
        }
    }
    let header_generation = if shards.is_empty() {
        stored.generation
    } else {
        generation
    };
    next.generation = header_generation;
    let header = Header {
        version: u64::from(LAYOUT_VERSION),
        generation: Some(header_generation),
        shards: Some(expected),
        sync_token: state.sync_token.clone(),
        full_sync_at: state.full_sync_at,
        tags_checked_at: state.tags_checked_at,
        crm_cursor: state.crm_cursor.clone(),
        target_group: state.target_group.clone(),
        kept_in_crm: &state.kept_in_crm,
        apart: state.apart.clone(),
        merged_in_google: state.merged_in_google.clone(),
        undecided: state.undecided.clone(),
        past_limit: state.past_limit.clone(),
        common_keys: state.common_keys.clone(),
        field_directions: state.field_directions,
        custom_directions: state.custom_directions.clone(),
        pending: state.pending.clone(),
    };
    // Invariant: plain data, as in `wrap_value`.
    let text = serde_json::to_string(&header).unwrap_or_default();
    if text.len() > limit {
        return Err(TooLarge {
            what: "the sync state's header (contacts kept in the CRM, pairs kept apart, merges)"
                .to_string(),
            bytes: text.len(),
            limit,
        });
    }
    let h = fnv(&text);
    let header = if stored.get(&keys[0]).map(|(h, _)| h) == Some(h) {
        None
    } else {
        next.insert(&keys[0], h, header_generation);
        Some((keys[0].clone(), text))
    };
    next.verified = true;
    let stamp = match stamp {
        Some(v) if !shards.is_empty() || header.is_some() => {
            next.stamp = Some(wrap_value(v));
            Some((stamp_key(account), wrap_value(v)))
        }
        _ => None,
    };
    Ok(Save {
        stamp,
        shards,
        header,
        stored: next,
    })
}

mod limit;
mod runs;
pub mod status;
mod undo;
mod value;

pub use limit::TooLarge;
#[cfg(test)]
use limit::SHARD_OVERHEAD;
use limit::{piece_key, shard_pieces, take};
pub use runs::{runs, runs_with};
pub use undo::{keep_undo, load_undo, undo_index, undo_index_key, undo_keys, undo_piece_keys};
pub use undo::{KeptRun, UndoIndex, UndoSave};
use value::envelope;
pub use value::{read, unwrap, wrap, wrap_value};

#[cfg(test)]
mod tests;

//! Per-user storage through the host contract's `storage`, under keys `gcs:<account>:<part>`.
//!
//! The state of a 25,000-contact account is megabytes of JSON, so it is not one value: the links
//! go to [`LINK_SHARDS`] shards by a hash of the CRM id, the unlinked-Google cache to
//! [`CACHE_SHARDS`] shards by a hash of the resource name, and the rest to a small header. A save
//! writes only the values whose text changed since the load (tracked by hash), so a run that
//! touched ten contacts writes a few shards, not the account.

use super::{js, Failure, Result};
use crate::json::{self, FromJson};
use crate::sync::model::GoogleContact;
use crate::sync::state::{AccountState, Link, STATE_VERSION};
use js_sys::{Array, Promise};
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

pub const LINK_SHARDS: u64 = 64;
pub const CACHE_SHARDS: u64 = 16;
pub const ACCOUNTS_KEY: &str = "gcs:accounts";
/// Run log entries kept per account.
pub const RUNS_KEPT: usize = 50;

pub fn key(account: &str, part: &str) -> String {
    let mut k = String::from("gcs:");
    k.push_str(account);
    k.push(':');
    k.push_str(part);
    k
}

fn storage(host: &JsValue) -> JsValue {
    js::get(host, "storage")
}

fn storage_failed(op: &str, e: String) -> Failure {
    Failure::host(format!("storage.{op}: {e}"))
}

pub async fn get(host: &JsValue, key: &str) -> Result<Option<String>> {
    let v = js::call_async(&storage(host), "get", &[&JsValue::from_str(key)])
        .await
        .map_err(|e| storage_failed("get", e))?;
    Ok(v.as_string())
}

pub async fn set(host: &JsValue, key: &str, value: &str) -> Result<()> {
    js::call_async(
        &storage(host),
        "set",
        &[&JsValue::from_str(key), &JsValue::from_str(value)],
    )
    .await
    .map(drop)
    .map_err(|e| storage_failed("set", e))
}

pub async fn remove(host: &JsValue, key: &str) -> Result<()> {
    js::call_async(&storage(host), "remove", &[&JsValue::from_str(key)])
        .await
        .map(drop)
        .map_err(|e| storage_failed("remove", e))
}

/// Calls `storage[op]` for each argument list at once and awaits them all.
async fn all(host: &JsValue, op: &str, args: Vec<Vec<JsValue>>) -> Result<Vec<JsValue>> {
    let s = storage(host);
    let promises = Array::new();
    for a in &args {
        let refs: Vec<&JsValue> = a.iter().collect();
        let p = js::call(&s, op, &refs).map_err(|e| storage_failed(op, js::message_of(&e)))?;
        promises.push(&p);
    }
    let out = js::resolve(Promise::all(&promises).into())
        .await
        .map_err(|e| storage_failed(op, js::message_of(&e)))?;
    Ok(Array::from(&out).iter().collect())
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

fn shard_key(account: &str, set: &str, i: u64) -> String {
    key(account, &format!("{set}{i}"))
}

/// What the last load or save of an account's state stored, by key: the hash of each value. Pairs
/// searched in order (an account has 81 keys) rather than a `HashMap<String, u64>`, which would be
/// a hash map type of its own in the wasm.
#[derive(Default)]
pub struct Stored(Vec<(String, u64)>);

impl Stored {
    pub fn new() -> Stored {
        Stored::default()
    }

    fn get(&self, key: &str) -> Option<&u64> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, h)| h)
    }

    fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn insert(&mut self, key: String, hash: u64) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, h)) => *h = hash,
            None => self.0.push((key, hash)),
        }
    }
}

fn keys(account: &str) -> Vec<String> {
    let mut k = vec![key(account, "state")];
    k.extend((0..LINK_SHARDS).map(|i| shard_key(account, "links/", i)));
    k.extend((0..CACHE_SHARDS).map(|i| shard_key(account, "cache/", i)));
    k
}

/// Every key an account's state may use, for "Disconnect".
pub fn state_keys(account: &str) -> Vec<String> {
    keys(account)
}

fn read_shard<T: FromJson>(text: &str, k: &str) -> Result<BTreeMap<String, T>> {
    json::from_str(text)
        .map_err(|e| Failure::new("INVALID_STATE", format!("saved sync state {k}: {e}")))
}

/// Loads an account's state and what is stored of it.
pub async fn load_state(host: &JsValue, account: &str) -> Result<(AccountState, Stored)> {
    let keys = keys(account);
    let values = all(
        host,
        "get",
        keys.iter().map(|k| vec![JsValue::from_str(k)]).collect(),
    )
    .await?;
    let mut stored = Stored::new();
    let mut state = AccountState::new();
    for (i, (k, v)) in keys.iter().zip(values).enumerate() {
        let Some(text) = v.as_string() else { continue };
        stored.insert(k.clone(), fnv(&text));
        if i == 0 {
            // The sharded layout began with state version 2, so there is nothing to migrate.
            state = json::from_str(&text)
                .map_err(|e| Failure::new("INVALID_STATE", format!("saved sync state: {e}")))?;
            if state.version > STATE_VERSION {
                return Err(Failure::new(
                    "INVALID_STATE",
                    "the saved sync state is newer than this plugin: update the plugin",
                ));
            }
        } else if i as u64 <= LINK_SHARDS {
            state.links.extend(read_shard::<Link>(&text, k)?);
        } else {
            state
                .google_unlinked
                .extend(read_shard::<GoogleContact>(&text, k)?);
        }
    }
    Ok((state, stored))
}

/// One shard's entries, written as a JSON object like the map it is part of. They are pushed in
/// the map's key order, so the text is what a `BTreeMap` of references would give, without two
/// more `BTreeMap` instantiations in the wasm.
struct Shard<'a, T>(Vec<(&'a String, &'a T)>);

impl<T: Serialize> Serialize for Shard<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|&(k, v)| (k, v)))
    }
}

fn shards<T: Serialize>(map: &BTreeMap<String, T>, n: u64) -> Vec<String> {
    let mut parts: Vec<Shard<T>> = (0..n).map(|_| Shard(Vec::new())).collect();
    for (k, v) in map {
        parts[(fnv(k) % n) as usize].0.push((k, v));
    }
    parts
        .iter()
        .map(|p| serde_json::to_string(p).unwrap_or_else(|_| "{}".into()))
        .collect()
}

/// Saves the values of `state` whose text differs from what `stored` says is there.
pub async fn save_state(
    host: &JsValue,
    account: &str,
    state: &AccountState,
    stored: &mut Stored,
) -> Result<()> {
    // The header is the state without its maps, which go to the shards. Built field by field
    // rather than from a clone, which would copy every link and cached contact first.
    let header = AccountState {
        version: state.version,
        links: BTreeMap::new(),
        sync_token: state.sync_token.clone(),
        full_sync_at: state.full_sync_at,
        crm_cursor: state.crm_cursor.clone(),
        google_unlinked: BTreeMap::new(),
        target_group: state.target_group.clone(),
        kept_in_crm: state.kept_in_crm.clone(),
    };
    let mut texts = vec![header.to_json()];
    texts.extend(shards(&state.links, LINK_SHARDS));
    texts.extend(shards(&state.google_unlinked, CACHE_SHARDS));
    let mut writes = Vec::new();
    for (k, text) in keys(account).into_iter().zip(texts) {
        let h = fnv(&text);
        // An empty shard that was never stored need not be.
        let absent_and_empty = !stored.contains_key(&k) && text == "{}";
        if stored.get(&k) != Some(&h) && !absent_and_empty {
            writes.push(vec![JsValue::from_str(&k), JsValue::from_str(&text)]);
            stored.insert(k, h);
        }
    }
    if !writes.is_empty() {
        all(host, "set", writes).await?;
    }
    Ok(())
}

/// Removes these keys.
pub async fn remove_all(host: &JsValue, keys: &[String]) -> Result<()> {
    all(
        host,
        "remove",
        keys.iter().map(|k| vec![JsValue::from_str(k)]).collect(),
    )
    .await
    .map(drop)
}

/// Reads a JSON value, `None` when absent.
pub async fn get_json<T: FromJson>(host: &JsValue, key: &str) -> Result<Option<T>> {
    match get(host, key).await? {
        None => Ok(None),
        Some(text) => json::from_str(&text)
            .map(Some)
            .map_err(|e| Failure::new("INVALID_STATE", format!("saved {key}: {e}"))),
    }
}

/// Prepends a report (JSON text) to an account's run log, keeping the last [`RUNS_KEPT`]. The
/// log is one report per line, newest first, so neither end needs to parse it.
pub async fn append_run(host: &JsValue, account: &str, report: &str) -> Result<()> {
    let k = key(account, "runs");
    let old = get(host, &k).await?.unwrap_or_default();
    let mut log = String::from(report);
    for line in old.lines().filter(|l| !l.is_empty()).take(RUNS_KEPT - 1) {
        log.push('\n');
        log.push_str(line);
    }
    set(host, &k, &log).await
}

/// The run log as a JSON array text, newest first.
pub async fn runs_json(host: &JsValue, account: &str) -> Result<String> {
    let log = get(host, &key(account, "runs")).await?.unwrap_or_default();
    let mut out = String::from("[");
    for (i, line) in log.lines().filter(|l| !l.is_empty()).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(line);
    }
    out.push(']');
    Ok(out)
}

/// The newest report's JSON text.
pub async fn last_run(host: &JsValue, account: &str) -> Result<Option<String>> {
    let log = get(host, &key(account, "runs")).await?;
    Ok(log.and_then(|l| l.lines().next().map(str::to_string)))
}

//! Per-user storage through the host contract's `storage`: the reads and writes of what
//! [`crate::store`] lays out (keys, versions, the sharded state and its save generations).
//!
//! A save writes only the values whose text changed since the load, the shards first and the
//! header last, so a run that touched ten contacts writes a few shards, not the account, and a
//! save cut short is recognised at the next load.

use super::contract::{self, Storage};
use super::{js, Failure, Result};
use crate::dto::ReportDto;
use crate::json::FromJson;
use crate::store::{self, Loaded, Stored, Unreadable};
use crate::sync::state::{AccountState, Touched};
use crate::sync::ErrorCode;
use js_sys::{Array, Promise};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

pub use crate::store::{key, ACCOUNTS_KEY};

/// How long a storage call may take before it counts as failed.
const STORAGE_TIMEOUT_MS: i32 = 30_000;

/// `host.storage`; `create` checked that it is there, and a host that took it away since fails
/// each call rather than reading `undefined`.
fn storage(host: &JsValue) -> Storage {
    contract::host(host)
        .storage_api()
        .unwrap_or_else(|| JsValue::UNDEFINED.unchecked_into())
}

/// A storage call's answer within the time, or its throw or rejection with the host's code.
async fn coded(
    op: &str,
    called: std::result::Result<JsValue, JsValue>,
) -> std::result::Result<JsValue, js::Rejection> {
    let v = called.map_err(|e| js::Rejection::of(&e))?;
    js::within_coded(v, STORAGE_TIMEOUT_MS)
        .await
        .map_err(|r| js::Rejection {
            message: format!("{op}: {}", r.message),
            code: r.code,
        })
}

fn storage_failed(op: &str, key: &str, e: String) -> Failure {
    Failure::host(format!("storage.{op}({key}): {e}"))
}

/// A storage call the host refused, its code kept: `UNAUTHENTICATED` says the CRM session ended.
fn storage_refused(op: &str, key: &str, r: js::Rejection) -> Failure {
    Failure {
        host_code: r.code,
        ..storage_failed(op, key, r.message)
    }
}

/// A stored value that cannot be read, as the error the API throws.
pub fn unreadable(e: Unreadable) -> Failure {
    Failure::new(ErrorCode::InvalidState, e.to_string())
}

/// What `storage.get` answered: text, or `None` for `null`/`undefined`. Anything else is the
/// host's error, not an absent value: taking it for absent would start the account afresh.
fn text_of(key: &str, v: JsValue) -> Result<Option<String>> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| {
        storage_failed(
            "get",
            key,
            format!("answered {}, not a string or null", js::type_of(&v)),
        )
    })
}

pub async fn get(host: &JsValue, key: &str) -> Result<Option<String>> {
    let v = coded("get", storage(host).get(key))
        .await
        .map_err(|e| storage_refused("get", key, e))?;
    text_of(key, v)
}

pub async fn set(host: &JsValue, key: &str, value: &str) -> Result<()> {
    coded("set", storage(host).set(key, value))
        .await
        .map(drop)
        .map_err(|e| storage_refused("set", key, e))
}

pub async fn remove(host: &JsValue, key: &str) -> Result<()> {
    coded("remove", storage(host).remove(key))
        .await
        .map(drop)
        .map_err(|e| storage_refused("remove", key, e))
}

/// Whether the host offers `storage.compareAndSet`.
pub fn has_compare_and_set(host: &JsValue) -> bool {
    contract::present(storage(host).compare_and_set_member())
}

/// `storage.compareAndSet`: writes `value` only if the key holds `expected` (`None`: absent),
/// answering whether it wrote. An answer other than a boolean is the host's error.
pub async fn compare_and_set(
    host: &JsValue,
    key: &str,
    expected: Option<&str>,
    value: &str,
) -> Result<bool> {
    let expected = expected.map_or(JsValue::NULL, JsValue::from_str);
    let v = coded(
        "compareAndSet",
        storage(host).compare_and_set(key, &expected, value),
    )
    .await
    .map_err(|e| storage_refused("compareAndSet", key, e))?;
    v.as_bool().ok_or_else(|| {
        storage_failed(
            "compareAndSet",
            key,
            format!("answered {}, not a boolean", js::type_of(&v)),
        )
    })
}

/// A storage method [`all`] calls for many keys at once.
#[derive(Clone, Copy)]
enum Op {
    Get,
    Set,
    Remove,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::Set => "set",
            Op::Remove => "remove",
        }
    }
}

/// Calls `storage[op]` for each argument list at once (a key, and for `set` its value) and
/// awaits them all.
async fn all(host: &JsValue, op: Op, args: &[Vec<JsValue>]) -> Result<Vec<JsValue>> {
    let s = storage(host);
    let promises = Array::new();
    for a in args {
        let key = a.first().and_then(JsValue::as_string).unwrap_or_default();
        let called = match op {
            Op::Get => s.get(&key),
            Op::Set => s.set(
                &key,
                &a.get(1).and_then(JsValue::as_string).unwrap_or_default(),
            ),
            Op::Remove => s.remove(&key),
        };
        let p = called.map_err(|e| storage_failed(op.name(), &key, js::message_of(&e)))?;
        promises.push(&p);
    }
    let out = js::within_coded(Promise::all(&promises).into(), STORAGE_TIMEOUT_MS)
        .await
        .map_err(|r| Failure {
            host_code: r.code,
            ..Failure::host(format!("storage.{}: {}", op.name(), r.message))
        })?;
    Ok(Array::from(&out).iter().collect())
}

/// A JSON value of its own key: `None` when absent, INVALID_STATE naming the key when it cannot
/// be read.
pub async fn get_json<T: FromJson>(host: &JsValue, key: &str) -> Result<Option<T>> {
    match get(host, key).await? {
        None => Ok(None),
        Some(text) => store::read(key, &text).map(Some).map_err(unreadable),
    }
}

/// Writes a value with its version.
pub async fn set_json<T: serde::Serialize + ?Sized>(
    host: &JsValue,
    key: &str,
    value: &T,
) -> Result<()> {
    set(host, key, &store::wrap_value(value)).await
}

/// Loads an account's state and what is stored of it (its stamp included); a key that cannot
/// be read is INVALID_STATE naming it.
pub async fn load_state(host: &JsValue, account: &str) -> Result<Loaded> {
    let mut keys = store::state_keys(account);
    keys.push(store::stamp_key(account));
    let args: Vec<Vec<JsValue>> = keys.iter().map(|k| vec![JsValue::from_str(k)]).collect();
    let values = all(host, Op::Get, &args).await?;
    let mut texts = Vec::with_capacity(keys.len());
    for (k, v) in keys.iter().zip(values) {
        texts.push(text_of(k, v)?);
    }
    let stamp = texts.pop().flatten();
    // The pieces beyond the first of shards larger than the host's limit, named by the header.
    let more = store::piece_keys(account, texts.first().and_then(Option::as_deref));
    if !more.is_empty() {
        let args: Vec<Vec<JsValue>> = more.iter().map(|k| vec![JsValue::from_str(k)]).collect();
        for (k, v) in more.iter().zip(all(host, Op::Get, &args).await?) {
            texts.push(text_of(k, v)?);
        }
    }
    let mut loaded = store::load_state(account, &texts).map_err(unreadable)?;
    loaded.stored.set_stamp(stamp);
    Ok(loaded)
}

/// Account states kept in memory between runs, each by account id with what storage held of
/// it when this tab last loaded or saved it. A run takes its account's state out and puts back
/// the state it saved; whatever goes wrong in between (a failed save, a lost lock, a preview)
/// leaves nothing kept, so the next run reads storage. A list: a tab holds a few accounts.
#[derive(Default)]
pub struct Kept(RefCell<Vec<(String, AccountState, Stored)>>);

impl Kept {
    fn take(&self, account: &str) -> Option<(AccountState, Stored)> {
        let mut kept = self.0.borrow_mut();
        let i = kept.iter().position(|(a, ..)| a == account)?;
        let (_, state, stored) = kept.swap_remove(i);
        Some((state, stored))
    }

    /// The account's state: the one kept when storage still holds it (its header and stamp
    /// unchanged: two small reads), else read from storage. Call under the account's lock.
    pub async fn load(&self, host: &JsValue, account: &str) -> Result<Loaded> {
        if let Some((state, stored)) = self.take(account) {
            let keys = [key(account, "state"), store::stamp_key(account)];
            let args: Vec<Vec<JsValue>> = keys.iter().map(|k| vec![JsValue::from_str(k)]).collect();
            let values = all(host, Op::Get, &args).await?;
            let mut texts = Vec::with_capacity(2);
            for (k, v) in keys.iter().zip(values) {
                texts.push(text_of(k, v)?);
            }
            if stored.holds(account, texts[0].as_deref(), texts[1].as_deref()) {
                return Ok(Loaded {
                    state,
                    stored,
                    torn: false,
                });
            }
        }
        load_state(host, account).await
    }

    /// Keeps a state that storage holds as `stored` says (just loaded or saved).
    pub fn keep(&self, account: &str, state: AccountState, stored: Stored) {
        self.forget(account);
        self.0
            .borrow_mut()
            .push((account.to_string(), state, stored));
    }

    /// Forgets the account's state: it was reset or disconnected.
    pub fn forget(&self, account: &str) {
        drop(self.take(account));
    }
}

/// Saves `state`: the stamp, then the changed shards at once, then, once every one has landed,
/// the header. `touched` names the entries the run changed (`None`: compare them all).
/// `stored` follows only what landed.
pub async fn save_state(
    host: &JsValue,
    account: &str,
    state: &AccountState,
    stored: &mut Stored,
    touched: Option<&Touched>,
) -> Result<()> {
    let stamp = js::random_u64().to_string();
    let limit = super::host::storage_max_value_bytes(host);
    let save = store::save_changes(account, state, stored, touched, Some(&stamp), limit)
        .map_err(|e| Failure::host(e.to_string()))?;
    if let Some((k, v)) = &save.stamp {
        set(host, k, v).await?;
    }
    if !save.shards.is_empty() {
        let writes: Vec<Vec<JsValue>> = save
            .shards
            .iter()
            .map(|(k, v)| vec![JsValue::from_str(k), JsValue::from_str(v)])
            .collect();
        all(host, Op::Set, &writes).await?;
    }
    if let Some((k, v)) = &save.header {
        set(host, k, v).await?;
    }
    *stored = save.stored;
    Ok(())
}

/// Removes these keys, whatever they hold.
pub async fn remove_all(host: &JsValue, keys: &[String]) -> Result<()> {
    let args: Vec<Vec<JsValue>> = keys.iter().map(|k| vec![JsValue::from_str(k)]).collect();
    all(host, Op::Remove, &args).await.map(drop)
}

/// Prepends a report to an account's run log, keeping the last [`store::RUNS_KEPT`]. A log that
/// cannot be read is started afresh.
pub async fn append_run(host: &JsValue, account: &str, report: &ReportDto<'_>) -> Result<()> {
    let k = key(account, "runs");
    let old = get(host, &k).await?;
    let report = serde_json::to_string(report).map_err(|e| Failure::host(e.to_string()))?;
    set(host, &k, &store::runs_with(&k, old.as_deref(), &report)).await
}

/// Keeps a run's before-images within `keep` (see [`store::keep_undo`]): the pieces, the
/// index, then the pieces of the runs no longer kept. A run not kept is a failure, so the
/// report says it cannot be undone.
pub async fn keep_undo(
    host: &JsValue,
    account: &str,
    undo: &crate::sync::plan::RunUndo,
    keep: crate::sync::settings::UndoKeep,
) -> Result<()> {
    let k = store::undo_index_key(account);
    let index = store::undo_index(account, get(host, &k).await?.as_deref()).map_err(unreadable)?;
    let limit = super::host::storage_max_value_bytes(host);
    let save = store::keep_undo(account, index, undo, keep, limit);
    for (k, v) in &save.writes {
        set(host, k, v).await?;
    }
    remove_all(host, &save.removes).await?;
    match save.not_kept {
        Some(why) => Err(Failure::host(why)),
        None => Ok(()),
    }
}

/// The before-images kept for run `run`, to undo it.
pub async fn load_undo(
    host: &JsValue,
    account: &str,
    run: &str,
) -> Result<crate::sync::plan::RunUndo> {
    let k = store::undo_index_key(account);
    let index = store::undo_index(account, get(host, &k).await?.as_deref()).map_err(unreadable)?;
    let Some(kept) = index.runs.iter().find(|r| r.run == run) else {
        return Err(Failure::new(
            ErrorCode::InvalidInput,
            format!("the run of {run} is not kept to be undone (only the last runs are)"),
        ));
    };
    let mut texts = Vec::new();
    for piece in store::undo_piece_keys(account, kept) {
        texts.push(get(host, &piece).await?);
    }
    store::load_undo(account, kept, &texts).map_err(unreadable)
}

/// The run log, newest first.
pub async fn runs(host: &JsValue, account: &str) -> Result<Vec<serde_json::Value>> {
    let k = key(account, "runs");
    match get(host, &k).await? {
        None => Ok(Vec::new()),
        Some(text) => store::runs(&k, &text).map_err(unreadable),
    }
}

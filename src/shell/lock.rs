//! One tab works on an account at a time: runs, "Reset sync data", "Disconnect" and settings
//! changes all take the account's lock, and a tab that cannot get it fails with BUSY at once
//! instead of queueing a duplicate run.
//!
//! The lock is a Web Lock, requested with `ifAvailable`. A Web Lock excludes the tabs of one
//! browser profile only, so where the host declares its storage shared beyond the browser
//! (`capabilities.sharedStorage`: kept on its server, read by the user's other devices and
//! profiles), the lock is also a lease in that storage, taken after the Web Lock. Web Locks need a
//! secure context, so on a CRM served over plain HTTP, in some sandboxed frames, or when
//! `locks.request` rejects, the lease alone is the lock.
//!
//! The lease: `gcs:<account>:lease` holds an owner id and an expiry, renewed while the holder
//! lives, so a holder that died frees it within [`LEASE_MS`] (plus [`SKEW_MS`] between devices,
//! whose clocks differ). Where the host offers `storage.compareAndSet`, a claim is a compare-and-
//! set over the lease just read (absent or lapsed): of two claiming together exactly one wins,
//! on any device. Otherwise a claim is written, left to settle, and read back: of two tabs writing
//! at once the last writer wins and the other sees it. Where `BroadcastChannel` exists, a tab
//! announces its claim first and a holder answers "held", so tabs of one browser settle at once:
//! of two claiming together the smaller owner id goes on and the other stops before writing.

use super::{js, storage, Failure, Result};
use crate::store;
use crate::sync::ErrorCode;
use js_sys::{Array, Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long a lease lasts without renewal. Long enough for a background tab whose timers the
/// browser slows to once a minute.
const LEASE_MS: i64 = 120_000;
/// How often the holder renews it.
const RENEW_MS: i64 = 20_000;
/// How long a claim waits for other tabs' claims, and for storage to settle, before it is read
/// back.
const SETTLE_MS: i64 = 150;
/// How far apart two devices' clocks may be: a lease in shared storage lapses only this long
/// after its expiry by the reader's clock, so a device whose clock runs ahead does not take a
/// lease its holder is still renewing.
const SKEW_MS: i64 = 60_000;

/// A held lock, released when dropped; [`Held::release`] also waits until it is let go. A lock
/// dropped on an early return is let go in the background, and the next [`acquire`] of the same
/// account in this tab waits for that first, so it does not find its own tab's lock held.
pub struct Held {
    name: String,
    web: Option<WebLock>,
    lease: Option<Lease>,
}

thread_local! {
    /// Locks of this tab being let go in the background, by name: what `acquire` waits for.
    static RELEASING: RefCell<Vec<(String, Promise)>> = const { RefCell::new(Vec::new()) };
}

fn releasing(name: &str, p: Promise) {
    RELEASING.with(|r| r.borrow_mut().push((name.to_string(), p)));
}

struct WebLock {
    release: Function,
    /// `navigator.locks.request`'s promise: it settles once the lock is released.
    request: JsValue,
}

struct Lease {
    host: JsValue,
    key: String,
    owner: String,
    alive: Rc<Cell<bool>>,
    channel: Option<Channel>,
}

/// How a lease is claimed and renewed.
#[derive(Clone, Copy)]
struct Claim {
    /// Through `storage.compareAndSet`.
    cas: bool,
    /// Storage is shared with other devices: their clocks may differ from this one's.
    shared: bool,
}

impl Claim {
    /// Whether a lease of another owner still holds the lock.
    fn holds(self, l: &LeaseValue, owner: &str) -> bool {
        let skew = if self.shared { SKEW_MS } else { 0 };
        l.owner != owner && l.expires_at + skew > js::now()
    }
}

impl Held {
    pub async fn release(mut self) {
        if let Some(w) = self.web.take() {
            let _ = w.release.call0(&JsValue::NULL);
            let _ = js::resolve(w.request).await;
        }
        if let Some(l) = self.lease.take() {
            l.release().await;
        }
    }
}

impl Held {
    /// Whether another tab holds the account now: a lease that lapsed (a tab the browser froze
    /// past its expiry) and was taken. A Web Lock cannot be taken away.
    pub async fn lost(&self) -> bool {
        match &self.lease {
            Some(l) => {
                !matches!(read_lease(&l.host, &l.key).await, Ok(Some(v)) if v.owner == l.owner)
            }
            None => false,
        }
    }
}

impl Lease {
    async fn release(self) {
        self.alive.set(false);
        // Only a lease that is still ours is removed: one that lapsed and was taken is not.
        if let Ok(Some(current)) = read_lease(&self.host, &self.key).await {
            if current.owner == self.owner {
                let _ = storage::remove(&self.host, &self.key).await;
            }
        }
        if let Some(c) = &self.channel {
            c.post("release", &self.owner);
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(w) = self.web.take() {
            let _ = w.release.call0(&JsValue::NULL);
            releasing(&self.name, Promise::resolve(&w.request));
        }
        if let Some(l) = self.lease.take() {
            let p = wasm_bindgen_futures::future_to_promise(async move {
                l.release().await;
                Ok(JsValue::UNDEFINED)
            });
            releasing(&self.name, p);
        }
    }
}

/// The run stopped because another tab or device took the account's lease over.
pub fn taken() -> Failure {
    Failure::new(
        ErrorCode::Busy,
        "another tab or device took this account over during the run (this one was paused too \
         long); it goes on from where this run stopped",
    )
}

fn busy() -> Failure {
    Failure::new(
        ErrorCode::Busy,
        "another tab or device is syncing or changing this account; try again when it is done",
    )
}

/// Takes the account's lock, or fails with BUSY when another tab holds it.
pub async fn acquire(host: &JsValue, account: &str) -> Result<Held> {
    // Invariant: nothing sets `never`, so the answer is a lock or a failure.
    let never = Cell::new(false);
    acquire_unless(host, account, &never)
        .await?
        .ok_or_else(busy)
}

/// [`acquire`] for a run that can be cancelled while it waits for the lock (for this tab's last
/// hold to be let go, for storage, for other tabs' claims to settle): `Ok(None)` once `cancelled`
/// is set, holding no lock. A lease is not written once the cancel is seen, and a lock got before
/// it is let go again at once.
pub async fn acquire_unless(
    host: &JsValue,
    account: &str,
    cancelled: &Cell<bool>,
) -> Result<Option<Held>> {
    let name = format!("gcontacts-sync:{account}");
    let ours: Vec<Promise> = RELEASING.with(|r| {
        let mut r = r.borrow_mut();
        let (ours, rest) = std::mem::take(&mut *r)
            .into_iter()
            .partition(|(n, _)| *n == name);
        *r = rest;
        ours.into_iter().map(|(_, p)| p).collect()
    });
    for p in ours {
        let _ = JsFuture::from(p).await;
    }
    if cancelled.get() {
        return Ok(None);
    }
    let web = match web_lock(&name).await {
        Some(Ok(w)) => Some(w),
        Some(Err(())) => return Err(busy()),
        None => None,
    };
    let shared = super::host::shared_storage(host);
    let mut held = Held {
        name,
        web,
        lease: None,
    };
    if held.web.is_none() || shared {
        let claim = Claim {
            cas: storage::has_compare_and_set(host),
            shared,
        };
        match lease(host, account, cancelled, claim).await {
            Ok(Some(l)) => held.lease = Some(l),
            Ok(None) => {
                held.release().await;
                return Ok(None);
            }
            Err(e) => {
                held.release().await;
                return Err(e);
            }
        }
    }
    if cancelled.get() {
        held.release().await;
        return Ok(None);
    }
    Ok(Some(held))
}

/// The Web Lock: `Some(Ok)` held, `Some(Err)` held elsewhere, `None` when the browser has no Web
/// Locks or refused the request (an insecure context, a sandbox).
async fn web_lock(name: &str) -> Option<std::result::Result<WebLock, ()>> {
    let locks = js::get(&js::get(&js::global(), "navigator"), "locks");
    if !locks.is_object() {
        return None;
    }
    let mut release = None;
    let hold = Promise::new(&mut |resolve, _| release = Some(resolve));
    let mut granted = None;
    let answered = Promise::new(&mut |resolve, _| granted = Some(resolve));
    // Invariant: a Promise executor runs synchronously, so both are set.
    let (Some(release), Some(granted)) = (release, granted) else {
        return None;
    };
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let ok = !lock.is_null() && !lock.is_undefined();
        let _ = granted.call1(&JsValue::NULL, &JsValue::from_bool(ok));
        if ok {
            hold.into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let options = js::object();
    js::set(&options, "ifAvailable", &JsValue::TRUE);
    let request = js::call(
        &locks,
        "request",
        &[&JsValue::from_str(name), &options, &callback],
    )
    .ok()?;
    // A request that rejects never calls back: the race ends on the rejection instead of waiting
    // for an answer that will not come.
    let race = Promise::race(&Array::of2(&answered, &Promise::resolve(&request)));
    match JsFuture::from(race).await {
        Ok(v) if v.as_bool() == Some(true) => Some(Ok(WebLock { release, request })),
        Ok(v) if v.as_bool() == Some(false) => Some(Err(())),
        _ => None,
    }
}

gcontacts_sync_core::json_struct! {
    /// A lease as stored: who holds the lock, until when.
    struct LeaseValue {
        owner: String = "owner",
        expires_at: i64 = "expiresAt",
    }
}

/// The lease in storage; one that cannot be read counts as none (it is only a lock record).
async fn read_lease(host: &JsValue, key: &str) -> Result<Option<LeaseValue>> {
    Ok(storage::get(host, key)
        .await?
        .and_then(|t| store::read::<LeaseValue>(key, &t).ok()))
}

/// A lease of `owner` from now, as stored.
fn lease_text(owner: &str) -> String {
    store::wrap_value(&LeaseValue {
        owner: owner.to_string(),
        expires_at: js::now() + LEASE_MS,
    })
}

async fn write_lease(host: &JsValue, key: &str, owner: &str) -> Result<()> {
    storage::set(host, key, &lease_text(owner)).await
}

/// A claim by compare-and-set over the lease as read: `Some(text written)` when it won.
async fn claim_by_cas(
    host: &JsValue,
    key: &str,
    owner: &str,
    claim: Claim,
) -> Result<Option<String>> {
    let current = storage::get(host, key).await?;
    let held = current
        .as_deref()
        .and_then(|t| store::read::<LeaseValue>(key, t).ok())
        .is_some_and(|l| claim.holds(&l, owner));
    if held {
        return Ok(None);
    }
    let text = lease_text(owner);
    let won = storage::compare_and_set(host, key, current.as_deref(), &text).await?;
    Ok(won.then_some(text))
}

/// What the channel heard while a claim was being made.
#[derive(Default)]
struct Heard {
    /// Someone answered "held", or claimed with a smaller owner id.
    yield_to_other: bool,
}

/// A `BroadcastChannel` and its listener, closed when dropped.
struct Channel {
    port: JsValue,
    _listener: Closure<dyn FnMut(JsValue)>,
}

impl Channel {
    fn open(account: &str, on: impl FnMut(String, String) + 'static) -> Option<Channel> {
        let ctor: Function = js::get(&js::global(), "BroadcastChannel").dyn_into().ok()?;
        let name = JsValue::from_str(&format!("gcontacts-sync-lease:{account}"));
        let port = js_sys::Reflect::construct(&ctor, &Array::of1(&name)).ok()?;
        let mut on = on;
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
            let data = js::get(&ev, "data");
            if let (Some(kind), Some(owner)) = (
                js::get(&data, "kind").as_string(),
                js::get(&data, "owner").as_string(),
            ) {
                on(kind, owner);
            }
        });
        js::set(&port, "onmessage", listener.as_ref());
        Some(Channel {
            port,
            _listener: listener,
        })
    }

    fn post(&self, kind: &str, owner: &str) {
        let m = js::object();
        js::set(&m, "kind", &JsValue::from_str(kind));
        js::set(&m, "owner", &JsValue::from_str(owner));
        let _ = js::call(&self.port, "postMessage", &[&m]);
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        let _ = js::call(&self.port, "close", &[]);
    }
}

/// The lease, `None` when `cancelled` is set before it is written.
async fn lease(
    host: &JsValue,
    account: &str,
    cancelled: &Cell<bool>,
    claim: Claim,
) -> Result<Option<Lease>> {
    let key = store::key(account, "lease");
    let owner = format!("{:016x}", js::random_u64());
    if claim.cas {
        if cancelled.get() {
            return Ok(None);
        }
        let Some(text) = claim_by_cas(host, &key, &owner, claim).await? else {
            return Err(busy());
        };
        let alive = Rc::new(Cell::new(true));
        renew_by_cas(host, &key, &owner, text, alive.clone());
        return Ok(Some(Lease {
            host: host.clone(),
            key,
            owner,
            alive,
            channel: None,
        }));
    }
    let held_elsewhere = || async {
        Ok::<_, Failure>(
            read_lease(host, &key)
                .await?
                .is_some_and(|l| claim.holds(&l, &owner)),
        )
    };
    if held_elsewhere().await? {
        return Err(busy());
    }
    let heard = Rc::new(RefCell::new(Heard::default()));
    let holding = Rc::new(Cell::new(false));
    let channel = {
        let (heard, holding, me) = (heard.clone(), holding.clone(), owner.clone());
        // The listener answers claims once this tab holds the lease; `post` needs the port,
        // which the listener cannot own, so answers go through a second handle to it.
        let answer: Rc<RefCell<Option<JsValue>>> = Rc::default();
        let port = answer.clone();
        let ch = Channel::open(account, move |kind, other| {
            if other == me {
                return;
            }
            match kind.as_str() {
                "claim" if holding.get() => {
                    if let Some(p) = port.borrow().as_ref() {
                        let m = js::object();
                        js::set(&m, "kind", &JsValue::from_str("held"));
                        js::set(&m, "owner", &JsValue::from_str(&me));
                        let _ = js::call(p, "postMessage", &[&m]);
                    }
                }
                "claim" if other < me => heard.borrow_mut().yield_to_other = true,
                "held" => heard.borrow_mut().yield_to_other = true,
                _ => {}
            }
        });
        if let Some(c) = &ch {
            *answer.borrow_mut() = Some(c.port.clone());
        }
        ch
    };
    if let Some(c) = &channel {
        c.post("claim", &owner);
        js::sleep(SETTLE_MS).await;
        // Looked at again after the wait: a tab that won while this one waited has written its
        // lease by now.
        if heard.borrow().yield_to_other || held_elsewhere().await? {
            return Err(busy());
        }
    }
    if cancelled.get() {
        return Ok(None);
    }
    write_lease(host, &key, &owner).await?;
    js::sleep(SETTLE_MS).await;
    let mine = read_lease(host, &key)
        .await?
        .is_some_and(|l| l.owner == owner);
    if !mine || heard.borrow().yield_to_other {
        return Err(busy());
    }
    holding.set(true);
    let alive = Rc::new(Cell::new(true));
    {
        let (alive, host, key, owner) = (alive.clone(), host.clone(), key.clone(), owner.clone());
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                js::sleep(RENEW_MS).await;
                if !alive.get() {
                    break;
                }
                // A lease taken over after it lapsed is not taken back.
                match read_lease(&host, &key).await {
                    Ok(Some(l)) if l.owner == owner => {
                        let _ = write_lease(&host, &key, &owner).await;
                    }
                    _ => break,
                }
            }
        });
    }
    Ok(Some(Lease {
        host: host.clone(),
        key,
        owner,
        alive,
        channel,
    }))
}

/// Renews a lease claimed by compare-and-set, each renewal over the text last written: one that
/// fails (the lease lapsed and was taken) ends the renewals.
fn renew_by_cas(host: &JsValue, key: &str, owner: &str, text: String, alive: Rc<Cell<bool>>) {
    let (host, key, owner) = (host.clone(), key.to_string(), owner.to_string());
    wasm_bindgen_futures::spawn_local(async move {
        let mut last = text;
        loop {
            js::sleep(RENEW_MS).await;
            if !alive.get() {
                break;
            }
            let next = lease_text(&owner);
            match storage::compare_and_set(&host, &key, Some(&last), &next).await {
                Ok(true) => last = next,
                // Storage failed: tried again at the next renewal, well before the lease lapses.
                Err(_) => {}
                Ok(false) => break,
            }
        }
    });
}

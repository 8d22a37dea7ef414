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
//! The lease, `gcs:<account>:lease` in that storage, is decided by the core's
//! [`gcontacts_sync_core::lease::Lease`] machine: when to claim, by compare-and-set or by write
//! and read-back, when to renew, when it is lost, what to remove on release. This module only
//! performs its effects (storage calls, waits, the `BroadcastChannel` where tabs of one browser
//! announce their claims and a holder answers "held"), and runs it from claim to release: the
//! claim while the lock is taken, the renewals and the release in the background.

use super::{js, storage, Failure, Result};
use crate::store;
use crate::sync::ErrorCode;
use gcontacts_sync_core::lease::{self as machine, Answer, Effect, Heard, Mode};
use js_sys::{Array, Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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

/// The lease's machine and what its effects need, shared by the claim, the background renewals,
/// the channel's listener and the release.
struct Shared {
    machine: RefCell<machine::Lease>,
    host: JsValue,
    key: String,
    /// Ends the renewals' current wait early: set while one runs.
    wake: RefCell<Option<Function>>,
    /// Settles once the machine is finished (released or lost).
    done: Promise,
    finish: Function,
}

struct Lease {
    shared: Rc<Shared>,
    channel: Option<Channel>,
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
                let s = &l.shared;
                let stored = storage::get(&s.host, &s.key).await.ok().flatten();
                s.machine.borrow().lost(stored.as_deref(), js::now())
            }
            None => false,
        }
    }
}

impl Lease {
    /// Lets the lease go: the machine removes it if it is still ours, after a renewal under way.
    async fn release(self) {
        let s = &self.shared;
        s.machine.borrow_mut().release();
        if let Some(wake) = s.wake.borrow_mut().take() {
            let _ = wake.call0(&JsValue::NULL);
        }
        let _ = JsFuture::from(s.done.clone()).await;
        if let Some(c) = &self.channel {
            c.post("release", s.machine.borrow().owner());
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
        let cas = storage::has_compare_and_set(host);
        match lease(host, account, cancelled, cas, shared).await {
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

/// The lease, `None` when `cancelled` is set before it is written. A claim that failed on storage
/// fails with storage's error, one that found the lease held with BUSY.
async fn lease(
    host: &JsValue,
    account: &str,
    cancelled: &Cell<bool>,
    cas: bool,
    shared: bool,
) -> Result<Option<Lease>> {
    let owner = format!("{:016x}", js::random_u64());
    let mut finish = None;
    let done = Promise::new(&mut |resolve, _| finish = Some(resolve));
    // Invariant: a Promise executor runs synchronously, so `finish` is set.
    let Some(finish) = finish else {
        return Err(busy());
    };
    let mut channel = None;
    let s = Rc::new_cyclic(|me| {
        // Compare-and-set excludes on its own: no tab needs to hear of the claim.
        if !cas {
            channel = open_channel(account, &owner, me.clone());
        }
        let mode = Mode {
            cas,
            shared,
            channel: channel.is_some(),
        };
        Shared {
            machine: RefCell::new(machine::Lease::claim(&owner, mode)),
            host: host.clone(),
            key: store::key(account, "lease"),
            wake: RefCell::new(None),
            done,
            finish,
        }
    });
    let mut failed = None;
    let end = perform(&s, Some(cancelled), channel.as_ref(), &mut failed).await;
    match end {
        Effect::Held => {}
        Effect::Cancelled => return Ok(None),
        _ => return Err(failed.unwrap_or_else(busy)),
    }
    let renewing = s.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut failed = None;
        // `Held` again after a renewal storage failed: renewals go on.
        while perform(&renewing, None, None, &mut failed).await == Effect::Held {}
        let _ = renewing.finish.call0(&JsValue::NULL);
    });
    Ok(Some(Lease { shared: s, channel }))
}

/// Performs the machine's effects, answering each, until it reaches one that is the shell's to
/// act on: the lease held, busy, cancelled, lost or released. Storage's last failure is kept in
/// `failed`.
async fn perform(
    s: &Shared,
    cancelled: Option<&Cell<bool>>,
    channel: Option<&Channel>,
    failed: &mut Option<Failure>,
) -> Effect {
    let mut answer = Answer::Done;
    loop {
        if cancelled.is_some_and(Cell::get) {
            s.machine.borrow_mut().cancel();
        }
        let effect = s.machine.borrow_mut().next(answer, js::now());
        let mut failure = |e| {
            *failed = Some(e);
            Answer::Failed
        };
        answer = match effect {
            Effect::Read => match storage::get(&s.host, &s.key).await {
                Ok(t) => Answer::Read(t),
                Err(e) => failure(e),
            },
            Effect::Announce => {
                if let Some(c) = channel {
                    c.post("claim", s.machine.borrow().owner());
                }
                Answer::Done
            }
            Effect::Wait(ms) => {
                wait(s, ms).await;
                Answer::Done
            }
            Effect::Write(text) => match storage::set(&s.host, &s.key, &text).await {
                Ok(()) => Answer::Done,
                Err(e) => failure(e),
            },
            Effect::CompareAndSet { expected, text } => {
                let swap = storage::compare_and_set(&s.host, &s.key, expected.as_deref(), &text);
                match swap.await {
                    Ok(swapped) => Answer::Swapped(swapped),
                    Err(e) => failure(e),
                }
            }
            Effect::Remove => {
                let _ = storage::remove(&s.host, &s.key).await;
                Answer::Done
            }
            Effect::Held | Effect::Busy | Effect::Cancelled | Effect::Lost | Effect::Released => {
                return effect
            }
        };
    }
}

/// Waits `ms`, or less once the lease is released.
async fn wait(s: &Shared, ms: i64) {
    let mut wake = None;
    let woken = Promise::new(&mut |resolve, _| wake = Some(resolve));
    *s.wake.borrow_mut() = wake;
    let ms = ms.clamp(0, i32::MAX as i64) as i32;
    let timer = Promise::new(&mut |resolve, _| {
        let _ = js::call(
            &js_sys::global(),
            "setTimeout",
            &[&resolve, &JsValue::from(ms)],
        );
    });
    let _ = JsFuture::from(Promise::race(&Array::of2(&timer, &woken))).await;
    s.wake.borrow_mut().take();
}

/// The channel of the account's claims: a claim heard while this tab holds the lease is answered
/// "held"; any other message goes to the machine.
fn open_channel(account: &str, owner: &str, weak: Weak<Shared>) -> Option<Channel> {
    // `post` needs the port, which the listener cannot own, so answers go through a second
    // handle to it. The listener holds the machine weakly: the channel lives in the lease.
    let answer: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let port = answer.clone();
    let me = owner.to_string();
    let ch = Channel::open(account, move |kind, other| {
        let Some(s) = weak.upgrade() else { return };
        if other == me {
            return;
        }
        let holding = s.machine.borrow().holding();
        match kind.as_str() {
            "claim" if holding => {
                if let Some(p) = port.borrow().as_ref() {
                    let m = js::object();
                    js::set(&m, "kind", &JsValue::from_str("held"));
                    js::set(&m, "owner", &JsValue::from_str(&me));
                    let _ = js::call(p, "postMessage", &[&m]);
                }
            }
            "claim" => s.machine.borrow_mut().heard(Heard::Claim(other)),
            "held" => s.machine.borrow_mut().heard(Heard::Held),
            _ => {}
        }
    })?;
    *answer.borrow_mut() = Some(ch.port.clone());
    Some(ch)
}

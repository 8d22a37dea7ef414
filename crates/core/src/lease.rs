//! The account lock's lease, as a state machine: what a tab does to claim, renew and release the
//! lease `gcs:<account>:lease` in host storage, with time and every stored value as inputs.
//!
//! The shell takes a Web Lock first; where that cannot exclude everyone (storage shared with
//! other devices, or no Web Locks), it also runs one [`Lease`] from claim to release, performing
//! each [`Effect`] and answering with an [`Answer`]. The lease holds an owner id and an expiry;
//! its holder renews it every [`RENEW_MS`], so a holder that died frees it within [`LEASE_MS`]
//! (plus [`SKEW_MS`] between devices, whose clocks differ).
//!
//! - **Claim by compare-and-set** (the host offers `storage.compareAndSet`): read the lease; if
//!   another owner's lease is live, give up (BUSY); else swap the text read for our own lease.
//!   Of two claiming together exactly one swap succeeds, on any device.
//! - **Claim by write and read-back** (no compare-and-set): read; announce the claim to this
//!   browser's other tabs and wait [`SETTLE_MS`] (a tab holding the lease answers "held", and of
//!   two claiming together the smaller owner id goes on); read again; write our lease; wait for
//!   storage to settle; read it back. Of two tabs writing within [`SETTLE_MS`] the last writer
//!   wins and the other reads the winner's lease back.
//! - **Renewal**: every [`RENEW_MS`], by compare-and-set over the text last written, or by a read
//!   and a write. A renewal is only written while our own lease has not lapsed by our own clock:
//!   once it has, another owner may have taken it (a tab frozen between its read and its write
//!   would otherwise write over the new holder's lease), so the lease counts as lost.
//! - **Release**: read, and remove the lease only if it is still ours (one that lapsed and was
//!   taken is the new holder's). Release and renewal run in one machine, so a renewal never
//!   writes the lease back after its release.
//!
//! A stored value that cannot be read (torn, another format) counts as no lease: it is only a
//! lock record, and a lock nobody can read must not lock everyone out.
//!
//! `tests/it/lease.rs` enumerates the interleavings of two owners' steps against a simulated
//! store and checks that two owners never act as holders in overlapping holds and that a lapsed
//! lease is taken over.

use crate::store;

/// How long a lease lasts without renewal. Long enough for a background tab whose timers the
/// browser slows to once a minute.
pub const LEASE_MS: i64 = 120_000;
/// How often the holder renews it.
pub const RENEW_MS: i64 = 20_000;
/// How long a claim waits for other tabs' claims, and for storage to settle, before it reads
/// again.
pub const SETTLE_MS: i64 = 150;
/// How far apart two devices' clocks may be: a lease in shared storage lapses only this long
/// after its expiry by the reader's clock, so a device whose clock runs ahead does not take a
/// lease its holder is still renewing.
pub const SKEW_MS: i64 = 60_000;

crate::json_struct! {
    /// A lease as stored: who holds the lock, until when (by the holder's clock).
    pub struct LeaseValue {
        pub owner: String = "owner",
        pub expires_at: i64 = "expiresAt",
    }
}

/// The lease in a stored text; one that cannot be read counts as none.
pub fn parse(text: &str) -> Option<LeaseValue> {
    store::read::<LeaseValue>("lease", text).ok()
}

/// The stored text of `owner`'s lease written at `now`.
pub fn text(owner: &str, now: i64) -> String {
    store::wrap_value(&LeaseValue {
        owner: owner.to_string(),
        expires_at: now + LEASE_MS,
    })
}

/// Whether the stored text is `owner`'s lease.
pub fn is_ours(stored: Option<&str>, owner: &str) -> bool {
    stored.and_then(parse).is_some_and(|l| l.owner == owner)
}

/// Whether a lease written at `at` is too near its expiry (by the writer's clock) to renew or
/// act on: within [`RENEW_MS`] of it, a margin for the storage call's own time.
fn lapsing(at: i64, now: i64) -> bool {
    now >= at + LEASE_MS - RENEW_MS
}

/// How a lease is claimed and renewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mode {
    /// Through `storage.compareAndSet`.
    pub cas: bool,
    /// Storage is shared with other devices: their clocks may differ from this one's.
    pub shared: bool,
    /// A `BroadcastChannel` reaches this browser's other tabs.
    pub channel: bool,
}

impl Mode {
    /// Whether a lease in `stored` keeps `owner` out at `now`: another owner's, not lapsed.
    pub fn kept_out(self, stored: Option<&str>, owner: &str, now: i64) -> bool {
        let skew = if self.shared { SKEW_MS } else { 0 };
        stored
            .and_then(parse)
            .is_some_and(|l| l.owner != owner && l.expires_at + skew > now)
    }
}

/// What the shell does next.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Read the lease's key; answer [`Answer::Read`] (or [`Answer::Failed`]).
    Read,
    /// Post "claim" with our owner id on the channel; answer [`Answer::Done`].
    Announce,
    /// Wait this long (ms); answer [`Answer::Done`]. A holder's wait ends early, with
    /// [`Answer::Done`] too, once [`Lease::release`] is called.
    Wait(i64),
    /// Write this text to the key; answer [`Answer::Done`] (or [`Answer::Failed`]).
    Write(String),
    /// Swap `expected` (absent: `None`) for `text`; answer [`Answer::Swapped`].
    CompareAndSet {
        expected: Option<String>,
        text: String,
    },
    /// Remove the key; answer [`Answer::Done`].
    Remove,
    /// The lock is held from now: go on renewing (answer [`Answer::Done`] to go on).
    Held,
    /// The claim failed: another tab or device holds the lock. The machine is finished.
    Busy,
    /// The claim was cancelled before anything was written. The machine is finished.
    Cancelled,
    /// The lease was taken over (or lapsed) while held: renewals end. The machine is finished.
    Lost,
    /// The lease is let go. The machine is finished.
    Released,
}

/// The answer to the last [`Effect`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The effect is done (or, at the start, there was none).
    Done,
    /// The key's text, `None` when absent.
    Read(Option<String>),
    /// Whether a compare-and-set swapped.
    Swapped(bool),
    /// Storage failed.
    Failed,
}

/// What this tab heard on the channel from another tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Another tab claims, with its owner id.
    Claim(String),
    /// Another tab holds the lease.
    Held,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Phase {
    Start,
    /// Compare-and-set claim: the lease read, then the swap.
    CasRead,
    CasSwap(String),
    /// Read-back claim.
    FirstRead,
    Announced,
    Settled,
    Reread,
    Written(String),
    WrittenSettled(String),
    ReadBack(String),
    /// Held: `last` is the text last written, `at` when (by our clock).
    Holding {
        last: String,
        at: i64,
    },
    Renewing {
        last: String,
        at: i64,
    },
    RenewRead {
        last: String,
        at: i64,
    },
    RenewWrite {
        last: String,
        at: i64,
        next: String,
        next_at: i64,
    },
    ReleaseRead,
    Removing,
    Finished,
}

/// One owner's lease, from claim to release or loss. See the module documentation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lease {
    owner: String,
    mode: Mode,
    phase: Phase,
    /// Another tab answered "held", or claimed with a smaller owner id.
    yield_to_other: bool,
    cancelled: bool,
    release: bool,
}

impl Lease {
    /// A claim by `owner`: call [`Lease::next`] with [`Answer::Done`] to begin.
    pub fn claim(owner: &str, mode: Mode) -> Lease {
        Lease {
            owner: owner.to_string(),
            mode,
            phase: Phase::Start,
            yield_to_other: false,
            cancelled: false,
            release: false,
        }
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Whether the lock is held (claimed, neither lost nor released).
    pub fn holding(&self) -> bool {
        self.held_since().is_some()
    }

    /// When (by this tab's clock) the lease was last written, while it is held.
    fn held_since(&self) -> Option<i64> {
        match &self.phase {
            Phase::Holding { at, .. }
            | Phase::Renewing { at, .. }
            | Phase::RenewRead { at, .. }
            | Phase::RenewWrite { at, .. } => Some(*at),
            _ => None,
        }
    }

    /// Whether a held lease is lost, given the stored text at `now`: it is no longer ours, or it
    /// is close enough to lapsing by our own clock that another owner may take it before a write
    /// made now lands (this tab was frozen past its renewals).
    pub fn lost(&self, stored: Option<&str>, now: i64) -> bool {
        match self.held_since() {
            Some(at) => !is_ours(stored, &self.owner) || lapsing(at, now),
            None => true,
        }
    }

    /// The run was cancelled: a claim not yet written ends [`Effect::Cancelled`].
    pub fn cancel(&mut self) {
        self.cancelled = true;
    }

    /// Let the lease go: a held lease is removed if still ours; a claim not yet written ends.
    pub fn release(&mut self) {
        self.release = true;
        self.cancelled = true;
    }

    /// A message from another tab on the channel.
    pub fn heard(&mut self, h: Heard) {
        match h {
            Heard::Held => self.yield_to_other = true,
            Heard::Claim(other) if other < self.owner => self.yield_to_other = true,
            Heard::Claim(_) => {}
        }
    }

    /// The next effect, given the answer to the last one and the time by this tab's clock.
    pub fn next(&mut self, answer: Answer, now: i64) -> Effect {
        let (phase, effect) = self.step(answer, now);
        self.phase = phase;
        effect
    }

    fn step(&self, answer: Answer, now: i64) -> (Phase, Effect) {
        let mode = self.mode;
        let owner = self.owner.as_str();
        let read = |a: &Answer| match a {
            Answer::Read(t) => Ok(t.clone()),
            _ => Err(()),
        };
        let finished = |e| (Phase::Finished, e);
        match &self.phase {
            Phase::Finished => finished(Effect::Released),
            Phase::Start if self.cancelled => finished(Effect::Cancelled),
            Phase::Start if mode.cas => (Phase::CasRead, Effect::Read),
            Phase::Start => (Phase::FirstRead, Effect::Read),
            Phase::CasRead => match read(&answer) {
                Err(()) => finished(Effect::Busy),
                Ok(t) if mode.kept_out(t.as_deref(), owner, now) => finished(Effect::Busy),
                Ok(_) if self.cancelled => finished(Effect::Cancelled),
                Ok(t) => {
                    let text = text(owner, now);
                    let cas = Effect::CompareAndSet {
                        expected: t,
                        text: text.clone(),
                    };
                    (Phase::CasSwap(text), cas)
                }
            },
            Phase::CasSwap(text) => match answer {
                Answer::Swapped(true) => self.held(text.clone(), now),
                _ => finished(Effect::Busy),
            },
            Phase::FirstRead => match read(&answer) {
                Err(()) => finished(Effect::Busy),
                Ok(t) if mode.kept_out(t.as_deref(), owner, now) => finished(Effect::Busy),
                Ok(_) if mode.channel => (Phase::Announced, Effect::Announce),
                Ok(_) => self.write_claim(now),
            },
            Phase::Announced => (Phase::Settled, Effect::Wait(SETTLE_MS)),
            // Looked at again after the wait: a tab that won meanwhile has written its lease.
            Phase::Settled => (Phase::Reread, Effect::Read),
            Phase::Reread => match read(&answer) {
                Err(()) => finished(Effect::Busy),
                Ok(t) if self.yield_to_other || mode.kept_out(t.as_deref(), owner, now) => {
                    finished(Effect::Busy)
                }
                Ok(_) => self.write_claim(now),
            },
            Phase::Written(text) => match answer {
                Answer::Failed => finished(Effect::Busy),
                _ => (Phase::WrittenSettled(text.clone()), Effect::Wait(SETTLE_MS)),
            },
            Phase::WrittenSettled(text) => (Phase::ReadBack(text.clone()), Effect::Read),
            Phase::ReadBack(text) => match read(&answer) {
                Ok(t) if !self.yield_to_other && t.as_deref() == Some(text.as_str()) => {
                    // Written at the claim's read, so its time is when the text was made.
                    let at = parse(text).map_or(now, |l| l.expires_at - LEASE_MS);
                    self.held(text.clone(), at)
                }
                _ => finished(Effect::Busy),
            },
            Phase::Holding { last, at } => {
                if self.release {
                    (Phase::ReleaseRead, Effect::Read)
                } else {
                    let (last, at) = (last.clone(), *at);
                    (Phase::Renewing { last, at }, Effect::Wait(RENEW_MS))
                }
            }
            Phase::Renewing { last, at } => {
                let (last, at) = (last.clone(), *at);
                if self.release {
                    (Phase::ReleaseRead, Effect::Read)
                } else if lapsing(at, now) {
                    // Our own lease is lapsing by our own clock (this tab was frozen): another
                    // owner may hold it by the time a write lands, and it would take it from them.
                    finished(Effect::Lost)
                } else if mode.cas {
                    let next = text(owner, now);
                    let cas = Effect::CompareAndSet {
                        expected: Some(last.clone()),
                        text: next.clone(),
                    };
                    let phase = Phase::RenewWrite {
                        last,
                        at,
                        next,
                        next_at: now,
                    };
                    (phase, cas)
                } else {
                    (Phase::RenewRead { last, at }, Effect::Read)
                }
            }
            Phase::RenewRead { last, at } => match read(&answer) {
                Ok(t) if !is_ours(t.as_deref(), owner) => finished(Effect::Lost),
                // Lapsing by our clock since the read began: as above.
                Ok(_) if lapsing(*at, now) => finished(Effect::Lost),
                Ok(_) => {
                    let next = text(owner, now);
                    let phase = Phase::RenewWrite {
                        last: last.clone(),
                        at: *at,
                        next: next.clone(),
                        next_at: now,
                    };
                    (phase, Effect::Write(next))
                }
                // Storage failed: tried again at the next renewal, well before the lease lapses.
                Err(()) => (
                    Phase::Holding {
                        last: last.clone(),
                        at: *at,
                    },
                    Effect::Held,
                ),
            },
            Phase::RenewWrite {
                last,
                at,
                next,
                next_at,
            } => match answer {
                Answer::Swapped(false) => finished(Effect::Lost),
                Answer::Failed => self.keep(last.clone(), *at),
                _ => self.keep(next.clone(), *next_at),
            },
            Phase::ReleaseRead => match read(&answer) {
                Ok(t) if is_ours(t.as_deref(), owner) => (Phase::Removing, Effect::Remove),
                _ => finished(Effect::Released),
            },
            Phase::Removing => finished(Effect::Released),
        }
    }

    fn write_claim(&self, now: i64) -> (Phase, Effect) {
        if self.cancelled {
            return (Phase::Finished, Effect::Cancelled);
        }
        let text = text(&self.owner, now);
        (Phase::Written(text.clone()), Effect::Write(text))
    }

    fn held(&self, last: String, at: i64) -> (Phase, Effect) {
        (Phase::Holding { last, at }, Effect::Held)
    }

    /// Held, after a renewal: the next renewal follows (or the release).
    fn keep(&self, last: String, at: i64) -> (Phase, Effect) {
        if self.release {
            (Phase::ReleaseRead, Effect::Read)
        } else {
            (Phase::Renewing { last, at }, Effect::Wait(RENEW_MS))
        }
    }
}

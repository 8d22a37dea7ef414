//! The account lock's lease, model-checked: two owners (tabs or devices) run their [`Lease`]
//! machines against one simulated store, and every interleaving of their steps is explored (a
//! step is one effect performed at once against the store), with each owner free to act as the
//! holder, release, die or be frozen past its lease at any point, and their clocks apart by up to
//! [`SKEW_MS`] where storage is shared. Checked in every state reached:
//! - mutual exclusion: a holder alive and not frozen never sees the other owner get the lock;
//!   once an owner acted as holder (it checked its lease was still its own and
//!   wrote), the other never acts again in a hold that began before;
//! - progress: a claim ends BUSY only when the other owner wrote the store meanwhile or was
//!   claiming or holding, or a lease it could not take was live; so a lapsed, torn or dead
//!   owner's lease is taken over;
//! - nothing left behind: when neither owner died, no lease is left in the store at the end.

use gcontacts_sync_core::lease::*;
use std::collections::HashSet;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Status {
    /// Waiting for the next attempt, at this time.
    Idle,
    Claiming,
    Holding,
    Finished,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Owner {
    id: &'static str,
    lease: Lease,
    status: Status,
    /// The effect the machine asked for, not yet performed.
    pending: Option<Effect>,
    /// When its pending effect may be performed (a wait) and when it is awake (a freeze).
    wake: i64,
    frozen_until: i64,
    offset: i64,
    /// When each later attempt starts.
    attempts: Vec<i64>,
    /// Acts left in the current hold; the event number the hold began at.
    acts: u8,
    hold_began: usize,
    /// The current claim was contended (see the module documentation).
    contended: bool,
    dead: bool,
    ever_held: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct World {
    now: i64,
    store: Option<String>,
    owners: [Owner; 2],
    /// Event numbers of the last act of each owner.
    last_act: [Option<usize>; 2],
    events: usize,
    deaths: u8,
    freezes: u8,
}

const HORIZON: i64 = 4 * LEASE_MS;
const FREEZE: i64 = LEASE_MS + SKEW_MS + RENEW_MS;

impl World {
    fn clock(&self, o: usize) -> i64 {
        self.now + self.owners[o].offset
    }

    fn awake(&self, o: usize) -> bool {
        let w = &self.owners[o];
        !w.dead && w.frozen_until <= self.now
    }

    /// Performs owner `o`'s pending effect and asks its machine for the next.
    fn step(&mut self, o: usize, mode: Mode) {
        self.events += 1;
        let other = 1 - o;
        let now = self.clock(o);
        let effect = self.owners[o].pending.take().expect("a pending effect");
        let answer = match effect {
            Effect::Read => {
                if mode.kept_out(self.store.as_deref(), self.owners[o].id, now) {
                    self.owners[o].contended = true;
                }
                Answer::Read(self.store.clone())
            }
            Effect::Announce => {
                let me = self.owners[o].id.to_string();
                match self.owners[other].status {
                    Status::Holding if !self.owners[other].dead => {
                        self.owners[o].lease.heard(Heard::Held)
                    }
                    Status::Claiming if !self.owners[other].dead => {
                        self.owners[other].contended = true;
                        self.owners[other].lease.heard(Heard::Claim(me));
                        let theirs = self.owners[other].id.to_string();
                        self.owners[o].lease.heard(Heard::Claim(theirs));
                    }
                    _ => {}
                }
                Answer::Done
            }
            Effect::Wait(_) | Effect::Held => Answer::Done,
            Effect::Write(t) => {
                self.owners[other].contended = true;
                self.store = Some(t);
                Answer::Done
            }
            Effect::CompareAndSet { expected, text } => {
                let swapped = self.store == expected;
                if swapped {
                    self.owners[other].contended = true;
                    self.store = Some(text);
                }
                Answer::Swapped(swapped)
            }
            Effect::Remove => {
                self.owners[other].contended = true;
                self.store = None;
                Answer::Done
            }
            Effect::Busy | Effect::Cancelled | Effect::Lost | Effect::Released => {
                unreachable!("a finished machine has no pending effect")
            }
        };
        let next = self.owners[o].lease.next(answer, now);
        self.after(o, next);
    }

    /// Records what the machine's next effect says about its owner.
    fn after(&mut self, o: usize, next: Effect) {
        let other = 1 - o;
        if matches!(
            self.owners[other].status,
            Status::Claiming | Status::Holding
        ) && !self.owners[other].dead
        {
            self.owners[o].contended = true;
        }
        match &next {
            Effect::Wait(ms) => self.owners[o].wake = self.now + ms,
            Effect::Held => {
                let them = &self.owners[other];
                // A holder alive and never frozen renews in time: its lease is never taken.
                assert!(
                    !(them.status == Status::Holding
                        && them.lease.holding()
                        && !them.dead
                        && them.frozen_until == 0),
                    "both hold: {self:?}"
                );
                let w = &mut self.owners[o];
                w.status = Status::Holding;
                w.acts = 2;
                w.hold_began = self.events;
                w.ever_held = true;
            }
            _ => {}
        }
        match next {
            Effect::Busy => {
                let id = self.owners[o].id;
                assert!(
                    self.owners[o].contended,
                    "{id} gave up uncontended: {self:?}"
                );
                self.finish(o);
            }
            Effect::Cancelled | Effect::Lost | Effect::Released => self.finish(o),
            e => self.owners[o].pending = Some(e),
        }
    }

    fn finish(&mut self, o: usize) {
        let w = &mut self.owners[o];
        w.pending = None;
        w.status = if w.attempts.is_empty() {
            Status::Finished
        } else {
            Status::Idle
        };
        if let Some(&at) = w.attempts.first() {
            w.wake = w.wake.max(at);
        }
    }

    fn start(&mut self, o: usize, mode: Mode) {
        let w = &mut self.owners[o];
        w.attempts.remove(0);
        w.lease = Lease::claim(w.id, mode);
        w.status = Status::Claiming;
        w.contended = false;
        let now = self.clock(o);
        let next = self.owners[o].lease.next(Answer::Done, now);
        self.after(o, next);
    }

    /// Owner `o`'s run acts as the holder: checks its lease is still its own, then writes.
    fn act(&mut self, o: usize) {
        self.events += 1;
        let now = self.clock(o);
        let w = &self.owners[o];
        if w.lease.lost(self.store.as_deref(), now) {
            // The run stops ("taken over") and lets its lock go.
            self.owners[o].acts = 0;
            self.release(o);
            return;
        }
        if let Some(theirs) = self.last_act[1 - o] {
            assert!(
                theirs < w.hold_began,
                "{} acted in a hold begun before the other's act: {self:?}",
                w.id
            );
        }
        self.last_act[o] = Some(self.events);
        self.owners[o].acts -= 1;
    }

    fn release(&mut self, o: usize) {
        self.owners[o].lease.release();
        // A holder's wait for its next renewal ends at once.
        if matches!(self.owners[o].pending, Some(Effect::Wait(_))) {
            self.owners[o].wake = self.now;
        }
    }
}

/// Every world one move from `w`.
fn moves(w: &World, mode: Mode) -> Vec<World> {
    let mut out = Vec::new();
    for o in 0..2 {
        if !w.awake(o) {
            continue;
        }
        let me = &w.owners[o];
        let mut push = |f: &dyn Fn(&mut World)| {
            let mut next = w.clone();
            f(&mut next);
            out.push(next);
        };
        match me.status {
            Status::Idle if me.wake <= w.now => push(&|n| n.start(o, mode)),
            Status::Claiming | Status::Holding if me.wake <= w.now && me.pending.is_some() => {
                push(&|n| n.step(o, mode))
            }
            _ => {}
        }
        if me.status == Status::Holding && me.lease.holding() {
            if me.acts > 0 {
                push(&|n| n.act(o));
            } else {
                push(&|n| n.release(o));
            }
        }
        if me.status != Status::Finished && w.deaths == 0 {
            push(&|n| {
                n.owners[o].dead = true;
                n.deaths += 1;
            });
        }
        if matches!(me.status, Status::Claiming | Status::Holding) && w.freezes == 0 {
            push(&|n| {
                n.owners[o].frozen_until = n.now + FREEZE;
                n.freezes += 1;
            });
        }
    }
    if out.is_empty() {
        // Nobody can move now: time passes to the next wake.
        let next = (0..2)
            .filter(|&o| !w.owners[o].dead && w.owners[o].status != Status::Finished)
            .map(|o| w.owners[o].wake.max(w.owners[o].frozen_until))
            .filter(|&t| t > w.now)
            .min();
        if let Some(t) = next.filter(|&t| t <= HORIZON) {
            let mut n = w.clone();
            n.now = t;
            out.push(n);
        }
    }
    out
}

/// Explores every interleaving from `start`; returns the number of worlds seen.
fn explore(start: World, mode: Mode) -> usize {
    let mut seen = HashSet::new();
    let mut stack = vec![start];
    while let Some(w) = stack.pop() {
        if !seen.insert(w.clone()) {
            continue;
        }
        let next = moves(&w, mode);
        let settled = w.owners.iter().all(|o| o.status == Status::Finished);
        if settled && w.deaths == 0 {
            let left = w.store.as_deref().and_then(parse);
            assert!(
                !left.is_some_and(|l| l.owner == "a" || l.owner == "b"),
                "a lease left behind: {w:?}"
            );
            if w.freezes == 0 {
                assert!(w.owners.iter().any(|o| o.ever_held), "nobody held: {w:?}");
            }
        }
        stack.extend(next);
    }
    seen.len()
}

fn owner(id: &'static str, offset: i64, attempts: &[i64], mode: Mode) -> Owner {
    Owner {
        id,
        lease: Lease::claim(id, mode),
        status: Status::Idle,
        pending: None,
        wake: attempts[0],
        frozen_until: 0,
        offset,
        attempts: attempts.to_vec(),
        acts: 0,
        hold_began: 0,
        contended: false,
        dead: false,
        ever_held: false,
    }
}

fn modes() -> Vec<Mode> {
    let mut out = Vec::new();
    for cas in [true, false] {
        for shared in [true, false] {
            for channel in [true, false] {
                if !(cas && channel) {
                    out.push(Mode {
                        cas,
                        shared,
                        channel,
                    });
                }
            }
        }
    }
    out
}

/// Both owners claim at once (and again later), from `store`, for each mode and clock skew.
fn check_from(store: Option<String>) -> usize {
    // Late enough for a lease written at the start to have lapsed by any clock.
    let later = LEASE_MS + 2 * SKEW_MS + SETTLE_MS;
    let mut worlds = 0;
    for mode in modes() {
        let skews: &[i64] = if mode.shared {
            &[-SKEW_MS, 0, SKEW_MS]
        } else {
            &[0]
        };
        for &skew in skews {
            let w = World {
                now: 0,
                store: store.clone(),
                owners: [
                    owner("a", 0, &[0], mode),
                    owner("b", skew, &[0, later], mode),
                ],
                last_act: [None, None],
                events: 0,
                deaths: 0,
                freezes: 0,
            };
            worlds += explore(w, mode);
        }
    }
    worlds
}

#[test]
fn two_owners_claiming_at_once_never_both_hold_and_one_always_does() {
    let worlds = check_from(None);
    assert!(worlds > 1_000, "only {worlds} worlds explored");
}

#[test]
fn a_torn_stored_lease_is_no_lock() {
    check_from(Some("{\"version\":1,\"value\":{\"own".into()));
    check_from(Some("null".into()));
}

#[test]
fn a_dead_owners_lease_keeps_others_out_until_it_lapses_then_is_taken_over() {
    // The progress check in every world: a claim ends BUSY only while that lease is live.
    check_from(Some(text("dead", 0)));
}

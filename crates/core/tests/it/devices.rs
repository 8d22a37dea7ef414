//! One account synced from two devices (or browser profiles) over one storage kept on the CRM's
//! server, one Google account and one CRM: each device's run loads the state from storage when it
//! starts and saves it when it ends, and the two runs' requests interleave one for one. Nothing
//! here excludes the two runs (the lock lives in the shell, in the browser): what the core does
//! alone must leave every CRM contact with one Google contact after the next run, whatever the
//! timing, and must not create what the other device just created.

use crate::harness::*;
use gcontacts_sync_core::people::request::{ListConnections, PeopleApi};
use gcontacts_sync_core::store::{self, Stored};
use gcontacts_sync_core::sync::engine::{Action, Engine, Input, RunResult};
use gcontacts_sync_core::sync::plan::Scope;
use gcontacts_sync_core::sync::state::AccountState;
use serde_json::json;
use std::collections::BTreeMap;

const ACCOUNT: &str = "ann@example.com";
const JOURNAL: &str = "gcs:ann@example.com:journal";

/// Two devices of one user: the world they share, and the host's storage.
struct Devices {
    w: World,
    disk: BTreeMap<String, String>,
}

/// A device's run under way: its engine and what storage held of the state it loaded.
struct Running {
    engine: Engine,
    stored: Stored,
    done: bool,
}

impl Devices {
    fn new(w: World) -> Devices {
        Devices {
            w,
            disk: BTreeMap::new(),
        }
    }

    /// A run starts as a page load does: from what storage holds now.
    fn start(&mut self, scope: Scope) -> Running {
        let values: Vec<Option<String>> = store::load_keys(
            ACCOUNT,
            self.disk
                .get(&store::key(ACCOUNT, "state"))
                .map(String::as_str),
        )
        .iter()
        .map(|k| self.disk.get(k).cloned())
        .collect();
        let loaded = store::load_state(ACCOUNT, &values).expect("the state loads");
        let config = self.w.config(scope, false);
        let engine = Engine::new(
            loaded.state,
            self.w.settings.clone(),
            self.disk.get(JOURNAL).map(String::as_str),
            config,
            self.w.now(),
        );
        Running {
            engine,
            stored: loaded.stored,
            done: false,
        }
    }

    /// One action of a run, answered. Answers whether the run went on.
    fn step(&mut self, r: &mut Running) -> bool {
        let now = self.w.now();
        let input = match r.engine.poll(now) {
            Action::Http(req) => self.w.google_answer(req),
            Action::Crm(call) => self.w.crm.answer(call, now),
            Action::SaveJournal(j) => {
                match j {
                    Some(j) => self.disk.insert(JOURNAL.into(), j),
                    None => self.disk.remove(JOURNAL),
                };
                Input::Saved
            }
            Action::Sleep { until } => {
                self.w.em.advance_clock((until - now).max(0) as u64);
                return true;
            }
            Action::Download { url, .. } => {
                panic!("no photo is synced here, yet {url} was fetched")
            }
            Action::Progress { .. } => return true,
            Action::Done => {
                r.done = true;
                return false;
            }
        };
        r.engine.handle(input, self.w.now());
        true
    }

    /// Ends a run: its state saved as the shell saves it (the changed shards, then the header).
    fn finish(&mut self, r: Running) -> RunResult {
        let result = r.engine.finish();
        if let Some((rn, a, b)) = result.state.linked_twice() {
            panic!("Google contact {rn} is linked to two CRM contacts, {a} and {b}");
        }
        let save = store::save_changes(
            ACCOUNT,
            &result.state,
            &r.stored,
            None,
            None,
            store::DEFAULT_MAX_VALUE_BYTES,
        )
        .expect("the state fits");
        for (k, v) in save.shards.into_iter().chain(save.header) {
            self.disk.insert(k, v);
        }
        result
    }

    /// Two runs of `scope`, the second starting once the first made `lag` actions; then each
    /// makes one action in turn. Answers their results, the first device's first.
    fn together(&mut self, scope: Scope, lag: usize) -> [RunResult; 2] {
        let mut a = self.start(scope.clone());
        for _ in 0..lag {
            if !self.step(&mut a) {
                break;
            }
        }
        let mut b = self.start(scope);
        while !(a.done && b.done) {
            if !a.done {
                self.step(&mut a);
            }
            if !b.done {
                self.step(&mut b);
            }
        }
        let ra = self.finish(a);
        let rb = self.finish(b);
        [ra, rb]
    }

    /// One device's run alone.
    fn run(&mut self) -> RunResult {
        let mut r = self.start(Scope::All);
        while self.step(&mut r) {}
        self.finish(r)
    }

    /// The state storage holds.
    fn state(&self) -> AccountState {
        let values: Vec<Option<String>> = store::state_keys(ACCOUNT)
            .iter()
            .map(|k| self.disk.get(k).cloned())
            .collect();
        store::load_state(ACCOUNT, &values)
            .expect("the state loads")
            .state
    }

    /// Every CRM contact has exactly one Google contact, linked to it, and Google holds no
    /// other.
    fn one_each(&self, case: &str) {
        let tagged = tagged(&self.w);
        let state = self.state();
        for id in self.w.crm.contacts.keys() {
            let rns = tagged.get(id).cloned().unwrap_or_default();
            assert_eq!(
                rns.len(),
                1,
                "{case}: CRM contact {id} has Google contacts {rns:?}"
            );
            assert_eq!(
                state.links.get(id).map(|l| &l.resource_name),
                rns.first(),
                "{case}: CRM contact {id}'s link"
            );
        }
        assert_eq!(
            self.w.google().len(),
            self.w.crm.contacts.len(),
            "{case}: Google holds other contacts"
        );
    }

    /// A run from either device after the Google listings caught up: it repairs what is left,
    /// and the one after writes nothing.
    fn next_runs_settle(&mut self, case: &str) {
        self.w.em.advance_clock(LAG_MS + 1);
        let r = self.run();
        assert!(r.report.ok, "{case}: {:?}", r.report.errors);
        self.one_each(case);
        let again = self.run();
        assert_eq!(
            writes(&again),
            0,
            "{case}: {:?}",
            again.plan.map(|p| p.to_string())
        );
    }
}

/// How far Google's incremental listings lag behind writes here, as Google's do.
const LAG_MS: u64 = 180_000;

fn world(n: usize) -> World {
    let mut w = World::new();
    w.em.set_propagation_delay(LAG_MS);
    w.crm_add_people(n, "Dev");
    w
}

#[test]
fn two_devices_starting_a_first_sync_together_end_with_one_google_contact_per_crm_contact() {
    for lag in [0, 1, 3, 6] {
        let case = format!("the second device starts after {lag} actions");
        let mut d = Devices::new(world(200));
        let [a, b] = d.together(Scope::All, lag);
        for r in [&a, &b] {
            assert!(r.report.ok, "{case}: {:?}", r.report.errors);
        }
        d.next_runs_settle(&case);
    }
}

#[test]
fn a_device_starting_while_the_other_creates_links_its_creates_instead_of_sending_them_again() {
    // The first device's run has listed Google and sent its creates when the second starts:
    // the second lists Google in full (no state saved yet) and finds them by their tag.
    let mut d = Devices::new(world(20));
    let mut a = d.start(Scope::All);
    while d.w.google().len() < 20 {
        assert!(d.step(&mut a), "the run ended before it created");
    }
    let b = d.run();
    while d.step(&mut a) {}
    d.finish(a);
    assert_eq!(
        b.report.created.google,
        0,
        "{:?}",
        b.plan.map(|p| p.to_string())
    );
    assert_eq!(d.w.google().len(), 20);
    d.one_each("the second device linked");
    d.next_runs_settle("after both");
}

#[test]
fn an_incremental_run_checks_the_tags_before_creating_what_another_device_just_created() {
    let mut d = Devices::new(world(5));
    d.run();
    d.w.em.advance_clock(LAG_MS + 1);
    d.run();
    // Two new CRM contacts. One device syncs them; the other, whose state was saved before
    // (it loads the state from before that run, as a page opened earlier would keep it) syncs
    // too, while Google's incremental listing does not show the first one's creates yet.
    let ann = d.w.crm_add(person("Ann", "New", "ann@new.io"));
    let bo = d.w.crm_add(person("Bo", "New", "bo@new.io"));
    let before = d.disk.clone();
    let first = d.run();
    assert_eq!(first.report.created.google, 2);
    d.disk = before;
    let second = d.run();
    assert_eq!(
        second.report.created.google,
        0,
        "{:?}",
        second.plan.map(|p| p.to_string())
    );
    assert_eq!(second.report.linked, 2, "linked by their tag");
    assert_eq!(
        second.report.requests.get("people.connections.list"),
        Some(&2),
        "the incremental listing, then one of the tags"
    );
    let tagged = tagged(&d.w);
    assert_eq!((tagged[&ann].len(), tagged[&bo].len()), (1, 1));
    d.one_each("after the second device linked them");
    d.next_runs_settle("then");
}

#[test]
fn an_incremental_run_with_nothing_to_create_lists_no_tags() {
    let mut d = Devices::new(world(3));
    d.run();
    d.w.em.advance_clock(LAG_MS + 1);
    d.run();
    let id = d.w.crm.contacts.keys().next().cloned().expect("a contact");
    d.w.crm_edit(&id, |c| c.title = "CTO".into());
    let r = d.run();
    assert_eq!(r.report.updated.google, 1);
    assert_eq!(
        r.report.requests.get("people.connections.list"),
        Some(&1),
        "{:?}",
        r.report.requests
    );
}

#[test]
fn two_devices_running_incrementally_together_end_with_one_google_contact_per_crm_contact() {
    for lag in [0, 1, 2, 4, 8] {
        let case = format!("the second device starts after {lag} actions");
        let mut d = Devices::new(world(30));
        d.run();
        d.w.em.advance_clock(LAG_MS + 1);
        d.run();
        for i in 0..12 {
            d.w.crm_add(person(&format!("N{i}"), "Late", &format!("n{i}@late.io")));
        }
        let [a, b] = d.together(Scope::All, lag);
        for r in [&a, &b] {
            assert!(r.report.ok, "{case}: {:?}", r.report.errors);
        }
        d.next_runs_settle(&case);
    }
}

/// An older version's runs could both create, and its next runs moved the sync token past the
/// second copies without merging them back: no incremental listing shows them again.
#[test]
fn a_doubled_state_left_by_an_older_version_is_repaired_by_the_next_run() {
    let mut d = Devices::new(world(0));
    let ids: Vec<String> = (0..30)
        .map(|i| {
            d.w.crm_add(person(&format!("O{i}"), "Old", &format!("o{i}@old.io")))
        })
        .collect();
    d.run();
    let tag = |id: &str| json!([{"key": format!("gcsync:{INSTANCE}"), "value": id}]);
    let copies: Vec<serde_json::Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({"names": [{"givenName": format!("O{i}"), "familyName": "Old"}],
                   "emailAddresses": [{"value": format!("o{i}@old.io")}],
                   "clientData": tag(id)})
        })
        .collect();
    d.w.google_add(&copies);
    d.w.em.advance_clock(LAG_MS + 1);
    // What the older version left: a token past the copies, and no record of a look at the tags.
    let mut state = d.state();
    let api = PeopleApi::new(BASE);
    let mut q = ListConnections {
        sync_token: state.sync_token.clone(),
        ..ListConnections::default()
    };
    let page = loop {
        let req = api.list_connections(&q);
        let path = req.url.strip_prefix(BASE).expect("our base URL");
        let page = d.w.google_request("GET", path, None);
        match page["nextPageToken"].as_str() {
            Some(t) => q.page_token = Some(t.to_string()),
            None => break page,
        }
    };
    state.sync_token = page["nextSyncToken"].as_str().map(str::to_string);
    assert!(state.sync_token.is_some(), "{page}");
    state.tags_checked_at = None;
    let save = store::save_state(ACCOUNT, &state, &Stored::default()).expect("the state fits");
    d.disk.extend(save.shards.into_iter().chain(save.header));
    assert_eq!(d.w.google().len(), 60);

    let r = d.run();
    assert!(r.report.ok, "{:?}", r.report.errors);
    assert_eq!(
        r.report.deleted.google,
        30,
        "{:?}",
        r.plan.map(|p| p.to_string())
    );
    d.one_each("repaired");
    assert!(d.state().tags_checked_at.is_some());
    // The look is weekly: the next runs list Google once each.
    let again = d.run();
    assert_eq!(writes(&again), 0);
    assert_eq!(
        again.report.requests.get("people.connections.list"),
        Some(&1)
    );
}

#[test]
fn the_look_at_every_tag_comes_back_weekly() {
    // Hourly runs keep the sync token fresh; the week counts from the first sync's full listing.
    let mut d = Devices::new(world(2));
    d.run();
    let day = 24 * 3600 * 1000;
    d.w.em.advance_clock(4 * day);
    d.w.renew_token();
    let quiet = d.run();
    assert!(quiet.report.ok, "{:?}", quiet.report.errors);
    assert_eq!(
        quiet.report.requests.get("people.connections.list"),
        Some(&1)
    );
    d.w.em.advance_clock(3 * day);
    d.w.renew_token();
    let weekly = d.run();
    assert!(weekly.report.ok, "{:?}", weekly.report.errors);
    assert_eq!(
        weekly.report.requests.get("people.connections.list"),
        Some(&2),
        "{:?}",
        weekly.report.requests
    );
    assert_eq!(writes(&weekly), 0);
    let after = d.run();
    assert_eq!(
        after.report.requests.get("people.connections.list"),
        Some(&1)
    );
}

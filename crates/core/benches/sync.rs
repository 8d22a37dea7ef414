//! Whole-run benchmarks of the real engine against the emulator (docs/benchmarks.md):
//! - three runs at 25,000 contacts, the engine talking HTTP to the emulator served on its own
//!   threads in this process, the CRM in memory:
//!   1. a first sync of 25,000 CRM contacts into an empty Google account: requests by method
//!      against the lower bound of one listing page plus ⌈25,000 / 200⌉ batch creates
//!      (target ≤ 1.05×);
//!   2. the echo run: the next run with no edits reads back the echoes of our own writes through
//!      the sync token;
//!   3. the no-op run: the one after makes exactly one request (target: 1 request, 0 writes);
//!
//!   each printing its wall time, the CPU time of the thread that drives the engine and holds the
//!   CRM, and the heap that thread holds (before, peak during, after), counted by a wrapper
//!   around the system allocator that leaves the emulator's threads out;
//! - 5,000 contacts under the `google` quota preset, on the emulator's virtual clock in process:
//!   contacts per minute against what the quota allows, and the 429s met (target ≥ 90% of the
//!   quota-bound rate).

// The emulator is a native crate: on wasm32 this bench is empty.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/it/harness.rs"]
#[allow(dead_code)]
mod harness;

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/counting.rs"]
mod counting;

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::counting::{self, mib};
    use super::harness::block_on;
    use super::harness::{person, with_phone, MemCrm, World, INSTANCE};
    use gcontacts_sync_core::people::request::HttpRequest;
    use gcontacts_sync_core::store::{self, Stored};
    use gcontacts_sync_core::sync::engine::{
        drive, Action, CrmCall, EndWrite, Engine, Input, Io, Progress, RunReport, RunRequest,
        RunSetup, WriteFailed,
    };
    use gcontacts_sync_core::sync::model::Millis;
    use gcontacts_sync_core::sync::plan::Scope;
    use gcontacts_sync_core::sync::settings::Settings;
    use gcontacts_sync_core::sync::state::{AccountState, Touched};
    use people_emulator::{server, ClockMode, Config, Emulator, QuotaPreset};
    use std::collections::{BTreeMap, HashMap};
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Instant, SystemTime, UNIX_EPOCH};

    const CONTACTS: usize = 25_000;
    const ACCOUNT: &str = "ann@example.com";

    fn wall_now() -> Millis {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as Millis)
    }

    /// One HTTP/1.1 exchange over loopback, as the browser's `fetch` makes it: the engine's
    /// request, a bearer token, the answer as the engine's input.
    fn http(url: &str, method: &str, token: &str, body: Option<&str>) -> Input {
        let rest = url.strip_prefix("http://").expect("an http:// URL");
        let (hostport, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = if path.is_empty() { "/" } else { path };
        let failed = |e: std::io::Error| Input::HttpFailed {
            message: e.to_string(),
        };
        let mut s = match TcpStream::connect(hostport) {
            Ok(s) => s,
            Err(e) => return failed(e),
        };
        let body = body.unwrap_or("");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {hostport}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let mut answer = Vec::new();
        let sent = s
            .write_all(head.as_bytes())
            .and_then(|()| s.write_all(body.as_bytes()))
            .and_then(|()| s.read_to_end(&mut answer));
        if let Err(e) = sent {
            return failed(e);
        }
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(answer.len());
        let head = String::from_utf8_lossy(&answer[..split]).into_owned();
        let body =
            String::from_utf8_lossy(answer.get(split + 4..).unwrap_or_default()).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let retry_after_ms = head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("retry-after")
                .then(|| v.trim().parse::<u64>().ok().map(|s| s * 1000))
                .flatten()
        });
        Input::Http {
            status,
            retry_after_ms,
            body,
        }
    }

    /// The CRM in memory and the host's storage, with the account's state as the shell keeps it
    /// between runs.
    struct Host {
        api: String,
        token: String,
        crm: MemCrm,
        /// The host's per-user storage: key → text.
        storage: HashMap<String, String>,
        /// The state the shell kept after its last save, with what storage holds of it; `None`
        /// makes the next run read storage, as a fresh tab does.
        kept: Option<(AccountState, Stored)>,
        journal: Option<String>,
        seed: u64,
        /// Time the last run spent in the engine's `Sleep`s (backoff, pacing), in ms.
        slept_ms: u64,
    }

    impl Host {
        /// The account's state as the shell loads it (`shell::storage::Kept::load`): the one
        /// kept when the header and stamp say storage still holds it, else read from storage.
        fn load(&mut self) -> (AccountState, Stored) {
            let kept = self.kept.take();
            let get = |k: &str| self.storage.get(k).map(String::as_str);
            if let Some((state, stored)) = kept {
                let header = get(&store::key(ACCOUNT, "state"));
                if stored.holds(ACCOUNT, header, get(&store::stamp_key(ACCOUNT))) {
                    return (state, stored);
                }
            }
            let values: Vec<Option<String>> =
                store::load_keys(ACCOUNT, get(&store::key(ACCOUNT, "state")))
                    .iter()
                    .map(|k| get(k).map(str::to_string))
                    .collect();
            let mut loaded = store::load_state(ACCOUNT, &values).expect("a readable state");
            loaded
                .stored
                .set_stamp(get(&store::stamp_key(ACCOUNT)).map(str::to_string));
            (loaded.state, loaded.stored)
        }

        /// Saves as the shell does (`shell::storage::save_state`), then keeps the state.
        fn save(&mut self, state: AccountState, stored: &Stored, touched: &Touched) {
            let save = store::save_changes(
                ACCOUNT,
                &state,
                stored,
                Some(touched),
                Some(&format!("{:016x}", self.seed)),
                store::DEFAULT_MAX_VALUE_BYTES,
            )
            .expect("the state fits");
            for (k, v) in save.stamp.into_iter().chain(save.shards).chain(save.header) {
                self.storage.insert(k, v);
            }
            self.kept = Some((state, save.stored));
        }

        /// The bytes of text storage holds.
        fn stored_bytes(&self) -> usize {
            self.storage.iter().map(|(k, v)| k.len() + v.len()).sum()
        }

        /// One whole run, as the shell drives it; the engine owns the state while it runs.
        fn run(&mut self, profile: &mut Profile) -> RunReport {
            self.seed += 1;
            let (state, stored) = profile.time("shell: load state", || self.load());
            let request = RunRequest {
                confirm_deletions: true,
                ..RunRequest::sync(Scope::All)
            };
            let config = request.config(RunSetup {
                instance_id: INSTANCE.into(),
                people_api_base: self.api.clone(),
                seed: self.seed,
                account_id: ACCOUNT.into(),
                crm_change_feed: true,
                ..RunSetup::default()
            });
            let engine = Engine::new(
                state,
                Settings::default(),
                self.journal.as_deref(),
                config,
                wall_now(),
            );
            let mut io = BenchIo {
                host: self,
                profile,
                stored,
                last: "start".into(),
            };
            let result = block_on(drive(engine, &mut io));
            result.expect("nothing stops a benchmark's run").report
        }
    }

    /// A run's effects, as the shell performs them, each timed; the engine's work between two
    /// of them is timed as what followed the previous one.
    struct BenchIo<'a> {
        host: &'a mut Host,
        profile: &'a mut Profile,
        /// What storage holds of the state the run started from.
        stored: Stored,
        /// The last effect, naming the engine's work after it.
        last: String,
    }

    impl Io for BenchIo<'_> {
        fn now(&mut self) -> Millis {
            wall_now()
        }

        fn cancel_requested(&mut self) -> bool {
            false
        }

        async fn proceed(&mut self, action: &Action) -> bool {
            self.profile.engine(&format!("engine: after {}", self.last));
            self.last = match action {
                Action::Http(req) => {
                    let path = req.url.strip_prefix(&self.host.api).unwrap_or(&req.url);
                    format!(
                        "{} {}",
                        req.method.as_str(),
                        path.split('?').next().unwrap_or(path)
                    )
                }
                Action::Crm(call) => {
                    let debug = format!("{call:?}");
                    format!("CRM {}", debug.split([' ', '{', '(']).next().unwrap_or(""))
                }
                Action::SaveJournal(_) => "journal".into(),
                Action::Download { .. } => "download".into(),
                Action::Sleep { .. } => "sleep".into(),
                Action::Progress { .. } => "progress".into(),
                Action::Done => "done".into(),
            };
            true
        }

        async fn google(&mut self, req: HttpRequest) -> Input {
            let token = &self.host.token;
            self.profile.time("host: HTTP exchange", || {
                http(&req.url, req.method.as_str(), token, req.body.as_deref())
            })
        }

        async fn download(&mut self, _: &str, _: usize) -> Input {
            // The benchmark's CRM declares no photo: no run downloads one.
            Input::HttpFailed {
                message: "the benchmark's host holds no photos".into(),
            }
        }

        async fn crm(&mut self, call: CrmCall) -> Input {
            let label = format!("host: CRM answers {}", &self.last["CRM ".len()..]);
            let crm = &mut self.host.crm;
            self.profile.time(&label, || crm.answer(call, wall_now()))
        }

        async fn write_journal(&mut self, text: &str) -> Result<(), WriteFailed> {
            self.host.journal = Some(text.to_string());
            Ok(())
        }

        async fn sleep_until(&mut self, until: Millis) {
            let ms = (until - wall_now()).max(0) as u64;
            self.host.slept_ms += ms;
            self.profile.time("host: sleep", || {
                std::thread::sleep(std::time::Duration::from_millis(ms))
            });
        }

        fn progress(&mut self, _: Progress<'_>) {}

        async fn write(&mut self, write: EndWrite<'_>) -> Result<(), WriteFailed> {
            match write {
                EndWrite::State { state, touched } => {
                    self.profile.engine("engine: finish");
                    let state = std::mem::take(state);
                    let (host, stored) = (&mut *self.host, &self.stored);
                    self.profile
                        .time("shell: save state", || host.save(state, stored, touched));
                }
                EndWrite::ClearJournal => self.host.journal = None,
                // The shell's run log and summary: small, and not what this measures.
                EndWrite::Undo(undo) => {
                    let index = gcontacts_sync_core::store::UndoIndex::default();
                    let keep = gcontacts_sync_core::sync::settings::UndoKeep {
                        runs: 5,
                        max_bytes: u64::MAX,
                    };
                    let limit = gcontacts_sync_core::store::DEFAULT_MAX_VALUE_BYTES;
                    let save = gcontacts_sync_core::store::keep_undo("a", index, undo, keep, limit);
                    let bytes: usize = save.writes.iter().map(|(_, v)| v.len()).sum();
                    println!(
                        "  undo: {} before-images kept in {} values, {bytes} bytes",
                        undo.images.len(),
                        save.writes.len()
                    );
                }
                EndWrite::Log(_) | EndWrite::Meta { .. } => {}
            }
            Ok(())
        }
    }

    /// Where a run's CPU time and heap go, by what the engine or the host was doing.
    #[derive(Default)]
    struct Profile {
        phases: BTreeMap<String, Phase>,
        /// The run's heap peak before the current step's.
        peak: usize,
        /// Where the last timed step ended: CPU seconds and heap then.
        mark: Option<(f64, usize)>,
    }

    #[derive(Default)]
    struct Phase {
        calls: usize,
        cpu_secs: f64,
        /// The most one call of it held at once over what was live when it began.
        peak_over: usize,
        /// What its calls left live, in sum (negative: what they freed).
        kept: isize,
    }

    impl Profile {
        fn time<T>(&mut self, label: &str, f: impl FnOnce() -> T) -> T {
            self.peak = self.peak.max(counting::peak());
            counting::reset_peak();
            let before = counting::current();
            let cpu = counting::thread_cpu_secs().unwrap_or(0.0);
            let out = f();
            let cpu = counting::thread_cpu_secs().unwrap_or(0.0) - cpu;
            let (peak, now) = (counting::peak(), counting::current());
            let p = self.phases.entry(label.to_string()).or_default();
            p.calls += 1;
            p.cpu_secs += cpu;
            p.peak_over = p.peak_over.max(peak - before);
            p.kept += now as isize - before as isize;
            self.mark = Some((counting::thread_cpu_secs().unwrap_or(0.0), now));
            counting::reset_peak();
            out
        }

        /// Counts what ran since the last timed step (the engine's work the driver does between
        /// two effects) under `label`.
        fn engine(&mut self, label: &str) {
            let Some((cpu0, before)) = self.mark else {
                return;
            };
            let (cpu, peak, now) = (
                counting::thread_cpu_secs().unwrap_or(0.0),
                counting::peak(),
                counting::current(),
            );
            self.peak = self.peak.max(peak);
            let p = self.phases.entry(label.to_string()).or_default();
            p.calls += 1;
            p.cpu_secs += cpu - cpu0;
            p.peak_over = p.peak_over.max(peak.saturating_sub(before));
            p.kept += now as isize - before as isize;
            self.mark = Some((cpu, now));
            counting::reset_peak();
        }

        fn peak(&self) -> usize {
            self.peak.max(counting::peak())
        }

        /// The CPU time of the plugin's own work: the engine's steps and the shell's loading
        /// and saving of the state (not the host's CRM or the HTTP exchanges).
        fn plugin_cpu_secs(&self) -> f64 {
            self.phases
                .iter()
                .filter(|(label, _)| label.starts_with("engine:") || label.starts_with("shell:"))
                .map(|(_, p)| p.cpu_secs)
                .sum()
        }

        /// The phases that took the most CPU or held the most heap.
        fn print(&self) {
            let mut phases: Vec<_> = self.phases.iter().collect();
            phases.sort_by(|a, b| b.1.cpu_secs.total_cmp(&a.1.cpu_secs));
            for (i, (label, p)) in phases.iter().enumerate() {
                let big = p.peak_over > 8 << 20 || p.kept.unsigned_abs() > 8 << 20;
                if i < 6 || big {
                    println!(
                        "    {label}: {}×, CPU {:.3} s, peak +{:.1} MiB, kept {:+.1} MiB",
                        p.calls,
                        p.cpu_secs,
                        mib(p.peak_over),
                        p.kept as f64 / (1024.0 * 1024.0)
                    );
                }
            }
        }
    }

    fn writes(r: &RunReport) -> usize {
        r.created.crm
            + r.created.google
            + r.updated.crm
            + r.updated.google
            + r.deleted.crm
            + r.deleted.google
    }

    /// One run measured: wall and CPU time, requests, writes, and the counted heap (after: what
    /// the host keeps between runs, the report dropped).
    fn measured(host: &mut Host, name: &str) -> usize {
        host.slept_ms = 0;
        counting::reset_peak();
        let before = counting::current();
        let cpu0 = counting::thread_cpu_secs().zip(counting::process_cpu_secs());
        let start = Instant::now();
        let mut profile = Profile::default();
        let (calls, lists) = (host.crm.calls, host.crm.lists);
        let r = host.run(&mut profile);
        let wall = start.elapsed().as_secs_f64();
        let cpu = counting::thread_cpu_secs()
            .zip(counting::process_cpu_secs())
            .zip(cpu0)
            .map_or("n/a".to_string(), |((t1, p1), (t0, p0))| {
                format!(
                    "{:.2} s (the emulator's threads {:.2} s more)",
                    t1 - t0,
                    ((p1 - p0) - (t1 - t0)).max(0.0)
                )
            });
        assert!(r.ok, "{name}: {:?}", r.errors);
        let total: usize = r.requests.values().sum();
        let line = format!(
            "{total} requests {:?}, {} writes, {} ms asleep; the CRM: {} calls, of which {} \
             listing pages; {} match(es) waiting for the user",
            r.requests,
            writes(&r),
            host.slept_ms,
            host.crm.calls - calls,
            host.crm.lists - lists,
            r.ambiguous.len()
        );
        let peak = profile.peak();
        drop(r);
        let after = counting::current();
        // What the saved state holds, measured on a copy of it.
        let state = {
            let copy = host.kept.as_ref().map(|(s, _)| s.clone());
            let size = counting::current() - after;
            drop(copy);
            size
        };
        println!(
            "{name}: {line}; wall {wall:.2} s, CPU {cpu}, of which the plugin's (engine, load \
             and save) {:.3} s; heap before {:.1} MiB, peak {:.1} MiB (+{:.1} MiB over before), \
             after {:.1} MiB (of which the account's state kept {:.1} MiB, storage's text {:.1} \
             MiB)",
            profile.plugin_cpu_secs(),
            mib(before),
            mib(peak),
            mib(peak.saturating_sub(before)),
            mib(after),
            mib(state),
            mib(host.stored_bytes()),
        );
        println!("  where it went (by CPU; and any step holding over 8 MiB):");
        profile.print();
        total
    }

    /// The first sync, the echo run and the no-op run at 25,000 contacts, over HTTP.
    fn three_runs() {
        let em = Emulator::new(Config {
            clock: ClockMode::Wall,
            ..Config::default()
        });
        let account = em.create_account(ACCOUNT);
        let token = em.mint_token(account, "contacts");
        let server = server::spawn(em.clone(), 0).expect("serve the emulator on loopback");
        counting::count_this_thread();
        let mut host = Host {
            api: server.url(),
            token,
            crm: MemCrm::default(),
            storage: HashMap::new(),
            kept: None,
            journal: None,
            seed: 1,
            slept_ms: 0,
        };
        let base = counting::current();
        // With the two below, CONTACTS in the CRM; with the Google contact, within Google's limit.
        for i in 0..CONTACTS - 2 {
            host.crm.add(
                person(&format!("Given{i}"), "Family", &format!("p{i}@example.com")),
                wall_now(),
            );
        }
        // One match the user has not decided, as in the demo's data: two CRM contacts share a
        // phone with one Google contact. It must not make every run list the whole CRM.
        for given in ["Mia", "Leo"] {
            host.crm.add(
                with_phone(person(given, "Hernandez", ""), "(415) 555-0132"),
                wall_now(),
            );
        }
        em.seed_json(
            account,
            &[serde_json::json!({
                "names": [{"givenName": "Mia", "familyName": "Hernandez"}],
                "phoneNumbers": [{"value": "+1 415 555 0132"}],
            })],
        )
        .expect("seed the undecided Google contact");
        println!(
            "{CONTACTS} contacts over HTTP, and one undecided match; the CRM in memory holds {:.1} MiB",
            mib(counting::current() - base)
        );
        let total = measured(&mut host, "first sync");
        let bound = 1 + CONTACTS.div_ceil(200);
        println!(
            "  lower bound {bound} requests; ratio {:.3} (target ≤ 1.05)",
            total as f64 / bound as f64
        );
        measured(&mut host, "echo run (reads back our writes)");
        measured(
            &mut host,
            "no-op run (target: 1 request, 0 writes, no CRM listing page)",
        );
        // As a tab that did not make the last run (or before the state was kept): the state is
        // read from storage and every shard compared on saving.
        host.kept = None;
        measured(&mut host, "no-op run, state read from storage");
        // Every contact edited in the CRM: the run that sends them keeps each one's old title
        // to be undone (the size it prints).
        let now = wall_now();
        for c in host.crm.contacts.values_mut() {
            c.contact.title = "Engineer".into();
            c.modified_at = now;
        }
        measured(&mut host, "update run (every contact's title)");
        drop(host);
        drop(server);
    }

    fn quota_paced() {
        let mut w = World::new();
        w.em.set_quota(QuotaPreset::Google);
        let n: usize = 5_000;
        for i in 0..n {
            let now = w.now();
            w.crm.add(
                person(&format!("Given{i}"), "Family", &format!("q{i}@example.com")),
                now,
            );
        }
        let t0 = w.now();
        let r = w.run();
        let minutes = (w.now() - t0) as f64 / 60_000.0;
        assert!(r.report.ok, "{:?}", r.report.errors);
        // 30 critical writes a minute, 6 per batch of 200: 5 batches in each fixed minute window, so
        // the fastest the quota allows is the time to reach the window of the last batch.
        let batches = n.div_ceil(200);
        let fastest = ((batches - 1) / 5) as f64;
        let bound = n as f64 / fastest;
        let rate = n as f64 / minutes;
        println!(
            "quota-paced sync, {n} contacts: {minutes:.2} min on the emulator clock, {rate:.0} contacts/min against a quota bound of {bound:.0} ({:.0}%, target ≥ 90%); 429s met: {}",
            100.0 * rate / bound,
            r.report.throttled
        );
    }

    pub fn main() {
        three_runs();
        quota_paced();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}

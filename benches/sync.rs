//! Whole-run benchmarks against the emulator in process (DESIGN §6):
//! - a first sync of 25,000 CRM contacts into an empty Google account: requests by method against
//!   the lower bound of one listing page plus ⌈25,000 / 200⌉ batch creates (target ≤ 1.05×);
//! - the next runs with no edits: the first one reads back the echoes of our own writes through
//!   the sync token, the one after makes exactly one request (target: 1 request, 0 writes);
//! - 5,000 contacts under the `google` quota preset: contacts per minute (on the emulator's clock)
//!   against what the quota allows, and the 429s met (target ≥ 90% of the quota-bound rate).

// The emulator is a native crate: on wasm32 this bench is empty.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/it/harness.rs"]
#[allow(dead_code)]
mod harness;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::harness::{person, World};
    use people_emulator::QuotaPreset;
    use std::time::Instant;

    fn first_sync() {
        let mut w = World::new();
        for i in 0..25_000 {
            let now = w.now();
            w.crm.add(
                person(&format!("Given{i}"), "Family", &format!("p{i}@example.com")),
                now,
            );
        }
        let start = Instant::now();
        let r = w.run();
        let secs = start.elapsed().as_secs_f64();
        assert!(r.report.ok, "{:?}", r.report.errors);
        let total: usize = r.report.requests.values().sum();
        let bound = 1 + 25_000usize.div_ceil(200);
        println!(
            "first sync, 25000 contacts: {total} requests {:?}; lower bound {bound}; ratio {:.3} (target ≤ 1.05); {:.1} s natively",
            r.report.requests,
            total as f64 / bound as f64,
            secs
        );
        let echo = w.run();
        let echo_total: usize = echo.report.requests.values().sum();
        let writes = |r: &gcontacts_sync::sync::engine::RunReport| {
            r.created.crm
                + r.created.google
                + r.updated.crm
                + r.updated.google
                + r.deleted.crm
                + r.deleted.google
        };
        println!(
            "second run (reads back our 25000 writes): {echo_total} requests {:?}, {} writes",
            echo.report.requests,
            writes(&echo.report)
        );
        let steady = w.run();
        let steady_total: usize = steady.report.requests.values().sum();
        println!(
            "third run, no edits: {steady_total} requests {:?}, {} writes (target: 1 request, 0 writes)",
            steady.report.requests,
            writes(&steady.report)
        );
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
        first_sync();
        quota_paced();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}

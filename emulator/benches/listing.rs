//! Lists an account of 25,000 contacts in 1,000-contact pages through the in-process handler and
//! reports the time per page and the memory the emulator holds for the account.
//! Budgets: ≤ 10 ms a page, ≤ 100 MB.

use people_emulator::{Emulator, Request};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes so the figure is what the emulator holds, not what the OS reports.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarding the caller's layout to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: same contract as GlobalAlloc::realloc, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const CONTACTS: usize = 25_000;
const FIELDS: &str = "names,emailAddresses,phoneNumbers,addresses,birthdays,organizations,biographies,urls,memberships,clientData,metadata";

fn main() {
    let before = LIVE.load(Ordering::Relaxed);
    let em = Emulator::default();
    let account = em.create_account("bench@example.com");
    em.seed(account, CONTACTS, 42);
    let held = LIVE.load(Ordering::Relaxed) - before;
    let token = em.mint_token(account, "contacts.readonly");

    let mut times = Vec::new();
    let mut parse_ms = Vec::new();
    let mut listed = 0usize;
    let mut bytes = 0usize;
    for round in 0..3 {
        let mut page_token: Option<String> = None;
        loop {
            let mut path = format!("/v1/people/me/connections?personFields={FIELDS}&pageSize=1000&requestSyncToken=true");
            if let Some(t) = &page_token {
                path.push_str("&pageToken=");
                path.push_str(t);
            }
            let started = Instant::now();
            let resp = em.handle(Request::get(&path).bearer(&token));
            let elapsed = started.elapsed();
            let parse_started = Instant::now();
            let v = resp.json_body();
            if round > 0 {
                parse_ms.push(parse_started.elapsed().as_secs_f64() * 1000.0);
            }
            assert_eq!(resp.status, 200, "{}", resp.text());
            if round > 0 {
                times.push(elapsed.as_secs_f64() * 1000.0);
                listed += v["connections"].as_array().map_or(0, Vec::len);
                bytes += resp.body.len();
            }
            match v["nextPageToken"].as_str() {
                Some(t) => page_token = Some(t.to_string()),
                None => break,
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let max = times.last().copied().unwrap_or(0.0);
    let median = times[times.len() / 2];
    println!(
        "emulator listing: {CONTACTS} contacts, {} pages of 1000 (2 rounds, {listed} listed, {:.1} KB/page): mean {mean:.2} ms/page, median {median:.2} ms, max {max:.2} ms/page (budget 10 ms; in-process handler); a client's JSON parse of a page adds {:.2} ms",
        times.len(),
        bytes as f64 / times.len() as f64 / 1024.0,
        parse_ms.iter().sum::<f64>() / parse_ms.len().max(1) as f64
    );
    println!(
        "emulator memory: {:.1} MB held for {CONTACTS} contacts ({} bytes/contact; budget 100 MB)",
        held as f64 / 1_048_576.0,
        held / CONTACTS as isize
    );
}

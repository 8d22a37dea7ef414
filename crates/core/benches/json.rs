//! Reading a Google listing (docs/json.md): 25,000 persons as `people.connections.list` answers
//! of 1,000 each, the fields the plugin asks for filled as the People API fills them (metadata
//! with its source on each field), read into `ListConnectionsResponse` with `json::from_str`.
//! Prints the median wall time and the median CPU time of the reading thread (Linux's
//! `/proc/thread-self/schedstat`; the CPU time is the steadier figure on a loaded machine).

use gcontacts_sync_core::json;
use gcontacts_sync_core::people::wire::ListConnectionsResponse;
use std::fmt::Write;
use std::time::Instant;

const CONTACTS: usize = 25_000;
const PAGE: usize = 1_000;
const RUNS: usize = 11;

/// The CPU time this thread has run, in ms (0 where the kernel does not say).
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn person(i: usize, out: &mut String) {
    let meta = format!(
        r##"{{"primary":true,"source":{{"type":"CONTACT","id":"{i:x}","etag":"#e{i}"}}}}"##
    );
    let _ = write!(
        out,
        r##"{{"resourceName":"people/c{i}","etag":"%EgUBAi43PRoEAQIFByIM{i}",
"metadata":{{"sources":[{{"type":"CONTACT","id":"{i:x}","etag":"#e{i}","updateTime":"2026-12-07T10:00:00.000Z"}}]}},
"names":[{{"metadata":{meta},"givenName":"Given{i}","familyName":"Family{i}","displayName":"Given{i} Family{i}","displayNameLastFirst":"Family{i}, Given{i}","unstructuredName":"Given{i} Family{i}"}}],
"emailAddresses":[{{"metadata":{meta},"value":"person{i}@example.com","type":"work","formattedType":"Work"}}],
"phoneNumbers":[{{"metadata":{meta},"value":"+1 415 {a:03} {b:04}","canonicalForm":"+1415{a:03}{b:04}","type":"mobile","formattedType":"Mobile"}}],
"organizations":[{{"metadata":{meta},"name":"Company {c}","title":"Engineer"}}],
"memberships":[{{"metadata":{{"source":{{"type":"CONTACT","id":"{i:x}"}}}},"contactGroupMembership":{{"contactGroupId":"myContacts","contactGroupResourceName":"contactGroups/myContacts"}}}}]}}"##,
        a = i / 10_000 + 200,
        b = i % 10_000,
        c = i % 313,
    );
}

fn main() {
    let pages: Vec<String> = (0..CONTACTS / PAGE)
        .map(|p| {
            let mut s = String::from(r#"{"connections":["#);
            for i in p * PAGE..(p + 1) * PAGE {
                if i > p * PAGE {
                    s.push(',');
                }
                person(i, &mut s);
            }
            let _ = write!(s, r#"],"nextPageToken":"t{p}","totalItems":{CONTACTS}}}"#);
            s
        })
        .collect();
    let bytes: usize = pages.iter().map(String::len).sum();
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (start, start_cpu) = (Instant::now(), cpu_ms());
        let mut read = 0;
        for page in &pages {
            let r: ListConnectionsResponse = json::from_str(page).expect("a listing page");
            read += r.connections.len();
        }
        wall.push(start.elapsed().as_secs_f64() * 1e3);
        cpu.push(cpu_ms() - start_cpu);
        assert_eq!(read, CONTACTS);
    }
    println!(
        "json: {CONTACTS} persons, {:.1} MB of JSON in {} pages: median {:.1} ms wall, {:.1} ms CPU ({RUNS} runs)",
        bytes as f64 / 1e6,
        pages.len(),
        median(wall),
        median(cpu),
    );
}

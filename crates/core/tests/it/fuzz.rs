//! Fuzzing the edges: every JSON reader of the plugin gets arbitrary and mutated input and must
//! answer with a value or a typed error. A panic fails the case (proptest shrinks it); an abort
//! (a stack overflow on deep nesting) takes the whole test binary down, which fails too.
//!
//! The readers: Google's answers (`people::wire` through `crate::json`, then the mapping to core
//! contacts, error bodies through `ApiError::parse`), the host's answers (`dto::crm_contact`,
//! `dto::ContactPage`), and what is stored between runs (`AccountState::from_json`, the settings,
//! the engine's journal).
//!
//! Inputs are arbitrary JSON values, and mutations of real answers: the emulator in process
//! serves a first sync and an incremental one (listings with page and sync tokens, batch reads,
//! creates and updates, groups, error bodies), and those texts are mutated as values (a key
//! dropped, renamed or retyped, a huge number, a deep nest, an item repeated) and as text (cut
//! short, an invalid UTF-16 escape, a stray byte, an unbalanced bracket). A last test runs whole
//! syncs in which one answer of either side is mutated: the run ends with a report, and clean runs
//! afterwards converge without duplicates.
//!
//! Cases: 2,000 mutated texts, 2,000 arbitrary values and 100 whole runs by default;
//! `GCS_FUZZ_CASES=N` (`cargo xtask fuzz --cases N`) runs N mutated texts, N / 10 arbitrary
//! values (each read in 17 places, so 1.7 N readings) and N / 200 whole runs.

use crate::harness::*;
use gcontacts_sync_core::dto::{self, ContactPage};
use gcontacts_sync_core::json;
use gcontacts_sync_core::people::error::ApiError;
use gcontacts_sync_core::people::request::PeopleApi;
use gcontacts_sync_core::people::time::{format_rfc3339, parse_rfc3339};
use gcontacts_sync_core::people::wire::*;
use gcontacts_sync_core::sync::engine::{
    Engine, Input, InvalidContact, Patience, RunConfig, RunResult, Trigger, GOOGLE_MAX_CONTACTS,
};
use gcontacts_sync_core::sync::mapping;
use gcontacts_sync_core::sync::model::{CrmContact, Field};
use gcontacts_sync_core::sync::plan::Scope;
use gcontacts_sync_core::sync::settings::Settings;
use gcontacts_sync_core::sync::state::AccountState;
use gcontacts_sync_core::sync::xorshift::XorShift;
use people_emulator::Request;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// `GCS_FUZZ_CASES` scaled by `per_thousand` / 1000, else `default`: N mutated texts, N / 10
/// arbitrary values (each read in 17 places) and N / 200 whole runs.
fn cases(per_thousand: u32, default: u32) -> u32 {
    std::env::var("GCS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(default, |n| {
            (n * u64::from(per_thousand) / 1_000).max(1) as u32
        })
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- The readers -------------------------------------------------------------------------------

/// Everything the plugin does with a Google answer's text: each response type it reads, the
/// mapping of every person read to a core contact and back into an update, and the error parser
/// for every status it acts on.
fn read_google(text: &str) -> bool {
    let mut read = false;
    if let Ok(r) = json::from_str::<ListConnectionsResponse>(text) {
        r.connections.iter().for_each(read_person);
        read = true;
    }
    if let Ok(r) = json::from_str::<GetPeopleResponse>(text) {
        r.responses.iter().for_each(person_response);
        read = true;
    }
    if let Ok(r) = json::from_str::<BatchCreateContactsResponse>(text) {
        r.created_people.iter().for_each(person_response);
        read = true;
    }
    if let Ok(r) = json::from_str::<BatchUpdateContactsResponse>(text) {
        for p in r.update_result.values() {
            person_response(p);
        }
        read = true;
    }
    if let Ok(p) = json::from_str::<Person>(text) {
        read_person(&p);
        read = true;
    }
    read |= json::from_str::<ListContactGroupsResponse>(text).is_ok();
    read |= json::from_str::<ContactGroup>(text).is_ok();
    read |= json::from_str::<ModifyContactGroupMembersResponse>(text).is_ok();
    // The body decides before the status does; these three reach every branch that reads it.
    for status in [400, 429, 503] {
        let e = ApiError::parse(status, text);
        let _ = (e.code(), e.message(), e.retry_after_ms(), e.is_retryable());
    }
    read
}

fn person_response(r: &PersonResponse) {
    let _ = r.is_ok();
    if let Some(p) = &r.person {
        read_person(p);
    }
}

fn read_person(p: &Person) {
    if let Ok(g) = mapping::google_contact(p, INSTANCE) {
        // Written back as the engine would: every field, then the update request.
        let all = [
            Field::Prefix,
            Field::GivenName,
            Field::FamilyName,
            Field::Emails,
            Field::Phones,
            Field::Addresses,
            Field::Birthday,
            Field::Company,
            Field::Notes,
        ];
        let region = Settings::default().region();
        let (updated, fields) = mapping::apply_to_person(p, &g.contact, &all, region);
        if !fields.is_empty() {
            let _ = PeopleApi::new(BASE).batch_update_contacts(&[updated], &fields, "metadata");
        }
    }
}

/// Everything the plugin does with stored text: the account state (and its save, which must
/// read back the same), the settings, and the journal an interrupted run left.
fn read_stored(text: &str) -> bool {
    let mut read = false;
    if let Ok(s) = AccountState::from_json(text) {
        let saved = s.to_json();
        let again = AccountState::from_json(&saved).expect("a saved state reads back");
        assert_eq!(again, s, "a state read, saved and read again changed");
        read = true;
    }
    if let Ok(s) = json::from_str::<Settings>(text) {
        let _ = s.region();
        read = true;
    }
    let config = RunConfig {
        scope: Scope::All,
        trigger: Trigger::Manual,
        confirm_deletions: false,
        preview_only: false,
        instance_id: INSTANCE.into(),
        people_api_base: BASE.into(),
        seed: 1,
        account_id: "ann@example.com".into(),
        crm_change_feed: true,
        capabilities: Default::default(),
        patience: Patience::of(Trigger::Manual),
        decisions: Default::default(),
        fingerprint: None,
        google_max_contacts: GOOGLE_MAX_CONTACTS,
        undo: None,
    };
    let mut e = Engine::new(
        AccountState::new(),
        Settings::default(),
        Some(text),
        config,
        0,
    );
    let _ = e.poll(0);
    read
}

/// Everything the plugin does with a host's `contacts.list` answer: the page, then each item.
fn read_host(text: &str) -> bool {
    let mut read = false;
    if let Ok(page) = json::from_str::<ContactPage>(text) {
        read = page.items.iter().filter(|v| host_item(v)).count() > 0;
    }
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        read |= host_item(&v);
    }
    read
}

fn host_item(v: &Value) -> bool {
    match dto::crm_contact(v) {
        Ok(c) => !format_rfc3339(c.modified_at).is_empty(),
        Err(_) => false,
    }
}

/// Which readers made a value of one input (the rest answered an error).
#[derive(Default)]
struct Tally {
    inputs: usize,
    json: usize,
    google: usize,
    stored: usize,
    host: usize,
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inputs: {} valid JSON; read as a value by the Google readers {}, the stored-state \
             readers {}, the host readers {}; every other reading a typed error",
            self.inputs, self.json, self.google, self.stored, self.host
        )
    }
}

fn read_all(text: &str, tally: &mut Tally) {
    tally.inputs += 1;
    tally.json += usize::from(serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok());
    tally.google += usize::from(read_google(text));
    tally.stored += usize::from(read_stored(text));
    tally.host += usize::from(read_host(text));
    let _ = parse_rfc3339(text);
}

/// Runs `test` on `cases` values of `strategy` (shrinking a failure as `proptest!` does) and
/// prints how the inputs fared, which `cargo xtask fuzz` shows: a fuzz run whose inputs never
/// parse would test little beyond the parser.
fn fuzz<S: Strategy, T: Default + std::fmt::Display>(
    what: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value, &mut T) -> Result<(), TestCaseError>,
) {
    let tally = std::cell::RefCell::new(T::default());
    let started = std::time::Instant::now();
    let result =
        TestRunner::new(config(cases)).run(&strategy, |v| test(v, &mut tally.borrow_mut()));
    if let Err(e) = result {
        panic!("{what}: {e}");
    }
    eprintln!(
        "fuzz: {what}: {} ({:.1} s)",
        tally.borrow(),
        started.elapsed().as_secs_f64()
    );
}

// ---- Real texts --------------------------------------------------------------------------------

/// A CRM contact as a host answers it (api.d.ts `CrmContact`).
fn host_json(c: &CrmContact) -> Value {
    let k = &c.contact;
    json!({
        "id": c.id,
        "modifiedAt": format_rfc3339(c.modified_at),
        "status": c.status,
        "firstName": k.name.given,
        "middleName": k.name.middle,
        "lastName": k.name.family,
        "prefix": k.name.prefix,
        "suffix": k.name.suffix,
        "emails": k.emails.iter().map(|e| json!({"value": e.value, "type": e.kind})).collect::<Vec<_>>(),
        "phones": k.phones.iter().map(|p| json!({"value": p.value, "type": p.kind})).collect::<Vec<_>>(),
        "addresses": k.addresses.iter().map(|a| json!({
            "street": a.street, "city": a.city, "region": a.region, "postalCode": a.postal_code,
            "country": a.country, "countryCode": a.country_code, "type": a.kind,
        })).collect::<Vec<_>>(),
        "birthday": k.birthday.map(|b| b.to_string()),
        "company": k.company,
        "title": k.title,
        "notes": k.notes,
    })
}

/// A world whose two sides overlap: Google holds the emulator's synthetic people (every field
/// the plugin reads) and a few copies of CRM contacts; the CRM holds its own.
fn overlapping_world() -> World {
    let mut w = World::new();
    w.em.seed(w.account, 12, 7);
    for i in 0..8 {
        let mut c = with_phone(
            person("Ann", &format!("Lee{i}"), &format!("ann{i}@x.io")),
            &format!("+1 415 555 01{i:02}"),
        );
        c.company = "Acme".into();
        c.notes = format!("note {i}");
        let now = w.now();
        w.crm.add(c, now);
    }
    w.google_add(&[
        json!({"names": [{"givenName": "Ann", "familyName": "Lee1"}],
               "emailAddresses": [{"value": "ann1@x.io", "type": "home"}],
               "birthdays": [{"date": {"year": 1990, "month": 2, "day": 3}}]}),
        json!({"names": [{"givenName": "Bo", "familyName": "Only"}],
               "phoneNumbers": [{"value": "020 7946 0822", "type": "work"}],
               "addresses": [{"streetAddress": "1 High St", "city": "London", "countryCode": "GB"}]}),
    ]);
    w
}

/// One exchange of a recorded run: what the engine read.
#[derive(Clone)]
enum Answer {
    Google { status: u16, body: String },
    Host(Value),
}

/// Drives one run through `World::drive`, handing each answer to `hook` before the engine reads
/// it; host answers pass through the host codec as JSON, as in the browser. Stops after
/// `MAX_ACTIONS` (a run that never ends is a failure the caller sees as `None`).
fn drive(w: &mut World, hook: &mut dyn FnMut(usize, &mut Answer)) -> Option<RunResult> {
    const MAX_ACTIONS: usize = 5_000;
    let mut n = 0;
    let mut answers = |input: &mut Input| {
        let refused = match input {
            Input::Http { status, body, .. } => {
                let mut answer = Answer::Google {
                    status: *status,
                    body: std::mem::take(body),
                };
                hook(n, &mut answer);
                n += 1;
                let Answer::Google { status: s, body: b } = answer else {
                    unreachable!("a hook keeps the answer's kind")
                };
                (*status, *body) = (s, b);
                None
            }
            Input::Crm { items, .. } | Input::CrmChanges { items, .. } => {
                let read = through_host(hook, n, items);
                n += 1;
                read.map(|read| *items = read).err()
            }
            _ => None,
        };
        if let Some(message) = refused {
            *input = Input::CrmFailed { message };
        }
    };
    w.drive(Drive {
        stop_after: Some(MAX_ACTIONS),
        answers: Some(&mut answers),
        ..Drive::new(Scope::All)
    })
}

/// CRM items as the host's JSON, through `hook`, then the host codec, as the browser reads them.
fn through_host(
    hook: &mut dyn FnMut(usize, &mut Answer),
    n: usize,
    items: &[Result<CrmContact, InvalidContact>],
) -> Result<Vec<Result<CrmContact, InvalidContact>>, String> {
    let items = items
        .iter()
        .map(|i| match i {
            Ok(c) => host_json(c),
            Err(e) => json!({"id": e.id}),
        })
        .collect();
    let mut answer = Answer::Host(json!({ "items": Value::Array(items) }));
    hook(n, &mut answer);
    match answer {
        Answer::Host(v) => json::from_str::<ContactPage>(&v.to_string())
            .map(|page| page.items.iter().map(dto::crm_contact).collect())
            .map_err(|e| format!("the host answered {e}")),
        Answer::Google { .. } => unreachable!("a hook keeps the answer's kind"),
    }
}

/// The texts the plugin reads, as the emulator and the in-memory CRM produce them in a first
/// sync and an incremental one, plus Google's error bodies and the saved state and settings.
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut texts = Vec::new();
        let mut w = overlapping_world();
        let mut record = |_: usize, a: &mut Answer| match a {
            Answer::Google { body, .. } => texts.push(body.clone()),
            Answer::Host(v) => texts.push(v.to_string()),
        };
        drive(&mut w, &mut record).expect("the first sync ends");
        let c = w.crm.contacts.values_mut().next().expect("a CRM contact");
        c.contact.title = "Edited".into();
        w.google_add(&[json!({"names": [{"givenName": "Cy"}]})]);
        drive(&mut w, &mut record).expect("the second sync ends");
        for path in [
            "/v1/people/me/connections?personFields=names&syncToken=bogus",
            "/v1/people/c404?personFields=names",
            "/v1/people:batchGet?personFields=names&resourceNames=people/c1&resourceNames=x",
            "/v1/contactGroups?groupFields=name,groupType,memberCount",
        ] {
            texts.push(w.em.handle(Request::new("GET", path).bearer(&w.token)).text());
        }
        texts.push(
            w.em.handle(Request::new("GET", "/v1/people/me/connections").bearer("nope"))
                .text(),
        );
        texts.push(w.state.to_json());
        texts.extend(w.journal.clone());
        texts.push(
            json!({"version": 1, "links": [{"crmId": "1", "resourceName": "people/c1", "etag": "e"}],
                   "syncToken": "t"})
            .to_string(),
        );
        texts.push(json!({"enabled": true, "intervalMinutes": 30, "directions": "both",
                          "conflictPolicy": "newest", "crmDeletes": "delete", "defaultRegion": "US",
                          "targetGroup": {"named": "CRM"}, "googleDeletes": {"setStatus": "Lost"},
                          "deletionGuard": {"percent": 10, "min": 10}})
        .to_string());
        texts.retain(|t| !t.is_empty());
        texts
    })
}

// ---- Mutations ---------------------------------------------------------------------------------

/// Keys the readers know, so that generated and renamed keys reach past the first lookup.
const KEYS: &[&str] = &[
    "connections",
    "nextPageToken",
    "nextSyncToken",
    "totalItems",
    "responses",
    "person",
    "requestedResourceName",
    "status",
    "httpStatusCode",
    "createdPeople",
    "updateResult",
    "resourceName",
    "etag",
    "metadata",
    "sources",
    "type",
    "id",
    "updateTime",
    "deleted",
    "previousResourceNames",
    "names",
    "givenName",
    "familyName",
    "middleName",
    "honorificPrefix",
    "displayName",
    "emailAddresses",
    "phoneNumbers",
    "canonicalForm",
    "value",
    "addresses",
    "streetAddress",
    "city",
    "countryCode",
    "postalCode",
    "birthdays",
    "date",
    "year",
    "month",
    "day",
    "text",
    "organizations",
    "name",
    "title",
    "biographies",
    "contentType",
    "memberships",
    "contactGroupMembership",
    "contactGroupResourceName",
    "clientData",
    "key",
    "primary",
    "contactGroups",
    "groupType",
    "memberCount",
    "error",
    "code",
    "message",
    "details",
    "@type",
    "reason",
    "retryDelay",
    "seconds",
    "nanos",
    "version",
    "links",
    "crmId",
    "base",
    "syncedAt",
    "syncToken",
    "fullSyncAt",
    "tagsCheckedAt",
    "crmCursor",
    "googleUnlinked",
    "targetGroup",
    "enabled",
    "intervalMinutes",
    "directions",
    "conflictPolicy",
    "crmDeletes",
    "googleDeletes",
    "deletionGuard",
    "defaultRegion",
    "items",
    "modifiedAt",
    "firstName",
    "lastName",
    "emails",
    "phones",
    "company",
    "notes",
    "steps",
    "done",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\u{feff}",
    "e\u{301}",
    "𝒳",
    "\u{202e}evil",
    "people/",
    "people/c1",
    "contactGroups/myContacts",
    "c1",
    "-1",
    "1e999",
    "9999-99-99",
    "2026-02-30T25:61:61Z",
    "1970-01-01T00:00:00Z",
    "--02-29",
    "0000-00-00",
    "+",
    "+1 415 555 0100",
    "@",
    "a@",
    "gcsync:crm-1",
    "crm-1",
    "18446744073709551.999s",
    "1.5s",
    "s",
    ".s",
    "99999999999999999999s",
    "EXPIRED_SYNC_TOKEN",
    "RESOURCE_EXHAUSTED",
    "type.googleapis.com/google.rpc.RetryInfo",
    "type.googleapis.com/google.rpc.ErrorInfo",
    "CONTACT",
    "USER_CONTACT_GROUP",
    "both",
    "newest",
];

fn number(rng: &mut XorShift) -> Value {
    match rng.below(12) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(u64::MAX),
        3 => json!(i64::MIN),
        4 => json!(1.5),
        5 => json!(-0.0),
        6 => json!(f64::MAX),
        7 => json!(f64::MIN_POSITIVE),
        8 => json!(u32::MAX as u64 + 1),
        9 => json!(i32::MIN as i64 - 1),
        10 => json!(13),
        _ => json!(rng.next_u64() >> rng.below(64)),
    }
}

fn string(rng: &mut XorShift) -> String {
    match rng.below(11) {
        // Numbers, dates and durations as text, of any size.
        9 => {
            let whole = rng.next_u64() >> rng.below(64);
            let frac = rng.next_u64() % 1_000_000_000;
            match rng.below(3) {
                0 => format!("{whole}.{frac:09}s"),
                1 => format!("{whole}s"),
                _ => format!("{}-{:02}-{:02}", whole % 100_000, frac % 14, whole % 33),
            }
        }
        0 => "x".repeat(1 << rng.below(17)),
        1 => KEYS[rng.below(KEYS.len())].to_string(),
        2 => char::from_u32(rng.below(0x11_0000) as u32)
            .unwrap_or('\u{fffd}')
            .to_string(),
        _ => STRINGS[rng.below(STRINGS.len())].to_string(),
    }
}

/// A small random value, nesting up to `depth`.
fn value(rng: &mut XorShift, depth: usize) -> Value {
    match rng.below(if depth == 0 { 4 } else { 6 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => number(rng),
        3 => Value::String(string(rng)),
        4 => Value::Array((0..rng.below(4)).map(|_| value(rng, depth - 1)).collect()),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|_| (string(rng), value(rng, depth - 1)))
                .collect(),
        ),
    }
}

/// `v` inside `depth` arrays or objects.
fn nest(v: Value, depth: usize, rng: &mut XorShift) -> Value {
    let in_array = rng.chance(50);
    (0..depth).fold(v, |v, _| {
        if in_array {
            Value::Array(vec![v])
        } else {
            Value::Object(Map::from_iter([(KEYS[0].to_string(), v)]))
        }
    })
}

/// A random node of `v`, reached by walking down from the root.
fn node<'a>(v: &'a mut Value, rng: &mut XorShift) -> &'a mut Value {
    let len = match &*v {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        _ => 0,
    };
    if len == 0 || rng.chance(20) {
        return v;
    }
    let i = rng.below(len);
    match v {
        Value::Array(a) => node(&mut a[i], rng),
        Value::Object(m) => node(m.values_mut().nth(i).expect("i < len"), rng),
        _ => unreachable!("only containers have children"),
    }
}

/// One change to the JSON's structure or types.
fn mutate_value(v: &mut Value, rng: &mut XorShift) {
    let n = node(v, rng);
    match rng.below(9) {
        0 => *n = value(rng, 3),
        1 => *n = number(rng),
        2 => *n = Value::String(string(rng)),
        3 => {
            let depth = [2, 64, 127, 128, 129, 500][rng.below(6)];
            *n = nest(n.take(), depth, rng);
        }
        4 => match n {
            Value::Object(m) if !m.is_empty() => {
                let k = m
                    .keys()
                    .nth(rng.below(m.len()))
                    .cloned()
                    .expect("non-empty");
                let v = m.remove(&k).expect("present");
                if rng.chance(50) {
                    m.insert(KEYS[rng.below(KEYS.len())].to_string(), v);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove(rng.below(a.len()));
            }
            _ => *n = Value::Null,
        },
        5 => match n {
            Value::Array(a) if !a.is_empty() => {
                let item = a[rng.below(a.len())].clone();
                let copies = 1 + rng.below(300);
                a.extend(std::iter::repeat_n(item, copies));
            }
            Value::Object(m) => {
                m.insert(KEYS[rng.below(KEYS.len())].to_string(), value(rng, 2));
            }
            _ => *n = Value::Array(vec![n.take()]),
        },
        6 => {
            *n = match n.take() {
                Value::String(s) => s.parse::<f64>().map_or(Value::Null, |f| json!(f)),
                Value::Number(x) => Value::String(x.to_string()),
                Value::Bool(b) => Value::String(b.to_string()),
                Value::Array(mut a) => a.pop().unwrap_or(Value::Null),
                Value::Object(m) => Value::Array(m.into_iter().map(|(_, v)| v).collect()),
                Value::Null => Value::Object(Map::new()),
            }
        }
        7 => *n = Value::Object(Map::new()),
        _ => *n = Value::Array(Vec::new()),
    }
}

/// Byte positions just after a `"` in `text`: places inside or at the edge of strings.
fn quote_positions(text: &str) -> Vec<usize> {
    text.match_indices('"').map(|(i, _)| i + 1).collect()
}

/// One change to the text itself. The result is always valid UTF-8 (the readers take `&str`, as
/// the shell hands them text the browser decoded); what is broken is the JSON.
fn mutate_text(text: &mut String, rng: &mut XorShift) {
    let at = |rng: &mut XorShift, t: &str| {
        let mut i = rng.below(t.len() + 1);
        while !t.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match rng.below(8) {
        0 => {
            let i = at(rng, text);
            text.truncate(i);
        }
        1 | 2 => {
            const ESCAPES: &[&str] = &[
                "\\ud800",
                "\\udc00",
                "\\ud800\\u0041",
                "\\udbff\\udfff",
                "\\u00",
                "\\uZZZZ",
                "\\x41",
                "\\",
                "\\u0000",
                "\\ud83d\\ude00",
            ];
            let quotes = quote_positions(text);
            let i = if quotes.is_empty() {
                at(rng, text)
            } else {
                quotes[rng.below(quotes.len())]
            };
            text.insert_str(i, ESCAPES[rng.below(ESCAPES.len())]);
        }
        3 => {
            const NUMBERS: &[&str] = &[
                "1e999",
                "-1e999",
                "123456789012345678901234567890",
                "-0",
                "0.0000000001e-400",
                "18446744073709551616",
                "-9223372036854775809",
                "1.",
                "01",
                "+1",
                "NaN",
            ];
            let digits: Vec<usize> = text.match_indices(':').map(|(i, _)| i + 1).collect();
            let i = if digits.is_empty() {
                at(rng, text)
            } else {
                digits[rng.below(digits.len())]
            };
            text.insert_str(i, NUMBERS[rng.below(NUMBERS.len())]);
        }
        4 => {
            let depth = [129, 1_000, 100_000][rng.below(3)];
            let (open, close) = if rng.chance(50) {
                ("[", "]")
            } else {
                ("{\"a\":", "}")
            };
            *text = format!("{}{text}{}", open.repeat(depth), close.repeat(depth));
        }
        5 => {
            let i = at(rng, text);
            let c = [b'{', b'}', b'[', b']', b',', b':', b'"', b'\\', 0][rng.below(9)] as char;
            text.insert(i, c);
        }
        6 => {
            let i = at(rng, text);
            let j = at(rng, &text[i..]) + i;
            text.replace_range(i..j, "");
        }
        _ => {
            // A key given twice: serde_json keeps the last.
            if let Some(i) = text.find('{') {
                let key = KEYS[rng.below(KEYS.len())];
                text.insert_str(i + 1, &format!("\"{key}\":{},", value(rng, 2)));
            }
        }
    }
}

/// A real text with 1 to 4 mutations, of the JSON or of the text.
fn mutated(seed: u64) -> String {
    let mut rng = XorShift::new(seed);
    let texts = corpus();
    let mut text = texts[rng.below(texts.len())].clone();
    for _ in 0..1 + rng.below(4) {
        if rng.chance(60) {
            if let Ok(mut v) = serde_json::from_str::<Value>(&text) {
                mutate_value(&mut v, &mut rng);
                text = v.to_string();
                continue;
            }
        }
        mutate_text(&mut text, &mut rng);
    }
    text
}

// ---- Arbitrary JSON ----------------------------------------------------------------------------

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(KEYS).prop_map(str::to_string),
        1 => ".{0,8}",
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(STRINGS).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "[0-9]{0,20}(\\.[0-9]{0,9})?s?".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(arb_key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Places where a reader looks for a nested value, so arbitrary values reach the inner readers.
fn contexts(v: &Value) -> Vec<Value> {
    let mut out = vec![
        v.clone(),
        json!({"connections": [v], "nextSyncToken": "t"}),
        json!({"responses": [{"person": v}]}),
        json!({"updateResult": {"people/c1": v}}),
        json!({"connections": [{"resourceName": "people/c1", "etag": "e", "names": [v],
                                "emailAddresses": [v], "birthdays": [v], "clientData": [v],
                                "memberships": [v], "metadata": v}]}),
        json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": [v]}}),
        json!({"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                      "retryDelay": v}]}}),
        json!({"version": 2, "links": {"1": v}}),
        json!({"version": 2, "links": {"1": {"crmId": "1", "resourceName": "people/c1",
                                             "etag": "e", "base": v}}}),
        json!({"items": [v]}),
    ];
    // A host contact that is valid but for one field.
    for key in [
        "emails",
        "phones",
        "addresses",
        "birthday",
        "status",
        "firstName",
        "modifiedAt",
    ] {
        let mut c = json!({"id": "1", "modifiedAt": "2026-01-01T00:00:00Z", "firstName": "Ann"});
        c[key] = if key.ends_with('s') && key != "status" {
            json!([v])
        } else {
            v.clone()
        };
        out.push(json!({ "items": [c] }));
    }
    out
}

// ---- Tests -------------------------------------------------------------------------------------

/// serde_json's recursion limit (128) bounds every reader, since each reads a parsed `Value`:
/// 127 nested containers parse, 128 are an error, and no depth overflows the stack.
#[test]
fn deeply_nested_text_is_an_error_for_every_reader() {
    for depth in [126, 127, 128, 129, 10_000, 1_000_000] {
        for (open, close) in [("[", "]"), ("{\"connections\":", "}")] {
            let text = format!("{}0{}", open.repeat(depth), close.repeat(depth));
            read_all(&text, &mut Tally::default());
            let parsed = serde_json::from_str::<Value>(&text);
            assert_eq!(parsed.is_ok(), depth < 128, "depth {depth}: {parsed:?}");
            if depth >= 128 {
                let e = json::from_str::<ListConnectionsResponse>(&text).unwrap_err();
                assert!(e.to_string().contains("recursion limit exceeded"), "{e}");
                assert!(AccountState::from_json(&text).is_err());
            }
        }
    }
}

/// The kept crashers: inputs the fuzzer found that once panicked a reader.
#[test]
fn kept_crashers_read_without_panicking() {
    let retry = |delay: Value| {
        json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}]}})
        .to_string()
    };
    let check = |text: String, expected: Option<u64>| {
        read_all(&text, &mut Tally::default());
        assert_eq!(
            ApiError::parse(429, &text).retry_after_ms(),
            expected,
            "{text}"
        );
    };
    // Whole seconds that fit in milliseconds, plus a fraction that rounds past u64::MAX.
    check(retry(json!("18446744073709551.999s")), None);
    check(
        retry(json!({"seconds": 18446744073709551_u64, "nanos": u64::MAX})),
        None,
    );
    check(retry(json!("1.5s")), Some(1_500));
}

#[test]
fn arbitrary_json_is_read_as_a_value_or_an_error() {
    fuzz(
        "arbitrary JSON",
        cases(100, 2_000),
        arb_json(),
        |v, tally| {
            for text in contexts(&v).iter().map(Value::to_string) {
                read_all(&text, tally);
            }
            Ok(())
        },
    );
}

#[test]
fn mutated_answers_and_state_are_read_as_a_value_or_an_error() {
    fuzz(
        "mutated real texts",
        cases(1_000, 2_000),
        any::<u64>(),
        |seed, tally| {
            read_all(&mutated(seed), tally);
            Ok(())
        },
    );
}

/// How many Google contacts carry this instance's tag, by the CRM id the tag names.
fn tagged(w: &World) -> BTreeMap<String, usize> {
    let mut by_crm_id = BTreeMap::new();
    for g in w.google() {
        for d in g["clientData"].as_array().into_iter().flatten() {
            if d["key"].as_str().is_some_and(|k| k.ends_with(INSTANCE)) {
                *by_crm_id
                    .entry(d["value"].as_str().unwrap_or("").to_string())
                    .or_insert(0) += 1;
            }
        }
    }
    by_crm_id
}

/// How whole runs with a mutated answer ended.
#[derive(Default)]
struct Runs {
    runs: usize,
    google: usize,
    host: usize,
    failed: usize,
}

impl std::fmt::Display for Runs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} runs: a Google answer mutated in {}, a host answer in {}; {} reported errors, \
             the others read the mutated answer as a valid one",
            self.runs, self.google, self.host, self.failed
        )
    }
}

/// A whole sync in which one answer (Google's or the host's, picked by the seed) is mutated:
/// the run ends with a report (an error in it, or none), and two clean runs afterwards leave
/// every CRM contact with at most one Google twin and a third run with nothing to write.
fn one_mutated_answer(seed: u64, tally: &mut Runs) -> Result<(), TestCaseError> {
    let mut rng = XorShift::new(seed);
    let mut w = overlapping_world();
    if rng.chance(50) {
        // Half the cases start from a synced pair, so the incremental path is mutated too.
        drive(&mut w, &mut |_, _| {}).expect("a clean run ends");
        let c = w.crm.contacts.values_mut().next().expect("a CRM contact");
        c.contact.notes = "edited".into();
        w.google_add(&[json!({"names": [{"givenName": "Dee"}]})]);
    }
    let target = rng.below(12);
    let (mut google, mut host) = (0, 0);
    let mut hook = |i: usize, a: &mut Answer| {
        if i != target {
            return;
        }
        match a {
            Answer::Google { body, .. } => {
                google += 1;
                let mut text = std::mem::take(body);
                for _ in 0..1 + rng.below(3) {
                    match serde_json::from_str::<Value>(&text) {
                        Ok(mut v) if rng.chance(60) => {
                            mutate_value(&mut v, &mut rng);
                            text = v.to_string();
                        }
                        _ => mutate_text(&mut text, &mut rng),
                    }
                }
                *body = text;
            }
            Answer::Host(v) => {
                host += 1;
                mutate_value(v, &mut rng);
            }
        }
    };
    let result = drive(&mut w, &mut hook);
    prop_assert!(
        result.is_some(),
        "the run with a mutated answer never ended"
    );
    tally.runs += 1;
    tally.google += google;
    tally.host += host;
    tally.failed += usize::from(result.is_some_and(|r| !r.report.errors.is_empty()));
    for _ in 0..2 {
        let r = drive(&mut w, &mut |_, _| {});
        prop_assert!(r.is_some(), "a clean run never ended");
    }
    let last = drive(&mut w, &mut |_, _| {}).expect("a clean run ends");
    prop_assert_eq!(
        writes(&last),
        0,
        "a run after two clean ones still wrote: {:?}",
        last.report
    );
    for (id, n) in tagged(&w) {
        prop_assert!(n <= 1, "CRM contact {} has {} Google twins", id, n);
    }
    Ok(())
}

#[test]
fn a_sync_with_one_mutated_answer_ends_and_clean_runs_converge() {
    fuzz(
        "whole runs",
        cases(5, 100),
        any::<u64>(),
        one_mutated_answer,
    );
}

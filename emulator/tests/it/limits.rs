use crate::support::{assert_error, Api};
use people_emulator::{Bucket, FaultKind, FaultRule, QuotaPreset};
use serde_json::json;

const LIST: &str = "/v1/people/me/connections?personFields=names";

#[test]
fn the_google_preset_throttles_critical_reads_per_minute() {
    let api = Api::new();
    api.em.set_quota(QuotaPreset::Google);
    for _ in 0..90 {
        assert_eq!(api.get(LIST).0, 200);
    }
    let got = api.get(LIST);
    assert_error(&got, 429, "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Critical read requests (Contact and Profile Reads)' and limit 'Critical read requests (Contact and Profile Reads) per minute per user' of service 'people.googleapis.com' for consumer 'project_number:000000000000'.");
    assert_eq!(
        got.1["error"]["details"][0]["metadata"]["quota_metric"],
        "people.googleapis.com/critical_read_requests"
    );
    assert_eq!(
        api.em.request_counts()["people.connections.list"].throttled,
        1
    );
    api.em.advance_clock(60_000);
    assert_eq!(api.get(LIST).0, 200, "the bucket refills the next minute");
}

#[test]
fn batch_writes_cost_the_same_whatever_their_size() {
    let api = Api::new();
    api.em.set_quota_limit(Bucket::CriticalWrites, Some(12));
    let one = json!({"contacts": [{"contactPerson": {"names": [{"givenName": "A"}]}}]});
    assert_eq!(
        api.call("POST", "/v1/people:batchCreateContacts", Some(one.clone()))
            .0,
        200
    );
    assert_eq!(
        api.call("POST", "/v1/people:batchCreateContacts", Some(one.clone()))
            .0,
        200
    );
    let got = api.call("POST", "/v1/people:batchCreateContacts", Some(one));
    assert_eq!(got.0, 429);
    assert!(got.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Critical write requests (Contact Creates and Updates)"));
}

#[test]
fn the_next_three_batch_updates_answer_503() {
    let api = Api::new();
    let p = api.ada();
    api.em.add_faults(vec![FaultRule {
        method: "batchUpdateContacts".into(),
        kind: FaultKind::Status { status: 503 },
        count: 3,
    }]);
    let body = json!({"contacts": {p["resourceName"].as_str().unwrap(): {"etag": p["etag"], "names": [{"givenName": "B"}]}}, "updateMask": "names"});
    for _ in 0..3 {
        assert_error(
            &api.call("POST", "/v1/people:batchUpdateContacts", Some(body.clone())),
            503,
            "UNAVAILABLE",
            "The service is currently unavailable.",
        );
    }
    assert_eq!(api.get(LIST).0, 200, "other methods are untouched");
    assert_eq!(
        api.call("POST", "/v1/people:batchUpdateContacts", Some(body))
            .0,
        200
    );
    assert_eq!(
        api.em.request_counts()["people.batchUpdateContacts"].faults,
        3
    );
}

#[test]
fn the_next_update_meets_a_spurious_etag_mismatch() {
    let api = Api::new();
    let p = api.ada();
    api.em.add_faults(vec![FaultRule {
        method: "*".into(),
        kind: FaultKind::EtagMismatch,
        count: 1,
    }]);
    assert_eq!(api.get(LIST).0, 200, "a read does not consume the rule");
    let path = format!(
        "/v1/{}:updateContact?updatePersonFields=names",
        p["resourceName"].as_str().unwrap()
    );
    let body = json!({"etag": p["etag"], "names": [{"givenName": "B"}]});
    assert_eq!(
        api.call("PATCH", &path, Some(body.clone())).1["error"]["status"],
        "FAILED_PRECONDITION"
    );
    assert_eq!(api.call("PATCH", &path, Some(body)).0, 200);
}

#[test]
fn latency_and_dropped_connections_are_delivery_instructions() {
    let api = Api::new();
    api.em.add_faults(vec![
        FaultRule {
            method: "people.connections.list".into(),
            kind: FaultKind::Latency { ms: 250 },
            count: 1,
        },
        FaultRule {
            method: "people.connections.list".into(),
            kind: FaultKind::Drop,
            count: 1,
        },
    ]);
    let r = api
        .em
        .handle(people_emulator::Request::get(LIST).bearer(&api.token));
    assert_eq!((r.status, r.delay_ms), (200, 250));
    let r = api
        .em
        .handle(people_emulator::Request::get(LIST).bearer(&api.token));
    assert!(r.drop_connection);
}

#[test]
fn a_seeded_fault_rate_fails_about_that_share_of_calls_reproducibly() {
    let run = || {
        let api = Api::new();
        api.em.set_fault_rate(0.3);
        (0..200).map(|_| api.get(LIST).0).collect::<Vec<_>>()
    };
    let a = run();
    let failed = a.iter().filter(|s| **s == 503).count();
    assert!((35..=85).contains(&failed), "{failed}");
    assert_eq!(a, run());
}

#[test]
fn configured_latency_applies_to_every_api_answer() {
    let api = Api::new();
    api.em.set_latency(40);
    let r = api
        .em
        .handle(people_emulator::Request::get(LIST).bearer(&api.token));
    assert_eq!((r.status, r.delay_ms), (200, 40));
}

#[test]
fn group_reads_have_their_own_bucket() {
    let api = Api::new();
    api.em.set_quota_limit(Bucket::GroupReads, Some(2));
    assert_eq!(api.get("/v1/contactGroups").0, 200);
    assert_eq!(api.get("/v1/contactGroups/myContacts").0, 200);
    let got = api.get("/v1/contactGroups");
    assert_eq!(got.0, 429);
    assert_eq!(
        got.1["error"]["details"][0]["metadata"]["quota_metric"],
        "people.googleapis.com/read_requests"
    );
    assert_eq!(api.get(LIST).0, 200, "contact reads are another bucket");
}

/// An account holds at most `max_contacts` (Google's 25,000 unless a test says less): over real
/// HTTP, a batch that would pass it is refused whole with Google's error form and creates none,
/// one that fits is made, and a single create past the cap is refused too.
#[test]
fn an_account_takes_no_contact_past_its_limit() {
    use crate::support::http;
    use people_emulator::{server, Config, Emulator, GOOGLE_MAX_CONTACTS};
    assert_eq!(Config::default().max_contacts, GOOGLE_MAX_CONTACTS);
    assert_eq!(GOOGLE_MAX_CONTACTS, 25_000);
    let em = Emulator::new(Config {
        max_contacts: 5,
        ..Config::default()
    });
    let account = em.create_account("ann@example.com");
    let token = format!("Bearer {}", em.mint_token(account, "contacts"));
    let h = server::spawn(em.clone(), 0).expect("serve on loopback");
    let base = h.url();
    let post = |path: &str, body: serde_json::Value| {
        http(
            &base,
            "POST",
            path,
            &[
                ("Authorization", token.as_str()),
                ("Content-Type", "application/json"),
            ],
            &body.to_string(),
        )
        .expect("an answer")
    };
    let batch = |n: usize| {
        let contacts: Vec<_> = (0..n)
            .map(|i| json!({"contactPerson": {"names": [{"givenName": format!("P{i}")}]}}))
            .collect();
        post(
            "/v1/people:batchCreateContacts",
            json!({"contacts": contacts, "readMask": "names"}),
        )
    };
    let count = || {
        let got = http(
            &base,
            "GET",
            "/v1/people/me/connections?personFields=names&pageSize=100",
            &[("Authorization", token.as_str())],
            "",
        )
        .expect("an answer");
        got.json()["connections"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(batch(3).status, 200);
    let refused = batch(3);
    assert_eq!(refused.status, 400, "{}", refused.body);
    let e = &refused.json()["error"];
    assert_eq!(e["status"], "FAILED_PRECONDITION");
    assert_eq!(
        e["message"],
        "The account has reached its limit of 5 contacts."
    );
    assert_eq!(e["details"][0]["reason"], "CONTACT_LIMIT_EXCEEDED");
    assert_eq!(count(), 3, "the refused batch created none");
    assert_eq!(batch(2).status, 200, "a batch that fits is made");
    assert_eq!(count(), 5);
    let one = post(
        "/v1/people:createContact",
        json!({"names": [{"givenName": "Six"}]}),
    );
    assert_eq!(one.status, 400, "{}", one.body);
    assert_eq!(one.json()["error"]["status"], "FAILED_PRECONDITION");
    assert_eq!(count(), 5);
}

/// A test lowers the limit on a running emulator (`POST /__admin/config {"maxContacts": n}`):
/// creates past it are refused from then on; a value that is not a number is refused without
/// changing anything; `null` and a reset bring back the limit the emulator started with.
#[test]
fn the_admin_api_lowers_the_limit_and_reset_restores_it() {
    use crate::support::http;
    use people_emulator::{server, Config, Emulator};
    let em = Emulator::new(Config {
        max_contacts: 40,
        ..Config::default()
    });
    let h = server::spawn(em.clone(), 0).expect("serve on loopback");
    let base = h.url();
    let admin = |path: &str, body: serde_json::Value| {
        http(
            &base,
            "POST",
            &format!("/__admin/{path}"),
            &[("Content-Type", "application/json")],
            &body.to_string(),
        )
        .expect("an answer")
    };
    let config = |body: serde_json::Value| {
        let r = admin("config", body);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    };
    let create = |token: &str, n: usize| {
        let contacts: Vec<_> = (0..n)
            .map(|i| json!({"contactPerson": {"names": [{"givenName": format!("P{i}")}]}}))
            .collect();
        http(
            &base,
            "POST",
            "/v1/people:batchCreateContacts",
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Content-Type", "application/json"),
            ],
            &json!({"contacts": contacts, "readMask": "names"}).to_string(),
        )
        .expect("an answer")
    };
    let token = |email: &str| {
        admin("tokens", json!({"email": email})).json()["access_token"]
            .as_str()
            .expect("a token")
            .to_string()
    };
    let ann = token("ann@example.com");

    assert_eq!(config(json!({}))["maxContacts"], 40, "the start's limit");
    assert_eq!(config(json!({"maxContacts": 3}))["maxContacts"], 3);
    assert_eq!(create(&ann, 3).status, 200);
    let refused = create(&ann, 1);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(
        refused.json()["error"]["message"],
        "The account has reached its limit of 3 contacts."
    );

    let bad = admin("config", json!({"maxContacts": "many", "latencyMs": 500}));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.body.contains("maxContacts must be a number"),
        "{}",
        bad.body
    );
    let now = config(json!({}));
    assert_eq!(now["maxContacts"], 3, "a refused call changes nothing");
    assert_eq!(now["latencyMs"], 0, "a refused call changes nothing");

    assert_eq!(config(json!({"maxContacts": null}))["maxContacts"], 40);
    assert_eq!(
        create(&ann, 1).status,
        200,
        "room again under the start's limit"
    );

    config(json!({"maxContacts": 2}));
    assert_eq!(admin("reset", json!({})).status, 200);
    assert_eq!(config(json!({}))["maxContacts"], 40, "reset restores it");
    let bob = token("bob@example.com");
    assert_eq!(create(&bob, 5).status, 200);
}

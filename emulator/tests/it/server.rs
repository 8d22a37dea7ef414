use crate::support::{http, HttpAnswer};
use people_emulator::{server, Emulator};
use serde_json::{json, Value};

fn start() -> (Emulator, server::ServerHandle) {
    let em = Emulator::default();
    let h = server::spawn(em.clone(), 0).unwrap();
    (em, h)
}

fn admin(base: &str, path: &str, body: Value) -> Value {
    let r = http(
        base,
        "POST",
        &format!("/__admin/{path}"),
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// The account's connections over HTTP, with this `Authorization` header.
fn connections(base: &str, auth: &str) -> std::io::Result<HttpAnswer> {
    http(
        base,
        "GET",
        "/v1/people/me/connections?personFields=names",
        &[("Authorization", auth)],
        "",
    )
}

fn token(base: &str, email: &str) -> String {
    admin(base, "tokens", json!({"email": email}))["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A server with this fault rule, its URL, and an `Authorization` header for ann@example.com.
fn faulty(rule: Value) -> (server::ServerHandle, String, String) {
    let (_em, h) = start();
    let base = h.url();
    let t = token(&base, "ann@example.com");
    admin(&base, "faults", json!({ "rules": [rule] }));
    (h, base, format!("Bearer {t}"))
}

#[test]
fn the_server_listens_on_loopback_and_answers_the_api() {
    let (_em, h) = start();
    assert!(h.addr.ip().is_loopback());
    let base = h.url();
    let t = token(&base, "ann@example.com");
    let auth = format!("Bearer {t}");
    let r = http(
        &base,
        "POST",
        "/v1/people:createContact?personFields=names",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        r#"{"names":[{"givenName":"Zoë"}]}"#,
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["names"][0]["displayName"], "Zoë");
    let r = connections(&base, &auth).unwrap();
    assert_eq!(r.json()["totalItems"], 1);
}

#[test]
fn browser_preflights_are_answered_for_any_origin() {
    let (_em, h) = start();
    let base = h.url();
    let r = http(
        &base,
        "OPTIONS",
        "/v1/people:batchUpdateContacts",
        &[
            ("Origin", "http://crm.localhost:5173"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
        "",
    )
    .unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://crm.localhost:5173")
    );
    assert!(r
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .contains("authorization"));
    assert!(r
        .header("Access-Control-Allow-Methods")
        .unwrap()
        .contains("PATCH"));
    let r = http(
        &base,
        "GET",
        "/v1/people/me/connections?personFields=names",
        &[("Origin", "http://crm.localhost:5173")],
        "",
    )
    .unwrap();
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("http://crm.localhost:5173")
    );
}

#[test]
fn the_consent_page_redirects_with_a_token_in_the_fragment() {
    let (_em, h) = start();
    let base = h.url();
    admin(&base, "accounts", json!({"email": "ann@example.com"}));
    let q = "client_id=crm&redirect_uri=http%3A%2F%2Fcrm.localhost%2Fcb&response_type=token&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcontacts&state=xyz&login_hint=ann%40example.com";
    let page = http(&base, "GET", &format!("/o/oauth2/v2/auth?{q}"), &[], "").unwrap();
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ann@example.com"));
    assert!(
        !page.body.contains("src=\"http") && !page.body.contains("href=\"http"),
        "no external resources"
    );
    let r = http(
        &base,
        "POST",
        "/o/oauth2/v2/auth/approve",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("{q}&email=new%40example.com"),
    )
    .unwrap();
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap();
    let (target, frag) = loc.split_once('#').unwrap();
    assert_eq!(target, "http://crm.localhost/cb");
    let f: Vec<(String, String)> = form_pairs(frag);
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("token_type").as_deref(), Some("Bearer"));
    assert_eq!(get("expires_in").as_deref(), Some("3599"));
    assert_eq!(get("state").as_deref(), Some("xyz"));
    assert_eq!(
        get("scope").as_deref(),
        Some("https://www.googleapis.com/auth/contacts")
    );
    let auth = format!("Bearer {}", get("access_token").unwrap());
    let me = http(
        &base,
        "GET",
        "/v1/people/me?personFields=emailAddresses",
        &[("Authorization", &auth)],
        "",
    )
    .unwrap();
    assert_eq!(
        me.json()["emailAddresses"][0]["value"],
        "new@example.com",
        "the page created the account"
    );
    let silent = http(&base, "GET", "/o/oauth2/v2/auth?client_id=c&redirect_uri=http%3A%2F%2Fx%2F&response_type=token&scope=contacts&prompt=none&login_hint=nobody%40example.com", &[], "").unwrap();
    assert!(silent
        .header("Location")
        .unwrap()
        .contains("error=interaction_required"));
}

/// `prompt=none` for `email`: the token it redirects with, or the error.
fn silent(base: &str, email: &str) -> std::result::Result<String, String> {
    let q = format!("client_id=c&redirect_uri=http%3A%2F%2Fx%2F&response_type=token&scope=contacts&prompt=none&state=s&login_hint={}", email.replace('@', "%40"));
    let r = http(base, "GET", &format!("/o/oauth2/v2/auth?{q}"), &[], "").unwrap();
    assert_eq!(r.status, 302, "prompt=none never shows a page");
    let loc = r.header("Location").unwrap().to_string();
    let f = form_pairs(loc.split_once('#').unwrap().1);
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("state").as_deref(), Some("s"));
    get("access_token").ok_or_else(|| get("error").unwrap_or_default())
}

#[test]
fn prompt_none_renews_only_an_account_signed_in_whose_grant_stands() {
    let (_em, h) = start();
    let base = h.url();
    // Known (created by the admin API) but never signed in on the consent page.
    admin(&base, "accounts", json!({"email": "ann@example.com"}));
    assert_eq!(
        silent(&base, "ann@example.com"),
        Err("interaction_required".into())
    );
    let approve = |email: &str| {
        let q = format!("client_id=c&redirect_uri=http%3A%2F%2Fx%2F&response_type=token&scope=contacts&state=s&email={}", email.replace('@', "%40"));
        let r = http(
            &base,
            "POST",
            "/o/oauth2/v2/auth/approve",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &q,
        )
        .unwrap();
        assert_eq!(r.status, 302);
    };
    approve("ann@example.com");
    let renewed =
        silent(&base, "ann@example.com").expect("a signed-in account renews without the user");
    let info = http(
        &base,
        "GET",
        &format!("/tokeninfo?access_token={renewed}"),
        &[],
        "",
    )
    .unwrap();
    assert_eq!(
        info.json()["email"],
        "ann@example.com",
        "the token is the hinted account's"
    );
    assert_eq!(
        silent(&base, "ANN@example.com").map(|_| ()),
        Ok(()),
        "the hint is matched without case"
    );

    // Signed out: tokens handed out still work, none is renewed.
    admin(&base, "sign-out", json!({"email": "ann@example.com"}));
    assert_eq!(
        silent(&base, "ann@example.com"),
        Err("interaction_required".into())
    );
    let info = http(
        &base,
        "GET",
        &format!("/tokeninfo?access_token={renewed}"),
        &[],
        "",
    )
    .unwrap();
    assert_eq!(info.status, 200);

    // Signed in again, then a revoke withdraws the grant.
    approve("ann@example.com");
    let token = silent(&base, "ann@example.com").unwrap();
    let r = http(
        &base,
        "POST",
        "/revoke",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("token={token}"),
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        silent(&base, "ann@example.com"),
        Err("interaction_required".into())
    );
    let again = http(
        &base,
        "POST",
        "/revoke",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("token={token}"),
    )
    .unwrap();
    assert_eq!(again.status, 400, "a revoked token cannot be revoked twice");
}

fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.replace('+', " ");
    let bytes = b.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            out.push(u8::from_str_radix(&b[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn an_injected_drop_closes_the_connection_without_an_answer() {
    let (_h, base, auth) = faulty(json!({"method": "people.connections.list", "kind": "drop"}));
    let r = connections(&base, &auth);
    assert!(r.is_err(), "got an answer: {:?}", r.map(|a| a.status));
    let r = connections(&base, &auth).unwrap();
    assert_eq!(r.status, 200);
}

#[test]
fn injected_latency_delays_the_answer() {
    let (_h, base, auth) = faulty(json!({"method": "*", "kind": "latency", "ms": 200}));
    let started = std::time::Instant::now();
    let r = connections(&base, &auth).unwrap();
    assert_eq!(r.status, 200);
    assert!(started.elapsed().as_millis() >= 200);
}

#[test]
fn the_admin_api_seeds_dumps_moves_the_clock_and_counts() {
    let (_em, h) = start();
    let base = h.url();
    let t = token(&base, "ann@example.com");
    assert_eq!(
        admin(
            &base,
            "seed",
            json!({"email": "ann@example.com", "count": 30, "seed": 4})
        )["created"],
        30
    );
    let given = admin(
        &base,
        "seed",
        json!({"email": "ann@example.com", "contacts": [{"names": [{"givenName": "Given"}]}]}),
    );
    assert_eq!(given["resourceNames"].as_array().unwrap().len(), 1);
    let dump = http(
        &base,
        "GET",
        "/__admin/dump?email=ann%40example.com",
        &[],
        "",
    )
    .unwrap()
    .json();
    assert_eq!(dump["contacts"].as_array().unwrap().len(), 31);
    let auth = format!("Bearer {t}");
    connections(&base, &auth).unwrap();
    let stats = http(&base, "GET", "/__admin/stats", &[], "")
        .unwrap()
        .json();
    assert_eq!(stats["methods"]["people.connections.list"]["requests"], 1);
    let clock = admin(&base, "clock", json!({"advanceMs": 3_600_000}));
    assert!(clock["nowMs"].as_u64().is_some());
    let r = connections(&base, &auth).unwrap();
    assert_eq!(r.status, 401, "the token expired on the emulator's clock");
    admin(
        &base,
        "config",
        json!({"quota": "google", "propagationDelayMs": 1000}),
    );
    admin(&base, "reset", json!({}));
    let accounts = http(&base, "GET", "/__admin/accounts", &[], "")
        .unwrap()
        .json();
    assert_eq!(accounts["accounts"], json!([]));
}

#[test]
fn the_viewer_lists_escapes_and_edits_contacts() {
    let (em, h) = start();
    let base = h.url();
    let a = em.create_account("ann@example.com");
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = http(&base, "POST", "/__viewer/create", &form,
        "account=ann%40example.com&givenName=%3Cscript%3Ealert(1)%3C%2Fscript%3E&familyName=O%27Brien&email=x%40example.com&phone=%2B44+20+7946+0000").unwrap();
    assert_eq!(r.status, 303);
    let page = http(&base, "GET", "/?account=ann%40example.com", &[], "").unwrap();
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("src=\"http") && !page.body.contains("href=\"http"));
    let dump = em.dump(a);
    let rn = dump["contacts"][0]["resourceName"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        dump["contacts"][0]["phoneNumbers"][0]["canonicalForm"],
        "+442079460000"
    );
    let r = http(&base, "POST", "/__viewer/update", &form,
        &format!("account=ann%40example.com&resourceName={rn}&givenName=Ann&familyName=Lee&email=&phone=%2B1+415+555+0100&notes=hi")).unwrap();
    assert_eq!(r.status, 303);
    let c = em.dump(a)["contacts"][0].clone();
    assert_eq!(c["names"][0]["displayName"], "Ann Lee");
    assert!(c.get("emailAddresses").is_none());
    assert_eq!(c["biographies"][0]["value"], "hi");
    http(
        &base,
        "POST",
        "/__viewer/delete",
        &form,
        &format!("account=ann%40example.com&resourceName={rn}"),
    )
    .unwrap();
    assert_eq!(em.dump(a)["contacts"], json!([]));
}

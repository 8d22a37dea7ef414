//! The admin API under `/__admin/`: unauthenticated controls for tests, the demo and benchmarks.

use crate::emulator::{Config, State};
use crate::http::{Request, Response};
use crate::limits::{Bucket, FaultRule, QuotaPreset};
use crate::person;
use crate::util::rfc3339;
use serde_json::{json, Value};

pub(crate) fn err(status: u16, msg: &str) -> Response {
    Response::json(status, &json!({"error": msg}))
}

pub fn dump(st: &State, a: usize) -> Value {
    let acct = &st.accounts[a];
    let mut people: Vec<_> = acct.persons.values().collect();
    people.sort_by_key(|p| p.seq);
    let deleted: Vec<Value> = acct
        .changes
        .values()
        .filter(|c| c.deleted)
        .map(|c| json!({"resourceName": person::resource_name(c.id), "deleteTime": rfc3339(c.ms)}))
        .collect();
    let fields = ["clientData", "groupType", "memberCount", "metadata", "name"].map(String::from);
    json!({
        "email": acct.email,
        "profile": format!("people/{}", acct.profile_id),
        "contacts": people.iter().map(|p| crate::profile::dump_json(acct, p)).collect::<Vec<_>>(),
        "contactGroups": acct.groups.iter().map(|g| acct.group_json(g, &fields, 0)).collect::<Vec<_>>(),
        "deleted": deleted,
    })
}

pub(crate) fn account_of(st: &State, b: &Value, req: &Request) -> Result<usize, Response> {
    let email = b
        .get("email")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            req.query()
                .into_iter()
                .find(|(k, _)| k == "email")
                .map(|(_, v)| v)
        });
    match email {
        Some(e) => st
            .account_by_email(&e)
            .ok_or_else(|| err(404, &format!("no account {e}"))),
        None => Err(err(400, "email is required")),
    }
}

pub fn handle(st: &mut State, req: &Request) -> Response {
    let path = req.path().trim_start_matches("/__admin/").to_string();
    let b: Value = if req.body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(e) => return err(400, &format!("invalid JSON: {e}")),
        }
    };
    match (req.method.as_str(), path.as_str()) {
        ("POST", "reset") => {
            let config = Config {
                max_contacts: st.started_max_contacts,
                ..st.config.clone()
            };
            let now = st.now();
            *st = State::new_for_reset(config);
            st.set_now(now);
            Response::json(200, &json!({}))
        }
        ("GET", "accounts") => Response::json(
            200,
            &json!({"accounts": st.accounts.iter().map(|a| json!({"email": a.email, "contacts": a.persons.len()})).collect::<Vec<_>>()}),
        ),
        ("POST", "accounts") => {
            let Some(email) = b.get("email").and_then(Value::as_str) else {
                return err(400, "email is required");
            };
            let a = st.create_account(email);
            Response::json(200, &json!({"email": st.accounts[a].email, "accountId": a}))
        }
        ("POST", "tokens") => {
            let email = b.get("email").and_then(Value::as_str).unwrap_or("");
            if email.is_empty() {
                return err(400, "email is required");
            }
            let a = st.create_account(email);
            let scope = b
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or("contacts")
                .to_string();
            let token = st.mint_token(a, &scope);
            let scopes = st
                .tokens
                .get(&token)
                .map(|t| t.scopes.join(" "))
                .unwrap_or_default();
            Response::json(
                200,
                &json!({"access_token": token, "token_type": "Bearer", "expires_in": 3599, "scope": scopes}),
            )
        }
        // The account signs out of the consent page: tokens already handed out stay valid, but
        // none is renewed without the user until they sign in again.
        ("POST", "sign-out") => match account_of(st, &b, req) {
            Ok(a) => {
                st.consented.remove(&a);
                Response::json(200, &json!({}))
            }
            Err(r) => r,
        },
        ("POST", "seed") => {
            let a = match account_of(st, &b, req) {
                Ok(a) => a,
                Err(r) => return r,
            };
            if let Some(people) = b.get("contacts").and_then(Value::as_array) {
                return match crate::seed::seed_json(st, a, people) {
                    Ok(names) => Response::json(200, &json!({"resourceNames": names})),
                    Err(e) => e.into_response(),
                };
            }
            let n = b.get("count").and_then(Value::as_u64).unwrap_or(10) as usize;
            let seed = b.get("seed").and_then(Value::as_u64).unwrap_or(1);
            let names = crate::seed::seed(st, a, n, seed);
            Response::json(200, &json!({"created": names.len()}))
        }
        ("POST", "rename") | ("POST", "merge") => crate::rename::admin(st, &path, &b, req),
        ("POST", "profile") => {
            let a = match account_of(st, &b, req) {
                Ok(a) => a,
                Err(r) => return r,
            };
            let rn = b.get("resourceName").and_then(Value::as_str).unwrap_or("");
            let profile = b.get("profile").cloned().unwrap_or(Value::Null);
            match crate::profile::set(st, a, rn, &profile) {
                Ok(()) => Response::json(200, &json!({})),
                Err(e) => e.into_response(),
            }
        }
        ("POST", "photo") => {
            let a = match account_of(st, &b, req) {
                Ok(a) => a,
                Err(r) => return r,
            };
            let rn = b.get("resourceName").and_then(Value::as_str).unwrap_or("");
            let bytes = b.get("photoBytes").and_then(Value::as_str).unwrap_or("");
            let bytes = match crate::photo::decode(bytes) {
                Ok(b) => b,
                Err(e) => return e.into_response(),
            };
            match crate::photo::set_by_admin(st, a, rn, &bytes, req.header_value("Host")) {
                Ok(photo) => Response::json(200, &json!({ "photo": photo })),
                Err(e) => e.into_response(),
            }
        }
        ("GET", "dump") => match account_of(st, &b, req) {
            Ok(a) => Response::json(200, &dump(st, a)),
            Err(r) => r,
        },
        ("GET", "clock") => {
            Response::json(200, &json!({"nowMs": st.now(), "now": rfc3339(st.now())}))
        }
        ("POST", "clock") => {
            if let Some(ms) = b.get("setMs").and_then(Value::as_u64) {
                st.set_now(ms);
            }
            if let Some(ms) = b.get("advanceMs").and_then(Value::as_u64) {
                let now = st.now();
                st.set_now(now + ms);
            }
            Response::json(200, &json!({"nowMs": st.now(), "now": rfc3339(st.now())}))
        }
        ("GET", "faults") => Response::json(
            200,
            &json!({"rate": st.config.fault_rate, "rules": st.rules}),
        ),
        ("POST", "faults") => {
            if b.get("clear").and_then(Value::as_bool) == Some(true) {
                st.rules.clear();
                st.config.fault_rate = 0.0;
            }
            if let Some(r) = b.get("rate").and_then(Value::as_f64) {
                st.config.fault_rate = r;
            }
            if let Some(seed) = b.get("seed").and_then(Value::as_u64) {
                st.fault_rng = crate::util::Rng::new(seed);
            }
            if let Some(rules) = b.get("rules") {
                match serde_json::from_value::<Vec<FaultRule>>(rules.clone()) {
                    Ok(r) => st.rules.extend(r),
                    Err(e) => return err(400, &format!("invalid rules: {e}")),
                }
            }
            Response::json(
                200,
                &json!({"rate": st.config.fault_rate, "rules": st.rules}),
            )
        }
        ("POST", "config") => {
            // Checked before anything changes, so a refused call changes nothing.
            let max_contacts = match b.get("maxContacts") {
                None => None,
                Some(Value::Null) => Some(None),
                Some(v) => match v.as_u64() {
                    Some(n) => Some(Some(n as usize)),
                    None => return err(400, "maxContacts must be a number of contacts or null"),
                },
            };
            if let Some(q) = b.get("quota").and_then(Value::as_str) {
                match QuotaPreset::parse(q) {
                    Some(p) => st.limits = p.limits().into_iter().collect(),
                    None => return err(400, "quota must be none or google"),
                }
                st.usage.clear();
            }
            if let Some(limits) = b.get("limits").and_then(Value::as_object) {
                for (k, v) in limits {
                    let Ok(bucket) = serde_json::from_value::<Bucket>(json!(k)) else {
                        return err(400, &format!("unknown quota bucket {k}"));
                    };
                    match v.as_u64() {
                        Some(l) => st.limits.insert(bucket, l),
                        None => st.limits.remove(&bucket),
                    };
                }
            }
            if let Some(ms) = b.get("propagationDelayMs").and_then(Value::as_u64) {
                st.config.propagation_delay_ms = ms;
            }
            if let Some(ms) = b.get("latencyMs").and_then(Value::as_u64) {
                st.config.latency_ms = ms;
            }
            if let Some(max) = max_contacts {
                st.config.max_contacts = max.unwrap_or(st.started_max_contacts);
            }
            Response::json(
                200,
                &json!({
                    "limits": st.limits.iter().map(|(k, v)| (serde_json::to_value(k).ok().and_then(|k| k.as_str().map(str::to_string)).unwrap_or_default(), json!(v))).collect::<serde_json::Map<_, _>>(),
                    "propagationDelayMs": st.config.propagation_delay_ms,
                    "latencyMs": st.config.latency_ms,
                    "maxContacts": st.config.max_contacts,
                }),
            )
        }
        ("GET", "stats") => Response::json(200, &json!({"methods": st.stats})),
        _ => err(404, "unknown admin endpoint"),
    }
}

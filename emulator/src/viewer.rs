//! The viewer at `/`: each account's contacts and groups, with plain HTML forms to create, edit
//! and delete contacts, so a demo user can change the Google side and watch it sync. Every
//! user-supplied string is HTML-escaped; the page loads nothing from elsewhere.

use crate::emulator::State;
use crate::http::{Request, Response};
use crate::person::{self, Mask};
use crate::util::{html_escape as esc, rfc3339};
use serde_json::{json, Value};

/// Contacts shown per account (most recently changed first).
const SHOWN: usize = 300;

fn form(req: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(&req.body).into_owned().collect()
}

fn param<'a>(p: &'a [(String, String)], k: &str) -> &'a str {
    p.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.trim())
}

fn back(email: &str) -> Response {
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("account", email)
        .finish();
    let mut r = Response::redirect(&format!("/?{q}"));
    r.status = 303;
    r
}

/// The editable part of a contact as the forms carry it.
fn person_from_form(p: &[(String, String)], base: Option<Value>) -> Value {
    let mut v = base.unwrap_or_else(|| json!({}));
    let set_first = |v: &mut Value, field: &str, key: &str, value: &str, default: Value| {
        let arr = v[field].as_array().cloned().unwrap_or_default();
        let mut arr: Vec<Value> = arr;
        if value.is_empty() {
            if !arr.is_empty() {
                arr.remove(0);
            }
        } else if let Some(first) = arr.first_mut() {
            first[key] = json!(value);
        } else {
            let mut d = default;
            d[key] = json!(value);
            arr.push(d);
        }
        v[field] = Value::Array(arr);
    };
    let mut names = v["names"]
        .as_array()
        .and_then(|a| a.first().cloned())
        .unwrap_or_else(|| json!({}));
    names["givenName"] = json!(param(p, "givenName"));
    names["familyName"] = json!(param(p, "familyName"));
    if let Some(o) = names.as_object_mut() {
        o.remove("unstructuredName");
    }
    v["names"] = json!([names]);
    set_first(
        &mut v,
        "emailAddresses",
        "value",
        param(p, "email"),
        json!({"type": "other"}),
    );
    set_first(
        &mut v,
        "phoneNumbers",
        "value",
        param(p, "phone"),
        json!({"type": "mobile"}),
    );
    set_first(
        &mut v,
        "biographies",
        "value",
        param(p, "notes"),
        json!({"contentType": "TEXT_PLAIN"}),
    );
    v
}

fn edit_mask() -> Mask {
    let mut m = Mask(0);
    for f in ["names", "emailAddresses", "phoneNumbers", "biographies"] {
        if let Some(i) = Mask::field(f) {
            m.0 |= 1 << i;
        }
    }
    m
}

pub fn handle(st: &mut State, req: &Request) -> Response {
    let p = form(req);
    let now = st.now();
    let account = || st.account_by_email(param(&p, "account"));
    match (req.method.as_str(), req.path()) {
        ("GET", "/") => page(st, req),
        ("POST", "/__viewer/account") => {
            let email = param(&p, "email");
            if !email.contains('@') {
                return Response::html(400, "A valid email address is required.".into());
            }
            st.create_account(email);
            back(email)
        }
        ("POST", "/__viewer/create") => {
            let Some(a) = account() else {
                return Response::html(404, "No such account.".into());
            };
            let v = person_from_form(&p, None);
            let email = st.accounts[a].email.clone();
            match st.accounts[a].create(&v, &mut st.rng, now) {
                Ok(_) => back(&email),
                Err(e) => Response::html(400, esc(&e.message)),
            }
        }
        ("POST", "/__viewer/update") => {
            let Some(a) = account() else {
                return Response::html(404, "No such account.".into());
            };
            let Some(id) = person::parse_resource_name(param(&p, "resourceName")) else {
                return Response::html(400, "Bad resource name.".into());
            };
            let Some(current) = st.accounts[a]
                .persons
                .get(&id)
                .map(|x| x.to_json(Mask::ALL))
            else {
                return Response::html(404, "No such contact.".into());
            };
            let v = person_from_form(&p, Some(current));
            let email = st.accounts[a].email.clone();
            match st.accounts[a].apply_update(id, &v, edit_mask(), now) {
                Ok(()) => back(&email),
                Err(e) => Response::html(400, esc(&e.message)),
            }
        }
        ("POST", "/__viewer/delete") => {
            let Some(a) = account() else {
                return Response::html(404, "No such account.".into());
            };
            let email = st.accounts[a].email.clone();
            if let Some(id) = person::parse_resource_name(param(&p, "resourceName")) {
                let _ = st.accounts[a].delete(id, now);
            }
            back(&email)
        }
        _ => Response::html(404, "Not found".into()),
    }
}

fn first(v: &Value, field: &str, key: &str) -> String {
    v[field][0][key].as_str().unwrap_or("").to_string()
}

fn all(v: &Value, field: &str, key: &str) -> String {
    v[field]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x[key].as_str())
        .map(esc)
        .collect::<Vec<_>>()
        .join("<br>")
}

fn page(st: &State, req: &Request) -> Response {
    let selected = req
        .query()
        .into_iter()
        .find(|(k, _)| k == "account")
        .and_then(|(_, e)| st.account_by_email(&e))
        .or(if st.accounts.is_empty() {
            None
        } else {
            Some(0)
        });
    let nav: String = st
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let q = form_urlencoded::Serializer::new(String::new())
                .append_pair("account", &a.email)
                .finish();
            let cur = if Some(i) == selected {
                " aria-current=page"
            } else {
                ""
            };
            format!(
                "<a href=\"/?{}\"{cur}>{}</a> ({})",
                esc(&q),
                esc(&a.email),
                a.persons.len()
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let mut body = String::new();
    if let Some(a) = selected {
        let acct = &st.accounts[a];
        let e = esc(&acct.email);
        let hidden = format!("<input type=hidden name=account value=\"{e}\">");
        let groups: String = acct
            .groups
            .iter()
            .map(|g| {
                format!(
                    "<li>{} <small>(contactGroups/{}, {} members)</small></li>",
                    esc(&g.formatted),
                    esc(&g.id),
                    acct.member_count(&g.id)
                )
            })
            .collect();
        body.push_str(&format!(
            "<h2>{e}</h2><details><summary>Contact groups</summary><ul>{groups}</ul></details>
<h3>New contact</h3><form method=post action=/__viewer/create class=row>{hidden}
<input name=givenName placeholder='Given name'><input name=familyName placeholder='Family name'>
<input name=email placeholder=Email><input name=phone placeholder=Phone><input name=notes placeholder=Notes>
<button>Create</button></form>"
        ));
        let mut people: Vec<_> = acct.persons.values().collect();
        people.sort_by_key(|p| std::cmp::Reverse(p.seq));
        body.push_str(&format!(
            "<h3>Contacts</h3><p>{} contacts{}; most recently changed first.</p><table><tr><th>Name</th><th>Emails</th><th>Phones</th><th>Organization</th><th>Groups</th><th>Updated</th><th></th></tr>",
            people.len(),
            if people.len() > SHOWN { format!(", showing {SHOWN}") } else { String::new() }
        ));
        for p in people.into_iter().take(SHOWN) {
            let v = p.to_json(Mask::ALL);
            let rn = person::resource_name(p.id);
            let fields = format!("{hidden}<input type=hidden name=resourceName value=\"{rn}\">");
            body.push_str(&format!(
                "<tr><td>{name}<br><small>{rn}</small></td><td>{emails}</td><td>{phones}</td><td>{org}</td><td>{groups}</td><td><small>{upd}</small></td>
<td><details><summary>Edit</summary><form method=post action=/__viewer/update>{fields}
<input name=givenName value=\"{given}\" placeholder='Given name'><input name=familyName value=\"{family}\" placeholder='Family name'>
<input name=email value=\"{email}\" placeholder=Email><input name=phone value=\"{phone}\" placeholder=Phone>
<input name=notes value=\"{notes}\" placeholder=Notes><button>Save</button></form></details>
<form method=post action=/__viewer/delete>{fields}<button>Delete</button></form></td></tr>",
                name = esc(&first(&v, "names", "displayName")),
                emails = all(&v, "emailAddresses", "value"),
                phones = all(&v, "phoneNumbers", "value"),
                org = all(&v, "organizations", "name"),
                groups = p.groups.iter().map(|g| esc(g)).collect::<Vec<_>>().join(", "),
                upd = rfc3339(p.update_ms),
                given = esc(&first(&v, "names", "givenName")),
                family = esc(&first(&v, "names", "familyName")),
                email = esc(&first(&v, "emailAddresses", "value")),
                phone = esc(&first(&v, "phoneNumbers", "value")),
                notes = esc(&first(&v, "biographies", "value")),
            ));
        }
        body.push_str("</table>");
    } else {
        body.push_str("<p>No accounts yet.</p>");
    }
    Response::html(
        200,
        format!(
            r#"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content="width=device-width">
<title>People API emulator</title>
<style>body{{font:14px system-ui,sans-serif;margin:1.5rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;vertical-align:top}}input{{margin:.1rem}}
[aria-current]{{font-weight:bold}}</style>
<h1>People API emulator</h1>
<p>Clock: {clock}. Accounts: {nav}</p>
<form method=post action=/__viewer/account><input type=email name=email required placeholder="new account email"><button>Add account</button></form>
{body}
</html>"#,
            clock = rfc3339(st.now()),
        ),
    )
}

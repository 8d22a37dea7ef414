//! The OAuth 2.0 token flow as Google Identity Services drives it in a popup: a consent page at
//! `/o/oauth2/v2/auth` that redirects with the token in the URL fragment, `/revoke`, and
//! `/tokeninfo`.

use crate::emulator::{State, TOKEN_LIFETIME_MS};
use crate::http::{Request, Response};
use crate::util::html_escape as esc;
use serde_json::json;

fn form(req: &Request) -> Vec<(String, String)> {
    let mut v = req.query();
    let is_form = req
        .header_value("Content-Type")
        .is_none_or(|c| c.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        v.extend(form_urlencoded::parse(&req.body).into_owned());
    }
    v
}

fn param<'a>(p: &'a [(String, String)], k: &str) -> &'a str {
    p.iter()
        .find(|(n, _)| n == k)
        .map_or("", |(_, v)| v.as_str())
}

fn error_page(msg: &str) -> Response {
    Response::html(
        400,
        format!(
            "<!doctype html><meta charset=utf-8><title>Error 400</title><h1>Access blocked: authorization error</h1><p>Error 400: invalid_request</p><p>{}</p>",
            esc(msg)
        ),
    )
}

/// `redirect_uri#access_token=…` (or `#error=…`), as the token flow answers.
fn fragment_redirect(redirect: &str, pairs: &[(&str, &str)]) -> Response {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    Response::redirect(&format!("{redirect}#{}", s.finish()))
}

pub fn handle(st: &mut State, req: &Request) -> Response {
    let p = form(req);
    match (req.method.as_str(), req.path()) {
        ("GET", "/o/oauth2/v2/auth") | ("GET", "/o/oauth2/auth") => consent(st, &p),
        ("POST", "/o/oauth2/v2/auth/approve") => approve(st, &p),
        ("POST", "/revoke") | ("POST", "/o/oauth2/revoke") | ("GET", "/o/oauth2/revoke") => {
            if st.revoke(param(&p, "token")) {
                Response::json(200, &json!({}))
            } else {
                Response::json(
                    400,
                    &json!({"error": "invalid_token", "error_description": "Token expired or revoked"}),
                )
            }
        }
        ("GET", "/tokeninfo") => {
            let now = st.now();
            match st.tokens.get(param(&p, "access_token")) {
                Some(t) if !t.revoked && now < t.issued_ms + TOKEN_LIFETIME_MS => {
                    let left = (t.issued_ms + TOKEN_LIFETIME_MS - now) / 1000;
                    Response::json(
                        200,
                        &json!({
                        "azp": "emulator", "aud": "emulator", "scope": t.scopes.join(" "),
                        "exp": ((t.issued_ms + TOKEN_LIFETIME_MS) / 1000).to_string(),
                        "expires_in": left.to_string(), "email": st.accounts[t.account].email,
                        "email_verified": "true", "access_type": "online"}),
                    )
                }
                _ => Response::json(
                    400,
                    &json!({"error": "invalid_token", "error_description": "Invalid Value"}),
                ),
            }
        }
        _ => Response::html(
            404,
            "<!doctype html><title>Not found</title>Not found".into(),
        ),
    }
}

fn check(p: &[(String, String)]) -> Result<(), Response> {
    for k in ["client_id", "redirect_uri", "response_type", "scope"] {
        if param(p, k).is_empty() {
            return Err(error_page(&format!("Missing required parameter: {k}")));
        }
    }
    if param(p, "response_type") != "token" {
        return Err(error_page(
            "Only response_type=token (the token flow) is supported.",
        ));
    }
    Ok(())
}

fn consent(st: &mut State, p: &[(String, String)]) -> Response {
    if let Err(r) = check(p) {
        return r;
    }
    let hint = param(p, "login_hint");
    let redirect = param(p, "redirect_uri");
    if param(p, "prompt") == "none" {
        // No UI allowed: succeed silently for an account signed in here whose grant stands
        // (how a host renews a token after a reload), otherwise report why not.
        return match st
            .account_by_email(hint)
            .filter(|a| st.consented.contains(a))
        {
            Some(_) => approve(
                st,
                &[p, &[("email".to_string(), hint.to_string())]].concat(),
            ),
            None => fragment_redirect(
                redirect,
                &[
                    ("error", "interaction_required"),
                    ("state", param(p, "state")),
                ],
            ),
        };
    }
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "response_type",
    ]
    .iter()
    .map(|k| {
        format!(
            "<input type=hidden name={k} value=\"{}\">",
            esc(param(p, k))
        )
    })
    .collect();
    let mut accounts: Vec<&str> = st.accounts.iter().map(|a| a.email.as_str()).collect();
    accounts.sort_by_key(|e| !e.eq_ignore_ascii_case(hint));
    let buttons: String = accounts
        .iter()
        .map(|e| {
            format!(
                "<form method=post action=/o/oauth2/v2/auth/approve>{hidden}<input type=hidden name=email value=\"{0}\"><button class=acct>{0}</button></form>",
                esc(e)
            )
        })
        .collect();
    let scopes: String = param(p, "scope")
        .split_whitespace()
        .map(|s| format!("<li><code>{}</code></li>", esc(s)))
        .collect();
    Response::html(
        200,
        format!(
            r#"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content="width=device-width">
<title>Sign in – People API emulator</title>
<style>body{{font:15px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}
.acct{{display:block;width:100%;padding:.7rem;margin:.3rem 0;text-align:left;font:inherit;cursor:pointer}}
input[type=email]{{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}}</style>
<h1>Choose an account</h1>
<p>to continue to <b>{client}</b> (People API emulator)</p>
<p>It will be allowed to:</p><ul>{scopes}</ul>
{buttons}
<h2>Use another account</h2>
<form method=post action=/o/oauth2/v2/auth/approve>{hidden}
<input type=email name=email required placeholder="Email" value="{hint_attr}"> <button class=acct>Create account and continue</button></form>
<form method=post action=/o/oauth2/v2/auth/approve>{hidden}<input type=hidden name=deny value=1><button class=acct>Cancel</button></form>
</html>"#,
            client = esc(param(p, "client_id")),
            hint_attr = if st.account_by_email(hint).is_none() {
                esc(hint)
            } else {
                String::new()
            },
        ),
    )
}

fn approve(st: &mut State, p: &[(String, String)]) -> Response {
    if let Err(r) = check(p) {
        return r;
    }
    let redirect = param(p, "redirect_uri");
    let state = param(p, "state");
    if !param(p, "deny").is_empty() {
        return fragment_redirect(redirect, &[("error", "access_denied"), ("state", state)]);
    }
    let email = param(p, "email").trim();
    if !email.contains('@') {
        return error_page("A valid email address is required.");
    }
    let a = st.create_account(email);
    st.consented.insert(a);
    let token = st.mint_token(a, param(p, "scope"));
    let scope = st
        .tokens
        .get(&token)
        .map(|t| t.scopes.join(" "))
        .unwrap_or_default();
    fragment_redirect(
        redirect,
        &[
            ("access_token", &token),
            ("token_type", "Bearer"),
            ("expires_in", "3599"),
            ("scope", &scope),
            ("state", state),
        ],
    )
}

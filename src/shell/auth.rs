//! Google access tokens. They live in memory only, never in storage. Sources, in order: the
//! host's `google.getToken`; Google Identity Services' token client when its script is loaded;
//! the OAuth 2.0 implicit token flow in a popup against a configurable authorization endpoint
//! (Google's, or the emulator's consent page), whose redirect page posts the fragment back.

use super::{contract, js, Failure, Result};
use crate::sync::ErrorCode;
use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

pub const SCOPE: &str = "https://www.googleapis.com/auth/contacts";
pub const EMAIL_SCOPE: &str = "email";
/// How long the host may take to renew a token without the user.
const RENEW_TIMEOUT_MS: i32 = 60_000;

#[derive(Clone, Debug)]
pub struct Token {
    pub access: String,
    /// Epoch milliseconds.
    pub expires_at: i64,
}

impl Token {
    /// Still good for a minute: a run does not start on a token about to lapse.
    pub fn fresh(&self, now: i64) -> bool {
        self.expires_at > now + 60_000
    }
}

pub struct Granted {
    pub token: Token,
    pub email: Option<String>,
}

/// Where the built-in flow goes.
#[derive(Clone, Debug)]
pub struct OAuth {
    pub client_id: String,
    pub auth_url: String,
    pub redirect_uri: Option<String>,
}

/// A token from the first source that gives one. Without `interactive` only the host can renew
/// (the other two need a popup, which needs the user).
pub async fn obtain(
    host: &JsValue,
    oauth: &OAuth,
    interactive: bool,
    login_hint: Option<&str>,
) -> Result<Granted> {
    let google = contract::host(host).google_api();
    if let Some(google) = google.filter(|g| contract::present(g.get_token_member())) {
        return from_host(&google, interactive, login_hint).await;
    }
    if !interactive {
        return Err(Failure::new(
            ErrorCode::AuthFailed,
            "the Google token expired and renewing it needs you: reconnect the account",
        ));
    }
    let gis = js::get(
        &js::get(&js::get(&js::global(), "google"), "accounts"),
        "oauth2",
    );
    if js::get(&gis, "initTokenClient").is_function() && !oauth.client_id.is_empty() {
        return from_gis(&gis, oauth, login_hint).await;
    }
    from_popup(oauth, login_hint).await
}

async fn from_host(
    google: &contract::Google,
    interactive: bool,
    login_hint: Option<&str>,
) -> Result<Granted> {
    let scopes: js_sys::Array = [SCOPE, EMAIL_SCOPE]
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect();
    let o = js::object();
    js::set(&o, "interactive", &JsValue::from_bool(interactive));
    // The account asked for, so a host holding several tokens (the worker's bridge among them)
    // answers the right one.
    if let Some(hint) = login_hint {
        js::set(&o, "loginHint", &JsValue::from_str(hint));
    }
    // A renewal without the user must not hold a run forever; an interactive one waits for the
    // user as long as they take.
    let t = google
        .get_token(&scopes, &o)
        .map_err(|e| js::message_of(&e));
    let t = match t {
        Ok(p) if interactive => js::resolve(p).await.map_err(|e| js::message_of(&e)),
        Ok(p) => js::within_coded(p, RENEW_TIMEOUT_MS)
            .await
            .map_err(|r| format!("getToken: {}", r.message)),
        Err(e) => Err(e),
    }
    .map_err(|e| {
        Failure::new(
            ErrorCode::AuthFailed,
            format!("the host gave no token: {e}"),
        )
    })?;
    let t: Option<contract::HostToken> = contract::answer(t);
    let access = t
        .as_ref()
        .and_then(|t| t.access_token().as_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Failure::new(ErrorCode::AuthFailed, "the host's token has no accessToken")
        })?;
    let expires_at = t
        .as_ref()
        .and_then(|t| t.expires_at().as_f64())
        .map_or(js::now() + 3_599_000, |v| v as i64);
    let email = t.as_ref().and_then(|t| t.email().as_string());
    // A token answered for an account asked for must say it is that account's: never used
    // otherwise, or this account's contacts would go to another Google account.
    if let Some(account) = login_hint {
        if let Some(why) = crate::dto::host_token_refusal(account, email.as_deref()) {
            return Err(Failure::new(ErrorCode::AuthFailed, why));
        }
    }
    Ok(Granted {
        token: Token { access, expires_at },
        email,
    })
}

/// `resolve`/`reject` of a new promise. Invariant: a Promise executor runs synchronously.
fn deferred() -> (Promise, Function, Function) {
    let mut fns = None;
    let p = Promise::new(&mut |res, rej| fns = Some((res, rej)));
    let (res, rej) = fns.unwrap_or_else(|| (Function::new_no_args(""), Function::new_no_args("")));
    (p, res, rej)
}

async fn from_gis(gis: &JsValue, oauth: &OAuth, login_hint: Option<&str>) -> Result<Granted> {
    let (p, resolve, reject) = deferred();
    let config = js::object();
    js::set(&config, "client_id", &JsValue::from_str(&oauth.client_id));
    js::set(
        &config,
        "scope",
        &JsValue::from_str("https://www.googleapis.com/auth/contacts email"),
    );
    js::set(&config, "prompt", &JsValue::from_str(""));
    if let Some(h) = login_hint {
        js::set(&config, "login_hint", &JsValue::from_str(h));
    }
    let ok = Closure::once_into_js(move |r: JsValue| {
        let _ = resolve.call1(&JsValue::NULL, &r);
    });
    let err = Closure::once_into_js(move |e: JsValue| {
        let _ = reject.call1(&JsValue::NULL, &e);
    });
    js::set(&config, "callback", &ok);
    js::set(&config, "error_callback", &err);
    let client = js::call(gis, "initTokenClient", &[&config])
        .map_err(|e| Failure::new(ErrorCode::AuthFailed, js::message_of(&e)))?;
    js::call(&client, "requestAccessToken", &[])
        .map_err(|e| Failure::new(ErrorCode::AuthFailed, js::message_of(&e)))?;
    let r = JsFuture::from(p).await.map_err(|e| {
        Failure::new(
            ErrorCode::AuthCancelled,
            format!(
                "sign-in did not finish ({})",
                js::get(&e, "type").as_string().unwrap_or_default()
            ),
        )
    })?;
    if let Some(e) = js::get(&r, "error").as_string() {
        return Err(Failure::new(
            ErrorCode::AuthFailed,
            format!("Google answered {e}"),
        ));
    }
    token_from(
        js::get(&r, "access_token").as_string(),
        js::get(&r, "expires_in").as_f64(),
    )
}

fn token_from(access: Option<String>, expires_in: Option<f64>) -> Result<Granted> {
    let access = access
        .filter(|a| !a.is_empty())
        .ok_or_else(|| Failure::new(ErrorCode::AuthFailed, "the answer holds no access token"))?;
    let secs = expires_in.unwrap_or(3599.0).max(0.0) as i64;
    Ok(Granted {
        token: Token {
            access,
            expires_at: js::now() + secs * 1000,
        },
        email: None,
    })
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// The page the consent step redirects to: `oauth-callback.html` beside the current page's
/// origin root, unless the options name one.
fn redirect_uri(oauth: &OAuth) -> String {
    if let Some(r) = &oauth.redirect_uri {
        return r.clone();
    }
    let origin = js::get(&js::get(&js::global(), "location"), "origin")
        .as_string()
        .unwrap_or_default();
    origin + "/oauth-callback.html"
}

async fn from_popup(oauth: &OAuth, login_hint: Option<&str>) -> Result<Granted> {
    let state = format!("{:016x}", js::random_u64());
    let mut url = oauth.auth_url.clone();
    url.push(if url.contains('?') { '&' } else { '?' });
    url.push_str("client_id=");
    url.push_str(&encode(&oauth.client_id));
    url.push_str("&redirect_uri=");
    url.push_str(&encode(&redirect_uri(oauth)));
    url.push_str("&response_type=token&scope=");
    url.push_str(&encode("https://www.googleapis.com/auth/contacts email"));
    url.push_str("&include_granted_scopes=true&state=");
    url.push_str(&state);
    if let Some(h) = login_hint {
        url.push_str("&login_hint=");
        url.push_str(&encode(h));
    }
    let global = js::global();
    let popup = js::call(
        &global,
        "open",
        &[
            &JsValue::from_str(&url),
            &JsValue::from_str("gcontacts-sync-oauth"),
            &JsValue::from_str("popup,width=500,height=640"),
        ],
    )
    .unwrap_or(JsValue::NULL);
    if !popup.is_object() {
        return Err(Failure::new(
            ErrorCode::AuthCancelled,
            "the browser blocked the Google sign-in window; allow popups and try again",
        ));
    }
    let origin = js::get(&js::get(&global, "location"), "origin")
        .as_string()
        .unwrap_or_default();
    let (p, resolve, _) = deferred();
    let on_message = {
        let resolve = resolve.clone();
        let (popup, state) = (popup.clone(), state.clone());
        Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
            // Only our popup's answer to this request ends the wait: another window of this
            // origin, or an answer to an older request, is ignored.
            let data = js::get(&ev, "data");
            let from_us = js::get(&ev, "origin").as_string().as_deref() == Some(&origin)
                && js_sys::Object::is(&js::get(&ev, "source"), &popup);
            let ours = data
                .as_string()
                .is_some_and(|d| field_of(&d, "state").as_deref() == Some(state.as_str()));
            if from_us && ours {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        })
    };
    let on_tick = {
        let popup = popup.clone();
        Closure::<dyn FnMut()>::new(move || {
            if js::get(&popup, "closed").as_bool() == Some(true) {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
            }
        })
    };
    let message = JsValue::from_str("message");
    let _ = js::call(
        &global,
        "addEventListener",
        &[&message, on_message.as_ref()],
    );
    let interval = js::call(
        &global,
        "setInterval",
        &[on_tick.as_ref(), &JsValue::from(500)],
    )
    .unwrap_or(JsValue::NULL);
    let answer = JsFuture::from(p).await.unwrap_or(JsValue::NULL);
    let _ = js::call(
        &global,
        "removeEventListener",
        &[&message, on_message.as_ref()],
    );
    let _ = js::call(&global, "clearInterval", &[&interval]);
    let _ = js::call(&popup, "close", &[]);
    let Some(fragment) = answer.as_string() else {
        return Err(Failure::new(
            ErrorCode::AuthCancelled,
            "the sign-in window was closed",
        ));
    };
    let field = |name: &str| field_of(&fragment, name);
    if field("state").as_ref() != Some(&state) {
        return Err(Failure::new(
            ErrorCode::AuthFailed,
            "the sign-in answer does not match the request",
        ));
    }
    if let Some(e) = field("error") {
        let code = if e == "access_denied" {
            ErrorCode::AuthCancelled
        } else {
            ErrorCode::AuthFailed
        };
        return Err(Failure::new(code, format!("Google answered {e}")));
    }
    token_from(
        field("access_token"),
        field("expires_in").and_then(|s| s.parse().ok()),
    )
}

/// A parameter of a URL fragment or query (`#a=1&b=2`), decoded; the last one wins, as a map
/// insert would.
fn field_of(fragment: &str, name: &str) -> Option<String> {
    fragment
        .trim_start_matches(['#', '?'])
        .rsplit('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| {
            js_sys::decode_uri_component(&v.replace('+', " "))
                .map(String::from)
                .unwrap_or_default()
        })
}

//! Access tokens (in memory only, by account) and the People API requests sent with them.

use super::plugin::{account_id, Plugin};
use super::{auth, contract, http, js, Failure, Result};
use crate::dto::GroupDto;
use crate::people::error::ApiError;
use crate::people::request::HttpRequest;
use crate::people::wire::ListContactGroupsResponse;
use crate::sync::ErrorCode;
use wasm_bindgen::JsValue;

/// How many refused tokens are remembered.
const REFUSED_KEPT: usize = 16;

/// A Google error answer as a `Failure` with its status.
pub(super) fn google_failure(status: u16, body: &str) -> Failure {
    let e = ApiError::parse(status, body);
    Failure {
        code: ErrorCode::of_google(&e),
        message: e.to_string(),
        status: Some(status),
        contact: None,
        host_code: None,
    }
}

impl Plugin {
    /// A fresh token for the account, renewed without the user when the host can.
    pub(super) async fn token(&self, id: &str) -> Result<String> {
        let now = js::now();
        if let Some(t) = self.inner.tokens.borrow().get(id) {
            if t.fresh(now) {
                return Ok(t.access.clone());
            }
        }
        self.renew(id).await
    }

    /// The account's token and when it expires (epoch ms), renewed without the user when the
    /// host can: what the worker's bridge hands the engine's worker.
    pub async fn token_for(&self, id: &str) -> Result<(String, i64)> {
        let id = account_id(id);
        let access = self.token(&id).await?;
        let expires_at = self
            .inner
            .tokens
            .borrow()
            .get(&id)
            .map_or(0, |t| t.expires_at);
        Ok((access, expires_at))
    }

    /// Drops the account's token held in memory: the next call asks for one again.
    pub fn drop_token(&self, id: &str) {
        self.inner.tokens.borrow_mut().remove(&account_id(id));
    }

    /// Drops the account's token after Google refused it, and tells the host when it listens
    /// (`google.forget`): a host that holds tokens for the plugin drops it too.
    pub(super) fn forget_token(&self, id: &str) {
        let id = account_id(id);
        self.drop_token(&id);
        let google = contract::host(self.host()).google_api();
        if let Some(google) = google.filter(|g| contract::present(g.forget_member())) {
            // A throw of the host's is its own: the token is dropped here either way.
            let _ = google.forget(&id);
        }
    }

    /// Google refused `token` and no renewal gave another: it is no longer the account's, even
    /// if the host hands it out again.
    fn refuse(&self, id: &str, token: &str) {
        if token.is_empty() {
            return;
        }
        let mut tokens = self.inner.tokens.borrow_mut();
        if tokens.get(id).is_some_and(|t| t.access == token) {
            tokens.remove(id);
        }
        let mut refused = self.inner.refused.borrow_mut();
        if !refused.iter().any(|t| t == token) {
            // A few are enough: a host hands out the latest one.
            if refused.len() >= REFUSED_KEPT {
                refused.remove(0);
            }
            refused.push(token.to_string());
        }
    }

    async fn renew(&self, id: &str) -> Result<String> {
        let renewed = auth::obtain(self.host(), &self.inner.oauth, false, Some(id)).await;
        let refused = |g: &auth::Granted| self.inner.refused.borrow().contains(&g.token.access);
        match renewed {
            Ok(g) if refused(&g) => {
                self.inner.tokens.borrow_mut().remove(id);
                Err(Failure::new(
                    ErrorCode::AuthFailed,
                    format!("Google refused the token the host holds for {id}: reconnect"),
                ))
            }
            Ok(g) if g.email.as_deref().is_none_or(|e| account_id(e) == id) => {
                let access = g.token.access.clone();
                self.inner
                    .tokens
                    .borrow_mut()
                    .insert(id.to_string(), g.token);
                Ok(access)
            }
            other => {
                self.inner.tokens.borrow_mut().remove(id);
                Err(match other {
                    Err(f) => f,
                    Ok(_) => Failure::new(
                        ErrorCode::AuthFailed,
                        format!("the host's Google token is not for {id}: reconnect"),
                    ),
                })
            }
        }
    }

    /// Sends a People API request with the account's token; on a 401, renews the token once
    /// and resends before letting the caller see the 401. `stop`: an `AbortSignal` (or
    /// undefined) that aborts it in flight.
    pub(super) async fn google(
        &self,
        id: &str,
        req: &HttpRequest,
        stop: &JsValue,
    ) -> std::result::Result<http::Answer, String> {
        let mut token = self.token(id).await.unwrap_or_default();
        let mut renewed = false;
        loop {
            let bearer = format!("Bearer {token}");
            let wire = req.wire();
            let mut headers = wire.headers.clone();
            headers.push(("Authorization", &bearer));
            let a = http::send(
                self.host(),
                wire.method,
                wire.url,
                wire.body,
                &headers,
                self.inner.request_timeout_ms,
                stop,
            )
            .await?;
            if a.status == 401 && !renewed {
                renewed = true;
                self.inner.tokens.borrow_mut().remove(id);
                if let Ok(t) = self.renew(id).await {
                    if t != token {
                        token = t;
                        continue;
                    }
                }
                self.refuse(id, &token);
                // The host (and, through the worker's bridge, the page) drops it too.
                self.forget_token(id);
            }
            return Ok(a);
        }
    }

    /// A GET answered 2xx and parsed, or a `Failure`.
    pub(super) async fn google_json<T: crate::json::FromJson>(
        &self,
        id: &str,
        req: &HttpRequest,
    ) -> Result<T> {
        let a = self
            .google(id, req, &JsValue::UNDEFINED)
            .await
            .map_err(|e| Failure::new(ErrorCode::Network, e))?;
        if !(200..300).contains(&a.status) {
            return Err(google_failure(a.status, &a.body));
        }
        crate::json::from_str(&a.body)
            .map_err(|e| Failure::new(ErrorCode::GoogleError, e.to_string()))
    }

    /// `GoogleGroup[]`.
    pub async fn google_groups(&self, account: &str) -> Result<Vec<GroupDto>> {
        let id = account_id(&self.known(account).await?);
        let mut groups = Vec::new();
        let mut page: Option<String> = None;
        loop {
            let req = self.inner.api.list_contact_groups(page.as_deref());
            let r: ListContactGroupsResponse = self.google_json(&id, &req).await?;
            groups.extend(r.contact_groups.into_iter().map(GroupDto::from));
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => page = Some(t),
                None => break,
            }
        }
        Ok(groups)
    }
}

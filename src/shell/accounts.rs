//! Accounts: the stored list, signing in and out, what `accounts()` tells about each, and their
//! settings (patched and checked by [`Settings::patched`]; the shell only loads and saves).

use super::plugin::{account_id, Plugin};
use super::storage::{self, key, ACCOUNTS_KEY};
use super::{auth, http, lock, Failure, Result};
use crate::dto::{AccountInfoDto, DisconnectDto, PendingDeletionDto, UnreadableDto};
use crate::people::profile::{self, ProfileError};
use crate::store;
use crate::sync::settings::Settings;
use crate::sync::ErrorCode;
use serde_json::Value;
use wasm_bindgen::JsValue;

/// Where a user removes an app's access to their Google account by hand.
const GOOGLE_PERMISSIONS_URL: &str = "https://myaccount.google.com/permissions";

impl Plugin {
    /// The stored account list; INVALID_STATE naming its key when it cannot be read.
    pub(super) async fn emails(&self) -> Result<Vec<String>> {
        Ok(storage::get_json(self.host(), ACCOUNTS_KEY)
            .await?
            .unwrap_or_default())
    }

    async fn save_emails(&self, emails: &[String]) -> Result<()> {
        storage::set_json(self.host(), ACCOUNTS_KEY, emails).await
    }

    /// The stored email of a known account, or UNKNOWN_ACCOUNT.
    pub(super) async fn known(&self, account: &str) -> Result<String> {
        let id = account_id(account);
        self.emails()
            .await?
            .into_iter()
            .find(|e| account_id(e) == id)
            .ok_or_else(|| Failure::new(ErrorCode::UnknownAccount, format!("no account {account}")))
    }

    /// [`Plugin::known`] for the ways out ("Reset sync data", "Disconnect"): when the account
    /// list itself cannot be read, the account is taken as named, so its keys can still be
    /// cleared.
    pub(super) async fn known_or_named(&self, account: &str) -> Result<String> {
        match self.known(account).await {
            Err(f) if f.code == ErrorCode::InvalidState => Ok(account.trim().to_string()),
            other => other,
        }
    }

    /// Rewrites an account list that cannot be read as one naming `email` (the other accounts'
    /// data stays under their own keys: connecting them again lists them again). A readable
    /// list is left as it is.
    pub(super) async fn relist(&self, email: &str) -> Result<()> {
        match self.emails().await {
            Err(f) if f.code == ErrorCode::InvalidState => {
                self.save_emails(&[email.to_string()]).await
            }
            other => other.map(drop),
        }
    }

    /// The account as `AccountInfo`. A stored value that cannot be read does not fail it: it is
    /// listed in `unreadable`, so the panel can say what broke and offer the ways out.
    async fn info(&self, email: &str) -> Result<AccountInfoDto> {
        let id = account_id(email);
        let connected = self.token(&id).await.is_ok();
        let mut unreadable = Vec::new();
        let mut note = |f: Failure| {
            if f.code != ErrorCode::InvalidState {
                return Err(f);
            }
            let key = f
                .message
                .strip_prefix("stored ")
                .and_then(|m| m.split(' ').next())
                .unwrap_or_default()
                .to_string();
            unreadable.push(UnreadableDto {
                key,
                message: f.message,
            });
            Ok(())
        };
        let settings = match self.settings(&id).await {
            Ok(s) => Some(s),
            Err(f) => note(f).map(|()| None)?,
        };
        let enabled = settings.as_ref().is_some_and(|s| s.enabled);
        let links = match self.meta(&id).await {
            Ok(m) => m.links,
            Err(f) => note(f).map(|()| 0)?,
        };
        let last_run = match storage::runs(self.host(), &id).await {
            Ok(runs) => runs.into_iter().next(),
            Err(f) => note(f).map(|()| None)?,
        };
        // The header only (it holds the pending deletions): the shards are read when a run
        // needs them.
        let mut pending_deletions = Vec::new();
        if let Some(text) = storage::get(self.host(), &key(&id, "state")).await? {
            let mut values = vec![None; store::state_keys(&id).len()];
            values[0] = Some(text);
            match store::load_state(&id, &values) {
                Ok(loaded) => {
                    let settings = settings.unwrap_or_default();
                    pending_deletions = PendingDeletionDto::list(&loaded.state, &settings);
                }
                Err(e) => note(storage::unreadable(e))?,
            }
        }
        if let Some(text) = storage::get(self.host(), &key(&id, "journal")).await? {
            if let Err(e) = store::unwrap(&key(&id, "journal"), &text) {
                note(storage::unreadable(e))?;
            }
        }
        Ok(AccountInfoDto {
            id,
            email: email.to_string(),
            connected,
            enabled,
            links,
            last_run,
            needs_reconnect: !connected,
            unreadable,
            pending_deletions,
        })
    }

    /// `AccountInfo[]`.
    pub async fn accounts(&self) -> Result<Vec<AccountInfoDto>> {
        let mut out = Vec::new();
        for e in self.emails().await? {
            out.push(self.info(&e).await?);
        }
        Ok(out)
    }

    /// Signs in (interactively) and adds or refreshes the account. An account list that
    /// cannot be read is replaced by one naming this account: the other accounts' data stays
    /// in storage under their own keys, and connecting them again brings it back.
    pub async fn connect(&self, login_hint: Option<String>) -> Result<AccountInfoDto> {
        let granted =
            auth::obtain(self.host(), &self.inner.oauth, true, login_hint.as_deref()).await?;
        let email = match granted.email {
            Some(e) if !e.is_empty() => e,
            _ => self.profile_email(&granted.token.access).await?,
        };
        let id = account_id(&email);
        self.inner
            .tokens
            .borrow_mut()
            .insert(id.clone(), granted.token);
        let mut emails = match self.emails().await {
            Err(f) if f.code == ErrorCode::InvalidState => Vec::new(),
            other => other?,
        };
        if !emails.iter().any(|e| account_id(e) == id) {
            emails.push(email.clone());
            self.save_emails(&emails).await?;
        }
        self.info(&email).await
    }

    /// Signs in again for a known account.
    pub async fn reconnect(&self, account: &str) -> Result<AccountInfoDto> {
        let email = self.known(account).await?;
        let info = self.connect(Some(email.clone())).await?;
        if !self.inner.tokens.borrow().contains_key(&account_id(&email)) {
            return Err(Failure::new(
                ErrorCode::AuthFailed,
                format!("signed in to another Google account than {email}"),
            ));
        }
        Ok(info)
    }

    /// Revokes the account's Google access and forgets everything stored for it, whatever the
    /// stored values hold (their keys are deleted unread). Answers whether Google confirmed the
    /// revoke, and what the user must do when it did not.
    pub async fn disconnect(&self, account: &str) -> Result<DisconnectDto> {
        let email = self.known_or_named(account).await?;
        let id = account_id(&email);
        let lock = lock::acquire(self.host(), &id).await?;
        let (revoked, message) = self.revoke(&id, &email).await;
        self.inner.kept.forget(&id);
        let header = storage::get(self.host(), &key(&id, "state")).await?;
        let undo = storage::get(self.host(), &store::undo_index_key(&id)).await?;
        let mut keys = store::account_keys(&id, header.as_deref());
        keys.extend(store::undo_keys(&id, undo.as_deref()));
        storage::remove_all(self.host(), &keys).await?;
        match self.emails().await {
            Ok(emails) => {
                let rest: Vec<String> =
                    emails.into_iter().filter(|e| account_id(e) != id).collect();
                self.save_emails(&rest).await?;
            }
            // A list that cannot be read holds nothing to keep.
            Err(f) if f.code == ErrorCode::InvalidState => {
                storage::remove(self.host(), ACCOUNTS_KEY).await?;
            }
            Err(f) => return Err(f),
        }
        lock.release().await;
        Ok(DisconnectDto { revoked, message })
    }

    /// Revokes the account's token at Google: the one held, else one the host gives without
    /// the user. Answers whether Google confirmed it, and the message for the user.
    async fn revoke(&self, id: &str, email: &str) -> (bool, String) {
        let held = self.inner.tokens.borrow_mut().remove(id);
        let token = match held {
            Some(t) => Some(t.access),
            None => auth::obtain(self.host(), &self.inner.oauth, false, Some(id))
                .await
                .ok()
                .filter(|g| g.email.as_deref().is_none_or(|e| account_id(e) == id))
                .map(|g| g.token.access),
        };
        // Why Google still grants access, when it does.
        let why = match token {
            None => "the plugin holds no Google token for it".to_string(),
            Some(token) => {
                let body = format!(
                    "token={}",
                    String::from(js_sys::encode_uri_component(&token))
                );
                let answer = http::send(
                    self.host(),
                    "POST",
                    &self.inner.revoke_url,
                    Some(&body),
                    &[("Content-Type", "application/x-www-form-urlencoded")],
                    self.inner.request_timeout_ms,
                    &JsValue::UNDEFINED,
                )
                .await;
                match answer {
                    Ok(a) if (200..300).contains(&a.status) => {
                        return (
                            true,
                            format!(
                                "{email} is disconnected and Google revoked the plugin's access."
                            ),
                        )
                    }
                    Ok(a) => format!("Google refused to revoke it (HTTP {})", a.status),
                    Err(e) => format!("the revoke did not reach Google ({e})"),
                }
            }
        };
        (
            false,
            format!(
                "{email} is disconnected here, but {why}, so Google may still grant the plugin \
                 access: remove it in your Google Account ({GOOGLE_PERMISSIONS_URL})."
            ),
        )
    }

    /// The account's email: `people/me`'s account address.
    async fn profile_email(&self, token: &str) -> Result<String> {
        let url = format!(
            "{}/v1/people/me?personFields=emailAddresses",
            self.inner.api.base_url()
        );
        let bearer = format!("Bearer {token}");
        let a = http::send(
            self.host(),
            "GET",
            &url,
            None,
            &[("Authorization", &bearer)],
            self.inner.request_timeout_ms,
            &JsValue::UNDEFINED,
        )
        .await
        .map_err(|e| Failure::new(ErrorCode::Network, e))?;
        if a.status != 200 {
            return Err(super::tokens::google_failure(a.status, &a.body));
        }
        profile::account_email(&a.body).map_err(|e| match e {
            ProfileError::Unreadable(_) => Failure::new(ErrorCode::GoogleError, e.to_string()),
            ProfileError::NoEmail => Failure::new(ErrorCode::AuthFailed, e.to_string()),
        })
    }

    // ---- Settings ---------------------------------------------------------------------------

    pub(super) async fn settings(&self, id: &str) -> Result<Settings> {
        Ok(storage::get_json(self.host(), &key(id, "settings"))
            .await?
            .unwrap_or_else(|| self.default_settings()))
    }

    fn default_settings(&self) -> Settings {
        Settings {
            default_region: self.inner.region.clone(),
            ..Settings::default()
        }
    }

    /// The account's `Settings`.
    pub async fn get_settings(&self, account: &str) -> Result<Settings> {
        let id = account_id(&self.known(account).await?);
        self.settings(&id).await
    }

    /// Lays the given partial `Settings` over the current ones (over the defaults when the
    /// stored ones cannot be read) and saves them, under the account's lock.
    pub async fn set_settings(&self, account: &str, given: &Value) -> Result<Settings> {
        let id = account_id(&self.known(account).await?);
        let lock = lock::acquire(self.host(), &id).await?;
        let current = match self.settings(&id).await {
            Err(f) if f.code == ErrorCode::InvalidState => self.default_settings(),
            other => other?,
        };
        let s = current
            .patched(given)
            .map_err(|e| Failure::new(ErrorCode::InvalidInput, e.0))?;
        storage::set_json(self.host(), &key(&id, "settings"), &s).await?;
        lock.release().await;
        Ok(s)
    }
}

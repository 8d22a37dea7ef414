//! A CRM contact's sync status in each connected account (`contactStatus`): reads the account's
//! state header, the one link shard that may hold the contact and the run log; no lock, no
//! Google request, no host `contacts` call. What it answers is built in `dto::status`.

use super::plugin::{account_id, Plugin};
use super::storage::{self, key};
use super::Result;
use crate::dto::{account_status, ContactStatusDto};
use crate::store::status;

impl Plugin {
    /// CRM contact `crm_id`'s status in every account, in the account list's order. A stored
    /// value that cannot be read is listed in that account's `unreadable`; only the account
    /// list itself failing fails the call.
    pub async fn contact_status(&self, crm_id: &str) -> Result<ContactStatusDto> {
        let mut accounts = Vec::new();
        for email in self.emails().await? {
            let id = account_id(&email);
            let header = storage::get(self.host(), &key(&id, "state")).await?;
            let mut values = Vec::new();
            for k in status::contact_keys(&id, header.as_deref(), crm_id) {
                values.push(storage::get(self.host(), &k).await?);
            }
            let state = status::contact_state(&id, crm_id, header.as_deref(), &values);
            let runs_key = key(&id, "runs");
            let runs = match storage::get(self.host(), &runs_key).await? {
                None => Ok(Vec::new()),
                Some(text) => crate::store::runs(&runs_key, &text),
            };
            let settings = self.settings(&id).await.unwrap_or_default();
            accounts.push(account_status(&id, crm_id, state, runs, &settings));
        }
        Ok(ContactStatusDto {
            contact_id: crm_id.to_string(),
            accounts,
        })
    }
}

//! `ContactStatus` (api.d.ts): one CRM contact's sync status in each account, from what the
//! account's state holds of it ([`ContactState`]) and its run log.
//!
//! The state says whether it is linked, to which Google contact, when the link last synced and
//! what the last run that changed it did ([`LastChange`]). What waits for the user (a conflict
//! a run settled by the account's policy, an ambiguous match, a deletion held by the guard, a
//! failure) is in the run reports: the newest report that names the contact gives them, unless
//! a later run changed the pair since (then they are settled).

use super::UnreadableDto;
use crate::people::time::format_rfc3339;
use crate::store::status::ContactState;
use crate::store::Unreadable;
use crate::sync::change::LastChange;
use crate::sync::model::Side;
use crate::sync::settings::Settings;
use serde::Serialize;
use serde_json::Value;

/// Where a Google contact opens in Google Contacts.
const CONTACTS_URL: &str = "https://contacts.google.com/person/";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactStatusDto {
    pub contact_id: String,
    pub accounts: Vec<AccountStatusDto>,
}

#[derive(Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatusDto {
    pub account_id: String,
    pub linked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google: Option<GoogleRefDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_change: Option<LastChangeDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlinked: Option<UnlinkedDto>,
    pub conflicts: Vec<Value>,
    pub ambiguous: Vec<Value>,
    pub failures: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_deletion: Option<PendingDeletionDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<UnreadableDto>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleRefDto {
    pub resource_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LastChangeDto {
    pub run: String,
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<Side>,
    pub linked: bool,
    pub fields: Vec<FieldChangeDto>,
    pub omitted: u32,
}

#[derive(Serialize)]
pub struct FieldChangeDto {
    pub side: Side,
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnlinkedDto {
    pub reason: &'static str,
    pub resource_name: String,
    pub at: String,
}

/// A deletion of the contact that waits: held by the mass-deletion guard until the user
/// confirms it (`until` absent), or held for a delay before it is made (`until`: when).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingDeletionDto {
    pub side: Side,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// `https://contacts.google.com/person/<id>` for resource name `people/<id>`; none for a name
/// of another shape.
pub fn contacts_url(resource_name: &str) -> Option<String> {
    let id = resource_name.strip_prefix("people/")?;
    let plain = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    plain.then(|| format!("{CONTACTS_URL}{id}"))
}

impl From<&LastChange> for LastChangeDto {
    fn from(c: &LastChange) -> Self {
        LastChangeDto {
            run: c.run.clone(),
            at: format_rfc3339(c.at),
            created: c.created,
            linked: c.linked,
            fields: c
                .fields
                .iter()
                .map(|f| FieldChangeDto {
                    side: f.side,
                    field: f.field.as_str(),
                    before: f.before.clone(),
                    after: f.after.clone(),
                })
                .collect(),
            omitted: c.omitted,
        }
    }
}

fn unreadable_dto(e: Unreadable) -> UnreadableDto {
    UnreadableDto {
        key: e.key.clone(),
        message: e.to_string(),
    }
}

/// Account `account_id`'s status of CRM contact `crm_id`: from its part of the state and the
/// account's run log (newest first). A stored value that cannot be read is listed in
/// `unreadable`, and what it would have told is left out.
pub fn account_status(
    account_id: &str,
    crm_id: &str,
    state: Result<ContactState, Unreadable>,
    runs: Result<Vec<Value>, Unreadable>,
    settings: &Settings,
) -> AccountStatusDto {
    let mut out = AccountStatusDto {
        account_id: account_id.to_string(),
        ..AccountStatusDto::default()
    };
    let state = state.unwrap_or_else(|e| {
        out.unreadable.push(unreadable_dto(e));
        ContactState::default()
    });
    let runs = runs.unwrap_or_else(|e| {
        out.unreadable.push(unreadable_dto(e));
        Vec::new()
    });
    if let Some(l) = &state.link {
        out.linked = true;
        out.google = Some(GoogleRefDto {
            resource_name: l.resource_name.clone(),
            url: contacts_url(&l.resource_name),
        });
        out.synced_at = Some(format_rfc3339(l.synced_at));
        out.last_change = l.last_change.as_ref().map(LastChangeDto::from);
    } else if let Some(m) = &state.merged_in_google {
        out.unlinked = Some(UnlinkedDto {
            reason: "mergedInGoogle",
            resource_name: m.merged_from.clone(),
            at: format_rfc3339(m.at),
        });
    } else if let Some(k) = &state.kept_in_crm {
        out.unlinked = Some(UnlinkedDto {
            reason: "deletedInGoogle",
            resource_name: k.resource_name.clone(),
            at: format_rfc3339(k.synced_at),
        });
    }
    // Reports older than the pair's last change are settled by it.
    let since = state
        .link
        .as_ref()
        .and_then(|l| l.last_change.as_ref())
        .map(|c| c.run.as_str());
    for report in &runs {
        let started = report
            .get("startedAt")
            .and_then(Value::as_str)
            .unwrap_or("");
        if since.is_some_and(|s| started < s) {
            break;
        }
        if named_in(report, crm_id, &mut out) {
            out.reported_by = Some(started.to_string());
            break;
        }
    }
    // A deletion waiting for its days is in the state, whatever the reports say.
    if let Some(p) = &state.pending {
        let from = match p.side {
            Side::Crm => "Google",
            Side::Google => "the CRM",
        };
        out.pending_deletion = Some(PendingDeletionDto {
            side: p.side,
            reason: format!("deleted in {from}: the deletion waits before it is made"),
            until: Some(format_rfc3339(
                p.since.saturating_add(settings.hold_ms(p.side)),
            )),
        });
    }
    out
}

fn list<'a>(report: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    report
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn is(v: &Value, key: &str, want: &str) -> bool {
    v.get(key).and_then(Value::as_str) == Some(want)
}

/// Takes into `out` what `report` says of CRM contact `crm_id`; whether it names it.
fn named_in(report: &Value, crm_id: &str, out: &mut AccountStatusDto) -> bool {
    out.conflicts = list(report, "conflicts")
        .filter(|c| is(c, "crmId", crm_id))
        .cloned()
        .collect();
    out.ambiguous = list(report, "ambiguous")
        .filter(|a| {
            (is(a, "side", "crm") && is(a, "id", crm_id))
                || (is(a, "side", "google")
                    && list(a, "candidates").any(|c| c.as_str() == Some(crm_id)))
        })
        .cloned()
        .collect();
    out.failures = list(report, "failures")
        .filter(|f| is(f, "crmId", crm_id))
        .cloned()
        .collect();
    out.pending_deletion = list(report, "held").find_map(|h| {
        let side = match h.get("side").and_then(Value::as_str)? {
            "crm" => Side::Crm,
            "google" => Side::Google,
            _ => return None,
        };
        let d = list(h, "deletions").find(|d| is(d, "crmId", crm_id))?;
        let reason = d.get("reason").and_then(Value::as_str).unwrap_or("");
        Some(PendingDeletionDto {
            side,
            reason: format!("held by the mass-deletion guard until confirmed: {reason}"),
            until: None,
        })
    });
    !(out.conflicts.is_empty()
        && out.ambiguous.is_empty()
        && out.failures.is_empty()
        && out.pending_deletion.is_none())
}

//! What a run tells the user and the run log: its [`RunReport`], errors and request counts.

use super::Trigger;
use crate::people::request::{HttpRequest, Method};
use crate::people::time::format_rfc3339;
use crate::sync::error::ErrorCode;
use crate::sync::model::{Millis, Side};
use serde::Serialize;
use std::collections::BTreeMap;

/// A failure the run met, in plain words, with the contact it concerns when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The host's own code when the CRM refused (`UNAUTHENTICATED`, `PERMISSION_DENIED`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_code: Option<String>,
}

impl RunError {
    pub fn new(code: ErrorCode, message: impl Into<String>, contact: Option<String>) -> RunError {
        RunError {
            code,
            message: message.into(),
            contact,
            host_code: None,
        }
    }
}

/// What kept a contact from syncing, as the report's list words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FailureKind {
    /// The side refused this contact (its permissions, its rules).
    Refused,
    /// The request that carried it failed (Google's errors, the network, a quota).
    Failed,
    /// It changed while the run wrote it: nothing is wrong, the next run syncs it.
    Changed,
    /// It could not be read, so it was left alone.
    Skipped,
}

/// One contact the run could not sync: whom, on which side, why in plain words, and whether
/// the next run tries it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactFailure {
    /// Its name ("" when the side gave none).
    pub name: String,
    /// The side that refused or failed the write (or the read).
    pub side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crm_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    pub kind: FailureKind,
    pub code: ErrorCode,
    /// The host's own code when the CRM refused it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_code: Option<String>,
    /// Why, in plain words ("you may not change Ann Lee in the CRM").
    pub reason: String,
    /// The next run tries it again by itself.
    pub retried: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PerSide {
    pub crm: usize,
    pub google: usize,
}

impl PerSide {
    pub(super) fn add(&mut self, side: Side, n: usize) {
        match side {
            Side::Crm => self.crm += n,
            Side::Google => self.google += n,
        }
    }
}

/// What a run did, for the run log and the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub account_id: String,
    pub trigger: Trigger,
    pub started_at: String,
    pub finished_at: String,
    pub ok: bool,
    pub created: PerSide,
    pub updated: PerSide,
    pub deleted: PerSide,
    pub linked: usize,
    pub unlinked: usize,
    pub conflicts: Vec<crate::sync::plan::PairConflict>,
    pub ambiguous: Vec<crate::sync::matching::Ambiguous>,
    pub held: Vec<crate::sync::plan::HeldDeletions>,
    /// CRM contacts unlinked because Google merged their twin into another linked contact.
    pub merged: Vec<crate::sync::state::Merged>,
    /// Changes for CRM contacts the user may not change: not written, each said.
    pub not_written: Vec<crate::sync::plan::NotWritten>,
    pub errors: Vec<RunError>,
    /// The contacts it could not sync, one entry each.
    pub failures: Vec<ContactFailure>,
    /// How many contacts it set out to sync: those its plan wrote or linked, and those it could
    /// not read.
    pub contacts: usize,
    /// HTTP requests made, by People API method.
    pub requests: Counts,
    /// Of those, answered 429.
    pub throttled: usize,
    #[serde(default)]
    /// Stopped on request before the end: what it did is kept, the rest is for the next run.
    pub cancelled: bool,
    /// How many CRM contacts it did not create in Google, the account being full (each is
    /// also among `failures`), and Google's limit of contacts per account then.
    pub past_limit: usize,
    pub google_limit: usize,
    /// An undo: the `startedAt` of the run it undoes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
    /// Deletions it held for their days rather than made, by the side their contacts wait on.
    pub holding: Vec<Holding>,
}

/// Deletions a run held for the days the settings say (`googleDeletesHoldDays`,
/// `crmDeletesHoldDays`): "3 deletions wait 3 days in Pending deletions".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Holding {
    /// The side the contacts wait on, where the deletions will be made.
    pub side: Side,
    pub deletions: usize,
    pub days: u32,
}

impl RunReport {
    /// The report of a run started at `now` that has done nothing yet.
    pub fn new(account_id: String, trigger: Trigger, now: Millis) -> RunReport {
        RunReport {
            account_id,
            trigger,
            started_at: format_rfc3339(now),
            finished_at: String::new(),
            ok: true,
            created: PerSide::default(),
            updated: PerSide::default(),
            deleted: PerSide::default(),
            linked: 0,
            unlinked: 0,
            conflicts: Vec::new(),
            ambiguous: Vec::new(),
            held: Vec::new(),
            merged: Vec::new(),
            not_written: Vec::new(),
            errors: Vec::new(),
            failures: Vec::new(),
            contacts: 0,
            requests: Counts::default(),
            throttled: 0,
            cancelled: false,
            past_limit: 0,
            google_limit: 0,
            undoes: None,
            holding: Vec::new(),
        }
    }
}

/// Counts by name, in name order.
pub type Counts = BTreeMap<String, usize>;

/// The People API method a request calls, as Google names it in quotas and errors.
pub fn method_name(req: &HttpRequest) -> &'static str {
    let path = req.url.split('?').next().unwrap_or("");
    let path = path.split("/v1/").nth(1).unwrap_or(path);
    match req.method {
        Method::Get if path == "people/me/connections" => "people.connections.list",
        Method::Get if path == "people:batchGet" => "people.getBatchGet",
        Method::Get if path.starts_with("contactGroups/") => "contactGroups.get",
        Method::Get if path == "contactGroups" => "contactGroups.list",
        Method::Get => "people.get",
        Method::Post if path.ends_with(":batchCreateContacts") => "people.batchCreateContacts",
        Method::Post if path.ends_with(":batchUpdateContacts") => "people.batchUpdateContacts",
        Method::Post if path.ends_with(":batchDeleteContacts") => "people.batchDeleteContacts",
        Method::Post if path.ends_with(":createContact") => "people.createContact",
        Method::Post if path.ends_with("members:modify") => "contactGroups.members.modify",
        Method::Post if path == "contactGroups" => "contactGroups.create",
        Method::Post => "other",
        Method::Patch if path.ends_with(":updateContactPhoto") => "people.updateContactPhoto",
        Method::Patch => "people.updateContact",
        Method::Delete if path.ends_with(":deleteContactPhoto") => "people.deleteContactPhoto",
        Method::Delete => "people.deleteContact",
    }
}

//! What the JS API answers: plans, run reports, accounts and groups (api.d.ts), borrowed from the
//! core's values.

use crate::people::time::format_rfc3339;
use crate::people::wire::ContactGroup;
use crate::sync::direction::{DirectionChange, PairHeld};
use crate::sync::engine::{ContactFailure, Counts, Holding, PerSide, RunError, RunReport, Trigger};
use crate::sync::matching::{Ambiguity, Ambiguous};
use crate::sync::merge::{text, ConflictRule, FieldDiff};
use crate::sync::model::{Address, Contact, Field, Millis, Side};
use crate::sync::plan::PhotoChange;
use crate::sync::plan::{
    Delete, HeldDeletions, NotWritten, PairConflict, Plan, Skipped, FROM_READ_ONLY,
};
use crate::sync::settings::{ConflictPolicy, Settings};
use crate::sync::state::{AccountState, Merged};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationDto<'a> {
    op: &'static str,
    side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    crm_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_name: Option<&'a str>,
    name: &'a str,
    diffs: Vec<DiffOwned>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
pub struct DiffOwned {
    field: &'static str,
    before: String,
    after: String,
}

impl From<&FieldDiff> for DiffOwned {
    fn from(d: &FieldDiff) -> Self {
        DiffOwned {
            field: d.field.as_str(),
            before: d.before.clone(),
            after: d.after.clone(),
        }
    }
}

/// The reason an operation written to Google from a CRM contact the user may not change shows.
fn read_only_note() -> String {
    FROM_READ_ONLY
        .trim_start_matches('(')
        .trim_end_matches(')')
        .to_string()
}

/// `NotWritten` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotWrittenDto<'a> {
    crm_id: &'a str,
    resource_name: &'a str,
    name: &'a str,
    reason: &'a str,
    message: String,
    change: &'static str,
    diffs: Vec<DiffOwned>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
}

impl<'a> From<&'a NotWritten> for NotWrittenDto<'a> {
    fn from(n: &'a NotWritten) -> Self {
        let (change, diffs, status) = match &n.change {
            Skipped::Update(d) => ("update", d.iter().map(DiffOwned::from).collect(), None),
            Skipped::Delete => ("delete", Vec::new(), None),
            Skipped::Status(s) => ("status", Vec::new(), Some(s.as_str())),
        };
        NotWrittenDto {
            crm_id: &n.crm_id,
            resource_name: &n.resource_name,
            name: &n.name,
            reason: &n.reason,
            message: n.why(),
            change,
            diffs,
            status,
        }
    }
}

impl<'a> From<&'a Delete> for OperationDto<'a> {
    fn from(d: &'a Delete) -> Self {
        OperationDto {
            op: "delete",
            side: d.side,
            crm_id: Some(&d.crm_id),
            resource_name: Some(&d.resource_name),
            name: &d.name,
            diffs: Vec::new(),
            reason: Some(d.reason.to_string()),
        }
    }
}

/// A new contact's fields as diffs from nothing.
fn creation_diffs(c: &Contact) -> Vec<DiffOwned> {
    let mut out = Vec::new();
    for f in Field::ALL {
        let after = match f {
            Field::Emails => join(c.emails.iter().map(|e| e.value.as_str())),
            Field::Phones => join(c.phones.iter().map(|p| p.value.as_str())),
            Field::Addresses => c
                .addresses
                .iter()
                .map(Address::one_line)
                .collect::<Vec<_>>()
                .join("; "),
            Field::Birthday => c.birthday.map(|b| b.to_string()).unwrap_or_default(),
            _ => text(c, f).trim().to_string(),
        };
        if !after.is_empty() {
            out.push(DiffOwned {
                field: f.as_str(),
                before: String::new(),
                after,
            });
        }
    }
    out
}

fn join<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictDto<'a> {
    crm_id: &'a str,
    resource_name: &'a str,
    name: &'a str,
    field: &'static str,
    crm: &'a str,
    google: &'a str,
    kept: Side,
    rule: &'static str,
}

impl<'a> From<&'a PairConflict> for ConflictDto<'a> {
    fn from(c: &'a PairConflict) -> Self {
        ConflictDto {
            crm_id: &c.crm_id,
            resource_name: &c.resource_name,
            name: &c.name,
            field: c.conflict.field.as_str(),
            crm: &c.conflict.crm,
            google: &c.conflict.google,
            kept: c.conflict.kept,
            rule: match c.conflict.rule {
                ConflictRule::Policy(ConflictPolicy::Newest) => "newest",
                ConflictRule::Policy(ConflictPolicy::Crm) => "crm",
                ConflictRule::Policy(ConflictPolicy::Google) => "google",
                ConflictRule::FirstLink => "firstLink",
                ConflictRule::Decided => "decided",
            },
        }
    }
}

#[derive(Serialize)]
pub struct AmbiguousDto<'a> {
    side: Side,
    id: &'a str,
    name: &'a str,
    rule: String,
    /// Why the contact was set aside: the panel words each reason its own way.
    reason: Ambiguity,
    candidates: &'a [String],
    /// The candidates' names, in their order ("" where unknown).
    #[serde(rename = "candidateNames")]
    candidate_names: &'a [String],
    /// How many candidates there are beyond those listed.
    #[serde(rename = "moreCandidates")]
    more_candidates: usize,
    /// The emails, phones or name and birthday or company it shares with them.
    shared: &'a [String],
    /// Whether the preview may link it to a candidate or keep them apart.
    decidable: bool,
}

impl<'a> From<&'a Ambiguous> for AmbiguousDto<'a> {
    fn from(a: &'a Ambiguous) -> Self {
        AmbiguousDto {
            side: a.side,
            id: &a.id,
            name: &a.name,
            rule: a.rule.to_string(),
            reason: a.reason,
            candidates: &a.candidates,
            candidate_names: &a.candidate_names,
            more_candidates: a.more_candidates,
            shared: &a.shared,
            decidable: a.decidable(),
        }
    }
}

#[derive(Serialize)]
pub struct HeldDto<'a> {
    side: Side,
    limit: usize,
    deletions: Vec<OperationDto<'a>>,
}

impl<'a> From<&'a HeldDeletions> for HeldDto<'a> {
    fn from(h: &'a HeldDeletions) -> Self {
        HeldDto {
            side: h.side,
            limit: h.limit,
            deletions: h.deletions.iter().map(OperationDto::from).collect(),
        }
    }
}

/// `MergedInGoogle` in api.d.ts: a CRM contact unlinked because Google merged its twin into the
/// Google contact of another CRM contact.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedDto<'a> {
    crm_id: &'a str,
    name: &'a str,
    /// The Google contact it was linked to.
    merged_from: &'a str,
    /// The Google contact that holds both now.
    resource_name: &'a str,
    /// The CRM contact linked to it.
    survivor: &'a str,
}

impl<'a> From<&'a Merged> for MergedDto<'a> {
    fn from(m: &'a Merged) -> Self {
        MergedDto {
            crm_id: &m.crm_id,
            name: &m.name,
            merged_from: &m.merged_from,
            resource_name: &m.resource_name,
            survivor: &m.survivor,
        }
    }
}

/// `Plan` in api.d.ts.
#[derive(Serialize)]
pub struct PlanDto<'a> {
    operations: Vec<OperationDto<'a>>,
    conflicts: Vec<ConflictDto<'a>>,
    ambiguous: Vec<AmbiguousDto<'a>>,
    held: Vec<HeldDto<'a>>,
    merged: Vec<MergedDto<'a>>,
    #[serde(rename = "notWritten")]
    not_written: Vec<NotWrittenDto<'a>>,
    #[serde(rename = "pastLimit")]
    past_limit: Vec<PastLimitDto<'a>>,
    /// Google's limit of contacts per account when some contacts are past it, else 0.
    #[serde(rename = "googleLimit")]
    google_limit: usize,
    #[serde(rename = "directionChanges")]
    direction_changes: &'a [DirectionChange],
    #[serde(rename = "byDirection")]
    by_direction: &'a [PairHeld],
    /// The photos of linked pairs the run moves.
    photos: &'a [PhotoChange],
    /// An undo's contacts left as they are, each as the preview says it.
    #[serde(rename = "notUndone", skip_serializing_if = "Vec::is_empty")]
    not_undone: Vec<String>,
    text: String,
    fingerprint: &'a str,
}

/// `PastLimit` in api.d.ts: a CRM contact not created in Google, the account being full.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PastLimitDto<'a> {
    crm_id: &'a str,
    name: &'a str,
}

impl<'a> From<&'a Plan> for PlanDto<'a> {
    fn from(p: &'a Plan) -> Self {
        let mut ops = Vec::new();
        for c in &p.creates_google {
            ops.push(OperationDto {
                op: "create",
                side: Side::Google,
                crm_id: Some(&c.crm_id),
                resource_name: None,
                name: &c.name,
                diffs: creation_diffs(&c.contact),
                reason: c.read_only.as_ref().map(|_| read_only_note()),
            });
        }
        for c in &p.creates_crm {
            ops.push(OperationDto {
                op: "create",
                side: Side::Crm,
                crm_id: None,
                resource_name: Some(&c.resource_name),
                name: &c.name,
                diffs: creation_diffs(&c.contact),
                reason: None,
            });
        }
        for l in &p.links {
            ops.push(OperationDto {
                op: "link",
                side: Side::Crm,
                crm_id: Some(&l.crm_id),
                resource_name: Some(&l.resource_name),
                name: &l.name,
                diffs: Vec::new(),
                reason: Some(l.rule.to_string()),
            });
        }
        for u in &p.updates {
            ops.push(OperationDto {
                op: "update",
                side: u.side,
                crm_id: Some(&u.crm_id),
                resource_name: Some(&u.resource_name),
                name: &u.name,
                diffs: u.diffs.iter().map(DiffOwned::from).collect(),
                reason: u
                    .read_only
                    .as_ref()
                    .filter(|_| !u.diffs.is_empty())
                    .map(|_| read_only_note()),
            });
        }
        ops.extend(p.deletes.iter().map(OperationDto::from));
        for u in &p.unlinks {
            ops.push(OperationDto {
                op: "unlink",
                side: Side::Crm,
                crm_id: Some(&u.crm_id),
                resource_name: Some(&u.resource_name),
                name: &u.name,
                diffs: Vec::new(),
                reason: Some(u.reason.to_string()),
            });
        }
        for g in &p.group_adds {
            for rn in &g.resource_names {
                ops.push(OperationDto {
                    op: "addToGroup",
                    side: Side::Google,
                    crm_id: None,
                    resource_name: Some(rn),
                    name: rn,
                    diffs: Vec::new(),
                    reason: Some(g.group.clone()),
                });
            }
        }
        PlanDto {
            operations: ops,
            conflicts: p.conflicts.iter().map(ConflictDto::from).collect(),
            ambiguous: p.ambiguous.iter().map(AmbiguousDto::from).collect(),
            held: p.held.iter().map(HeldDto::from).collect(),
            merged: p.merged.iter().map(MergedDto::from).collect(),
            not_written: p.not_written.iter().map(NotWrittenDto::from).collect(),
            past_limit: p
                .past_limit
                .iter()
                .map(|c| PastLimitDto {
                    crm_id: &c.crm_id,
                    name: &c.name,
                })
                .collect(),
            google_limit: p.google_limit,
            direction_changes: &p.direction_changes,
            by_direction: &p.by_direction,
            photos: &p.photos,
            not_undone: p.not_undone.iter().map(|n| n.to_string()).collect(),
            text: p.to_string(),
            fingerprint: &p.fingerprint,
        }
    }
}

/// `RunReport` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportDto<'a> {
    account_id: &'a str,
    trigger: Trigger,
    started_at: &'a str,
    finished_at: &'a str,
    ok: bool,
    created: PerSide,
    updated: PerSide,
    deleted: PerSide,
    linked: usize,
    unlinked: usize,
    conflicts: Vec<ConflictDto<'a>>,
    ambiguous: Vec<AmbiguousDto<'a>>,
    held: Vec<HeldDto<'a>>,
    merged: Vec<MergedDto<'a>>,
    not_written: Vec<NotWrittenDto<'a>>,
    errors: &'a [RunError],
    failures: &'a [ContactFailure],
    contacts: usize,
    requests: &'a Counts,
    cancelled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    undoes: Option<&'a str>,
    #[serde(skip_serializing_if = "is_zero")]
    past_limit: usize,
    #[serde(skip_serializing_if = "is_zero")]
    google_limit: usize,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    holding: &'a [Holding],
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl<'a> From<&'a RunReport> for ReportDto<'a> {
    fn from(r: &'a RunReport) -> Self {
        ReportDto {
            account_id: &r.account_id,
            trigger: r.trigger,
            started_at: &r.started_at,
            finished_at: &r.finished_at,
            ok: r.ok,
            created: r.created,
            updated: r.updated,
            deleted: r.deleted,
            linked: r.linked,
            unlinked: r.unlinked,
            conflicts: r.conflicts.iter().map(ConflictDto::from).collect(),
            ambiguous: r.ambiguous.iter().map(AmbiguousDto::from).collect(),
            held: r.held.iter().map(HeldDto::from).collect(),
            merged: r.merged.iter().map(MergedDto::from).collect(),
            not_written: r.not_written.iter().map(NotWrittenDto::from).collect(),
            errors: &r.errors,
            failures: &r.failures,
            contacts: r.contacts,
            requests: &r.requests,
            cancelled: r.cancelled,
            past_limit: r.past_limit,
            google_limit: r.google_limit,
            undoes: r.undoes.as_deref(),
            holding: &r.holding,
        }
    }
}

/// `AccountInfo` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfoDto {
    pub id: String,
    pub email: String,
    pub connected: bool,
    pub enabled: bool,
    pub links: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run: Option<serde_json::Value>,
    pub needs_reconnect: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<UnreadableDto>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending_deletions: Vec<PendingDeletionDto>,
}

/// `PendingDeletion` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingDeletionDto {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub side: Side,
    pub since: String,
    pub until: String,
}

impl PendingDeletionDto {
    /// Each held deletion of `state`, in the order they come due, with when under `settings`.
    pub fn list(state: &AccountState, settings: &Settings) -> Vec<PendingDeletionDto> {
        let mut out: Vec<(Millis, PendingDeletionDto)> = state
            .pending
            .deletions
            .values()
            .map(|p| {
                let until = p.since.saturating_add(settings.hold_ms(p.side));
                let dto = PendingDeletionDto {
                    crm_id: p.link.crm_id.clone(),
                    resource_name: p.link.resource_name.clone(),
                    name: p.name.clone(),
                    side: p.side,
                    since: format_rfc3339(p.since),
                    until: format_rfc3339(until),
                };
                (until, dto)
            })
            .collect();
        out.sort_by_key(|(until, _)| *until);
        out.into_iter().map(|(_, d)| d).collect()
    }
}

/// A stored value of the account that cannot be read.
#[derive(Serialize)]
pub struct UnreadableDto {
    pub key: String,
    pub message: String,
}

/// `DisconnectResult` in api.d.ts.
#[derive(Serialize)]
pub struct DisconnectDto {
    pub revoked: bool,
    pub message: String,
}

/// `GoogleGroup` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupDto {
    pub resource_name: String,
    pub name: String,
    pub group_type: String,
    pub member_count: i64,
}

impl From<ContactGroup> for GroupDto {
    fn from(g: ContactGroup) -> Self {
        GroupDto {
            name: g.formatted_name.or(g.name).unwrap_or_default(),
            resource_name: g.resource_name.unwrap_or_default(),
            group_type: g.group_type.unwrap_or_default(),
            member_count: g.member_count.unwrap_or(0),
        }
    }
}

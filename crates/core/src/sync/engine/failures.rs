//! The contacts a run could not sync, one [`ContactFailure`] each: a write batch that failed
//! names every contact it carried, a host refusal naming one contact fails that contact alone
//! (the rest of its batch is sent again), and a refusal saying the CRM session ended stops the
//! run.

use super::{ContactFailure, Engine, FailureKind, Phase, RunError, Step};
use crate::sync::error::ErrorCode;
use crate::sync::model::Side;
use std::collections::BTreeSet;

/// The host's code for a session that ended: the user must log in to the CRM again.
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";

/// A contact a write step carries.
struct Member {
    name: String,
    side: Side,
    crm_id: Option<String>,
    resource_name: Option<String>,
}

impl Engine {
    /// The contacts `step` writes, in its order (none for reads and the run's own steps).
    fn members(&self, step: &Step) -> Vec<Member> {
        let Some(p) = self.plan.as_ref() else {
            return Vec::new();
        };
        match step {
            Step::CreateGoogle { items } | Step::FindCreated { items, .. } => items
                .iter()
                .map(|&i| &p.creates_google[i])
                .map(|c| Member {
                    name: c.name.clone(),
                    side: Side::Google,
                    crm_id: Some(c.crm_id.clone()),
                    resource_name: None,
                })
                .collect(),
            Step::CreateCrm { items } => items
                .iter()
                .map(|&i| &p.creates_crm[i])
                .map(|c| Member {
                    name: c.name.clone(),
                    side: Side::Crm,
                    crm_id: None,
                    resource_name: Some(c.resource_name.clone()),
                })
                .collect(),
            Step::RestoreCrm { items } => items
                .iter()
                .map(|&i| &p.restores_crm[i])
                .map(|r| Member {
                    name: r.name.clone(),
                    side: Side::Crm,
                    crm_id: Some(r.crm_id.clone()),
                    resource_name: Some(r.resource_name.clone()),
                })
                .collect(),
            Step::UpdateGoogle { items, .. }
            | Step::UpdateCrm { items }
            | Step::Remerge { items } => items
                .iter()
                .map(|&i| &p.updates[i])
                .map(|u| Member {
                    name: u.name.clone(),
                    side: u.side,
                    crm_id: Some(u.crm_id.clone()),
                    resource_name: Some(u.resource_name.clone()),
                })
                .collect(),
            Step::DeleteGoogle { items } | Step::DeleteCrm { items } => items
                .iter()
                .map(|&i| &p.deletes[i])
                .map(|d| Member {
                    name: d.name.clone(),
                    side: d.side,
                    crm_id: Some(d.crm_id.clone()),
                    resource_name: Some(d.resource_name.clone()),
                })
                .collect(),
            Step::TagGoogle { items } => items
                .iter()
                .map(|(rn, id)| Member {
                    name: p
                        .creates_crm
                        .iter()
                        .find(|c| &c.resource_name == rn)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    side: Side::Google,
                    crm_id: Some(id.clone()),
                    resource_name: Some(rn.clone()),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn push_failure(&mut self, m: Member, kind: FailureKind, code: ErrorCode, reason: String) {
        self.report.failures.push(ContactFailure {
            name: m.name,
            side: m.side,
            crm_id: m.crm_id,
            resource_name: m.resource_name,
            kind,
            code,
            host_code: None,
            reason,
            retried: true,
        });
    }

    /// Every contact of a write step that failed as a whole: none of it was made (or, for
    /// creates whose answer was lost, whether it was is unknown and the next run looks first).
    pub(super) fn fail_members(&mut self, step: &Step, code: ErrorCode) {
        let reason = match (code, step) {
            (_, Step::FindCreated { .. }) => {
                "Google may have made it; the next run looks for it before sending it again"
            }
            (ErrorCode::Quota, _) => "Google's request limit was reached",
            (ErrorCode::Network, _) => "Google could not be reached",
            (ErrorCode::PermissionDenied, _) => "Google refused access to the contacts",
            (ErrorCode::HostError, _) => "the CRM did not accept the change",
            _ => "Google answered with an error",
        };
        for m in self.members(step) {
            self.push_failure(m, FailureKind::Failed, code, reason.to_string());
        }
    }

    /// The CRM changed a contact while the run wrote it (its stale-write check refused it):
    /// nothing is wrong, the next run merges the new values.
    pub(super) fn changed_meanwhile(&mut self, step: &Step, crm_id: &str) {
        let Some(m) = self
            .members(step)
            .into_iter()
            .find(|m| m.crm_id.as_deref() == Some(crm_id))
        else {
            return;
        };
        self.push_failure(
            m,
            FailureKind::Changed,
            ErrorCode::HostError,
            "changed in the CRM during the sync; it syncs at the next run".into(),
        );
    }

    /// An undo's Google updates refused for a stale etag: those contacts changed since the undo
    /// read them, and an undo never writes over a later edit, so they are left as they are.
    pub(super) fn changed_during_undo(&mut self, step: &Step) {
        for m in self.members(step) {
            self.push_failure(
                m,
                FailureKind::Changed,
                ErrorCode::GoogleError,
                "changed in Google during the undo: left as it is".into(),
            );
        }
    }

    /// The host refused a call with its own code. `UNAUTHENTICATED` ends the run (the session
    /// is over: every further call would be refused). A refusal naming a contact of a write
    /// batch fails that contact alone and sends the rest again: the refused call wrote nothing.
    /// Any other refusal fails the step as a host failure does, its code kept.
    pub(super) fn crm_refused(
        &mut self,
        step: Step,
        code: String,
        message: String,
        contact: Option<String>,
    ) {
        if code == UNAUTHENTICATED {
            self.abort(
                ErrorCode::HostError,
                format!("the CRM session has ended ({message}); log in to the CRM again"),
            );
            if let Some(e) = self.report.errors.last_mut() {
                e.host_code = Some(code);
            }
            return;
        }
        let named = contact.as_deref().and_then(|id| {
            self.members(&step)
                .iter()
                .position(|m| m.crm_id.as_deref() == Some(id))
        });
        let (Some(at), Some(id)) = (named, contact.clone()) else {
            let errors = self.report.errors.len();
            let failures = self.report.failures.len();
            self.crm_failed(step, &format!("{code}: {message}"));
            for e in &mut self.report.errors[errors..] {
                e.host_code = Some(code.clone());
            }
            for f in &mut self.report.failures[failures..] {
                f.host_code = Some(code.clone());
            }
            return;
        };
        let m = self.members(&step).swap_remove(at);
        let (kind, reason) = refusal_words(&code, &step, &m.name);
        if kind != FailureKind::Changed {
            let mut e = RunError::new(
                ErrorCode::HostError,
                format!("the CRM refused: {message}"),
                Some(id.clone()),
            );
            e.host_code = Some(code.clone());
            self.report.errors.push(e);
        }
        self.push_failure(m, kind, ErrorCode::HostError, reason);
        if let Some(f) = self.report.failures.last_mut() {
            f.host_code = Some(code.clone());
        }
        let rest = |items: &[usize]| -> Vec<usize> {
            items
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != at)
                .map(|(_, &i)| i)
                .collect()
        };
        let (again, phase) = match step {
            Step::UpdateCrm { items } => (
                Step::UpdateCrm {
                    items: rest(&items),
                },
                Phase::UpdatingCrm,
            ),
            Step::DeleteCrm { items } => (
                Step::DeleteCrm {
                    items: rest(&items),
                },
                Phase::DeletingInCrm,
            ),
            Step::RestoreCrm { items } => (
                Step::RestoreCrm {
                    items: rest(&items),
                },
                Phase::CreatingInCrm,
            ),
            // Only CRM writes name CRM contacts by id.
            other => return self.crm_failed(other, &format!("{code}: {message}")),
        };
        self.advance(1, phase);
        let empty = matches!(&again, Step::UpdateCrm { items } | Step::DeleteCrm { items } | Step::RestoreCrm { items } if items.is_empty());
        if !empty {
            self.steps.push_front(again);
        }
    }

    /// The answer to `step` never came: the run was cancelled while it waited. A Google create
    /// may have been made: the journal keeps it for the next run to look up by its tag.
    pub(super) fn cancelled_in_flight(&mut self, step: &Step) {
        if matches!(step, Step::CreateGoogle { .. } | Step::FindCreated { .. }) {
            self.creates_unanswered = true;
        }
        self.cancel();
    }

    /// How many contacts the plan sets out to sync: each contact it creates, updates, deletes,
    /// links or unlinks once, and each CRM record it could not read.
    pub(super) fn count_contacts(&mut self) {
        let Some(p) = self.plan.as_ref() else {
            return;
        };
        let mut pairs: BTreeSet<&str> = BTreeSet::new();
        pairs.extend(p.creates_google.iter().map(|c| c.crm_id.as_str()));
        pairs.extend(p.updates.iter().map(|u| u.crm_id.as_str()));
        pairs.extend(p.deletes.iter().map(|d| d.crm_id.as_str()));
        pairs.extend(p.links.iter().map(|l| l.crm_id.as_str()));
        pairs.extend(p.unlinks.iter().map(|u| u.crm_id.as_str()));
        pairs.extend(self.crm_invalid.iter().map(String::as_str));
        pairs.extend(p.restores_crm.iter().map(|r| r.crm_id.as_str()));
        self.report.contacts = pairs.len() + p.creates_crm.len();
    }
}

/// A refusal of one contact in plain words, and whether it is one at all: a stale-write check
/// (`CONFLICT`) only says the contact changed meanwhile.
fn refusal_words(code: &str, step: &Step, name: &str) -> (FailureKind, String) {
    let verb = match step {
        Step::DeleteCrm { .. } => "delete",
        _ => "change",
    };
    let who = if name.is_empty() {
        "this contact"
    } else {
        name
    };
    match code {
        "CONFLICT" => (
            FailureKind::Changed,
            "changed in the CRM during the sync; it syncs at the next run".into(),
        ),
        "PERMISSION_DENIED" => (
            FailureKind::Refused,
            format!("you may not {verb} {who} in the CRM"),
        ),
        "NOT_FOUND" => (
            FailureKind::Refused,
            format!("{who} is no longer in the CRM"),
        ),
        "INVALID" | "INVALID_INPUT" => (
            FailureKind::Refused,
            "the CRM did not accept its values".into(),
        ),
        _ => (FailureKind::Refused, "the CRM refused the change".into()),
    }
}

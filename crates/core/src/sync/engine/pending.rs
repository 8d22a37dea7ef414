//! Google's side of held deletions: the contact group "Pending deletion (CRM)" marks the Google
//! contacts whose deletion in the CRM waits (see `plan::pending`). It is found by its name, or
//! created on first use like the target group, and its membership changed through
//! `members:modify`.

use super::{Action, Engine, Step};
use crate::json;
use crate::people::request::member_chunks;
use crate::people::wire::{ContactGroup, ListContactGroupsResponse};
use crate::sync::error::ErrorCode;
use crate::sync::model::Millis;
use crate::sync::plan::PendingMarks;
use crate::sync::state::PENDING_GROUP_NAME;

impl Engine {
    /// The steps that mark and unmark `marks`, after finding or creating the group if needed.
    pub(super) fn pending_steps(&self, marks: &PendingMarks) -> Vec<Step> {
        let mut steps = Vec::new();
        if marks.is_empty() {
            return steps;
        }
        if self.state.pending.group.is_none() {
            steps.push(Step::FindPendingGroup { page_token: None });
        }
        for change in member_chunks(&marks.add, &marks.remove) {
            steps.push(Step::MarkPending { change });
        }
        steps
    }

    /// The request of a pending group step; `None` when there is nothing to send.
    pub(super) fn act_pending(&mut self, step: &Step) -> Option<Action> {
        let req = match step {
            Step::FindPendingGroup { page_token } => {
                Ok(self.api.list_contact_groups(page_token.as_deref()))
            }
            Step::CreatePendingGroup => self.api.create_contact_group(PENDING_GROUP_NAME),
            Step::MarkPending { change } => {
                // The group could be neither found nor made (reported): nothing to mark in.
                let group = self.state.pending.group.clone()?;
                self.api.modify_group_members(&group, change)
            }
            _ => return None,
        };
        match req {
            Ok(req) => self.http(req),
            Err(e) => {
                self.error(ErrorCode::GoogleError, e.to_string(), None);
                None
            }
        }
    }

    /// Reads the answer to a pending group step.
    pub(super) fn pending_ok(&mut self, step: Step, body: &str, now: Millis) {
        match step {
            Step::FindPendingGroup { page_token } => {
                let r = match json::from_str::<ListContactGroupsResponse>(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::FindPendingGroup { page_token };
                        return self.unreadable(step, now, "contact group list", &e);
                    }
                };
                let found = r.contact_groups.iter().find(|g| {
                    g.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(PENDING_GROUP_NAME))
                });
                if let Some(rn) = found.and_then(|g| g.resource_name.clone()) {
                    self.state.pending.group = Some(rn);
                } else if let Some(t) = r.next_page_token {
                    if self.repeated_page("groups", &t) {
                        return;
                    }
                    let page_token = Some(t);
                    self.steps.push_front(Step::FindPendingGroup { page_token });
                } else {
                    self.steps.push_front(Step::CreatePendingGroup);
                }
            }
            Step::CreatePendingGroup => match json::from_str::<ContactGroup>(body) {
                Ok(ContactGroup {
                    resource_name: Some(rn),
                    ..
                }) => self.state.pending.group = Some(rn),
                Ok(_) => self.error(
                    ErrorCode::GoogleError,
                    "the created group has no name".into(),
                    None,
                ),
                Err(e) => self.unreadable(Step::CreatePendingGroup, now, "created group", &e),
            },
            _ => {}
        }
    }
}

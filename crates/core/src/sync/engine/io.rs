//! What the engine asks of the shell ([`Action`], [`CrmCall`]) and what the shell answers
//! ([`Input`]), and how each step becomes its action.

use super::{method_name, Engine, Step, CRM_PAGE, READ_MASK, TAG_FIELDS};
use crate::people::request::{HttpRequest, ListConnections, PERSON_FIELDS};
use crate::people::tag;
use crate::people::wire::{ModifyContactGroupMembersRequest, Person};
use crate::sync::custom;
use crate::sync::error::ErrorCode;
use crate::sync::labels::tag_set;
use crate::sync::mapping::new_person;
use crate::sync::model::{Contact, CrmContact, Field, Millis};
use serde::Serialize;
use std::collections::HashMap;

/// The next thing the shell must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Send it to Google; answer with [`Input::Http`] or [`Input::HttpFailed`].
    Http(HttpRequest),
    /// Call the host; answer with [`Input::Crm`] or [`Input::CrmFailed`].
    Crm(CrmCall),
    /// Write (`Some`) or remove (`None`) the run journal; answer with [`Input::Saved`].
    SaveJournal(Option<String>),
    /// Fetch a photo's bytes from Google's photo URL (no People API call, no token); answer with
    /// [`Input::Downloaded`] (a body over `max_bytes` may be cut there) or [`Input::HttpFailed`].
    Download { url: String, max_bytes: usize },
    /// Wait until then and poll again.
    Sleep { until: Millis },
    /// Show progress and poll again. While the run waits to try again after a failure, the
    /// phase is `retrying` and `retrying` says what failed and when the next attempt is.
    Progress {
        done: usize,
        total: usize,
        phase: Phase,
        retrying: Option<Retrying>,
    },
    /// The run is over: call [`Engine::finish`].
    Done,
}

/// What a run is doing, as its progress shows it. The shell gives each its wire name, which
/// `Progress.phase` carries (api.d.ts) and the plugin's pages show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the first request answers.
    Starting,
    ReadingGoogle,
    ReadingCrm,
    /// Looking at every link tag in Google before creating.
    CheckingGoogle,
    /// The writes are counted, none made yet.
    Writing,
    /// Waiting to try a failed request again.
    Retrying,
    CreatingInGoogle,
    UpdatingGoogle,
    DeletingInGoogle,
    AddingToGroup,
    CreatingInCrm,
    UpdatingCrm,
    DeletingInCrm,
}

/// A request failed and will be tried again: what failed, and when the next attempt is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retrying {
    /// The next attempt's number, from 2.
    pub attempt: u32,
    /// The most attempts the run makes before it gives up.
    pub max_attempts: u32,
    /// How long until the next attempt.
    pub wait_ms: u64,
    /// When it is made.
    pub at: Millis,
    pub code: ErrorCode,
    pub message: String,
}

/// A call of the host contract's `contacts` API.
#[derive(Clone, Debug, PartialEq)]
pub enum CrmCall {
    List {
        view_id: Option<String>,
        page_token: Option<String>,
        page_size: u32,
    },
    Get {
        ids: Vec<String>,
    },
    /// `contacts.changedSince(cursor)`; answer with [`Input::CrmChanges`].
    ChangedSince {
        cursor: Option<String>,
    },
    Create {
        items: Vec<(Contact, Option<String>)>,
    },
    Update {
        items: Vec<CrmUpdate>,
    },
    Remove {
        ids: Vec<String>,
    },
    /// `contacts.restore` (hosts declaring `restore`): brings deleted contacts back under their
    /// ids; answer with [`Input::Crm`], the contacts that came back.
    Restore {
        ids: Vec<String>,
    },
    /// `contacts.setPhotos`: each contact's photo (a `data:` URL), or none to remove it; answer
    /// with [`Input::Crm`] (the contacts as written, or none).
    SetPhotos {
        items: Vec<(String, Option<String>)>,
    },
}

/// One contact to update in the CRM: only `fields` are written (and `status` when set).
#[derive(Clone, Debug, PartialEq)]
pub struct CrmUpdate {
    pub id: String,
    pub contact: Contact,
    pub fields: Vec<Field>,
    pub status: Option<String>,
    /// The `modifiedAt` the plan saw: the host refuses the write if the contact changed since.
    pub if_modified_at: Option<Millis>,
}

/// A host item the shell could not turn into a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvalidContact {
    pub id: Option<String>,
    pub message: String,
}

/// What the shell reports back.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Http {
        status: u16,
        /// The `Retry-After` header, in milliseconds.
        retry_after_ms: Option<u64>,
        body: String,
    },
    /// A [`Action::Download`] answered.
    Downloaded {
        status: u16,
        bytes: Vec<u8>,
    },
    /// The request never got an answer (network error, dropped connection, timeout).
    HttpFailed {
        message: String,
    },
    /// `contacts.list`/`get`/`create`/`update` answered these contacts (bad items as errors);
    /// `remove` answers an empty list.
    Crm {
        items: Vec<Result<CrmContact, InvalidContact>>,
        next_page_token: Option<String>,
    },
    /// `contacts.changedSince` answered.
    CrmChanges {
        items: Vec<Result<CrmContact, InvalidContact>>,
        deleted_ids: Vec<String>,
        cursor: String,
        more: bool,
    },
    CrmFailed {
        message: String,
    },
    /// The host refused the call with its own `code` (`PERMISSION_DENIED`, `CONFLICT`,
    /// `UNAUTHENTICATED`, ...), naming the contact concerned when it did. A refused call wrote
    /// nothing (the host contract: one transaction per call).
    CrmRefused {
        code: String,
        message: String,
        contact: Option<String>,
    },
    /// The run was cancelled while it waited for the answer, which never came: whether the
    /// request was made is unknown.
    Cancelled,
    Saved,
}

/// The phase a step that starts reading a side shows before its request goes out.
pub(super) fn reading_phase(step: &Step) -> Option<Phase> {
    match step {
        Step::FindGroup { page_token: None } | Step::ListGoogle { page_token: None } => {
            Some(Phase::ReadingGoogle)
        }
        Step::ListCrm {
            page_token: None, ..
        }
        | Step::CrmChanges { .. }
        | Step::GetCrm { .. }
        | Step::GetCandidates { .. } => Some(Phase::ReadingCrm),
        _ => None,
    }
}

impl Engine {
    /// The phase the action just polled starts ([`Phase::ReadingGoogle`] before the first
    /// listing request), once: the shell shows it while it waits for the answer, so a slow
    /// first answer shows what the run waits for rather than [`Phase::Starting`].
    pub fn starts(&mut self) -> Option<Phase> {
        self.starts.take()
    }

    pub(super) fn count(&mut self, req: &HttpRequest) {
        *self
            .report
            .requests
            .entry(method_name(req).to_string())
            .or_default() += 1;
    }

    pub(super) fn http(&mut self, req: HttpRequest) -> Option<Action> {
        self.count(&req);
        Some(Action::Http(req))
    }

    /// Performs `step` if it needs the shell; internal steps run here and return `None`.
    pub(super) fn act(&mut self, step: &Step, now: Millis) -> Option<Action> {
        match step {
            Step::FindGroup { page_token } => {
                let req = self.api.list_contact_groups(page_token.as_deref());
                self.http(req)
            }
            Step::CreateGroup { name } => match self.api.create_contact_group(name) {
                Ok(req) => self.http(req),
                Err(e) => {
                    self.abort(ErrorCode::GoogleError, e.to_string());
                    None
                }
            },
            Step::ListGoogle { page_token } => {
                let q = ListConnections {
                    page_token: page_token.clone(),
                    sync_token: if self.full_listing {
                        None
                    } else {
                        self.state.sync_token.clone()
                    },
                    ..ListConnections::default()
                };
                if page_token.is_none() {
                    self.progress = None;
                }
                let req = self.api.list_connections(&q);
                self.http(req)
            }
            Step::ListCrm {
                view, page_token, ..
            } => Some(Action::Crm(CrmCall::List {
                view_id: view.clone(),
                page_token: page_token.clone(),
                page_size: CRM_PAGE,
            })),
            Step::CrmChanges { cursor } => Some(Action::Crm(CrmCall::ChangedSince {
                cursor: cursor.clone(),
            })),
            Step::GetCrm { ids, .. } => {
                if ids.is_empty() {
                    return None;
                }
                Some(Action::Crm(CrmCall::Get { ids: ids.clone() }))
            }
            Step::GetCandidates { ids } => Some(Action::Crm(CrmCall::Get { ids: ids.clone() })),
            Step::Plan => {
                self.make_plan(now);
                None
            }
            Step::WriteJournal => Some(Action::SaveJournal(Some(
                serde_json::to_string(&self.journal).unwrap_or_default(),
            ))),
            Step::ClearJournal => Some(Action::SaveJournal(
                (!self.journal.google_creates.is_empty())
                    .then(|| serde_json::to_string(&self.journal).unwrap_or_default()),
            )),
            Step::FindCreated { page_token, .. } => {
                let q = ListConnections {
                    person_fields: TAG_FIELDS.to_string(),
                    page_token: page_token.clone(),
                    request_sync_token: false,
                    ..ListConnections::default()
                };
                let req = self.api.list_connections(&q);
                self.http(req)
            }
            Step::ListTags { page_token } => {
                let q = ListConnections {
                    person_fields: TAG_FIELDS.to_string(),
                    page_token: page_token.clone(),
                    request_sync_token: false,
                    ..ListConnections::default()
                };
                let req = self.api.list_connections(&q);
                self.http(req)
            }
            Step::ReadTagged { names } => match self.api.batch_get(names, PERSON_FIELDS) {
                Ok(req) => self.http(req),
                Err(e) => {
                    self.abort(ErrorCode::GoogleError, e.to_string());
                    None
                }
            },
            Step::Remerge { items } => {
                self.remerge(items, now);
                None
            }
            Step::BatchGet { names } => match self.api.batch_get(names, PERSON_FIELDS) {
                Ok(req) => self.http(req),
                Err(e) => {
                    self.error(ErrorCode::GoogleError, e.to_string(), None);
                    None
                }
            },
            Step::CreateGoogle { items } => {
                let plan = self.plan.as_ref()?;
                let people: Vec<Person> = items
                    .iter()
                    .map(|&i| {
                        let c = &plan.creates_google[i];
                        let mut p = new_person(
                            &c.contact,
                            (&self.config.instance_id, &c.crm_id),
                            &c.groups,
                        );
                        let keys: Vec<&str> = c.contact.custom.keys().map(String::as_str).collect();
                        custom::write(&mut p, &c.contact.custom, &keys, self.custom_table());
                        self.labels().apply(&mut p, &c.contact.tags);
                        p
                    })
                    .collect();
                match self.api.batch_create_contacts(&people, READ_MASK) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::UpdateGoogle { items, .. } => {
                let (people, mask) = self.google_updates(items);
                if people.is_empty() {
                    return None;
                }
                let mask: Vec<&str> = mask.iter().map(String::as_str).collect();
                match self.api.batch_update_contacts(&people, &mask, READ_MASK) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::TagGoogle { items } => {
                let mut people = Vec::new();
                for (rn, crm_id) in items {
                    if let Some(p) = self.persons.get(rn) {
                        let mut p = p.clone();
                        tag::set(&mut p.client_data, &self.config.instance_id, crm_id);
                        people.push(p);
                    }
                }
                if people.is_empty() {
                    return None;
                }
                match self
                    .api
                    .batch_update_contacts(&people, &["clientData"], READ_MASK)
                {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::DeleteGoogle { items } => {
                let plan = self.plan.as_ref()?;
                let names: Vec<String> = items
                    .iter()
                    .map(|&i| plan.deletes[i].resource_name.clone())
                    .collect();
                match self.api.batch_delete_contacts(&names) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::FindPendingGroup { .. } | Step::CreatePendingGroup | Step::MarkPending { .. } => {
                self.act_pending(step)
            }
            Step::AddToGroup { group, names } => {
                let change = ModifyContactGroupMembersRequest {
                    resource_names_to_add: names.clone(),
                    ..ModifyContactGroupMembersRequest::default()
                };
                match self.api.modify_group_members(group, &change) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::CreateCrm { items } => {
                let plan = self.plan.as_ref()?;
                let items = items
                    .iter()
                    .map(|&i| {
                        let c = &plan.creates_crm[i];
                        (c.contact.clone(), c.status.clone())
                    })
                    .collect();
                Some(Action::Crm(CrmCall::Create { items }))
            }
            Step::RestoreCrm { items } => {
                let plan = self.plan.as_ref()?;
                let ids = items
                    .iter()
                    .map(|&i| plan.restores_crm[i].crm_id.clone())
                    .collect();
                Some(Action::Crm(CrmCall::Restore { ids }))
            }
            Step::UpdateCrm { items } => {
                let plan = self.plan.as_ref()?;
                // Each write carries the `modifiedAt` the plan saw, for the host's check.
                let seen: HashMap<&str, &CrmContact> = self
                    .crm
                    .iter()
                    .chain(&self.crm_other)
                    .map(|c| (c.id.as_str(), c))
                    .collect();
                let items = items
                    .iter()
                    .map(|&i| {
                        let u = &plan.updates[i];
                        let mut contact = u.written();
                        if let Some(own) = self.crm_own_tags.get(&u.crm_id) {
                            contact.tags = tag_set(contact.tags.into_iter().chain(own.clone()));
                        }
                        CrmUpdate {
                            id: u.crm_id.clone(),
                            contact,
                            fields: u.fields(),
                            status: u.status.clone(),
                            if_modified_at: seen.get(u.crm_id.as_str()).map(|c| c.modified_at),
                        }
                    })
                    .collect();
                Some(Action::Crm(CrmCall::Update { items }))
            }
            Step::DeleteCrm { items } => {
                let plan = self.plan.as_ref()?;
                let ids = items
                    .iter()
                    .map(|&i| plan.deletes[i].crm_id.clone())
                    .collect();
                Some(Action::Crm(CrmCall::Remove { ids }))
            }
            Step::Commit => {
                self.commit(now);
                None
            }
            Step::Photo(step) => self.photo_act(step),
        }
    }
}

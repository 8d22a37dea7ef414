//! The photo pass: once a run has committed the other fields, the photos of the pairs it read
//! merge as one field each ([`crate::sync::photo`]) and move, one request at a time.
//!
//! An unchanged photo costs nothing: Google's is compared by URL and the CRM's by hash, so only
//! a photo the merge sends to the CRM is downloaded. The moves of one run are bounded by
//! [`MAX_MOVES`]. Until every move is made, the cursors the commit moved (the sync token, the
//! CRM change-feed cursor) are held where the run found them, so the next run reads those
//! contacts again and finishes the photos (their merged fields are no-ops by then); a run that
//! stops early, or a move that fails, leaves them held.

use super::{Engine, Phase, Step};
use crate::json;
use crate::people::wire::PersonResponse;
use crate::sync::error::ErrorCode;
use crate::sync::model::{CrmContact, Millis, Photo};
use crate::sync::photo::{self, PhotoMove, MAX_BYTES};
use crate::sync::plan::photo_moves;
use crate::sync::state::AccountState;
use std::collections::HashMap;

/// The most photo moves (downloads and uploads aside, each photo written to either side) one run
/// makes: at Google's reported 50 photo writes a minute, about five minutes of uploads.
pub const MAX_MOVES: usize = 250;

/// What a person's read after a photo write asks for: its etag and the photo's new URL.
const PHOTO_FIELDS: &str = "metadata,photos";

/// A step of the photo pass.
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoStep {
    /// Merges the photos of the pairs read this run.
    Plan,
    /// Downloads Google's photo of a pair for the CRM.
    Download { crm_id: String, url: String },
    /// Sets (or removes) a CRM contact's photo.
    ToCrm {
        crm_id: String,
        photo: Option<Photo>,
    },
    /// Sends the CRM's photo of a pair to Google.
    ToGoogle {
        crm_id: String,
        resource_name: String,
    },
    /// Removes a pair's photo in Google.
    OffGoogle {
        crm_id: String,
        resource_name: String,
    },
    /// Every move went through: the cursors move on.
    Done,
}

#[derive(Debug, Default)]
pub(super) struct PhotoPass {
    /// The commit was made: the photos come after it, and a run that stops does not commit again.
    committed: bool,
    /// The sync token and CRM cursor as the run found them.
    before: (Option<String>, Option<String>),
    /// The cursors the commit moved to, held back until every move is made.
    held: Option<(Option<String>, Option<String>)>,
    planned: usize,
    made: usize,
    /// The etags of the pairs whose Google photo the CRM is owed, set aside until it is made.
    owed: HashMap<String, String>,
}

impl PhotoPass {
    pub(super) fn new(state: &AccountState) -> PhotoPass {
        PhotoPass {
            before: (state.sync_token.clone(), state.crm_cursor.clone()),
            ..PhotoPass::default()
        }
    }

    pub(super) fn committed(&self) -> bool {
        self.committed
    }
}

impl Engine {
    /// Performs a photo step: its action, or `None` for the run's own steps.
    pub(super) fn photo_act(&mut self, step: &PhotoStep) -> Option<super::Action> {
        use super::{Action, CrmCall};
        match step {
            PhotoStep::Plan => {
                self.photos.committed = true;
                self.plan_photos();
                None
            }
            PhotoStep::Download { url, .. } => Some(Action::Download {
                url: photo::download_url(url),
                max_bytes: MAX_BYTES,
            }),
            PhotoStep::ToCrm { crm_id, photo } => Some(Action::Crm(CrmCall::SetPhotos {
                items: vec![(crm_id.clone(), photo.as_ref().map(|p| p.data.clone()))],
            })),
            PhotoStep::ToGoogle {
                crm_id,
                resource_name,
            } => {
                let data = self
                    .crm_photo(crm_id)
                    .map(|p| photo::payload(p).to_string())?;
                match (self.api).update_contact_photo(resource_name, &data, PHOTO_FIELDS) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), Some(crm_id.clone()));
                        None
                    }
                }
            }
            PhotoStep::OffGoogle { resource_name, .. } => {
                let req = (self.api).delete_contact_photo(resource_name, PHOTO_FIELDS);
                self.http(req)
            }
            PhotoStep::Done => {
                if let Some((token, cursor)) = self.photos.held.take() {
                    if self.photos.made == self.photos.planned {
                        self.state.sync_token = token;
                        self.state.crm_cursor = cursor;
                    }
                }
                None
            }
        }
    }

    fn crm_read(&self, crm_id: &str) -> Option<&CrmContact> {
        self.crm
            .iter()
            .chain(&self.crm_other)
            .find(|c| c.id == crm_id)
    }

    fn crm_photo(&self, crm_id: &str) -> Option<&Photo> {
        self.crm_read(crm_id)?.contact.photo.as_ref()
    }

    /// Merges the photo of every pair read this run and queues the moves.
    fn plan_photos(&mut self) {
        if !self.config.capabilities.photo || self.config.preview_only || self.failed() {
            return;
        }
        let moves = photo_moves(&self.plan_input(0));
        let mut steps = Vec::new();
        let mut agreed = Vec::new();
        for m in moves {
            let (crm_id, resource_name) = (m.crm_id, m.resource_name);
            steps.push(match m.change {
                PhotoMove::Keep => continue,
                PhotoMove::Agree { photo } => {
                    agreed.push((crm_id, photo));
                    continue;
                }
                PhotoMove::ToCrm { url } => PhotoStep::Download { crm_id, url },
                PhotoMove::ClearCrm => PhotoStep::ToCrm {
                    crm_id,
                    photo: None,
                },
                PhotoMove::ToGoogle => PhotoStep::ToGoogle {
                    crm_id,
                    resource_name,
                },
                PhotoMove::ClearGoogle => PhotoStep::OffGoogle {
                    crm_id,
                    resource_name,
                },
            });
        }
        for (crm_id, photo) in agreed {
            self.record_photo(&crm_id, photo, None);
        }
        if steps.is_empty() {
            return;
        }
        // A pair owed Google's photo forgets Google's etag until the photo is made, so that the
        // next listing, from the held sync token, brings the contact again even if it did not
        // change since (a listed contact whose etag is its link's is taken as unchanged).
        for s in &steps {
            if let PhotoStep::Download { crm_id, .. } | PhotoStep::ToCrm { crm_id, .. } = s {
                if let Some(link) = self.state.links.get_mut(crm_id) {
                    let etag = std::mem::take(&mut link.etag);
                    self.photos.owed.insert(crm_id.clone(), etag);
                    self.touched.links.insert(crm_id.clone());
                }
            }
        }
        // Held until every move is made; `PhotosDone` moves them on.
        let (token, cursor) = self.photos.before.clone();
        let moved = (
            std::mem::replace(&mut self.state.sync_token, token),
            std::mem::replace(&mut self.state.crm_cursor, cursor),
        );
        self.photos.held = Some(moved);
        let left_over = steps.len() > MAX_MOVES;
        steps.truncate(MAX_MOVES);
        // A run that leaves moves over does not move the cursors: the next one does them.
        self.photos.planned = steps.len() + usize::from(left_over);
        self.writes_total += steps.len();
        self.steps.push_front(Step::Photo(PhotoStep::Done));
        for s in steps.into_iter().rev() {
            self.steps.push_front(Step::Photo(s));
        }
    }

    /// Records `photo` as the pair's agreed photo (its base), and Google's new etag if a write
    /// to Google gave one.
    fn record_photo(&mut self, crm_id: &str, photo: Option<Photo>, etag: Option<String>) {
        let etag = etag.or_else(|| self.photos.owed.remove(crm_id));
        if let Some(link) = self.state.links.get_mut(crm_id) {
            link.base.photo = photo.map(|p| Photo {
                data: String::new(),
                ..p
            });
            if let Some(e) = etag {
                link.etag = e;
            }
            self.touched.links.insert(crm_id.to_string());
        }
    }

    /// A move was made: its progress, and its pair's new base.
    fn photo_made(
        &mut self,
        crm_id: &str,
        photo: Option<Photo>,
        etag: Option<String>,
        phase: Phase,
    ) {
        self.record_photo(crm_id, photo, etag);
        self.photos.made += 1;
        self.advance(1, phase);
    }

    /// Google's photo was downloaded for the CRM.
    pub(super) fn downloaded(&mut self, step: Step, status: u16, bytes: Vec<u8>, now: Millis) {
        let Step::Photo(PhotoStep::Download { crm_id, url }) = step else {
            return;
        };
        let name = self.photo_contact_name(&crm_id);
        match status {
            200..=299 => match photo::from_bytes(&bytes, &url) {
                Ok(p) => {
                    let base = self
                        .state
                        .links
                        .get(&crm_id)
                        .and_then(|l| l.base.photo.as_ref());
                    let same = base.map(|b| &b.hash) == Some(&p.hash)
                        || self.crm_photo(&crm_id).map(|c| &c.hash) == Some(&p.hash);
                    if same {
                        // The same image under a new URL: nothing to write.
                        self.photo_made(&crm_id, Some(p), None, Phase::UpdatingCrm);
                    } else {
                        self.steps.push_front(Step::Photo(PhotoStep::ToCrm {
                            crm_id,
                            photo: Some(p),
                        }));
                    }
                }
                Err(e) => {
                    // Not retried: the same bytes would be refused again. The pair keeps its
                    // base and Google's etag, so only a later change of Google's photo is tried.
                    if let (Some(etag), Some(link)) = (
                        self.photos.owed.remove(&crm_id),
                        self.state.links.get_mut(&crm_id),
                    ) {
                        link.etag = etag;
                    }
                    self.photos.made += 1;
                    self.advance(1, Phase::UpdatingCrm);
                    let message =
                        format!("Google's photo of {name} was not copied to the CRM: {e}");
                    self.error(ErrorCode::GoogleError, message, Some(crm_id));
                }
            },
            429 | 500..=599 => {
                let step = Step::Photo(PhotoStep::Download { crm_id, url });
                let message = format!("the download of Google's photo of {name} answered {status}");
                self.retry_or_fail(
                    step,
                    now,
                    None,
                    status == 429,
                    ErrorCode::GoogleError,
                    &message,
                );
            }
            _ => {
                // Gone (replaced meanwhile) or refused: the held cursors bring the contact, and
                // its photo's current URL, again next run.
                let message =
                    format!("Google's photo of {name} could not be downloaded ({status})");
                self.error(ErrorCode::GoogleError, message, Some(crm_id));
            }
        }
    }

    /// The CRM took the photo (or its removal).
    pub(super) fn photo_set(&mut self, step: PhotoStep) {
        if let PhotoStep::ToCrm { crm_id, photo } = step {
            self.photo_made(&crm_id, photo, None, Phase::UpdatingCrm);
        }
    }

    /// Google took the CRM's photo (or its removal): the answer holds the new URL and etag.
    pub(super) fn photo_sent(&mut self, step: &PhotoStep, body: &str) {
        let (PhotoStep::ToGoogle { crm_id, .. } | PhotoStep::OffGoogle { crm_id, .. }) = step
        else {
            return;
        };
        let person = json::from_str::<PersonResponse>(body)
            .ok()
            .and_then(|r| r.person);
        let etag = person.as_ref().and_then(|p| p.etag.clone());
        let photo = match step {
            PhotoStep::ToGoogle { .. } => {
                let hash = self
                    .crm_photo(crm_id)
                    .map(|p| p.hash.clone())
                    .unwrap_or_default();
                // Without the new URL in the answer, the next run sees Google's photo as
                // changed, downloads it once and finds the same image.
                let url = person
                    .as_ref()
                    .and_then(photo::of_person)
                    .map(|p| p.url)
                    .unwrap_or_default();
                Some(Photo {
                    hash,
                    url,
                    data: String::new(),
                })
            }
            _ => None,
        };
        let crm_id = crm_id.clone();
        self.photo_made(&crm_id, photo, etag, Phase::UpdatingGoogle);
    }

    /// How reports name the contact of a photo step that failed; `None` for other steps.
    pub(super) fn photo_failed(&self, step: &Step) -> Option<String> {
        let Step::Photo(step) = step else {
            return None;
        };
        match step {
            PhotoStep::Download { crm_id, .. }
            | PhotoStep::ToCrm { crm_id, .. }
            | PhotoStep::ToGoogle { crm_id, .. }
            | PhotoStep::OffGoogle { crm_id, .. } => {
                Some(format!("the photo of {}", self.photo_contact_name(crm_id)))
            }
            _ => None,
        }
    }

    fn photo_contact_name(&self, crm_id: &str) -> String {
        match self.crm_read(crm_id) {
            Some(c) => c.contact.display_name(),
            None => {
                let rn = self
                    .state
                    .links
                    .get(crm_id)
                    .map(|l| l.resource_name.as_str());
                let g = self
                    .listing
                    .people
                    .iter()
                    .find(|g| Some(g.resource_name.as_str()) == rn);
                g.map_or_else(|| crm_id.to_string(), |g| g.contact.display_name())
            }
        }
    }
}

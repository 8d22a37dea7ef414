//! The steps a run goes through, and how far it has gone.

use super::photos;
use crate::people::wire::ModifyContactGroupMembersRequest;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Step {
    CrmChanges {
        cursor: Option<String>,
    },
    FindGroup {
        page_token: Option<String>,
    },
    CreateGroup {
        name: String,
    },
    ListGoogle {
        page_token: Option<String>,
    },
    ListCrm {
        view: Option<String>,
        page_token: Option<String>,
        other: bool,
    },
    GetCrm {
        ids: Vec<String>,
        confirm_deleted: bool,
    },
    /// Reads by id the CRM candidates of the Google contacts whose match is undecided
    /// (`AccountState::undecided`), for planning from the change feed without a full listing.
    GetCandidates {
        ids: Vec<String>,
    },
    Plan,
    /// Looks up by their link tag the creates of a batch whose answer was lost, before any is
    /// sent again: a full listing of the tags alone.
    FindCreated {
        items: Vec<usize>,
        page_token: Option<String>,
    },
    /// Lists every contact's tag alone before creating from an incremental listing (`tags`).
    ListTags {
        page_token: Option<String>,
    },
    /// Reads the tagged contacts the planner must see before planning again.
    ReadTagged {
        names: Vec<String>,
    },
    /// Re-merges the pairs of a Google update batch against their persons just re-read.
    Remerge {
        items: Vec<usize>,
    },
    WriteJournal,
    BatchGet {
        names: Vec<String>,
    },
    CreateGoogle {
        items: Vec<usize>,
    },
    UpdateGoogle {
        items: Vec<usize>,
        round: u32,
    },
    DeleteGoogle {
        items: Vec<usize>,
    },
    AddToGroup {
        group: String,
        names: Vec<String>,
    },
    /// Looks up the group marking pending deletions by its name (`AccountState::pending`).
    FindPendingGroup {
        page_token: Option<String>,
    },
    CreatePendingGroup,
    /// Marks Google contacts as pending deletion, or unmarks them, in the pending group.
    MarkPending {
        change: ModifyContactGroupMembersRequest,
    },
    CreateCrm {
        items: Vec<usize>,
    },
    /// Brings an undo's CRM contacts back from the host's trash (`Plan::restores_crm`).
    RestoreCrm {
        items: Vec<usize>,
    },
    TagGoogle {
        items: Vec<(String, String)>,
    },
    UpdateCrm {
        items: Vec<usize>,
    },
    DeleteCrm {
        items: Vec<usize>,
    },
    Commit,
    /// The photos, once the other fields are committed (`photos`).
    Photo(photos::PhotoStep),
    ClearJournal,
}

/// How far a run has gone; it only ever moves down the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Life {
    /// Working through its steps.
    Running,
    /// Met an error it cannot go past: it commits what it did, and no cursor moves.
    Failed,
    /// Over: [`Engine::poll`] answers [`Action::Done`].
    Done,
}

/// Whether the user asked the run to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cancel {
    NotAsked,
    /// It stops before its next action.
    Asked,
    /// It stopped: only the commit of what it did is left.
    Stopped,
}

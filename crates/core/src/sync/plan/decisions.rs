//! The user's decisions on a preview: a side per conflict, a choice per pair of an ambiguous
//! match. They go with one run, as Apply passes them.

use crate::json::{unknown_variant, Error, FromJson, Object};
use crate::json_enum;
use crate::sync::model::{Field, Side};
use serde_json::Value;

/// The user's choice for one conflict of the preview, for this run only: the side whose value
/// the field keeps, over the account's conflict policy. A custom field's (`field` "custom")
/// names it by its `key`; the other fields have none ("").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictChoice {
    pub crm_id: String,
    pub field: Field,
    pub key: String,
    pub keep: Side,
}

/// Read by hand: the field goes by the name previews and the JS API use (`firstName`), not
/// by the stored name.
impl FromJson for ConflictChoice {
    fn from_json(v: Value) -> Result<Self, Error> {
        let mut o = Object::of(v, "a conflict choice {crmId, field, keep}")?;
        let name: String = o.field("field")?;
        let field = Field::ALL
            .into_iter()
            .chain([Field::Custom])
            .find(|f| f.as_str() == name)
            .ok_or_else(|| {
                let mut names = Field::ALL.map(Field::as_str).to_vec();
                names.push(Field::Custom.as_str());
                unknown_variant(&name, &names).at_key("field")
            })?;
        let key: Option<String> = o.field("key")?;
        let key = key.unwrap_or_default();
        if (field == Field::Custom) == key.is_empty() {
            let why = match field {
                Field::Custom => "a custom field's choice names its key",
                _ => "only a custom field's choice names a key",
            };
            return Err(Error::new(why).at_key("key"));
        }
        Ok(ConflictChoice {
            crm_id: o.field("crmId")?,
            field,
            key,
            keep: o.field("keep")?,
        })
    }
}

json_enum! {
    /// What the user chose for a contact and one candidate of an ambiguous match.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum MatchChoice {
        /// The same person: link them, merging their values by the usual rules.
        Link = "link",
        /// Different people: never pair them again (remembered in the account's state).
        Apart = "apart",
    }
}

/// A decision on one pair of an ambiguous match: the CRM contact and the Google contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchDecision {
    pub crm_id: String,
    pub resource_name: String,
    pub choice: MatchChoice,
}

impl FromJson for MatchDecision {
    fn from_json(v: Value) -> Result<Self, Error> {
        let mut o = Object::of(v, "a match decision {crmId, resourceName, choice}")?;
        Ok(MatchDecision {
            crm_id: o.field("crmId")?,
            resource_name: o.field("resourceName")?,
            choice: o.field("choice")?,
        })
    }
}

json_enum! {
    /// What the user chose for a deletion held before it is made (the panel's "Pending
    /// deletions").
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum PendingAction {
        /// Bring the pair back, linked: the contact deleted is made again from the one waiting.
        Restore = "restore",
        /// Make the deletion now rather than when its days are over.
        DeleteNow = "deleteNow",
    }
}

/// A choice for one held deletion, by the CRM id of the link it dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingChoice {
    pub crm_id: String,
    pub action: PendingAction,
}

impl FromJson for PendingChoice {
    fn from_json(v: Value) -> Result<Self, Error> {
        let mut o = Object::of(v, "a pending deletion choice {crmId, action}")?;
        Ok(PendingChoice {
            crm_id: o.field("crmId")?,
            action: o.field("action")?,
        })
    }
}

/// What the user decided in the preview, passed with the run that applies it. Each decision
/// must name a conflict or an ambiguous match of that run's plan: one that does not (an unknown
/// id, or the data changed since the preview) is listed in [`Plan::rejected`] and the run writes
/// nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decisions {
    pub conflicts: Vec<ConflictChoice>,
    pub matches: Vec<MatchDecision>,
    /// Restore or delete now, per held deletion.
    pub pending: Vec<PendingChoice>,
}

impl FromJson for Decisions {
    fn from_json(v: Value) -> Result<Self, Error> {
        let mut o = Object::of(v, "decisions {conflicts?, matches?, pending?}")?;
        Ok(Decisions {
            conflicts: o.or_default("conflicts")?,
            matches: o.or_default("matches")?,
            pending: o.or_default("pending")?,
        })
    }
}

/// No decisions: what scheduled runs and the actions plan with.
pub static NO_DECISIONS: Decisions = Decisions {
    conflicts: Vec::new(),
    matches: Vec::new(),
    pending: Vec::new(),
};

impl Decisions {
    pub fn is_empty(&self) -> bool {
        self.conflicts.is_empty() && self.matches.is_empty() && self.pending.is_empty()
    }
}

/// A decision the planner refuses: it names nothing in this plan (the data changed since the
/// preview), or it contradicts another decision. What the user reads is its `Display`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// One field of a contact chosen from both sides.
    BothSides { crm_id: String, field: Field },
    /// A choice for a conflict the plan does not have.
    NoConflict { crm_id: String, field: Field },
    /// A decision on a pair that is no ambiguous match of the plan.
    NotAmbiguous {
        crm_id: String,
        resource_name: String,
    },
    /// One pair both linked and kept apart.
    LinkedAndApart {
        crm_id: String,
        resource_name: String,
    },
    /// A contact linked to two of the other side.
    LinkedTwice {
        crm_id: String,
        resource_name: String,
    },
    /// A choice for a deletion that is not held (made, restored or cancelled since).
    NotPending { crm_id: String },
}

impl Rejection {
    /// The message of a run refused for these: "decisions: " and each said, `;` apart.
    pub fn message(rejected: &[Rejection]) -> String {
        let said: Vec<String> = rejected.iter().map(Rejection::to_string).collect();
        format!("decisions: {}", said.join("; "))
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::BothSides { crm_id, field } => {
                write!(
                    f,
                    "the {field} of CRM contact {crm_id} is chosen from both sides"
                )
            }
            Rejection::NoConflict { crm_id, field } => write!(
                f,
                "CRM contact {crm_id} has no conflict in its {field} now: preview again"
            ),
            Rejection::NotAmbiguous {
                crm_id,
                resource_name,
            } => write!(
                f,
                "CRM contact {crm_id} and Google contact {resource_name} are not an ambiguous \
                 match now: preview again"
            ),
            Rejection::LinkedAndApart {
                crm_id,
                resource_name,
            } => write!(
                f,
                "CRM contact {crm_id} and Google contact {resource_name} are both linked and \
                 kept apart"
            ),
            Rejection::LinkedTwice {
                crm_id,
                resource_name,
            } => write!(
                f,
                "CRM contact {crm_id} or Google contact {resource_name} is linked to two contacts"
            ),
            Rejection::NotPending { crm_id } => write!(
                f,
                "the deletion of CRM contact {crm_id}'s pair is not pending now: look again"
            ),
        }
    }
}

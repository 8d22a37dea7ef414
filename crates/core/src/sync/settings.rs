//! An account's settings and the policies that decide what sync does (docs/sync-rules.md).
//!
//! Policies are enums, never strings or bools, so every rule that depends on one is a `match`
//! the compiler checks.

use super::custom::CustomSetting;
use super::direction::FieldDirections;
use super::labels::{Labels, TagLabel};
use super::model::{Millis, Side};
use super::normalize::Region;
use crate::json::FromJson;
use crate::{json_enum, json_struct};
use serde_json::Value;
use std::collections::BTreeMap;

json_enum! {
    /// Who wins when both sides changed a field differently since the last sync.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum ConflictPolicy {
        /// The side edited last: the CRM's `modifiedAt` against Google's contact-source
        /// `updateTime`.
        #[default]
        Newest = "newest",
        Crm = "crm",
        Google = "google",
    }
}

json_enum! {
    #[json(tag = "kind", content = "status")]
    /// What a deletion in Google does to the linked CRM contact.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub enum GoogleDeletes {
        /// Delete the CRM contact (kvCORE's rule).
        #[default]
        Delete = "delete",
        /// Keep the CRM contact and forget the link.
        Unlink = "unlink",
        /// Keep the CRM contact, set its status to this value, and forget the link.
        SetStatus(String) = "setStatus",
    }
}

json_enum! {
    /// What a deletion in the CRM does to the linked Google contact.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum CrmDeletes {
        /// Leave the Google contact alone and forget the link (kvCORE's rule).
        #[default]
        Keep = "keep",
        Delete = "delete",
    }
}

json_enum! {
    /// Which ways data flows.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum Directions {
        #[default]
        Both = "both",
        CrmToGoogle = "crmToGoogle",
        GoogleToCrm = "googleToCrm",
    }
}

impl Directions {
    pub fn writes_google(self) -> bool {
        matches!(self, Directions::Both | Directions::CrmToGoogle)
    }
    pub fn writes_crm(self) -> bool {
        matches!(self, Directions::Both | Directions::GoogleToCrm)
    }
}

json_struct! {
    /// The mass-deletion guard: a run that would delete more than `max(min, percent% of links)`
    /// on either side holds those deletions back until the user confirms them.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct DeletionGuard {
        pub min: u32 = "min",
        pub percent: u32 = "percent",
    }
}

impl Default for DeletionGuard {
    fn default() -> Self {
        DeletionGuard {
            min: 10,
            percent: 10,
        }
    }
}

impl DeletionGuard {
    /// The most deletions on one side a run may make without asking, for an account with `links`.
    pub fn limit(&self, links: usize) -> usize {
        let share = links.saturating_mul(self.percent as usize) / 100;
        share.max(self.min as usize)
    }
}

json_struct! {
    #[json(default)]
    /// What runs keep to be undone: the before-images of the last `runs` runs that wrote, within
    /// `max_bytes` of host storage in all (the oldest go first; a run whose images alone pass
    /// it is not kept, and cannot be undone).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct UndoKeep {
        pub runs: u32 = "runs",
        pub max_bytes: u64 = "maxBytes",
    }
}

impl Default for UndoKeep {
    fn default() -> Self {
        UndoKeep {
            runs: 5,
            max_bytes: 32 * 1024 * 1024,
        }
    }
}

json_enum! {
    #[json(tag = "kind", content = "value")]
    /// The group CRM contacts are sent to.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum TargetGroup {
        /// An existing group, by resource name (`contactGroups/…`).
        Existing(String) = "existing",
        /// A group by name, created on first use.
        Named(String) = "named",
    }
}

impl Default for TargetGroup {
    fn default() -> Self {
        TargetGroup::Named("CRM".to_string())
    }
}

json_struct! {
    #[json(default)]
    /// One account's settings; a setting absent from a stored value keeps its default.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Settings {
        /// The seeds' "ContactSync" checkbox: when off, no run touches this account.
        pub enabled: bool = "enabled",
        /// The CRM view whose contacts go to Google; `None` is "All".
        pub crm_view_id: Option<String> = "crmViewId",
        pub target_group: TargetGroup = "targetGroup",
        /// Google groups whose members come to the CRM (resource names); default `myContacts`.
        pub source_groups: Vec<String> = "sourceGroups",
        /// The status new contacts from Google get in the CRM ("Import contacts as").
        pub import_status: Option<String> = "importStatus",
        pub conflict_policy: ConflictPolicy = "conflictPolicy",
        pub google_deletes: GoogleDeletes = "googleDeletes",
        pub crm_deletes: CrmDeletes = "crmDeletes",
        pub directions: Directions = "directions",
        /// Which way each field flows, within `directions` (see [`crate::sync::direction`]).
        pub field_directions: FieldDirections = "fieldDirections" [skip_empty],
        pub interval_minutes: u32 = "intervalMinutes",
        /// The region national phone numbers are read in (ISO 3166-1 alpha-2).
        pub default_region: String = "defaultRegion",
        pub deletion_guard: DeletionGuard = "deletionGuard",
        /// Days a deletion in Google waits before the CRM contact is deleted (`googleDeletes:
        /// delete`); 0 deletes at once.
        pub google_deletes_hold_days: u32 = "googleDeletesHoldDays",
        /// Days a deletion in the CRM waits before the Google contact is deleted (`crmDeletes:
        /// delete`); 0 deletes at once.
        pub crm_deletes_hold_days: u32 = "crmDeletesHoldDays",
        /// `None`: [`UndoKeep::default`] (settings saved before undo existed hold none).
        pub undo: Option<UndoKeep> = "undo" [skip_empty],
        /// The Google target and direction of each of the host's custom fields, by the host's
        /// key; a field left out goes to `userDefined` under its label, both ways
        /// ([`crate::sync::custom`]).
        pub custom_fields: BTreeMap<String, CustomSetting> = "customFields" [skip_empty],
        /// CRM tags and the Google labels they map to ([`crate::sync::labels`]).
        pub tag_labels: Vec<TagLabel> = "tagLabels" [skip_empty],
    }
}

/// How many days a propagated deletion waits by default, on either side.
pub const DEFAULT_HOLD_DAYS: u32 = 3;
/// The longest a deletion may wait.
pub const MAX_HOLD_DAYS: u32 = 90;

pub const MY_CONTACTS: &str = "contactGroups/myContacts";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            crm_view_id: None,
            target_group: TargetGroup::default(),
            source_groups: vec![MY_CONTACTS.to_string()],
            import_status: None,
            conflict_policy: ConflictPolicy::default(),
            google_deletes: GoogleDeletes::default(),
            crm_deletes: CrmDeletes::default(),
            directions: Directions::default(),
            field_directions: FieldDirections::default(),
            interval_minutes: 60,
            default_region: "US".to_string(),
            deletion_guard: DeletionGuard::default(),
            google_deletes_hold_days: DEFAULT_HOLD_DAYS,
            crm_deletes_hold_days: DEFAULT_HOLD_DAYS,
            undo: None,
            custom_fields: BTreeMap::new(),
            tag_labels: Vec::new(),
        }
    }
}

impl Settings {
    /// How long a deletion propagated onto `side` waits before it is made, in milliseconds.
    pub fn hold_ms(&self, side: Side) -> Millis {
        let days = match side {
            Side::Crm => self.google_deletes_hold_days,
            Side::Google => self.crm_deletes_hold_days,
        };
        Millis::from(days) * 24 * 60 * 60 * 1000
    }

    /// The default region, falling back to the US when the setting is not a region code.
    pub fn region(&self) -> Region {
        Region::parse(&self.default_region).unwrap_or_default()
    }

    /// The tags mapped to Google labels.
    pub fn labels(&self) -> Labels<'_> {
        Labels(&self.tag_labels)
    }

    /// Each mapping names a tag and a group, and no tag or group twice: one tag is one label.
    fn validate_tag_labels(&self) -> Result<(), InvalidSettings> {
        let bad = |m: String| Err(InvalidSettings(m));
        for (i, l) in self.tag_labels.iter().enumerate() {
            if l.tag.trim().is_empty() {
                return bad(format!("tagLabels[{i}].tag: empty"));
            }
            if !l.group.starts_with("contactGroups/") || l.group == MY_CONTACTS {
                return bad(format!(
                    "tagLabels[{i}].group: {:?} is not a label (a user's contact group)",
                    l.group
                ));
            }
            let earlier = &self.tag_labels[..i];
            let key = crate::sync::normalize::text_key(&l.tag);
            if earlier
                .iter()
                .any(|e| crate::sync::normalize::text_key(&e.tag) == key)
            {
                return bad(format!("tagLabels[{i}].tag: {:?} is mapped twice", l.tag));
            }
            if earlier.iter().any(|e| e.group == l.group) {
                return bad(format!(
                    "tagLabels[{i}].group: {:?} is mapped twice",
                    l.group
                ));
            }
        }
        Ok(())
    }

    /// What runs keep to be undone.
    pub fn undo_keep(&self) -> UndoKeep {
        self.undo.unwrap_or_default()
    }
}

/// Why settings were refused, naming the setting as the JS API names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidSettings(pub String);

impl std::fmt::Display for InvalidSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Settings {
    /// The settings written only when they hold something (so stored settings stay as they
    /// were before each existed), settings all the same: a patch may name them.
    const LEFT_OUT_WHEN_EMPTY: [&'static str; 4] =
        ["fieldDirections", "undo", "customFields", "tagLabels"];

    /// These settings with `given` (a partial `Settings` object, as the JS API takes it) laid
    /// over them, checked. A key that is not a setting is refused rather than ignored, so a
    /// misspelt setting is not silently lost; a key given as `null` is set to `null` (which only
    /// the optional settings accept).
    pub fn patched(&self, given: &Value) -> Result<Settings, InvalidSettings> {
        let bad = |m: String| InvalidSettings(m);
        let Some(given) = given.as_object() else {
            return Err(bad("settings: expected an object".into()));
        };
        let Ok(Value::Object(mut merged)) = serde_json::to_value(self) else {
            unreachable!("Settings serializes to an object: a struct of plain fields")
        };
        for (k, v) in given {
            if !merged.contains_key(k) && !Self::LEFT_OUT_WHEN_EMPTY.contains(&k.as_str()) {
                return Err(bad(format!("{k}: not a setting")));
            }
            merged.insert(k.clone(), v.clone());
        }
        let mut s = Settings::from_json(Value::Object(merged))
            .map_err(|e| bad(format!("settings: {e}")))?;
        s.default_region = s.default_region.trim().to_ascii_uppercase();
        s.validate()?;
        Ok(s)
    }

    /// Whether the settings can be used, naming the first one that cannot.
    pub fn validate(&self) -> Result<(), InvalidSettings> {
        let bad = |m: String| Err(InvalidSettings(m));
        if !(5..=7 * 24 * 60).contains(&self.interval_minutes) {
            return bad(format!(
                "intervalMinutes: {} is outside 5..10080",
                self.interval_minutes
            ));
        }
        let r = self.default_region.as_bytes();
        if r.len() != 2 || !r.iter().all(u8::is_ascii_alphabetic) {
            return bad(format!(
                "defaultRegion: {:?} is not a two-letter region",
                self.default_region
            ));
        }
        if self.source_groups.is_empty()
            || self
                .source_groups
                .iter()
                .any(|g| !g.starts_with("contactGroups/"))
        {
            return bad("sourceGroups: expected one or more \"contactGroups/…\" names".into());
        }
        match &self.target_group {
            TargetGroup::Existing(g) if !g.starts_with("contactGroups/") => {
                return bad(format!("targetGroup: {g:?} is not a contact group"))
            }
            TargetGroup::Named(n) if n.trim().is_empty() => {
                return bad("targetGroup: the group name is empty".into())
            }
            _ => {}
        }
        if matches!(&self.google_deletes, GoogleDeletes::SetStatus(st) if st.trim().is_empty()) {
            return bad("googleDeletes: the status is empty".into());
        }
        if self.deletion_guard.percent > 100 {
            return bad("deletionGuard.percent: over 100".into());
        }
        for (key, days) in [
            ("googleDeletesHoldDays", self.google_deletes_hold_days),
            ("crmDeletesHoldDays", self.crm_deletes_hold_days),
        ] {
            if days > MAX_HOLD_DAYS {
                return bad(format!("{key}: {days} is over {MAX_HOLD_DAYS} days"));
            }
        }
        if self.undo_keep().runs as usize > crate::store::RUNS_KEPT {
            return bad(format!(
                "undo.runs: over {}, the runs the history keeps",
                crate::store::RUNS_KEPT
            ));
        }
        self.validate_tag_labels()?;
        if self.crm_view_id.as_deref().is_some_and(str::is_empty) {
            return bad("crmViewId: empty (use null for All)".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

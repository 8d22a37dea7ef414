//! A plan's fingerprint: what the preview showed, so the run that applies it can tell whether it
//! is about to make the same writes.
//!
//! It digests every write with its values (creates, updates with the values and etags they
//! carry, deletions, links, unlinks, group additions), in the plan's order, which planning keeps
//! deterministic. The target group's resource name is digested as a placeholder: a preview made
//! before the group exists plans with a stand-in, and the run that applies it creates the group
//! first. Conflicts, ambiguous matches and held deletions are not writes: they are reported, and
//! a decision on them changes the writes when it changes anything.

use super::Plan;

/// The stand-in for the target group in the plan of a preview made before the group exists: a
/// preview never writes, so it never reaches Google. It reads as the group's name where the
/// preview names groups by their resource name.
pub fn new_group_placeholder(name: &str) -> String {
    format!("contactGroups/{name}")
}

impl Plan {
    /// The fingerprint of the plan's writes (see the module docs), `target_group` being the
    /// group the plan was made with, if any.
    pub fn fingerprint_of(&self, target_group: Option<&str>) -> String {
        // As JSON, which the plugin writes anyway (formatting them for debugging would add
        // that code to the wasm for this alone).
        let writes = serde_json::to_string(&(
            &self.creates_google,
            &self.creates_crm,
            &self.updates,
            &self.deletes,
            &self.links,
            &self.unlinks,
            &self.group_adds,
        ))
        .unwrap_or_default();
        // A preview made under other field directions than the run's is not the run's plan
        // even when their writes agree: applying it accepts the directions it showed.
        let writes = match self.direction_changes.is_empty() {
            true => writes,
            false => writes + &serde_json::to_string(&self.direction_changes).unwrap_or_default(),
        };
        // Held deletions and their marks, when there are any (plans without keep the digest
        // they always had).
        let writes = match self.holds.is_empty() && self.unheld.is_empty() {
            true => writes,
            false => {
                let held = (&self.holds, &self.unheld, &self.pending_marks);
                writes + &serde_json::to_string(&held).unwrap_or_default()
            }
        };
        // An undo's restores from the host's trash, when there are any.
        let writes = match self.restores_crm.is_empty() {
            true => writes,
            false => writes + &serde_json::to_string(&self.restores_crm).unwrap_or_default(),
        };
        // JSON quotes strings: a resource name is replaced whole, never inside a longer one.
        let writes = match target_group {
            Some(g) => writes.replace(
                &serde_json::to_string(g).unwrap_or_default(),
                "\"<target group>\"",
            ),
            None => writes,
        };
        format!("{:016x}", fnv1a(writes.as_bytes()))
    }
}

/// 64-bit FNV-1a: stable across builds and platforms (the preview and the run may be made by
/// different instances of the plugin), and enough to tell two plans apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

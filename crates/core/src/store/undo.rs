//! What runs keep to be undone: each run's before-images ([`RunUndo`]) in pieces under
//! `undo/<slot>/<n>`, and an index at `undo` naming, oldest first, the runs kept, their pieces
//! and their size. The settings bound it ([`UndoKeep`]): the last runs, within a size in all.
//!
//! Each piece is a list of whole images whose stored text stays within the host's limit on one
//! value; an image's contact is written without its empty values (they read back as empty), so
//! an update that wrote one field keeps that field alone.

use super::{fnv, key, read, unreadable, wrap_value, Unreadable};
use crate::json_struct;
use crate::sync::plan::{BeforeImage, RunUndo};
use crate::sync::settings::UndoKeep;
use serde_json::Value;

json_struct! {
    /// One run the index names.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct KeptRun {
        /// The run's id: its report's `startedAt`.
        pub run: String = "run",
        pub pieces: u32 = "pieces",
        /// The stored size of its pieces.
        pub bytes: u64 = "bytes",
    }
}

json_struct! {
    /// The index of the runs kept, oldest first.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct UndoIndex {
        pub runs: Vec<KeptRun> = "runs" [default],
    }
}

json_struct! {
    /// One piece of a run's images.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    struct Piece {
        run: String = "run",
        images: Vec<BeforeImage> = "images" [default],
    }
}

/// The key of the index.
pub fn undo_index_key(account: &str) -> String {
    key(account, "undo")
}

/// The keys of run `run`'s pieces, in order.
pub fn undo_piece_keys(account: &str, kept: &KeptRun) -> Vec<String> {
    let slot = format!("{:016x}", fnv(&kept.run));
    (0..kept.pieces)
        .map(|n| key(account, &format!("undo/{slot}/{n}")))
        .collect()
}

/// The index as stored; none yet is an empty one.
pub fn undo_index(account: &str, text: Option<&str>) -> Result<UndoIndex, Unreadable> {
    match text {
        Some(t) => read(&undo_index_key(account), t),
        None => Ok(UndoIndex::default()),
    }
}

/// Every key of what runs keep to be undone, for "Disconnect": the index and the pieces it names
/// (an index that cannot be read names none).
pub fn undo_keys(account: &str, index: Option<&str>) -> Vec<String> {
    let mut keys = vec![undo_index_key(account)];
    for kept in undo_index(account, index).unwrap_or_default().runs {
        keys.extend(undo_piece_keys(account, &kept));
    }
    keys
}

/// What keeping a run's images writes and removes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UndoSave {
    /// Pieces first, the index last: an index never names a piece not yet written.
    pub writes: Vec<(String, String)>,
    /// The pieces of the runs no longer kept, once the index is written.
    pub removes: Vec<String>,
    /// The run was not kept: its images alone pass the size the settings allow, or one image
    /// passes the host's limit on one value. Why, for the report.
    pub not_kept: Option<String>,
}

/// Keeps `undo` after the runs `index` names, within `keep` and `max_value_bytes`.
pub fn keep_undo(
    account: &str,
    index: UndoIndex,
    undo: &RunUndo,
    keep: UndoKeep,
    max_value_bytes: usize,
) -> UndoSave {
    let mut save = UndoSave::default();
    let mut texts: Vec<String> = Vec::new();
    let mut images: Vec<Value> = Vec::new();
    let mut size = 0;
    let piece_text =
        |images: &[Value]| wrap_value(&serde_json::json!({ "run": undo.run, "images": images }));
    let overhead = piece_text(&[]).len();
    for image in &undo.images {
        let mut v = serde_json::to_value(image).unwrap_or(Value::Null);
        for contact in ["before", "after"] {
            if let Some(c) = v.get_mut(contact) {
                compact(c);
            }
        }
        let len = v.to_string().len() + 1;
        if overhead + len > max_value_bytes {
            save.not_kept = Some(format!(
                "the contact {:?} takes {len} bytes, more than the {max_value_bytes} bytes the \
                 host stores in one value",
                image.name
            ));
            return with_removed(save, account, index, keep);
        }
        if overhead + size + len > max_value_bytes && !images.is_empty() {
            texts.push(piece_text(&images));
            images.clear();
            size = 0;
        }
        size += len;
        images.push(v);
    }
    texts.push(piece_text(&images));
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    if bytes > keep.max_bytes || keep.runs == 0 {
        save.not_kept = Some(format!(
            "what it changed takes {bytes} bytes, more than the {} bytes kept to undo runs \
             (settings: undo.maxBytes)",
            keep.max_bytes
        ));
        return with_removed(save, account, index, keep);
    }
    let kept = KeptRun {
        run: undo.run.clone(),
        pieces: texts.len() as u32,
        bytes,
    };
    save.writes = undo_piece_keys(account, &kept)
        .into_iter()
        .zip(texts)
        .collect();
    let mut index = index;
    // A run kept again (its id reused) replaces its old pieces.
    if let Some(old) = index.runs.iter().position(|r| r.run == kept.run) {
        let old = index.runs.remove(old);
        let new_keys = undo_piece_keys(account, &kept);
        save.removes.extend(
            undo_piece_keys(account, &old)
                .into_iter()
                .filter(|k| !new_keys.contains(k)),
        );
    }
    index.runs.push(kept);
    with_removed(save, account, index, keep)
}

/// Drops the oldest runs of `index` until it holds at most `keep.runs` runs within
/// `keep.max_bytes`, and writes the index.
fn with_removed(
    mut save: UndoSave,
    account: &str,
    mut index: UndoIndex,
    keep: UndoKeep,
) -> UndoSave {
    let total = |i: &UndoIndex| i.runs.iter().map(|r| r.bytes).sum::<u64>();
    while !index.runs.is_empty()
        && (index.runs.len() > keep.runs as usize || total(&index) > keep.max_bytes)
    {
        let old = index.runs.remove(0);
        save.removes.extend(undo_piece_keys(account, &old));
    }
    save.writes
        .push((undo_index_key(account), wrap_value(&index)));
    save
}

/// Run `run` as its pieces' texts (in [`undo_piece_keys`] order) give it.
pub fn load_undo(
    account: &str,
    kept: &KeptRun,
    texts: &[Option<String>],
) -> Result<RunUndo, Unreadable> {
    let mut out = RunUndo {
        run: kept.run.clone(),
        images: Vec::new(),
    };
    for (k, text) in undo_piece_keys(account, kept).iter().zip(texts) {
        let text = text
            .as_deref()
            .ok_or_else(|| unreadable(k, "missing: the run can no longer be undone"))?;
        let piece: Piece = read(k, text)?;
        if piece.run != kept.run {
            return Err(unreadable(k, "holds another run"));
        }
        out.images.extend(piece.images);
    }
    Ok(out)
}

/// Removes the empty values of a contact's JSON (`""`, `[]`, `{}`, `false`, `null`): each reads
/// back as empty.
fn compact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for x in m.values_mut() {
                compact(x);
            }
            m.retain(|_, x| !is_empty(x));
        }
        Value::Array(a) => a.iter_mut().for_each(compact),
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

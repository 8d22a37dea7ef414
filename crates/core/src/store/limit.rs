//! Keeping every value written within the host's limit: a shard's entries in pieces.

use super::{shard_text, Entries};
use serde::Serialize;
use std::fmt;

/// A value that cannot be written within the host's limit: the entry (a CRM contact's id, or
/// a Google contact's resource name) or the header, and their size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub what: String,
    pub bytes: usize,
    pub limit: usize,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} takes {} bytes in storage, more than the {} bytes the host stores in one value \
             (capabilities.storageMaxValueBytes): shorten its notes, or raise the host's limit",
            self.what, self.bytes, self.limit
        )
    }
}

impl std::error::Error for TooLarge {}

/// What a shard's text takes besides its entries, with the longest generation.
pub(super) const SHARD_OVERHEAD: usize =
    r#"{"version":3,"generation":18446744073709551615,"entries":{}}"#.len();

/// A shard's entries in pieces whose texts each stay within `limit` bytes (taken in key order,
/// so the same entries always make the same pieces). `what` names an entry for the error.
pub(super) fn pieces<'a, T: Serialize>(
    entries: Entries<'a, T>,
    limit: usize,
    what: &str,
) -> Result<Vec<Entries<'a, T>>, TooLarge> {
    let mut out = vec![Entries(Vec::new())];
    let mut size = SHARD_OVERHEAD;
    for (k, v) in entries.0 {
        // Invariant: plain data, as in `wrap_value`. The key, its colon and a comma.
        let bytes = serde_json::to_string(k).unwrap_or_default().len()
            + serde_json::to_string(v).unwrap_or_default().len()
            + 2;
        if SHARD_OVERHEAD + bytes > limit {
            return Err(TooLarge {
                what: format!("{what} {k}"),
                bytes: SHARD_OVERHEAD + bytes,
                limit,
            });
        }
        if size + bytes > limit {
            out.push(Entries(Vec::new()));
            size = SHARD_OVERHEAD;
        }
        size += bytes;
        if let Some(last) = out.last_mut() {
            last.0.push((k, v));
        }
    }
    Ok(out)
}

/// The key of piece `j` of the shard at `base` (the first piece is at `base` itself).
pub(super) fn piece_key(base: &str, j: usize) -> String {
    if j == 0 {
        base.to_string()
    } else {
        format!("{base}/{j}")
    }
}

/// The pieces of one shard, each as its key, whether it holds no entry, and its text at a
/// generation.
pub(super) type Texts<'a> = Vec<(String, bool, Box<dyn Fn(u64) -> String + 'a>)>;

pub(super) fn shard_pieces<'a, T: Serialize>(
    base: &str,
    entries: Entries<'a, T>,
    limit: usize,
    what: &str,
) -> Result<Texts<'a>, TooLarge> {
    Ok(pieces(entries, limit, what)?
        .into_iter()
        .enumerate()
        .map(|(j, e)| {
            let empty = e.0.is_empty();
            let text: Box<dyn Fn(u64) -> String + 'a> = Box::new(move |g| shard_text(&e, g));
            (piece_key(base, j), empty, text)
        })
        .collect())
}

/// Shard `i` of `parts`, taken out (none when the shards were not split).
pub(super) fn take<'a, T>(parts: &mut [Entries<'a, T>], i: usize) -> Entries<'a, T> {
    parts.get_mut(i).map_or(Entries(Vec::new()), |e| {
        std::mem::replace(e, Entries(Vec::new()))
    })
}

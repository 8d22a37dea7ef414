//! Contact photos (docs/sync-rules.md, "Photos"): which of Google's photos is the user's, how a
//! photo is compared without downloading it again, and the three-way merge of the photo as one
//! field.
//!
//! Google gives every photo upload a new URL and keeps the URL of an unchanged photo, so the
//! link's base keeps the URL and a hash of the image both sides agreed on: Google's photo
//! changed only if its URL is not the base's, the CRM's only if its hash is not the base's. An
//! unchanged photo is never downloaded; a changed Google photo is downloaded only when the merge
//! sends it to the CRM. Only the contact's own photo counts: an item whose `metadata.source` is
//! not CONTACT (a Google profile's photo) or whose `default` is true (the letter Google draws for
//! a contact without one) is never the user's photo.
//!
//! Sizes are bounded by [`MAX_BYTES`]: a CRM photo larger than that is not sent (the contact is
//! reported), and a download asks Google for [`SIZE_PX`] pixels and refuses a larger answer.

use super::direction::FieldDirection;
use super::model::{Millis, Photo, Side};
use super::settings::ConflictPolicy;
use crate::people::wire::Person;
use serde_json::Value;

/// The most image bytes a photo may have, either way: 1 MiB. A contact photo is shown at a few
/// hundred pixels; a [`SIZE_PX`] JPEG is some tens of kilobytes, so the bound refuses only a
/// photo no CRM avatar needs, and keeps what a run holds (and a host stores) bounded.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The size in pixels a download asks Google for (the `sz` parameter Google's photo URLs take).
pub const SIZE_PX: u32 = 512;

/// The formats `updateContactPhoto` accepts: "All requests must have a valid photo format: JPEG
/// or PNG."
pub const FORMATS: [&str; 2] = ["image/jpeg", "image/png"];

/// The user's own photo of a person: the first `photos` item of the CONTACT source that is not
/// Google's default. Its hash is unknown until downloaded.
pub fn of_person(person: &Person) -> Option<Photo> {
    let items = person.other.get("photos")?.as_array()?;
    items.iter().find_map(|item| {
        let source = item
            .pointer("/metadata/source/type")
            .and_then(Value::as_str);
        let own = source.is_none_or(|t| t == "CONTACT");
        let default = item.get("default").and_then(Value::as_bool) == Some(true);
        let url = item.get("url").and_then(Value::as_str).unwrap_or("");
        (own && !default && !url.is_empty()).then(|| Photo {
            url: url.to_string(),
            ..Photo::default()
        })
    })
}

/// The URL a download fetches: Google's URL asking for [`SIZE_PX`] pixels.
pub fn download_url(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sz={SIZE_PX}")
}

/// The image format of `bytes`, by its signature, if it is one Google takes.
pub fn format_of(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(FORMATS[0])
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FORMATS[1])
    } else {
        None
    }
}

/// The hash a photo is compared by: FNV-1a of its base64 text, as 16 hex digits.
pub fn hash(base64: &str) -> String {
    format!("{:016x}", crate::store::fnv(base64))
}

/// Why a photo cannot be synced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoError {
    /// Not a `data:image/jpeg;base64,` or `data:image/png;base64,` URL.
    NotAnImage,
    /// Over [`MAX_BYTES`].
    TooLarge { bytes: usize },
}

impl std::fmt::Display for PhotoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhotoError::NotAnImage => {
                f.write_str("the photo is not a JPEG or PNG image given as a base64 data: URL")
            }
            PhotoError::TooLarge { bytes } => write!(
                f,
                "the photo has {bytes} bytes, more than the {MAX_BYTES} a synced photo may have"
            ),
        }
    }
}

/// A host's photo (a `data:` URL of a JPEG or PNG) as a [`Photo`] with its hash.
pub fn from_data_url(data: &str) -> Result<Photo, PhotoError> {
    let payload = FORMATS
        .iter()
        .find_map(|f| {
            data.strip_prefix("data:")?
                .strip_prefix(f)?
                .strip_prefix(";base64,")
        })
        .ok_or(PhotoError::NotAnImage)?;
    let bytes = payload.trim_end_matches('=').len() * 3 / 4;
    if bytes > MAX_BYTES {
        return Err(PhotoError::TooLarge { bytes });
    }
    if payload.is_empty()
        || !payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    {
        return Err(PhotoError::NotAnImage);
    }
    Ok(Photo {
        hash: hash(payload),
        url: String::new(),
        data: data.to_string(),
    })
}

/// The base64 payload of a photo's `data:` URL (what `updateContactPhoto` takes as `photoBytes`).
pub fn payload(photo: &Photo) -> &str {
    photo.data.split_once(";base64,").map_or("", |(_, p)| p)
}

/// Downloaded bytes as a [`Photo`] at `url`: its `data:` URL and hash.
pub fn from_bytes(bytes: &[u8], url: &str) -> Result<Photo, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge { bytes: bytes.len() });
    }
    let format = format_of(bytes).ok_or(PhotoError::NotAnImage)?;
    let b64 = base64(bytes);
    Ok(Photo {
        hash: hash(&b64),
        url: url.to_string(),
        data: format!("data:{format};base64,{b64}"),
    })
}

/// Standard base64 with padding: the one encoding a photo needs, too small to earn a crate.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What one side shows of its photo this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen<'a> {
    /// The side was not read for this contact (an incremental listing that did not bring it):
    /// unchanged.
    NotRead,
    /// Read: its photo, or none.
    Read(Option<&'a Photo>),
}

/// Everything the photo merge of one pair needs.
#[derive(Clone, Copy, Debug)]
pub struct PhotoInput<'a> {
    /// The photo both sides agreed on; a base photo without a hash (recorded before photos were
    /// synced) counts as none.
    pub base: Option<&'a Photo>,
    pub crm: Seen<'a>,
    pub google: Seen<'a>,
    pub crm_modified_at: Millis,
    pub google_modified_at: Millis,
    pub policy: ConflictPolicy,
    /// Whether the photo may be written to each side (the settings' directions of the sync and
    /// the run's scope).
    pub write_crm: bool,
    pub write_google: bool,
    /// The photo's own direction (`fieldDirections.photo`).
    pub direction: FieldDirection,
}

/// The photo merge's outcome for one pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoMove {
    /// Nothing changed, or the change may not be written.
    Keep,
    /// Google's photo goes to the CRM: download it (the CRM's photo stays if it is the same
    /// image).
    ToCrm { url: String },
    /// Google's photo was removed: remove the CRM's.
    ClearCrm,
    /// The CRM's photo goes to Google.
    ToGoogle,
    /// The CRM's photo was removed: remove Google's.
    ClearGoogle,
    /// Nothing to write, but a new base: both sides removed the photo, or both hold one and no
    /// base tells which changed (a first link, or a link made before photos synced): then
    /// neither side loses its photo, and the pair is recorded as agreed.
    Agree { photo: Option<Photo> },
}

/// The three-way merge of the photo as one value (docs/sync-rules.md, "Merge"): a side changed if
/// it was read and differs from the base (Google by URL, the CRM by hash); one side changed, it
/// wins; both changed, the account's conflict policy decides.
///
/// The photo's direction as the other fields' (`crate::sync::direction`): a one-way photo is
/// written only on its receiving side, and its source side wins when both changed; the
/// receiving side's own change stays there, with the base as it was. A photo not synced moves
/// nothing and keeps its base.
pub fn merge(input: PhotoInput<'_>) -> PhotoMove {
    if input.direction == FieldDirection::NotSynced {
        return PhotoMove::Keep;
    }
    let base = input.base.filter(|b| !b.hash.is_empty());
    let google_changed = match input.google {
        Seen::NotRead => false,
        Seen::Read(g) => g.map(|p| &p.url) != base.map(|b| &b.url),
    };
    let crm_changed = match input.crm {
        Seen::NotRead => false,
        Seen::Read(c) => c.map(|p| &p.hash) != base.map(|b| &b.hash),
    };
    let winner = match (crm_changed, google_changed) {
        (false, false) => return PhotoMove::Keep,
        (true, false) => Side::Crm,
        (false, true) => Side::Google,
        (true, true) => {
            match (base, input.google, input.crm) {
                (_, Seen::Read(None), Seen::Read(None)) => return PhotoMove::Agree { photo: None },
                (None, Seen::Read(Some(g)), Seen::Read(Some(c))) => {
                    return PhotoMove::Agree {
                        photo: Some(Photo {
                            hash: c.hash.clone(),
                            url: g.url.clone(),
                            data: String::new(),
                        }),
                    }
                }
                _ => {}
            }
            match (input.direction.source(), input.policy) {
                (Some(source), _) => source,
                (None, ConflictPolicy::Crm) => Side::Crm,
                (None, ConflictPolicy::Google) => Side::Google,
                (None, ConflictPolicy::Newest)
                    if input.google_modified_at > input.crm_modified_at =>
                {
                    Side::Google
                }
                (None, ConflictPolicy::Newest) => Side::Crm,
            }
        }
    };
    match (winner, input.crm, input.google) {
        (Side::Google, _, Seen::Read(g))
            if input.write_crm && input.direction.writes(Side::Crm) =>
        {
            match g {
                Some(g) => PhotoMove::ToCrm { url: g.url.clone() },
                None => PhotoMove::ClearCrm,
            }
        }
        (Side::Crm, Seen::Read(c), _)
            if input.write_google && input.direction.writes(Side::Google) =>
        {
            match c {
                Some(_) => PhotoMove::ToGoogle,
                None => PhotoMove::ClearGoogle,
            }
        }
        _ => PhotoMove::Keep,
    }
}

#[cfg(test)]
mod tests;

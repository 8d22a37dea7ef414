//! Comparison keys: two values are "the same" for sync when their keys are equal.
//!
//! - emails: trimmed and case-folded; Gmail addresses without dots and `+tags` (Google's rule);
//! - phones: E.164 when parseable (Google's `canonicalForm` first, else the account's default
//!   region), else the digits alone;
//! - names, addresses and free text: Unicode-normalized (NFKC, by the same code natively and in
//!   the browser, so a comparison the tests check is the one the product makes), case-folded, with
//!   runs of whitespace collapsed and the ends trimmed; whether a scalar text was edited is decided
//!   the same way but with its case ([`text_edit_key`]);
//! - birthdays: year (optional), month, day.

use super::model::{Address, Birthday, Email, Name, Phone};
use std::fmt;

/// An ISO 3166-1 alpha-2 region, upper case, used to read national phone numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Region([u8; 2]);

impl Region {
    pub const US: Region = Region(*b"US");

    /// Parses "us", "US", " gb ". Anything but two ASCII letters is `None`.
    pub fn parse(s: &str) -> Option<Region> {
        let s = s.trim().as_bytes();
        match s {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Region([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        // Invariant: both bytes are ASCII letters (checked in `parse`).
        std::str::from_utf8(&self.0).unwrap_or("US")
    }
}

impl Default for Region {
    fn default() -> Self {
        Region::US
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// NFKC, the same tables natively and in the wasm: a ligature ("ﬁ"), full-width letters and
/// digits ("ＡＣＭＥ", "１２３") and a decomposed accent ("e\u{301}") compare as their plain forms
/// on every build. Only comparison keys are normalized; the text written to either side stays as
/// the user typed it.
fn unicode_normalize(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    // ASCII is already in every normal form; most contact data is ASCII. (The crate's quick check
    // would spare building the rest, at the cost of one more table in the wasm.)
    if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.nfkc().collect())
    }
}

/// The key of free text (names, companies, address parts, notes): normalized, case-folded,
/// whitespace collapsed and trimmed.
pub fn text_key(s: &str) -> String {
    let n = unicode_normalize(s);
    let mut out = String::with_capacity(n.len());
    for word in n.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The form that decides whether free text was edited: [`text_key`] without the case folding. A
/// case-only fix ("mcdonald" → "McDonald") is an edit the user wants on the other side, while
/// matching, which pairs contacts, ignores case.
pub fn text_edit_key(s: &str) -> String {
    let n = unicode_normalize(s);
    let mut out = String::with_capacity(n.len());
    for word in n.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The key of an email address: trimmed and case-folded; a Gmail address also without the dots
/// and the `+tag` of its local part, and with googlemail.com read as gmail.com.
pub fn email_key(e: &Email) -> String {
    email_value_key(&e.value)
}

pub fn email_value_key(s: &str) -> String {
    let s = s.trim().to_lowercase();
    match s.rsplit_once('@') {
        // Google's own rule for its addresses: "a.b+news@gmail.com" is the mailbox of
        // "ab@gmail.com". Other domains decide for themselves, so their dots and tags count.
        Some((local, "gmail.com" | "googlemail.com")) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{}@gmail.com", local.replace('.', ""))
        }
        _ => s,
    }
}

/// The key of a whole name: all parts joined, as [`text_key`] folds them.
pub fn name_key(n: &Name) -> String {
    text_key(&n.full())
}

/// The key of an address: its parts, each folded, joined with '|', so "1 Main St, Springfield"
/// and "1 main st,  springfield" are one address. The country code counts only when the country
/// name is absent, because Google fills one from the other.
pub fn address_key(a: &Address) -> String {
    let country = if a.country.trim().is_empty() {
        a.country_code.trim().to_ascii_lowercase()
    } else {
        text_key(&a.country)
    };
    [
        text_key(&a.street),
        text_key(&a.extended),
        text_key(&a.city),
        text_key(&a.region),
        text_key(&a.postal_code).replace(' ', ""),
        country,
    ]
    .join("|")
}

/// The key of a phone: E.164 when its text parses with the account's region, else its digits.
/// Google's `canonicalForm` counts only for a value without digits.
///
/// The key comes from the text alone so that one number typed the same way gets the same key on
/// both sides. Google reads national numbers with the Google account's region (or not at all),
/// and the CRM's copy has no `canonicalForm`: trusting it on one side made the same phone look
/// different on each, and get written again on every run.
pub fn phone_key(p: &Phone, region: Region) -> String {
    let key = phone_value_key(&p.value, region);
    if key.is_empty() {
        if let Some(c) = p.canonical.as_deref().map(str::trim) {
            if c.starts_with('+') && c.len() > 1 {
                return c.to_string();
            }
        }
    }
    key
}

/// The key of a phone number as typed: E.164 when parseable with the default region, else the
/// digits alone.
pub fn phone_value_key(s: &str, region: Region) -> String {
    super::phone::to_e164(s, region).unwrap_or_else(|| digits(s))
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

impl Birthday {
    /// Parses "YYYY-MM-DD" or "--MM-DD" (no year), checking the day exists in that month.
    pub fn parse(s: &str) -> Result<Birthday, BirthdayError> {
        let s = s.trim();
        let bad = || BirthdayError(s.to_string());
        let (year, rest) = if let Some(rest) = s.strip_prefix("--") {
            (None, rest)
        } else {
            let (y, rest) = s.split_once('-').ok_or_else(bad)?;
            if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let y: u16 = y.parse().map_err(|_| bad())?;
            (if y == 0 { None } else { Some(y) }, rest)
        };
        let (m, d) = rest.split_once('-').ok_or_else(bad)?;
        if m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let month: u8 = m.parse().map_err(|_| bad())?;
        let day: u8 = d.parse().map_err(|_| bad())?;
        Birthday::new(year, month, day).ok_or_else(bad)
    }

    /// A birthday when the date can exist; February 29th is allowed without a year.
    pub fn new(year: Option<u16>, month: u8, day: u8) -> Option<Birthday> {
        let max = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 => match year {
                Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
                _ => 29,
            },
            _ => return None,
        };
        (1..=max)
            .contains(&day)
            .then_some(Birthday { year, month, day })
    }
}

/// "YYYY-MM-DD", or "--MM-DD" without a year: the host contract's format.
impl fmt::Display for Birthday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BirthdayError(pub String);

impl fmt::Display for BirthdayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "birthday {:?} is not a date (expected YYYY-MM-DD or --MM-DD)",
            self.0
        )
    }
}

impl std::error::Error for BirthdayError {}

#[cfg(test)]
mod tests;

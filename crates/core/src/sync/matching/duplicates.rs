//! Possible duplicates: an unlinked contact on each side with the same name and nothing that
//! tells them apart. No rule links them (a name is shared by strangers), and creating each on the
//! other side would double a person entered twice: they are set aside for the user instead.
//!
//! The same name: the full names (prefix, given, middle, family and suffix names) equal once
//! accents, case, apostrophes, hyphens and spacing are folded ("Zoë O'Brien-Smith" and
//! "zoe obrien smith" are one name). An empty name is nobody's.
//!
//! What tells two such contacts apart, each only when both sides hold it:
//! - a birthday on another day (or in another year, when both have one: a birthday without a
//!   year contradicts nothing but the day);
//! - another company (companies compared as text is, case and spacing folded).
//!
//! Emails, phones and addresses do not: one person's work and home details often differ
//! between a CRM and a phone's address book, which is the case this rule is for.

use crate::sync::model::{Birthday, Contact, Name};
use crate::sync::normalize::text_key;
use unicode_normalization::UnicodeNormalization;

/// The name's key for possible duplicates: see the module docs.
pub fn loose_name_key(n: &Name) -> String {
    let folded = text_key(&n.full());
    // NFKD shares its tables with the NFKC the other keys use; the marks it splits off are
    // dropped by their blocks (a table of every combining mark would weigh on the wasm).
    folded
        .nfkd()
        .filter(|c| !is_accent(*c))
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '\'' | '\u{2018}'
                        | '\u{2019}'
                        | '\u{02bc}'
                        | '`'
                        | '\u{00b4}'
                        | '-'
                        | '\u{2010}'
                        | '\u{2011}'
                        | '.'
                )
        })
        .collect()
}

/// Whether `c` is a combining diacritical mark: of the blocks that hold the accents of names
/// written in Latin, Greek and Cyrillic letters.
fn is_accent(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// Whether the two contacts differ in something that tells two people apart (see the module
/// docs).
pub fn contradicts(a: &Contact, b: &Contact) -> bool {
    let birthdays = match (a.birthday, b.birthday) {
        (Some(x), Some(y)) => other_day(x, y),
        _ => false,
    };
    let (ca, cb) = (text_key(&a.company), text_key(&b.company));
    birthdays || (!ca.is_empty() && !cb.is_empty() && ca != cb)
}

fn other_day(a: Birthday, b: Birthday) -> bool {
    (a.month, a.day) != (b.month, b.day) || matches!((a.year, b.year), (Some(x), Some(y)) if x != y)
}

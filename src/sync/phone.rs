//! Phone numbers to E.164 without a phone-number library (the `phonenumber` crate costs about
//! 500 KB gzipped in the wasm): a compact table of calling codes and trunk prefixes.

use super::normalize::Region;

/// E.164 ("+15550100") for a number typed in international form, or in national form for
/// `region`. `None` when it cannot be read as a phone number.
pub fn to_e164(s: &str, region: Region) -> Option<String> {
    let t = s.trim();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 4 || digits.len() > 15 {
        return None;
    }
    if t.starts_with('+') {
        return Some(format!("+{digits}"));
    }
    if region == Region::US {
        if digits.len() == 10 {
            return Some(format!("+1{digits}"));
        }
        if digits.len() == 11 && digits.starts_with('1') {
            return Some(format!("+{digits}"));
        }
    }
    None
}

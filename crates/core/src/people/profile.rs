//! Which Google account a token is for: the address `people/me` lists as the account's own.
//!
//! The OAuth token flows do not always say whose token they granted (the popup and Google
//! Identity Services answer a token alone), so the shell asks `people/me` for its email addresses
//! and reads the account's address here.

use super::wire::Person;

/// Why `people/me`'s answer named no account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileError {
    /// The answer is not a person (a 200 whose body cannot be read is an error, never a default).
    Unreadable(String),
    /// The person lists no email address.
    NoEmail,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileError::Unreadable(e) => write!(f, "people/me: {e}"),
            ProfileError::NoEmail => f.write_str("Google did not say which account this is"),
        }
    }
}

/// The account's email in `people/me`'s answer (asked with `personFields=emailAddresses`): the
/// address whose source is the `ACCOUNT`, else the primary one, else the first.
pub fn account_email(body: &str) -> Result<String, ProfileError> {
    let me: Person =
        crate::json::from_str(body).map_err(|e| ProfileError::Unreadable(e.to_string()))?;
    let listed: Vec<_> = me
        .email_addresses
        .iter()
        .filter_map(|e| {
            let value = e
                .value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())?;
            let meta = e.metadata.as_ref();
            let source = meta
                .and_then(|m| m.source.as_ref())
                .and_then(|s| s.kind.as_deref());
            let primary = meta.and_then(|m| m.primary) == Some(true);
            Some((value, source == Some("ACCOUNT"), primary))
        })
        .collect();
    listed
        .iter()
        .find(|(_, account, _)| *account)
        .or_else(|| listed.iter().find(|(_, _, primary)| *primary))
        .or(listed.first())
        .map(|(value, _, _)| value.to_string())
        .ok_or(ProfileError::NoEmail)
}

#[cfg(test)]
mod tests;

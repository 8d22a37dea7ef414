//! Small stored values: each is `{"version": n, "value": …}`, so a newer plugin's value is
//! recognised and refused rather than misread.

use super::{unreadable, Unreadable, VALUE_VERSION};
use crate::json::FromJson;
use serde::Serialize;
use serde_json::Value;

/// `value` (JSON text) as a stored value of the current version.
pub fn wrap(value_json: &str) -> String {
    format!("{{\"version\":{VALUE_VERSION},\"value\":{value_json}}}")
}

/// `value` serialized as a stored value of the current version.
pub fn wrap_value<T: Serialize + ?Sized>(value: &T) -> String {
    // Invariant: the stored types are plain data (strings, numbers, lists, maps with string
    // keys), which serde_json always serializes.
    wrap(&serde_json::to_string(value).unwrap_or_default())
}

/// The value of a stored text: `{"version": n, "value": …}`, or a value written before values
/// carried versions (read as it is).
pub fn unwrap(key: &str, text: &str) -> Result<Value, Unreadable> {
    let v: Value = serde_json::from_str(text).map_err(|e| unreadable(key, e.to_string()))?;
    match envelope(v) {
        Ok((version, value)) if version <= u64::from(VALUE_VERSION) => Ok(value),
        Ok((version, _)) => Err(unreadable(
            key,
            format!(
                "version {version} is newer than this plugin's {VALUE_VERSION}: update the plugin"
            ),
        )),
        Err(legacy) => Ok(legacy),
    }
}

/// A stored value read as `T`.
pub fn read<T: FromJson>(key: &str, text: &str) -> Result<T, Unreadable> {
    T::from_json(unwrap(key, text)?).map_err(|e| unreadable(key, e.to_string()))
}

/// `{"version": n, "value": v}` as `(n, v)`; anything else back as it was.
pub(super) fn envelope(v: Value) -> Result<(u64, Value), Value> {
    match v {
        Value::Object(mut m)
            if m.len() == 2
                && m.get("version").is_some_and(Value::is_u64)
                && m.contains_key("value") =>
        {
            let version = m.get("version").and_then(Value::as_u64).unwrap_or(0);
            Ok((version, m.remove("value").unwrap_or(Value::Null)))
        }
        v => Err(v),
    }
}

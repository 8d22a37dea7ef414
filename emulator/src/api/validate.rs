//! Request checks derived from the discovery document (see `crate::discovery`): query parameters
//! (known, typed, enum values, repeated only where declared, required present), field masks
//! (each path among those the parameter's description lists) and JSON bodies (known names at any
//! depth, JSON types, enum values, body masks). Errors use Google's wording and carry a
//! `google.rpc.BadRequest` detail naming the field, as Google's do.
//!
//! Output-only (`readOnly`) fields are accepted here, as Google accepts them; the store ignores
//! them (`person::normalize_fields`).

use crate::discovery::{doc, Method, Schema};
use crate::error::{ApiError, ApiResult};
use crate::http::Request;
use crate::util::{camel, snake};
use serde_json::{json, Value};

/// An INVALID_ARGUMENT error with a `BadRequest` field violation (`field` may be empty).
pub fn bad_request(field: &str, message: String) -> ApiError {
    let mut violation = json!({ "description": message });
    if !field.is_empty() {
        violation["field"] = json!(field);
    }
    ApiError::invalid(message.clone()).detail(json!({
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [violation],
    }))
}

/// Checks the query of `req` against `method`'s query parameters and the document's standard
/// ones.
pub fn query(method: &Method, req: &Request) -> ApiResult<()> {
    let pairs = req.query();
    let standard = &doc().standard;
    let mut seen: Vec<(&str, &Schema, Vec<&str>)> = Vec::new();
    for (k, v) in &pairs {
        let key = camel(k);
        let found = method
            .query_params()
            .chain(standard.iter())
            .find(|(name, _)| camel(name) == key);
        let Some((name, param)) = found else {
            return Err(bad_request(
                "",
                format!(
                    "Invalid JSON payload received. Unknown name \"{k}\": Cannot bind query parameter. Field '{k}' could not be found in request message."
                ),
            ));
        };
        match seen.iter_mut().find(|(n, _, _)| *n == name.as_str()) {
            Some((_, _, values)) => values.push(v),
            None => seen.push((name, param, vec![v])),
        }
    }
    for (name, param, values) in &seen {
        let field = snake(name);
        if values.len() > 1 && !param.repeated {
            return Err(bad_request(
                &field,
                format!(
                    "Invalid value at '{field}': \"{name}\" is given {} times but is not a repeated field.",
                    values.len()
                ),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            let at = if param.repeated {
                format!("{field}[{i}]")
            } else {
                field.clone()
            };
            query_value(param, &at, v)?;
        }
        if let Some(max) = param.max_items().filter(|_| param.repeated) {
            if values.len() > max {
                return Err(ApiError::invalid(format!(
                    "Too many {name}: at most {max} are allowed."
                )));
            }
        }
    }
    masks(method, &seen)?;
    for (name, param) in method.query_params() {
        let given = seen
            .iter()
            .any(|(n, _, v)| *n == name.as_str() && !v.is_empty());
        if param.is_required() && param.format.as_deref() != Some("google-fieldmask") && !given {
            return Err(bad_request(name, format!("{name} must not be empty.")));
        }
    }
    Ok(())
}

/// A scalar query value: its type and enum.
fn query_value(param: &Schema, at: &str, v: &str) -> ApiResult<()> {
    let invalid = |ty: &str| bad_request(at, format!("Invalid value at '{at}' ({ty}), \"{v}\""));
    match (param.kind.as_deref(), param.format.as_deref()) {
        (Some("boolean"), _) if !matches!(v, "true" | "false" | "1" | "0" | "") => {
            return Err(invalid("TYPE_BOOL"))
        }
        (Some("integer"), f) if !v.is_empty() && !int_fits(v, f) => {
            return Err(invalid(int_type(f)))
        }
        _ => {}
    }
    // An empty value is an absent one, as for the other types.
    if !v.is_empty() && !param.enum_values.is_empty() && !param.enum_values.iter().any(|e| e == v) {
        return Err(invalid("TYPE_ENUM"));
    }
    if let (Some((lo, hi)), Ok(n)) = (param.int_range(), v.parse::<i64>()) {
        // "Defaults to 100 if not set or set to 0": zero is the default, not out of range.
        let zero_defaults = n == 0 && param.description.contains("set to 0");
        if !(lo..=hi).contains(&n) && !zero_defaults {
            return Err(ApiError::invalid(format!(
                "{} must be between {lo} and {hi}.",
                camel(at)
            )));
        }
    }
    Ok(())
}

fn int_fits(v: &str, format: Option<&str>) -> bool {
    match format {
        Some("uint32") => v.parse::<u32>().is_ok(),
        Some("int64") => v.parse::<i64>().is_ok(),
        Some("uint64") => v.parse::<u64>().is_ok(),
        _ => v.parse::<i32>().is_ok(),
    }
}

fn int_type(format: Option<&str>) -> &'static str {
    match format {
        Some("uint32") => "TYPE_UINT32",
        Some("int64") => "TYPE_INT64",
        Some("uint64") => "TYPE_UINT64",
        _ => "TYPE_INT32",
    }
}

/// The query's field masks. The method's required masks are alternatives (people.get takes
/// `personFields` or `requestMask.includeField`): one of them must be given. A mask whose
/// description lists no paths but a prefix ("Each path should start with `person.`") takes
/// the prefixed paths of the method's listed mask.
fn masks(method: &Method, given: &[(&str, &Schema, Vec<&str>)]) -> ApiResult<()> {
    let listed = method.query_params().find_map(|(_, p)| p.mask_paths());
    let url = method.doc_url();
    let mut required = Vec::new();
    let mut satisfied = false;
    for (name, param) in method.query_params() {
        if param.format.as_deref() != Some("google-fieldmask") {
            continue;
        }
        if param.is_required() {
            required.push(name.as_str());
        }
        let Some((_, _, values)) = given.iter().find(|(n, _, _)| *n == name.as_str()) else {
            continue;
        };
        let value = values.join(",");
        if value.trim().is_empty() {
            continue;
        }
        satisfied = true;
        let own = param.mask_paths();
        let valid = own
            .as_ref()
            .or(listed.as_ref())
            .map_or(&[][..], Vec::as_slice);
        let prefix = if own.is_some() {
            None
        } else {
            param.mask_prefix()
        };
        mask_paths(name, &value, valid, prefix, &url)?;
    }
    match required.first() {
        Some(first) if !satisfied => Err(mask_required(first, &url)),
        _ => Ok(()),
    }
}

fn mask_required(name: &str, url: &str) -> ApiError {
    bad_request(
        name,
        format!(
            "{name} mask is required. Please specify one or more valid paths. Valid paths are documented at {url}."
        ),
    )
}

/// Each comma-separated path of mask `name` is one of `valid` (after `prefix`, if any).
fn mask_paths(
    name: &str,
    value: &str,
    valid: &[&str],
    prefix: Option<&str>,
    url: &str,
) -> ApiResult<()> {
    for path in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bare = match prefix {
            Some(p) => path.strip_prefix(p),
            None => Some(path),
        };
        if !bare.is_some_and(|b| valid.contains(&b)) {
            return Err(bad_request(
                name,
                format!(
                    "Invalid {name} mask path: \"{path}\". Valid paths are documented at {url}."
                ),
            ));
        }
    }
    Ok(())
}

/// Parses `req`'s JSON body and checks it against `method`'s request schema; an empty body is
/// `{}`. The proto path of the body in messages is empty for `…Request` messages and the
/// message's own name otherwise (`person` for createContact's `Person`).
pub fn body(method: &Method, req: &Request) -> ApiResult<Value> {
    let v: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&req.body)
            .map_err(|e| bad_request("", format!("Invalid JSON payload received. {e}")))?
    };
    if let Some(schema) = method.request_schema() {
        let path = if schema.ends_with("Request") {
            String::new()
        } else {
            let mut chars = schema.chars();
            let first = chars.next().map(|c| c.to_ascii_lowercase());
            snake(&first.into_iter().chain(chars).collect::<String>())
        };
        value(&v, schema, &path, &method.doc_url())?;
    }
    Ok(v)
}

/// Checks `v` against the schema named `schema`; `path` is its proto path.
pub fn value(v: &Value, schema: &str, path: &str, url: &str) -> ApiResult<()> {
    let Some(s) = doc().schema(schema) else {
        return Ok(());
    };
    let Value::Object(obj) = v else {
        let ty = format!("type.googleapis.com/google.people.v1.{schema}");
        return Err(invalid_value(path, &ty, v));
    };
    for (key, item) in obj {
        let Some(prop) = s.properties.get(key) else {
            let at = if path.is_empty() {
                String::new()
            } else {
                format!(" at '{path}'")
            };
            return Err(bad_request(
                path,
                format!(
                    "Invalid JSON payload received. Unknown name \"{key}\"{at}: Cannot find field."
                ),
            ));
        };
        let sub = if path.is_empty() {
            snake(key)
        } else {
            format!("{path}.{}", snake(key))
        };
        property(item, prop, &sub, url)?;
        if let (Some(text), Some(valid)) = (item.as_str(), prop.mask_paths()) {
            mask_paths(key, text, &valid, None, url)?;
        }
    }
    for (key, prop) in &s.properties {
        let empty = obj
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(|t| t.trim().is_empty());
        if prop.mask_paths().is_some() && prop.is_required() && empty {
            return Err(mask_required(key, url));
        }
    }
    Ok(())
}

fn property(v: &Value, prop: &Schema, path: &str, url: &str) -> ApiResult<()> {
    if v.is_null() {
        return Ok(());
    }
    if let Some(r) = &prop.reference {
        return value(v, r, path, url);
    }
    match prop.kind.as_deref() {
        Some("array") => {
            let item = prop.items.as_deref().cloned().unwrap_or_default();
            let Value::Array(items) = v else {
                return Err(invalid_value(path, &type_name(&item), v));
            };
            for (i, it) in items.iter().enumerate() {
                property(it, &item, &format!("{path}[{i}]"), url)?;
            }
            Ok(())
        }
        Some("object") => {
            let Some(item) = prop.additional_properties.as_deref() else {
                return Ok(());
            };
            let Value::Object(m) = v else {
                return Err(invalid_value(path, "map", v));
            };
            for (k, it) in m {
                property(it, item, &format!("{path}[{k}]"), url)?;
            }
            Ok(())
        }
        kind => {
            let ok = match (kind, prop.format.as_deref()) {
                (Some("string"), Some("int64" | "uint64")) => {
                    v.is_i64()
                        || v.is_u64()
                        || v.as_str()
                            .is_some_and(|s| int_fits(s, prop.format.as_deref()))
                }
                (Some("string"), _) => v.is_string(),
                (Some("integer"), f) => {
                    v.as_i64().is_some_and(|n| int_fits(&n.to_string(), f))
                        || v.as_str().is_some_and(|s| int_fits(s, f))
                }
                (Some("boolean"), _) => v.is_boolean(),
                (Some("number"), _) => v.is_number(),
                _ => true,
            };
            if !ok {
                return Err(invalid_value(path, &type_name(prop), v));
            }
            let enum_ok = prop.enum_values.is_empty()
                || v.as_str()
                    .is_some_and(|s| prop.enum_values.iter().any(|e| e == s))
                || v.as_u64()
                    .is_some_and(|n| n < prop.enum_values.len() as u64);
            if !enum_ok {
                return Err(invalid_value(path, "TYPE_ENUM", v));
            }
            Ok(())
        }
    }
}

fn type_name(prop: &Schema) -> String {
    if let Some(r) = &prop.reference {
        return format!("type.googleapis.com/google.people.v1.{r}");
    }
    match (prop.kind.as_deref(), prop.format.as_deref()) {
        (_, Some(f @ ("int64" | "uint64" | "uint32"))) => int_type(Some(f)).into(),
        (Some("integer"), _) => "TYPE_INT32".into(),
        (Some("boolean"), _) => "TYPE_BOOL".into(),
        (Some("number"), _) => "TYPE_DOUBLE".into(),
        _ if !prop.enum_values.is_empty() => "TYPE_ENUM".into(),
        _ => "TYPE_STRING".into(),
    }
}

fn invalid_value(path: &str, ty: &str, v: &Value) -> ApiError {
    bad_request(path, format!("Invalid value at '{path}' ({ty}), {v}"))
}

/// Removes the output-only (`readOnly`) values of `v`, a value of schema `schema`, at any depth.
pub fn strip_read_only(v: &mut Value, schema: &str) {
    let Some(s) = doc().schema(schema) else {
        return;
    };
    let Value::Object(obj) = v else {
        return;
    };
    obj.retain(|k, _| s.properties.get(k).is_none_or(|p| !p.read_only));
    for (k, item) in obj.iter_mut() {
        if let Some(p) = s.properties.get(k) {
            strip_property(item, p);
        }
    }
}

fn strip_property(v: &mut Value, prop: &Schema) {
    if let Some(r) = &prop.reference {
        return strip_read_only(v, r);
    }
    let inner = prop
        .items
        .as_deref()
        .or(prop.additional_properties.as_deref());
    match (v, inner) {
        (Value::Array(items), Some(p)) => items.iter_mut().for_each(|i| strip_property(i, p)),
        (Value::Object(m), Some(p)) => m.values_mut().for_each(|i| strip_property(i, p)),
        _ => {}
    }
}

//! Google's discovery document for the People API, the source of every request rule.
//!
//! `emulator/discovery/people-v1.json` is Google's published document
//! (`https://people.googleapis.com/$discovery/rest?version=v1`), embedded at build time and parsed
//! once. Routing matches request paths against its methods' `flatPath`s; the request checks in
//! `api::validate` take each method's query parameters, body schema, field-mask paths and size
//! limits from it. Nothing here lists a parameter or a field by hand: replacing the file with a
//! newer revision tightens or loosens the emulator without a code change.
//!
//! Some rules live only in the English of a description; they are read from there:
//!
//! - a field mask's valid paths: the `* path` items after "Valid values are:" or "Valid fields
//!   are:" (for `otherContacts` `readMask`, whose lists depend on the source type, the first
//!   list, the one for `READ_SOURCE_TYPE_CONTACT`);
//! - required query parameters and body masks: descriptions starting "Required." (path
//!   parameters carry `required: true`), unless the description also says what happens when the
//!   value is absent ("if not set", "mask is left empty");
//! - ranges and maxima: "between 1 and 1000", "a maximum of 200", "up to 500", "less than or
//!   equal to 1000";
//! - defaults of integers: "Defaults to 100 if not set".

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A JSON schema, a method parameter or a schema property: the discovery format uses one shape
/// for all three.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Schema {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub format: Option<String>,
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Vec<String>,
    pub items: Option<Box<Schema>>,
    pub additional_properties: Option<Box<Schema>>,
    pub properties: BTreeMap<String, Schema>,
    pub read_only: bool,
    pub required: bool,
    pub repeated: bool,
    pub location: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Method {
    pub id: String,
    pub http_method: String,
    /// The path with one variable per segment (`v1/people/{peopleId}:updateContact`).
    pub flat_path: String,
    /// The path with the resource name as one variable (`v1/{+resourceName}:updateContact`).
    pub path: String,
    pub parameters: BTreeMap<String, Schema>,
    pub request: Option<Schema>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Resource {
    methods: BTreeMap<String, Method>,
    resources: BTreeMap<String, Resource>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawDocument {
    parameters: BTreeMap<String, Schema>,
    schemas: BTreeMap<String, Schema>,
    resources: BTreeMap<String, Resource>,
}

/// The parsed document.
#[derive(Debug, Default)]
pub struct Document {
    /// Query parameters every method accepts (`fields`, `alt`, `$.xgafv`, `access_token`…).
    pub standard: BTreeMap<String, Schema>,
    pub schemas: BTreeMap<String, Schema>,
    pub methods: Vec<Method>,
}

/// The embedded document, parsed on first use.
pub fn doc() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    // The file is embedded at build time and a unit test parses it, so parsing cannot fail at
    // run time; an empty document would refuse every request rather than panic.
    DOC.get_or_init(|| parse(include_str!("../discovery/people-v1.json")).unwrap_or_default())
}

fn parse(text: &str) -> Result<Document, serde_json::Error> {
    let raw: RawDocument = serde_json::from_str(text)?;
    let mut methods = Vec::new();
    collect(&raw.resources, &mut methods);
    Ok(Document {
        standard: raw.parameters,
        schemas: raw.schemas,
        methods,
    })
}

fn collect(resources: &BTreeMap<String, Resource>, out: &mut Vec<Method>) {
    for r in resources.values() {
        out.extend(r.methods.values().cloned());
        collect(&r.resources, out);
    }
}

impl Document {
    pub fn method(&self, id: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.id == id)
    }

    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.get(name)
    }

    /// The property `field` of schema `schema`.
    pub fn property(&self, schema: &str, field: &str) -> Option<&Schema> {
        self.schema(schema)?.properties.get(field)
    }
}

impl Method {
    /// The method's variables if `path` (without the leading `/`) is one of its URLs: the
    /// `flatPath` must match (one segment per variable, no custom verb inside it), and then the
    /// `path` template gives the resource name.
    pub fn match_path(&self, path: &str) -> Option<BTreeMap<String, String>> {
        match_template(&self.flat_path, path)?;
        match_template(&self.path, path)
    }

    /// The Google documentation page of the method, as Google's error messages cite it:
    /// `people.people.connections.list` → `…/rest/v1/people.connections/list`.
    pub fn doc_url(&self) -> String {
        let id = self.id.strip_prefix("people.").unwrap_or(&self.id);
        let (resource, name) = id.rsplit_once('.').unwrap_or(("", id));
        format!("https://developers.google.com/people/api/rest/v1/{resource}/{name}")
    }

    /// The name of the request's body schema.
    pub fn request_schema(&self) -> Option<&str> {
        self.request.as_ref()?.reference.as_deref()
    }

    /// Query parameters only (path parameters are bound from the URL).
    pub fn query_params(&self) -> impl Iterator<Item = (&String, &Schema)> {
        self.parameters
            .iter()
            .filter(|(_, p)| p.location.as_deref() == Some("query"))
    }
}

/// Matches `path` against a URI template of literals, `{var}` (one segment, no `/` or `:`) and
/// `{+var}` (anything, `/` included); returns the variables.
pub fn match_template(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let mut vars = BTreeMap::new();
    match_from(template, path, &mut vars).then_some(vars)
}

fn match_from(template: &str, path: &str, vars: &mut BTreeMap<String, String>) -> bool {
    let Some(open) = template.find('{') else {
        return template == path;
    };
    let Some(rest) = path.strip_prefix(&template[..open]) else {
        return false;
    };
    let Some(close) = template[open..].find('}').map(|c| open + c) else {
        return false;
    };
    let name = &template[open + 1..close];
    let after = &template[close + 1..];
    let (name, reserved) = match name.strip_prefix('+') {
        Some(n) => (n, true),
        None => (name, false),
    };
    // Longest first, so `{+resourceName}` takes `people/c1` before the literal `:updateContact`.
    for end in (1..=rest.len()).rev() {
        if !rest.is_char_boundary(end) {
            continue;
        }
        let value = &rest[..end];
        if !reserved && value.contains(['/', ':']) {
            continue;
        }
        if match_from(after, &rest[end..], vars) {
            vars.insert(name.to_string(), value.to_string());
            return true;
        }
    }
    false
}

impl Schema {
    /// Valid paths of a field mask: the `* path` items after "Valid values are:" or "Valid
    /// fields are:" in the description (the first such list); `None` if it lists none.
    pub fn mask_paths(&self) -> Option<Vec<&str>> {
        if self.format.as_deref() != Some("google-fieldmask") {
            return None;
        }
        let lower = self.description.to_ascii_lowercase();
        let at = ["valid values are:", "valid fields are:"]
            .iter()
            .filter_map(|p| lower.find(p).map(|i| i + p.len()))
            .min()?;
        let mut words = self.description[at..].split_whitespace();
        let mut out = Vec::new();
        while words.next() == Some("*") {
            match words.next() {
                Some(w) => out.push(w.trim_end_matches(['.', ','])),
                None => break,
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The prefix every path of a mask must start with ("Each path should start with
    /// `person.`").
    pub fn mask_prefix(&self) -> Option<&str> {
        let (_, rest) = self.description.split_once("should start with `")?;
        rest.split_once('`').map(|(p, _)| p)
    }

    /// True when the value must be given: "Required." in the description (or `required: true`),
    /// unless the description says what happens when it is absent: "Defaults to all fields if
    /// not set" (createContact's `personFields`), "If read mask is left empty, the post-mutate-get
    /// is skipped" (batch `readMask`).
    pub fn is_required(&self) -> bool {
        let says = self.required || self.description.trim_start().starts_with("Required.");
        let has_fallback = self.description.contains("if not set")
            || self.description.contains("mask is left empty");
        says && !has_fallback
    }

    /// "Valid values are between 1 and 1000".
    pub fn int_range(&self) -> Option<(i64, i64)> {
        let (_, rest) = self.description.split_once("between ")?;
        let lo = leading_number(rest)?;
        let (_, rest) = rest.split_once(" and ")?;
        Some((lo as i64, leading_number(rest)? as i64))
    }

    /// The paths a mask defaults to: "Defaults to `metadata`, `groupType`, and `name` if not
    /// set".
    pub fn mask_default(&self) -> Vec<&str> {
        let Some((_, rest)) = self.description.split_once("Defaults to ") else {
            return Vec::new();
        };
        let text = rest.split(" if not set").next().unwrap_or("");
        text.split('`').skip(1).step_by(2).collect()
    }

    /// "Defaults to 100 if not set".
    pub fn int_default(&self) -> Option<i64> {
        let (_, rest) = self.description.split_once("Defaults to ")?;
        leading_number(rest).map(|n| n as i64)
    }

    /// The most items a repeated value may hold: "a maximum of 200", "up to 200", "less than or
    /// equal to 1000".
    pub fn max_items(&self) -> Option<usize> {
        ["maximum of ", "up to ", "less than or equal to "]
            .iter()
            .find_map(|p| {
                let (_, rest) = self.description.split_once(p)?;
                leading_number(rest)
            })
            .map(|n| n as usize)
    }
}

fn leading_number(s: &str) -> Option<u64> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_document_parses_with_its_methods_and_schemas() {
        let d = parse(include_str!("../discovery/people-v1.json")).expect("valid JSON");
        assert_eq!(d.methods.len(), doc().methods.len());
        assert!(d.method("people.people.connections.list").is_some());
        assert!(d.property("Person", "names").is_some());
        assert!(d.standard.contains_key("$.xgafv"));
    }

    #[test]
    fn templates_bind_one_segment_or_a_reserved_path() {
        let m = match_template(
            "v1/{+resourceName}:updateContact",
            "v1/people/c1:updateContact",
        );
        assert_eq!(m.unwrap()["resourceName"], "people/c1");
        assert!(match_template("v1/people/{peopleId}", "v1/people/c1:updateContact").is_none());
        assert!(match_template("v1/people/{peopleId}", "v1/people/me/connections").is_none());
        assert!(match_template("v1/contactGroups", "v1/contactGroups").is_some());
    }

    #[test]
    fn mask_paths_come_from_the_description() {
        let d = doc();
        let create = d
            .property("CreateContactGroupRequest", "readGroupFields")
            .unwrap();
        assert_eq!(
            create.mask_paths().unwrap(),
            ["clientData", "groupType", "metadata", "name"]
        );
        let other = &d.method("people.otherContacts.list").unwrap().parameters["readMask"];
        assert_eq!(
            other.mask_paths().unwrap(),
            [
                "emailAddresses",
                "metadata",
                "names",
                "phoneNumbers",
                "photos"
            ]
        );
        let include =
            &d.method("people.people.get").unwrap().parameters["requestMask.includeField"];
        assert_eq!(include.mask_paths(), None);
        assert_eq!(include.mask_prefix(), Some("person."));
    }

    #[test]
    fn limits_and_requirements_come_from_the_description() {
        let d = doc();
        let list = d.method("people.people.connections.list").unwrap();
        assert_eq!(list.parameters["pageSize"].int_range(), Some((1, 1000)));
        assert_eq!(list.parameters["pageSize"].int_default(), Some(100));
        assert!(list.parameters["personFields"].is_required());
        let create = d.method("people.people.createContact").unwrap();
        assert!(!create.parameters["personFields"].is_required());
        let batch = d.method("people.people.getBatchGet").unwrap();
        assert_eq!(batch.parameters["resourceNames"].max_items(), Some(200));
        let delete = d.property("BatchDeleteContactsRequest", "resourceNames");
        assert_eq!(delete.unwrap().max_items(), Some(500));
        let modify = d.property("ModifyContactGroupMembersRequest", "resourceNamesToAdd");
        assert_eq!(modify.unwrap().max_items(), Some(1000));
        assert_eq!(
            list.doc_url(),
            "https://developers.google.com/people/api/rest/v1/people.connections/list"
        );
    }
}

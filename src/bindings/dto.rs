//! The JS API's data shapes (api.d.ts) and their conversions to and from the core's types.
//!
//! Host data arrives as JSON text (`JSON.stringify` of the host's value, NFC-normalized as one
//! string, see `shell::js::json_of`), becomes a DTO through `crate::json`, then a core type
//! through an explicit `TryFrom` that names the contact and the field when something is wrong. Output DTOs
//! borrow from the core's values and serialize to JSON text that `JSON.parse` turns into plain JS
//! objects: serde_json is in the core already, so this path costs no second serializer.

use crate::json::FromJson;
use crate::json_struct;
use crate::people::time::parse_rfc3339;
use crate::sync::engine::{Counts, InvalidContact, PerSide, RunError, RunReport, Trigger};
use crate::sync::matching::{Ambiguity, Ambiguous};
use crate::sync::merge::{text, ConflictRule};
use crate::sync::model::{
    primary_index, Address, Birthday, Contact, CrmContact, Email, Field, Name, Phone, Side,
};
use crate::sync::plan::{Delete, HeldDeletions, PairConflict, Plan};
use crate::sync::settings::{ConflictPolicy, Settings};
use serde::Serialize;
use serde_json::Value;

// ---- Host → core ----------------------------------------------------------------------------

pub struct EmailDto {
    pub value: String,
    pub kind: Option<String>,
    pub primary: Option<bool>,
}

pub struct PhoneDto {
    pub value: String,
    pub kind: Option<String>,
    pub primary: Option<bool>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AddressDto {
    pub street: Option<String>,
    pub extended: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// The host's `CrmContact`.
pub struct CrmContactDto {
    pub id: String,
    pub modified_at: String,
    pub status: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub emails: Option<Vec<EmailDto>>,
    pub phones: Option<Vec<PhoneDto>>,
    pub addresses: Option<Vec<AddressDto>>,
    pub birthday: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub notes: Option<String>,
}

impl TryFrom<CrmContactDto> for CrmContact {
    type Error = InvalidContact;

    fn try_from(d: CrmContactDto) -> Result<CrmContact, InvalidContact> {
        let bad = |field: &str, why: String| InvalidContact {
            id: Some(d.id.clone()),
            message: format!("{field}: {why}"),
        };
        if d.id.trim().is_empty() {
            return Err(bad("id", "empty".into()));
        }
        let modified_at = parse_rfc3339(&d.modified_at).map_err(|e| bad("modifiedAt", e.0))?;
        let birthday = match d.birthday.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(b) => Some(Birthday::parse(b).map_err(|e| bad("birthday", e.to_string()))?),
        };
        let s = |v: Option<String>| v.unwrap_or_default();
        let contact = Contact {
            name: Name {
                given: s(d.first_name),
                middle: s(d.middle_name),
                family: s(d.last_name),
                prefix: s(d.prefix),
                suffix: s(d.suffix),
            },
            emails: d
                .emails
                .unwrap_or_default()
                .into_iter()
                .map(|e| Email {
                    value: e.value,
                    kind: s(e.kind),
                    primary: e.primary.unwrap_or(false),
                })
                .collect(),
            phones: d
                .phones
                .unwrap_or_default()
                .into_iter()
                .map(|p| Phone {
                    value: p.value,
                    kind: s(p.kind),
                    canonical: None,
                    primary: p.primary.unwrap_or(false),
                })
                .collect(),
            addresses: d
                .addresses
                .unwrap_or_default()
                .into_iter()
                .map(|a| Address {
                    street: s(a.street),
                    extended: s(a.extended),
                    city: s(a.city),
                    region: s(a.region),
                    postal_code: s(a.postal_code),
                    country: s(a.country),
                    country_code: s(a.country_code),
                    kind: s(a.kind),
                })
                .collect(),
            birthday,
            company: s(d.company),
            title: s(d.title),
            notes: s(d.notes),
        };
        Ok(CrmContact {
            id: d.id,
            modified_at,
            status: d.status.filter(|s| !s.is_empty()),
            contact,
        })
    }
}

/// One item of a host answer: a contact, or what was wrong with it (with its id when it had one;
/// the engine's report names the contact).
pub fn crm_contact(v: &Value) -> Result<CrmContact, InvalidContact> {
    match CrmContactDto::from_json(v.clone()) {
        Ok(d) => CrmContact::try_from(d),
        Err(e) => Err(InvalidContact {
            message: e,
            id: IdOnly::from_json(v.clone()).ok().and_then(|i| i.id),
        }),
    }
}

/// The id of an item that is otherwise unreadable.
struct IdOnly {
    id: Option<String>,
}

/// The host's `contacts.list` answer.
pub struct ContactPage {
    pub items: Vec<Value>,
    pub next_page_token: Option<String>,
}

// Reading, through one `Value` deserializer (see `crate::json`).

json_struct!(EmailDto {
    value: "value",
    kind: "type",
    primary: "primary",
});

json_struct!(PhoneDto {
    value: "value",
    kind: "type",
    primary: "primary",
});

json_struct!(default AddressDto {
    street: "street",
    extended: "extended",
    city: "city",
    region: "region",
    postal_code: "postalCode",
    country: "country",
    country_code: "countryCode",
    kind: "type",
});

json_struct!(CrmContactDto {
    id: "id",
    modified_at: "modifiedAt",
    status: "status",
    first_name: "firstName",
    middle_name: "middleName",
    last_name: "lastName",
    prefix: "prefix",
    suffix: "suffix",
    emails: "emails",
    phones: "phones",
    addresses: "addresses",
    birthday: "birthday",
    company: "company",
    title: "title",
    notes: "notes",
});

json_struct!(IdOnly { id: "id" });

json_struct!(ContactPage {
    items: "items" or default,
    next_page_token: "nextPageToken",
});

// ---- Core → host ----------------------------------------------------------------------------

/// An email for the host. Only the primary item says so: the merge puts it first and flags no
/// other, so a host that stores no flag still reads it back as primary (the first item).
#[derive(Serialize)]
pub struct EmailOut<'a> {
    value: &'a str,
    #[serde(rename = "type", skip_serializing_if = "str::is_empty")]
    kind: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    primary: bool,
}

/// A phone for the host, flagged as [`EmailOut`].
#[derive(Serialize)]
pub struct PhoneOut<'a> {
    value: &'a str,
    #[serde(rename = "type", skip_serializing_if = "str::is_empty")]
    kind: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    primary: bool,
}

/// The host's `CrmContactInput`: every field when creating, only the changed ones when updating.
/// An empty string clears a text field (and the birthday), an empty list a list.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CrmContactInputDto<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    middle_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suffix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    emails: Option<Vec<EmailOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phones: Option<Vec<PhoneOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addresses: Option<Vec<AddressDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
}

impl<'a> CrmContactInputDto<'a> {
    /// `fields`: the fields to write, or `None` for all of them.
    pub fn new(c: &'a Contact, fields: Option<&[Field]>, status: Option<&'a str>) -> Self {
        let mut d = CrmContactInputDto {
            status,
            ..Default::default()
        };
        for f in Field::ALL {
            if fields.is_some_and(|fs| !fs.contains(&f)) {
                continue;
            }
            let t = Some(text(c, f));
            match f {
                Field::Prefix => d.prefix = t,
                Field::GivenName => d.first_name = t,
                Field::MiddleName => d.middle_name = t,
                Field::FamilyName => d.last_name = t,
                Field::Suffix => d.suffix = t,
                Field::Company => d.company = t,
                Field::Title => d.title = t,
                Field::Notes => d.notes = t,
                Field::Emails => {
                    d.emails = Some(
                        primary_first(&c.emails, |e| e.primary)
                            .map(|e| EmailOut {
                                value: &e.value,
                                kind: &e.kind,
                                primary: e.primary,
                            })
                            .collect(),
                    )
                }
                Field::Phones => {
                    d.phones = Some(
                        primary_first(&c.phones, |p| p.primary)
                            .map(|p| PhoneOut {
                                value: &p.value,
                                kind: &p.kind,
                                primary: p.primary,
                            })
                            .collect(),
                    )
                }
                Field::Addresses => d.addresses = Some(c.addresses.iter().map(address).collect()),
                Field::Birthday => {
                    d.birthday = Some(c.birthday.map(|b| b.to_string()).unwrap_or_default())
                }
            }
        }
        d
    }
}

/// A list's items with the primary one first, the rest in their order.
fn primary_first<T>(items: &[T], flag: impl Fn(&T) -> bool) -> impl Iterator<Item = &T> {
    let at = primary_index(items, flag).unwrap_or(0);
    items.get(at).into_iter().chain(
        items
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i != at)
            .map(|(_, x)| x),
    )
}

fn address(a: &Address) -> AddressDto {
    let o = |s: &String| (!s.is_empty()).then(|| s.clone());
    AddressDto {
        street: o(&a.street),
        extended: o(&a.extended),
        city: o(&a.city),
        region: o(&a.region),
        postal_code: o(&a.postal_code),
        country: o(&a.country),
        country_code: o(&a.country_code),
        kind: o(&a.kind),
    }
}

/// One item of the host's `contacts.update` argument.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmUpdateDto<'a> {
    pub id: &'a str,
    pub fields: CrmContactInputDto<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_modified_at: Option<String>,
}

// ---- Plans and reports → JS -----------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationDto<'a> {
    op: &'static str,
    side: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    crm_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_name: Option<&'a str>,
    name: &'a str,
    diffs: Vec<DiffOwned>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
pub struct DiffOwned {
    field: &'static str,
    before: String,
    after: String,
}

impl<'a> From<&'a Delete> for OperationDto<'a> {
    fn from(d: &'a Delete) -> Self {
        OperationDto {
            op: "delete",
            side: d.side,
            crm_id: Some(&d.crm_id),
            resource_name: Some(&d.resource_name),
            name: &d.name,
            diffs: Vec::new(),
            reason: Some(d.reason.to_string()),
        }
    }
}

/// A new contact's fields as diffs from nothing.
fn creation_diffs(c: &Contact) -> Vec<DiffOwned> {
    let mut out = Vec::new();
    for f in Field::ALL {
        let after = match f {
            Field::Emails => join(c.emails.iter().map(|e| e.value.as_str())),
            Field::Phones => join(c.phones.iter().map(|p| p.value.as_str())),
            Field::Addresses => c
                .addresses
                .iter()
                .map(Address::one_line)
                .collect::<Vec<_>>()
                .join("; "),
            Field::Birthday => c.birthday.map(|b| b.to_string()).unwrap_or_default(),
            _ => text(c, f).trim().to_string(),
        };
        if !after.is_empty() {
            out.push(DiffOwned {
                field: f.as_str(),
                before: String::new(),
                after,
            });
        }
    }
    out
}

fn join<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictDto<'a> {
    crm_id: &'a str,
    resource_name: &'a str,
    name: &'a str,
    field: &'static str,
    crm: &'a str,
    google: &'a str,
    kept: Side,
    rule: &'static str,
}

impl<'a> From<&'a PairConflict> for ConflictDto<'a> {
    fn from(c: &'a PairConflict) -> Self {
        ConflictDto {
            crm_id: &c.crm_id,
            resource_name: &c.resource_name,
            name: &c.name,
            field: c.conflict.field.as_str(),
            crm: &c.conflict.crm,
            google: &c.conflict.google,
            kept: c.conflict.kept,
            rule: match c.conflict.rule {
                ConflictRule::Policy(ConflictPolicy::Newest) => "newest",
                ConflictRule::Policy(ConflictPolicy::Crm) => "crm",
                ConflictRule::Policy(ConflictPolicy::Google) => "google",
                ConflictRule::FirstLink => "firstLink",
            },
        }
    }
}

#[derive(Serialize)]
pub struct AmbiguousDto<'a> {
    side: Side,
    id: &'a str,
    name: &'a str,
    rule: String,
    /// Why the contact was set aside: the panel words each reason its own way.
    reason: Ambiguity,
    candidates: &'a [String],
}

impl<'a> From<&'a Ambiguous> for AmbiguousDto<'a> {
    fn from(a: &'a Ambiguous) -> Self {
        AmbiguousDto {
            side: a.side,
            id: &a.id,
            name: &a.name,
            rule: a.rule.to_string(),
            reason: a.reason,
            candidates: &a.candidates,
        }
    }
}

#[derive(Serialize)]
pub struct HeldDto<'a> {
    side: Side,
    limit: usize,
    deletions: Vec<OperationDto<'a>>,
}

impl<'a> From<&'a HeldDeletions> for HeldDto<'a> {
    fn from(h: &'a HeldDeletions) -> Self {
        HeldDto {
            side: h.side,
            limit: h.limit,
            deletions: h.deletions.iter().map(OperationDto::from).collect(),
        }
    }
}

/// `Plan` in api.d.ts.
#[derive(Serialize)]
pub struct PlanDto<'a> {
    operations: Vec<OperationDto<'a>>,
    conflicts: Vec<ConflictDto<'a>>,
    ambiguous: Vec<AmbiguousDto<'a>>,
    held: Vec<HeldDto<'a>>,
    text: String,
}

impl<'a> From<&'a Plan> for PlanDto<'a> {
    fn from(p: &'a Plan) -> Self {
        let mut ops = Vec::new();
        for c in &p.creates_google {
            ops.push(OperationDto {
                op: "create",
                side: Side::Google,
                crm_id: Some(&c.crm_id),
                resource_name: None,
                name: &c.name,
                diffs: creation_diffs(&c.contact),
                reason: None,
            });
        }
        for c in &p.creates_crm {
            ops.push(OperationDto {
                op: "create",
                side: Side::Crm,
                crm_id: None,
                resource_name: Some(&c.resource_name),
                name: &c.name,
                diffs: creation_diffs(&c.contact),
                reason: None,
            });
        }
        for l in &p.links {
            ops.push(OperationDto {
                op: "link",
                side: Side::Crm,
                crm_id: Some(&l.crm_id),
                resource_name: Some(&l.resource_name),
                name: &l.name,
                diffs: Vec::new(),
                reason: Some(l.rule.to_string()),
            });
        }
        for u in &p.updates {
            ops.push(OperationDto {
                op: "update",
                side: u.side,
                crm_id: Some(&u.crm_id),
                resource_name: Some(&u.resource_name),
                name: &u.name,
                diffs: u
                    .diffs
                    .iter()
                    .map(|d| DiffOwned {
                        field: d.field.as_str(),
                        before: d.before.clone(),
                        after: d.after.clone(),
                    })
                    .collect(),
                reason: None,
            });
        }
        ops.extend(p.deletes.iter().map(OperationDto::from));
        for u in &p.unlinks {
            ops.push(OperationDto {
                op: "unlink",
                side: Side::Crm,
                crm_id: Some(&u.crm_id),
                resource_name: Some(&u.resource_name),
                name: &u.name,
                diffs: Vec::new(),
                reason: Some(u.reason.to_string()),
            });
        }
        for g in &p.group_adds {
            for rn in &g.resource_names {
                ops.push(OperationDto {
                    op: "addToGroup",
                    side: Side::Google,
                    crm_id: None,
                    resource_name: Some(rn),
                    name: rn,
                    diffs: Vec::new(),
                    reason: Some(g.group.clone()),
                });
            }
        }
        PlanDto {
            operations: ops,
            conflicts: p.conflicts.iter().map(ConflictDto::from).collect(),
            ambiguous: p.ambiguous.iter().map(AmbiguousDto::from).collect(),
            held: p.held.iter().map(HeldDto::from).collect(),
            text: p.to_string(),
        }
    }
}

/// `RunReport` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportDto<'a> {
    account_id: &'a str,
    trigger: Trigger,
    started_at: &'a str,
    finished_at: &'a str,
    ok: bool,
    created: PerSide,
    updated: PerSide,
    deleted: PerSide,
    linked: usize,
    unlinked: usize,
    conflicts: Vec<ConflictDto<'a>>,
    ambiguous: Vec<AmbiguousDto<'a>>,
    held: Vec<HeldDto<'a>>,
    errors: &'a [RunError],
    requests: &'a Counts,
}

impl<'a> From<&'a RunReport> for ReportDto<'a> {
    fn from(r: &'a RunReport) -> Self {
        ReportDto {
            account_id: &r.account_id,
            trigger: r.trigger,
            started_at: &r.started_at,
            finished_at: &r.finished_at,
            ok: r.ok,
            created: r.created,
            updated: r.updated,
            deleted: r.deleted,
            linked: r.linked,
            unlinked: r.unlinked,
            conflicts: r.conflicts.iter().map(ConflictDto::from).collect(),
            ambiguous: r.ambiguous.iter().map(AmbiguousDto::from).collect(),
            held: r.held.iter().map(HeldDto::from).collect(),
            errors: &r.errors,
            requests: &r.requests,
        }
    }
}

/// `AccountInfo` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfoDto<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub connected: bool,
    pub enabled: bool,
    pub links: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run: Option<serde_json::Value>,
    pub needs_reconnect: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<UnreadableDto>,
}

/// A stored value of the account that cannot be read.
#[derive(Serialize)]
pub struct UnreadableDto {
    pub key: String,
    pub message: String,
}

impl AccountInfoDto<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// `GoogleGroup` in api.d.ts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupDto {
    pub resource_name: String,
    pub name: String,
    pub group_type: String,
    pub member_count: i64,
}

// ---- Settings -------------------------------------------------------------------------------

/// Why settings were refused, naming the setting.
pub fn validate_settings(s: &Settings) -> Result<(), String> {
    use crate::sync::settings::{GoogleDeletes, TargetGroup};
    if s.interval_minutes < 5 || s.interval_minutes > 7 * 24 * 60 {
        return Err(format!(
            "intervalMinutes: {} is outside 5..10080",
            s.interval_minutes
        ));
    }
    let r = s.default_region.as_bytes();
    if r.len() != 2 || !r.iter().all(u8::is_ascii_alphabetic) {
        return Err(format!(
            "defaultRegion: {:?} is not a two-letter region",
            s.default_region
        ));
    }
    if s.source_groups.is_empty()
        || s.source_groups
            .iter()
            .any(|g| !g.starts_with("contactGroups/"))
    {
        return Err("sourceGroups: expected one or more \"contactGroups/…\" names".into());
    }
    match &s.target_group {
        TargetGroup::Existing(g) if !g.starts_with("contactGroups/") => {
            return Err(format!("targetGroup: {g:?} is not a contact group"))
        }
        TargetGroup::Named(n) if n.trim().is_empty() => {
            return Err("targetGroup: the group name is empty".into())
        }
        _ => {}
    }
    if matches!(&s.google_deletes, GoogleDeletes::SetStatus(st) if st.trim().is_empty()) {
        return Err("googleDeletes: the status is empty".into());
    }
    if s.deletion_guard.percent > 100 {
        return Err("deletionGuard.percent: over 100".into());
    }
    if s.crm_view_id.as_deref().is_some_and(|v| v.is_empty()) {
        return Err("crmViewId: empty (use null for All)".into());
    }
    Ok(())
}

/// `RunReport` as JSON text.
pub fn report_json(r: &RunReport) -> String {
    serde_json::to_string(&ReportDto::from(r)).unwrap_or_default()
}

/// `Plan` as JSON text.
pub fn plan_json(p: &Plan) -> String {
    serde_json::to_string(&PlanDto::from(p)).unwrap_or_default()
}

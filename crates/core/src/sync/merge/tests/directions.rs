//! The merge under each field direction: tables of one field flowing one way, not at all, or
//! both ways, and a property that a one-way field never flows back.

use super::render;
use crate::json::FromJson;
use crate::sync::direction::{FieldDirection, FieldDirections};
use crate::sync::merge::{copy_fields, merge, MergeInput, Merged};
use crate::sync::model::{Contact, Field, Side};
use crate::sync::normalize::Region;
use crate::sync::settings::ConflictPolicy;
use crate::sync::testkit::contact;
use proptest::prelude::*;

/// `dirs`: the directions as the settings write them (`notes=googleToCrm emails=crmToGoogle`);
/// `input`: `base:`, `crm:` and `google:` lines as in `check`. Answers the merge rendered, its
/// held differences one per line after the writes, then the new base's `fields`.
pub(super) fn directed(dirs: &str, input: &str, fields: &[Field]) -> String {
    let directions = parse(dirs);
    let mut base = None;
    let (mut crm, mut google) = (Contact::default(), Contact::default());
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':').expect("key: value");
        match k {
            "base" => base = Some(contact(v.trim())),
            "crm" => crm = contact(v.trim()),
            "google" => google = contact(v.trim()),
            _ => panic!("unknown key {k}"),
        }
    }
    let m = merge(MergeInput {
        base: base.as_ref(),
        crm: &crm,
        google: &google,
        crm_modified_at: 2,
        google_modified_at: 1,
        policy: ConflictPolicy::Newest,
        region: Region::US,
        decided: &[],
        write_crm: true,
        write_google: true,
        directions,
        custom: crate::sync::custom::NONE,
    });
    let mut lines = vec![render(&m)];
    lines.extend(m.held.iter().map(|h| format!("held {}: {h}", h.side)));
    for f in fields {
        let mut only = Contact::default();
        copy_fields(&mut only, &m.base, &[*f]);
        lines.push(format!("base {f}: {}", shown(&only, *f)));
    }
    lines.join("\n")
}

fn parse(dirs: &str) -> FieldDirections {
    let mut o = serde_json::Map::new();
    for pair in dirs.split_whitespace() {
        let (k, v) = pair.split_once('=').expect("field=direction");
        o.insert(k.into(), v.into());
    }
    FieldDirections::from_json(o.into()).expect("directions")
}

fn shown(c: &Contact, f: Field) -> String {
    match f {
        Field::Emails => c
            .emails
            .iter()
            .map(|e| e.value.as_str())
            .collect::<Vec<_>>()
            .join(","),
        Field::Birthday => c.birthday.map(|b| b.to_string()).unwrap_or_default(),
        Field::Tags => c.tags.join(", "),
        _ => crate::sync::merge::text(c, f).to_string(),
    }
}

const NOTES: &[Field] = &[Field::Notes];
const EMAILS: &[Field] = &[Field::Emails];

#[test]
fn a_crm_to_google_field_edited_in_the_crm_goes_to_google() {
    assert_eq!(
        directed(
            "notes=crmToGoogle",
            "base: notes=a\ncrm: notes=b\ngoogle: notes=a",
            NOTES
        ),
        "google: notes: a → b\nbase notes: b"
    );
}

#[test]
fn a_crm_to_google_field_edited_in_google_stays_in_google_and_is_not_copied_back() {
    assert_eq!(
        directed(
            "notes=crmToGoogle",
            "base: notes=a\ncrm: notes=a\ngoogle: notes=g",
            NOTES
        ),
        "nothing\nheld crm: notes: a kept, not g (CRM → Google only)\nbase notes: a"
    );
}

#[test]
fn a_crm_to_google_field_edited_on_both_sides_takes_the_crm_value_without_a_conflict() {
    // Google edited last: under two-way sync `newest` would keep Google's value.
    assert_eq!(
        directed(
            "notes=crmToGoogle",
            "base: notes=a\ncrm: notes=c\ngoogle: notes=g",
            NOTES
        ),
        "google: notes: g → c\nbase notes: c"
    );
    assert_eq!(
        directed("", "base: notes=a\ncrm: notes=c\ngoogle: notes=g", NOTES),
        "google: notes: g → c\nconflict notes: crm \"c\", google \"g\": kept crm (newest)\nbase notes: c"
    );
}

#[test]
fn a_google_to_crm_field_edited_on_both_sides_takes_googles_value_without_a_conflict() {
    assert_eq!(
        directed(
            "notes=googleToCrm",
            "base: notes=a\ncrm: notes=c\ngoogle: notes=g",
            NOTES
        ),
        "crm: notes: c → g\nbase notes: g"
    );
}

#[test]
fn a_google_to_crm_field_edited_in_the_crm_stays_in_the_crm() {
    assert_eq!(
        directed(
            "notes=googleToCrm",
            "base: notes=a\ncrm: notes=c\ngoogle: notes=a",
            NOTES
        ),
        "nothing\nheld google: notes: a kept, not c (Google → CRM only)\nbase notes: a"
    );
}

#[test]
fn a_google_to_crm_field_edited_in_google_goes_to_the_crm() {
    assert_eq!(
        directed(
            "notes=googleToCrm",
            "base: notes=a\ncrm: notes=a\ngoogle: notes=g",
            NOTES
        ),
        "crm: notes: a → g\nbase notes: g"
    );
}

#[test]
fn a_field_not_synced_is_written_nowhere_and_keeps_its_base() {
    assert_eq!(
        directed(
            "notes=notSynced",
            "base: notes=a\ncrm: notes=c\ngoogle: notes=g",
            NOTES
        ),
        "nothing\nheld google: notes: g kept, not c (not synced)\nbase notes: a"
    );
    assert_eq!(
        directed(
            "notes=notSynced",
            "base: notes=a\ncrm: notes=a\ngoogle: notes=g",
            NOTES
        ),
        "nothing\nheld crm: notes: a kept, not g (not synced)\nbase notes: a"
    );
}

#[test]
fn a_field_not_synced_on_a_first_link_keeps_the_shared_value_as_base_or_none() {
    assert_eq!(
        directed("notes=notSynced", "crm: notes=c\ngoogle: notes=g", NOTES),
        "nothing\nheld google: notes: g kept, not c (not synced)\nbase notes: "
    );
    assert_eq!(
        directed(
            "title=notSynced",
            "crm: title=CEO\ngoogle: title=CEO",
            &[Field::Title]
        ),
        "nothing\nbase title: CEO"
    );
}

#[test]
fn a_crm_to_google_list_sends_the_crms_items_and_keeps_googles_own_in_google() {
    // Both sides replaced the address: the CRM's goes to Google, Google's stays there too, and
    // nothing comes to the CRM.
    assert_eq!(
        directed(
            "emails=crmToGoogle",
            "base: email=a@x.io\ncrm: email=c@x.io\ngoogle: email=g@x.io",
            EMAILS
        ),
        "google: emails: g@x.io → c@x.io; g@x.io\n\
         held crm: emails: c@x.io kept, not c@x.io; g@x.io (CRM → Google only)\n\
         base emails: c@x.io"
    );
}

#[test]
fn a_crm_to_google_list_removes_in_google_what_the_crm_removed_but_not_the_other_way() {
    assert_eq!(
        directed(
            "emails=crmToGoogle",
            "base: email=a@x.io email=b@x.io\ncrm: email=a@x.io\ngoogle: email=a@x.io email=b@x.io",
            EMAILS
        ),
        "google: emails: a@x.io; b@x.io → a@x.io\nbase emails: a@x.io"
    );
    assert_eq!(
        directed(
            "emails=crmToGoogle",
            "base: email=a@x.io email=b@x.io\ncrm: email=a@x.io email=b@x.io\ngoogle: email=a@x.io",
            EMAILS
        ),
        "nothing\nheld crm: emails: a@x.io; b@x.io kept, not a@x.io (CRM → Google only)\n\
         base emails: a@x.io,b@x.io"
    );
}

#[test]
fn a_one_way_label_edited_on_both_sides_takes_the_source_label() {
    assert_eq!(
        directed(
            "emails=googleToCrm",
            "base: email=a@x.io#home\ncrm: email=a@x.io#work\ngoogle: email=a@x.io#other",
            EMAILS
        ),
        "crm: emails: a@x.io (work) → a@x.io (other)\nbase emails: a@x.io"
    );
}

#[test]
fn a_one_way_birthday_on_a_first_link_takes_the_source_value() {
    assert_eq!(
        directed(
            "birthday=googleToCrm",
            "crm: bday=1990-07-14\ngoogle: bday=1991-08-15",
            &[Field::Birthday]
        ),
        "crm: birthday: 1990-07-14 → 1991-08-15\nbase birthday: 1991-08-15"
    );
}

#[test]
fn other_fields_merge_two_way_beside_one_way_ones() {
    assert_eq!(
        directed(
            "notes=googleToCrm emails=crmToGoogle",
            "base: title=a notes=n email=e@x.io\ncrm: title=b notes=n2 email=e2@x.io\n\
             google: title=a notes=n3 email=e@x.io",
            &[Field::Title, Field::Notes, Field::Emails]
        ),
        "crm: notes: n2 → n3\ngoogle: emails: e@x.io → e2@x.io\ngoogle: title: a → b\n\
         base title: b\nbase notes: n3\nbase emails: e2@x.io"
    );
}

fn direction() -> impl Strategy<Value = FieldDirection> {
    prop::sample::select(FieldDirection::ALL.to_vec())
}

/// A contact drawn from a few values per field, so sides often agree, differ or are empty.
fn side() -> impl Strategy<Value = Contact> {
    let text = || prop::sample::select(vec!["", "a", "b", "B"]);
    let email = prop::sample::select(vec![
        "",
        "email=a@x.io",
        "email=b@x.io#work",
        "email=a@x.io email=c@x.io",
    ]);
    let bday = prop::sample::select(vec!["", "bday=--07-14", "bday=1990-07-14", "bday=--01-02"]);
    (text(), text(), text(), email, bday).prop_map(|(given, title, notes, email, bday)| {
        let mut text = format!("{email} {bday}");
        for (k, v) in [("first", given), ("title", title), ("notes", notes)] {
            if !v.is_empty() {
                text += &format!(" {k}={v}");
            }
        }
        contact(text.trim())
    })
}

fn field_of(c: &Contact, f: Field) -> Contact {
    let mut only = Contact::default();
    copy_fields(&mut only, c, &[f]);
    only
}

fn run(base: Option<&Contact>, crm: &Contact, google: &Contact, d: FieldDirections) -> Merged {
    merge(MergeInput {
        base,
        crm,
        google,
        crm_modified_at: 1,
        google_modified_at: 2,
        policy: ConflictPolicy::Newest,
        region: Region::US,
        decided: &[],
        write_crm: true,
        write_google: true,
        directions: d,
        custom: crate::sync::custom::NONE,
    })
}

proptest! {
    /// Whatever both sides and the base hold: a field is never written on a side its direction
    /// does not write, is never a conflict unless two-way, and one not synced keeps its base;
    /// and once the writes are made, merging again writes nothing (no field flows back later).
    #[test]
    fn a_field_never_flows_against_its_direction(
        base in prop::option::of(side()),
        crm in side(),
        google in side(),
        dirs in prop::collection::vec(direction(), 4),
    ) {
        let fields = [Field::GivenName, Field::Title, Field::Notes, Field::Emails, Field::Birthday];
        let mut d = FieldDirections::default();
        for (f, dir) in fields.iter().zip(dirs.iter().chain([&FieldDirection::CrmToGoogle])) {
            d.set(*f, *dir);
        }
        let m = run(base.as_ref(), &crm, &google, d);
        for f in fields {
            let dir = d.of(f);
            prop_assert!(dir.writes(Side::Crm) || m.crm.iter().all(|x| x.field != f), "{f} written to the CRM");
            prop_assert!(dir.writes(Side::Google) || m.google.iter().all(|x| x.field != f), "{f} written to Google");
            prop_assert!(dir == FieldDirection::Both || m.conflicts.iter().all(|c| c.field != f), "{f} in conflict");
            if let (FieldDirection::NotSynced, Some(b)) = (dir, &base) {
                prop_assert_eq!(field_of(&m.base, f), field_of(b, f));
            }
        }
        // Each side as the writes leave it; the CRM takes the fields it is written, Google too.
        let after = |side: &Contact, diffs: &[crate::sync::merge::FieldDiff]| {
            let mut out = side.clone();
            let written: Vec<Field> = diffs.iter().map(|x| x.field).collect();
            copy_fields(&mut out, &m.contact, &written);
            out
        };
        let (crm2, google2) = (after(&crm, &m.crm), after(&google, &m.google));
        let again = run(Some(&m.base), &crm2, &google2, d);
        prop_assert!(again.is_noop(), "a second merge writes: {}", render(&again));
    }
}

use super::*;
use crate::sync::testkit::contact;

/// `input`: lines `base:`, `crm:`, `google:` (contact text; no `base:` line is a first link), and
/// optionally `policy: newest|crm|google`, `times: <crm modifiedAt> <google updateTime>`,
/// `writes: both|crm|google`. `expected`: the writes and conflicts, one per line.
fn check(input: &str, expected: &str) {
    let mut base = None;
    let (mut crm, mut google) = (Contact::default(), Contact::default());
    let (mut policy, mut times, mut writes) = (ConflictPolicy::Newest, (0, 0), "both");
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':').expect("key: value");
        let v = v.trim();
        match k {
            "base" => base = Some(contact(v)),
            "crm" => crm = contact(v),
            "google" => google = contact(v),
            "policy" => {
                policy = match v {
                    "newest" => ConflictPolicy::Newest,
                    "crm" => ConflictPolicy::Crm,
                    "google" => ConflictPolicy::Google,
                    _ => panic!("policy {v}"),
                }
            }
            "times" => {
                let (a, b) = v.split_once(' ').expect("two times");
                times = (a.parse().expect("time"), b.parse().expect("time"));
            }
            "writes" => {
                writes = if v == "both" {
                    "both"
                } else if v == "crm" {
                    "crm"
                } else {
                    "google"
                }
            }
            _ => panic!("unknown key {k}"),
        }
    }
    let m = merge(MergeInput {
        base: base.as_ref(),
        crm: &crm,
        google: &google,
        crm_modified_at: times.0,
        google_modified_at: times.1,
        policy,
        region: Region::US,
        decided: &[],
        write_crm: writes != "google",
        write_google: writes != "crm",
        directions: Default::default(),
        custom: crate::sync::custom::NONE,
    });
    assert_eq!(render(&m), expected.trim(), "\ninput:\n{input}");
}

fn render(m: &Merged) -> String {
    let mut lines = Vec::new();
    for d in &m.crm {
        lines.push(format!("crm: {d}"));
    }
    for d in &m.google {
        lines.push(format!("google: {d}"));
    }
    for c in &m.conflicts {
        lines.push(format!("conflict {c}"));
    }
    if lines.is_empty() {
        "nothing".to_string()
    } else {
        lines.join("\n")
    }
}

#[test]
fn equal_sides_need_nothing_even_when_they_differ_from_the_base() {
    check(
        "base: first=Ann email=a@x.io\n crm: first=Anne Marie email=A@X.io\n google: first=Anne Marie email=a@x.io",
        "nothing",
    );
}

#[test]
fn phone_edited_in_crm_and_email_edited_in_google_both_survive() {
    check(
        "base: phone=+1 555 0100 email=a@x.io
         crm: phone=+1 555 0199 email=a@x.io
         google: phone=+1 555 0100 email=ann@x.io",
        "crm: emails: a@x.io → ann@x.io\ngoogle: phones: +1 555 0100 → +1 555 0199",
    );
}

#[test]
fn a_conflict_under_newest_goes_to_the_side_edited_last_and_records_both_values() {
    let input = "base: first=Ann\n crm: first=Anna\n google: first=Annie";
    check(
        &format!("{input}\n times: 100 200"),
        "crm: firstName: Anna → Annie\nconflict firstName: crm \"Anna\", google \"Annie\": kept google (newest)",
    );
    check(
        &format!("{input}\n times: 300 200"),
        "google: firstName: Annie → Anna\nconflict firstName: crm \"Anna\", google \"Annie\": kept crm (newest)",
    );
}

#[test]
fn a_conflict_tie_under_newest_keeps_the_crm_value() {
    check(
        "base: company=A\n crm: company=B\n google: company=C\n times: 5 5",
        "google: company: C → B\nconflict company: crm \"B\", google \"C\": kept crm (newest)",
    );
}

#[test]
fn fixed_policies_ignore_the_times() {
    check(
        "base: title=x\n crm: title=y\n google: title=z\n policy: crm\n times: 1 9",
        "google: title: z → y\nconflict title: crm \"y\", google \"z\": kept crm (crm)",
    );
    check(
        "base: title=x\n crm: title=y\n google: title=z\n policy: google\n times: 9 1",
        "crm: title: y → z\nconflict title: crm \"y\", google \"z\": kept google (google)",
    );
}

#[test]
fn a_first_link_fills_the_blanks_on_both_sides() {
    check(
        "crm: first=Ann last=Lee phone=(415) 555-0132
         google: first=Ann email=ann@x.io bday=--07-14",
        "crm: emails: (empty) → ann@x.io\n\
         crm: birthday: (empty) → --07-14\n\
         google: lastName: (empty) → Lee\n\
         google: phones: (empty) → (415) 555-0132",
    );
}

#[test]
fn a_first_link_keeps_the_crm_value_where_both_differ_and_logs_googles() {
    check(
        "crm: first=Ann company=Acme\n google: first=Ann company=Globex",
        "google: company: Globex → Acme\nconflict company: crm \"Acme\", google \"Globex\": kept crm (first link)",
    );
}

#[test]
fn a_first_link_unions_lists_and_matches_phones_by_e164() {
    check(
        "crm: phone=(415) 555-0132#mobile email=a@x.io
         google: phone=+1 415-555-0132#mobile phone=+44 20 7946 0018 email=b@x.io",
        "crm: emails: a@x.io → a@x.io; b@x.io\n\
         crm: phones: (415) 555-0132 (mobile) → (415) 555-0132 (mobile); +44 20 7946 0018\n\
         google: emails: b@x.io → a@x.io; b@x.io",
    );
}

#[test]
fn an_item_removed_on_one_side_and_untouched_on_the_other_is_removed() {
    check(
        "base: email=a@x.io email=b@x.io\n crm: email=a@x.io\n google: email=a@x.io email=b@x.io",
        "google: emails: a@x.io; b@x.io → a@x.io",
    );
}

#[test]
fn items_added_on_both_sides_are_all_kept() {
    check(
        "base: email=a@x.io\n crm: email=a@x.io email=c@x.io\n google: email=a@x.io email=g@x.io",
        "crm: emails: a@x.io; c@x.io → a@x.io; c@x.io; g@x.io\n\
         google: emails: a@x.io; g@x.io → a@x.io; c@x.io; g@x.io",
    );
}

#[test]
fn clearing_a_field_on_one_side_propagates_as_a_clear() {
    check(
        "base: notes=call back phone=+1 555 0100\n crm: -\n google: notes=call back phone=+1 555 0100",
        "google: phones: +1 555 0100 → (empty)\ngoogle: notes: call back → (empty)",
    );
}

#[test]
fn a_reordered_list_is_not_a_change() {
    check(
        "base: email=a@x.io email=b@x.io\n crm: email=b@x.io email=a@x.io\n google: email=a@x.io email=b@x.io",
        "nothing",
    );
}

#[test]
fn a_label_changed_on_one_side_follows_to_the_other() {
    check(
        "base: email=a@x.io#home\n crm: email=a@x.io#home\n google: email=a@x.io#work",
        "crm: emails: a@x.io (home) → a@x.io (work)",
    );
}

#[test]
fn a_birthday_without_a_year_differs_from_one_with_a_year() {
    check(
        "base: bday=--07-14\n crm: bday=--07-14\n google: bday=1990-07-14",
        "crm: birthday: --07-14 → 1990-07-14",
    );
}

#[test]
fn addresses_match_despite_case_and_spacing() {
    check(
        "base: addr=1 Main St|Springfield|IL|62701|USA
         crm: addr=1 main st|SPRINGFIELD|il|62701|usa
         google: addr=1 Main St|Springfield|IL|62701|USA",
        "nothing",
    );
}

#[test]
fn a_forbidden_direction_writes_nothing_there_and_keeps_the_difference_pending() {
    let input = "base: title=x\n crm: title=y\n google: title=x\n writes: crm";
    check(input, "nothing");
    // The pending difference does not turn into a Google edit on the next round.
    let crm = contact("title=y");
    let google = contact("title=x");
    let base = contact("title=x");
    let m = merge(MergeInput {
        base: Some(&base),
        crm: &crm,
        google: &google,
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: ConflictPolicy::Newest,
        region: Region::US,
        decided: &[],
        write_crm: true,
        write_google: false,
        directions: Default::default(),
        custom: crate::sync::custom::NONE,
    });
    assert_eq!(m.base.title, "x");
}

#[test]
fn a_first_link_fills_in_a_birthdays_year_and_never_erases_it() {
    check(
        "crm: bday=--05-12\n google: bday=1980-05-12",
        "crm: birthday: --05-12 → 1980-05-12",
    );
    check(
        "crm: bday=1980-05-12\n google: bday=--05-12",
        "google: birthday: --05-12 → 1980-05-12",
    );
    // Both sides edited since the base, one with the year: the year is kept, no conflict.
    check(
        "base: bday=1970-01-01\n crm: bday=1980-05-12\n google: bday=--05-12\n times: 1 9",
        "google: birthday: --05-12 → 1980-05-12",
    );
    // Another day is another birthday: the CRM's stays, Google's is logged.
    check(
        "crm: bday=--05-12\n google: bday=1980-05-13",
        "google: birthday: 1980-05-13 → --05-12\n\
         conflict birthday: crm \"--05-12\", google \"1980-05-13\": kept crm (first link)",
    );
}

#[test]
fn a_case_only_fix_is_an_edit_and_syncs() {
    check(
        "base: last=mcdonald\n crm: last=McDonald\n google: last=mcdonald",
        "google: lastName: mcdonald → McDonald",
    );
    check(
        "base: company=ACME\n crm: company=ACME\n google: company=Acme",
        "crm: company: ACME → Acme",
    );
    // A first link keeps the text whose case says more, wherever it is, and logs nothing.
    check(
        "crm: first=ANN last=mcdonald\n google: first=Ann last=McDonald",
        "crm: firstName: ANN → Ann\ncrm: lastName: mcdonald → McDonald",
    );
    // Spacing alone is still no edit (the test text cannot carry it, so it is set here).
    let base = contact("first=Mary Ann last=McDonald");
    let mut crm = base.clone();
    crm.name.given = " Mary  Ann ".into();
    crm.name.family = "McDonald\u{a0}".into();
    let m = merge(MergeInput {
        base: Some(&base),
        crm: &crm,
        google: &base,
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: ConflictPolicy::Newest,
        region: Region::US,
        decided: &[],
        write_crm: true,
        write_google: true,
        directions: Default::default(),
        custom: crate::sync::custom::NONE,
    });
    assert_eq!(render(&m), "nothing");
}

/// Over every pair of birthdays from a small set, and with or without a base: when both sides
/// hold the same day and one of them the year, the merged birthday keeps the year unless one side
/// removed it since the base (an edit of its own).
#[test]
fn no_merge_drops_a_year_both_sides_agree_on_the_day_of() {
    let days = [
        None,
        Birthday::new(None, 5, 12),
        Birthday::new(Some(1980), 5, 12),
        Birthday::new(Some(1981), 5, 12),
        Birthday::new(None, 6, 1),
    ];
    for base in [None].into_iter().chain(days.map(Some)) {
        for c in days {
            for g in days {
                let with = |b| Contact {
                    birthday: b,
                    ..Contact::default()
                };
                let (bc, cc, gc) = (base.map(with), with(c), with(g));
                let m = merge(MergeInput {
                    base: bc.as_ref(),
                    crm: &cc,
                    google: &gc,
                    crm_modified_at: 1,
                    google_modified_at: 2,
                    policy: ConflictPolicy::Newest,
                    region: Region::US,
                    decided: &[],
                    write_crm: true,
                    write_google: true,
                    directions: Default::default(),
                    custom: crate::sync::custom::NONE,
                });
                let removed_year = |side: Option<Birthday>| matches!((base.flatten(), side), (Some(b), Some(s)) if b.year.is_some() && s.year.is_none());
                for (rich, poor) in [(c, g), (g, c)] {
                    let (Some(r), Some(p)) = (rich, poor) else {
                        continue;
                    };
                    let same_day = (r.month, r.day) == (p.month, p.day);
                    if same_day && r.year.is_some() && p.year.is_none() && !removed_year(poor) {
                        assert_eq!(
                            m.contact.birthday, rich,
                            "base {base:?}, crm {c:?}, google {g:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_primary_changed_on_one_side_is_written_to_the_other() {
    check(
        "base: email=a@x.io* email=b@x.io\n crm: email=a@x.io email=b@x.io*\n google: email=a@x.io* email=b@x.io",
        "google: emails: a@x.io (primary); b@x.io → b@x.io (primary); a@x.io",
    );
    check(
        "base: phone=+1 415 555 0100* phone=+1 415 555 0199\n crm: phone=+1 415 555 0100* phone=+1 415 555 0199\n google: phone=+1 415 555 0100 phone=+1 415 555 0199*",
        "crm: phones: +1 415 555 0100 (primary); +1 415 555 0199 → +1 415 555 0199 (primary); +1 415 555 0100",
    );
}

#[test]
fn a_primary_changed_on_both_sides_is_a_conflict_the_policy_settles() {
    let input = "base: email=a@x.io* email=b@x.io email=c@x.io\n crm: email=a@x.io email=b@x.io* email=c@x.io\n google: email=a@x.io email=b@x.io email=c@x.io*";
    check(
        &format!("{input}\n policy: google"),
        "crm: emails: a@x.io; b@x.io (primary); c@x.io → c@x.io (primary); a@x.io; b@x.io
conflict emails: crm \"primary b@x.io\", google \"primary c@x.io\": kept google (google)",
    );
    check(
        &format!("{input}\n policy: crm"),
        "google: emails: a@x.io; b@x.io; c@x.io (primary) → b@x.io (primary); a@x.io; c@x.io
conflict emails: crm \"primary b@x.io\", google \"primary c@x.io\": kept crm (crm)",
    );
}

#[test]
fn a_first_link_keeps_the_crms_primary_and_records_googles() {
    check(
        "crm: email=a@x.io email=b@x.io*\n google: email=a@x.io* email=b@x.io",
        "google: emails: a@x.io (primary); b@x.io → b@x.io (primary); a@x.io
conflict emails: crm \"primary b@x.io\", google \"primary a@x.io\": kept crm (first link)",
    );
}

#[test]
fn a_crm_that_flags_no_primary_is_not_written_for_one_and_does_not_undo_googles() {
    // Google moved its primary; the CRM stores no flag, so it neither takes one nor counts as
    // having moved it back.
    check(
        "base: email=a@x.io* email=b@x.io\n crm: email=a@x.io email=b@x.io\n google: email=a@x.io email=b@x.io*",
        "nothing",
    );
    // Its edits still reach Google, with Google's primary kept; the CRM, holding the same items,
    // is not written.
    check(
        "base: email=a@x.io* email=b@x.io\n crm: email=a@x.io email=b@x.io email=c@x.io\n google: email=a@x.io email=b@x.io*",
        "google: emails: a@x.io; b@x.io (primary) → b@x.io (primary); a@x.io; c@x.io",
    );
}

#[test]
fn a_reorder_that_keeps_the_primary_is_not_a_change() {
    check(
        "base: email=a@x.io* email=b@x.io\n crm: email=b@x.io email=a@x.io*\n google: email=a@x.io* email=b@x.io",
        "nothing",
    );
}

#[test]
fn a_removed_primary_leaves_the_first_item_left_primary() {
    check(
        "base: email=a@x.io* email=b@x.io\n crm: email=b@x.io\n google: email=a@x.io* email=b@x.io",
        "google: emails: a@x.io (primary); b@x.io → b@x.io",
    );
}

/// Every combination of primary flags on the base and the two sides, under every policy, merges
/// to a fixed point: once both sides hold what the merge decided (the CRM with or without storing
/// the flag, Google flagging the first item it is sent), they agree on the primary and a second
/// merge writes nothing.
#[test]
fn every_combination_of_primary_flags_reaches_a_fixed_point() {
    // "" flags nothing, "c" as the base is a first link; Google always flags one item.
    let flags = ["", "a", "b", "c"];
    let list = |primary: &str| {
        let mut text = String::new();
        for v in ["a", "b"] {
            let star = if v == primary { "*" } else { "" };
            text += &format!("email={v}@x.io{star} ");
        }
        contact(&text)
    };
    let mut cases = 0;
    for base in flags.iter().map(|b| (*b != "c").then(|| list(b))) {
        for c in &flags[..3] {
            for g in &flags[1..3] {
                for policy in [
                    ConflictPolicy::Crm,
                    ConflictPolicy::Google,
                    ConflictPolicy::Newest,
                ] {
                    for crm_stores_flags in [true, false] {
                        let (crm, google) = (list(c), list(g));
                        let input = |crm, google, base| MergeInput {
                            base,
                            crm,
                            google,
                            crm_modified_at: 1,
                            google_modified_at: 2,
                            policy,
                            region: Region::US,
                            decided: &[],
                            write_crm: true,
                            write_google: true,
                            directions: Default::default(),
                            custom: crate::sync::custom::NONE,
                        };
                        let m = merge(input(&crm, &google, base.as_ref()));
                        let mut crm_after = if m.crm.is_empty() {
                            crm.clone()
                        } else {
                            m.contact.clone()
                        };
                        if !crm_stores_flags {
                            crm_after.emails.iter_mut().for_each(|e| e.primary = false);
                        }
                        // Google flags the first item of the list it is sent.
                        let mut google_after = if m.google.is_empty() {
                            google.clone()
                        } else {
                            m.contact.clone()
                        };
                        if !m.google.is_empty() {
                            for (n, e) in google_after.emails.iter_mut().enumerate() {
                                e.primary = n == 0;
                            }
                        }
                        // Both sides now agree on the primary wherever the CRM names one.
                        let flagged = |c: &Contact| {
                            c.emails.iter().find(|e| e.primary).map(|e| e.value.clone())
                        };
                        if flagged(&crm_after).is_some() {
                            assert_eq!(
                                flagged(&crm_after),
                                flagged(&google_after),
                                "base {base:?} crm {c:?} google {g:?} {policy:?}"
                            );
                        }
                        let again = merge(input(&crm_after, &google_after, Some(&m.base)));
                        assert!(
                            again.is_noop(),
                            "base {base:?} crm {c:?} google {g:?} {policy:?} flags stored {crm_stores_flags}: {}",
                            render(&again)
                        );
                        cases += 1;
                    }
                }
            }
        }
    }
    assert_eq!(cases, 4 * 3 * 2 * 3 * 2);
}

#[test]
fn copying_fields_writes_each_field_into_its_own_slot_and_no_other() {
    let from = contact(
        "prefix=Dr first=Ann middle=B last=Lee suffix=Jr email=a@x.io phone=+1 555 0100 \
         addr=1 Main St|Springfield bday=1990-07-14 company=Acme title=CEO notes=met at a fair tag=vip",
    );
    let to = contact(
        "prefix=Mr first=Bo middle=C last=Kim suffix=Sr email=b@y.io phone=+1 555 0199 \
         addr=2 Side St|Shelbyville bday=--01-02 company=Initech title=CTO notes=old friend tag=lead",
    );
    let mut all = to.clone();
    copy_fields(&mut all, &from, &Field::ALL);
    assert_eq!(all, from, "copying every field copies the whole contact");
    for f in Field::ALL {
        let others: Vec<Field> = Field::ALL.into_iter().filter(|g| *g != f).collect();
        let mut c = to.clone();
        copy_fields(&mut c, &from, &others);
        assert_ne!(c, from, "{f} was written though not asked for");
        copy_fields(&mut c, &from, &[f]);
        assert_eq!(c, from, "{f} was not written into its own slot");
    }
}

mod directions;
mod tags;

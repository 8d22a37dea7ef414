use super::*;
use crate::sync::model::Field;
use crate::sync::settings::{CrmDeletes, GoogleDeletes, MY_CONTACTS};
use crate::sync::state::PendingDeletion;
use crate::sync::testkit::contact;

/// Builds a planning round from lines:
/// `link <crm id> <resource name>: <base>` — an existing link and its base;
/// `crm <id>: <contact>` — a CRM contact in scope (`crm <id> @<modifiedAt>: …` to set its time,
/// `crm <id> readonly: …` for one the user may not change, "Owned by Bob.");
/// `other <id>: <contact>` — a CRM contact outside the view;
/// `google <rn> [tag=<crm id>] [in=<group>]: <contact>` — a person in the listing (group default
/// myContacts);
/// `crm-deleted <id>`, `google-deleted <rn>`;
/// `listing full|incremental [incomplete]`; `scope contacts <ids…>|push|pull`;
/// `google-deletes unlink|status <s>`, `crm-deletes delete`, `confirm`;
/// `apart <crm id> <rn>` — a pair kept apart in the state; `keep <crm id> <field> crm|google` —
/// a conflict choice; `decide link|apart <crm id> <rn>` — a match decision;
/// `hold <days>` — deletions wait that many days on both sides; `pending google|crm <crm id>
/// <rn> @<since>: <base>` — a held deletion, the contact waiting on that side; `restore <crm id>`,
/// `delete-now <crm id>` — choices on one; `now <ms>` — when the plan is made (default 1000).
struct Round {
    state: AccountState,
    settings: Settings,
    crm: Vec<CrmContact>,
    other: Vec<CrmContact>,
    crm_deleted: Vec<String>,
    google: GoogleListing,
    scope: Scope,
    confirm: bool,
    decisions: Decisions,
    now: Millis,
}

fn round(text: &str) -> Round {
    let mut r = Round {
        state: AccountState::new(),
        // Deletions are made at once unless a test holds them (`hold`).
        settings: Settings {
            google_deletes_hold_days: 0,
            crm_deletes_hold_days: 0,
            ..Settings::default()
        },
        crm: Vec::new(),
        other: Vec::new(),
        crm_deleted: Vec::new(),
        google: GoogleListing {
            full: false,
            complete: true,
            ..GoogleListing::default()
        },
        scope: Scope::All,
        confirm: false,
        decisions: Decisions::default(),
        now: 1_000,
    };
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (head, body) = line.split_once(':').unwrap_or((line, ""));
        let words: Vec<&str> = head.split_whitespace().collect();
        match words[0] {
            "link" => {
                r.state.links.insert(
                    words[1].to_string(),
                    Link {
                        crm_id: words[1].to_string(),
                        resource_name: words[2].to_string(),
                        etag: format!("etag-{}", words[2]),
                        base: contact(body),
                        synced_at: 0,
                        last_change: None,
                    },
                );
            }
            "crm" | "other" => {
                let modified_at = words[2..]
                    .iter()
                    .find_map(|w| w.strip_prefix('@'))
                    .map_or(0, |t| t.parse().expect("time"));
                let c = CrmContact {
                    id: words[1].to_string(),
                    modified_at,
                    status: None,
                    contact: contact(body),
                    read_only: words[2..]
                        .contains(&"readonly")
                        .then(|| "Owned by Bob.".to_string()),
                };
                if words[0] == "crm" {
                    r.crm.push(c)
                } else {
                    r.other.push(c)
                }
            }
            "google" => {
                let mut g = GoogleContact {
                    resource_name: words[1].to_string(),
                    etag: format!("etag-{}", words[1]),
                    updated_at: 0,
                    tag: None,
                    extra_tags: Vec::new(),
                    groups: vec![MY_CONTACTS.to_string()],
                    contact: contact(body),
                };
                for w in &words[2..] {
                    if let Some(t) = w.strip_prefix("tag=") {
                        g.tag = Some(t.to_string());
                    } else if let Some(grp) = w.strip_prefix("in=") {
                        g.groups = vec![grp.to_string()];
                    } else if let Some(t) = w.strip_prefix('@') {
                        g.updated_at = t.parse().expect("time");
                    }
                }
                r.google.people.push(g);
            }
            "crm-deleted" => r.crm_deleted.push(words[1].to_string()),
            "google-deleted" => r.google.deleted.push(words[1].to_string()),
            "listing" => {
                r.google.full = words[1] == "full";
                r.google.complete = words.get(2) != Some(&"incomplete");
            }
            "scope" => {
                r.scope = match words[1] {
                    "contacts" => Scope::Contacts {
                        ids: words[2..].iter().map(|s| s.to_string()).collect(),
                    },
                    "push" => Scope::PushAll,
                    "pull" => Scope::PullAll,
                    s => panic!("scope {s}"),
                }
            }
            "google-deletes" => {
                r.settings.google_deletes = match words[1] {
                    "unlink" => GoogleDeletes::Unlink,
                    _ => GoogleDeletes::SetStatus(words[2].to_string()),
                }
            }
            "crm-deletes" => r.settings.crm_deletes = CrmDeletes::Delete,
            "import-as" => r.settings.import_status = Some(words[1].to_string()),
            "confirm" => r.confirm = true,
            "apart" => r.state.apart.push(Apart {
                crm_id: words[1].to_string(),
                resource_name: words[2].to_string(),
            }),
            "keep" => r.decisions.conflicts.push(ConflictChoice {
                crm_id: words[1].to_string(),
                field: Field::ALL
                    .into_iter()
                    .find(|f| f.as_str() == words[2])
                    .expect("field"),
                key: String::new(),
                keep: if words[3] == "crm" {
                    Side::Crm
                } else {
                    Side::Google
                },
            }),
            "decide" => r.decisions.matches.push(MatchDecision {
                crm_id: words[2].to_string(),
                resource_name: words[3].to_string(),
                choice: if words[1] == "link" {
                    MatchChoice::Link
                } else {
                    MatchChoice::Apart
                },
            }),
            "hold" => {
                let days = words[1].parse().expect("days");
                r.settings.google_deletes_hold_days = days;
                r.settings.crm_deletes_hold_days = days;
            }
            "pending" => {
                let since = words[4].strip_prefix('@').expect("@since").parse();
                r.state.pending.deletions.insert(
                    words[2].to_string(),
                    PendingDeletion {
                        side: if words[1] == "crm" {
                            Side::Crm
                        } else {
                            Side::Google
                        },
                        link: Link {
                            crm_id: words[2].to_string(),
                            resource_name: words[3].to_string(),
                            etag: String::new(),
                            base: contact(body),
                            synced_at: 0,
                            last_change: None,
                        },
                        name: contact(body).display_name(),
                        since: since.expect("time"),
                    },
                );
            }
            "restore" | "delete-now" => r.decisions.pending.push(PendingChoice {
                crm_id: words[1].to_string(),
                action: if words[0] == "restore" {
                    PendingAction::Restore
                } else {
                    PendingAction::DeleteNow
                },
            }),
            "now" => r.now = words[1].parse().expect("time"),
            w => panic!("unknown line kind {w}"),
        }
    }
    r
}

impl Round {
    fn plan(&self) -> Plan {
        plan(PlanInput {
            state: &self.state,
            settings: &self.settings,
            crm: &self.crm,
            crm_other: &self.other,
            crm_deleted: &self.crm_deleted,
            google: &self.google,
            target_group: Some("contactGroups/crm"),
            scope: &self.scope,
            confirm_deletions: self.confirm,
            now: self.now,
            capabilities: &Default::default(),
            decisions: &self.decisions,
        })
    }
}

fn check(input: &str, expected: &str) {
    let plan = round(input).plan();
    assert_eq!(
        plan.to_string().trim(),
        expected.trim(),
        "\ninput:\n{input}"
    );
}

#[test]
fn a_first_sync_links_matches_fills_blanks_and_creates_the_rest() {
    check(
        "listing full
         crm 1: first=Ann email=ann@x.io
         crm 2: first=Bo phone=(415) 555-0100
         google c7: first=Ann email=ANN@x.io bday=--07-14
         google c8: first=Cy email=cy@x.io
         import-as Lead",
        r#"google: create "Bo" (crm 2) in contactGroups/crm, contactGroups/myContacts
crm: create "Cy" (c8) as Lead
link "Ann" (crm 1 = c7) by email
crm: update "Ann" (crm 1 = c7): birthday: (empty) → --07-14
google: update "Ann" (crm 1 = c7): link tag
google: add c7 to contactGroups/crm"#,
    );
}

#[test]
fn a_round_with_no_edits_is_empty() {
    check(
        "link 1 c1: first=Ann email=a@x.io
         crm 1: first=Ann email=a@x.io
         google c1 tag=1: first=Ann email=a@x.io",
        "nothing to do",
    );
}

#[test]
fn our_own_write_echoing_back_is_not_an_edit() {
    // The incremental listing shows c1 again after our update wrote "Anne": the base has it.
    check(
        "link 1 c1: first=Anne
         google c1 tag=1: first=Anne",
        "nothing to do",
    );
}

#[test]
fn an_edit_on_either_side_flows_to_the_other() {
    check(
        "link 1 c1: first=Ann title=CEO
         crm 1: first=Ann title=CTO
         link 2 c2: first=Bo
         crm 2: first=Bo
         google c2 tag=2: first=Bob",
        r#"google: update "Ann" (crm 1 = c1): title: CEO → CTO
crm: update "Bo" (crm 2 = c2): firstName: Bo → Bob"#,
    );
}

#[test]
fn a_google_deletion_deletes_the_crm_contact_unless_it_was_edited_then_the_edit_goes_back() {
    check(
        "link 1 c1: first=Ann\n crm 1: first=Ann\n link 2 c2: first=Bo\n crm 2: first=Bob\n google-deleted c1\n google-deleted c2",
        r#"google: create "Bob" (crm 2) in contactGroups/crm, contactGroups/myContacts
crm: delete "Ann" (crm 1 = c1): deleted in Google
unlink "Bob" (crm 2 = c2): deleted on one side after an edit on the other; the edit wins"#,
    );
}

#[test]
fn google_deletion_policies_unlink_or_set_a_status() {
    check(
        "link 1 c1: first=Ann\n crm 1: first=Ann\n google-deleted c1\n google-deletes unlink",
        r#"unlink "Ann" (crm 1 = c1): deleted in Google; the CRM's copy is kept"#,
    );
    check(
        "link 1 c1: first=Ann\n crm 1: first=Ann\n google-deleted c1\n google-deletes status Past",
        r#"crm: update "Ann" (crm 1 = c1): status → Past
unlink "Ann" (crm 1 = c1): deleted in Google; the CRM's copy is kept"#,
    );
}

#[test]
fn a_crm_deletion_leaves_google_alone_by_default() {
    check(
        "link 1 c1: first=Ann\n crm-deleted 1",
        r#"unlink "Ann" (crm 1 = c1): deleted in the CRM; Google's copy is kept"#,
    );
    check(
        "link 1 c1: first=Ann\n crm-deleted 1\n crm-deletes delete",
        r#"google: delete "Ann" (crm 1 = c1): deleted in the CRM"#,
    );
}

#[test]
fn a_contact_missing_from_a_complete_full_listing_is_deleted_but_not_from_an_incomplete_one() {
    check(
        "link 1 c1: first=Ann\n crm 1: first=Ann\n listing full",
        r#"crm: delete "Ann" (crm 1 = c1): deleted in Google"#,
    );
    check(
        "link 1 c1: first=Ann\n listing full incomplete",
        "nothing to do",
    );
    check(
        "link 1 c1: first=Ann\n google-deleted c1\n listing incremental incomplete",
        "nothing to do",
    );
}

#[test]
fn an_incomplete_listing_creates_nothing_in_google() {
    check(
        "crm 1: first=Ann\n listing full incomplete",
        "nothing to do",
    );
}

#[test]
fn leaving_every_source_group_unlinks_and_never_deletes() {
    check(
        "link 1 c1: first=Ann\n google c1 tag=1 in=contactGroups/friends: first=Ann",
        r#"unlink "Ann" (crm 1 = c1): no longer in a source group"#,
    );
}

#[test]
fn deletions_over_the_guard_are_held_until_confirmed() {
    let mut text = String::from("listing full\n");
    for i in 0..12 {
        text.push_str(&format!(
            "link {i} c{i}: first=P{i}\n crm {i}: first=P{i}\n"
        ));
    }
    let r = round(&text);
    let p = r.plan();
    assert!(p.deletes.is_empty());
    assert_eq!(p.held.len(), 1);
    assert_eq!(
        (p.held[0].side, p.held[0].deletions.len(), p.held[0].limit),
        (Side::Crm, 12, 10)
    );
    let p = round(&format!("{text}confirm")).plan();
    assert_eq!(p.deletes.len(), 12);
    assert!(p.held.is_empty());
}

#[test]
fn ambiguous_matches_are_listed_and_create_nothing() {
    check(
        "listing full
         crm 1: first=Ann email=a@x.io
         google c1: email=a@x.io
         google c2: email=a@x.io",
        r#"ambiguous crm "Ann" (1): 2 candidates by email: c1, c2"#,
    );
}

#[test]
fn a_contact_tagged_for_a_crm_contact_that_is_gone_is_not_imported_again() {
    check(
        "listing full\n google c1 tag=99: first=Ann",
        "nothing to do",
    );
}

#[test]
fn a_google_contact_matching_a_crm_contact_outside_the_view_links_instead_of_duplicating() {
    check(
        "listing full\n other 5: first=Ann email=a@x.io\n google c1: first=Ann email=a@x.io",
        r#"link "Ann" (crm 5 = c1) by email
google: update "Ann" (crm 5 = c1): link tag"#,
    );
}

#[test]
fn an_old_unlinked_google_contact_from_the_cache_still_matches_a_new_crm_contact() {
    let mut r = round("crm 1: first=Ann email=a@x.io");
    r.state.google_unlinked.insert(
        "c9".into(),
        GoogleContact {
            resource_name: "c9".into(),
            etag: "e9".into(),
            updated_at: 0,
            tag: None,
            extra_tags: Vec::new(),
            groups: vec![MY_CONTACTS.into()],
            contact: contact("first=Ann email=a@x.io"),
        },
    );
    assert_eq!(
        r.plan().to_string().trim(),
        "link \"Ann\" (crm 1 = c9) by email\ngoogle: update \"Ann\" (crm 1 = c9): link tag\ngoogle: add c9 to contactGroups/crm"
    );
}

#[test]
fn a_scoped_run_touches_only_the_chosen_contacts() {
    check(
        "scope contacts 2
         link 1 c1: first=Ann\n crm 1: first=Anna
         crm 2: first=Bo
         google c5: first=Cy",
        r#"google: create "Bo" (crm 2) in contactGroups/crm, contactGroups/myContacts"#,
    );
}

#[test]
fn push_all_writes_only_google_and_pull_all_only_the_crm() {
    let text = "link 1 c1: first=Ann title=x\n crm 1: first=Ann title=y\n google c1 tag=1: first=Annie title=x";
    check(
        &format!("{text}\n scope push"),
        r#"google: update "Ann" (crm 1 = c1): title: x → y"#,
    );
    check(
        &format!("{text}\n scope pull"),
        r#"crm: update "Ann" (crm 1 = c1): firstName: Ann → Annie"#,
    );
}

#[test]
fn the_plan_is_the_same_whatever_the_input_order() {
    let a = round("listing full\n crm 1: email=a@x.io\n crm 2: email=b@x.io\n google c1: email=b@x.io\n google c2: email=a@x.io");
    let b = round("listing full\n crm 2: email=b@x.io\n crm 1: email=a@x.io\n google c2: email=a@x.io\n google c1: email=b@x.io");
    assert_eq!(a.plan().to_string(), b.plan().to_string());
}

#[test]
fn committing_a_plan_records_links_and_bases_so_the_next_round_is_empty() {
    let mut r = round("listing full\n crm 1: first=Ann email=a@x.io\n google c7: first=Ann email=a@x.io phone=+1 415 555 0100");
    let p = r.plan();
    let mut outcome = Outcome::default();
    outcome.google_etags.insert("c7".into(), "etag-2".into());
    p.commit(&mut r.state, &r.google, &outcome, 5);
    let link = &r.state.links["1"];
    assert_eq!(
        (link.resource_name.as_str(), link.etag.as_str()),
        ("c7", "etag-2")
    );
    assert_eq!(link.base.phones.len(), 1);
    assert!(r.state.google_unlinked.is_empty());
}

/// Commits `r`'s plan as if every write succeeded, then returns the next round's plan over the
/// same CRM contacts and an empty incremental listing (nothing changed in Google).
fn commit_and_replan(r: &mut Round) -> Plan {
    let p = r.plan();
    p.commit(&mut r.state, &r.google, &Outcome::default(), 5);
    r.google = GoogleListing {
        complete: true,
        ..GoogleListing::default()
    };
    r.crm_deleted.clear();
    r.plan()
}

#[test]
fn a_contact_google_renamed_is_followed_by_its_tag_and_relinked_not_deleted() {
    // A full listing after an expired token shows no `previousResourceNames`: only the tag says
    // that c9 is c1.
    check(
        "listing full
         link 1 c1: first=Ann email=a@x.io
         crm 1: first=Ann email=a@x.io
         google c9 tag=1: first=Ann email=a@x.io title=CEO",
        r#"link "Ann" (crm 1 = c9) by link tag
crm: update "Ann" (crm 1 = c9): title: (empty) → CEO"#,
    );
    let mut r = round(
        "listing full
         link 1 c1: first=Ann
         crm 1: first=Ann
         google c9 tag=1: first=Ann",
    );
    let p = r.plan();
    p.commit(&mut r.state, &r.google, &Outcome::default(), 5);
    assert_eq!(r.state.links["1"].resource_name, "c9");
    assert_eq!(r.plan().to_string().trim(), "nothing to do");
}

#[test]
fn a_linked_contact_outside_the_view_is_merged_from_its_real_crm_record() {
    // The CRM added 0199, Google added 0142: both are kept on both sides.
    check(
        "link 1 c1: first=Ann phone=+1 415 555 0100
         other 1: first=Ann phone=+1 415 555 0100 phone=+1 415 555 0199
         google c1 tag=1: first=Ann phone=+1 415 555 0100 phone=+1 415 555 0142",
        r#"crm: update "Ann" (crm 1 = c1): phones: +1 415 555 0100; +1 415 555 0199 → +1 415 555 0100; +1 415 555 0199; +1 415 555 0142
google: update "Ann" (crm 1 = c1): phones: +1 415 555 0100; +1 415 555 0142 → +1 415 555 0100; +1 415 555 0199; +1 415 555 0142"#,
    );
    // Deleted in Google, edited in the CRM outside the view: the edit wins.
    check(
        "link 1 c1: first=Ann
         other 1: first=Ann title=CEO
         google-deleted c1",
        r#"unlink "Ann" (crm 1 = c1): deleted on one side after an edit on the other; the edit wins"#,
    );
}

#[test]
fn a_crm_record_not_read_is_never_written_and_holds_the_cursors() {
    for text in [
        "link 1 c1: first=Ann\n google c1 tag=1: first=Anna",
        "link 1 c1: first=Ann\n google-deleted c1",
        "link 1 c1: first=Ann\n listing full",
    ] {
        let p = round(text).plan();
        assert_eq!(p.to_string().trim(), "nothing to do", "{text}");
        assert_eq!(p.deferred, ["1"], "{text}");
    }
}

#[test]
fn a_contact_unlinked_after_its_google_deletion_is_not_sent_back_unless_edited() {
    for policy in ["google-deletes unlink", "google-deletes status Past"] {
        let mut r = round(&format!(
            "link 1 c1: first=Ann\n crm 1: first=Ann\n google-deleted c1\n {policy}"
        ));
        assert_eq!(
            commit_and_replan(&mut r).to_string().trim(),
            "nothing to do",
            "{policy}"
        );
        r.crm[0].contact = contact("first=Anna");
        assert_eq!(
            r.plan().to_string().trim(),
            r#"google: create "Anna" (crm 1) in contactGroups/crm, contactGroups/myContacts"#,
            "{policy}"
        );
    }
}

#[test]
fn mass_status_changes_for_google_deletions_are_held_like_deletions() {
    let mut text = String::from("listing full\n google-deletes status Past\n");
    for i in 0..12 {
        text.push_str(&format!(
            "link {i} c{i}: first=P{i}\n crm {i}: first=P{i}\n"
        ));
    }
    let p = round(&text).plan();
    assert!(p.updates.is_empty() && p.unlinks.is_empty(), "{p}");
    assert_eq!(p.held.len(), 1);
    assert_eq!((p.held[0].side, p.held[0].deletions.len()), (Side::Crm, 12));
    let p = round(&format!("{text}confirm")).plan();
    assert_eq!((p.updates.len(), p.unlinks.len()), (12, 12));
}

#[test]
fn a_contact_outside_the_view_and_the_source_groups_stays_unlinked_instead_of_flapping() {
    let mut r = round(
        "link 1 c1: first=Ann
         other 1: first=Ann
         google c1 tag=1 in=contactGroups/friends: first=Ann",
    );
    assert_eq!(
        r.plan().to_string().trim(),
        r#"unlink "Ann" (crm 1 = c1): no longer in a source group"#
    );
    // The next run sees the tagged contact again, in the listing or the cache.
    let g = r.google.clone();
    commit_and_replan(&mut r);
    r.google = g;
    for _ in 0..2 {
        assert_eq!(r.plan().to_string().trim(), "nothing to do");
        r.google.full = true;
    }
}

#[test]
fn a_second_google_contact_tagged_for_one_crm_contact_is_deleted_when_it_adds_nothing() {
    check(
        "link 1 c1: first=Ann email=a@x.io
         crm 1: first=Ann email=a@x.io
         google c1 tag=1: first=Ann email=a@x.io
         google c2 tag=1: first=Ann",
        r#"google: delete "Ann" (crm 1 = c2): a second copy of a contact already in Google, holding nothing the first lacks"#,
    );
    // Holding a phone its twin lacks: reported, not deleted.
    check(
        "link 1 c1: first=Ann email=a@x.io
         crm 1: first=Ann email=a@x.io
         google c2 tag=1: first=Ann phone=+1 415 555 0100",
        r#"ambiguous google "Ann" (c2): a second copy of CRM contact 1, holding values the first lacks"#,
    );
    // Two unlinked copies (two tabs created it): one links, the emptier one goes.
    check(
        "listing full
         crm 1: first=Ann email=a@x.io
         google c1 tag=1: first=Ann
         google c2 tag=1: first=Ann email=a@x.io",
        r#"link "Ann" (crm 1 = c2) by link tag
google: delete "Ann" (crm 1 = c1): a second copy of a contact already in Google, holding nothing the first lacks
google: add c2 to contactGroups/crm"#,
    );
}

#[test]
fn a_second_copy_is_deleted_from_an_incomplete_listing_only_beside_its_twin() {
    // The linked twin c1 is not in this incomplete listing: it may be gone from Google, and c2
    // the only copy left. Nothing is deleted.
    check(
        "link 1 c1: first=Ann email=a@x.io
         crm 1: first=Ann email=a@x.io
         google c2 tag=1: first=Ann
         listing full incomplete",
        "nothing to do",
    );
    // Both copies are in sight: the twin holds all the second holds, so the second goes.
    check(
        "link 1 c1: first=Ann email=a@x.io
         crm 1: first=Ann email=a@x.io
         google c1 tag=1: first=Ann email=a@x.io
         google c2 tag=1: first=Ann
         listing incremental incomplete",
        r#"google: delete "Ann" (crm 1 = c2): a second copy of a contact already in Google, holding nothing the first lacks"#,
    );
}

const CONFLICT: &str = "link 1 c1: first=Ann title=CEO
     crm 1 @9: first=Ann title=CTO
     google c1 tag=1 @1: first=Ann title=COO
     ";

#[test]
fn a_conflict_decided_for_google_writes_googles_value_to_the_crm() {
    check(
        CONFLICT,
        r#"google: update "Ann" (crm 1 = c1): title: COO → CTO
conflict "Ann" title: crm "CTO", google "COO": kept crm (newest)"#,
    );
    check(
        &format!("{CONFLICT}keep 1 title google"),
        r#"crm: update "Ann" (crm 1 = c1): title: CTO → COO
conflict "Ann" title: crm "CTO", google "COO": kept google (your choice)"#,
    );
}

#[test]
fn a_conflict_decided_for_the_crm_writes_the_crms_value_to_google() {
    let text = "link 1 c1: first=Ann title=CEO
     crm 1 @1: first=Ann title=CTO
     google c1 tag=1 @9: first=Ann title=COO
     keep 1 title crm";
    check(
        text,
        r#"google: update "Ann" (crm 1 = c1): title: COO → CTO
conflict "Ann" title: crm "CTO", google "COO": kept crm (your choice)"#,
    );
}

#[test]
fn a_conflict_choice_naming_no_conflict_is_rejected() {
    for choice in ["keep 2 title google", "keep 1 company google"] {
        let p = round(&format!("{CONFLICT}{choice}")).plan();
        assert_eq!(p.rejected.len(), 1, "{choice}: {p}");
    }
    let p = round(&format!("{CONFLICT}keep 1 title google\nkeep 1 title crm")).plan();
    assert_eq!(
        p.rejected,
        [Rejection::BothSides {
            crm_id: "1".into(),
            field: Field::Title
        }]
    );
    assert_eq!(
        Rejection::message(&p.rejected),
        "decisions: the title of CRM contact 1 is chosen from both sides"
    );
}

const AMBIGUOUS: &str = "listing full
     crm 1: first=Ann last=Lee email=a@x.io phone=415 555 0100
     google c1: first=Ann last=Lee email=a@x.io
     google c2: first=Annie last=Lee email=a@x.io title=CEO
     ";

#[test]
fn an_ambiguous_match_linked_to_a_candidate_links_exactly_it_and_merges_the_pair() {
    check(
        AMBIGUOUS,
        r#"ambiguous crm "Ann Lee" (1): 2 candidates by email: c1, c2"#,
    );
    check(
        &format!("{AMBIGUOUS}decide link 1 c2"),
        r#"crm: create "Ann Lee" (c1)
link "Ann Lee" (crm 1 = c2) by email
crm: update "Ann Lee" (crm 1 = c2): title: (empty) → CEO
google: update "Ann Lee" (crm 1 = c2): firstName: Annie → Ann; phones: (empty) → 415 555 0100; link tag
google: add c2 to contactGroups/crm
conflict "Ann Lee" firstName: crm "Ann", google "Annie": kept crm (first link)"#,
    );
}

#[test]
fn an_ambiguous_match_kept_apart_is_remembered_and_each_contact_goes_its_own_way() {
    check(
        &format!("{AMBIGUOUS}decide apart 1 c1\ndecide apart 1 c2"),
        r#"keep apart crm 1 and c1
keep apart crm 1 and c2
google: create "Ann Lee" (crm 1) in contactGroups/crm, contactGroups/myContacts
crm: create "Ann Lee" (c1)
crm: create "Annie Lee" (c2)"#,
    );
    // Remembered: the next plan does not pair them, nor report them.
    let p = round(&format!("{AMBIGUOUS}apart 1 c1\napart 1 c2")).plan();
    assert!(p.ambiguous.is_empty(), "{p}");
    assert!(p.apart.is_empty(), "{p}");
    // Kept apart from one candidate only: the other is the match.
    check(
        &format!("{AMBIGUOUS}apart 1 c2"),
        r#"crm: create "Annie Lee" (c2)
link "Ann Lee" (crm 1 = c1) by email
google: update "Ann Lee" (crm 1 = c1): phones: (empty) → 415 555 0100; link tag
google: add c1 to contactGroups/crm"#,
    );
}

#[test]
fn a_match_decision_naming_no_ambiguous_pair_is_rejected() {
    type Is = fn(&Rejection) -> bool;
    let not_ambiguous: Is = |r| matches!(r, Rejection::NotAmbiguous { .. });
    let twice: Is = |r| matches!(r, Rejection::LinkedTwice { .. });
    let both: Is = |r| matches!(r, Rejection::LinkedAndApart { .. });
    let cases = [
        ("decide link 1 c9", not_ambiguous),
        ("decide apart 7 c1", not_ambiguous),
        ("decide link 1 c1\ndecide link 1 c2", twice),
        ("decide link 1 c1\ndecide apart 1 c1", both),
    ];
    for (decision, expected) in cases {
        let p = round(&format!("{AMBIGUOUS}{decision}")).plan();
        assert!(!p.rejected.is_empty(), "{decision}: {p}");
        assert!(p.rejected.iter().all(expected), "{decision}: {p}");
    }
    // A pair matched by its tag is no guess to settle.
    let p = round(
        "listing full
         crm 1: first=Ann email=a@x.io
         google c1 tag=1: first=Ann
         decide apart 1 c1",
    )
    .plan();
    assert_eq!(p.rejected.len(), 1, "{p}");
}

#[test]
fn decisions_that_cannot_be_read_say_which_item_and_key() {
    use crate::json::FromJson;
    let read = |v: serde_json::Value| {
        Decisions::from_json(v)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let conflict = |v| serde_json::json!({ "conflicts": [{ "crmId": "1", "field": "title", "keep": "crm" }, v] });
    let cases = [
        (
            conflict(serde_json::json!({ "crmId": "1", "field": "colour", "keep": "crm" })),
            "conflicts[1].field: unknown variant `colour`",
        ),
        (
            conflict(serde_json::json!({ "crmId": "1", "field": "title", "keep": "both" })),
            "conflicts[1].keep: unknown variant `both`",
        ),
        (
            conflict(serde_json::json!({ "field": "title", "keep": "crm" })),
            "conflicts[1]: missing field `crmId`",
        ),
        (
            serde_json::json!({ "matches": [{ "crmId": "1", "resourceName": "people/c1", "choice": "merge" }] }),
            "matches[0].choice: unknown variant `merge`",
        ),
        (
            serde_json::json!({ "matches": {} }),
            "matches: invalid type",
        ),
        (serde_json::json!([]), "invalid type"),
    ];
    for (v, expected) in cases {
        let e = read(v.clone());
        assert!(e.starts_with(expected), "{v}: {e}");
    }
    let ok = Decisions::from_json(
        serde_json::json!({ "conflicts": [{ "crmId": "1", "field": "firstName", "keep": "google" }] }),
    );
    assert_eq!(
        ok.map(|d| (d.conflicts[0].field, d.conflicts[0].keep, d.matches.len())),
        Ok((Field::GivenName, Side::Google, 0))
    );
}

/// Records the user may not change.
mod pending;
mod read_only;

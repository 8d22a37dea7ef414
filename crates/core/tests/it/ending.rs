//! The end of a run, as the one driver makes it for every runner: the journal while it writes,
//! then the state, the journal's removal, the run log and the account's summary, in that order;
//! a storage write that fails leaves what the next run needs to recover, and the report says so.
//! Also what a run is asked ([`RunRequest`]).

use crate::harness::*;
use gcontacts_sync_core::sync::engine::{Mode, Patience, RunRequest, RunSetup, Trigger};
use gcontacts_sync_core::sync::error::ErrorCode;
use gcontacts_sync_core::sync::model::{Field, Side};
use gcontacts_sync_core::sync::plan::{ConflictChoice, Decisions, Scope};

/// A world whose first run creates `n` CRM contacts in Google.
fn creating(n: usize) -> World {
    let mut w = World::new();
    w.crm_add_people(n, "Lee");
    w
}

fn messages(r: &gcontacts_sync_core::sync::engine::RunResult) -> Vec<String> {
    r.report.errors.iter().map(|e| e.message.clone()).collect()
}

#[test]
fn a_run_journals_its_creates_then_saves_the_state_before_it_clears_the_journal_then_logs() {
    let mut w = creating(3);
    let r = w.run_ok();
    assert_eq!(r.report.created.google, 3);
    assert_eq!(
        w.writes,
        [
            Store::Journal,
            Store::State,
            Store::ClearJournal,
            Store::Undo,
            Store::Log,
            Store::Meta
        ]
    );
    assert_eq!(w.journal, None);
    assert_eq!(w.log.len(), 1);
    assert!(w.log[0].ok);
    assert_eq!(w.meta_links, Some(3));
    // Nothing to create: no journal is written while the run goes.
    w.run_ok();
    assert_eq!(
        w.writes,
        [Store::State, Store::ClearJournal, Store::Log, Store::Meta]
    );
}

#[test]
fn a_state_that_cannot_be_saved_keeps_the_journal_and_the_next_run_links_what_was_created() {
    let mut w = creating(3);
    w.failing_writes.insert(Store::State);
    let r = w.run();
    assert!(!r.report.ok);
    assert_eq!(r.report.created.google, 3, "the creates were made");
    let errors = messages(&r);
    assert!(
        errors[0].starts_with("the sync state could not be saved") && errors[0].contains("quota"),
        "{errors:?}"
    );
    assert_eq!(r.report.errors[0].code, ErrorCode::HostError);
    // The journal stays for the next run; the log still tells the user what happened.
    assert_eq!(
        w.writes,
        [
            Store::Journal,
            Store::State,
            Store::Undo,
            Store::Log,
            Store::Meta
        ]
    );
    assert!(
        w.journal.is_some(),
        "the journal was cleared before its state was saved"
    );
    assert!(w.state.links.is_empty(), "no state was saved");
    assert!(!w.log[0].ok);
    assert_eq!(w.log[0].errors, r.report.errors);

    w.failing_writes.clear();
    let again = w.run_ok();
    assert_eq!(again.report.created.google, 0, "created twice");
    assert_eq!(w.state.links.len(), 3);
    assert!(tagged(&w).values().all(|rns| rns.len() == 1), "duplicates");
    assert_eq!(w.journal, None);
    w.settled();
}

#[test]
fn a_journal_that_cannot_be_cleared_is_reported_and_costs_the_next_run_a_full_listing() {
    let mut w = creating(2);
    w.failing_writes.insert(Store::ClearJournal);
    let r = w.run();
    assert!(!r.report.ok);
    assert_eq!(
        messages(&r),
        ["the run journal could not be cleared: the storage quota is exceeded"]
    );
    assert_eq!(w.state.links.len(), 2, "the state was saved first");
    assert!(w.journal.is_some());
    assert_eq!(w.log[0].errors, r.report.errors, "the log holds the error");

    w.failing_writes.clear();
    let again = w.run_ok();
    assert_eq!(again.report.created.google, 0);
    assert_eq!(w.journal, None);
    w.settled();
}

#[test]
fn a_journal_that_cannot_be_written_does_not_stop_the_run_and_is_reported() {
    let mut w = creating(2);
    w.failing_writes.insert(Store::Journal);
    let r = w.run();
    assert_eq!(r.report.created.google, 2);
    assert_eq!(
        messages(&r),
        ["the run journal could not be saved: the storage quota is exceeded"]
    );
    assert_eq!(w.state.links.len(), 2);
    w.failing_writes.clear();
    w.settled();
}

#[test]
fn a_run_log_that_cannot_be_written_leaves_the_sync_saved_and_says_so_in_the_report() {
    for failing in [Store::Log, Store::Meta] {
        let mut w = creating(2);
        w.failing_writes.insert(failing);
        let r = w.run();
        assert!(!r.report.ok, "{failing:?}");
        assert_eq!(
            messages(&r),
            ["the run log could not be saved: the storage quota is exceeded"],
            "{failing:?}"
        );
        assert_eq!(w.state.links.len(), 2, "{failing:?}");
        assert_eq!(w.journal, None, "{failing:?}");
        // Each is tried whatever the other did.
        assert_eq!(
            &w.writes[w.writes.len() - 2..],
            [Store::Log, Store::Meta],
            "{failing:?}"
        );
    }
}

#[test]
fn a_preview_writes_nothing_to_storage() {
    let mut w = creating(2);
    w.failing_writes.insert(Store::Journal);
    let shown = w.preview();
    assert!(shown.contains("google: create"), "{shown}");
    assert_eq!(w.writes, []);
    assert!(w.log.is_empty());
}

#[test]
fn a_run_stopped_before_its_end_saves_nothing_but_the_journal() {
    let mut w = creating(3);
    let r = w.run_with(Scope::All, Some(4));
    assert!(r.is_none());
    assert!(!w.writes.contains(&Store::State), "{:?}", w.writes);
    assert!(w.log.is_empty());
}

fn setup() -> RunSetup {
    RunSetup {
        instance_id: INSTANCE.into(),
        people_api_base: BASE.into(),
        account_id: ACCOUNT.into(),
        ..RunSetup::default()
    }
}

#[test]
fn a_request_is_started_as_its_scope_says_unless_the_caller_names_its_trigger() {
    let cases = [
        (Scope::All, Trigger::Manual),
        (
            Scope::Contacts {
                ids: vec!["1".into()],
            },
            Trigger::BulkAction,
        ),
        (Scope::PushAll, Trigger::Push),
        (Scope::PullAll, Trigger::Pull),
    ];
    for (scope, trigger) in cases {
        assert_eq!(RunRequest::sync(scope.clone()).trigger, trigger);
        let preview = RunRequest::preview(scope.clone());
        assert_eq!((preview.mode, preview.trigger), (Mode::Preview, trigger));
    }
    let scheduled = RunRequest::sync(Scope::All).by(Trigger::Schedule);
    assert_eq!(scheduled.trigger, Trigger::Schedule);
    // A scheduled run waits longer for Google than one someone is waiting on.
    assert_eq!(scheduled.config(setup()).patience, Patience::SCHEDULED);
    let manual = RunRequest::sync(Scope::All).config(setup());
    assert_eq!(manual.patience, Patience::INTERACTIVE);
}

#[test]
fn a_request_applies_a_preview_only_with_its_decisions_or_its_fingerprint() {
    let plain = RunRequest::sync(Scope::All);
    assert!(!plain.applies_preview());
    let config = plain.config(setup());
    assert!(!config.preview_only && !config.confirm_deletions);
    let applying = RunRequest {
        fingerprint: Some("f1".into()),
        confirm_deletions: true,
        ..RunRequest::sync(Scope::All)
    }
    .by(Trigger::Apply);
    assert!(applying.applies_preview());
    let config = applying.config(setup());
    assert_eq!(config.fingerprint.as_deref(), Some("f1"));
    assert!(config.confirm_deletions);
    assert_eq!(config.trigger, Trigger::Apply);
    let decided = RunRequest {
        decisions: Decisions {
            conflicts: vec![ConflictChoice {
                crm_id: "1".into(),
                field: Field::Title,
                key: String::new(),
                keep: Side::Google,
            }],
            ..Decisions::default()
        },
        ..RunRequest::sync(Scope::All)
    };
    assert!(decided.applies_preview());
    assert_eq!(decided.config(setup()).decisions.conflicts.len(), 1);
}

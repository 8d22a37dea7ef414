//! Each type of the contract, with the Rust declaration it must agree with.

use super::record::shape;
use super::{ok, Contract};
use gcontacts_sync_core::dto::{
    AccountInfoDto, ChangesPage, ContactPage, CrmContactDto, CrmContactInputDto, CrmUpdateDto,
    DisconnectDto, GroupDto, PendingDeletionDto, PlanDto, ReportDto, UnreadableDto,
};
use gcontacts_sync_core::json::ts::{Dir, TsType};
use gcontacts_sync_core::people::wire::ContactGroup;
use gcontacts_sync_core::sync::engine::{ContactFailure, CrmUpdate, RunError, RunReport, Trigger};
use gcontacts_sync_core::sync::model::{Contact, Field, Side};
use gcontacts_sync_core::sync::plan::Plan;
use gcontacts_sync_core::sync::settings::Settings;
use gcontacts_sync_core::sync::ErrorCode;
use serde_json::json;

#[test]
fn what_a_host_answers_is_what_the_plugin_reads() {
    let c = Contract::new();
    ok(c.read::<CrmContactDto>("CrmContact"));
    ok(c.read::<ContactPage>("ContactPage"));
    ok(c.read::<ChangesPage>("ChangesPage"));
}

#[test]
fn settings_are_read_and_answered_as_declared() {
    let c = Contract::new();
    ok(c.read::<Settings>("Settings"));
    ok(c.write(&Settings::ts(Dir::Write), "Settings"));
}

/// A contact with every field set, read from a host's contact.
fn full_contact() -> Contact {
    let host = json!({
        "id": "c1", "modifiedAt": "2024-05-01T10:00:00Z", "firstName": "Ann",
        "middleName": "B", "lastName": "Lee", "prefix": "Dr", "suffix": "Jr",
        "company": "Acme", "title": "CEO", "notes": "n", "birthday": "1980-12-31",
        "emails": [{"value": "a@x.io", "type": "work", "primary": true}],
        "phones": [{"value": "+1 555 0100", "type": "mobile", "primary": true}],
        "addresses": [{"street": "1 Main St", "city": "Springfield", "type": "home"}]
    });
    gcontacts_sync_core::dto::crm_contact(&host)
        .expect("a full contact reads")
        .contact
}

#[test]
fn what_the_plugin_writes_to_a_host_is_its_input_type() {
    let c = Contract::new();
    let full = full_contact();
    let empty = Contact::default();
    let inputs = [
        CrmContactInputDto::new(&full, None, Some("Lead")),
        CrmContactInputDto::new(&empty, None, None),
        CrmContactInputDto::new(&full, Some(&[Field::Company]), None),
    ];
    ok(c.write(&shape(&inputs), "CrmContactInput"));
    let update = CrmUpdate {
        id: "c1".into(),
        contact: full,
        fields: vec![Field::Company],
        status: None,
        if_modified_at: Some(0),
    };
    let updates = [CrmUpdateDto::from(&update)];
    ok(c.write(&shape(&updates), "CrmUpdate"));
}

#[test]
fn the_answers_of_the_js_api_are_their_declared_types() {
    let c = Contract::new();
    let mut plan = Plan::default();
    plan.fingerprint = "f".into();
    ok(c.write(&shape(&[PlanDto::from(&plan)]), "Plan"));

    let mut report = RunReport::new("a@x.io".into(), Trigger::Manual, 0);
    let bare = report.clone();
    report.errors.push(RunError {
        host_code: Some("NOT_FOUND".into()),
        ..RunError::new(ErrorCode::HostError, "gone", Some("c1".into()))
    });
    report
        .errors
        .push(RunError::new(ErrorCode::Network, "down", None));
    report.failures.push(ContactFailure {
        name: "Ann".into(),
        side: gcontacts_sync_core::sync::model::Side::Crm,
        crm_id: Some("c1".into()),
        resource_name: Some("people/c1".into()),
        kind: gcontacts_sync_core::sync::engine::FailureKind::Refused,
        code: ErrorCode::HostError,
        host_code: Some("PERMISSION_DENIED".into()),
        reason: "no".into(),
        retried: false,
    });
    report.requests.insert("people.connections.list".into(), 1);
    report.past_limit = 1;
    report.google_limit = 25_000;
    report.undoes = Some("2024-03-01T00:00:00Z".into());
    report
        .holding
        .push(gcontacts_sync_core::sync::engine::Holding {
            side: gcontacts_sync_core::sync::model::Side::Google,
            deletions: 3,
            days: 3,
        });
    let reports = [ReportDto::from(&report), ReportDto::from(&bare)];
    ok(c.write(&shape(&reports), "RunReport"));

    let account =
        |last_run: Option<serde_json::Value>, unreadable: Vec<UnreadableDto>| AccountInfoDto {
            id: "a@x.io".into(),
            email: "a@x.io".into(),
            connected: true,
            enabled: true,
            links: 1,
            last_run,
            needs_reconnect: false,
            unreadable,
            pending_deletions: vec![PendingDeletionDto {
                crm_id: "1".into(),
                resource_name: "people/c1".into(),
                name: "Ann".into(),
                side: Side::Google,
                since: "2024-03-01T00:00:00Z".into(),
                until: "2024-03-04T00:00:00Z".into(),
            }],
        };
    let unreadable = vec![UnreadableDto {
        key: "k".into(),
        message: "m".into(),
    }];
    let last_run = serde_json::to_value(ReportDto::from(&report)).expect("a report serializes");
    let accounts = [
        account(None, Vec::new()),
        account(Some(last_run), unreadable),
    ];
    ok(c.write(&shape(&accounts), "AccountInfo"));

    let disconnect = [DisconnectDto {
        revoked: true,
        message: "m".into(),
    }];
    ok(c.write(&shape(&disconnect), "DisconnectResult"));
    let group = [GroupDto::from(ContactGroup::default())];
    ok(c.write(&shape(&group), "GoogleGroup"));
}

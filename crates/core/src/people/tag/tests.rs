use super::*;

/// Entries as "key=value | key=value".
fn entries(s: &str) -> Vec<ClientData> {
    s.split('|')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (k, v) = e.split_once('=').unwrap_or((e, ""));
            ClientData {
                key: Some(k.to_string()),
                value: Some(v.to_string()),
                ..ClientData::default()
            }
        })
        .collect()
}

fn render(data: &[ClientData]) -> String {
    data.iter()
        .map(|e| {
            format!(
                "{}={}",
                e.key.as_deref().unwrap_or(""),
                e.value.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Reads the tags of `data` as this instance sees them: "ids=[…] all=[instance:id …]".
fn check_read(data: &str, instance: &str, expected: &str) {
    let data = entries(data);
    let all: Vec<String> = tags(&data)
        .iter()
        .map(|t| format!("{}:{}", t.instance, t.crm_id))
        .collect();
    let actual = format!("ids={:?} all={all:?}", crm_ids(&data, instance));
    assert_eq!(actual, expected);
    assert_eq!(
        crm_id(&data, instance),
        crm_ids(&data, instance).first().cloned()
    );
}

/// Sets this instance's tag and renders "changed: entries" or "same: entries".
fn check_set(data: &str, instance: &str, crm: &str, expected: &str) {
    let mut data = entries(data);
    let changed = set(&mut data, instance, crm);
    let actual = format!(
        "{}: {}",
        if changed { "changed" } else { "same" },
        render(&data)
    );
    assert_eq!(actual, expected);
}

#[test]
fn each_instance_reads_only_its_own_tag_among_several() {
    let data = "crm_id=7 | gcsync:crm-a=42 | gcsync:crm-b=99";
    check_read(data, "crm-a", r#"ids=["42"] all=["crm-a:42", "crm-b:99"]"#);
    check_read(data, "crm-b", r#"ids=["99"] all=["crm-a:42", "crm-b:99"]"#);
    check_read(data, "crm-c", r#"ids=[] all=["crm-a:42", "crm-b:99"]"#);
}

#[test]
fn tags_are_read_leniently_but_empty_parts_are_no_tag() {
    check_read(
        " GCSync:crm-a = 42 ",
        "crm-a",
        r#"ids=["42"] all=["crm-a:42"]"#,
    );
    check_read(
        "gcsync:crm-a= | gcsync:=5 | gcsync",
        "crm-a",
        "ids=[] all=[]",
    );
    check_read(
        "gcsync:host:8080=1",
        "host:8080",
        r#"ids=["1"] all=["host:8080:1"]"#,
    );
}

#[test]
fn merged_google_contacts_show_every_crm_id_once() {
    check_read(
        "gcsync:crm-a=42 | gcsync:crm-a=43 | gcsync:crm-a=42",
        "crm-a",
        r#"ids=["42", "43"] all=["crm-a:42", "crm-a:43", "crm-a:42"]"#,
    );
}

#[test]
fn setting_our_tag_replaces_only_our_entry_in_place() {
    check_set(
        "crm_id=7 | gcsync:crm-a=41 | gcsync:crm-b=99",
        "crm-a",
        "42",
        "changed: crm_id=7 | gcsync:crm-a=42 | gcsync:crm-b=99",
    );
    check_set(
        "crm_id=7",
        "crm-a",
        "42",
        "changed: crm_id=7 | gcsync:crm-a=42",
    );
    check_set(
        "gcsync:crm-a=41 | x=1 | gcsync:crm-a=42",
        "crm-a",
        "42",
        "changed: gcsync:crm-a=42 | x=1",
    );
}

#[test]
fn an_already_tagged_contact_needs_no_write() {
    check_set(
        "gcsync:crm-b=99 | gcsync:crm-a=42",
        "crm-a",
        "42",
        "same: gcsync:crm-b=99 | gcsync:crm-a=42",
    );
}

#[test]
fn removing_our_tag_keeps_other_instances_tags() {
    let mut data = entries("gcsync:crm-a=42 | gcsync:crm-b=99 | gcsync:crm-a=");
    assert!(remove(&mut data, "crm-a"));
    assert_eq!(render(&data), "gcsync:crm-b=99");
    assert!(!remove(&mut data, "crm-a"));
}

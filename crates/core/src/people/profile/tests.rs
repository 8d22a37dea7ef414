use super::*;

/// `people/me`'s answer → the account email, or `error: …`.
fn check(body: &str, expected: &str) {
    let got = match account_email(body) {
        Ok(email) => email,
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(got, expected, "body {body}");
}

#[test]
fn the_account_address_wins_over_primary_and_order() {
    check(
        r#"{"resourceName": "people/me", "emailAddresses": [
            {"value": "first@x.io"},
            {"value": "primary@x.io", "metadata": {"primary": true}},
            {"value": "me@gmail.com", "metadata": {"source": {"type": "ACCOUNT", "id": "1"}}}
        ]}"#,
        "me@gmail.com",
    );
}

#[test]
fn without_an_account_address_the_primary_one_is_taken_then_the_first() {
    check(
        r#"{"emailAddresses": [
            {"value": "first@x.io", "metadata": {"source": {"type": "CONTACT"}}},
            {"value": "primary@x.io", "metadata": {"primary": true}}
        ]}"#,
        "primary@x.io",
    );
    check(
        r#"{"emailAddresses": [{"value": "first@x.io"}, {"value": "second@x.io"}]}"#,
        "first@x.io",
    );
}

#[test]
fn an_address_without_a_value_is_passed_over() {
    check(
        r#"{"emailAddresses": [
            {"metadata": {"source": {"type": "ACCOUNT"}}},
            {"value": " ", "metadata": {"primary": true}},
            {"value": "other@x.io"}
        ]}"#,
        "other@x.io",
    );
}

#[test]
fn a_person_without_addresses_names_no_account() {
    check(
        r#"{"resourceName": "people/me"}"#,
        "error: Google did not say which account this is",
    );
    check(
        r#"{"emailAddresses": []}"#,
        "error: Google did not say which account this is",
    );
}

#[test]
fn an_unreadable_answer_is_an_error_not_an_empty_profile() {
    check(
        "<html>",
        "error: people/me: expected value at line 1 column 1",
    );
    check(
        r#"{"emailAddresses": "me@x.io"}"#,
        r#"error: people/me: emailAddresses: invalid type: string "me@x.io", expected a sequence"#,
    );
    check(
        "[]",
        "error: people/me: invalid type: sequence, expected struct Person",
    );
}

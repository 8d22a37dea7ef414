use super::*;

/// `expected` is the UTC rendering of the parsed instant, then its milliseconds, or "error".
fn check(input: &str, expected: &str) {
    let actual = match parse_rfc3339(input) {
        Ok(ms) => format!("{} {ms}", format_rfc3339(ms)),
        Err(_) => "error".to_string(),
    };
    assert_eq!(actual, expected, "input: {input:?}");
}

#[test]
fn google_update_times_parse_to_milliseconds_and_print_back() {
    check(
        "2024-03-01T10:15:30.123Z",
        "2024-03-01T10:15:30.123Z 1709288130123",
    );
    check("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z 0");
    check("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z -1");
}

#[test]
fn offsets_are_applied_and_the_result_is_utc() {
    check(
        "2024-03-01T12:15:30+02:00",
        "2024-03-01T10:15:30Z 1709288130000",
    );
    check(
        "2024-03-01T00:15:30-05:30",
        "2024-03-01T05:45:30Z 1709271930000",
    );
    check(
        "2024-01-01T00:30:00+01:00",
        "2023-12-31T23:30:00Z 1704065400000",
    );
}

#[test]
fn fractions_of_any_length_are_truncated_to_milliseconds() {
    check(
        "2024-03-01T10:15:30.5Z",
        "2024-03-01T10:15:30.500Z 1709288130500",
    );
    check(
        "2024-03-01T10:15:30.123456789Z",
        "2024-03-01T10:15:30.123Z 1709288130123",
    );
    check(
        "2024-03-01T10:15:30.000Z",
        "2024-03-01T10:15:30Z 1709288130000",
    );
}

#[test]
fn lower_case_separators_a_space_and_leap_days_are_accepted() {
    check("2024-02-29t23:59:59z", "2024-02-29T23:59:59Z 1709251199000");
    check("2024-02-29 23:59:59Z", "2024-02-29T23:59:59Z 1709251199000");
    check("2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z 1483228800000");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for s in [
        "",
        "2024",
        "2024-03-01",
        "2024-03-01T10:15:30",
        "2024-03-01T10:15:30.Z",
        "2024-03-01T10:15:30+0200",
        "2024-03-01T10:15:30+24:00",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-03-01T24:00:00Z",
        "2024-03-01T10:60:00Z",
        "2024-03-01T10:15:30Zjunk",
        "２０２４-03-01T10:15:30Z",
        "2024-03-01T10:15:30.12é",
        "not a time at all, not at all",
    ] {
        check(s, "error");
    }
}

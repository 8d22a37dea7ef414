use super::*;

#[test]
fn birthdays_parse_with_and_without_a_year_and_print_back() {
    for s in ["1990-02-28", "--02-29", "2000-02-29", "--12-31"] {
        assert_eq!(Birthday::parse(s).unwrap().to_string(), s);
    }
    for s in [
        "1990-02-29",
        "--13-01",
        "--00-10",
        "1990-2-3",
        "",
        "x",
        "1990-04-31",
    ] {
        assert!(Birthday::parse(s).is_err(), "{s:?} should be refused");
    }
}

#[test]
fn text_keys_ignore_case_width_and_whitespace() {
    assert_eq!(text_key("  José   ÁLVAREZ "), "josé álvarez");
    // Decomposed é (e + U+0301) and the composed one are the same name.
    assert_eq!(text_key("Jose\u{301}"), text_key("José"));
}

// Comparison keys the core must produce alike natively and in the browser. Included (`include!`)
// by the native unit tests beside it and by the browser tests in `tests/web/normalize.rs`, so both
// builds are checked against one table by the same checks. The includer brings the names these
// use into scope (`text_key`, `Region`, `match_contacts`, `MatchRule` and the model's contacts),
// as the core's paths differ between the crate's own tests and an outside test crate.

/// Free text and its key ([`text_key`]).
const TEXT_KEYS: &[(&str, &str)] = &[
    // The "fi" ligature.
    ("\u{FB01}nance Dept", "finance dept"),
    // Full-width letters and digits, as East Asian keyboards type them.
    ("\u{FF21}\u{FF23}\u{FF2D}\u{FF25} Suite \u{FF11}\u{FF12}\u{FF13}", "acme suite 123"),
    // A decomposed accent (e + U+0301) and a composed one.
    ("Jose\u{301} A\u{301}lvarez", "josé álvarez"),
    ("Jos\u{E9} \u{C1}lvarez", "josé álvarez"),
    // The ångström sign, a compatibility character of Å.
    ("\u{212B}ngstr\u{F6}m", "ångström"),
    // A non-breaking space and a tab are spaces.
    ("Mary\u{A0}Ann\tLee", "mary ann lee"),
];

/// One person as each side spells it: (given, family, company), CRM first. They must link by
/// name and company.
const MATCH_CASE: [(&str, &str, &str); 2] = [
    ("\u{FB01}nn", "Zoe\u{308}", "\u{FF21}\u{FF23}\u{FF2D}\u{FF25} \u{FF11}"),
    ("Finn", "Zo\u{EB}", "Acme 1"),
];

/// Every row of [`TEXT_KEYS`] gives its key; a failure lists all the rows that differ.
fn check_text_keys() {
    let failures: Vec<String> = TEXT_KEYS
        .iter()
        .filter(|(input, key)| text_key(input) != *key)
        .map(|(input, key)| format!("{input:?}: expected {key:?}, got {:?}", text_key(input)))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// [`MATCH_CASE`]'s two spellings of one person link by name and company.
fn check_match_case() {
    let [c, g] = MATCH_CASE.map(|(given, family, company)| Contact {
        name: Name {
            given: given.into(),
            family: family.into(),
            ..Name::default()
        },
        company: company.into(),
        ..Contact::default()
    });
    let crm = CrmContact {
        id: "1".into(),
        modified_at: 0,
        status: None,
        contact: c,
        read_only: None,
    };
    let google = GoogleContact {
        resource_name: "people/c1".into(),
        etag: String::new(),
        updated_at: 0,
        tag: None,
        extra_tags: Vec::new(),
        groups: Vec::new(),
        contact: g,
    };
    let m = match_contacts(&[&crm], &[&google], Region::US);
    assert_eq!(
        m.matches
            .iter()
            .map(|x| (x.crm, x.google, x.rule))
            .collect::<Vec<_>>(),
        [(0, 0, MatchRule::NameAndBirthdayOrCompany)]
    );
}

// Comparison keys the core must produce alike natively and in the browser. Included (`include!`)
// by the native unit tests beside it and by the browser tests in `tests/web/normalize.rs`, so both
// builds are checked against one table.

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

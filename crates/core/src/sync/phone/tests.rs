use super::*;

/// Runs a table of cases, one a line: region, the number as typed, "=>", the key or "None".
/// Reports every failing line at once, so a table reads as the specification.
fn check(cases: &str) {
    let mut failures = Vec::new();
    for line in cases.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (region, rest) = line.split_once(' ').expect("a case starts with a region");
        let (input, expected) = rest.rsplit_once("=>").expect("a case has '=>'");
        let region = Region::parse(region).expect("a valid region");
        let (input, expected) = (input.trim(), expected.trim());
        let got = to_e164(input, region).unwrap_or_else(|| "None".to_string());
        if got != expected {
            failures.push(format!(
                "{region} {input:?}: expected {expected}, got {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn national_numbers_lose_the_trunk_prefix_and_gain_the_calling_code() {
    check(
        "GB 020 7946 0958        => +442079460958
         GB (0)20 7946 0958      => +442079460958
         GB 07700 900123         => +447700900123
         FR 01 23 45 67 89       => +33123456789
         FR 06.12.34.56.78       => +33612345678
         DE 030 123456           => +4930123456
         DE (089) 1234-5678      => +498912345678
         NL 020-123 4567         => +31201234567
         AU 02 9876 5432         => +61298765432
         AU 0412 345 678         => +61412345678
         IN 022 2345 6789        => +912223456789
         JP 03-1234-5678         => +81312345678
         CN 010 1234 5678        => +861012345678
         BR (11) 98765-4321      => +5511987654321
         BR 0 11 98765 4321      => +5511987654321
         HU 06 1 234 5678        => +3612345678
         HU 06 30 123 4567       => +36301234567
         US +36 06 1 234 5678    => +3612345678
         HU +36 (06) 30 123 4567 => +36301234567
         HU 0036 06 1 234 5678   => +3612345678
         CH 044 668 18 00        => +41446681800",
    );
}

#[test]
fn regions_without_a_trunk_prefix_keep_a_leading_zero() {
    check(
        "IT 06 6982 0000         => +390669820000
         IT 02 1234 5678         => +390212345678
         IT 347 123 4567         => +393471234567
         VA 06 6988 3712         => +390669883712
         SM 0549 882 000         => +3780549882000
         ES 912 345 678          => +34912345678
         MX 55 1234 5678         => +525512345678
         CI 07 07 12 34 56       => +2250707123456",
    );
}

#[test]
fn russian_eight_goes_only_when_the_number_is_longer_than_ten_digits() {
    check(
        "RU 8 (495) 123-45-67    => +74951234567
         RU 8 800 555 35 35      => +78005553535
         RU 800 555 35 35        => +78005553535
         RU 495 123 45 67        => +74951234567
         KZ 8 701 123 4567       => +77011234567
         BY 8 029 123 45 67      => +375291234567
         LT 8 612 34567          => +37061234567
         LT 0 612 34567          => +37061234567",
    );
}

#[test]
fn nanp_numbers_need_ten_digits_with_or_without_the_leading_one() {
    check(
        "US (212) 555-0100       => +12125550100
         US 212.555.0100         => +12125550100
         US 1 212 555 0100       => +12125550100
         US 1-212-555-0100       => +12125550100
         CA 416 555 0199         => +14165550199
         JM 876 555 0100         => +18765550100
         US 555-0100             => None
         US 555 01 00 99         => None
         US 2 212 555 0100       => None
         US 012 555 0100         => None",
    );
}

#[test]
fn a_plus_or_a_dialling_prefix_starts_a_calling_code() {
    check(
        "US +44 20 7946 0958     => +442079460958
         US +44 (0)20 7946 0958  => +442079460958
         US 011 44 20 7946 0958  => +442079460958
         US 0044 20 7946 0958    => +442079460958
         DE 0044 20 7946 0958    => +442079460958
         DE 001 212 555 0100     => +12125550100
         GB +1 (212) 555-0100    => +12125550100
         AU 0011 33 1 23 45 67 89 => +33123456789
         JP 010 1 212 555 0100   => +12125550100
         RU 810 49 30 123456     => +4930123456
         RU 8~10 49 30 123456    => +4930123456
         KR 001 1 212 555 0100   => +12125550100
         FR +39 06 6982 0000     => +390669820000
         FR +7 800 555 35 35     => +78005553535
         ZZ +33 1 23 45 67 89    => +33123456789
         ZZ 01 23 45 67 89       => None
         US +1 555 0100          => +15550100
         US +800 1234 5678       => +80012345678",
    );
}

#[test]
fn unassigned_calling_codes_are_not_numbers() {
    check(
        "US +0 123 456 789       => None
         US +28 123 456 789      => None
         US 011 28 123 456 789   => None
         GB 00 969 123 456       => None",
    );
}

#[test]
fn extensions_are_dropped_like_googles_canonical_form_drops_them() {
    check(
        "US 212-555-0100 ext. 12   => +12125550100
         US 212-555-0100 x12       => +12125550100
         US 212 555 0100 X 12      => +12125550100
         US 212-555-0100 #12       => +12125550100
         US 212-555-0100 Extension: 12 => +12125550100
         US tel:+1-212-555-0100;ext=12 => +12125550100
         GB 020 7946 0958,,123     => +442079460958
         US 212-555-0100 x         => +12125550100
         US 415 555 0132 X         => +14155550132
         US 212 555 0100 ext.      => +12125550100",
    );
}

#[test]
fn words_after_the_number_are_a_label_not_keypad_letters() {
    check(
        "US 415 555 0132 home        => +14155550132
         US 415 555 0132 (office)    => +14155550132
         US 212-555-0100 (home)      => +12125550100
         US (415) 555-0132 cell phone => +14155550132
         US +1 415 555 0132 - Work   => +14155550132
         GB 020 7946 0958 Büro       => +442079460958
         FR 01 23 45 67 89 (bureau)  => +33123456789
         FR 06 12 34 56 78 portable  => +33612345678
         US 212-555-0100 x12 (office) => +12125550100
         US 1 800 GOT JUNK           => +18004685865
         US home                     => None
         US (office)                 => None",
    );
}

/// Each number as typed, its region, and whether its key may pair two contacts.
#[test]
fn emergency_short_and_placeholder_numbers_never_pair_contacts() {
    let mut failures = Vec::new();
    for (input, region, matchable) in [
        ("112", "DE", false),
        ("911", "US", false),
        ("999", "GB", false),
        ("+44 999", "US", false),
        ("000-000-0000", "US", false),
        ("(000) 000-0000", "GB", false),
        ("555-555-5555", "US", false),
        ("+1 555 555 5555", "US", false),
        ("123-456-7890", "US", false),
        ("0123456789", "FR", false),
        ("9876543210", "US", false),
        ("1111", "US", false),
        ("(415) 555-0132", "US", true),
        ("+44 20 7946 0958", "US", true),
        ("020 7946 0958", "GB", true),
        ("(11) 95055-8544", "US", true),
        ("+800 2468 1357", "US", true),
    ] {
        let region = Region::parse(region).unwrap();
        let key = crate::sync::normalize::phone_value_key(input, region);
        if is_matchable(&key) != matchable {
            failures.push(format!(
                "{input:?} in {region} (key {key}): expected {matchable}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn vanity_letters_read_off_the_keypad_when_few_and_after_digits() {
    check(
        "US 1-800-FLOWERS        => +18003569377
         US 1 800 flowers        => +18003569377
         US +1 800 GOT JUNK      => +18004685865
         US 1-800-FLOWERS x12    => +18003569377
         US 1-800-XBOX           => None
         US 1-800-FLOWERSS       => None
         US Tel 212 555 0100     => None
         US FLOWERS              => None",
    );
}

#[test]
fn formatting_of_every_kind_is_ignored() {
    check(
        "FR 01\u{a0}23\u{a0}45\u{a0}67\u{a0}89   => +33123456789
         FR 01/23/45/67/89       => +33123456789
         FR +33 1\u{2011}23\u{2011}45\u{2011}67\u{2011}89 => +33123456789
         JP \u{ff10}\u{ff13}\u{ff11}\u{ff12}\u{ff13}\u{ff14}\u{ff15}\u{ff16}\u{ff17}\u{ff18} => +81312345678
         EG \u{0660}\u{0661}\u{0660}\u{0661}\u{0662}\u{0663}\u{0664}\u{0665}\u{0666}\u{0667}\u{0668} => +201012345678",
    );
}

#[test]
fn garbage_and_out_of_range_lengths_are_not_numbers() {
    check(
        "US 1234                 => None
         GB 0123                 => None
         US +44                  => None
         US +1 234 567 890 123 456 => None
         US 12+12 555 0100       => None
         US ++1 212 555 0100     => None
         US 212*555*0100         => None
         US n/a                  => None
         US ???                  => None
         GB +44 (0)0 7946 0958   => None
         HU +36 06 06 1 234 5678 => None",
    );
}

#[test]
fn the_table_is_sorted_for_binary_search_and_calling_codes_are_prefix_free() {
    assert!(REGIONS.windows(2).all(|w| w[0].0 < w[1].0));
    let mut codes: Vec<u16> = REGIONS.iter().map(|e| e.1).collect();
    codes.extend(NON_GEOGRAPHIC);
    for &a in &codes {
        for &b in &codes {
            let (a, b) = (a.to_string(), b.to_string());
            assert!(a == b || !b.starts_with(&a), "{a} is a prefix of {b}");
        }
    }
    assert!(REGIONS.len() > 235, "{} regions", REGIONS.len());
}

#[test]
fn regions_sharing_a_calling_code_agree_on_a_trunk_zero() {
    // The "+44 (0)20" rule strips by calling code; if one region of a code kept its 0, keys would
    // change when read again.
    for a in REGIONS {
        for b in REGIONS.iter().filter(|b| b.1 == a.1) {
            assert_eq!(
                a.2 == Trunk::Zero,
                b.2 == Trunk::Zero,
                "{:?} and {:?}",
                a.0,
                b.0
            );
        }
    }
}

#[test]
fn random_input_never_panics_and_every_key_reads_back_as_itself() {
    // A fixed xorshift: deterministic, and the core draws no random numbers of its own.
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces = [
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "00",
        "011",
        "+",
        " ",
        "-",
        "(",
        ")",
        ".",
        "/",
        "x",
        "ext",
        ";",
        ",",
        "#",
        "A",
        "z",
        "\u{a0}",
        "\u{ff15}",
        "é",
        "\u{0663}",
        "~",
        "tel:",
        "*",
        "\u{1F600}",
        "06",
        "8",
    ];
    let regions = ["US", "GB", "IT", "RU", "HU", "JP", "AU", "ZZ", "KR", "BY"];
    for _ in 0..20_000 {
        let len = next() % 24;
        let s: String = (0..len)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        let region = Region::parse(regions[(next() % regions.len() as u64) as usize]).unwrap();
        if let Some(key) = to_e164(&s, region) {
            let digits = &key[1..];
            assert!(
                key.starts_with('+') && digits.bytes().all(|b| b.is_ascii_digit()),
                "{s:?}"
            );
            assert!((5..=15).contains(&digits.len()), "{s:?} => {key}");
            for other in regions {
                let other = Region::parse(other).unwrap();
                assert_eq!(to_e164(&key, other).as_deref(), Some(&*key), "{s:?}");
            }
            // A label after a number is not part of it. (After vanity letters a word may be more
            // of them: "1 800 GOT JUNK".)
            let labels: &[&str] = if s.chars().any(char::is_alphabetic) {
                &[]
            } else {
                &[" home", " (office)", " - Büro"]
            };
            for label in labels {
                assert_eq!(
                    to_e164(&format!("{s}{label}"), region).as_deref(),
                    Some(&*key),
                    "{s:?}{label:?}"
                );
            }
        }
    }
}

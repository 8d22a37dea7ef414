//! Phone numbers to E.164 without a phone-number library (the `phonenumber` crate costs about
//! 500 KB gzipped in the wasm): a compact table of calling codes and trunk prefixes.
//!
//! The result is a comparison key, not a validated number: two sides' values are "the same
//! phone" when their keys are equal, and Google's own `canonicalForm` is preferred whenever the
//! People API sends one (see `normalize::phone_key`). So this module does not do what
//! libphonenumber does beyond that:
//!
//! - no validity check by region (number lengths, number ranges): "+44 20" with a few digits more
//!   or less is still a key; only E.164's own bounds (5 to 15 digits) are enforced;
//! - no carrier-selection codes (BR "0 21 …", CO), no mobile tokens (AR "9"/"15", MX's old "1",
//!   "044", "045"), no area codes implied by a region;
//! - international dialling prefixes are a short list of those people actually type, with "00"
//!   (the ITU-T recommendation) accepted everywhere.
//!
//! A miss costs little: the caller falls back to the digits alone, and a number typed the same way
//! on both sides still matches.

use super::normalize::Region;

/// E.164 ("+15550100") for a number typed in international form ("+44 20 7946 0958",
/// "00 44 …", "011 44 …" from a NANP region) or in national form for `region`
/// ("020 7946 0958" in GB). `None` when it cannot be read as a phone number.
///
/// Formatting (spaces, dots, dashes, parentheses, slashes, NBSP) is ignored, a "tel:" scheme is
/// accepted, and extensions ("ext. 12", "x12", "#12", ";ext=12", a dangling "x") are dropped,
/// because Google's `canonicalForm` drops them too and the key must agree with it. Words after the
/// number ("415 555 0132 home", "… (office)") are a label, not part of it. Letters are read off
/// the phone keypad ("1-800-FLOWERS") when the number starts with '+' or a digit and has at most 7
/// of them. See the module docs for what it does not do.
pub fn to_e164(s: &str, region: Region) -> Option<String> {
    let s = s.trim();
    // A label is tried away first: with it, the letters would read as keypad digits and make
    // another (longer) number. When what is left is no number, the words were vanity letters
    // ("1 800 GOT JUNK").
    let head = without_trailing_words(s);
    if head.len() < s.len() {
        if let Some(key) = number(head, region) {
            return Some(key);
        }
    }
    number(s, region)
}

fn number(s: &str, region: Region) -> Option<String> {
    let (plus, digits) = dialled_digits(cut_extension(s))?;
    if digits.len() < 5 {
        return None;
    }
    let entry = region_entry(region);
    let out = if plus {
        international(&digits)?
    } else if let Some(rest) = strip_idd(&digits, region, entry) {
        international(rest)?
    } else {
        let (_, code, trunk) = entry?;
        format!("+{code}{}", national_significant(&digits, trunk)?)
    };
    // Invariant of the branches above: `out` is '+' and ASCII digits, so len - 1 digits.
    (6..=16).contains(&out.len()).then_some(out)
}

/// `s` without the words that follow its last digit: "(office)", "home", "Büro". A word is a
/// run of letters (and the dots of an abbreviation), alone or in brackets; anything else (a
/// digit, an extension marker followed by digits) ends the search.
fn without_trailing_words(s: &str) -> &str {
    let mut head = s.trim_end();
    loop {
        let stripped = if let Some(inner) = head.strip_suffix(')') {
            match inner.rfind('(') {
                Some(open) if is_word(&inner[open + 1..]) => &head[..open],
                _ => return head,
            }
        } else {
            let start = head
                .rfind(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | ','))
                .map_or(0, |i| {
                    i + head[i..].chars().next().map_or(1, char::len_utf8)
                });
            if start == 0 || !is_word(&head[start..]) {
                return head;
            }
            &head[..start]
        };
        head =
            stripped.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | ','));
    }
}

fn is_word(s: &str) -> bool {
    let s = s.trim();
    s.chars().any(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphabetic() || c == '.' || c.is_whitespace())
}

/// The number without its extension; see [`to_e164`].
fn cut_extension(s: &str) -> &str {
    let s = s.trim();
    // Most numbers have no letters and no separators: nothing to cut (the common, fast path).
    if !s
        .bytes()
        .any(|b| b.is_ascii_alphabetic() || matches!(b, b';' | b',' | b'#'))
    {
        return s;
    }
    let s = match s.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => &s[4..],
        _ => s,
    };
    // ';' starts RFC 3966 parameters (";ext=", ";isub="), ',' a dial pause before an extension;
    // neither is ever part of the number itself.
    let s = s.split([';', ',', '#']).next().unwrap_or("");
    for (i, _) in s.char_indices() {
        // A marker inside a word ("NEXT", "FLOWERS x…" is fine) is a vanity letter, not a marker.
        if s[..i].chars().next_back().is_some_and(char::is_alphabetic) {
            continue;
        }
        for marker in ["extension", "ext", "x"] {
            let Some(head) = s.get(i..i + marker.len()) else {
                continue;
            };
            if !head.eq_ignore_ascii_case(marker) {
                continue;
            }
            let ext = s[i + marker.len()..]
                .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ':' | '='));
            // A marker with nothing after it ("555 0132 x", an extension never filled in) goes
            // too: read off the keypad, its "x" would be a ninth digit 9.
            if ext.bytes().all(|b| b.is_ascii_digit()) {
                return &s[..i];
            }
        }
    }
    s
}

/// Whether the number was written with a leading '+', and its digits (letters read off the
/// keypad). `None` for anything but a phone number's characters.
fn dialled_digits(s: &str) -> Option<(bool, String)> {
    let mut plus = false;
    let mut digits = String::new();
    let mut letters = 0;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            digits.push(d);
        } else if c.is_ascii_alphabetic() {
            // A label ("Tel 555…", "mobile") is not a vanity number: those start with digits.
            letters += 1;
            if letters > 7 || (digits.is_empty() && !plus) {
                return None;
            }
            digits.push(keypad(c));
        } else if c == '+' || c == '\u{FF0B}' {
            if plus || !digits.is_empty() {
                return None;
            }
            plus = true;
        } else if !is_formatting(c) {
            return None;
        }
        // E.164 allows 15 digits; with the longest dialling prefix (5) anything longer is
        // garbage, and stopping here bounds the work on long input.
        if digits.len() > 20 {
            return None;
        }
    }
    Some((plus, digits))
}

/// ASCII digits, and the full-width and Arabic-Indic ones a phone keyboard may produce (Google
/// reads those as digits too).
fn digit(c: char) -> Option<char> {
    let zero = match c {
        '0'..='9' => return Some(c),
        '\u{FF10}'..='\u{FF19}' => 0xFF10,
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        _ => return None,
    };
    char::from_digit(c as u32 - zero, 10)
}

/// The ITU-T E.161 keypad.
fn keypad(c: char) -> char {
    match c.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        _ => '9',
    }
}

fn is_formatting(c: char) -> bool {
    // `is_whitespace` covers NBSP and the narrow and figure spaces word processors insert.
    c.is_whitespace()
        || matches!(
            c,
            '.' | '-'
                | '('
                | ')'
                | '['
                | ']'
                | '/'
                | '~' // Russian "8~10": wait for the dial tone
                | '\u{2010}'
                ..='\u{2015}'
                    | '\u{2212}'
                    | '\u{FF08}'
                    | '\u{FF09}'
                    | '\u{FF0D}'
                    | '\u{FF0E}'
                    | '\u{FF0F}'
        )
}

/// The digits after an international dialling prefix of `region`, if they start with one.
fn strip_idd(digits: &str, region: Region, entry: Option<Entry>) -> Option<&str> {
    let own: &[&str] = match region.as_str().as_bytes() {
        _ if matches!(entry, Some((_, _, Trunk::Nanp))) => &["011"],
        b"AU" | b"CC" | b"CX" => &["0011", "0014", "0015", "0016", "0018", "0019"],
        b"JP" => &["010"],
        b"RU" | b"KZ" | b"BY" | b"TM" | b"TJ" => &["810"],
        b"KR" => &["00700", "001", "002", "005", "006", "008", "009"],
        b"BR" => &[
            "0012", "0014", "0015", "0021", "0022", "0023", "0025", "0031", "0041", "0043", "0055",
            "0065", "0099",
        ],
        b"CO" => &["00414", "00444", "00456", "005", "007", "009"],
        b"IL" => &["012", "013", "014", "015", "016", "017", "018", "019"],
        b"HK" => &[
            "0030", "0050", "0059", "001", "002", "006", "007", "008", "009",
        ],
        b"SG" => &["001", "002", "008", "012", "013", "018", "019"],
        b"TW" => &["002", "005", "006", "007", "009", "019"],
        b"ID" | b"TH" => &["001", "007", "008", "009"],
        b"MN" | b"GY" => &["001"],
        b"KE" => &["000"],
        b"TZ" => &["000", "005", "006"],
        b"UG" => &["000", "005", "007"],
        b"NG" => &["009"],
        b"CU" => &["119"],
        _ => &[],
    };
    // "00" is ITU-T's recommended prefix and no national number starts with it, so it is read
    // as international everywhere: a European's "0044…" in a US account is still a UK number.
    own.iter()
        .chain(&["00"])
        .find_map(|p| digits.strip_prefix(p))
}

/// "+" and the digits of a number written after '+' or a dialling prefix: they must start with
/// an assigned calling code.
fn international(digits: &str) -> Option<String> {
    // Calling codes are prefix-free (a test checks the table), so the first match is the only one.
    let (code, nsn) = (1..=3).find_map(|n| {
        let (code, nsn) = digits.split_at_checked(n)?;
        is_calling_code(code).then_some((code, nsn))
    })?;
    let nsn =
        match trunk_written_internationally(code).and_then(|t| Some((t, nsn.strip_prefix(t)?))) {
            // "+44 (0)20 7946 0958", "+36 06 1 234 5678": the trunk prefix written for national
            // callers. Numbers in these countries never start with 0, so it cannot be part of the
            // number; libphonenumber drops it too. A second 0 is garbage, and refusing it keeps keys
            // stable when read again.
            Some((_, rest)) => {
                if rest.starts_with('0') {
                    return None;
                }
                rest
            }
            None => nsn,
        };
    Some(format!("+{code}{nsn}"))
}

/// The national significant number of digits dialled in national form.
fn national_significant(digits: &str, trunk: Trunk) -> Option<&str> {
    match trunk {
        Trunk::No => Some(digits),
        Trunk::Zero => Some(digits.strip_prefix('0').unwrap_or(digits)),
        Trunk::ZeroSix => Some(digits.strip_prefix("06").unwrap_or(digits)),
        Trunk::Nanp => {
            let nsn = match digits.strip_prefix('1') {
                Some(rest) if digits.len() == 11 => rest,
                _ => digits,
            };
            // Ten digits, and area codes never start with 0 or 1: a 7-digit local number has no
            // area code we could supply.
            (nsn.len() == 10 && !nsn.starts_with(['0', '1'])).then_some(nsn)
        }
        Trunk::Eight(len) => {
            // Numbers here may themselves start with 8 (RU "800" toll-free), so the prefix goes
            // only while the number is longer than the national length. LT and BY dial "0" too
            // ("8 029 …" in BY, "0 6…" in LT since its switch from 8 to 0).
            let mut nsn = digits;
            for p in ['8', '0'] {
                if nsn.len() > usize::from(len) {
                    nsn = nsn.strip_prefix(p).unwrap_or(nsn);
                }
            }
            Some(nsn)
        }
    }
}

fn is_calling_code(code: &str) -> bool {
    let Some(n) = calling_code_value(code) else {
        return false;
    };
    REGIONS.iter().any(|e| e.1 == n) || NON_GEOGRAPHIC.contains(&n)
}

/// The trunk prefix some write after the calling code ("+44 (0)…", "+36 06…"): those of the
/// regions whose numbers never start with 0.
fn trunk_written_internationally(code: &str) -> Option<&'static str> {
    let n = calling_code_value(code);
    REGIONS
        .iter()
        .filter(|e| Some(e.1) == n)
        .find_map(|e| match e.2 {
            Trunk::Zero => Some("0"),
            Trunk::ZeroSix => Some("06"),
            _ => None,
        })
}

/// Whether a phone key can pair two contacts. Emergency and service numbers ("112", "911"),
/// short codes and placeholders ("000-000-0000", "555-555-5555", "1234567890") are shared by
/// everyone who typed them: they are still a contact's phone, but never evidence that two
/// contacts are one person.
pub fn is_matchable(key: &str) -> bool {
    // E.164 keys: the national significant number; digit keys: all of it.
    let digits = match key.strip_prefix('+') {
        Some(rest) => (1..=3)
            .find_map(|n| {
                let (code, nsn) = rest.split_at_checked(n)?;
                is_calling_code(code).then_some(nsn)
            })
            .unwrap_or(rest),
        None => key,
    };
    let b = digits.as_bytes();
    if b.len() < 5 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let same = b.iter().all(|&d| d == b[0]);
    let ascending = b
        .windows(2)
        .all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'));
    let descending = b.windows(2).all(|w| w[0] == w[1] + 1);
    !(same || ascending || descending)
}

/// The value of 1 to 3 digits not starting with 0 (no calling code does).
fn calling_code_value(code: &str) -> Option<u16> {
    if code.starts_with('0') || code.is_empty() || code.len() > 3 {
        return None;
    }
    code.parse().ok()
}

fn region_entry(region: Region) -> Option<Entry> {
    let r: [u8; 2] = region.as_str().as_bytes().try_into().ok()?;
    let i = REGIONS.binary_search_by(|e| e.0.cmp(&r)).ok()?;
    REGIONS.get(i).copied()
}

/// How a region's numbers are dialled from inside the country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trunk {
    /// No trunk prefix: a leading 0 belongs to the number (IT, SM, VA keep it after +39/+378; CI,
    /// GA, CG, BJ too).
    No,
    /// "0", removed before the calling code is added.
    Zero,
    /// North American Numbering Plan: "1", then exactly 10 digits.
    Nanp,
    /// "8" (and in BY and LT also "0"), stripped only down to the given national length.
    Eight(u8),
    /// Hungary's "06".
    ZeroSix,
}

type Entry = ([u8; 2], u16, Trunk);

const N: Trunk = Trunk::No;
const Z: Trunk = Trunk::Zero;
const NA: Trunk = Trunk::Nanp;

/// ISO 3166-1 region → (country calling code, trunk prefix), sorted by region for binary search.
///
/// Sources: ITU-T E.164 assigned country codes (the "List of ITU-T Recommendation E.164 assigned
/// country codes"); trunk prefixes as in Wikipedia's "List of country calling codes" / "Trunk
/// prefix" and libphonenumber's metadata `nationalPrefix`, written from those. Regions without a
/// numbering plan of their own (AQ, BV, HM, TF, UM) are left out. About 1.5 KB: 6 bytes a row.
#[rustfmt::skip]
static REGIONS: &[Entry] = &[
    (*b"AC", 247, N), (*b"AD", 376, N), (*b"AE", 971, Z), (*b"AF", 93, Z), (*b"AG", 1, NA),
    (*b"AI", 1, NA), (*b"AL", 355, Z), (*b"AM", 374, Z), (*b"AO", 244, N), (*b"AR", 54, Z),
    (*b"AS", 1, NA), (*b"AT", 43, Z), (*b"AU", 61, Z), (*b"AW", 297, N), (*b"AX", 358, Z),
    (*b"AZ", 994, Z),
    (*b"BA", 387, Z), (*b"BB", 1, NA), (*b"BD", 880, Z), (*b"BE", 32, Z), (*b"BF", 226, N),
    (*b"BG", 359, Z), (*b"BH", 973, N), (*b"BI", 257, N), (*b"BJ", 229, N), (*b"BL", 590, Z),
    (*b"BM", 1, NA), (*b"BN", 673, N), (*b"BO", 591, Z), (*b"BQ", 599, N), (*b"BR", 55, Z),
    (*b"BS", 1, NA), (*b"BT", 975, N), (*b"BW", 267, N), (*b"BY", 375, Trunk::Eight(9)),
    (*b"BZ", 501, N),
    (*b"CA", 1, NA), (*b"CC", 61, Z), (*b"CD", 243, Z), (*b"CF", 236, N), (*b"CG", 242, N),
    (*b"CH", 41, Z), (*b"CI", 225, N), (*b"CK", 682, N), (*b"CL", 56, Z), (*b"CM", 237, N),
    (*b"CN", 86, Z), (*b"CO", 57, Z), (*b"CR", 506, N), (*b"CU", 53, Z), (*b"CV", 238, N),
    (*b"CW", 599, N), (*b"CX", 61, Z), (*b"CY", 357, N), (*b"CZ", 420, N),
    (*b"DE", 49, Z), (*b"DJ", 253, N), (*b"DK", 45, N), (*b"DM", 1, NA), (*b"DO", 1, NA),
    (*b"DZ", 213, Z),
    (*b"EC", 593, Z), (*b"EE", 372, N), (*b"EG", 20, Z), (*b"EH", 212, Z), (*b"ER", 291, Z),
    (*b"ES", 34, N), (*b"ET", 251, Z),
    (*b"FI", 358, Z), (*b"FJ", 679, N), (*b"FK", 500, N), (*b"FM", 691, N), (*b"FO", 298, N),
    (*b"FR", 33, Z),
    (*b"GA", 241, N), (*b"GB", 44, Z), (*b"GD", 1, NA), (*b"GE", 995, Z), (*b"GF", 594, Z),
    (*b"GG", 44, Z), (*b"GH", 233, Z), (*b"GI", 350, N), (*b"GL", 299, N), (*b"GM", 220, N),
    (*b"GN", 224, N), (*b"GP", 590, Z), (*b"GQ", 240, N), (*b"GR", 30, N), (*b"GS", 500, N),
    (*b"GT", 502, N), (*b"GU", 1, NA), (*b"GW", 245, N), (*b"GY", 592, N),
    (*b"HK", 852, N), (*b"HN", 504, N), (*b"HR", 385, Z), (*b"HT", 509, N),
    (*b"HU", 36, Trunk::ZeroSix),
    (*b"ID", 62, Z), (*b"IE", 353, Z), (*b"IL", 972, Z), (*b"IM", 44, Z), (*b"IN", 91, Z),
    (*b"IO", 246, N), (*b"IQ", 964, Z), (*b"IR", 98, Z), (*b"IS", 354, N), (*b"IT", 39, N),
    (*b"JE", 44, Z), (*b"JM", 1, NA), (*b"JO", 962, Z), (*b"JP", 81, Z),
    (*b"KE", 254, Z), (*b"KG", 996, Z), (*b"KH", 855, Z), (*b"KI", 686, Z), (*b"KM", 269, N),
    (*b"KN", 1, NA), (*b"KP", 850, Z), (*b"KR", 82, Z), (*b"KW", 965, N), (*b"KY", 1, NA),
    (*b"KZ", 7, Trunk::Eight(10)),
    (*b"LA", 856, Z), (*b"LB", 961, Z), (*b"LC", 1, NA), (*b"LI", 423, Z), (*b"LK", 94, Z),
    (*b"LR", 231, Z), (*b"LS", 266, N), (*b"LT", 370, Trunk::Eight(8)), (*b"LU", 352, N),
    (*b"LV", 371, N), (*b"LY", 218, Z),
    (*b"MA", 212, Z), (*b"MC", 377, Z), (*b"MD", 373, Z), (*b"ME", 382, Z), (*b"MF", 590, Z),
    (*b"MG", 261, Z), (*b"MH", 692, N), (*b"MK", 389, Z), (*b"ML", 223, N), (*b"MM", 95, Z),
    (*b"MN", 976, Z), (*b"MO", 853, N), (*b"MP", 1, NA), (*b"MQ", 596, Z), (*b"MR", 222, N),
    (*b"MS", 1, NA), (*b"MT", 356, N), (*b"MU", 230, N), (*b"MV", 960, N), (*b"MW", 265, Z),
    (*b"MX", 52, N), (*b"MY", 60, Z), (*b"MZ", 258, N),
    (*b"NA", 264, Z), (*b"NC", 687, N), (*b"NE", 227, N), (*b"NF", 672, N), (*b"NG", 234, Z),
    (*b"NI", 505, N), (*b"NL", 31, Z), (*b"NO", 47, N), (*b"NP", 977, Z), (*b"NR", 674, N),
    (*b"NU", 683, N), (*b"NZ", 64, Z),
    (*b"OM", 968, N),
    (*b"PA", 507, N), (*b"PE", 51, Z), (*b"PF", 689, N), (*b"PG", 675, N), (*b"PH", 63, Z),
    (*b"PK", 92, Z), (*b"PL", 48, N), (*b"PM", 508, Z), (*b"PN", 64, Z), (*b"PR", 1, NA),
    (*b"PS", 970, Z), (*b"PT", 351, N), (*b"PW", 680, N), (*b"PY", 595, Z),
    (*b"QA", 974, N),
    (*b"RE", 262, Z), (*b"RO", 40, Z), (*b"RS", 381, Z), (*b"RU", 7, Trunk::Eight(10)),
    (*b"RW", 250, Z),
    (*b"SA", 966, Z), (*b"SB", 677, N), (*b"SC", 248, N), (*b"SD", 249, Z), (*b"SE", 46, Z),
    (*b"SG", 65, N), (*b"SH", 290, N), (*b"SI", 386, Z), (*b"SJ", 47, N), (*b"SK", 421, Z),
    (*b"SL", 232, Z), (*b"SM", 378, N), (*b"SN", 221, N), (*b"SO", 252, Z), (*b"SR", 597, N),
    (*b"SS", 211, Z), (*b"ST", 239, N), (*b"SV", 503, N), (*b"SX", 1, NA), (*b"SY", 963, Z),
    (*b"SZ", 268, N),
    (*b"TA", 290, N), (*b"TC", 1, NA), (*b"TD", 235, N), (*b"TG", 228, N), (*b"TH", 66, Z),
    (*b"TJ", 992, Trunk::Eight(9)), (*b"TK", 690, N), (*b"TL", 670, N),
    (*b"TM", 993, Trunk::Eight(8)), (*b"TN", 216, N), (*b"TO", 676, N), (*b"TR", 90, Z),
    (*b"TT", 1, NA), (*b"TV", 688, N), (*b"TW", 886, Z), (*b"TZ", 255, Z),
    (*b"UA", 380, Z), (*b"UG", 256, Z), (*b"US", 1, NA), (*b"UY", 598, Z),
    (*b"UZ", 998, Trunk::Eight(9)),
    (*b"VA", 39, N), (*b"VC", 1, NA), (*b"VE", 58, Z), (*b"VG", 1, NA), (*b"VI", 1, NA),
    (*b"VN", 84, Z), (*b"VU", 678, N),
    (*b"WF", 681, N), (*b"WS", 685, N),
    (*b"XK", 383, Z),
    (*b"YE", 967, Z), (*b"YT", 262, Z),
    (*b"ZA", 27, Z), (*b"ZM", 260, Z), (*b"ZW", 263, Z),
];

/// E.164 codes of global services (freephone 800, satellite 870/881, networks 882/883, …): no
/// region, but real numbers people keep in contacts.
static NON_GEOGRAPHIC: &[u16] = &[800, 808, 870, 878, 881, 882, 883, 888, 979];

#[cfg(test)]
mod tests;

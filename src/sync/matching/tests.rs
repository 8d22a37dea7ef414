use super::*;
use crate::sync::testkit::contact;

/// `crm` and `google`: one contact per line, `id: contact text`; a Google line may start with
/// `tag=<crm id>`. `expected`: the links as `crm id = google id by rule`, then the ambiguities.
fn check(crm: &str, google: &str, expected: &str) {
    let crm: Vec<CrmContact> = lines(crm)
        .map(|(id, text)| CrmContact {
            id,
            modified_at: 0,
            status: None,
            contact: contact(text),
        })
        .collect();
    let google: Vec<GoogleContact> = lines(google)
        .map(|(id, text)| {
            let (tag, text) = match text.strip_prefix("tag=") {
                Some(rest) => {
                    let (t, rest) = rest.split_once(' ').unwrap_or((rest, "-"));
                    (Some(t.to_string()), rest)
                }
                None => (None, text),
            };
            GoogleContact {
                resource_name: id,
                etag: String::new(),
                updated_at: 0,
                tag,
                groups: Vec::new(),
                contact: contact(text),
            }
        })
        .collect();
    let m = match_contacts(
        &crm.iter().collect::<Vec<_>>(),
        &google.iter().collect::<Vec<_>>(),
        Region::US,
    );
    let mut out: Vec<String> = m
        .matches
        .iter()
        .map(|x| {
            format!(
                "{} = {} by {}",
                crm[x.crm].id, google[x.google].resource_name, x.rule
            )
        })
        .collect();
    out.extend(m.ambiguous.iter().map(|a| a.to_string()));
    assert_eq!(out.join("\n"), expected.trim());
}

fn lines(s: &str) -> impl Iterator<Item = (String, &str)> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| {
        let (id, text) = l.split_once(':').expect("id: contact");
        (id.trim().to_string(), text.trim())
    })
}

#[test]
fn the_tag_links_first_even_when_nothing_else_matches() {
    check(
        "1: first=Ann email=a@x.io",
        "c9: tag=1 first=Anna email=other@x.io",
        "1 = c9 by link tag",
    );
}

#[test]
fn a_shared_email_links_regardless_of_case() {
    check("1: email=Ann@X.io", "c1: email=ann@x.io", "1 = c1 by email");
}

#[test]
fn a_phone_links_across_national_and_international_forms() {
    check(
        "1: phone=(415) 555-0132",
        "c1: phone=+1 415 555 0132",
        "1 = c1 by phone",
    );
}

#[test]
fn a_name_alone_never_links_but_with_a_birthday_or_company_it_does() {
    check("1: first=Ann last=Lee", "c1: first=ann last=lee", "");
    check(
        "1: first=Ann last=Lee bday=--07-14",
        "c1: first=ann last=lee bday=--07-14",
        "1 = c1 by name and birthday or company",
    );
    check(
        "1: first=Ann last=Lee company=Acme",
        "c1: first=Ann last=Lee company=ACME",
        "1 = c1 by name and birthday or company",
    );
}

#[test]
fn two_google_candidates_make_the_crm_contact_ambiguous_and_block_all_three() {
    check(
        "1: first=Ann email=a@x.io",
        "c1: email=a@x.io\n c2: email=A@x.io phone=+1 415 555 0100",
        "ambiguous crm \"Ann\" (1): 2 candidates by email: c1, c2",
    );
}

#[test]
fn two_crm_candidates_make_the_google_contact_ambiguous() {
    check(
        "1: email=a@x.io\n 2: email=b@x.io",
        "c1: first=Bo email=a@x.io email=b@x.io",
        "ambiguous google \"Bo\" (c1): 2 candidates by email: 1, 2",
    );
}

#[test]
fn an_ambiguity_under_one_rule_is_not_settled_by_a_weaker_rule() {
    check(
        "1: email=a@x.io phone=+1 415 555 0100",
        "c1: email=a@x.io phone=+1 415 555 0100\n c2: email=a@x.io",
        "ambiguous crm \"a@x.io\" (1): 2 candidates by email: c1, c2",
    );
}

#[test]
fn later_rules_match_what_earlier_rules_left() {
    check(
        "1: email=a@x.io\n 2: phone=+1 415 555 0100",
        "c1: phone=+1 415 555 0100\n c2: email=a@x.io",
        "1 = c2 by email\n2 = c1 by phone",
    );
}

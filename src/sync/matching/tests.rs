use super::*;
use crate::sync::testkit::contact;

/// `crm` and `google`: one contact per line, `id: contact text`; a Google line may start with
/// `tag=<crm id>[,<crm id>…]`. `expected`: the links as `crm id = google id by rule`, then the
/// ambiguities.
fn check(crm: &str, google: &str, expected: &str) {
    let (crm, google) = (crm_contacts(crm), google_contacts(google));
    assert_eq!(render(&crm, &google, false), expected.trim());
}

/// Like [`check`], with the contacts set aside on a last line, for every order of the inputs:
/// the outcome must not depend on it. `expected` lists the lines sorted.
fn check_any_order(crm: &str, google: &str, expected: &str) {
    let (crm, google) = (crm_contacts(crm), google_contacts(google));
    let mut orders = 0;
    for c in permutations(crm.len()) {
        for g in permutations(google.len()) {
            let crm: Vec<CrmContact> = c.iter().map(|&i| crm[i].clone()).collect();
            let google: Vec<GoogleContact> = g.iter().map(|&i| google[i].clone()).collect();
            let mut lines: Vec<String> = render(&crm, &google, true)
                .lines()
                .map(str::to_string)
                .collect();
            lines.sort();
            assert_eq!(
                lines.join("\n"),
                expected.trim(),
                "crm order {c:?}, google order {g:?}"
            );
            orders += 1;
        }
    }
    assert!(orders >= 2 || crm.len() + google.len() <= 2);
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for at in 0..=p.len() {
            let mut q = p.clone();
            q.insert(at, n - 1);
            out.push(q);
        }
    }
    out
}

fn crm_contacts(s: &str) -> Vec<CrmContact> {
    lines(s)
        .map(|(id, text)| CrmContact {
            id,
            modified_at: 0,
            status: None,
            contact: contact(text),
        })
        .collect()
}

fn google_contacts(s: &str) -> Vec<GoogleContact> {
    lines(s)
        .map(|(id, text)| {
            let (tags, text) = match text.strip_prefix("tag=") {
                Some(rest) => {
                    let (t, rest) = rest.split_once(' ').unwrap_or((rest, "-"));
                    (t.split(',').map(str::to_string).collect(), rest)
                }
                None => (Vec::new(), text),
            };
            let mut tags = tags.into_iter();
            GoogleContact {
                resource_name: id,
                etag: String::new(),
                updated_at: 0,
                tag: tags.next(),
                extra_tags: tags.collect(),
                groups: Vec::new(),
                contact: contact(text),
            }
        })
        .collect()
}

fn render(crm: &[CrmContact], google: &[GoogleContact], set_aside: bool) -> String {
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
    if set_aside {
        let mut ids: Vec<&str> = (0..crm.len())
            .filter(|&i| m.blocked_crm[i])
            .map(|i| crm[i].id.as_str())
            .chain(
                (0..google.len())
                    .filter(|&i| m.blocked_google[i])
                    .map(|i| google[i].resource_name.as_str()),
            )
            .collect();
        ids.sort_unstable();
        out.push(
            format!("set aside: {}", ids.join(" "))
                .trim_end()
                .to_string(),
        );
    }
    out.join("\n")
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

#[test]
fn an_ambiguity_sets_aside_the_whole_cluster_whatever_the_order() {
    // Alice and Carol share info@; Bob is Bob. Linking Bob to Bob would leave Alice and Carol to
    // be created on the other side, each a duplicate of the other.
    check_any_order(
        "1: first=Alice email=info@x.io\n 2: first=Bob email=bob@x.io",
        "c1: first=Bob email=info@x.io email=bob@x.io\n c2: first=Carol email=info@x.io",
        r#"ambiguous crm "Alice" (1): 2 candidates by email: c1, c2
ambiguous google "Bob" (c1): 2 candidates by email: 1, 2
set aside: 1 2 c1 c2"#,
    );
    // A chain reaches further than one step: 1–c1–2–c2–3.
    check_any_order(
        "1: email=a@x.io\n 2: email=b@x.io email=c@x.io\n 3: email=d@x.io",
        "c1: email=a@x.io email=b@x.io\n c2: email=c@x.io email=d@x.io",
        r#"ambiguous crm "b@x.io" (2): 2 candidates by email: c1, c2
ambiguous google "a@x.io" (c1): 2 candidates by email: 1, 2
ambiguous google "c@x.io" (c2): 2 candidates by email: 2, 3
set aside: 1 2 3 c1 c2"#,
    );
}

#[test]
fn separate_pairs_link_whatever_the_order() {
    check_any_order(
        "1: email=a@x.io\n 2: phone=+1 415 555 0100\n 3: first=Ann last=Lee company=Acme",
        "c1: phone=(415) 555-0100\n c2: email=A@x.io\n c3: first=ann last=lee company=acme",
        "1 = c2 by email\n2 = c1 by phone\n3 = c3 by name and birthday or company\nset aside:",
    );
}

#[test]
fn a_google_contact_tagged_for_two_crm_contacts_is_ambiguous() {
    // Two tagged contacts merged in the Contacts UI: linking it to either would write one
    // person's data over the other's, and creating the other would duplicate it.
    check_any_order(
        "1: first=Ann email=a@x.io\n 2: first=Bob email=b@x.io",
        "c3: tag=1,2 first=Ann email=a@x.io email=b@x.io",
        r#"ambiguous google "Ann" (c3): tagged for 2 CRM contacts: 1, 2
set aside: 1 2 c3"#,
    );
    // Even when only one of them is here.
    check_any_order(
        "1: first=Ann email=a@x.io",
        "c3: tag=1,2 first=Ann email=a@x.io",
        r#"ambiguous google "Ann" (c3): tagged for 2 CRM contacts: 1, 2
set aside: 1 c3"#,
    );
    // The same tag twice is one tag.
    check("1: first=Ann", "c3: tag=1 first=Ann", "1 = c3 by link tag");
}

#[test]
fn a_shared_email_or_phone_links_only_compatible_names() {
    // A household's address: another family name is another person.
    check_any_order(
        "1: first=Alice last=Smith email=info@x.io",
        "c1: first=Bob last=Jones email=info@x.io",
        r#"ambiguous crm "Alice Smith" (1): same email as c1 under another family name
set aside: 1 c1"#,
    );
    check(
        "1: first=Alice last=Smith phone=+1 415 555 0100",
        "c1: first=Bob last=Jones phone=(415) 555-0100",
        r#"ambiguous crm "Alice Smith" (1): same phone as c1 under another family name"#,
    );
    // A short given name, the family name in another case or form, or no family name on one
    // side: one person.
    check(
        "1: first=Rob last=Smith email=rob@x.io",
        "c1: first=Robert last=SMITH email=rob@x.io",
        "1 = c1 by email",
    );
    check(
        "1: first=Jose last=Mu\u{308}ller email=j@x.io",
        "c1: first=José last=MÜLLER email=j@x.io",
        "1 = c1 by email",
    );
    check(
        "1: email=j@x.io",
        "c1: first=Jo last=Park email=j@x.io",
        "1 = c1 by email",
    );
    check(
        "1: first=Jo email=j@x.io",
        "c1: first=Jo last=Park email=j@x.io",
        "1 = c1 by email",
    );
}

#[test]
fn gmail_addresses_match_without_dots_and_plus_tags_and_only_gmail() {
    check(
        "1: email=Ann.Lee+crm@gmail.com",
        "c1: email=annlee@googlemail.com",
        "1 = c1 by email",
    );
    check("1: email=ann.lee@x.io", "c1: email=annlee@x.io", "");
    check("1: email=ann+crm@x.io", "c1: email=ann@x.io", "");
}

#[test]
fn phones_everyone_shares_never_link_and_labels_after_a_number_do_not_hide_it() {
    check("1: first=Ann phone=112", "c1: first=Bob phone=112", "");
    check(
        "1: phone=000-000-0000\n 2: phone=911",
        "c1: phone=(000) 000-0000\n c2: phone=911",
        "",
    );
    check(
        "1: phone=415 555 0132 home",
        "c1: phone=+1 415 555 0132",
        "1 = c1 by phone",
    );
    check(
        "1: phone=415 555 0132 (office)",
        "c1: phone=+1 415 555 0132",
        "1 = c1 by phone",
    );
}

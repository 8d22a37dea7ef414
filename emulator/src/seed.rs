//! Realistic synthetic contacts, deterministic from a seed.

use crate::emulator::State;
use crate::error::ApiResult;
use crate::person;
use crate::profile;
use crate::util::Rng;
use serde_json::{json, Value};

const GIVEN: [&str; 40] = [
    "Ada",
    "José",
    "Zoë",
    "Björn",
    "Łukasz",
    "Chloé",
    "Søren",
    "Aoife",
    "Mei",
    "Hiroshi",
    "Amara",
    "Ravi",
    "Fatima",
    "Oliver",
    "Noah",
    "Emma",
    "Liam",
    "Sofía",
    "Mateo",
    "Anaïs",
    "Nguyễn Văn",
    "Olga",
    "Dmitri",
    "Ingrid",
    "Kwame",
    "Priya",
    "Yusuf",
    "Leïla",
    "Grace",
    "Hannah",
    "Tomás",
    "Ewa",
    "Jürgen",
    "Camille",
    "Siobhan",
    "Arjun",
    "Nadia",
    "Lars",
    "Beatriz",
    "Wei",
];
const FAMILY: [&str; 40] = [
    "Lovelace",
    "García",
    "Müller",
    "O'Brien",
    "Nowak",
    "Dubois",
    "Johansson",
    "Ní Bhriain",
    "Chen",
    "Tanaka",
    "Okafor",
    "Patel",
    "Haddad",
    "Smith",
    "Jones",
    "Brown",
    "Williams",
    "Fernández",
    "Rossi",
    "Lefèvre",
    "An",
    "Ivanova",
    "Petrov",
    "Berg",
    "Mensah",
    "Sharma",
    "Yılmaz",
    "Benali",
    "Hopper",
    "Schmidt",
    "Álvarez",
    "Kowalska",
    "Weiß",
    "Martin",
    "Kelly",
    "Iyer",
    "Karimi",
    "Nilsen",
    "Costa",
    "Zhang",
];
const DOMAINS: [&str; 6] = [
    "example.com",
    "example.org",
    "mail.example.net",
    "corp.example",
    "example.co.uk",
    "example.de",
];
const COMPANIES: [(&str, &str); 8] = [
    ("Analytical Engines Ltd", "Engineering"),
    ("Initech", "Accounting"),
    ("Globex Corporation", "Sales"),
    ("Umbrella Group", "Research"),
    ("Acme GmbH", "Logistics"),
    ("Société Générale d'Exemple", "Finance"),
    ("Hooli", "Product"),
    ("Stark Industrie", "Operations"),
];
const TITLES: [&str; 8] = [
    "Engineer",
    "Manager",
    "Director",
    "Consultant",
    "Analyst",
    "Designer",
    "CEO",
    "Account Executive",
];
const NOTES: [&str; 5] = [
    "Met at the spring conference.",
    "Prefers email over calls.",
    "Introduced by Grace — follow up in Q3.",
    "Allergic to peanuts; vegetarian.",
    "Old university friend.\nLikes chess.",
];

/// (city, region, postal code, country, country code, street format)
const PLACES: [(&str, &str, &str, &str, &str); 7] = [
    ("San Francisco", "CA", "94103", "United States", "US"),
    ("London", "", "N1 1AA", "United Kingdom", "GB"),
    ("Paris", "", "75011", "France", "FR"),
    ("Berlin", "", "10115", "Germany", "DE"),
    ("Tokyo", "Tokyo", "100-0001", "Japan", "JP"),
    ("São Paulo", "SP", "01310-100", "Brazil", "BR"),
    ("Toronto", "ON", "M5V 2T6", "Canada", "CA"),
];

fn ascii(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'Á' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'í' | 'ï' | 'ı' => Some('i'),
            'ó' | 'ö' | 'ô' | 'ø' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            'ł' | 'Ł' => Some('l'),
            'ß' => Some('s'),
            'ễ' => Some('e'),
            'ă' => Some('a'),
            ' ' | '\'' => None,
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A phone number in one of several national formats.
fn phone(rng: &mut Rng) -> (String, &'static str) {
    let n = |rng: &mut Rng, d: u32| format!("{:0w$}", rng.below(10u64.pow(d)), w = d as usize);
    let v = match rng.below(6) {
        0 => format!("(415) 555-{}", n(rng, 4)),
        1 => format!("+1 212-555-{}", n(rng, 4)),
        2 => format!("+44 20 7946 {}", n(rng, 4)),
        3 => format!(
            "+33 1 {} {} {} {}",
            n(rng, 2),
            n(rng, 2),
            n(rng, 2),
            n(rng, 2)
        ),
        4 => format!("+49 30 {}", n(rng, 7)),
        _ => format!("+81 3-{}-{}", n(rng, 4), n(rng, 4)),
    };
    (v, *rng.pick(&["mobile", "home", "work", "mobile", "main"]))
}

/// One synthetic Person as a client would write it.
pub fn synthetic_person(rng: &mut Rng) -> Value {
    let given = *rng.pick(&GIVEN);
    let family = *rng.pick(&FAMILY);
    let mut p = json!({"names": [{"givenName": given, "familyName": family}]});
    let user = format!("{}.{}", ascii(given), ascii(family));
    let mut emails =
        vec![json!({"value": format!("{user}@{}", rng.pick(&DOMAINS)), "type": "work"})];
    if rng.chance(0.3) {
        emails.push(json!({"value": format!("{}{}@example.net", ascii(given), rng.below(100)), "type": "home"}));
    }
    p["emailAddresses"] = Value::Array(emails);
    let mut phones = Vec::new();
    for _ in 0..=rng.below(2) {
        let (v, t) = phone(rng);
        phones.push(json!({"value": v, "type": t}));
    }
    p["phoneNumbers"] = Value::Array(phones);
    if rng.chance(0.6) {
        let (city, region, postal, country, cc) = *rng.pick(&PLACES);
        p["addresses"] = json!([{"streetAddress": format!("{} {}", 1 + rng.below(200), rng.pick(&["Main St", "Rue de la Paix", "Hauptstraße", "High Street", "Avenida Paulista"])),
            "city": city, "region": region, "postalCode": postal, "country": country, "countryCode": cc,
            "type": *rng.pick(&["home", "work"])}]);
    }
    if rng.chance(0.5) {
        let year = if rng.chance(0.7) {
            1950 + rng.below(55)
        } else {
            0
        };
        let mut date = json!({"month": 1 + rng.below(12), "day": 1 + rng.below(28)});
        if year > 0 {
            date["year"] = json!(year);
        }
        p["birthdays"] = json!([{"date": date}]);
    }
    if rng.chance(0.7) {
        let (org, dept) = *rng.pick(&COMPANIES);
        p["organizations"] = json!([{"name": org, "department": dept, "title": *rng.pick(&TITLES), "type": "work", "current": true}]);
    }
    if rng.chance(0.2) {
        p["biographies"] = json!([{"value": *rng.pick(&NOTES), "contentType": "TEXT_PLAIN"}]);
    }
    if rng.chance(0.1) {
        p["urls"] = json!([{"value": format!("https://{user}.example.com/"), "type": "homePage"}]);
    }
    if rng.chance(0.1) {
        p["memberships"] = json!([
            {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}},
            {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/starred"}}
        ]);
    }
    p
}

pub fn seed(st: &mut State, account: usize, n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let now = st.now();
    let mut names = Vec::with_capacity(n);
    for _ in 0..n {
        let p = synthetic_person(&mut rng);
        // Synthetic persons are valid by construction; a failure would be a bug in this file.
        if let Ok(id) = st.accounts[account].create(&p, &mut rng, now) {
            names.push(person::resource_name(id));
        }
    }
    names
}

/// Creates the given contacts; a contact's `profile` key, if any, is its Google profile.
pub fn seed_json(st: &mut State, account: usize, persons: &[Value]) -> ApiResult<Vec<String>> {
    let persons: Vec<(Value, Option<Value>)> = persons.iter().map(profile::split_seed).collect();
    for (p, linked) in &persons {
        crate::api::validate::value(p, "Person", "person", "")?;
        profile::refuse_profile_items(p, person::Mask::ALL)?;
        person::normalize_fields(p, person::Mask::ALL, 0)?;
        if let Some(v) = linked.as_ref().filter(|v| !v.is_null()) {
            profile::Profile::parse(0, v)?;
        }
    }
    let now = st.now();
    let mut names = Vec::new();
    for (p, linked) in persons {
        let acct = &mut st.accounts[account];
        let id = acct.create(&p, &mut st.rng, now)?;
        profile::attach(acct, id, linked)?;
        names.push(person::resource_name(id));
    }
    Ok(names)
}

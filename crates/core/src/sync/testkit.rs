//! Compact text for contacts in tests: `first=Ann last=Lee email=a@x.io#work phone=+1 555 0100
//! bday=--07-14 company=Acme title=CEO notes=met at a fair addr=1 Main St|Springfield||||US
//! tag=vip tag=lead`.
//! A value runs until the next `key=`; `#label` ends an email, phone or address with its label, and
//! a final `*` flags an email or phone primary (`email=a@x.io#work*`); `-` alone is an empty
//! contact.

use super::model::{Address, Birthday, Contact, Email, Phone};

const KEYS: [&str; 13] = [
    "prefix", "first", "middle", "last", "suffix", "email", "phone", "addr", "bday", "company",
    "title", "notes", "tag",
];

pub fn contact(text: &str) -> Contact {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for word in text.split_whitespace() {
        match word.split_once('=') {
            Some((k, v)) if KEYS.contains(&k) => pairs.push((k.to_string(), v.to_string())),
            _ => match pairs.last_mut() {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(word);
                }
                None => assert_eq!(word, "-", "unexpected contact text {text:?}"),
            },
        }
    }
    let mut c = Contact::default();
    for (k, v) in pairs {
        let primary = matches!(k.as_str(), "email" | "phone") && v.ends_with('*');
        let v = if primary {
            v.trim_end_matches('*').to_string()
        } else {
            v
        };
        let (value, kind) = match v.rsplit_once('#') {
            Some((v, kind)) => (v.to_string(), kind.to_string()),
            None => (v, String::new()),
        };
        match k.as_str() {
            "prefix" => c.name.prefix = value,
            "first" => c.name.given = value,
            "middle" => c.name.middle = value,
            "last" => c.name.family = value,
            "suffix" => c.name.suffix = value,
            "email" => c.emails.push(Email {
                value,
                kind,
                primary,
            }),
            "phone" => c.phones.push(Phone {
                value,
                kind,
                primary,
                ..Phone::default()
            }),
            "addr" => {
                let p: Vec<&str> = value.split('|').collect();
                let part = |i: usize| p.get(i).map(|s| s.to_string()).unwrap_or_default();
                c.addresses.push(Address {
                    street: part(0),
                    city: part(1),
                    region: part(2),
                    postal_code: part(3),
                    country: part(4),
                    country_code: part(5),
                    kind,
                    ..Address::default()
                })
            }
            "bday" => c.birthday = Some(Birthday::parse(&value).expect("test birthday")),
            "company" => c.company = value,
            "title" => c.title = value,
            "notes" => c.notes = value,
            "tag" => c.tags = super::labels::tag_set(c.tags.drain(..).chain([value])),
            _ => unreachable!("KEYS lists every key"),
        }
    }
    c
}

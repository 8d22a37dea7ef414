//! A success status is not an answer: a 2xx whose body is not what Google answers (an empty
//! object or an empty body from a proxy, a count that does not match) is a failed attempt,
//! retried within the same bound, never read as "nothing there" or "all done".

use crate::harness::*;

/// One answer that replaces Google's the first time a request whose URL contains `url` is sent.
fn answer_once(w: &mut World, url: &'static str, body: &'static str) {
    w.net.push(NetFault {
        url,
        count: 1,
        kind: NetKind::Answer {
            status: 200,
            retry_after_ms: None,
            body,
        },
    });
}

#[test]
fn a_full_listing_answered_with_no_sync_token_deletes_nothing_and_is_asked_again() {
    for body in ["{}", r#"{"connections": []}"#, r#"{"totalItems": 0}"#] {
        let mut w = World::new();
        for i in 0..2 {
            let now = w.now();
            w.crm
                .add(person(&format!("P{i}"), "Lee", &format!("p{i}@x.io")), now);
        }
        w.run();
        // A full listing, in which a linked contact missing would be a deletion in Google.
        w.state.sync_token = None;
        answer_once(&mut w, "people/me/connections", body);
        let r = w.run();
        assert!(r.report.ok, "{body}: {:?}", r.report.errors);
        assert_eq!((w.crm.contacts.len(), w.google().len()), (2, 2), "{body}");
        assert_eq!(
            r.report.requests.get("people.connections.list"),
            Some(&2),
            "{body}: the listing is asked again"
        );
        assert_eq!(r.report.deleted.crm + r.report.deleted.google, 0, "{body}");
    }
}

#[test]
fn creates_answered_without_their_persons_are_looked_up_and_made_once() {
    for body in ["{}", r#"{"createdPeople": []}"#] {
        let mut w = World::new();
        for i in 0..3 {
            let now = w.now();
            w.crm
                .add(person(&format!("P{i}"), "Lee", &format!("p{i}@x.io")), now);
        }
        answer_once(&mut w, "batchCreateContacts", body);
        let r = w.run();
        assert!(r.report.ok, "{body}: {:?}", r.report.errors);
        assert_eq!(w.google().len(), 3, "{body}: made in the same run, once");
        assert_eq!(r.report.created.google, 3, "{body}");
        assert_eq!(w.state.links.len(), 3, "{body}");
        assert!(w.journal.is_none(), "{body}");
    }
}

#[test]
fn an_update_answered_without_its_persons_is_sent_again_not_counted_as_made() {
    for body in ["", "{}", r#"{"updateResult": {}}"#] {
        let mut w = World::new();
        let now = w.now();
        let id = w.crm.add(person("Ann", "Lee", "a@x.io"), now);
        w.run();
        let now = w.now();
        let c = w.crm.contacts.get_mut(&id).expect("CRM contact");
        c.contact.title = "CTO".into();
        c.modified_at = now;
        answer_once(&mut w, "batchUpdateContacts", body);
        let r = w.run();
        assert!(r.report.ok, "{body:?}: {:?}", r.report.errors);
        assert_eq!(r.report.updated.google, 1, "{body:?}");
        assert_eq!(
            w.google()[0]["organizations"][0]["title"],
            "CTO",
            "{body:?}: the edit reached Google"
        );
        let again = w.run();
        assert!(again.report.ok, "{body:?}: {:?}", again.report.errors);
        assert_eq!(w.crm.contacts[&id].contact.title, "CTO", "{body:?}: kept");
    }
}

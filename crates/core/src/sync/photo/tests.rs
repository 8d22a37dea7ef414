//! The photo merge as a table: base, CRM and Google as compact text, the move as its name.

use super::*;
use serde_json::json;

/// `"-"`: not read; `"none"`: read, no photo; `"h1@u1"`: hash h1 at URL u1 (either may be
/// empty: a CRM photo has no URL, a Google photo no hash).
fn photo(text: &str) -> Option<Photo> {
    (text != "none").then(|| {
        let (hash, url) = text.split_once('@').unwrap_or((text, ""));
        Photo {
            hash: hash.into(),
            url: url.into(),
            data: String::new(),
        }
    })
}

fn seen<'a>(text: &str, p: &'a Option<Photo>) -> Seen<'a> {
    match text {
        "-" => Seen::NotRead,
        _ => Seen::Read(p.as_ref()),
    }
}

fn check(base: &str, crm: &str, google: &str, policy: ConflictPolicy, expected: &str) {
    let (b, c, g) = (photo(base), photo(crm), photo(google));
    let got = merge(PhotoInput {
        base: b.as_ref(),
        crm: seen(crm, &c),
        google: seen(google, &g),
        crm_modified_at: 10,
        google_modified_at: 20,
        policy,
        write_crm: true,
        write_google: true,
        direction: FieldDirection::Both,
    });
    let got = match got {
        PhotoMove::Keep => "keep".to_string(),
        PhotoMove::ToCrm { url } => format!("to crm {url}"),
        PhotoMove::ClearCrm => "clear crm".into(),
        PhotoMove::ToGoogle => "to google".into(),
        PhotoMove::ClearGoogle => "clear google".into(),
        PhotoMove::Agree { photo: None } => "agree none".into(),
        PhotoMove::Agree { photo: Some(p) } => format!("agree {}@{}", p.hash, p.url),
    };
    assert_eq!(got, expected, "base {base} crm {crm} google {google}");
}

use ConflictPolicy::{Crm, Google, Newest};

#[test]
fn an_unchanged_photo_on_both_sides_moves_nothing_and_needs_no_download() {
    check("h1@u1", "h1@", "@u1", Newest, "keep");
    check("h1@u1", "-", "-", Newest, "keep");
    check("h1@u1", "h1@", "-", Newest, "keep");
    check("none", "none", "none", Newest, "keep");
}

#[test]
fn a_photo_set_or_changed_on_one_side_goes_to_the_other() {
    check("none", "none", "@u2", Newest, "to crm u2");
    check("h1@u1", "h1@", "@u2", Newest, "to crm u2");
    check("h1@u1", "-", "@u2", Newest, "to crm u2");
    check("none", "h2@", "none", Newest, "to google");
    check("h1@u1", "h2@", "@u1", Newest, "to google");
    check("h1@u1", "h2@", "-", Newest, "to google");
}

#[test]
fn a_photo_removed_on_one_side_is_removed_on_the_other() {
    check("h1@u1", "h1@", "none", Newest, "clear crm");
    check("h1@u1", "none", "@u1", Newest, "clear google");
    check("h1@u1", "none", "-", Newest, "clear google");
    check("h1@u1", "none", "none", Newest, "agree none");
}

#[test]
fn both_changed_is_a_conflict_the_policy_settles() {
    // Google's edit is the newer one (20 against 10).
    check("h1@u1", "h2@", "@u3", Newest, "to crm u3");
    check("h1@u1", "h2@", "@u3", Crm, "to google");
    check("h1@u1", "h2@", "@u3", Google, "to crm u3");
    check("h1@u1", "none", "@u3", Crm, "clear google");
}

#[test]
fn without_a_base_both_photos_stay_and_are_recorded_as_agreed() {
    check("none", "h2@", "@u3", Newest, "agree h2@u3");
    // A base recorded before photos synced has no hash: it counts as none.
    check("@u1", "h2@", "@u3", Crm, "agree h2@u3");
    check("@u1", "h2@", "@u1", Crm, "agree h2@u1");
}

#[test]
fn a_side_the_settings_forbid_writing_is_not_written() {
    let g = photo("@u2");
    let got = merge(PhotoInput {
        base: None,
        crm: Seen::Read(None),
        google: Seen::Read(g.as_ref()),
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: Newest,
        write_crm: false,
        write_google: true,
        direction: FieldDirection::Both,
    });
    assert_eq!(got, PhotoMove::Keep);
}

/// The move of one pair under the photo's `direction`, the CRM's edit the older (10 against 20).
fn directed(base: &str, crm: &str, google: &str, direction: FieldDirection) -> PhotoMove {
    let (b, c, g) = (photo(base), photo(crm), photo(google));
    merge(PhotoInput {
        base: b.as_ref(),
        crm: seen(crm, &c),
        google: seen(google, &g),
        crm_modified_at: 10,
        google_modified_at: 20,
        policy: Newest,
        write_crm: true,
        write_google: true,
        direction,
    })
}

#[test]
fn a_one_way_photo_goes_only_its_way_and_its_source_wins_both_edited() {
    use FieldDirection::{CrmToGoogle, GoogleToCrm};
    let to_crm = |url: &str| PhotoMove::ToCrm { url: url.into() };
    // CRM → Google only: the CRM's change goes, Google's stays in Google.
    assert_eq!(
        directed("h1@u1", "h2@", "@u1", CrmToGoogle),
        PhotoMove::ToGoogle
    );
    assert_eq!(
        directed("h1@u1", "none", "@u1", CrmToGoogle),
        PhotoMove::ClearGoogle
    );
    assert_eq!(
        directed("h1@u1", "h1@", "@u2", CrmToGoogle),
        PhotoMove::Keep
    );
    assert_eq!(
        directed("h1@u1", "h1@", "none", CrmToGoogle),
        PhotoMove::Keep
    );
    assert_eq!(
        directed("none", "none", "@u2", CrmToGoogle),
        PhotoMove::Keep
    );
    // Both changed: the source wins, though Google's edit is the newer.
    assert_eq!(
        directed("h1@u1", "h2@", "@u3", CrmToGoogle),
        PhotoMove::ToGoogle
    );
    // Google → CRM only: the mirror image.
    assert_eq!(directed("h1@u1", "h1@", "@u2", GoogleToCrm), to_crm("u2"));
    assert_eq!(
        directed("h1@u1", "h1@", "none", GoogleToCrm),
        PhotoMove::ClearCrm
    );
    assert_eq!(
        directed("h1@u1", "h2@", "@u1", GoogleToCrm),
        PhotoMove::Keep
    );
    assert_eq!(
        directed("none", "h2@", "none", GoogleToCrm),
        PhotoMove::Keep
    );
    assert_eq!(
        directed("h1@u1", "none", "@u1", GoogleToCrm),
        PhotoMove::Keep
    );
    let crm_newer = merge(PhotoInput {
        crm_modified_at: 30,
        ..PhotoInput {
            base: photo("h1@u1").as_ref(),
            crm: Seen::Read(photo("h2@").as_ref()),
            google: Seen::Read(photo("@u3").as_ref()),
            crm_modified_at: 0,
            google_modified_at: 20,
            policy: Crm,
            write_crm: true,
            write_google: true,
            direction: GoogleToCrm,
        }
    });
    assert_eq!(crm_newer, to_crm("u3"), "the source wins over the policy");
    // Without a base, both photos stay whatever the direction: nothing tells which changed.
    assert!(matches!(
        directed("none", "h2@", "@u3", GoogleToCrm),
        PhotoMove::Agree { .. }
    ));
}

#[test]
fn a_photo_not_synced_moves_nothing_and_keeps_its_base() {
    for (base, crm, google) in [
        ("h1@u1", "h2@", "@u1"),
        ("h1@u1", "h1@", "@u2"),
        ("h1@u1", "none", "none"),
        ("none", "h2@", "@u3"),
        ("none", "h2@", "-"),
    ] {
        assert_eq!(
            directed(base, crm, google, FieldDirection::NotSynced),
            PhotoMove::Keep,
            "base {base} crm {crm} google {google}"
        );
    }
}

fn person(photos: serde_json::Value) -> Person {
    crate::json::from_str(&json!({"resourceName": "people/c1", "photos": photos}).to_string())
        .unwrap()
}

#[test]
fn only_the_contacts_own_photo_counts_never_a_profile_photo_or_the_default() {
    let own =
        json!({"metadata": {"source": {"type": "CONTACT", "id": "1"}}, "url": "https://x/own"});
    let profile =
        json!({"metadata": {"source": {"type": "PROFILE", "id": "2"}}, "url": "https://x/profile"});
    let default = json!({"metadata": {"source": {"type": "CONTACT", "id": "1"}}, "url": "https://x/d", "default": true});
    assert_eq!(
        of_person(&person(json!([profile, own]))).unwrap().url,
        "https://x/own"
    );
    assert_eq!(of_person(&person(json!([default, profile]))), None);
    assert_eq!(of_person(&person(json!([profile]))), None);
    assert_eq!(of_person(&person(json!([]))), None);
}

#[test]
fn host_photos_are_checked_and_hashed_by_their_content() {
    let jpeg = from_data_url("data:image/jpeg;base64,/9j/4AAQ").unwrap();
    assert_eq!(jpeg.hash, hash("/9j/4AAQ"));
    assert_eq!(payload(&jpeg), "/9j/4AAQ");
    assert_eq!(
        from_data_url("data:image/gif;base64,R0lG"),
        Err(PhotoError::NotAnImage)
    );
    assert_eq!(
        from_data_url("https://x/p.jpg"),
        Err(PhotoError::NotAnImage)
    );
    assert_eq!(
        from_data_url("data:image/png;base64,"),
        Err(PhotoError::NotAnImage)
    );
    let big = format!(
        "data:image/png;base64,{}",
        "A".repeat(MAX_BYTES / 3 * 4 + 8)
    );
    assert!(matches!(
        from_data_url(&big),
        Err(PhotoError::TooLarge { .. })
    ));
}

#[test]
fn downloaded_bytes_become_the_same_photo_a_host_would_give() {
    let bytes = b"\xff\xd8\xff\xe0 a tiny jpeg";
    let p = from_bytes(bytes, "https://x/u").unwrap();
    assert_eq!(from_data_url(&p.data).unwrap().hash, p.hash);
    assert_eq!(from_bytes(b"GIF89a", "u"), Err(PhotoError::NotAnImage));
    assert_eq!(base64(b"Man"), "TWFu");
    assert_eq!(base64(b"Ma"), "TWE=");
    assert_eq!(base64(b"M"), "TQ==");
    assert_eq!(download_url("https://x/p"), "https://x/p?sz=512");
    assert_eq!(download_url("https://x/p?a=1"), "https://x/p?a=1&sz=512");
}

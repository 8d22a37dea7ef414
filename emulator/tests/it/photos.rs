//! Contact photos: updateContactPhoto, deleteContactPhoto, the `photos` field reads show, the
//! bytes served at a photo's URL, the photo-write quota and the admin way to set one.

use crate::support::{assert_error, Api};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use people_emulator::{Bucket, Request};
use serde_json::{json, Value};

/// The smallest files each format's signature makes: enough for the format check.
pub const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00one";
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDRtwo";

fn update(api: &Api, rn: &str, body: Value) -> (u16, Value) {
    api.call("PATCH", &format!("/v1/{rn}:updateContactPhoto"), Some(body))
}

fn photos(api: &Api, rn: &str) -> Vec<Value> {
    let (s, v) = api.get(&format!("/v1/{rn}?personFields=photos,metadata"));
    assert_eq!(s, 200, "{v}");
    v["photos"].as_array().cloned().unwrap_or_default()
}

fn rn(p: &Value) -> String {
    p["resourceName"].as_str().unwrap().to_string()
}

#[test]
fn a_contact_without_a_photo_reads_with_googles_generated_default() {
    let api = Api::new();
    let rn = rn(&api.ada());
    let p = photos(&api, &rn);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0]["default"], true);
    assert_eq!(p[0]["metadata"]["source"]["type"], "CONTACT");
    // The default photo is no upload: its URL serves nothing of the emulator's.
    assert!(p[0]["url"].as_str().unwrap().starts_with("https://"));
}

#[test]
fn an_uploaded_photo_is_the_contacts_own_and_its_url_serves_the_bytes() {
    let api = Api::new();
    let rn = rn(&api.ada());
    let etag_before = api.get(&format!("/v1/{rn}?personFields=names")).1["etag"].clone();
    let (s, v) = update(
        &api,
        &rn,
        json!({"photoBytes": STANDARD.encode(JPEG), "personFields": "photos,metadata"}),
    );
    assert_eq!(s, 200, "{v}");
    let photo = &v["person"]["photos"][0];
    assert!(photo.get("default").is_none(), "{photo}");
    assert_eq!(photo["metadata"]["source"]["type"], "CONTACT");
    assert_ne!(
        v["person"]["etag"], etag_before,
        "a photo change is a new version"
    );
    let url = photo["url"].as_str().unwrap();
    let path = &url[url.find("/photos/").unwrap()..];
    let r = api.em.handle(Request::get(&format!("{path}=s512")));
    assert_eq!(r.status, 200);
    assert_eq!(r.header_value("Content-Type"), Some("image/jpeg"));
    assert_eq!(r.body, JPEG);
    assert_eq!(
        photos(&api, &rn),
        vec![photo.clone()],
        "reads show the same URL"
    );

    // A new upload gets a new URL; the old one is gone.
    let (_, v) = update(
        &api,
        &rn,
        json!({"photoBytes": STANDARD.encode(PNG), "personFields": "photos"}),
    );
    let url2 = v["person"]["photos"][0]["url"].as_str().unwrap();
    assert_ne!(url2, url);
    assert_eq!(api.em.handle(Request::get(path)).status, 404);
    let r = api
        .em
        .handle(Request::get(&url2[url2.find("/photos/").unwrap()..]));
    assert_eq!(
        (r.status, r.header_value("Content-Type")),
        (200, Some("image/png"))
    );
}

#[test]
fn without_person_fields_the_answers_are_empty() {
    let api = Api::new();
    let rn = rn(&api.ada());
    assert_eq!(
        update(&api, &rn, json!({"photoBytes": STANDARD.encode(JPEG)})),
        (200, json!({}))
    );
    assert_eq!(
        api.call("DELETE", &format!("/v1/{rn}:deleteContactPhoto"), None),
        (200, json!({}))
    );
}

#[test]
fn deleting_the_photo_brings_back_the_default_and_the_bytes_go() {
    let api = Api::new();
    let rn = rn(&api.ada());
    let (_, v) = update(
        &api,
        &rn,
        json!({"photoBytes": STANDARD.encode(JPEG), "personFields": "photos"}),
    );
    let url = v["person"]["photos"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = api.call(
        "DELETE",
        &format!("/v1/{rn}:deleteContactPhoto?personFields=photos"),
        None,
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["person"]["photos"][0]["default"], true);
    assert_eq!(
        api.em
            .handle(Request::get(&url[url.find("/photos/").unwrap()..]))
            .status,
        404
    );
}

#[test]
fn bytes_that_are_not_jpeg_or_png_or_not_base64_are_refused_in_googles_words() {
    let api = Api::new();
    let rn = rn(&api.ada());
    let gif = STANDARD.encode(b"GIF89a....");
    assert_error(
        &update(&api, &rn, json!({"photoBytes": gif})),
        400,
        "INVALID_ARGUMENT",
        "Invalid photo format",
    );
    assert_error(
        &update(&api, &rn, json!({})),
        400,
        "INVALID_ARGUMENT",
        "Invalid photo format",
    );
    let got = update(&api, &rn, json!({"photoBytes": "not base64!"}));
    assert_eq!(got.0, 400);
    assert!(
        got.1["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Base64 decoding failed"),
        "{}",
        got.1
    );
    // Unknown names in the body are refused as in every request (the discovery document).
    let got = update(
        &api,
        &rn,
        json!({"photoBytes": STANDARD.encode(JPEG), "photoUrl": "x"}),
    );
    assert_eq!(got.0, 400, "{}", got.1);
    assert!(
        photos(&api, &rn)[0]["default"] == true,
        "nothing was written"
    );
}

#[test]
fn an_unknown_contact_answers_404_and_a_read_only_token_403() {
    let api = Api::new();
    let got = update(
        &api,
        "people/c1234567890123456789",
        json!({"photoBytes": STANDARD.encode(JPEG)}),
    );
    assert_eq!(got.0, 404, "{}", got.1);
    let rn = rn(&api.ada());
    let ro = api.em.mint_token(api.account, "contacts.readonly");
    let r = api.em.handle(
        Request::json(
            "PATCH",
            &format!("/v1/{rn}:updateContactPhoto"),
            &json!({"photoBytes": STANDARD.encode(JPEG)}),
        )
        .bearer(&ro),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn photo_writes_count_against_their_own_quota_of_50_a_minute() {
    let api = Api::new();
    api.em.set_quota(people_emulator::QuotaPreset::Google);
    let rn = rn(&api.ada());
    for _ in 0..50 {
        assert_eq!(
            update(&api, &rn, json!({"photoBytes": STANDARD.encode(JPEG)})).0,
            200
        );
    }
    let got = update(&api, &rn, json!({"photoBytes": STANDARD.encode(JPEG)}));
    assert_eq!(got.0, 429, "{}", got.1);
    assert!(got.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains(Bucket::PhotoWrites.display()));
}

#[test]
fn a_photo_set_by_the_admin_api_is_the_users_and_a_profile_photo_stays_the_profiles() {
    let api = Api::new();
    let rn = rn(&api.ada());
    let r = api.em.handle(Request::json(
        "POST",
        "/__admin/photo",
        &json!({"email": "ann@example.com", "resourceName": rn, "photoBytes": STANDARD.encode(PNG)}),
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    let own = r.json_body()["photo"].clone();
    assert_eq!(own["metadata"]["source"]["type"], "CONTACT");
    api.em
        .set_profile(
            api.account,
            &rn,
            json!({"photos": [{"url": "https://lh3.googleusercontent.com/a/ada"}]}),
        )
        .unwrap();
    let p = photos(&api, &rn);
    let kinds: Vec<&str> = p
        .iter()
        .map(|x| x["metadata"]["source"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["CONTACT", "PROFILE"]);
    assert_eq!(p[0], own);
    // The contact alone, as the plugin reads it, has only its own photo.
    let (_, v) = api.get(&format!(
        "/v1/{rn}?personFields=photos&sources=READ_SOURCE_TYPE_CONTACT"
    ));
    assert_eq!(v["photos"], json!([own]));
}

#[test]
fn a_photo_change_shows_in_incremental_listings() {
    let api = Api::new();
    let rn = rn(&api.ada());
    let (_, token) = api.list_all("personFields=photos&requestSyncToken=true");
    update(&api, &rn, json!({"photoBytes": STANDARD.encode(JPEG)}));
    let (changed, _) = api.list_all(&format!("personFields=photos&syncToken={}", token.unwrap()));
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["resourceName"], rn);
    assert!(changed[0]["photos"][0].get("default").is_none());
}

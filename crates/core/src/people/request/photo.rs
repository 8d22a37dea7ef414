//! The photo calls: `updateContactPhoto` and `deleteContactPhoto`.

use super::{HttpRequest, Method, PeopleApi, RequestError, READ_SOURCES};

impl PeopleApi {
    /// `PATCH v1/{resourceName}:updateContactPhoto`: `photo_bytes` (base64 of a JPEG or PNG)
    /// becomes the contact's photo; the answer is the contact read with `person_fields`.
    pub fn update_contact_photo(
        &self,
        resource_name: &str,
        photo_bytes: &str,
        person_fields: &str,
    ) -> Result<HttpRequest, RequestError> {
        let body = serde_json::json!({
            "photoBytes": photo_bytes,
            "personFields": person_fields,
            "sources": [READ_SOURCES],
        });
        self.with_body(
            Method::Patch,
            &format!("{resource_name}:updateContactPhoto"),
            &[],
            &body,
        )
    }

    /// `DELETE v1/{resourceName}:deleteContactPhoto`; the answer is the contact read with
    /// `person_fields`.
    pub fn delete_contact_photo(&self, resource_name: &str, person_fields: &str) -> HttpRequest {
        HttpRequest {
            method: Method::Delete,
            url: self.url(
                &format!("{resource_name}:deleteContactPhoto"),
                &[("personFields", person_fields), ("sources", READ_SOURCES)],
            ),
            body: None,
        }
    }
}

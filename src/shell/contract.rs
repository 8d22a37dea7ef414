//! The host contract (`CrmHost` in api.d.ts) as typed JS bindings: each member the plugin
//! uses, by its JS name, once. A method returns what the host returned (a promise, or a plain
//! value the caller awaits as one); a throw is `Err` with the thrown value, so the host's
//! `code` and `contactId` reach the run as they were given. Optional members are read as
//! values first and called only when present (`is_function`).

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The host object handed to `GoogleContactsSync.create`.
    #[wasm_bindgen(typescript_type = "CrmHost")]
    pub type CrmHost;

    #[wasm_bindgen(method, getter, structural, js_name = apiVersion)]
    pub fn api_version(this: &CrmHost) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = instanceId)]
    pub fn instance_id(this: &CrmHost) -> JsValue;
    /// Optional: `undefined` when the host declares none.
    #[wasm_bindgen(method, getter, structural)]
    pub fn capabilities(this: &CrmHost) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    fn contacts(this: &CrmHost) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    fn storage(this: &CrmHost) -> JsValue;
    /// Optional: `undefined` when the host keeps no Google tokens.
    #[wasm_bindgen(method, getter, structural)]
    fn google(this: &CrmHost) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    fn ui(this: &CrmHost) -> JsValue;
    #[wasm_bindgen(method, catch, structural, js_name = currentUser)]
    pub fn current_user(this: &CrmHost) -> Result<JsValue, JsValue>;

    /// `host.contacts`.
    pub type Contacts;
    #[wasm_bindgen(method, catch, structural)]
    pub fn list(this: &Contacts, q: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    pub fn get(this: &Contacts, ids: &Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    pub fn create(this: &Contacts, items: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    pub fn update(this: &Contacts, items: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    pub fn remove(this: &Contacts, ids: &Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    pub fn restore(this: &Contacts, ids: &Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural, js_name = setPhotos)]
    pub fn set_photos(this: &Contacts, items: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural, js_name = changedSince)]
    pub fn changed_since(this: &Contacts, cursor: &JsValue) -> Result<JsValue, JsValue>;
    /// The optional `changedSince` as a value, to see whether the host has it.
    #[wasm_bindgen(method, getter, structural, js_name = changedSince)]
    pub fn changed_since_member(this: &Contacts) -> JsValue;

    /// `host.storage`.
    pub type Storage;
    #[wasm_bindgen(method, catch, structural)]
    pub fn get(this: &Storage, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    pub fn set(this: &Storage, key: &str, value: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    pub fn remove(this: &Storage, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, structural, js_name = compareAndSet)]
    pub fn compare_and_set(
        this: &Storage,
        key: &str,
        expected: &JsValue,
        value: &str,
    ) -> Result<JsValue, JsValue>;
    /// The optional `compareAndSet` as a value, to see whether the host has it.
    #[wasm_bindgen(method, getter, structural, js_name = compareAndSet)]
    pub fn compare_and_set_member(this: &Storage) -> JsValue;

    /// `host.google`.
    pub type Google;
    #[wasm_bindgen(method, catch, structural, js_name = getToken)]
    pub fn get_token(this: &Google, scopes: &Array, o: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, js_name = getToken)]
    pub fn get_token_member(this: &Google) -> JsValue;
    #[wasm_bindgen(method, catch, structural)]
    pub fn forget(this: &Google, account: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, js_name = forget)]
    pub fn forget_member(this: &Google) -> JsValue;

    /// `host.ui`.
    pub type Ui;
    #[wasm_bindgen(method, catch, structural)]
    pub fn progress(this: &Ui, p: &JsValue) -> Result<JsValue, JsValue>;

    /// An answer of `google.getToken`.
    pub type HostToken;
    #[wasm_bindgen(method, getter, structural, js_name = accessToken)]
    pub fn access_token(this: &HostToken) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = expiresAt)]
    pub fn expires_at(this: &HostToken) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    pub fn email(this: &HostToken) -> JsValue;

    /// An answer of `currentUser`.
    pub type HostUser;
    #[wasm_bindgen(method, getter, structural)]
    pub fn locale(this: &HostUser) -> JsValue;

    /// What a host call rejects with (`HostRefusal`).
    pub type HostRefusal;
    #[wasm_bindgen(method, getter, structural)]
    pub fn code(this: &HostRefusal) -> JsValue;
    #[wasm_bindgen(method, getter, structural, js_name = contactId)]
    pub fn contact_id(this: &HostRefusal) -> JsValue;
}

/// A member read from a value that may not be an object (`undefined`, a string): reading a
/// property of `undefined` would throw, so only objects and functions are read.
fn object<T: JsCast>(v: JsValue) -> Option<T> {
    (v.is_object() || v.is_function()).then(|| v.unchecked_into())
}

/// The host as its contract types it. Every JS value is accepted: each read below checks what
/// it found, as the contract's checks at `create` do.
pub fn host(v: &JsValue) -> &CrmHost {
    v.unchecked_ref()
}

impl CrmHost {
    /// `contacts`, when it is an object.
    pub fn contacts_api(&self) -> Option<Contacts> {
        object(self.contacts())
    }

    /// `storage`, when it is an object.
    pub fn storage_api(&self) -> Option<Storage> {
        object(self.storage())
    }

    /// The optional `google`, when the host has it.
    pub fn google_api(&self) -> Option<Google> {
        object(self.google())
    }

    /// `ui`, when it is an object.
    pub fn ui_api(&self) -> Option<Ui> {
        object(self.ui())
    }
}

/// A rejection's fields, where it is an object.
pub fn refusal(e: &JsValue) -> Option<&HostRefusal> {
    (e.is_object() || e.is_function()).then(|| e.unchecked_ref())
}

/// Whether `member` is a function (an optional method the host has).
pub fn present(member: JsValue) -> bool {
    member.is_function()
}

/// The answer read as `T` when it is an object (a token, a user).
pub fn answer<T: JsCast>(v: JsValue) -> Option<T> {
    object(v)
}

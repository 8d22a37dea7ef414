use people_emulator::{AccountId, Emulator, Request};
use serde_json::{json, Value};
use std::io::{Read, Write};

pub const ALL_FIELDS: &str = "names,emailAddresses,phoneNumbers,addresses,birthdays,organizations,biographies,memberships,clientData,metadata";

/// An emulator with one account and a read-write token, driven in-process.
pub struct Api {
    pub em: Emulator,
    pub account: AccountId,
    pub token: String,
}

impl Api {
    pub fn new() -> Self {
        let em = Emulator::default();
        let account = em.create_account("ann@example.com");
        let token = em.mint_token(account, "contacts");
        Api { em, account, token }
    }

    /// Mints a fresh token (after the clock has moved past the old one's life).
    pub fn refresh(&mut self) {
        self.token = self.em.mint_token(self.account, "contacts");
    }

    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let req = match body {
            Some(b) => Request::json(method, path, &b),
            None => Request::new(method, path),
        };
        let r = self.em.handle(req.bearer(&self.token));
        (r.status, r.json_body())
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None)
    }

    /// Creates a contact and returns it with every field.
    pub fn create(&self, person: Value) -> Value {
        let (s, v) = self.call(
            "POST",
            &format!("/v1/people:createContact?personFields={ALL_FIELDS}"),
            Some(person),
        );
        assert_eq!(s, 200, "{v}");
        v
    }

    pub fn ada(&self) -> Value {
        self.create(
            json!({"names": [{"givenName": "Ada", "familyName": "Lovelace"}],
            "emailAddresses": [{"value": "ada@example.com", "type": "work"}]}),
        )
    }

    /// Lists every page; returns (connections, nextSyncToken).
    pub fn list_all(&self, query: &str) -> (Vec<Value>, Option<String>) {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut path = format!("/v1/people/me/connections?{query}");
            if let Some(t) = &token {
                path.push_str(&format!("&pageToken={t}"));
            }
            let (s, v) = self.get(&path);
            assert_eq!(s, 200, "{v}");
            out.extend(v["connections"].as_array().cloned().unwrap_or_default());
            match v["nextPageToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => return (out, v["nextSyncToken"].as_str().map(str::to_string)),
            }
        }
    }
}

/// Expects a Google error body with this code, status and message.
pub fn assert_error(got: &(u16, Value), code: u16, status: &str, message: &str) {
    assert_eq!(got.0, code, "{}", got.1);
    assert_eq!(got.1["error"]["code"], code, "{}", got.1);
    assert_eq!(got.1["error"]["status"], status, "{}", got.1);
    assert_eq!(got.1["error"]["message"], message, "{}", got.1);
}

/// A minimal HTTP/1.1 client: one request per connection.
pub struct HttpAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

pub fn http(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<HttpAnswer> {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no response"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(HttpAnswer {
        status,
        headers,
        body: body.to_string(),
    })
}

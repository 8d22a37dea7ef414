//! The emulator's own request and response types: plain data, so native tests can drive
//! [`crate::Emulator::handle`] without a socket and the server is a thin adapter over it.

use serde_json::Value;

/// An HTTP request as the emulator sees it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `POST`, `PATCH`, `DELETE`, `PUT` or `OPTIONS`.
    pub method: String,
    /// Path and query, e.g. `/v1/people/me/connections?personFields=names`.
    pub path_and_query: String,
    /// Header names are compared case-insensitively.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, path_and_query: &str) -> Self {
        Request {
            method: method.to_string(),
            path_and_query: path_and_query.to_string(),
            ..Request::default()
        }
    }
    pub fn get(path_and_query: &str) -> Self {
        Request::new("GET", path_and_query)
    }
    pub fn delete(path_and_query: &str) -> Self {
        Request::new("DELETE", path_and_query)
    }
    /// A request with a JSON body and its content type.
    pub fn json(method: &str, path_and_query: &str, body: &Value) -> Self {
        Request::new(method, path_and_query)
            .header("Content-Type", "application/json")
            .body(body.to_string())
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", &format!("Bearer {token}"))
    }
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
    pub fn header_value(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
    /// The request as Google reads it: a POST carrying `X-HTTP-Method-Override: GET` is a GET,
    /// whose parameters may be in the form-encoded body instead of the URL (Google's client
    /// libraries send a GET whose URL would be too long that way, `people:batchGet` with 200
    /// names among them). Any other request is left as it is.
    pub fn with_method_override(self) -> Request {
        let overridden = self.method == "POST"
            && self
                .header_value("X-HTTP-Method-Override")
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("GET"));
        if !overridden {
            return self;
        }
        let form = self.header_value("Content-Type").is_none_or(|t| {
            t.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        let mut path_and_query = self.path_and_query;
        let params = String::from_utf8_lossy(&self.body).trim().to_string();
        if form && !params.is_empty() {
            path_and_query.push(if path_and_query.contains('?') {
                '&'
            } else {
                '?'
            });
            path_and_query.push_str(&params);
        }
        Request {
            method: "GET".into(),
            path_and_query,
            headers: self.headers,
            body: Vec::new(),
        }
    }

    pub fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(p, _)| p)
    }
    /// Decoded query parameters in order, repeated names kept.
    pub fn query(&self) -> Vec<(String, String)> {
        match self.path_and_query.split_once('?') {
            Some((_, q)) => form_urlencoded::parse(q.as_bytes()).into_owned().collect(),
            None => Vec::new(),
        }
    }
}

/// What the emulator answers, plus delivery instructions the server acts on.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Configured or injected latency; the server sleeps this long before answering.
    /// In-process callers may ignore it.
    pub delay_ms: u64,
    /// A fault rule asked for the connection to be dropped without an answer.
    pub drop_connection: bool,
}

impl Response {
    pub fn json(status: u16, value: &Value) -> Self {
        Response::raw_json(status, value.to_string())
    }
    /// A JSON body already rendered (listing builds its text directly for speed).
    pub fn raw_json(status: u16, body: String) -> Self {
        Response {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=UTF-8".into(),
            )],
            body: body.into_bytes(),
            ..Response::default()
        }
    }
    pub fn html(status: u16, body: String) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.into_bytes(),
            ..Response::default()
        }
    }
    pub fn redirect(location: &str) -> Self {
        Response {
            status: 302,
            headers: vec![("Location".into(), location.to_string())],
            ..Response::default()
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    pub fn header_value(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
    /// The body parsed as JSON (`Value::Null` if it is not JSON).
    pub fn json_body(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The value of header `name` (case-insensitive, as HTTP names are).
fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

use super::*;
use std::io::{Read, Write};

/// A repository-shaped folder: `www/` with a few files, a manifest, and a secret beside `www/`
/// that no URL may reach.
fn site(name: &str) -> Site {
    let root = std::env::temp_dir().join(format!("xtask-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let www = root.join("www");
    std::fs::create_dir_all(www.join("a dir/é")).unwrap();
    std::fs::create_dir_all(www.join("demo")).unwrap();
    let files: &[(&str, &str)] = &[
        ("www/demo/index.html", "<!doctype html><title>demo</title>"),
        ("www/a dir/é/x 100%.txt", "decoded"),
        ("www/digits.txt", "0123456789"),
        ("www/empty.txt", ""),
        ("plugin-manifest.json", "{\"id\":\"m\"}"),
        ("secret.txt", "outside www"),
    ];
    for (path, text) in files {
        std::fs::write(root.join(path), text).unwrap();
    }
    for ext in ["wasm", "js", "mjs", "css", "html", "json", "svg", "bin"] {
        std::fs::write(www.join(format!("f.{ext}")), ext).unwrap();
    }
    Site {
        root,
        csp: "default-src 'self'".to_string(),
    }
}

fn get(site: &Site, method: Method, path: &str, range: Option<&str>) -> Response<Bytes> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(range) = range {
        req = req.header(header::RANGE, range);
    }
    site.answer(&req.body(()).unwrap())
}

fn header_of(out: &Response<Bytes>, name: header::HeaderName) -> &str {
    out.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[test]
fn any_percent_escape_is_decoded_not_only_spaces() {
    let site = site("decode");
    let out = get(&site, Method::GET, "/a%20dir/%C3%A9/x%20100%25.txt", None);
    assert_eq!(out.status(), StatusCode::OK);
    assert_eq!(out.body().as_ref(), b"decoded");
    // A folder answers its index.html; the manifest sits beside `www/`.
    let out = get(&site, Method::GET, "/demo/", None);
    assert_eq!(out.body().as_ref(), b"<!doctype html><title>demo</title>");
    let out = get(&site, Method::GET, "/plugin-manifest.json", None);
    assert_eq!(out.body().as_ref(), b"{\"id\":\"m\"}");
    let out = get(&site, Method::GET, "/nowhere.js", None);
    assert_eq!(out.status(), StatusCode::NOT_FOUND);
}

#[test]
fn an_escape_that_is_not_utf8_or_a_nul_is_a_bad_request() {
    let site = site("badutf8");
    for path in ["/%FF.txt", "/digits.txt%00", "/%C3"] {
        assert_eq!(
            get(&site, Method::GET, path, None).status(),
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
}

#[test]
fn traversal_plain_or_encoded_never_leaves_www() {
    let site = site("traversal");
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/demo/..%2F..%2Fsecret.txt",
        "/demo/%2e%2e/%2e%2e/secret.txt",
        "/./digits.txt",
    ] {
        let out = get(&site, Method::GET, path, None);
        assert_eq!(out.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_ne!(out.body().as_ref(), b"outside www", "{path}");
    }
    // An encoded leading slash stays under `www/`: it never names the machine's root.
    let out = get(&site, Method::GET, "/%2Fsecret.txt", None);
    assert_eq!(out.status(), StatusCode::NOT_FOUND);
}

#[test]
fn a_single_range_is_a_206_with_its_content_range() {
    let site = site("ranges");
    let cases = [
        ("bytes=0-3", "0123", "bytes 0-3/10"),
        ("bytes=5-", "56789", "bytes 5-9/10"),
        ("bytes=-3", "789", "bytes 7-9/10"),
        ("bytes=8-100", "89", "bytes 8-9/10"),
        ("bytes=-50", "0123456789", "bytes 0-9/10"),
    ];
    for (range, body, content_range) in cases {
        let out = get(&site, Method::GET, "/digits.txt", Some(range));
        assert_eq!(out.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(out.body().as_ref(), body.as_bytes(), "{range}");
        assert_eq!(header_of(&out, header::CONTENT_RANGE), content_range);
        assert_eq!(
            header_of(&out, header::CONTENT_LENGTH),
            body.len().to_string()
        );
    }
}

#[test]
fn a_range_past_the_end_is_a_416_naming_the_length() {
    let site = site("unsatisfiable");
    for (path, range, len) in [
        ("/digits.txt", "bytes=10-", 10),
        ("/digits.txt", "bytes=20-30", 10),
        ("/digits.txt", "bytes=-0", 10),
        ("/empty.txt", "bytes=0-", 0),
        ("/empty.txt", "bytes=-5", 0),
    ] {
        let out = get(&site, Method::GET, path, Some(range));
        assert_eq!(out.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        assert_eq!(
            header_of(&out, header::CONTENT_RANGE),
            format!("bytes */{len}")
        );
    }
}

#[test]
fn several_ranges_or_a_range_that_does_not_parse_get_the_whole_file() {
    let site = site("whole");
    for range in [
        "bytes=0-1,4-5",
        "bytes=5-2",
        "bytes=x-",
        "items=0-3",
        "bytes 0-3",
    ] {
        let out = get(&site, Method::GET, "/digits.txt", Some(range));
        assert_eq!(out.status(), StatusCode::OK, "{range}");
        assert_eq!(out.body().as_ref(), b"0123456789", "{range}");
        assert_eq!(header_of(&out, header::CONTENT_RANGE), "");
    }
    // HEAD describes the whole file whatever the range, without its body.
    let out = get(&site, Method::HEAD, "/digits.txt", Some("bytes=0-3"));
    assert_eq!(out.status(), StatusCode::OK);
    assert_eq!(header_of(&out, header::CONTENT_LENGTH), "10");
    assert!(out.body().is_empty());
}

#[test]
fn each_kind_of_file_has_its_media_type() {
    let site = site("mime");
    for (ext, mime) in [
        ("wasm", "application/wasm"),
        ("js", "text/javascript; charset=utf-8"),
        ("mjs", "text/javascript; charset=utf-8"),
        ("css", "text/css; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        ("json", "application/json"),
        ("svg", "image/svg+xml"),
        ("bin", "application/octet-stream"),
    ] {
        let out = get(&site, Method::GET, &format!("/f.{ext}"), None);
        assert_eq!(header_of(&out, header::CONTENT_TYPE), mime, "{ext}");
    }
}

#[test]
fn every_answer_carries_the_policy_and_refuses_to_be_sniffed_or_cached() {
    let site = site("headers");
    let answers = [
        get(&site, Method::GET, "/f.js", None),
        get(&site, Method::GET, "/nowhere", None),
        get(&site, Method::GET, "/%2e%2e/secret.txt", None),
        get(&site, Method::POST, "/f.js", None),
    ];
    for out in &answers {
        assert_eq!(
            header_of(out, header::CONTENT_SECURITY_POLICY),
            "default-src 'self'"
        );
        assert_eq!(header_of(out, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(header_of(out, header::CACHE_CONTROL), "no-store");
    }
    assert_eq!(answers[3].status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header_of(&answers[3], header::ALLOW), "GET, HEAD");
}

/// Sends `request` on a fresh connection and reads the answer until the server closes it.
fn exchange(server: &StaticServer, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn the_server_answers_over_a_socket_with_ranges_and_bodiless_heads() {
    let site = site("socket");
    let server = spawn(site.root.clone(), 0, site.csp.clone()).unwrap();
    let answer = exchange(
        &server,
        "GET /digits.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\nConnection: close\r\n\r\n",
    );
    assert!(
        answer.starts_with("HTTP/1.1 206 Partial Content\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("content-range: bytes 2-4/10\r\n"),
        "{answer}"
    );
    assert!(answer.ends_with("\r\n\r\n234"), "{answer}");
    let answer = exchange(
        &server,
        "HEAD /f.wasm HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.contains("content-type: application/wasm\r\n"),
        "{answer}"
    );
    assert!(answer.contains("content-length: 4\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n"), "{answer}");
}

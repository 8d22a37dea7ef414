//! people.connections.list: the full listing, the incremental one from a sync token (which
//! lags behind writes by the propagation delay, as Google's does), and the sorted listings.

use super::{read_mask, Query};
use crate::account::Account;
use crate::discovery::{doc, Schema};
use crate::emulator::{State, SYNC_TOKEN_LIFETIME_MS};
use crate::error::{ApiError, ApiResult};
use crate::http::Response;
use crate::person::{self, Mask};
use crate::profile::{self, Sources};
use crate::util::{decode_token, encode_token, fnv};
use serde_json::{json, Value};
use std::fmt::Write;

/// Page token: [cursor seq, upper seq, parameter hash, incremental?, issue time of the next
/// sync token]. Sync token: [seq, issue time, parameter hash]. Sorted pages: [offset, hash].
const PAGE: u8 = 1;
const SYNC: u8 = 2;
const SORTED_PAGE: u8 = 3;

pub(super) fn list_connections(st: &mut State, a: usize, q: &Query) -> ApiResult<Response> {
    let fields = q.person_fields();
    let mask = read_mask(fields.as_deref());
    // `api::validate` checked the range and the sort order against the document; 0 or absent
    // means the documented default.
    let params = doc()
        .method("people.people.connections.list")
        .map(|m| &m.parameters);
    let size = match q.int("pageSize")? {
        None | Some(0) => params
            .and_then(|p| p.get("pageSize"))
            .and_then(Schema::int_default)
            .unwrap_or(100),
        Some(n) => n,
    }
    .max(1) as u64;
    let sort = q.one("sortOrder").unwrap_or("LAST_MODIFIED_ASCENDING");
    let read = q.sources()?;
    let sources = q.all("sources").join(",");
    let request_sync = q.bool("requestSyncToken")?;
    let sync_token = q.one("syncToken").filter(|s| !s.is_empty());
    let fields_s = fields.unwrap_or_default();
    let sync_hash = fnv(&[&fields_s, &sources]);
    let page_hash = fnv(&[
        &fields_s,
        &sources,
        sort,
        &request_sync.to_string(),
        sync_token.unwrap_or(""),
    ]);
    let now = st.now();
    let acct = &st.accounts[a];

    // The reference: sort order applies only when no sync is requested.
    if sort != "LAST_MODIFIED_ASCENDING" && !request_sync && sync_token.is_none() {
        return sorted_listing(acct, q, mask, read, size, sort, page_hash);
    }

    let (cursor, upper, incremental, sync_issue) = match page_token(q, PAGE, 5, page_hash)? {
        Some(v) => (v[0], v[1], v[3] == 1, v[4]),
        None => match sync_token {
            Some(t) => {
                let v = decode_token(SYNC, t, 3)
                    .ok_or_else(|| ApiError::invalid("Sync token is invalid."))?;
                if now > v[1] + SYNC_TOKEN_LIFETIME_MS {
                    return Err(ApiError::expired_sync_token());
                }
                if v[2] != sync_hash {
                    return Err(ApiError::invalid(
                        "Parameters provided to people.connections.list must match the call that provided the sync token.",
                    ));
                }
                // Writes newer than the propagation delay stay out of this listing (and out of
                // the next token's range), as Google's sync results lag behind writes.
                let visible = now.saturating_sub(st.config.propagation_delay_ms);
                let upper = acct
                    .changes
                    .range(v[0] + 1..)
                    .take_while(|(_, c)| c.ms <= visible)
                    .last()
                    .map_or(v[0], |(s, _)| *s);
                (v[0], upper, true, now)
            }
            None => (0, acct.seq, false, now),
        },
    };

    let mut out = String::with_capacity(size as usize * 1800 + 256);
    out.push('{');
    let mut n = 0u64;
    let mut last = cursor;
    let mut more = false;
    let mut first = true;
    // An empty range when nothing changed (BTreeMap::range panics on start > end).
    let range = acct.changes.range(cursor + 1..=upper.max(cursor + 1));
    for (seq, c) in range.take_while(|(s, _)| **s <= upper) {
        if c.deleted && !incremental {
            continue;
        }
        if n == size {
            more = true;
            break;
        }
        out.push_str(if first { "\"connections\":[" } else { "," });
        first = false;
        if c.deleted {
            person::render_tombstone(c.id, *seq, c.ms, acct.previous_names(c.id), &mut out);
        } else if let Some(p) = acct.persons.get(&c.id) {
            // Google names a contact's earlier names in incremental listings only.
            let previous = if incremental {
                acct.previous_names(c.id)
            } else {
                &[]
            };
            profile::render(acct, p, mask, read, previous, &mut out);
        }
        n += 1;
        last = *seq;
    }
    if !first {
        out.push_str("],");
    }
    let total = if incremental {
        n
    } else {
        acct.persons.len() as u64
    };
    let _ = write!(out, "\"totalPeople\":{total},\"totalItems\":{total}");
    if more {
        let t = encode_token(
            PAGE,
            &[last, upper, page_hash, incremental as u64, sync_issue],
        );
        let _ = write!(out, ",\"nextPageToken\":\"{t}\"");
    } else if request_sync || incremental {
        let t = encode_token(SYNC, &[upper, sync_issue, sync_hash]);
        let _ = write!(out, ",\"nextSyncToken\":\"{t}\"");
    }
    out.push('}');
    Ok(Response::raw_json(200, out))
}

fn sorted_listing(
    acct: &Account,
    q: &Query,
    mask: Mask,
    read: Sources,
    size: u64,
    sort: &str,
    hash: u64,
) -> ApiResult<Response> {
    let offset = page_token(q, SORTED_PAGE, 2, hash)?.map_or(0, |v| v[0] as usize);
    let mut people: Vec<_> = acct.persons.values().collect();
    match sort {
        "LAST_MODIFIED_DESCENDING" => people.sort_by_key(|p| std::cmp::Reverse(p.seq)),
        _ => {
            let key = if sort == "FIRST_NAME_ASCENDING" {
                "givenName"
            } else {
                "familyName"
            };
            let mut keyed: Vec<(String, u64, &crate::person::StoredPerson)> = people
                .into_iter()
                .map(|p| {
                    let k = p
                        .field(1)
                        .and_then(|t| serde_json::from_str::<Value>(t).ok())
                        .and_then(|v| v[0][key].as_str().map(str::to_lowercase))
                        .unwrap_or_else(|| "\u{10ffff}".into());
                    (k, p.seq, p)
                })
                .collect();
            keyed.sort_by(|x, y| (&x.0, x.1).cmp(&(&y.0, y.1)));
            people = keyed.into_iter().map(|(_, _, p)| p).collect();
        }
    }
    let page: Vec<Value> = people
        .iter()
        .skip(offset)
        .take(size as usize)
        .map(|p| profile::to_json(acct, p, mask, read))
        .collect();
    let mut out = json!({"totalPeople": people.len(), "totalItems": people.len()});
    if !page.is_empty() {
        out["connections"] = Value::Array(page);
    }
    if offset + (size as usize) < people.len() {
        out["nextPageToken"] = json!(encode_token(SORTED_PAGE, &[offset as u64 + size, hash]));
    }
    Ok(Response::json(200, &out))
}

/// The call's page token of `kind`, if it has one: its `len` values, of which the third (a full
/// or incremental page) or the second (a sorted page) is the hash of the parameters it was
/// issued for, which must be this call's.
fn page_token(q: &Query, kind: u8, len: usize, hash: u64) -> ApiResult<Option<Vec<u64>>> {
    let Some(t) = q.one("pageToken").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let v =
        decode_token(kind, t, len).ok_or_else(|| ApiError::invalid("Page token is invalid."))?;
    let hash_at = if kind == SORTED_PAGE { 1 } else { 2 };
    if v[hash_at] != hash {
        return Err(ApiError::invalid(
            "Parameters provided to people.connections.list must match the call that provided the page token.",
        ));
    }
    Ok(Some(v))
}

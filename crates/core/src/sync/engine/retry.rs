//! When Google or the CRM fails: retries with backoff, the restarts and re-reads the People
//! API asks for, and the failures that end the run or only its own contacts.

use super::{
    Engine, Retrying, Step, Trigger, MAX_ATTEMPTS, MAX_ETAG_ROUNDS, MAX_QUOTA_ATTEMPTS,
    MAX_RESTARTS, MAX_WAIT_MS,
};
use crate::people::error::ApiError;
use crate::people::request::MAX_BATCH_GET;
use crate::people::time::format_rfc3339;
use crate::sync::error::ErrorCode;
use crate::sync::model::Millis;
use crate::sync::plan::GoogleListing;

/// How long a run keeps trying while Google fails. Someone waiting on a run (a button, an
/// action) hears of an outage within seconds; a scheduled run, which nobody watches, tries
/// longer. Quota refusals are counted apart: a per-minute quota refills within the minute, so
/// even an interactive run waits for that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    /// Attempts of one request failing other than by quota (5xx, network, unreadable answers).
    pub attempts: u32,
    /// Attempts of one request refused for quota (429).
    pub quota_attempts: u32,
    /// The most a run waits, summed over consecutive failures other than by quota, before it
    /// gives up.
    pub wait_budget_ms: u64,
}

impl Patience {
    /// A scheduled run's: six attempts (waits of about 2, 4, 8, 16 and 30 s).
    pub const SCHEDULED: Patience = Patience {
        attempts: MAX_ATTEMPTS,
        quota_attempts: MAX_QUOTA_ATTEMPTS,
        wait_budget_ms: u64::MAX,
    };
    /// An interactive run's: four attempts (waits of about 2, 4 and 8 s, at most 16.8 s with
    /// jitter), and no wait (a `Retry-After`) that would take the outage past 18 s: the user
    /// hears within 20 s.
    pub const INTERACTIVE: Patience = Patience {
        attempts: 4,
        quota_attempts: 14,
        wait_budget_ms: 18_000,
    };

    pub fn of(trigger: Trigger) -> Patience {
        if trigger.is_interactive() {
            Patience::INTERACTIVE
        } else {
            Patience::SCHEDULED
        }
    }
}

impl Engine {
    /// A success status whose body is not the answer expected (a proxy's or a captive portal's
    /// page): a failed attempt like any other, so it is retried within the same bound.
    pub(super) fn unreadable(
        &mut self,
        step: Step,
        now: Millis,
        what: &str,
        e: &dyn std::fmt::Display,
    ) {
        self.attempts = self.prior_attempts;
        let message = format!("Google's answer ({what}) could not be read: {e}");
        self.retry_or_fail(step, now, None, false, ErrorCode::GoogleError, &message);
    }

    /// Whether a listing hands out a page token (or cursor) it handed out before; if so the run
    /// ends, since following it would loop for ever.
    pub(super) fn repeated_page(&mut self, listing: &str, token: &str) -> bool {
        let key = format!("{listing}:{token}");
        if self.pages_seen.contains(&key) {
            let code = if listing.starts_with("crm") {
                ErrorCode::HostError
            } else {
                ErrorCode::GoogleError
            };
            self.abort(
                code,
                format!("the {listing} listing repeated a page; stopped rather than loop"),
            );
            return true;
        }
        self.pages_seen.push(key);
        false
    }

    pub(super) fn http_error(
        &mut self,
        step: Step,
        status: u16,
        retry_after_ms: Option<u64>,
        body: &str,
        now: Millis,
    ) {
        let err = ApiError::parse(status, body);
        match (&err, &step) {
            // A sync token Google refuses as invalid is as good as expired: a token is bound to
            // the parameters of the listing that issued it, and one saved before the listing
            // asked for `sources` is refused by the listing that does.
            (ApiError::ExpiredSyncToken, Step::ListGoogle { .. })
            | (ApiError::Invalid { .. }, Step::ListGoogle { .. })
                if matches!(err, ApiError::ExpiredSyncToken) || !self.full_listing =>
            {
                // An expired token means a full listing and a reconcile, never deletions; a
                // full listing that keeps being refused so would restart for ever.
                self.restarts += 1;
                if self.restarts > MAX_RESTARTS {
                    return self.abort(
                        ErrorCode::GoogleError,
                        format!(
                            "Google's listing restarted {} times (expired sync token); stopped",
                            self.restarts
                        ),
                    );
                }
                self.pages_seen.retain(|p| !p.starts_with("people:"));
                self.state.sync_token = None;
                self.full_listing = true;
                self.listing = GoogleListing::default();
                self.persons.clear();
                self.steps.push_front(Step::ListGoogle { page_token: None });
            }
            (ApiError::Conflict { .. }, Step::CreateGroup { .. }) => {
                // Someone made the group meanwhile: find it.
                self.steps.push_front(Step::FindGroup { page_token: None });
            }
            (ApiError::Conflict { .. }, Step::CreatePendingGroup) => {
                self.steps
                    .push_front(Step::FindPendingGroup { page_token: None });
            }
            (ApiError::EtagMismatch { .. }, Step::UpdateGoogle { items, round }) => {
                self.etag_mismatch(items.clone(), *round);
            }
            (ApiError::Unauthenticated { message }, _) => {
                self.abort(
                    ErrorCode::of_google(&err),
                    format!("Google refused the token ({message}); reconnect the account"),
                );
            }
            (ApiError::PermissionDenied { message }, _) => {
                self.abort(ErrorCode::of_google(&err), message.clone());
            }
            (e, _) if e.is_retryable() => {
                let quota = matches!(e, ApiError::Quota { .. });
                if quota {
                    self.report.throttled += 1;
                }
                let wait = retry_after_ms.or(e.retry_after_ms());
                let code = ErrorCode::of_google(e);
                self.retry_or_fail(step, now, wait, quota, code, &err.to_string());
            }
            _ => self.write_failed(step, ErrorCode::of_google(&err), &err.to_string()),
        }
    }

    /// Re-reads the persons of a batch that met an etag mismatch, re-plans those pairs against
    /// them, and queues the new writes; after `MAX_ETAG_ROUNDS` the pairs are left for the next
    /// run.
    pub(super) fn etag_mismatch(&mut self, items: Vec<usize>, round: u32) {
        if self.config.undo.is_some() {
            // An undo writes only onto what it read: a contact edited since stays as edited.
            self.changed_during_undo(&Step::UpdateGoogle { items, round });
            return;
        }
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        if round >= MAX_ETAG_ROUNDS {
            let names: Vec<String> = items
                .iter()
                .map(|&i| plan.updates[i].name.clone())
                .collect();
            self.error(
                ErrorCode::GoogleError,
                format!(
                    "contacts kept changing in Google while syncing; they will sync next run: {}",
                    names.join(", ")
                ),
                None,
            );
            return;
        }
        let names: Vec<String> = items
            .iter()
            .map(|&i| plan.updates[i].resource_name.clone())
            .collect();
        for rn in &names {
            self.persons.remove(rn);
        }
        // Re-read, re-merge against what Google holds now (a concurrent edit there is merged
        // like any other, and reaches the CRM), then re-send with the fresh etags.
        self.steps.push_front(Step::UpdateGoogle {
            items: items.clone(),
            round: round + 1,
        });
        self.steps.push_front(Step::Remerge {
            items: items.clone(),
        });
        for chunk in names.chunks(MAX_BATCH_GET).rev() {
            self.steps.push_front(Step::BatchGet {
                names: chunk.to_vec(),
            });
        }
        if let Some(plan) = self.plan.as_mut() {
            for &i in &items {
                plan.updates[i].etag.clear();
            }
        }
    }

    pub(super) fn retry_or_fail(
        &mut self,
        step: Step,
        now: Millis,
        wait: Option<u64>,
        quota: bool,
        code: ErrorCode,
        message: &str,
    ) {
        if let Some(w) = wait.filter(|&w| w > MAX_WAIT_MS) {
            // Waiting that long would hold the lock (and the tab) for nothing.
            let until = format_rfc3339(now.saturating_add(w.min(i64::MAX as u64) as Millis));
            return self.abort(
                ErrorCode::Quota,
                format!("Google asked to wait until {until} ({message}); try again then"),
            );
        }
        // A create that failed other than by a refusal (429) may have reached Google: it is
        // looked up by its tag before it is sent again.
        let step = match step {
            Step::CreateGoogle { items } if !quota => {
                self.creates_unanswered = true;
                Step::FindCreated {
                    items,
                    page_token: None,
                }
            }
            step => step,
        };
        if self.attempts == 0 {
            self.waited_ms = 0;
        }
        self.attempts += 1;
        let patience = self.config.patience;
        let limit = if quota {
            patience.quota_attempts
        } else {
            patience.attempts
        };
        if self.attempts >= limit {
            let message = format!("{message}; gave up after {} attempts", self.attempts);
            self.attempts = 0;
            return self.write_failed(step, code, &message);
        }
        let wait = wait.unwrap_or_else(|| self.backoff(quota));
        if !quota {
            if self.waited_ms.saturating_add(wait) > patience.wait_budget_ms {
                let message = format!(
                    "{message}; gave up after {} attempts rather than wait {} s more",
                    self.attempts,
                    wait.div_ceil(1000)
                );
                self.attempts = 0;
                return self.write_failed(step, code, &message);
            }
            self.waited_ms += wait;
        }
        let at = now.saturating_add(wait.min(i64::MAX as u64) as Millis);
        self.sleep_until = Some(at);
        self.retrying = Some(Retrying {
            attempt: self.attempts + 1,
            max_attempts: limit,
            wait_ms: wait,
            at,
            code,
            message: message.to_string(),
        });
        self.steps.push_front(step);
    }

    /// Backoff with jitter. Per-minute quotas refill at the minute, and a refused request costs
    /// no quota, so a quota wait is a steady 5 s probe (the refill is found within seconds) that
    /// turns exponential, up to a minute, if the quota stays exhausted. Other failures back off
    /// exponentially from 1 s to 30 s.
    pub(super) fn backoff(&mut self, quota: bool) -> u64 {
        let base: u64 = if quota && self.attempts <= 12 {
            5_000
        } else if quota {
            (5_000u64 << (self.attempts - 12).min(4)).min(60_000)
        } else {
            (1_000u64 << self.attempts.min(5)).min(30_000)
        };
        // ±20%, deterministic from the run's seed.
        base - base / 5 + self.rng.next_u64() % (2 * base / 5 + 1)
    }

    /// A step gave up: reads end the run (nothing is planned from a partial picture); writes
    /// fail only their own contacts.
    pub(super) fn write_failed(&mut self, step: Step, code: ErrorCode, message: &str) {
        let plan = self.plan.as_ref();
        let names = |idx: &[usize], f: &dyn Fn(usize) -> String| {
            idx.iter().map(|&i| f(i)).collect::<Vec<_>>().join(", ")
        };
        let detail = match (&step, plan) {
            (Step::CreateGoogle { items }, Some(p))
            | (Step::FindCreated { items, .. }, Some(p)) => {
                Some(names(items, &|i| p.creates_google[i].name.clone()))
            }
            (Step::UpdateGoogle { items, .. }, Some(p)) => {
                Some(names(items, &|i| p.updates[i].name.clone()))
            }
            (Step::DeleteGoogle { items }, Some(p)) => {
                Some(names(items, &|i| p.deletes[i].name.clone()))
            }
            (step, _) => self.photo_failed(step),
        };
        match step {
            Step::FindGroup { .. }
            | Step::CreateGroup { .. }
            | Step::ListGoogle { .. }
            | Step::ListTags { .. }
            | Step::ReadTagged { .. }
            | Step::ListCrm { .. }
            | Step::GetCrm { .. }
            | Step::GetCandidates { .. } => self.abort(code, message.to_string()),
            Step::FindCreated { .. } => {
                // Whether these reached Google is unknown: the journal keeps them (see
                // `commit`), and the next run looks them up before sending any again.
                self.fail_members(&step, code);
                self.report.ok = false;
                let message = format!(
                    "{message}; whether Google made these contacts is unknown, the next run \
                     looks them up before sending them again (contacts: {})",
                    detail.unwrap_or_default()
                );
                self.error(code, message, None);
            }
            _ => {
                self.fail_members(&step, code);
                self.report.ok = false;
                let message = match detail {
                    Some(d) => format!("{message} (contacts: {d})"),
                    None => message.to_string(),
                };
                self.error(code, message, None);
            }
        }
    }
}

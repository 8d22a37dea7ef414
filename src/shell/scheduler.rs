//! The hourly schedule: every minute, each enabled, connected account whose interval has passed
//! is synced.

use super::js;
use super::plugin::{account_id, Plugin};
use crate::sync::engine::{RunRequest, Trigger};
use crate::sync::plan::Scope;
use wasm_bindgen::JsValue;

/// How often the scheduler looks for accounts due a run.
const SCHEDULER_TICK_MS: i64 = 60_000;

impl Plugin {
    /// Runs every enabled, connected account when its interval has passed, checking every
    /// minute, starting now (so an overdue run happens at page load).
    pub fn start_scheduler(&self) {
        if self.inner.scheduler_on.replace(true) {
            return;
        }
        let generation = self.inner.scheduler.get().wrapping_add(1);
        self.inner.scheduler.set(generation);
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            while me.inner.scheduler.get() == generation {
                me.tick().await;
                js::sleep(SCHEDULER_TICK_MS).await;
            }
        });
    }

    pub fn stop_scheduler(&self) {
        self.inner.scheduler_on.set(false);
        self.inner
            .scheduler
            .set(self.inner.scheduler.get().wrapping_add(1));
    }

    async fn tick(&self) {
        let Ok(emails) = self.emails().await else {
            return;
        };
        for email in emails {
            let id = account_id(&email);
            // Meta that cannot be read is rewritten by the run, so it makes the run due.
            let due = match (self.settings(&id).await, self.meta(&id).await) {
                (Ok(s), m) => {
                    let m = m.unwrap_or_default();
                    s.enabled
                        && m.last_run_at.is_none_or(|at| {
                            js::now() - at >= i64::from(s.interval_minutes) * 60_000
                        })
                }
                _ => false,
            };
            // A token that cannot be renewed without the user: the run waits for "Reconnect".
            if due && self.token(&id).await.is_ok() {
                let request = RunRequest::sync(Scope::All).by(Trigger::Schedule);
                let _ = self.sync(&id, request, &JsValue::UNDEFINED).await;
            }
        }
    }
}

//! Every `#[wasm_bindgen]` item lives here. For now: the planner as a pure function over JSON, so a
//! host can preview a sync it drives itself; the `GoogleContactsSync` class follows with the engine.

use crate::sync::model::CrmContact;
use crate::sync::plan::{plan, GoogleListing, PlanInput, Scope};
use crate::sync::settings::Settings;
use crate::sync::state::AccountState;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// The plugin's version, as in Cargo.toml and plugin-manifest.json.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewInput {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    settings: Settings,
    #[serde(default)]
    crm: Vec<CrmContact>,
    #[serde(default)]
    crm_deleted: Vec<String>,
    google: GoogleListing,
    #[serde(default)]
    target_group: Option<String>,
    now: i64,
}

/// Plans a full two-way run from JSON (`{state?, settings?, crm, crmDeleted?, google, targetGroup?,
/// now}`, with `state` as the saved state's JSON text) and returns the preview text.
///
/// @throws {Error} with `code` "INVALID_INPUT" when the input is not such JSON, or
/// "INVALID_STATE" when the saved state cannot be read.
#[wasm_bindgen(js_name = previewPlan)]
pub fn preview_plan(input: &str) -> Result<String, JsError> {
    let input: PreviewInput = serde_json::from_str(input)
        .map_err(|e| coded("INVALID_INPUT", &format!("preview input: {e}")))?;
    let state = match input.state.as_deref() {
        Some(s) => {
            AccountState::from_json(s).map_err(|e| coded("INVALID_STATE", &e.to_string()))?
        }
        None => AccountState::new(),
    };
    let plan = plan(PlanInput {
        state: &state,
        settings: &input.settings,
        crm: &input.crm,
        crm_other: &[],
        crm_deleted: &input.crm_deleted,
        google: &input.google,
        target_group: input.target_group.as_deref(),
        scope: &Scope::All,
        confirm_deletions: false,
        now: input.now,
    });
    Ok(plan.to_string())
}

/// A JS `Error` whose message starts with its stable code; the engine's bindings attach `code`
/// as a property.
fn coded(code: &str, message: &str) -> JsError {
    JsError::new(&format!("{code}: {message}"))
}

//! A run's stop: the flag the driver loop reads between actions, and an `AbortSignal` that
//! aborts the request in flight and ends the waits for the host, so Cancel ends a run within a
//! moment in every phase.

use super::js;
use std::cell::Cell;
use wasm_bindgen::JsValue;

pub struct Stop {
    flag: Cell<bool>,
    /// An `AbortController` (undefined where the scope has none: then only the flag stops).
    controller: JsValue,
}

impl Stop {
    pub fn new() -> Stop {
        let controller = js::abort_controller().unwrap_or(JsValue::UNDEFINED);
        Stop {
            flag: Cell::new(false),
            controller,
        }
    }

    /// Asks the run to stop: its next safe point ends it, and what it waits for is given up.
    pub fn stop(&self) {
        self.flag.set(true);
        if self.controller.is_object() {
            let _ = js::call(&self.controller, "abort", &[]);
        }
    }

    pub fn is_set(&self) -> bool {
        self.flag.get()
    }

    /// The flag alone, for waits that look at it in steps (the lock).
    pub fn flag(&self) -> &Cell<bool> {
        &self.flag
    }

    /// The `AbortSignal` (undefined without one).
    pub fn signal(&self) -> JsValue {
        if self.controller.is_object() {
            js::get(&self.controller, "signal")
        } else {
            JsValue::UNDEFINED
        }
    }
}

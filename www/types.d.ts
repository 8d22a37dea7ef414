// Types the plain JS modules under www/ name in their JSDoc (checked by `tsc -p tsconfig.json`,
// never loaded by a browser): the plugin's JS API from its contract (src/bindings/api.d.ts) and
// the generated glue (www/pkg/, built by `cargo xtask build`), and the demo CRM's registry.

export * from "../src/bindings/api";
export { GoogleContactsSync } from "./pkg/gcontacts_sync";

/** The wasm-bindgen glue module (www/pkg/gcontacts_sync.js), as the loader imports it. */
export * as Glue from "./pkg/gcontacts_sync";

/** An action in a "More Actions" menu: the list's (selected ids) or a record's (its id). */
export interface BulkAction { id: string; label: string; run(selectedIds: string[]): unknown }
export interface RecordAction { id: string; label: string; run(contactId: string): unknown }
/** A section of the host's settings page. `mount` may resolve once its first render is done. */
export interface SettingsPanel {
  id: string;
  title: string;
  mount(element: HTMLElement): unknown;
  unmount?(element: HTMLElement): void;
}

/** A section of a contact's page (the contact's sync status): the host mounts it when the user
 *  opens it, and unmounts it when the page goes. */
export interface RecordSection {
  id: string;
  title: string;
  mount(element: HTMLElement, contactId: string): unknown;
}

/** What a host hands the plugin's loader to register its entry points. */
export interface PluginRegistry {
  registerBulkAction(entry: BulkAction): void;
  registerRecordAction(entry: RecordAction): void;
  registerSettingsPanel(entry: SettingsPanel): void;
  /** Optional: a host without it shows no status section (the record action still says it). */
  registerRecordSection?(entry: RecordSection): void;
}

// The types of the plugin's public JS entry (index.js): the wasm-bindgen glue's, which it
// re-exports. Its `GoogleContactsSync` has the glue's shape; `create` also reads the `worker`
// option (GoogleContactsSyncOptions, src/bindings/api.d.ts) and starts the worker the syncs run in.
export * from "../pkg/gcontacts_sync";
export { default } from "../pkg/gcontacts_sync";

// The registration API the demo CRM offers plugins: bulk actions for the contacts list's
// "More Actions" menu, record actions for a contact's "More Actions" menu, settings panels for
// the Settings page. The app reads the registry each time it renders a menu or page, so
// entries registered late (after an async plugin load) still show up.

function checkEntry(kind, entry, fn) {
  if (!entry || typeof entry !== "object") throw new TypeError(`${kind}: expected an object`);
  if (typeof entry.id !== "string" || !entry.id) throw new TypeError(`${kind}: "id" must be a non-empty string`);
  const text = kind === "registerSettingsPanel" ? "title" : "label";
  if (typeof entry[text] !== "string" || !entry[text]) throw new TypeError(`${kind}: "${text}" must be a non-empty string`);
  if (typeof entry[fn] !== "function") throw new TypeError(`${kind}: "${fn}" must be a function`);
}

/**
 * createRegistry() → {
 *   registerBulkAction({ id, label, run(selectedIds: string[]) }),
 *   registerRecordAction({ id, label, run(contactId: string) }),
 *   registerSettingsPanel({ id, title, mount(element: HTMLElement) }),
 *   bulkActions(), recordActions(), settingsPanels(),   // snapshots, in registration order
 *   onChange(listener) → unsubscribe
 * }
 * Registering an id again replaces the earlier entry (a plugin reloaded in place).
 */
export function createRegistry() {
  const bulk = new Map();
  const record = new Map();
  const panels = new Map();
  const listeners = new Set();
  const changed = () => listeners.forEach((l) => l());
  return {
    registerBulkAction(entry) {
      checkEntry("registerBulkAction", entry, "run");
      bulk.set(entry.id, { id: entry.id, label: entry.label, run: entry.run });
      changed();
    },
    registerRecordAction(entry) {
      checkEntry("registerRecordAction", entry, "run");
      record.set(entry.id, { id: entry.id, label: entry.label, run: entry.run });
      changed();
    },
    registerSettingsPanel(entry) {
      checkEntry("registerSettingsPanel", entry, "mount");
      panels.set(entry.id, { id: entry.id, title: entry.title, mount: entry.mount, unmount: entry.unmount });
      changed();
    },
    bulkActions: () => [...bulk.values()],
    recordActions: () => [...record.values()],
    settingsPanels: () => [...panels.values()],
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

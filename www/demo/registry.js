// @ts-check
// The registration API the demo CRM offers plugins: bulk actions for the contacts list's
// "More Actions" menu, record actions for a contact's "More Actions" menu, settings panels for
// the Settings page, sections for a contact's page. The app reads the registry each time it renders a menu or page, so
// entries registered late (after an async plugin load) still show up.
//
// Plugins are other people's code: every entry is checked at runtime, whatever its type says.

/**
 * @typedef {import("../types").BulkAction} BulkAction
 * @typedef {import("../types").RecordAction} RecordAction
 * @typedef {import("../types").SettingsPanel} SettingsPanel
 * @typedef {import("../types").RecordSection} RecordSection
 */

/**
 * Throws a TypeError naming what is wrong with an entry.
 * @param {string} kind The registering method's name.
 * @param {unknown} entry
 * @param {"run" | "mount"} fn The entry's function.
 */
function checkEntry(kind, entry, fn) {
  if (!entry || typeof entry !== "object") throw new TypeError(`${kind}: expected an object`);
  const e = /** @type {Record<string, unknown>} */ (entry);
  if (typeof e.id !== "string" || !e.id) throw new TypeError(`${kind}: "id" must be a non-empty string`);
  const text = kind === "registerSettingsPanel" || kind === "registerRecordSection" ? "title" : "label";
  if (typeof e[text] !== "string" || !e[text]) throw new TypeError(`${kind}: "${text}" must be a non-empty string`);
  if (typeof e[fn] !== "function") throw new TypeError(`${kind}: "${fn}" must be a function`);
}

/**
 * createRegistry() → {
 *   registerBulkAction({ id, label, run(selectedIds: string[]) }),
 *   registerRecordAction({ id, label, run(contactId: string) }),
 *   registerSettingsPanel({ id, title, mount(element: HTMLElement) }),
 *   registerRecordSection({ id, title, mount(element: HTMLElement, contactId: string) }),
 *   bulkActions(), recordActions(), settingsPanels(), recordSections(),   // snapshots, in order
 *   onChange(listener) → unsubscribe
 * }
 * Registering an id again replaces the earlier entry (a plugin reloaded in place).
 */
export function createRegistry() {
  /** @type {Map<string, BulkAction>} */
  const bulk = new Map();
  /** @type {Map<string, RecordAction>} */
  const record = new Map();
  /** @type {Map<string, SettingsPanel>} */
  const panels = new Map();
  /** @type {Map<string, RecordSection>} */
  const sections = new Map();
  /** @type {Set<() => void>} */
  const listeners = new Set();
  const changed = () => listeners.forEach((l) => l());
  return {
    /** @param {BulkAction} entry */
    registerBulkAction(entry) {
      checkEntry("registerBulkAction", entry, "run");
      bulk.set(entry.id, { id: entry.id, label: entry.label, run: entry.run });
      changed();
    },
    /** @param {RecordAction} entry */
    registerRecordAction(entry) {
      checkEntry("registerRecordAction", entry, "run");
      record.set(entry.id, { id: entry.id, label: entry.label, run: entry.run });
      changed();
    },
    /** @param {SettingsPanel} entry */
    registerSettingsPanel(entry) {
      checkEntry("registerSettingsPanel", entry, "mount");
      panels.set(entry.id, { id: entry.id, title: entry.title, mount: entry.mount, unmount: entry.unmount });
      changed();
    },
    /** @param {RecordSection} entry */
    registerRecordSection(entry) {
      checkEntry("registerRecordSection", entry, "mount");
      sections.set(entry.id, { id: entry.id, title: entry.title, mount: entry.mount });
      changed();
    },
    bulkActions: () => [...bulk.values()],
    recordActions: () => [...record.values()],
    settingsPanels: () => [...panels.values()],
    recordSections: () => [...sections.values()],
    /** @param {() => void} listener @returns {() => void} The unsubscribe. */
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

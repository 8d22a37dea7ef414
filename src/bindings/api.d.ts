// The plugin's JS API: the one class every host and the plugin's own UI call.
// This text is emitted into the generated .d.ts (typescript_custom_section), so it is the contract.
// The native test crates/core/tests/it/contract holds its data types against the Rust
// declarations both ways: a key renamed, added or removed on one side fails it until the other
// side follows.

/** A CRM's side of the contract (docs/hosts.md, "The host contract"). */
export interface CrmHost {
  apiVersion: 1;
  instanceId: string;
  /** What the CRM can hold; absent: everything. */
  capabilities?: HostCapabilities;
  currentUser(): Promise<{ id: string; name: string; email?: string; locale?: string }>;
  contacts: {
    get(ids: string[]): Promise<CrmContact[]>;
    list(q: { viewId?: string; pageToken?: string; pageSize?: number }): Promise<ContactPage>;
    changedSince?(cursor: string | null): Promise<ChangesPage>;
    create(items: CrmContactInput[]): Promise<CrmContact[]>;
    update(items: CrmUpdate[]): Promise<CrmContact[]>;
    remove(ids: string[]): Promise<void>;
    /** Sets each contact's photo (a `data:` URL of a JPEG or PNG), or removes it (`null`).
     *  Required with `capabilities.photo`. */
    setPhotos?(items: { id: string; photo: string | null }[]): Promise<void>;
    /** Brings back contacts the host deleted (from its trash), under their ids, and answers
     *  those that came back, as `get` reads them; an id it can no longer restore (emptied from
     *  the trash, never deleted) is left out. Required with `capabilities.restore`. */
    restore?(ids: string[]): Promise<CrmContact[]>;
    /** The address of the contact's page in the CRM, for the preview to link to (opened in a
     *  new tab). Optional: without it, contacts are named but not linked. */
    url?(id: string): string;
  };
  views(): Promise<{ id: string; name: string }[]>;
  statuses(): Promise<{ value: string; label: string }[]>;
  storage: {
    get(k: string): Promise<string | null>;
    set(k: string, v: string): Promise<void>;
    remove(k: string): Promise<void>;
    /** Optional atomic write: writes `value` only if the key holds `expected` (`null`: absent),
     *  and answers whether it wrote. With it, the account's lease in shared storage is a real
     *  claim: of two devices starting a run together, exactly one gets it. */
    compareAndSet?(k: string, expected: string | null, value: string): Promise<boolean>;
  };
  google?: {
    /** A token for the account `loginHint` names (when given), answered with that account's
     *  `email`: a token for an account asked by name whose `email` is missing or names another
     *  account is refused (AUTH_FAILED, saying to reconnect the account) and never used. */
    getToken(scopes: string[], o: { interactive: boolean; loginHint?: string }): Promise<{ accessToken: string; expiresAt: number; email?: string }>;
    /** Told when Google refused the account's token and no renewal helped: a host that keeps
     *  tokens for the plugin drops it. */
    forget?(accountId: string): void;
  };
  fetch?(input: Request): Promise<Response>;
  ui: {
    /** A message for the user. `options` is optional for hosts: one that ignores it shows the
     *  message as usual, and its text still says where to go. */
    notify(message: string, level: "info" | "success" | "warning" | "error", options?: NotifyOptions): void;
    /** A run's progress, `null` when it ends. `total` is 0 while it is not known yet: show
     *  `done` alone, with an indeterminate bar. `cancel`, when given, stops the run (at its next
     *  safe point): show it as a Cancel button until the next `progress` call. */
    progress(p: HostProgress | null): void;
    /** Optional: shows the plugin's settings panel (the host's settings page where it is
     *  mounted). Messages offer "Open settings" only where the host has it. */
    openSettings?(): void;
  };
}

/** What `ui.notify` may carry besides its text. */
export interface NotifyOptions {
  /** Keep the message until the user dismisses it. The plugin sets it on warnings, errors and
   *  the reports of the contact actions. A host that removes messages after a while should pause
   *  that while the message is hovered or holds the focus. */
  persistent?: boolean;
  /** A button beside the message ("Reconnect", "Open settings"): clicked, the host dismisses
   *  the message and calls `run` (within the click, so it may open a sign-in window). */
  action?: { label: string; run(): void };
  /** Aborted when the message no longer holds (an account was connected after "No Google
   *  account is connected…", a queued action started): the host removes the message. A host
   *  that ignores it leaves the message until dismissed. */
  signal?: AbortSignal;
}

/** `ui.progress`'s argument: the run's `Progress` (its account, phase and retry notice, for
 *  hosts that show more than a bar) with the bar's label and the run's Cancel. */
export interface HostProgress {
  done: number;
  total: number;
  /** The phase, or while the run waits to try again, the retry notice in one sentence. */
  label: string;
  cancel?: () => void;
  accountId?: string;
  phase?: string;
  retrying?: Retrying;
  preview?: boolean;
}

/** The fields a host stores and how many items of each list it keeps. The merge runs over the
 *  part of each Google contact the host can hold: items beyond it are never deleted from Google
 *  nor reported as conflicts, a field the host does not store is neither written to it nor
 *  cleared in Google, and the host is sent Google's first (primary) items, never more than its
 *  limit. */
export interface HostCapabilities {
  /** The `CrmContactInput` fields the host stores; absent: all of them. */
  fields?: ("status" | "prefix" | "firstName" | "middleName" | "lastName" | "suffix" | "emails"
    | "phones" | "addresses" | "birthday" | "company" | "title" | "notes" | "tags")[];
  /** The host's `storage` is shared beyond this browser (kept on the CRM's server, so the user's
   *  other devices and browser profiles read and write the same values). Runs then take a lease
   *  in that storage besides the Web Lock, so one run per account goes at a time across devices.
   *  Absent: false (storage of this browser only, as the demo's IndexedDB). */
  sharedStorage?: boolean;
  /** The longest value (in UTF-8 bytes) `storage.set` takes; the plugin writes its state in as
   *  many keys as it needs to keep every value within it, and refuses, naming the contact, a
   *  contact that alone would pass it. At least 16384. Absent: 524288 (512 KiB). */
  storageMaxValueBytes?: number;
  /** How many emails a contact holds; absent: any number. Likewise `phones` and `addresses`. */
  emails?: number;
  phones?: number;
  addresses?: number;
  /** How the host names the place of the plugin's settings, for the messages that send the user
   *  there ("My settings → Google Contacts Sync" in Creme); absent: "Settings → Google Contacts
   *  Sync". */
  settingsLabel?: string;
  /** The host holds a photo per contact: `CrmContact.photo` and `contacts.setPhotos`. Contact
   *  photos then sync (docs/sync-rules.md, "Photos"). Absent: false. */
  photo?: boolean;
  /** The host holds tags per contact: `CrmContact.tags`, written by `contacts.create` and
   *  `contacts.update`. The settings' `tagLabels` then sync them with Google labels
   *  (docs/sync-rules.md, "Tags and labels"). Absent: false. */
  tags?: boolean;
  /** The host keeps the contacts it deletes where they can be brought back (Creme's trash) and
   *  has `contacts.restore`: undoing a run that deleted CRM contacts restores them, under their
   *  ids, rather than creating new ones. Absent: false. */
  restore?: boolean;
  /** The host's custom contact fields. Each syncs with a Google `userDefined` entry (by
   *  default the one keyed by its label, both ways; the settings' `customFields` change that),
   *  three-way like the other fields. Values travel in `CrmContact.custom`. */
  customFields?: CustomFieldDecl[];
}

/** A custom contact field a host declares: its key in `CrmContact.custom`, its label, its type
 *  and, for a choice, the labels offered. */
export interface CustomFieldDecl {
  key: string;
  label: string;
  type?: "text" | "number" | "date" | "choice" | "url";
  choices?: string[];
}

/** A page of `contacts.list`: the next page's token, absent on the last page. */
export interface ContactPage { items: CrmContact[]; nextPageToken?: string }

/** What `contacts.changedSince` answers: the contacts changed and the ids deleted since
 *  `cursor`, the cursor to ask from next, and whether more changes wait. */
export interface ChangesPage { items: CrmContact[]; deletedIds: string[]; cursor: string; more: boolean }

/** One item of `contacts.update`: the fields to write, and the `modifiedAt` the plugin read (a
 *  host that keeps it refuses the write with "CONFLICT" when the contact changed since). */
export interface CrmUpdate { id: string; fields: CrmContactInput; ifModifiedAt?: string }

/** An address. The plugin writes every part, `null` for an empty one; a host may leave a part
 *  out or answer `null` for it. */
export interface CrmAddress {
  street?: string | null; extended?: string | null; city?: string | null;
  region?: string | null; postalCode?: string | null; country?: string | null;
  countryCode?: string | null; type?: string | null;
}

/** What the plugin writes to the CRM: every field on create, the changed ones on update. An
 *  empty string clears a text field or the birthday; an empty list clears a list. */
export interface CrmContactInput {
  status?: string;
  firstName?: string; middleName?: string; lastName?: string; prefix?: string; suffix?: string;
  /** `primary`: the contact's primary email. The plugin writes the primary item first and flags
   *  it; a list with no item flagged counts its first item as primary. */
  emails?: { value: string; type?: string; primary?: boolean }[];
  /** `primary` as for emails. */
  phones?: { value: string; type?: string; primary?: boolean }[];
  addresses?: CrmAddress[];
  /** "YYYY-MM-DD", or "--MM-DD" without a year. */
  birthday?: string;
  company?: string; title?: string; notes?: string;
  /** The values of the host's custom fields (`capabilities.customFields`), by key, as text: a
   *  number in plain digits, a date "YYYY-MM-DD", a choice by its label. On update only the
   *  fields that changed; "" clears one. */
  custom?: Record<string, string>;
  /** The contact's tags (hosts declaring `capabilities.tags`). The plugin writes every tag the
   *  contact is to hold, its tags without a Google label included. */
  tags?: string[];
}

export interface CrmContact extends CrmContactInput {
  id: string;
  /** ISO 8601. */
  modifiedAt: string;
  emails: { value: string; type?: string; primary?: boolean }[];
  phones: { value: string; type?: string; primary?: boolean }[];
  addresses: CrmAddress[];
  /** `false`: the current user may not change this contact in the CRM (another user's record,
   *  say). The plugin then never writes to it (no update, status or deletion: each is reported
   *  as not written, with `readOnlyReason`), a first link keeps Google's values, and the
   *  preview marks every write to Google made from it. Absent: true. */
  editable?: boolean;
  /** Why the current user may not change it, in the host's words (shown after "you may not
   *  change this contact in the CRM: "). */
  readOnlyReason?: string;
  /** The contact's photo, a `data:` URL of a JPEG or PNG of at most 1 MiB (hosts declaring
   *  `capabilities.photo`); absent or empty: none. */
  photo?: string;
}

export interface AccountInfo {
  /** Stable id of the connected Google account (its email, lower-cased). */
  id: string;
  email: string;
  /** A token is held in memory and has not expired. */
  connected: boolean;
  /** The seeds' "ContactSync" checkbox. */
  enabled: boolean;
  /** Linked contacts. */
  links: number;
  lastRun?: RunReport;
  /** Set when the token expired and renewing it needs the user: show "Reconnect". */
  needsReconnect: boolean;
  /** Stored values of this account that cannot be read, each with its key and why. Runs fail
   *  until "Reset sync data" or "Disconnect" clears them (both work whatever they hold). */
  unreadable?: { key: string; message: string }[];
  /** Deletions held before they are made, in the order they come due. Absent when none. */
  pendingDeletions?: PendingDeletion[];
}

/** A deletion propagated from one side, waiting before it is made on the other (the settings'
 *  `googleDeletesHoldDays`, `crmDeletesHoldDays`). The pair is unlinked meanwhile. `side`: where
 *  the contact waiting is ("google": deleted in the CRM, its Google contact is in the group
 *  "Pending deletion (CRM)"; "crm": deleted in Google). The first sync after `until` (ISO 8601)
 *  deletes it; `sync` with `decisions.pending` restores it or deletes it now; an edit of the
 *  contact waiting cancels the deletion. */
export interface PendingDeletion {
  crmId: string;
  resourceName: string;
  name: string;
  side: Side;
  since: string;
  until: string;
}

/** What `disconnect` answers. */
export interface DisconnectResult {
  /** Google confirmed the revoke of the plugin's access. */
  revoked: boolean;
  /** For the user: what happened, and when the access was not revoked, how to remove it. */
  message: string;
}

export type ConflictPolicy = "newest" | "crm" | "google";
export type GoogleDeletes = { kind: "delete" } | { kind: "unlink" } | { kind: "setStatus"; status: string };
export type CrmDeletes = "keep" | "delete";
export type Directions = "both" | "crmToGoogle" | "googleToCrm";
/** Which way one field flows: both ways, one way only, or not at all. */
export type FieldDirection = "both" | "crmToGoogle" | "googleToCrm" | "notSynced";
/** Each field's direction; a field left out is two-way. */
export interface FieldDirections {
  prefix?: FieldDirection;
  firstName?: FieldDirection;
  middleName?: FieldDirection;
  lastName?: FieldDirection;
  suffix?: FieldDirection;
  emails?: FieldDirection;
  phones?: FieldDirection;
  addresses?: FieldDirection;
  birthday?: FieldDirection;
  company?: FieldDirection;
  title?: FieldDirection;
  notes?: FieldDirection;
  tags?: FieldDirection;
  /** The contact's photo, where the host has one (`capabilities.photo`). */
  photo?: FieldDirection;
}
export type TargetGroup = { kind: "existing"; value: string } | { kind: "named"; value: string };

export interface Settings {
  enabled: boolean;
  /** `null` is "All". */
  crmViewId: string | null;
  targetGroup: TargetGroup;
  /** Google contact group resource names, e.g. "contactGroups/myContacts". */
  sourceGroups: string[];
  importStatus: string | null;
  conflictPolicy: ConflictPolicy;
  googleDeletes: GoogleDeletes;
  crmDeletes: CrmDeletes;
  directions: Directions;
  /** Each field's direction within `directions`. A change is previewed first: until a preview
   *  under the new directions is applied, runs that write throw PLAN_CHANGED. */
  fieldDirections?: FieldDirections;
  intervalMinutes: number;
  /** ISO 3166-1 alpha-2 region for national phone numbers. */
  defaultRegion: string;
  deletionGuard: { min: number; percent: number };
  /** Days a deletion in Google waits before the CRM contact is deleted; 0 deletes at once. */
  googleDeletesHoldDays: number;
  /** Days a deletion in the CRM waits before the Google contact is deleted; 0 deletes at once. */
  crmDeletesHoldDays: number;
  /** What runs keep to be undone: the last `runs` runs (at most 50), within `maxBytes` of host
   *  storage in all. Absent: 5 runs, 32 MiB. */
  undo?: { runs: number; maxBytes: number };
  /** Per custom field of the host (by key): the Google `userDefined` key it syncs with (absent:
   *  its label) and its direction (absent: both ways). */
  customFields?: Record<string, { googleKey?: string; direction?: FieldDirection }>;
  /** CRM tags and the Google labels (user contact groups, by resource name) they sync with; one
   *  label per tag. Absent: none. */
  tagLabels?: { tag: string; group: string }[];
}

export type SyncScope =
  | { kind: "all" }
  | { kind: "contacts"; ids: string[] }
  | { kind: "pushAll" }
  | { kind: "pullAll" };

export type Side = "crm" | "google";

/** A field's change. A custom field's (`field` "custom") names it by `key` and `label`. */
export interface FieldDiff { field: string; key?: string; label?: string; before: string; after: string }

export interface PlanOperation {
  /** What happens. */
  op: "create" | "update" | "delete" | "link" | "unlink" | "addToGroup" | "restore";
  /** The side written (for link and unlink: "crm"). */
  side: Side;
  crmId?: string;
  resourceName?: string;
  name: string;
  diffs: FieldDiff[];
  /** Why, for deletes and unlinks; the rule, for links; for a create or an update in Google
   *  made from a CRM contact the user may not change, "from a contact you may not change in the
   *  CRM". */
  reason?: string;
}

/** A change a CRM contact would take but the user may not make (`editable: false`): not sent
 *  to the CRM, reported per contact. */
export interface NotWritten {
  crmId: string; resourceName: string; name: string;
  /** The host's `readOnlyReason` ("" when it gave none). */
  reason: string;
  /** "you may not change this contact in the CRM: <reason>". */
  message: string;
  /** What was not done: field values Google holds ("update", with `diffs`), or what a deletion
   *  in Google would have done to the record ("delete"; "status", with `status`): the contact is
   *  unlinked instead and stays in the CRM. */
  change: "update" | "delete" | "status";
  diffs: FieldDiff[];
  status?: string;
}

export interface Conflict {
  crmId: string; resourceName: string; name: string;
  /** A custom field's conflict names it by `key` and `label`. */
  field: ContactField; key?: string; label?: string; crm: string; google: string; kept: Side;
  /** What settled it: the account's policy ("newest", "crm", "google"), the first-link rule
   *  ("firstLink": the CRM's value stays) or the user's choice in the preview ("decided"). */
  rule: "newest" | "crm" | "google" | "firstLink" | "decided";
}

/** A field as the preview and the decisions name it; "custom" is any of the host's custom
 *  fields, whose change names it by `key` and `label`. */
export type ContactField =
  | "prefix" | "firstName" | "middleName" | "lastName" | "suffix" | "emails" | "phones"
  | "addresses" | "birthday" | "company" | "title" | "notes" | "tags" | "custom";

/** Why a contact was set aside: several candidates on the other side (or one of a cluster where
 *  some contact has), one candidate sharing an email or phone under another family name, a
 *  Google contact tagged for several CRM contacts, or a possible duplicate: one candidate with
 *  the same name (accents, case, apostrophes, hyphens and spacing folded) and nothing telling
 *  them apart (a birthday on another day, another company), which no other rule links. Nothing
 *  is created for a possible duplicate, by any run, until the user links it or keeps it apart
 *  ("create both"). */
export type AmbiguityReason = "severalCandidates" | "namesDiffer" | "severalTags" | "secondCopy" | "possibleDuplicate";

export interface AmbiguousMatch {
  side: Side; id: string; name: string;
  /** What the candidates were found by: "link tag", "email", "phone", "name and birthday or
   *  company", "name" (possible duplicates). */
  rule: string;
  reason: AmbiguityReason;
  /** The candidates on the other side, the first 5 by id: a contact sharing a value with
   *  thousands lists a few. */
  candidates: string[];
  /** The candidates' names, in the order of `candidates` ("" where not known). */
  candidateNames: string[];
  /** How many candidates there are beyond those listed. */
  moreCandidates: number;
  /** What it shares with them, as the contact holds it: the emails or phones, or the name with
   *  the birthday or company. */
  shared: string[];
  /** Whether the preview may settle it (a match by email, phone or name): link the contact to
   *  one candidate, or keep it apart from them, with `SyncOptions.decisions.matches`. */
  decidable: boolean;
}

/** The user's decisions in the preview, applied by the run they are passed to. Each must name
 *  a conflict or an ambiguous pair of that run's plan: otherwise the run writes nothing and
 *  throws INVALID_INPUT (preview again). */
export interface Decisions {
  /** For this run only: the side whose value the conflicting field keeps (a custom field's
   *  conflict names its `key`, as the conflict does). */
  conflicts?: { crmId: string; field: ContactField; key?: string; keep: Side }[];
  /** A contact of a decidable ambiguous match and one candidate, as a CRM id and a Google
   *  resource name: "link" links them (their values merge by the usual rules; the other
   *  candidates sync as separate contacts), "apart" keeps them apart for good (remembered in the
   *  account's sync data, which "Reset sync data" clears). */
  matches?: { crmId: string; resourceName: string; choice: "link" | "apart" }[];
  /** Per pending deletion (`AccountInfo.pendingDeletions`, by `crmId`): "restore" brings the
   *  pair back, linked (the contact deleted is made again from the one waiting); "deleteNow"
   *  deletes it in this run. A run of the whole account only. */
  pending?: { crmId: string; action: "restore" | "deleteNow" }[];
}

export interface HeldDeletions { side: Side; limit: number; deletions: PlanOperation[] }

/** A CRM contact unlinked because Google merged its Google contact into the Google contact of
 *  another CRM contact ("Merge & fix", or both linked to one Google profile). One Google contact
 *  is linked to one CRM contact: the survivor's link stays; this contact keeps its data in the
 *  CRM and is not sent back to Google by later syncs of the whole account. Reported once. */
export interface MergedInGoogle {
  crmId: string;
  name: string;
  /** The Google contact it was linked to. */
  mergedFrom: string;
  /** The Google contact that holds both now. */
  resourceName: string;
  /** The CRM contact still linked to it. */
  survivor: string;
}

export interface Plan {
  operations: PlanOperation[];
  conflicts: Conflict[];
  ambiguous: AmbiguousMatch[];
  held: HeldDeletions[];
  /** Also among `operations`, as unlinks. */
  merged: MergedInGoogle[];
  /** Changes for CRM contacts the user may not change: not among `operations`, never sent. */
  notWritten: NotWritten[];
  /** CRM contacts not created in Google because the account would hold more than Google's
   *  limit (`googleLimit`): never sent; the run reports each and the next run tries again. */
  pastLimit?: PastLimit[];
  /** Google's limit of contacts per account when `pastLimit` holds contacts, else 0. */
  googleLimit?: number;
  /** The fields whose direction changed since the last sync that applied its writes: a sync
   *  writes under the new directions only by applying a preview that shows them. */
  directionChanges: {
    /** A custom field's change names it by `key` and `label`. */
    field: ContactField | "photo"; key?: string; label?: string;
    before: FieldDirection; after: FieldDirection;
  }[];
  /** Differences of linked contacts not written on `held.side` because of their field's
   *  direction: `before` is kept there, `after` not copied. */
  byDirection: {
    crmId: string; resourceName: string; name: string;
    held: {
      field: ContactField; key?: string; label?: string; side: Side; direction: FieldDirection;
      before: string; after: string;
    };
  }[];
  /** The photos of linked contacts the sync moves, after its other changes: the side written,
   *  and whether the photo is added there, changed or removed (`capabilities.photo`). */
  photos: { side: Side; crmId: string; resourceName: string; name: string; change: "added" | "changed" | "removed" }[];
  /** The preview of an undo: the contacts (or fields) it leaves as they are, edited since the
   *  run or gone, each as a sentence. Absent when none. */
  notUndone?: string[];
  /** The plan as the preview text. */
  text: string;
  /** A digest of the plan's writes: pass it to `sync` (`SyncOptions.fingerprint`) with the
   *  decisions the plan was made with, and the run writes only if it plans the same. */
  fingerprint: string;
}

/** A CRM contact a plan does not create in Google: the Google account is full. */
export interface PastLimit {
  crmId: string;
  name: string;
}

export interface RunReport {
  accountId: string;
  /** "apply": the preview's Apply (a sync started with `fromPreview`). */
  trigger: "schedule" | "manual" | "apply" | "bulkAction" | "recordAction" | "push" | "pull";
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  created: { crm: number; google: number };
  updated: { crm: number; google: number };
  deleted: { crm: number; google: number };
  /** Pairs linked by this run, those it created on either side included. */
  linked: number;
  unlinked: number;
  conflicts: Conflict[];
  ambiguous: AmbiguousMatch[];
  held: HeldDeletions[];
  /** Absent in the reports of older versions. */
  merged?: MergedInGoogle[];
  /** Changes not written to CRM contacts the user may not change. Absent in the reports of
   *  older versions. */
  notWritten?: NotWritten[];
  /** `hostCode`: the host's own code when the CRM refused (see `HostRefusal`). */
  errors: { code: string; message: string; contact?: string; hostCode?: string }[];
  /** The contacts the run could not sync, one entry each. Absent in older reports. */
  failures?: ContactFailure[];
  /** How many contacts the run set out to sync (those its plan wrote or linked, and those it
   *  could not read): "12 of 300 contacts could not be synced". Absent in older reports. */
  contacts?: number;
  /** HTTP requests made, by People API method ("people.connections.list", ...). */
  requests: Record<string, number>;
  /** Stopped by `cancel` before the end: what it did is kept, the next run does the rest.
   *  Absent in the reports of older versions. */
  cancelled?: boolean;
  /** An undo: the `startedAt` of the run it undid. */
  undoes?: string;
  /** An undo: the CRM contacts it brought back from the host's trash (`contacts.restore`),
   *  under their own ids. Absent when none. */
  restored?: number;
  /** How many CRM contacts it did not create in Google, the account being full (each is also
   *  among `failures`), and Google's limit of contacts per account (`googleLimit`). Absent
   *  when none was left out. */
  pastLimit?: number;
  googleLimit?: number;
  /** Deletions held for their days (`googleDeletesHoldDays`, `crmDeletesHoldDays`) rather than
   *  made, by the side their contacts wait on ("Pending deletions"). Absent when none was. */
  holding?: { side: "crm" | "google"; deletions: number; days: number }[];
}

/** A CRM contact's sync status (`contactStatus`), in each connected account. */
export interface ContactStatus {
  contactId: string;
  accounts: AccountContactStatus[];
}

/** A CRM contact's sync status in one account. */
export interface AccountContactStatus {
  accountId: string;
  /** Linked to a Google contact of this account. */
  linked: boolean;
  /** The linked Google contact, and its page in Google Contacts (absent for a resource name
   *  of another shape than "people/<id>"). */
  google?: { resourceName: string; url?: string };
  /** When the link last synced (ISO 8601). */
  syncedAt?: string;
  /** What the last run that changed the pair did to it. Absent before a run of this version
   *  changed it. */
  lastChange?: LastChange;
  /** Not linked any more, and why: its Google contact was deleted in Google (the CRM keeps
   *  it), or merged in Google into the Google contact of another CRM contact. */
  unlinked?: { reason: "deletedInGoogle" | "mergedInGoogle"; resourceName: string; at: string };
  /** From the newest run report that names the contact (`reportedBy`), unless a later run
   *  changed the pair: the conflicts that run settled by the account's policy, the ambiguous
   *  matches that wait for the user, and why the contact could not be synced. */
  conflicts: Conflict[];
  ambiguous: AmbiguousMatch[];
  failures: ContactFailure[];
  /** A deletion of the contact that waits: held by the mass-deletion guard until confirmed
   *  (no `until`), or held for a delay (`until`, ISO 8601). */
  pendingDeletion?: { side: Side; reason: string; until?: string };
  /** The `startedAt` of the run report `conflicts`, `ambiguous`, `failures` and
   *  `pendingDeletion` come from. */
  reportedBy?: string;
  /** Stored values of the account that cannot be read: what they would tell is left out. */
  unreadable?: { key: string; message: string }[];
}

/** What one run did to a linked pair: created the contact on one side (`created`), linked it,
 *  wrote fields (each with its side and both values, cut to 120 characters). At most 12 field
 *  changes are kept; `omitted` counts the others. */
export interface LastChange {
  /** The run, by its report's `startedAt`. */
  run: string;
  /** When the run recorded it (ISO 8601). */
  at: string;
  created?: Side;
  linked: boolean;
  fields: { side: Side; field: ContactField; before: string; after: string }[];
  omitted: number;
}

/** A contact a run could not sync. `kind`: "refused" (the side refused this contact),
 *  "failed" (the request carrying it failed), "changed" (it changed during the sync: not an
 *  error, the next run syncs it), "skipped" (its record could not be read). `reason` is plain
 *  words; `retried`: the next run tries it again by itself. */
export interface ContactFailure {
  name: string;
  side: "crm" | "google";
  crmId?: string;
  resourceName?: string;
  kind: "refused" | "failed" | "changed" | "skipped";
  code: ErrorCode;
  /** The host's own code when the CRM refused it ("PERMISSION_DENIED", "CONFLICT", ...). */
  hostCode?: string;
  reason: string;
  retried: boolean;
}

/** How a host's `contacts` call refuses: it rejects with an object carrying its own `code`
 *  and the contact concerned. A refused call wrote nothing (one transaction per call). A
 *  refusal naming a contact of a write (update, remove) fails that contact alone: the plugin
 *  sends the rest of the call again. "CONFLICT" (a stale `ifModifiedAt`) is not an error: the
 *  contact syncs at the next run. "UNAUTHENTICATED" (the CRM session ended) stops the run and
 *  tells the user to log in again. */
export interface HostRefusal {
  code: "PERMISSION_DENIED" | "NOT_FOUND" | "CONFLICT" | "INVALID" | "UNAUTHENTICATED" | string;
  message: string;
  contactId?: string;
}

/** The second argument of `GoogleContactsSync.create`. */
export interface GoogleContactsSyncOptions {
  /** The People API's base URL without `/v1` (default "https://people.googleapis.com"). */
  peopleApiBase?: string;
  oauth?: {
    /** The Google OAuth client id (Google Identity Services and the built-in token flow). */
    clientId?: string;
    /** The authorization endpoint (default Google's). */
    authUrl?: string;
    /** The token revocation endpoint (default Google's). */
    revokeUrl?: string;
    /** Where the consent step redirects (default: this origin's "/oauth-callback.html"). */
    redirectUri?: string;
  };
  /** How long one People API request may take, answer and body (default 60000 ms). */
  requestTimeoutMs?: number;
  /** How long one call of the host's `contacts` API may take (default 120000 ms). */
  hostTimeoutMs?: number;
  /** The most contacts a Google account holds (default Google's limit, 25,000): a sync creates
   *  none past it and says which contacts it left out. Lower only for a People API endpoint
   *  that holds fewer, such as a test emulator started with a lower limit. */
  googleMaxContacts?: number;
  /** false: the syncs run on the page, in slices, not in the plugin's worker. Read by the
   *  public entry (www/plugin/index.js), which starts the worker; the glue's own class ignores it. */
  worker?: boolean;
}

export interface ConnectOptions {
  /** The Google account to suggest. */
  loginHint?: string;
}

/** A request failed and the run waits to try it again. */
export interface Retrying {
  /** The next attempt's number (from 2) and the most the run makes before it gives up. */
  attempt: number;
  maxAttempts: number;
  /** How long until the next attempt, and when it is (ms since the epoch). */
  waitMs: number;
  at: number;
  /** What failed, as an error code and in words. */
  code: ErrorCode;
  message: string;
}

/** `phase` is "retrying" while the run waits after a failure, with `retrying` set. `total` is 0
 *  while it is not known yet (reading Google page by page): then show `done` alone. `accountId`:
 *  the account the run syncs; `preview`: the run only makes a preview (it writes nothing and
 *  logs no report). */
export interface Progress { done: number; total: number; phase: string; retrying?: Retrying; accountId?: string; preview?: boolean }

export interface SyncOptions {
  /** Make the deletions the mass-deletion guard held back. */
  confirmDeletions?: boolean;
  /** The run applies a preview the user reviewed: its report's trigger is "apply". */
  fromPreview?: boolean;
  onProgress?(p: Progress): void;
  /** What the user decided in the preview. */
  decisions?: Decisions;
  /** The `fingerprint` of the plan the user approved (the preview, or `replan` with the same
   *  `decisions`): a run that would make other writes (the data changed since) writes nothing
   *  and throws PLAN_CHANGED: preview again. */
  fingerprint?: string;
  /** Undo this run (its report's `startedAt`) instead of syncing: pass the fingerprint of its
   *  preview (`preview` with the same `undo`). Only the last runs are kept to be undone. */
  undo?: string;
}

/** The options of `preview`. */
export interface PreviewOptions {
  /** The preview of undoing this run (its report's `startedAt`). */
  undo?: string;
}

export interface GoogleGroup {
  resourceName: string;
  name: string;
  /** "USER_CONTACT_GROUP" or "SYSTEM_CONTACT_GROUP". */
  groupType: string;
  memberCount: number;
}

/** Errors thrown by the API are `Error`s with one of these codes. WORKER_STOPPED comes from the
 *  public entry's API only (www/plugin/index.js): the worker that runs the syncs stopped during the call, and the next call
 *  runs on the page. PLAN_CHANGED: the run applying a preview would not make the writes the
 *  preview showed (or `replan` has no preview to plan from): nothing was written; preview
 *  again. */
export type ErrorCode =
  | "INVALID_INPUT" | "INVALID_STATE" | "UNKNOWN_ACCOUNT" | "NOT_CONNECTED" | "AUTH_FAILED"
  | "AUTH_CANCELLED" | "PERMISSION_DENIED" | "QUOTA" | "NETWORK" | "GOOGLE_ERROR" | "HOST_ERROR"
  | "BUSY" | "DISABLED" | "WORKER_STOPPED" | "PLAN_CHANGED";

export interface SyncError extends Error { code: ErrorCode; status?: number; contact?: string }

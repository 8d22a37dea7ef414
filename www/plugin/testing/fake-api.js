// A development stand-in for the plugin's JS API (`GoogleContactsSync`), in memory, over a host.
// It exists only to look at and click through the UI while the real WebAssembly API is built;
// nothing in the plugin imports it. Its plans are small and made up from the host's contacts,
// not computed by the real sync rules.
//
// createFakeApi(host, options):
//   accounts      how many Google accounts start connected (0–3, default 1)
//   runs          whether those accounts have a run history (default true; false = first sync)
//   held          the next preview/sync holds a mass deletion for confirmation (default false)
//   needsReconnect  the second account's token has expired (default true)
//   fail          { method: "CODE" }: that method rejects with an Error of that code, once
//   delayMs       time each sync step takes (default 150)

const EMAILS = ["ann@example.com", "bob.work@example.org", "cy@example.net", "dee@example.com"];
const XSS = "<img src=x onerror=alert(1)>";

function coded(code, message, extra = {}) {
  return Object.assign(new Error(message), { code }, extra);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fullName(c) {
  return [c.firstName, c.middleName, c.lastName].filter(Boolean).join(" ") || c.company || (c.emails[0] && c.emails[0].value) || "(no name)";
}

function defaultSettings(region) {
  return {
    enabled: true,
    crmViewId: null,
    targetGroup: { kind: "named", value: "CRM" },
    sourceGroups: ["contactGroups/myContacts"],
    importStatus: null,
    conflictPolicy: "newest",
    googleDeletes: { kind: "delete" },
    crmDeletes: "keep",
    directions: "both",
    intervalMinutes: 60,
    defaultRegion: region,
    deletionGuard: { min: 10, percent: 10 },
  };
}

function googlePeople() {
  return [
    { resourceName: "people/c1001", name: "Priya Raman", emails: ["priya@example.com"], phones: ["+1 415 555 0101"] },
    { resourceName: "people/c1002", name: XSS, emails: ["weird@example.com"], phones: [] },
    { resourceName: "people/c1003", name: "Jonas Lindqvist", emails: ["jonas@example.se"], phones: ["+46 8 555 012 34"] },
    { resourceName: "people/c1004", name: "Amélie Dubois", emails: [], phones: ["+33 1 55 55 01 02"] },
    { resourceName: "people/c1005", name: "Kenji Watanabe", emails: ["kenji@example.jp"], phones: [] },
  ];
}

function emptyReport(accountId, trigger, startedAt) {
  return {
    accountId, trigger, startedAt, finishedAt: startedAt, ok: true,
    created: { crm: 0, google: 0 }, updated: { crm: 0, google: 0 }, deleted: { crm: 0, google: 0 },
    linked: 0, unlinked: 0, conflicts: [], ambiguous: [], held: [], errors: [], requests: {},
  };
}

export class FakeGoogleContactsSync {
  static async create(host, options = {}) {
    const api = new FakeGoogleContactsSync(host, options);
    await api.#init();
    return api;
  }

  #host;
  #opts;
  #accounts = new Map(); // id → { info, settings, groups, people, links: Map, runs: [] }
  #schedulerOn = false;

  constructor(host, options = {}) {
    this.#host = host;
    this.#opts = { accounts: 1, runs: true, held: false, needsReconnect: true, fail: {}, delayMs: 150, ...options };
  }

  async #init() {
    const user = await this.#host.currentUser();
    this.region = ((user.locale || "en-US").split("-")[1] || "US").toUpperCase();
    for (let i = 0; i < Math.min(this.#opts.accounts, EMAILS.length); i++) {
      const acct = this.#addAccount(EMAILS[i]);
      if (i === 1 && this.#opts.needsReconnect) {
        acct.info.connected = false;
        acct.info.needsReconnect = true;
      }
      if (this.#opts.runs) {
        const page = await this.#host.contacts.list({ pageSize: 6 });
        for (const c of page.items.slice(0, 4)) acct.links.set(c.id, `people/c9${c.id.slice(1)}`);
        const t = Date.now();
        for (let k = 0; k < 3; k++) {
          const r = emptyReport(acct.info.id, ["schedule", "manual", "bulkAction"][k], new Date(t - (k + 1) * 3_600_000).toISOString());
          r.finishedAt = new Date(t - (k + 1) * 3_600_000 + 4200).toISOString();
          r.updated = { crm: k, google: 2 - k };
          r.linked = k === 2 ? 4 : 0;
          if (k === 0) {
            r.conflicts = [{ crmId: "c000002", resourceName: "people/c1002", name: XSS, field: "phone", crm: "+1 555 0100", google: "+1 555 0199", kept: "google", rule: "newest edit" }];
            r.errors = [{ code: "QUOTA", message: "quota exceeded", contact: "Priya Raman" }];
          }
          acct.runs.push(r);
        }
        acct.info.lastRun = acct.runs[0];
        acct.info.links = acct.links.size;
      }
    }
  }

  #addAccount(email) {
    const id = email.toLowerCase();
    const acct = {
      info: { id, email, connected: true, enabled: true, links: 0, needsReconnect: false },
      settings: defaultSettings(this.region),
      groups: [
        { resourceName: "contactGroups/myContacts", name: "My Contacts", memberCount: 5 },
        { resourceName: "contactGroups/starred", name: "Starred", memberCount: 1 },
        { resourceName: "contactGroups/7a1b", name: "Clients", memberCount: 2 },
        { resourceName: "contactGroups/7c2d", name: "Friends & <family>", memberCount: 3 },
      ],
      people: googlePeople(),
      links: new Map(),
      runs: [],
    };
    this.#accounts.set(id, acct);
    return acct;
  }

  async #step(method) {
    await sleep(30);
    const code = this.#opts.fail[method];
    if (code) {
      delete this.#opts.fail[method];
      throw coded(code, `${method} failed (fake ${code})`, code === "GOOGLE_ERROR" ? { status: 503 } : {});
    }
  }

  #acct(id) {
    const a = this.#accounts.get(id);
    if (!a) throw coded("UNKNOWN_ACCOUNT", `no account ${id}`);
    return a;
  }

  #live(id) {
    const a = this.#acct(id);
    if (!a.info.connected) throw coded("AUTH_FAILED", `the token for ${id} expired`);
    return a;
  }

  async accounts() {
    await this.#step("accounts");
    return [...this.#accounts.values()].map((a) => structuredClone(a.info));
  }

  async connect(o = {}) {
    await this.#step("connect");
    const email = o.loginHint || EMAILS.find((e) => !this.#accounts.has(e)) || `user${this.#accounts.size}@example.com`;
    const acct = this.#accounts.get(email.toLowerCase()) || this.#addAccount(email);
    acct.info.connected = true;
    acct.info.needsReconnect = false;
    return structuredClone(acct.info);
  }

  async reconnect(accountId) {
    await this.#step("reconnect");
    const a = this.#acct(accountId);
    a.info.connected = true;
    a.info.needsReconnect = false;
    return structuredClone(a.info);
  }

  async disconnect(accountId) {
    await this.#step("disconnect");
    const a = this.#acct(accountId);
    this.#accounts.delete(accountId);
    return { revoked: true, message: `${a.info.email} is disconnected and Google revoked the plugin's access.` };
  }

  async getSettings(accountId) {
    await this.#step("getSettings");
    return structuredClone(this.#acct(accountId).settings);
  }

  async setSettings(accountId, s) {
    await this.#step("setSettings");
    const a = this.#acct(accountId);
    if (s.defaultRegion !== undefined && !/^[A-Z]{2}$/.test(s.defaultRegion)) throw coded("INVALID_INPUT", `defaultRegion: "${s.defaultRegion}" is not a 2-letter region`);
    a.settings = { ...a.settings, ...structuredClone(s) };
    a.info.enabled = a.settings.enabled;
    return structuredClone(a.settings);
  }

  async googleGroups(accountId) {
    await this.#step("googleGroups");
    return structuredClone(this.#live(accountId).groups);
  }

  async #crmContacts(a, limit = 1000) {
    const viewId = a.settings.crmViewId || undefined;
    const page = await this.#host.contacts.list({ viewId, pageSize: limit });
    return page.items;
  }

  async #plan(a, scope = { kind: "all" }) {
    const ops = [];
    const crm = await this.#crmContacts(a, 40);
    const push = scope.kind !== "pullAll" && a.settings.directions !== "googleToCrm";
    const pull = scope.kind !== "pushAll" && a.settings.directions !== "crmToGoogle";
    const only = scope.kind === "contacts" ? new Set(scope.ids) : null;
    if (push) {
      for (const c of crm.filter((x) => !a.links.has(x.id) && (!only || only.has(x.id))).slice(0, 4)) {
        const diffs = [{ field: "name", before: "", after: fullName(c) }];
        if (c.emails[0]) diffs.push({ field: "email", before: "", after: c.emails[0].value });
        if (c.phones[0]) diffs.push({ field: "phone", before: "", after: c.phones[0].value });
        ops.push({ op: "create", side: "google", crmId: c.id, name: fullName(c), diffs });
      }
      const linked = crm.find((x) => a.links.has(x.id));
      if (linked) {
        ops.push({ op: "update", side: "google", crmId: linked.id, resourceName: a.links.get(linked.id), name: fullName(linked),
          diffs: [{ field: "phone", before: "+1 555 0100", after: "+1 555 0199" }, { field: "title", before: "", after: linked.title || "Broker" }] });
      }
    }
    const linkedPeople = new Set(a.links.values());
    const free = a.people.filter((p) => !linkedPeople.has(p.resourceName));
    if (pull && !only) {
      for (const p of free.slice(0, 3)) {
        ops.push({ op: "create", side: "crm", resourceName: p.resourceName, name: p.name,
          diffs: [{ field: "name", before: "", after: p.name }, ...(p.emails[0] ? [{ field: "email", before: "", after: p.emails[0] }] : []),
            ...(a.settings.importStatus ? [{ field: "status", before: "", after: a.settings.importStatus }] : [])] });
      }
      if (free[3] && crm[5]) ops.push({ op: "link", side: "crm", crmId: crm[5].id, resourceName: free[3].resourceName, name: free[3].name, diffs: [], reason: "same email" });
    }
    const conflicts = pull && !only && crm[1] ? [{ crmId: crm[1].id, resourceName: "people/c1002", name: XSS, field: "birthday", crm: "1980-04-01", google: "1980-04-10", kept: "crm", rule: "newest edit" }] : [];
    const ambiguous = pull && !only && free[4] ? [{ side: "google", id: free[4].resourceName, name: free[4].name, rule: "email", reason: "severalCandidates", candidates: ["c000010", "c000011"] }] : [];
    const held = [];
    if (this.#opts.held) {
      const deletions = crm.slice(10, 24).map((c) => ({ op: "delete", side: "crm", crmId: c.id, name: fullName(c), diffs: [], reason: "deleted in Google" }));
      held.push({ side: "crm", limit: 10, deletions });
    }
    const text = ops.length || conflicts.length || ambiguous.length || held.length
      ? [
        ...ops.map((o) => `${o.side}: ${o.op} ${JSON.stringify(o.name)}${o.crmId ? ` (crm ${o.crmId})` : ""}${o.diffs.length ? `: ${o.diffs.map((d) => `${d.field} ${JSON.stringify(d.before)} -> ${JSON.stringify(d.after)}`).join(", ")}` : ""}`),
        ...conflicts.map((c) => `conflict ${JSON.stringify(c.name)} ${c.field}: crm ${JSON.stringify(c.crm)} vs google ${JSON.stringify(c.google)}, kept ${c.kept}`),
        ...ambiguous.map((m) => `ambiguous ${JSON.stringify(m.name)} by ${m.rule}: ${m.candidates.join(", ")}`),
        ...held.map((h) => `held: ${h.deletions.length} deletions on ${h.side} (limit ${h.limit})`),
      ].join("\n") + "\n"
      : "nothing to do\n";
    return { operations: ops, conflicts, ambiguous, held, text };
  }

  async preview(accountId, scope) {
    await this.#step("preview");
    const a = this.#live(accountId);
    if (!a.info.enabled) throw coded("DISABLED", `${accountId} is disabled`);
    return this.#plan(a, scope);
  }

  async sync(accountId, scope = { kind: "all" }, o = {}) {
    await this.#step("sync");
    const a = this.#live(accountId);
    if (!a.info.enabled) throw coded("DISABLED", `${accountId} is disabled`);
    const trigger = { all: "manual", pushAll: "push", pullAll: "pull", contacts: "bulkAction" }[scope.kind] || "manual";
    return this.#run(a, scope, trigger, o);
  }

  async #run(a, scope, trigger, o = {}) {
    const start = new Date().toISOString();
    const plan = await this.#plan(a, scope);
    const report = emptyReport(a.info.id, trigger, start);
    const total = plan.operations.length + (o.confirmDeletions ? plan.held.reduce((n, h) => n + h.deletions.length, 0) : 0);
    const phases = ["Reading Google contacts", "Reading CRM contacts", "Writing changes"];
    let done = 0;
    for (const phase of phases.slice(0, 2)) {
      o.onProgress?.({ done, total, phase });
      await sleep(this.#opts.delayMs);
    }
    for (const op of plan.operations) {
      done += 1;
      if (op.op === "create") report.created[op.side] += 1;
      if (op.op === "update") report.updated[op.side] += 1;
      if (op.op === "link") report.linked += 1;
      if (op.crmId && !a.links.has(op.crmId)) a.links.set(op.crmId, op.resourceName || `people/c8${op.crmId.slice(1)}`);
      if (op.op === "create" && op.side === "crm") a.people = a.people.filter((p) => p.resourceName !== op.resourceName).concat([]);
      o.onProgress?.({ done, total, phase: phases[2] });
      await sleep(this.#opts.delayMs / 3);
    }
    if (plan.held.length) {
      if (o.confirmDeletions) {
        for (const h of plan.held) report.deleted[h.side] += h.deletions.length;
        this.#opts.held = false;
      } else {
        report.held = plan.held;
      }
    }
    report.conflicts = plan.conflicts;
    report.ambiguous = plan.ambiguous;
    report.finishedAt = new Date().toISOString();
    report.requests = { "people.connections.list": 1, "people.batchCreateContacts": report.created.google ? 1 : 0 };
    a.runs.unshift(report);
    a.runs.length = Math.min(a.runs.length, 50);
    a.info.lastRun = report;
    a.info.links = a.links.size;
    return structuredClone(report);
  }

  async syncSelected(ids) {
    await this.#step("syncSelected");
    const live = [...this.#accounts.values()].filter((a) => a.info.enabled);
    if (live.length === 0) throw coded("NOT_CONNECTED", "no enabled account");
    const reports = [];
    for (const a of live) {
      if (!a.info.connected) throw coded("AUTH_FAILED", `the token for ${a.info.id} expired`);
      const r = await this.#run(a, { kind: "contacts", ids }, "bulkAction", {});
      // Every chosen contact ends linked.
      for (const id of ids) if (!a.links.has(id)) { a.links.set(id, `people/c7${id.slice(1)}`); r.linked += 1; }
      a.info.links = a.links.size;
      reports.push(r);
    }
    return reports;
  }

  async syncContact(id) {
    const reports = await this.syncSelected([id]);
    for (const r of reports) r.trigger = "recordAction";
    return reports;
  }

  async resetSyncData(accountId) {
    await this.#step("resetSyncData");
    const a = this.#acct(accountId);
    a.links.clear();
    a.runs = [];
    a.info.links = 0;
    delete a.info.lastRun;
  }

  async runs(accountId) {
    await this.#step("runs");
    return structuredClone(this.#acct(accountId).runs.slice(0, 50));
  }

  async backup(accountId) {
    await this.#step("backup");
    const a = this.#live(accountId);
    const crm = await this.#crmContacts(a);
    return JSON.stringify({ account: a.info.email, takenAt: new Date().toISOString(), crm, google: a.people }, null, 2);
  }

  startScheduler() { this.#schedulerOn = true; }
  stopScheduler() { this.#schedulerOn = false; }
  get schedulerRunning() { return this.#schedulerOn; }
}

/** `createFakeApi(host, options)`: the same as `FakeGoogleContactsSync.create`. */
export function createFakeApi(host, options) {
  return FakeGoogleContactsSync.create(host, options);
}

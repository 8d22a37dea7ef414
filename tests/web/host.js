// An in-memory CRM host for the browser tests, implementing the host contract, with a
// `google.getToken` that returns a token minted by the emulator's admin API.

export async function admin(base, method, path, body) {
  const r = await fetch(base + "/__admin/" + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return r.json();
}

export async function revoke(base, token) {
  await fetch(base + "/revoke", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "token=" + encodeURIComponent(token),
  });
}

export function makeHost(base, email, contacts, options = {}) {
  const crm = new Map(contacts.map((c) => [c.id, c]));
  const store = new Map();
  let next = 1;
  const host = {
    apiVersion: 1,
    instanceId: "web-test-crm",
    token: null,
    progress: 0,
    notes: [],
    async currentUser() {
      return { id: "u1", name: "Tester", locale: "en-GB" };
    },
    contacts: {
      async get(ids) {
        return ids.filter((id) => crm.has(id)).map((id) => crm.get(id));
      },
      async list(q) {
        const all = [...crm.values()];
        const start = q.pageToken ? Number(q.pageToken) : 0;
        const size = q.pageSize || 100;
        const items = all.slice(start, start + size);
        return { items, nextPageToken: start + size < all.length ? String(start + size) : undefined };
      },
      async create(items) {
        return items.map((f) => {
          const c = { emails: [], phones: [], addresses: [], ...f, id: "new" + next++, modifiedAt: new Date().toISOString() };
          crm.set(c.id, c);
          return c;
        });
      },
      async update(items) {
        return items.map(({ id, fields }) => {
          const c = { ...crm.get(id), ...fields, modifiedAt: new Date().toISOString() };
          crm.set(id, c);
          return c;
        });
      },
      async remove(ids) {
        for (const id of ids) crm.delete(id);
      },
    },
    async views() {
      return [];
    },
    async statuses() {
      return [];
    },
    storage: {
      async get(k) {
        return store.has(k) ? store.get(k) : null;
      },
      async set(k, v) {
        store.set(k, String(v));
      },
      async remove(k) {
        store.delete(k);
      },
    },
    google: {
      async getToken(scopes, o) {
        if (!host.token) host.token = (await admin(base, "POST", "tokens", { email })).access_token;
        return { accessToken: host.token, expiresAt: Date.now() + 3599000 };
      },
    },
    ui: {
      notify(message, level) {
        host.notes.push(level + ": " + message);
      },
      progress(p) {
        if (p) host.progress++;
      },
    },
    crm,
    store,
  };
  if (options.noApiVersion) delete host.apiVersion;
  return host;
}

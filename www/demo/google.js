// @ts-check
// The demo CRM's Google token source (`CrmHost.google`), as a real CRM gives one: the plugin asks
// it for a token per account, and after a reload it renews the account's token without the user,
// so automatic syncs go on.
//
// - Interactive (Connect, Reconnect): the OAuth 2.0 token flow in a popup against
//   `config.authUrl` (Google's consent page, or the emulator's), answered by
//   `oauth-callback.html`, which posts the URL fragment back.
// - Without the user (a reload, an expired token): the same flow with `prompt=none` and the
//   account as `login_hint`, in a hidden frame. The consent page answers at once: a new token
//   while the account is signed in there and its grant stands, else an error (revoked, signed
//   out), and the plugin then asks the user to reconnect.
// Each token's account is checked at the token-info endpoint, so a token always comes with the
// email it belongs to, and a renewal that answers for another account is refused.
//
// Tokens stay in this page's memory, one per account, like the plugin's own; nothing is stored.

/**
 * @typedef {{ accessToken: string, expiresAt: number, email: string }} Token
 * @typedef {{ authUrl?: string, oauthClientId?: string, googleClientId?: string, revokeUrl?: string, tokenInfoUrl?: string, redirectUri?: string }} GoogleConfig
 */

/** How long a renewal without the user may take before the account needs the user. */
const SILENT_TIMEOUT_MS = 20_000;
/** A token this close to its end is renewed rather than handed out. */
const FRESH_MS = 60_000;

/** An Error with a stable `code`, like the host's others. */
class GoogleError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = "GoogleError";
    this.code = code;
  }
}

/** @param {string} email */
const idOf = (email) => email.trim().toLowerCase();

/**
 * The token-info endpoint: `config.tokenInfoUrl`, else beside the revoke endpoint (Google's
 * `https://oauth2.googleapis.com/revoke` and `/tokeninfo`, and the emulator's, sit side by side).
 * @param {GoogleConfig} config
 */
function tokenInfoUrl(config) {
  if (config.tokenInfoUrl) return config.tokenInfoUrl;
  return new URL("tokeninfo", config.revokeUrl || "https://oauth2.googleapis.com/revoke").href;
}

/**
 * The consent page's address for one request.
 * @param {GoogleConfig} config
 * @param {string[]} scopes
 * @param {string} state
 * @param {{ prompt?: string, loginHint?: string }} o
 */
function consentUrl(config, scopes, state, o) {
  const url = new URL(config.authUrl || "https://accounts.google.com/o/oauth2/v2/auth");
  url.searchParams.set("client_id", config.googleClientId || config.oauthClientId || "");
  url.searchParams.set("redirect_uri", config.redirectUri || new URL("/oauth-callback.html", location.origin).href);
  url.searchParams.set("response_type", "token");
  url.searchParams.set("scope", scopes.join(" "));
  url.searchParams.set("include_granted_scopes", "true");
  url.searchParams.set("state", state);
  if (o.prompt) url.searchParams.set("prompt", o.prompt);
  if (o.loginHint) url.searchParams.set("login_hint", o.loginHint);
  return url.href;
}

/** A request's `state`: unguessable, so only the answer to this request is taken. */
function newState() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Waits for the callback page in `source` (a popup or a frame) to post the answer to `state`.
 * `gone()` answers true when the window was closed (the user gave up); `timeoutMs` bounds the
 * wait. Resolves to the answer's parameters.
 * @param {() => Window | null} source
 * @param {string} state
 * @param {{ gone?: () => boolean, timeoutMs?: number }} o
 * @returns {Promise<URLSearchParams>}
 */
function answerFrom(source, state, { gone, timeoutMs }) {
  return new Promise((resolve, reject) => {
    /** @type {ReturnType<typeof setInterval> | undefined} */
    let watch;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const finish = () => {
      removeEventListener("message", onMessage);
      clearInterval(watch);
      clearTimeout(timer);
    };
    /** @param {MessageEvent} e */
    const onMessage = (e) => {
      if (e.origin !== location.origin || e.source !== source() || typeof e.data !== "string") return;
      const answer = new URLSearchParams(e.data.replace(/^#/, ""));
      if (answer.get("state") !== state) return;
      finish();
      resolve(answer);
    };
    addEventListener("message", onMessage);
    if (gone) {
      // A grace period after the window closes lets its last message land.
      watch = setInterval(() => {
        if (gone()) {
          clearInterval(watch);
          setTimeout(() => {
            finish();
            reject(new GoogleError("AUTH_CANCELLED", "the Google sign-in window was closed"));
          }, 500);
        }
      }, 400);
    }
    if (timeoutMs) {
      timer = setTimeout(() => {
        finish();
        reject(new GoogleError("AUTH_FAILED", "Google did not answer the renewal in time"));
      }, timeoutMs);
    }
  });
}

/**
 * The token in a consent page's answer, with the email of the account it belongs to.
 * @param {GoogleConfig} config
 * @param {URLSearchParams} answer
 * @returns {Promise<Token>}
 */
async function tokenOf(config, answer) {
  const accessToken = answer.get("access_token");
  if (!accessToken) {
    const error = answer.get("error") || "no token";
    throw new GoogleError(error === "access_denied" ? "AUTH_CANCELLED" : "AUTH_FAILED", `Google answered ${error}`);
  }
  const seconds = Number(answer.get("expires_in") || 3599);
  const expiresAt = Date.now() + seconds * 1000;
  const url = new URL(tokenInfoUrl(config));
  url.searchParams.set("access_token", accessToken);
  const res = await fetch(url, { cache: "no-store" });
  const info = res.ok ? await res.json() : null;
  if (!info || typeof info.email !== "string" || !info.email) {
    throw new GoogleError("AUTH_FAILED", `Google did not say whose token it handed out (token info answered ${res.status})`);
  }
  return { accessToken, expiresAt, email: info.email };
}

/**
 * Signs in in a popup (the user picks the account).
 * @param {GoogleConfig} config
 * @param {string[]} scopes
 * @param {string | undefined} loginHint
 */
async function signIn(config, scopes, loginHint) {
  const state = newState();
  const popup = window.open(consentUrl(config, scopes, state, { loginHint }), "demo-crm-google-signin", "popup,width=500,height=640");
  if (!popup) throw new GoogleError("AUTH_CANCELLED", "the browser blocked the Google sign-in window: allow pop-ups and try again");
  try {
    const answer = await answerFrom(() => popup, state, { gone: () => popup.closed });
    return await tokenOf(config, answer);
  } finally {
    popup.close();
  }
}

/**
 * Renews the account's token in a hidden frame, without the user.
 * @param {GoogleConfig} config
 * @param {string[]} scopes
 * @param {string} loginHint
 */
async function renew(config, scopes, loginHint) {
  const state = newState();
  const frame = document.createElement("iframe");
  frame.hidden = true;
  frame.title = "Google sign-in renewal";
  frame.setAttribute("aria-hidden", "true");
  frame.src = consentUrl(config, scopes, state, { prompt: "none", loginHint });
  try {
    const answer = answerFrom(() => frame.contentWindow, state, { timeoutMs: SILENT_TIMEOUT_MS });
    document.body.append(frame);
    return await tokenOf(config, await answer);
  } finally {
    frame.remove();
  }
}

/**
 * The demo's `CrmHost.google` over the configured consent page.
 * @param {GoogleConfig} config
 * @returns {NonNullable<import("../types").CrmHost["google"]>}
 */
export function demoGoogle(config) {
  /** @type {Map<string, Token>} the latest token of each account */
  const tokens = new Map();
  /** @type {Map<string, Promise<Token>>} renewals under way, one per account */
  const renewing = new Map();

  /** @param {Token} t */
  const keep = (t) => {
    tokens.set(idOf(t.email), t);
    return t;
  };

  return {
    async getToken(scopes, { interactive, loginHint }) {
      const wanted = loginHint ? idOf(loginHint) : null;
      if (interactive) {
        // The user may pick another account than the hinted one: the token says which it is,
        // and the plugin decides whether it will take it.
        return keep(await signIn(config, scopes, loginHint));
      }
      if (!wanted) throw new GoogleError("NOT_CONNECTED", "which account to renew was not said");
      const held = tokens.get(wanted);
      if (held && held.expiresAt > Date.now() + FRESH_MS) return held;
      let pending = renewing.get(wanted);
      if (!pending) {
        pending = renew(config, scopes, wanted).then(keep).finally(() => renewing.delete(wanted));
        renewing.set(wanted, pending);
      }
      const t = await pending;
      if (idOf(t.email) !== wanted) {
        throw new GoogleError("AUTH_FAILED", `Google renewed a token for ${t.email}, not ${loginHint}: reconnect the account`);
      }
      return t;
    },
    forget(accountId) {
      tokens.delete(idOf(accountId));
    },
  };
}

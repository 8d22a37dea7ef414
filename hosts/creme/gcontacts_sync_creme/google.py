"""The host's side of `google.getToken`: Google access tokens kept per (session, account).

Creme's pages are full page loads, so the tokens the user granted cannot live in one page's
memory. They live in the user's server-side session (never a refresh token, never the browser's
storage), one per Google account, under the account's email: a page asks for the token of the
account it syncs and gets that account's or none, never another account's. A token goes when it
expires, when the plugin forgets the account (Disconnect, or Google refusing the token) and with
the whole session when the user logs out (Django flushes the session).
"""

import datetime

from .jsonapi import api, finite_number, invalid

SESSION_TOKENS = 'gcontacts_sync_creme.google_tokens'
# A session holds the tokens of this many accounts at most (the oldest to expire goes first).
MAX_ACCOUNTS = 20
MAX_TOKEN = 4096
MAX_EMAIL = 320


def account_key(email):
    """How the plugin names an account: its email, trimmed and in lower case."""
    return email.strip().lower()


def _now_ms():
    return datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000


def _account(body, required=True):
    account = body.get('account')
    if account is None and not required:
        return None
    if not isinstance(account, str) or '@' not in account or len(account) > MAX_EMAIL:
        raise invalid('"account" must be the Google account\'s email')
    return account_key(account)


def _live(tokens):
    now = _now_ms()
    return {k: t for k, t in tokens.items() if isinstance(t, dict) and finite_number(t.get('expiresAt')) and t['expiresAt'] > now}


@api('POST')
def google_token(request, body):
    """`op` "get" (the `account`'s token, or null), "set" (`accessToken`, `expiresAt` in epoch
    ms and the account's `email`) or "clear" (the `account`'s token; without one, all of them)."""
    op = body.get('op')
    tokens = _live(request.session.get(SESSION_TOKENS) or {})
    if op == 'get':
        return {'token': tokens.get(_account(body))}
    if op == 'set':
        access, expires, email = body.get('accessToken'), body.get('expiresAt'), body.get('email')
        if not isinstance(access, str) or not access or len(access) > MAX_TOKEN or not finite_number(expires):
            raise invalid('"accessToken" (a string) and "expiresAt" (epoch milliseconds) are required')
        if not isinstance(email, str) or '@' not in email or len(email) > MAX_EMAIL:
            raise invalid('"email" must be the email of the Google account the token is for')
        tokens[account_key(email)] = {'accessToken': access, 'expiresAt': expires, 'email': email.strip()}
        kept = sorted(tokens.items(), key=lambda kv: kv[1]['expiresAt'])[-MAX_ACCOUNTS:]
        request.session[SESSION_TOKENS] = dict(kept)
        return {}
    if op == 'clear':
        account = _account(body, required=False)
        request.session[SESSION_TOKENS] = {k: t for k, t in tokens.items() if account is not None and k != account}
        return {}
    raise invalid('"op" must be "get", "set" or "clear"')

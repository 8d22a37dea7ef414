"""The host contract's endpoints (DESIGN §4), and the plugin's files.

Every endpoint needs a logged-in user (Django's session) and every POST Django's CSRF token.
Reads return only contacts the user may view (Creme's `EntityCredentials`); writes check
`has_perm_to_create/change/delete` contact by contact, validate the whole call first and write in
one transaction, so a refused call changes nothing. Errors answer
`{"error": {"code", "message", "contact"?, "field"?}}` with a 4xx status.
"""

import datetime
import json
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.http import FileResponse, Http404, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from creme.creme_core.core.exceptions import SpecificProtectedError
from creme.creme_core.core.workflow import run_workflow_engine
from creme.creme_core.models import EntityCredentials, EntityFilter

from . import mapping
from .mapping import Contact
from .models import ContactTombstone, Installation, PluginStorage

PLUGIN_ID = 'google-contacts-sync'
LIST_PAGE_DEFAULT = 200
LIST_PAGE_MAX = 1000
FEED_PAGE = 500
MAX_BATCH = 500
OWNED_BY_ME = 'gcontacts_sync_creme-owned_by_me'

PACKAGE = Path(__file__).resolve().parent


class ApiError(Exception):
    def __init__(self, status, code, message, **data):
        super().__init__(message)
        self.status = status
        self.code = code
        self.data = data


def api(method):
    """Login required, the method checked (POST also CSRF-checked by Django's middleware),
    errors as JSON."""
    require = require_POST if method == 'POST' else require_GET

    def wrap(view):
        def inner(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return JsonResponse({'error': {'code': 'NOT_AUTHENTICATED', 'message': 'log in to Creme first'}}, status=401)
            try:
                body = {}
                if method == 'POST':
                    try:
                        body = json.loads(request.body or b'{}')
                    except ValueError as e:
                        raise ApiError(400, 'INVALID_INPUT', f'the request body is not JSON: {e}')
                    if not isinstance(body, dict):
                        raise ApiError(400, 'INVALID_INPUT', 'the request body must be a JSON object')
                if method == 'POST':
                    # One transaction per call, and Creme's workflows run on what it wrote, as
                    # after any edit in Creme's own forms.
                    with transaction.atomic(), run_workflow_engine(user=request.user):
                        result = view(request, body, *args, **kwargs)
                else:
                    result = view(request, body, *args, **kwargs)
            except ApiError as e:
                return JsonResponse({'error': {'code': e.code, 'message': str(e), **e.data}}, status=e.status)
            except mapping.InvalidInput as e:
                data = {'field': e.field} if e.field else {}
                return JsonResponse({'error': {'code': 'INVALID_INPUT', 'message': str(e), **data}}, status=400)
            except mapping.Denied as e:
                return JsonResponse({'error': {'code': 'PERMISSION_DENIED', 'message': str(e)}}, status=403)
            return JsonResponse(result, safe=False)

        return require(inner)

    return wrap


def _ids(body, key='ids'):
    ids = body.get(key)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(400, 'INVALID_INPUT', f'"{key}" must be an array of strings')
    if len(ids) > MAX_BATCH:
        raise ApiError(400, 'INVALID_INPUT', f'at most {MAX_BATCH} ids per call')
    return ids


def _pk(contact_id):
    return int(contact_id) if contact_id.isdigit() else None


def _viewable(user, qs):
    return EntityCredentials.filter(user, qs.filter(is_deleted=False), EntityCredentials.VIEW)


# ---------------------------------------------------------------------------------------------


def plugin_config():
    """Where the plugin finds Google: settings.GCONTACTS_SYNC, with Google's own defaults."""
    config = {
        'peopleApiBase': 'https://people.googleapis.com',
        'googleClientId': '',
        'authUrl': 'https://accounts.google.com/o/oauth2/v2/auth',
        'revokeUrl': 'https://oauth2.googleapis.com/revoke',
    }
    config.update(getattr(settings, 'GCONTACTS_SYNC', {}))
    return config


@login_required
@api('GET')
def bootstrap(request, body):
    user = request.user
    return {
        'apiVersion': 1,
        'instanceId': Installation.current_id(),
        'user': {
            'id': str(user.id),
            'name': str(user),
            **({'email': user.email} if user.email else {}),
            'locale': getattr(user, 'language', '') or settings.LANGUAGE_CODE,
        },
        'capabilities': mapping.CAPABILITIES,
        **({'contactUrl': url} if (url := contact_url_template()) else {}),
        'config': plugin_config(),
    }


def contact_url_template():
    """The address of a contact's detail page with "{id}" for its id, for the plugin's preview
    to link to; None when the contact model has no such page (a swapped-out model)."""
    try:
        url = reverse('persons__view_contact', args=[0])
    except NoReverseMatch:
        return None
    head, sep, tail = url.rpartition('0')
    return f'{head}{{id}}{tail}' if sep else None


@login_required
@api('POST')
def contacts_get(request, body):
    pks = [pk for pk in map(_pk, _ids(body)) if pk is not None]
    qs = _viewable(request.user, mapping.contacts_queryset().filter(pk__in=pks))
    by_id = {c.pk: c for c in qs}
    # Unknown (or not viewable) ids are omitted; the order follows the request.
    return [mapping.to_contract(by_id[pk]) for pk in dict.fromkeys(pks) if pk in by_id]


def _view_queryset(user, view_id):
    qs = mapping.contacts_queryset()
    if view_id in (None, '', 'all'):
        return qs
    if view_id == OWNED_BY_ME:
        # Also a Creme filter (populate.py); answered directly so it works before populate ran.
        return qs.filter(user=user)
    ef = EntityFilter.objects.filter_by_user(user).filter(pk=view_id, entity_type__model='contact').first()
    if ef is None:
        raise ApiError(404, 'UNKNOWN_VIEW', f'no contact filter "{view_id}" for you')
    return ef.filter(qs, user=user)


@login_required
@api('GET')
def contacts_list(request, body):
    q = request.GET
    try:
        size = min(max(int(q.get('pageSize') or LIST_PAGE_DEFAULT), 1), LIST_PAGE_MAX)
        after = int(q.get('pageToken') or 0)
    except ValueError:
        raise ApiError(400, 'INVALID_INPUT', 'pageSize and pageToken must be numbers')
    qs = _viewable(request.user, _view_queryset(request.user, q.get('viewId')))
    page = list(qs.filter(pk__gt=after).order_by('pk')[:size + 1])
    more = len(page) > size
    page = page[:size]
    out = {'items': [mapping.to_contract(c) for c in page]}
    if more:
        out['nextPageToken'] = str(page[-1].pk)
    return out


def _parse_cursor(cursor):
    """A cursor is "<modified ISO time>|<last contact id>|<last tombstone id>": contacts are read
    in (modified, id) order, which no two contacts share, so a page boundary never skips one."""
    if cursor in (None, ''):
        return None, 0, 0
    try:
        t, pk, dead = cursor.split('|')
        when = parse_datetime(t)
        if when is None:
            raise ValueError(t)
        return when, int(pk), int(dead)
    except ValueError:
        raise ApiError(400, 'INVALID_CURSOR', f'malformed cursor {cursor!r}: start again from null')


@login_required
@api('GET')
def contacts_changes(request, body):
    when, after_pk, after_dead = _parse_cursor(request.GET.get('cursor'))
    user = request.user
    # Trashed contacts count as deleted (they leave every list), and are read here too.
    qs = EntityCredentials.filter(user, mapping.contacts_queryset(), EntityCredentials.VIEW)
    if when is not None:
        qs = qs.filter(Q(modified__gt=when) | Q(modified=when, pk__gt=after_pk))
    page = list(qs.order_by('modified', 'pk')[:FEED_PAGE + 1])
    more = len(page) > FEED_PAGE
    page = page[:FEED_PAGE]
    tombstones = list(ContactTombstone.objects.filter(pk__gt=after_dead).order_by('pk')[:FEED_PAGE + 1])
    more = more or len(tombstones) > FEED_PAGE
    tombstones = tombstones[:FEED_PAGE]
    items = [mapping.to_contract(c) for c in page if not c.is_deleted]
    deleted = [str(c.pk) for c in page if c.is_deleted] + [str(t.contact_id) for t in tombstones]
    if page:
        when, after_pk = page[-1].modified, page[-1].pk
    if tombstones:
        after_dead = tombstones[-1].pk
    if when is None:
        when = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return {
        'items': items,
        'deletedIds': list(dict.fromkeys(deleted)),
        'cursor': f'{when.isoformat()}|{after_pk}|{after_dead}',
        'more': more,
    }


def _list_arg(body, key):
    items = body.get(key)
    if not isinstance(items, list):
        raise ApiError(400, 'INVALID_INPUT', f'"{key}" must be an array')
    if len(items) > MAX_BATCH:
        raise ApiError(400, 'INVALID_INPUT', f'at most {MAX_BATCH} items per call')
    return items


@login_required
@api('POST')
def contacts_create(request, body):
    user = request.user
    items = [mapping.clean_input(i, f'items[{n}]') for n, i in enumerate(_list_arg(body, 'items'))]
    if items and not user.has_perm_to_create(Contact):
        raise ApiError(403, 'PERMISSION_DENIED', 'you may not create contacts in Creme')
    with transaction.atomic():
        return [mapping.to_contract(mapping.save(user, Contact(user=user), fields)) for fields in items]


def _writable(user, ids, check, verb):
    pks = [_pk(i) for i in ids]
    found = {c.pk: c for c in mapping.contacts_queryset().filter(pk__in=[p for p in pks if p is not None], is_deleted=False)}
    out = []
    for contact_id, pk in zip(ids, pks):
        c = found.get(pk)
        if c is None or not user.has_perm_to_view(c):
            raise ApiError(404, 'NOT_FOUND', f'contact {contact_id} does not exist', contact=contact_id)
        if not check(c):
            raise ApiError(403, 'PERMISSION_DENIED', f'you may not {verb} contact {contact_id} ({c}) in Creme', contact=contact_id)
        out.append(c)
    return out


@login_required
@api('POST')
def contacts_update(request, body):
    user = request.user
    raw = _list_arg(body, 'items')
    updates = []
    for n, u in enumerate(raw):
        if not isinstance(u, dict) or not isinstance(u.get('id'), str):
            raise ApiError(400, 'INVALID_INPUT', f'items[{n}] must be an object with a string "id"')
        if_modified = u.get('ifModifiedAt')
        if if_modified is not None and (not isinstance(if_modified, str) or parse_datetime(if_modified) is None):
            raise ApiError(400, 'INVALID_INPUT', f'items[{n}].ifModifiedAt must be an ISO 8601 time')
        updates.append((u['id'], mapping.clean_input(u.get('fields'), f'items[{n}].fields', patch=True), if_modified))
    contacts = _writable(user, [u[0] for u in updates], user.has_perm_to_change, 'change')
    for (contact_id, _f, if_modified), c in zip(updates, contacts):
        if if_modified is not None and not mapping.same_millisecond(parse_datetime(if_modified), c.modified):
            raise ApiError(
                409, 'CONFLICT', f'contact {contact_id} changed in Creme meanwhile ({mapping.iso(c.modified)}, not {if_modified})',
                contact=contact_id,
            )
    with transaction.atomic():
        return [mapping.to_contract(mapping.save(user, c, fields)) for c, (_id, fields, _m) in zip(contacts, updates)]


@login_required
@api('POST')
def contacts_remove(request, body):
    user = request.user
    ids = _ids(body)
    pks = [_pk(i) for i in ids]
    # Already gone (deleted or in the trash) is what was asked: not an error.
    present = {c.pk for c in Contact.objects.filter(pk__in=[p for p in pks if p], is_deleted=False)}
    contacts = _writable(user, [i for i, p in zip(ids, pks) if p in present], user.has_perm_to_delete, 'delete')
    for c in contacts:
        try:
            # Creme's own first step: to the trash, where a user can restore it.
            with transaction.atomic():
                c.trash()
        except (ProtectedError, SpecificProtectedError) as e:
            # E.g. the contact of a Creme user: Creme itself refuses to delete it.
            raise ApiError(409, 'PROTECTED', f'Creme keeps contact {c.id} ({c}): {e.args[0]}', contact=str(c.id))
    return {}


@login_required
@api('GET')
def views(request, body):
    filters = EntityFilter.objects.filter_by_user(request.user).filter(entity_type__model='contact', entity_type__app_label='persons')
    out = [{'id': OWNED_BY_ME, 'name': 'Owned by me'}]
    out += [{'id': ef.id, 'name': ef.name} for ef in filters.order_by('name') if ef.id != OWNED_BY_ME]
    return out


@login_required
@api('GET')
def statuses(request, body):
    return [{'value': value, 'label': str(label)} for value, label in mapping.STATUSES]


@login_required
@api('POST')
def storage(request, body):
    key = body.get('key')
    if not isinstance(key, str) or not key or len(key) > 400:
        raise ApiError(400, 'INVALID_INPUT', '"key" must be a non-empty string of at most 400 characters')
    op = body.get('op')
    rows = PluginStorage.objects.filter(user=request.user, plugin=PLUGIN_ID, key=key)
    if op == 'get':
        row = rows.first()
        return {'value': row.value if row else None}
    if op == 'set':
        value = body.get('value')
        if not isinstance(value, str):
            raise ApiError(400, 'INVALID_INPUT', '"value" must be a string')
        PluginStorage.objects.update_or_create(user=request.user, plugin=PLUGIN_ID, key=key, defaults={'value': value})
        return {}
    if op == 'remove':
        rows.delete()
        return {}
    raise ApiError(400, 'INVALID_INPUT', '"op" must be "get", "set" or "remove"')


@login_required
@api('POST')
def storage_compare_and_set(request, body):
    """`storage.compareAndSet`: writes `value` only if the key holds `expected` (null: absent)
    and answers `{"written": bool}`. The call's transaction locks the row it compares
    (`select_for_update`) until the write commits, so two devices claiming the plugin's lease at
    once cannot both win; of two creating an absent key, the unique constraint refuses the second.
    """
    key = body.get('key')
    if not isinstance(key, str) or not key or len(key) > 400:
        raise ApiError(400, 'INVALID_INPUT', '"key" must be a non-empty string of at most 400 characters')
    expected = body.get('expected')
    if expected is not None and not isinstance(expected, str):
        raise ApiError(400, 'INVALID_INPUT', '"expected" must be a string or null')
    value = body.get('value')
    if not isinstance(value, str):
        raise ApiError(400, 'INVALID_INPUT', '"value" must be a string')
    row = PluginStorage.objects.select_for_update().filter(user=request.user, plugin=PLUGIN_ID, key=key).first()
    if (row.value if row else None) != expected:
        return {'written': False}
    if row:
        row.value = value
        row.save(update_fields=['value'])
        return {'written': True}
    try:
        with transaction.atomic():
            PluginStorage.objects.create(user=request.user, plugin=PLUGIN_ID, key=key, value=value)
    except IntegrityError:
        return {'written': False}
    return {'written': True}


SESSION_TOKEN = 'gcontacts_sync_creme.google_token'


@login_required
@api('POST')
def google_token(request, body):
    """The host's side of `google.getToken`: Creme's pages are full page loads, so the Google
    access token the user granted cannot live in one page's memory. It lives in the user's
    server-side session (never a refresh token, never the browser's storage) until it expires or
    the user logs out."""
    op = body.get('op')
    if op == 'get':
        token = request.session.get(SESSION_TOKEN)
        now_ms = datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000
        return {'token': token if token and token.get('expiresAt', 0) > now_ms else None}
    if op == 'set':
        access, expires = body.get('accessToken'), body.get('expiresAt')
        if not isinstance(access, str) or not access or not isinstance(expires, (int, float)):
            raise ApiError(400, 'INVALID_INPUT', '"accessToken" (a string) and "expiresAt" (ms) are required')
        request.session[SESSION_TOKEN] = {'accessToken': access, 'expiresAt': expires}
        return {}
    if op == 'clear':
        request.session.pop(SESSION_TOKEN, None)
        return {}
    raise ApiError(400, 'INVALID_INPUT', '"op" must be "get", "set" or "clear"')


# ---------------------------------------------------------------------------------------------
# The plugin's files: the app's own adapter (assets/), then the plugin's build (plugin/, or the
# folder settings.GCONTACTS_SYNC_PLUGIN_DIR names: a checkout's www/, for development).


def _plugin_dirs():
    dirs = [PACKAGE / 'assets']
    custom = getattr(settings, 'GCONTACTS_SYNC_PLUGIN_DIR', None)
    if custom:
        dirs.append(Path(custom))
    dirs.append(PACKAGE / 'plugin')
    return dirs


mimetypes.add_type('application/wasm', '.wasm')
mimetypes.add_type('text/javascript', '.js')


@login_required
def plugin_file(request, path=''):
    if not path:
        raise Http404()
    custom = getattr(settings, 'GCONTACTS_SYNC_PLUGIN_DIR', None)
    candidates = [(base.resolve(), (base / path).resolve()) for base in _plugin_dirs()]
    if custom and path == 'plugin-manifest.json':
        # A checkout keeps the manifest at its root, beside www/.
        candidates.insert(0, (Path(custom).resolve().parent, Path(custom).resolve().parent / path))
    for base, f in candidates:
        if f.is_file() and base in f.parents:
            response = FileResponse(open(f, 'rb'), content_type=mimetypes.guess_type(str(f))[0] or 'application/octet-stream')
            response['Cache-Control'] = 'no-cache'
            if path.endswith('.html'):
                # The OAuth redirect page opens in the popup after Google's (or the emulator's)
                # consent page: a policy of its own would move it to another browsing context
                # group and cut it off from the Creme page waiting for the token.
                response['Cross-Origin-Opener-Policy'] = 'unsafe-none'
            return response
    raise Http404(path)

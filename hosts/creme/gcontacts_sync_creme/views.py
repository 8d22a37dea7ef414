"""The host contract's endpoints (docs/hosts.md), and the plugin's files.

Every endpoint needs a logged-in user (Django's session; without one, a JSON 401
`UNAUTHENTICATED`) and every POST Django's CSRF token. Reads return only contacts the user may
view (Creme's `EntityCredentials`), each marked `editable: false` with Creme's reason where the user
may not change it; writes check `has_perm_to_create/change/delete` contact by contact, and the
link/unlink rights on both ends of every relation they add or remove, validate the whole call
first and write in one transaction, so a refused call changes nothing. Errors: see `jsonapi`.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.http import FileResponse, Http404
from django.urls import NoReverseMatch, reverse

from creme.creme_core.core.exceptions import SpecificProtectedError
from creme.creme_core.models import EntityCredentials, EntityFilter

from . import custom, mapping, photos
from .jsonapi import EPOCH, ApiError, api, count, invalid, page_token, parse_cursor, pk_of, storable_text, time_of
from .mapping import Contact
from .models import ContactTombstone, Installation, PluginStorage

PLUGIN_ID = 'google-contacts-sync'
LIST_PAGE_DEFAULT = 200
LIST_PAGE_MAX = 1000
FEED_PAGE = 500
MAX_BATCH = 500
OWNED_BY_ME = 'gcontacts_sync_creme-owned_by_me'

PACKAGE = Path(__file__).resolve().parent


def _ids(body, key='ids'):
    ids = body.get(key)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid(f'"{key}" must be an array of strings')
    if len(ids) > MAX_BATCH:
        raise invalid(f'at most {MAX_BATCH} ids per call')
    return ids


def _viewable(user, qs):
    return EntityCredentials.filter(user, qs.filter(is_deleted=False), EntityCredentials.VIEW)


# ---------------------------------------------------------------------------------------------


# What the page's script reads of settings.GCONTACTS_SYNC, with Google's own defaults: where
# Google is and the OAuth client's public id. Any other key of the setting stays on the server.
CLIENT_CONFIG = {
    'peopleApiBase': 'https://people.googleapis.com',
    'googleClientId': '',
    'authUrl': 'https://accounts.google.com/o/oauth2/v2/auth',
    'revokeUrl': 'https://oauth2.googleapis.com/revoke',
    'worker': True,
}


def plugin_config():
    """The plugin's configuration as the page receives it (see `CLIENT_CONFIG`)."""
    custom = getattr(settings, 'GCONTACTS_SYNC', None) or {}
    return {key: custom.get(key, default) for key, default in CLIENT_CONFIG.items()}


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
        'capabilities': mapping.capabilities(),
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


@api('POST')
def contacts_get(request, body):
    # An id that cannot be Creme's (a link tag edited in Google, say) is unknown, like a
    # deleted contact's: omitted, as the contract says, not an error that would stop a run.
    pks = [pk for pk in map(pk_of, _ids(body)) if pk is not None]
    qs = _viewable(request.user, mapping.contacts_queryset().filter(pk__in=pks))
    by_id = {c.pk: c for c in qs}
    # Unknown (or not viewable) ids are omitted; the order follows the request.
    return mapping.to_contracts([by_id[pk] for pk in dict.fromkeys(pks) if pk in by_id], request.user)


def _view_queryset(user, view_id):
    qs = mapping.contacts_queryset()
    if view_id in (None, '', 'all'):
        return qs
    if not storable_text(view_id) or len(view_id) > 100:
        raise ApiError(404, 'UNKNOWN_VIEW', 'no such contact filter')
    if view_id == OWNED_BY_ME:
        # Also a Creme filter (populate.py); answered directly so it works before populate ran.
        return qs.filter(user=user)
    ef = EntityFilter.objects.filter_by_user(user).filter(pk=view_id, entity_type__model='contact').first()
    if ef is None:
        raise ApiError(404, 'UNKNOWN_VIEW', f'no contact filter {view_id[:80]!r} for you')
    return ef.filter(qs, user=user)


@api('GET')
def contacts_list(request, body):
    q = request.GET
    size = count(q.get('pageSize'), 'pageSize', LIST_PAGE_DEFAULT, 1, LIST_PAGE_MAX)
    after = page_token(q.get('pageToken'))
    qs = _viewable(request.user, _view_queryset(request.user, q.get('viewId')))
    page = list(qs.filter(pk__gt=after).order_by('pk')[:size + 1])
    more = len(page) > size
    page = page[:size]
    out = {'items': mapping.to_contracts(page, request.user)}
    if more:
        out['nextPageToken'] = str(page[-1].pk)
    return out


def _tombstone_filter(user):
    """Whether `user` may learn of a deleted contact owned by the given user id: Creme's rule
    for a contact of that owner (its role's "all" and "own" credentials; a filter credential
    cannot be tried on a contact that is gone). A tombstone whose owner is unknown is shown."""
    if user.is_superuser:
        return lambda owner_id: True
    role = user.role
    owners = {}

    def visible(owner_id):
        if owner_id is None:
            return True
        if owner_id not in owners:
            owner = get_user_model().objects.filter(pk=owner_id).first()
            owners[owner_id] = owner is not None and role is not None and role.can_do_on_model(
                user=user, model=Contact, owner=owner, perm=EntityCredentials.VIEW,
            )
        return owners[owner_id]

    return visible


@api('GET')
def contacts_changes(request, body):
    when, after_pk, after_dead = parse_cursor(request.GET.get('cursor'))
    user = request.user
    # Trashed contacts count as deleted (they leave every list), and are read here too.
    qs = EntityCredentials.filter(user, mapping.contacts_queryset(), EntityCredentials.VIEW)
    if when is not None:
        # The plain `modified >= when` lets the database start its walk of the feed's index
        # (migration 0003) at the cursor; the rest skips what the last page held.
        qs = qs.filter(modified__gte=when).filter(Q(modified__gt=when) | Q(pk__gt=after_pk))
    page = list(qs.order_by('modified', 'pk')[:FEED_PAGE + 1])
    more = len(page) > FEED_PAGE
    page = page[:FEED_PAGE]
    scanned = list(ContactTombstone.objects.filter(pk__gt=after_dead).order_by('pk')[:FEED_PAGE + 1])
    more = more or len(scanned) > FEED_PAGE
    scanned = scanned[:FEED_PAGE]
    visible = _tombstone_filter(user)
    items = mapping.to_contracts([c for c in page if not c.is_deleted], user)
    deleted = [str(c.pk) for c in page if c.is_deleted] + [str(t.contact_id) for t in scanned if visible(t.owner_id)]
    if page:
        when, after_pk = page[-1].modified, page[-1].pk
    if scanned:
        after_dead = scanned[-1].pk
    return {
        'items': items,
        'deletedIds': list(dict.fromkeys(deleted)),
        'cursor': f'{(when or EPOCH).isoformat()}|{after_pk}|{after_dead}',
        'more': more,
    }


def _list_arg(body, key):
    items = body.get(key)
    if not isinstance(items, list):
        raise invalid(f'"{key}" must be an array')
    if len(items) > MAX_BATCH:
        raise invalid(f'at most {MAX_BATCH} items per call')
    return items


@api('POST')
def contacts_create(request, body):
    user = request.user
    items = [mapping.clean_input(i, f'items[{n}]') for n, i in enumerate(_list_arg(body, 'items'))]
    if items and not user.has_perm_to_create(Contact):
        raise ApiError(403, 'PERMISSION_DENIED', 'you may not create contacts in Creme')
    declared = _custom_fields(items)
    for n, fields in enumerate(items):
        custom.prepare(user, fields, f'items[{n}]', mapping.InvalidInput, declared)
    with transaction.atomic():
        return mapping.to_contracts([mapping.save(user, Contact(user=user), fields) for fields in items], user)


def _custom_fields(items):
    """The contacts' custom fields by key, read once for a call that writes some."""
    if not any('custom' in fields for fields in items):
        return {}
    return {d.key: d for d in custom.declared()}


def _writable(user, ids, check, verb):
    pks = [pk_of(i) for i in ids]
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


@api('POST')
def contacts_update(request, body):
    user = request.user
    raw = _list_arg(body, 'items')
    updates = []
    for n, u in enumerate(raw):
        if not isinstance(u, dict) or not isinstance(u.get('id'), str):
            raise invalid(f'items[{n}] must be an object with a string "id"')
        if pk_of(u['id']) is None:
            raise invalid(f'items[{n}].id must be a Creme contact id (digits 0-9), got {u["id"][:40]!r}')
        if_modified = u.get('ifModifiedAt')
        if if_modified is not None and time_of(if_modified) is None:
            raise invalid(f'items[{n}].ifModifiedAt must be an ISO 8601 time with its offset (a real date)')
        updates.append((u['id'], mapping.clean_input(u.get('fields'), f'items[{n}].fields', patch=True), if_modified))
    contacts = _writable(user, [u[0] for u in updates], user.has_perm_to_change, 'change')
    for (contact_id, _f, if_modified), c in zip(updates, contacts):
        if if_modified is not None and not mapping.same_millisecond(time_of(if_modified), c.modified):
            raise ApiError(
                409, 'CONFLICT', f'contact {contact_id} changed in Creme meanwhile ({mapping.iso(c.modified)}, not {if_modified})',
                contact=contact_id,
            )
    declared = _custom_fields([fields for _id, fields, _m in updates])
    for n, (contact_id, fields, _m) in enumerate(updates):
        custom.prepare(user, fields, f'items[{n}].fields', mapping.InvalidInput, declared, contact=contact_id)
    with transaction.atomic():
        return mapping.to_contracts([mapping.save(user, c, fields) for c, (_id, fields, _m) in zip(contacts, updates)], user)


@api('POST')
def contacts_remove(request, body):
    user = request.user
    ids = _ids(body)
    pks = [pk_of(i) for i in ids]
    # Already gone (deleted or in the trash) is what was asked: not an error; nor is an id that
    # cannot be Creme's.
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


@api('POST')
def contacts_restore(request, body):
    """`contacts.restore`: brings contacts back from Creme's trash, with Creme's own
    `restore()`, and answers those that came back, as `contacts/get` reads them. An id that is
    unknown, gone for good (emptied from the trash) or that the user may not view is left out,
    not an error: the plugin creates that contact again instead. One already out of the trash is
    answered as it is. Creme's rule for a restore (the right to delete the contact) and the right
    to change it (the plugin writes its values back) are checked first, for every contact: one
    refused refuses the call, which then restores nothing."""
    user = request.user
    pks = [pk_of(i) for i in _ids(body)]
    qs = mapping.contacts_queryset().filter(pk__in=[p for p in pks if p is not None])
    # Creme's `has_perm_to_change` refuses any contact in the trash: the credentials are asked
    # of the contacts as they are, trash aside.
    found = {c.pk: c for c in EntityCredentials.filter(user, qs, EntityCredentials.VIEW)}
    allowed = set.intersection(*(
        set(EntityCredentials.filter(user, qs, perm).values_list('pk', flat=True))
        for perm in (EntityCredentials.CHANGE, EntityCredentials.DELETE)
    ))
    back = [found[pk] for pk in dict.fromkeys(pks) if pk in found]
    for c in back:
        if c.pk not in allowed:
            raise ApiError(403, 'PERMISSION_DENIED', f'you may not restore contact {c.id} ({c}) in Creme', contact=str(c.id))
    for c in back:
        if c.is_deleted:
            c.restore()
    return mapping.to_contracts(back, user)


@api('POST')
def contacts_set_photos(request, body):
    """Sets or removes contacts' photos (`capabilities.photo`): `items` of `{ id, photo }`, a photo a
    `data:` URL of a JPEG or PNG of at most 1 MiB, or null to remove it (photos.py)."""
    user = request.user
    raw = _list_arg(body, 'items')
    wanted = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get('id'), str) or 'photo' not in item:
            raise invalid(f'items[{n}] must be an object with a string "id" and a "photo"')
        try:
            wanted.append((item['id'], photos.decode(item['photo'], f'items[{n}]')))
        except photos.InvalidPhoto as e:
            raise invalid(str(e))
    contacts = _writable(user, [i for i, _p in wanted], user.has_perm_to_change, 'change')
    with transaction.atomic():
        for c, (_id, decoded) in zip(contacts, wanted):
            photos.set_photo(user, c, decoded)
    return {}


@api('GET')
def views(request, body):
    filters = EntityFilter.objects.filter_by_user(request.user).filter(entity_type__model='contact', entity_type__app_label='persons')
    out = [{'id': OWNED_BY_ME, 'name': 'Owned by me'}]
    out += [{'id': ef.id, 'name': ef.name} for ef in filters.order_by('name') if ef.id != OWNED_BY_ME]
    return out


@api('GET')
def statuses(request, body):
    return [{'value': value, 'label': str(label)} for value, label in mapping.STATUSES]


def storable_value(value):
    """A value `storage` may write: a text (see `storable_text`) within the limit the app
    declares (`capabilities.storageMaxValueBytes`, in UTF-8 bytes)."""
    if not storable_text(value):
        raise invalid('"value" must be a text (a string without NUL or lone surrogates)')
    size, limit = len(value.encode('utf-8')), mapping.storage_max_value_bytes()
    if size > limit:
        raise invalid(
            f'"value" takes {size} bytes, more than the {limit} bytes Creme stores in one value '
            '(storageMaxValueBytes): nothing was stored'
        )


@api('POST')
def storage(request, body):
    key = body.get('key')
    if not storable_text(key) or not key or len(key) > 400:
        raise invalid('"key" must be a non-empty text of at most 400 characters')
    op = body.get('op')
    rows = PluginStorage.objects.filter(user=request.user, plugin=PLUGIN_ID, key=key)
    if op == 'get':
        row = rows.first()
        return {'value': row.value if row else None}
    if op == 'set':
        value = body.get('value')
        storable_value(value)
        PluginStorage.objects.update_or_create(user=request.user, plugin=PLUGIN_ID, key=key, defaults={'value': value})
        return {}
    if op == 'remove':
        rows.delete()
        return {}
    raise invalid('"op" must be "get", "set" or "remove"')


@api('POST')
def storage_compare_and_set(request, body):
    """`storage.compareAndSet`: writes `value` only if the key holds `expected` (null: absent)
    and answers `{"written": bool}`. The call's transaction locks the row it compares
    (`select_for_update`) until the write commits, so two devices claiming the plugin's lease at
    once cannot both win; of two creating an absent key, the unique constraint refuses the second.
    """
    key = body.get('key')
    if not storable_text(key) or not key or len(key) > 400:
        raise invalid('"key" must be a non-empty text of at most 400 characters')
    expected = body.get('expected')
    if expected is not None and not storable_text(expected):
        raise invalid('"expected" must be a text or null')
    value = body.get('value')
    storable_value(value)
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


# The OAuth redirect page and its script are served to anyone: the consent step redirects there
# with the token in the URL's fragment, and a redirect to the login page (a session that ended
# meanwhile) would carry the fragment into the login page's address and the history. The page
# itself takes the fragment out of its address first, and holds no data.
PUBLIC_FILES = {'oauth-callback.html', 'oauth-callback.js'}


def plugin_file(request, path=''):
    if not path:
        raise Http404()
    if path not in PUBLIC_FILES and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
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

"""Creme's Contact ⇄ the host contract's `CrmContact` (docs/hosts.md).

| contract            | Creme                                                                 |
|---------------------|-----------------------------------------------------------------------|
| prefix              | civility (its shortcut, e.g. "Mr."; an unknown one is created)        |
| firstName, lastName | first_name, last_name                                                 |
| middleName, suffix  | none: declared unsupported in the capabilities                        |
| emails (1)          | email (its label in ContactLabels)                                    |
| phones (2)          | phone and mobile (labels in ContactLabels; a "mobile" item goes to    |
|                     | mobile, the first other one to phone)                                 |
| addresses           | billing address, shipping address, then the other addresses, in that  |
|                     | order; an address's type is its name; street=address, extended=po_box,|
|                     | postalCode=zipcode, region=state, country (or the country code)       |
| birthday            | birthday ("--MM-DD" is stored in the year 1604, read back without it) |
| company             | the first employer: an "employed by" relation to an Organisation      |
| title               | full_position, else the position's title                              |
| notes               | description                                                           |
| status              | the relation to the managed organisation: customer, prospect,         |
|                     | suspect or inactive customer (see `STATUSES`)                         |
| custom              | the contacts' custom fields (custom.py)                               |
| tags                | the texts of its properties' types (`tags.py`)                        |
| photo               | image: the contact's photograph, a document (photos.py)               |
| modifiedAt          | modified (bumped when an address, the employer, a property or a       |
|                     | custom value changes)                                                 |
"""

import datetime
import re
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from creme import persons
from creme.creme_core.models import Relation, RelationType
from creme.persons import constants as pconst
from creme.persons.models import Civility, Position

from . import custom
from . import tags as ctags
from .models import ContactLabels, storage_max_value_bytes

Contact = persons.get_contact_model()
Organisation = persons.get_organisation_model()
Address = persons.get_address_model()

# A contact's standing is its relation to the organisation Creme manages, as the persons app's
# own "Become customer / prospect / suspect" buttons set it. Earlier ones win when a contact has
# several.
STATUSES = [
    (pconst.REL_SUB_CUSTOMER_SUPPLIER, _('Customer')),
    (pconst.REL_SUB_PROSPECT, _('Prospect')),
    (pconst.REL_SUB_SUSPECT, _('Suspect')),
    (pconst.REL_SUB_INACTIVE, _('Inactive customer')),
]
STATUS_IDS = [s for s, _label in STATUSES]

# Apple's and Google's convention for a birthday without a year.
NO_YEAR = 1604

# What this host stores (the host contract's `capabilities`).
CAPABILITIES = {
    'fields': [
        'status', 'prefix', 'firstName', 'lastName', 'emails', 'phones', 'addresses',
        'birthday', 'company', 'title', 'notes', 'tags',
    ],
    # A contact's tags are its properties (`tags.py`).
    'tags': True,
    'emails': 1,
    'phones': 2,
    # The plugin's storage is kept in Creme's database: every device of the user shares it.
    'sharedStorage': True,
    # The contact's image (photos.py).
    'photo': True,
}

def capabilities():
    """The host contract's `capabilities`, with the storage limit of this installation's
    settings and the contacts' custom fields (`custom.py`)."""
    fields = custom.capability(custom.declared())
    return {
        **CAPABILITIES, 'storageMaxValueBytes': storage_max_value_bytes(),
        **({'customFields': fields} if fields else {}),
    }


TEXT_FIELDS = {'status', 'firstName', 'middleName', 'lastName', 'prefix', 'suffix', 'birthday', 'company', 'title', 'notes'}
LIST_FIELDS = {
    'emails': {'value', 'type', 'primary'},
    'phones': {'value', 'type', 'primary'},
    'addresses': {'street', 'extended', 'city', 'region', 'postalCode', 'country', 'countryCode', 'type'},
}
TAGS = 'tags'
IGNORED_FIELDS = {'id', 'modifiedAt', 'editable', 'readOnlyReason', 'photo'}


class InvalidInput(ValueError):
    """Input the contract does not allow; `field` names the culprit, `contact` the contact of
    an update it concerns."""

    def __init__(self, message, field=None, contact=None):
        super().__init__(message)
        self.field = field
        self.contact = contact


def iso(dt: datetime.datetime) -> str:
    # Milliseconds: the plugin keeps times in milliseconds and sends them back in `ifModifiedAt`.
    return dt.astimezone(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def same_millisecond(a: datetime.datetime, b: datetime.datetime) -> bool:
    return int(a.timestamp() * 1000) == int(b.timestamp() * 1000)


def contacts_queryset():
    return Contact.objects.select_related(
        'user', 'civility', 'position', 'billing_address', 'shipping_address',
    )


def _address_items(addresses) -> list:
    out = []
    for a in addresses:
        item = {
            'street': a.address, 'extended': a.po_box, 'city': a.city, 'region': a.state,
            'postalCode': a.zipcode, 'country': a.country, 'type': a.name,
        }
        item = {k: v for k, v in item.items() if v}
        if any(k != 'type' for k in item):
            out.append(item)
    return out


def read_only_reason(user, c):
    """Why Creme does not let `user` change contact `c`, in a sentence; None when it does."""
    if user.has_perm_to_change(c):
        return None
    if c.is_deleted:
        return 'This contact is in Creme\'s trash: restore it in Creme to change it.'
    return (
        f'Creme lets you view this contact but not change it (it belongs to {c.user}): '
        'ask its owner or an administrator to change it, or to give your role that right.'
    )


# Reading a page of contacts costs a fixed number of queries, whatever its size: what hangs off
# the contacts (labels, addresses, status, employer) is read for the whole page at once, never
# contact by contact.

# Ids per `IN (…)` clause, under SQLite's limit on a statement's parameters.
ID_CHUNK = 500


def _chunks(ids):
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start:start + ID_CHUNK]


def _related(user, ids) -> dict:
    """What hangs off the contacts `ids`, by contact id: labels, other addresses (in id order),
    status relation types and the first employer the user may view."""
    labels, addresses, statuses, employed = {}, defaultdict(list), defaultdict(set), defaultdict(list)
    tags = {}
    managed = Organisation.objects.filter_managed_by_creme()
    for chunk in _chunks(ids):
        labels.update((lab.contact_id, lab) for lab in ContactLabels.objects.filter(contact__in=chunk))
        tags.update(ctags.read(chunk))
        for a in Address.objects.filter(object_id__in=chunk).order_by('id'):
            addresses[a.object_id].append(a)
        for subject, kind in Relation.objects.filter(
            subject_entity__in=chunk, type__in=STATUS_IDS, object_entity__in=managed,
        ).values_list('subject_entity_id', 'type_id'):
            statuses[subject].add(kind)
        for subject, org in Relation.objects.filter(
            subject_entity__in=chunk, type=pconst.REL_SUB_EMPLOYED_BY, object_entity__is_deleted=False,
        ).order_by('id').values_list('subject_entity_id', 'object_entity_id'):
            employed[subject].append(org)
    orgs = {}
    wanted = sorted({o for found in employed.values() for o in found})
    for chunk in _chunks(wanted):
        orgs.update((o.id, o) for o in Organisation.objects.filter(pk__in=chunk))
    # Creme hides the names of the organisations a user may not view.
    employer = {
        c: next((orgs[o] for o in found if o in orgs and user.has_perm_to_view(orgs[o])), None)
        for c, found in employed.items()
    }
    return {'labels': labels, 'addresses': addresses, 'statuses': statuses, 'employer': employer, 'tags': tags}


def to_contracts(contacts, user) -> list:
    """The `CrmContact`s of `contacts` as `user` sees them, in their order: `editable` false, with
    Creme's reason, where the user may not change one, and the employer's name only when the user
    may view the employer."""
    from . import photos
    contacts = list(contacts)
    ids = [c.id for c in contacts]
    related = _related(user, ids)
    fields = custom.declared()
    if fields:
        related['custom'] = custom.values(fields, ids)
    related['photos'] = photos.photos(contacts, user)
    return [_contract(c, user, related) for c in contacts]


def _contract(c, user, related) -> dict:
    labels = related['labels'].get(c.id)
    slots = [a for a in (c.billing_address, c.shipping_address) if a is not None]
    slot_ids = {a.id for a in slots}
    others = [a for a in related['addresses'].get(c.id, ()) if a.id not in slot_ids]
    out = {
        'id': str(c.id),
        'modifiedAt': iso(c.modified),
        'emails': [],
        'phones': [],
        'addresses': _address_items(slots + others),
    }
    reason = read_only_reason(user, c)
    if reason:
        out['editable'] = False
        out['readOnlyReason'] = reason
    if c.email:
        out['emails'].append({'value': c.email, 'primary': True, **({'type': labels.email} if labels and labels.email else {})})
    if c.phone:
        out['phones'].append({'value': c.phone, **({'type': labels.phone} if labels and labels.phone else {})})
    if c.mobile:
        out['phones'].append({'value': c.mobile, 'type': (labels.mobile if labels and labels.mobile else 'mobile')})
    found = related['statuses'].get(c.id, ())
    text = {
        'status': next((s for s in STATUS_IDS if s in found), ''),
        'prefix': c.civility.shortcut or c.civility.title if c.civility else '',
        'firstName': c.first_name,
        'lastName': c.last_name,
        'title': c.full_position or (c.position.title if c.position else ''),
        'notes': c.description,
    }
    if c.birthday:
        b = c.birthday
        text['birthday'] = f'--{b.month:02}-{b.day:02}' if b.year == NO_YEAR else b.isoformat()
    employer = related['employer'].get(c.id)
    if employer is not None:
        text['company'] = employer.name
    out.update({k: v for k, v in text.items() if v})
    if 'custom' in related:
        out['custom'] = related['custom'].get(c.id, {})
    if related['tags'].get(c.id):
        out['tags'] = related['tags'][c.id]
    photo = related.get('photos', {}).get(c.id)
    if photo:
        out['photo'] = photo
    return out


# ---------------------------------------------------------------------------------------------
# Validation


def _describe(v):
    """A value in an error message, short whatever it holds."""
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, list):
        return 'an array'
    if isinstance(v, dict):
        return 'an object'
    if isinstance(v, str):
        return _quote(v)
    return 'a number'


def _quote(s, limit=40):
    return repr(s if len(s) <= limit else s[:limit] + '…')


def _check_text(value, where, field):
    """Text Creme's database can store: no NUL character (PostgreSQL refuses it) and no lone
    surrogate (not UTF-8)."""
    if '\x00' in value:
        raise InvalidInput(f'{where}: field "{field}" contains a NUL character', field)
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        raise InvalidInput(f'{where}: field "{field}" is not valid Unicode text (a lone surrogate)', field)


def _field_name(key):
    return key if key.isascii() and key.isprintable() and len(key) <= 40 else _quote(key)


def clean_input(data, where='contact', patch=False) -> dict:
    """Checks a `CrmContactInput` (or, with `patch`, an update's fields). Returns the fields with
    None for "clear"; absent keys are left alone."""
    if not isinstance(data, dict):
        raise InvalidInput(f'{where}: expected an object, got {_describe(data)}')
    out = {}
    for key, value in data.items():
        if key in IGNORED_FIELDS:
            continue
        if key == TAGS:
            out[key] = ctags.clean(value, where, InvalidInput, _check_text)
            continue
        if key == 'custom':
            out[key] = custom.check_shape(value, where, InvalidInput)
        elif key in TEXT_FIELDS:
            if value is None or value == '':
                out[key] = None
                continue
            if not isinstance(value, str):
                raise InvalidInput(f'{where}: field "{key}" must be a string, got {_describe(value)}', key)
            _check_text(value, where, key)
            if key == 'birthday':
                _parse_birthday(value, where)
            if key == 'status' and value not in STATUS_IDS:
                raise InvalidInput(f'{where}: field "status" must be one of {", ".join(STATUS_IDS)}, got {_quote(value)}', key)
            out[key] = value
        elif key in LIST_FIELDS:
            if value is None:
                out[key] = []
                continue
            if not isinstance(value, list):
                raise InvalidInput(f'{where}: field "{key}" must be an array, got {_describe(value)}', key)
            items = []
            for i, item in enumerate(value):
                path = f'{key}[{i}]'
                if not isinstance(item, dict):
                    raise InvalidInput(f'{where}: field "{path}" must be an object, got {_describe(item)}', path)
                clean = {}
                for k, v in item.items():
                    if v is None:
                        continue
                    if k not in LIST_FIELDS[key]:
                        name = f'{path}.{_field_name(k)}'
                        raise InvalidInput(f'{where}: field "{name}" is not a known field', name)
                    want = bool if k == 'primary' else str
                    if not isinstance(v, want):
                        raise InvalidInput(f'{where}: field "{path}.{k}" must be a {want.__name__}, got {_describe(v)}', f'{path}.{k}')
                    if want is str:
                        _check_text(v, where, f'{path}.{k}')
                    if v != '':
                        clean[k] = v
                if key in ('emails', 'phones') and not clean.get('value'):
                    raise InvalidInput(f'{where}: field "{path}.value" is required', f'{path}.value')
                items.append(clean)
            out[key] = items
        else:
            name = _field_name(key)
            raise InvalidInput(f'{where}: field "{name}" is not a contact field', name)
    if not patch:
        for key in LIST_FIELDS:
            out.setdefault(key, [])
    return out


BIRTHDAY = re.compile(r'(?:([0-9]{4})|-)-([0-9]{2})-([0-9]{2})')


def _parse_birthday(value, where):
    """"YYYY-MM-DD" or "--MM-DD" (ASCII digits, a real date); `date.fromisoformat` alone would
    also take forms such as "20240101" that Creme would read back differently."""
    m = BIRTHDAY.fullmatch(value)
    try:
        if m is None:
            raise ValueError(value)
        year, month, day = m.groups()
        return datetime.date(int(year) if year else NO_YEAR, int(month), int(day))
    except ValueError:
        raise InvalidInput(f'{where}: field "birthday" must be "YYYY-MM-DD" or "--MM-DD" (a real date), got {_quote(value)}', 'birthday')


# ---------------------------------------------------------------------------------------------
# Writing


class Denied(Exception):
    """Creme's permissions refuse a write the input asks for; `contact` names the contact."""

    def __init__(self, message, contact=None):
        super().__init__(message)
        self.contact = contact


def _civility(user, text):
    """The civility whose shortcut or title is `text`. Civilities are a list configured for the
    whole of Creme: a prefix it lacks is added only by a user who may configure the Accounts and
    Contacts app, as in Creme's own configuration pages; anyone else is refused, so the prefix is
    neither lost nor added to everyone's list behind the administrator's back."""

    def plain(s):
        return s.strip().rstrip('.').strip().lower()

    wanted = plain(text)
    found = next(
        (c for c in Civility.objects.order_by('id') if wanted in (plain(c.shortcut), plain(c.title))),
        None,
    )
    if found:
        return found
    if not user.has_perm_to_admin('persons'):
        raise Denied(
            f'Creme has no civility "{_short(text)}", and only an administrator of Accounts and '
            'Contacts may add one (Creme\'s configuration → Accounts and Contacts → Civilities)'
        )
    return Civility.objects.create(
        title=text.strip()[:_max(Civility, 'title')], shortcut=text.strip()[:_max(Civility, 'shortcut')],
    )


def _short(text, limit=60):
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + '…'


def _max(model, field):
    return model._meta.get_field(field).max_length


def _check_link(user, *entities):
    """Creme's rule for adding a relation, as its own buttons and forms apply it: the user may
    link both ends."""
    for e in entities:
        if not user.has_perm_to_link(e):
            raise Denied(f'you may not link {e.allowed_str(user)} to another entity in Creme')


def _check_unlink(user, *entities):
    """Creme's rule for removing a relation: the user may unlink both ends."""
    for e in entities:
        if not user.has_perm_to_unlink(e):
            raise Denied(f'you may not unlink {e.allowed_str(user)} from another entity in Creme')


def _set_employer(user, c, name):
    name = name.strip()[:_max(Organisation, 'name')]
    current = list(
        Relation.objects.filter(subject_entity=c.id, type=pconst.REL_SUB_EMPLOYED_BY)
        .select_related('object_entity').order_by('id')
    )
    if name and any(r.real_object.name.strip().lower() == name.lower() for r in current):
        return
    for r in current:
        _check_unlink(user, c, r.object_entity)
        r.delete()
    if not name:
        return
    org = next(
        (o for o in Organisation.objects.filter(name__iexact=name, is_deleted=False).order_by('id')
         if user.has_perm_to_view(o) and user.has_perm_to_link(o)),
        None,
    )
    if org is None:
        if not user.has_perm_to_create(Organisation) or not user.has_perm_to_link(Organisation, owner=user):
            raise Denied(f'you may not create and link the organisation "{_short(name)}" in Creme')
        org = Organisation.objects.create(user=user, name=name)
    _check_link(user, c, org)
    Relation.objects.safe_get_or_create(
        user=user, subject_entity=c, type=RelationType.objects.get(pk=pconst.REL_SUB_EMPLOYED_BY), object_entity=org,
    )


def _set_status(user, c, status):
    managed = Organisation.objects.filter_managed_by_creme().order_by('id').first()
    if managed is None:
        if status:
            raise Denied('Creme has no managed organisation to relate the status to')
        return
    stale = list(
        Relation.objects.filter(subject_entity=c.id, type__in=STATUS_IDS, object_entity=managed.id).exclude(type=status or None)
    )
    if stale:
        _check_unlink(user, c, managed)
        for r in stale:
            r.delete()
    if status and not Relation.objects.filter(subject_entity=c.id, type=status, object_entity=managed.id).exists():
        _check_link(user, c, managed)
        Relation.objects.safe_get_or_create(
            user=user, subject_entity=c, type=RelationType.objects.get(pk=status), object_entity=managed,
        )


def _set_addresses(c, items):
    existing = [a for a in (c.billing_address, c.shipping_address) if a is not None]
    existing_ids = {a.id for a in existing}
    others = [a for a in Address.objects.filter(object_id=c.id).order_by('id') if a.id not in existing_ids]

    def fill(a, item):
        # Cut to what each column holds (PostgreSQL refuses longer text; SQLite would keep it).
        for field, value in [
            ('name', item.get('type')), ('address', item.get('street')), ('po_box', item.get('extended')),
            ('city', item.get('city')), ('state', item.get('region')), ('zipcode', item.get('postalCode')),
            # Creme keeps a country name only; a country code alone stands in for it.
            ('country', item.get('country') or item.get('countryCode')),
        ]:
            limit = _max(Address, field)
            setattr(a, field, (value or '')[:limit] if limit else (value or ''))
        return a

    slots = {'billing_address': c.billing_address, 'shipping_address': c.shipping_address}
    for field, item in zip(['billing_address', 'shipping_address'], [items[0] if items else None, items[1] if len(items) > 1 else None]):
        current = slots[field]
        if item is None:
            if current is not None:
                setattr(c, field, None)
                current.delete()
        else:
            a = fill(current or Address(owner=c), item)
            a.save()
            setattr(c, field, a)
    rest = items[2:]
    for a, item in zip(others, rest):
        fill(a, item).save()
    for a in others[len(rest):]:
        a.delete()
    for item in rest[len(others):]:
        fill(Address(owner=c), item).save()


LABEL_MAX = ContactLabels._meta.get_field('phone').max_length


def apply(user, c, fields: dict, labels: ContactLabels):
    """Writes cleaned fields (see `clean_input`) into contact `c` (saved by the caller)."""
    if 'firstName' in fields:
        c.first_name = (fields['firstName'] or '')[:_max(Contact, 'first_name')]
    if 'lastName' in fields:
        c.last_name = (fields['lastName'] or '')[:_max(Contact, 'last_name')]
    if 'prefix' in fields:
        c.civility = _civility(user, fields['prefix']) if fields['prefix'] and fields['prefix'].strip() else None
    if 'notes' in fields:
        c.description = fields['notes'] or ''
    if 'birthday' in fields:
        c.birthday = _parse_birthday(fields['birthday'], 'contact') if fields['birthday'] else None
    if 'title' in fields:
        title = (fields['title'] or '').strip()
        position = Position.objects.filter(title__iexact=title).order_by('id').first() if title else None
        c.position = position
        c.full_position = '' if position else title[:_max(Contact, 'full_position')]
    if 'emails' in fields:
        items = fields['emails']
        first = next((e for e in items if e.get('primary')), items[0] if items else None)
        c.email = first['value'][:_max(Contact, 'email')] if first else ''
        labels.email = first.get('type', '')[:LABEL_MAX] if first else ''
    if 'phones' in fields:
        items = list(fields['phones'])
        mobile = next((p for p in items if p.get('type', '').lower() == 'mobile'), None)
        rest = [p for p in items if p is not mobile]
        phone = rest.pop(0) if rest else None
        if mobile is None and rest:
            mobile = rest.pop(0)
        c.phone = phone['value'][:_max(Contact, 'phone')] if phone else ''
        labels.phone = phone.get('type', '')[:LABEL_MAX] if phone else ''
        c.mobile = mobile['value'][:_max(Contact, 'mobile')] if mobile else ''
        labels.mobile = mobile.get('type', '')[:LABEL_MAX] if mobile else ''


@transaction.atomic
def save(user, c, fields: dict):
    """Applies and saves `fields` on `c` (new when `c.pk` is None), with what hangs off it. A
    refusal of an existing contact names it."""
    existing = str(c.pk) if c.pk else None
    try:
        return _save(user, c, fields)
    except Denied as e:
        e.contact = e.contact or existing
        raise


def _save(user, c, fields):
    labels = ContactLabels.objects.filter(contact=c.pk).first() if c.pk else None
    labels = labels or ContactLabels()
    apply(user, c, fields, labels)
    if not c.last_name and not c.first_name:
        # Creme requires a last name; a Google contact may have only a company or an email.
        fallback = fields.get('company') or next((e['value'] for e in fields.get('emails') or []), '')
        c.last_name = (fallback.strip() or '?')[:_max(Contact, 'last_name')]
    c.save()
    if 'addresses' in fields:
        _set_addresses(c, fields['addresses'])
    if 'company' in fields:
        _set_employer(user, c, fields['company'] or '')
    if 'status' in fields:
        _set_status(user, c, fields['status'] or '')
    if 'custom' in fields:
        custom.write(c, fields['custom'])
    if TAGS in fields:
        ctags.write(c, fields[TAGS], Denied)
    labels.contact = c
    labels.save()
    # The related writes above bumped `modified` through the signals; read the final row.
    c.save()
    return contacts_queryset().get(pk=c.pk)

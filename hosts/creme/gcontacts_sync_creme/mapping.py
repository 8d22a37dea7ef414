"""Creme's Contact ⇄ the host contract's `CrmContact` (DESIGN §4).

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
| modifiedAt          | modified (bumped when an address or the employer changes)             |
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from creme import persons
from creme.creme_core.models import Relation, RelationType
from creme.persons import constants as pconst
from creme.persons.models import Civility, Position

from .models import ContactLabels

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
        'birthday', 'company', 'title', 'notes',
    ],
    'emails': 1,
    'phones': 2,
    # The plugin's storage is kept in Creme's database: every device of the user shares it.
    'sharedStorage': True,
}

TEXT_FIELDS = {'status', 'firstName', 'middleName', 'lastName', 'prefix', 'suffix', 'birthday', 'company', 'title', 'notes'}
LIST_FIELDS = {
    'emails': {'value', 'type', 'primary'},
    'phones': {'value', 'type', 'primary'},
    'addresses': {'street', 'extended', 'city', 'region', 'postalCode', 'country', 'countryCode', 'type'},
}
IGNORED_FIELDS = {'id', 'modifiedAt'}


class InvalidInput(ValueError):
    """Input the contract does not allow; `field` names the culprit."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def iso(dt: datetime.datetime) -> str:
    # Milliseconds: the plugin keeps times in milliseconds and sends them back in `ifModifiedAt`.
    return dt.astimezone(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def same_millisecond(a: datetime.datetime, b: datetime.datetime) -> bool:
    return int(a.timestamp() * 1000) == int(b.timestamp() * 1000)


def contacts_queryset():
    return Contact.objects.select_related(
        'civility', 'position', 'billing_address', 'shipping_address',
    )


def _addresses(c) -> list:
    slots = [a for a in (c.billing_address, c.shipping_address) if a is not None]
    others = [a for a in Address.objects.filter(object_id=c.id).order_by('id') if a.id not in {s.id for s in slots}]
    out = []
    for a in slots + others:
        item = {
            'street': a.address, 'extended': a.po_box, 'city': a.city, 'region': a.state,
            'postalCode': a.zipcode, 'country': a.country, 'type': a.name,
        }
        item = {k: v for k, v in item.items() if v}
        if any(k != 'type' for k in item):
            out.append(item)
    return out


def _employer(c):
    rel = (
        Relation.objects.filter(subject_entity=c.id, type=pconst.REL_SUB_EMPLOYED_BY, object_entity__is_deleted=False)
        .select_related('object_entity')
        .order_by('id')
        .first()
    )
    return rel.real_object if rel else None


def _status(c) -> str:
    managed = Organisation.objects.filter_managed_by_creme()
    found = set(
        Relation.objects.filter(subject_entity=c.id, type__in=STATUS_IDS, object_entity__in=managed)
        .values_list('type_id', flat=True)
    )
    return next((s for s in STATUS_IDS if s in found), '')


def to_contract(c) -> dict:
    labels = ContactLabels.objects.filter(contact=c.id).first()
    out = {
        'id': str(c.id),
        'modifiedAt': iso(c.modified),
        'emails': [],
        'phones': [],
        'addresses': _addresses(c),
    }
    if c.email:
        out['emails'].append({'value': c.email, 'primary': True, **({'type': labels.email} if labels and labels.email else {})})
    if c.phone:
        out['phones'].append({'value': c.phone, **({'type': labels.phone} if labels and labels.phone else {})})
    if c.mobile:
        out['phones'].append({'value': c.mobile, 'type': (labels.mobile if labels and labels.mobile else 'mobile')})
    text = {
        'status': _status(c),
        'prefix': c.civility.shortcut or c.civility.title if c.civility else '',
        'firstName': c.first_name,
        'lastName': c.last_name,
        'title': c.full_position or (c.position.title if c.position else ''),
        'notes': c.description,
    }
    if c.birthday:
        b = c.birthday
        text['birthday'] = f'--{b.month:02}-{b.day:02}' if b.year == NO_YEAR else b.isoformat()
    employer = _employer(c)
    if employer is not None:
        text['company'] = employer.name
    out.update({k: v for k, v in text.items() if v})
    return out


# ---------------------------------------------------------------------------------------------
# Validation


def _describe(v):
    if v is None:
        return 'null'
    if isinstance(v, list):
        return 'an array'
    return repr(v)


def clean_input(data, where='contact', patch=False) -> dict:
    """Checks a `CrmContactInput` (or, with `patch`, an update's fields). Returns the fields with
    None for "clear"; absent keys are left alone."""
    if not isinstance(data, dict):
        raise InvalidInput(f'{where}: expected an object, got {_describe(data)}')
    out = {}
    for key, value in data.items():
        if key in IGNORED_FIELDS:
            continue
        if key in TEXT_FIELDS:
            if value is None or value == '':
                out[key] = None
                continue
            if not isinstance(value, str):
                raise InvalidInput(f'{where}: field "{key}" must be a string, got {_describe(value)}', key)
            if key == 'birthday':
                _parse_birthday(value, where)
            if key == 'status' and value not in STATUS_IDS:
                raise InvalidInput(f'{where}: field "status" must be one of {", ".join(STATUS_IDS)}, got {value!r}', key)
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
                        raise InvalidInput(f'{where}: field "{path}.{k}" is not a known field', f'{path}.{k}')
                    want = bool if k == 'primary' else str
                    if not isinstance(v, want):
                        raise InvalidInput(f'{where}: field "{path}.{k}" must be a {want.__name__}, got {_describe(v)}', f'{path}.{k}')
                    if v != '':
                        clean[k] = v
                if key in ('emails', 'phones') and not clean.get('value'):
                    raise InvalidInput(f'{where}: field "{path}.value" is required', f'{path}.value')
                items.append(clean)
            out[key] = items
        else:
            raise InvalidInput(f'{where}: field "{key}" is not a contact field', key)
    if not patch:
        for key in LIST_FIELDS:
            out.setdefault(key, [])
    return out


def _parse_birthday(value, where):
    try:
        if value.startswith('--'):
            month, day = value[2:].split('-')
            return datetime.date(NO_YEAR, int(month), int(day))
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f'{where}: field "birthday" must be "YYYY-MM-DD" or "--MM-DD" (a real date), got {value!r}', 'birthday')


# ---------------------------------------------------------------------------------------------
# Writing


def _civility(text):
    def plain(s):
        return s.strip().rstrip('.').strip().lower()

    wanted = plain(text)
    found = next(
        (c for c in Civility.objects.order_by('id') if wanted in (plain(c.shortcut), plain(c.title))),
        None,
    )
    # Creme's civilities are a configurable list; a prefix it lacks joins it, or it would be lost.
    return found or Civility.objects.create(title=text.strip(), shortcut=text.strip())


class Denied(Exception):
    """Creme's permissions refuse a write the input asks for."""


def _set_employer(user, c, name):
    current = list(
        Relation.objects.filter(subject_entity=c.id, type=pconst.REL_SUB_EMPLOYED_BY).order_by('id')
    )
    if name and any(r.real_object.name.strip().lower() == name.strip().lower() for r in current):
        return
    if current or name:
        if not user.has_perm_to_link(c):
            raise Denied(f'you may not link contact {c.id} to an organisation')
    for r in current:
        r.delete()
    if not name:
        return
    org = next(
        (o for o in Organisation.objects.filter(name__iexact=name.strip(), is_deleted=False).order_by('id')
         if user.has_perm_to_view(o) and user.has_perm_to_link(o)),
        None,
    )
    if org is None:
        if not user.has_perm_to_create(Organisation):
            raise Denied(f'you may not create the organisation "{name}"')
        org = Organisation.objects.create(user=user, name=name.strip())
    Relation.objects.safe_get_or_create(
        user=user, subject_entity=c, type=RelationType.objects.get(pk=pconst.REL_SUB_EMPLOYED_BY), object_entity=org,
    )


def _set_status(user, c, status):
    managed = Organisation.objects.filter_managed_by_creme().order_by('id').first()
    if managed is None:
        if status:
            raise Denied('Creme has no managed organisation to relate the status to')
        return
    Relation.objects.filter(subject_entity=c.id, type__in=STATUS_IDS, object_entity=managed.id).exclude(
        type=status or None,
    ).delete()
    if status:
        Relation.objects.safe_get_or_create(
            user=user, subject_entity=c, type=RelationType.objects.get(pk=status), object_entity=managed,
        )


def _set_addresses(c, items):
    existing = [a for a in (c.billing_address, c.shipping_address) if a is not None]
    existing_ids = {a.id for a in existing}
    others = [a for a in Address.objects.filter(object_id=c.id).order_by('id') if a.id not in existing_ids]

    def fill(a, item):
        a.name = item.get('type', '')
        a.address = item.get('street', '')
        a.po_box = item.get('extended', '')
        a.city = item.get('city', '')
        a.state = item.get('region', '')
        a.zipcode = item.get('postalCode', '')
        # Creme keeps a country name only; a country code alone stands in for it.
        a.country = (item.get('country') or item.get('countryCode') or '')[:40]
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


def apply(user, c, fields: dict, labels: ContactLabels):
    """Writes cleaned fields (see `clean_input`) into contact `c` (saved by the caller)."""
    if 'firstName' in fields:
        c.first_name = (fields['firstName'] or '')[:100]
    if 'lastName' in fields:
        c.last_name = (fields['lastName'] or '')[:100]
    if 'prefix' in fields:
        c.civility = _civility(fields['prefix']) if fields['prefix'] else None
    if 'notes' in fields:
        c.description = fields['notes'] or ''
    if 'birthday' in fields:
        c.birthday = _parse_birthday(fields['birthday'], 'contact') if fields['birthday'] else None
    if 'title' in fields:
        title = (fields['title'] or '').strip()
        position = Position.objects.filter(title__iexact=title).order_by('id').first() if title else None
        c.position = position
        c.full_position = '' if position else title[:500]
    if 'emails' in fields:
        items = fields['emails']
        first = next((e for e in items if e.get('primary')), items[0] if items else None)
        c.email = first['value'][:254] if first else ''
        labels.email = first.get('type', '') if first else ''
    if 'phones' in fields:
        items = list(fields['phones'])
        mobile = next((p for p in items if p.get('type', '').lower() == 'mobile'), None)
        rest = [p for p in items if p is not mobile]
        phone = rest.pop(0) if rest else None
        if mobile is None and rest:
            mobile = rest.pop(0)
        c.phone = phone['value'][:100] if phone else ''
        labels.phone = phone.get('type', '') if phone else ''
        c.mobile = mobile['value'][:100] if mobile else ''
        labels.mobile = mobile.get('type', '') if mobile else ''


@transaction.atomic
def save(user, c, fields: dict):
    """Applies and saves `fields` on `c` (new when `c.pk` is None), with what hangs off it."""
    labels = ContactLabels.objects.filter(contact=c.pk).first() if c.pk else None
    labels = labels or ContactLabels()
    apply(user, c, fields, labels)
    if not c.last_name and not c.first_name:
        # Creme requires a last name; a Google contact may have only a company or an email.
        fallback = fields.get('company') or next((e['value'] for e in fields.get('emails') or []), '')
        c.last_name = (fallback or '?')[:100]
    c.save()
    if 'addresses' in fields:
        _set_addresses(c, fields['addresses'])
    if 'company' in fields:
        _set_employer(user, c, fields['company'] or '')
    if 'status' in fields:
        _set_status(user, c, fields['status'] or '')
    labels.contact = c
    labels.save()
    # The related writes above bumped `modified` through the signals; read the final row.
    c.save()
    return contacts_queryset().get(pk=c.pk)

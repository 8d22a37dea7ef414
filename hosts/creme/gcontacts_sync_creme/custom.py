"""Creme's custom fields of contacts ⇄ the host contract's `customFields` and `custom`
(docs/hosts.md, "Capabilities").

Every custom field of the Contact type that is not deleted is declared, keyed by its uuid and
labelled by its name, when its type has a counterpart:

| Creme                     | contract | the value as text                                      |
|---------------------------|----------|--------------------------------------------------------|
| Integer                   | number   | "42"                                                   |
| Decimal                   | number   | "12.5" (Creme keeps at most 2 decimal places)          |
| Boolean (Yes/No)          | choice   | "Yes" or "No"                                          |
| Short string, Long text   | text     | as stored                                              |
| URL (link)                | url      | as stored                                              |
| Date                      | date     | "YYYY-MM-DD"                                           |
| Choice list               | choice   | the choice's label (a list without choices is left out)|
| Date and time             | -        | left out: the contract's types have no time of day     |
| Multiple choice list      | -        | left out: a set of labels has no type in the contract  |

Reading a page of contacts costs a fixed number of queries (the fields, their choices, one per
type of value), never one per contact. Writing goes through Creme's own checks: the custom
field's form field (`CustomField.get_formfield`) and its value column's validators, a choice
must be one of the field's labels, and a required field is never emptied (a contact created
without a value for it is created all the same: refusing it would stop every create from
Google); a refused value names the contact and the field, and nothing of the call is written.
"""

import re
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from creme import persons
from creme.creme_core.models import CustomField, CustomFieldEnumValue, CustomFieldValue

Contact = persons.get_contact_model()

TYPES = {
    CustomField.INT: 'number',
    CustomField.FLOAT: 'number',
    CustomField.BOOL: 'choice',
    CustomField.STR: 'text',
    CustomField.TEXT: 'text',
    CustomField.URL: 'url',
    CustomField.DATE: 'date',
    CustomField.ENUM: 'choice',
}

# A boolean's choices. Not translated: the text is what Google keeps, the same for every user.
YES, NO = 'Yes', 'No'

DATE = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}')

# Ids per `IN (…)` clause, under SQLite's limit on a statement's parameters.
ID_CHUNK = 500


class Declared:
    """One custom field this host syncs: Creme's field and, for a choice list, its choices."""

    def __init__(self, cfield, choices=()):
        self.cfield = cfield
        self.choices = list(choices)

    @property
    def key(self):
        return str(self.cfield.uuid)

    def labels(self):
        if self.cfield.field_type == CustomField.BOOL:
            return [YES, NO]
        return [c.value for c in self.choices]

    def contract(self):
        out = {'key': self.key, 'label': self.cfield.name, 'type': TYPES[self.cfield.field_type]}
        if out['type'] == 'choice':
            out['choices'] = self.labels()
        return out


def declared():
    """The contacts' custom fields this host syncs, in Creme's order (two queries at most)."""
    ct = ContentType.objects.get_for_model(Contact)
    fields = list(
        CustomField.objects.filter(content_type=ct, is_deleted=False, field_type__in=list(TYPES)).order_by('id')
    )
    choices = defaultdict(list)
    enums = [f.id for f in fields if f.field_type == CustomField.ENUM]
    if enums:
        for v in CustomFieldEnumValue.objects.filter(custom_field__in=enums).order_by('id'):
            choices[v.custom_field_id].append(v)
    return [
        Declared(f, choices.get(f.id, ())) for f in fields
        if f.field_type != CustomField.ENUM or choices.get(f.id)
    ]


def capability(fields):
    """`capabilities.customFields`."""
    return [d.contract() for d in fields]


# ---------------------------------------------------------------------------------------------
# Reading


def _text(cfield, value):
    """A stored value as the contract's text."""
    kind = cfield.field_type
    if kind == CustomField.BOOL:
        return YES if value.value else NO
    if kind == CustomField.ENUM:
        return value.value.value
    if kind == CustomField.FLOAT:
        # 12.50 → "12.5", 100.00 → "100".
        return format(value.value.normalize(), 'f')
    if kind == CustomField.DATE:
        return value.value.isoformat()
    return str(value.value)


def values(fields, ids):
    """The custom values of the contacts `ids`, by contact id then key, as text (empty ones
    left out): one query per type of value among `fields`, whatever the number of contacts."""
    out = defaultdict(dict)
    by_class = defaultdict(list)
    for d in fields:
        by_class[d.cfield.value_class].append(d.cfield)
    keys = {d.cfield.id: d for d in fields}
    for value_class, cfields in by_class.items():
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start:start + ID_CHUNK]
            for v in value_class._get_4_entities(chunk, cfields):
                d = keys[v.custom_field_id]
                text = _text(d.cfield, v)
                if text:
                    out[v.entity_id][d.key] = text
    return out


# ---------------------------------------------------------------------------------------------
# Writing


def check_shape(value, where, invalid):
    """`custom` as the contract sends it: an object of texts, by key. `invalid(message, field)`
    builds the error."""
    if not isinstance(value, dict):
        raise invalid(f'{where}: field "custom" must be an object of texts by key', 'custom')
    for key, text in value.items():
        name = f'custom.{key[:60]}'
        if not isinstance(text, str):
            raise invalid(f'{where}: field "{name}" must be a string', name)
        try:
            text.encode('utf-8')
        except UnicodeEncodeError:
            raise invalid(f'{where}: field "{name}" is not valid Unicode text (a lone surrogate)', name)
        if '\x00' in text:
            raise invalid(f'{where}: field "{name}" contains a NUL character', name)
    return dict(value)


def _quote(s, limit=40):
    return repr(s if len(s) <= limit else s[:limit] + '…')


def _messages(e):
    return ' '.join(str(m) for m in e.messages)


def _python(d, text, user):
    """The value Creme stores for `text` in field `d` (None: none), or a ValueError saying why
    Creme refuses it."""
    cfield = d.cfield
    if not text:
        if cfield.is_required:
            raise ValueError('is required in Creme and cannot be emptied')
        return None
    kind = cfield.field_type
    if kind in (CustomField.BOOL, CustomField.ENUM):
        found = next((c for c in d.labels() if c == text), None)
        found = found or next((c for c in d.labels() if c.casefold() == text.casefold()), None)
        if found is None:
            raise ValueError(f'must be one of {", ".join(map(repr, d.labels()))}, not {_quote(text)}')
        if kind == CustomField.BOOL:
            return found == YES
        return next(c.id for c in d.choices if c.value == found)
    if kind == CustomField.DATE and not DATE.fullmatch(text):
        raise ValueError(f'must be a date written YYYY-MM-DD, not {_quote(text)}')
    try:
        value = cfield.get_formfield(None, user=user).clean(text)
        cfield.value_class._meta.get_field('value').run_validators(value)
    except ValidationError as e:
        raise ValueError(f'does not take {_quote(text)}: {_messages(e)}')
    return value


def prepare(user, fields, where, invalid, by_key, contact=None):
    """Turns the cleaned input's `custom` (texts by key) into what `write` stores, checking
    each value as Creme's own forms do; `by_key` is `declared()` by key. A refusal names the
    field and, for an update, the contact; `invalid(message, field, contact)` builds it."""
    texts = fields.get('custom')
    if texts is None:
        return
    out = []
    for key, text in texts.items():
        path = f'{where}.custom.{key[:60]}'
        d = by_key.get(key)
        if d is None:
            raise invalid(f'{where}: Creme has no custom field {_quote(key)} for contacts (deleted meanwhile?)', path, contact)
        try:
            out.append((d.cfield, _python(d, text.strip(), user)))
        except ValueError as e:
            who = f'contact {contact}' if contact else where
            raise invalid(f'{who}: the custom field "{d.cfield.name}" {e}', path, contact)
    fields['custom'] = out


def write(c, prepared):
    """Stores the values `prepare` made on contact `c` (saved): None removes one."""
    for cfield, value in prepared:
        CustomFieldValue.save_values_for_entities(cfield, [c], value)

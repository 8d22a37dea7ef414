"""A contact's tags are its Creme properties (docs/hosts.md, "Tags in Creme").

A tag is the text of a property type (`CremePropertyType.text`, "VIP client"): a contact read
carries the texts of its properties' types as `tags`, and a write of `tags` adds a property of
each type named and not held yet and removes the contact's properties whose type it no longer
names. Names compare without regard to case or surrounding spaces, as Creme's own type texts are
unique that way in practice.

A tag that names no property type is refused, never created: property types are Creme's shared
vocabulary, which only an administrator changes (Configuration → Properties, Creme's
`can_admin`), and a type created from a name typed in one user's sync settings would appear in
every user's property lists. The refusal names the tag and where an administrator creates it.
"""

from creme import persons
from creme.creme_core.models import CremeProperty, CremePropertyType

Contact = persons.get_contact_model()

TEXT_MAX = CremePropertyType._meta.get_field('text').max_length


def key(tag: str) -> str:
    return tag.strip().casefold()


def read(contact_ids) -> dict:
    """The tags of the contacts `contact_ids`, by contact id, each list sorted."""
    out = {}
    for entity, text in CremeProperty.objects.filter(creme_entity__in=contact_ids).values_list(
        'creme_entity_id', 'type__text',
    ):
        out.setdefault(entity, []).append(text)
    return {c: sorted(texts) for c, texts in out.items()}


def clean(value, where, invalid, check_text) -> list:
    """An input's `tags`: an array of strings (None clears), trimmed, without empty ones or
    repeats. `invalid(message, field)` builds the error; `check_text` checks each string."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise invalid(f'{where}: field "tags" must be an array of strings', 'tags')
    out, seen = [], set()
    for i, t in enumerate(value):
        check_text(t, where, f'tags[{i}]')
        t = t.strip()
        if t and key(t) not in seen:
            seen.add(key(t))
            out.append(t)
    return out


def write(c, tags, denied):
    """Gives contact `c` exactly the properties `tags` name: adds those it lacks, removes those
    it holds and `tags` no longer names. `denied(message)` builds the refusal of a tag that names
    no property type a contact may have."""
    wanted = {key(t): t for t in tags}
    held = list(CremeProperty.objects.filter(creme_entity=c.id).select_related('type'))
    held_keys = {key(p.type.text) for p in held}
    missing = [t for k, t in wanted.items() if k not in held_keys]
    types = []
    if missing:
        candidates = CremePropertyType.objects.compatible(Contact).filter(enabled=True).order_by('id')
        by_key = {}
        for ptype in candidates:
            by_key.setdefault(key(ptype.text), ptype)
        for t in missing:
            ptype = by_key.get(key(t))
            if ptype is None:
                raise denied(
                    f'Creme has no type of property "{t[:TEXT_MAX]}" for contacts: an administrator '
                    'creates it in Configuration → Properties, then the tag syncs'
                )
            types.append(ptype)
    for p in held:
        if key(p.type.text) not in wanted:
            p.delete()
    for ptype in types:
        CremeProperty.objects.safe_get_or_create(type=ptype, creme_entity=c)

"""The Creme benchmark's contacts, run by `cargo xtask bench --host creme` in `creme shell`: the
database's contacts (the demo's, not Creme's users') are replaced by contacts owned by root, each
with an email, a phone and about 1 KB of notes, so that Creme holds GCS_BENCH_CONTACTS contacts
with its users' own. At 25,000 they and the Google account's one contact stay within Google's
limit of 25,000 (the two twins are not created): a contact left out for the limit would keep the
plugin's CRM cursor and have every run read the whole change feed again. Two of them share an email
under one family name: the benchmark's Google account holds one contact with that email, which
matches both, and stays undecided through the runs.

Creme's contact is a child table of its entity table, which `bulk_create` does not fill: the
entities are bulk-created, then the contacts' own rows inserted in batches beside them."""

import os

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from creme import persons
from creme.creme_core.models import CremeEntity, CremeUser, Relation

from gcontacts_sync_creme.models import ContactLabels, ContactTombstone

Contact = persons.get_contact_model()
Address = persons.get_address_model()

TWIN_EMAIL = 'twin@bench.example'
WORDS = (
    'call back after the quarterly review; prefers email; met at the trade fair in Lyon; '
    'asked for the new price list and a demo of the reporting module; '
)


def notes(i):
    text = f'Contact {i}: '
    while len(text) < 1000:
        text += WORDS
    return text[:1000]


def person(i):
    if i < 2:
        return f'Twin{i}', 'Twin', TWIN_EMAIL
    return f'Given{i}', 'Family', f'p{i}@bench.example'


def seed(n):
    owner = CremeUser.objects.get(username='root')
    ctype = ContentType.objects.get_for_model(Contact)
    with transaction.atomic():
        old = list(Contact.objects.filter(is_user__isnull=True).values_list('id', flat=True))
        Relation.objects.filter(subject_entity__in=old).delete()
        Relation.objects.filter(object_entity__in=old).delete()
        Address.objects.filter(object__in=old).delete()
        ContactLabels.objects.filter(contact__in=old).delete()
        Contact.objects.filter(id__in=old).delete()
        ContactTombstone.objects.all().delete()
        n -= Contact.objects.filter(is_user__isnull=False).count()
        for start in range(0, n, 1000):
            people = [person(i) for i in range(start, min(n, start + 1000))]
            entities = CremeEntity.objects.bulk_create([
                CremeEntity(
                    entity_type=ctype, user=owner, description=notes(start + k),
                    header_filter_search_field=f'{first} {last}',
                )
                for k, (first, last, _email) in enumerate(people)
            ])
            contacts = []
            for k, (entity, (first, last, email)) in enumerate(zip(entities, people)):
                c = Contact(first_name=first, last_name=last, email=email, phone=f'+33 1 {start + k:08}')
                c.cremeentity_ptr_id = entity.id
                contacts.append(c)
            # The contact table's own columns only: the entity rows exist already.
            Contact.objects.all()._batched_insert(contacts, Contact._meta.local_concrete_fields, batch_size=500)
    if connection.vendor == 'postgresql':
        with connection.cursor() as cursor:
            cursor.execute('ANALYZE')
    print(f'{Contact.objects.filter(is_deleted=False).count()} contacts in Creme')


seed(int(os.environ['GCS_BENCH_CONTACTS']))

"""The host contract's endpoints, as the plugin calls them, against Creme's own models."""

import datetime
import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creme import persons
from creme.creme_core.models import Relation, SetCredentials
from creme.persons import constants as pconst
from creme.persons.models import Civility, Position

from ..models import ContactTombstone, PluginStorage
from ..views import OWNED_BY_ME
from .base import ApiTestCase

Contact = persons.get_contact_model()
Organisation = persons.get_organisation_model()

FULL = {
    'prefix': 'Dr.',
    'firstName': 'Ada',
    'lastName': 'Lovelace',
    'emails': [{'value': 'ada@engine.example', 'type': 'work', 'primary': True}],
    'phones': [{'value': '+44 20 7946 0001', 'type': 'home'}, {'value': '+44 7700 900001', 'type': 'mobile'}],
    'addresses': [
        {'street': '12 St James Sq', 'city': 'London', 'postalCode': 'SW1Y 4JH', 'country': 'United Kingdom', 'type': 'home'},
        {'street': '1 Analytical Way', 'extended': 'PO Box 7', 'city': 'Cambridge', 'region': 'Cambs', 'country': 'UK', 'type': 'work'},
        {'street': '3 Ockham Park', 'city': 'Ockham', 'type': 'other'},
    ],
    'birthday': '1815-12-10',
    'company': 'Analytical Engines Ltd',
    'title': 'Countess of Computation',
    'notes': 'First programmer.',
}


def strip(contact):
    return {k: v for k, v in contact.items() if k not in ('id', 'modifiedAt')}


class AccessTests(ApiTestCase):
    def test_every_endpoint_answers_a_json_401_without_a_session_never_a_redirect(self):
        # A redirect to the login page would reach the page's script as an answer of HTML.
        gets = ('bootstrap', 'contacts_list', 'contacts_changes', 'views', 'statuses')
        posts = ('contacts_get', 'contacts_create', 'contacts_update', 'contacts_remove', 'contacts_restore', 'storage', 'google_token')
        for name in gets + posts:
            url = reverse(f'gcontacts_sync_creme__{name}')
            if name in gets:
                response = self.client.get(url)
            else:
                response = self.client.post(url, data='{"items": [], "ids": []}', content_type='application/json')
            self.assertEqual(response.status_code, 401, name)
            self.assertEqual(response['Content-Type'], 'application/json', name)
            error = response.json()['error']
            self.assertEqual(error['code'], 'UNAUTHENTICATED', name)
            self.assertIn('log in to Creme again', error['message'], name)

    def test_a_session_that_ends_answers_401_to_the_next_call(self):
        self.login_as_root_and_get()
        self.get('statuses')
        self.client.logout()
        self.assertEqual(self.get('statuses', status=401)['error']['code'], 'UNAUTHENTICATED')
        self.assertEqual(self.post('contacts_remove', {'ids': []}, status=401)['error']['code'], 'UNAUTHENTICATED')

    def test_a_post_without_the_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.get_root_user())
        response = client.post(
            reverse('gcontacts_sync_creme__contacts_create'),
            data=json.dumps({'items': [{'lastName': 'Forged'}]}), content_type='application/json',
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Contact.objects.filter(last_name='Forged').exists())

    def test_bootstrap_names_the_instance_the_user_and_what_creme_can_hold(self):
        user = self.login_as_root_and_get()
        boot = self.get('bootstrap')
        self.assertEqual(boot['apiVersion'], 1)
        self.assertTrue(boot['instanceId'].startswith('creme-'))
        self.assertEqual(self.get('bootstrap')['instanceId'], boot['instanceId'], 'the instance id is stable')
        self.assertEqual(boot['user']['id'], str(user.id))
        self.assertEqual(boot['capabilities']['emails'], 1)
        self.assertEqual(boot['capabilities']['phones'], 2)
        self.assertNotIn('middleName', boot['capabilities']['fields'])
        self.assertNotIn('addresses', boot['capabilities'], 'Creme holds any number of addresses')

    def test_bootstrap_gives_the_address_of_a_contacts_page_for_the_preview_to_link_to(self):
        user = self.login_as_root_and_get()
        contact = Contact.objects.create(user=user, first_name='Ada', last_name='Lovelace')
        template = self.get('bootstrap')['contactUrl']
        self.assertIn('{id}', template)
        self.assertEqual(template.replace('{id}', str(contact.id)), contact.get_absolute_url())


class MappingTests(ApiTestCase):
    def test_every_mapped_field_round_trips_through_creme(self):
        self.login_as_root_and_get()
        created = self.create(**FULL)
        self.assertEqual(strip(created), FULL)
        self.assertEqual(strip(self.post('contacts_get', {'ids': [created['id']]})[0]), FULL)

        c = Contact.objects.get(pk=created['id'])
        self.assertEqual((c.first_name, c.last_name), ('Ada', 'Lovelace'))
        self.assertEqual(c.civility, Civility.objects.get(shortcut='Dr.'))
        self.assertEqual(c.email, 'ada@engine.example')
        self.assertEqual((c.phone, c.mobile), ('+44 20 7946 0001', '+44 7700 900001'))
        self.assertEqual(c.billing_address.city, 'London')
        self.assertEqual((c.shipping_address.po_box, c.shipping_address.state), ('PO Box 7', 'Cambs'))
        self.assertEqual([a.city for a in c.other_addresses], ['Ockham'])
        self.assertEqual(c.birthday, datetime.date(1815, 12, 10))
        self.assertEqual(c.full_position, 'Countess of Computation')
        self.assertEqual(c.description, 'First programmer.')
        employer = Relation.objects.get(subject_entity=c.id, type=pconst.REL_SUB_EMPLOYED_BY).real_object
        self.assertEqual(employer.name, 'Analytical Engines Ltd')

    def test_a_known_civility_and_position_are_reused_and_an_existing_company_is_linked(self):
        user = self.login_as_root_and_get()
        # Creme's populate already has it.
        mister = Civility.objects.filter(shortcut='Mr.').order_by('id').first() or Civility.objects.create(title='Mister', shortcut='Mr.')
        ceo = Position.objects.create(title='Chief Executive')
        acme = Organisation.objects.create(user=user, name='Acme')
        created = self.create(lastName='Coyote', prefix='mr', title='chief executive', company='ACME')
        c = Contact.objects.get(pk=created['id'])
        self.assertEqual(c.civility, mister)
        self.assertEqual((c.position, c.full_position), (ceo, ''))
        self.assertEqual(Relation.objects.get(subject_entity=c.id, type=pconst.REL_SUB_EMPLOYED_BY).object_entity_id, acme.id)
        self.assertEqual(Organisation.objects.filter(name__iexact='acme').count(), 1)

    def test_a_birthday_without_a_year_is_kept_without_one(self):
        self.login_as_root_and_get()
        created = self.create(lastName='Noyear', birthday='--02-29')
        self.assertEqual(created['birthday'], '--02-29')

    def test_a_mobile_labelled_phone_goes_to_mobile_whatever_its_place_and_labels_come_back(self):
        self.login_as_root_and_get()
        created = self.create(
            lastName='Phones',
            phones=[{'value': '555 0001', 'type': 'mobile'}, {'value': '555 0002', 'type': 'home'}],
            emails=[{'value': 'a@x.example', 'type': 'home'}],
        )
        c = Contact.objects.get(pk=created['id'])
        self.assertEqual((c.phone, c.mobile), ('555 0002', '555 0001'))
        self.assertEqual(created['phones'], [{'value': '555 0002', 'type': 'home'}, {'value': '555 0001', 'type': 'mobile'}])
        self.assertEqual(created['emails'], [{'value': 'a@x.example', 'type': 'home', 'primary': True}])

    def test_a_phone_the_plugin_flags_primary_is_accepted_and_stored_first(self):
        # The plugin sends the primary item first and flagged; Creme has no flag for phones.
        self.login_as_root_and_get()
        created = self.create(
            lastName='Primary',
            phones=[{'value': '555 0003', 'type': 'work', 'primary': True}, {'value': '555 0004', 'type': 'mobile'}],
        )
        c = Contact.objects.get(pk=created['id'])
        self.assertEqual((c.phone, c.mobile), ('555 0003', '555 0004'))

    def test_an_update_is_a_patch_and_empty_values_clear(self):
        self.login_as_root_and_get()
        created = self.create(**FULL)
        updated = self.post('contacts_update', {'items': [{
            'id': created['id'],
            'fields': {'notes': '', 'company': '', 'phones': [{'value': '555 0100', 'type': 'work'}], 'addresses': []},
        }]})[0]
        self.assertNotIn('notes', updated)
        self.assertNotIn('company', updated)
        self.assertEqual(updated['phones'], [{'value': '555 0100', 'type': 'work'}])
        self.assertEqual(updated['addresses'], [])
        self.assertEqual(updated['firstName'], 'Ada')
        self.assertEqual(updated['emails'], FULL['emails'])
        self.assertGreater(updated['modifiedAt'], created['modifiedAt'])
        c = Contact.objects.get(pk=created['id'])
        self.assertIsNone(c.billing_address)
        self.assertEqual(list(c.other_addresses), [])

    def test_bad_input_is_refused_with_the_field_named_and_nothing_written(self):
        self.login_as_root_and_get()
        before = Contact.objects.count()
        for item, field in [
            ({'lastName': 'A', 'nickname': 'x'}, 'nickname'),
            ({'lastName': 'A', 'birthday': '1999-02-30'}, 'birthday'),
            ({'lastName': 'A', 'emails': [{'type': 'home'}]}, 'emails[0].value'),
            ({'lastName': 'A', 'status': 'VIP'}, 'status'),
        ]:
            error = self.post('contacts_create', {'items': [{'lastName': 'Fine'}, item]}, status=400)['error']
            self.assertEqual(error['code'], 'INVALID')
            self.assertEqual(error['field'], field)
        self.assertEqual(Contact.objects.count(), before)


class StatusTests(ApiTestCase):
    def test_statuses_are_the_relations_to_the_managed_organisation(self):
        user = self.login_as_root_and_get()
        self.assertEqual(
            [s['value'] for s in self.get('statuses')],
            [pconst.REL_SUB_CUSTOMER_SUPPLIER, pconst.REL_SUB_PROSPECT, pconst.REL_SUB_SUSPECT, pconst.REL_SUB_INACTIVE],
        )
        managed = Organisation.objects.filter_managed_by_creme().first() or Organisation.objects.create(
            user=user, name='Us', is_managed=True,
        )
        created = self.create(lastName='Lead', status=pconst.REL_SUB_PROSPECT)
        self.assertEqual(created['status'], pconst.REL_SUB_PROSPECT)
        self.assertTrue(Relation.objects.filter(
            subject_entity=created['id'], type=pconst.REL_SUB_PROSPECT, object_entity=managed.id,
        ).exists())
        updated = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'status': pconst.REL_SUB_CUSTOMER_SUPPLIER}}]})[0]
        self.assertEqual(updated['status'], pconst.REL_SUB_CUSTOMER_SUPPLIER)
        self.assertFalse(Relation.objects.filter(subject_entity=created['id'], type=pconst.REL_SUB_PROSPECT).exists())


class PermissionTests(ApiTestCase):
    def test_a_contact_the_user_may_not_change_is_refused_and_the_batch_writes_nothing(self):
        user = self.limited_user()
        other = self.get_root_user()
        theirs = Contact.objects.create(user=other, last_name='Theirs')
        mine = Contact.objects.create(user=user, last_name='Mine')
        error = self.post('contacts_update', {'items': [
            {'id': str(mine.id), 'fields': {'notes': 'edited'}},
            {'id': str(theirs.id), 'fields': {'notes': 'edited'}},
        ]}, status=403)['error']
        self.assertEqual((error['code'], error['contact']), ('PERMISSION_DENIED', str(theirs.id)))
        self.assertEqual(Contact.objects.get(pk=mine.id).description, '')
        self.assertEqual(Contact.objects.get(pk=theirs.id).description, '')
        # Their own contact alone goes through.
        self.post('contacts_update', {'items': [{'id': str(mine.id), 'fields': {'notes': 'edited'}}]})
        self.assertEqual(Contact.objects.get(pk=mine.id).description, 'edited')

    def test_a_contact_the_user_may_not_delete_is_refused(self):
        self.limited_user()
        theirs = Contact.objects.create(user=self.get_root_user(), last_name='Theirs')
        error = self.post('contacts_remove', {'ids': [str(theirs.id)]}, status=403)['error']
        self.assertEqual(error['contact'], str(theirs.id))
        self.assertFalse(Contact.objects.get(pk=theirs.id).is_deleted)

    def test_reads_show_only_what_the_user_may_view(self):
        user = self.login_as_standard(allowed_apps=['creme_core', 'persons'])
        self.add_credentials(user.role, own='*')
        hidden = Contact.objects.create(user=self.get_root_user(), last_name='Hidden')
        mine = Contact.objects.create(user=user, last_name='Mine')
        self.assertEqual([c['id'] for c in self.post('contacts_get', {'ids': [str(hidden.id), str(mine.id)]})], [str(mine.id)])
        listed = {c['id'] for c in self.get('contacts_list', pageSize=1000)['items']}
        self.assertIn(str(mine.id), listed)
        self.assertNotIn(str(hidden.id), listed)
        fed = {c['id'] for c in self.get('contacts_changes')['items']}
        self.assertNotIn(str(hidden.id), fed)
        error = self.post('contacts_update', {'items': [{'id': str(hidden.id), 'fields': {'notes': 'x'}}]}, status=404)['error']
        self.assertEqual(error['code'], 'NOT_FOUND')


class ListAndFeedTests(ApiTestCase):
    def test_list_pages_through_every_contact_once(self):
        user = self.login_as_root_and_get()
        for i in range(7):
            Contact.objects.create(user=user, last_name=f'Paged {i}')
        seen, token = [], None
        while True:
            page = self.get('contacts_list', pageSize=3, **({'pageToken': token} if token else {}))
            seen += [c['id'] for c in page['items']]
            token = page.get('nextPageToken')
            if not token:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(seen), {str(c.id) for c in Contact.objects.filter(is_deleted=False)})

    def test_views_are_contact_filters_and_owned_by_me_lists_my_contacts(self):
        user = self.login_as_root_and_get()
        views = self.get('views')
        self.assertEqual(views[0], {'id': OWNED_BY_ME, 'name': 'Owned by me'})
        self.assertIn(pconst.FILTER_CONTACT_ME, [v['id'] for v in views])
        other = self.create_user(index=1)
        Contact.objects.create(user=other, last_name='Not mine')
        mine = Contact.objects.create(user=user, last_name='Mine')
        owned = {c['id'] for c in self.get('contacts_list', viewId=OWNED_BY_ME, pageSize=1000)['items']}
        self.assertIn(str(mine.id), owned)
        self.assertTrue(all(Contact.objects.get(pk=i).user_id == user.id for i in owned))
        self.assertEqual(self.get('contacts_list', status=404, viewId='no-such-filter')['error']['code'], 'UNKNOWN_VIEW')

    def test_the_change_feed_follows_edits_addresses_employers_trash_and_deletions(self):
        user = self.login_as_root_and_get()
        a = self.create(lastName='Feed A')
        b = self.create(lastName='Feed B')
        c = self.create(lastName='Feed C')

        def drain(cursor):
            items, deleted = [], []
            while True:
                page = self.get('contacts_changes', **({'cursor': cursor} if cursor else {}))
                items += [i['id'] for i in page['items']]
                deleted += page['deletedIds']
                cursor = page['cursor']
                if not page['more']:
                    return items, deleted, cursor

        items, deleted, cursor = drain(None)
        self.assertTrue({a['id'], b['id'], c['id']} <= set(items))
        self.assertEqual(drain(cursor)[:2], ([], []), 'nothing changed since')

        # An address edited in Creme's own forms (not through the plugin) counts as a change.
        contact_b = Contact.objects.get(pk=b['id'])
        persons.get_address_model().objects.create(owner=contact_b, city='Paris')
        items, deleted, cursor = drain(cursor)
        self.assertEqual(items, [b['id']])

        Relation.objects.create(
            user=user, subject_entity=Contact.objects.get(pk=a['id']), type_id=pconst.REL_SUB_EMPLOYED_BY,
            object_entity=Organisation.objects.create(user=user, name='NewCo'),
        )
        items, deleted, cursor = drain(cursor)
        self.assertEqual(items, [a['id']])
        self.assertEqual(self.post('contacts_get', {'ids': [a['id']]})[0]['company'], 'NewCo')

        self.post('contacts_remove', {'ids': [c['id']]})
        self.assertTrue(Contact.objects.get(pk=c['id']).is_deleted, 'the plugin deletes to the trash')
        items, deleted, cursor = drain(cursor)
        self.assertEqual((items, deleted), ([], [c['id']]))

        Contact.objects.get(pk=a['id']).delete()
        self.assertTrue(ContactTombstone.objects.filter(contact_id=a['id']).exists())
        items, deleted, cursor = drain(cursor)
        self.assertEqual(deleted, [a['id']])

        self.assertEqual(self.get('contacts_changes', status=400, cursor='garbage')['error']['code'], 'INVALID_CURSOR')

    def test_an_update_naming_the_modified_at_it_read_goes_through(self):
        # The plugin keeps times in milliseconds; Creme's have microseconds.
        self.login_as_root_and_get()
        created = self.create(lastName='Fresh')
        self.assertRegex(created['modifiedAt'], r'\.\d{3}Z$')
        self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'notes': 'ok'}, 'ifModifiedAt': created['modifiedAt']}]})

    def test_an_update_with_a_stale_modified_at_is_refused(self):
        self.login_as_root_and_get()
        created = self.create(lastName='Stale')
        fresh = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'notes': 'one'}, 'ifModifiedAt': created['modifiedAt']}]})[0]
        error = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'notes': 'two'}, 'ifModifiedAt': created['modifiedAt']}]}, status=409)['error']
        self.assertEqual((error['code'], error['contact']), ('CONFLICT', created['id']))
        self.assertEqual(self.post('contacts_get', {'ids': [created['id']]})[0]['notes'], 'one')
        self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'notes': 'two'}, 'ifModifiedAt': fresh['modifiedAt']}]})


class StorageTests(ApiTestCase):
    def test_storage_is_per_user(self):
        self.login_as_root_and_get()
        self.assertEqual(self.post('storage', {'op': 'get', 'key': 'k'}), {'value': None})
        self.post('storage', {'op': 'set', 'key': 'k', 'value': 'root value'})
        self.assertEqual(self.post('storage', {'op': 'get', 'key': 'k'}), {'value': 'root value'})
        self.client.logout()
        self.login_as_super(index=2)
        self.assertEqual(self.post('storage', {'op': 'get', 'key': 'k'}), {'value': None})
        self.post('storage', {'op': 'set', 'key': 'k', 'value': 'mine'})
        self.post('storage', {'op': 'remove', 'key': 'k'})
        self.assertEqual(PluginStorage.objects.get(key='k').value, 'root value')


class CompareAndSetTests(ApiTestCase):
    """`storage.compareAndSet`, on which the plugin's lease across devices rests."""

    def cas(self, key, expected, value, status=200):
        return self.post('storage_cas', {'key': key, 'expected': expected, 'value': value}, status=status)

    def test_it_writes_only_over_the_value_expected(self):
        self.login_as_root_and_get()
        self.assertEqual(self.cas('lease', None, 'a'), {'written': True}, 'absent, as expected')
        self.assertEqual(self.cas('lease', None, 'b'), {'written': False}, 'no longer absent')
        self.assertEqual(self.cas('lease', 'x', 'b'), {'written': False})
        self.assertEqual(self.post('storage', {'op': 'get', 'key': 'lease'}), {'value': 'a'})
        self.assertEqual(self.cas('lease', 'a', 'b'), {'written': True})
        self.assertEqual(self.post('storage', {'op': 'get', 'key': 'lease'}), {'value': 'b'})
        self.post('storage', {'op': 'remove', 'key': 'lease'})
        self.assertEqual(self.cas('lease', 'b', 'c'), {'written': False}, 'removed meanwhile')
        self.assertEqual(self.cas('lease', None, 'c'), {'written': True})

    def test_two_devices_claiming_together_one_wins(self):
        """Two sessions of one user read the lease, then both write over what they read: the
        second write finds the first's value, not the one it expected."""
        user = self.login_as_root_and_get()
        other = Client()
        other.force_login(user)
        self.assertEqual(self.post('storage', {'op': 'get', 'key': 'lease'}), {'value': None})
        self.assertEqual(self.post('storage', {'op': 'get', 'key': 'lease'}, client=other), {'value': None})
        self.assertEqual(self.cas('lease', None, 'device A'), {'written': True})
        body = {'key': 'lease', 'expected': None, 'value': 'device B'}
        self.assertEqual(self.post('storage_cas', body, client=other), {'written': False})
        self.assertEqual(PluginStorage.objects.get(key='lease').value, 'device A')

    def test_it_locks_the_row_it_compares(self):
        self.login_as_root_and_get()
        self.cas('lease', None, 'a')
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.cas('lease', 'a', 'b'), {'written': True})
        reads = [
            q['sql'] for q in captured.captured_queries
            if 'pluginstorage' in q['sql'].lower() and q['sql'].lstrip().upper().startswith('SELECT')
        ]
        self.assertEqual(len(reads), 1, captured.captured_queries)
        # SQLite has no FOR UPDATE (its write transactions lock the whole database, and the
        # app's settings start them IMMEDIATE); the databases that have it get it.
        if connection.features.has_select_for_update:
            self.assertIn('FOR UPDATE', reads[0])

    def test_it_is_per_user(self):
        self.login_as_root_and_get()
        self.cas('lease', None, 'root')
        self.client.logout()
        self.login_as_super(index=2)
        self.assertEqual(self.cas('lease', 'root', 'mine'), {'written': False}, "root's row is not this user's")
        self.assertEqual(self.cas('lease', None, 'mine'), {'written': True})
        self.assertEqual(
            sorted(PluginStorage.objects.filter(key='lease').values_list('value', flat=True)), ['mine', 'root'],
        )

    def test_malformed_calls_are_refused(self):
        self.login_as_root_and_get()
        for body in (
            {'key': '', 'expected': None, 'value': 'v'},
            {'key': 'k', 'expected': 3, 'value': 'v'},
            {'key': 'k', 'expected': None, 'value': None},
            {'key': 'k' * 401, 'expected': None, 'value': 'v'},
        ):
            with self.subTest(body=body):
                error = self.post('storage_cas', body, status=400)['error']
                self.assertEqual(error['code'], 'INVALID')
        self.assertFalse(PluginStorage.objects.exists())

    def test_it_needs_a_login(self):
        response = self.client.post(
            reverse('gcontacts_sync_creme__storage_cas'),
            data=json.dumps({'key': 'k', 'expected': None, 'value': 'v'}), content_type='application/json',
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(PluginStorage.objects.exists())

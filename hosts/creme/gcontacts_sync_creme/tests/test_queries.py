"""Reading contacts costs a fixed number of SQL queries per call, whatever the call holds: a query
per contact (its labels, addresses, status, employer, properties) made a page of 1,000 take seconds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from creme.creme_core.models import CremeEntity, CremePropertyType
from creme.persons import constants as pconst

from .. import mapping
from .base import ApiTestCase, Contact, Organisation


def full(name, i):
    """A contact with everything that hangs off one in Creme."""
    return {
        'prefix': 'Dr.',
        'firstName': f'{name} {i}',
        'lastName': 'Paged',
        'emails': [{'value': f'{name.lower()}{i}@paged.example', 'type': 'work'}],
        'phones': [{'value': f'+1 555 01{i:04}', 'type': 'home'}, {'value': f'+1 555 02{i:04}', 'type': 'mobile'}],
        'addresses': [
            {'street': f'{i} Billing St', 'city': 'Lyon', 'type': 'home'},
            {'street': f'{i} Shipping St', 'city': 'Paris', 'type': 'work'},
            {'street': f'{i} Other St', 'city': 'Nice', 'type': 'other'},
        ],
        'company': f'Employer {i % 3}',
        'title': 'Engineer',
        'status': pconst.REL_SUB_PROSPECT,
        'notes': 'n' * 100,
        'tags': ['Paged'],
    }


class QueriesPerCallTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        root = cls.get_root_user()
        if not Organisation.objects.filter_managed_by_creme().exists():
            Organisation.objects.create(user=root, name='Us', is_managed=True)
        CremePropertyType.objects.get_or_create(text='Paged')

        # The writes of `contacts/create`, made once for the class: 10 contacts, then 200.
        def make(name, n):
            return [str(mapping.save(root, Contact(user=root), mapping.clean_input(full(name, i))).id) for i in range(n)]

        cls.small, cls.large = make('Small', 10), make('Large', 200)

    def setUp(self):
        super().setUp()
        self.login_as_root_and_get()

    def counted(self, call):
        with CaptureQueriesContext(connection) as captured:
            result = call()
        return len(captured.captured_queries), result

    def assert_whole(self, contacts, n):
        """The contacts read carry every field that hangs off them, so the count is of a real read."""
        self.assertEqual(len(contacts), n)
        for c in contacts:
            self.assertEqual(len(c['addresses']), 3, c)
            self.assertEqual(len(c['phones']), 2, c)
            self.assertEqual(c['emails'][0]['type'], 'work', c)
            self.assertEqual(c['status'], pconst.REL_SUB_PROSPECT, c)
            self.assertTrue(c['company'].startswith('Employer '), c)
            self.assertEqual(c['tags'], ['Paged'], c)

    def page(self, ids, client=None):
        """`contacts/list` for exactly the contacts `ids` (made one after another)."""
        return self.get('contacts_list', client=client, pageSize=str(len(ids)), pageToken=str(int(ids[0]) - 1))

    def test_a_list_page_of_200_costs_the_queries_of_a_page_of_10(self):
        few, page = self.counted(lambda: self.page(self.small))
        many, page_200 = self.counted(lambda: self.page(self.large))
        self.assert_whole(page['items'], 10)
        self.assert_whole(page_200['items'], 200)
        self.assertEqual(many, few)

    def test_get_of_200_ids_costs_the_queries_of_10(self):
        few, got = self.counted(lambda: self.post('contacts_get', {'ids': self.small}))
        many, got_200 = self.counted(lambda: self.post('contacts_get', {'ids': self.large}))
        self.assert_whole(got, 10)
        self.assert_whole(got_200, 200)
        self.assertEqual(many, few)

    def test_a_change_feed_page_of_200_costs_the_queries_of_a_page_of_10(self):
        def after(contact_id):
            """The feed from just after `contact_id`, as the cursor of a page ending there reads."""
            modified = Contact.objects.get(pk=contact_id).modified.isoformat()
            return self.get('contacts_changes', cursor=f'{modified}|{contact_id}|0')

        few, page = self.counted(lambda: after(self.large[-11]))
        many, page_200 = self.counted(lambda: after(self.small[-1]))
        self.assert_whole(page['items'], 10)
        self.assert_whole(page_200['items'], 200)
        self.assertEqual(many, few)

    def test_a_user_who_may_only_view_pays_no_query_per_contact_either(self):
        self.client.logout()
        self.limited_user()
        few, _page = self.counted(lambda: self.page(self.small))
        many, page_200 = self.counted(lambda: self.page(self.large))
        self.assert_whole(page_200['items'], 200)
        self.assertTrue(all(c['editable'] is False for c in page_200['items']))
        self.assertEqual(many, few)

    def test_the_feed_reads_through_an_index_on_modified_and_id(self):
        table = CremeEntity._meta.db_table
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        self.assertEqual(constraints['gcsync_entity_modified_id']['columns'], ['modified', 'id'])

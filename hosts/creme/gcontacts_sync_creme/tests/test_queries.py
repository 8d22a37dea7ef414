"""Reading contacts costs a fixed number of SQL queries per call, whatever the call holds: a query
per contact (its labels, addresses, status, employer) made a page of 1,000 take seconds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from creme.creme_core.models import CremeEntity
from creme.persons import constants as pconst

from .base import ApiTestCase, Organisation


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
    }


class QueriesPerCallTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.user = self.login_as_root_and_get()
        if not Organisation.objects.filter_managed_by_creme().exists():
            Organisation.objects.create(user=self.user, name='Us', is_managed=True)

    def make(self, name, n):
        ids = []
        for start in range(0, n, 100):
            items = [full(name, i) for i in range(start, min(n, start + 100))]
            ids += [c['id'] for c in self.post('contacts_create', {'items': items})]
        return ids

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

    def page(self, ids, client=None):
        """`contacts/list` for exactly the contacts `ids` (made one after another)."""
        return self.get('contacts_list', client=client, pageSize=str(len(ids)), pageToken=str(int(ids[0]) - 1))

    def test_a_list_page_of_200_costs_the_queries_of_a_page_of_10(self):
        small, large = self.make('Small', 10), self.make('Large', 200)
        few, page = self.counted(lambda: self.page(small))
        many, page_200 = self.counted(lambda: self.page(large))
        self.assert_whole(page['items'], 10)
        self.assert_whole(page_200['items'], 200)
        self.assertEqual(many, few)

    def test_get_of_200_ids_costs_the_queries_of_10(self):
        small, large = self.make('Small', 10), self.make('Large', 200)
        few, got = self.counted(lambda: self.post('contacts_get', {'ids': small}))
        many, got_200 = self.counted(lambda: self.post('contacts_get', {'ids': large}))
        self.assert_whole(got, 10)
        self.assert_whole(got_200, 200)
        self.assertEqual(many, few)

    def test_a_change_feed_page_of_200_more_costs_the_same_queries(self):
        self.make('Small', 10)
        few, page = self.counted(lambda: self.get('contacts_changes'))
        self.make('Large', 200)
        many, page_more = self.counted(lambda: self.get('contacts_changes'))
        self.assertEqual(len(page_more['items']), len(page['items']) + 200)
        self.assert_whole([c for c in page_more['items'] if c['lastName'] == 'Paged'], 210)
        self.assertEqual(many, few)

    def test_a_user_who_may_only_view_pays_no_query_per_contact_either(self):
        small, large = self.make('Small', 10), self.make('Large', 200)
        self.client.logout()
        self.limited_user()
        few, page = self.counted(lambda: self.page(small))
        many, page_200 = self.counted(lambda: self.page(large))
        self.assert_whole(page_200['items'], 200)
        self.assertTrue(all(c['editable'] is False for c in page_200['items']))
        self.assertEqual(many, few)

    def test_the_feed_reads_through_an_index_on_modified_and_id(self):
        table = CremeEntity._meta.db_table
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        self.assertEqual(constraints['gcsync_entity_modified_id']['columns'], ['modified', 'id'])

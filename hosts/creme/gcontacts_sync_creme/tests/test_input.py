"""Malformed input: every one a 400 that says what is wrong, never a 500 (examples, then
property-based tests of every endpoint with Hypothesis)."""

import json

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import django as hypothesis_django

from .base import ApiTestCase, Contact

POSTS = ('contacts_get', 'contacts_create', 'contacts_update', 'contacts_remove', 'storage', 'google_token')
# What the endpoints may answer: never a 5xx (and every answer is JSON).
ANSWERS = {200, 400, 403, 404, 409}

# Any JSON value, a few levels deep, with the strings that trip readers up.
texts = st.one_of(
    st.text(max_size=20),
    st.sampled_from(['', '²', '١٢', '12', '-1', '1e3', ' 7', '99999999999999999999', '--02-30', '1999-02-30',
                     '2024-02-30T00:00:00Z', '0001-01-01T00:00:00+14:00', '\x00', 'nan', 'mobile']),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
# Bodies shaped like the endpoints' own, with anything in their slots.
contact_fields = st.dictionaries(
    st.sampled_from(['lastName', 'firstName', 'prefix', 'birthday', 'status', 'company', 'emails', 'phones',
                     'addresses', 'notes', 'tags', 'nickname', 'custom']),
    json_values, max_size=4,
)
bodies = st.one_of(
    st.fixed_dictionaries({'ids': json_values}),
    st.fixed_dictionaries({'ids': st.lists(texts, max_size=4)}),
    st.fixed_dictionaries({'items': st.lists(contact_fields, max_size=3)}),
    st.fixed_dictionaries({'items': st.lists(st.fixed_dictionaries(
        {'id': json_values | texts, 'fields': contact_fields | json_values, 'ifModifiedAt': json_values | texts},
    ), max_size=3)}),
    st.fixed_dictionaries({'op': st.sampled_from(['get', 'set', 'remove', 'clear']) | texts,
                           'key': json_values | texts, 'value': json_values, 'account': json_values | texts,
                           'accessToken': json_values, 'expiresAt': json_values, 'email': json_values | texts}),
    json_values,
)
queries = st.dictionaries(st.sampled_from(['pageSize', 'pageToken', 'viewId', 'cursor']), texts, max_size=3)
cursors = st.builds(
    lambda t, a, b: f'{t}|{a}|{b}',
    st.sampled_from(['2024-02-30T00:00:00Z', '2024-01-01T00:00:00', '9999-12-31T23:59:59-14:00',
                     '0001-01-01T00:00:00+14:00', '2024-01-01T25:00:00Z', '²']) | texts,
    texts, texts,
)

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class MalformedInputTests(ApiTestCase):
    def post_raw(self, name, raw):
        return self.client.post(reverse(f'gcontacts_sync_creme__{name}'), data=raw, content_type='application/json')

    def assert_400(self, response, words):
        self.assertEqual(response.status_code, 400, response.content)
        error = response.json()['error']
        self.assertEqual(error['code'], 'INVALID')
        self.assertIn(words, error['message'])

    def test_a_body_nested_too_deeply_is_a_400(self):
        self.login_as_root_and_get()
        for depth in (5000, 100000):
            for name in POSTS:
                self.assert_400(self.post_raw(name, '[' * depth + ']' * depth), 'nested too deeply')
                self.assert_400(self.post_raw(name, '{"ids": ' + '[' * depth + ']' * depth + '}'), 'nested too deeply')

    def test_a_body_that_is_not_a_json_object_is_a_400(self):
        self.login_as_root_and_get()
        self.assert_400(self.post_raw('contacts_get', '{"ids": [NaN]}'), 'not JSON')
        self.assert_400(self.post_raw('contacts_get', '{"ids"'), 'not JSON')
        self.assert_400(self.post_raw('contacts_get', '[]'), 'must be a JSON object')

    def test_ids_with_digits_other_than_ascii_ones_are_never_a_500(self):
        # "²".isdigit() is true and int("²") fails; int("١٢") reads 12.
        user = self.login_as_root_and_get()
        c = Contact.objects.create(user=user, last_name='Twelve')
        for odd in ('²', '١٢', f'{c.id}²', ' 1', '99999999999999999999999'):
            self.assertEqual(self.post('contacts_get', {'ids': [odd]}), [], 'an id that cannot be Creme\'s is unknown')
            self.assertEqual(self.post('contacts_remove', {'ids': [odd]}), {})
            error = self.post('contacts_update', {'items': [{'id': odd, 'fields': {}}]}, status=400)['error']
            self.assertIn('digits 0-9', error['message'])
            self.assert_400(self.client.get(reverse('gcontacts_sync_creme__contacts_list'), data={'pageToken': odd}), 'pageToken')
            self.assert_400(self.client.get(reverse('gcontacts_sync_creme__contacts_list'), data={'pageSize': odd}), 'pageSize')

    def test_impossible_dates_in_a_cursor_or_an_update_are_a_400(self):
        self.login_as_root_and_get()
        created = self.create(lastName='Dated')
        for when in ('2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '2024-01-01T00:00:00'):
            response = self.client.get(reverse('gcontacts_sync_creme__contacts_changes'), data={'cursor': f'{when}|0|0'})
            self.assertEqual(response.status_code, 400, when)
            self.assertEqual(response.json()['error']['code'], 'INVALID_CURSOR')
            error = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {}, 'ifModifiedAt': when}]}, status=400)['error']
            self.assertIn('ifModifiedAt', error['message'])
        for cursor in ('2024-01-01T00:00:00Z|²|0', '2024-01-01T00:00:00Z|0|99999999999999999999', 'a|b', '||'):
            response = self.client.get(reverse('gcontacts_sync_creme__contacts_changes'), data={'cursor': cursor})
            self.assertEqual(response.status_code, 400, cursor)

    def test_wrong_types_are_a_400_naming_the_field(self):
        self.login_as_root_and_get()
        for item, field in [
            ({'lastName': {'nested': 'object'}}, 'lastName'),
            ({'lastName': 7}, 'lastName'),
            ({'lastName': 'A', 'emails': {'value': 'a@b.example'}}, 'emails'),
            ({'lastName': 'A', 'phones': [{'value': 5551234}]}, 'phones[0].value'),
            ({'lastName': 'A', 'emails': [{'value': 'a@b.example', 'primary': 'yes'}]}, 'emails[0].primary'),
            ({'lastName': 'A', 'birthday': '20240101'}, 'birthday'),
            ({'lastName': 'A', 'birthday': '--²2-01'}, 'birthday'),
            ({'lastName': 'Nul\x00byte'}, 'lastName'),
            ({'lastName': 'A', 'addresses': [{'city': 'Lone \ud800 surrogate'}]}, 'addresses[0].city'),
        ]:
            error = self.post('contacts_create', {'items': [item]}, status=400)['error']
            self.assertEqual(error['field'], field, item)
        self.assertEqual(self.post('contacts_create', {'items': 'all'}, status=400)['error']['code'], 'INVALID')
        self.assertEqual(self.post('contacts_get', {'ids': [1, 2]}, status=400)['error']['code'], 'INVALID')
        self.assertEqual(self.post('storage', {'op': 'get', 'key': ['k']}, status=400)['error']['code'], 'INVALID')

    def test_an_error_message_stays_short_whatever_the_input(self):
        self.login_as_root_and_get()
        huge = {'lastName': {'x' * 100000: ['y' * 100000]}}
        response = self.post_raw('contacts_create', json.dumps({'items': [huge]}))
        self.assertEqual(response.status_code, 400)
        self.assertLess(len(response.content), 500)

    def test_long_values_are_cut_to_what_creme_keeps(self):
        self.login_as_root_and_get()
        created = self.create(
            lastName='L' * 1000, company='C' * 1000,
            addresses=[{'city': 'c' * 1000, 'postalCode': '9' * 1000, 'type': 't' * 1000}],
            phones=[{'value': '5' * 1000, 'type': 'x' * 1000}],
        )
        c = Contact.objects.get(pk=created['id'])
        self.assertEqual(len(c.last_name), Contact._meta.get_field('last_name').max_length)
        self.assertLessEqual(len(c.billing_address.zipcode), c.billing_address._meta.get_field('zipcode').max_length)


class PropertyTests(hypothesis_django.TestCase, ApiTestCase):
    """Whatever a client sends, an endpoint answers JSON with a 2xx or 4xx status (each example in
    a transaction of its own, rolled back after it)."""

    def check(self, response, what):
        self.assertIn(response.status_code, ANSWERS, f'{what}: {response.content[:300]!r}')
        self.assertEqual(response['Content-Type'], 'application/json', what)
        if response.status_code >= 400:
            error = response.json()['error']
            self.assertTrue(error['code'] and error['message'], what)

    @PROPERTY
    @given(name=st.sampled_from(POSTS), body=bodies)
    def test_any_post_body(self, name, body):
        self.login_as_root_and_get()
        response = self.client.post(
            reverse(f'gcontacts_sync_creme__{name}'), data=json.dumps(body), content_type='application/json',
        )
        self.check(response, f'{name} {body!r}')

    @PROPERTY
    @given(name=st.sampled_from(['contacts_get', 'contacts_remove', 'contacts_update']), ids=st.lists(texts, min_size=1, max_size=3))
    def test_any_ids(self, name, ids):
        self.login_as_root_and_get()
        body = {'items': [{'id': i, 'fields': {}} for i in ids]} if name == 'contacts_update' else {'ids': ids}
        response = self.client.post(
            reverse(f'gcontacts_sync_creme__{name}'), data=json.dumps(body), content_type='application/json',
        )
        self.check(response, f'{name} {ids!r}')

    @PROPERTY
    @given(name=st.sampled_from(['contacts_list', 'contacts_changes', 'views', 'statuses', 'bootstrap']), query=queries)
    def test_any_query(self, name, query):
        self.login_as_root_and_get()
        self.check(self.client.get(reverse(f'gcontacts_sync_creme__{name}'), data=query), f'{name} {query!r}')

    @PROPERTY
    @given(name=st.sampled_from(['pageSize', 'pageToken']), value=texts)
    def test_any_page_parameter(self, name, value):
        self.login_as_root_and_get()
        self.check(self.client.get(reverse('gcontacts_sync_creme__contacts_list'), data={name: value}), f'{name}={value!r}')

    @PROPERTY
    @given(cursor=cursors)
    def test_any_cursor(self, cursor):
        self.login_as_root_and_get()
        response = self.client.get(reverse('gcontacts_sync_creme__contacts_changes'), data={'cursor': cursor})
        self.check(response, cursor)

    @PROPERTY
    @given(raw=st.binary(max_size=64) | st.text(max_size=64).map(lambda s: s.encode('utf-8', 'surrogatepass')))
    def test_any_bytes(self, raw):
        self.login_as_root_and_get()
        response = self.client.post(
            reverse('gcontacts_sync_creme__contacts_create'), data=raw, content_type='application/json',
        )
        self.check(response, repr(raw))

"""The storage limit the app declares (`capabilities.storageMaxValueBytes`) is the one its
storage endpoints keep: a value of that many UTF-8 bytes is stored whole, even one whose JSON
body is twice as long (every character escaped), and a value one byte over it is refused with an
error that says so, storing nothing. The plugin sizes its state's pieces by this number, so a
limit larger than what Creme takes would lose the state, and a smaller one would waste writes."""

import json

from django.test import override_settings
from django.urls import reverse

from ..models import PluginStorage
from .base import ApiTestCase


class StorageLimitTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.login_as_root_and_get()

    def send(self, name, body, status=200):
        """A POST as the browser sends it: JSON.stringify leaves non-ASCII characters as they are
        (UTF-8 on the wire) and escapes quotes and backslashes."""
        response = self.client.post(
            reverse(f'gcontacts_sync_creme__{name}'),
            data=json.dumps(body, ensure_ascii=False).encode('utf-8'), content_type='application/json',
        )
        self.assertEqual(response.status_code, status, response.content[:300])
        return response.json()

    def declared(self):
        return self.get('bootstrap')['capabilities']['storageMaxValueBytes']

    def stored(self, key):
        return self.send('storage', {'op': 'get', 'key': key})['value']

    def assert_keeps_its_limit(self, limit):
        """A value of `limit` bytes is stored through both endpoints; one of `limit + 1` is refused
        by both, the key keeping what it held."""
        # Quotes: each one byte, two in the body's JSON, the longest body a value of this size makes.
        at_limit = '"' * limit
        self.send('storage', {'op': 'set', 'key': 'state', 'value': at_limit})
        self.assertEqual(self.stored('state'), at_limit)
        # Three bytes a character: the limit counts bytes, not characters.
        euros = '€' * (limit // 3) + 'x' * (limit % 3)
        self.assertEqual(len(euros.encode('utf-8')), limit)
        self.send('storage', {'op': 'set', 'key': 'state', 'value': euros})
        self.assertEqual(self.stored('state'), euros)

        for over in ('"' * (limit + 1), '€' * (limit // 3 + 1)):
            error = self.send('storage', {'op': 'set', 'key': 'state', 'value': over}, status=400)['error']
            self.assertEqual(error['code'], 'INVALID')
            size = len(over.encode('utf-8'))
            self.assertEqual(
                error['message'],
                f'"value" takes {size} bytes, more than the {limit} bytes Creme stores in one value '
                '(storageMaxValueBytes): nothing was stored',
            )
            self.assertEqual(self.stored('state'), euros, 'the refused write left the value as it was')

        # The lease's write takes the same limit.
        self.send('storage', {'op': 'remove', 'key': 'lease'})
        body = {'key': 'lease', 'expected': None, 'value': at_limit + '"'}
        error = self.send('storage_cas', body, status=400)['error']
        self.assertIn(f'more than the {limit} bytes Creme stores in one value', error['message'])
        self.assertFalse(PluginStorage.objects.filter(key='lease').exists(), 'nothing was stored')
        self.assertEqual(self.send('storage_cas', {**body, 'value': at_limit}), {'written': True})
        self.assertEqual(self.stored('lease'), at_limit)

    def test_the_declared_limit_is_what_the_storage_endpoints_keep(self):
        limit = self.declared()
        # Django's default body limit (2.5 MiB), less room for the key and the JSON around it,
        # halved for escaping.
        self.assertEqual(limit, (2_621_440 - 16_384) // 2)
        self.assert_keeps_its_limit(limit)

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=200_000)
    def test_a_smaller_body_limit_lowers_the_declared_limit_with_it(self):
        limit = self.declared()
        self.assertEqual(limit, (200_000 - 16_384) // 2)
        self.assert_keeps_its_limit(limit)

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)
    def test_without_a_body_limit_the_plugins_default_is_declared_and_kept(self):
        limit = self.declared()
        self.assertEqual(limit, 512 * 1024)
        self.assert_keeps_its_limit(limit)

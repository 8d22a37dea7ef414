"""What the app's tests share: calling the endpoints as the plugin does, and users of Creme."""

import json

from django.urls import reverse

from creme import persons
from creme.creme_core.tests.base import CremeTestCase

Contact = persons.get_contact_model()
Organisation = persons.get_organisation_model()


class ApiTestCase(CremeTestCase):
    def post(self, name, body, status=200, client=None):
        response = (client or self.client).post(
            reverse(f'gcontacts_sync_creme__{name}'), data=json.dumps(body), content_type='application/json',
        )
        self.assertEqual(response.status_code, status, response.content)
        return response.json()

    def get(self, name, status=200, client=None, **query):
        response = (client or self.client).get(reverse(f'gcontacts_sync_creme__{name}'), data=query)
        self.assertEqual(response.status_code, status, response.content)
        return response.json()

    def create(self, **fields):
        return self.post('contacts_create', {'items': [fields]})[0]

    def limited_user(self, own_only=True):
        """A user who may view every contact but change and delete only their own."""
        user = self.login_as_standard(
            allowed_apps=['creme_core', 'persons'], creatable_models=[Contact, Organisation],
        )
        self.add_credentials(user.role, all=['VIEW'], own='*')
        return user

"""The contact sync status brick: on every contact's page, closed and naming the contact, with
nothing of the status in the page (the plugin reads it from the user's own sync data when the
user opens the brick); populate puts it there, on an install populated before it too."""

import io

from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from creme.creme_core.models import BrickDetailviewLocation

from ..bricks import ContactSyncStatusBrick
from ..populate import Populator
from .base import ApiTestCase, Contact


def populate():
    """`creme_populate` of this app alone."""
    Populator(0, 'gcontacts_sync_creme', set(), {}, OutputWrapper(io.StringIO()), no_style()).populate()


class StatusBrickTestCase(ApiTestCase):
    def test_a_contacts_page_holds_the_closed_status_brick_naming_the_contact(self):
        user = self.login_as_root_and_get()
        contact = Contact.objects.create(user=user, last_name='Lee')
        html = self.client.get(contact.get_absolute_url()).content.decode()
        self.assertIn('gcsync-status-brick', html)
        self.assertIn(f'data-gcsync-status="{contact.id}"', html)
        self.assertIn('data-gcsync-base="', html)
        # Closed: no `open` attribute, an empty body for the plugin to fill.
        self.assertIn('<details class="gcsync-status" data-gcsync-status', html)
        self.assertIn('<div class="gcsync-status-body"></div>', html)

    def test_populate_adds_the_brick_to_contacts_pages_of_an_install_populated_before_it(self):
        locations = BrickDetailviewLocation.objects.filter(brick_id=ContactSyncStatusBrick.id)
        self.assertEqual(locations.count(), 1, 'the test database was populated with the brick')
        # An install populated by a version without the brick.
        locations.delete()
        populate()
        self.assertEqual(locations.count(), 1)
        self.assertEqual(locations.get().zone, BrickDetailviewLocation.RIGHT)
        # Populated again, it adds nothing.
        populate()
        self.assertEqual(locations.count(), 1)

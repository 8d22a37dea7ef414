"""Upgrades keep data: a database left by an earlier release, with the app's rows in it, takes this
release's migrations without losing a row or a value.

`RELEASES` names, for each release, the app's latest migration then. The test migrates the app
back to it, writes rows as that release did (the plugin's storage is the release's own, from
`tests/fixtures/upgrade/<version>/storage.json`, which the plugin's native tests make and load),
migrates forward to this build's latest migrations and reads every row back. A release adds its
entry here when it is tagged.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import SimpleTestCase

from creme import persons

from ..models import ContactLabels, ContactTombstone, Installation, PluginStorage
from ..views import PLUGIN_ID

APP = 'gcontacts_sync_creme'
RELEASES = {'0.1.0': '0002_tombstone_owner'}
FIXTURES = Path(__file__).resolve().parents[4] / 'tests' / 'fixtures' / 'upgrade'


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


class MigrationsKeepDataTestCase(SimpleTestCase):
    # Schema changes cannot run inside the transaction a TestCase wraps each test in (SQLite),
    # and a TransactionTestCase would empty every table after it (or, to put Creme's rows back,
    # reload a serialized copy that Creme's own fields cannot always read): this test removes
    # the rows it wrote itself and leaves the schema at this build's migrations.
    databases = {'default'}

    def setUp(self):
        self.written = []

    def tearDown(self):
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        for cleanup in reversed(self.written):
            cleanup()
        super().tearDown()

    def test_every_release_database_migrates_forward_with_its_rows(self):
        for version, migration in RELEASES.items():
            with self.subTest(release=version):
                self.check_release(version, migration)

    def check_release(self, version, migration):
        stored = FIXTURES / version / 'storage.json'
        self.assertTrue(stored.is_file(), f'{stored} is missing')
        fixture = json.loads(stored.read_text(encoding='utf-8'))
        self.assertEqual(fixture['plugin'], PLUGIN_ID)

        # Creme's first user, as populate made it: a user of Creme's own cannot be deleted
        # without handing over what Creme made for it (its contact, calendar, history).
        user = get_user_model().objects.order_by('id').first()
        self.assertIsNotNone(user, "the test database has no user: Creme's populate did not run")
        PluginStorage.objects.filter(user=user, plugin=fixture['plugin']).delete()
        contact = persons.get_contact_model().objects.create(user=user, last_name=f'Upgrade {version}')
        self.written.append(contact.delete)
        self.written.append(lambda: Installation.objects.filter(
            instance_id=f'creme-release-{version}').delete())
        self.written.append(lambda: ContactTombstone.objects.filter(contact_id=987654).delete())
        self.written.append(lambda: ContactLabels.objects.filter(contact_id=contact.id).delete())
        self.written.append(lambda: PluginStorage.objects.filter(user=user).delete())

        # The database as the release left it, written through its models.
        old = migrate([(APP, migration)])
        old.get_model(APP, 'PluginStorage').objects.bulk_create([
            old.get_model(APP, 'PluginStorage')(user_id=user.id, plugin=fixture['plugin'], key=k, value=v)
            for k, v in fixture['values'].items()
        ])
        old.get_model(APP, 'Installation').objects.create(instance_id=f'creme-release-{version}')
        old.get_model(APP, 'ContactTombstone').objects.create(contact_id=987654, owner_id=user.id)
        old.get_model(APP, 'ContactLabels').objects.create(
            contact_id=contact.id, email='work', phone='home', mobile='other',
        )

        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        rows = PluginStorage.objects.filter(user=user, plugin=PLUGIN_ID)
        self.assertEqual({r.key: r.value for r in rows}, fixture['values'])
        self.assertTrue(Installation.objects.filter(instance_id=f'creme-release-{version}').exists())
        tombstone = ContactTombstone.objects.get(contact_id=987654)
        self.assertEqual(tombstone.owner_id, user.id)
        labels = ContactLabels.objects.get(contact_id=contact.id)
        self.assertEqual((labels.email, labels.phone, labels.mobile), ('work', 'home', 'other'))

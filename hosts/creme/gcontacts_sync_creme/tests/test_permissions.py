"""Creme's permissions, as a second user with a restricted role meets them: contacts they may not
change are marked so, every write (relations included) checks Creme's rights, and reads tell only
what the user may view."""

from creme.creme_core.models import Relation
from creme.persons import constants as pconst
from creme.persons.models import Civility

from ..actions import SyncContactAction
from ..models import ContactTombstone
from .base import ApiTestCase, Contact, Organisation


class RestrictedUserTestCase(ApiTestCase):
    def restricted(self, all=('VIEW',), own='*', admin=()):
        """A standard user of Accounts and Contacts: `all` on everyone's entities, `own` on theirs."""
        user = self.login_as_standard(
            allowed_apps=['creme_core', 'persons'], admin_4_apps=admin,
            creatable_models=[Contact, Organisation],
        )
        self.add_credentials(user.role, all=list(all) if all else None, own=own)
        return user

    def managed(self):
        return Organisation.objects.filter_managed_by_creme().order_by('id').first() or Organisation.objects.create(
            user=self.get_root_user(), name='Us', is_managed=True,
        )


class ReadOnlyContactTests(RestrictedUserTestCase):
    def test_a_contact_the_user_may_not_change_says_so_with_creme_s_reason(self):
        user = self.restricted()
        theirs = Contact.objects.create(user=self.get_root_user(), last_name='Theirs')
        mine = Contact.objects.create(user=user, last_name='Mine')
        got = {c['id']: c for c in self.post('contacts_get', {'ids': [str(theirs.id), str(mine.id)]})}
        self.assertIs(got[str(theirs.id)]['editable'], False)
        self.assertIn('not change it', got[str(theirs.id)]['readOnlyReason'])
        self.assertIn(str(self.get_root_user()), got[str(theirs.id)]['readOnlyReason'])
        self.assertNotIn('editable', got[str(mine.id)], 'absent: the user may change it')
        self.assertNotIn('readOnlyReason', got[str(mine.id)])
        listed = {c['id']: c for c in self.get('contacts_list', pageSize=1000)['items']}
        self.assertIs(listed[str(theirs.id)]['editable'], False)
        fed = {c['id']: c for c in self.get('contacts_changes')['items']}
        self.assertIs(fed[str(theirs.id)]['editable'], False)

    def test_the_record_button_is_disabled_with_its_reason_on_a_contact_the_user_may_not_change(self):
        user = self.restricted()
        theirs = Contact.objects.create(user=self.get_root_user(), last_name='Theirs')
        mine = Contact.objects.create(user=user, last_name='Mine')
        page = self.client.get(theirs.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn(f'data-gcsync-record-disabled="{theirs.id}"', html)
        self.assertIn('aria-disabled="true"', html)
        self.assertIn(f'aria-describedby="gcsync-record-reason-{theirs.id}"', html)
        self.assertIn('Creme lets you view this contact but not change it', html)
        self.assertNotIn(f'data-gcsync-record="{theirs.id}"', html)
        html = self.client.get(mine.get_absolute_url()).content.decode()
        self.assertIn(f'data-gcsync-record="{mine.id}"', html)
        self.assertNotIn('data-gcsync-record-disabled', html)

    def test_the_list_rows_action_is_disabled_on_a_contact_the_user_may_not_change(self):
        user = self.restricted()
        theirs = SyncContactAction(user, instance=Contact.objects.create(user=self.get_root_user(), last_name='Theirs'))
        self.assertFalse(theirs.is_enabled)
        self.assertIn('not change it', str(theirs.help_text))
        self.assertTrue(SyncContactAction(user, instance=Contact.objects.create(user=user, last_name='Mine')).is_enabled)


class RelationPermissionTests(RestrictedUserTestCase):
    def test_a_status_needs_the_right_to_link_the_contact_and_the_managed_organisation(self):
        user = self.restricted()
        managed = self.managed()  # root's: the user may view it, not link it
        mine = Contact.objects.create(user=user, last_name='Mine')
        error = self.post('contacts_update', {'items': [
            {'id': str(mine.id), 'fields': {'notes': 'written?', 'status': pconst.REL_SUB_PROSPECT}},
        ]}, status=403)['error']
        self.assertEqual((error['code'], error['contact']), ('PERMISSION_DENIED', str(mine.id)))
        self.assertIn('may not link', error['message'])
        self.assertFalse(Relation.objects.filter(subject_entity=mine.id, object_entity=managed.id).exists())
        self.assertEqual(Contact.objects.get(pk=mine.id).description, '', 'the refused call wrote nothing')

    def test_removing_a_status_needs_the_right_to_unlink_both(self):
        user = self.restricted()
        managed = self.managed()
        mine = Contact.objects.create(user=user, last_name='Mine')
        Relation.objects.create(user=self.get_root_user(), subject_entity=mine, type_id=pconst.REL_SUB_CUSTOMER_SUPPLIER, object_entity=managed)
        error = self.post('contacts_update', {'items': [{'id': str(mine.id), 'fields': {'status': ''}}]}, status=403)['error']
        self.assertIn('may not unlink', error['message'])
        self.assertTrue(Relation.objects.filter(subject_entity=mine.id, type=pconst.REL_SUB_CUSTOMER_SUPPLIER).exists())

    def test_with_link_and_unlink_rights_on_both_the_status_changes(self):
        user = self.restricted(all=('VIEW', 'LINK', 'UNLINK'))
        managed = self.managed()
        mine = Contact.objects.create(user=user, last_name='Mine')
        Relation.objects.create(user=self.get_root_user(), subject_entity=mine, type_id=pconst.REL_SUB_SUSPECT, object_entity=managed)
        updated = self.post('contacts_update', {'items': [{'id': str(mine.id), 'fields': {'status': pconst.REL_SUB_PROSPECT}}]})[0]
        self.assertEqual(updated['status'], pconst.REL_SUB_PROSPECT)

    def test_replacing_an_employer_needs_the_right_to_unlink_it(self):
        user = self.restricted()
        root = self.get_root_user()
        mine = Contact.objects.create(user=user, last_name='Mine')
        acme = Organisation.objects.create(user=root, name='Acme')
        Relation.objects.create(user=root, subject_entity=mine, type_id=pconst.REL_SUB_EMPLOYED_BY, object_entity=acme)
        for company in ('', 'Initech'):
            error = self.post('contacts_update', {'items': [{'id': str(mine.id), 'fields': {'company': company}}]}, status=403)['error']
            self.assertEqual(error['contact'], str(mine.id))
            self.assertIn('may not unlink', error['message'])
        self.assertEqual(self.post('contacts_get', {'ids': [str(mine.id)]})[0]['company'], 'Acme')
        self.assertFalse(Organisation.objects.filter(name='Initech').exists(), 'nothing created by the refused call')

    def test_a_new_contact_is_linked_to_an_organisation_the_user_may_link_or_one_they_create(self):
        user = self.restricted()
        root = self.get_root_user()
        Organisation.objects.create(user=root, name='Globex')  # viewable, not linkable
        created = self.create(lastName='Hired', company='Globex')
        self.assertEqual(created['company'], 'Globex')
        employer = Relation.objects.get(subject_entity=created['id'], type=pconst.REL_SUB_EMPLOYED_BY).real_object
        self.assertEqual(employer.user_id, user.id, 'their own Globex, which they may link')

    def test_the_employers_name_is_given_only_to_a_user_who_may_view_it(self):
        user = self.login_as_standard(allowed_apps=['creme_core', 'persons'], creatable_models=[Contact, Organisation])
        self.add_credentials(user.role, all=['VIEW'], model=Contact)
        self.add_credentials(user.role, own='*')
        root = self.get_root_user()
        secret = Organisation.objects.create(user=root, name='Secret Project')
        theirs = Contact.objects.create(user=root, last_name='Agent')
        Relation.objects.create(user=root, subject_entity=theirs, type_id=pconst.REL_SUB_EMPLOYED_BY, object_entity=secret)
        [got] = self.post('contacts_get', {'ids': [str(theirs.id)]})
        self.assertNotIn('company', got)
        self.assertNotIn('Secret Project', str(self.get('contacts_changes')))
        self.client.logout()
        self.login_as_root_and_get()
        self.assertEqual(self.post('contacts_get', {'ids': [str(theirs.id)]})[0]['company'], 'Secret Project')


class CivilityTests(RestrictedUserTestCase):
    def test_a_user_who_may_not_configure_persons_cannot_add_a_civility(self):
        self.restricted()
        before = Civility.objects.count()
        error = self.post('contacts_create', {'items': [{'lastName': 'Prefixed', 'prefix': 'Grand Vizier'}]}, status=403)['error']
        self.assertEqual(error['code'], 'PERMISSION_DENIED')
        self.assertIn('Creme has no civility "Grand Vizier"', error['message'])
        self.assertEqual(Civility.objects.count(), before)
        self.assertFalse(Contact.objects.filter(last_name='Prefixed').exists())
        # An existing one is matched as before.
        mister = Civility.objects.filter(shortcut='Mr.').first() or Civility.objects.create(title='Mister', shortcut='Mr.')
        self.assertEqual(self.create(lastName='Plain', prefix='mr')['prefix'], mister.shortcut)

    def test_an_administrator_of_persons_adds_it(self):
        self.restricted(admin=['persons'])
        self.assertEqual(self.create(lastName='Prefixed', prefix='Grand Vizier')['prefix'], 'Grand Vizier')
        self.assertTrue(Civility.objects.filter(title='Grand Vizier').exists())


class TombstoneTests(RestrictedUserTestCase):
    def deleted_ids(self):
        ids, cursor = [], None
        while True:
            page = self.get('contacts_changes', **({'cursor': cursor} if cursor else {}))
            ids += page['deletedIds']
            cursor = page['cursor']
            if not page['more']:
                return ids

    def test_a_deletion_is_told_only_to_users_who_could_view_the_contact(self):
        user = self.restricted(all=None)  # their own contacts only
        root = self.get_root_user()
        theirs = Contact.objects.create(user=root, last_name='Theirs')
        mine = Contact.objects.create(user=user, last_name='Mine')
        theirs_id, mine_id = str(theirs.id), str(mine.id)
        theirs.delete()
        mine.delete()
        self.assertEqual(ContactTombstone.objects.get(contact_id=theirs_id).owner_id, root.id)
        deleted = self.deleted_ids()
        self.assertIn(mine_id, deleted)
        self.assertNotIn(theirs_id, deleted)
        self.client.logout()
        self.login_as_root_and_get()
        self.assertTrue({mine_id, theirs_id} <= set(self.deleted_ids()))

    def test_a_user_who_may_view_everyones_contacts_hears_of_every_deletion(self):
        self.restricted(all=('VIEW',))
        theirs = Contact.objects.create(user=self.get_root_user(), last_name='Theirs')
        theirs_id = str(theirs.id)
        theirs.delete()
        self.assertIn(theirs_id, self.deleted_ids())

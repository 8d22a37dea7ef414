"""`contacts/restore`: an undo brings the contacts the plugin put in Creme's trash back under
their ids, with Creme's own restore, within the user's rights."""

from .base import ApiTestCase, Contact


class RestoreTests(ApiTestCase):
    def test_a_contact_in_the_trash_comes_back_with_its_id_and_values_and_the_feed_brings_it(self):
        self.login_as_root_and_get()
        made = self.create(firstName='Tess', lastName='Trashed', emails=[{'value': 'tess@trash.example'}])
        cursor = self.get('contacts_changes')['cursor']
        self.post('contacts_remove', {'ids': [made['id']]})
        self.assertTrue(Contact.objects.get(pk=made['id']).is_deleted)
        self.assertEqual(self.post('contacts_get', {'ids': [made['id']]}), [])

        back = self.post('contacts_restore', {'ids': [made['id']]})
        self.assertEqual([c['id'] for c in back], [made['id']])
        self.assertEqual((back[0]['firstName'], back[0]['lastName']), ('Tess', 'Trashed'))
        self.assertEqual([e['value'] for e in back[0]['emails']], ['tess@trash.example'])
        self.assertFalse(Contact.objects.get(pk=made['id']).is_deleted, 'out of the trash')
        self.assertEqual(self.post('contacts_get', {'ids': [made['id']]}), back)
        # Changed since the deletion: the change feed brings it again, as a contact, not deleted.
        fed = self.get('contacts_changes', cursor=cursor)
        self.assertIn(made['id'], [c['id'] for c in fed['items']])
        self.assertNotIn(made['id'], fed['deletedIds'])
        # Asked again, it is answered as it is: restoring twice is no error.
        self.assertEqual([c['id'] for c in self.post('contacts_restore', {'ids': [made['id']]})], [made['id']])

    def test_an_unknown_or_gone_id_is_left_out_and_the_others_restored(self):
        self.login_as_root_and_get()
        kept = self.create(lastName='Kept')
        gone = self.create(lastName='Gone')
        self.post('contacts_remove', {'ids': [kept['id'], gone['id']]})
        # Emptied from the trash: gone for good.
        Contact.objects.get(pk=gone['id']).delete()
        back = self.post('contacts_restore', {'ids': ['999999', gone['id'], 'people/c1', kept['id']]})
        self.assertEqual([c['id'] for c in back], [kept['id']])
        self.assertFalse(Contact.objects.get(pk=kept['id']).is_deleted)
        self.assertFalse(Contact.objects.filter(pk=gone['id']).exists(), 'nothing made for the gone one')

    def test_a_contact_the_user_may_not_change_is_refused_and_nothing_is_restored(self):
        user = self.limited_user()
        root = self.get_root_user()
        theirs = Contact.objects.create(user=root, last_name='Theirs')
        mine = Contact.objects.create(user=user, last_name='Mine')
        theirs.trash()
        mine.trash()
        error = self.post('contacts_restore', {'ids': [str(mine.id), str(theirs.id)]}, status=403)['error']
        self.assertEqual((error['code'], error['contact']), ('PERMISSION_DENIED', str(theirs.id)))
        self.assertIn('may not restore', error['message'])
        self.assertTrue(Contact.objects.get(pk=theirs.id).is_deleted)
        self.assertTrue(Contact.objects.get(pk=mine.id).is_deleted, 'the refused call restores nothing')
        # Their own contact alone comes back.
        self.assertEqual([c['id'] for c in self.post('contacts_restore', {'ids': [str(mine.id)]})], [str(mine.id)])
        self.assertFalse(Contact.objects.get(pk=mine.id).is_deleted)

    def test_malformed_calls_are_refused(self):
        self.login_as_root_and_get()
        for body in ({'ids': 'x'}, {'ids': [1]}, {}):
            with self.subTest(body=body):
                self.assertEqual(self.post('contacts_restore', body, status=400)['error']['code'], 'INVALID')

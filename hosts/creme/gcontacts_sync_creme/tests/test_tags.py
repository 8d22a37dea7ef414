"""A contact's tags are its Creme properties: read as the texts of its properties' types, written
by adding and removing properties of the types named; a tag naming no type is refused."""

from django.urls import reverse

from creme.creme_core.models import CremeProperty, CremePropertyType

from .base import ApiTestCase, Contact, Organisation


class TagsTestCase(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.user = self.login_as_root_and_get()
        self.vip = CremePropertyType.objects.create(text='VIP client')
        self.golf = CremePropertyType.objects.create(text='Plays golf')
        self.for_orgs = CremePropertyType.objects.create(text='Listed company').set_subject_ctypes(Organisation)

    def types_of(self, contact_id):
        return sorted(CremeProperty.objects.filter(creme_entity=contact_id).values_list('type__text', flat=True))

    def test_bootstrap_declares_tags(self):
        caps = self.get('bootstrap')['capabilities']
        self.assertIs(caps['tags'], True)
        self.assertIn('tags', caps['fields'])

    def test_a_contacts_properties_are_read_as_its_tags(self):
        c = Contact.objects.create(user=self.user, last_name='Tagged')
        CremeProperty.objects.create(type=self.vip, creme_entity=c)
        CremeProperty.objects.create(type=self.golf, creme_entity=c)
        bare = Contact.objects.create(user=self.user, last_name='Bare')
        read = {x['id']: x for x in self.post('contacts_get', {'ids': [str(c.id), str(bare.id)]})}
        self.assertEqual(read[str(c.id)]['tags'], ['Plays golf', 'VIP client'])
        self.assertNotIn('tags', read[str(bare.id)], 'a contact without properties has no tags')
        listed = {x['id']: x for x in self.get('contacts_list', pageSize='1000')['items']}
        self.assertEqual(listed[str(c.id)]['tags'], ['Plays golf', 'VIP client'])

    def test_writing_tags_adds_and_removes_properties_of_the_types_named(self):
        created = self.create(lastName='Writer', tags=['vip client '])
        self.assertEqual(created['tags'], ['VIP client'], 'the type is found whatever the case and spaces')
        self.assertEqual(self.types_of(created['id']), ['VIP client'])

        [updated] = self.post('contacts_update', {'items': [
            {'id': created['id'], 'fields': {'tags': ['Plays golf', 'VIP CLIENT']}},
        ]})
        self.assertEqual(updated['tags'], ['Plays golf', 'VIP client'])
        self.assertEqual(self.types_of(created['id']), ['Plays golf', 'VIP client'])

        [updated] = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'tags': ['Plays golf']}}]})
        self.assertEqual(updated['tags'], ['Plays golf'])
        self.assertEqual(self.types_of(created['id']), ['Plays golf'])

        # An update without tags leaves the properties alone; an empty list removes them all.
        self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'notes': 'untouched tags'}}]})
        self.assertEqual(self.types_of(created['id']), ['Plays golf'])
        [updated] = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {'tags': []}}]})
        self.assertNotIn('tags', updated)
        self.assertEqual(self.types_of(created['id']), [])

    def test_a_tag_naming_no_property_type_for_contacts_is_refused_and_nothing_written(self):
        c = self.create(lastName='Refused', tags=['VIP client'])
        for tag in ('Golf partner', 'Listed company'):
            error = self.post('contacts_update', {'items': [
                {'id': c['id'], 'fields': {'notes': 'written?', 'tags': [tag]}},
            ]}, status=403)['error']
            self.assertEqual((error['code'], error['contact']), ('PERMISSION_DENIED', c['id']))
            self.assertIn(f'Creme has no type of property "{tag}" for contacts', error['message'])
            self.assertIn('Configuration → Properties', error['message'])
        self.assertEqual(self.types_of(c['id']), ['VIP client'])
        self.assertEqual(Contact.objects.get(pk=c['id']).description, '')
        self.assertFalse(CremePropertyType.objects.filter(text='Golf partner').exists(), 'no type is created')
        # A create is refused whole: the contact has no id to name yet.
        error = self.post('contacts_create', {'items': [{'lastName': 'Never made', 'tags': ['Golf partner']}]}, status=403)
        self.assertEqual(error['error']['code'], 'PERMISSION_DENIED')
        self.assertFalse(Contact.objects.filter(last_name='Never made').exists())

    def test_a_disabled_type_is_not_added_but_a_held_one_stays(self):
        c = self.create(lastName='Disabled', tags=['Plays golf'])
        CremePropertyType.objects.filter(pk=self.golf.pk).update(enabled=False)
        self.post('contacts_update', {'items': [{'id': c['id'], 'fields': {'tags': ['Plays golf', 'VIP client']}}]})
        self.assertEqual(self.types_of(c['id']), ['Plays golf', 'VIP client'])
        other = self.create(lastName='Other')
        error = self.post('contacts_update', {'items': [{'id': other['id'], 'fields': {'tags': ['Plays golf']}}]}, status=403)
        self.assertEqual(error['error']['code'], 'PERMISSION_DENIED')

    def test_tags_must_be_an_array_of_strings(self):
        c = self.create(lastName='Input')
        for bad in ('VIP client', [1], [None], ['ok\x00']):
            error = self.post('contacts_update', {'items': [{'id': c['id'], 'fields': {'tags': bad}}]}, status=400)['error']
            self.assertEqual(error['code'], 'INVALID')
            self.assertTrue(error['field'].startswith('tags'), error)

    def test_a_property_added_or_removed_in_creme_puts_the_contact_in_the_change_feed(self):
        c = self.create(lastName='Fed')
        cursor = self.drain(None)
        # Creme's own "New properties" form.
        response = self.client.post(
            reverse('creme_core__add_properties', args=(c['id'],)), data={'types': [self.vip.id]},
        )
        self.assertEqual(response.status_code, 200, response.content)
        fed, cursor = self.fed(cursor)
        self.assertEqual([x['id'] for x in fed], [c['id']])
        self.assertEqual(fed[0]['tags'], ['VIP client'])
        # Creme's own removal of one property.
        response = self.client.post(
            reverse('creme_core__remove_property'), data={'ptype_id': self.vip.id, 'entity_id': c['id']},
        )
        self.assertIn(response.status_code, (200, 302), response.content)
        fed, cursor = self.fed(cursor)
        self.assertEqual([x['id'] for x in fed], [c['id']])
        self.assertNotIn('tags', fed[0])

    def drain(self, cursor):
        return self.fed(cursor)[1]

    def fed(self, cursor):
        items = []
        while True:
            page = self.get('contacts_changes', **({'cursor': cursor} if cursor else {}))
            items += page['items']
            cursor = page['cursor']
            if not page['more']:
                return items, cursor

"""Creme's custom fields of contacts as the plugin meets them: declared in the capabilities with
their types, read as text in `custom`, written and cleared through Creme's own checks, an invalid
value refused with the contact and the field named, and a page read at a fixed cost."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creme.creme_core.models import (
    CustomField, CustomFieldBoolean, CustomFieldDate, CustomFieldEnum, CustomFieldEnumValue,
    CustomFieldFloat, CustomFieldInteger, CustomFieldString,
)

from .base import ApiTestCase, Contact, Organisation


class CustomFieldsTestCase(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.user = self.login_as_root_and_get()
        ct = ContentType.objects.get_for_model(Contact)

        def field(name, kind, **kwargs):
            return CustomField.objects.create(content_type=ct, name=name, field_type=kind, **kwargs)

        self.number = field('Customer number', CustomField.INT)
        self.amount = field('Budget', CustomField.FLOAT)
        self.vip = field('VIP', CustomField.BOOL)
        self.code = field('Code', CustomField.STR)
        self.bio = field('Story', CustomField.TEXT)
        self.site = field('Site', CustomField.URL)
        self.met = field('Met on', CustomField.DATE)
        self.source = field('Lead source', CustomField.ENUM)
        self.web = CustomFieldEnumValue.objects.create(custom_field=self.source, value='Web')
        self.fair = CustomFieldEnumValue.objects.create(custom_field=self.source, value='Trade fair')
        # Left out: a time of day, a set of choices, a list with no choice yet, a deleted field,
        # another type of entity's.
        field('Last call', CustomField.DATETIME)
        multi = field('Interests', CustomField.MULTI_ENUM)
        CustomFieldEnumValue.objects.create(custom_field=multi, value='Chess')
        field('Region', CustomField.ENUM)
        field('Old number', CustomField.INT, is_deleted=True)
        CustomField.objects.create(
            content_type=ContentType.objects.get_for_model(Organisation), name='Siret', field_type=CustomField.STR,
        )

    def key(self, cfield):
        return str(cfield.uuid)

    def custom_of(self, contact_id):
        return self.post('contacts_get', {'ids': [contact_id]})[0]['custom']


class DeclarationTests(CustomFieldsTestCase):
    def test_bootstrap_declares_the_contacts_custom_fields_with_their_types(self):
        declared = self.get('bootstrap')['capabilities']['customFields']
        self.assertEqual(declared, [
            {'key': self.key(self.number), 'label': 'Customer number', 'type': 'number'},
            {'key': self.key(self.amount), 'label': 'Budget', 'type': 'number'},
            {'key': self.key(self.vip), 'label': 'VIP', 'type': 'choice', 'choices': ['Yes', 'No']},
            {'key': self.key(self.code), 'label': 'Code', 'type': 'text'},
            {'key': self.key(self.bio), 'label': 'Story', 'type': 'text'},
            {'key': self.key(self.site), 'label': 'Site', 'type': 'url'},
            {'key': self.key(self.met), 'label': 'Met on', 'type': 'date'},
            {'key': self.key(self.source), 'label': 'Lead source', 'type': 'choice', 'choices': ['Web', 'Trade fair']},
        ])

    def test_a_field_deleted_in_creme_is_no_longer_declared(self):
        self.number.is_deleted = True
        self.number.save()
        keys = [f['key'] for f in self.get('bootstrap')['capabilities']['customFields']]
        self.assertNotIn(self.key(self.number), keys)


class ReadTests(CustomFieldsTestCase):
    def test_each_value_reads_as_the_contract_s_text(self):
        c = Contact.objects.create(user=self.user, last_name='Read')
        CustomFieldInteger.objects.create(custom_field=self.number, entity=c, value=4711)
        CustomFieldFloat.objects.create(custom_field=self.amount, entity=c, value=Decimal('1200.50'))
        CustomFieldBoolean.objects.create(custom_field=self.vip, entity=c, value=False)
        CustomFieldString.objects.create(custom_field=self.code, entity=c, value='A-7')
        CustomFieldDate.objects.create(custom_field=self.met, entity=c, value=datetime.date(2024, 2, 29))
        CustomFieldEnum.objects.create(custom_field=self.source, entity=c, value=self.fair)
        self.assertEqual(self.custom_of(str(c.id)), {
            self.key(self.number): '4711',
            self.key(self.amount): '1200.5',
            self.key(self.vip): 'No',
            self.key(self.code): 'A-7',
            self.key(self.met): '2024-02-29',
            self.key(self.source): 'Trade fair',
        })

    def test_a_contact_without_values_reads_an_empty_custom(self):
        c = Contact.objects.create(user=self.user, last_name='Empty')
        self.assertEqual(self.custom_of(str(c.id)), {})

    def test_a_value_set_in_creme_moves_the_contact_into_the_change_feed(self):
        c = Contact.objects.create(user=self.user, last_name='Fed')
        before = Contact.objects.get(pk=c.pk).modified
        CustomFieldInteger.objects.create(custom_field=self.number, entity=c, value=1)
        self.assertGreater(Contact.objects.get(pk=c.pk).modified, before)
        cursor = f'{before.isoformat()}|{c.id}|0'
        fed = {x['id']: x for x in self.get('contacts_changes', cursor=cursor)['items']}
        self.assertEqual(fed[str(c.id)]['custom'], {self.key(self.number): '1'})

    def test_a_choice_renamed_in_creme_moves_the_contacts_that_have_it_into_the_change_feed(self):
        c = Contact.objects.create(user=self.user, last_name='Chose')
        CustomFieldEnum.objects.create(custom_field=self.source, entity=c, value=self.web)
        before = Contact.objects.get(pk=c.pk).modified
        self.web.value = 'Website'
        self.web.save()
        self.assertGreater(Contact.objects.get(pk=c.pk).modified, before)
        cursor = f'{before.isoformat()}|{c.id}|0'
        fed = {x['id']: x for x in self.get('contacts_changes', cursor=cursor)['items']}
        self.assertEqual(fed[str(c.id)]['custom'], {self.key(self.source): 'Website'})


class WriteTests(CustomFieldsTestCase):
    def test_create_and_update_store_every_type_through_creme(self):
        values = {
            self.key(self.number): '42',
            self.key(self.amount): '12.50',
            self.key(self.vip): 'yes',
            self.key(self.code): 'B-12',
            self.key(self.bio): 'Met at the fair.\nLikes chess.',
            self.key(self.site): 'https://example.com/a',
            self.key(self.met): '2023-06-01',
            self.key(self.source): 'Web',
        }
        created = self.create(lastName='Written', custom=values)
        c = Contact.objects.get(pk=created['id'])
        self.assertEqual(c.get_custom_value(self.number).value, 42)
        self.assertEqual(c.get_custom_value(self.amount).value, Decimal('12.50'))
        self.assertIs(c.get_custom_value(self.vip).value, True)
        self.assertEqual(c.get_custom_value(self.source).value, self.web)
        self.assertEqual(c.get_custom_value(self.met).value, datetime.date(2023, 6, 1))
        self.assertEqual(created['custom'], {
            **values, self.key(self.amount): '12.5', self.key(self.vip): 'Yes',
        })

        updated = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {
            'custom': {self.key(self.number): '43', self.key(self.source): 'Trade fair'},
        }}]})[0]
        self.assertEqual(updated['custom'][self.key(self.number)], '43')
        self.assertEqual(updated['custom'][self.key(self.source)], 'Trade fair')
        self.assertEqual(updated['custom'][self.key(self.code)], 'B-12', 'a value not sent is left as it is')
        self.assertGreater(updated['modifiedAt'], created['modifiedAt'])

    def test_an_empty_value_clears_it(self):
        created = self.create(lastName='Cleared', custom={self.key(self.number): '7', self.key(self.vip): 'No'})
        updated = self.post('contacts_update', {'items': [{'id': created['id'], 'fields': {
            'custom': {self.key(self.number): '', self.key(self.vip): ''},
        }}]})[0]
        self.assertEqual(updated['custom'], {})
        self.assertFalse(CustomFieldInteger.objects.filter(entity=created['id']).exists())
        self.assertFalse(CustomFieldBoolean.objects.filter(entity=created['id']).exists())

    def test_an_invalid_value_is_refused_naming_the_contact_and_the_field_and_nothing_is_written(self):
        other = self.create(lastName='Other', custom={self.key(self.code): 'before'})
        c = self.create(lastName='Refused', custom={self.key(self.number): '1'})
        cases = [
            (self.number, 'abc', 'whole number'),
            (self.amount, '1.234', '2 decimal places'),
            (self.source, 'Cold call', "'Web', 'Trade fair'"),
            (self.vip, 'maybe', "'Yes', 'No'"),
            (self.met, '01/06/2023', 'YYYY-MM-DD'),
            (self.met, '2023-02-30', 'valid date'),
            (self.code, 'x' * 101, '100 characters'),
        ]
        for cfield, value, reason in cases:
            with self.subTest(field=cfield.name, value=value):
                error = self.post('contacts_update', {'items': [
                    {'id': other['id'], 'fields': {'notes': 'changed', 'custom': {self.key(self.code): 'after'}}},
                    {'id': c['id'], 'fields': {'firstName': 'Never', 'custom': {self.key(cfield): value}}},
                ]}, status=400)['error']
                self.assertEqual(error['code'], 'INVALID')
                self.assertEqual(error['contact'], c['id'])
                self.assertEqual(error['field'], f'items[1].fields.custom.{self.key(cfield)}')
                self.assertIn(f'custom field "{cfield.name}"', error['message'])
                self.assertIn(reason, error['message'])
        self.assertEqual(self.custom_of(other['id']), {self.key(self.code): 'before'})
        self.assertEqual(Contact.objects.get(pk=other['id']).description, '')
        self.assertEqual(Contact.objects.get(pk=c['id']).first_name, '')
        self.assertEqual(self.custom_of(c['id']), {self.key(self.number): '1'})

    def test_a_create_with_an_invalid_value_names_the_item_and_creates_nothing(self):
        error = self.post('contacts_create', {'items': [
            {'lastName': 'Fine'}, {'lastName': 'Bad', 'custom': {self.key(self.number): '12abc'}},
        ]}, status=400)['error']
        self.assertEqual((error['code'], error['field']), ('INVALID', f'items[1].custom.{self.key(self.number)}'))
        self.assertNotIn('contact', error)
        self.assertFalse(Contact.objects.filter(last_name__in=['Fine', 'Bad']).exists())

    def test_a_required_field_cannot_be_emptied(self):
        c = self.create(lastName='Required', custom={self.key(self.number): '5'})
        self.number.is_required = True
        self.number.save()
        error = self.post('contacts_update', {'items': [
            {'id': c['id'], 'fields': {'custom': {self.key(self.number): ''}}},
        ]}, status=400)['error']
        self.assertIn('required', error['message'])
        self.assertEqual(self.custom_of(c['id']), {self.key(self.number): '5'})

    def test_a_contact_created_without_a_required_field_is_created_all_the_same(self):
        self.number.is_required = True
        self.number.save()
        created = self.create(lastName='From Google', custom={self.key(self.code): 'G-1'})
        self.assertEqual(created['custom'], {self.key(self.code): 'G-1'})

    def test_a_key_creme_does_not_have_is_refused(self):
        c = self.create(lastName='Unknown')
        for key in ['no-such-field', self.key(CustomField.objects.get(name='Last call'))]:
            with self.subTest(key=key):
                error = self.post('contacts_update', {'items': [
                    {'id': c['id'], 'fields': {'custom': {key: '1'}}},
                ]}, status=400)['error']
                self.assertEqual((error['code'], error['contact']), ('INVALID', c['id']))
                self.assertIn('no custom field', error['message'])

    def test_a_malformed_custom_is_a_400(self):
        for custom in [[], 'x', {self.key(self.code): 5}, {self.key(self.code): None}, {self.key(self.code): 'a\x00b'}]:
            with self.subTest(custom=custom):
                error = self.post('contacts_create', {'items': [{'lastName': 'M', 'custom': custom}]}, status=400)['error']
                self.assertEqual(error['code'], 'INVALID')

    def test_a_user_who_may_not_change_the_contact_cannot_set_its_values(self):
        theirs = Contact.objects.create(user=self.user, last_name='Theirs')
        self.client.logout()
        self.limited_user()
        error = self.post('contacts_update', {'items': [
            {'id': str(theirs.id), 'fields': {'custom': {self.key(self.number): '9'}}},
        ]}, status=403)['error']
        self.assertEqual((error['code'], error['contact']), ('PERMISSION_DENIED', str(theirs.id)))
        self.assertFalse(CustomFieldInteger.objects.filter(entity=theirs).exists())


class QueriesTests(CustomFieldsTestCase):
    def test_a_page_of_100_with_values_costs_the_queries_of_a_page_of_5(self):
        ids = []
        for i in range(100):
            c = Contact.objects.create(user=self.user, last_name=f'Paged {i}')
            CustomFieldInteger.objects.create(custom_field=self.number, entity=c, value=i)
            CustomFieldEnum.objects.create(custom_field=self.source, entity=c, value=self.web)
            CustomFieldBoolean.objects.create(custom_field=self.vip, entity=c, value=True)
            ids.append(str(c.id))

        def counted(page):
            with CaptureQueriesContext(connection) as captured:
                got = self.post('contacts_get', {'ids': page})
            for x in got:
                self.assertEqual(x['custom'][self.key(self.source)], 'Web')
                self.assertEqual(x['custom'][self.key(self.vip)], 'Yes')
            return len(captured.captured_queries)

        self.assertEqual(counted(ids), counted(ids[:5]))

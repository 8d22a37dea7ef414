"""Keeps the change feed whole.

The feed reads contacts by their `modified` time. Creme bumps it when the contact row is saved,
but not when one of its addresses, its employer relation, its properties or a custom field's
value change (or a choice it holds is renamed), though all are contact fields to the plugin
(properties are its tags): those bump it here, with a queryset update (no history line, no
signal).
Deleting a contact leaves a tombstone, since Creme keeps no id of what it deleted.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.timezone import now

from creme import persons
from creme.creme_core.models import CremeProperty, CustomField, CustomFieldEnum, CustomFieldEnumValue, Relation
from creme.persons.constants import REL_SUB_EMPLOYED_BY

from .custom import TYPES
from .mapping import STATUS_IDS
from .models import ContactTombstone

Contact = persons.get_contact_model()
Address = persons.get_address_model()


def _touch(contact_id):
    Contact.objects.filter(pk=contact_id).update(modified=now())


@receiver(post_delete, sender=Contact, dispatch_uid='gcontacts_sync_creme-tombstone')
def _tombstone(sender, instance, **kwargs):
    ContactTombstone.objects.create(contact_id=instance.pk, owner_id=instance.user_id)


@receiver(post_save, sender=Address, dispatch_uid='gcontacts_sync_creme-address-saved')
@receiver(post_delete, sender=Address, dispatch_uid='gcontacts_sync_creme-address-deleted')
def _address_changed(sender, instance, **kwargs):
    if instance.object_id:
        _touch(instance.object_id)


@receiver(post_save, sender=Relation, dispatch_uid='gcontacts_sync_creme-relation-saved')
@receiver(post_delete, sender=Relation, dispatch_uid='gcontacts_sync_creme-relation-deleted')
def _relation_changed(sender, instance, **kwargs):
    if instance.type_id == REL_SUB_EMPLOYED_BY or instance.type_id in STATUS_IDS:
        _touch(instance.subject_entity_id)


def _custom_value_changed(sender, instance, **kwargs):
    _touch(instance.entity_id)


# The value classes of the custom fields the plugin syncs (`custom.TYPES`).
for _kind in TYPES:
    _value_class = CustomField(field_type=_kind).value_class
    for _signal, _what in ((post_save, 'saved'), (post_delete, 'deleted')):
        _signal.connect(
            _custom_value_changed, sender=_value_class,
            dispatch_uid=f'gcontacts_sync_creme-custom-{_value_class.__name__}-{_what}',
        )


@receiver(post_save, sender=CustomFieldEnumValue, dispatch_uid='gcontacts_sync_creme-custom-choice-saved')
def _choice_renamed(sender, instance, created, **kwargs):
    """A choice renamed in Creme's configuration changes the value of every contact that has it."""
    if not created:
        chosen = CustomFieldEnum.objects.filter(value=instance.id).values('entity_id')
        Contact.objects.filter(pk__in=chosen).update(modified=now())
@receiver(post_save, sender=CremeProperty, dispatch_uid='gcontacts_sync_creme-property-saved')
@receiver(post_delete, sender=CremeProperty, dispatch_uid='gcontacts_sync_creme-property-deleted')
def _property_changed(sender, instance, **kwargs):
    # Any entity's property: the update touches a contact's row only.
    _touch(instance.creme_entity_id)

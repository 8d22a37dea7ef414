"""Keeps the change feed whole.

The feed reads contacts by their `modified` time. Creme bumps it when the contact row is saved,
but not when one of its addresses, its employer relation or its properties change, though all
are contact fields to the plugin (properties are its tags): those bump it here, with a queryset update (no history line, no signal).
Deleting a contact leaves a tombstone, since Creme keeps no id of what it deleted.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.timezone import now

from creme import persons
from creme.creme_core.models import CremeProperty, Relation
from creme.persons.constants import REL_SUB_EMPLOYED_BY

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


@receiver(post_save, sender=CremeProperty, dispatch_uid='gcontacts_sync_creme-property-saved')
@receiver(post_delete, sender=CremeProperty, dispatch_uid='gcontacts_sync_creme-property-deleted')
def _property_changed(sender, instance, **kwargs):
    # Any entity's property: the update touches a contact's row only.
    _touch(instance.creme_entity_id)

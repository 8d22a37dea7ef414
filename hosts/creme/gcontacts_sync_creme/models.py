"""What the app keeps beside Creme's own tables.

- `Installation`: the stable id of this Creme installation (the host contract's `instanceId`),
  which the plugin writes into every Google contact it links. It must never change, so it is a
  row, not something derived from settings (a rotated SECRET_KEY would change it).
- `PluginStorage`: the plugin's per-user key/value storage (its settings, links and sync state).
  Nothing of the plugin's state lives in the browser.
- `ContactTombstone`: contacts deleted from the database, for the change feed. Creme's history
  keeps a line per deletion, but without the entity's id (the line's foreign key is nulled), so
  it cannot tell the plugin *which* contact went. Each keeps the contact's owner, for Creme's
  credentials to decide who hears of it.
- `ContactLabels`: the labels ("home", "work", ...) of a contact's email, phone and mobile.
  Creme's fields have no label; without this a label set in Google would be lost, and read back
  empty, the plugin would see the CRM clearing it.
"""

import uuid

from django.conf import settings
from django.db import models


def _new_instance_id():
    return f'creme-{uuid.uuid4()}'


class Installation(models.Model):
    instance_id = models.CharField(max_length=64, unique=True, default=_new_instance_id)

    @classmethod
    def current_id(cls) -> str:
        row = cls.objects.order_by('id').first()
        if row is None:
            row = cls.objects.create()
        return row.instance_id


class PluginStorage(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    plugin = models.CharField(max_length=100)
    key = models.CharField(max_length=400)
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=['user', 'plugin', 'key'], name='gcsync_storage_unique_key'),
        ]


class ContactTombstone(models.Model):
    # Not a foreign key: the contact is gone.
    contact_id = models.PositiveIntegerField(db_index=True)
    deleted_at = models.DateTimeField(auto_now_add=True)
    # Who owned the contact: the change feed tells of its deletion only to users whom Creme's
    # credentials let view that owner's contacts (null: unknown, told to everyone).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name='+',
    )


class ContactLabels(models.Model):
    contact = models.OneToOneField(
        settings.PERSONS_CONTACT_MODEL, on_delete=models.CASCADE, related_name='+', primary_key=True,
    )
    email = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    mobile = models.CharField(max_length=100, blank=True)


# What a storage write's request takes besides its value: the key, the JSON around them.
STORAGE_REQUEST_OVERHEAD = 16 * 1024
# The plugin's own default, used when Django accepts bodies of any size.
STORAGE_MAX_VALUE_DEFAULT = 512 * 1024


def storage_max_value_bytes():
    """The longest value the plugin may store (`capabilities.storageMaxValueBytes`): a storage
    write sends its value as a JSON string, which escaping may double, in a body Django refuses
    past DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit = getattr(settings, 'DATA_UPLOAD_MAX_MEMORY_SIZE', None)
    if limit is None:
        return STORAGE_MAX_VALUE_DEFAULT
    return max((limit - STORAGE_REQUEST_OVERHEAD) // 2, 16 * 1024)

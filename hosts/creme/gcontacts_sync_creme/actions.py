"""The contacts list's entries: "Sync Contact(s)" in the selection's Actions menu and "Sync with
Google Contacts" in each row's menu. Their `type` names the handler the app's script registers
with the list view (static/gcontacts_sync_creme/js/gcsync.js); `url` is where the plugin is
served, which the handler loads on first use."""

from django.utils.translation import gettext_lazy as _

from creme import persons
from creme.creme_core.gui.actions import BulkEntityAction, EntityAction

from .mapping import read_only_reason


class SyncContactsAction(BulkEntityAction):
    id = BulkEntityAction.generate_id('gcontacts_sync_creme', 'sync_contacts')
    model = persons.get_contact_model()
    type = 'gcsync-sync-selection'
    url_name = 'gcontacts_sync_creme__plugin'
    label = _('Sync Contact(s)')
    icon = 'relations'
    help_text = _('Sync the selected contacts with Google Contacts, both ways')


class SyncContactAction(EntityAction):
    id = EntityAction.generate_id('gcontacts_sync_creme', 'sync_contact')
    model = persons.get_contact_model()
    type = 'gcsync-sync-one'
    url_name = 'gcontacts_sync_creme__plugin'
    label = _('Sync with Google Contacts')
    icon = 'relations'

    def _get_options(self):
        return {'id': str(self.instance.id)}

    @property
    def is_enabled(self):
        # As the button on the contact's page: only for a contact the user may change.
        return self.user.has_perm_to_view(self.instance) and read_only_reason(self.user, self.instance) is None

    @property
    def help_text(self):
        return read_only_reason(self.user, self.instance) or _('Sync this contact with Google Contacts, both ways')

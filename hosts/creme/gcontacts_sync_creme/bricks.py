from django.utils.translation import gettext_lazy as _

from creme import persons
from creme.creme_core.gui.bricks import SimpleBrick

Contact = persons.get_contact_model()


class GoogleContactsSyncBrick(SimpleBrick):
    """The "Google Contacts Sync" section of "My settings": a place the plugin's settings panel
    mounts into once the section is on screen (the plugin loads then, not before)."""

    id = SimpleBrick.generate_id('gcontacts_sync_creme', 'settings')
    verbose_name = _('Google Contacts Sync')
    template_name = 'gcontacts_sync_creme/bricks/settings.html'
    configurable = False


class ContactSyncStatusBrick(SimpleBrick):
    """The "Google Contacts Sync" brick of a contact's page: the contact's sync status, read by
    the plugin from the user's own sync data when the user opens it (the plugin loads then, not
    with the page). The server renders only the closed section: the status lives in the user's
    plugin storage, which the plugin reads."""

    id = SimpleBrick.generate_id('gcontacts_sync_creme', 'contact_status')
    verbose_name = _('Google Contacts Sync status')
    description = _("The contact's sync with Google Contacts: linked or not, to which Google "
                    "contact, when, and what the last sync changed on it.")
    template_name = 'gcontacts_sync_creme/bricks/status.html'
    # It changes nothing and shows no model: nothing reloads it, and it reloads nothing.
    dependencies = ()
    read_only = True
    target_ctypes = (Contact,)

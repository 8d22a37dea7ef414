from django.utils.translation import gettext_lazy as _

from creme.creme_core.gui.bricks import SimpleBrick


class GoogleContactsSyncBrick(SimpleBrick):
    """The "Google Contacts Sync" section of "My settings": a place the plugin's settings panel
    mounts into once the section is on screen (the plugin loads then, not before)."""

    id = SimpleBrick.generate_id('gcontacts_sync_creme', 'settings')
    verbose_name = _('Google Contacts Sync')
    template_name = 'gcontacts_sync_creme/bricks/settings.html'
    configurable = False

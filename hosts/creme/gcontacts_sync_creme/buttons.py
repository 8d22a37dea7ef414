from django.utils.translation import gettext_lazy as _

from creme import persons
from creme.creme_core.gui.button_menu import Button


class SyncWithGoogleButton(Button):
    id = Button.generate_id('gcontacts_sync_creme', 'sync_with_google')
    verbose_name = _('Sync with Google Contacts')
    description = _('Sync this contact with Google Contacts, both ways')
    template_name = 'gcontacts_sync_creme/buttons/sync.html'

    def get_ctypes(self):
        return (persons.get_contact_model(),)

    def check_permissions(self, *, entity, request):
        super().check_permissions(entity=entity, request=request)
        request.user.has_perm_to_view_or_die(entity)

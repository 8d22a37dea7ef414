from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from creme import persons
from creme.creme_core.gui.button_menu import Button

from .mapping import read_only_reason


class SyncWithGoogleButton(Button):
    id = Button.generate_id('gcontacts_sync_creme', 'sync_with_google')
    verbose_name = _('Sync with Google Contacts')
    description = _('Sync this contact with Google Contacts, both ways')
    template_name = 'gcontacts_sync_creme/buttons/sync.html'

    def get_ctypes(self):
        return (persons.get_contact_model(),)

    def check_permissions(self, *, entity, request):
        """A contact the user may not change cannot be synced from its page: the button is shown
        disabled, with Creme's reason (`button.permission_error` in the template)."""
        super().check_permissions(entity=entity, request=request)
        request.user.has_perm_to_view_or_die(entity)
        reason = read_only_reason(request.user, entity)
        if reason:
            raise PermissionDenied(reason)

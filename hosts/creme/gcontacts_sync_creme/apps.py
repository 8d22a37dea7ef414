from django.utils.translation import gettext_lazy as _

from creme.creme_core.apps import CremeAppConfig


class GContactsSyncConfig(CremeAppConfig):
    default = True
    name = 'gcontacts_sync_creme'
    verbose_name = _('Google Contacts Sync')
    dependencies = ['creme.persons']
    # The app has no entities of its own: no credentials to configure per role.
    credentials = CremeAppConfig.CRED_NONE

    def ready(self):
        super().ready()
        from django.core import checks

        @checks.register(checks.Tags.security)
        def check_opener_policy(**kwargs):
            from django.conf import settings

            if getattr(settings, 'SECURE_CROSS_ORIGIN_OPENER_POLICY', None) == 'same-origin':
                return [checks.Warning(
                    "SECURE_CROSS_ORIGIN_OPENER_POLICY is 'same-origin': the Google sign-in popup "
                    "cannot hand its token back to Creme's page.",
                    hint="Set SECURE_CROSS_ORIGIN_OPENER_POLICY = 'same-origin-allow-popups'.",
                    obj=self.name,
                    id='gcontacts_sync_creme.W001',
                )]
            return []

    def all_apps_ready(self):
        super().all_apps_ready()
        from . import signals  # noqa: F401  (connects the receivers)

    def register_actions(self, action_registry):
        from . import actions

        action_registry.register_bulk_actions(actions.SyncContactsAction)
        action_registry.register_instance_actions(actions.SyncContactAction)

    def register_buttons(self, button_registry):
        from . import buttons

        # Mandatory: on every contact's page without a per-role button configuration.
        button_registry.register_mandatory(buttons.SyncWithGoogleButton, priority=900)

    def register_bricks(self, brick_registry):
        from . import bricks

        brick_registry.register(bricks.ContactSyncStatusBrick)

    def register_creme_config(self, config_registry):
        from . import bricks

        config_registry.register_user_bricks(bricks.GoogleContactsSyncBrick)

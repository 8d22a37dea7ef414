"""`creme creme_populate`: the "Owned by me" contact filter, which the plugin offers as a view, and
the contact sync status brick on contacts' pages. `_populate` runs on every `creme_populate`, so an
install populated before the brick gets it too (each step creates only what is missing)."""

from creme import persons
from creme.creme_core.core.entity_filter import condition_handler, operands, operators
from creme.creme_core.management.commands.creme_populate import BasePopulator
from creme.creme_core.models import BrickDetailviewLocation, EntityFilter

from .bricks import ContactSyncStatusBrick
from .views import OWNED_BY_ME

# After the bricks the persons app puts in the right column of a contact's page.
STATUS_BRICK_ORDER = 600


class Populator(BasePopulator):
    dependencies = ['creme_core', 'persons']

    def _already_populated(self):
        return EntityFilter.objects.filter(pk=OWNED_BY_ME).exists()

    def _populate(self):
        Contact = persons.get_contact_model()
        EntityFilter.objects.smart_update_or_create(
            OWNED_BY_ME, name='Owned by me', model=Contact, is_custom=False,
            conditions=[
                condition_handler.RegularFieldConditionHandler.build_condition(
                    model=Contact,
                    operator=operators.EqualsOperator,
                    field_name='user',
                    values=[operands.CurrentUserOperand.type_id],
                ),
            ],
        )
        BrickDetailviewLocation.objects.create_if_needed(
            brick=ContactSyncStatusBrick, order=STATUS_BRICK_ORDER,
            zone=BrickDetailviewLocation.RIGHT, model=Contact,
        )

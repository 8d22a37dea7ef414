"""`creme gcsync_import FILE --user NAME`: creates contacts from a JSON array of the host
contract's `CrmContactInput` objects (the demo's seed, or any export in that shape), through the
same mapping the plugin writes with. Unknown statuses are dropped."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ... import mapping


class Command(BaseCommand):
    help = 'Creates Creme contacts from a JSON array of CrmContactInput objects.'

    def add_arguments(self, parser):
        parser.add_argument('file')
        parser.add_argument('--user', default='root', help='the owner of the contacts (a username)')

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options['user'])
        except get_user_model().DoesNotExist:
            raise CommandError(f'no user {options["user"]!r}')
        with open(options['file'], encoding='utf-8') as f:
            items = json.load(f)
        if not isinstance(items, list):
            raise CommandError('the file must hold a JSON array')
        with transaction.atomic():
            for n, item in enumerate(items):
                if isinstance(item, dict) and item.get('status') not in mapping.STATUS_IDS:
                    item.pop('status', None)
                try:
                    fields = mapping.clean_input(item, f'[{n}]')
                except mapping.InvalidInput as e:
                    raise CommandError(str(e))
                mapping.save(user, mapping.Contact(user=user), fields)
        self.stdout.write(f'{len(items)} contacts created')

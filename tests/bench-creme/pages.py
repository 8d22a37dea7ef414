"""The Creme benchmark's endpoint timings, run in `creme shell` after seed.py: the plugin's reads
of the whole CRM as root (`contacts/list` by pages of 1,000, `contacts/get` of 500 ids, the change
feed from the start), each page timed with its SQL queries counted, through Django's test client
(no HTTP server, no browser), after one page read to warm up."""

import json
import time

from django.db import connection
from django.test import Client

from creme.creme_core.models import CremeUser

client = Client(HTTP_HOST='localhost')
client.force_login(CremeUser.objects.get(username='root'))
API = '/gcontacts_sync_creme/api/'


def timed(call):
    # Counted as they run: Django's own query log keeps only the last 9,000.
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        response = call()
        ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.content[:300]
    return response.json(), ms, queries


def report(name, pages):
    count = sum(p[0] for p in pages)
    ms = [p[1] for p in pages]
    queries = [p[2] for p in pages]
    print(
        f'{name}: {count} contacts in {len(pages)} calls, {sum(ms) / max(1, count) * 1000:.0f} ms per 1,000 '
        f'contacts (slowest call {max(ms):.0f} ms), {max(queries)} SQL queries per call at most'
    )


def list_pages():
    pages, ids, token = [], [], ''
    while True:
        body, ms, queries = timed(lambda: client.get(API + 'contacts/list', {'pageSize': '1000', 'pageToken': token}))
        pages.append((len(body['items']), ms, queries))
        ids += [c['id'] for c in body['items']]
        token = body.get('nextPageToken')
        if not token:
            return pages, ids


def feed_pages():
    pages, cursor = [], ''
    while True:
        body, ms, queries = timed(lambda: client.get(API + 'contacts/changes', {'cursor': cursor}))
        pages.append((len(body['items']) + len(body['deletedIds']), ms, queries))
        cursor = body['cursor']
        if not body['more']:
            return pages


# The first request of a process imports and caches what Creme loads lazily: not timed.
timed(lambda: client.get(API + 'contacts/list', {'pageSize': '1000'}))
listed, ids = list_pages()
report('contacts/list, pages of 1,000', listed)
got = []
for i in range(0, min(len(ids), 5000), 500):
    body, ms, queries = timed(
        lambda: client.post(API + 'contacts/get', json.dumps({'ids': ids[i:i + 500]}), content_type='application/json'),
    )
    got.append((len(body), ms, queries))
report('contacts/get, 500 ids a call', got)
report('contacts/changes, pages of 500', feed_pages())

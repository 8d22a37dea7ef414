"""The Creme benchmark's request log: a line of JSON per request Creme answers (its method,
path, status, request body size, SQL queries and time), appended to the file GCS_QUERY_LOG names.
xtask copies this module into its Creme project, whose settings add it only when that variable is
set (`cargo xtask bench --host creme`)."""

import json
import os
import time

from django.db import connection


class QueryLog:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = os.environ['GCS_QUERY_LOG']

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        start = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        line = {
            'method': request.method,
            'path': request.path,
            'status': response.status_code,
            'bytes': int(request.META.get('CONTENT_LENGTH') or 0),
            'queries': queries,
            'ms': round((time.perf_counter() - start) * 1000, 1),
        }
        # One write per line, appended: the threads of the development server do not interleave.
        with open(self.path, 'a', encoding='utf-8') as f:
            f.write(json.dumps(line) + '\n')
        return response

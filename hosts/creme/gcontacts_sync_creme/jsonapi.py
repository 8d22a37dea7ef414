"""The endpoints' common shape: the `api` decorator (session, method, JSON body, errors as JSON)
and strict readers of what a request carries.

Every error answers `{"error": {"code", "message", "contact"?, "field"?}}` with a 4xx status, the
codes those of the host contract's refusals (`UNAUTHENTICATED`, `PERMISSION_DENIED`, `NOT_FOUND`,
`CONFLICT`, `INVALID`, …). A malformed request is a 400 that says what is wrong, never a 500.
"""

import datetime
import json
import math
import re

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from creme.creme_core.core.workflow import run_workflow_engine

from . import mapping

# An id Creme gives is a positive decimal number; 18 digits keep it within a 64-bit column.
ID_PATTERN = re.compile(r'[0-9]{1,18}')
UNAUTHENTICATED_MESSAGE = 'Your Creme session has ended: log in to Creme again, then sync again.'


class ApiError(Exception):
    def __init__(self, status, code, message, **data):
        super().__init__(message)
        self.status = status
        self.code = code
        self.data = data


def invalid(message, **data):
    return ApiError(400, 'INVALID', message, **data)


def error_response(status, code, message, **data):
    return JsonResponse({'error': {'code': code, 'message': message, **data}}, status=status)


def _no_constant(name):
    raise ValueError(f'{name} is not a JSON number')


def read_body(request):
    """The request's JSON object. NaN and Infinity (which Python's reader takes) are refused,
    and so is nesting too deep for the reader."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise invalid('the request body is larger than Creme accepts (DATA_UPLOAD_MAX_MEMORY_SIZE)')
    try:
        body = json.loads(raw or b'{}', parse_constant=_no_constant)
    except RecursionError:
        raise invalid('the request body is nested too deeply')
    except ValueError as e:
        raise invalid(f'the request body is not JSON: {e}')
    if not isinstance(body, dict):
        raise invalid('the request body must be a JSON object')
    return body


def api(method):
    """A JSON endpoint: a logged-in user (else a JSON 401, never a redirect to the login page,
    which a script would read as an answer), the method checked (POST also CSRF-checked by
    Django's middleware), the body read, errors as JSON."""
    require = require_POST if method == 'POST' else require_GET

    def wrap(view):
        def inner(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return error_response(401, 'UNAUTHENTICATED', UNAUTHENTICATED_MESSAGE)
            try:
                if method == 'POST':
                    body = read_body(request)
                    # One transaction per call, and Creme's workflows run on what it wrote, as
                    # after any edit in Creme's own forms.
                    with transaction.atomic(), run_workflow_engine(user=request.user):
                        result = view(request, body, *args, **kwargs)
                else:
                    result = view(request, {}, *args, **kwargs)
            except ApiError as e:
                return error_response(e.status, e.code, str(e), **e.data)
            except mapping.InvalidInput as e:
                data = {'field': e.field, 'contact': e.contact}
                return error_response(400, 'INVALID', str(e), **{k: v for k, v in data.items() if v})
            except mapping.Denied as e:
                return error_response(403, 'PERMISSION_DENIED', str(e), **({'contact': e.contact} if e.contact else {}))
            except RecursionError:
                return error_response(400, 'INVALID', 'the request is nested too deeply')
            return JsonResponse(result, safe=False)

        inner.__name__ = view.__name__
        inner.__doc__ = view.__doc__
        return require(inner)

    return wrap


# ---------------------------------------------------------------------------------------------
# Readers


def pk_of(contact_id):
    """The primary key an id names, or None when it cannot be one of Creme's ids. `str.isdigit`
    is not enough: it takes "²" and other digits that `int` refuses or reads."""
    if isinstance(contact_id, str) and ID_PATTERN.fullmatch(contact_id):
        return int(contact_id)
    return None


def count(value, name, default, low, high):
    """A whole number from a query parameter, clamped to [low, high]; absent or empty: default."""
    if value in (None, ''):
        return default
    if not ID_PATTERN.fullmatch(value):
        raise invalid(f'{name} must be a whole number written with the digits 0-9, got {value[:40]!r}')
    return min(max(int(value), low), high)


def page_token(value):
    """A list's page token: the last id of the previous page."""
    if value in (None, ''):
        return 0
    pk = pk_of(value)
    if pk is None:
        raise invalid(f'malformed pageToken {value[:40]!r}: start again without one')
    return pk


def time_of(value):
    """An ISO 8601 time with its offset as an aware UTC datetime, or None when it is not one
    (malformed, an impossible date, no offset, or out of range once in UTC)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        when = parse_datetime(value)
        if when is None or when.utcoffset() is None:
            return None
        return when.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError):
        return None


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def parse_cursor(cursor):
    """A cursor is "<modified ISO time>|<last contact id>|<last tombstone id>": contacts are read
    in (modified, id) order, which no two contacts share, so a page boundary never skips one."""
    if cursor in (None, ''):
        return None, 0, 0
    parts = cursor.split('|')
    if len(parts) == 3:
        when, pk, dead = time_of(parts[0]), pk_of(parts[1]), pk_of(parts[2])
        if None not in (when, pk, dead):
            return when, pk, dead
    raise ApiError(400, 'INVALID_CURSOR', f'malformed cursor {cursor[:80]!r}: start again from null')


def storable_text(value):
    """A string Creme's database can store: no NUL (PostgreSQL refuses it), no lone surrogate."""
    if not isinstance(value, str) or '\x00' in value:
        return False
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def finite_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of the collection: auth, envelope, errors, pagination, retries, pacing.

Modules never build URLs or read envelopes; they call the resource methods at
the bottom of :class:`ExotelClient`. Every fact about the API that the client
relies on is a named constant below, tagged ``[fact-id]`` as in
``docs/api-assumptions.md``, which gives its evidence and the live check that
confirms it.

The API's quirks handled here:

* A call succeeds only when the HTTP status *and* ``response.code`` are 2xx
  and ``status`` is not ``failure``: duplicates come back as HTTP 200 carrying
  ``response.code`` 409, and so may a rate limit (429) or a server error.
* Batch endpoints (destinations, settings) answer 200 or 207 with one envelope
  per item; every item's outcome is returned to the caller, none is swallowed.
  A list item that is a failure stops the read: an incomplete list would make
  an existing entry look absent.
* Lists are paginated through ``metadata.next_page_uri``, followed only on the
  configured host and account, and never in circles; an empty list may have
  no ``metadata`` at all. Codes and numbers may arrive as strings.
* 200 requests per minute per account: a pacer shared by every module run on
  the controller keeps under it, and 429 answers are retried after
  ``Retry-After`` (or a backoff on the scale of the window when there is none).
* A POST whose answer was lost (connection dropped, 5xx) is never repeated
  blind: the collection is re-read first, and the POST is sent again only for
  what is still missing, so a retry can't create a duplicate.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import collections
import json
import random
import re
import time

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # pragma: no cover - exercised only without requests
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

from ansible_collections.exotel.sip_trunking.plugins.module_utils._pacer import build_pacer
from ansible_collections.exotel.sip_trunking.plugins.module_utils._trunk_cache import build_trunk_cache

COLLECTION_VERSION = '1.0.0'
USER_AGENT = 'exotel.sip_trunking/%s (Ansible collection)' % COLLECTION_VERSION

# [regions] The two clusters; a key sent to the wrong one is refused like a bad key.
REGION_URLS = {
    'mumbai': 'https://api.in.exotel.com',
    'singapore': 'https://api.exotel.com',
}

# [rate-limit] 200 requests per minute per account, over a sliding window; error 1030.
RATE_LIMIT_PER_MINUTE = 200
RATE_LIMIT_STATUS = 429
RATE_LIMIT_WINDOW_SECONDS = 60.0
RATE_LIMIT_BACKOFF_FACTOR = 10
# [server-errors] Answers worth another try; reads, PUTs and DELETEs are idempotent.
RETRYABLE_STATUSES = (500, 502, 503, 504)
IDEMPOTENT_METHODS = ('GET', 'PUT', 'DELETE')
MAX_BACKOFF_SECONDS = 20.0
# [duplicate] A duplicate is response.code 409 (inside HTTP 200, live) or HTTP 409, error 1008.
DUPLICATE_STATUS = 409
DUPLICATE_ERROR = 1008
# [trunk-missing] An unknown trunk on a child endpoint: 404/1000, 404/1003 or 403/1003.
NOT_FOUND_STATUS = 404
FORBIDDEN_NOT_FOUND = (403, 1003)
# [auth] HTTP Basic api_key:api_token; a bad key or token (or a key of the other region) is 401 / 1010.
UNAUTHORIZED_STATUS = 401
# [paging] Lists page through metadata.next_page_uri (offset, page_size; 50 by default). A server
# that repeats a page, or pages without end, is stopped instead of followed for ever.
PAGE_SIZE = 50
MAX_PAGES = 2000
ACCOUNT_PATH_RE = re.compile(r'^/v2/accounts/[^/]+(?P<rest>/.*)?$')
# [child-delete] Child rows are deleted through a query parameter, not a path segment.
DELETE_QUERY_PARAMETER = {
    'phone-numbers': 'id',
    'whitelisted-ips': 'id',
    'destination-uris': 'id',
    'credentials': 'id',
    'settings': 'name',
}
# [destination-update] Only priority and weight of a destination can change (PUT by id).
DESTINATION_UPDATE_FIELDS = ('priority', 'weight')
# [number-holder] Which trunk holds a number (shape undocumented: read defensively).
TRUNK_MAPS_PATH = 'trunk-maps'


class ExotelError(Exception):
    """An API or transport failure, with everything a human needs to act on it.

    Never carries the API token or request bodies (which may hold SIP passwords).
    """

    def __init__(self, message, http_status=None, api_code=None, error_message=None,
                 description=None, request_id=None, method=None, path=None, api_status=None):
        super(ExotelError, self).__init__(message)
        self.message = message
        self.http_status = http_status
        # The API's own verdict: response.code, which differs from the HTTP status inside a 200.
        self.api_status = http_status if api_status is None else api_status
        self.api_code = api_code
        self.error_message = error_message
        self.description = description
        self.request_id = request_id
        self.method = method
        self.path = path

    def to_dict(self):
        return {
            'message': self.message,
            'http_status': self.http_status,
            'api_status': self.api_status,
            'api_code': self.api_code,
            'error_message': self.error_message,
            'description': self.description,
            'request_id': self.request_id,
            'method': self.method,
            'path': self.path,
        }


class ExotelDuplicateError(ExotelError):
    """The API says the resource already exists (HTTP 409, or HTTP 200 with response.code 409)."""


class ExotelNotFoundError(ExotelError):
    """The resource is gone: HTTP 404, or the 403/1003 that a missing trunk gives live."""


class ExotelAuthError(ExotelError):
    """401: wrong key/token, or the right key against the wrong region."""


class ExotelResponseLost(ExotelError):
    """A write may or may not have been applied: the connection dropped or the server failed mid-way."""


class ItemResult:
    """Outcome of one item of a batch request (HTTP 200/207 with per-item envelopes)."""

    def __init__(self, request_item, ok, data=None, error=None):
        self.request_item = request_item
        self.ok = ok
        self.data = data
        self.error = error

    def to_dict(self):
        return {'item': self.request_item, 'ok': self.ok, 'data': self.data, 'error': self.error}


class RequestPacer:
    """Sliding-window limiter: at most ``limit`` requests in any ``window`` seconds, per process."""

    def __init__(self, limit=RATE_LIMIT_PER_MINUTE, window=60.0, clock=time.monotonic, sleep=time.sleep):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent = collections.deque()

    def wait(self):
        if not self.limit or self.limit <= 0:
            return
        now = self._clock()
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        if len(self._sent) >= self.limit:
            self._sleep(self._sent[0] + self.window - now)
            now = self._clock()
            self._sent.popleft()
        self._sent.append(now)


class ApiStats:
    """What a task's requests cost, for the result's ``api`` figures and a warning when it waited or retried."""

    def __init__(self):
        self.requests = 0
        self.writes = 0
        self.rate_limited = 0          # answers of 429 (HTTP or inside the envelope)
        self.rate_limit_seconds = 0.0  # slept after answers of 429
        self.retry_seconds = 0.0       # slept before other retries
        self.retried = collections.Counter()   # why: 'HTTP 503', 'connection refused', ...

    def figures(self, paced_seconds):
        return {'requests': self.requests, 'writes': self.writes, 'retries': sum(self.retried.values()),
                'rate_limited': self.rate_limited,
                'waited_seconds': round(paced_seconds + self.rate_limit_seconds + self.retry_seconds, 1)}

    def warning(self, paced_seconds):
        """One line when the task waited on the rate limit or retried, else None."""
        parts = []
        rate_wait = paced_seconds + self.rate_limit_seconds
        if rate_wait >= 1.0 or self.rate_limited:
            text = 'waited %.0f s for the API rate limit' % rate_wait
            if self.rate_limited:
                text += ' (%s of 429)' % _count(self.rate_limited, 'answer')
            parts.append(text)
        others = [(reason, times) for reason, times in sorted(self.retried.items()) if reason != 'HTTP 429']
        if others:
            parts.append('; '.join('retried %s after %s' % (_times(times), reason) for reason, times in others))
        return '; '.join(parts) or None


def _count(number, noun):
    return '%d %s%s' % (number, noun, '' if number == 1 else 's')


def _times(number):
    return {1: 'once', 2: 'twice'}.get(number, '%d times' % number)


def as_int(value):
    """[numeric-types] Codes and numbers may arrive as strings ("409", "1008"); anything else is left as it is."""
    if isinstance(value, bool) or value is None:
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _error_fields(body):
    """Pull (api_status, error_code, message, description) out of an error envelope."""
    response = body.get('response') if isinstance(body, dict) else None
    if isinstance(response, list):
        # A batch answer: report the first failed item.
        response = next((item for item in response if isinstance(item, dict) and not _item_ok(item)), None)
    if not isinstance(response, dict):
        return None, None, None, None
    error = response.get('error_data') or {}
    if not isinstance(error, dict):
        error = {'description': str(error)}
    return as_int(response.get('code')), as_int(error.get('code')), error.get('message'), error.get('description')


# [envelope] {request_id, method, http_code, response: {code, error_data, status, data}}: a call succeeds
# only when the HTTP status, response.code and status all say so (_check, _effective_status).
def _is_2xx(code):
    code = as_int(code)
    return isinstance(code, int) and 200 <= code < 300


def _item_ok(item):
    """One envelope (of a list, a batch, or the whole answer) that says success."""
    return _is_2xx(item.get('code', 200)) and item.get('status', 'success') != 'failure'


def _effective_status(status, parsed):
    """The API's own verdict: inside an HTTP 2xx, response.code says what really happened (409, 429, 503)."""
    if _is_2xx(status) and isinstance(parsed, dict) and isinstance(parsed.get('response'), dict):
        code = as_int(parsed['response'].get('code'))
        if isinstance(code, int):
            return code
    return status


def _normalize_ids(data):
    """[id-strings] Child ids are numeric strings, but some older responses show integers."""
    if isinstance(data, dict) and data.get('id') is not None:
        data = dict(data)
        data['id'] = str(data['id'])
    return data


def _connection_problem(exc):
    """What went wrong with a connection, in a few words, without the exception chain."""
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return 'TLS verification failed (check the certificate, or set validate_certs=false for a test endpoint)'
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'the connection timed out'
    if isinstance(exc, requests.exceptions.Timeout):
        return None
    for marker, problem in (('refused', 'connection refused'), ('Name or service not known', 'host name not found'),
                            ('NameResolutionError', 'host name not found'), ('getaddrinfo', 'host name not found'),
                            ('No route to host', 'no route to host'), ('Network is unreachable', 'network unreachable')):
        if marker in text:
            return problem
    return 'the connection was dropped before an answer came'


def _never_sent(exc):
    """True when the request provably never reached the server (so even a POST may be sent again)."""
    return isinstance(exc, requests.exceptions.ConnectTimeout) or 'NewConnectionError' in repr(exc) \
        or 'refused' in str(exc) or 'NameResolutionError' in repr(exc)


RetryReason = collections.namedtuple('RetryReason', ['failure', 'retry_after', 'rate_limited', 'reason'])


class ExotelClient:
    """HTTP client for the Exotel SIP trunking API (``/v2/accounts/{sid}``)."""

    def __init__(self, account_sid, api_key, api_token, base_url, validate_certs=True, timeout=30,
                 max_retries=5, retry_max_wait=300, rate_limit=RATE_LIMIT_PER_MINUTE,
                 backoff_base=0.5, session=None, sleep=time.sleep, pacer=None, trunk_cache=None):
        if not HAS_REQUESTS:
            raise RuntimeError('the requests library is required')
        self.account_sid = account_sid
        self.base_url = base_url.rstrip('/')
        self.account_path = '/v2/accounts/%s' % account_sid
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_max_wait = retry_max_wait
        self.backoff_base = backoff_base
        self.stats = ApiStats()
        self._sleep = sleep
        # One budget per account for every module run on this controller; pacer='process' (or
        # EXOTEL_PACER=process) selects the old per-process RequestPacer.
        self.pacer = build_pacer(self.base_url, account_sid, rate_limit, RequestPacer, kind=pacer, sleep=sleep)
        self._trunk_cache_kind = trunk_cache
        self._trunk_cache = False  # not built yet: only trunk lookups by name need it
        self._session = session or requests.Session()
        self._secrets = set(s for s in (api_token,) if s)
        credentials = ('%s:%s' % (api_key, api_token)).encode('utf-8')
        self._headers = {
            'Authorization': 'Basic %s' % base64.b64encode(credentials).decode('ascii'),
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
        }

    @property
    def trunk_cache(self):
        """Trunk names resolved from one listing per controller, or None (EXOTEL_TRUNK_CACHE=off: a listing per lookup)."""
        if self._trunk_cache is False:
            self._trunk_cache = build_trunk_cache(self.base_url, self.account_sid, kind=self._trunk_cache_kind)
        return self._trunk_cache

    def warnings(self):
        """What the task should tell about the shared pacer, the trunk cache and its waits."""
        cache = self._trunk_cache or None
        found = [self.pacer.warning, cache.warning if cache else None, self.stats.warning(self.pacer.waited)]
        return [warning for warning in found if warning]

    @property
    def request_count(self):
        return self.stats.requests

    def figures(self):
        """The ``api`` figures of a module result: requests, writes, retries, answers of 429, seconds waited."""
        return self.stats.figures(self.pacer.waited)

    # ------------------------------------------------------------------ secrets

    def register_secret(self, value):
        """Remember a value (e.g. a SIP password) that must never appear in an error."""
        if value:
            self._secrets.add(value)

    def redact(self, text):
        if not isinstance(text, str):
            return text
        for secret in self._secrets:
            text = text.replace(secret, '********')
        return text

    # ---------------------------------------------------------------- transport

    def _url(self, path):
        """The absolute URL of ``path`` on the configured host and account, whatever a next_page_uri says.

        A next_page_uri may be absolute, name another host or another account: only its
        sub-path and query are kept, so credentials never travel to a host or account
        other than the configured one.
        """
        parts = urlsplit(path)
        match = ACCOUNT_PATH_RE.match(parts.path)
        rest = (match.group('rest') or '') if match else '/' + parts.path.lstrip('/')
        return self.base_url + self.account_path + rest + ('?' + parts.query if parts.query else '')

    def _error(self, cls, message, **fields):
        return cls(self.redact(message), **dict((k, self.redact(v)) for k, v in fields.items()))

    def _send(self, method, path, params=None, body=None):
        """One HTTP exchange (after pacing). Returns (status, headers, parsed body or None, raw text)."""
        self.pacer.wait()
        self.stats.requests += 1
        if method != 'GET':
            self.stats.writes += 1
        headers = dict(self._headers)
        data = None
        if body is not None:
            headers['Content-Type'] = 'application/json'
            data = json.dumps(body)
        try:
            response = self._session.request(method, self._url(path), params=params, data=data, headers=headers,
                                             timeout=self.timeout, verify=self.validate_certs)
        finally:
            self.pacer.finished()
        text = response.text
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return response.status_code, response.headers, parsed, text

    def _retry_delay(self, attempt, retry_after=None, rate_limited=False):
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except (TypeError, ValueError):
                pass
        if rate_limited:
            # No Retry-After is documented for the trunk API: back off on the scale of its
            # one-minute window (with default settings the waits add up to more than a minute).
            ceiling = min(RATE_LIMIT_WINDOW_SECONDS, self.backoff_base * RATE_LIMIT_BACKOFF_FACTOR * (2 ** attempt))
        else:
            ceiling = min(MAX_BACKOFF_SECONDS, self.backoff_base * (2 ** attempt))
        return random.uniform(ceiling / 2.0, ceiling)

    def request(self, method, path, params=None, body=None):
        """Send a request, retrying what is safe to retry, and return the decoded envelope.

        Reads, PUTs and DELETEs are idempotent and retried on 5xx and connection
        errors. A POST is retried only when the server provably did not apply it
        (429, or a connection that was never established); otherwise
        :class:`ExotelResponseLost` lets the caller re-read before trying again.
        """
        waited = 0.0
        attempt = 0
        while True:
            envelope, retry = self._exchange(method, path, params, body)
            if retry is None:
                return envelope
            delay = self._retry_delay(attempt, retry.retry_after, retry.rate_limited)
            if attempt >= self.max_retries or waited + delay > self.retry_max_wait:
                raise self._given_up(retry.failure, attempt + 1, waited)
            self.stats.retried[retry.reason] += 1
            if retry.rate_limited:
                self.stats.rate_limit_seconds += delay
            else:
                self.stats.retry_seconds += delay
            self._sleep(delay)
            waited += delay
            attempt += 1

    def _exchange(self, method, path, params, body):
        """One attempt: ``(envelope, None)``, or ``(None, RetryReason)`` when another attempt may follow."""
        try:
            status, headers, parsed, text = self._send(method, path, params, body)
        except requests.exceptions.RequestException as exc:
            failure = self._transport_failure(method, path, exc)
            if method not in IDEMPOTENT_METHODS and not _never_sent(exc):
                raise failure
            return None, RetryReason(failure, None, False, _connection_problem(exc) or 'a timeout')
        effective = _effective_status(status, parsed)
        if effective == RATE_LIMIT_STATUS:
            self.stats.rate_limited += 1
            failure = self._response_error(method, path, status, parsed, text)
            return None, RetryReason(failure, headers.get('Retry-After'), True, 'HTTP 429')
        if effective in RETRYABLE_STATUSES:
            failure = self._response_error(method, path, status, parsed, text)
            if method not in IDEMPOTENT_METHODS:
                raise self._error(ExotelResponseLost, failure.message, http_status=status, api_status=effective,
                                  api_code=failure.api_code, description=failure.description,
                                  request_id=failure.request_id, method=method, path=path)
            return None, RetryReason(failure, None, False, 'HTTP %s' % effective)
        return self._check(method, path, status, parsed, text), None

    @staticmethod
    def _given_up(failure, attempts, waited):
        failure.message = '%s (gave up after %s and %.1f s of waiting)' % (
            failure.message, _count(attempts, 'attempt'), waited)
        failure.args = (failure.message,)
        return failure

    def _transport_failure(self, method, path, exc):
        """A one-line error for a failed connection; str(exc) is never shown (it is a chain of reprs)."""
        problem = _connection_problem(exc)
        if problem is None:
            message = 'Exotel API %s %s: no answer from %s within %s seconds (timeout)' % (
                method, path, self.base_url, self.timeout)
        else:
            message = 'Exotel API %s %s: could not connect to %s: %s' % (method, path, self.base_url, problem)
        return self._error(ExotelResponseLost, message, method=method, path=path)

    def _response_error(self, method, path, status, parsed, text):
        """Build the typed error for a failed answer, readable even for an HTML proxy page."""
        if parsed is None or not isinstance(parsed, dict):
            snippet = ' '.join((text or '').split())[:120]
            return self._error(
                ExotelError,
                'Exotel API %s %s returned HTTP %s with a body that is not the API\'s JSON envelope '
                '(a proxy or gateway error page?): %s' % (method, path, status, snippet or '<empty>'),
                http_status=status, method=method, path=path)
        _api_status, error_code, error_message, description = _error_fields(parsed)
        effective = _effective_status(status, parsed)
        cls = self._error_class(effective, error_code)
        detail = '; '.join(str(p) for p in (error_message, description) if p)
        message = 'Exotel API %s %s failed: HTTP %s, code %s%s%s' % (
            method, path, status, effective, ' (error %s)' % error_code if error_code else '',
            ': %s' % detail if detail else '')
        if cls is ExotelAuthError:
            message += ('. Check api_key and api_token, and that region/api_url is the cluster that '
                        'holds the account: a valid key sent to the wrong region also gets 401')
        elif effective == RATE_LIMIT_STATUS:
            message += '. The API allows 200 requests per minute per account'
        return self._error(cls, message, http_status=status, api_status=effective, api_code=error_code,
                           error_message=error_message,
                           description=description, request_id=parsed.get('request_id'), method=method, path=path)

    @staticmethod
    def _error_class(effective, error_code):
        if effective == DUPLICATE_STATUS or error_code == DUPLICATE_ERROR:
            return ExotelDuplicateError
        if effective == NOT_FOUND_STATUS or (effective, error_code) == FORBIDDEN_NOT_FOUND:
            return ExotelNotFoundError
        if effective == UNAUTHORIZED_STATUS:
            return ExotelAuthError
        return ExotelError

    def _check(self, method, path, status, parsed, text):
        """Accept an answer only when the HTTP status, response.code and status all say success."""
        if status in (400, 422) and isinstance(parsed, dict) and isinstance(parsed.get('response'), list) \
                and method == 'POST':
            # The reference also shows a refused destination batch as HTTP 400 with per-item
            # results ("400/207"): hand the items to batch(), which reports each one.
            return parsed
        if not _is_2xx(status) or not isinstance(parsed, dict):
            raise self._response_error(method, path, status, parsed, text)
        response = parsed.get('response')
        if response is None:
            raise self._error(ExotelError, 'Exotel API %s %s answered HTTP %s without a result (response: %s): %s' % (
                method, path, status, 'null' if 'response' in parsed else 'missing',
                ' '.join((text or '').split())[:160]), http_status=status, method=method, path=path,
                request_id=parsed.get('request_id'))
        if isinstance(response, dict) and not _item_ok(response):
            raise self._response_error(method, path, status, parsed, text)
        return parsed

    # --------------------------------------------------------------- envelopes

    def call(self, method, path, params=None, body=None):
        """A single-object endpoint: return ``response.data``."""
        envelope = self.request(method, path, params=params, body=body)
        response = envelope.get('response')
        if isinstance(response, dict):
            return _normalize_ids(response.get('data'))
        return response

    def list_all(self, path, params=None):
        """Every row of a list endpoint, following ``metadata.next_page_uri`` until it is null.

        A page asked for twice means the server's paging goes in circles; that,
        or more than ``MAX_PAGES`` pages, fails naming the endpoint.
        """
        rows, seen = [], set()
        next_path, next_params = path, dict(params or {})
        while True:
            page = (self._url(next_path), tuple(sorted((next_params or {}).items())))
            if page in seen or len(seen) >= MAX_PAGES:
                raise self._error(ExotelError, 'Exotel API GET %s: the list %s; stopped after %d pages instead of '
                                  'reading for ever' % (path, 'repeats a page already read (next_page_uri %s)' % next_path
                                                        if page in seen else 'has more than %d pages' % MAX_PAGES,
                                                        len(seen)), method='GET', path=path)
            seen.add(page)
            envelope = self.request('GET', next_path, params=next_params)
            rows.extend(self._rows(path, envelope))
            next_uri = (envelope.get('metadata') or {}).get('next_page_uri')
            if not next_uri:
                return rows
            # next_page_uri carries its own query string (offset, page_size, filters).
            next_path, next_params = next_uri, None

    def _rows(self, path, envelope):
        # [empty-list] An empty list may be "response": [] without any metadata.
        response = envelope.get('response')
        if isinstance(response, dict):
            # Older single-object shape (e.g. the first GET /credentials form).
            data = response.get('data')
            if isinstance(data, list):
                return [_normalize_ids(row) for row in data if isinstance(row, dict)]
            return [_normalize_ids(data)] if data else []
        rows = []
        for item in response or []:
            if not isinstance(item, dict):
                continue
            if 'data' not in item and 'status' not in item:
                rows.append(_normalize_ids(item))
            elif not _item_ok(item):
                raise self._unreadable_item(path, item)
            elif item.get('data') is not None:
                rows.append(_normalize_ids(item['data']))
        return rows

    def _unreadable_item(self, path, item):
        """A failed entry in a list: acting on the rest would take that entry for absent."""
        error = item.get('error_data') if isinstance(item.get('error_data'), dict) else {}
        return self._error(ExotelError, 'Exotel API GET %s listed an entry it could not read (code %s, error %s: %s); '
                           'the list is incomplete, so nothing is changed from it (an entry that looks absent could '
                           'be added twice)' % (path, as_int(item.get('code')), as_int(error.get('code')),
                                                error.get('description') or error.get('message') or 'no detail'),
                           http_status=as_int(item.get('code')), api_code=as_int(error.get('code')),
                           description=error.get('description'), method='GET', path=path)

    def batch(self, path, key, items):
        """POST a batch (``{key: items}``) and return one :class:`ItemResult` per item, in order.

        [batch-207] HTTP 200 and 207 both carry per-item envelopes; failed items are
        reported, never dropped.
        """
        envelope = self.request('POST', path, body={key: items})
        responses = envelope.get('response')
        if not isinstance(responses, list):
            responses = [responses]
        return [self._item_result(item, responses[index] if index < len(responses) else None)
                for index, item in enumerate(items)]

    @staticmethod
    def _item_result(item, answer):
        if not isinstance(answer, dict):
            return ItemResult(item, False, error={'description': 'the API returned no result for this item'})
        if _item_ok(answer) and answer.get('code') is not None:
            return ItemResult(item, True, data=_normalize_ids(answer.get('data')))
        error = answer.get('error_data') or {}
        if not isinstance(error, dict):
            error = {'description': str(error)}
        return ItemResult(item, False, error={'http_status': as_int(answer.get('code')), 'api_code': as_int(error.get('code')),
                                              'message': error.get('message'), 'description': error.get('description')})

    def _create(self, path, body, find_existing):
        """POST one resource so that a retry can never create a second one.

        Returns ``(row, created)``. A duplicate answer means the resource is
        already there: it is re-read and returned with ``created=False``, or
        ``True`` when it was our own earlier attempt (whose answer was lost)
        that created it.
        """
        attempt = 0
        maybe_applied = False
        while True:
            try:
                return _normalize_ids(self.call('POST', path, body=body)), True
            except ExotelDuplicateError:
                existing = find_existing()
                if existing is None:
                    raise
                return existing, maybe_applied
            except ExotelResponseLost:
                existing = find_existing()
                if existing is not None:
                    return existing, True
                if attempt >= self.max_retries:
                    raise
                maybe_applied = True
                delay = self._retry_delay(attempt)
                self.stats.retried['a lost answer to a POST'] += 1
                self.stats.retry_seconds += delay
                self._sleep(delay)
                attempt += 1

    def _delete(self, path, params):
        """DELETE that treats "already gone" as done (a retried delete finds nothing).

        [child-missing] An unknown child id answers 404 / 1000.
        """
        try:
            return self.call('DELETE', path, params=params)
        except ExotelNotFoundError:
            return None

    # ------------------------------------------------------------------ trunks

    def list_trunks(self, trunk_sid=None):
        params = {'page_size': PAGE_SIZE}
        if trunk_sid:
            params['trunk_sid'] = trunk_sid
        return self.list_all('trunks', params)

    def find_trunk_by_name(self, name):
        """The trunk named ``name``, or None.

        [trunk-list] The trunk list has no name filter, so names come from one listing shared by
        every module run on this controller (``_trunk_cache``). A trunk found there is confirmed
        by one filtered read, so a trunk deleted or renamed elsewhere is noticed and the listing
        redone. A name the listing lacks is taken as absent while the listing is fresh: creating
        it anyway is safe, because the API refuses a second trunk of that name and the create
        then reads the list afresh.
        """
        if self.trunk_cache is None:
            return self.find_trunk_in_listing(name)
        trunk = self._cached_trunks().get(name)
        if trunk is None:
            return None
        confirmed = self.get_trunk(trunk['trunk_sid'])
        if confirmed is not None and confirmed.get('trunk_name') == name:
            return confirmed
        self.trunk_cache.invalidate()
        return self._cached_trunks().get(name)

    def find_trunk_in_listing(self, name):
        """The trunk named ``name`` from a listing of every trunk made now (and shared, when cached)."""
        trunks = self.list_trunks()
        if self.trunk_cache is not None:
            self.trunk_cache.put(trunks)
        return next((trunk for trunk in trunks if trunk.get('trunk_name') == name), None)

    def _cached_trunks(self):
        trunks = self.trunk_cache.get()
        if trunks is None:
            # One fork lists; the others wait for that listing instead of making their own.
            with self.trunk_cache.refresh_lock():
                trunks = self.trunk_cache.get()
                if trunks is None:
                    started = self.trunk_cache.now()
                    listing = self.list_trunks()
                    self.trunk_cache.put(listing, listed_at=started)
                    trunks = dict((trunk['trunk_name'], trunk) for trunk in listing if trunk.get('trunk_name'))
        return trunks

    def get_trunk(self, trunk_sid):
        """The trunk with this sid, or None when it does not exist (404 or the live 403/1003)."""
        try:
            rows = self.list_trunks(trunk_sid=trunk_sid)
        except ExotelNotFoundError:
            return None
        for trunk in rows:
            if trunk.get('trunk_sid') == trunk_sid:
                return trunk
        return None

    def create_trunk(self, trunk_name, nso_code, domain_name):
        # [trunk-create] POST /trunks {trunk_name, nso_code, domain_name} -> data with trunk_sid.
        body = {'trunk_name': trunk_name, 'nso_code': nso_code, 'domain_name': domain_name}
        trunk, created = self._create('trunks', body, lambda: self.find_trunk_in_listing(trunk_name))
        if self.trunk_cache is not None:
            self.trunk_cache.remember(trunk)
        return trunk, created

    def delete_trunk(self, trunk_sid, trunk_name=None):
        # [trunk-delete] DELETE /trunks?trunk_sid= answers with the deleted trunk.
        deleted = self._delete('trunks', {'trunk_sid': trunk_sid})
        name = trunk_name or (deleted or {}).get('trunk_name')
        if self.trunk_cache is not None and name:
            self.trunk_cache.forget(name)
        return deleted

    # ------------------------------------------------------ trunk sub-resources

    @staticmethod
    def _child(trunk_sid, collection):
        return 'trunks/%s/%s' % (trunk_sid, collection)

    def _delete_child(self, trunk_sid, collection, identity):
        if identity in (None, ''):
            # A DELETE without its query parameter could mean "everything" to the server.
            raise self._error(ExotelError, 'refusing to send DELETE %s without an id: the API listed the entry '
                              'without one' % self._child(trunk_sid, collection), method='DELETE',
                              path=self._child(trunk_sid, collection))
        return self._delete(self._child(trunk_sid, collection), {DELETE_QUERY_PARAMETER[collection]: identity})

    def list_phone_numbers(self, trunk_sid):
        return self.list_all(self._child(trunk_sid, 'phone-numbers'))

    def map_phone_number(self, trunk_sid, phone_number, mode=None):
        body = {'phone_number': phone_number}
        if mode:
            body['mode'] = mode

        def find_existing():
            return next((row for row in self.list_phone_numbers(trunk_sid) if row.get('phone_number') == phone_number), None)
        try:
            return self._create(self._child(trunk_sid, 'phone-numbers'), body, find_existing)
        except ExotelDuplicateError as exc:
            # [number-elsewhere] A duplicate that this trunk does not hold: another trunk has the number.
            holder = self.find_number_holder(phone_number)
            exc.description = '%s is already mapped to %s; unmap it there first (%s)' % (
                phone_number, "trunk %s" % holder if holder else 'another trunk (the API did not say which)',
                exc.description or exc.message)
            raise

    def find_number_holder(self, phone_number):
        """The SID of the trunk that holds ``phone_number``, or None when one read cannot tell.

        ``GET /trunk-maps?exophone=`` is documented only by name; its answer is read defensively.
        """
        try:
            rows = self.list_all(TRUNK_MAPS_PATH, {'exophone': phone_number})
        except ExotelError:
            return None
        return next((row['trunk_sid'] for row in rows if isinstance(row, dict) and row.get('trunk_sid')
                     and row.get('phone_number', phone_number) == phone_number), None)

    def update_phone_number_mode(self, trunk_sid, mapping_id, phone_number, mode):
        # [phone-mode] PUT .../phone-numbers/{id} {phone_number, mode}; a mapping made without a mode reads null.
        # The portal text shows ".../whitelisted-ips" as this endpoint's URL, while its
        # curl example and the API reference use ".../phone-numbers/{id}" with the
        # numeric mapping id: we follow the curl example.
        return self.call('PUT', '%s/%s' % (self._child(trunk_sid, 'phone-numbers'), mapping_id),
                         body={'phone_number': phone_number, 'mode': mode})

    def unmap_phone_number(self, trunk_sid, mapping_id):
        return self._delete_child(trunk_sid, 'phone-numbers', mapping_id)

    def list_whitelisted_ips(self, trunk_sid):
        return self.list_all(self._child(trunk_sid, 'whitelisted-ips'))

    def add_whitelisted_ip(self, trunk_sid, ip, mask):
        def find_existing():
            return next((row for row in self.list_whitelisted_ips(trunk_sid) if row.get('ip') == ip), None)
        return self._create(self._child(trunk_sid, 'whitelisted-ips'), {'ip': ip, 'mask': mask}, find_existing)

    def delete_whitelisted_ip(self, trunk_sid, entry_id):
        return self._delete_child(trunk_sid, 'whitelisted-ips', entry_id)

    def list_destinations(self, trunk_sid):
        return self.list_all(self._child(trunk_sid, 'destination-uris'))

    def _batch_create(self, path, key, items, find_landed):
        """POST a batch so that a retry never re-posts an item that already landed.

        ``find_landed(items)`` re-reads the collection and returns ``{index: row}``
        for the items it now holds. Returns an :class:`ItemResult` per item, in order.
        """
        results = {}
        pending = list(range(len(items)))
        attempt = 0
        while pending:
            try:
                answers = self.batch(path, key, [items[index] for index in pending])
            except ExotelResponseLost:
                if attempt >= self.max_retries:
                    raise
                for index, row in find_landed([(index, items[index]) for index in pending]).items():
                    results[index] = ItemResult(items[index], True, data=row)
                    pending.remove(index)
                self._sleep(self._retry_delay(attempt))
                attempt += 1
                continue
            results.update(zip(pending, answers))
            pending = []
        return [results[index] for index in range(len(items))]

    def add_destinations(self, trunk_sid, destinations, key_of):
        """Add destinations in one POST; return an :class:`ItemResult` per destination.

        [destination-repost] Re-posting an existing destination may create a duplicate, so
        after a lost answer the list is re-read and only the still-missing
        destinations are posted again.
        """
        def find_landed(pending):
            present = dict((key_of(row.get('destination')), row) for row in self.list_destinations(trunk_sid))
            return dict((index, present[key_of(item['destination'])]) for index, item in pending
                        if key_of(item['destination']) in present)
        return self._batch_create(self._child(trunk_sid, 'destination-uris'), 'destinations',
                                  [{'destination': d} for d in destinations], find_landed)

    def update_destination(self, trunk_sid, entry_id, **fields):
        body = dict((k, v) for k, v in fields.items() if k in DESTINATION_UPDATE_FIELDS and v is not None)
        return self.call('PUT', '%s/%s' % (self._child(trunk_sid, 'destination-uris'), entry_id), body=body)

    def delete_destination(self, trunk_sid, entry_id):
        return self._delete_child(trunk_sid, 'destination-uris', entry_id)

    def list_settings(self, trunk_sid):
        # [settings] GET lists {name, value, ...}; POST {settings: [{name, value}]}; DELETE ?name=.
        return self.list_all(self._child(trunk_sid, 'settings'))

    def set_settings(self, trunk_sid, settings):
        """Upsert settings (``{name: value}``) in one POST; return an :class:`ItemResult` per setting, by name.

        After a lost answer only the settings that do not yet hold their value are sent again.
        """
        def find_landed(pending):
            current = dict((row.get('name'), row) for row in self.list_settings(trunk_sid))
            return dict((index, current[item['name']]) for index, item in pending
                        if item['name'] in current and current[item['name']].get('value') == item['value'])
        return self._batch_create(self._child(trunk_sid, 'settings'), 'settings',
                                  [{'name': n, 'value': v} for n, v in sorted(settings.items())], find_landed)

    def replace_setting(self, trunk_sid, name, value):
        """Give an existing setting a new value, under either reading of a second POST [settings-repost].

        Whether POSTing an existing setting name overwrites it (upsert) or answers
        duplicate is undocumented. The POST is tried first; a duplicate answer,
        for the item or for the whole request, means the API wants the old one
        gone: the setting is deleted and posted again.
        """
        path = self._child(trunk_sid, 'settings')
        try:
            answer = self.set_settings(trunk_sid, {name: value})[0]
            if answer.ok:
                return answer.data or answer.request_item
            failure = self._item_exception('POST', path, answer)
        except ExotelDuplicateError as exc:
            failure = exc
        if not isinstance(failure, ExotelDuplicateError):
            raise failure
        self.delete_setting(trunk_sid, name)
        answer = self.set_settings(trunk_sid, {name: value})[0]
        if not answer.ok:
            raise self._item_exception('POST', path, answer)
        return answer.data or answer.request_item

    def _item_exception(self, method, path, answer):
        """The typed error of one failed item of a batch answer."""
        error = answer.error or {}
        cls = ExotelDuplicateError if error.get('http_status') == 409 or error.get('api_code') == 1008 else ExotelError
        detail = '; '.join(str(part) for part in (error.get('message'), error.get('description')) if part)
        return self._error(cls, 'Exotel API %s %s refused %s: code %s (error %s): %s' % (
            method, path, answer.request_item, error.get('http_status'), error.get('api_code'), detail),
            http_status=error.get('http_status'), api_code=error.get('api_code'), error_message=error.get('message'),
            description=error.get('description'), method=method, path=path)

    def delete_setting(self, trunk_sid, name):
        return self._delete_child(trunk_sid, 'settings', name)

    def list_credentials(self, trunk_sid, include_secrets=False):
        """Digest credentials, read from both documented shapes [credentials].

        The older reference shape is ``{username, password}``; a password is
        dropped unless ``include_secrets`` asks for it.
        """
        rows = []
        for row in self.list_all(self._child(trunk_sid, 'credentials')):
            row = dict(row)
            if 'user_name' not in row and 'username' in row:
                row['user_name'] = row.pop('username')
            password = row.pop('password', None)
            self.register_secret(password)
            if include_secrets and password is not None:
                row['password'] = password
            rows.append(row)
        return rows

    def create_credential(self, trunk_sid, user_name, password, friendly_name=None):
        self.register_secret(password)
        body = {'user_name': user_name, 'password': password}
        if friendly_name is not None:
            body['friendly_name'] = friendly_name

        def find_existing():
            return next((row for row in self.list_credentials(trunk_sid) if row.get('user_name') == user_name), None)
        return self._create(self._child(trunk_sid, 'credentials'), body, find_existing)

    def update_credential(self, trunk_sid, entry_id, **fields):
        if fields.get('password'):
            self.register_secret(fields['password'])
        body = dict((k, v) for k, v in fields.items() if v is not None)
        return self.call('PUT', '%s/%s' % (self._child(trunk_sid, 'credentials'), entry_id), body=body)

    def delete_credential(self, trunk_sid, entry_id):
        return self._delete_child(trunk_sid, 'credentials', entry_id)

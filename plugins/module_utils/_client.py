# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of the collection: auth, envelope, errors, pagination, retries, pacing.

Modules never build URLs or read envelopes; they call the resource methods at
the bottom of :class:`ExotelClient`.

The API's quirks handled here (see the API reference and NOTES.md):

* A call succeeds only when the HTTP status *and* ``response.code`` are 2xx:
  duplicates come back as HTTP 200 carrying ``response.code`` 409.
* Batch endpoints (destinations, settings) answer 200 or 207 with one envelope
  per item; every item's outcome is returned to the caller, none is swallowed.
* Lists are paginated through ``metadata.next_page_uri``; an empty list may
  have no ``metadata`` at all.
* 200 requests per minute: a client-side pacer keeps one process under the
  limit, and 429 answers are retried after ``Retry-After``.
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

COLLECTION_VERSION = '1.0.0'
USER_AGENT = 'exotel.sip_trunking/%s (Ansible collection)' % COLLECTION_VERSION

REGION_URLS = {
    'mumbai': 'https://api.in.exotel.com',
    'singapore': 'https://api.exotel.com',
}

RATE_LIMIT_PER_MINUTE = 200
RETRYABLE_STATUSES = (500, 502, 503, 504)
IDEMPOTENT_METHODS = ('GET', 'PUT', 'DELETE')
MAX_BACKOFF_SECONDS = 20.0
RATE_LIMIT_WINDOW_SECONDS = 60.0
RATE_LIMIT_BACKOFF_FACTOR = 10

# Grade-B facts from NOTES.md (documented by Exotel, never seen live): each is
# used only through these names so a first live run can confirm or fix them here.
NOTES_B = {
    # Child deletes take the id as a query parameter, not a path segment.
    'delete_query_param': {
        'phone-numbers': 'id',
        'whitelisted-ips': 'id',
        'destination-uris': 'id',
        'credentials': 'id',
        'settings': 'name',
    },
    # The trunk list has no name filter: page through everything and match client-side.
    'trunk_list_page_size': 50,
    # Destinations can only have priority/weight changed, by id.
    'destination_update_fields': ('priority', 'weight'),
}


class ExotelError(Exception):
    """An API or transport failure, with everything a human needs to act on it.

    Never carries the API token or request bodies (which may hold SIP passwords).
    """

    def __init__(self, message, http_status=None, api_code=None, error_message=None,
                 description=None, request_id=None, method=None, path=None):
        super(ExotelError, self).__init__(message)
        self.message = message
        self.http_status = http_status
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


def _error_fields(body):
    """Pull (api_code, error_code, message, description) out of an error envelope."""
    response = body.get('response') if isinstance(body, dict) else None
    if isinstance(response, list):
        # A batch answer: report the first failed item.
        response = next((item for item in response if isinstance(item, dict) and not _is_2xx(item.get('code'))), None)
    if not isinstance(response, dict):
        return None, None, None, None
    error = response.get('error_data') or {}
    if not isinstance(error, dict):
        error = {'description': str(error)}
    return response.get('code'), error.get('code'), error.get('message'), error.get('description')


def _is_2xx(code):
    try:
        return 200 <= int(code) < 300
    except (TypeError, ValueError):
        return False


def _normalize_ids(data):
    """Child ids are numeric strings, but some older responses show integers."""
    if isinstance(data, dict) and data.get('id') is not None:
        data = dict(data)
        data['id'] = str(data['id'])
    return data


class ExotelClient:
    """HTTP client for the Exotel SIP trunking API (``/v2/accounts/{sid}``)."""

    def __init__(self, account_sid, api_key, api_token, base_url, validate_certs=True, timeout=30,
                 max_retries=5, retry_max_wait=300, rate_limit=RATE_LIMIT_PER_MINUTE,
                 backoff_base=0.5, session=None, sleep=time.sleep):
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
        self.request_count = 0
        self._sleep = sleep
        self._pacer = RequestPacer(limit=rate_limit, sleep=sleep)
        self._session = session or requests.Session()
        self._secrets = set(s for s in (api_token,) if s)
        credentials = ('%s:%s' % (api_key, api_token)).encode('utf-8')
        self._headers = {
            'Authorization': 'Basic %s' % base64.b64encode(credentials).decode('ascii'),
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
        }

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
        if '://' in path:
            # An absolute next_page_uri: keep only its path and query, so the credentials are
            # never sent to a host other than the configured one.
            parts = urlsplit(path)
            path = parts.path + ('?' + parts.query if parts.query else '')
        if path.startswith('/v2/'):
            return self.base_url + path
        return '%s%s/%s' % (self.base_url, self.account_path, path.lstrip('/'))

    def _error(self, cls, message, **fields):
        return cls(self.redact(message), **dict((k, self.redact(v)) for k, v in fields.items()))

    def _send(self, method, path, params=None, body=None):
        """One HTTP exchange (after pacing). Returns (status, headers, parsed body or None, raw text)."""
        self._pacer.wait()
        self.request_count += 1
        headers = dict(self._headers)
        data = None
        if body is not None:
            headers['Content-Type'] = 'application/json'
            data = json.dumps(body)
        response = self._session.request(method, self._url(path), params=params, data=data, headers=headers,
                                         timeout=self.timeout, verify=self.validate_certs)
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
            retry_after = status = None
            try:
                status, headers, parsed, text = self._send(method, path, params, body)
            except requests.exceptions.RequestException as exc:
                not_sent = isinstance(exc, (requests.exceptions.ConnectTimeout,)) or \
                    'NewConnectionError' in repr(exc) or 'Connection refused' in str(exc)
                failure = self._transport_failure(method, path, exc)
                if method not in IDEMPOTENT_METHODS and not not_sent:
                    raise failure
            else:
                if status == 429:
                    retry_after = headers.get('Retry-After')
                    failure = self._response_error(method, path, status, parsed, text)
                elif status in RETRYABLE_STATUSES:
                    failure = self._response_error(method, path, status, parsed, text)
                    if method not in IDEMPOTENT_METHODS:
                        raise self._error(ExotelResponseLost, failure.message, http_status=status,
                                          api_code=failure.api_code, description=failure.description,
                                          request_id=failure.request_id, method=method, path=path)
                else:
                    return self._check(method, path, status, parsed, text)
            delay = self._retry_delay(attempt, retry_after, rate_limited=status == 429)
            if attempt >= self.max_retries or waited + delay > self.retry_max_wait:
                failure.message = '%s (gave up after %d attempts and %.1fs of waiting)' % (
                    failure.message, attempt + 1, waited)
                failure.args = (failure.message,)
                raise failure
            self._sleep(delay)
            waited += delay
            attempt += 1

    def _transport_failure(self, method, path, exc):
        kind = type(exc).__name__
        if isinstance(exc, requests.exceptions.SSLError):
            hint = 'TLS verification failed; check the certificate or set validate_certs=false for a test endpoint'
        elif isinstance(exc, requests.exceptions.Timeout):
            hint = 'no answer within %s seconds (timeout)' % self.timeout
        else:
            hint = 'the connection failed or was dropped'
        # str(exc) names only host and path: credentials travel in a header, never in the URL.
        return self._error(ExotelResponseLost, 'Exotel API %s %s: %s (%s: %s)' % (method, path, hint, kind, exc),
                           method=method, path=path)

    def _response_error(self, method, path, status, parsed, text):
        """Build the typed error for a failed answer, readable even for an HTML proxy page."""
        if parsed is None or not isinstance(parsed, dict):
            snippet = ' '.join((text or '').split())[:120]
            return self._error(
                ExotelError,
                'Exotel API %s %s returned HTTP %s with a body that is not the API\'s JSON envelope '
                '(a proxy or gateway error page?): %s' % (method, path, status, snippet or '<empty>'),
                http_status=status, method=method, path=path)
        api_status, error_code, error_message, description = _error_fields(parsed)
        request_id = parsed.get('request_id')
        # The API's own verdict lives in response.code when the HTTP status is 2xx.
        if _is_2xx(status) and api_status is not None:
            effective = api_status
        else:
            effective = status
        cls = ExotelError
        if effective == 409 or error_code == 1008:
            cls = ExotelDuplicateError
        elif effective == 404 or (effective == 403 and error_code == 1003):
            cls = ExotelNotFoundError
        elif effective == 401:
            cls = ExotelAuthError
        detail = '; '.join(str(p) for p in (error_message, description) if p)
        message = 'Exotel API %s %s failed: HTTP %s, code %s%s%s' % (
            method, path, status, effective, ' (error %s)' % error_code if error_code else '',
            ': %s' % detail if detail else '')
        if cls is ExotelAuthError:
            message += ('. Check api_key and api_token, and that region/api_url is the cluster that '
                        'holds the account: a valid key sent to the wrong region also gets 401')
        elif status == 429:
            message += '. The API allows 200 requests per minute per account'
        return self._error(cls, message, http_status=status, api_code=error_code, error_message=error_message,
                           description=description, request_id=request_id, method=method, path=path)

    def _check(self, method, path, status, parsed, text):
        """Accept an answer only when both the HTTP status and response.code say success."""
        if status in (400, 422) and isinstance(parsed, dict) and isinstance(parsed.get('response'), list) \
                and method == 'POST':
            # The reference also shows a refused destination batch as HTTP 400 with per-item
            # results ("400/207"): hand the items to batch(), which reports each one.
            return parsed
        if not _is_2xx(status) or not isinstance(parsed, dict):
            raise self._response_error(method, path, status, parsed, text)
        response = parsed.get('response')
        if isinstance(response, dict) and not _is_2xx(response.get('code', 200)):
            raise self._response_error(method, path, status, parsed, text)
        if response is None and 'response' not in parsed:
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
        """Every row of a list endpoint, following ``metadata.next_page_uri`` until it is null."""
        rows = []
        next_path, next_params = path, dict(params or {})
        while next_path:
            envelope = self.request('GET', next_path, params=next_params)
            rows.extend(self._rows(envelope))
            metadata = envelope.get('metadata') or {}
            next_uri = metadata.get('next_page_uri')
            if not next_uri:
                break
            # next_page_uri carries its own query string (offset, page_size, filters).
            next_path, next_params = next_uri, None
        return rows

    @staticmethod
    def _rows(envelope):
        response = envelope.get('response')
        if isinstance(response, dict):
            # Older single-object shape (e.g. the first GET /credentials form).
            data = response.get('data')
            if isinstance(data, list):
                return [_normalize_ids(row) for row in data if isinstance(row, dict)]
            return [_normalize_ids(data)] if data else []
        rows = []
        for item in response or []:
            if isinstance(item, dict) and 'data' in item:
                if _is_2xx(item.get('code', 200)) and item.get('data') is not None:
                    rows.append(_normalize_ids(item['data']))
            elif isinstance(item, dict):
                rows.append(_normalize_ids(item))
        return rows

    def batch(self, path, key, items):
        """POST a batch (``{key: items}``) and return one :class:`ItemResult` per item, in order.

        HTTP 200 and 207 both carry per-item envelopes; failed items are
        reported, never dropped.
        """
        envelope = self.request('POST', path, body={key: items})
        results = []
        responses = envelope.get('response')
        if not isinstance(responses, list):
            responses = [envelope.get('response')]
        for index, item in enumerate(items):
            answer = responses[index] if index < len(responses) and isinstance(responses[index], dict) else None
            if answer is None:
                results.append(ItemResult(item, False, error={'description': 'the API returned no result for this item'}))
            elif _is_2xx(answer.get('code')) and answer.get('status', 'success') == 'success':
                results.append(ItemResult(item, True, data=_normalize_ids(answer.get('data'))))
            else:
                error = answer.get('error_data') or {}
                results.append(ItemResult(item, False, error={
                    'http_status': answer.get('code'),
                    'api_code': error.get('code') if isinstance(error, dict) else None,
                    'message': error.get('message') if isinstance(error, dict) else None,
                    'description': error.get('description') if isinstance(error, dict) else str(error),
                }))
        return results

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
                self._sleep(self._retry_delay(attempt))
                attempt += 1

    def _delete(self, path, params):
        """DELETE that treats "already gone" as done (a retried delete finds nothing)."""
        try:
            return self.call('DELETE', path, params=params)
        except ExotelNotFoundError:
            return None

    # ------------------------------------------------------------------ trunks

    def list_trunks(self, trunk_sid=None):
        params = {'page_size': NOTES_B['trunk_list_page_size']}
        if trunk_sid:
            params['trunk_sid'] = trunk_sid
        return self.list_all('trunks', params)

    def find_trunk_by_name(self, name):
        for trunk in self.list_trunks():
            if trunk.get('trunk_name') == name:
                return trunk
        return None

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
        body = {'trunk_name': trunk_name, 'nso_code': nso_code, 'domain_name': domain_name}
        return self._create('trunks', body, lambda: self.find_trunk_by_name(trunk_name))

    def delete_trunk(self, trunk_sid):
        return self._delete('trunks', {'trunk_sid': trunk_sid})

    # ------------------------------------------------------ trunk sub-resources

    @staticmethod
    def _child(trunk_sid, collection):
        return 'trunks/%s/%s' % (trunk_sid, collection)

    def _delete_child(self, trunk_sid, collection, identity):
        return self._delete(self._child(trunk_sid, collection), {NOTES_B['delete_query_param'][collection]: identity})

    def list_phone_numbers(self, trunk_sid):
        return self.list_all(self._child(trunk_sid, 'phone-numbers'))

    def map_phone_number(self, trunk_sid, phone_number, mode=None):
        body = {'phone_number': phone_number}
        if mode:
            body['mode'] = mode

        def find_existing():
            return next((row for row in self.list_phone_numbers(trunk_sid) if row.get('phone_number') == phone_number), None)
        return self._create(self._child(trunk_sid, 'phone-numbers'), body, find_existing)

    def update_phone_number_mode(self, trunk_sid, mapping_id, phone_number, mode):
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

        Re-posting an existing destination may create a duplicate (NOTES.md), so
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
        body = dict((k, v) for k, v in fields.items() if k in NOTES_B['destination_update_fields'] and v is not None)
        return self.call('PUT', '%s/%s' % (self._child(trunk_sid, 'destination-uris'), entry_id), body=body)

    def delete_destination(self, trunk_sid, entry_id):
        return self._delete_child(trunk_sid, 'destination-uris', entry_id)

    def list_settings(self, trunk_sid):
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

    def delete_setting(self, trunk_sid, name):
        return self._delete_child(trunk_sid, 'settings', name)

    def list_credentials(self, trunk_sid, include_secrets=False):
        """Digest credentials, read from both documented shapes.

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

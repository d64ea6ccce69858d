# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A recording HTTP session for the live check: every exchange the client makes, as evidence.

:class:`RecordingSession` is handed to ``ExotelClient(session=...)``, so the checks go through
the client's real methods while this records what went over the wire: method, path, query, the
HTTP status, ``Retry-After`` and the parsed answer. Request headers are never kept (they carry
the token); request and answer bodies are kept with every ``password`` value masked and every
registered secret redacted, so an exchange can be shown in a report as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    from urllib.parse import parse_qsl, urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import parse_qsl, urlsplit

try:
    import requests
except ImportError:  # pragma: no cover - the modules report the missing library first
    requests = None

from ._client import ACCOUNT_PATH_RE, as_int

MASK = '********'
SECRET_KEYS = ('password',)
EXCERPT_CHARACTERS = 140


def masked(value):
    """``value`` (parsed JSON) with the value of every password key replaced by a mask."""
    if isinstance(value, dict):
        return dict((key, MASK if key in SECRET_KEYS and item is not None else masked(item))
                    for key, item in value.items())
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


# Fields that say nothing about a fact (timestamps, a trunk's sub-resource links), left out of excerpts.
NOISE_KEYS = ('date_created', 'date_updated', 'request_id', 'credentials', 'destination_uris', 'phone_numbers',
              'whitelisted_ips')


def compact(value):
    """Parsed JSON as short, quote-free text: ``{code: 200, data: {id: 41512}}``."""
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%s: %s' % (key, compact(item)) for key, item in sorted(value.items())
                                  if key not in NOISE_KEYS)
    if isinstance(value, list):
        return '[%s]' % ', '.join(compact(item) for item in value)
    return 'null' if value is None else str(value)


def _account_relative(url):
    """``(path under /v2/accounts/<sid>, query dict)`` of a request URL."""
    parts = urlsplit(url)
    match = ACCOUNT_PATH_RE.match(parts.path)
    path = (match.group('rest') or '/') if match else parts.path
    return path, dict(parse_qsl(parts.query))


class Exchange:
    """One request and its answer, safe to show: no headers, passwords masked, secrets redacted."""

    def __init__(self, method, path, query, sent, status=None, retry_after=None, body=None, text='', tag=None):
        self.tag = tag
        self.method = method
        self.path = path
        self.query = query
        self.sent = sent
        self.status = status
        self.retry_after = retry_after
        self.body = body
        self.text = text

    @property
    def response(self):
        return self.body.get('response') if isinstance(self.body, dict) else None

    @property
    def metadata(self):
        return self.body.get('metadata') if isinstance(self.body, dict) else None

    @property
    def api_status(self):
        """``response.code`` of a single envelope (the API's own verdict), else the HTTP status."""
        response = self.response
        if isinstance(response, dict) and response.get('code') is not None:
            return as_int(response.get('code'))
        return self.status

    @property
    def error(self):
        """``error_data`` of a single envelope, or of the first failed item of a list."""
        response = self.response
        items = response if isinstance(response, list) else [response]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get('error_data'), dict):
                return item['error_data']
        return {}

    @property
    def data(self):
        response = self.response
        return response.get('data') if isinstance(response, dict) else None

    def request_line(self):
        query = '&'.join('%s=%s' % item for item in sorted(self.query.items()))
        return '%s %s%s' % (self.method, self.path, '?' + query if query else '')

    def outcome(self):
        """``HTTP 200, code 409, error 1008`` - every code the answer carries, once."""
        if self.status is None:
            return 'no answer (%s)' % self.text
        parts = ['HTTP %s' % self.status]
        if self.api_status != self.status:
            parts.append('code %s' % self.api_status)
        if self.error.get('code') is not None:
            parts.append('error %s' % as_int(self.error.get('code')))
        return ', '.join(parts)

    def excerpt(self, limit=EXCERPT_CHARACTERS):
        """A short, readable piece of the answer: the error text, else the data."""
        error = self.error
        if error.get('description') or error.get('message'):
            text = error.get('description') or error.get('message')
        elif isinstance(self.body, dict):
            text = compact(self.data if self.data is not None else self.response)
        else:
            text = self.text
        text = ' '.join(str(text).split())
        return text if len(text) <= limit else text[:limit - 3] + '...'

    def describe(self, limit=EXCERPT_CHARACTERS):
        return '%s -> %s: %s' % (self.request_line(), self.outcome(), self.excerpt(limit))


class RecordingSession:
    """A ``requests`` session that keeps an :class:`Exchange` of every request it sends.

    ``redact`` (the client's, set once the client exists) removes registered secrets from
    everything kept.
    """

    def __init__(self, session=None):
        self._session = session if session is not None else requests.Session()
        self.exchanges = []
        self.redact = lambda text: text
        self.tag = None   # who is asking (the live check's probe), kept on each exchange

    def _clean(self, value):
        """Parsed JSON, masked and redacted, as a JSON-compatible value."""
        if value is None:
            return None
        return json.loads(self.redact(json.dumps(masked(value))))

    def _sent(self, data):
        if not data:
            return None
        try:
            return self._clean(json.loads(data))
        except ValueError:
            return '<a body that is not JSON>'

    def request(self, method, url, params=None, data=None, headers=None, **kwargs):
        path, query = _account_relative(url)
        query.update(dict((key, str(value)) for key, value in (params or {}).items()))
        exchange = Exchange(method, path, query, self._sent(data), tag=self.tag)
        self.exchanges.append(exchange)
        try:
            response = self._session.request(method, url, params=params, data=data, headers=headers, **kwargs)
        except Exception as exc:
            exchange.text = type(exc).__name__
            raise
        exchange.status = response.status_code
        exchange.retry_after = response.headers.get('Retry-After')
        try:
            exchange.body = self._clean(json.loads(response.text)) if response.text else None
        except ValueError:
            exchange.body = None
        # Redacted before it is cut: a secret across the cut would otherwise leave its first part.
        exchange.text = self.redact(' '.join((response.text or '').split()))[:EXCERPT_CHARACTERS]
        return response

    def since(self, start, tag=None):
        """The exchanges recorded from index ``start`` on (only those tagged ``tag``, when given)."""
        return [exchange for exchange in self.exchanges[start:] if tag is None or exchange.tag == tag]

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rate limiting and fault injection."""

from __future__ import annotations

import fnmatch
import math
from collections import deque

from .config import _non_negative_int, _positive_number
from .envelopes import ApiError, ApiResponse, error_envelope, in_body_error_envelope, invalid_parameter, rate_limited
from .validation import is_int


class RateLimiter:
    """Sliding window of admitted requests per API key; refused requests are not counted."""

    def __init__(self):
        self._admitted = {}

    def reset(self):
        self._admitted.clear()

    def admit(self, key, limit, window, now):
        """None when admitted, else the seconds until the oldest admitted request leaves the window."""
        if limit <= 0:
            return None
        admitted = self._admitted.setdefault(key, deque())
        while admitted and admitted[0] <= now - window:
            admitted.popleft()
        if len(admitted) >= limit:
            return admitted[0] + window - now
        admitted.append(now)
        return None


def rate_limit_response(method, wait, config):
    """The refusal, as HTTP 429 or (``rate_limit_style`` envelope) HTTP 200 carrying code 429."""
    headers = {'Retry-After': str(max(1, math.ceil(wait)))} if config.retry_after else {}
    if config.rate_limit_style == 'envelope':
        return ApiResponse.json(200, in_body_error_envelope(method, rate_limited()), headers, config.numeric_strings)
    return ApiResponse.json(429, error_envelope(method, rate_limited()), headers, config.numeric_strings)


FAULT_ACTIONS = ('status', 'delay', 'drop', 'lose_response', 'malformed_json', 'html', 'fail_items')
FAULT_KEYS = frozenset({'method', 'path', 'action', 'times', 'after', 'status', 'body', 'retry_after',
                        'seconds', 'items', 'code', 'description'})
MALFORMED_JSON = b'{"response": '
HTML_502 = b'<html><body><h1>502 Bad Gateway</h1></body></html>'
# The error_data that a "status" fault sends, by HTTP status (AR error table where it has one).
FAULT_ERRORS = {
    400: (1001, 'Invalid parameter', 'Simulated bad request'),
    401: (1010, 'Authorization failed', 'Invalid API key or token'),
    403: (1003, 'Authorization failed', 'Access denied'),
    404: (1000, 'Not Found', 'Resource not found'),
    409: (1008, 'Duplicate resource', 'Simulated conflict'),
    415: (1011, 'Unsupported content type', 'Content-Type must be application/json'),
    422: (1020, 'Validation error', 'Request validation failed'),
    429: (1030, 'Rate limit exceeded', 'Too many requests'),
}


class FaultRule:
    """One fault-injection rule; see README.md for the format."""

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError('a fault rule must be a JSON object')
        unknown = sorted(set(spec) - FAULT_KEYS)
        if unknown:
            raise ValueError('unknown fault rule key(s): %s' % ', '.join(unknown))
        self.spec = dict(spec)
        self.action = spec.get('action')
        if self.action not in FAULT_ACTIONS:
            raise ValueError('fault action must be one of: %s' % ', '.join(FAULT_ACTIONS))
        self.method = str(spec.get('method', '*')).upper()
        self.path = spec.get('path', '*')
        if not isinstance(self.path, str):
            raise ValueError('fault path must be a glob string')
        self.times = _non_negative_int('times', spec.get('times', 1))
        self.after = _non_negative_int('after', spec.get('after', 0))
        self._check_action_parameters(spec)
        self.seen = 0       # matching requests so far
        self.fired = 0      # requests this rule was applied to

    def _check_action_parameters(self, spec):
        if self.action == 'status':
            status = spec.get('status', 500)
            if not is_int(status) or not 100 <= status <= 599:
                raise ValueError('status must be an HTTP status code')
        if self.action == 'delay':
            _positive_number('seconds', spec.get('seconds', 1.0))
        if self.action == 'fail_items':
            items = spec.get('items')
            if not isinstance(items, list) or not all(is_int(index) for index in items):
                raise ValueError('fail_items needs "items": a list of item indexes')
        if 'retry_after' in spec:
            _non_negative_int('retry_after', spec['retry_after'])

    def matches(self, method, subpath, batch):
        if self.method not in ('*', method) or not fnmatch.fnmatchcase(subpath, self.path):
            return False
        return batch or self.action != 'fail_items'   # fail_items only makes sense for a batch

    def take(self):
        """Count a matching request; True when the rule applies to it (honours after and times)."""
        self.seen += 1
        if self.seen <= self.after or (self.times and self.fired >= self.times):
            return False
        self.fired += 1
        return True

    def item_error(self):
        return invalid_parameter(self.spec.get('description', 'Simulated item failure'), code=self.spec.get('code', 1002))

    def as_dict(self):
        return dict(self.spec, seen=self.seen, fired=self.fired)


def fault_response(rule, method, numeric_strings):
    """The response of a fault that answers instead of the API (status, malformed_json, html, drop)."""
    if rule.action == 'drop':
        return ApiResponse(None, drop=True)
    if rule.action == 'malformed_json':
        return ApiResponse(200, MALFORMED_JSON)
    if rule.action == 'html':
        return ApiResponse(502, HTML_502, content_type='text/html')
    status = rule.spec.get('status', 500)
    code, message, description = FAULT_ERRORS.get(status, (status, 'Server error', 'Simulated failure'))
    headers = {'Retry-After': str(rule.spec['retry_after'])} if status == 429 and 'retry_after' in rule.spec else {}
    if 'body' in rule.spec:
        return ApiResponse.json(status, rule.spec['body'], headers)       # the rule's own body, exactly as given
    return ApiResponse.json(status, error_envelope(method, ApiError(status, code, message, description)), headers, numeric_strings)

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rate limiting and fault injection: answers the API would not give on a good day."""

from __future__ import annotations

import fnmatch
import math
from collections import deque

from .envelopes import (
    ApiError, ApiResponse, envelope, error_envelope, failure_item, in_body_error_envelope, invalid_parameter,
    rate_limited,
)
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


# Every action, and which requests it can apply to: None = any, 'batch' = POST destination-uris or
# settings, 'list' = a GET of a list endpoint (a rule never counts a request it cannot apply to).
FAULT_ACTIONS = {
    'status': None,
    'delay': None,
    'drop': None,
    'lose_response': None,
    'malformed_json': None,
    'html': None,
    'envelope_status': None,
    'null_response': None,
    'failure_200': None,
    'fail_items': 'batch',
    'repeat_page': 'list',
    'foreign_next_page': 'list',
    'failed_list_item': 'list',
}
# Actions that answer instead of the API: the request is not applied, unless the rule says
# "apply": true (then the API handles it first and the fault's answer replaces the real one).
ANSWERING_ACTIONS = frozenset({'status', 'drop', 'malformed_json', 'html', 'envelope_status', 'null_response', 'failure_200'})
APPLICABLE_ANSWERS = ANSWERING_ACTIONS - {'drop'}       # drop + apply is lose_response
# How many matching requests a rule affects unless it says "times"; repeat_page loops forever.
DEFAULT_TIMES = {'repeat_page': 0}
FAULT_KEYS = frozenset({'method', 'path', 'action', 'times', 'after', 'status', 'body', 'retry_after',
                        'seconds', 'items', 'code', 'description', 'apply', 'variant', 'host', 'account_sid'})
MALFORMED_JSON = b'{"response": '
HTML_502 = b'<html><body><h1>502 Bad Gateway</h1></body></html>'
# The error_data that a status-like fault sends, by HTTP status (AR error table where it has one);
# any other status uses itself as the error code.
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
FOREIGN_NEXT_PAGE_VARIANTS = ('host', 'account', 'both')
# .invalid never resolves (RFC 2606): a client that follows the link fails fast and leaks nothing.
FOREIGN_HOST = 'https://api.exotel.invalid'
FOREIGN_ACCOUNT = 'foreignaccount'


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
        self.times = _non_negative_int('times', spec.get('times', DEFAULT_TIMES.get(self.action, 1)))
        self.after = _non_negative_int('after', spec.get('after', 0))
        self.apply = spec.get('apply', False)
        _check_parameters(self.action, spec)
        self.seen = 0       # matching requests so far
        self.fired = 0      # requests this rule was applied to

    @property
    def answers_instead(self):
        """Whether the fault's answer is sent without handing the request to the API."""
        return self.action in ANSWERING_ACTIONS and not self.apply

    def matches(self, method, subpath, kind):
        if self.method not in ('*', method) or not fnmatch.fnmatchcase(subpath, self.path):
            return False
        needed = FAULT_ACTIONS[self.action]
        return needed is None or needed == kind

    def take(self):
        """Count a matching request; True when the rule applies to it (honours after and times)."""
        self.seen += 1
        if self.seen <= self.after or (self.times and self.fired >= self.times):
            return False
        self.fired += 1
        return True

    def item_error(self):
        return invalid_parameter(self.spec.get('description', 'Simulated item failure'), code=self.spec.get('code', 1002))

    def error(self):
        """The error of a status-like fault: FAULT_ERRORS for its status, ``code``/``description`` win."""
        status = self.spec.get('status', 500)
        code, message, description = FAULT_ERRORS.get(status, (status, 'Server error', 'Simulated failure'))
        return ApiError(status, self.spec.get('code', code), message, self.spec.get('description', description))

    def retry_after_header(self):
        if self.spec.get('status', 500) == 429 and 'retry_after' in self.spec:
            return {'Retry-After': str(self.spec['retry_after'])}
        return {}

    def as_dict(self):
        return dict(self.spec, seen=self.seen, fired=self.fired)


def _non_negative_int(name, value):
    if not is_int(value) or value < 0:
        raise ValueError('%s must be an integer >= 0' % name)
    return value


def _check_parameters(action, spec):
    """Refuse a rule whose parameters would fail only when it fires."""
    if 'status' in spec or action in ('status', 'envelope_status'):
        status = spec.get('status', 500)
        if not is_int(status) or not 100 <= status <= 599:
            raise ValueError('status must be an HTTP status code')
    if action == 'delay' and not _is_positive_number(spec.get('seconds', 1.0)):
        raise ValueError('seconds must be a number > 0')
    if action == 'fail_items' and 'items' not in spec:
        raise ValueError('fail_items needs "items": a list of item indexes')
    if 'items' in spec and not (isinstance(spec['items'], list) and all(is_int(index) and index >= 0 for index in spec['items'])):
        raise ValueError('items must be a list of item indexes')
    if 'retry_after' in spec:
        _non_negative_int('retry_after', spec['retry_after'])
    if 'code' in spec and not is_int(spec['code']):
        raise ValueError('code must be an integer')
    if 'description' in spec and not isinstance(spec['description'], str):
        raise ValueError('description must be a string')
    _check_apply(action, spec)
    _check_foreign(spec)


def _check_apply(action, spec):
    if not isinstance(spec.get('apply', False), bool):
        raise ValueError('apply must be true or false')
    if spec.get('apply') and action not in APPLICABLE_ANSWERS:
        raise ValueError('apply is only for: %s' % ', '.join(sorted(APPLICABLE_ANSWERS)))


def _check_foreign(spec):
    if spec.get('variant', 'host') not in FOREIGN_NEXT_PAGE_VARIANTS:
        raise ValueError('variant must be one of: %s' % ', '.join(FOREIGN_NEXT_PAGE_VARIANTS))
    host = spec.get('host', FOREIGN_HOST)
    if not isinstance(host, str) or not host.startswith(('http://', 'https://')):
        raise ValueError('host must be an http:// or https:// URL')
    account = spec.get('account_sid', FOREIGN_ACCOUNT)
    if not isinstance(account, str) or not account or '/' in account:
        raise ValueError('account_sid must be a non-empty string without "/"')


def _is_positive_number(value):
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value > 0


# Answers sent instead of (or, with "apply", in place of) the API's -------------------------

def fault_response(rule, method, numeric_strings):
    """The response of an answering fault (see ANSWERING_ACTIONS)."""
    if rule.action == 'drop':
        return ApiResponse(None, drop=True)
    if rule.action == 'malformed_json':
        return ApiResponse(200, MALFORMED_JSON)
    if rule.action == 'html':
        return ApiResponse(502, HTML_502, content_type='text/html')
    if rule.action == 'status' and 'body' in rule.spec:
        # The rule's own body is sent exactly as given.
        return ApiResponse.json(rule.spec.get('status', 500), rule.spec['body'], rule.retry_after_header())
    status, body = ANSWER_BUILDERS[rule.action](rule, method)
    return ApiResponse.json(status, body, rule.retry_after_header(), numeric_strings)


def _status_answer(rule, method):
    error = rule.error()
    return error.http_status, error_envelope(method, error)


def _envelope_status_answer(rule, method):
    """HTTP 200 whose response.code is the fault's status, shaped like the live duplicate."""
    return 200, in_body_error_envelope(method, rule.error())


def _null_response_answer(_rule, method):
    return 200, envelope(method, 200, None)


def _failure_200_answer(rule, method):
    """``status: failure`` with ``code: 200``; error_data only when the rule gives code/description."""
    error_data = None
    if 'code' in rule.spec or 'description' in rule.spec:
        error_data = {'code': rule.spec.get('code'), 'message': 'Simulated failure', 'description': rule.spec.get('description')}
    return 200, envelope(method, 200, {'code': 200, 'error_data': error_data, 'status': 'failure', 'data': None})


ANSWER_BUILDERS = {
    'status': _status_answer,
    'envelope_status': _envelope_status_answer,
    'null_response': _null_response_answer,
    'failure_200': _failure_200_answer,
}


# Rewrites of a list answer the API gave --------------------------------------------------

def rewrite_list_answer(rule, ctx, body):
    """Apply a 'list' fault to a list answer; an empty list (no metadata) is left alone."""
    if not (isinstance(body.get('response'), list) and isinstance(body.get('metadata'), dict)):
        return body
    LIST_REWRITES[rule.action](rule, ctx, body)
    return body


def _repeat_page(_rule, ctx, body):
    body['metadata']['next_page_uri'] = ctx.page_uri


def _foreign_next_page(rule, ctx, body):
    """The next page (or, on the last page, the page just served) on another host and/or account."""
    target = body['metadata']['next_page_uri'] or ctx.page_uri
    variant = rule.spec.get('variant', 'host')
    if variant in ('account', 'both'):
        own, foreign = '/v2/accounts/%s/' % ctx.account_sid, '/v2/accounts/%s/' % rule.spec.get('account_sid', FOREIGN_ACCOUNT)
        target = target.replace(own, foreign, 1)
    if variant in ('host', 'both'):
        target = rule.spec.get('host', FOREIGN_HOST).rstrip('/') + target
    body['metadata']['next_page_uri'] = target


def _failed_list_item(rule, _ctx, body):
    """The items at ``items`` (default: the first) become failures: their rows are missing."""
    items = body['response']
    for index in rule.spec.get('items', [0]):
        if index < len(items):
            items[index] = failure_item(rule.error())


LIST_REWRITES = {
    'repeat_page': _repeat_page,
    'foreign_next_page': _foreign_next_page,
    'failed_list_item': _failed_list_item,
}


def finish_response(rule, ctx, status, body, numeric_strings):
    """The response to a request the API handled, after any fault that acts on the answer."""
    if rule is not None and rule.action == 'lose_response':
        return ApiResponse(None, drop=True)       # applied, but the answer never reaches the client
    if rule is not None and rule.action in ANSWERING_ACTIONS:
        return fault_response(rule, ctx.method, numeric_strings)      # "apply": true
    if rule is not None and rule.action in LIST_REWRITES:
        body = rewrite_list_answer(rule, ctx, body)
    return ApiResponse.json(status, body, numeric_strings=numeric_strings)

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""API errors, the documented envelopes, and the response the HTTP layer sends."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

from .constants import JSON_TYPE, MISSING_TRUNK_ERRORS


class ApiError(Exception):
    """A failed API call, rendered as the documented error envelope."""

    def __init__(self, http_status, code, message, description):
        super().__init__(description)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.description = description

    def error_data(self):
        return {'code': self.code, 'message': self.message, 'description': self.description}


class DuplicateError(Exception):
    """A create that collides with an existing row; rendered per the configured duplicate style."""

    def __init__(self, live_description, http409_error=None):
        super().__init__(live_description)
        self.live_description = live_description
        # AR's error table lists 1008 "Duplicate resource" as an HTTP 409 error.
        self.http409_error = http409_error or duplicate_item(live_description)


def invalid_parameter(description, code=1001):
    return ApiError(400, code, 'Invalid parameter', description)


def missing_parameter(name):
    return ApiError(400, 1001, 'Mandatory Parameter missing', '%s is a mandatory parameter' % name)


def not_found(description):
    return ApiError(404, 1000, 'Not Found', description)


def unauthorized():
    return ApiError(401, 1010, 'Authorization failed', 'Invalid API key or token')


def rate_limited():
    return ApiError(429, 1030, 'Rate limit exceeded', 'Too many requests')


def duplicate_item(description):
    return ApiError(409, 1008, 'Duplicate resource', description)


def missing_trunk(style, trunk_sid):
    status, code, message, description = MISSING_TRUNK_ERRORS[style]
    return ApiError(status, code, message, description % trunk_sid)


def envelope(method, http_code, response, metadata=None):
    body = {'request_id': uuid.uuid4().hex, 'method': method, 'http_code': http_code}
    if metadata is not None:
        body['metadata'] = metadata
    body['response'] = response
    return body


def success_item(data):
    return {'code': 200, 'error_data': None, 'status': 'success', 'data': data}


def failure_item(error):
    """Per-item failure of a batch; AR section 5 shows these with ``data: null``."""
    return {'code': error.http_status, 'error_data': error.error_data(), 'status': 'failure', 'data': None}


def error_envelope(method, error):
    """AR's error examples: status, code and error_data, without a data key."""
    return envelope(method, error.http_status, {'status': 'failure', 'code': error.http_status, 'error_data': error.error_data()})


def in_body_error_envelope(method, error):
    """HTTP 200 whose response.code carries the error: the live duplicate's shape (NB grade A,
    AR sections 2 and 4), also used for every other error the API may report this way."""
    return envelope(method, 200, failure_item(error))


def live_duplicate_envelope(method, description):
    return in_body_error_envelope(method, duplicate_item(description))


def utc_now():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


def stringify_numbers(value):
    """Every JSON integer of ``value`` as a string (the ``numeric_strings`` reading); bools stay."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return {name: stringify_numbers(item) for name, item in value.items()}
    if isinstance(value, list):
        return [stringify_numbers(item) for item in value]
    return value


@dataclass
class ApiResponse:
    """What the HTTP layer sends: a body, or nothing at all (``drop``)."""

    status: int | None
    payload: bytes = b''
    content_type: str = JSON_TYPE
    headers: dict = field(default_factory=dict)
    api_code: int | None = None
    drop: bool = False

    @classmethod
    def json(cls, status, body, headers=None, numeric_strings=False):
        """``api_code`` (for the request log) is read before numbers may be turned into strings."""
        response = body.get('response') if isinstance(body, dict) else None
        api_code = response.get('code') if isinstance(response, dict) else None
        wire = stringify_numbers(body) if numeric_strings else body
        return cls(status, json.dumps(wire).encode('utf-8'), headers=dict(headers or {}), api_code=api_code)

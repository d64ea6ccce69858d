# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator's own copy of the API's validation rules.

Deliberately independent of the collection's ``plugins/module_utils/_validation.py``: it is a second
opinion, built from the documents, so a rule both copies get wrong in the same way is unlikely.
"""

from __future__ import annotations

import ipaddress
import json

from .constants import HOST_LABEL, IPV4_SHAPE, JSON_TYPE, MAX_HOSTNAME, NON_ROUTABLE_NETWORKS, TOP_LEVEL_LABEL
from .envelopes import ApiError, missing_parameter


def is_int(value):
    """A JSON integer: bool is an int subclass in Python but not in JSON."""
    return isinstance(value, int) and not isinstance(value, bool)


def matches(pattern, value):
    """Whole-string match of a str; ``fullmatch`` because ``$`` would accept a trailing newline."""
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def parse_ipv4(value):
    """The address for a dotted-quad string, else None (no CIDR suffix, no leading zeros, no spaces)."""
    if not matches(IPV4_SHAPE, value):
        return None
    try:
        return ipaddress.IPv4Address(value)
    except ValueError:
        return None


def is_routable(address):
    return not any(address in network for network in NON_ROUTABLE_NETWORKS)


def is_fqdn(value):
    """A syntactically valid hostname with at least two labels and an alphabetic TLD (no DNS lookup)."""
    if not isinstance(value, str) or len(value) > MAX_HOSTNAME:
        return False
    labels = value.split('.')
    return (len(labels) >= 2 and all(HOST_LABEL.fullmatch(label) for label in labels)
            and TOP_LEVEL_LABEL.fullmatch(labels[-1]) is not None)


def require(body, name):
    """The value of a mandatory body field; absent, null and empty string all count as missing."""
    value = body.get(name)
    if value is None or value == '':
        raise missing_parameter(name)
    return value


def parse_json_body(content_type, raw_body):
    """The request's JSON object, enforcing AR's 415 (error 1011) and 400 (error 1007) rules."""
    media_type = (content_type or '').split(';', 1)[0].strip().lower()
    if media_type != JSON_TYPE:
        raise ApiError(415, 1011, 'Unsupported content type', 'Content-Type must be application/json')
    try:
        body = json.loads(raw_body.decode('utf-8'), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, 1007, 'Invalid request body', 'Request body must be a valid JSON object')
    return body


def _reject_constant(name):
    raise ValueError('%s is not valid JSON' % name)

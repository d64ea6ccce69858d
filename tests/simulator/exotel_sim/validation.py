# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator's own copy of the API's validation rules.

Deliberately independent of the collection's ``plugins/module_utils/_validation.py``: it is a second
opinion, built from the documents, so a rule both copies get wrong in the same way is unlikely.
"""

from __future__ import annotations

import ipaddress
import json

from .constants import (
    DOMAIN_NAME_ERROR, HOST_LABEL, IPV4_SHAPE, JSON_TYPE, MASK_PARSE_ERROR, MASK_RANGES, MAX_HOSTNAME,
    NON_ROUTABLE_NETWORKS, PSTN_DOMAIN_ERROR, PSTN_DOMAIN_SUFFIX, RESERVED_DOMAINS, TOP_LEVEL_LABEL,
)
from .envelopes import ApiError, invalid_parameter, missing_parameter


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


def is_reserved_domain(name):
    """Whether a hostname lies in one of the RESERVED_DOMAINS (which never resolve publicly)."""
    name = name.lower()
    return any(name == domain or name.endswith('.' + domain) for domain in RESERVED_DOMAINS)


def fqdn_resolves(name, config):
    """Our stand-in for the API's DNS check of an FQDN destination: the lists win, then the reading.

    A name in both lists does not resolve (the harsher answer wins).
    """
    name = name.lower()
    if name in config.unresolvable_fqdns:
        return False
    if name in config.resolvable_fqdns:
        return True
    return config.reserved_fqdns == 'resolve' or not is_reserved_domain(name)


def check_domain_name(value, check):
    """The trunk's domain_name under the ``domain_name_check`` reading."""
    if not is_fqdn(value):
        raise invalid_parameter(PSTN_DOMAIN_ERROR if check == 'pstn_suffix' else DOMAIN_NAME_ERROR)
    if check == 'pstn_suffix' and not value.endswith(PSTN_DOMAIN_SUFFIX):
        raise invalid_parameter(PSTN_DOMAIN_ERROR)


def check_mask_parses(body):
    """NB: the body is parsed into unsigned integers, so a negative or non-integer mask fails the
    whole body (400/1007) before any field is validated. Absent or null is left to ``require``."""
    mask = body.get('mask')
    if mask is not None and (not is_int(mask) or mask < 0):
        raise ApiError(*MASK_PARSE_ERROR)


def check_mask_range(mask, mask_range):
    minimum, maximum, description = MASK_RANGES[mask_range]
    if not minimum <= mask <= maximum:
        raise invalid_parameter(description)


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

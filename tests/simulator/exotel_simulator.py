# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stateful local simulator of Exotel's SIP-trunking REST API (``/v2/accounts/{sid}/trunks``).

Tests, benchmarks and users point the collection at this server to run playbooks offline. It is
built only from the project's three reference documents and is deliberately *no kinder* than they
are: where they disagree or leave room, it takes the stricter or more awkward reading so that the
client must cope with it. Sources are cited as:

* AR - ``api-reference.md``, Exotel's API reference with request/response examples;
* DP - ``developer-portal-pages.txt``, Exotel's developer-portal pages;
* NB - ``NOTES.md``: grade A = captured live, grade B = documented only. Every grade-B behaviour and
  every reading of a gap is kept in the ASSUMPTIONS section below.

Quirks simulated on purpose:

* Every answer is the envelope ``{request_id, method, http_code, response}`` (AR section 1). Error
  envelopes carry no ``data`` key (AR error examples) except the live duplicate shape, which has
  ``data: null`` (AR sections 2 and 4).
* Duplicates (trunk name, phone number, whitelisted IP, credential user) answer HTTP 200 with
  ``response.code`` 409 and error 1008 "Duplicate resource" (NB grade A). The ``http409`` duplicate
  style answers HTTP 409 instead, as AR section 1 shows for a trunk name.
* An unknown trunk is 404/1003 "Resource not found" (AR section 2) or, in the ``403`` missing-trunk
  style, 403/1003 "Authorization failed" (NB, seen live).
* The batch endpoints (destination URIs, settings) judge every item on its own and answer 207
  Multi-Status when any item failed, even when all failed (AR section 5).
* Destinations are ``<ipv4|fqdn>:<port>;transport=<tcp|tls>`` (DP, AR validation table) and come back
  with ``sip:`` prepended (AR section 5). Documentation and private IPs are "not a valid Ip or Fqdn",
  and an IP must first be covered by a whitelisted IP of the trunk (AR section 5). Re-posting a
  destination adds a duplicate row (NB).
* Lists carry ``metadata`` with first/prev/next page URIs (AR section 7); an empty list is
  ``"response": []`` without ``metadata`` (NB).
* Child rows are deleted through a query parameter, never a path segment (NB grade B).
* SIP credential passwords are write-only: never returned, logged or dumped (NB).
* 200 requests per minute (AR "Rate Limit"), per API key; the 429 carries ``Retry-After`` although
  none is documented (NB), unless that is switched off.

Run ``python exotel_simulator.py --help`` for the command line; README.md next to this file
describes the admin API under ``/_simulator`` and the fault-injection rules.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import fnmatch
import ipaddress
import json
import math
import os
import re
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

__all__ = ['ExotelSimulator', 'SimulatorConfig', 'main']

LOCAL_HOST = '127.0.0.1'
BANNER = 'Exotel API simulator listening on {url}'
ADMIN_PREFIX = '/_simulator'
JSON_TYPE = 'application/json'

# ---------------------------------------------------------------------------------------------
# Documented behaviour (AR / DP)
# ---------------------------------------------------------------------------------------------

# AR "Sample Data Used in Examples": (account_sid, api_key, api_token).
DEFAULT_ACCOUNT = ('exoteltest', 'exoteltest', 'a1b2c3d4e5f6g7h8i9j0')
# AR "Rate Limit: 200 calls per minute".
DEFAULT_RATE_LIMIT = 200
DEFAULT_RATE_WINDOW = 60.0

# AR section 1 and its validation table; the error text is AR's example, verbatim.
TRUNK_NAME_PATTERN = re.compile(r'[A-Za-z0-9_]{1,16}')
TRUNK_NAME_ERROR = 'trunk_name must be alphanumeric with underscores only, max 16 characters'
# AR section 1; NB: the spelling "any any" on one portal page is rejected live.
NSO_CODE = 'ANY-ANY'
# AR section 1 response: the four sub-resource links of every trunk.
TRUNK_LINKS = ('destination_uris', 'whitelisted_ips', 'credentials', 'phone_numbers')

# AR section 2 and validation table ("PSTN" is invalid: modes are case-sensitive).
E164_PATTERN = re.compile(r'\+[1-9][0-9]{7,14}')
PHONE_NUMBER_ERROR = 'phone_number must be in E.164 format (e.g., +919876543210)'
PHONE_MODES = ('pstn', 'flow')

# AR section 4 and validation table (mask 1-32, ip "256.1.2.3" invalid).
IPV4_SHAPE = re.compile(r'[0-9]{1,3}(?:\.[0-9]{1,3}){3}')
IP_ERROR = 'ip must be a valid IPv4 address'
MASK_MIN, MASK_MAX = 1, 32

# DP "Map Destination URI": <ip_or_fqdn>:<port>;transport=<protocol>; AR validation table: tcp|tls only.
# No "sip:" prefix, no spaces, no extra URI parameters; the port has no leading zero.
DESTINATION_PATTERN = re.compile(r'(?P<host>[A-Za-z0-9.-]+):(?P<port>[1-9][0-9]{0,4});transport=(?:tcp|tls)')
DESTINATION_INVALID = 'Destination is not a valid Ip or Fqdn'
DESTINATION_NOT_WHITELISTED = 'Destination not whitelisted'
MAX_PORT = 65535
# AR section 5: documentation IPs "will fail validation" and private IPs "aren't publicly routable".
NON_ROUTABLE_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    '0.0.0.0/8',                                           # "this network", includes unspecified
    '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16',       # RFC 1918 private
    '100.64.0.0/10',                                       # RFC 6598 shared (carrier-grade NAT)
    '127.0.0.0/8',                                         # loopback
    '169.254.0.0/16',                                      # link-local
    '192.0.0.0/24',                                        # IETF protocol assignments
    '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24',   # RFC 5737 documentation
    '198.18.0.0/15',                                       # benchmarking
    '224.0.0.0/4',                                         # multicast
    '240.0.0.0/4',                                         # reserved, includes broadcast
))
# AR section 5: what the API adds to each stored destination.
DESTINATION_DEFAULTS = (('type', 'public'), ('priority', 0), ('weight', 1))

# AR section 10: the only documented setting, and the format of its value.
KNOWN_SETTINGS = {'trunk_external_alias': E164_PATTERN}

# A hostname label (RFC 1123); used for FQDN destinations and the trunk's domain_name.
HOST_LABEL = re.compile(r'(?!-)[A-Za-z0-9-]{1,63}(?<!-)')
TOP_LEVEL_LABEL = re.compile(r'[A-Za-z]{2,63}')
MAX_HOSTNAME = 253
# Query-string integers (offset, page_size): ASCII digits only.
DECIMAL_DIGITS = re.compile(r'[0-9]{1,9}')

# ---------------------------------------------------------------------------------------------
# ASSUMPTIONS - revisit these first once Exotel's live behaviour is known.
#   [B]   NOTES.md grade B: documented by Exotel, no live response seen.
#   [doc] our reading of a gap in, or a conflict between, AR and DP.
#   [sim] a simulator choice where no document says anything.
# ---------------------------------------------------------------------------------------------

# [B] NB: "page_size (default 50)"; AR section 7 metadata shows 50. The maximum page size is
# undocumented [doc]: a larger request is clamped down to the configured size, never honoured.
DEFAULT_PAGE_SIZE = 50
# [B] NB: an empty list may come back as "response": [] with no metadata key at all. We always do
# so, also for a page past the end of a non-empty list.
EMPTY_LIST_HAS_METADATA = False
# [B] NB: child rows are deleted through a query parameter, not a path segment (the trunk's own
# trunk_sid parameter is grade A). A DELETE on a path ending in an id is an unknown path (404).
DELETE_QUERY_PARAMETER = {
    'trunks': 'trunk_sid',
    'phone_numbers': 'id',
    'whitelisted_ips': 'id',
    'destination_uris': 'id',
    'settings': 'name',
    'credentials': 'id',
}
# [B] NB: re-posting an existing destination may add a duplicate. We always add one.
DESTINATION_REPOST_ADDS_DUPLICATE = True
# [B] NB: deleting a trunk removes its numbers, ACLs and destinations; whether digest credentials
# go too is disputed. We remove them (and the settings) so nothing is left behind.
TRUNK_DELETE_CASCADE = ('phone_numbers', 'whitelisted_ips', 'destination_uris', 'settings', 'credentials')
# [doc] AR section 11's captured DELETE answer lacks the four link fields that DP's copy has.
TRUNK_DELETE_OMITS_LINKS = True
# [doc] AR section 4 makes mask mandatory; DP says optional with default 32. Take the stricter.
WHITELIST_MASK_REQUIRED = True
# [doc] AR section 2 speaks of a number "already mapped to this trunk"; a DID can only be routed one
# way, so a number mapped to any trunk is a duplicate.
PHONE_NUMBER_UNIQUE_ACROSS_TRUNKS = True
# [doc] AR sections 5 and 10 show a fully successful batch's metadata as {total, success}; DP adds
# "failed": 0. We follow AR: "failed" appears only when an item failed.
BATCH_METADATA_OMITS_ZERO_FAILED = True
# [doc] AR section 9 lists destination 2544 before 2543: that list is newest first. Other lists
# follow creation order.
NEWEST_FIRST = frozenset({'destination_uris'})
# [B] NB: credential passwords and friendly names accept only [A-Za-z0-9_] (measured), friendly
# name at most 32 characters. [sim] user_name's rule is ours: no document gives one.
CREDENTIAL_PASSWORD_PATTERN = re.compile(r'[A-Za-z0-9_]+')
CREDENTIAL_FRIENDLY_NAME_PATTERN = re.compile(r'[A-Za-z0-9_]{1,32}')
CREDENTIAL_USER_NAME_PATTERN = re.compile(r'[A-Za-z0-9_.@-]{1,64}')
# [B] NB: the credential list's metadata "may add total and page". We add both.
CREDENTIAL_LIST_EXTRA_METADATA = True
# [sim] Child ids are numeric strings (AR), increasing per collection from AR's sample ids.
FIRST_IDS = {'phone_numbers': 41512, 'whitelisted_ips': 1153, 'destination_uris': 2543, 'credentials': 5301}
# [doc] Live trunk sids (AR sections 1 and 11) look like "trmum" + 20 hex digits + "a1n".
TRUNK_SID_PREFIX, TRUNK_SID_SUFFIX, TRUNK_SID_HEX_BYTES = 'trmum', 'a1n', 10

CHILD_COLLECTIONS = ('phone_numbers', 'whitelisted_ips', 'destination_uris', 'credentials')
DUPLICATE_STYLES = ('envelope', 'http409')
MISSING_TRUNK_STYLES = ('404', '403')
WRITE_METHODS = ('POST', 'PUT', 'DELETE')
BODY_METHODS = ('POST', 'PUT')


# ---------------------------------------------------------------------------------------------
# Errors and envelopes
# ---------------------------------------------------------------------------------------------

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
        self.http409_error = http409_error or ApiError(409, 1008, 'Duplicate resource', live_description)


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


def missing_trunk(style, trunk_sid):
    if style == '403':
        return ApiError(403, 1003, 'Authorization failed', "Trunk '%s' is not accessible with this account" % trunk_sid)
    return ApiError(404, 1003, 'Resource not found', "Trunk '%s' does not exist" % trunk_sid)


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


def live_duplicate_envelope(method, description):
    """NB grade A / AR sections 2 and 4: HTTP 200 whose response.code is 409."""
    error = ApiError(409, 1008, 'Duplicate resource', description)
    return envelope(method, 200, {'code': 409, 'error_data': error.error_data(), 'status': 'failure', 'data': None})


def utc_now():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------

def _positive_int(name, value):
    if not is_int(value) or value < 1:
        raise ValueError('%s must be a positive integer' % name)
    return value


def _non_negative_int(name, value):
    if not is_int(value) or value < 0:
        raise ValueError('%s must be an integer >= 0' % name)
    return value


def _positive_number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError('%s must be a number > 0' % name)
    return float(value)


def _boolean(name, value):
    if not isinstance(value, bool):
        raise ValueError('%s must be true or false' % name)
    return value


def _choice(choices):
    def check(name, value):
        value = str(value) if is_int(value) else value
        if value not in choices:
            raise ValueError('%s must be one of: %s' % (name, ', '.join(choices)))
        return value
    return check


@dataclass
class SimulatorConfig:
    """Run-time settings, changeable through ``configure()`` or ``POST /_simulator/config``."""

    page_size: int = DEFAULT_PAGE_SIZE
    rate_limit: int = DEFAULT_RATE_LIMIT
    rate_window: float = DEFAULT_RATE_WINDOW
    retry_after: bool = True
    duplicate_style: str = 'envelope'
    missing_trunk_style: str = '404'

    CHECKS = {
        'page_size': _positive_int,
        'rate_limit': _non_negative_int,      # 0 = unlimited
        'rate_window': _positive_number,
        'retry_after': _boolean,
        'duplicate_style': _choice(DUPLICATE_STYLES),
        'missing_trunk_style': _choice(MISSING_TRUNK_STYLES),
    }

    def update(self, changes):
        """Validate every change first, then apply them all (or none); raises ValueError."""
        unknown = sorted(set(changes) - set(self.CHECKS))
        if unknown:
            raise ValueError('unknown setting(s): %s' % ', '.join(unknown))
        checked = {name: self.CHECKS[name](name, value) for name, value in changes.items()}
        for name, value in checked.items():
            setattr(self, name, value)

    def as_dict(self):
        return {name: getattr(self, name) for name in self.CHECKS}


# ---------------------------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------------------------

class Store:
    """All API state. Rows are kept exactly as the API returns them; passwords live apart.

    Not thread-safe by itself: the simulator holds its lock around every use. ``revision`` grows
    with every change so the caller knows when to persist.
    """

    def __init__(self):
        self.trunks = {}        # trunk_sid -> trunk row
        self.owners = {}        # trunk_sid -> account_sid
        self.rows = {}          # collection -> {id -> row}
        self.settings = {}      # trunk_sid -> {name -> row}
        self.passwords = {}     # credential id -> password; never part of any output
        self.counters = {}
        self.revision = 0
        self.clear()

    def clear(self):
        self.trunks.clear()
        self.owners.clear()
        self.rows = {collection: {} for collection in CHILD_COLLECTIONS}
        self.settings.clear()
        self.passwords.clear()
        self.counters = dict(FIRST_IDS)
        self.revision += 1

    def touch(self):
        self.revision += 1

    # Trunks -----------------------------------------------------------------------------

    def new_trunk_sid(self):
        while True:
            sid = TRUNK_SID_PREFIX + secrets.token_hex(TRUNK_SID_HEX_BYTES) + TRUNK_SID_SUFFIX
            if sid not in self.trunks:
                return sid

    def add_trunk(self, account_sid, row):
        self.trunks[row['trunk_sid']] = row
        self.owners[row['trunk_sid']] = account_sid
        self.touch()

    def trunks_of(self, account_sid):
        return [row for sid, row in self.trunks.items() if self.owners[sid] == account_sid]

    def remove_trunk(self, trunk_sid):
        """Delete a trunk and, per TRUNK_DELETE_CASCADE, everything configured on it."""
        for collection in TRUNK_DELETE_CASCADE:
            if collection == 'settings':
                self.settings.pop(trunk_sid, None)
                continue
            for row in self.children(collection, trunk_sid):
                self.remove(collection, row['id'])
        del self.owners[trunk_sid]
        row = self.trunks.pop(trunk_sid)
        self.touch()
        return row

    # Child rows -------------------------------------------------------------------------

    def next_id(self, collection):
        value = self.counters[collection]
        self.counters[collection] = value + 1
        return str(value)

    def insert(self, collection, row):
        self.rows[collection][row['id']] = row
        self.touch()
        return row

    def remove(self, collection, row_id):
        if collection == 'credentials':
            self.passwords.pop(row_id, None)
        row = self.rows[collection].pop(row_id)
        self.touch()
        return row

    def children(self, collection, trunk_sid):
        rows = [row for row in self.rows[collection].values() if row['trunk_sid'] == trunk_sid]
        return rows[::-1] if collection in NEWEST_FIRST else rows

    def child(self, collection, trunk_sid, row_id):
        row = self.rows[collection].get(row_id)
        return row if row is not None and row['trunk_sid'] == trunk_sid else None

    # Settings (one row per name and trunk) ----------------------------------------------

    def trunk_settings(self, trunk_sid):
        return self.settings.setdefault(trunk_sid, {})

    # Documents: persistence and dumps ---------------------------------------------------

    def to_document(self, include_secrets):
        """Plain JSON-able dict of the whole state; passwords only with ``include_secrets``."""
        credentials = [dict(row) for row in self.rows['credentials'].values()]
        if include_secrets:
            for row in credentials:
                row['password'] = self.passwords.get(row['id'])
        return {
            'format': 1,
            'counters': dict(self.counters),
            'trunks': [dict(row, account_sid=self.owners[sid]) for sid, row in self.trunks.items()],
            'phone_numbers': [dict(row) for row in self.rows['phone_numbers'].values()],
            'whitelisted_ips': [dict(row) for row in self.rows['whitelisted_ips'].values()],
            'destination_uris': [dict(row) for row in self.rows['destination_uris'].values()],
            'settings': [dict(row) for rows in self.settings.values() for row in rows.values()],
            'credentials': credentials,
        }

    def load_document(self, document):
        self.clear()
        self.counters.update({name: int(value) for name, value in document.get('counters', {}).items()})
        for row in document.get('trunks', []):
            row = dict(row)
            self.owners[row['trunk_sid']] = row.pop('account_sid')
            self.trunks[row['trunk_sid']] = row
        for collection in CHILD_COLLECTIONS:
            for row in document.get(collection, []):
                row = dict(row)
                if collection == 'credentials':
                    self.passwords[row['id']] = row.pop('password', None)
                self.rows[collection][row['id']] = row
        for row in document.get('settings', []):
            self.trunk_settings(row['trunk_sid'])[row['name']] = dict(row)
        self.touch()


def write_atomically(path, text):
    """Write to a temporary file in the same directory, then rename it over the target."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix='.exotel-simulator-', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


# ---------------------------------------------------------------------------------------------
# The API: routing and endpoint handlers
# ---------------------------------------------------------------------------------------------

@dataclass
class RequestContext:
    """One API request as the endpoint handlers see it."""

    method: str
    account_sid: str
    params: dict
    query: dict
    body: dict = field(default_factory=dict)
    failing_items: frozenset = frozenset()      # fail_items fault: indexes to fail
    item_error: ApiError | None = None


def _route(template, handlers):
    pattern = re.escape(template).replace(r'\{sid\}', '(?P<sid>[^/]+)').replace(r'\{id\}', '(?P<id>[^/]+)')
    return re.compile(pattern), handlers


# Paths are relative to /v2/accounts/{account_sid}, with any ".json" suffix already stripped.
ROUTES = (
    _route('/trunks', {'GET': 'list_trunks', 'POST': 'create_trunk', 'DELETE': 'delete_trunk'}),
    _route('/trunks/{sid}/phone-numbers', {'GET': 'list_phone_numbers', 'POST': 'add_phone_number', 'DELETE': 'delete_phone_number'}),
    _route('/trunks/{sid}/phone-numbers/{id}', {'PUT': 'update_phone_number'}),
    _route('/trunks/{sid}/whitelisted-ips', {'GET': 'list_whitelisted_ips', 'POST': 'add_whitelisted_ip', 'DELETE': 'delete_whitelisted_ip'}),
    _route('/trunks/{sid}/destination-uris', {'GET': 'list_destinations', 'POST': 'add_destinations', 'DELETE': 'delete_destination'}),
    _route('/trunks/{sid}/destination-uris/{id}', {'PUT': 'update_destination'}),
    _route('/trunks/{sid}/settings', {'GET': 'list_settings', 'POST': 'set_settings', 'DELETE': 'delete_setting'}),
    _route('/trunks/{sid}/credentials', {'GET': 'list_credentials', 'POST': 'add_credential', 'DELETE': 'delete_credential'}),
    _route('/trunks/{sid}/credentials/{id}', {'PUT': 'update_credential'}),
)
BATCH_ENDPOINTS = frozenset({'add_destinations', 'set_settings'})


def resolve_route(subpath, method):
    """``(handler name, path parameters)``, or None for an unknown path or method."""
    for pattern, handlers in ROUTES:
        match = pattern.fullmatch(subpath)
        if match:
            name = handlers.get(method)
            return (name, {key: unquote(value) for key, value in match.groupdict().items()}) if name else None
    return None


class ExotelApi:
    """The endpoints. Each handler takes a RequestContext and returns ``(http status, JSON body)``
    or raises ApiError / DuplicateError; ``handle`` turns those into envelopes."""

    def __init__(self, store, config):
        self.store = store
        self.config = config

    def handle(self, ctx, handler_name, raw_body, content_type):
        try:
            if ctx.method in BODY_METHODS:
                ctx.body = parse_json_body(content_type, raw_body)
            return getattr(self, handler_name)(ctx)
        except ApiError as error:
            return error.http_status, error_envelope(ctx.method, error)
        except DuplicateError as duplicate:
            if self.config.duplicate_style == 'http409':
                return 409, error_envelope(ctx.method, duplicate.http409_error)
            return 200, live_duplicate_envelope(ctx.method, duplicate.live_description)

    # Shared building blocks -------------------------------------------------------------

    @staticmethod
    def _one(ctx, data):
        return 200, envelope(ctx.method, 200, success_item(dict(data)))

    def _trunk_sid(self, ctx):
        """The path's trunk, which must exist and belong to the caller's account."""
        sid = ctx.params['sid']
        if self.store.owners.get(sid) != ctx.account_sid:
            raise missing_trunk(self.config.missing_trunk_style, sid)
        return sid

    @staticmethod
    def _query_value(ctx, name):
        value = ctx.query.get(name)
        if not value:
            raise missing_parameter(name)
        return value

    def _child(self, collection, trunk_sid, row_id, label):
        row = self.store.child(collection, trunk_sid, row_id)
        if row is None:
            raise not_found("%s '%s' does not exist on trunk '%s'" % (label, row_id, trunk_sid))
        return row

    def _delete_child(self, ctx, collection, label):
        sid = self._trunk_sid(ctx)
        row_id = self._query_value(ctx, DELETE_QUERY_PARAMETER[collection])
        self._child(collection, sid, row_id, label)
        return self._one(ctx, self.store.remove(collection, row_id))

    def _page(self, ctx, rows, extra_metadata=False):
        """One page of a list, with AR section 7's metadata (NB: none at all when the page is empty)."""
        offset = self._query_int(ctx, 'offset', 0, minimum=0)
        page_size = min(self._query_int(ctx, 'page_size', self.config.page_size, minimum=1), self.config.page_size)
        page = rows[offset:offset + page_size]
        items = [success_item(dict(row)) for row in page]
        if not page and not EMPTY_LIST_HAS_METADATA:
            return 200, envelope(ctx.method, 200, [])
        filters = {name: value for name, value in ctx.query.items() if name not in ('offset', 'page_size')}
        path = '/v2/accounts/%s%s' % (ctx.account_sid, ctx.params['path'])

        def uri(at):
            return '%s?%s' % (path, urlencode(dict({'offset': at, 'page_size': page_size}, **filters)))

        metadata = {
            'page_size': page_size,
            'first_page_uri': uri(0),
            'prev_page_uri': uri(max(0, offset - page_size)) if offset > 0 else None,
            'next_page_uri': uri(offset + page_size) if offset + page_size < len(rows) else None,
        }
        if extra_metadata:
            metadata.update(total=len(rows), page=offset // page_size)
        return 200, envelope(ctx.method, 200, items, metadata)

    @staticmethod
    def _query_int(ctx, name, default, minimum):
        raw = ctx.query.get(name)
        if raw is None or raw == '':
            return default
        if not matches(DECIMAL_DIGITS, raw) or int(raw) < minimum:
            raise invalid_parameter('%s must be an integer >= %d' % (name, minimum))
        return int(raw)

    @staticmethod
    def _batch_items(ctx, key):
        items = require(ctx.body, key)
        if not isinstance(items, list) or not items:
            raise invalid_parameter('%s must be a non-empty array' % key)
        return items

    @staticmethod
    def _batch(ctx, items, apply_item):
        """AR section 5: one envelope per item, in request order; 207 as soon as one item failed."""
        results = []
        for index, item in enumerate(items):
            try:
                if index in ctx.failing_items:
                    raise ctx.item_error
                results.append(success_item(dict(apply_item(item))))
            except ApiError as error:
                results.append(failure_item(error))
        failed = sum(1 for result in results if result['status'] == 'failure')
        metadata = {'total': len(items), 'success': len(items) - failed}
        if failed or not BATCH_METADATA_OMITS_ZERO_FAILED:
            metadata['failed'] = failed
        status = 207 if failed else 200
        return status, envelope(ctx.method, status, results, metadata)

    # Trunks (AR sections 1 and 11; NB for the list) ---------------------------------------

    def create_trunk(self, ctx):
        body = ctx.body
        for name in ('trunk_name', 'nso_code', 'domain_name'):
            require(body, name)
        name = body['trunk_name']
        if not matches(TRUNK_NAME_PATTERN, name):
            raise ApiError(400, 1000, 'Invalid request', TRUNK_NAME_ERROR)
        if body['nso_code'] != NSO_CODE:
            raise invalid_parameter('nso_code must be %s' % NSO_CODE)
        if not is_fqdn(body['domain_name']):
            raise invalid_parameter('domain_name must be a valid domain name')
        if any(row['trunk_name'] == name for row in self.store.trunks_of(ctx.account_sid)):
            raise DuplicateError('Unable to create trunk with name %s' % name,
                                 ApiError(409, 1002, 'Resource exists', "Trunk with name '%s' already exists" % name))
        sid, now = self.store.new_trunk_sid(), utc_now()
        # Fields and their order as in AR section 1's answer; only IP-WHITELIST auth exists (DP).
        row = {'trunk_name': name, 'date_created': now, 'date_updated': now, 'trunk_sid': sid, 'status': 'active',
               'domain_name': body['domain_name'], 'auth_type': 'IP-WHITELIST', 'registration_enabled': 'disabled',
               'edge_preference': 'auto', 'nso_code': NSO_CODE, 'secure_trunking': 'disabled'}
        for link in TRUNK_LINKS:
            row[link] = '/v2/accounts/%s/trunks/%s/%s' % (ctx.account_sid, sid, link.replace('_', '-'))
        self.store.add_trunk(ctx.account_sid, row)
        return self._one(ctx, row)

    def list_trunks(self, ctx):
        rows = self.store.trunks_of(ctx.account_sid)
        wanted = ctx.query.get('trunk_sid')
        if wanted:
            rows = [row for row in rows if row['trunk_sid'] == wanted]
        return self._page(ctx, rows)

    def delete_trunk(self, ctx):
        ctx.params['sid'] = self._query_value(ctx, DELETE_QUERY_PARAMETER['trunks'])
        row = self.store.remove_trunk(self._trunk_sid(ctx))
        if TRUNK_DELETE_OMITS_LINKS:
            row = {name: value for name, value in row.items() if name not in TRUNK_LINKS}
        return self._one(ctx, row)

    # Phone numbers (AR sections 2, 3 and 7) -----------------------------------------------

    def list_phone_numbers(self, ctx):
        return self._page(ctx, self.store.children('phone_numbers', self._trunk_sid(ctx)))

    def add_phone_number(self, ctx):
        sid = self._trunk_sid(ctx)
        number = require(ctx.body, 'phone_number')
        if not matches(E164_PATTERN, number):
            raise invalid_parameter(PHONE_NUMBER_ERROR)
        mode = ctx.body.get('mode')
        if mode is not None:
            self._check_mode(mode)
        mapped = self.store.rows['phone_numbers'].values()
        if any(row['phone_number'] == number and (PHONE_NUMBER_UNIQUE_ACROSS_TRUNKS or row['trunk_sid'] == sid) for row in mapped):
            raise DuplicateError('Unable to create DidTrunkMapping with TrunkSid %s' % sid)
        now = utc_now()
        row = {'id': self.store.next_id('phone_numbers'), 'phone_number': number, 'trunk_sid': sid,
               'date_created': now, 'date_updated': now, 'mode': mode}
        return self._one(ctx, self.store.insert('phone_numbers', row))

    def update_phone_number(self, ctx):
        sid = self._trunk_sid(ctx)
        row = self._child('phone_numbers', sid, ctx.params['id'], 'Phone number mapping')
        number = require(ctx.body, 'phone_number')
        mode = require(ctx.body, 'mode')
        if not matches(E164_PATTERN, number):
            raise invalid_parameter(PHONE_NUMBER_ERROR)
        if number != row['phone_number']:
            # DP: "Must match the phone number associated with the ID".
            raise invalid_parameter('phone_number does not match the phone number of mapping %s' % row['id'])
        self._check_mode(mode)
        row.update(mode=mode, date_updated=utc_now())
        self.store.touch()
        return self._one(ctx, row)

    @staticmethod
    def _check_mode(mode):
        if mode not in PHONE_MODES:
            raise invalid_parameter('mode must be one of: %s' % ', '.join(PHONE_MODES))

    def delete_phone_number(self, ctx):
        return self._delete_child(ctx, 'phone_numbers', 'Phone number mapping')

    # Whitelisted IPs (AR sections 4 and 8) ------------------------------------------------

    def list_whitelisted_ips(self, ctx):
        return self._page(ctx, self.store.children('whitelisted_ips', self._trunk_sid(ctx)))

    def add_whitelisted_ip(self, ctx):
        sid = self._trunk_sid(ctx)
        address = parse_ipv4(require(ctx.body, 'ip'))
        if address is None:
            raise invalid_parameter(IP_ERROR)
        mask = require(ctx.body, 'mask') if WHITELIST_MASK_REQUIRED else ctx.body.get('mask', MASK_MAX)
        if not is_int(mask) or not MASK_MIN <= mask <= MASK_MAX:
            raise invalid_parameter('mask must be an integer between %d and %d' % (MASK_MIN, MASK_MAX))
        ip = str(address)
        if any(row['ip'] == ip for row in self.store.children('whitelisted_ips', sid)):
            raise DuplicateError('Unable to Whitelist-ip with ip %s' % ip)
        now = utc_now()
        row = {'id': self.store.next_id('whitelisted_ips'), 'mask': mask, 'trunk_sid': sid, 'ip': ip,
               'friendly_name': None, 'date_created': now, 'date_updated': now}
        return self._one(ctx, self.store.insert('whitelisted_ips', row))

    def delete_whitelisted_ip(self, ctx):
        return self._delete_child(ctx, 'whitelisted_ips', 'Whitelisted IP')

    # Destination URIs (AR sections 5 and 9; NB for PUT and DELETE) ------------------------

    def list_destinations(self, ctx):
        return self._page(ctx, self.store.children('destination_uris', self._trunk_sid(ctx)))

    def add_destinations(self, ctx):
        sid = self._trunk_sid(ctx)
        items = self._batch_items(ctx, 'destinations')
        acl = [ipaddress.ip_network('%s/%s' % (row['ip'], row['mask']), strict=False)
               for row in self.store.children('whitelisted_ips', sid)]
        return self._batch(ctx, items, lambda item: self._add_destination(sid, item, acl))

    def _add_destination(self, sid, item, acl):
        if not isinstance(item, dict) or item.get('destination') in (None, ''):
            raise missing_parameter('destination')
        destination = item['destination']
        self._check_destination(destination, acl)
        if not DESTINATION_REPOST_ADDS_DUPLICATE:
            for row in self.store.children('destination_uris', sid):
                if row['destination'] == 'sip:' + destination:
                    return row
        now = utc_now()
        row = {'id': self.store.next_id('destination_uris'), 'destination': 'sip:' + destination,
               'date_created': now, 'date_updated': now}
        row.update(DESTINATION_DEFAULTS)
        row['trunk_sid'] = sid
        return self.store.insert('destination_uris', row)

    @staticmethod
    def _check_destination(destination, acl):
        match = DESTINATION_PATTERN.fullmatch(destination) if isinstance(destination, str) else None
        if match is None or int(match['port']) > MAX_PORT:
            raise invalid_parameter(DESTINATION_INVALID, code=1002)
        address = parse_ipv4(match['host'])
        if address is None:
            if not is_fqdn(match['host']):
                raise invalid_parameter(DESTINATION_INVALID, code=1002)
            return  # AR section 5: "FQDNs do not require whitelisting".
        if not is_routable(address):
            raise invalid_parameter(DESTINATION_INVALID, code=1002)
        if not any(address in network for network in acl):
            raise invalid_parameter(DESTINATION_NOT_WHITELISTED, code=1002)

    def update_destination(self, ctx):
        sid = self._trunk_sid(ctx)
        row = self._child('destination_uris', sid, ctx.params['id'], 'Destination URI')
        if 'destination' in ctx.body:
            # NB: "the destination string itself cannot be changed (delete + add)".
            raise invalid_parameter('destination cannot be updated; delete it and add the new one')
        changes = {name: ctx.body[name] for name in ('priority', 'weight') if ctx.body.get(name) is not None}
        if not changes:
            raise missing_parameter('priority or weight')
        for name, value in changes.items():
            if not is_int(value) or value < 0:
                raise invalid_parameter('%s must be an integer >= 0' % name)
        row.update(changes, date_updated=utc_now())
        self.store.touch()
        return self._one(ctx, row)

    def delete_destination(self, ctx):
        return self._delete_child(ctx, 'destination_uris', 'Destination URI')

    # Settings (AR section 10; NB for GET and DELETE) --------------------------------------

    def list_settings(self, ctx):
        return self._page(ctx, list(self.store.trunk_settings(self._trunk_sid(ctx)).values()))

    def set_settings(self, ctx):
        sid = self._trunk_sid(ctx)
        items = self._batch_items(ctx, 'settings')
        return self._batch(ctx, items, lambda item: self._set_setting(sid, item))

    def _set_setting(self, sid, item):
        if not isinstance(item, dict):
            raise missing_parameter('name')
        name, value = require(item, 'name'), require(item, 'value')
        if not isinstance(name, str) or name not in KNOWN_SETTINGS:
            raise invalid_parameter('Unknown setting name %r' % (name,))
        if not matches(KNOWN_SETTINGS[name], value):
            raise invalid_parameter('%s must be a phone number in E.164 format' % name)
        settings, now = self.store.trunk_settings(sid), utc_now()
        row = settings.get(name) or {'name': name, 'value': value, 'trunk_sid': sid, 'date_created': now}
        row.update(value=value, date_updated=now)
        settings[name] = row
        self.store.touch()
        return row

    def delete_setting(self, ctx):
        sid = self._trunk_sid(ctx)
        name = self._query_value(ctx, DELETE_QUERY_PARAMETER['settings'])
        settings = self.store.trunk_settings(sid)
        if name not in settings:
            raise not_found("Setting '%s' does not exist on trunk '%s'" % (name, sid))
        row = settings.pop(name)
        self.store.touch()
        return self._one(ctx, row)

    # Credentials (NB grade B; the password is write-only) ---------------------------------

    def list_credentials(self, ctx):
        rows = self.store.children('credentials', self._trunk_sid(ctx))
        wanted = ctx.query.get('id')
        if wanted:
            rows = [row for row in rows if row['id'] == wanted]
        return self._page(ctx, rows, extra_metadata=CREDENTIAL_LIST_EXTRA_METADATA)

    def add_credential(self, ctx):
        sid = self._trunk_sid(ctx)
        user_name, password = require(ctx.body, 'user_name'), require(ctx.body, 'password')
        friendly_name = ctx.body.get('friendly_name')
        self._check_credential_fields(user_name=user_name, password=password, friendly_name=friendly_name)
        self._check_unique_user(sid, user_name)
        now = utc_now()
        row = {'id': self.store.next_id('credentials'), 'trunk_sid': sid, 'user_name': user_name,
               'friendly_name': friendly_name, 'date_created': now, 'date_updated': now}
        self.store.passwords[row['id']] = password
        return self._one(ctx, self.store.insert('credentials', row))

    def update_credential(self, ctx):
        sid = self._trunk_sid(ctx)
        row = self._child('credentials', sid, ctx.params['id'], 'Credential')
        changes = {name: ctx.body[name] for name in ('user_name', 'password', 'friendly_name') if name in ctx.body}
        if not changes:
            raise missing_parameter('user_name, password or friendly_name')
        self._check_credential_fields(**changes)
        if 'user_name' in changes:
            self._check_unique_user(sid, changes['user_name'], ignore_id=row['id'])
        if 'password' in changes:
            self.store.passwords[row['id']] = changes.pop('password')
        row.update(changes, date_updated=utc_now())
        self.store.touch()
        return self._one(ctx, row)

    @staticmethod
    def _check_credential_fields(**fields):
        """NB: violations are 400 with error 1002. Only friendly_name may be null."""
        rules = {'user_name': CREDENTIAL_USER_NAME_PATTERN, 'password': CREDENTIAL_PASSWORD_PATTERN,
                 'friendly_name': CREDENTIAL_FRIENDLY_NAME_PATTERN}
        for name, value in fields.items():
            if value is None and name == 'friendly_name':
                continue
            if not matches(rules[name], value):
                raise invalid_parameter('%s contains characters or a length that is not allowed' % name, code=1002)

    def _check_unique_user(self, sid, user_name, ignore_id=None):
        for row in self.store.children('credentials', sid):
            if row['user_name'] == user_name and row['id'] != ignore_id:
                raise DuplicateError('Unable to create Credential with UserName %s' % user_name)

    def delete_credential(self, ctx):
        return self._delete_child(ctx, 'credentials', 'Credential')


# ---------------------------------------------------------------------------------------------
# Rate limiting and fault injection
# ---------------------------------------------------------------------------------------------

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
    def json(cls, status, body, headers=None):
        response = body.get('response') if isinstance(body, dict) else None
        api_code = response.get('code') if isinstance(response, dict) else None
        return cls(status, json.dumps(body).encode('utf-8'), headers=dict(headers or {}), api_code=api_code)


def fault_response(rule, method):
    """The response of a fault that answers instead of the API (status, malformed_json, html, drop)."""
    if rule.action == 'drop':
        return ApiResponse(None, drop=True)
    if rule.action == 'malformed_json':
        return ApiResponse(200, MALFORMED_JSON)
    if rule.action == 'html':
        return ApiResponse(502, HTML_502, content_type='text/html')
    status = rule.spec.get('status', 500)
    code, message, description = FAULT_ERRORS.get(status, (status, 'Server error', 'Simulated failure'))
    body = rule.spec['body'] if 'body' in rule.spec else error_envelope(method, ApiError(status, code, message, description))
    headers = {'Retry-After': str(rule.spec['retry_after'])} if status == 429 and 'retry_after' in rule.spec else {}
    return ApiResponse.json(status, body, headers)


# ---------------------------------------------------------------------------------------------
# The simulator
# ---------------------------------------------------------------------------------------------

@dataclass
class HttpRequest:
    """An API request as read off the wire; never logged whole (it holds credentials)."""

    method: str
    path: str
    query: dict
    headers: object
    body: bytes

    def api_path(self):
        """The path with a ".json" suffix removed (accepted and ignored everywhere)."""
        return self.path[:-len('.json')] if self.path.endswith('.json') else self.path


ACCOUNT_PATH = re.compile(r'/v2/accounts/(?P<account>[^/]+)(?P<sub>/.*)?')


def parse_basic_auth(header):
    """``(api_key, api_token)`` from an HTTP Basic Authorization header, else None."""
    scheme, _space, value = (header or '').partition(' ')
    if scheme.lower() != 'basic':
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, separator, token = decoded.partition(':')
    return (key, token) if separator else None


def parse_accounts(accounts):
    """``{api_key: (account_sid, api_token)}`` from tuples, dicts or "SID:KEY:TOKEN" strings."""
    table = {}
    for account in accounts:
        if isinstance(account, str):
            account = account.split(':', 2)
        elif isinstance(account, dict):
            account = (account['account_sid'], account['api_key'], account['api_token'])
        if len(account) != 3 or not all(account):
            raise ValueError('an account is account_sid:api_key:api_token')
        sid, key, token = account
        table[key] = (sid, token)
    return table


class ExotelSimulator:
    """The simulator: state, API, admin API and HTTP server.

    ``ExotelSimulator(port=0).start()`` serves on 127.0.0.1 in a daemon thread; ``url`` gives the
    base URL. Everything is guarded by one lock; only fault delays happen outside it.
    """

    def __init__(self, port=0, *, page_size=DEFAULT_PAGE_SIZE, rate_limit=DEFAULT_RATE_LIMIT, rate_window=DEFAULT_RATE_WINDOW,
                 state_file=None, log_file=None, accounts=None, retry_after=True, duplicate_style='envelope',
                 missing_trunk_style='404'):
        self._lock = threading.RLock()
        self.config = SimulatorConfig()
        self.config.update({'page_size': page_size, 'rate_limit': rate_limit, 'rate_window': rate_window,
                            'retry_after': retry_after, 'duplicate_style': duplicate_style,
                            'missing_trunk_style': missing_trunk_style})
        self.accounts = parse_accounts(accounts if accounts is not None else [DEFAULT_ACCOUNT])
        self.state_file = state_file
        self.log_file = log_file
        self._store = Store()
        self._api = ExotelApi(self._store, self.config)
        self._limiter = RateLimiter()
        self._faults = []
        self._log = []
        self._port = port
        self._server = None
        self._thread = None
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding='utf-8') as stream:
                self._store.load_document(json.load(stream))

    # Life cycle -------------------------------------------------------------------------

    def start(self):
        if self._server is not None:
            raise RuntimeError('the simulator is already running')
        self._server = _SimulatorServer((LOCAL_HOST, self._port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.1},
                                        name='exotel-simulator', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is None:
            return
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._port = self._server.server_address[1]   # a restart reuses the port
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        if self._server is None:
            raise RuntimeError('the simulator is not running')
        return self._server.server_address[1]

    @property
    def url(self):
        return 'http://%s:%d' % (LOCAL_HOST, self.port)

    # Control (the admin API calls these too) --------------------------------------------

    def configure(self, **changes):
        with self._lock:
            self.config.update(changes)
            return self.config.as_dict()

    def reset(self, **changes):
        """Clear state, request log, faults and rate-limit windows; optionally reconfigure."""
        with self._lock:
            self.config.update(changes)
            self._store.clear()
            self._log.clear()
            self._faults.clear()
            self._limiter.reset()
            self._save_state()

    def add_fault(self, rule):
        """Add one rule (dict) or several (list); returns the rules as stored."""
        rules = [FaultRule(spec) for spec in (rule if isinstance(rule, list) else [rule])]
        with self._lock:
            self._faults.extend(rules)
        return [rule.as_dict() for rule in rules]

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def faults(self):
        with self._lock:
            return [rule.as_dict() for rule in self._faults]

    def requests(self):
        with self._lock:
            return [dict(entry) for entry in self._log]

    def stats(self):
        with self._lock:
            log = list(self._log)
        writes = sum(1 for entry in log if entry['write'])
        return {
            'total': len(log),
            'reads': len(log) - writes,
            'writes': writes,
            'by_method': dict(Counter(entry['method'] for entry in log)),
            'by_status': dict(Counter('dropped' if entry['status'] is None else str(entry['status']) for entry in log)),
            'rate_limited': sum(1 for entry in log if entry['status'] == 429 and entry['fault'] is None),
        }

    def dump_state(self):
        """The whole state as plain dicts (no passwords), for assertions."""
        with self._lock:
            return self._store.to_document(include_secrets=False)

    @property
    def state(self):
        return self.dump_state()

    def check_password(self, credential_id, password):
        """True when the credential's stored password equals ``password`` (it is never returned)."""
        with self._lock:
            stored = self._store.passwords.get(str(credential_id))
        return stored is not None and secrets.compare_digest(stored.encode('utf-8'), password.encode('utf-8'))

    # The API ----------------------------------------------------------------------------

    def handle_api(self, request):
        """Answer one API request: auth, rate limit, faults, then the endpoint."""
        response, rule = self._admit(request)
        if response is None:
            if rule is not None and rule.action == 'delay':
                time.sleep(float(rule.spec.get('seconds', 1.0)))   # outside the lock: others go on
            response = self._apply(request, rule)
        self._record(request, response, rule)
        return response

    def _admit(self, request):
        """``(early response or None, fault rule or None)``, all under the lock."""
        with self._lock:
            match = ACCOUNT_PATH.fullmatch(request.api_path())
            if match is None:
                return ApiResponse.json(404, error_envelope(request.method, not_found('Unknown path'))), None
            api_key = self._authenticate(request, match['account'])
            if api_key is None:
                return ApiResponse.json(401, error_envelope(request.method, unauthorized())), None
            wait = self._limiter.admit(api_key, self.config.rate_limit, self.config.rate_window, time.monotonic())
            if wait is not None:
                headers = {'Retry-After': str(max(1, math.ceil(wait)))} if self.config.retry_after else {}
                return ApiResponse.json(429, error_envelope(request.method, rate_limited()), headers), None
            rule = self._select_fault(request.method, match['sub'] or '')
            if rule is not None and rule.action in ('status', 'drop', 'malformed_json', 'html'):
                return fault_response(rule, request.method), rule
            return None, rule

    def _authenticate(self, request, account_sid):
        """The caller's API key when its token is right and the path's account is its own."""
        credentials = parse_basic_auth(request.headers.get('Authorization'))
        if credentials is None or credentials[0] not in self.accounts:
            return None
        key, token = credentials
        owner, expected = self.accounts[key]
        if owner != account_sid or not secrets.compare_digest(token.encode('utf-8'), expected.encode('utf-8')):
            return None
        return key

    def _select_fault(self, method, subpath):
        route = resolve_route(subpath, method)
        batch = route is not None and route[0] in BATCH_ENDPOINTS
        for rule in self._faults:
            if rule.matches(method, subpath, batch) and rule.take():
                return rule
        return None

    def _apply(self, request, rule):
        with self._lock:
            match = ACCOUNT_PATH.fullmatch(request.api_path())
            subpath = match['sub'] or ''
            route = resolve_route(subpath, request.method)
            if route is None:
                return ApiResponse.json(404, error_envelope(request.method, not_found('Unknown path %s' % request.path)))
            handler_name, params = route
            params['path'] = subpath
            ctx = RequestContext(request.method, match['account'], params, request.query)
            if rule is not None and rule.action == 'fail_items':
                ctx.failing_items, ctx.item_error = frozenset(rule.spec['items']), rule.item_error()
            revision = self._store.revision
            status, body = self._api.handle(ctx, handler_name, request.body, request.headers.get('Content-Type'))
            if self._store.revision != revision:
                self._save_state()
            response = ApiResponse.json(status, body)
            if rule is not None and rule.action == 'lose_response':
                # Applied, but the answer never reaches the client.
                response = ApiResponse(None, drop=True)
            return response

    def _record(self, request, response, rule):
        """Append to the request log: never headers or bodies (they hold secrets)."""
        with self._lock:
            entry = {
                'seq': len(self._log) + 1,
                'time': time.time(),
                'method': request.method,
                'path': request.path,
                'query': dict(request.query),
                'status': None if response.drop else response.status,
                'api_code': None if response.drop else response.api_code,
                'write': request.method in WRITE_METHODS,
                'fault': rule.action if rule is not None else None,
            }
            self._log.append(entry)
            if self.log_file:
                with open(self.log_file, 'a', encoding='utf-8') as stream:
                    stream.write(json.dumps(entry) + '\n')

    def _save_state(self):
        if self.state_file:
            # The state file is the simulator's own database: it keeps passwords (mode 0600).
            write_atomically(self.state_file, json.dumps(self._store.to_document(include_secrets=True), indent=1))

    # The admin API ----------------------------------------------------------------------

    def handle_admin(self, method, path, raw_body):
        """``(status, JSON body)`` for ``/_simulator/...``: no auth, no rate limit, no log."""
        endpoints = {
            ('GET', 'health'): lambda body: {'ok': True},
            ('POST', 'reset'): lambda body: self.reset(**body) or {'ok': True, 'config': self.config.as_dict()},
            ('GET', 'config'): lambda body: self.config.as_dict(),
            ('POST', 'config'): lambda body: self.configure(**body),
            ('GET', 'requests'): lambda body: {'requests': self.requests()},
            ('GET', 'stats'): lambda body: self.stats(),
            ('GET', 'faults'): lambda body: {'faults': self.faults()},
            ('POST', 'faults'): lambda body: {'faults': self.add_fault(body)},
            ('DELETE', 'faults'): lambda body: self.clear_faults() or {'faults': []},
            ('GET', 'state'): lambda body: self.dump_state(),
        }
        endpoint = endpoints.get((method, path[len(ADMIN_PREFIX):].strip('/')))
        if endpoint is None:
            return 404, {'error': 'unknown admin endpoint %s %s' % (method, path)}
        try:
            body = json.loads(raw_body.decode('utf-8')) if raw_body.strip() else {}
            if path.endswith(('/reset', '/config')) and not isinstance(body, dict):
                raise ValueError('the body must be a JSON object')
            return 200, endpoint(body)
        except (ValueError, TypeError, KeyError) as error:
            return 400, {'error': str(error)}


# ---------------------------------------------------------------------------------------------
# HTTP layer
# ---------------------------------------------------------------------------------------------

class _SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server that can close its open keep-alive connections on stop."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, simulator):
        self.simulator = simulator
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def track(self, connection, is_open):
        with self._connections_lock:
            (self._connections.add if is_open else self._connections.discard)(connection)

    def close_connections(self):
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass    # already closed by the client


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads a request, hands it to the simulator and writes (or withholds) the answer."""

    protocol_version = 'HTTP/1.1'        # keep-alive, like the real API behind its load balancer
    server_version = 'ExotelSimulator/1.0'
    sys_version = ''
    timeout = 120                        # idle keep-alive connections end eventually
    disable_nagle_algorithm = True       # headers and body are separate writes: avoid 40 ms delayed-ACK stalls

    def setup(self):
        super().setup()
        self.server.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def do_GET(self):   # pylint: disable=invalid-name
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format, *args):   # pylint: disable=redefined-builtin
        """Silence the default stderr access log; the request log replaces it."""

    def _dispatch(self):
        body = self._read_body()
        target = urlsplit(self.path)
        simulator = self.server.simulator
        try:
            if target.path == ADMIN_PREFIX or target.path.startswith(ADMIN_PREFIX + '/'):
                status, payload = simulator.handle_admin(self.command, target.path, body)
                self._send(ApiResponse(status, json.dumps(payload).encode('utf-8')))
                return
            query = {name: values[0] for name, values in parse_qs(target.query, keep_blank_values=True).items()}
            response = simulator.handle_api(HttpRequest(self.command, target.path, query, self.headers, body))
        except Exception as error:  # pylint: disable=broad-except
            # A simulator bug must be loud, and must not look like a "drop" fault to the client.
            traceback.print_exc()
            failure = ApiError(500, 500, 'Internal Server Error', 'Simulator error: %s' % error)
            self._send(ApiResponse.json(500, error_envelope(self.command, failure)))
            return
        if response.drop:
            self.close_connection = True     # no status line at all: the client sees a disconnect
            return
        self._send(response)

    def _read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            self.close_connection = True
            return b''
        return self.rfile.read(length) if length > 0 else b''

    def _read_chunked(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b';', 1)[0].strip() or b'0', 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass    # trailers
                return b''.join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _send(self, response):
        self.send_response(response.status)
        self.send_header('Content-Type', response.content_type)
        self.send_header('Content-Length', str(len(response.payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.payload)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def build_parser():
    parser = argparse.ArgumentParser(description='Stateful local simulator of the Exotel SIP-trunking API.')
    parser.add_argument('--host', default=LOCAL_HOST, help='must be 127.0.0.1: the simulator never listens elsewhere')
    parser.add_argument('--port', type=int, default=0, help='TCP port; 0 picks a free one (default)')
    parser.add_argument('--port-file', help='write the chosen port to this file')
    parser.add_argument('--state-file', help='load state from / save it to this JSON file')
    parser.add_argument('--log-file', help='append every API request to this file as JSON lines')
    parser.add_argument('--page-size', type=int, default=DEFAULT_PAGE_SIZE, help='default and maximum list page size')
    parser.add_argument('--rate-limit', type=int, default=DEFAULT_RATE_LIMIT, help='requests per window per API key; 0 = unlimited')
    parser.add_argument('--rate-window', type=float, default=DEFAULT_RATE_WINDOW, help='rate-limit window in seconds')
    parser.add_argument('--no-retry-after', action='store_true', help='send 429 without a Retry-After header')
    parser.add_argument('--faults', help='JSON file with a fault rule or a list of them')
    parser.add_argument('--duplicate-style', choices=DUPLICATE_STYLES, default='envelope',
                        help='envelope: HTTP 200 with response.code 409 (seen live); http409: HTTP 409')
    parser.add_argument('--missing-trunk-style', choices=MISSING_TRUNK_STYLES, default='404',
                        help='404: 404/1003 "Resource not found"; 403: 403/1003 "Authorization failed" (seen live)')
    parser.add_argument('--account', action='append', metavar='SID:KEY:TOKEN',
                        help='an account to accept (repeatable); default: the docs\' sample account exoteltest')
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.host != LOCAL_HOST:
        parser.error('--host must be %s: the simulator only listens on the loopback address' % LOCAL_HOST)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_signal_args: stopping.set())
    try:
        simulator = ExotelSimulator(port=args.port, page_size=args.page_size, rate_limit=args.rate_limit,
                                    rate_window=args.rate_window, state_file=args.state_file, log_file=args.log_file,
                                    accounts=args.account, retry_after=not args.no_retry_after,
                                    duplicate_style=args.duplicate_style, missing_trunk_style=args.missing_trunk_style)
        if args.faults:
            with open(args.faults, encoding='utf-8') as stream:
                simulator.add_fault(json.load(stream))
        simulator.start()
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if args.port_file:
        write_atomically(args.port_file, '%d\n' % simulator.port)
    print(BANNER.format(url=simulator.url), flush=True)
    while not stopping.wait(0.5):
        pass
    simulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())

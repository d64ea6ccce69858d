# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The API: routing and endpoint handlers."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode

from .constants import (
    BATCH_METADATA_OMITS_ZERO_FAILED, BODY_METHODS, CREDENTIAL_DUPLICATE, CREDENTIAL_FRIENDLY_NAME_PATTERN,
    CREDENTIAL_LIST_EXTRA_METADATA, CREDENTIAL_PASSWORD_PATTERN, CREDENTIAL_USER_NAME_PATTERN, DEFAULT_MASK,
    DECIMAL_DIGITS, DELETE_QUERY_PARAMETER, DESTINATION_DEFAULTS, DESTINATION_INVALID, DESTINATION_NOT_WHITELISTED,
    DESTINATION_PATTERN, DESTINATION_REPOST_ADDS_DUPLICATE, E164_PATTERN, EMPTY_LIST_HAS_METADATA,
    EXOPHONE_QUERY_ERROR, IP_ERROR, KNOWN_SETTINGS, MAX_PORT, NON_EXOPHONE_ERRORS, NSO_CODE, PHONE_MODES,
    PHONE_NUMBER_ERROR, PHONE_NUMBER_UNIQUE_ACROSS_TRUNKS, SETTING_DUPLICATE, TRUNK_DELETE_OMITS_LINKS,
    TRUNK_FIELDS, TRUNK_LINKS, TRUNK_MAP_FIELDS, TRUNK_NAME_ERROR, TRUNK_NAME_PATTERN, WHITELIST_MASK_REQUIRED,
)
from .envelopes import (
    ApiError, DuplicateError, duplicate_item, envelope, error_envelope, failure_item, invalid_parameter,
    live_duplicate_envelope, missing_parameter, missing_trunk, not_found, success_item, utc_now,
)
from .validation import (
    check_domain_name, check_mask_parses, check_mask_range, fqdn_resolves, is_fqdn, is_int, is_routable,
    matches, parse_ipv4, parse_json_body, require,
)


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
    page_uri: str | None = None                 # set by a list answer: the URI of the page served


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
    _route('/trunk-maps', {'GET': 'list_trunk_maps'}),
)
BATCH_ENDPOINTS = frozenset({'add_destinations', 'set_settings'})
LIST_ENDPOINTS = frozenset(name for _pattern, handlers in ROUTES for name in handlers.values() if name.startswith('list_'))


def resolve_route(subpath, method):
    """``(handler name, path parameters)``, or None for an unknown path or method."""
    for pattern, handlers in ROUTES:
        match = pattern.fullmatch(subpath)
        if match:
            name = handlers.get(method)
            return (name, {key: unquote(value) for key, value in match.groupdict().items()}) if name else None
    return None


def endpoint_kind(subpath, method):
    """'batch', 'list' or None: which fault actions can apply to this request."""
    route = resolve_route(subpath, method)
    if route is None:
        return None
    if route[0] in BATCH_ENDPOINTS:
        return 'batch'
    return 'list' if route[0] in LIST_ENDPOINTS else None


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

        ctx.page_uri = uri(offset)
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
        # NB: an empty trunk_name was accepted live once (the empty_trunk_name reading 'accept').
        empty_name_accepted = body.get('trunk_name') == '' and self.config.empty_trunk_name == 'accept'
        for field_name in TRUNK_FIELDS[1:] if empty_name_accepted else TRUNK_FIELDS:
            require(body, field_name)
        name = body['trunk_name']
        if not empty_name_accepted and not matches(TRUNK_NAME_PATTERN, name):
            raise ApiError(400, 1000, 'Invalid request', TRUNK_NAME_ERROR)
        if body['nso_code'] != NSO_CODE:
            raise invalid_parameter('nso_code must be %s' % NSO_CODE)
        check_domain_name(body['domain_name'], self.config.domain_name_check)
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

    # Phone numbers (AR sections 2, 3 and 7) and trunk maps (NB) ---------------------------

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
        self._check_exophone(number)
        mapped = self.store.rows['phone_numbers'].values()
        if any(row['phone_number'] == number and (PHONE_NUMBER_UNIQUE_ACROSS_TRUNKS or row['trunk_sid'] == sid) for row in mapped):
            raise DuplicateError('Unable to create DidTrunkMapping with TrunkSid %s' % sid)
        now = utc_now()
        row = {'id': self.store.next_id('phone_numbers'), 'phone_number': number, 'trunk_sid': sid,
               'date_created': now, 'date_updated': now, 'mode': mode}
        return self._one(ctx, self.store.insert('phone_numbers', row))

    def _check_exophone(self, number):
        """NB: only the account's ExoPhones can be mapped (``exophones`` null: any number)."""
        if self.config.exophones is None or number in self.config.exophones:
            return
        status, code, message, description = NON_EXOPHONE_ERRORS[self.config.non_exophone_error]
        raise ApiError(status, code, message, description.replace('%s', number))

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

    def list_trunk_maps(self, ctx):
        """NB: which trunk a number is on (shape undocumented; see TRUNK_MAP_FIELDS)."""
        number = self._query_value(ctx, 'exophone')
        if not matches(E164_PATTERN, number):
            raise invalid_parameter(EXOPHONE_QUERY_ERROR)
        self._check_exophone(number)
        rows = self.store.mappings_of(ctx.account_sid, number)
        if ctx.query.get('trunk_sid'):
            ctx.params['sid'] = ctx.query['trunk_sid']
            sid = self._trunk_sid(ctx)
            rows = [row for row in rows if row['trunk_sid'] == sid]
        return self._page(ctx, [{name: row[name] for name in TRUNK_MAP_FIELDS} for row in rows])

    # Whitelisted IPs (AR sections 4 and 8) ------------------------------------------------

    def list_whitelisted_ips(self, ctx):
        return self._page(ctx, self.store.children('whitelisted_ips', self._trunk_sid(ctx)))

    def add_whitelisted_ip(self, ctx):
        check_mask_parses(ctx.body)
        sid = self._trunk_sid(ctx)
        address = parse_ipv4(require(ctx.body, 'ip'))
        if address is None:
            raise invalid_parameter(IP_ERROR)
        mask = self._mask(ctx.body)
        check_mask_range(mask, self.config.mask_range)
        ip = str(address)
        if any(row['ip'] == ip for row in self.store.children('whitelisted_ips', sid)):
            raise DuplicateError('Unable to Whitelist-ip with ip %s' % ip)
        now = utc_now()
        row = {'id': self.store.next_id('whitelisted_ips'), 'mask': mask, 'trunk_sid': sid, 'ip': ip,
               'friendly_name': None, 'date_created': now, 'date_updated': now}
        return self._one(ctx, self.store.insert('whitelisted_ips', row))

    @staticmethod
    def _mask(body):
        if WHITELIST_MASK_REQUIRED:
            return require(body, 'mask')
        return DEFAULT_MASK if body.get('mask') is None else body['mask']

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

    def _check_destination(self, destination, acl):
        match = DESTINATION_PATTERN.fullmatch(destination) if isinstance(destination, str) else None
        if match is None or int(match['port']) > MAX_PORT:
            raise invalid_parameter(DESTINATION_INVALID, code=1002)
        address = parse_ipv4(match['host'])
        if address is None:
            if not is_fqdn(match['host']) or not fqdn_resolves(match['host'], self.config):
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

    # Settings (AR section 10; NB for GET, DELETE and the repost readings) -----------------

    def list_settings(self, ctx):
        return self._page(ctx, list(self.store.trunk_settings(self._trunk_sid(ctx)).values()))

    def set_settings(self, ctx):
        sid = self._trunk_sid(ctx)
        items = self._batch_items(ctx, 'settings')
        if self.config.settings_repost == 'envelope_duplicate' and self._all_reposts(sid, items):
            raise DuplicateError(SETTING_DUPLICATE % items[0]['name'])
        return self._batch(ctx, items, lambda item: self._set_setting(sid, item))

    def _all_reposts(self, sid, items):
        """Whether every item names a setting the trunk already holds."""
        stored = self.store.trunk_settings(sid)
        return all(isinstance(item, dict) and isinstance(item.get('name'), str) and item['name'] in stored for item in items)

    def _set_setting(self, sid, item):
        if not isinstance(item, dict):
            raise missing_parameter('name')
        name, value = require(item, 'name'), require(item, 'value')
        if not isinstance(name, str) or name not in KNOWN_SETTINGS:
            raise invalid_parameter('Unknown setting name %r' % (name,))
        if not matches(KNOWN_SETTINGS[name], value):
            raise invalid_parameter('%s must be a phone number in E.164 format' % name)
        settings, now = self.store.trunk_settings(sid), utc_now()
        if name in settings and self.config.settings_repost != 'upsert':
            raise duplicate_item(SETTING_DUPLICATE % name)
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

    # Credentials (NB grade B; the password is write-only except in AR section 6's shape) --

    def list_credentials(self, ctx):
        rows = self.store.children('credentials', self._trunk_sid(ctx))
        wanted = ctx.query.get('id')
        if wanted:
            rows = [row for row in rows if row['id'] == wanted]
        if self.config.credentials_shape == 'legacy':
            return self._legacy_credentials(ctx, rows)
        return self._page(ctx, rows, extra_metadata=CREDENTIAL_LIST_EXTRA_METADATA)

    def _legacy_credentials(self, ctx, rows):
        """AR section 6: one ``{username, password}`` object (no id, no paging), or ``[]`` when none.
        The shape can hold one credential only: the oldest one is shown."""
        if not rows:
            return 200, envelope(ctx.method, 200, [])
        row = rows[0]
        return self._one(ctx, {'username': row['user_name'], 'password': self.store.passwords.get(row['id'])})

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
                raise DuplicateError(CREDENTIAL_DUPLICATE % user_name)

    def delete_credential(self, ctx):
        return self._delete_child(ctx, 'credentials', 'Credential')

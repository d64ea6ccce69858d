# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The kinds of entries a trunk holds, declared once for the modules, the info module and the role's filter.

Each :class:`EntryType` names its identity field(s) and its managed fields (the
way cloudscale_ch.cloud declares key lists); the row view, the identity key, the
comparison and the check-mode prediction derive from that declaration. A type
adds only what is really its own: how its options parse into desired entries,
the client calls that write it, and a review of the plan before any write
(e.g. an IP destination outside the ACL).

Views are the one shape of an entry everywhere: module results, ``--diff``,
``exotel_trunk_info`` and the role's result. The engine that plans and applies
changes lives in ``_engine.py``; nothing here reads module state.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._client import ExotelDuplicateError, ExotelError, ExotelNotFoundError, as_int
from ._validation import (
    SETTING_VALIDATORS,
    ValidationError,
    build_destination,
    destination_host,
    destination_key,
    effective_mode,
    ip_in_acl,
    is_ipv4_literal,
    never_matching_source_problem,
    normalize_acl_entry,
    normalize_destination,
    normalize_mode,
    normalize_phone_number,
    parse_acl_entry,
    parse_credential_entry,
    parse_destination_entry,
    parse_list,
    parse_number_entry,
    parse_priority_and_weight,
    validate_setting,
)


class Veto:
    """A reason to refuse a whole plan before any write, naming the option and the rule."""

    def __init__(self, option, rule):
        self.option = option
        self.rule = rule

    def __str__(self):
        return '%s %s' % (self.option, self.rule)


class EntryType:
    """One kind of trunk entry: its declaration, its parsing, its view and its writes.

    ``options`` are the module's parameters (or, for the role's filter, the few
    options an entry's parsing depends on, such as the default number mode).
    """

    kind = None            # result key of the list, e.g. 'numbers'
    item = None            # result key of the one entry named by the singular options
    gather = None          # its name in exotel_trunk_info's gather option
    list_option = None     # the module's list option
    single_option = None   # the module's singular option that names one entry
    identity = ()          # field(s) that identify an entry
    fields = ()            # managed fields; a desired value of None leaves the field alone
    defaults = {}          # what a missing or null field of an API row means
    has_id = True          # rows carry an API id (settings are keyed by name only)
    replace_on_change = False  # the API cannot update it in place: delete, then create

    def __init__(self, options=None):
        self.options = options or {}

    # ---------------------------------------------------------------- declaration

    def key(self, entry):
        """Identity of a view or a desired entry (a tuple only for several identity fields)."""
        values = tuple(entry[name] for name in self.identity)
        return values[0] if len(values) == 1 else values

    def normalise(self, name, value):
        """The comparable form of one field of an API row."""
        if value is None:
            return self.defaults.get(name)
        return value

    def view(self, row):
        """The managed shape of an API row, as shown in results, diff and info."""
        view = {'id': row.get('id')} if self.has_id else {}
        for name in self.identity + self.fields:
            view[name] = self.normalise(name, row.get(name))
        return view

    def differs(self, current, desired):
        """True when the ``current`` view must change to match the ``desired`` entry."""
        return any(desired.get(name) is not None and current.get(name) != desired[name] for name in self.fields)

    def predict(self, desired, current=None):
        """The view an entry will have after its write, for check mode."""
        if current is None:
            current = dict(self.view({}), **dict((name, desired[name]) for name in self.identity))
        predicted = dict(current)
        predicted.update((name, desired[name]) for name in self.fields if desired.get(name) is not None)
        return predicted

    def diff_view(self, view, desired=None):
        """A view as ``--diff`` shows it: without API ids, which say nothing to a reader."""
        return dict((name, value) for name, value in view.items() if name != 'id')

    # ---------------------------------------------------------------- parsing

    def parse_item(self, item, label):
        """One entry of the list option, validated and normalised."""
        raise NotImplementedError

    def parse_single(self):
        """The entry named by the singular options."""
        raise NotImplementedError

    def parse_list(self, items, option):
        """Every entry of a list; the same entry listed twice is a mistake in the input."""
        return parse_list(items, option, self.parse_item, self.key)

    def desired_entries(self):
        """The desired entries from the list option, else from the singular options."""
        if self.options.get(self.list_option) is not None:
            return self.parse_list(self.options[self.list_option], self.list_option)
        if self.options.get('purge'):
            raise ValidationError('purge', 'requires the list form %s (purge makes that list exclusive; '
                                  '%s: [] with purge removes every entry)' % (self.list_option, self.list_option))
        if self.options.get(self.single_option) is None:
            raise ValidationError(self.single_option, 'or %s is required' % self.list_option)
        return [self.parse_single()]

    @property
    def single(self):
        """True when the task names one entry through the singular options."""
        return self.options.get(self.list_option) is None

    # ---------------------------------------------------------------- review and writes

    def review(self, plan, client, trunk_sid, check_mode, known):
        """Look at a plan before any write: add vetoes to it, return warnings.

        ``known`` maps the kinds planned earlier in the same task to the entries they will
        leave on the trunk (e.g. the ACL a destination must lie in).
        """
        return []

    def read(self, client, trunk_sid):
        raise NotImplementedError

    def create_entries(self, client, trunk_sid, entries):
        """Create entries; ``[(entry, row or None, error or None)]`` in order.

        An entry the API refuses (a 4xx about that entry) is reported and the
        others still go ahead; errors that doom every request (auth, missing
        trunk, transport) stop the task.
        """
        results = []
        for entry in entries:
            try:
                results.append((entry, self.create_entry(client, trunk_sid, entry), None))
            except ExotelError as exc:
                if not (entry_refused(exc) or refused_on_a_trunk_that_exists(client, trunk_sid, exc)):
                    raise
                results.append((entry, None, error_summary(exc)))
        return results

    def create_entry(self, client, trunk_sid, entry):
        raise NotImplementedError

    def update_entry(self, client, trunk_sid, current, desired):
        raise NotImplementedError

    def delete_entry(self, client, trunk_sid, current):
        raise NotImplementedError


def entry_refused(exc):
    """True when the API refused one entry (a duplicate held elsewhere, a 4xx about its content),
    not the whole request."""
    return isinstance(exc, ExotelDuplicateError) or (isinstance(exc, ExotelError) and exc.api_status in (400, 422))


def refused_on_a_trunk_that_exists(client, trunk_sid, exc):
    """A "not found" answer to a create is about the entry when the trunk is still there.

    [exophones] Only ExoPhones of the account can be mapped; another number is refused (400 / 1002, or 404 / 1000).

    404/1000 is both how the API may say "unknown trunk" and how it may refuse a number
    that is not an ExoPhone of the account; one read of the trunk tells them apart.
    """
    return isinstance(exc, ExotelNotFoundError) and client.get_trunk(trunk_sid) is not None


def error_summary(exc):
    return {'api_code': exc.api_code, 'description': exc.description or exc.message}


class PhoneNumbers(EntryType):
    kind, item, gather = 'numbers', 'number', 'numbers'
    list_option, single_option = 'numbers', 'phone_number'
    identity, fields = ('phone_number',), ('mode',)
    defaults = {'mode': 'pstn'}

    def normalise(self, name, value):
        # A mapping created without a mode reads back as mode null, which routes as pstn.
        return effective_mode(value) if name == 'mode' else value

    def parse_item(self, item, label):
        return parse_number_entry(item, label, self.options.get('mode'))

    def parse_single(self):
        return {'phone_number': normalize_phone_number(self.options['phone_number'], 'phone_number'),
                'mode': normalize_mode(self.options.get('mode'))}

    def read(self, client, trunk_sid):
        return client.list_phone_numbers(trunk_sid)

    def create_entry(self, client, trunk_sid, entry):
        return client.map_phone_number(trunk_sid, entry['phone_number'], entry['mode'])[0]

    def update_entry(self, client, trunk_sid, current, desired):
        return client.update_phone_number_mode(trunk_sid, current['id'], desired['phone_number'], desired['mode'])

    def delete_entry(self, client, trunk_sid, current):
        client.unmap_phone_number(trunk_sid, current['id'])


class WhitelistedIps(EntryType):
    kind, item, gather = 'whitelisted_ips', 'whitelisted_ip', 'acl'
    list_option, single_option = 'entries', 'ip'
    identity, fields = ('ip',), ('mask',)
    defaults = {'mask': 32}
    replace_on_change = True  # the API has no update for a whitelisted IP

    def normalise(self, name, value):
        return as_int(EntryType.normalise(self, name, value))

    def parse_item(self, item, label):
        return parse_acl_entry(item, label)

    def parse_single(self):
        ip, mask = normalize_acl_entry(self.options['ip'], self.options.get('mask'))
        return {'ip': ip, 'mask': mask}

    def desired_entries(self):
        if self.options.get('mask') is not None and self.options.get('ip') is None:
            raise ValidationError('mask', 'can only be used with ip (in entries, give each entry its own mask)')
        return EntryType.desired_entries(self)

    def review(self, plan, client, trunk_sid, check_mode, known):
        warnings = []
        for entry in plan.add + [desired for _current, desired in plan.replace]:
            problem = never_matching_source_problem(entry['ip'])
            if problem:
                warnings.append('%s/%d %s' % (entry['ip'], entry['mask'], problem))
        return warnings

    def read(self, client, trunk_sid):
        return client.list_whitelisted_ips(trunk_sid)

    def create_entry(self, client, trunk_sid, entry):
        return client.add_whitelisted_ip(trunk_sid, entry['ip'], entry['mask'])[0]

    def delete_entry(self, client, trunk_sid, current):
        client.delete_whitelisted_ip(trunk_sid, current['id'])


class Destinations(EntryType):
    kind, item, gather = 'destinations', 'destination', 'destinations'
    list_option = 'destinations'
    identity, fields = ('destination',), ('priority', 'weight')
    defaults = {'priority': 0, 'weight': 1}

    @property
    def single_option(self):
        return 'host' if self.options.get('host') is not None else 'destination'

    def key(self, entry):
        # Desired entries are host:port;transport=x; the API answers with "sip:" and its own case.
        return destination_key(entry['destination'])

    def normalise(self, name, value):
        if name == 'destination':
            return 'sip:' + destination_key(value)
        return as_int(EntryType.normalise(self, name, value))

    def predict(self, desired, current=None):
        if current is None:
            current = dict(self.view({}), destination='sip:' + destination_key(desired['destination']))
        return EntryType.predict(self, desired, current)

    def parse_item(self, item, label):
        return parse_destination_entry(item, label)

    def parse_single(self):
        options = self.options
        if options.get('host') is None and options.get('port') is not None:
            raise ValidationError('port', 'can only be used with host')
        if options.get('destination') is not None:
            uri = normalize_destination(options['destination'], 'destination')
        else:
            uri = build_destination(options['host'], options.get('port'), options.get('transport') or 'tls')
        return dict(parse_priority_and_weight(options), destination=uri)

    def review(self, plan, client, trunk_sid, check_mode, known):
        """The API refuses an IP destination outside the trunk's ACL: say so before writing anything."""
        hosts = sorted(set(destination_host(entry['destination']) for entry in plan.add
                           if is_ipv4_literal(destination_host(entry['destination']))))
        if not hosts:
            return []
        views = known.get(WhitelistedIps.kind)
        if views is None:
            views = [WhitelistedIps().view(row) for row in client.list_whitelisted_ips(trunk_sid)]
        acl = [(view['ip'], view['mask']) for view in views]
        outside = [host for host in hosts if not ip_in_acl(host, acl)]
        if not outside:
            return []
        if check_mode:
            # An earlier task of this check-mode run may be the one that whitelists them.
            return ['%s not whitelisted on the trunk yet; outside check mode this fails unless an earlier task '
                    'adds it with exotel.sip_trunking.exotel_trunk_acl.' % ', '.join(outside)]
        plan.vetoes.append(Veto('destination', 'uses an IP that is not whitelisted on the trunk: add %s with '
                                'exotel.sip_trunking.exotel_trunk_acl first (the API refuses IP destinations outside '
                                'the ACL; FQDNs need none)' % ', '.join(outside)))
        return []

    def read(self, client, trunk_sid):
        return client.list_destinations(trunk_sid)

    def create_entries(self, client, trunk_sid, entries):
        # One POST for every missing destination; the answer carries one result per item (200 or 207).
        answers = client.add_destinations(trunk_sid, [entry['destination'] for entry in entries], destination_key)
        return [(entry, answer.data if answer.ok else None, None if answer.ok else answer.error)
                for entry, answer in zip(entries, answers)]

    def update_entry(self, client, trunk_sid, current, desired):
        # The PUT takes both fields; an unmanaged one keeps its current value.
        fields = dict((name, desired[name] if desired.get(name) is not None else current[name]) for name in self.fields)
        return client.update_destination(trunk_sid, current['id'], **fields)

    def delete_entry(self, client, trunk_sid, current):
        client.delete_destination(trunk_sid, current['id'])


class TrunkSettings(EntryType):
    kind, item, gather = 'settings', 'setting', 'settings'
    list_option, single_option = 'settings', 'name'
    identity, fields = ('name',), ('value',)
    has_id = False

    def parse_list(self, items, option):
        # The list form of settings is a dictionary; its names are unique by construction.
        if not isinstance(items, dict):
            raise ValidationError(option, 'must be a dictionary of setting name to value')
        return [self.parse_item((name, items[name]), option) for name in sorted(items)]

    def parse_item(self, item, label):
        name, value = item
        if self.options.get('state') == 'absent':
            if name not in SETTING_VALIDATORS:
                validate_setting(name, value)
            return {'name': name, 'value': None}
        if value is not None and not isinstance(value, str):
            raise ValidationError('%s.%s' % (label, name), 'must be a string', value)
        return {'name': name, 'value': validate_setting(name, value)}

    def parse_single(self):
        name, value = self.options['name'], self.options.get('value')
        if self.options.get('state') == 'absent':
            return {'name': name, 'value': None}
        if value is None:
            raise ValidationError('value', 'is required with name when state=present')
        return {'name': name, 'value': validate_setting(name, value, 'value')}

    def review(self, plan, client, trunk_sid, check_mode, known):
        aliases = [entry['value'] for entry in plan.add + [desired for _current, desired in plan.update]
                   if entry['name'] == 'trunk_external_alias']
        if not aliases:
            return []
        # The numbers are read only when the alias changes (and not at all when this task plans them).
        numbers = known.get(PhoneNumbers.kind)
        if numbers is None:
            numbers = client.list_phone_numbers(trunk_sid)
        mapped = set(row.get('phone_number') for row in numbers)
        return ['trunk_external_alias %s is not a number mapped to this trunk; calls may be refused or show another '
                'caller ID. Map it with exotel_trunk_number.' % alias for alias in aliases if alias not in mapped]

    def read(self, client, trunk_sid):
        return client.list_settings(trunk_sid)

    def create_entries(self, client, trunk_sid, entries):
        answers = client.set_settings(trunk_sid, dict((entry['name'], entry['value']) for entry in entries))
        by_name = dict((answer.request_item['name'], answer) for answer in answers)
        results = []
        for entry in entries:
            answer = by_name[entry['name']]
            results.append((entry, (answer.data or answer.request_item) if answer.ok else None,
                            None if answer.ok else answer.error))
        return results

    def update_entry(self, client, trunk_sid, current, desired):
        return client.replace_setting(trunk_sid, desired['name'], desired['value'])

    def delete_entry(self, client, trunk_sid, current):
        client.delete_setting(trunk_sid, current['name'])


class DigestCredentials(EntryType):
    kind, item, gather = 'credentials', 'credential', 'credentials'
    list_option, single_option = 'credentials', 'user_name'
    identity, fields = ('user_name',), ('friendly_name',)

    PASSWORD_MARKER = '<changed; value hidden>'

    @property
    def sends_password_always(self):
        return self.options.get('update_password') == 'always'

    def differs(self, current, desired):
        return EntryType.differs(self, current, desired) or (self.sends_password_always and desired['password'] is not None)

    def diff_view(self, view, desired=None):
        shown = EntryType.diff_view(self, view)
        if desired is not None and self.sends_password_always and desired.get('password') is not None:
            shown['password'] = self.PASSWORD_MARKER
        return shown

    def parse_item(self, item, label):
        return parse_credential_entry(item, label)

    def parse_single(self):
        return parse_credential_entry(dict((name, self.options.get(name)) for name in
                                           ('user_name', 'password', 'friendly_name')))

    def review(self, plan, client, trunk_sid, check_mode, known):
        missing = [entry['user_name'] for entry in plan.add if entry['password'] is None]
        if missing:
            plan.vetoes.append(Veto('password', 'is required to create the digest user(s) %s' % ', '.join(missing)))
        # The older credentials shape has no id: such a user can be neither updated nor deleted here.
        without_id = sorted(current['user_name'] for current in plan.remove + [c for c, _d in plan.update]
                            if current.get('id') is None)
        if without_id:
            plan.vetoes.append(Veto('credentials', 'cannot change or remove the digest user(s) %s: the API lists them '
                                    'without an id (its older credentials shape), and a DELETE or PUT needs one; '
                                    'change them in the Exotel dashboard' % ', '.join(without_id)))
        return []

    def read(self, client, trunk_sid):
        return client.list_credentials(trunk_sid)

    def create_entry(self, client, trunk_sid, entry):
        return client.create_credential(trunk_sid, entry['user_name'], entry['password'], entry['friendly_name'])[0]

    def update_entry(self, client, trunk_sid, current, desired):
        fields = {}
        if desired['friendly_name'] is not None:
            fields['friendly_name'] = desired['friendly_name']
        if self.sends_password_always and desired['password'] is not None:
            fields['password'] = desired['password']
        return client.update_credential(trunk_sid, current['id'], **fields)

    def delete_entry(self, client, trunk_sid, current):
        client.delete_credential(trunk_sid, current['id'])


ENTRY_TYPES = (PhoneNumbers, WhitelistedIps, Destinations, TrunkSettings, DigestCredentials)
GATHERABLE = dict((entry_type.gather, entry_type) for entry_type in ENTRY_TYPES)

# The API's sub-resource link fields of a trunk record; they share names with gathered lists.
TRUNK_LINK_FIELDS = ('phone_numbers', 'whitelisted_ips', 'destination_uris', 'credentials')


def trunk_record(trunk):
    """A trunk as the API describes it, without its sub-resource links."""
    return dict((key, value) for key, value in trunk.items() if key not in TRUNK_LINK_FIELDS)


def gather_entries(client, trunk_sid, gather):
    """``{kind: [views]}`` of the chosen entry kinds (gather names) of one trunk, sorted by identity."""
    gathered = {}
    for name in gather:
        entry_type = GATHERABLE[name]()
        views = [entry_type.view(row) for row in entry_type.read(client, trunk_sid)]
        gathered[entry_type.kind] = sorted(views, key=lambda view, etype=entry_type: str(etype.key(view)))
    return gathered

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The live check: every assumption of ``docs/api-assumptions.md`` that can be tested without harm.

A run creates one throw-away trunk (``zz_check_<run id>``), probes the API through the client's real
methods while a :class:`~._recording.RecordingSession` keeps every raw answer, judges each fact
from those answers, and removes everything it created, whatever happens (``cleanup`` runs in a
``finally``). Probes are chosen to be harmless: the API is asked to refuse things (a duplicate of
the check's own trunk, an unknown trunk SID, a non-ExoPhone number, a destination under
``.invalid``); anything it accepts instead is deleted again at once. Other trunks are only read.

The parts:

* ``CHECKS``: one :class:`Check` per fact id - what it needs, what it does, how it judges.
  A check returns ``(verdict, evidence[, reading])`` or raises :class:`Skip`; where a fact has
  two plausible readings the verdict is about the reading the doc states, and ``reading`` says
  which one the API spoke.
* ``PROBES``: the API calls. Each runs once (memoised) and keeps its exchanges, so several checks
  can judge one call (one destination batch answers five facts).
* :class:`LiveCheck`: runs the checks in order, remembers what was created, cleans up.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re
import secrets

from ._client import (
    REGION_URLS,
    ExotelAuthError,
    ExotelDuplicateError,
    ExotelError,
    ExotelNotFoundError,
    ExotelResponseLost,
    as_int,
)
from ._validation import DOMAIN_SUFFIX, NSO_CODES, destination_key

CONFIRMED, REFUTED, SKIPPED = 'confirmed', 'refuted', 'skipped'
VERDICTS = (CONFIRMED, REFUTED, SKIPPED)
WRITE, NUMBER = 'write', 'number'

# What the probes send. Every address and name is chosen so that accepting it can do no harm.
TRUNK_PREFIX = 'zz_check_'
RUN_ID_RE = re.compile(r'^[a-z0-9]{6}$')
PROBE_IP = '1.1.1.1'                       # a public anycast resolver, never a SIP client
WIDE_ACL = (('1.2.0.0', 16), ('1.4.0.0', 15))   # /16: inside 16-32; /15: tells 1-32 from 16-32
BAD_MASK_ACL = ('1.6.0.0', -1)
UNLISTED_IP = '8.8.8.8'                    # never whitelisted on the trunk
DOCUMENTATION_IP = '203.0.113.50'          # RFC 5737, the reference's own example of a refused destination
PROBE_FQDN = 'zz-check.invalid'            # .invalid never resolves (RFC 2606)
NON_EXOPHONE = '+99912345678'              # country code 999 is unassigned: no account owns it
NOT_E164 = '12345'
UNKNOWN_TRUNK_SID = 'trmum00000000000000000000a1n'
UNKNOWN_ID = '999999999'
WRONG_TOKEN = 'zz_check_not_a_token'
LOOSE_NSO_CODE = 'any any'                 # the spelling one portal page shows
ALIAS = 'trunk_external_alias'
RENAMED = 'zz_check_renamed'
EVIDENCE_CHARACTERS = 700
# Cleanup deletes credentials before their trunk (whether a trunk delete takes them is disputed).
CLEANUP_ORDER = ('credentials', 'settings', 'destination-uris', 'phone-numbers', 'whitelisted-ips', 'trunk')

Check = collections.namedtuple('Check', ['fact', 'needs', 'does', 'judges', 'run'])
Created = collections.namedtuple('Created', ['kind', 'trunk_sid', 'key', 'label'])


class Skip(Exception):
    """A check that cannot judge in this run; the message says why."""


class Finding:
    def __init__(self, check, verdict, evidence, reading=None):
        self.fact = check.fact
        self.check = check
        self.verdict = verdict
        self.evidence = _shorten(evidence, EVIDENCE_CHARACTERS)
        self.reading = reading

    def to_dict(self):
        return {'assumption': self.fact, 'verdict': self.verdict, 'evidence': self.evidence,
                'reading': self.reading, 'checked': self.check.does, 'rule': self.check.judges}


def _shorten(text, limit):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


def trunk_names(run_id):
    """The throw-away trunk and the probe trunks of one run (1-16 [A-Za-z0-9_], except the probes
    meant to be refused)."""
    main = TRUNK_PREFIX + run_id
    return {'main': main, 'second': main + 'b', 'domain': main + 'd', 'nso': main + 'n', 'long': main + 'xx'}


class Probe:
    """One memoised API interaction: its value or error, and the exchanges it caused."""

    def __init__(self, value=None, error=None, exchanges=()):
        self.value = value
        self.error = error
        self.exchanges = list(exchanges)

    @property
    def ok(self):
        return self.error is None

    def first(self, method=None):
        found = [ex for ex in self.exchanges if method is None or ex.method == method]
        if not found:
            raise Skip('the API was not called (%s)' % (self.error_text() or 'nothing to send'))
        return found[0]

    def error_text(self):
        return getattr(self.error, 'message', None) or (str(self.error) if self.error else '')

    def describe(self, limit=160):
        return '; '.join(ex.describe(limit) for ex in self.exchanges) or self.error_text()


def refused(probe):
    """The API said no to this one request (a 4xx about it, not auth or the rate limit)."""
    status = as_int(getattr(probe.error, 'api_status', None))
    return isinstance(probe.error, ExotelError) and not isinstance(probe.error, (ExotelResponseLost, ExotelAuthError)) \
        and isinstance(status, int) and 400 <= status < 500 and status != 429


def answer_code(exchange):
    """``404/1003``: the status the API meant and its error code."""
    code = as_int(exchange.error.get('code'))
    return '%s/%s' % (exchange.api_status, code) if code is not None else str(exchange.api_status)


class LiveCheck:
    """One run: the context every probe and check works in."""

    def __init__(self, client, recorder, run_id, number=None, read_only=False, probe_ip=PROBE_IP, make_client=None):
        self.client = client
        self.recorder = recorder
        self.names = trunk_names(run_id)
        self.number = number
        self.read_only = read_only
        self.probe_ip = probe_ip
        self.make_client = make_client
        self.domain = '%s%s' % (client.account_sid, DOMAIN_SUFFIX)
        self.password = secrets.token_hex(12)
        self.refused_password = 'zz-%s!' % secrets.token_hex(8)   # outside [A-Za-z0-9_]: should be refused
        self.secrets = (self.password, self.refused_password)
        for secret in self.secrets:
            client.register_secret(secret)
        self.created = []
        self.findings = []
        self.left_behind = []
        self._probes = {}

    # ------------------------------------------------------------------ running

    def run(self, checks=None):
        """Run every check, then remove what the run created - also when a check blows up."""
        try:
            for check in (CHECKS if checks is None else checks):
                self.findings.append(self._run_one(check))
        finally:
            self.left_behind = self.cleanup()
        return self.findings

    def _run_one(self, check):
        if WRITE in check.needs and self.read_only:
            return Finding(check, SKIPPED, 'read-only run (live_check_read_only, or check mode): this check writes')
        if NUMBER in check.needs and not self.number:
            return Finding(check, SKIPPED, 'needs live_check_number, a spare ExoPhone of the account')
        try:
            return Finding(check, *check.run(self))
        except Skip as skip:
            return Finding(check, SKIPPED, str(skip))

    def probe(self, name):
        """The memoised result of ``PROBES[name]``; a probe that had to skip skips again."""
        if name not in self._probes:
            start, asking = len(self.recorder.exchanges), self.recorder.tag
            self.recorder.tag = name   # a probe's exchanges are its own, not those of probes it relies on
            try:
                result = Probe(PROBES[name](self))
            except ExotelError as exc:
                result = Probe(error=exc)
            except Skip as skip:
                result = skip
            finally:
                self.recorder.tag = asking
            if isinstance(result, Probe):
                result.exchanges = self.recorder.since(start, name)
            self._probes[name] = result
        result = self._probes[name]
        if isinstance(result, Skip):
            raise result
        return result

    def trunk(self):
        """The throw-away trunk's SID; checks that need it skip when it could not be created."""
        if self.read_only:
            raise Skip('read-only run: no trunk is created')
        probe = self.probe('main_trunk')
        if not probe.ok:
            raise Skip('needs the throw-away trunk, which the API did not create: %s' % probe.error_text())
        return probe.value['trunk_sid']

    # ------------------------------------------------------------------ what was created

    def remember(self, kind, trunk_sid, key, label):
        item = Created(kind, trunk_sid, key, label)
        self.created.append(item)
        return item

    def delete(self, item):
        """Delete one thing this run created; it is forgotten once the API no longer has it."""
        client = self.client
        deleters = {
            'trunk': lambda: client.delete_trunk(item.key, item.label),
            'phone-numbers': lambda: client.unmap_phone_number(item.trunk_sid, item.key),
            'whitelisted-ips': lambda: client.delete_whitelisted_ip(item.trunk_sid, item.key),
            'destination-uris': lambda: client.delete_destination(item.trunk_sid, item.key),
            'settings': lambda: client.delete_setting(item.trunk_sid, item.key),
            'credentials': lambda: client.delete_credential(item.trunk_sid, item.key),
        }
        answer = deleters[item.kind]()
        self.created.remove(item)
        if item.kind == 'trunk':
            # Its numbers, ACL, destinations and settings went with it; credentials are deleted
            # before their trunk (their cascade is disputed), so any still listed stay listed.
            self.created = [other for other in self.created if other.trunk_sid != item.key or other.kind == 'credentials']
        return answer

    def created_of(self, kind, trunk_sid=None):
        return [item for item in self.created if item.kind == kind and trunk_sid in (None, item.trunk_sid)]

    def cleanup(self):
        """Delete whatever is still there; returns what could not be deleted (ideally nothing)."""
        failed = []
        pending = sorted(reversed(self.created), key=lambda item: CLEANUP_ORDER.index(item.kind))
        for item in pending:
            try:
                self.delete(item)
            except ExotelError as exc:
                failed.append((item, exc))
        gone = set(item.key for item in pending if item.kind == 'trunk' and item not in self.created)
        # A child of a trunk deleted since went with it - except credentials, whose cascade is disputed.
        # (A trunk that failed is not gone, so it is always reported.)
        return ['%s %s on trunk %s (%s)' % (item.kind, item.label, item.trunk_sid, exc.message)
                for item, exc in failed if item.kind == 'credentials' or item.trunk_sid not in gone]

    # ------------------------------------------------------------------ results

    def counts(self):
        return dict((verdict, sum(1 for finding in self.findings if finding.verdict == verdict)) for verdict in VERDICTS)

    def api_calls(self):
        exchanges = self.recorder.exchanges
        return len(exchanges), sum(1 for exchange in exchanges if exchange.method != 'GET')

    def table(self, seconds):
        width = max([len('ASSUMPTION')] + [len(finding.fact) for finding in self.findings])
        lines = ['%-*s  %-9s  %s' % (width, 'ASSUMPTION', 'VERDICT', 'EVIDENCE')]
        for finding in self.findings:
            reading = ' [reading: %s]' % finding.reading if finding.reading else ''
            lines.append('%-*s  %-9s  %s' % (width, finding.fact, finding.verdict,
                                             _shorten(finding.evidence + reading, 150)))
        counts = self.counts()
        calls, writes = self.api_calls()
        lines.append('%d confirmed, %d refuted, %d skipped; %d API calls (%d writes) in %.1f s' % (
            counts[CONFIRMED], counts[REFUTED], counts[SKIPPED], calls, writes, seconds))
        if self.left_behind:
            lines.append('LEFT BEHIND (delete by hand): %s' % '; '.join(self.left_behind))
        return lines

    def result(self, seconds):
        calls, writes = self.api_calls()
        return {'report': [finding.to_dict() for finding in self.findings], 'table': self.table(seconds),
                'counts': self.counts(), 'api_calls': calls, 'writes': writes, 'seconds': round(seconds, 1),
                'trunk_name': None if self.read_only else self.names['main'], 'left_behind': self.left_behind}


# ====================================================================== probes
# Each takes the LiveCheck and returns a value; an ExotelError is kept as the probe's error.

def _probe_trunk_listing(ctx):
    return ctx.client.list_trunks()


def _probe_wrong_token(ctx):
    if ctx.make_client is None:
        raise Skip('no second client to send a wrong token with')
    return ctx.make_client(WRONG_TOKEN).list_trunks()


def _probe_unknown_trunk(ctx):
    return ctx.client.list_phone_numbers(UNKNOWN_TRUNK_SID)


def _probe_trunk_by_sid(ctx):
    if ctx.read_only:
        rows = ctx.probe('trunk_listing').value or []
        if not rows:
            raise Skip('the account has no trunk to read by its SID')
        return rows[0]['trunk_sid'], ctx.client.get_trunk(rows[0]['trunk_sid'])
    sid = ctx.trunk()
    return sid, ctx.client.get_trunk(sid)


def _probe_main_trunk(ctx):
    trunk, created = ctx.client.create_trunk(ctx.names['main'], NSO_CODES[0], ctx.domain)
    if not created:
        raise Skip('a trunk named %s already exists (%s); the check touches no trunk it did not create'
                   % (ctx.names['main'], trunk.get('trunk_sid')))
    ctx.remember('trunk', trunk['trunk_sid'], trunk['trunk_sid'], ctx.names['main'])
    return trunk


def _post_probe_trunk(ctx, name, nso_code=NSO_CODES[0], domain=None):
    """POST a trunk without the client's recovery (which could adopt a trunk of that name); one
    the API accepts is deleted again at once."""
    ctx.trunk()
    body = {'trunk_name': name, 'nso_code': nso_code, 'domain_name': domain or ctx.domain}
    data = ctx.client.call('POST', 'trunks', body=body)
    sid = data.get('trunk_sid') if isinstance(data, dict) else None
    if sid:
        ctx.delete(ctx.remember('trunk', sid, sid, repr(name)))
    return data


def _probe_empty_settings(ctx):
    return ctx.client.list_settings(ctx.trunk())


def _probe_acl(ip, mask):
    def probe(ctx):
        sid = ctx.trunk()
        row, created = ctx.client.add_whitelisted_ip(sid, ip, mask)
        if created:
            ctx.remember('whitelisted-ips', sid, row.get('id'), '%s/%s' % (ip, mask))
        return row, created
    return probe


def _probe_acl_duplicate(ctx):
    ctx.probe('acl_32')
    return ctx.client.add_whitelisted_ip(ctx.trunk(), ctx.probe_ip, 32)


def _probe_acl_pages(ctx):
    sid = ctx.trunk()
    for name in ('acl_32', 'acl_16', 'acl_15', 'acl_bad_mask'):
        ctx.probe(name)
    return ctx.client.list_all(ctx.client._child(sid, 'whitelisted-ips'), {'page_size': 1})


def _probe_trunk_pages(ctx):
    """Read-only paging: the first page of one trunk, and the next page when there is one."""
    first = ctx.client.request('GET', 'trunks', params={'page_size': 1, 'offset': 0})
    next_uri = (first.get('metadata') or {}).get('next_page_uri')
    second = ctx.client.request('GET', next_uri) if next_uri else None
    return first, second


def _probe_acl_trim(ctx):
    """Remove every ACL entry but the /32 before any number is mapped: a wide network on a trunk
    that holds a number would let others call through it."""
    ctx.probe('acl_pages')
    sid = ctx.trunk()
    kept = ctx.probe('acl_32').value[0].get('id') if ctx.probe('acl_32').ok else None
    for item in [item for item in ctx.created_of('whitelisted-ips', sid) if item.key != kept]:
        ctx.delete(item)
    return ctx.client.list_whitelisted_ips(sid)


def _destination(host, port=5061, transport='tls'):
    return '%s:%d;transport=%s' % (host, port, transport)


def _batch_items(ctx):
    """The five destinations of the batch probe: one good, four the API should refuse."""
    return [_destination(ctx.probe_ip), _destination(UNLISTED_IP), _destination(PROBE_FQDN),
            _destination(DOCUMENTATION_IP), _destination(ctx.probe_ip, 5060, 'udp')]


def _probe_destination_batch(ctx):
    sid = ctx.trunk()
    ctx.probe('acl_trim')
    answers = ctx.client.add_destinations(sid, _batch_items(ctx), destination_key)
    for answer in answers:
        if answer.ok and (answer.data or {}).get('id'):
            ctx.remember('destination-uris', sid, answer.data['id'], answer.request_item['destination'])
    return answers


def _good_destination(ctx):
    answer = ctx.probe('destination_batch').value[0]
    if not answer.ok:
        raise Skip('the API refused the probe destination %s (%s); give live_check_probe_ip, a public IP '
                   'of yours that the API accepts' % (answer.request_item['destination'], _item_error(answer)))
    return answer.data


def _probe_destination_update(ctx):
    return ctx.client.update_destination(ctx.trunk(), _good_destination(ctx)['id'], priority=1, weight=2)


def _probe_destination_repost(ctx):
    sid = ctx.trunk()
    ctx.probe('destination_update')
    answer = ctx.client.add_destinations(sid, [_batch_items(ctx)[0]], destination_key)[0]
    if answer.ok and (answer.data or {}).get('id') and answer.data['id'] != _good_destination(ctx)['id']:
        ctx.remember('destination-uris', sid, answer.data['id'], answer.request_item['destination'])
    return answer


def _probe_destinations_removed(ctx):
    sid = ctx.trunk()
    for name in ('destination_batch', 'destination_update', 'destination_repost'):
        _try_probe(ctx, name)
    for item in ctx.created_of('destination-uris', sid):
        ctx.delete(item)
    return ctx.client.list_destinations(sid)


def _try_probe(ctx, name):
    try:
        return ctx.probe(name)
    except Skip:
        return None


def _probe_setting(ctx):
    sid = ctx.trunk()
    if not ctx.number:
        raise Skip('needs live_check_number (the caller-ID alias must be a number of the account)')
    answer = ctx.client.set_settings(sid, {ALIAS: ctx.number})[0]
    if answer.ok and not ctx.created_of('settings', sid):
        ctx.remember('settings', sid, ALIAS, ALIAS)
    return answer


def _probe_setting_repost(ctx):
    ctx.probe('setting')
    return _probe_setting(ctx)


def _probe_settings_list(ctx):
    ctx.probe('setting_repost')
    return ctx.client.list_settings(ctx.trunk())


def _probe_settings_removed(ctx):
    _try_probe(ctx, 'settings_list')
    removed = [ctx.delete(item) for item in ctx.created_of('settings', ctx.trunk())]
    return removed


def _probe_credential(ctx):
    sid = ctx.trunk()
    row, created = ctx.client.create_credential(sid, ctx.names['main'], ctx.password, 'zz_check')
    if created:
        ctx.remember('credentials', sid, row.get('id'), ctx.names['main'])
    return row


def _probe_credential_list(ctx):
    ctx.probe('credential')
    return ctx.client.list_credentials(ctx.trunk())


def _probe_credential_update(ctx):
    row = ctx.probe('credential').value
    if not ctx.probe('credential').ok or not row.get('id'):
        raise Skip('no credential with an id to update')
    return ctx.client.update_credential(ctx.trunk(), row['id'], friendly_name=RENAMED)


def _probe_credential_bad(ctx):
    sid = ctx.trunk()
    row, created = ctx.client.create_credential(sid, ctx.names['main'] + '_x', ctx.refused_password)
    if created:
        ctx.delete(ctx.remember('credentials', sid, row.get('id'), ctx.names['main'] + '_x'))
    return row


def _probe_credential_removed(ctx):
    _try_probe(ctx, 'credential_update')
    _try_probe(ctx, 'credential_list')
    return [ctx.delete(item) for item in ctx.created_of('credentials', ctx.trunk())]


def _probe_unknown_credential(ctx):
    return ctx.client.delete_credential(ctx.trunk(), UNKNOWN_ID)


def _map_probe_number(ctx, number):
    sid = ctx.trunk()
    row, created = ctx.client.map_phone_number(sid, number)
    if created:
        ctx.delete(ctx.remember('phone-numbers', sid, row.get('id'), number))
    return row


def _probe_number_holder_before(ctx):
    if not ctx.number:
        raise Skip('needs live_check_number, a spare ExoPhone of the account')
    return ctx.client.find_number_holder(ctx.number)


def _free_number(ctx):
    """The number, once nothing wide is left on the trunk and the number is on no other trunk."""
    before = ctx.probe('number_holder_before')
    holder, answered = before.value, before.exchanges and 200 <= (before.exchanges[0].status or 0) < 300
    if not answered:
        raise Skip('GET /trunk-maps did not tell which trunk holds live_check_number, so it is not mapped here '
                   '(it could be on a trunk of yours): %s' % before.describe())
    if holder:
        raise Skip('live_check_number is mapped to trunk %s; the check leaves it there (give a number on no '
                   'trunk to test this)' % holder)
    for name in ('acl_trim', 'destinations_removed'):
        _try_probe(ctx, name)
    return ctx.number


def _probe_number_map(ctx):
    sid = ctx.trunk()
    number = _free_number(ctx)
    row, created = ctx.client.map_phone_number(sid, number)
    if created:
        ctx.remember('phone-numbers', sid, row.get('id'), number)
    return row


def _mapped_number(ctx):
    probe = ctx.probe('number_map')
    if not probe.ok:
        raise Skip('the API did not map live_check_number: %s' % probe.describe())
    return probe.value


def _probe_number_duplicate(ctx):
    _mapped_number(ctx)
    return ctx.client.call('POST', ctx.client._child(ctx.trunk(), 'phone-numbers'), body={'phone_number': ctx.number})


def _probe_number_mode(ctx):
    row = _mapped_number(ctx)
    return ctx.client.update_phone_number_mode(ctx.trunk(), row['id'], ctx.number, 'flow')


def _probe_number_holder_after(ctx):
    _mapped_number(ctx)
    return ctx.client.find_number_holder(ctx.number)


def _probe_number_elsewhere(ctx):
    """Map the number on a second throw-away trunk while the first holds it; delete that trunk."""
    _mapped_number(ctx)
    trunk, created = ctx.client.create_trunk(ctx.names['second'], NSO_CODES[0], ctx.domain)
    if not created:
        raise Skip('a trunk named %s already exists; the check touches no trunk it did not create' % ctx.names['second'])
    second = ctx.remember('trunk', trunk['trunk_sid'], trunk['trunk_sid'], ctx.names['second'])
    try:
        row, _created = ctx.client.map_phone_number(second.key, ctx.number)
        return row
    finally:
        ctx.delete(second)


def _probe_number_removed(ctx):
    sid = ctx.trunk()
    for name in ('number_duplicate', 'number_mode', 'number_holder_after', 'number_elsewhere'):
        _try_probe(ctx, name)
    return [ctx.delete(item) for item in ctx.created_of('phone-numbers', sid)]


def _probe_trunk_deleted(ctx):
    """Delete the throw-away trunk with its /32 ACL entry still on it (the cascade check), after
    its credentials (whose cascade is disputed)."""
    sid = ctx.trunk()
    for item in ctx.created_of('credentials', sid):
        ctx.delete(item)
    main = [item for item in ctx.created_of('trunk') if item.key == sid]
    return ctx.delete(main[0]) if main else None


def _probe_trunk_after_delete(ctx):
    ctx.probe('trunk_deleted')
    return ctx.client.list_whitelisted_ips(ctx.trunk())


PROBES = {
    'trunk_listing': _probe_trunk_listing,
    'wrong_token': _probe_wrong_token,
    'unknown_trunk': _probe_unknown_trunk,
    'trunk_by_sid': _probe_trunk_by_sid,
    'main_trunk': _probe_main_trunk,
    'duplicate_trunk': lambda ctx: _post_probe_trunk(ctx, ctx.names['main']),
    'empty_name': lambda ctx: _post_probe_trunk(ctx, ''),
    'long_name': lambda ctx: _post_probe_trunk(ctx, ctx.names['long']),
    'loose_nso': lambda ctx: _post_probe_trunk(ctx, ctx.names['nso'], nso_code=LOOSE_NSO_CODE),
    'other_domain': lambda ctx: _post_probe_trunk(ctx, ctx.names['domain'], domain=PROBE_FQDN),
    'empty_settings': _probe_empty_settings,
    'acl_32': lambda ctx: _probe_acl(ctx.probe_ip, 32)(ctx),
    'acl_16': _probe_acl(*WIDE_ACL[0]),
    'acl_15': _probe_acl(*WIDE_ACL[1]),
    'acl_bad_mask': _probe_acl(*BAD_MASK_ACL),
    'acl_duplicate': _probe_acl_duplicate,
    'acl_pages': _probe_acl_pages,
    'trunk_pages': _probe_trunk_pages,
    'acl_trim': _probe_acl_trim,
    'destination_batch': _probe_destination_batch,
    'destination_update': _probe_destination_update,
    'destination_repost': _probe_destination_repost,
    'destinations_removed': _probe_destinations_removed,
    'setting': _probe_setting,
    'setting_repost': _probe_setting_repost,
    'settings_list': _probe_settings_list,
    'settings_removed': _probe_settings_removed,
    'credential': _probe_credential,
    'credential_list': _probe_credential_list,
    'credential_update': _probe_credential_update,
    'credential_bad': _probe_credential_bad,
    'credential_removed': _probe_credential_removed,
    'unknown_credential': _probe_unknown_credential,
    'non_exophone': lambda ctx: _map_probe_number(ctx, NON_EXOPHONE),
    'not_e164': lambda ctx: _map_probe_number(ctx, NOT_E164),
    'number_holder_before': _probe_number_holder_before,
    'holder_numbers': lambda ctx: ctx.client.list_phone_numbers(ctx.probe('number_holder_before').value),
    'number_map': _probe_number_map,
    'number_duplicate': _probe_number_duplicate,
    'number_mode': _probe_number_mode,
    'number_holder_after': _probe_number_holder_after,
    'number_elsewhere': _probe_number_elsewhere,
    'number_removed': _probe_number_removed,
    'trunk_deleted': _probe_trunk_deleted,
    'trunk_after_delete': _probe_trunk_after_delete,
}


# ====================================================================== judging helpers

def _item_error(answer):
    error = answer.error or {}
    return '%s, error %s: %s' % (error.get('http_status'), error.get('api_code'),
                                 error.get('description') or error.get('message'))


def _refusal(probe, what):
    """``(verdict, evidence)`` for a probe the API should have refused."""
    if refused(probe):
        return CONFIRMED, 'refused %s: %s' % (what, probe.first().describe())
    if probe.ok:
        return REFUTED, 'accepted %s (deleted again): %s' % (what, probe.first().describe())
    return REFUTED, 'no clear answer to %s: %s' % (what, probe.describe())


def _batch_item(ctx, index, what):
    """``(verdict, evidence)`` for item ``index`` of the destination batch, which should be refused."""
    answer = ctx.probe('destination_batch').value[index]
    shown = answer.request_item['destination']
    if not answer.ok:
        return CONFIRMED, 'item %d (%s) refused: %s' % (index + 1, shown, _item_error(answer))
    return REFUTED, 'item %d (%s, %s) was accepted (deleted again): %s' % (index + 1, shown, what, answer.data)


def _batch_probe(ctx):
    probe = ctx.probe('destination_batch')
    if not probe.ok:
        raise Skip('the destination batch failed as a whole: %s' % probe.describe())
    return probe


def _number_types(value, where, found):
    """Collect ``(where, value)`` of codes and counts that arrived as strings."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ('http_code', 'code', 'mask', 'priority', 'weight', 'total', 'success', 'failed', 'page_size') \
                    and isinstance(item, str):
                found.append('%s %s=%r' % (where, key, item))
            _number_types(item, where, found)
    elif isinstance(value, list):
        for item in value:
            _number_types(item, where, found)


# ====================================================================== checks: account and answers

def check_regions(ctx):
    base = ctx.client.base_url
    region = next((name for name, url in REGION_URLS.items() if url == base), None)
    if region is None:
        raise Skip('api_url %s is neither region URL (a simulator or a proxy): nothing to tell' % base)
    listing = ctx.probe('trunk_listing')
    if listing.ok:
        return CONFIRMED, 'the account answers on %s (%s): %s' % (region, base, listing.first().describe()), region
    return REFUTED, ('%s refused the account: %s. A key of the other region gets the same 401 - try the other '
                     'region' % (base, listing.describe())), region


def check_auth(ctx):
    listing = ctx.probe('trunk_listing')
    if not listing.ok:
        return REFUTED, 'the account could not be read with its key and token: %s' % listing.describe()
    wrong = ctx.probe('wrong_token')
    if isinstance(wrong.error, ExotelAuthError):
        return CONFIRMED, 'key and token accepted (%s); a wrong token: %s' % (
            listing.first().outcome(), wrong.first().describe()), answer_code(wrong.first())
    return REFUTED, 'a wrong token was not refused with 401: %s' % wrong.describe()


def check_trunk_missing(ctx):
    probe = ctx.probe('unknown_trunk')
    exchange = probe.first()
    reading = answer_code(exchange)
    if not isinstance(probe.error, ExotelNotFoundError):
        return REFUTED, 'an unknown trunk was not read as "not found": %s' % exchange.describe(), reading
    if exchange.api_status == 404:
        return CONFIRMED, exchange.describe(), reading
    return REFUTED, ('%s - the other reading (403/1003 "Authorization failed"); the client reads it as not found '
                     'too' % exchange.describe()), reading


def check_trunk_list(ctx):
    listing = ctx.probe('trunk_listing')
    if not listing.ok:
        return REFUTED, listing.describe()
    malformed = [row for row in listing.value if not (row.get('trunk_sid') and 'trunk_name' in row)]
    if malformed:
        return REFUTED, 'listed trunks without trunk_sid/trunk_name: %s' % _shorten(malformed[:2], 200)
    sid, trunk = ctx.probe('trunk_by_sid').value
    evidence = '%d trunk(s) listed (%s); ' % (len(listing.value), listing.exchanges[0].outcome())
    if trunk and trunk.get('trunk_sid') == sid:
        return CONFIRMED, evidence + 'GET /trunks?trunk_sid=%s found it: %s' % (sid, trunk.get('trunk_name'))
    return REFUTED, evidence + 'GET /trunks?trunk_sid=%s did not return that trunk: %s' % (
        sid, ctx.probe('trunk_by_sid').describe())


def check_envelope(ctx):
    probe = ctx.probe('trunk_listing') if ctx.read_only else ctx.probe('main_trunk')
    exchange = probe.first()
    body = exchange.body if isinstance(exchange.body, dict) else {}
    missing = [key for key in ('request_id', 'method', 'http_code', 'response') if key not in body]
    response = body.get('response')
    items = response if isinstance(response, list) else [response] if isinstance(response, dict) else []
    for item in items:
        missing += ['response.%s' % key for key in ('code', 'status', 'error_data', 'data') if key not in item]
    if missing or response is None:
        return REFUTED, 'missing %s: %s' % (', '.join(sorted(set(missing))) or 'response', exchange.describe())
    return CONFIRMED, '%s, with request_id, method, http_code and response {code, status, error_data, data}' % (
        exchange.request_line() + ' -> ' + exchange.outcome())


def check_empty_list(ctx):
    if ctx.read_only:
        empty = [ex for ex in ctx.recorder.exchanges if ex.method == 'GET' and ex.response == []]
        if not empty:
            raise Skip('no empty list was read in this read-only run')
        exchange = empty[0]
    else:
        exchange = ctx.probe('empty_settings').first()
    if exchange.response != []:
        raise Skip('the new trunk\'s settings list is not empty: %s' % exchange.describe())
    reading = 'with metadata' if 'metadata' in exchange.body else 'no metadata'
    return CONFIRMED, '%s -> %s: "response": [] (%s)' % (exchange.request_line(), exchange.outcome(), reading), reading


def check_paging(ctx):
    if ctx.read_only:
        return _paging_read_only(ctx)
    probe = ctx.probe('acl_pages')
    if not probe.ok:
        return REFUTED, probe.describe()
    first = probe.exchanges[0]
    next_uri = (first.metadata or {}).get('next_page_uri')
    if len(probe.value) >= 2 and next_uri and len(probe.exchanges) == len(probe.value):
        return CONFIRMED, '%d entries read one per page through next_page_uri (%s, then %s)' % (
            len(probe.value), first.request_line(), probe.exchanges[1].request_line())
    return REFUTED, 'page_size=1 over %d entries gave %d page(s), first next_page_uri %r: %s' % (
        len(probe.value), len(probe.exchanges), next_uri, first.describe())


def _paging_read_only(ctx):
    rows = ctx.probe('trunk_listing').value or []
    if not rows:
        raise Skip('the account has no trunk: no list to page through in a read-only run')
    probe = ctx.probe('trunk_pages')
    if not probe.ok:
        return REFUTED, probe.describe()
    first, second = probe.value
    metadata = first.get('metadata') or {}
    if 'next_page_uri' not in metadata:
        return REFUTED, 'the trunk list has no metadata.next_page_uri: %s' % probe.exchanges[0].describe()
    if len(rows) < 2:
        return CONFIRMED, 'metadata %s (one trunk: a single page)' % sorted(metadata)
    if second is not None:
        return CONFIRMED, 'page_size=1 of %d trunks: next_page_uri %s was followed' % (len(rows), metadata['next_page_uri'])
    return REFUTED, 'page_size=1 of %d trunks gave no next_page_uri: %s' % (len(rows), probe.exchanges[0].describe())


def check_duplicate(ctx):
    trunk, acl = ctx.probe('duplicate_trunk'), ctx.probe('acl_duplicate')
    if not isinstance(trunk.error, ExotelDuplicateError):
        return REFUTED, 'a second trunk of the same name was not answered as a duplicate: %s' % trunk.describe()
    posted = acl.first('POST')
    if acl.ok and acl.value[1] is False and (posted.api_status == 409 or as_int(posted.error.get('code')) == 1008):
        forms = sorted(set('HTTP %s + code %s' % (ex.status, ex.api_status) if ex.status != ex.api_status
                           else 'HTTP %s' % ex.status for ex in (trunk.first(), posted)))
        return CONFIRMED, 'trunk: %s; IP: %s' % (trunk.first().describe(), posted.describe()), ' / '.join(forms)
    return REFUTED, 'a duplicate IP was not answered as a duplicate: %s' % acl.describe()


def check_numeric_types(ctx):
    found = []
    for exchange in ctx.recorder.exchanges:
        _number_types(exchange.body, exchange.request_line(), found)
    if found:
        return REFUTED, 'numbers arrived as strings (the client reads both), e.g. %s' % '; '.join(found[:3]), 'strings'
    return CONFIRMED, 'every code and count of %d answers was a JSON integer' % len(ctx.recorder.exchanges), 'integers'


def check_id_strings(ctx):
    ids = [(exchange.request_line(), exchange.data['id']) for exchange in ctx.recorder.exchanges
           if exchange.method == 'POST' and isinstance(exchange.data, dict) and exchange.data.get('id') is not None]
    for exchange in ctx.recorder.exchanges:
        if exchange.method == 'POST' and isinstance(exchange.response, list):
            ids += [(exchange.request_line(), item['data']['id']) for item in exchange.response
                    if isinstance(item, dict) and isinstance(item.get('data'), dict) and item['data'].get('id') is not None]
    if not ids:
        raise Skip('no entry was created, so no id was seen')
    numbers = [(line, value) for line, value in ids if not isinstance(value, str)]
    if numbers:
        return REFUTED, 'ids arrived as JSON numbers (the client turns them into strings): %s' % numbers[:3]
    return CONFIRMED, '%d ids, all strings: %s' % (len(ids), ', '.join(repr(value) for _line, value in ids[:4]))


def _observed(ctx, statuses):
    return [exchange for exchange in ctx.recorder.exchanges if exchange.api_status in statuses or exchange.status in statuses]


def check_rate_limit(ctx):
    limited = _observed(ctx, (429,))
    if not limited:
        raise Skip('never provoked on purpose (it would spend the account\'s budget); no 429 came in this run')
    exchange = limited[0]
    form = 'HTTP 429' if exchange.status == 429 else 'HTTP %s + code 429' % exchange.status
    retry_after = 'Retry-After %s' % exchange.retry_after if exchange.retry_after else 'no Retry-After'
    verdict = CONFIRMED if as_int(exchange.error.get('code')) == 1030 else REFUTED
    return verdict, '%s (%s)' % (exchange.describe(), retry_after), '%s, %s' % (form, retry_after)


def check_server_errors(ctx):
    failed = _observed(ctx, (500, 502, 503, 504))
    if not failed:
        raise Skip('never provoked (no way to ask for a 5xx); none came in this run')
    return CONFIRMED, 'a 5xx came and the client carried on: %s' % failed[0].describe()


# ====================================================================== checks: trunks

def check_trunk_create(ctx):
    probe = ctx.probe('main_trunk')
    if not probe.ok:
        return REFUTED, 'the API did not create %s: %s' % (ctx.names['main'], probe.describe())
    expected = (('trunk_name', ctx.names['main']), ('domain_name', ctx.domain), ('nso_code', NSO_CODES[0]))
    wrong = ['%s=%r' % (key, probe.value.get(key)) for key, value in expected if probe.value.get(key) != value]
    if not probe.value.get('trunk_sid') or wrong:
        return REFUTED, 'the answer lacks trunk_sid or differs (%s): %s' % (', '.join(wrong), probe.describe())
    return CONFIRMED, probe.first('POST').describe(220)


def check_trunk_name(ctx):
    ctx.trunk()
    verdict, evidence = _refusal(ctx.probe('long_name'), 'a 17-character name')
    return verdict, '%s (15 characters) was accepted; %s' % (ctx.names['main'], evidence)


def check_trunk_name_empty(ctx):
    probe = ctx.probe('empty_name')
    verdict, evidence = _refusal(probe, 'an empty trunk_name')
    if probe.ok:
        evidence += '; the client validates 1-16 characters before any write'
    return verdict, evidence, 'reject' if refused(probe) else 'accept' if probe.ok else None


def check_nso_code(ctx):
    ctx.trunk()
    verdict, evidence = _refusal(ctx.probe('loose_nso'), 'nso_code %r' % LOOSE_NSO_CODE)
    return verdict, '%s was accepted; %s' % (NSO_CODES[0], evidence)


def check_domain_name(ctx):
    probe = ctx.probe('main_trunk')
    if probe.ok:
        return CONFIRMED, 'domain_name %s was accepted: %s' % (ctx.domain, probe.first('POST').outcome())
    return REFUTED, 'domain_name %s: %s' % (ctx.domain, probe.describe())


def check_domain_name_api(ctx):
    probe = ctx.probe('other_domain')
    if probe.ok:
        return CONFIRMED, 'domain_name %s accepted (trunk deleted again): %s' % (
            PROBE_FQDN, probe.first('POST').outcome()), 'any host name'
    if refused(probe):
        return REFUTED, ('%s - the live validator\'s reading; the client requires the suffix before any write '
                         'anyway' % probe.first().describe()), 'suffix required'
    return REFUTED, probe.describe()


# ====================================================================== checks: whitelisted IPs

def check_acl_mask(ctx):
    probes = [ctx.probe('acl_32'), ctx.probe('acl_16')]
    failed = [probe for probe in probes if not probe.ok]
    if failed:
        return REFUTED, '; '.join(probe.describe() for probe in failed)
    return CONFIRMED, '/32 and /16 accepted: %s' % '; '.join(probe.first('POST').describe(90) for probe in probes)


def check_acl_mask_api(ctx):
    probe = ctx.probe('acl_15')
    if probe.ok:
        return CONFIRMED, 'a /15 was accepted (removed again): %s' % probe.first('POST').describe(), '1-32'
    if refused(probe):
        return REFUTED, ('%s - the live validator\'s 16-32; the client validates 16-32 before any write either '
                         'way' % probe.first().describe()), '16-32'
    return REFUTED, probe.describe()


def check_mask_parse(ctx):
    probe = ctx.probe('acl_bad_mask')
    verdict, evidence = _refusal(probe, 'mask -1')
    if verdict == CONFIRMED and as_int(probe.first().error.get('code')) != 1007:
        return REFUTED, evidence + ' (refused, but not with error 1007 "failed parsing")'
    return verdict, evidence


# ====================================================================== checks: destinations

def check_batch_207(ctx):
    probe = _batch_probe(ctx)
    exchange = probe.first('POST')
    answers = probe.value
    failed = sum(1 for answer in answers if not answer.ok)
    items = exchange.response if isinstance(exchange.response, list) else []
    metadata = exchange.metadata or {}
    counts = tuple(as_int(metadata.get(key)) for key in ('total', 'success', 'failed'))
    shape = '%d of %d items failed; %d results; metadata total/success/failed %s' % (
        failed, len(answers), len(items), '/'.join(str(count) for count in counts))
    if exchange.status == 207 and len(items) == len(answers) and counts == (len(answers), len(answers) - failed, failed):
        return CONFIRMED, '%s -> HTTP 207: %s' % (exchange.request_line(), shape), '207'
    return REFUTED, '%s -> HTTP %s: %s (the client reads per-item results under 200, 207 and 400 alike)' % (
        exchange.request_line(), exchange.status, shape), 'HTTP %s' % exchange.status


def check_destination_shape(ctx):
    _batch_probe(ctx)
    data = _good_destination(ctx)
    posted = _batch_items(ctx)[0]
    expected = {'destination': 'sip:' + posted, 'type': 'public', 'priority': 0, 'weight': 1}
    seen = dict((key, as_int(data.get(key))) for key in expected)
    wrong = sorted(key for key in expected if str(seen[key]).lower() != str(expected[key]).lower())
    if wrong:
        return REFUTED, 'posted {destination: %s}; the answer differs in %s: %s' % (posted, ', '.join(wrong), seen)
    return CONFIRMED, 'posted {destination: %s}; the answer adds %s' % (posted, seen)


def check_destination_whitelist(ctx):
    _batch_probe(ctx)
    return _batch_item(ctx, 1, 'an IP outside the ACL')


def check_destination_resolves(ctx):
    _batch_probe(ctx)
    verdict, evidence = _batch_item(ctx, 2, 'a name that never resolves')
    return verdict, evidence, 'checked' if verdict == CONFIRMED else 'not checked'


def check_destination_public(ctx):
    _batch_probe(ctx)
    return _batch_item(ctx, 3, 'a documentation address')


def check_transport(ctx):
    _batch_probe(ctx)
    return _batch_item(ctx, 4, 'transport udp')


def check_destination_update(ctx):
    probe = ctx.probe('destination_update')
    data = probe.value if probe.ok else None
    if isinstance(data, dict) and (as_int(data.get('priority')), as_int(data.get('weight'))) == (1, 2):
        return CONFIRMED, probe.first().describe()
    return REFUTED, probe.describe()


def check_destination_repost(ctx):
    probe = ctx.probe('destination_repost')
    first_id = _good_destination(ctx)['id']
    if not probe.ok:
        return REFUTED, 'refused as a whole: %s - the client compares before posting either way' % probe.describe(), \
            'refused'
    answer = probe.value
    if answer.ok and (answer.data or {}).get('id') not in (None, first_id):
        return CONFIRMED, 'a second row %s next to %s (removed again): %s' % (
            answer.data['id'], first_id, probe.first().outcome()), 'duplicate row'
    if answer.ok:
        return REFUTED, 'the API answered with the existing row %s: %s' % (first_id, probe.first().describe()), \
            'existing row'
    return REFUTED, 'refused: %s - the client compares before posting either way' % _item_error(answer), 'refused'


# ====================================================================== checks: settings and credentials

def check_settings(ctx):
    first = ctx.probe('setting')
    if not first.ok or not first.value.ok:
        return REFUTED, 'POST settings: %s' % first.describe()
    listed = ctx.probe('settings_list')
    row = next((row for row in listed.value or [] if row.get('name') == ALIAS), None)
    if row and row.get('value') == ctx.number:
        return CONFIRMED, 'POST {settings: [{name, value}]} -> %s; GET lists {name: %s, value: %s}' % (
            first.first().outcome(), ALIAS, row['value'])
    return REFUTED, 'GET settings did not list %s=%s: %s' % (ALIAS, ctx.number, listed.describe())


def check_settings_repost(ctx):
    ctx.probe('setting')
    probe = ctx.probe('setting_repost')
    if probe.ok and probe.value.ok:
        return CONFIRMED, 'a second POST of %s: %s' % (ALIAS, probe.first().describe()), 'upsert'
    if probe.ok:
        error = probe.value.error or {}
        duplicate, detail = error.get('http_status') == 409 or error.get('api_code') == 1008, _item_error(probe.value)
    else:
        duplicate, detail = isinstance(probe.error, ExotelDuplicateError), probe.describe()
    return REFUTED, ('a second POST of %s was refused: %s - the client deletes and re-posts a setting to change '
                     'it' % (ALIAS, detail)), 'duplicate' if duplicate else 'refused'


def check_credentials(ctx):
    created = ctx.probe('credential')
    if not created.ok:
        return REFUTED, 'POST credentials: %s' % created.describe()
    posted = created.first('POST')
    listed = ctx.probe('credential_list').first()
    if isinstance(listed.response, dict):
        return REFUTED, 'GET answered the older single-object shape: %s' % listed.describe(), 'older shape'
    rows = [item.get('data') or item for item in listed.response or [] if isinstance(item, dict)]
    leaked = 'password' in (posted.data or {}) or any('password' in row for row in rows)
    if leaked:
        return REFUTED, 'a password came back (masked here): %s; %s' % (posted.describe(), listed.describe())
    updated = ctx.probe('credential_update')
    if not updated.ok or (updated.value or {}).get('friendly_name') != RENAMED:
        return REFUTED, 'PUT friendly_name: %s' % updated.describe()
    return CONFIRMED, ('POST -> %s, id %r, no password; GET lists %d row(s) of {%s}; PUT friendly_name -> %s'
                       % (posted.outcome(), (posted.data or {}).get('id'), len(rows),
                          ', '.join(sorted(rows[0])) if rows else '', updated.first().outcome())), 'current shape'


def check_credential_charset(ctx):
    return _refusal(ctx.probe('credential_bad'), 'a password with - and !')


def check_child_missing(ctx):
    exchange = ctx.probe('unknown_credential').first()
    reading = answer_code(exchange)
    if exchange.api_status == 404:
        return CONFIRMED, '%s (the client takes it as already deleted)' % exchange.describe(), reading
    return REFUTED, exchange.describe(), reading


# ====================================================================== checks: numbers

def check_exophones(ctx):
    probe = ctx.probe('non_exophone')
    exchange = probe.first('POST')
    reading = answer_code(exchange)
    if probe.ok:
        return REFUTED, 'accepted %s (unmapped again): %s' % (NON_EXOPHONE, exchange.describe()), 'accepted'
    if exchange.api_status == 400:
        return CONFIRMED, exchange.describe(), reading
    if refused(probe):
        return REFUTED, ('%s - the other reading; the client tells it from a missing trunk by reading the trunk'
                         % exchange.describe()), reading
    return REFUTED, probe.describe(), reading


def check_e164(ctx):
    return _refusal(ctx.probe('not_e164'), 'phone_number %s' % NOT_E164)


def check_phone_mode(ctx):
    _mapped_number(ctx)
    posted = ctx.probe('number_map').first('POST')
    mode = (posted.data or {}).get('mode')
    update = ctx.probe('number_mode')
    if update.ok and (update.value or {}).get('mode') == 'flow' and mode in (None, 'pstn'):
        shown = 'null' if mode is None else mode
        return CONFIRMED, 'mapped without a mode -> mode %s; %s' % (shown, update.first().describe())
    return REFUTED, 'mapped -> mode %r; PUT mode flow: %s' % (mode, update.describe())


def check_number_holder(ctx):
    before = ctx.probe('number_holder_before')
    exchange = before.first()
    if not 200 <= (exchange.status or 0) < 300:
        return REFUTED, 'GET /trunk-maps failed: %s' % exchange.describe()
    if before.value:
        listed = ctx.probe('holder_numbers')
        if listed.ok and any(row.get('phone_number') == ctx.number for row in listed.value):
            return CONFIRMED, '%s names trunk %s, which lists the number' % (exchange.request_line(), before.value)
        return REFUTED, '%s names trunk %s, which does not list it: %s' % (
            exchange.request_line(), before.value, listed.describe())
    if ctx.read_only:
        raise Skip('the number is on no trunk: only a run with writes can map it and see trunk-maps name the trunk')
    after = ctx.probe('number_holder_after')
    if after.value == ctx.trunk():
        return CONFIRMED, 'after mapping: %s' % after.first().describe()
    return REFUTED, 'after mapping it to %s: %s' % (ctx.trunk(), after.describe())


def check_number_elsewhere(ctx):
    sid = ctx.trunk()
    _mapped_number(ctx)
    same, other = ctx.probe('number_duplicate'), ctx.probe('number_elsewhere')
    if not isinstance(same.error, ExotelDuplicateError):
        return REFUTED, 'mapping it again on the same trunk: %s' % same.describe()
    if other.ok:
        return REFUTED, 'a second trunk could map the number the first holds (deleted again): %s' % other.describe(), \
            'two trunks'
    if isinstance(other.error, ExotelDuplicateError) and sid in (other.error.description or ''):
        posted = [ex for ex in other.exchanges if ex.method == 'POST' and ex.path.endswith('/phone-numbers')]
        return CONFIRMED, 'same trunk: %s; second trunk: %s; the client named the holder %s' % (
            same.first().outcome(), posted[0].describe(120), sid), 'one trunk per number'
    return REFUTED, other.describe()


# ====================================================================== checks: deleting

def _delete_forms(exchanges):
    return sorted(set('%s?%s=' % (ex.path.rsplit('/', 1)[-1], '&'.join(sorted(ex.query))) for ex in exchanges))


def check_child_delete(ctx):
    sid = ctx.trunk()
    deletes, problems = [], []
    for name in ('acl_trim', 'destinations_removed', 'settings_removed', 'credential_removed', 'number_removed'):
        probe = _try_probe(ctx, name)
        if probe is None:
            continue
        if not probe.ok:
            problems.append(probe.describe())
            continue
        done = [ex for ex in probe.exchanges if ex.method == 'DELETE' and ex.path != '/trunks']
        problems += [ex.describe() for ex in done if not 200 <= (ex.status or 0) < 300]
        if name in ('acl_trim', 'destinations_removed'):
            still = set(row.get('id') for row in probe.value) & set(ex.query.get('id') for ex in done)
            problems += ['%s still lists id(s) %s' % (name, sorted(still))] if still else []
        deletes += done
    if problems:
        return REFUTED, '; '.join(problems)
    if not deletes:
        raise Skip('nothing was deleted one by one')
    return CONFIRMED, '%d DELETEs on trunk %s (%s) answered 2xx; the re-read ACL and destination lists no longer ' \
        'show them' % (len(deletes), sid, ', '.join(_delete_forms(deletes)))


def check_trunk_delete(ctx):
    sid = ctx.trunk()
    probe = ctx.probe('trunk_deleted')
    trunk_deletes = [ex for ex in probe.exchanges if ex.path == '/trunks' and ex.method == 'DELETE']
    if probe.ok and isinstance(probe.value, dict) and probe.value.get('trunk_sid') == sid:
        return CONFIRMED, trunk_deletes[-1].describe(200)
    return REFUTED, 'the DELETE did not answer with the deleted trunk: %s' % probe.describe()


def check_trunk_cascade(ctx):
    sid = ctx.trunk()
    if not ctx.probe('trunk_deleted').ok:
        raise Skip('the throw-away trunk could not be deleted')
    after = ctx.probe('trunk_after_delete')
    kept = '%s/32 still whitelisted' % ctx.probe_ip if ctx.probe('acl_32').ok else 'no entry left'
    if isinstance(after.error, ExotelNotFoundError) or (after.ok and not after.value):
        return CONFIRMED, ('deleted with %s; afterwards %s. Credentials were deleted first, as the client does '
                           '(the disputed part is not tested)' % (kept, after.first().describe(120)))
    return REFUTED, 'trunk %s still answers for its ACL after the delete: %s' % (sid, after.describe())


def _needs(*flags):
    return tuple(flags)


CHECKS = (
    Check('regions', _needs(), 'reads the trunk list on the configured region URL',
          'confirmed when the account answers there', check_regions),
    Check('auth', _needs(), 'reads the trunk list with the key and token, then once with a wrong token',
          'confirmed when the first is accepted and the second is refused with 401', check_auth),
    Check('trunk-missing', _needs(), 'reads the numbers of a trunk SID that does not exist',
          'confirmed on 404 (reading 404/1003 or 404/1000); refuted on 403/1003, the other reading', check_trunk_missing),
    Check('trunk-list', _needs(), 'lists every trunk, then reads one by ?trunk_sid=',
          'confirmed when rows carry trunk_sid and trunk_name and the filter returns the trunk', check_trunk_list),
    Check('envelope', _needs(), 'looks at the answer of the trunk create (read-only: the trunk list)',
          'confirmed when it has request_id, method, http_code and response {code, status, error_data, data}',
          check_envelope),
    Check('empty-list', _needs(), 'reads the settings of the new trunk (read-only: any empty list)',
          'confirmed on "response": [] (with or without metadata)', check_empty_list),
    Check('paging', _needs(), 'lists the ACL with page_size=1 (read-only: the trunk list, at most two pages)',
          'confirmed when next_page_uri leads through every entry, one per page', check_paging),
    Check('trunk-create', _needs(WRITE), 'creates the throw-away trunk zz_check_<run id>',
          'confirmed when the answer carries trunk_sid and the fields sent', check_trunk_create),
    Check('trunk-name', _needs(WRITE), 'creates a trunk with a 17-character name',
          'confirmed when it is refused', check_trunk_name),
    Check('trunk-name-empty', _needs(WRITE), 'creates a trunk with an empty name',
          'confirmed when refused (reading reject); refuted when a trunk is created (reading accept)',
          check_trunk_name_empty),
    Check('nso-code', _needs(WRITE), 'creates a trunk with nso_code "any any"', 'confirmed when it is refused',
          check_nso_code),
    Check('domain-name', _needs(WRITE), 'creates the trunk with domain_name <account_sid>.pstn.exotel.com',
          'confirmed when accepted', check_domain_name),
    Check('domain-name-api', _needs(WRITE), 'creates a trunk with domain_name zz-check.invalid',
          'confirmed when accepted (any host name); refuted when refused (suffix required)', check_domain_name_api),
    Check('duplicate', _needs(WRITE), 'posts the throw-away trunk\'s name again, and its /32 IP again',
          'confirmed when both are answered as duplicates (409 in a 200, or HTTP 409)', check_duplicate),
    Check('acl-mask', _needs(WRITE), 'whitelists a /32 and a /16', 'confirmed when both are accepted',
          check_acl_mask),
    Check('acl-mask-api', _needs(WRITE), 'whitelists a /15', 'confirmed when accepted (1-32); refuted when '
          'refused (16-32)', check_acl_mask_api),
    Check('mask-parse', _needs(WRITE), 'whitelists an IP with mask -1', 'confirmed on a refusal with error 1007',
          check_mask_parse),
    Check('batch-207', _needs(WRITE), 'posts five destinations in one batch, one of them good',
          'confirmed on HTTP 207 with one result per item and matching metadata', check_batch_207),
    Check('destination-shape', _needs(WRITE), 'looks at the good destination of the batch',
          'confirmed when it reads sip:<sent>, type public, priority 0, weight 1', check_destination_shape),
    Check('destination-whitelist', _needs(WRITE), 'batch item 2: an IP outside the ACL',
          'confirmed when refused', check_destination_whitelist),
    Check('destination-resolves', _needs(WRITE), 'batch item 3: zz-check.invalid, a name that never resolves',
          'confirmed when refused', check_destination_resolves),
    Check('destination-public', _needs(WRITE), 'batch item 4: the documentation address 203.0.113.50',
          'confirmed when refused', check_destination_public),
    Check('transport', _needs(WRITE), 'batch item 5: transport udp', 'confirmed when refused', check_transport),
    Check('destination-update', _needs(WRITE), 'PUTs priority 1 and weight 2 on the good destination',
          'confirmed when the answer carries them', check_destination_update),
    Check('destination-repost', _needs(WRITE), 'posts the good destination again',
          'confirmed when a second row is added', check_destination_repost),
    Check('settings', _needs(WRITE, NUMBER), 'sets trunk_external_alias to live_check_number and lists settings',
          'confirmed when the list shows {name, value}', check_settings),
    Check('settings-repost', _needs(WRITE, NUMBER), 'posts the same setting again',
          'confirmed when accepted (upsert); refuted on a duplicate', check_settings_repost),
    Check('credentials', _needs(WRITE), 'creates a digest user with a random password, lists, renames it',
          'confirmed on the current shapes and no password in any answer', check_credentials),
    Check('credential-charset', _needs(WRITE), 'creates a digest user whose password has - and !',
          'confirmed when it is refused', check_credential_charset),
    Check('child-missing', _needs(WRITE), 'deletes credential id 999999999, which does not exist',
          'confirmed on 404', check_child_missing),
    Check('exophones', _needs(WRITE), 'maps +99912345678 (country code 999 is unassigned)',
          'confirmed on 400; refuted on 404 (the other reading) or when it is mapped', check_exophones),
    Check('e164', _needs(WRITE), 'maps the number 12345', 'confirmed when it is refused', check_e164),
    Check('phone-mode', _needs(WRITE, NUMBER), 'maps live_check_number without a mode, then PUTs mode flow',
          'confirmed on mode null (or pstn), then flow', check_phone_mode),
    Check('number-holder', _needs(NUMBER), 'asks GET /trunk-maps which trunk holds live_check_number',
          'confirmed when it names the trunk that lists the number', check_number_holder),
    Check('number-elsewhere', _needs(WRITE, NUMBER), 'maps the number again, then on a second throw-away trunk',
          'confirmed when both are duplicates and the holder is named', check_number_elsewhere),
    Check('child-delete', _needs(WRITE), 'deletes every entry it made by ?id= / ?name=, re-reading the lists',
          'confirmed when every DELETE answers 2xx and the entries are gone', check_child_delete),
    Check('trunk-delete', _needs(WRITE), 'deletes the throw-away trunk by ?trunk_sid=',
          'confirmed when the answer is the deleted trunk', check_trunk_delete),
    Check('trunk-cascade', _needs(WRITE), 'reads the ACL of the deleted trunk, deleted with its /32 on it',
          'confirmed when nothing of it is left to read', check_trunk_cascade),
    Check('id-strings', _needs(), 'looks at the id of every entry created', 'confirmed when all are strings',
          check_id_strings),
    Check('numeric-types', _needs(), 'looks at every code and count of every answer',
          'confirmed when all are JSON integers; refuted when strings (the other reading)', check_numeric_types),
    Check('rate-limit', _needs(), 'never provokes it; looks for a 429 among the answers',
          'skipped unless one came; then confirmed on error 1030', check_rate_limit),
    Check('server-errors', _needs(), 'never provokes them; looks for a 5xx among the answers',
          'skipped unless one came', check_server_errors),
)

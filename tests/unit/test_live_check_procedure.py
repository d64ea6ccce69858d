"""The live check procedure (module_utils/_live_check.py), in process, against the simulator and hand-made answers.

Every verdict, reading and evidence line of a whole run is compared with what it must be, under the
``default`` and ``strict`` profiles, with and without a number, with writes and read-only; so is every
request the run makes, in order, and the account it leaves behind. The branches the simulator never
takes (a 429, a 5xx, an answer of the wrong shape) are judged from hand-made probes.
The simulator's trunk SIDs are made predictable (T1, T2... in the expected texts).
"""

import base64
import itertools
import json
import re

try:
    from urllib.parse import parse_qs, urlsplit
except ImportError:  # pragma: no cover - Python 2
    from urlparse import parse_qs, urlsplit

import pytest
import requests

from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, start_simulator
from exotel_sim.http_server import HttpRequest
from _fakes import Answer, FakeSession
from _modrun import run_module
from ansible_collections.exotel.sip_trunking.plugins.module_utils import _live_check as live
from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import (
    ExotelAuthError, ExotelClient, ExotelDuplicateError, ExotelError, ExotelNotFoundError, ExotelResponseLost, ItemResult,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._recording import Exchange, RecordingSession

NUMBER = '+919876543210'          # a spare ExoPhone
USER_NUMBER = '+918040264208'     # an ExoPhone the user's own trunk holds
SID_RE = re.compile(r'trmum0{19}([1-9])a1n')
FACTS = [check.fact for check in live.CHECKS]
WRITES = 'read-only run (live_check_read_only, or check mode): this check writes'
NO_NUMBER = 'needs live_check_number, a spare ExoPhone of the account'


def simulator(profile):
    """A simulator whose trunk SIDs are trmum<20 digits counting from 1>a1n, shown as T1, T2... in the texts."""
    sim = start_simulator(profile=profile, exophones=[NUMBER, USER_NUMBER], unresolvable_fqdns=[live.PROBE_FQDN],
                          rate_limit=0)
    counter = itertools.count(1)
    sim._store.new_trunk_sid = lambda: 'trmum%020da1n' % next(counter)   # pylint: disable=protected-access
    sim._store.passwords = PasswordLog()   # pylint: disable=protected-access
    return sim


class Direct:
    """The simulator's API called in this process, as its HTTP server calls it, without a socket: a whole run
    takes a third of the time (every mutant of mutation testing runs several)."""

    def __init__(self, sim):
        self.sim = sim

    def request(self, method, url, params=None, data=None, headers=None, **_kwargs):
        target = urlsplit(requests.Request(method, url, params=params).prepare().url)
        query = dict((name, values[0]) for name, values in parse_qs(target.query, keep_blank_values=True).items())
        body = data.encode('utf-8') if isinstance(data, str) else (data or b'')
        response = self.sim.handle_api(HttpRequest(method, target.path, query, dict(headers or {}), body))
        if response.drop:
            raise requests.ConnectionError('the simulator dropped the connection')
        return Answer(response.status, text=response.payload.decode('utf-8'), headers=dict(response.headers))


def live_check(sim, run_id='abc123', **options):
    """A LiveCheck as the module builds one: a recorded client, and a second client for the wrong token."""
    recorder = RecordingSession(Direct(sim))

    def client(token):
        return ExotelClient(ACCOUNT_SID, API_KEY, token, sim.url, session=recorder, trunk_cache='off', max_retries=0,
                            rate_limit=0)
    main = client(API_TOKEN)
    recorder.redact = main.redact
    return live.LiveCheck(main, recorder, run_id, make_client=client, **options)


def short(text, sim):
    url = sim if isinstance(sim, str) else sim.url
    return SID_RE.sub(r'T\1', text.replace(url, 'SIM')) if isinstance(text, str) else text


def report(check, sim):
    return dict((f.fact, (f.verdict, f.reading, short(f.evidence, sim))) for f in check.findings)


def exchanges(check, sim):
    return [short('%s %s -> %s' % (x.tag, x.request_line(), x.outcome()), sim) for x in check.recorder.exchanges]


def account(sim):
    state = sim.dump_state()
    state.pop('counters', None)
    return state


class PasswordLog(dict):
    """The simulator's password store, keeping every password ever stored (deleting a credential drops it)."""

    def __init__(self):
        dict.__init__(self)
        self.seen = []

    def __setitem__(self, key, value):
        self.seen.append(value)
        dict.__setitem__(self, key, value)


class Run:
    """One whole run of the check against a fresh simulator, and what it left."""

    def __init__(self, profile, seed=False, faults=(), **options):
        self.sim = simulator(profile)
        self.url = self.sim.url
        try:
            self.user_trunk = seed_user_trunk(self.sim) if seed else None
            for fault in faults:
                self.sim.add_fault(fault)
            self.before, self.seeded = account(self.sim), len(self.sim.requests())
            self.check = live_check(self.sim, **options)
            self.check.run()
            self.after = account(self.sim)
            self.requests = self.sim.requests()[self.seeded:]
            self.passwords = self.sim._store.passwords.seen   # pylint: disable=protected-access
        finally:
            self.sim.stop()
        self.report = report(self.check, self.url)
        self.exchanges = exchanges(self.check, self.url)
        self.result = self.check.result(2.25)


def seed_user_trunk(sim):
    """A trunk of the user's holding USER_NUMBER (made before the check, so it is T1)."""
    client = ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, sim.url, trunk_cache='off', max_retries=0, rate_limit=0)
    trunk, _created = client.create_trunk('users_trunk', 'ANY-ANY', 'exoteltest.pstn.exotel.com')
    client.map_phone_number(trunk['trunk_sid'], USER_NUMBER)
    return trunk['trunk_sid']


@pytest.fixture
def runs():
    """The runs a test asks for, each made when first asked for. Made again for every test, not once per module:
    mutation testing runs, for a mutant, only the tests during which its function ran."""
    made = {}

    def get(name):
        if name not in made:
            profile, options = SCENARIOS[name]
            made[name] = Run(profile, **options)
        return made[name]
    return get


SCENARIOS = {
    'default': ('default', {'number': NUMBER}),
    'strict': ('strict', {'number': NUMBER}),
    'default-no-number': ('default', {}),
    'strict-no-number': ('strict', {}),
    'read-only': ('default', {'read_only': True}),
    'read-only-number': ('default', {'read_only': True, 'number': NUMBER}),
    'strict-read-only': ('strict', {'read_only': True}),
    'strict-read-only-number': ('strict', {'read_only': True, 'number': NUMBER}),
}


# ------------------------------------------------------------------ what the runs must give
# (the strict and other runs as changes to DEFAULT)

DEFAULT = {
    'regions': ('skipped', None, 'api_url SIM is neither region URL (a simulator or a proxy): nothing to tell'),
    'auth': (
        'confirmed', '401/1010',
        'key and token accepted (HTTP 200); a wrong token: GET /trunks?page_size=50 -> HTTP 401, error 1010: Invalid API key or token'),
    'trunk-missing': (
        'confirmed', '404/1003',
        "GET /trunks/trmum00000000000000000000a1n/phone-numbers -> HTTP 404, error 1003: Trunk 'trmum00000000000000000000a1n' does not exist"),
    'trunk-list': ('confirmed', None, '0 trunk(s) listed (HTTP 200); GET /trunks?trunk_sid=T1 found it: zz_check_abc123'),
    'envelope': ('confirmed', None, 'POST /trunks -> HTTP 200, with request_id, method, http_code and response {code, status, error_data, data}'),
    'empty-list': ('confirmed', 'no metadata', 'GET /trunks/T1/settings -> HTTP 200: "response": [] (no metadata)'),
    'paging': (
        'confirmed', None,
        '3 entries read one per page through next_page_uri (GET /trunks/T1/whitelisted-ips?page_size=1, then '
        'GET /trunks/T1/whitelisted-ips?offset=1&page_size=1)'),
    'trunk-create': (
        'confirmed', None,
        'POST /trunks -> HTTP 200: {auth_type: IP-WHITELIST, domain_name: exoteltest.pstn.exotel.com, edge_pr'
        'eference: auto, nso_code: ANY-ANY, registration_enabled: disabled, secure_trunking: disabled, status'
        ': active, trunk_name: zz_check_abc123, trun...'),
    'trunk-name': (
        'confirmed', None,
        'zz_check_abc123 (15 characters) was accepted; refused a 17-character name: POST /trunks -> HTTP 400,'
        ' error 1000: trunk_name must be alphanumeric with underscores only, max 16 characters'),
    'trunk-name-empty': (
        'confirmed', 'reject',
        'refused an empty trunk_name: POST /trunks -> HTTP 400, error 1001: trunk_name is a mandatory parameter'),
    'nso-code': (
        'confirmed', None,
        "ANY-ANY was accepted; refused nso_code 'any any': POST /trunks -> HTTP 400, error 1001: nso_code must be ANY-ANY"),
    'domain-name': ('confirmed', None, 'domain_name exoteltest.pstn.exotel.com was accepted: HTTP 200'),
    'domain-name-api': ('confirmed', 'any host name', 'domain_name zz-check.invalid accepted (trunk deleted again): HTTP 200'),
    'duplicate': (
        'confirmed', 'HTTP 200 + code 409',
        'trunk: POST /trunks -> HTTP 200, code 409, error 1008: Unable to create trunk with name zz_check_abc'
        '123; IP: POST /trunks/T1/whitelisted-ips -> HTTP 200, code 409, error 1008: Unable to Whitelist-ip w'
        'ith ip 1.1.1.1'),
    'acl-mask': (
        'confirmed', None,
        '/32 and /16 accepted: POST /trunks/T1/whitelisted-ips -> HTTP 200: {friendly_name: null, id: 1153, i'
        'p: 1.1.1.1, mask: 32, trunk_sid: trmum0000000000000000...; POST /trunks/T1/whitelisted-ips -> HTTP 2'
        '00: {friendly_name: null, id: 1154, ip: 1.2.0.0, mask: 16, trunk_sid: trmum0000000000000000...'),
    'acl-mask-api': (
        'confirmed', '1-32',
        'a /15 was accepted (removed again): POST /trunks/T1/whitelisted-ips -> HTTP 200: {friendly_name: nul'
        'l, id: 1155, ip: 1.4.0.0, mask: 15, trunk_sid: T1}'),
    'mask-parse': (
        'confirmed', None,
        'refused mask -1: POST /trunks/T1/whitelisted-ips -> HTTP 400, error 1007: Invalid request body,failed parsing'),
    'batch-207': (
        'confirmed', '207',
        'POST /trunks/T1/destination-uris -> HTTP 207: 4 of 5 items failed; 5 results; metadata total/success/failed 5/1/4'),
    'destination-shape': (
        'confirmed', None,
        "posted {destination: 1.1.1.1:5061;transport=tls}; the answer adds {'destination': 'sip:1.1.1.1:5061;"
        "transport=tls', 'type': 'public', 'priority': 0, 'weight': 1}"),
    'destination-whitelist': ('confirmed', None, 'item 2 (8.8.8.8:5061;transport=tls) refused: 400, error 1002: Destination not whitelisted'),
    'destination-resolves': (
        'confirmed', 'checked',
        'item 3 (zz-check.invalid:5061;transport=tls) refused: 400, error 1002: Destination is not a valid Ip or Fqdn'),
    'destination-public': (
        'confirmed', None,
        'item 4 (203.0.113.50:5061;transport=tls) refused: 400, error 1002: Destination is not a valid Ip or Fqdn'),
    'transport': ('confirmed', None, 'item 5 (1.1.1.1:5060;transport=udp) refused: 400, error 1002: Destination is not a valid Ip or Fqdn'),
    'destination-update': (
        'confirmed', None,
        'PUT /trunks/T1/destination-uris/2543 -> HTTP 200: {destination: sip:1.1.1.1:5061;transport=tls, id: '
        '2543, priority: 1, trunk_sid: T1, type: public, weight: 2}'),
    'destination-repost': ('confirmed', 'duplicate row', 'a second row 2544 next to 2543 (removed again): HTTP 200'),
    'settings': ('confirmed', None, 'POST {settings: [{name, value}]} -> HTTP 200; GET lists {name: trunk_external_alias, value: +919876543210}'),
    'settings-repost': (
        'confirmed', 'upsert',
        'a second POST of trunk_external_alias: POST /trunks/T1/settings -> HTTP 200: [{code: 200, data: {nam'
        'e: trunk_external_alias, trunk_sid: T1, value: +919876543210}, error_data: null, status:...'),
    'credentials': (
        'confirmed', 'current shape',
        "POST -> HTTP 200, id '5301', no password; GET lists 1 row(s) of {date_created, date_updated, friendl"
        'y_name, id, trunk_sid, user_name}; PUT friendly_name -> HTTP 200'),
    'credential-charset': (
        'confirmed', None,
        'refused a password with - and !: POST /trunks/T1/credentials -> HTTP 400, error 1002: password conta'
        'ins characters or a length that is not allowed'),
    'child-missing': (
        'confirmed', '404/1000',
        "DELETE /trunks/T1/credentials?id=999999999 -> HTTP 404, error 1000: Credential '999999999' does not "
        "exist on trunk 'T1' (the client takes it as already deleted)"),
    'exophones': ('confirmed', '400/1002', 'POST /trunks/T1/phone-numbers -> HTTP 400, error 1002: Invalid PhoneNumber'),
    'e164': (
        'confirmed', None,
        'refused phone_number 12345: POST /trunks/T1/phone-numbers -> HTTP 400, error 1001: phone_number must'
        ' be in E.164 format (e.g., +919876543210)'),
    'phone-mode': (
        'confirmed', None,
        'mapped without a mode -> mode null; PUT /trunks/T1/phone-numbers/41512 -> HTTP 200: {id: 41512, mode'
        ': flow, phone_number: +919876543210, trunk_sid: T1}'),
    'number-holder': (
        'confirmed', None,
        'after mapping: GET /trunk-maps?exophone=+919876543210 -> HTTP 200: [{code: 200, data: {id: 41512, mo'
        'de: flow, phone_number: +919876543210, trunk_sid: T1}, error_data: null, statu...'),
    'number-elsewhere': (
        'confirmed', 'one trunk per number',
        'same trunk: HTTP 200, code 409, error 1008; second trunk: POST /trunks/T3/phone-numbers -> HTTP 200,'
        ' code 409, error 1008: Unable to create DidTrunkMapping with TrunkSid T3; the client named the holder T1'),
    'child-delete': (
        'confirmed', None,
        '7 DELETEs on trunk T1 (credentials?id=, destination-uris?id=, phone-numbers?id=, settings?name=, whi'
        'telisted-ips?id=) answered 2xx; the re-read ACL and destination lists no longer show them'),
    'trunk-delete': (
        'confirmed', None,
        'DELETE /trunks?trunk_sid=T1 -> HTTP 200: {auth_type: IP-WHITELIST, domain_name: exoteltest.pstn.exot'
        'el.com, edge_preference: auto, nso_code: ANY-ANY, registration_enabled: disabled, secure_trunking: d'
        'isabled, status: active, trunk_name: z...'),
    'trunk-cascade': (
        'confirmed', None,
        'deleted with 1.1.1.1/32 still whitelisted; afterwards GET /trunks/T1/whitelisted-ips -> HTTP 404, er'
        "ror 1003: Trunk 'T1' does not exist. Credentials were deleted first, as the client does (the dispute"
        'd part is not tested)'),
    'id-strings': ('confirmed', None, "7 ids, all strings: '1153', '1154', '1155', '5301'"),
    'numeric-types': ('confirmed', 'integers', 'every code and count of 55 answers was a JSON integer'),
    'rate-limit': ('skipped', None, "never provoked on purpose (it would spend the account's budget); no 429 came in this run"),
    'server-errors': ('skipped', None, 'never provoked (no way to ask for a 5xx); none came in this run'),
}

STRICT = {
    'trunk-missing': (
        'refuted', '403/1003',
        "GET /trunks/trmum00000000000000000000a1n/phone-numbers -> HTTP 403, error 1003: Trunk 'trmum00000000"
        '000000000000a1n\' is not accessible with this account - the other reading (403/1003 "Authorization fa'
        'iled"); the client reads it as not found too'),
    'paging': (
        'confirmed', None,
        '2 entries read one per page through next_page_uri (GET /trunks/T1/whitelisted-ips?page_size=1, then '
        'GET /trunks/T1/whitelisted-ips?offset=1&page_size=1)'),
    'trunk-name-empty': (
        'refuted', 'accept',
        'accepted an empty trunk_name (deleted again): POST /trunks -> HTTP 200: {auth_type: IP-WHITELIST, do'
        'main_name: exoteltest.pstn.exotel.com, edge_preference: auto, nso_code: ANY-ANY, registration_enable'
        'd: disabl...; the client validates 1-16 characters before any write'),
    'domain-name-api': (
        'refuted', 'suffix required',
        'POST /trunks -> HTTP 400, error 1001: Domain name should end with .pstn.exotel.com - the live valida'
        "tor's reading; the client requires the suffix before any write anyway"),
    'acl-mask-api': (
        'refuted', '16-32',
        'POST /trunks/T1/whitelisted-ips -> HTTP 400, error 1001: mask should be in-between 16 and 32 - the l'
        "ive validator's 16-32; the client validates 16-32 before any write either way"),
    'settings-repost': (
        'refuted', 'duplicate',
        'a second POST of trunk_external_alias was refused: 409, error 1008: Unable to create TrunkSetting wi'
        'th name trunk_external_alias - the client deletes and re-posts a setting to change it'),
    'exophones': (
        'refuted', '404/1000',
        'POST /trunks/T1/phone-numbers -> HTTP 404, error 1000: PhoneNumber +99912345678 is not an ExoPhone o'
        'f this account - the other reading; the client tells it from a missing trunk by reading the trunk'),
    'child-delete': (
        'confirmed', None,
        '6 DELETEs on trunk T1 (credentials?id=, destination-uris?id=, phone-numbers?id=, settings?name=, whi'
        'telisted-ips?id=) answered 2xx; the re-read ACL and destination lists no longer show them'),
    'trunk-cascade': (
        'confirmed', None,
        'deleted with 1.1.1.1/32 still whitelisted; afterwards GET /trunks/T1/whitelisted-ips -> HTTP 403, er'
        "ror 1003: Trunk 'T1' is not accessible with this account. Credentials were deleted first, as the cli"
        'ent does (the disputed part is not tested)'),
    'id-strings': ('confirmed', None, "6 ids, all strings: '1153', '1154', '5301', '41512'"),
    'numeric-types': (
        'refuted', 'strings',
        "numbers arrived as strings (the client reads both), e.g. GET /trunks?page_size=50 http_code='200'; G"
        "ET /trunks?page_size=50 http_code='401'; GET /trunks?page_size=50 code='401'"),
}

DEFAULT_NO_NUMBER = {
    'settings': ('skipped', None, NO_NUMBER),
    'settings-repost': ('skipped', None, NO_NUMBER),
    'phone-mode': ('skipped', None, NO_NUMBER),
    'number-holder': ('skipped', None, NO_NUMBER),
    'number-elsewhere': ('skipped', None, NO_NUMBER),
    'child-delete': (
        'confirmed', None,
        '5 DELETEs on trunk T1 (credentials?id=, destination-uris?id=, whitelisted-ips?id=) answered 2xx; the'
        ' re-read ACL and destination lists no longer show them'),
    'id-strings': ('confirmed', None, "6 ids, all strings: '1153', '1154', '1155', '5301'"),
    'numeric-types': ('confirmed', 'integers', 'every code and count of 40 answers was a JSON integer'),
}

STRICT_NO_NUMBER = {
    'settings': ('skipped', None, NO_NUMBER),
    'settings-repost': ('skipped', None, NO_NUMBER),
    'phone-mode': ('skipped', None, NO_NUMBER),
    'number-holder': ('skipped', None, NO_NUMBER),
    'number-elsewhere': ('skipped', None, NO_NUMBER),
    'child-delete': (
        'confirmed', None,
        '4 DELETEs on trunk T1 (credentials?id=, destination-uris?id=, whitelisted-ips?id=) answered 2xx; the'
        ' re-read ACL and destination lists no longer show them'),
    'id-strings': ('confirmed', None, "5 ids, all strings: '1153', '1154', '5301', '2543'"),
}

READ_ONLY = {
    'trunk-list': ('skipped', None, 'the account has no trunk to read by its SID'),
    'envelope': (
        'confirmed', None,
        'GET /trunks?page_size=50 -> HTTP 200, with request_id, method, http_code and response {code, status, error_data, data}'),
    'empty-list': ('confirmed', 'no metadata', 'GET /trunks?page_size=50 -> HTTP 200: "response": [] (no metadata)'),
    'paging': ('skipped', None, 'the account has no trunk: no list to page through in a read-only run'),
    'trunk-create': ('skipped', None, WRITES),
    'trunk-name': ('skipped', None, WRITES),
    'trunk-name-empty': ('skipped', None, WRITES),
    'nso-code': ('skipped', None, WRITES),
    'domain-name': ('skipped', None, WRITES),
    'domain-name-api': ('skipped', None, WRITES),
    'duplicate': ('skipped', None, WRITES),
    'acl-mask': ('skipped', None, WRITES),
    'acl-mask-api': ('skipped', None, WRITES),
    'mask-parse': ('skipped', None, WRITES),
    'batch-207': ('skipped', None, WRITES),
    'destination-shape': ('skipped', None, WRITES),
    'destination-whitelist': ('skipped', None, WRITES),
    'destination-resolves': ('skipped', None, WRITES),
    'destination-public': ('skipped', None, WRITES),
    'transport': ('skipped', None, WRITES),
    'destination-update': ('skipped', None, WRITES),
    'destination-repost': ('skipped', None, WRITES),
    'settings': ('skipped', None, WRITES),
    'settings-repost': ('skipped', None, WRITES),
    'credentials': ('skipped', None, WRITES),
    'credential-charset': ('skipped', None, WRITES),
    'child-missing': ('skipped', None, WRITES),
    'exophones': ('skipped', None, WRITES),
    'e164': ('skipped', None, WRITES),
    'phone-mode': ('skipped', None, WRITES),
    'number-holder': ('skipped', None, NO_NUMBER),
    'number-elsewhere': ('skipped', None, WRITES),
    'child-delete': ('skipped', None, WRITES),
    'trunk-delete': ('skipped', None, WRITES),
    'trunk-cascade': ('skipped', None, WRITES),
    'id-strings': ('skipped', None, 'no entry was created, so no id was seen'),
    'numeric-types': ('confirmed', 'integers', 'every code and count of 3 answers was a JSON integer'),
}

READ_ONLY_NUMBER = {
    'number-holder': ('skipped', None, 'the number is on no trunk: only a run with writes can map it and see trunk-maps name the trunk'),
    'numeric-types': ('confirmed', 'integers', 'every code and count of 4 answers was a JSON integer'),
}

STRICT_READ_ONLY = {
    'trunk-missing': (
        'refuted', '403/1003',
        "GET /trunks/trmum00000000000000000000a1n/phone-numbers -> HTTP 403, error 1003: Trunk 'trmum00000000"
        '000000000000a1n\' is not accessible with this account - the other reading (403/1003 "Authorization fa'
        'iled"); the client reads it as not found too'),
    'numeric-types': (
        'refuted', 'strings',
        "numbers arrived as strings (the client reads both), e.g. GET /trunks?page_size=50 http_code='200'; G"
        "ET /trunks?page_size=50 http_code='401'; GET /trunks?page_size=50 code='401'"),
}

STRICT_READ_ONLY_NUMBER = {
    'number-holder': ('skipped', None, 'the number is on no trunk: only a run with writes can map it and see trunk-maps name the trunk'),
}

# The exchanges every run with writes makes first, up to the destination probes.
EXCHANGES_UNTIL_DESTINATIONS = [
    'trunk_listing GET /trunks?page_size=50 -> HTTP 200',
    'wrong_token GET /trunks?page_size=50 -> HTTP 401, error 1010',
    'unknown_trunk GET /trunks/trmum00000000000000000000a1n/phone-numbers -> HTTP 404, error 1003',
    'main_trunk POST /trunks -> HTTP 200',
    'trunk_by_sid GET /trunks?page_size=50&trunk_sid=T1 -> HTTP 200',
    'empty_settings GET /trunks/T1/settings -> HTTP 200',
    'acl_32 POST /trunks/T1/whitelisted-ips -> HTTP 200',
    'acl_16 POST /trunks/T1/whitelisted-ips -> HTTP 200',
    'acl_15 POST /trunks/T1/whitelisted-ips -> HTTP 200',
    'acl_bad_mask POST /trunks/T1/whitelisted-ips -> HTTP 400, error 1007',
    'acl_pages GET /trunks/T1/whitelisted-ips?page_size=1 -> HTTP 200',
    'acl_pages GET /trunks/T1/whitelisted-ips?offset=1&page_size=1 -> HTTP 200',
    'acl_pages GET /trunks/T1/whitelisted-ips?offset=2&page_size=1 -> HTTP 200',
    'long_name POST /trunks -> HTTP 400, error 1000',
    'empty_name POST /trunks -> HTTP 400, error 1001',
    'loose_nso POST /trunks -> HTTP 400, error 1001',
    'other_domain POST /trunks -> HTTP 200',
    'other_domain DELETE /trunks?trunk_sid=T2 -> HTTP 200',
    'duplicate_trunk POST /trunks -> HTTP 200, code 409, error 1008',
    'acl_duplicate POST /trunks/T1/whitelisted-ips -> HTTP 200, code 409, error 1008',
    'acl_duplicate GET /trunks/T1/whitelisted-ips -> HTTP 200',
    'acl_trim DELETE /trunks/T1/whitelisted-ips?id=1154 -> HTTP 200',
    'acl_trim DELETE /trunks/T1/whitelisted-ips?id=1155 -> HTTP 200',
    'acl_trim GET /trunks/T1/whitelisted-ips -> HTTP 200',
    'destination_batch POST /trunks/T1/destination-uris -> HTTP 207, error 1002',
    'destination_update PUT /trunks/T1/destination-uris/2543 -> HTTP 200',
    'destination_repost POST /trunks/T1/destination-uris -> HTTP 200',
]


EXCHANGES_DEFAULT = EXCHANGES_UNTIL_DESTINATIONS + [
    'setting POST /trunks/T1/settings -> HTTP 200',
    'setting_repost POST /trunks/T1/settings -> HTTP 200',
    'settings_list GET /trunks/T1/settings -> HTTP 200',
    'credential POST /trunks/T1/credentials -> HTTP 200',
    'credential_list GET /trunks/T1/credentials -> HTTP 200',
    'credential_update PUT /trunks/T1/credentials/5301 -> HTTP 200',
    'credential_bad POST /trunks/T1/credentials -> HTTP 400, error 1002',
    'unknown_credential DELETE /trunks/T1/credentials?id=999999999 -> HTTP 404, error 1000',
    'non_exophone POST /trunks/T1/phone-numbers -> HTTP 400, error 1002',
    'not_e164 POST /trunks/T1/phone-numbers -> HTTP 400, error 1001',
    'number_holder_before GET /trunk-maps?exophone=+919876543210 -> HTTP 200',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2543 -> HTTP 200',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2544 -> HTTP 200',
    'destinations_removed GET /trunks/T1/destination-uris -> HTTP 200',
    'number_map POST /trunks/T1/phone-numbers -> HTTP 200',
    'number_mode PUT /trunks/T1/phone-numbers/41512 -> HTTP 200',
    'number_holder_after GET /trunk-maps?exophone=+919876543210 -> HTTP 200',
    'number_duplicate POST /trunks/T1/phone-numbers -> HTTP 200, code 409, error 1008',
    'number_elsewhere POST /trunks -> HTTP 200',
    'number_elsewhere POST /trunks/T3/phone-numbers -> HTTP 200, code 409, error 1008',
    'number_elsewhere GET /trunks/T3/phone-numbers -> HTTP 200',
    'number_elsewhere GET /trunk-maps?exophone=+919876543210 -> HTTP 200',
    'number_elsewhere DELETE /trunks?trunk_sid=T3 -> HTTP 200',
    'settings_removed DELETE /trunks/T1/settings?name=trunk_external_alias -> HTTP 200',
    'credential_removed DELETE /trunks/T1/credentials?id=5301 -> HTTP 200',
    'number_removed DELETE /trunks/T1/phone-numbers?id=41512 -> HTTP 200',
    'trunk_deleted DELETE /trunks?trunk_sid=T1 -> HTTP 200',
    'trunk_after_delete GET /trunks/T1/whitelisted-ips -> HTTP 404, error 1003',
]

# The same under the strict profile.
STRICT_EXCHANGES_UNTIL_DESTINATIONS = [
    'trunk_listing GET /trunks?page_size=50 -> HTTP 200',
    'wrong_token GET /trunks?page_size=50 -> HTTP 401, error 1010',
    'unknown_trunk GET /trunks/trmum00000000000000000000a1n/phone-numbers -> HTTP 403, error 1003',
    'main_trunk POST /trunks -> HTTP 200',
    'trunk_by_sid GET /trunks?page_size=50&trunk_sid=T1 -> HTTP 200',
    'empty_settings GET /trunks/T1/settings -> HTTP 200',
    'acl_32 POST /trunks/T1/whitelisted-ips -> HTTP 200',
    'acl_16 POST /trunks/T1/whitelisted-ips -> HTTP 200',
    'acl_15 POST /trunks/T1/whitelisted-ips -> HTTP 400, error 1001',
    'acl_bad_mask POST /trunks/T1/whitelisted-ips -> HTTP 400, error 1007',
    'acl_pages GET /trunks/T1/whitelisted-ips?page_size=1 -> HTTP 200',
    'acl_pages GET /trunks/T1/whitelisted-ips?offset=1&page_size=1 -> HTTP 200',
    'long_name POST /trunks -> HTTP 400, error 1000',
    'empty_name POST /trunks -> HTTP 200',
    'empty_name DELETE /trunks?trunk_sid=T2 -> HTTP 200',
    'loose_nso POST /trunks -> HTTP 400, error 1001',
    'other_domain POST /trunks -> HTTP 400, error 1001',
    'duplicate_trunk POST /trunks -> HTTP 200, code 409, error 1008',
    'acl_duplicate POST /trunks/T1/whitelisted-ips -> HTTP 200, code 409, error 1008',
    'acl_duplicate GET /trunks/T1/whitelisted-ips -> HTTP 200',
    'acl_trim DELETE /trunks/T1/whitelisted-ips?id=1154 -> HTTP 200',
    'acl_trim GET /trunks/T1/whitelisted-ips -> HTTP 200',
    'destination_batch POST /trunks/T1/destination-uris -> HTTP 207, error 1002',
    'destination_update PUT /trunks/T1/destination-uris/2543 -> HTTP 200',
    'destination_repost POST /trunks/T1/destination-uris -> HTTP 200',
]


EXCHANGES_STRICT = STRICT_EXCHANGES_UNTIL_DESTINATIONS + [
    'setting POST /trunks/T1/settings -> HTTP 200',
    'setting_repost POST /trunks/T1/settings -> HTTP 207, error 1008',
    'settings_list GET /trunks/T1/settings -> HTTP 200',
    'credential POST /trunks/T1/credentials -> HTTP 200',
    'credential_list GET /trunks/T1/credentials -> HTTP 200',
    'credential_update PUT /trunks/T1/credentials/5301 -> HTTP 200',
    'credential_bad POST /trunks/T1/credentials -> HTTP 400, error 1002',
    'unknown_credential DELETE /trunks/T1/credentials?id=999999999 -> HTTP 404, error 1000',
    'non_exophone POST /trunks/T1/phone-numbers -> HTTP 404, error 1000',
    'not_e164 POST /trunks/T1/phone-numbers -> HTTP 400, error 1001',
    'number_holder_before GET /trunk-maps?exophone=+919876543210 -> HTTP 200',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2543 -> HTTP 200',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2544 -> HTTP 200',
    'destinations_removed GET /trunks/T1/destination-uris -> HTTP 200',
    'number_map POST /trunks/T1/phone-numbers -> HTTP 200',
    'number_mode PUT /trunks/T1/phone-numbers/41512 -> HTTP 200',
    'number_holder_after GET /trunk-maps?exophone=+919876543210 -> HTTP 200',
    'number_duplicate POST /trunks/T1/phone-numbers -> HTTP 200, code 409, error 1008',
    'number_elsewhere POST /trunks -> HTTP 200',
    'number_elsewhere POST /trunks/T3/phone-numbers -> HTTP 200, code 409, error 1008',
    'number_elsewhere GET /trunks/T3/phone-numbers -> HTTP 200',
    'number_elsewhere GET /trunk-maps?exophone=+919876543210 -> HTTP 200',
    'number_elsewhere DELETE /trunks?trunk_sid=T3 -> HTTP 200',
    'settings_removed DELETE /trunks/T1/settings?name=trunk_external_alias -> HTTP 200',
    'credential_removed DELETE /trunks/T1/credentials?id=5301 -> HTTP 200',
    'number_removed DELETE /trunks/T1/phone-numbers?id=41512 -> HTTP 200',
    'trunk_deleted DELETE /trunks?trunk_sid=T1 -> HTTP 200',
    'trunk_after_delete GET /trunks/T1/whitelisted-ips -> HTTP 403, error 1003',
]

EXCHANGES_NO_NUMBER = EXCHANGES_UNTIL_DESTINATIONS + [
    'credential POST /trunks/T1/credentials -> HTTP 200',
    'credential_list GET /trunks/T1/credentials -> HTTP 200',
    'credential_update PUT /trunks/T1/credentials/5301 -> HTTP 200',
    'credential_bad POST /trunks/T1/credentials -> HTTP 400, error 1002',
    'unknown_credential DELETE /trunks/T1/credentials?id=999999999 -> HTTP 404, error 1000',
    'non_exophone POST /trunks/T1/phone-numbers -> HTTP 400, error 1002',
    'not_e164 POST /trunks/T1/phone-numbers -> HTTP 400, error 1001',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2543 -> HTTP 200',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2544 -> HTTP 200',
    'destinations_removed GET /trunks/T1/destination-uris -> HTTP 200',
    'credential_removed DELETE /trunks/T1/credentials?id=5301 -> HTTP 200',
    'trunk_deleted DELETE /trunks?trunk_sid=T1 -> HTTP 200',
    'trunk_after_delete GET /trunks/T1/whitelisted-ips -> HTTP 404, error 1003',
]

EXCHANGES_STRICT_NO_NUMBER = STRICT_EXCHANGES_UNTIL_DESTINATIONS + [
    'credential POST /trunks/T1/credentials -> HTTP 200',
    'credential_list GET /trunks/T1/credentials -> HTTP 200',
    'credential_update PUT /trunks/T1/credentials/5301 -> HTTP 200',
    'credential_bad POST /trunks/T1/credentials -> HTTP 400, error 1002',
    'unknown_credential DELETE /trunks/T1/credentials?id=999999999 -> HTTP 404, error 1000',
    'non_exophone POST /trunks/T1/phone-numbers -> HTTP 404, error 1000',
    'not_e164 POST /trunks/T1/phone-numbers -> HTTP 400, error 1001',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2543 -> HTTP 200',
    'destinations_removed DELETE /trunks/T1/destination-uris?id=2544 -> HTTP 200',
    'destinations_removed GET /trunks/T1/destination-uris -> HTTP 200',
    'credential_removed DELETE /trunks/T1/credentials?id=5301 -> HTTP 200',
    'trunk_deleted DELETE /trunks?trunk_sid=T1 -> HTTP 200',
    'trunk_after_delete GET /trunks/T1/whitelisted-ips -> HTTP 403, error 1003',
]


def expected(base, *changes):
    merged = dict(base)
    for change in changes:
        merged.update(change)
    return merged


# ------------------------------------------------------------------ whole runs: every verdict, every request

def test_default_profile_with_a_number(runs):
    run = runs('default')
    assert list(run.report) == FACTS
    assert run.report == DEFAULT
    assert run.exchanges == EXCHANGES_DEFAULT


def test_strict_profile_with_a_number(runs):
    run = runs('strict')
    assert run.report == expected(DEFAULT, STRICT)
    assert run.exchanges == EXCHANGES_STRICT


def test_without_a_number(runs):
    assert runs('default-no-number').report == expected(DEFAULT, DEFAULT_NO_NUMBER)
    assert runs('default-no-number').exchanges == EXCHANGES_NO_NUMBER
    assert runs('strict-no-number').report == expected(DEFAULT, STRICT, STRICT_NO_NUMBER)
    assert runs('strict-no-number').exchanges == EXCHANGES_STRICT_NO_NUMBER


def test_without_a_number_no_number_is_ever_looked_up(runs):
    """child-delete reaches the number probes; without a number they must skip, not ask GET /trunk-maps?exophone=None."""
    for name in ('default-no-number', 'strict-no-number', 'read-only', 'strict-read-only'):
        assert [line for line in runs(name).exchanges if 'trunk-maps' in line] == [], name


def test_read_only_runs(runs):
    assert runs('read-only').report == expected(DEFAULT, READ_ONLY)
    assert runs('read-only-number').report == expected(DEFAULT, READ_ONLY, READ_ONLY_NUMBER)
    assert runs('strict-read-only').report == expected(DEFAULT, READ_ONLY, STRICT_READ_ONLY)
    assert runs('strict-read-only-number').report == expected(DEFAULT, READ_ONLY, STRICT_READ_ONLY, STRICT_READ_ONLY_NUMBER)
    assert runs('read-only').exchanges == runs('strict-read-only').exchanges[:2] + [EXCHANGES_DEFAULT[2]]
    assert runs('read-only').exchanges == EXCHANGES_DEFAULT[:3]
    assert runs('read-only-number').exchanges == EXCHANGES_DEFAULT[:3] + [
        'number_holder_before GET /trunk-maps?exophone=+919876543210 -> HTTP 200']
    for name in ('read-only', 'read-only-number', 'strict-read-only', 'strict-read-only-number'):
        run = runs(name)
        assert [entry for entry in run.requests if entry['write']] == []
        assert run.result['writes'] == 0 and run.result['trunk_name'] is None
        assert run.check.created == [] and run.check.left_behind == []


@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_the_account_is_left_as_it_was(runs, name):
    run = runs(name)
    assert run.after == run.before
    assert run.check.created == [] and run.check.left_behind == []
    assert len(run.requests) == len(run.check.recorder.exchanges) == run.result['api_calls'] <= 60
    assert [entry['method'] + ' ' + entry['path'].split('?')[0] for entry in run.requests] == [
        exchange.method + ' ' + '/v2/accounts/exoteltest' + exchange.path for exchange in run.check.recorder.exchanges]


def test_the_result_the_module_returns(runs):
    run = runs('default')
    result = run.result
    assert sorted(result) == ['api_calls', 'counts', 'left_behind', 'report', 'seconds', 'table', 'trunk_name', 'writes']
    assert result['counts'] == {'confirmed': 39, 'refuted': 0, 'skipped': 3}
    assert (result['api_calls'], result['writes'], result['seconds']) == (55, 37, 2.2)
    assert result['trunk_name'] == 'zz_check_abc123' and result['left_behind'] == []
    assert [entry['assumption'] for entry in result['report']] == FACTS
    first = result['report'][1]
    assert first == {'assumption': 'auth', 'verdict': 'confirmed', 'reading': '401/1010', 'evidence': first['evidence'],
                     'checked': 'reads the trunk list with the key and token, then once with a wrong token',
                     'rule': 'confirmed when the first is accepted and the second is refused with 401'}
    table = result['table']
    assert len(table) == len(FACTS) + 2
    assert table[0] == 'ASSUMPTION             VERDICT    EVIDENCE'
    assert table[2] == 'auth                   confirmed  ' + short(
        'key and token accepted (HTTP 200); a wrong token: GET /trunks?page_size=50 -> HTTP 401, error 1010: Invalid API key or '
        'token [reading: 401/1010]', run.url)
    assert table[8].startswith('trunk-create           confirmed  POST /trunks -> HTTP 200: {auth_type: IP-WHITELIST')
    assert len(table[8]) == 23 + 11 + 150 and table[8].endswith('...')
    assert table[-1] == '39 confirmed, 0 refuted, 3 skipped; 55 API calls (37 writes) in 2.2 s'
    assert run.check.table(0.04)[-1] == '39 confirmed, 0 refuted, 3 skipped; 55 API calls (37 writes) in 0.0 s'
    strict = runs('strict').result
    assert strict['counts'] == {'confirmed': 32, 'refuted': 7, 'skipped': 3}
    assert runs('read-only').result['counts'] == {'confirmed': 5, 'refuted': 0, 'skipped': 37}
    assert runs('read-only').result['table'][-1] == '5 confirmed, 0 refuted, 37 skipped; 3 API calls (0 writes) in 2.2 s'


def test_no_secret_is_kept_or_shown(runs):
    for name in ('default', 'strict'):
        run = runs(name)
        check = run.check
        assert len(check.password) == 24 and re.match(r'^zz-[0-9a-f]{16}!$', check.refused_password)
        assert check.secrets == (check.password, check.refused_password)
        assert check.password in run.passwords   # the simulator stored it: the search below means something
        basic = base64.b64encode(('%s:%s' % (API_KEY, API_TOKEN)).encode()).decode()
        kept = json.dumps([[ex.sent, ex.body, ex.text] for ex in check.recorder.exchanges]) + json.dumps(run.result)
        for secret in (API_TOKEN, basic, live.WRONG_TOKEN, check.password, check.refused_password):
            assert secret not in kept
        sent = [ex.sent for ex in check.recorder.exchanges if ex.path.endswith('/credentials') and ex.method == 'POST']
        assert sent == [{'user_name': 'zz_check_abc123', 'password': '********', 'friendly_name': 'zz_check'},
                        {'user_name': 'zz_check_abc123_x', 'password': '********'}]


def test_a_users_trunk_and_number_are_only_read():
    run = Run('default', seed=True, number=USER_NUMBER)
    assert run.after == run.before
    assert [entry for entry in run.requests if entry['write'] and 'T1' in short(entry['path'], run.url)] == []
    found = run.report
    assert found['number-holder'] == (
        'confirmed', None, 'GET /trunk-maps?exophone=+918040264208 names trunk T1, which lists the number')
    why = 'live_check_number is mapped to trunk T1; the check leaves it there (give a number on no trunk to test this)'
    assert found['phone-mode'] == ('skipped', None, why)
    assert found['number-elsewhere'] == found['phone-mode']
    assert found['trunk-list'][2] == '1 trunk(s) listed (HTTP 200); GET /trunks?trunk_sid=T2 found it: zz_check_abc123'
    assert [line for line in run.exchanges if 'number_' in line or 'holder' in line] == [
        'number_holder_before GET /trunk-maps?exophone=+918040264208 -> HTTP 200',
        'holder_numbers GET /trunks/T1/phone-numbers -> HTTP 200']
    read_only = Run('default', seed=True, number=USER_NUMBER, read_only=True)
    assert read_only.report['number-holder'] == found['number-holder']
    assert read_only.report['paging'] == (
        'confirmed', None, "metadata ['first_page_uri', 'next_page_uri', 'page_size', 'prev_page_uri'] (one trunk: a single page)")
    assert read_only.report['trunk-list'] == ('confirmed', None, '1 trunk(s) listed (HTTP 200); GET /trunks?trunk_sid=T1 found it: users_trunk')
    assert read_only.exchanges[3:] == ['trunk_by_sid GET /trunks?page_size=50&trunk_sid=T1 -> HTTP 200',
                                       'trunk_pages GET /trunks?offset=0&page_size=1 -> HTTP 200',
                                       'number_holder_before GET /trunk-maps?exophone=+918040264208 -> HTTP 200',
                                       'holder_numbers GET /trunks/T1/phone-numbers -> HTTP 200']


# ------------------------------------------------------------------ judging hand-made answers
# The answers the simulator never gives: each check is handed probes whose exchanges are made here.

class StubClient:
    """What a LiveCheck reads of its client when every probe is given."""

    account_sid = ACCOUNT_SID
    base_url = 'https://sim.invalid'

    def __init__(self):
        self.secrets = []

    def register_secret(self, value):
        self.secrets.append(value)


def judged(read_only=False, number=NUMBER, seen=(), base_url=None, **probes):
    """A LiveCheck whose probes are the ones given (a Skip is a probe that skipped); ``seen`` are all exchanges."""
    client = StubClient()
    if base_url:
        client.base_url = base_url
    recorder = RecordingSession(object())
    recorder.exchanges = list(seen)
    check = live.LiveCheck(client, recorder, 'abc123', number=number, read_only=read_only)
    check._probes.update(probes)   # pylint: disable=protected-access
    return check


def ex(method='GET', path='/trunks', status=200, body=None, query=None, text='', tag=None):
    return Exchange(method, path, dict(query or {}), None, status=status, body=body, text=text, tag=tag)


def env(data=None, code=200, error=None, **extra):
    body = {'request_id': 'r', 'method': 'GET', 'http_code': 200,
            'response': {'code': code, 'status': 'success' if code < 300 else 'failure', 'error_data': error, 'data': data}}
    body.update(extra)
    return body


def ok(value, *exchanges):
    return live.Probe(value=value, exchanges=exchanges)


def failed(error, *exchanges):
    return live.Probe(error=error, exchanges=exchanges)


def refusal(status=400, code=1001, text='bad', path='/trunks', method='POST', cls=ExotelError):
    """A probe the API refused: its error and its exchange."""
    exchange = ex(method, path, status, env(code=status, error={'code': code, 'description': text}))
    return failed(cls('refused: %s' % text, http_status=status, api_code=code), exchange)


def item(ok_, data=None, error=None, destination='1.1.1.1:5061;transport=tls'):
    return ItemResult({'destination': destination}, ok_, data=data, error=error)


SERVER_ERROR = failed(ExotelError('HTTP 500 from the API', http_status=500), ex(status=500, text='oops'))
LOST = failed(ExotelResponseLost('no answer', http_status=None), ex(status=None, text='ReadTimeout'))
SID = 'trmum00000000000000000001a1n'


def test_probe_and_its_helpers():
    probe = ok('v', ex('GET', '/a'), ex('POST', '/b', 201))
    assert probe.ok and probe.first() is probe.exchanges[0] and probe.first('POST') is probe.exchanges[1]
    with pytest.raises(live.Skip) as skipped:
        probe.first('PUT')
    assert str(skipped.value) == 'the API was not called (nothing to send)'
    with pytest.raises(live.Skip) as skipped:
        failed(ExotelError('it broke')).first()
    assert str(skipped.value) == 'the API was not called (it broke)'
    assert failed(ValueError('plain')).error_text() == 'plain' and ok(1).error_text() == ''
    error = ExotelError('str of it')
    error.message = 'its message'   # the client's errors carry a message: it is preferred to str()
    assert failed(error).error_text() == 'its message'
    error.message = ''
    assert failed(error).error_text() == 'str of it'
    assert probe.describe() == 'GET /a -> HTTP 200: ; POST /b -> HTTP 201: '
    assert failed(ExotelError('why')).describe() == 'why'
    long_probe = ok(1, ex(body=env({'k': 'v' * 300})))
    assert long_probe.describe() == 'GET /trunks -> HTTP 200: {k: ' + 'v' * 153 + '...'
    assert long_probe.describe(20) == 'GET /trunks -> HTTP 200: {k: vvvvvvvvvvvvv...'
    assert live.Probe().exchanges == [] and live.Probe().value is None and live.Probe().ok


def test_refused_means_a_4xx_about_the_request():
    assert live.refused(refusal(400)) and live.refused(refusal(404, cls=ExotelNotFoundError))
    assert live.refused(refusal(499)) and not live.refused(refusal(500)) and not live.refused(refusal(399))
    assert not live.refused(refusal(429)) and live.refused(refusal(428)) and live.refused(refusal(430))
    assert not live.refused(refusal(401, cls=ExotelAuthError)) and not live.refused(refusal(400, cls=ExotelResponseLost))
    assert not live.refused(ok(1)) and not live.refused(failed(ValueError('x')))
    assert not live.refused(failed(ExotelError('x', http_status='abc')))
    assert live.refused(failed(ExotelError('x', http_status=200, api_status='409')))


def test_answer_code_and_shorten():
    assert live.answer_code(ex(status=404, body=env(code=404, error={'code': '1003'}))) == '404/1003'
    assert live.answer_code(ex(status=200, body=env(code=409, error={'code': 1008}))) == '409/1008'
    assert live.answer_code(ex(status=404, body=None)) == '404'
    assert live._shorten('a  b\n c', 10) == 'a b c' and live._shorten('x' * 11, 10) == 'xxxxxxx...'
    assert live._shorten('x' * 10, 10) == 'x' * 10
    assert live.trunk_names('q1w2e3') == {'main': 'zz_check_q1w2e3', 'second': 'zz_check_q1w2e3b', 'domain': 'zz_check_q1w2e3d',
                                          'nso': 'zz_check_q1w2e3n', 'long': 'zz_check_q1w2e3xx'}


def test_a_finding_and_its_evidence():
    check = live.CHECKS[0]
    finding = live.Finding(check, live.CONFIRMED, 'e  ' * 400)
    assert finding.to_dict() == {'assumption': 'regions', 'verdict': 'confirmed', 'evidence': ('e ' * 349)[:697] + '...',
                                 'reading': None, 'checked': check.does, 'rule': check.judges}
    assert len(finding.evidence) == live.EVIDENCE_CHARACTERS == 700
    assert live.Finding(check, live.SKIPPED, 7, 'r').to_dict()['evidence'] == '7'


def test_a_new_check_registers_its_passwords_as_secrets():
    check = judged()
    assert check.client.secrets == [check.password, check.refused_password]
    assert re.match(r'^[0-9a-f]{24}$', check.password) and check.domain == 'exoteltest.pstn.exotel.com'
    assert re.match(r'^zz-[0-9a-f]{16}!$', check.refused_password)
    assert (check.number, check.read_only, check.probe_ip, check.make_client) == (NUMBER, False, '1.1.1.1', None)
    assert (check.created, check.findings, check.left_behind) == ([], [], [])
    assert judged().password != check.password


def test_regions():
    listing = ok([], ex(query={'page_size': 50}))
    assert live.check_regions(judged(base_url='https://api.in.exotel.com', trunk_listing=listing)) == (
        'confirmed', 'the account answers on mumbai (https://api.in.exotel.com): GET /trunks?page_size=50 -> HTTP 200: ', 'mumbai')
    refused = failed(ExotelAuthError('401'), ex(status=401, body=env(code=401, error={'code': 1010, 'message': 'Authorization failed'})))
    assert live.check_regions(judged(base_url='https://api.exotel.com', trunk_listing=refused)) == (
        'refuted', 'https://api.exotel.com refused the account: GET /trunks -> HTTP 401, error 1010: Authorization failed. A key of '
        'the other region gets the same 401 - try the other region', 'singapore')


def test_auth():
    assert live.check_auth(judged(trunk_listing=SERVER_ERROR)) == (
        'refuted', 'the account could not be read with its key and token: GET /trunks -> HTTP 500: oops')
    assert live.check_auth(judged(trunk_listing=ok([], ex()), wrong_token=ok([], ex()))) == (
        'refuted', 'a wrong token was not refused with 401: GET /trunks -> HTTP 200: ')
    with pytest.raises(live.Skip):
        live.check_auth(judged(trunk_listing=ok([], ex()), wrong_token=live.Skip('no second client')))
    check = judged()
    for _twice in range(2):
        with pytest.raises(live.Skip) as skipped:
            check.probe('wrong_token')
        assert str(skipped.value) == 'no second client to send a wrong token with'
    assert check.recorder.tag is None


def test_trunk_missing():
    assert live.check_trunk_missing(judged(unknown_trunk=ok([], ex()))) == (
        'refuted', 'an unknown trunk was not read as "not found": GET /trunks -> HTTP 200: ', '200')
    probe = refusal(404, 1000, 'nope', '/trunks/X/phone-numbers', 'GET', ExotelNotFoundError)
    assert live.check_trunk_missing(judged(unknown_trunk=probe)) == (
        'confirmed', 'GET /trunks/X/phone-numbers -> HTTP 404, error 1000: nope', '404/1000')


def test_trunk_list():
    assert live.check_trunk_list(judged(trunk_listing=SERVER_ERROR)) == ('refuted', 'GET /trunks -> HTTP 500: oops')
    rows = [{'trunk_sid': 'a', 'trunk_name': 'x'}, {'trunk_sid': '', 'trunk_name': 'y'}, {'trunk_sid': 'c'}, {'trunk_name': 'z'}]
    assert live.check_trunk_list(judged(trunk_listing=ok(rows, ex()))) == (
        'refuted', "listed trunks without trunk_sid/trunk_name: [{'trunk_sid': '', 'trunk_name': 'y'}, {'trunk_sid': 'c'}]")
    long_rows = [{'trunk_sid': '', 'trunk_name': 'n' * 300}]
    assert live.check_trunk_list(judged(trunk_listing=ok(long_rows, ex()))) == (
        'refuted', "listed trunks without trunk_sid/trunk_name: [{'trunk_sid': '', 'trunk_name': '%s..." % ('n' * 163))
    rows = [{'trunk_sid': 'a', 'trunk_name': None}, {'trunk_sid': 'b', 'trunk_name': 'y'}]
    listing = ok(rows, ex(status=200), ex(status=203))
    assert live.check_trunk_list(judged(trunk_listing=listing, trunk_by_sid=ok(('b', None), ex(query={'trunk_sid': 'b'})))) == (
        'refuted', '2 trunk(s) listed (HTTP 200); GET /trunks?trunk_sid=b did not return that trunk: GET /trunks?trunk_sid=b -> HTTP 200: ')
    other = ok(('b', {'trunk_sid': 'a', 'trunk_name': 'x'}), ex())
    assert live.check_trunk_list(judged(trunk_listing=listing, trunk_by_sid=other))[0] == 'refuted'
    same = ok(('b', {'trunk_sid': 'b'}), ex())
    assert live.check_trunk_list(judged(trunk_listing=listing, trunk_by_sid=same)) == (
        'confirmed', '2 trunk(s) listed (HTTP 200); GET /trunks?trunk_sid=b found it: None')


def test_envelope():
    good = env({'trunk_sid': 'x'})
    assert live.check_envelope(judged(main_trunk=ok({}, ex('POST', body=good)))) == (
        'confirmed', 'POST /trunks -> HTTP 200, with request_id, method, http_code and response {code, status, error_data, data}')
    assert live.check_envelope(judged(read_only=True, trunk_listing=ok([], ex(body=dict(good, response=[good['response']]))),
                                      main_trunk=SERVER_ERROR))[0] == 'confirmed'
    bare = {'response': {'data': 1}}
    assert live.check_envelope(judged(main_trunk=ok({}, ex('POST', body=bare)))) == (
        'refuted', 'missing http_code, method, request_id, response.code, response.error_data, response.status: '
        'POST /trunks -> HTTP 200: 1')
    assert live.check_envelope(judged(main_trunk=ok({}, ex('POST', body=[1])))) == (
        'refuted', 'missing http_code, method, request_id, response: POST /trunks -> HTTP 200: ')
    nulled = dict(good, response=None)
    assert live.check_envelope(judged(main_trunk=ok({}, ex('POST', body=nulled)))) == (
        'refuted', 'missing response: POST /trunks -> HTTP 200: null')
    listed = dict(good, response=[good['response'], {'code': 200}, 'x'])
    assert live.check_envelope(judged(main_trunk=ok({}, ex('POST', body=listed))))[1].startswith(
        'missing response.code, response.data, response.error_data, response.status: ')
    assert live.check_envelope(judged(main_trunk=ok({}, ex('POST', body=dict(good, response='text')))))[0] == 'confirmed'


def test_empty_list():
    with pytest.raises(live.Skip) as skipped:
        live.check_empty_list(judged(read_only=True, seen=[ex(body=env([1])), ex('POST', body={'response': []})]))
    assert str(skipped.value) == 'no empty list was read in this read-only run'
    seen = [ex(body=env([1])), ex(body={'response': None}), ex('GET', '/a', body={'response': [], 'metadata': {}}), ex('GET', '/b', body={'response': []})]
    assert live.check_empty_list(judged(read_only=True, seen=seen)) == (
        'confirmed', 'GET /a -> HTTP 200: "response": [] (with metadata)', 'with metadata')
    with pytest.raises(live.Skip) as skipped:
        live.check_empty_list(judged(empty_settings=ok([1], ex(body={'response': [{'name': 'a'}]}))))
    assert str(skipped.value) == "the new trunk's settings list is not empty: GET /trunks -> HTTP 200: [{name: a}]"
    assert live.check_empty_list(judged(empty_settings=ok([], ex(body={'response': []})))) == (
        'confirmed', 'GET /trunks -> HTTP 200: "response": [] (no metadata)', 'no metadata')


def pages(count, next_uri='/next', extra=0):
    first = ex(query={'page_size': 1}, body={'response': [{}], 'metadata': {'next_page_uri': next_uri}})
    rest = [ex(query={'page_size': 1, 'offset': index}, body={'response': [{}]}) for index in range(1, count + extra)]
    return ok([{}] * count, first, *rest)


def test_paging():
    assert live.check_paging(judged(acl_pages=SERVER_ERROR)) == ('refuted', 'GET /trunks -> HTTP 500: oops')
    assert live.check_paging(judged(acl_pages=pages(2))) == (
        'confirmed', '2 entries read one per page through next_page_uri (GET /trunks?page_size=1, then GET /trunks?offset=1&page_size=1)')
    assert live.check_paging(judged(acl_pages=pages(2, None))) == (
        'refuted', "page_size=1 over 2 entries gave 2 page(s), first next_page_uri None: GET /trunks?page_size=1 -> HTTP 200: [{}]")
    assert live.check_paging(judged(acl_pages=pages(2, extra=1)))[1].startswith('page_size=1 over 2 entries gave 3 page(s), first')
    assert live.check_paging(judged(acl_pages=pages(1)))[0] == 'refuted'
    assert live.check_paging(judged(acl_pages=ok([{}, {}], ex(query={'page_size': 1}, body={'response': [{}, {}]}))))[1].startswith(
        'page_size=1 over 2 entries gave 1 page(s), first next_page_uri None')


def test_paging_read_only():
    with pytest.raises(live.Skip):
        live.check_paging(judged(read_only=True, trunk_listing=ok(None)))
    one, two = ok([{'trunk_sid': 'a'}]), ok([{'trunk_sid': 'a'}, {'trunk_sid': 'b'}])
    assert live.check_paging(judged(read_only=True, trunk_listing=two, trunk_pages=SERVER_ERROR)) == (
        'refuted', 'GET /trunks -> HTTP 500: oops')
    page = ex(query={'page_size': 1})
    assert live.check_paging(judged(read_only=True, trunk_listing=two, trunk_pages=ok(({'metadata': None}, None), page))) == (
        'refuted', 'the trunk list has no metadata.next_page_uri: GET /trunks?page_size=1 -> HTTP 200: ')
    first = {'metadata': {'next_page_uri': '/n', 'page_size': 1}}
    assert live.check_paging(judged(read_only=True, trunk_listing=one, trunk_pages=ok((first, None), page))) == (
        'confirmed', "metadata ['next_page_uri', 'page_size'] (one trunk: a single page)")
    assert live.check_paging(judged(read_only=True, trunk_listing=two, trunk_pages=ok((first, {}), page))) == (
        'confirmed', 'page_size=1 of 2 trunks: next_page_uri /n was followed')
    assert live.check_paging(judged(read_only=True, trunk_listing=two, trunk_pages=ok((first, None), page))) == (
        'refuted', 'page_size=1 of 2 trunks gave no next_page_uri: GET /trunks?page_size=1 -> HTTP 200: ')


def test_duplicate():
    dup_trunk = failed(ExotelDuplicateError('dup'), ex('POST', status=409, body=env(code=409, error={'code': 1002, 'description': 'taken'})))
    acl_409 = ok(({}, False), ex('POST', '/acl', 409, env(code=409, error={'code': 1002})), ex('GET', '/acl'))
    assert live.check_duplicate(judged(duplicate_trunk=dup_trunk, acl_duplicate=acl_409)) == (
        'confirmed', 'trunk: POST /trunks -> HTTP 409, error 1002: taken; IP: POST /acl -> HTTP 409, error 1002: {code: 409, data: null, '
        'error_data: {code: 1002}, status: failure}', 'HTTP 409')
    acl_1008 = ok(({}, False), ex('POST', '/acl', 200, env(code=400, error={'code': '1008'})))
    assert live.check_duplicate(judged(duplicate_trunk=dup_trunk, acl_duplicate=acl_1008))[2] == 'HTTP 200 + code 400 / HTTP 409'
    not_dup = ok(({}, False), ex('POST', '/acl', 200, env(code=400, error={'code': 1001})))
    assert live.check_duplicate(judged(duplicate_trunk=dup_trunk, acl_duplicate=not_dup)) == (
        'refuted', 'a duplicate IP was not answered as a duplicate: POST /acl -> HTTP 200, code 400, error 1001: {code: 400, data: null, '
        'error_data: {code: 1001}, status: failure}')
    created = ok(({}, True), ex('POST', '/acl', 409, env(code=409, error={'code': 1008})))
    assert live.check_duplicate(judged(duplicate_trunk=dup_trunk, acl_duplicate=created))[0] == 'refuted'
    assert live.check_duplicate(judged(duplicate_trunk=dup_trunk, acl_duplicate=failed(ExotelDuplicateError('d'), *acl_409.exchanges)))[0] == 'refuted'
    assert live.check_duplicate(judged(duplicate_trunk=ok({}, ex('POST')), acl_duplicate=acl_409)) == (
        'refuted', 'a second trunk of the same name was not answered as a duplicate: POST /trunks -> HTTP 200: ')


def test_numeric_types_and_id_strings():
    seen = [ex(body={'http_code': '200', 'response': [{'code': 200, 'data': {'mask': '32', 'priority': '1', 'weight': '1', 'note': '3'}}],
                     'metadata': {'total': '1', 'success': '1', 'failed': '0', 'page_size': '50'}}),
            ex(body={'response': {'code': '409', 'error_data': {'code': '1008'}}})]
    assert live.check_numeric_types(judged(seen=seen)) == (
        'refuted', "numbers arrived as strings (the client reads both), e.g. GET /trunks http_code='200'; GET /trunks mask='32'; "
        "GET /trunks priority='1'", 'strings')
    found = []
    live._number_types(seen[0].body, 'w', found)
    assert found == ["w http_code='200'", "w mask='32'", "w priority='1'", "w weight='1'", "w total='1'", "w success='1'", "w failed='0'",
                     "w page_size='50'"]
    found = []
    live._number_types(seen[1].body, 'w', found)
    assert found == ["w code='409'", "w code='1008'"]
    assert live.check_numeric_types(judged(seen=[ex(body={'code': 200, 'success': True})])) == (
        'confirmed', 'every code and count of 1 answers was a JSON integer', 'integers')
    with pytest.raises(live.Skip) as skipped:
        live.check_id_strings(judged(seen=[ex('GET', body=env({'id': 5})), ex('POST', body=env({'id': None})), ex('POST', body=env([]))]))
    assert str(skipped.value) == 'no entry was created, so no id was seen'
    seen = [ex('POST', '/a', body=env({'id': 5})), ex('PUT', '/p', body=env({'id': 6})), ex('POST', '/e', body=env({'id': 3.5})),
            ex('POST', '/f', body=env({'id': 4})),
            ex('POST', '/b', body={'response': [{'data': {'id': '7'}}, {'data': {'id': None}}, {'data': None}, 'x', {'data': {'id': 8}}]}),
            ex('POST', '/c', body=env({'id': '9'})), ex('GET', '/d', body={'response': [{'data': {'id': 10}}]})]
    assert live.check_id_strings(judged(seen=seen)) == (
        'refuted', "ids arrived as JSON numbers (the client turns them into strings): [('POST /a', 5), ('POST /e', 3.5), ('POST /f', 4)]")
    seen = [ex('POST', '/c', body=env({'id': '9'})), ex('POST', '/b', body={'response': [{'data': {'id': '7'}}]})] * 3
    assert live.check_id_strings(judged(seen=seen)) == ('confirmed', "6 ids, all strings: '9', '9', '9', '7'")


def test_rate_limit_and_server_errors():
    with pytest.raises(live.Skip):
        live.check_rate_limit(judged(seen=[ex(status=200), ex(status=500)]))
    limited = ex(status=429, body=env(code=429, error={'code': 1030, 'description': 'slow down'}))
    limited.retry_after = '3'
    assert live.check_rate_limit(judged(seen=[ex(), limited, ex(status=429)])) == (
        'confirmed', 'GET /trunks -> HTTP 429, error 1030: slow down (Retry-After 3)', 'HTTP 429, Retry-After 3')
    in_body = ex(status=200, body=env(code=429, error={'code': '1031'}))
    assert live.check_rate_limit(judged(seen=[in_body])) == (
        'refuted', 'GET /trunks -> HTTP 200, code 429, error 1031: {code: 429, data: null, error_data: {code: 1031}, status: failure} '
        '(no Retry-After)', 'HTTP 200 + code 429, no Retry-After')
    with pytest.raises(live.Skip):
        live.check_server_errors(judged(seen=[ex(status=501), ex(status=429), ex(status=None)]))
    for status in (500, 502, 503, 504):
        assert live.check_server_errors(judged(seen=[ex(), ex(status=status, text='x'), ex(status=500)])) == (
            'confirmed', 'a 5xx came and the client carried on: GET /trunks -> HTTP %d: x' % status)
    assert live.check_server_errors(judged(seen=[ex(status=200, body=env(code=503))]))[0] == 'confirmed'


def test_trunk_create_and_domain_name():
    check = judged(main_trunk=SERVER_ERROR)
    assert live.check_trunk_create(check) == ('refuted', 'the API did not create zz_check_abc123: GET /trunks -> HTTP 500: oops')
    assert live.check_domain_name(check) == ('refuted', 'domain_name exoteltest.pstn.exotel.com: GET /trunks -> HTTP 500: oops')
    row = {'trunk_sid': SID, 'trunk_name': 'zz_check_abc123', 'domain_name': 'exoteltest.pstn.exotel.com', 'nso_code': 'ANY-ANY'}
    posted = ex('POST', status=200, body=env(row))
    assert live.check_trunk_create(judged(main_trunk=ok(row, ex(), posted))) == (
        'confirmed', 'POST /trunks -> HTTP 200: {domain_name: exoteltest.pstn.exotel.com, nso_code: ANY-ANY, trunk_name: '
        'zz_check_abc123, trunk_sid: %s}' % SID)
    assert live.check_domain_name(judged(main_trunk=ok(row, ex(), posted))) == (
        'confirmed', 'domain_name exoteltest.pstn.exotel.com was accepted: HTTP 200')
    wrong = dict(row, nso_code='any', domain_name=None)
    assert live.check_trunk_create(judged(main_trunk=ok(wrong, posted))) == (
        'refuted', "the answer lacks trunk_sid or differs (domain_name=None, nso_code='any'): " + posted.describe(160))
    assert live.check_trunk_create(judged(main_trunk=ok(dict(row, trunk_sid=''), posted)))[1].startswith(
        'the answer lacks trunk_sid or differs (): ')
    assert live.check_trunk_create(judged(main_trunk=ok(dict(row, trunk_name='x'), posted)))[1].startswith(
        "the answer lacks trunk_sid or differs (trunk_name='x'): ")


def test_the_trunk_probes_that_should_be_refused():
    main = ok({'trunk_sid': SID}, ex('POST'))
    accepted = ok({'trunk_sid': 'T9'}, ex('POST', body=env({'trunk_name': ''})))
    assert live.check_trunk_name(judged(main_trunk=main, long_name=accepted)) == (
        'refuted', 'zz_check_abc123 (15 characters) was accepted; accepted a 17-character name (deleted again): POST /trunks -> '
        'HTTP 200: {trunk_name: }')
    assert live.check_trunk_name_empty(judged(main_trunk=main, empty_name=SERVER_ERROR)) == (
        'refuted', 'no clear answer to an empty trunk_name: GET /trunks -> HTTP 500: oops', None)
    assert live.check_nso_code(judged(main_trunk=main, loose_nso=LOST)) == (
        'refuted', "ANY-ANY was accepted; no clear answer to nso_code 'any any': GET /trunks -> no answer (ReadTimeout): ReadTimeout")
    with pytest.raises(live.Skip) as skipped:
        live.check_nso_code(judged(main_trunk=SERVER_ERROR))
    assert str(skipped.value) == 'needs the throw-away trunk, which the API did not create: HTTP 500 from the API'
    with pytest.raises(live.Skip) as skipped:
        live.check_trunk_name(judged(read_only=True, main_trunk=main))
    assert str(skipped.value) == 'read-only run: no trunk is created'
    assert live.check_domain_name_api(judged(other_domain=SERVER_ERROR)) == ('refuted', 'GET /trunks -> HTTP 500: oops')


def test_acl_checks():
    good = ok(({'id': '1'}, True), ex('GET'), ex('POST', '/acl', body=env({'id': '1', 'mask': 32})))
    assert live.check_acl_mask(judged(acl_32=good, acl_16=good)) == (
        'confirmed', '/32 and /16 accepted: POST /acl -> HTTP 200: {id: 1, mask: 32}; POST /acl -> HTTP 200: {id: 1, mask: 32}')
    assert live.check_acl_mask(judged(acl_32=SERVER_ERROR, acl_16=refusal(400, 1001, 'mask'))) == (
        'refuted', 'GET /trunks -> HTTP 500: oops; POST /trunks -> HTTP 400, error 1001: mask')
    assert live.check_acl_mask(judged(acl_32=good, acl_16=LOST)) == ('refuted', 'GET /trunks -> no answer (ReadTimeout): ReadTimeout')
    assert live.check_acl_mask_api(judged(acl_15=SERVER_ERROR)) == ('refuted', 'GET /trunks -> HTTP 500: oops')
    assert live.check_mask_parse(judged(acl_bad_mask=refusal(400, 1001, 'mask'))) == (
        'refuted', 'refused mask -1: POST /trunks -> HTTP 400, error 1001: mask (refused, but not with error 1007 "failed parsing")')
    assert live.check_mask_parse(judged(acl_bad_mask=refusal(400, '1007', 'parse')))[0] == 'confirmed'
    assert live.check_mask_parse(judged(acl_bad_mask=good)) == (
        'refuted', 'accepted mask -1 (deleted again): GET /trunks -> HTTP 200: ')


def batch(*answers, status=207, metadata=None, items=None):
    body = {'response': items if items is not None else [{}] * len(answers), 'metadata': metadata}
    return ok(list(answers), ex('POST', '/trunks/T1/destination-uris', status, body))


GOOD_DEST = {'id': '2543', 'destination': 'sip:1.1.1.1:5061;transport=tls', 'type': 'public', 'priority': 0, 'weight': 1}
REFUSED_ITEM = {'http_status': 400, 'api_code': 1002, 'description': 'Destination not whitelisted', 'message': 'm'}


def test_batch_207():
    answers = [item(True, GOOD_DEST)] + [item(False, error=REFUSED_ITEM)] * 4
    assert live.check_batch_207(judged(destination_batch=batch(*answers, metadata={'total': '5', 'success': 1, 'failed': 4}))) == (
        'confirmed', 'POST /trunks/T1/destination-uris -> HTTP 207: 4 of 5 items failed; 5 results; metadata total/success/failed '
        '5/1/4', '207')
    assert live.check_batch_207(judged(destination_batch=batch(*answers, status=200, metadata={'total': 5, 'success': 1, 'failed': 4}))) == (
        'refuted', 'POST /trunks/T1/destination-uris -> HTTP 200: 4 of 5 items failed; 5 results; metadata total/success/failed 5/1/4 '
        '(the client reads per-item results under 200, 207 and 400 alike)', 'HTTP 200')
    assert live.check_batch_207(judged(destination_batch=batch(*answers, metadata={'total': 5, 'success': 1})))[1].endswith(
        'metadata total/success/failed 5/1/None (the client reads per-item results under 200, 207 and 400 alike)')
    assert live.check_batch_207(judged(destination_batch=batch(*answers, items=[{}] * 4, metadata={'total': 5, 'success': 1, 'failed': 4})))[
        0] == 'refuted'
    assert live.check_batch_207(judged(destination_batch=batch(*answers, items={}, metadata=None)))[1] == (
        'POST /trunks/T1/destination-uris -> HTTP 207: 4 of 5 items failed; 0 results; metadata total/success/failed '
        'None/None/None (the client reads per-item results under 200, 207 and 400 alike)')
    with pytest.raises(live.Skip) as skipped:
        live.check_batch_207(judged(destination_batch=SERVER_ERROR))
    assert str(skipped.value) == 'the destination batch failed as a whole: GET /trunks -> HTTP 500: oops'


def test_the_destinations_of_the_batch():
    answers = [item(True, GOOD_DEST), item(True, {'id': '1'}, destination='8.8.8.8:5061;transport=tls'),
               item(True, {'id': '2'}, destination='zz-check.invalid:5061;transport=tls'), item(False, error=REFUSED_ITEM),
               item(False, error={'http_status': 400, 'api_code': 1002, 'message': 'udp'})]
    check = judged(destination_batch=batch(*answers))
    assert live.check_destination_whitelist(check) == (
        'refuted', "item 2 (8.8.8.8:5061;transport=tls, an IP outside the ACL) was accepted (deleted again): {'id': '1'}")
    assert live.check_destination_resolves(check) == (
        'refuted', "item 3 (zz-check.invalid:5061;transport=tls, a name that never resolves) was accepted (deleted again): {'id': '2'}",
        'not checked')
    assert live.check_destination_public(check) == (
        'confirmed', 'item 4 (1.1.1.1:5061;transport=tls) refused: 400, error 1002: Destination not whitelisted')
    assert live.check_transport(check) == ('confirmed', 'item 5 (1.1.1.1:5061;transport=tls) refused: 400, error 1002: udp')
    assert live._item_error(item(False)) == 'None, error None: None'
    assert live.check_destination_shape(check) == (
        'confirmed', "posted {destination: 1.1.1.1:5061;transport=tls}; the answer adds {'destination': "
        "'sip:1.1.1.1:5061;transport=tls', 'type': 'public', 'priority': 0, 'weight': 1}")
    upper = dict(GOOD_DEST, type='PUBLIC', priority='0', weight='1')
    assert live.check_destination_shape(judged(destination_batch=batch(item(True, upper))))[0] == 'confirmed'
    odd = dict(GOOD_DEST, destination='1.1.1.1:5061;transport=tls', type='private', weight=None)
    assert live.check_destination_shape(judged(destination_batch=batch(item(True, odd)))) == (
        'refuted', "posted {destination: 1.1.1.1:5061;transport=tls}; the answer differs in destination, type, weight: "
        "{'destination': '1.1.1.1:5061;transport=tls', 'type': 'private', 'priority': 0, 'weight': None}")
    refused = judged(destination_batch=batch(item(False, error=REFUSED_ITEM)), probe_ip='9.9.9.9')
    with pytest.raises(live.Skip) as skipped:
        live.check_destination_shape(refused)
    assert str(skipped.value) == ('the API refused the probe destination 1.1.1.1:5061;transport=tls (400, error 1002: Destination not '
                                  'whitelisted); give live_check_probe_ip, a public IP of yours that the API accepts')


def test_destination_update_and_repost():
    assert live.check_destination_update(judged(destination_update=ok({'priority': '1', 'weight': 2}, ex('PUT', '/d')))) == (
        'confirmed', 'PUT /d -> HTTP 200: ')
    for value in ({'priority': 1, 'weight': 1}, {'priority': 0, 'weight': 2}, None, [1, 2]):
        assert live.check_destination_update(judged(destination_update=ok(value, ex('PUT', '/d')))) == ('refuted', 'PUT /d -> HTTP 200: ')
    assert live.check_destination_update(judged(destination_update=SERVER_ERROR)) == ('refuted', 'GET /trunks -> HTTP 500: oops')
    first = batch(item(True, GOOD_DEST))
    assert live.check_destination_repost(judged(destination_batch=first, destination_repost=SERVER_ERROR)) == (
        'refuted', 'refused as a whole: GET /trunks -> HTTP 500: oops - the client compares before posting either way', 'refused')
    second = ok(item(True, {'id': '2544'}), ex('POST', '/d'))
    assert live.check_destination_repost(judged(destination_batch=first, destination_repost=second)) == (
        'confirmed', 'a second row 2544 next to 2543 (removed again): HTTP 200', 'duplicate row')
    for data in ({'id': '2543'}, {'id': None}, None):
        same = ok(item(True, data), ex('POST', '/d'))
        assert live.check_destination_repost(judged(destination_batch=first, destination_repost=same)) == (
            'refuted', 'the API answered with the existing row 2543: POST /d -> HTTP 200: ', 'existing row')
    refused = ok(item(False, error=dict(REFUSED_ITEM, description=None, message='exists')), ex('POST', '/d'))
    assert live.check_destination_repost(judged(destination_batch=first, destination_repost=refused)) == (
        'refuted', 'refused: 400, error 1002: exists - the client compares before posting either way', 'refused')


def setting_answer(ok_, error=None):
    return ItemResult({'name': live.ALIAS, 'value': NUMBER}, ok_, data={'name': live.ALIAS} if ok_ else None, error=error)


def test_settings():
    first = ok(setting_answer(True), ex('POST', '/s'))
    listed = ok([{'name': 'other', 'value': NUMBER}, {'name': live.ALIAS, 'value': NUMBER}], ex('GET', '/s'))
    assert live.check_settings(judged(setting=first, settings_list=listed)) == (
        'confirmed', 'POST {settings: [{name, value}]} -> HTTP 200; GET lists {name: trunk_external_alias, value: +919876543210}')
    assert live.check_settings(judged(setting=SERVER_ERROR)) == ('refuted', 'POST settings: GET /trunks -> HTTP 500: oops')
    assert live.check_settings(judged(setting=ok(setting_answer(False), ex('POST', '/s', 207)))) == (
        'refuted', 'POST settings: POST /s -> HTTP 207: ')
    other = ok([{'name': live.ALIAS, 'value': '+910000000000'}], ex('GET', '/s'))
    assert live.check_settings(judged(setting=first, settings_list=other)) == (
        'refuted', 'GET settings did not list trunk_external_alias=+919876543210: GET /s -> HTTP 200: ')
    assert live.check_settings(judged(setting=first, settings_list=failed(ExotelError('x'))))[0] == 'refuted'


def test_settings_repost():
    first = ok(setting_answer(True), ex('POST', '/s'))
    error = {'http_status': 400, 'api_code': 1008, 'description': 'exists'}
    assert live.check_settings_repost(judged(setting=first, setting_repost=ok(setting_answer(False, error), ex('POST', '/s')))) == (
        'refuted', 'a second POST of trunk_external_alias was refused: 400, error 1008: exists - the client deletes and re-posts a '
        'setting to change it', 'duplicate')
    error = {'http_status': 409, 'api_code': 1002, 'description': 'exists'}
    assert live.check_settings_repost(judged(setting=first, setting_repost=ok(setting_answer(False, error))))[2] == 'duplicate'
    error = {'http_status': 400, 'api_code': 1002, 'description': 'no'}
    assert live.check_settings_repost(judged(setting=first, setting_repost=ok(setting_answer(False, error))))[2] == 'refused'
    assert live.check_settings_repost(judged(setting=first, setting_repost=ok(setting_answer(False))))[2] == 'refused'
    assert live.check_settings_repost(judged(setting=first, setting_repost=failed(ExotelDuplicateError('dup'), ex('POST', '/s', 409)))) == (
        'refuted', 'a second POST of trunk_external_alias was refused: POST /s -> HTTP 409:  - the client deletes and re-posts a '
        'setting to change it', 'duplicate')
    assert live.check_settings_repost(judged(setting=first, setting_repost=SERVER_ERROR))[2] == 'refused'
    with pytest.raises(live.Skip) as skipped:
        judged(number=None, main_trunk=ok({'trunk_sid': SID})).probe('setting')
    assert str(skipped.value) == 'needs live_check_number (the caller-ID alias must be a number of the account)'


def credential_probes(row=None, listed=None, updated=None):
    posted = ex('POST', '/c', body=env(row if row is not None else {'id': '5301', 'user_name': 'u'}))
    return {'credential': ok(row or {'id': '5301'}, posted),
            'credential_list': ok([], ex('GET', '/c', body={'response': listed if listed is not None else [
                {'data': {'id': '5301', 'user_name': 'u', 'friendly_name': 'f'}}, {'id': '7', 'user_name': 'v'}, 'x']})),
            'credential_update': updated or ok({'friendly_name': live.RENAMED}, ex('PUT', '/c/5301'))}


def test_credentials():
    assert live.check_credentials(judged(**credential_probes())) == (
        'confirmed', "POST -> HTTP 200, id '5301', no password; GET lists 2 row(s) of {friendly_name, id, user_name}; "
        "PUT friendly_name -> HTTP 200", 'current shape')
    assert live.check_credentials(judged(**credential_probes(listed=[]))) == (
        'confirmed', "POST -> HTTP 200, id '5301', no password; GET lists 0 row(s) of {}; PUT friendly_name -> HTTP 200", 'current shape')
    assert live.check_credentials(judged(credential=SERVER_ERROR)) == ('refuted', 'POST credentials: GET /trunks -> HTTP 500: oops')
    older = credential_probes()
    older['credential_list'] = ok([], ex('GET', '/c', body={'response': {'data': {'id': '5301'}}}))
    assert live.check_credentials(judged(**older)) == (
        'refuted', 'GET answered the older single-object shape: GET /c -> HTTP 200: {id: 5301}', 'older shape')
    leaked = credential_probes(listed=[{'data': {'id': '5301', 'password': 'x'}}])
    assert live.check_credentials(judged(**leaked)) == (
        'refuted', 'a password came back (masked here): POST /c -> HTTP 200: {id: 5301, user_name: u}; GET /c -> HTTP 200: '
        '[{data: {id: 5301, password: x}}]')
    assert live.check_credentials(judged(**credential_probes(row={'id': '1', 'password': None})))[1].startswith('a password came back')
    assert live.check_credentials(judged(**credential_probes(listed=[{'password': '*'}])))[0] == 'refuted'
    renamed = credential_probes(updated=ok({'friendly_name': 'zz_check'}, ex('PUT', '/c/5301')))
    assert live.check_credentials(judged(**renamed)) == ('refuted', 'PUT friendly_name: PUT /c/5301 -> HTTP 200: ')
    assert live.check_credentials(judged(**credential_probes(updated=SERVER_ERROR)))[1] == 'PUT friendly_name: GET /trunks -> HTTP 500: oops'
    assert live.check_credentials(judged(**credential_probes(updated=ok(None, ex()))))[0] == 'refuted'
    with pytest.raises(live.Skip) as skipped:
        judged(main_trunk=ok({'trunk_sid': SID}), credential=ok({'id': ''})).probe('credential_update')
    assert str(skipped.value) == 'no credential with an id to update'
    with pytest.raises(live.Skip):
        judged(main_trunk=ok({'trunk_sid': SID}), credential=failed(ExotelError('x'), ex())).probe('credential_update')
    assert live.check_credential_charset(judged(credential_bad=refusal(400, 1002, 'chars')))[0] == 'confirmed'


def test_child_missing_and_numbers():
    assert live.check_child_missing(judged(unknown_credential=ok(None, ex('DELETE', '/c', 200)))) == (
        'refuted', 'DELETE /c -> HTTP 200: ', '200')
    assert live.check_exophones(judged(non_exophone=ok({}, ex('GET'), ex('POST', '/p')))) == (
        'refuted', 'accepted +99912345678 (unmapped again): POST /p -> HTTP 200: ', 'accepted')
    assert live.check_exophones(judged(non_exophone=failed(ExotelError('x', http_status=500), ex('POST', '/p', 500, text='e')))) == (
        'refuted', 'POST /p -> HTTP 500: e', '500')
    assert live.check_e164(judged(not_e164=ok({}, ex('POST', '/p')))) == (
        'refuted', 'accepted phone_number 12345 (deleted again): POST /p -> HTTP 200: ')


def number_probes(mode=None, updated=None, **more):
    probes = {'main_trunk': ok({'trunk_sid': SID}),
              'number_map': ok({'id': '41512'}, ex('POST', '/p', body=env({'id': '41512', 'mode': mode}))),
              'number_mode': updated or ok({'mode': 'flow'}, ex('PUT', '/p/41512'))}
    probes.update(more)
    return probes


def test_phone_mode():
    assert live.check_phone_mode(judged(**number_probes())) == (
        'confirmed', 'mapped without a mode -> mode null; PUT /p/41512 -> HTTP 200: ')
    assert live.check_phone_mode(judged(**number_probes('pstn'))) == (
        'confirmed', 'mapped without a mode -> mode pstn; PUT /p/41512 -> HTTP 200: ')
    assert live.check_phone_mode(judged(**number_probes('flow'))) == (
        'refuted', "mapped -> mode 'flow'; PUT mode flow: PUT /p/41512 -> HTTP 200: ")
    assert live.check_phone_mode(judged(**number_probes(updated=ok({'mode': 'pstn'}, ex('PUT')))))[0] == 'refuted'
    assert live.check_phone_mode(judged(**number_probes(updated=ok(None, ex('PUT')))))[0] == 'refuted'
    assert live.check_phone_mode(judged(**number_probes(updated=failed(ExotelError('x'), ex('PUT'))))) == (
        'refuted', "mapped -> mode None; PUT mode flow: PUT /trunks -> HTTP 200: ")
    with pytest.raises(live.Skip) as skipped:
        live.check_phone_mode(judged(**number_probes(number_map=SERVER_ERROR)))
    assert str(skipped.value) == 'the API did not map live_check_number: GET /trunks -> HTTP 500: oops'


def test_number_holder():
    asked = ex('GET', '/trunk-maps', query={'exophone': NUMBER})
    listed = ok([{'phone_number': '+910'}, {'phone_number': NUMBER}])
    assert live.check_number_holder(judged(number_holder_before=ok('T7', asked), holder_numbers=listed)) == (
        'confirmed', 'GET /trunk-maps?exophone=+919876543210 names trunk T7, which lists the number')
    assert live.check_number_holder(judged(number_holder_before=ok('T7', asked), holder_numbers=ok([{}], ex('GET', '/x')))) == (
        'refuted', 'GET /trunk-maps?exophone=+919876543210 names trunk T7, which does not list it: GET /x -> HTTP 200: ')
    assert live.check_number_holder(judged(number_holder_before=ok('T7', asked), holder_numbers=SERVER_ERROR))[0] == 'refuted'
    assert live.check_number_holder(judged(number_holder_before=ok(None, ex('GET', '/trunk-maps', 500, text='boom')))) == (
        'refuted', 'GET /trunk-maps failed: GET /trunk-maps -> HTTP 500: boom')
    assert live.check_number_holder(judged(number_holder_before=ok(None, ex('GET', '/trunk-maps', 300))))[0] == 'refuted'
    assert live.check_number_holder(judged(number_holder_before=ok(None, ex('GET', '/trunk-maps', 199))))[0] == 'refuted'
    assert live.check_number_holder(judged(number_holder_before=ok(None, ex('GET', '/trunk-maps', None))))[0] == 'refuted'
    after = ok('T8', ex('GET', '/trunk-maps', 299))
    assert live.check_number_holder(judged(number_holder_before=ok(None, ex(status=299)), number_holder_after=after,
                                           main_trunk=ok({'trunk_sid': 'T9'}))) == (
        'refuted', 'after mapping it to T9: GET /trunk-maps -> HTTP 299: ')
    assert live.check_number_holder(judged(number_holder_before=ok(None, ex()), number_holder_after=after,
                                           main_trunk=ok({'trunk_sid': 'T8'}))) == (
        'confirmed', 'after mapping: GET /trunk-maps -> HTTP 299: ')


def test_a_number_whose_holder_cannot_be_told_is_not_mapped():
    for before in (ok(None), ok(None, ex(status=500)), ok(None, ex(status=None)), ok(None, ex(status=300))):
        with pytest.raises(live.Skip) as skipped:
            judged(main_trunk=ok({'trunk_sid': SID}), number_holder_before=before).probe('number_map')
        assert str(skipped.value).startswith('GET /trunk-maps did not tell which trunk holds live_check_number, so it is not mapped '
                                             'here (it could be on a trunk of yours): ')


def test_number_elsewhere():
    probes = number_probes(
        number_duplicate=failed(ExotelDuplicateError('dup'), ex('POST', '/p', 200, env(code=409, error={'code': 1008}))),
        number_elsewhere=failed(ExotelDuplicateError('dup', description='held by trunk %s' % SID), ex('POST', '/trunks'),
                                ex('GET', '/trunks/T2/phone-numbers'), ex('POST', '/trunks/T2/phone-numbers', 409, text='dup')))
    assert live.check_number_elsewhere(judged(**probes)) == (
        'confirmed', 'same trunk: HTTP 200, code 409, error 1008; second trunk: POST /trunks/T2/phone-numbers -> HTTP 409: dup; the '
        'client named the holder %s' % SID, 'one trunk per number')
    probes['number_elsewhere'] = failed(ExotelDuplicateError('dup', description='held by another trunk'), ex('POST'))
    assert live.check_number_elsewhere(judged(**probes)) == ('refuted', 'POST /trunks -> HTTP 200: ')
    probes['number_elsewhere'] = failed(ExotelDuplicateError('dup'), ex('POST'))
    assert live.check_number_elsewhere(judged(**probes))[0] == 'refuted'
    probes['number_elsewhere'] = failed(ExotelError(SID), ex('POST'))
    assert live.check_number_elsewhere(judged(**probes))[0] == 'refuted'
    probes['number_elsewhere'] = ok({}, ex('POST', '/x'))
    assert live.check_number_elsewhere(judged(**probes)) == (
        'refuted', 'a second trunk could map the number the first holds (deleted again): POST /x -> HTTP 200: ', 'two trunks')
    probes['number_duplicate'] = ok({}, ex('POST', '/p'))
    assert live.check_number_elsewhere(judged(**probes)) == ('refuted', 'mapping it again on the same trunk: POST /p -> HTTP 200: ')


def test_deleting():
    assert live._delete_forms([ex('DELETE', '/trunks/T1/whitelisted-ips', query={'id': '1'}),
                               ex('DELETE', '/trunks/T1/settings', query={'name': 'a', 'b': 'c'}),
                               ex('DELETE', '/trunks/T1/whitelisted-ips', query={'id': '2'})]) == ['settings?b&name=', 'whitelisted-ips?id=']
    deleted = ok([{'id': '1'}], ex('DELETE', '/trunks/T1/whitelisted-ips', query={'id': '2'}), ex('DELETE', '/trunks', query={'trunk_sid': 'x'}))
    probes = {'main_trunk': ok({'trunk_sid': SID}), 'acl_trim': deleted, 'destinations_removed': live.Skip('no'),
              'settings_removed': ok([]), 'credential_removed': ok([], ex('DELETE', '/c', 204)), 'number_removed': ok([])}
    assert live.check_child_delete(judged(**probes)) == (
        'confirmed', '2 DELETEs on trunk %s (c?=, whitelisted-ips?id=) answered 2xx; the re-read ACL and destination lists no longer '
        'show them' % SID)
    probes['acl_trim'] = ok([{'id': '2'}, {'id': '3'}], ex('DELETE', '/trunks/T1/whitelisted-ips', query={'id': '2'}),
                            ex('DELETE', '/w', 500, query={'id': '3'}, text='no'))
    probes['settings_removed'] = SERVER_ERROR
    probes['credential_removed'] = ok([], ex('DELETE', '/c', 199), ex('DELETE', '/c', 300), ex('DELETE', '/c', None))
    probes['number_removed'] = ok([{'id': '5'}], ex('DELETE', '/n', query={'id': '5'}))
    assert live.check_child_delete(judged(**probes)) == (
        'refuted', "DELETE /w?id=3 -> HTTP 500: no; acl_trim still lists id(s) ['2', '3']; GET /trunks -> HTTP 500: oops; "
        "DELETE /c -> HTTP 199: ; DELETE /c -> HTTP 300: ; DELETE /c -> no answer (): ")
    probes = {'main_trunk': ok({'trunk_sid': SID}), 'acl_trim': ok([]), 'destinations_removed': ok([{'id': '4'}], ex('GET')),
              'settings_removed': ok([]), 'credential_removed': ok([]), 'number_removed': ok([])}
    with pytest.raises(live.Skip) as skipped:
        live.check_child_delete(judged(**probes))
    assert str(skipped.value) == 'nothing was deleted one by one'
    probes['destinations_removed'] = ok([{'id': '4'}], ex('DELETE', '/d', query={'id': '4'}))
    assert live.check_child_delete(judged(**probes)) == ('refuted', "destinations_removed still lists id(s) ['4']")


def test_trunk_delete_and_cascade():
    main = ok({'trunk_sid': SID})
    gone = ok({'trunk_sid': SID}, ex('DELETE', '/c'), ex('DELETE', '/trunks', query={'trunk_sid': SID}), ex('GET', '/trunks'))
    assert live.check_trunk_delete(judged(main_trunk=main, trunk_deleted=gone)) == ('confirmed', 'DELETE /trunks?trunk_sid=%s -> HTTP 200: ' % SID)
    for value in ({'trunk_sid': 'other'}, None, [SID]):
        assert live.check_trunk_delete(judged(main_trunk=main, trunk_deleted=ok(value, ex('DELETE', '/trunks'))))[0] == 'refuted'
    assert live.check_trunk_delete(judged(main_trunk=main, trunk_deleted=SERVER_ERROR)) == (
        'refuted', 'the DELETE did not answer with the deleted trunk: GET /trunks -> HTTP 500: oops')
    with pytest.raises(live.Skip) as skipped:
        live.check_trunk_cascade(judged(main_trunk=main, trunk_deleted=SERVER_ERROR))
    assert str(skipped.value) == 'the throw-away trunk could not be deleted'
    after = failed(ExotelNotFoundError('gone'), ex('GET', '/w', 404, text='x' * 200))
    assert live.check_trunk_cascade(judged(main_trunk=main, trunk_deleted=gone, acl_32=SERVER_ERROR, trunk_after_delete=after)) == (
        'confirmed', 'deleted with no entry left; afterwards GET /w -> HTTP 404: %s.... Credentials were deleted first, as the client '
        'does (the disputed part is not tested)' % ('x' * 117))
    assert live.check_trunk_cascade(judged(main_trunk=main, trunk_deleted=gone, acl_32=ok(1), trunk_after_delete=ok([], ex())))[1].startswith(
        'deleted with 1.1.1.1/32 still whitelisted; afterwards GET /trunks -> HTTP 200: . Credentials')
    assert live.check_trunk_cascade(judged(main_trunk=main, trunk_deleted=gone, acl_32=ok(1), trunk_after_delete=ok([{}], ex()))) == (
        'refuted', 'trunk %s still answers for its ACL after the delete: GET /trunks -> HTTP 200: ' % SID)
    assert live.check_trunk_cascade(judged(main_trunk=main, trunk_deleted=gone, acl_32=ok(1), trunk_after_delete=SERVER_ERROR))[0] == 'refuted'


# ------------------------------------------------------------------ running, remembering, cleaning up

class Deleter(StubClient):
    """A client whose deletes are recorded; those of the keys in ``failing`` fail."""

    def __init__(self, failing=()):
        StubClient.__init__(self)
        self.failing = failing
        self.calls = []

    def _delete(self, kind, trunk_sid, key):
        self.calls.append('%s %s %s' % (kind, trunk_sid, key))
        if key in self.failing:
            raise ExotelError('cannot delete %s' % key)
        return kind + ' gone'

    def delete_trunk(self, sid, label):
        return self._delete('trunk', label, sid)

    def unmap_phone_number(self, sid, key):
        return self._delete('phone-numbers', sid, key)

    def delete_whitelisted_ip(self, sid, key):
        return self._delete('whitelisted-ips', sid, key)

    def delete_destination(self, sid, key):
        return self._delete('destination-uris', sid, key)

    def delete_setting(self, sid, key):
        return self._delete('settings', sid, key)

    def delete_credential(self, sid, key):
        return self._delete('credentials', sid, key)


def with_client(client, **options):
    return live.LiveCheck(client, RecordingSession(object()), 'abc123', **options)


def test_cleanup_deletes_children_first_and_reports_what_stays():
    client = Deleter(failing=('a1', 'c1', 'T2'))
    check = with_client(client)
    trunk1 = check.remember('trunk', 'T1', 'T1', 'main')
    assert trunk1 == live.Created('trunk', 'T1', 'T1', 'main')
    for kind, key in (('whitelisted-ips', 'a1'), ('credentials', 'c1'), ('destination-uris', 'd1'), ('settings', 's1'),
                      ('phone-numbers', 'p1'), ('whitelisted-ips', 'a2')):
        check.remember(kind, 'T1', key, key + '-label')
    check.remember('trunk', 'T2', 'T2', 'second')
    check.remember('credentials', 'T2', 'c2', 'c2-label')
    assert [item.key for item in check.created_of('credentials')] == ['c1', 'c2']
    assert [item.key for item in check.created_of('credentials', 'T2')] == ['c2']
    assert check.created_of('trunk', 'T9') == []
    left = check.cleanup()
    assert client.calls == ['credentials T2 c2', 'credentials T1 c1', 'settings T1 s1', 'destination-uris T1 d1', 'phone-numbers T1 p1',
                            'whitelisted-ips T1 a2', 'whitelisted-ips T1 a1', 'trunk second T2', 'trunk main T1']
    assert left == ['credentials c1-label on trunk T1 (cannot delete c1)', 'trunk second on trunk T2 (cannot delete T2)']
    assert [item.key for item in check.created] == ['c1', 'T2']


def test_a_failed_child_delete_of_a_trunk_that_stays_is_reported():
    client = Deleter(failing=('a1', 'T1'))
    check = with_client(client)
    check.remember('trunk', 'T1', 'T1', 'main')
    check.remember('whitelisted-ips', 'T1', 'a1', '1.1.1.1/32')
    check.remember('whitelisted-ips', 'T2', 'a3', '1.2.0.0/16')
    assert check.cleanup() == ['whitelisted-ips 1.1.1.1/32 on trunk T1 (cannot delete a1)', 'trunk main on trunk T1 (cannot delete T1)']
    assert check.created == [live.Created('trunk', 'T1', 'T1', 'main'), live.Created('whitelisted-ips', 'T1', 'a1', '1.1.1.1/32')]


def test_deleting_a_trunk_forgets_its_children_but_not_its_credentials():
    check = with_client(Deleter())
    trunk = check.remember('trunk', 'T1', 'T1', 'main')
    check.remember('phone-numbers', 'T1', 'p1', NUMBER)
    cred = check.remember('credentials', 'T1', 'c1', 'u')
    other = check.remember('phone-numbers', 'T2', 'p2', NUMBER)
    assert check.delete(trunk) == 'trunk gone'
    assert check.created == [cred, other]
    assert check.delete(other) == 'phone-numbers gone' and check.created == [cred]
    assert check.cleanup() == [] and check.created == []


def test_run_judges_every_check_then_cleans_up():
    client = Deleter()
    check = with_client(client, number=None, read_only=False)
    seen = []

    def judge(verdict, *rest):
        def run(ctx):
            seen.append(ctx)
            ctx.remember('settings', 'T1', 'k%d' % len(seen), 'label')
            return (verdict,) + rest
        return run

    def skips(_ctx):
        raise live.Skip('not today')
    checks = (live.Check('a', (), 'does a', 'judges a', judge('confirmed', 'fine')),
              live.Check('b', (live.WRITE,), 'does b', 'judges b', judge('refuted', 'bad', 'reading b')),
              live.Check('c', (live.NUMBER,), 'does c', 'judges c', judge('confirmed', 'never')),
              live.Check('d', (), 'does d', 'judges d', skips))
    findings = check.run(checks)
    assert findings is check.findings and seen == [check, check]
    assert [finding.to_dict() for finding in findings] == [
        {'assumption': 'a', 'verdict': 'confirmed', 'evidence': 'fine', 'reading': None, 'checked': 'does a', 'rule': 'judges a'},
        {'assumption': 'b', 'verdict': 'refuted', 'evidence': 'bad', 'reading': 'reading b', 'checked': 'does b', 'rule': 'judges b'},
        {'assumption': 'c', 'verdict': 'skipped', 'evidence': NO_NUMBER, 'reading': None, 'checked': 'does c', 'rule': 'judges c'},
        {'assumption': 'd', 'verdict': 'skipped', 'evidence': 'not today', 'reading': None, 'checked': 'does d', 'rule': 'judges d'}]
    assert client.calls == ['settings T1 k2', 'settings T1 k1'] and check.left_behind == [] and check.created == []
    assert check.counts() == {'confirmed': 1, 'refuted': 1, 'skipped': 2}
    assert check.table(1.25) == ['ASSUMPTION  VERDICT    EVIDENCE',
                                 'a           confirmed  fine',
                                 'b           refuted    bad [reading: reading b]',
                                 'c           skipped    ' + NO_NUMBER,
                                 'd           skipped    not today',
                                 '1 confirmed, 1 refuted, 2 skipped; 0 API calls (0 writes) in 1.2 s']
    read_only = with_client(Deleter(), number=NUMBER, read_only=True)
    assert [finding.evidence for finding in read_only.run(checks)] == ['fine', WRITES, 'never', 'not today']


def test_a_check_that_blows_up_still_cleans_up_and_what_stays_is_shown():
    client = Deleter(failing=('T1',))
    check = with_client(client)

    def boom(ctx):
        ctx.remember('trunk', 'T1', 'T1', 'zz_check_abc123')
        ctx.remember('settings', 'T1', 'k', 'k')
        raise RuntimeError('a bug in a check')
    checks = (live.Check('boom', (), 'fails', 'never', boom), live.Check('later', (), 'd', 'j', lambda ctx: ('confirmed', 'x')))
    with pytest.raises(RuntimeError):
        check.run(checks)
    assert check.findings == [] and client.calls == ['settings T1 k', 'trunk zz_check_abc123 T1']
    assert check.left_behind == ['trunk zz_check_abc123 on trunk T1 (cannot delete T1)']
    check.recorder.exchanges = [ex('GET'), ex('POST'), ex('DELETE'), ex('GET')]
    assert check.api_calls() == (4, 2)
    table = check.table(0)
    assert table == ['ASSUMPTION  VERDICT    EVIDENCE', '0 confirmed, 0 refuted, 0 skipped; 4 API calls (2 writes) in 0.0 s',
                     'LEFT BEHIND (delete by hand): trunk zz_check_abc123 on trunk T1 (cannot delete T1)']
    assert check.result(3.14159) == {'report': [], 'table': table[:1] + [table[1].replace('0.0 s', '3.1 s')] + table[2:],
                                     'counts': {'confirmed': 0, 'refuted': 0, 'skipped': 0}, 'api_calls': 4, 'writes': 2,
                                     'seconds': 3.1, 'trunk_name': 'zz_check_abc123', 'left_behind': check.left_behind}
    two = with_client(Deleter(failing=('a', 'b')))
    two.remember('trunk', 'a', 'a', 'x')
    two.remember('trunk', 'b', 'b', 'y')
    two.left_behind = two.cleanup()
    assert two.table(0)[-1] == 'LEFT BEHIND (delete by hand): trunk y on trunk b (cannot delete b); trunk x on trunk a (cannot delete a)'


def test_probes_run_once_under_their_own_tag(monkeypatch):
    calls = []
    fake = FakeSession(*[Answer(200, {'response': {'code': 200, 'status': 'success', 'data': {'n': index}}}) for index in range(3)])
    recorder = RecordingSession(fake)
    client = ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, 'https://sim.invalid', session=recorder, trunk_cache='off', max_retries=0,
                          rate_limit=0)
    check = live.LiveCheck(client, recorder, 'abc123')

    def outer(ctx):
        calls.append('outer')
        ctx.client.call('GET', 'trunks')
        ctx.probe('inner')
        ctx.client.call('GET', 'trunks')
        return 'outer value'

    def inner(ctx):
        calls.append('inner')
        assert ctx.recorder.tag == 'inner'
        ctx.client.call('GET', 'trunks')
        raise ExotelError('inner failed')

    def skipping(_ctx):
        calls.append('skipping')
        raise live.Skip('skipped once')
    for name, function in (('outer', outer), ('inner', inner), ('skipping', skipping)):
        monkeypatch.setitem(live.PROBES, name, function)
    recorder.exchanges.append(Exchange('GET', '/before', {}, None, status=200, tag='outer'))   # not the probe's own: it came before
    recorder.tag = 'asking'
    result = check.probe('outer')
    assert recorder.tag == 'asking' and calls == ['outer', 'inner']
    assert (result.value, result.error, [exchange.tag for exchange in result.exchanges]) == ('outer value', None, ['outer', 'outer'])
    inner_probe = check.probe('inner')
    assert inner_probe.error.message == 'inner failed' and inner_probe.value is None and len(inner_probe.exchanges) == 1
    assert check.probe('outer') is result and calls == ['outer', 'inner']
    for _twice in range(2):
        with pytest.raises(live.Skip) as skipped:
            check.probe('skipping')
        assert str(skipped.value) == 'skipped once'
    assert calls == ['outer', 'inner', 'skipping'] and recorder.tag == 'asking'
    with pytest.raises(KeyError):
        check.probe('no such probe')


def test_the_throw_away_trunk():
    assert judged(main_trunk=ok({'trunk_sid': 'T5'})).trunk() == 'T5'
    with pytest.raises(live.Skip) as skipped:
        judged(main_trunk=failed(ExotelError('HTTP 500: broke'))).trunk()
    assert str(skipped.value) == 'needs the throw-away trunk, which the API did not create: HTTP 500: broke'
    with pytest.raises(live.Skip) as skipped:
        judged(read_only=True, main_trunk=ok({'trunk_sid': 'T5'})).trunk()
    assert str(skipped.value) == 'read-only run: no trunk is created'


# ------------------------------------------------------------------ trunks the check did not create

def test_a_trunk_of_the_checks_name_that_exists_is_never_touched():
    sim = simulator('default')
    try:
        client = ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, sim.url, trunk_cache='off', max_retries=0, rate_limit=0)
        client.create_trunk('zz_check_abc123', 'ANY-ANY', 'exoteltest.pstn.exotel.com')
        before = account(sim)
        check = live_check(sim, number=NUMBER)
        check.run()
        found, lines = report(check, sim), exchanges(check, sim)
        assert account(sim) == before and check.left_behind == []
    finally:
        sim.stop()
    why = 'a trunk named zz_check_abc123 already exists (T1); the check touches no trunk it did not create'
    assert found['trunk-create'] == ('skipped', None, why)
    assert found['trunk-name'] == found['acl-mask'] == found['child-delete'] == found['trunk-delete'] == ('skipped', None, why)
    assert found['number-holder'] == ('skipped', None, why)
    assert found['envelope'] == found['trunk-create']
    assert [line for line in lines if not line.startswith(('trunk_listing', 'wrong_token', 'unknown_trunk'))] == [
        'main_trunk POST /trunks -> HTTP 200, code 409, error 1008',
        'main_trunk GET /trunks?page_size=50 -> HTTP 200',
        'number_holder_before GET /trunk-maps?exophone=+919876543210 -> HTTP 200']


def test_a_second_trunk_of_the_checks_name_that_exists_is_never_touched():
    sim = simulator('default')
    try:
        client = ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, sim.url, trunk_cache='off', max_retries=0, rate_limit=0)
        client.create_trunk('zz_check_abc123b', 'ANY-ANY', 'exoteltest.pstn.exotel.com')
        before = account(sim)
        check = live_check(sim, number=NUMBER)
        check.run()
        found = report(check, sim)
        assert account(sim) == before and check.left_behind == []
    finally:
        sim.stop()
    assert found['number-elsewhere'] == ('skipped', None, 'a trunk named zz_check_abc123b already exists; the check touches no trunk it '
                                         'did not create')
    assert found['phone-mode'][0] == found['number-holder'][0] == found['child-delete'][0] == 'confirmed'


def test_the_module_runs_the_check_read_only_in_check_mode():
    sim = simulator('default')
    try:
        result = run_module(sim, 'exotel_live_check', check_mode=True, run_id='abc123', number=NUMBER, rate_limit=0)
        assert [entry for entry in sim.requests() if entry['write']] == []
    finally:
        sim.stop()
    assert result['changed'] is False and result['writes'] == 0 and result['trunk_name'] is None
    assert dict((entry['assumption'], entry['verdict']) for entry in result['report']) == dict(
        (fact, verdict) for fact, (verdict, _reading, _evidence) in expected(DEFAULT, READ_ONLY, READ_ONLY_NUMBER).items())
    assert result['api_calls'] == 4 and result['counts'] == {'confirmed': 5, 'refuted': 0, 'skipped': 37}


def test_read_only_paging_follows_the_next_page_of_the_trunk_list():
    sim = simulator('default')
    try:
        client = ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, sim.url, trunk_cache='off', max_retries=0, rate_limit=0)
        for name in ('users_a', 'users_b'):
            client.create_trunk(name, 'ANY-ANY', 'exoteltest.pstn.exotel.com')
        check = live_check(sim, read_only=True)
        check.run()
        found, lines = report(check, sim), exchanges(check, sim)
    finally:
        sim.stop()
    assert found['paging'] == ('confirmed', None, 'page_size=1 of 2 trunks: next_page_uri /v2/accounts/exoteltest/trunks?offset=1&'
                                                  'page_size=1 was followed')
    assert found['trunk-list'] == ('confirmed', None, '2 trunk(s) listed (HTTP 200); GET /trunks?trunk_sid=T1 found it: users_a')
    assert lines[3:] == ['trunk_by_sid GET /trunks?page_size=50&trunk_sid=T1 -> HTTP 200',
                         'trunk_pages GET /trunks?offset=0&page_size=1 -> HTTP 200',
                         'trunk_pages GET /trunks?offset=1&page_size=1 -> HTTP 200']


def test_what_each_check_needs():
    assert live._needs() == () and live._needs(live.WRITE, live.NUMBER) == ('write', 'number')
    needs = dict((check.fact, check.needs) for check in live.CHECKS)
    assert sorted(fact for fact, flags in needs.items() if flags == ()) == [
        'auth', 'empty-list', 'envelope', 'id-strings', 'numeric-types', 'paging', 'rate-limit', 'regions', 'server-errors',
        'trunk-list', 'trunk-missing']
    assert sorted(fact for fact, flags in needs.items() if flags == ('write', 'number')) == [
        'number-elsewhere', 'phone-mode', 'settings', 'settings-repost']
    assert needs['number-holder'] == ('number',)


class Lister(Deleter):
    """A Deleter that lists the ACL it is asked for."""

    def list_whitelisted_ips(self, sid):
        self.calls.append('list %s' % sid)
        return [{'id': 'a1'}]


def test_the_acl_is_trimmed_to_the_32_on_the_checks_trunk_only():
    for acl_32, deleted in ((ok(({'id': 'a1'}, True)), ['whitelisted-ips T1 a2']),
                            (failed(ExotelError('refused')), ['whitelisted-ips T1 a2', 'whitelisted-ips T1 a1'])):
        client = Lister()
        check = with_client(client)
        check._probes.update(main_trunk=ok({'trunk_sid': 'T1'}), acl_pages=ok([]), acl_32=acl_32)   # pylint: disable=protected-access
        for trunk, key in (('T1', 'a1'), ('T1', 'a2'), ('T9', 'a9')):
            check.remember('whitelisted-ips', trunk, key, key)
        if not acl_32.ok:
            check.created.reverse()
        assert check.probe('acl_trim').value == [{'id': 'a1'}]
        assert client.calls == deleted + ['list T1']
        assert [item.key for item in check.created_of('whitelisted-ips', 'T9')] == ['a9']


def test_the_mode_is_read_from_the_post_that_mapped_the_number():
    probes = number_probes()
    probes['number_map'] = ok({'id': '41512'}, ex('GET', '/p', body=env({'id': '41512', 'mode': 'flow'})),
                              ex('POST', '/p', body=env({'id': '41512', 'mode': None})))
    assert live.check_phone_mode(judged(**probes))[0] == 'confirmed'


def test_the_holder_named_must_be_the_checks_trunk():
    probes = number_probes(
        number_duplicate=failed(ExotelDuplicateError('dup'), ex('POST', '/p', 200, env(code=409, error={'code': 1008}))),
        number_elsewhere=failed(ExotelDuplicateError('dup', description=None), ex('POST', '/trunks/T2/phone-numbers', 409, text='x' * 200)))
    probes['main_trunk'] = ok({'trunk_sid': 'X'})
    assert live.check_number_elsewhere(judged(**probes)) == ('refuted', 'POST /trunks/T2/phone-numbers -> HTTP 409: %s...' % ('x' * 157))
    probes['number_elsewhere'] = failed(ExotelDuplicateError('dup', description='held by X'),
                                        ex('POST', '/trunks/T2/phone-numbers', 409, text='y' * 200))
    assert live.check_number_elsewhere(judged(**probes)) == (
        'confirmed', 'same trunk: HTTP 200, code 409, error 1008; second trunk: POST /trunks/T2/phone-numbers -> HTTP 409: %s...; the '
        'client named the holder X' % ('y' * 117), 'one trunk per number')


class Everything(Lister):
    """A client for the removal probes: deletes recorded, every list empty but the ACL."""

    def list_destinations(self, sid):
        self.calls.append('list %s' % sid)
        return []


def test_the_removal_probes_touch_only_the_checks_trunk():
    skipped = live.Skip('not in this test')
    for name, kind in (('destinations_removed', 'destination-uris'), ('settings_removed', 'settings'),
                       ('credential_removed', 'credentials'), ('number_removed', 'phone-numbers'), ('trunk_deleted', 'credentials')):
        client = Everything()
        check = with_client(client)
        check._probes.update(dict((probe, skipped) for probe in (   # pylint: disable=protected-access
            'destination_batch', 'destination_update', 'destination_repost', 'settings_list', 'credential_update', 'credential_list',
            'number_duplicate', 'number_mode', 'number_holder_after', 'number_elsewhere')), main_trunk=ok({'trunk_sid': 'T1'}))
        check.remember(kind, 'T9', 'k9', 'other')
        check.remember(kind, 'T1', 'k1', 'ours')
        check.remember('trunk', 'T1', 'T1', 'main')
        check.probe(name)
        deleted = [call for call in client.calls if not call.startswith('list')]
        assert deleted == ['%s T1 k1' % kind] + (['trunk main T1'] if name == 'trunk_deleted' else []), name
        assert [item.key for item in check.created_of(kind)] == ['k9'], name


def test_the_trunk_is_deleted_once_only():
    check = with_client(Deleter())
    check._probes['main_trunk'] = ok({'trunk_sid': 'T1'})   # pylint: disable=protected-access
    check.remember('trunk', 'T2', 'T2', 'other')
    assert check.probe('trunk_deleted').value is None and check.client.calls == []


def test_trunks_that_cannot_be_deleted_are_left_behind_and_named():
    why = '(Exotel API DELETE trunks failed: HTTP 400, code 400 (error 1001): Invalid parameter; Simulated bad request)'
    left = ['trunk zz_check_abc123b on trunk T3 ' + why, "trunk 'zz_check_abc123d' on trunk T2 " + why,
            'trunk zz_check_abc123 on trunk T1 ' + why]
    run = Run('default', faults=[{'method': 'DELETE', 'path': '/trunks', 'action': 'status', 'status': 400, 'times': 0}],
              number=NUMBER)
    assert [short(line, run.url) for line in run.check.left_behind] == left
    assert [(item.label, short(item.trunk_sid, run.url)) for item in run.check.created] == [
        ('zz_check_abc123', 'T1'), ("'zz_check_abc123d'", 'T2'), ('zz_check_abc123b', 'T3')]
    assert run.report['trunk-delete'] == (
        'refuted', None, 'the DELETE did not answer with the deleted trunk: DELETE /trunks?trunk_sid=T1 -> HTTP 400, error 1001: Simulated '
        'bad request')
    assert run.report['number-elsewhere'][0] == 'refuted'
    assert short(run.result['table'][-1], run.url) == 'LEFT BEHIND (delete by hand): ' + '; '.join(left)


# ------------------------------------------------------------------ an API that accepts what it should refuse

class Accepting(Everything):
    """A client that creates whatever it is asked to (the probes must delete it again at once)."""

    def create_credential(self, sid, user_name, password, friendly_name=None):
        self.calls.append('create credential %s %s %s %s' % (sid, user_name, password == self.password, friendly_name))
        return {'id': 'c-' + user_name}, True

    def map_phone_number(self, sid, number):
        self.calls.append('map %s %s' % (sid, number))
        return {'id': 'p' + number}, True

    def call(self, method, path, body=None):
        self.calls.append('%s %s %s' % (method, path, sorted(body.items())))
        return {'trunk_sid': 'TX'}

    def add_destinations(self, sid, items, key_of):
        self.calls.append('add %s %s key %s' % (sid, items, key_of(items[0])))
        return [ItemResult({'destination': item}, True, data={'id': 'd%d' % index}) for index, item in enumerate(items)]


def accepting(failing=()):
    client = Accepting(failing)
    check = with_client(client, number=NUMBER)
    client.password = check.password
    check._probes['main_trunk'] = ok({'trunk_sid': 'T1'})   # pylint: disable=protected-access
    return client, check


def test_what_is_accepted_by_mistake_is_deleted_at_once():
    client, check = accepting()
    for name in ('credential_bad', 'non_exophone', 'not_e164', 'empty_name', 'loose_nso', 'other_domain'):
        assert check.probe(name).ok, name
    assert client.calls == [
        'create credential T1 zz_check_abc123_x False None', 'credentials T1 c-zz_check_abc123_x',
        'map T1 +99912345678', 'phone-numbers T1 p+99912345678', 'map T1 12345', 'phone-numbers T1 p12345',
        "POST trunks [('domain_name', 'exoteltest.pstn.exotel.com'), ('nso_code', 'ANY-ANY'), ('trunk_name', '')]", "trunk '' TX",
        "POST trunks [('domain_name', 'exoteltest.pstn.exotel.com'), ('nso_code', 'any any'), ('trunk_name', 'zz_check_abc123n')]",
        "trunk 'zz_check_abc123n' TX",
        "POST trunks [('domain_name', 'zz-check.invalid'), ('nso_code', 'ANY-ANY'), ('trunk_name', 'zz_check_abc123d')]",
        "trunk 'zz_check_abc123d' TX"]
    assert check.created == []


def test_what_is_accepted_by_mistake_and_cannot_be_deleted_stays_remembered():
    client, check = accepting(failing=('c-zz_check_abc123_x', 'p+99912345678', 'TX'))
    for name in ('credential_bad', 'non_exophone', 'long_name'):
        assert check.probe(name).error.message.startswith('cannot delete'), name
    assert check.created == [live.Created('credentials', 'T1', 'c-zz_check_abc123_x', 'zz_check_abc123_x'),
                             live.Created('phone-numbers', 'T1', 'p+99912345678', '+99912345678'),
                             live.Created('trunk', 'TX', 'TX', "'zz_check_abc123xx'")]


def test_what_the_check_creates_on_purpose_is_remembered():
    client, check = accepting()
    check._probes.update(acl_trim=ok([]), destinations_removed=ok([]),   # pylint: disable=protected-access
                         number_holder_before=ok(None, ex(status=200)))
    assert check.probe('credential').value == {'id': 'c-zz_check_abc123'}
    assert check.probe('number_map').value == {'id': 'p+919876543210'}
    batch_answers = check.probe('destination_batch').value
    assert [answer.data['id'] for answer in batch_answers] == ['d0', 'd1', 'd2', 'd3', 'd4']
    check._probes['destination_update'] = ok({})   # pylint: disable=protected-access
    assert check.probe('destination_repost').value.data == {'id': 'd0'}
    assert client.calls == [
        'create credential T1 zz_check_abc123 True zz_check', 'map T1 +919876543210',
        "add T1 ['1.1.1.1:5061;transport=tls', '8.8.8.8:5061;transport=tls', 'zz-check.invalid:5061;transport=tls', "
        "'203.0.113.50:5061;transport=tls', '1.1.1.1:5060;transport=udp'] key 1.1.1.1:5061;transport=tls",
        "add T1 ['1.1.1.1:5061;transport=tls'] key 1.1.1.1:5061;transport=tls"]
    assert check.created == [live.Created('credentials', 'T1', 'c-zz_check_abc123', 'zz_check_abc123'),
                             live.Created('phone-numbers', 'T1', 'p+919876543210', '+919876543210')] + [
        live.Created('destination-uris', 'T1', 'd%d' % index, destination) for index, destination in enumerate(
            ['1.1.1.1:5061;transport=tls', '8.8.8.8:5061;transport=tls', 'zz-check.invalid:5061;transport=tls',
             '203.0.113.50:5061;transport=tls', '1.1.1.1:5060;transport=udp'])]


def test_a_repost_that_answers_another_row_is_remembered():
    _client, check = accepting()
    check._probes.update(destination_update=ok({}), destination_batch=ok(   # pylint: disable=protected-access
        [item(True, {'id': 'd9'})]))
    check.probe('destination_repost')
    assert check.created == [live.Created('destination-uris', 'T1', 'd0', '1.1.1.1:5061;transport=tls')]
    for answer in (item(False, {'id': 'd5'}), item(True, {'id': None}), item(True, None)):
        _client, check = accepting()
        check.client.add_destinations = lambda sid, items, key_of, answer=answer: [answer]
        check._probes.update(destination_update=ok({}), destination_batch=ok([item(True, {'id': 'd9'})]))   # pylint: disable=protected-access
        check.probe('destination_repost')
        assert check.created == []
    _client, check = accepting()
    check.client.add_destinations = lambda sid, items, key_of: [item(False, {'id': 'd5'}), item(True, None), item(True, {'id': 'd7'})]
    check._probes.update(acl_trim=ok([]))   # pylint: disable=protected-access
    check.probe('destination_batch')
    assert check.created == [live.Created('destination-uris', 'T1', 'd7', '1.1.1.1:5061;transport=tls')]


def test_batch_207_reads_the_post():
    answers = [item(True, GOOD_DEST)]
    probe = ok(answers, ex('GET', status=200), ex('POST', '/d', 207, {'response': [{}], 'metadata': {'total': 1, 'success': 1, 'failed': 0}}))
    assert live.check_batch_207(judged(destination_batch=probe))[0] == 'confirmed'


def test_a_batch_that_accepts_everything():
    answers = [item(True, {'id': 'd%d' % index}, destination=destination) for index, destination in enumerate(
        ['1.1.1.1:5061;transport=tls', '8.8.8.8:5061;transport=tls', 'zz-check.invalid:5061;transport=tls',
         '203.0.113.50:5061;transport=tls', '1.1.1.1:5060;transport=udp'])]
    check = judged(destination_batch=batch(*answers))
    assert live.check_destination_public(check) == (
        'refuted', "item 4 (203.0.113.50:5061;transport=tls, a documentation address) was accepted (deleted again): {'id': 'd3'}")
    assert live.check_transport(check) == (
        'refuted', "item 5 (1.1.1.1:5060;transport=udp, transport udp) was accepted (deleted again): {'id': 'd4'}")
    odd = batch(*answers, items={'code': 400}, metadata=None)
    shown = 'POST /trunks/T1/destination-uris -> HTTP 207: 0 of 5 items failed; 0 results;'
    assert live.check_batch_207(judged(destination_batch=odd))[1].startswith(shown)
    nothing = ok(answers, ex('POST', '/trunks/T1/destination-uris', 207, {'response': None}))
    assert live.check_batch_207(judged(destination_batch=nothing))[1].startswith(shown)


def test_checks_read_the_post_not_the_reads_around_it():
    read = ex('GET', '/read', 200, env({'id': 'r', 'password': 'p'}, code=409, error={'code': 1008}))
    dup_trunk = failed(ExotelDuplicateError('dup'), ex('POST', status=409, body=env(code=409, error={'code': 1002})))
    acl = ok(({}, False), read, ex('POST', '/acl', 200, env(code=400, error={'code': 1001})))
    assert live.check_duplicate(judged(duplicate_trunk=dup_trunk, acl_duplicate=acl))[0] == 'refuted'
    main = ok({'trunk_sid': SID}, ex('GET', '/trunks', 203), ex('POST', '/trunks', 200))
    assert live.check_domain_name(judged(main_trunk=main))[1] == 'domain_name exoteltest.pstn.exotel.com was accepted: HTTP 200'
    other = ok({'trunk_sid': 'T5'}, ex('GET', '/trunks', 203), ex('POST', '/trunks', 201))
    assert live.check_domain_name_api(judged(other_domain=other)) == (
        'confirmed', 'domain_name zz-check.invalid accepted (trunk deleted again): HTTP 201', 'any host name')
    wide = ok(({'id': '9'}, True), ex('GET', '/w', 203), ex('POST', '/w', 200))
    assert live.check_acl_mask_api(judged(acl_15=wide)) == ('confirmed', 'a /15 was accepted (removed again): POST /w -> HTTP 200: ', '1-32')
    probes = credential_probes()
    probes['credential'] = ok({'id': '5301'}, read, ex('POST', '/c', body=env({'id': '5301'})))
    assert live.check_credentials(judged(**probes))[0] == 'confirmed'


class Settings(Everything):
    def set_settings(self, sid, settings):
        self.calls.append('set %s %s' % (sid, sorted(settings.items())))
        return [ItemResult(settings, True, data={})]


def test_the_setting_is_remembered_once_on_the_checks_trunk():
    client = Settings(failing=(live.ALIAS,))
    check = with_client(client, number=NUMBER)
    check._probes['main_trunk'] = ok({'trunk_sid': 'T1'})   # pylint: disable=protected-access
    check.remember('settings', 'T9', live.ALIAS, 'elsewhere')
    check.probe('setting')
    check.probe('setting_repost')
    assert client.calls == ["set T1 [('trunk_external_alias', '+919876543210')]"] * 2
    assert check.created == [live.Created('settings', 'T9', live.ALIAS, 'elsewhere'),
                             live.Created('settings', 'T1', live.ALIAS, live.ALIAS)]


class Accepted(Accepting):
    def add_whitelisted_ip(self, sid, ip, mask):
        self.calls.append('whitelist %s %s/%s' % (sid, ip, mask))
        return {'id': ip}, True


def test_the_acl_entries_are_remembered_with_their_networks():
    client = Accepted()
    check = with_client(client, probe_ip='9.9.9.9')
    check._probes['main_trunk'] = ok({'trunk_sid': 'T1'})   # pylint: disable=protected-access
    for name in ('acl_32', 'acl_16', 'acl_15', 'acl_bad_mask'):
        check.probe(name)
    assert client.calls == ['whitelist T1 9.9.9.9/32', 'whitelist T1 1.2.0.0/16', 'whitelist T1 1.4.0.0/15', 'whitelist T1 1.6.0.0/-1']
    assert check.created == [live.Created('whitelisted-ips', 'T1', ip, '%s/%s' % (ip, mask))
                             for ip, mask in (('9.9.9.9', 32), ('1.2.0.0', 16), ('1.4.0.0', 15), ('1.6.0.0', -1))]


def test_the_wrong_token_is_the_checks_own():
    tokens = []

    class Refusing:
        def list_trunks(self):
            raise ExotelAuthError('401', http_status=401)

    def make_client(token):
        tokens.append(token)
        return Refusing()
    check = with_client(StubClient(), make_client=make_client)
    assert isinstance(check.probe('wrong_token').error, ExotelAuthError) and tokens == ['zz_check_not_a_token']


def test_without_a_number_its_holder_is_not_asked_for():
    with pytest.raises(live.Skip) as skipped:
        judged(number=None).probe('number_holder_before')
    assert str(skipped.value) == NO_NUMBER


def test_a_trunk_post_that_answers_no_object_creates_nothing():
    for answer in (None, [], 'text'):
        client = Accepting()
        client.call = lambda method, path, body=None, answer=answer: answer
        check = with_client(client)
        check._probes['main_trunk'] = ok({'trunk_sid': 'T1'})   # pylint: disable=protected-access
        assert check.probe('empty_name').value == answer
        assert check.created == [] and client.calls == []

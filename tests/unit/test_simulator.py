# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of the Exotel API simulator itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

SIMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'simulator')
if SIMULATOR_DIR not in sys.path:
    sys.path.insert(0, SIMULATOR_DIR)

from exotel_simulator import ExotelSimulator  # noqa: E402  pylint: disable=wrong-import-position

ACCOUNT = 'exoteltest'
AUTH = ('exoteltest', 'a1b2c3d4e5f6g7h8i9j0')
PREFIX = '/v2/accounts/%s' % ACCOUNT
# Every setting at its default: a test that changes one cannot leak it into the next.
DEFAULT_CONFIG = {'profile': 'default', 'page_size': 50, 'rate_limit': 200, 'rate_window': 60.0,
                  'exophones': None, 'unresolvable_fqdns': [], 'resolvable_fqdns': [],
                  'retry_after': True, 'duplicate_style': 'envelope', 'missing_trunk_style': '404',
                  'settings_repost': 'upsert', 'non_exophone_error': '400', 'reserved_fqdns': 'resolve',
                  'mask_range': '1-32', 'domain_name_check': 'fqdn', 'empty_trunk_name': 'reject', 'rate_limit_style': 'http429',
                  'numeric_strings': False, 'credentials_shape': 'current'}
PUBLIC_IP = '44.248.146.11'
SID_RE = re.compile(r'trmum[0-9a-f]{20}a1n')
TIME_RE = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ')


class Api:
    """A tiny client: paths are relative to /v2/accounts/exoteltest."""

    def __init__(self, base_url, auth=AUTH, account=ACCOUNT):
        self.base = '%s/v2/accounts/%s' % (base_url, account)
        self.session = requests.Session()
        self.session.auth = auth

    def call(self, method, path, body=None, **kwargs):
        kwargs.setdefault('timeout', 5)
        return self.session.request(method, self.base + path, json=body, **kwargs)

    def get(self, path, **kwargs):
        return self.call('GET', path, **kwargs)

    def post(self, path, body, **kwargs):
        return self.call('POST', path, body, **kwargs)

    def put(self, path, body, **kwargs):
        return self.call('PUT', path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call('DELETE', path, **kwargs)

    def trunk(self, name='trunk_1'):
        answer = self.post('/trunks', {'trunk_name': name, 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
        assert answer.status_code == 200, answer.text
        return answer.json()['response']['data']['trunk_sid']

    def whitelist(self, sid, ip=PUBLIC_IP, mask=32):
        answer = self.post('/trunks/%s/whitelisted-ips' % sid, {'ip': ip, 'mask': mask})
        assert answer.json()['response']['code'] == 200, answer.text
        return answer.json()['response']['data']


def error_of(answer):
    return answer.json()['response']['error_data']


def assert_error(answer, status, code, message=None, description=None):
    body = answer.json()
    assert answer.status_code == status, answer.text
    assert body['http_code'] == status
    assert body['response']['status'] == 'failure'
    assert body['response']['code'] == status
    assert 'data' not in body['response']     # AR's error examples have no data key
    assert body['response']['error_data']['code'] == code
    if message is not None:
        assert body['response']['error_data']['message'] == message
    if description is not None:
        assert body['response']['error_data']['description'] == description


def assert_live_duplicate(answer, description):
    assert answer.status_code == 200
    body = answer.json()
    assert body['http_code'] == 200
    assert body['response'] == {'code': 409, 'status': 'failure', 'data': None, 'error_data': {
        'code': 1008, 'message': 'Duplicate resource', 'description': description}}


def rows_of(answer):
    assert answer.status_code == 200, answer.text
    return [item['data'] for item in answer.json()['response']]


def admin(sim, method, name, body=None):
    answer = requests.request(method, '%s/_simulator/%s' % (sim.url, name), json=body, timeout=5)
    return answer.status_code, answer.json()


@pytest.fixture(scope='module')
def server():
    sim = ExotelSimulator(port=0).start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(server):
    server.reset(**DEFAULT_CONFIG)
    return server


@pytest.fixture
def api(sim):
    return Api(sim.url)


@pytest.fixture
def sid(api):
    return api.trunk()


# ---------------------------------------------------------------------------------------------
# Envelope, auth, content type, routing
# ---------------------------------------------------------------------------------------------

def test_admin_health(sim):
    assert admin(sim, 'GET', 'health') == (200, {'ok': True})


def test_create_trunk_matches_the_documented_answer(api):
    answer = api.post('/trunks', {'trunk_name': 'outbound_trunk', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
    body = answer.json()
    assert answer.status_code == 200
    assert re.fullmatch(r'[0-9a-f]{32}', body['request_id'])
    assert (body['method'], body['http_code']) == ('POST', 200)
    assert (body['response']['code'], body['response']['status'], body['response']['error_data']) == (200, 'success', None)
    data = body['response']['data']
    sid = data['trunk_sid']
    assert SID_RE.fullmatch(sid)
    assert TIME_RE.fullmatch(data['date_created']) and data['date_updated'] == data['date_created']
    base = '/v2/accounts/exoteltest/trunks/%s/' % sid
    assert data == {
        'trunk_name': 'outbound_trunk', 'date_created': data['date_created'], 'date_updated': data['date_updated'],
        'trunk_sid': sid, 'status': 'active', 'domain_name': 'exoteltest.pstn.exotel.com', 'auth_type': 'IP-WHITELIST',
        'registration_enabled': 'disabled', 'edge_preference': 'auto', 'nso_code': 'ANY-ANY', 'secure_trunking': 'disabled',
        'destination_uris': base + 'destination-uris', 'whitelisted_ips': base + 'whitelisted-ips',
        'credentials': base + 'credentials', 'phone_numbers': base + 'phone-numbers'}


@pytest.mark.parametrize('auth', [None, ('exoteltest', 'wrong'), ('nobody', 'a1b2c3d4e5f6g7h8i9j0')])
def test_bad_credentials_are_401(sim, auth):
    answer = requests.get(sim.url + PREFIX + '/trunks', auth=auth, timeout=5)
    assert_error(answer, 401, 1010, 'Authorization failed', 'Invalid API key or token')


def test_key_of_another_account_is_401(sim):
    assert_error(Api(sim.url, account='someoneelse').get('/trunks'), 401, 1010)


def test_extra_accounts_are_separate():
    with ExotelSimulator(accounts=['acc1:key1:tok1', ('acc2', 'key2', 'tok2')]) as sim:
        first, second = Api(sim.url, ('key1', 'tok1'), 'acc1'), Api(sim.url, ('key2', 'tok2'), 'acc2')
        sid = first.trunk()
        assert rows_of(second.get('/trunks')) == []
        assert_error(second.get('/trunks/%s/phone-numbers' % sid), 404, 1003)
        assert second.trunk() != sid     # trunk names are unique per account only
        assert_error(Api(sim.url).get('/trunks'), 401, 1010)   # no default account when accounts are given


@pytest.mark.parametrize('content_type', ['text/plain', 'application/x-www-form-urlencoded', None])
def test_writes_need_json_content_type(api, content_type):
    headers = {'Content-Type': content_type} if content_type else {}
    answer = api.call('POST', '/trunks', data=b'{"trunk_name": "a"}', headers=headers)
    assert_error(answer, 415, 1011, 'Unsupported content type')


def test_json_content_type_with_charset_is_accepted(api):
    body = json.dumps({'trunk_name': 'cs', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
    answer = api.call('POST', '/trunks', data=body.encode(), headers={'Content-Type': 'application/json; charset=utf-8'})
    assert answer.json()['response']['code'] == 200


@pytest.mark.parametrize('raw', [b'{"trunk_name": ', b'', b'[1, 2]', b'"text"', b'{"a": NaN}'])
def test_unparseable_or_non_object_body_is_1007(api, raw):
    answer = api.call('POST', '/trunks', data=raw, headers={'Content-Type': 'application/json'})
    assert_error(answer, 400, 1007, 'Invalid request body')


@pytest.mark.parametrize('method, path', [
    ('GET', '/nothing'), ('GET', '/trunks/'), ('PUT', '/trunks'), ('PATCH', '/trunks'), ('GET', ''),
    ('GET', '/trunks/x/phone-numbers/1'), ('POST', '/trunk-maps'),
])
def test_unknown_paths_and_methods_are_404(api, method, path):
    assert_error(api.call(method, path), 404, 1000, 'Not Found')


def test_simulator_bug_is_a_loud_500(sim, api, monkeypatch, capsys):
    def broken(ctx):
        raise KeyError('boom')

    monkeypatch.setattr(sim._api, 'list_trunks', broken)  # pylint: disable=protected-access
    answer = api.get('/trunks')
    assert_error(answer, 500, 500, 'Internal Server Error')
    assert 'boom' in capsys.readouterr().err


def test_path_outside_the_api_is_404(sim):
    assert requests.get(sim.url + '/v1/whatever', auth=AUTH, timeout=5).status_code == 404


def test_json_suffix_is_ignored(api, sid):
    assert rows_of(api.get('/trunks.json'))[0]['trunk_sid'] == sid
    answer = api.post('/trunks/%s/phone-numbers.json' % sid, {'phone_number': '+919876543210'})
    assert answer.json()['response']['code'] == 200


# ---------------------------------------------------------------------------------------------
# Trunks
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['my-trunk!', 'a' * 17, 'trunk\n', 'trunk name', 17, ['x']])
def test_invalid_trunk_name_is_the_documented_error(api, name):
    answer = api.post('/trunks', {'trunk_name': name, 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
    assert_error(answer, 400, 1000, 'Invalid request', 'trunk_name must be alphanumeric with underscores only, max 16 characters')


@pytest.mark.parametrize('missing', ['trunk_name', 'nso_code', 'domain_name'])
def test_missing_trunk_parameter(api, missing):
    body = {'trunk_name': 'x', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'}
    body[missing] = None
    assert_error(api.post('/trunks', body), 400, 1001, 'Mandatory Parameter missing')
    del body[missing]
    assert_error(api.post('/trunks', body), 400, 1001, 'Mandatory Parameter missing')


@pytest.mark.parametrize('field, value', [
    ('nso_code', 'any any'), ('nso_code', 'any-any'), ('domain_name', 'not a domain'), ('domain_name', 'localhost'),
    ('domain_name', 42),
])
def test_invalid_trunk_parameters_are_1001(api, field, value):
    body = {'trunk_name': 'x', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'}
    body[field] = value
    assert_error(api.post('/trunks', body), 400, 1001, 'Invalid parameter')


def test_duplicate_trunk_name_live_style(api, sid):
    body = {'trunk_name': 'trunk_1', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'}
    assert_live_duplicate(api.post('/trunks', body), 'Unable to create trunk with name trunk_1')
    assert [row['trunk_sid'] for row in rows_of(api.get('/trunks'))] == [sid]


def test_duplicate_trunk_name_http409_style(sim, api, sid):
    sim.configure(duplicate_style='http409')
    answer = api.post('/trunks', {'trunk_name': 'trunk_1', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
    assert_error(answer, 409, 1002, 'Resource exists', "Trunk with name 'trunk_1' already exists")


def test_trunk_list_pagination(sim, api):
    sim.configure(page_size=4)
    sids = [api.trunk('t%d' % index) for index in range(5)]
    answer = api.get('/trunks', params={'page_size': 2})
    meta = answer.json()['metadata']
    assert [row['trunk_sid'] for row in rows_of(answer)] == sids[:2]
    assert meta == {'page_size': 2, 'first_page_uri': PREFIX + '/trunks?offset=0&page_size=2', 'prev_page_uri': None,
                    'next_page_uri': PREFIX + '/trunks?offset=2&page_size=2'}
    seen, uri = [], PREFIX + '/trunks?offset=0&page_size=2'
    while uri:
        answer = api.session.get(sim.url + uri, timeout=5)
        seen += [row['trunk_sid'] for row in rows_of(answer)]
        uri = answer.json()['metadata']['next_page_uri']
    assert seen == sids
    last = api.get('/trunks', params={'offset': 4, 'page_size': 2}).json()['metadata']
    assert last['prev_page_uri'] == PREFIX + '/trunks?offset=2&page_size=2' and last['next_page_uri'] is None
    clamped = api.get('/trunks', params={'page_size': 500})
    assert clamped.json()['metadata']['page_size'] == 4 and len(rows_of(clamped)) == 4
    assert len(rows_of(api.get('/trunks'))) == 4     # the configured size is also the default


def test_trunk_list_filter_and_empty_list_has_no_metadata(api, sid):
    api.trunk('other')
    answer = api.get('/trunks', params={'trunk_sid': sid, 'page_size': 1})
    assert [row['trunk_sid'] for row in rows_of(answer)] == [sid]
    assert answer.json()['metadata']['first_page_uri'] == PREFIX + '/trunks?offset=0&page_size=1&trunk_sid=' + sid
    empty = api.get('/trunks', params={'trunk_sid': 'trmumnothing'}).json()
    assert empty['response'] == [] and 'metadata' not in empty
    past_end = api.get('/trunks', params={'offset': 10}).json()
    assert past_end['response'] == [] and 'metadata' not in past_end


@pytest.mark.parametrize('params', [{'page_size': 0}, {'page_size': 'ten'}, {'page_size': '\u00b2'}, {'offset': -1}, {'offset': '1.5'}])
def test_bad_pagination_parameters(api, params):
    assert_error(api.get('/trunks', params=params), 400, 1001, 'Invalid parameter')


def test_delete_trunk_returns_it_and_cascades(sim, api, sid):
    api.whitelist(sid)
    api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210'})
    api.post('/trunks/%s/destination-uris' % sid, {'destinations': [{'destination': PUBLIC_IP + ':5061;transport=tls'}]})
    api.post('/trunks/%s/settings' % sid, {'settings': [{'name': 'trunk_external_alias', 'value': '+919876543210'}]})
    api.post('/trunks/%s/credentials' % sid, {'user_name': 'pbx', 'password': 'secret_1'})
    answer = api.delete('/trunks', params={'trunk_sid': sid})
    data = answer.json()['response']['data']
    assert answer.status_code == 200 and data['trunk_sid'] == sid and data['trunk_name'] == 'trunk_1'
    assert 'phone_numbers' not in data      # AR section 11's captured answer has no link fields
    state = sim.dump_state()
    assert all(state[name] == [] for name in ('trunks', 'phone_numbers', 'whitelisted_ips', 'destination_uris', 'settings', 'credentials'))
    assert_error(api.delete('/trunks', params={'trunk_sid': sid}), 404, 1003)


def test_delete_trunk_needs_the_query_parameter(api, sid):
    assert_error(api.delete('/trunks'), 400, 1001, 'Mandatory Parameter missing')
    assert_error(api.delete('/trunks/' + sid), 404, 1000)


@pytest.mark.parametrize('method, path', [
    ('GET', '/trunks/trmumnope/phone-numbers'), ('POST', '/trunks/trmumnope/whitelisted-ips'),
    ('GET', '/trunks/trmumnope/settings'), ('PUT', '/trunks/trmumnope/credentials/1'), ('DELETE', '/trunks?trunk_sid=trmumnope'),
])
def test_missing_trunk_styles(sim, api, method, path):
    body = {} if method in ('POST', 'PUT') else None
    assert_error(api.call(method, path, body), 404, 1003, 'Resource not found', "Trunk 'trmumnope' does not exist")
    sim.configure(missing_trunk_style='403')
    assert_error(api.call(method, path, body), 403, 1003, 'Authorization failed')


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------

def test_map_phone_number(api, sid):
    answer = api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210'})
    data = answer.json()['response']['data']
    assert data == {'id': '41512', 'phone_number': '+919876543210', 'trunk_sid': sid,
                    'date_created': data['date_created'], 'date_updated': data['date_created'], 'mode': None}
    second = api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+918040264208', 'mode': 'flow'})
    assert second.json()['response']['data']['mode'] == 'flow'
    assert second.json()['response']['data']['id'] == '41513'
    rows = rows_of(api.get('/trunks/%s/phone-numbers' % sid))
    assert [row['phone_number'] for row in rows] == ['+919876543210', '+918040264208']


@pytest.mark.parametrize('number', ['9876543210', '+09876543210', '+91 9876543210', '+91987654321012345', '+1234567', 919876543210])
def test_phone_number_must_be_e164(api, sid, number):
    answer = api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': number})
    assert_error(answer, 400, 1001, 'Invalid parameter', 'phone_number must be in E.164 format (e.g., +919876543210)')


@pytest.mark.parametrize('mode', ['PSTN', 'Flow', '', 'sip', 1])
def test_phone_mode_is_case_sensitive(api, sid, mode):
    assert_error(api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210', 'mode': mode}), 400, 1001)


def test_duplicate_phone_number_on_any_trunk(sim, api, sid):
    other = api.trunk('other')
    api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210'})
    for target in (sid, other):
        answer = api.post('/trunks/%s/phone-numbers' % target, {'phone_number': '+919876543210', 'mode': 'pstn'})
        assert_live_duplicate(answer, 'Unable to create DidTrunkMapping with TrunkSid %s' % target)
    sim.configure(duplicate_style='http409')
    assert_error(api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210'}), 409, 1008, 'Duplicate resource')


def test_update_phone_number_mode(api, sid):
    row = api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210'}).json()['response']['data']
    path = '/trunks/%s/phone-numbers/%s' % (sid, row['id'])
    answer = api.put(path, {'phone_number': '+919876543210', 'mode': 'flow'})
    assert answer.json()['response']['data']['mode'] == 'flow'
    assert rows_of(api.get('/trunks/%s/phone-numbers' % sid))[0]['mode'] == 'flow'
    assert_error(api.put(path, {'phone_number': '+919999999999', 'mode': 'pstn'}), 400, 1001)
    assert_error(api.put(path, {'phone_number': '+919876543210'}), 400, 1001, 'Mandatory Parameter missing')
    assert_error(api.put(path, {'phone_number': '+919876543210', 'mode': 'PSTN'}), 400, 1001)
    assert_error(api.put('/trunks/%s/phone-numbers/999' % sid, {'phone_number': '+919876543210', 'mode': 'flow'}), 404, 1000)


def test_delete_phone_number_by_query_parameter(api, sid):
    row = api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210'}).json()['response']['data']
    assert_error(api.delete('/trunks/%s/phone-numbers/%s' % (sid, row['id'])), 404, 1000)   # no path form
    assert_error(api.delete('/trunks/%s/phone-numbers' % sid), 400, 1001)
    assert_error(api.delete('/trunks/%s/phone-numbers' % sid, params={'id': '1'}), 404, 1000)
    answer = api.delete('/trunks/%s/phone-numbers' % sid, params={'id': row['id']})
    assert answer.json()['response']['data'] == row
    assert api.get('/trunks/%s/phone-numbers' % sid).json()['response'] == []


# ---------------------------------------------------------------------------------------------
# Whitelisted IPs
# ---------------------------------------------------------------------------------------------

def test_whitelist_ip(api, sid):
    data = api.whitelist(sid, '203.0.113.50', 32)
    assert data == {'id': '1153', 'mask': 32, 'trunk_sid': sid, 'ip': '203.0.113.50', 'friendly_name': None,
                    'date_created': data['date_created'], 'date_updated': data['date_created']}
    assert rows_of(api.get('/trunks/%s/whitelisted-ips' % sid)) == [data]


@pytest.mark.parametrize('ip', ['256.1.2.3', '1.2.3.4/32', '1.2.3', ' 1.2.3.4', '01.2.3.4', '::1', 16909060])
def test_whitelist_rejects_invalid_ip(api, sid, ip):
    answer = api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': ip, 'mask': 32})
    assert_error(answer, 400, 1001, 'Invalid parameter', 'ip must be a valid IPv4 address')


@pytest.mark.parametrize('mask', [0, 33])
def test_whitelist_rejects_invalid_mask(api, sid, mask):
    assert_error(api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': PUBLIC_IP, 'mask': mask}), 400, 1001, 'Invalid parameter')


@pytest.mark.parametrize('mask', ['32', True, 24.0, -1, ''])
def test_whitelist_mask_that_is_no_unsigned_integer_fails_parsing(api, sid, mask):
    # NB: the body is parsed into unsigned integers, so these fail the whole body.
    answer = api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': PUBLIC_IP, 'mask': mask})
    assert_error(answer, 400, 1007, 'Invalid request body', 'Invalid request body,failed parsing ')


def test_whitelist_mask_is_mandatory(api, sid):
    assert_error(api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': PUBLIC_IP}), 400, 1001, 'Mandatory Parameter missing')


def test_duplicate_whitelisted_ip(api, sid):
    api.whitelist(sid)
    answer = api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': PUBLIC_IP, 'mask': 24})
    assert_live_duplicate(answer, 'Unable to Whitelist-ip with ip %s' % PUBLIC_IP)
    api.whitelist(api.trunk('other'))     # the same IP on another trunk is fine


def test_delete_whitelisted_ip(api, sid):
    row = api.whitelist(sid)
    assert_error(api.delete('/trunks/%s/whitelisted-ips' % sid, params={'id': '7'}), 404, 1000)
    assert api.delete('/trunks/%s/whitelisted-ips' % sid, params={'id': row['id']}).json()['response']['data'] == row
    assert api.get('/trunks/%s/whitelisted-ips' % sid).json()['response'] == []


# ---------------------------------------------------------------------------------------------
# Destination URIs
# ---------------------------------------------------------------------------------------------

def destinations(api, sid, *values):
    return api.post('/trunks/%s/destination-uris' % sid, {'destinations': [{'destination': value} for value in values]})


def test_add_destination(api, sid):
    api.whitelist(sid)
    answer = destinations(api, sid, PUBLIC_IP + ':5061;transport=tls')
    body = answer.json()
    assert answer.status_code == 200 and body['http_code'] == 200
    assert body['metadata'] == {'total': 1, 'success': 1}      # AR: no "failed" key on full success
    data = body['response'][0]['data']
    assert data == {'id': '2543', 'destination': 'sip:%s:5061;transport=tls' % PUBLIC_IP, 'date_created': data['date_created'],
                    'date_updated': data['date_created'], 'type': 'public', 'priority': 0, 'weight': 1, 'trunk_sid': sid}


def test_fqdn_destination_needs_no_whitelist_and_lists_newest_first(api, sid):
    api.whitelist(sid)
    first = destinations(api, sid, PUBLIC_IP + ':5061;transport=tls').json()['response'][0]['data']
    second = destinations(api, sid, 'sip.mycompany.com:5060;transport=tcp').json()['response'][0]['data']
    assert second['destination'] == 'sip:sip.mycompany.com:5060;transport=tcp'
    assert [row['id'] for row in rows_of(api.get('/trunks/%s/destination-uris' % sid))] == [second['id'], first['id']]


@pytest.mark.parametrize('value', [
    'sip:44.248.146.11:5061;transport=tls', '44.248.146.11:5061;transport=udp', '44.248.146.11:5061;transport=TLS',
    '44.248.146.11:5061', '44.248.146.11;transport=tls', '44.248.146.11:0;transport=tls', '44.248.146.11:65536;transport=tls',
    '44.248.146.11:05061;transport=tls', '44.248.146.11 :5061;transport=tls', '44.248.146.11:5061;transport=tls\r\n',
    '44.248.146.11:5061;transport=tls;lr', '256.1.2.3:5061;transport=tls', 'nodot:5061;transport=tls',
    '-bad.example.com:5061;transport=tls', 'example.123:5061;transport=tls',
    '203.0.113.50:5061;transport=tls', '198.51.100.7:5061;transport=tls', '192.0.2.1:5061;transport=tls',
    '10.1.2.3:5061;transport=tls', '192.168.1.1:5061;transport=tls', '127.0.0.1:5061;transport=tls',
    '169.254.1.1:5061;transport=tls', '224.0.0.5:5061;transport=tls', '0.0.0.0:5061;transport=tls', '240.0.0.1:5061;transport=tls',
])
def test_invalid_destinations(api, sid, value):
    for network in ('0.0.0.0', '128.0.0.0', '203.0.113.0', '198.51.100.0', '192.0.2.0', '10.0.0.0', '192.168.1.0'):
        api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': network, 'mask': 1 if network in ('0.0.0.0', '128.0.0.0') else 24})
    answer = destinations(api, sid, value)
    body = answer.json()
    assert answer.status_code == 207 and body['http_code'] == 207
    assert body['metadata'] == {'total': 1, 'success': 0, 'failed': 1}
    assert body['response'] == [{'code': 400, 'status': 'failure', 'data': None, 'error_data': {
        'code': 1002, 'message': 'Invalid parameter', 'description': 'Destination is not a valid Ip or Fqdn'}}]


def test_destination_must_be_whitelisted(api, sid):
    api.whitelist(sid, '44.248.146.0', 24)
    answer = destinations(api, sid, '44.248.147.1:5061;transport=tls', '44.248.146.200:5060;transport=tcp', 'bad', 'pbx.example.org:5061;transport=tls')
    body = answer.json()
    assert answer.status_code == 207
    assert body['metadata'] == {'total': 4, 'success': 2, 'failed': 2}
    assert [item['status'] for item in body['response']] == ['failure', 'success', 'failure', 'success']
    assert body['response'][0]['error_data']['description'] == 'Destination not whitelisted'
    assert body['response'][2]['error_data']['description'] == 'Destination is not a valid Ip or Fqdn'
    assert len(rows_of(api.get('/trunks/%s/destination-uris' % sid))) == 2


def test_reposting_a_destination_adds_a_duplicate(api, sid):
    for _attempt in range(2):
        assert destinations(api, sid, 'pbx.example.org:5061;transport=tls').status_code == 200
    assert [row['destination'] for row in rows_of(api.get('/trunks/%s/destination-uris' % sid))] == ['sip:pbx.example.org:5061;transport=tls'] * 2


@pytest.mark.parametrize('body', [{}, {'destinations': None}, {'destinations': []}, {'destinations': 'x'}, {'destinations': {'destination': 'a'}}])
def test_destinations_body_must_be_a_non_empty_array(api, sid, body):
    assert_error(api.post('/trunks/%s/destination-uris' % sid, body), 400, 1001)


def test_destination_item_without_destination_fails_alone(api, sid):
    answer = api.post('/trunks/%s/destination-uris' % sid, {'destinations': [{}, 'x.example.com:5061;transport=tls']})
    assert answer.status_code == 207
    assert [item['error_data']['code'] for item in answer.json()['response']] == [1001, 1001]


def test_update_and_delete_destination(api, sid):
    row = destinations(api, sid, 'pbx.example.org:5061;transport=tls').json()['response'][0]['data']
    path = '/trunks/%s/destination-uris/%s' % (sid, row['id'])
    updated = api.put(path, {'priority': 2, 'weight': 10}).json()['response']['data']
    assert (updated['priority'], updated['weight'], updated['destination']) == (2, 10, row['destination'])
    assert api.put(path, {'weight': 0}).json()['response']['data']['weight'] == 0
    assert_error(api.put(path, {}), 400, 1001, 'Mandatory Parameter missing')
    for bad in ({'priority': -1}, {'weight': '5'}, {'priority': True}, {'destination': 'other.example.org:5061;transport=tls'}):
        assert_error(api.put(path, bad), 400, 1001)
    assert_error(api.put('/trunks/%s/destination-uris/1' % sid, {'priority': 1}), 404, 1000)
    assert_error(api.delete(path), 404, 1000)      # no path form
    assert api.delete('/trunks/%s/destination-uris' % sid, params={'id': row['id']}).json()['response']['data']['weight'] == 0
    assert api.get('/trunks/%s/destination-uris' % sid).json()['response'] == []


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

def test_settings_upsert_list_and_delete(api, sid):
    path = '/trunks/%s/settings' % sid
    answer = api.post(path, {'settings': [{'name': 'trunk_external_alias', 'value': '+919876543210'}]})
    body = answer.json()
    assert answer.status_code == 200 and body['metadata'] == {'total': 1, 'success': 1}
    first = body['response'][0]['data']
    assert first == {'name': 'trunk_external_alias', 'value': '+919876543210', 'trunk_sid': sid,
                     'date_created': first['date_created'], 'date_updated': first['date_created']}
    api.post(path, {'settings': [{'name': 'trunk_external_alias', 'value': '+918040264208'}]})
    rows = rows_of(api.get(path))
    assert [(row['name'], row['value']) for row in rows] == [('trunk_external_alias', '+918040264208')]
    assert_error(api.delete(path, params={'name': 'unknown'}), 404, 1000)
    assert_error(api.delete(path), 400, 1001)
    assert api.delete(path, params={'name': 'trunk_external_alias'}).json()['response']['data']['value'] == '+918040264208'
    assert api.get(path).json()['response'] == []


def test_settings_items_fail_independently(api, sid):
    answer = api.post('/trunks/%s/settings' % sid, {'settings': [
        {'name': 'caller_id', 'value': '+919876543210'}, {'name': 'trunk_external_alias', 'value': '98765'},
        {'name': 'trunk_external_alias', 'value': '+919876543210'}, {'value': '+919876543210'}]})
    body = answer.json()
    assert answer.status_code == 207
    assert body['metadata'] == {'total': 4, 'success': 1, 'failed': 3}
    assert [(item['code'], (item['error_data'] or {}).get('code')) for item in body['response']] == [
        (400, 1001), (400, 1001), (200, None), (400, 1001)]


def test_all_settings_failing_is_still_207(api, sid):
    answer = api.post('/trunks/%s/settings' % sid, {'settings': [{'name': 'nope', 'value': 'x'}]})
    assert answer.status_code == 207 and answer.json()['metadata']['failed'] == 1


# ---------------------------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------------------------

def test_credentials_never_echo_the_password(sim, api, sid):
    path = '/trunks/%s/credentials' % sid
    answer = api.post(path, {'user_name': 'pbx.user@example', 'password': 'Sup3r_Secret', 'friendly_name': 'office_pbx'})
    data = answer.json()['response']['data']
    assert data == {'id': '5301', 'trunk_sid': sid, 'user_name': 'pbx.user@example', 'friendly_name': 'office_pbx',
                    'date_created': data['date_created'], 'date_updated': data['date_created']}
    api.put(path + '/' + data['id'], {'password': 'An0ther_Secret'})
    listed = api.get(path)
    deleted = api.delete(path, params={'id': data['id']})
    outputs = [answer.text, listed.text, deleted.text, json.dumps(sim.dump_state()), json.dumps(sim.requests()),
               json.dumps(admin(sim, 'GET', 'state')[1]), json.dumps(admin(sim, 'GET', 'requests')[1])]
    assert not any('Secret' in text for text in outputs)
    assert deleted.json()['response']['data']['user_name'] == 'pbx.user@example'


def test_credential_validation(api, sid):
    path = '/trunks/%s/credentials' % sid
    assert_error(api.post(path, {'user_name': 'u'}), 400, 1001, 'Mandatory Parameter missing')
    assert_error(api.post(path, {'password': 'p'}), 400, 1001, 'Mandatory Parameter missing')
    for body in ({'user_name': 'u', 'password': 'pa$$word'}, {'user_name': 'u', 'password': 'with space'},
                 {'user_name': 'u', 'password': 'p', 'friendly_name': 'x' * 33}, {'user_name': 'u', 'password': 'p', 'friendly_name': 'my-pbx'},
                 {'user_name': 'bad user', 'password': 'p'}, {'user_name': 'u' * 65, 'password': 'p'}, {'user_name': 'u', 'password': 12345}):
        assert_error(api.post(path, body), 400, 1002, 'Invalid parameter')


def test_credential_duplicates_update_and_list(sim, api, sid):
    path = '/trunks/%s/credentials' % sid
    first = api.post(path, {'user_name': 'alice', 'password': 'pw_1'}).json()['response']['data']
    second = api.post(path, {'user_name': 'bob', 'password': 'pw_2'}).json()['response']['data']
    assert_live_duplicate(api.post(path, {'user_name': 'alice', 'password': 'pw_3'}), 'Unable to create Credential with UserName alice')
    assert_live_duplicate(api.put(path + '/' + second['id'], {'user_name': 'alice'}), 'Unable to create Credential with UserName alice')
    updated = api.put(path + '/' + second['id'], {'password': 'pw_new', 'friendly_name': 'bobs_phone'}).json()['response']['data']
    assert updated['friendly_name'] == 'bobs_phone' and 'password' not in updated
    assert sim.check_password(second['id'], 'pw_new') and not sim.check_password(second['id'], 'pw_2')
    assert_error(api.put(path + '/' + second['id'], {}), 400, 1001)
    assert_error(api.put(path + '/' + second['id'], {'password': 'no good'}), 400, 1002)
    assert_error(api.put(path + '/999', {'password': 'x'}), 404, 1000)
    page = api.get(path, params={'page_size': 1}).json()
    assert page['metadata']['total'] == 2 and page['metadata']['page'] == 0
    assert page['metadata']['next_page_uri'] == PREFIX + path + '?offset=1&page_size=1'
    filtered = rows_of(api.get(path, params={'id': first['id']}))
    assert [row['user_name'] for row in filtered] == ['alice']


# ---------------------------------------------------------------------------------------------
# Rate limiting
# ---------------------------------------------------------------------------------------------

def test_rate_limit_sliding_window(sim, api):
    sim.configure(rate_limit=3, rate_window=1.0)
    assert [api.get('/trunks').status_code for _request in range(3)] == [200] * 3
    refused = api.get('/trunks')
    assert_error(refused, 429, 1030, 'Rate limit exceeded')
    assert refused.headers['Retry-After'] == '1'
    assert api.get('/trunks').status_code == 429          # refusals do not extend the window
    assert admin(sim, 'GET', 'health')[0] == 200            # admin calls are never limited
    time.sleep(1.05)
    assert api.get('/trunks').status_code == 200
    assert sim.stats()['rate_limited'] == 2


def test_rate_limit_without_retry_after_and_unlimited(sim, api):
    sim.configure(rate_limit=1, rate_window=30, retry_after=False)
    api.get('/trunks')
    refused = api.get('/trunks')
    assert refused.status_code == 429 and 'Retry-After' not in refused.headers
    sim.configure(rate_limit=0)
    assert all(api.get('/trunks').status_code == 200 for _request in range(5))


def test_rate_limit_is_per_api_key():
    with ExotelSimulator(rate_limit=1, accounts=['a:key_a:tok', 'b:key_b:tok']) as sim:
        first, second = Api(sim.url, ('key_a', 'tok'), 'a'), Api(sim.url, ('key_b', 'tok'), 'b')
        assert first.get('/trunks').status_code == 200
        assert first.get('/trunks').status_code == 429
        assert second.get('/trunks').status_code == 200


# ---------------------------------------------------------------------------------------------
# Fault injection
# ---------------------------------------------------------------------------------------------

def test_status_fault_fires_once_then_normal(sim, api):
    sim.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 503})
    assert_error(api.get('/trunks'), 503, 503)
    assert api.get('/trunks').status_code == 200
    assert [entry['fault'] for entry in sim.requests()] == ['status', None]


def test_status_fault_429_with_retry_after_and_body_override(sim, api):
    sim.add_fault([{'path': '/trunks', 'action': 'status', 'status': 429, 'retry_after': 7},
                   {'path': '/trunks', 'action': 'status', 'status': 500, 'body': {'oops': True}}])
    limited = api.get('/trunks')
    assert_error(limited, 429, 1030)
    assert limited.headers['Retry-After'] == '7'
    overridden = api.get('/trunks')
    assert overridden.status_code == 500 and overridden.json() == {'oops': True}


@pytest.mark.parametrize('status, code', [(401, 1010), (404, 1000), (502, 502), (504, 504)])
def test_status_fault_error_codes(sim, api, status, code):
    sim.add_fault({'action': 'status', 'status': status})
    assert_error(api.get('/trunks'), status, code)


def test_status_fault_does_not_apply_the_request(sim, api):
    sim.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'status', 'status': 500})
    answer = api.post('/trunks', {'trunk_name': 'x', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
    assert answer.status_code == 500 and sim.dump_state()['trunks'] == []


def test_delay_fault_causes_a_read_timeout_but_applies(sim, api):
    sim.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'delay', 'seconds': 0.6})
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.post('/trunks', {'trunk_name': 'slow', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'}, timeout=0.2)
    deadline = time.time() + 3
    while not sim.dump_state()['trunks'] and time.time() < deadline:
        time.sleep(0.05)
    assert [row['trunk_name'] for row in sim.dump_state()['trunks']] == ['slow']


def test_drop_fault_sends_nothing_and_applies_nothing(sim):
    sim.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'drop'})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(sim.url + PREFIX + '/trunks', auth=AUTH, timeout=5,
                      json={'trunk_name': 'x', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
    assert sim.dump_state()['trunks'] == []
    assert sim.requests()[-1]['status'] is None and sim.requests()[-1]['fault'] == 'drop'


def test_lose_response_fault_applies_then_disconnects(sim):
    sim.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'lose_response'})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(sim.url + PREFIX + '/trunks', auth=AUTH, timeout=5,
                      json={'trunk_name': 'lost', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})
    assert [row['trunk_name'] for row in sim.dump_state()['trunks']] == ['lost']
    assert sim.stats()['by_status'] == {'dropped': 1}


def test_malformed_json_and_html_faults(sim, api):
    sim.add_fault([{'action': 'malformed_json'}, {'action': 'html'}])
    broken = api.get('/trunks')
    assert broken.status_code == 200 and broken.text == '{"response": '
    with pytest.raises(ValueError):
        broken.json()
    html = api.get('/trunks')
    assert html.status_code == 502 and html.headers['Content-Type'] == 'text/html'
    assert html.text == '<html><body><h1>502 Bad Gateway</h1></body></html>'


def test_fail_items_fault(sim, api, sid):
    sim.add_fault({'path': '/trunks/*/destination-uris', 'action': 'fail_items', 'items': [1], 'description': 'Edge busy'})
    sim.add_fault({'path': '/trunks/*/settings', 'action': 'fail_items', 'items': [0], 'code': 1020})
    assert api.get('/trunks/%s/destination-uris' % sid).status_code == 200     # not a batch: rule not consumed
    answer = destinations(api, sid, 'a.example.com:5061;transport=tls', 'b.example.com:5061;transport=tls')
    body = answer.json()
    assert answer.status_code == 207 and body['metadata'] == {'total': 2, 'success': 1, 'failed': 1}
    assert body['response'][1]['error_data'] == {'code': 1002, 'message': 'Invalid parameter', 'description': 'Edge busy'}
    assert [row['destination'] for row in rows_of(api.get('/trunks/%s/destination-uris' % sid))] == ['sip:a.example.com:5061;transport=tls']
    settings = api.post('/trunks/%s/settings' % sid, {'settings': [{'name': 'trunk_external_alias', 'value': '+919876543210'}]}).json()
    assert settings['response'][0]['error_data'] == {'code': 1020, 'message': 'Invalid parameter', 'description': 'Simulated item failure'}


def test_fault_times_after_method_and_glob(sim, api, sid):
    def post(number):
        return api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': number}).status_code

    sim.add_fault({'method': 'POST', 'path': '/trunks/*/phone-numbers', 'action': 'status', 'status': 502, 'after': 1, 'times': 2})
    assert api.get('/trunks/%s/phone-numbers' % sid).status_code == 200       # other method: no match
    assert [post('+9198765432%02d' % index) for index in range(5)] == [200, 502, 502, 200, 200]
    assert sim.faults()[0]['seen'] == 5 and sim.faults()[0]['fired'] == 2


def test_unlimited_fault_and_clear(sim, api):
    sim.add_fault({'action': 'status', 'status': 500, 'times': 0})
    assert [api.get('/trunks').status_code for _request in range(3)] == [500] * 3
    sim.clear_faults()
    assert api.get('/trunks').status_code == 200


def test_rate_limit_is_checked_before_faults(sim, api):
    sim.configure(rate_limit=1, rate_window=30)
    api.get('/trunks')
    sim.add_fault({'action': 'status', 'status': 500})
    assert api.get('/trunks').status_code == 429
    assert sim.faults()[0]['fired'] == 0


@pytest.mark.parametrize('rule', [{'action': 'explode'}, {'action': 'status', 'status': 999}, {'action': 'fail_items'},
                                  {'action': 'drop', 'typo': 1}, {'action': 'delay', 'seconds': -1}, 'drop'])
def test_invalid_fault_rules_are_refused(sim, rule):
    with pytest.raises(ValueError):
        sim.add_fault(rule)
    status, body = admin(sim, 'POST', 'faults', rule)
    assert status == 400 and body['error']


def test_faults_admin_endpoints(sim, api):
    status, body = admin(sim, 'POST', 'faults', [{'action': 'html'}, {'action': 'drop', 'path': '/nothing'}])
    assert status == 200 and [rule['action'] for rule in body['faults']] == ['html', 'drop']
    assert len(admin(sim, 'GET', 'faults')[1]['faults']) == 2
    assert admin(sim, 'DELETE', 'faults') == (200, {'faults': []})
    assert api.get('/trunks').status_code == 200


# ---------------------------------------------------------------------------------------------
# Admin API, request log, state file, command line
# ---------------------------------------------------------------------------------------------

def test_request_log_and_stats(sim, api, sid, tmp_path):
    log_file = tmp_path / 'requests.jsonl'
    sim.log_file = str(log_file)
    try:
        api.get('/trunks', params={'trunk_sid': sid})
        api.post('/trunks/%s/credentials' % sid, {'user_name': 'u', 'password': 'hidden_pw'})
        requests.get(sim.url + PREFIX + '/trunks', timeout=5)
        admin(sim, 'GET', 'health')
    finally:
        sim.log_file = None
    entries = sim.requests()
    assert [entry['seq'] for entry in entries] == [1, 2, 3, 4]
    listed = entries[1]
    assert set(listed) == {'seq', 'time', 'method', 'path', 'query', 'status', 'api_code', 'write', 'fault', 'body'}
    assert listed['body'] is None
    # A body is logged with every password masked.
    assert entries[2]['body'] == {'user_name': 'u', 'password': '********'}
    assert (listed['method'], listed['path'], listed['query'], listed['status'], listed['api_code'], listed['write']) == (
        'GET', PREFIX + '/trunks', {'trunk_sid': sid}, 200, None, False)
    assert (entries[2]['write'], entries[2]['api_code'], entries[3]['status']) == (True, 200, 401)
    assert [json.loads(line) for line in log_file.read_text().splitlines()] == entries[1:]
    assert 'hidden_pw' not in log_file.read_text() and 'Authorization' not in log_file.read_text()
    assert admin(sim, 'GET', 'requests')[1] == {'requests': entries}
    assert sim.stats() == {'total': 4, 'reads': 2, 'writes': 2, 'by_method': {'POST': 2, 'GET': 2},
                           'by_status': {'200': 3, '401': 1}, 'rate_limited': 0}
    assert admin(sim, 'GET', 'stats')[1] == sim.stats()


def test_admin_config_reset_and_state(sim, api, sid):
    status, config = admin(sim, 'POST', 'config', {'page_size': 5, 'missing_trunk_style': 403})
    assert status == 200 and config['page_size'] == 5 and config['missing_trunk_style'] == '403'
    assert admin(sim, 'POST', 'config', {'page_size': 0})[0] == 400
    assert admin(sim, 'POST', 'config', {'colour': 'red'})[0] == 400
    assert admin(sim, 'GET', 'state')[1]['trunks'][0]['trunk_sid'] == sid
    assert sim.state['trunks'][0]['account_sid'] == ACCOUNT
    status, body = admin(sim, 'POST', 'reset', {'rate_limit': 7})
    assert status == 200 and body['config']['rate_limit'] == 7 and body['config']['page_size'] == 5
    assert admin(sim, 'GET', 'state')[1]['trunks'] == [] and sim.requests() == []
    assert admin(sim, 'GET', 'nothing')[0] == 404
    assert sim.requests() == []      # admin calls are never logged


def test_admin_check_password_tells_a_match_and_never_the_password(sim, api, sid):
    row = api.post('/trunks/%s/credentials' % sid, {'user_name': 'u', 'password': 'Right_pw1'}).json()['response']['data']
    assert admin(sim, 'POST', 'check-password', {'id': row['id'], 'password': 'Right_pw1'}) == (200, {'match': True})
    assert admin(sim, 'POST', 'check-password', {'id': row['id'], 'password': 'Wrong_pw1'}) == (200, {'match': False})
    assert admin(sim, 'POST', 'check-password', {'id': '999', 'password': 'Right_pw1'}) == (200, {'match': False})
    assert admin(sim, 'POST', 'check-password', {'id': row['id']})[0] == 400
    assert admin(sim, 'POST', 'check-password', ['Right_pw1'])[0] == 400
    assert 'Right_pw1' not in json.dumps(admin(sim, 'GET', 'state')[1])


def test_state_file_persists_across_restarts(tmp_path):
    state_file = tmp_path / 'state.json'
    with ExotelSimulator(state_file=str(state_file)) as first:
        api = Api(first.url)
        sid = api.trunk()
        api.post('/trunks/%s/credentials' % sid, {'user_name': 'u', 'password': 'kept_pw'})
        api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+919876543210'})
        before = first.dump_state()
    assert json.loads(state_file.read_text())['credentials'][0]['password'] == 'kept_pw'
    assert os.listdir(str(tmp_path)) == ['state.json']         # atomic: no temporary left behind
    with ExotelSimulator(state_file=str(state_file)) as second:
        assert second.dump_state() == before
        assert second.check_password(before['credentials'][0]['id'], 'kept_pw')
        answer = Api(second.url).post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+918040264208'})
        assert answer.json()['response']['data']['id'] == '41513'      # ids keep increasing
        second.reset()
    assert json.loads(state_file.read_text())['trunks'] == []


def test_restart_reuses_the_port():
    sim = ExotelSimulator().start()
    url = sim.url
    sim.stop()
    sim.start()
    try:
        assert sim.url == url and requests.get(url + '/_simulator/health', timeout=5).status_code == 200
    finally:
        sim.stop()


def test_command_line(tmp_path):
    port_file, faults = tmp_path / 'port', tmp_path / 'faults.json'
    faults.write_text(json.dumps([{'action': 'status', 'status': 503}]))
    script = os.path.join(SIMULATOR_DIR, 'exotel_simulator.py')
    process = subprocess.Popen([sys.executable, script, '--port', '0', '--port-file', str(port_file), '--faults', str(faults),
                                '--page-size', '3', '--duplicate-style', 'http409'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        port = int(port_file.read_text())
        assert line == 'Exotel API simulator listening on http://127.0.0.1:%d' % port
        url = 'http://127.0.0.1:%d' % port
        assert requests.get(url + PREFIX + '/trunks', auth=AUTH, timeout=5).status_code == 503
        config = requests.get(url + '/_simulator/config', timeout=5).json()
        assert (config['page_size'], config['duplicate_style']) == (3, 'http409')
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0


def test_command_line_refuses_other_hosts():
    script = os.path.join(SIMULATOR_DIR, 'exotel_simulator.py')
    result = subprocess.run([sys.executable, script, '--host', '0.0.0.0'], capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 2 and '127.0.0.1' in result.stderr

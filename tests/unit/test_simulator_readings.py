# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator's switches for uncertain readings, its profiles, GET /trunk-maps and the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

# server, sim, api and sid are test_simulator's fixtures, used here by name.
from test_simulator import (  # noqa: F401  pylint: disable=unused-import
    DEFAULT_CONFIG, PREFIX, PUBLIC_IP, SIMULATOR_DIR, Api, admin, api, assert_error, assert_live_duplicate,
    destinations, rows_of, server, sid, sim,
)
from exotel_simulator import PROFILES, ExotelSimulator, SimulatorConfig

STRICT_READINGS = {'retry_after': False, 'duplicate_style': 'envelope', 'missing_trunk_style': '403',
                   'settings_repost': 'item_duplicate', 'non_exophone_error': '404', 'reserved_fqdns': 'unresolvable',
                   'mask_range': '16-32', 'domain_name_check': 'pstn_suffix', 'empty_trunk_name': 'accept', 'rate_limit_style': 'envelope',
                   'numeric_strings': True, 'credentials_shape': 'current'}
ALIAS = 'trunk_external_alias'


def set_alias(api, sid, *values):
    return api.post('/trunks/%s/settings' % sid, {'settings': [{'name': ALIAS, 'value': value} for value in values]})


def map_number(api, sid, number):
    return api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': number})


def whitelist(api, sid, mask, ip=PUBLIC_IP):
    return api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': ip, 'mask': mask})


def destination_error(api, sid, value):
    """The error_data of a one-destination POST, or None when it was added."""
    item = destinations(api, sid, value).json()['response'][0]
    return item['error_data']


# ---------------------------------------------------------------------------------------------
# Configuration and profiles
# ---------------------------------------------------------------------------------------------

def test_defaults_are_the_default_profile(sim):
    assert sim.config.as_dict() == DEFAULT_CONFIG
    assert admin(sim, 'GET', 'config') == (200, DEFAULT_CONFIG)
    assert {name: DEFAULT_CONFIG[name] for name in PROFILES['default']} == PROFILES['default']


def test_strict_profile_selects_the_harsher_reading_of_every_switch():
    assert PROFILES['strict'] == STRICT_READINGS
    config = SimulatorConfig(profile='strict').as_dict()
    assert config == dict(DEFAULT_CONFIG, profile='strict', **STRICT_READINGS)


def test_explicit_settings_override_the_profile_of_the_same_call(sim):
    config = SimulatorConfig(profile='strict', retry_after=True, mask_range='1-32')
    assert (config.retry_after, config.mask_range, config.missing_trunk_style) == (True, '1-32', '403')
    assert config.overrides() == {'retry_after': True, 'mask_range': '1-32'}
    status, body = admin(sim, 'POST', 'config', {'profile': 'strict', 'numeric_strings': False, 'page_size': 7,
                                                 'exophones': ['+919876543210']})
    assert status == 200 and body['numeric_strings'] is False and body['settings_repost'] == 'item_duplicate'
    # A later profile change resets every reading, but not the plain settings or the account's data.
    body = sim.configure(profile='default')
    assert body == dict(DEFAULT_CONFIG, page_size=7, exophones=['+919876543210'])


def test_reset_can_switch_profile_and_keeps_it_otherwise(sim, api):
    status, body = admin(sim, 'POST', 'reset', {'profile': 'strict'})
    assert status == 200 and body['config']['profile'] == 'strict' and body['config']['mask_range'] == '16-32'
    assert admin(sim, 'POST', 'reset', {})[1]['config']['profile'] == 'strict'


@pytest.mark.parametrize('changes', [
    {'profile': 'harsh'}, {'settings_repost': 'merge'}, {'missing_trunk_style': '410'}, {'mask_range': '8-32'},
    {'numeric_strings': 'yes'}, {'exophones': '+919876543210'}, {'exophones': ['9876543210']},
    {'unresolvable_fqdns': ['not a host']}, {'resolvable_fqdns': 'pbx.example.org'}, {'credentials_shape': 'old'},
    {'rate_limit_style': 'http200'}, {'domain_name_check': 'suffix'}, {'non_exophone_error': 403},
    {'reserved_fqdns': True}, {'empty_trunk_name': 'allow'},
])
def test_invalid_settings_are_refused_whole(sim, changes):
    with pytest.raises(ValueError):
        sim.configure(page_size=3, **changes)
    status, body = admin(sim, 'POST', 'config', dict(changes, page_size=3))
    assert status == 400 and body['error']
    assert sim.config.as_dict() == DEFAULT_CONFIG          # nothing of a refused change is applied
    with pytest.raises(ValueError):
        ExotelSimulator(**changes)


def test_constructor_keeps_its_keyword_interface():
    sim = ExotelSimulator(0, page_size=2, rate_limit=0, rate_window=5, retry_after=False, duplicate_style='http409',
                          missing_trunk_style='403')
    assert (sim.config.page_size, sim.config.rate_limit, sim.config.retry_after, sim.config.profile) == (2, 0, False, 'default')
    with pytest.raises(ValueError):
        ExotelSimulator(colour='red')


# ---------------------------------------------------------------------------------------------
# Settings: second POST of a stored name
# ---------------------------------------------------------------------------------------------

def test_settings_repost_item_duplicate(sim, api, sid):
    sim.configure(settings_repost='item_duplicate')
    assert set_alias(api, sid, '+919876543210').status_code == 200
    answer = set_alias(api, sid, '+918040264208')
    body = answer.json()
    assert answer.status_code == 207 and body['http_code'] == 207
    assert body['metadata'] == {'total': 1, 'success': 0, 'failed': 1}
    assert body['response'] == [{'code': 409, 'status': 'failure', 'data': None, 'error_data': {
        'code': 1008, 'message': 'Duplicate resource', 'description': 'Unable to create TrunkSetting with name %s' % ALIAS}}]
    assert [row['value'] for row in rows_of(api.get('/trunks/%s/settings' % sid))] == ['+919876543210']


def test_settings_repost_within_one_batch_is_a_duplicate_item(sim, api, sid):
    for style in ('item_duplicate', 'envelope_duplicate'):
        sim.configure(settings_repost=style)
        api.delete('/trunks/%s/settings' % sid, params={'name': ALIAS})
        answer = set_alias(api, sid, '+919876543210', '+918040264208')
        assert answer.status_code == 207
        assert [(item['code'], (item['error_data'] or {}).get('code')) for item in answer.json()['response']] == [
            (200, None), (409, 1008)]


def test_settings_repost_envelope_duplicate(sim, api, sid):
    sim.configure(settings_repost='envelope_duplicate')
    set_alias(api, sid, '+919876543210')
    assert_live_duplicate(set_alias(api, sid, '+918040264208'), 'Unable to create TrunkSetting with name %s' % ALIAS)
    sim.configure(duplicate_style='http409')
    assert_error(set_alias(api, sid, '+918040264208'), 409, 1008, 'Duplicate resource')
    assert [row['value'] for row in rows_of(api.get('/trunks/%s/settings' % sid))] == ['+919876543210']


# ---------------------------------------------------------------------------------------------
# Unknown trunk, ExoPhones, FQDN resolution, mask range, domain name, empty trunk name
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('style, status, code, message', [
    ('404', 404, 1003, 'Resource not found'), ('403', 403, 1003, 'Authorization failed'), ('404-1000', 404, 1000, 'Not Found'),
])
def test_missing_trunk_style_values(sim, api, style, status, code, message):
    sim.configure(missing_trunk_style=style)
    for method, path in (('GET', '/trunks/trmumnope/settings'), ('DELETE', '/trunks?trunk_sid=trmumnope')):
        assert_error(api.call(method, path), status, code, message)


def test_only_exophones_can_be_mapped(sim, api, sid):
    sim.configure(exophones=['+919876543210'])
    assert map_number(api, sid, '+919876543210').json()['response']['code'] == 200
    assert_error(map_number(api, sid, '+918040264208'), 400, 1002, 'Invalid parameter', 'Invalid PhoneNumber')
    sim.configure(non_exophone_error='404')
    assert_error(map_number(api, sid, '+918040264208'), 404, 1000, 'Not Found')
    assert [row['phone_number'] for row in sim.dump_state()['phone_numbers']] == ['+919876543210']
    sim.configure(exophones=[])
    assert_error(map_number(api, sid, '+918040264208'), 404, 1000)
    sim.configure(exophones=None)
    assert map_number(api, sid, '+918040264208').json()['response']['code'] == 200


def test_unresolvable_fqdns_fail_per_item(sim, api, sid):
    sim.configure(unresolvable_fqdns=['PBX.mycompany.com'])
    answer = destinations(api, sid, 'pbx.MyCompany.com:5061;transport=tls', 'sip.mycompany.com:5061;transport=tls')
    body = answer.json()
    assert answer.status_code == 207 and body['metadata'] == {'total': 2, 'success': 1, 'failed': 1}
    assert body['response'][0]['error_data'] == {'code': 1002, 'message': 'Invalid parameter',
                                                 'description': 'Destination is not a valid Ip or Fqdn'}


@pytest.mark.parametrize('host', ['pbx.example.org', 'sip.test', 'a.example', 'x.localhost', 'pbx.invalid', 'example.com',
                                  'deep.sip.example.net', 'printer.local', 'sip.home.arpa', 'abc.onion', 'SIP.EXAMPLE.COM'])
def test_reserved_domains_resolve_only_by_default(sim, api, sid, host):
    value = host + ':5061;transport=tls'
    assert destination_error(api, sid, value) is None
    sim.configure(reserved_fqdns='unresolvable')
    assert destination_error(api, sid, value)['description'] == 'Destination is not a valid Ip or Fqdn'
    sim.configure(resolvable_fqdns=[host])
    assert destination_error(api, sid, value) is None
    sim.configure(unresolvable_fqdns=[host])      # in both lists: the harsher answer wins
    assert destination_error(api, sid, value)['code'] == 1002


@pytest.mark.parametrize('host', ['sip.mycompany.com', 'notexample.com', 'example.community', 'test.mycompany.in'])
def test_public_names_resolve_under_the_strict_reading(sim, api, sid, host):
    sim.configure(reserved_fqdns='unresolvable')
    assert destination_error(api, sid, host + ':5061;transport=tls') is None


def test_mask_range_16_to_32(sim, api, sid):
    sim.configure(mask_range='16-32')
    for mask in (15, 1, 33):
        assert_error(whitelist(api, sid, mask), 400, 1001, 'Invalid parameter', 'mask should be in-between 16 and 32')
    assert whitelist(api, sid, 16).json()['response']['data']['mask'] == 16
    assert_error(whitelist(api, sid, -16, '44.248.146.12'), 400, 1007, 'Invalid request body', 'Invalid request body,failed parsing ')
    sim.configure(mask_range='1-32')
    assert whitelist(api, sid, 1, '44.248.146.13').json()['response']['code'] == 200


def test_bad_mask_fails_parsing_before_the_trunk_is_looked_up(api):
    assert_error(whitelist(api, 'trmumnope', 'x'), 400, 1007)


@pytest.mark.parametrize('domain, accepted', [
    ('exoteltest.pstn.exotel.com', True), ('other.pstn.exotel.com', True), ('pbx.mycompany.com', False),
    ('pstn.exotel.com', False), ('EXOTELTEST.PSTN.EXOTEL.COM', False), ('exoteltest.pstn.exotel.com.evil.org', False),
])
def test_domain_name_must_end_with_the_pstn_suffix(sim, api, domain, accepted):
    body = {'trunk_name': 'x', 'nso_code': 'ANY-ANY', 'domain_name': domain}
    assert api.post('/trunks', body).json()['response']['code'] == 200       # fqdn: any host name
    sim.reset(domain_name_check='pstn_suffix')
    answer = api.post('/trunks', body)
    if accepted:
        assert answer.json()['response']['code'] == 200
    else:
        assert_error(answer, 400, 1001, 'Invalid parameter', 'Domain name should end with .pstn.exotel.com')


def test_empty_trunk_name(sim, api):
    body = {'trunk_name': '', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'}
    assert_error(api.post('/trunks', body), 400, 1001, 'Mandatory Parameter missing')
    sim.configure(empty_trunk_name='accept')
    assert api.post('/trunks', body).json()['response']['data']['trunk_name'] == ''
    assert_live_duplicate(api.post('/trunks', body), 'Unable to create trunk with name ')
    for name in (None, 'bad name'):                    # only "" is let through
        assert api.post('/trunks', dict(body, trunk_name=name)).status_code == 400


# ---------------------------------------------------------------------------------------------
# Rate limit, numeric strings, credentials shape
# ---------------------------------------------------------------------------------------------

def test_rate_limit_in_the_envelope(sim, api):
    sim.configure(rate_limit=1, rate_window=30, rate_limit_style='envelope')
    assert api.get('/trunks').status_code == 200
    refused = api.get('/trunks')
    assert refused.status_code == 200 and refused.headers['Retry-After'] == '30'
    assert refused.json()['http_code'] == 200
    assert refused.json()['response'] == {'code': 429, 'status': 'failure', 'data': None, 'error_data': {
        'code': 1030, 'message': 'Rate limit exceeded', 'description': 'Too many requests'}}
    sim.configure(retry_after=False)
    assert 'Retry-After' not in api.get('/trunks').headers
    assert sim.stats()['rate_limited'] == 2 and sim.requests()[-1]['api_code'] == 429


def test_numeric_strings(sim, api, sid):
    sim.configure(numeric_strings=True)
    created = api.post('/trunks', {'trunk_name': 'n', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'}).json()
    assert (created['http_code'], created['response']['code']) == ('200', '200')
    assert whitelist(api, sid, 32).json()['response']['data']['mask'] == '32'
    added = destinations(api, sid, 'pbx.mycompany.com:5061;transport=tls').json()
    assert added['metadata'] == {'total': '1', 'success': '1'}
    assert (added['response'][0]['data']['priority'], added['response'][0]['data']['weight']) == ('0', '1')
    duplicate = whitelist(api, sid, 32).json()['response']
    assert (duplicate['code'], duplicate['error_data']['code']) == ('409', '1008')
    listed = api.get('/trunks', params={'page_size': 1}).json()
    assert listed['metadata']['page_size'] == '1' and listed['response'][0]['code'] == '200'
    assert_error_strings(api.get('/trunks/trmumnope/settings'), 404, '1003')
    sim.configure(rate_limit=1, rate_window=30)
    assert_error_strings(api.get('/trunks'), 429, '1030')
    assert sim.dump_state()['whitelisted_ips'][0]['mask'] == 32           # only the wire changes
    assert sim.requests()[1]['api_code'] == 200                           # the log keeps integers


def assert_error_strings(answer, status, code):
    body = answer.json()
    assert answer.status_code == status
    assert (body['http_code'], body['response']['code'], body['response']['error_data']['code']) == (str(status), str(status), code)


def test_legacy_credentials_shape(sim, api, sid):
    sim.configure(credentials_shape='legacy')
    path = '/trunks/%s/credentials' % sid
    empty = api.get(path).json()
    assert empty['response'] == [] and 'metadata' not in empty
    first = api.post(path, {'user_name': 'alice', 'password': 'pw_1'}).json()['response']['data']
    second = api.post(path, {'user_name': 'bob', 'password': 'pw_2'}).json()['response']['data']
    body = api.get(path).json()
    assert 'metadata' not in body
    assert body['response'] == {'code': 200, 'error_data': None, 'status': 'success',
                                'data': {'username': 'alice', 'password': 'pw_1'}}   # AR section 6 returns it
    assert api.get(path, params={'id': second['id']}).json()['response']['data'] == {'username': 'bob', 'password': 'pw_2'}
    assert api.delete(path, params={'id': first['id']}).json()['response']['data']['user_name'] == 'alice'
    assert api.get(path).json()['response']['data']['username'] == 'bob'
    sim.configure(credentials_shape='current')
    assert [row['user_name'] for row in rows_of(api.get(path))] == ['bob']


def test_strict_profile_plays_all_readings_at_once(sim, api, sid):
    sim.configure(profile='strict', rate_limit=3, rate_window=30)
    assert_error_strings(api.get('/trunks/trmumnope/settings'), 403, '1003')
    assert whitelist(api, sid, 8).json()['response']['error_data']['description'] == 'mask should be in-between 16 and 32'
    refused = api.get('/trunks')
    assert refused.status_code == 200 and refused.json()['response']['code'] == '429' and 'Retry-After' not in refused.headers


# ---------------------------------------------------------------------------------------------
# GET /trunk-maps (NB: shape undocumented; ours is a list of {phone_number, trunk_sid, id, mode})
# ---------------------------------------------------------------------------------------------

def test_trunk_maps_says_which_trunk_a_number_is_on(api, sid):
    other = api.trunk('other')
    mapped = map_number(api, other, '+919876543210').json()['response']['data']
    answer = api.get('/trunk-maps', params={'exophone': '+919876543210'})
    body = answer.json()
    assert rows_of(answer) == [{'phone_number': '+919876543210', 'trunk_sid': other, 'id': mapped['id'], 'mode': None}]
    assert body['metadata']['first_page_uri'] == PREFIX + '/trunk-maps?offset=0&page_size=50&exophone=%2B919876543210'
    assert rows_of(api.get('/trunk-maps', params={'exophone': '+919876543210', 'trunk_sid': other}))[0]['trunk_sid'] == other
    assert api.get('/trunk-maps', params={'exophone': '+919876543210', 'trunk_sid': sid}).json()['response'] == []
    assert api.get('/trunk-maps', params={'exophone': '+918040264208'}).json()['response'] == []


def test_trunk_maps_errors(sim, api):
    assert_error(api.get('/trunk-maps'), 400, 1001, 'Mandatory Parameter missing')
    assert_error(api.get('/trunk-maps', params={'exophone': '98765'}), 400, 1001, 'Invalid parameter')
    # A raw "+" in a query string is a space (form encoding): the client must send %2B.
    assert_error(api.session.get(api.base + '/trunk-maps?exophone=+919876543210', timeout=5), 400, 1001)
    assert_error(api.get('/trunk-maps', params={'exophone': '+919876543210', 'trunk_sid': 'trmumnope'}), 404, 1003)
    sim.configure(exophones=['+918040264208'], non_exophone_error='404')
    assert_error(api.get('/trunk-maps', params={'exophone': '+919876543210'}), 404, 1000)


def test_trunk_maps_are_per_account():
    with ExotelSimulator(accounts=['acc1:key1:tok1', 'acc2:key2:tok2']) as sim:
        first, second = Api(sim.url, ('key1', 'tok1'), 'acc1'), Api(sim.url, ('key2', 'tok2'), 'acc2')
        map_number(first, first.trunk(), '+919876543210')
        assert second.get('/trunk-maps', params={'exophone': '+919876543210'}).json()['response'] == []


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def parse(*argv):
    from exotel_sim.cli import build_parser, settings_of   # pylint: disable=import-outside-toplevel
    return settings_of(build_parser().parse_args(list(argv)))


def test_every_setting_has_a_command_line_flag():
    settings = parse('--profile', 'strict', '--page-size', '3', '--rate-limit', '0', '--rate-window', '2.5',
                     '--retry-after', '--numeric-strings', '--duplicate-style', 'http409', '--missing-trunk-style', '404-1000',
                     '--settings-repost', 'envelope_duplicate', '--non-exophone-error', '400', '--reserved-fqdns', 'resolve',
                     '--mask-range', '1-32', '--domain-name-check', 'fqdn', '--empty-trunk-name', 'accept', '--rate-limit-style', 'http429',
                     '--credentials-shape', 'legacy', '--exophones', '+919876543210, +918040264208',
                     '--unresolvable-fqdns', 'a.mycompany.com', '--resolvable-fqdns', 'pbx.example.org')
    assert set(settings) == set(DEFAULT_CONFIG)
    assert settings['exophones'] == ['+919876543210', '+918040264208'] and settings['rate_window'] == 2.5
    assert SimulatorConfig(**settings).as_dict()['credentials_shape'] == 'legacy'


def test_unset_flags_leave_the_profile_alone():
    assert parse() == {}
    assert parse('--no-retry-after', '--no-numeric-strings', '--exophones', '') == {
        'retry_after': False, 'numeric_strings': False, 'exophones': []}
    with pytest.raises(SystemExit):
        parse('--profile', 'harsh')


def test_command_line_profile_banner_and_config(tmp_path):
    port_file = tmp_path / 'port'
    script = os.path.join(SIMULATOR_DIR, 'exotel_simulator.py')
    process = subprocess.Popen([sys.executable, script, '--port-file', str(port_file), '--profile', 'strict',
                                '--retry-after', '--mask-range', '1-32', '--exophones', '+919876543210'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip().rsplit(' ', 1)[1]
        assert url == 'http://127.0.0.1:%d' % int(port_file.read_text())
        assert process.stdout.readline().strip() == \
            'Exotel API simulator profile: strict (overridden: mask_range=1-32, retry_after=True)'
        config = requests.get(url + '/_simulator/config', timeout=5).json()
        assert (config['profile'], config['settings_repost'], config['retry_after'], config['exophones']) == (
            'strict', 'item_duplicate', True, ['+919876543210'])
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0


def test_package_runs_as_a_module():
    result = subprocess.run([sys.executable, '-m', 'exotel_sim', '--help'], cwd=SIMULATOR_DIR, capture_output=True,
                            text=True, timeout=10, check=False)
    assert result.returncode == 0 and '--settings-repost' in result.stdout

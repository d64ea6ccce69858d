# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator's fault actions for odd answers: looping and foreign pages, errors inside HTTP 200,
null and self-contradicting envelopes, and a failed item inside a list."""

from __future__ import annotations

import pytest

# server, sim, api and sid are test_simulator's fixtures, used here by name.
from test_simulator import (  # noqa: F401  pylint: disable=unused-import
    PREFIX, admin, api, assert_error, rows_of, server, sid, sim,
)

TRUNK = {'trunk_name': 'x', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'}


@pytest.fixture
def three_trunks(sim, api):
    sim.configure(page_size=2)
    return [api.trunk('t%d' % index) for index in range(3)]


def follow(api, uri):
    return api.session.get(api.base.split('/v2/')[0] + uri, timeout=5)


# ---------------------------------------------------------------------------------------------
# Paging faults
# ---------------------------------------------------------------------------------------------

def test_repeat_page_points_at_the_page_just_served_forever(sim, api, three_trunks):
    sim.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'repeat_page'})
    answer = api.get('/trunks')
    first_page = PREFIX + '/trunks?offset=0&page_size=2'
    assert answer.json()['metadata']['next_page_uri'] == first_page
    for _follow in range(3):
        answer = follow(api, first_page)
        assert [row['trunk_sid'] for row in rows_of(answer)] == three_trunks[:2]
        assert answer.json()['metadata']['next_page_uri'] == first_page
    last = api.get('/trunks', params={'offset': 2}).json()['metadata']      # also where there is no next page
    assert last['next_page_uri'] == PREFIX + '/trunks?offset=2&page_size=2'
    assert sim.faults()[0]['fired'] == 5 and 'times' not in sim.faults()[0]


def test_list_faults_leave_empty_lists_and_other_requests_alone(sim, api, sid):
    sim.add_fault({'action': 'repeat_page', 'times': 1})
    assert api.post('/trunks', TRUNK).json()['response']['code'] == 200        # not a list: not counted
    empty = api.get('/trunks/%s/phone-numbers' % sid).json()
    assert empty['response'] == [] and 'metadata' not in empty               # nothing to repeat
    assert (sim.faults()[0]['seen'], sim.faults()[0]['fired']) == (1, 1)


@pytest.mark.parametrize('variant, expected', [
    ('host', 'https://api.exotel.invalid' + PREFIX + '/trunks?offset=2&page_size=2'),
    ('account', '/v2/accounts/foreignaccount/trunks?offset=2&page_size=2'),
    ('both', 'https://api.exotel.invalid/v2/accounts/foreignaccount/trunks?offset=2&page_size=2'),
])
def test_foreign_next_page_variants(sim, api, three_trunks, variant, expected):
    sim.add_fault({'path': '/trunks', 'action': 'foreign_next_page', 'variant': variant})
    assert api.get('/trunks').json()['metadata']['next_page_uri'] == expected
    assert api.get('/trunks').json()['metadata']['next_page_uri'] == PREFIX + '/trunks?offset=2&page_size=2'


def test_foreign_next_page_custom_target_and_last_page(sim, api, three_trunks):
    sim.add_fault({'action': 'foreign_next_page', 'variant': 'both', 'host': 'http://127.0.0.2:9/', 'account_sid': 'acme',
                   'times': 2})
    last = api.get('/trunks', params={'offset': 2}).json()['metadata']
    assert last['next_page_uri'] == 'http://127.0.0.2:9/v2/accounts/acme/trunks?offset=2&page_size=2'
    foreign = api.get('/trunks').json()['metadata']['next_page_uri']
    # A client that keeps only the path still lands on another account: the API refuses it.
    assert_error(follow(api, foreign.split(':9', 1)[1]), 401, 1010)


# ---------------------------------------------------------------------------------------------
# Odd envelopes
# ---------------------------------------------------------------------------------------------

def test_envelope_status_carries_the_error_inside_http_200(sim, api):
    sim.add_fault([{'path': '/trunks', 'action': 'envelope_status', 'status': 429, 'retry_after': 3},
                   {'path': '/trunks', 'action': 'envelope_status', 'status': 503}])
    limited = api.get('/trunks')
    assert limited.status_code == 200 and limited.headers['Retry-After'] == '3'
    assert limited.json()['http_code'] == 200
    assert limited.json()['response'] == {'code': 429, 'status': 'failure', 'data': None, 'error_data': {
        'code': 1030, 'message': 'Rate limit exceeded', 'description': 'Too many requests'}}
    unavailable = api.get('/trunks').json()['response']
    assert (unavailable['code'], unavailable['error_data']['code'], unavailable['error_data']['message']) == (503, 503, 'Server error')
    assert [entry['api_code'] for entry in sim.requests()] == [429, 503]


def test_answering_faults_do_not_apply_the_request_unless_told(sim, api):
    sim.add_fault([{'method': 'POST', 'action': action} for action in ('envelope_status', 'null_response', 'failure_200')])
    for _action in range(3):
        assert api.post('/trunks', TRUNK).status_code == 200
    assert sim.dump_state()['trunks'] == []
    sim.add_fault({'method': 'POST', 'action': 'null_response', 'apply': True})
    assert api.post('/trunks', TRUNK).json()['response'] is None
    assert [row['trunk_name'] for row in sim.dump_state()['trunks']] == ['x']


def test_applied_status_fault_changes_state_then_fails(sim, api):
    sim.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'status', 'status': 502, 'apply': True})
    assert_error(api.post('/trunks', TRUNK), 502, 502)
    assert len(sim.dump_state()['trunks']) == 1


def test_null_response(sim, api):
    sim.add_fault({'action': 'null_response'})
    answer = api.get('/trunks')
    body = answer.json()
    assert answer.status_code == 200 and set(body) == {'request_id', 'method', 'http_code', 'response'}
    assert (body['http_code'], body['response']) == (200, None)


def test_failure_200(sim, api):
    sim.add_fault([{'action': 'failure_200'}, {'action': 'failure_200', 'code': 1020, 'description': 'Half done'}])
    assert api.get('/trunks').json()['response'] == {'code': 200, 'error_data': None, 'status': 'failure', 'data': None}
    assert api.get('/trunks').json()['response']['error_data'] == {
        'code': 1020, 'message': 'Simulated failure', 'description': 'Half done'}


def test_failed_list_item(sim, api, sid):
    numbers = ['+919876543210', '+918040264208', '+912240000000']
    for number in numbers:
        api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': number})
    sim.add_fault([{'path': '/trunks/*/phone-numbers', 'action': 'failed_list_item', 'items': [1]},
                   {'path': '/trunks/*/phone-numbers', 'action': 'failed_list_item', 'status': 404, 'code': 1003,
                    'description': 'Row unavailable'}])
    items = api.get('/trunks/%s/phone-numbers' % sid).json()['response']
    assert [item['status'] for item in items] == ['success', 'failure', 'success']
    assert items[1] == {'code': 500, 'status': 'failure', 'data': None, 'error_data': {
        'code': 500, 'message': 'Server error', 'description': 'Simulated failure'}}
    first = api.get('/trunks/%s/phone-numbers' % sid).json()['response'][0]
    assert (first['code'], first['error_data']) == (404, {'code': 1003, 'message': 'Not Found', 'description': 'Row unavailable'})
    assert [row['phone_number'] for row in rows_of(api.get('/trunks/%s/phone-numbers' % sid))] == numbers


def test_fault_answers_follow_numeric_strings(sim, api):
    sim.configure(numeric_strings=True)
    sim.add_fault({'action': 'envelope_status', 'status': 429})
    body = api.get('/trunks').json()
    assert (body['http_code'], body['response']['code'], body['response']['error_data']['code']) == ('200', '429', '1030')


@pytest.mark.parametrize('rule', [
    {'action': 'foreign_next_page', 'variant': 'elsewhere'}, {'action': 'foreign_next_page', 'host': 'ftp://x'},
    {'action': 'foreign_next_page', 'account_sid': 'a/b'}, {'action': 'delay', 'apply': True},
    {'action': 'drop', 'apply': True}, {'action': 'null_response', 'apply': 'yes'}, {'action': 'status', 'apply': 1},
    {'action': 'failed_list_item', 'items': [-1]}, {'action': 'failed_list_item', 'status': 'x'},
    {'action': 'envelope_status', 'status': 700}, {'action': 'failure_200', 'code': '1020'},
    {'action': 'failure_200', 'description': 5},
])
def test_invalid_new_fault_rules_are_refused(sim, rule):
    with pytest.raises(ValueError):
        sim.add_fault(rule)
    assert admin(sim, 'POST', 'faults', rule)[0] == 400

"""The recording session of the live check (module_utils/_recording.py): what it keeps of each exchange, and what it never keeps.

Answers are scripted (tests/unit/_fakes.py), so every shape can be shown: envelopes, lists, errors,
answers that are not JSON, a request that raises.
"""

import json

import pytest
import requests

from _fakes import Answer, FakeSession
from ansible_collections.exotel.sip_trunking.plugins.module_utils import _recording as rec
from ansible_collections.exotel.sip_trunking.plugins.module_utils._recording import Exchange, RecordingSession, compact, masked

BASE = 'https://api.in.exotel.com/v2/accounts/exoteltest'


def envelope(data, code=200, status='success', error=None, http_code=200, **extra):
    body = {'request_id': 'r1', 'method': 'GET', 'http_code': http_code,
            'response': {'code': code, 'status': status, 'error_data': error, 'data': data}}
    body.update(extra)
    return body


def recorded(answer, method='GET', url=BASE + '/trunks', **kwargs):
    session = RecordingSession(FakeSession(answer))
    session.request(method, url, **kwargs)
    return session, session.exchanges[0]


# ------------------------------------------------------------------ masked and compact

def test_masked_replaces_every_password_value_at_any_depth():
    value = {'password': 'Secret_1', 'user_name': 'u', 'items': [{'password': 'p2', 'id': 3}, 'password', 4],
             'nested': {'data': {'password': ''}}, 'empty': {'password': None}}
    assert masked(value) == {'password': '********', 'user_name': 'u', 'items': [{'password': '********', 'id': 3}, 'password', 4],
                             'nested': {'data': {'password': '********'}}, 'empty': {'password': None}}
    assert masked('password') == 'password' and masked(None) is None and masked([1, [2]]) == [1, [2]]
    assert rec.MASK == '********' and rec.SECRET_KEYS == ('password',)


def test_compact_sorts_keys_drops_noise_and_writes_null():
    value = {'b': [1, None, {'y': True, 'x': 'a b'}], 'a': None, 'date_created': 'x', 'request_id': 'r', 'credentials': '/c',
             'destination_uris': 1, 'phone_numbers': 2, 'whitelisted_ips': 3, 'date_updated': 4}
    assert compact(value) == '{a: null, b: [1, null, {x: a b, y: True}]}'
    assert compact([]) == '[]' and compact({}) == '{}' and compact(7) == '7' and compact(None) == 'null'


def test_account_relative_paths_and_queries():
    assert rec._account_relative(BASE + '/trunks/T1/settings?name=a&id=2') == ('/trunks/T1/settings', {'name': 'a', 'id': '2'})
    assert rec._account_relative(BASE) == ('/', {})
    assert rec._account_relative('https://h/other/path?x=1') == ('/other/path', {'x': '1'})


# ------------------------------------------------------------------ what an exchange tells

def test_a_single_envelope():
    session, exchange = recorded(Answer(200, envelope({'id': '41', 'date_created': 'now'})), params={'page_size': 5, 'offset': 0})
    assert (exchange.method, exchange.path, exchange.query, exchange.sent) == ('GET', '/trunks', {'page_size': '5', 'offset': '0'}, None)
    assert exchange.status == 200 and exchange.retry_after is None and exchange.tag is None
    assert exchange.response == envelope(None)['response'] | {'data': {'id': '41', 'date_created': 'now'}}
    assert exchange.data == {'id': '41', 'date_created': 'now'} and exchange.metadata is None
    assert exchange.api_status == 200 and exchange.error == {}
    assert exchange.request_line() == 'GET /trunks?offset=0&page_size=5'
    assert exchange.outcome() == 'HTTP 200'
    assert exchange.excerpt() == '{id: 41}'
    assert exchange.describe() == 'GET /trunks?offset=0&page_size=5 -> HTTP 200: {id: 41}'
    assert session.since(0) == [exchange] and session.since(1) == []


def test_an_error_in_a_200_shows_every_code_once():
    error = {'code': '1008', 'message': 'Duplicate resource', 'description': 'Unable to create trunk'}
    _session, exchange = recorded(Answer(200, envelope(None, code='409', status='failure', error=error)), method='POST')
    assert exchange.api_status == 409 and exchange.error == error
    assert exchange.outcome() == 'HTTP 200, code 409, error 1008'
    assert exchange.excerpt() == 'Unable to create trunk'
    error.pop('description')
    _session, exchange = recorded(Answer(200, envelope(None, code='409', status='failure', error=error)), method='POST')
    assert exchange.excerpt() == 'Duplicate resource'
    assert exchange.describe(12) == 'POST /trunks -> HTTP 200, code 409, error 1008: Duplicate...'


def test_an_http_error_whose_code_matches_shows_it_once():
    body = {'http_code': 404, 'response': {'code': 404, 'status': 'failure', 'data': None,
                                           'error_data': {'code': 1000, 'message': 'Not Found'}}}
    _session, exchange = recorded(Answer(404, body))
    assert exchange.outcome() == 'HTTP 404, error 1000'
    assert exchange.excerpt() == 'Not Found'


def test_a_list_answer_reads_the_first_failed_item():
    items = [{'code': 200, 'status': 'success', 'error_data': None, 'data': {'id': 1}},
             'not an item',
             {'code': 400, 'status': 'failure', 'error_data': 'not a dict', 'data': None},
             {'code': 400, 'status': 'failure', 'error_data': {'code': 1002, 'description': 'Destination   not\nwhitelisted'}}]
    body = {'http_code': 207, 'response': items, 'metadata': {'total': 4, 'success': 1, 'failed': 3}}
    _session, exchange = recorded(Answer(207, body), method='POST')
    assert exchange.response == items and exchange.data is None
    assert exchange.metadata == {'total': 4, 'success': 1, 'failed': 3}
    assert exchange.api_status == 207
    assert exchange.error == {'code': 1002, 'description': 'Destination   not\nwhitelisted'}
    assert exchange.outcome() == 'HTTP 207, error 1002'
    assert exchange.excerpt() == 'Destination not whitelisted'


def test_an_empty_list_and_a_response_without_a_code():
    _session, exchange = recorded(Answer(200, {'response': []}))
    assert exchange.excerpt() == '[]' and exchange.api_status == 200 and exchange.error == {}
    _session, exchange = recorded(Answer(200, {'response': {'status': 'success', 'data': None, 'error_data': None}}))
    assert exchange.api_status == 200 and exchange.data is None
    assert exchange.excerpt() == '{data: null, error_data: null, status: success}'
    _session, exchange = recorded(Answer(200, {'response': {'code': None, 'data': 0}}))
    assert exchange.api_status == 200 and exchange.excerpt() == '0'


def test_answers_that_are_not_json_or_not_an_object():
    _session, exchange = recorded(Answer(502, text='<html>  <h1>502 Bad\nGateway</h1></html>'))
    assert exchange.body is None and exchange.response is None and exchange.metadata is None and exchange.data is None
    assert exchange.text == '<html> <h1>502 Bad Gateway</h1></html>'
    assert exchange.error == {} and exchange.api_status == 502
    assert exchange.describe() == 'GET /trunks -> HTTP 502: <html> <h1>502 Bad Gateway</h1></html>'
    _session, exchange = recorded(Answer(200, [1, 2]))
    assert exchange.body == [1, 2] and exchange.response is None and exchange.excerpt() == '[1, 2]'
    _session, exchange = recorded(Answer(204, text=''))
    assert exchange.body is None and exchange.text == '' and exchange.excerpt() == ''
    _session, exchange = recorded(Answer(200, text='x' * 300))
    assert exchange.text == 'x' * rec.EXCERPT_CHARACTERS
    assert exchange.excerpt() == 'x' * 140 and exchange.excerpt(200) == 'x' * 140
    assert exchange.excerpt(139) == 'x' * 136 + '...' and exchange.excerpt(4) == 'x...'
    _session, exchange = recorded(Answer(200, envelope({'name': 'y' * 300})))
    assert exchange.excerpt() == '{name: ' + 'y' * 130 + '...'


def test_the_retry_after_header_is_kept():
    _session, exchange = recorded(Answer(429, envelope(None, code=429, error={'code': 1030}), headers={'Retry-After': '7'}))
    assert exchange.retry_after == '7' and exchange.status == 429
    assert exchange.outcome() == 'HTTP 429, error 1030'


def test_a_request_that_raises_is_kept_and_raised():
    session = RecordingSession(FakeSession(requests.ConnectionError('refused')))
    session.tag = 'probe'
    with pytest.raises(requests.ConnectionError):
        session.request('DELETE', BASE + '/trunks', params={'trunk_sid': 'T1'})
    exchange = session.exchanges[0]
    assert (exchange.status, exchange.text, exchange.tag, exchange.body) == (None, 'ConnectionError', 'probe', None)
    assert exchange.outcome() == 'no answer (ConnectionError)'
    assert exchange.describe() == 'DELETE /trunks?trunk_sid=T1 -> no answer (ConnectionError): ConnectionError'


def test_an_exchange_made_by_hand():
    exchange = Exchange('PUT', '/x', {}, {'a': 1})
    assert (exchange.status, exchange.retry_after, exchange.body, exchange.text, exchange.tag) == (None, None, None, '', None)
    assert exchange.outcome() == 'no answer ()' and exchange.request_line() == 'PUT /x'
    exchange = Exchange('GET', '/y', {'a': '1'}, None, status=429, retry_after='5', body={'response': []}, text='[]', tag='t')
    assert (exchange.status, exchange.retry_after, exchange.body, exchange.text, exchange.tag) == (429, '5', {'response': []}, '[]', 't')


# ------------------------------------------------------------------ what is passed on, what is kept

def test_the_request_is_passed_on_unchanged_and_its_answer_returned():
    answer = Answer(200, envelope([]))
    fake = FakeSession(answer)
    session = RecordingSession(fake)
    body = json.dumps({'user_name': 'u', 'password': 'Secret_1'})
    got = session.request('POST', BASE + '/trunks/T1/credentials?x=1', params={'page_size': 2}, data=body,
                          headers={'Authorization': 'Basic c2VjcmV0'}, timeout=9, verify=False)
    assert got is answer
    assert fake.sent == [{'method': 'POST', 'url': BASE + '/trunks/T1/credentials?x=1', 'params': {'page_size': 2}, 'data': body,
                          'body': {'user_name': 'u', 'password': 'Secret_1'}, 'headers': {'Authorization': 'Basic c2VjcmV0'},
                          'timeout': 9, 'verify': False}]
    exchange = session.exchanges[0]
    assert exchange.query == {'x': '1', 'page_size': '2'}
    assert exchange.sent == {'user_name': 'u', 'password': '********'}
    assert 'c2VjcmV0' not in json.dumps(vars(exchange)) and 'Secret_1' not in json.dumps(vars(exchange))


def test_registered_secrets_are_redacted_from_everything_kept():
    secret = 'tok3n-value'
    answer_body = envelope({'note': 'echo %s' % secret, 'password': secret, 'friendly_name': 'x'})
    session = RecordingSession(FakeSession(Answer(200, answer_body)))
    session.redact = lambda text: text.replace(secret, '[gone]')
    session.request('PUT', BASE + '/trunks/T1', data=json.dumps({'friendly_name': secret, 'password': secret}))
    exchange = session.exchanges[0]
    assert exchange.sent == {'friendly_name': '[gone]', 'password': '********'}
    assert exchange.data == {'note': 'echo [gone]', 'password': '********', 'friendly_name': 'x'}
    assert secret not in exchange.text and secret not in exchange.describe()


class Plain:
    """A session that answers 200 to anything (FakeSession parses every body it is sent)."""

    def request(self, *_args, **_kwargs):
        return Answer(200, envelope(None))


def test_a_body_sent_that_is_not_json_is_not_kept():
    session = RecordingSession(Plain())
    session.request('POST', BASE + '/trunks', data='password=Secret_1')
    session.request('POST', BASE + '/trunks', data='')
    assert [exchange.sent for exchange in session.exchanges] == ['<a body that is not JSON>', None]


def test_clean_keeps_null_and_plain_values():
    session = RecordingSession(FakeSession())
    assert session._clean(None) is None
    assert session._clean(0) == 0 and session._clean([]) == [] and session._clean('') == ''
    assert session._sent(None) is None and session._sent('null') is None and session._sent('0') == 0


def test_since_and_tags():
    session = RecordingSession(FakeSession(*[Answer(200, envelope(None)) for _index in range(4)]))
    for tag in (None, 'a', 'b', 'a'):
        session.tag = tag
        session.request('GET', BASE + '/trunks')
    assert [exchange.tag for exchange in session.exchanges] == [None, 'a', 'b', 'a']
    assert session.since(1) == session.exchanges[1:]
    assert session.since(0, 'a') == [session.exchanges[1], session.exchanges[3]]
    assert session.since(2, 'a') == [session.exchanges[3]]
    assert session.since(0, 'c') == []


def test_a_real_requests_session_by_default():
    session = RecordingSession()
    assert isinstance(session._session, requests.Session)
    assert session.exchanges == [] and session.tag is None and session.redact('abc') == 'abc'


def test_a_secret_cut_by_the_excerpt_is_still_redacted():
    """The answer's text is cut to 140 characters: a secret across the cut must not leave its first part."""
    secret = 'S3cretTokenValue'
    text = 'a' * 130 + secret + 'b' * 20
    session = RecordingSession(FakeSession(Answer(500, text=text)))
    session.redact = lambda value: value.replace(secret, '********')
    session.request('GET', BASE + '/trunks')
    kept = session.exchanges[0].text
    assert kept == ('a' * 130 + '********' + 'b' * 20)[:rec.EXCERPT_CHARACTERS]
    assert secret[:10] not in kept

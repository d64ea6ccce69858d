"""ExotelClient's transport and error layer, value by value, with a scripted fake session and fake clocks.

What it proves: the exact request the client sends (URL, headers, body, timeout, TLS check), how
many attempts it makes and how long it sleeps between them (Retry-After, backoff, the caps), the
exact message, type and fields of every error it raises (answers that are not the API's envelope,
refusals, transport failures, failed list and batch items), the redaction of secrets, the
request figures and wait warnings of a task, and the small pure helpers these are built from
(sliding-window pacer, code parsing, connection problems in words).
"""

import base64
import json

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client as c
from _fakes import Answer, FakeSession

BASE = 'https://api.in.exotel.com'
SID = 'exoteltest'
KEY = 'k3y'
TOKEN = 'a1b2c3d4e5f6g7h8i9j0'
EXC = c.requests.exceptions
GAVE_UP_ONCE = ' (gave up after 1 attempt and 0.0 s of waiting)'


def client_with(*answers, **kwargs):
    sleeps = []
    session = FakeSession(*answers)
    kwargs.setdefault('max_retries', 3)
    kwargs.setdefault('sleep', sleeps.append)
    client = c.ExotelClient(SID, KEY, kwargs.pop('token', TOKEN), kwargs.pop('base_url', BASE), session=session,
                            pacer='process', **kwargs)
    return client, session, sleeps


@pytest.fixture
def upper_backoff(monkeypatch):
    """Every random backoff takes the top of its range, so sleeps can be asserted exactly."""
    monkeypatch.setattr(c.random, 'uniform', lambda low, high: high)


def ok(data, code=200):
    return Answer(200, {'request_id': 'r1', 'http_code': 200,
                        'response': {'code': code, 'error_data': None, 'status': 'success', 'data': data}})


def refusal(http, code, error_code=None, message=None, description=None, request_id='r9'):
    error = {'code': error_code, 'message': message, 'description': description}
    return Answer(http, {'request_id': request_id, 'http_code': http,
                         'response': {'code': code, 'status': 'failure', 'data': None, 'error_data': error}})


def raised(client, method='GET', path='trunks', **kwargs):
    with pytest.raises(c.ExotelError) as info:
        client.call(method, path, **kwargs)
    return info.value


# ------------------------------------------------------------------------------ error values

def test_an_error_lists_every_field_and_its_message_is_its_text():
    error = c.ExotelError('boom', http_status=200, api_code=1008, error_message='Duplicate', description='exists',
                          request_id='r1', method='POST', path='trunks', api_status=409)
    assert str(error) == 'boom'
    assert error.to_dict() == {'message': 'boom', 'http_status': 200, 'api_status': 409, 'api_code': 1008,
                               'error_message': 'Duplicate', 'description': 'exists', 'request_id': 'r1',
                               'method': 'POST', 'path': 'trunks'}


def test_an_errors_api_status_is_its_http_status_unless_given():
    assert c.ExotelError('x', http_status=503).to_dict() == {
        'message': 'x', 'http_status': 503, 'api_status': 503, 'api_code': None, 'error_message': None,
        'description': None, 'request_id': None, 'method': None, 'path': None}


def test_an_item_result_lists_item_outcome_data_and_error():
    assert c.ItemResult({'name': 'a'}, True, data={'id': '1'}).to_dict() == {
        'item': {'name': 'a'}, 'ok': True, 'data': {'id': '1'}, 'error': None}
    assert c.ItemResult('x', False, error={'api_code': 1}).to_dict() == {
        'item': 'x', 'ok': False, 'data': None, 'error': {'api_code': 1}}


# ------------------------------------------------------------------------------ pure helpers

@pytest.mark.parametrize('value, expected', [
    ('409', 409), (' 1008 ', 1008), (207, 207), (True, True), (False, False), (None, None),
    ('abc', 'abc'), ([1], [1]), ({'a': 1}, {'a': 1}),
])
def test_as_int_reads_numbers_sent_as_strings_and_leaves_anything_else(value, expected):
    result = c.as_int(value)
    assert result == expected and type(result) is type(expected)  # pylint: disable=unidiomatic-typecheck


@pytest.mark.parametrize('code, expected', [
    (199, False), (200, True), ('204', True), (299, True), (300, False), (None, False), ('x', False),
])
def test_a_2xx_code_is_200_to_299(code, expected):
    assert c._is_2xx(code) is expected  # pylint: disable=protected-access


@pytest.mark.parametrize('item, expected', [
    ({}, True), ({'code': 201}, True), ({'code': 409}, False), ({'status': 'failure'}, False),
    ({'code': 200, 'status': 'success'}, True), ({'code': None}, False),
])
def test_an_envelope_is_ok_when_its_code_is_2xx_and_its_status_not_failure(item, expected):
    assert c._item_ok(item) is expected  # pylint: disable=protected-access


@pytest.mark.parametrize('status, parsed, expected', [
    (200, {'response': {'code': '409'}}, 409),
    (299, {'response': {'code': 429}}, 429),
    (200, {'response': {'code': None}}, 200),
    (200, {'response': {'code': 'soon'}}, 200),
    (200, {'response': [{'code': 409}]}, 200),
    (200, None, 200),
    (503, {'response': {'code': 200}}, 503),
    (300, {'response': {'code': 200}}, 300),
])
def test_the_effective_status_is_response_code_inside_a_2xx_only(status, parsed, expected):
    assert c._effective_status(status, parsed) == expected  # pylint: disable=protected-access


def test_ids_become_strings_in_a_copy():
    row = {'id': 5, 'ip': '1.2.3.4'}
    assert c._normalize_ids(row) == {'id': '5', 'ip': '1.2.3.4'}  # pylint: disable=protected-access
    assert row == {'id': 5, 'ip': '1.2.3.4'}
    assert c._normalize_ids({'id': None}) == {'id': None}  # pylint: disable=protected-access
    assert c._normalize_ids([{'id': 5}]) == [{'id': 5}]  # pylint: disable=protected-access


@pytest.mark.parametrize('body, expected', [
    ({'response': {'code': '400', 'error_data': {'code': '1002', 'message': 'm', 'description': 'd'}}},
     (400, 1002, 'm', 'd')),
    ({'response': [{'code': 200, 'status': 'success'}, {'code': 404, 'error_data': {'code': 1000}},
                   {'code': 409, 'error_data': {'code': 1008}}]}, (404, 1000, None, None)),
    ({'response': {'code': 500, 'error_data': 'database down'}}, (500, None, None, 'database down')),
    ({'response': {'code': 500, 'error_data': None}}, (500, None, None, None)),
    ({'response': [{'code': 200}]}, (None, None, None, None)),
    ({'response': 'text'}, (None, None, None, None)),
    (['not', 'a', 'dict'], (None, None, None, None)),
])
def test_error_fields_come_from_the_envelope_or_its_first_failed_item(body, expected):
    assert c._error_fields(body) == expected  # pylint: disable=protected-access


@pytest.mark.parametrize('exc, expected', [
    (EXC.SSLError('certificate verify failed'),
     'TLS verification failed (check the certificate, or set validate_certs=false for a test endpoint)'),
    (EXC.ConnectTimeout('Connection to host timed out'), 'the connection timed out'),
    (EXC.ReadTimeout('Read timed out. Connection refused'), None),
    (EXC.ConnectionError('[Errno 111] Connection refused'), 'connection refused'),
    (EXC.ConnectionError('[Errno -2] Name or service not known'), 'host name not found'),
    (EXC.ConnectionError('NameResolutionError: cannot resolve'), 'host name not found'),
    (EXC.ConnectionError('[Errno 11001] getaddrinfo failed'), 'host name not found'),
    (EXC.ConnectionError('[Errno 113] No route to host'), 'no route to host'),
    (EXC.ConnectionError('[Errno 101] Network is unreachable'), 'network unreachable'),
    (EXC.ConnectionError('Connection reset by peer'), 'the connection was dropped before an answer came'),
])
def test_a_connection_problem_is_told_in_a_few_words(exc, expected):
    assert c._connection_problem(exc) == expected  # pylint: disable=protected-access


@pytest.mark.parametrize('exc, expected', [
    (EXC.ConnectTimeout('timed out'), True),
    (EXC.ConnectionError('Max retries exceeded (Caused by NewConnectionError(...))'), True),
    (EXC.ConnectionError('Connection refused'), True),
    (EXC.ConnectionError('Caused by NameResolutionError(...)'), True),
    (EXC.ConnectionError('Connection reset by peer'), False),
    (EXC.ReadTimeout('Read timed out'), False),
])
def test_a_request_never_sent_is_told_from_one_whose_answer_was_lost(exc, expected):
    assert c._never_sent(exc) is expected  # pylint: disable=protected-access


@pytest.mark.parametrize('exc, sent', [
    (EXC.ConnectTimeout('timed out'), 2),
    (EXC.ConnectionError('Caused by NewConnectionError(...)'), 2),
    (EXC.ConnectionError('Connection reset by peer'), 1),
    (EXC.ReadTimeout('Read timed out'), 1),
])
def test_a_post_is_sent_again_only_when_the_first_never_left(exc, sent):
    client, session, _sleeps = client_with(exc, ok({'id': 7}))
    if sent == 2:
        assert client.call('POST', 'trunks', body={'trunk_name': 't'}) == {'id': '7'}
    else:
        with pytest.raises(c.ExotelResponseLost):
            client.call('POST', 'trunks', body={'trunk_name': 't'})
    assert len(session.sent) == sent


# ------------------------------------------------------------------------------ pacer and stats

def fake_clock(*times):
    readings = list(times)
    return lambda: readings.pop(0)


def test_the_pacer_sleeps_until_the_oldest_request_leaves_the_window():
    sleeps = []
    pacer = c.RequestPacer(limit=2, window=10, clock=fake_clock(0, 1, 3, 10, 20, 21), sleep=sleeps.append)
    pacer.wait()
    pacer.wait()
    pacer.wait()   # a third request at t=3: wait until t=10, when the one of t=0 leaves
    assert sleeps == [7]
    pacer.wait()   # t=20: the request of t=1 left exactly one window later, the one of t=10 has too
    pacer.wait()   # t=21: two in the window (20, 21) is within the limit
    assert sleeps == [7]


def test_the_pacer_forgets_a_request_exactly_one_window_old():
    sleeps = []
    pacer = c.RequestPacer(limit=1, window=10, clock=fake_clock(0, 10), sleep=sleeps.append)
    pacer.wait()
    pacer.wait()
    assert not sleeps


@pytest.mark.parametrize('limit', [0, None, -1])
def test_a_pacer_without_a_positive_limit_never_waits(limit):
    sleeps = []
    pacer = c.RequestPacer(limit=limit, window=10, clock=fake_clock(), sleep=sleeps.append)
    for _request in range(3):
        pacer.wait()
    assert not sleeps


def test_a_pacer_of_one_request_paces_each():
    sleeps = []
    pacer = c.RequestPacer(limit=1, window=10, clock=fake_clock(0, 4, 10), sleep=sleeps.append)
    pacer.wait()
    pacer.wait()
    assert sleeps == [6]


def test_the_pacer_defaults_to_200_requests_a_minute():
    sleeps = []
    pacer = c.RequestPacer(clock=fake_clock(*([5] * 201 + [65])), sleep=sleeps.append)
    for _request in range(201):
        pacer.wait()
    assert sleeps == [60.0]
    assert (pacer.limit, pacer.window) == (200, 60.0)


def test_the_pacer_defaults_to_the_monotonic_clock_and_a_real_sleep():
    pacer = c.RequestPacer(limit=1, window=0.001)
    pacer.wait()
    pacer.wait()
    assert len(pacer._sent) == 1  # pylint: disable=protected-access


@pytest.mark.parametrize('number, noun, expected', [(1, 'answer', '1 answer'), (0, 'answer', '0 answers'),
                                                    (2, 'attempt', '2 attempts')])
def test_counts_agree_with_their_noun(number, noun, expected):
    assert c._count(number, noun) == expected  # pylint: disable=protected-access


@pytest.mark.parametrize('number, expected', [(1, 'once'), (2, 'twice'), (3, '3 times'), (12, '12 times')])
def test_repetitions_are_told_in_words(number, expected):
    assert c._times(number) == expected  # pylint: disable=protected-access


def test_figures_add_every_wait_rounded_to_a_tenth():
    stats = c.ApiStats()
    stats.requests, stats.writes, stats.rate_limited = 9, 4, 2
    stats.rate_limit_seconds, stats.retry_seconds = 1.23, 2.0
    stats.retried.update({'HTTP 429': 2, 'HTTP 503': 1})
    assert stats.figures(0.04) == {'requests': 9, 'writes': 4, 'retries': 3, 'rate_limited': 2,
                                   'waited_seconds': 3.3}


def test_fresh_stats_are_all_zero_and_warn_of_nothing():
    stats = c.ApiStats()
    assert stats.figures(0.0) == {'requests': 0, 'writes': 0, 'retries': 0, 'rate_limited': 0,
                                  'waited_seconds': 0.0}
    assert stats.warning(0.99) is None


def test_the_warning_tells_rate_limit_waits_and_each_other_retry():
    stats = c.ApiStats()
    stats.rate_limited, stats.rate_limit_seconds = 4, 3.0
    stats.retried.update({'HTTP 429': 4, 'connection refused': 1, 'HTTP 503': 2})
    assert stats.warning(1.4) == ('waited 4 s for the API rate limit (4 answers of 429); '
                                  'retried twice after HTTP 503; retried once after connection refused')


def test_a_second_of_pacing_alone_is_worth_a_warning():
    stats = c.ApiStats()
    assert stats.warning(1.0) == 'waited 1 s for the API rate limit'
    stats.rate_limit_seconds = 0.5
    assert stats.warning(0.4) is None


def test_one_answer_of_429_is_worth_a_warning_even_without_a_wait():
    stats = c.ApiStats()
    stats.rate_limited = 1
    assert stats.warning(0.0) == 'waited 0 s for the API rate limit (1 answer of 429)'


def test_retries_alone_are_warned_without_a_rate_limit_part():
    stats = c.ApiStats()
    stats.retried.update({'a timeout': 3})
    assert stats.warning(0.0) == 'retried 3 times after a timeout'


# ------------------------------------------------------------------------------ the request sent

def expected_authorization(key, token):
    return 'Basic %s' % base64.b64encode(('%s:%s' % (key, token)).encode('utf-8')).decode('ascii')


def test_without_requests_the_client_says_what_is_missing(monkeypatch):
    monkeypatch.setattr(c, 'HAS_REQUESTS', False)
    with pytest.raises(RuntimeError) as info:
        c.ExotelClient(SID, KEY, TOKEN, BASE, session=FakeSession(), pacer='process')
    assert str(info.value) == 'the requests library is required'


def test_a_read_sends_exactly_the_auth_accept_and_agent_headers_with_the_defaults():
    client, session, _sleeps = client_with(ok({'id': 1}))
    assert client.call('GET', 'trunks', params={'page_size': 50}) == {'id': '1'}
    assert session.sent == [{
        'method': 'GET', 'url': BASE + '/v2/accounts/exoteltest/trunks', 'params': {'page_size': 50}, 'data': None,
        'body': None,
        'headers': {'Authorization': expected_authorization(KEY, TOKEN), 'Accept': 'application/json',
                    'User-Agent': 'exotel.sip_trunking/1.0.0 (Ansible collection)'},
        'timeout': 30, 'verify': True}]


def test_a_write_sends_its_body_as_json_and_later_reads_do_not_inherit_the_content_type():
    client, session, _sleeps = client_with(ok(None), ok(None), ok(None), base_url=BASE + '/', timeout=7,
                                           validate_certs=False)
    client.call('POST', 'trunks', body={'trunk_name': 'a'})
    client.call('PUT', 'trunks/x', body={})
    client.call('GET', 'trunks')
    post, put, get = session.sent
    assert post['headers']['Content-Type'] == 'application/json'
    assert json.loads(post['data']) == {'trunk_name': 'a'}
    assert (put['data'], put['headers']['Content-Type']) == ('{}', 'application/json')
    assert 'Content-Type' not in get['headers'] and get['data'] is None
    account = BASE + '/v2/accounts/exoteltest/'
    assert [s['url'] for s in session.sent] == [account + 'trunks', account + 'trunks/x', account + 'trunks']
    assert set((s['timeout'], s['verify']) for s in session.sent) == {(7, False)}


def test_requests_and_writes_are_counted():
    client, _session, _sleeps = client_with(ok(None), ok(None), ok(None), ok(None))
    for method in ('GET', 'POST', 'DELETE', 'GET'):
        client.call(method, 'trunks')
    assert client.request_count == 4
    assert client.figures() == {'requests': 4, 'writes': 2, 'retries': 0, 'rate_limited': 0, 'waited_seconds': 0.0}


@pytest.mark.parametrize('path, url', [
    ('trunks', '/v2/accounts/exoteltest/trunks'),
    ('/trunks/t1/settings', '/v2/accounts/exoteltest/trunks/t1/settings'),
    ('/v2/accounts/other/trunks?offset=50&page_size=50', '/v2/accounts/exoteltest/trunks?offset=50&page_size=50'),
    ('https://elsewhere.example/v2/accounts/other/trunks?offset=1', '/v2/accounts/exoteltest/trunks?offset=1'),
    ('/v2/accounts/other', '/v2/accounts/exoteltest'),
    ('trunks?', '/v2/accounts/exoteltest/trunks'),
    ('/X-trunks', '/v2/accounts/exoteltest/X-trunks'),
])
def test_every_path_is_sent_to_the_configured_host_and_account(path, url):
    client, session, _sleeps = client_with(ok(None))
    client.call('GET', path)
    assert session.sent[0]['url'] == BASE + url


def test_call_returns_the_data_of_an_object_and_a_list_answer_as_it_is():
    rows = [{'code': 200, 'status': 'success', 'data': {'id': 1}}]
    client, _session, _sleeps = client_with(ok({'id': 3, 'name': 'n'}), Answer(200, {'response': rows}))
    assert client.call('GET', 'trunks') == {'id': '3', 'name': 'n'}
    assert client.call('GET', 'trunks') == rows


# ------------------------------------------------------------------------------ retries and sleeps

@pytest.mark.parametrize('attempt, rate_limited, low, high', [
    (0, False, 0.25, 0.5), (3, False, 2.0, 4.0), (6, False, 10.0, 20.0),
    (0, True, 2.5, 5.0), (3, True, 20.0, 40.0), (4, True, 30.0, 60.0),
])
def test_backoff_doubles_up_to_its_cap(monkeypatch, attempt, rate_limited, low, high):
    monkeypatch.setattr(c.random, 'uniform', lambda a, b: (a, b))
    client, _session, _sleeps = client_with()
    assert client._retry_delay(attempt, rate_limited=rate_limited) == (low, high)  # pylint: disable=protected-access


@pytest.mark.parametrize('retry_after, expected', [('7', 7.0), (' 2.5 ', 2.5), ('-3', 0.0), (0, 0.0)])
def test_retry_after_is_the_delay_never_below_zero(retry_after, expected):
    client, _session, _sleeps = client_with()
    assert client._retry_delay(9, retry_after, True) == expected  # pylint: disable=protected-access


@pytest.mark.usefixtures('upper_backoff')
def test_an_unreadable_retry_after_falls_back_to_the_backoff():
    client, _session, _sleeps = client_with(backoff_base=1)
    assert client._retry_delay(1, 'soon', True) == 20.0  # pylint: disable=protected-access
    assert client._retry_delay(1, [], False) == 2.0  # pylint: disable=protected-access


@pytest.mark.usefixtures('upper_backoff')
def test_a_failing_read_is_tried_max_retries_plus_one_times():
    client, session, sleeps = client_with(*[refusal(503, 503, message='Unavailable')] * 3, max_retries=2)
    error = raised(client)
    assert len(session.sent) == 3 and sleeps == [0.5, 1.0]
    assert error.message == str(error) == ('Exotel API GET trunks failed: HTTP 503, code 503: Unavailable'
                                           ' (gave up after 3 attempts and 1.5 s of waiting)')
    assert error.args == (error.message,)
    assert client.stats.retried == {'HTTP 503': 2}
    assert (client.stats.retry_seconds, client.stats.rate_limit_seconds) == (1.5, 0.0)
    assert client.figures()['retries'] == 2


@pytest.mark.parametrize('retry_max_wait, attempts', [(1.5, 3), (1.4, 2)])
@pytest.mark.usefixtures('upper_backoff')
def test_retries_stop_before_the_total_wait_would_exceed_retry_max_wait(retry_max_wait, attempts):
    client, session, _sleeps = client_with(*[refusal(503, 503)] * 3, max_retries=10, retry_max_wait=retry_max_wait)
    error = raised(client)
    assert len(session.sent) == attempts
    assert error.message.endswith('(gave up after %d attempts and %.1f s of waiting)' % (
        attempts, [0, 0.5, 1.5][attempts - 1]))


@pytest.mark.parametrize('retry_after, attempts', [('150', 3), ('150.5', 2)])
def test_by_default_a_task_waits_at_most_300_seconds(retry_after, attempts):
    limited = Answer(429, {'response': {'code': 429}}, headers={'Retry-After': retry_after})
    sleeps = []
    client = c.ExotelClient(SID, KEY, TOKEN, BASE, session=FakeSession(*[limited] * 6), sleep=sleeps.append,
                            pacer='process')
    raised(client)
    assert sleeps == [float(retry_after)] * (attempts - 1)


@pytest.mark.usefixtures('upper_backoff')
def test_by_default_five_retries_start_at_half_a_second():
    sleeps = []
    session = FakeSession(*[refusal(502, 502)] * 7)
    client = c.ExotelClient(SID, KEY, TOKEN, BASE, session=session, sleep=sleeps.append, pacer='process')
    raised(client)
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0] and len(session.sent) == 6
    assert client.pacer.limit == 200


def test_a_429_is_retried_after_retry_after_and_counted_as_a_rate_limit_wait():
    client, session, sleeps = client_with(Answer(429, {'response': {'code': 429}}, headers={'Retry-After': '3'}),
                                          ok({'id': 'x'}))
    assert client.call('POST', 'trunks', body={}) == {'id': 'x'}
    assert sleeps == [3.0] and len(session.sent) == 2
    assert client.figures() == {'requests': 2, 'writes': 2, 'retries': 1, 'rate_limited': 1, 'waited_seconds': 3.0}
    assert (client.stats.rate_limit_seconds, client.stats.retry_seconds) == (3.0, 0.0)
    assert client.warnings() == ['waited 3 s for the API rate limit (1 answer of 429)']


def test_a_429_inside_a_200_that_is_never_lifted_says_what_the_limit_is():
    client, _session, _sleeps = client_with(refusal(200, 429, 1030, 'Too Many Requests', 'slow down'), max_retries=0)
    error = raised(client)
    assert type(error) is c.ExotelError  # pylint: disable=unidiomatic-typecheck
    assert error.message == ('Exotel API GET trunks failed: HTTP 200, code 429 (error 1030): Too Many Requests; '
                             'slow down. The API allows 200 requests per minute per account' + GAVE_UP_ONCE)
    assert (error.http_status, error.api_status, error.api_code) == (200, 429, 1030)
    assert client.stats.rate_limited == 1


@pytest.mark.parametrize('exc, reason', [
    (EXC.ConnectionError('Connection refused'), 'connection refused'),
    (EXC.ReadTimeout('read timed out'), 'a timeout'),
])
@pytest.mark.usefixtures('upper_backoff')
def test_a_read_is_retried_after_a_transport_failure_named_by_its_cause(exc, reason):
    client, _session, sleeps = client_with(exc, ok({'id': 1}))
    assert client.call('GET', 'trunks') == {'id': '1'}
    assert sleeps == [0.5] and client.stats.retried == {reason: 1}
    assert client.warnings() == ['retried once after %s' % reason]


def test_a_5xx_answer_to_a_post_is_a_lost_answer_with_the_apis_fields():
    client, session, _sleeps = client_with(refusal(200, '503', '1500', 'Unavailable', 'try later', 'r5'))
    error = raised(client, 'POST', 'trunks', body={'trunk_name': 't'})
    assert type(error) is c.ExotelResponseLost  # pylint: disable=unidiomatic-typecheck
    assert len(session.sent) == 1
    assert error.to_dict() == {
        'message': 'Exotel API POST trunks failed: HTTP 200, code 503 (error 1500): Unavailable; try later',
        'http_status': 200, 'api_status': 503, 'api_code': 1500, 'error_message': None, 'description': 'try later',
        'request_id': 'r5', 'method': 'POST', 'path': 'trunks'}


# ------------------------------------------------------------------------------ transport failures

def test_a_read_timeout_names_the_host_and_the_timeout():
    client, _session, _sleeps = client_with(EXC.ReadTimeout('x'), max_retries=0, timeout=7)
    error = raised(client)
    assert type(error) is c.ExotelResponseLost  # pylint: disable=unidiomatic-typecheck
    assert error.to_dict() == {
        'message': 'Exotel API GET trunks: no answer from %s within 7 seconds (timeout)%s' % (BASE, GAVE_UP_ONCE),
        'http_status': None, 'api_status': None, 'api_code': None, 'error_message': None, 'description': None,
        'request_id': None, 'method': 'GET', 'path': 'trunks'}


def test_a_dropped_post_is_not_retried_and_says_why():
    client, session, _sleeps = client_with(EXC.ConnectionError('Connection reset by peer'))
    error = raised(client, 'POST', 'trunks', body={})
    assert len(session.sent) == 1
    assert error.message == ('Exotel API POST trunks: could not connect to %s: the connection was dropped before '
                             'an answer came' % BASE)
    assert (error.method, error.path) == ('POST', 'trunks')


# ------------------------------------------------------------------------------ refusals

@pytest.mark.parametrize('answer, cls', [
    (refusal(409, 409), c.ExotelDuplicateError),
    (refusal(200, 400, 1008), c.ExotelDuplicateError),
    (refusal(404, 404, 1000), c.ExotelNotFoundError),
    (refusal(403, 403, 1003), c.ExotelNotFoundError),
    (refusal(403, 403, 1002), c.ExotelError),
    (refusal(200, 403, '1003'), c.ExotelNotFoundError),
    (refusal(401, 401, 1010), c.ExotelAuthError),
    (refusal(400, 400, 1001), c.ExotelError),
])
def test_each_refusal_has_its_type(answer, cls):
    client, _session, _sleeps = client_with(answer)
    assert type(raised(client, 'POST')) is cls  # pylint: disable=unidiomatic-typecheck


def test_a_refusal_tells_status_code_error_message_and_description():
    client, _session, _sleeps = client_with(refusal(400, '400', '1002', 'Invalid', 'bad ip', 'r7'))
    error = raised(client, 'POST', 'trunks/t/whitelisted-ips', body={'ip': '1'})
    assert error.to_dict() == {
        'message': 'Exotel API POST trunks/t/whitelisted-ips failed: HTTP 400, code 400 (error 1002): Invalid; bad ip',
        'http_status': 400, 'api_status': 400, 'api_code': 1002, 'error_message': 'Invalid', 'description': 'bad ip',
        'request_id': 'r7', 'method': 'POST', 'path': 'trunks/t/whitelisted-ips'}


def test_a_refusal_without_detail_is_one_short_line():
    client, _session, _sleeps = client_with(Answer(400, {'response': {'code': 400, 'status': 'failure'}}))
    error = raised(client, 'POST')
    assert error.message == 'Exotel API POST trunks failed: HTTP 400, code 400'
    assert (error.api_code, error.error_message, error.description, error.request_id) == (None, None, None, None)


def test_a_refusal_with_a_description_only():
    client, _session, _sleeps = client_with(refusal(400, 400, description='missing name'))
    assert raised(client, 'POST').message == 'Exotel API POST trunks failed: HTTP 400, code 400: missing name'


def test_a_401_explains_the_key_token_and_region():
    client, session, _sleeps = client_with(refusal(401, 401, 1010, 'Authentication failed'))
    error = raised(client)
    assert len(session.sent) == 1
    assert type(error) is c.ExotelAuthError  # pylint: disable=unidiomatic-typecheck
    assert error.message == ('Exotel API GET trunks failed: HTTP 401, code 401 (error 1010): Authentication failed. '
                             'Check api_key and api_token, and that region/api_url is the cluster that holds the '
                             'account: a valid key sent to the wrong region also gets 401')


def test_a_refused_batch_names_its_first_failed_item():
    items = [{'code': 200, 'status': 'success', 'data': {}},
             {'code': 400, 'status': 'failure', 'error_data': {'code': 1001, 'message': 'Bad', 'description': 'uri'}}]
    client, _session, _sleeps = client_with(Answer(400, {'request_id': 'r4', 'response': items}))
    error = raised(client, 'GET', 'trunks/t/destination-uris')
    assert error.message == 'Exotel API GET trunks/t/destination-uris failed: HTTP 400, code 400 (error 1001): Bad; uri'
    assert (error.api_code, error.request_id) == (1001, 'r4')


@pytest.mark.parametrize('status', [400, 422])
def test_a_post_refused_item_by_item_is_handed_back_for_each_item(status):
    items = [{'code': 400, 'status': 'failure', 'error_data': {'code': 1001}}]
    client, _session, _sleeps = client_with(Answer(status, {'response': items}))
    assert client.call('POST', 'trunks/t/destination-uris', body={}) == items


def test_a_post_refused_whole_with_http_400_is_an_error():
    client, _session, _sleeps = client_with(refusal(400, 400, 1001))
    assert raised(client, 'POST').api_code == 1001


def test_only_a_post_hands_back_items_refused_with_http_400():
    items = [{'code': 400, 'status': 'failure', 'error_data': {'code': 1001}}]
    client, _session, _sleeps = client_with(Answer(400, {'response': items}))
    assert raised(client, 'PUT', 'trunks/t/destination-uris/1', body={}).api_code == 1001


@pytest.mark.parametrize('status, text, shown', [
    (400, '<html>\n  <body>Bad   gateway</body>\n</html>', '<html> <body>Bad gateway</body> </html>'),
    (400, 'x' * 130, 'x' * 120),
    (400, '', '<empty>'),
    (200, '[1, 2]', '[1, 2]'),
    (200, 'not json', 'not json'),
])
def test_an_answer_that_is_not_the_envelope_is_shown_in_one_short_line(status, text, shown):
    client, _session, _sleeps = client_with(Answer(status, text=text))
    error = raised(client, 'DELETE', 'trunks')
    assert type(error) is c.ExotelError  # pylint: disable=unidiomatic-typecheck
    assert error.to_dict() == {
        'message': "Exotel API DELETE trunks returned HTTP %s with a body that is not the API's JSON envelope "
                   "(a proxy or gateway error page?): %s" % (status, shown),
        'http_status': status, 'api_status': status, 'api_code': None, 'error_message': None, 'description': None,
        'request_id': None, 'method': 'DELETE', 'path': 'trunks'}


@pytest.mark.parametrize('body, said, collapsed', [
    ({'request_id': 'r2', 'response': None}, 'null', '{ "request_id": "r2", "response": null, "note": "'),
    ({'request_id': 'r2'}, 'missing', '{ "request_id": "r2", "note": "'),
])
def test_an_answer_without_a_result_says_whether_it_was_null_or_missing(body, said, collapsed):
    long_text = json.dumps(dict(body, note='y' * 200), indent=2)
    client, _session, _sleeps = client_with(Answer(201, body), Answer(201, text=long_text))
    error = raised(client, 'PUT', 'trunks/x')
    assert error.to_dict() == {
        'message': 'Exotel API PUT trunks/x answered HTTP 201 without a result (response: %s): %s' % (
            said, json.dumps(body)),
        'http_status': 201, 'api_status': 201, 'api_code': None, 'error_message': None, 'description': None,
        'request_id': 'r2', 'method': 'PUT', 'path': 'trunks/x'}
    # Whitespace collapsed and cut at 160 characters.
    assert raised(client, 'PUT', 'trunks/x').message.endswith('(response: %s): %s' % (
        said, (collapsed + 'y' * 200)[:160]))


def test_status_failure_inside_a_2xx_is_an_error():
    answer = Answer(200, {'response': {'code': 200, 'status': 'failure', 'error_data': {'description': 'no'}}})
    client, _session, _sleeps = client_with(answer)
    assert raised(client).message == 'Exotel API GET trunks failed: HTTP 200, code 200: no'


@pytest.mark.parametrize('status', [299, 207])
def test_any_2xx_with_a_good_envelope_is_accepted(status):
    client, _session, _sleeps = client_with(Answer(status, {'response': {'code': status, 'data': {'a': 1}}}))
    assert client.call('GET', 'trunks') == {'a': 1}


# ------------------------------------------------------------------------------ secrets

def test_secrets_are_replaced_in_the_message_and_every_field():
    client, _session, _sleeps = client_with(refusal(400, 400, 1001, 'bad s3cret', 'token ' + TOKEN))
    client.register_secret('s3cret')
    error = raised(client, 'POST')
    assert error.message == ('Exotel API POST trunks failed: HTTP 400, code 400 (error 1001): '
                             'bad ********; token ********')
    assert (error.error_message, error.description) == ('bad ********', 'token ********')


@pytest.mark.parametrize('value', ['', None])
def test_an_empty_secret_is_never_registered(value):
    client, _session, _sleeps = client_with(token='')
    client.register_secret(value)
    assert client.redact('plain text') == 'plain text'


def test_redact_leaves_what_is_not_text():
    client, _session, _sleeps = client_with()
    assert client.redact(None) is None and client.redact(409) == 409
    assert client.redact('x%sy' % TOKEN) == 'x********y'


# ------------------------------------------------------------------------------ failed items

def test_a_failed_list_entry_stops_the_read_with_its_code_and_detail():
    entries = [{'code': 200, 'status': 'success', 'data': {'id': 1}},
               {'code': '500', 'status': 'failure',
                'error_data': {'code': '1500', 'message': 'Internal', 'description': 'db down'}}]
    client, _session, _sleeps = client_with(Answer(200, {'response': entries}))
    with pytest.raises(c.ExotelError) as info:
        client.list_all('trunks/t/phone-numbers')
    assert info.value.to_dict() == {
        'message': 'Exotel API GET trunks/t/phone-numbers listed an entry it could not read (code 500, error 1500: '
                   'db down); the list is incomplete, so nothing is changed from it (an entry that looks absent '
                   'could be added twice)',
        'http_status': 500, 'api_status': 500, 'api_code': 1500, 'error_message': None, 'description': 'db down',
        'request_id': None, 'method': 'GET', 'path': 'trunks/t/phone-numbers'}


@pytest.mark.parametrize('error_data, detail', [
    ({'code': 1000, 'message': 'Not found'}, 'error 1000: Not found'),
    ({}, 'error None: no detail'),
    ('broken', 'error None: no detail'),
])
def test_a_failed_list_entry_without_a_description_says_what_it_can(error_data, detail):
    entries = [{'code': 404, 'status': 'failure', 'error_data': error_data}]
    client, _session, _sleeps = client_with(Answer(200, {'response': entries}))
    with pytest.raises(c.ExotelError) as info:
        client.list_all('trunks')
    assert info.value.message.startswith('Exotel API GET trunks listed an entry it could not read (code 404, %s); '
                                         % detail)
    assert info.value.description is None


@pytest.mark.parametrize('error, cls', [
    ({'http_status': 409, 'api_code': 1008, 'message': 'Duplicate', 'description': 'exists'}, c.ExotelDuplicateError),
    ({'http_status': 409, 'api_code': None, 'message': 'Duplicate', 'description': 'exists'}, c.ExotelDuplicateError),
    ({'http_status': 200, 'api_code': 1008, 'message': 'Duplicate', 'description': 'exists'}, c.ExotelDuplicateError),
    ({'http_status': 400, 'api_code': 1001, 'message': 'Duplicate', 'description': 'exists'}, c.ExotelError),
])
def test_a_failed_batch_item_is_a_typed_error_naming_the_item(error, cls):
    client, _session, _sleeps = client_with()
    answer = c.ItemResult({'name': 'codec', 'value': 'pcmu'}, False, error=error)
    exc = client._item_exception('POST', 'trunks/t/settings', answer)  # pylint: disable=protected-access
    assert type(exc) is cls  # pylint: disable=unidiomatic-typecheck
    assert exc.to_dict() == {
        'message': "Exotel API POST trunks/t/settings refused {'name': 'codec', 'value': 'pcmu'}: code %s "
                   "(error %s): Duplicate; exists" % (error['http_status'], error['api_code']),
        'http_status': error['http_status'], 'api_status': error['http_status'], 'api_code': error['api_code'],
        'error_message': 'Duplicate', 'description': 'exists', 'request_id': None, 'method': 'POST',
        'path': 'trunks/t/settings'}


def test_a_failed_batch_item_without_an_error_is_still_an_error():
    client, _session, _sleeps = client_with()
    exc = client._item_exception('POST', 'p', c.ItemResult('x', False))  # pylint: disable=protected-access
    assert type(exc) is c.ExotelError  # pylint: disable=unidiomatic-typecheck
    assert exc.message == 'Exotel API POST p refused x: code None (error None): '


def test_a_failed_batch_item_hides_a_password_it_carries():
    client, _session, _sleeps = client_with()
    client.register_secret('pa55word')
    answer = c.ItemResult({'password': 'pa55word'}, False, error={'http_status': 400, 'description': 'pa55word weak'})
    exc = client._item_exception('POST', 'p', answer)  # pylint: disable=protected-access
    assert 'pa55word' not in exc.message and exc.description == '******** weak'


# ------------------------------------------------------------------------------ trunk cache, warnings

def test_the_trunk_cache_is_built_once_and_only_when_asked(tmp_path, monkeypatch):
    blocker = tmp_path / 'not-a-directory'
    blocker.write_text('x')
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(blocker))
    client, _session, _sleeps = client_with(trunk_cache='shared')
    assert client.warnings() == []
    cache = client.trunk_cache
    assert cache is not None and client.trunk_cache is cache
    assert len(client.warnings()) == 1
    assert client.warnings()[0].startswith('The shared trunk directory cache cannot be used (')


def test_the_trunk_cache_can_be_switched_off():
    client, _session, _sleeps = client_with(trunk_cache='off')
    assert client.trunk_cache is None and client.trunk_cache is None
    assert client.warnings() == []


def test_warnings_come_cache_first_then_waits(tmp_path, monkeypatch):
    blocker = tmp_path / 'file'
    blocker.write_text('x')
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(blocker))
    client, _session, _sleeps = client_with(Answer(429, {'response': {'code': 429}}, headers={'Retry-After': '2'}),
                                            ok(None), trunk_cache='shared')
    client.call('GET', 'trunks')
    assert client.trunk_cache is not None
    warnings = client.warnings()
    assert len(warnings) == 2 and warnings[1] == 'waited 2 s for the API rate limit (1 answer of 429)'
    assert warnings[0].startswith('The shared trunk directory cache cannot be used')


@pytest.mark.usefixtures('upper_backoff')
def test_a_lost_post_is_sent_again_after_the_ordinary_backoff_not_the_rate_limit_one():
    client, session, sleeps = client_with(EXC.ConnectionError('Connection reset by peer'),
                                          Answer(200, {'response': []}), ok({'trunk_sid': 'tr1', 'trunk_name': 't'}),
                                          trunk_cache='off')
    assert client.create_trunk('t', 'ANY-ANY', 'x.pstn.exotel.com') == ({'trunk_sid': 'tr1', 'trunk_name': 't'}, True)
    assert [s['method'] for s in session.sent] == ['POST', 'GET', 'POST']
    assert sleeps == [0.5]


# ------------------------------------------------------------------------------ what is shared, and by whom

def pacer_records(state):
    return sorted(name for name in (p.name for p in state.iterdir()) if name.startswith('pacer-'))


def test_the_shared_pacer_keeps_one_budget_per_host_and_account(tmp_path, monkeypatch):
    state = tmp_path / 'state'
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(state))
    for sid, url in (('acme1', BASE), ('acme2', BASE), ('acme1', 'https://api.exotel.com'), ('acme1', BASE)):
        client = c.ExotelClient(sid, KEY, TOKEN, url, session=FakeSession(ok(None)), sleep=lambda s: None)
        client.call('GET', 'trunks')
    assert len(pacer_records(state)) == 3


def test_the_trunk_cache_of_one_account_is_not_read_by_another(tmp_path, monkeypatch):
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(tmp_path / 'state'))
    first = c.ExotelClient('acme1', KEY, TOKEN, BASE, session=FakeSession(), pacer='process', trunk_cache='shared')
    first.trunk_cache.put([{'trunk_name': 'main', 'trunk_sid': 'tr1'}])
    assert first.trunk_cache.get() == {'main': {'trunk_name': 'main', 'trunk_sid': 'tr1'}}
    other = c.ExotelClient('acme2', KEY, TOKEN, BASE, session=FakeSession(), pacer='process', trunk_cache='shared')
    assert other.trunk_cache.get() is None


def test_pacing_sleeps_through_the_injected_sleep(monkeypatch):
    monkeypatch.setenv('EXOTEL_RATE_WINDOW', '0.05')
    client, _session, sleeps = client_with(ok(None), ok(None), rate_limit=1)
    client.call('GET', 'trunks')
    client.call('GET', 'trunks')
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.05
    assert client.pacer.waited == sleeps[0]


def test_a_base_url_loses_only_its_trailing_slashes():
    client, session, _sleeps = client_with(ok(None), base_url='https://gw.example/X//')
    client.call('GET', 'trunks')
    assert session.sent[0]['url'] == 'https://gw.example/X/v2/accounts/exoteltest/trunks'


@pytest.mark.parametrize('status', [429, 503])
def test_a_retried_answer_that_is_not_the_envelope_is_shown_when_given_up(status):
    client, _session, _sleeps = client_with(Answer(status, text='<html>Busy</html>'), max_retries=0)
    assert raised(client).message == (
        "Exotel API GET trunks returned HTTP %s with a body that is not the API's JSON envelope (a proxy or gateway "
        "error page?): <html>Busy</html>%s" % (status, GAVE_UP_ONCE))


def test_rate_limit_waits_add_up_over_several_429s():
    client, _session, sleeps = client_with(Answer(429, {'response': {'code': 429}}, headers={'Retry-After': '2'}),
                                           Answer(429, {'response': {'code': 429}}, headers={'Retry-After': '3'}),
                                           ok(None))
    client.call('GET', 'trunks')
    assert sleeps == [2.0, 3.0]
    assert client.figures() == {'requests': 3, 'writes': 0, 'retries': 2, 'rate_limited': 2, 'waited_seconds': 5.0}
    assert client.warnings() == ['waited 5 s for the API rate limit (2 answers of 429)']

"""ExotelClient against every answer shape the API documents or allows, with a scripted fake session.

Each test scripts the exact HTTP answers (status, headers, body) and asserts what the client
does with them: what it returns or raises, what it sends next, and how often. The same shapes
are played end to end by the simulator's faults and readings (tests/unit/test_simulator_faults.py,
tests/faults/).
"""

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client as c
from ansible_collections.exotel.sip_trunking.plugins.module_utils._engine import apply, make_plan
from ansible_collections.exotel.sip_trunking.plugins.module_utils._entries import DigestCredentials, Destinations
from _fakes import Answer, FakeSession

BASE = 'https://api.in.exotel.com'
SID = 'exoteltest'
TOKEN = 'a1b2c3d4e5f6g7h8i9j0'
TRUNK = 'trmum1f708622631150902801a1n'


def client_with(*answers, **kwargs):
    sleeps = []
    session = FakeSession(*answers)
    kwargs.setdefault('max_retries', 3)
    client = c.ExotelClient(SID, SID, TOKEN, BASE, session=session, sleep=sleeps.append, pacer='process', **kwargs)
    return client, session, sleeps


def ok(data):
    return Answer(200, {'request_id': 'r1', 'method': 'POST', 'http_code': 200,
                        'response': {'code': 200, 'error_data': None, 'status': 'success', 'data': data}})


def page(rows, next_uri=None, code=200):
    return Answer(200, {'request_id': 'r2', 'method': 'GET', 'http_code': 200,
                        'metadata': {'page_size': 50, 'next_page_uri': next_uri},
                        'response': [{'code': code, 'error_data': None, 'status': 'success', 'data': row}
                                     for row in rows]})


def envelope_error(code, error_code, description, http=200, message='Error'):
    return Answer(http, {'request_id': 'r3', 'method': 'POST', 'http_code': http,
                         'response': {'code': code, 'status': 'failure', 'data': None,
                                      'error_data': {'code': error_code, 'message': message, 'description': description}}})


NUMBERS = 'trunks/%s/phone-numbers' % TRUNK


# ------------------------------------------------------------------------------------------- paging

def test_a_repeating_next_page_uri_fails_naming_the_endpoint():
    loop = '/v2/accounts/%s/%s?offset=50&page_size=50' % (SID, NUMBERS)
    client, session, _sleeps = client_with(page([{'id': '1', 'phone_number': '+919876543210'}], loop),
                                           page([{'id': '2', 'phone_number': '+919876543211'}], loop),
                                           page([{'id': '2', 'phone_number': '+919876543211'}], loop))
    with pytest.raises(c.ExotelError, match=r'GET %s: the list repeats a page already read' % NUMBERS):
        client.list_phone_numbers(TRUNK)
    assert len(session.sent) == 2


def test_paging_is_bounded(monkeypatch):
    monkeypatch.setattr(c, 'MAX_PAGES', 3)
    answers = [page([{'id': str(n)}], '/v2/accounts/%s/%s?offset=%d&page_size=1' % (SID, NUMBERS, n + 1))
               for n in range(5)]
    client, session, _sleeps = client_with(*answers)
    with pytest.raises(c.ExotelError, match=r'has more than 3 pages'):
        client.list_phone_numbers(TRUNK)
    assert len(session.sent) == 3


@pytest.mark.parametrize('next_uri', [
    'https://elsewhere.example.net/v2/accounts/%s/%s?offset=1&page_size=1' % (SID, NUMBERS),
    '/v2/accounts/otheraccount/%s?offset=1&page_size=1' % NUMBERS,
    'https://elsewhere.example.net/v2/accounts/otheraccount/%s?offset=1&page_size=1' % NUMBERS,
])
def test_next_page_uri_is_followed_only_on_the_configured_host_and_account(next_uri):
    client, session, _sleeps = client_with(page([{'id': '1'}], next_uri), page([{'id': '2'}]))
    assert [row['id'] for row in client.list_phone_numbers(TRUNK)] == ['1', '2']
    assert session.sent[1]['url'] == '%s/v2/accounts/%s/%s?offset=1&page_size=1' % (BASE, SID, NUMBERS)


def test_a_failed_list_item_is_never_dropped():
    failed = {'code': 500, 'status': 'failure', 'data': None,
              'error_data': {'code': 1000, 'message': 'Server error', 'description': 'row unavailable'}}
    answer = Answer(200, {'metadata': {'next_page_uri': None}, 'response': [
        {'code': 200, 'status': 'success', 'data': {'id': '1', 'destination': 'sip:sip.example.com:5061;transport=tls'}},
        failed]})
    client, _session, _sleeps = client_with(answer)
    with pytest.raises(c.ExotelError, match='listed an entry it could not read.*row unavailable'):
        client.list_destinations(TRUNK)


def test_an_empty_list_without_metadata():
    client, _session, _sleeps = client_with(Answer(200, {'request_id': 'r', 'http_code': 200, 'response': []}))
    assert client.list_settings(TRUNK) == []


# ------------------------------------------------------------------------------------------- envelopes

@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_http_200_carrying_429_is_retried_like_http_429(method):
    client, session, sleeps = client_with(envelope_error(429, 1030, 'Too many requests'),
                                          envelope_error(429, 1030, 'Too many requests'), ok({'id': '7'}))
    assert client.call(method, NUMBERS, body={} if method == 'POST' else None) == {'id': '7'}
    assert len(session.sent) == 3 and len(sleeps) == 2
    # Without Retry-After (none is documented) the backoff is on the scale of the one-minute window.
    assert all(delay >= 2.5 for delay in sleeps)
    assert client.figures()['rate_limited'] == 2 and client.figures()['retries'] == 2


def test_http_200_carrying_503_is_retried_on_reads_and_a_lost_answer_on_writes():
    client, session, _sleeps = client_with(envelope_error(503, None, 'Service unavailable'), ok({'id': '7'}))
    assert client.call('GET', NUMBERS) == {'id': '7'}
    assert len(session.sent) == 2
    client, session, _sleeps = client_with(envelope_error(503, None, 'Service unavailable'))
    with pytest.raises(c.ExotelResponseLost):
        client.call('POST', NUMBERS, body={'phone_number': '+919876543210'})
    assert len(session.sent) == 1


def test_retry_after_is_honoured():
    client, _session, sleeps = client_with(Answer(429, {'response': {'code': 429}}, headers={'Retry-After': '7'}),
                                           ok({'id': '1'}))
    client.call('GET', NUMBERS)
    assert sleeps == [7.0]


@pytest.mark.parametrize('body, text', [
    ({'request_id': 'r9', 'http_code': 200, 'response': None}, 'response: null'),
    ({'request_id': 'r9', 'http_code': 200}, 'response: missing'),
])
def test_an_answer_without_a_result_is_a_typed_error(body, text):
    client, _session, _sleeps = client_with(Answer(200, body))
    with pytest.raises(c.ExotelError, match=text) as err:
        client.call('GET', NUMBERS)
    assert err.value.request_id == 'r9'


def test_status_failure_with_code_200_is_an_error_with_the_apis_text():
    client, _session, _sleeps = client_with(envelope_error(200, 1002, 'Destination is not a valid Ip or Fqdn'))
    with pytest.raises(c.ExotelError, match='Destination is not a valid Ip or Fqdn') as err:
        client.call('POST', NUMBERS, body={})
    assert err.value.__class__ is c.ExotelError and err.value.api_code == 1002


@pytest.mark.parametrize('code, error_code, expected', [
    ('409', '1008', c.ExotelDuplicateError),
    (409, '1008', c.ExotelDuplicateError),
    ('404', '1000', c.ExotelNotFoundError),
    ('403', '1003', c.ExotelNotFoundError),
    ('401', '1010', c.ExotelAuthError),
    ('400', '1001', c.ExotelError),
])
def test_codes_sent_as_strings_are_understood(code, error_code, expected):
    client, _session, _sleeps = client_with(envelope_error(code, error_code, 'text'))
    with pytest.raises(c.ExotelError) as err:
        client.call('POST', NUMBERS, body={})
    assert err.value.__class__ is expected
    assert err.value.api_code == int(error_code) and err.value.api_status == int(code)


def test_403_without_1003_is_not_taken_for_a_missing_trunk():
    client, _session, _sleeps = client_with(envelope_error(403, 1020, 'Access denied', http=403))
    with pytest.raises(c.ExotelError) as err:
        client.call('GET', NUMBERS)
    assert err.value.__class__ is c.ExotelError


def test_numbers_sent_as_strings_compare_as_numbers():
    row = {'id': 2543, 'destination': 'sip:44.248.146.11:5061;transport=tls', 'priority': '1', 'weight': '1'}
    client, _session, _sleeps = client_with(page([row]))
    destinations = Destinations()
    (view,) = [destinations.view(raw) for raw in client.list_destinations(TRUNK)]
    assert view == {'id': '2543', 'destination': 'sip:44.248.146.11:5061;transport=tls', 'priority': 1, 'weight': 1}
    assert not destinations.differs(view, {'destination': '44.248.146.11:5061;transport=tls', 'priority': 1,
                                           'weight': None})


def test_batch_items_with_string_codes_are_read_per_item():
    answer = Answer(207, {'metadata': {'total': '2', 'success': '1', 'failed': '1'}, 'response': [
        {'code': '200', 'status': 'success', 'data': {'id': '1', 'destination': 'sip:sip.example.com:5061;transport=tls'}},
        {'code': '400', 'status': 'failure', 'data': None,
         'error_data': {'code': '1002', 'message': 'Invalid parameter', 'description': 'Destination not whitelisted'}}]})
    client, _session, _sleeps = client_with(answer)
    first, second = client.add_destinations(TRUNK, ['sip.example.com:5061;transport=tls',
                                                    '44.248.146.11:5061;transport=tls'], str.lower)
    assert first.ok and first.data['id'] == '1'
    assert not second.ok and second.error == {'http_status': 400, 'api_code': 1002, 'message': 'Invalid parameter',
                                              'description': 'Destination not whitelisted'}


# ------------------------------------------------------------------------------------------- resources

def test_a_number_held_by_another_trunk_names_that_trunk():
    other = 'trmum9999999999999999999999a1n'
    duplicate = envelope_error(409, 1008, 'Unable to create DidTrunkMapping with TrunkSid %s' % TRUNK,
                               message='Duplicate resource')
    holder = page([{'phone_number': '+919876543210', 'trunk_sid': other, 'id': '1'}])
    client, session, _sleeps = client_with(duplicate, page([]), holder)
    with pytest.raises(c.ExotelDuplicateError) as err:
        client.map_phone_number(TRUNK, '+919876543210', 'pstn')
    assert '+919876543210 is already mapped to trunk %s' % other in err.value.description
    assert [sent['method'] for sent in session.sent] == ['POST', 'GET', 'GET']
    assert session.sent[2]['url'].endswith('/trunk-maps') and session.sent[2]['params'] == {'exophone': '+919876543210'}


def test_a_number_held_elsewhere_when_no_read_can_tell_where():
    duplicate = envelope_error(409, 1008, 'Unable to create DidTrunkMapping', message='Duplicate resource')
    client, _session, _sleeps = client_with(duplicate, page([]), envelope_error(404, 1000, 'Not Found', http=404))
    with pytest.raises(c.ExotelDuplicateError) as err:
        client.map_phone_number(TRUNK, '+919876543210')
    assert 'already mapped to another trunk (the API did not say which)' in err.value.description


@pytest.mark.parametrize('refusal', [
    # per-item duplicate inside the batch (HTTP 207)
    Answer(207, {'response': [{'code': 409, 'status': 'failure', 'data': None,
                               'error_data': {'code': 1008, 'message': 'Duplicate resource', 'description': 'exists'}}]}),
    # the whole request answered duplicate inside HTTP 200
    envelope_error(409, 1008, 'exists', message='Duplicate resource'),
])
def test_changing_a_setting_converges_when_a_second_post_is_a_duplicate(refusal):
    stored = {'name': 'trunk_external_alias', 'value': '+919876543211'}
    client, session, _sleeps = client_with(refusal, ok(stored), Answer(200, {'response': [
        {'code': 200, 'status': 'success', 'data': stored}]}))
    assert client.replace_setting(TRUNK, 'trunk_external_alias', '+919876543211') == stored
    assert [(sent['method'], sent['params']) for sent in session.sent] == [
        ('POST', None), ('DELETE', {'name': 'trunk_external_alias'}), ('POST', None)]


def test_changing_a_setting_is_one_post_when_the_api_overwrites():
    stored = {'name': 'trunk_external_alias', 'value': '+919876543211'}
    client, session, _sleeps = client_with(Answer(200, {'response': [{'code': 200, 'status': 'success', 'data': stored}]}))
    assert client.replace_setting(TRUNK, 'trunk_external_alias', '+919876543211') == stored
    assert len(session.sent) == 1


def test_legacy_credentials_without_an_id_are_never_deleted():
    legacy = Answer(200, {'response': {'code': 200, 'status': 'success',
                                       'data': {'username': TRUNK, 'password': 'Xk9mP2nQ4rS6tU8v'}}})
    client, session, _sleeps = client_with(legacy)
    credentials = DigestCredentials({'update_password': 'on_create'})
    current = [credentials.view(row) for row in client.list_credentials(TRUNK)]
    assert current == [{'id': None, 'user_name': TRUNK, 'friendly_name': None}]
    plan = make_plan(credentials, current, [], 'present', purge=True)
    credentials.review(plan, client, TRUNK, False, {})
    assert [str(veto) for veto in plan.vetoes] == [
        'credentials cannot change or remove the digest user(s) %s: the API lists them without an id (its older '
        'credentials shape), and a DELETE or PUT needs one; change them in the Exotel dashboard' % TRUNK]
    assert len(session.sent) == 1
    # The password the old shape carries is a secret from now on.
    assert client.redact('pw Xk9mP2nQ4rS6tU8v') == 'pw ********'


def test_apply_never_sends_an_id_less_delete():
    # Even a plan built without review (a bug elsewhere) cannot turn into DELETE ?id=None.
    credentials = DigestCredentials()
    client, session, _sleeps = client_with()
    plan = make_plan(credentials, [{'id': None, 'user_name': 'old', 'friendly_name': None}], [], 'present', purge=True)
    with pytest.raises(c.ExotelError, match='refusing to send DELETE .* without an id'):
        apply(credentials, plan, client, TRUNK)
    assert session.sent == []


# ------------------------------------------------------------------------------------------- transport

def test_connection_refused_is_one_line_naming_the_host():
    refused = c.requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='api.in.exotel.com', port=443): Max retries exceeded with url: /v2/accounts/"
        "exoteltest/trunks (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: "
        "Failed to establish a new connection: [Errno 111] Connection refused'))")
    client, session, sleeps = client_with(refused, refused, max_retries=1)
    with pytest.raises(c.ExotelError) as err:
        client.list_trunks()
    assert err.value.message == ('Exotel API GET trunks: could not connect to https://api.in.exotel.com: connection '
                                 'refused (gave up after 2 attempts and %.1f s of waiting)' % sleeps[0])
    assert '\n' not in err.value.message and len(session.sent) == 2


def test_one_attempt_reads_correctly():
    refused = c.requests.exceptions.ConnectionError('[Errno 111] Connection refused')
    client, _session, _sleeps = client_with(refused, max_retries=0)
    with pytest.raises(c.ExotelError, match=r'\(gave up after 1 attempt and 0\.0 s of waiting\)$'):
        client.list_trunks()


def test_the_wait_warning_names_rate_limit_waits_and_retries():
    client, _session, sleeps = client_with(Answer(429, {'response': {'code': 429}}, headers={'Retry-After': '2'}),
                                           envelope_error(503, None, 'down', http=503), ok({'id': '1'}))
    client.call('GET', NUMBERS)
    assert sleeps[0] == 2.0
    assert client.warnings() == ['waited 2 s for the API rate limit (1 answer of 429); retried once after HTTP 503']
    assert client.figures() == {'requests': 3, 'writes': 0, 'retries': 2, 'rate_limited': 1,
                                'waited_seconds': round(sum(sleeps), 1)}

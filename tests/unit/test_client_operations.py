"""ExotelClient's resource operations, request by request, against a scripted fake session.

Each test scripts the exact HTTP answers and asserts what a caller (a module, the engine) can see:
the requests sent (method, URL, query, body), the rows, results and ``created`` flags returned, the
exceptions raised with their fields and words, and the waits recorded through the injected sleep.
It covers the list reader (pages, every row shape), batches and their per-item results, creation
that never duplicates (duplicate answers, lost answers, bounded retries), deletes, updates, the
child collections of a trunk, and the shared trunk directory cache as the client uses it.
"""

import threading

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client as c
from ansible_collections.exotel.sip_trunking.plugins.module_utils._trunk_cache import TrunkDirectoryCache
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import destination_key
from _fakes import Answer, FakeSession

BASE = 'https://api.in.exotel.com'
SID = 'exoteltest'
TOKEN = 'a1b2c3d4e5f6g7h8i9j0'
TRUNK = 'trmum1f708622631150902801a1n'
ACCOUNT = '%s/v2/accounts/%s' % (BASE, SID)
NUMBER = '+919876543210'


def client_with(*answers, **kwargs):
    sleeps = []
    session = FakeSession(*answers)
    kwargs.setdefault('max_retries', 3)
    kwargs.setdefault('trunk_cache', 'off')
    client = c.ExotelClient(SID, SID, TOKEN, BASE, session=session, sleep=sleeps.append, pacer='process', **kwargs)
    return client, session, sleeps


def ok(data):
    return Answer(200, {'request_id': 'r1', 'http_code': 200,
                        'response': {'code': 200, 'error_data': None, 'status': 'success', 'data': data}})


def page(rows, next_uri=None):
    return Answer(200, {'request_id': 'r2', 'http_code': 200, 'metadata': {'page_size': 50, 'next_page_uri': next_uri},
                        'response': [{'code': 200, 'error_data': None, 'status': 'success', 'data': row}
                                     for row in rows]})


def listing(response):
    """A list answer with a ``response`` of any shape."""
    return Answer(200, {'request_id': 'r2', 'http_code': 200, 'response': response})


def refusal(code, error_code, description, http=200, message='Error'):
    return Answer(http, {'request_id': 'r3', 'http_code': http,
                         'response': {'code': code, 'status': 'failure', 'data': None,
                                      'error_data': {'code': error_code, 'message': message,
                                                     'description': description}}})


def duplicate(description='Duplicate resource exists'):
    return refusal(409, 1008, description, message='Duplicate resource')


def not_found():
    return refusal(404, 1000, 'Not Found', http=404)


def lost():
    """An answer that leaves a POST's fate unknown (a 503 from the server)."""
    return refusal(503, None, 'Service unavailable', http=503)


def items(*answers, status=207):
    """A batch answer: one envelope per item."""
    return Answer(status, {'request_id': 'r4', 'http_code': status, 'response': list(answers)})


def item_ok(data):
    return {'code': 200, 'status': 'success', 'error_data': None, 'data': data}


def item_refused(code, error_code, description, message='Invalid parameter'):
    return {'code': code, 'status': 'failure', 'data': None,
            'error_data': {'code': error_code, 'message': message, 'description': description}}


def sent(session):
    """(method, URL, query, body) of every request sent."""
    return [(r['method'], r['url'], r['params'], r['body']) for r in session.sent]


def child(collection, *rest):
    return '/'.join(('%s/trunks/%s/%s' % (ACCOUNT, TRUNK, collection),) + rest)


TRUNK_A = {'trunk_name': 'alpha', 'trunk_sid': 'tr1', 'domain_name': 'exoteltest.pstn.exotel.com'}
TRUNK_B = {'trunk_name': 'beta', 'trunk_sid': 'tr2', 'domain_name': 'exoteltest.pstn.exotel.com'}


# ------------------------------------------------------------------------------------------- lists

def test_a_list_sends_its_parameters_then_follows_next_page_uri():
    second = '/v2/accounts/%s/trunks?offset=50&page_size=50' % SID
    client, session, _sleeps = client_with(page([TRUNK_A], second), page([TRUNK_B]))
    assert client.list_trunks() == [TRUNK_A, TRUNK_B]
    assert sent(session) == [('GET', ACCOUNT + '/trunks', {'page_size': 50}, None),
                             ('GET', ACCOUNT + '/trunks?offset=50&page_size=50', None, None)]
    assert client.figures()['requests'] == 2 and client.figures()['writes'] == 0


def test_a_trunk_listing_by_sid_filters_on_the_sid():
    client, session, _sleeps = client_with(page([TRUNK_A]))
    assert client.list_trunks(trunk_sid='tr1') == [TRUNK_A]
    assert sent(session) == [('GET', ACCOUNT + '/trunks', {'page_size': 50, 'trunk_sid': 'tr1'}, None)]


def test_a_list_without_parameters_sends_an_empty_query():
    client, session, _sleeps = client_with(page([]))
    assert client.list_all('trunks/%s/settings' % TRUNK) == []
    assert sent(session) == [('GET', child('settings'), {}, None)]


def test_a_repeated_page_fails_with_the_endpoint_the_uri_and_the_count():
    loop = '/v2/accounts/%s/trunks/%s/phone-numbers?offset=50&page_size=50' % (SID, TRUNK)
    client, session, _sleeps = client_with(page([{'id': '1'}], loop), page([{'id': '2'}], loop))
    with pytest.raises(c.ExotelError) as err:
        client.list_phone_numbers(TRUNK)
    path = 'trunks/%s/phone-numbers' % TRUNK
    assert err.value.message == ('Exotel API GET %s: the list repeats a page already read (next_page_uri %s); '
                                 'stopped after 2 pages instead of reading for ever' % (path, loop))
    assert (type(err.value), err.value.method, err.value.path) == (c.ExotelError, 'GET', path)
    assert len(session.sent) == 2


def test_a_list_of_too_many_pages_fails_with_the_endpoint_and_the_limit(monkeypatch):
    monkeypatch.setattr(c, 'MAX_PAGES', 2)
    path = 'trunks/%s/whitelisted-ips' % TRUNK
    answers = [page([{'id': str(n)}], '/v2/accounts/%s/%s?offset=%d' % (SID, path, n + 1)) for n in range(3)]
    client, session, _sleeps = client_with(*answers)
    with pytest.raises(c.ExotelError) as err:
        client.list_whitelisted_ips(TRUNK)
    assert err.value.message == ('Exotel API GET %s: the list has more than 2 pages; stopped after 2 pages instead '
                                 'of reading for ever' % path)
    assert (type(err.value), err.value.method, err.value.path) == (c.ExotelError, 'GET', path)
    assert len(session.sent) == 2


@pytest.mark.parametrize('response, rows', [
    # the older single-object shape, with a list of rows (entries that are not objects are skipped)
    ({'code': 200, 'status': 'success', 'data': [{'id': 1, 'ip': '10.0.0.1'}, 'junk', {'id': '2', 'ip': '10.0.0.2'}]},
     [{'id': '1', 'ip': '10.0.0.1'}, {'id': '2', 'ip': '10.0.0.2'}]),
    # the older single-object shape, with one row
    ({'code': 200, 'status': 'success', 'data': {'id': 3, 'ip': '10.0.0.3'}}, [{'id': '3', 'ip': '10.0.0.3'}]),
    # ... or none
    ({'code': 200, 'status': 'success', 'data': None}, []),
    ({'code': 200, 'status': 'success', 'data': {}}, []),
    # bare rows, without envelopes; what is not an object is skipped, not the end of the list
    (['junk', {'id': 4, 'ip': '10.0.0.4'}, {'id': '5', 'ip': '10.0.0.5'}],
     [{'id': '4', 'ip': '10.0.0.4'}, {'id': '5', 'ip': '10.0.0.5'}]),
    # an envelope with data but without status, or with status but without data, or with null data
    ([{'code': 200, 'data': {'id': 6, 'ip': '10.0.0.6'}}, {'code': 200, 'status': 'success'},
      {'code': 200, 'status': 'success', 'data': None}, {'code': 200, 'status': 'success', 'data': {'id': 7}}],
     [{'id': '6', 'ip': '10.0.0.6'}, {'id': '7'}]),
    # an empty list may come without any metadata
    ([], []),
])
def test_every_list_shape_gives_the_rows_with_string_ids(response, rows):
    client, _session, _sleeps = client_with(listing(response))
    assert client.list_whitelisted_ips(TRUNK) == rows


def test_a_failed_list_entry_fails_the_read_naming_the_endpoint():
    client, _session, _sleeps = client_with(listing([
        {'code': 200, 'status': 'success', 'data': {'id': '1'}},
        {'code': 500, 'status': 'failure', 'data': None,
         'error_data': {'code': 1000, 'message': 'Server error', 'description': 'row unavailable'}}]))
    with pytest.raises(c.ExotelError) as err:
        client.list_destinations(TRUNK)
    path = 'trunks/%s/destination-uris' % TRUNK
    assert err.value.message.startswith('Exotel API GET %s listed an entry it could not read (code 500, error 1000: '
                                        'row unavailable)' % path)
    assert (err.value.path, err.value.http_status, err.value.api_code) == (path, 500, 1000)


@pytest.mark.parametrize('read, collection', [
    ('list_phone_numbers', 'phone-numbers'),
    ('list_whitelisted_ips', 'whitelisted-ips'),
    ('list_destinations', 'destination-uris'),
    ('list_settings', 'settings'),
    ('list_credentials', 'credentials'),
])
def test_each_child_collection_is_read_from_its_own_endpoint(read, collection):
    client, session, _sleeps = client_with(page([{'id': 9}]))
    assert getattr(client, read)(TRUNK) == [{'id': '9'}]
    assert sent(session) == [('GET', child(collection), {}, None)]


# ------------------------------------------------------------------------------------------- batches

def test_a_batch_is_one_post_with_one_result_per_item():
    client, session, _sleeps = client_with(items(
        item_ok({'id': 11, 'destination': 'sip:sip.example.com:5061;transport=tls'}),
        item_refused(400, '1002', 'Destination not whitelisted'),
        {'code': 400, 'status': 'failure', 'data': None, 'error_data': 'not a valid destination'},
        {'code': 500, 'status': 'failure', 'data': None, 'error_data': None}))
    destinations = ['sip.example.com:5061;transport=tls', '44.248.146.11:5061;transport=tls',
                    'bad', '52.66.10.20:5061;transport=tls']
    results = client.add_destinations(TRUNK, destinations, destination_key)
    assert [r.to_dict() for r in results] == [
        {'item': {'destination': destinations[0]}, 'ok': True, 'error': None,
         'data': {'id': '11', 'destination': 'sip:sip.example.com:5061;transport=tls'}},
        {'item': {'destination': destinations[1]}, 'ok': False, 'data': None, 'error': {
            'http_status': 400, 'api_code': 1002, 'message': 'Invalid parameter',
            'description': 'Destination not whitelisted'}},
        {'item': {'destination': destinations[2]}, 'ok': False, 'data': None, 'error': {
            'http_status': 400, 'api_code': None, 'message': None, 'description': 'not a valid destination'}},
        {'item': {'destination': destinations[3]}, 'ok': False, 'data': None, 'error': {
            'http_status': 500, 'api_code': None, 'message': None, 'description': None}}]
    assert sent(session) == [('POST', child('destination-uris'), None,
                              {'destinations': [{'destination': d} for d in destinations]})]


def test_an_item_the_batch_answer_leaves_out_is_a_failure_of_its_own():
    client, _session, _sleeps = client_with(items(item_ok({'name': 'a', 'value': '1'}), status=200))
    results = client.set_settings(TRUNK, {'a': '1', 'b': '2'})
    assert [r.to_dict() for r in results] == [
        {'item': {'name': 'a', 'value': '1'}, 'ok': True, 'data': {'name': 'a', 'value': '1'}, 'error': None},
        {'item': {'name': 'b', 'value': '2'}, 'ok': False, 'data': None,
         'error': {'description': 'the API returned no result for this item'}}]


def test_a_batch_answered_with_one_envelope_gives_it_to_the_first_item():
    client, _session, _sleeps = client_with(ok({'name': 'a', 'value': '1'}))
    results = client.set_settings(TRUNK, {'a': '1', 'b': '2'})
    assert [(r.ok, r.data, r.error) for r in results] == [
        (True, {'name': 'a', 'value': '1'}, None),
        (False, None, {'description': 'the API returned no result for this item'})]


def test_an_item_answer_without_a_code_is_not_taken_for_success():
    client, _session, _sleeps = client_with(items({'status': 'success', 'data': {'name': 'a', 'value': '1'}}))
    (result,) = client.set_settings(TRUNK, {'a': '1'})
    assert result.to_dict() == {'item': {'name': 'a', 'value': '1'}, 'ok': False, 'data': None, 'error': {
        'http_status': None, 'api_code': None, 'message': None, 'description': None}}


def test_settings_are_posted_in_name_order():
    client, session, _sleeps = client_with(items(item_ok({'name': 'a', 'value': '1'}),
                                                 item_ok({'name': 'b', 'value': '2'})))
    results = client.set_settings(TRUNK, {'b': '2', 'a': '1'})
    assert [r.request_item for r in results] == [{'name': 'a', 'value': '1'}, {'name': 'b', 'value': '2'}]
    assert sent(session) == [('POST', child('settings'), None,
                              {'settings': [{'name': 'a', 'value': '1'}, {'name': 'b', 'value': '2'}]})]


def test_a_lost_destination_batch_reposts_only_what_did_not_land():
    first, second = 'SIP.example.com:5061;transport=tls', '44.248.146.11:5061;transport=tls'
    landed = {'id': '21', 'destination': 'sip:sip.example.com:5061;transport=tls'}
    other = {'id': '20', 'destination': 'sip:pbx.example.org:5060;transport=udp'}
    added = {'id': 22, 'destination': 'sip:' + second}
    client, session, sleeps = client_with(lost(), page([other, landed]), items(item_ok(added)), backoff_base=1.0)
    results = client.add_destinations(TRUNK, [first, second], destination_key)
    assert [r.to_dict() for r in results] == [
        {'item': {'destination': first}, 'ok': True, 'data': landed, 'error': None},
        {'item': {'destination': second}, 'ok': True, 'data': dict(added, id='22'), 'error': None}]
    assert sent(session) == [
        ('POST', child('destination-uris'), None, {'destinations': [{'destination': first}, {'destination': second}]}),
        ('GET', child('destination-uris'), {}, None),
        ('POST', child('destination-uris'), None, {'destinations': [{'destination': second}]})]
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0


def test_a_lost_settings_batch_reposts_the_settings_that_do_not_hold_their_value():
    client, session, _sleeps = client_with(
        lost(), page([{'name': 'a', 'value': '1'}, {'name': 'b', 'value': 'old'}]),
        items(item_ok({'name': 'b', 'value': '2'}), item_ok({'name': 'c', 'value': '3'})))
    results = client.set_settings(TRUNK, {'a': '1', 'b': '2', 'c': '3'})
    assert [(r.ok, r.data) for r in results] == [
        (True, {'name': 'a', 'value': '1'}), (True, {'name': 'b', 'value': '2'}), (True, {'name': 'c', 'value': '3'})]
    assert sent(session)[1:] == [
        ('GET', child('settings'), {}, None),
        ('POST', child('settings'), None, {'settings': [{'name': 'b', 'value': '2'}, {'name': 'c', 'value': '3'}]})]


def test_a_batch_whose_answers_stay_lost_gives_up_after_max_retries():
    client, session, sleeps = client_with(lost(), page([]), lost(), page([]), lost(),
                                          max_retries=2, backoff_base=1.0)
    with pytest.raises(c.ExotelResponseLost):
        client.set_settings(TRUNK, {'a': '1'})
    assert [r['method'] for r in session.sent] == ['POST', 'GET', 'POST', 'GET', 'POST']
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0


def test_a_batch_is_not_retried_when_retries_are_off():
    client, session, sleeps = client_with(lost(), max_retries=0)
    with pytest.raises(c.ExotelResponseLost):
        client.add_destinations(TRUNK, ['sip.example.com:5061;transport=tls'], destination_key)
    assert len(session.sent) == 1 and sleeps == []


# ------------------------------------------------------------------------------------------- creation

@pytest.mark.parametrize('create, args, collection, body', [
    ('map_phone_number', (NUMBER, 'pstn'), 'phone-numbers', {'phone_number': NUMBER, 'mode': 'pstn'}),
    ('map_phone_number', (NUMBER,), 'phone-numbers', {'phone_number': NUMBER}),
    ('map_phone_number', (NUMBER, ''), 'phone-numbers', {'phone_number': NUMBER}),
    ('add_whitelisted_ip', ('44.248.146.11', 32), 'whitelisted-ips', {'ip': '44.248.146.11', 'mask': 32}),
    ('create_credential', ('bot', 'S3cret_pw'), 'credentials', {'user_name': 'bot', 'password': 'S3cret_pw'}),
    ('create_credential', ('bot', 'S3cret_pw', 'Bot'), 'credentials',
     {'user_name': 'bot', 'password': 'S3cret_pw', 'friendly_name': 'Bot'}),
    ('create_credential', ('bot', 'S3cret_pw', ''), 'credentials',
     {'user_name': 'bot', 'password': 'S3cret_pw', 'friendly_name': ''}),
])
def test_a_create_is_one_post_of_the_documented_body(create, args, collection, body):
    client, session, sleeps = client_with(ok({'id': 31, 'sid': 'x'}))
    assert getattr(client, create)(TRUNK, *args) == ({'id': '31', 'sid': 'x'}, True)
    assert sent(session) == [('POST', child(collection), None, body)]
    assert sleeps == [] and client.figures()['writes'] == 1


def test_a_trunk_is_created_with_its_name_code_and_domain():
    created = dict(TRUNK_A, id=5)
    client, session, _sleeps = client_with(ok(created))
    assert client.create_trunk('alpha', 'ANY-ANY', 'exoteltest.pstn.exotel.com') == (dict(created, id='5'), True)
    assert sent(session) == [('POST', ACCOUNT + '/trunks', None, {
        'trunk_name': 'alpha', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})]


@pytest.mark.parametrize('create, args, collection, rows, found', [
    ('map_phone_number', (NUMBER, 'pstn'), 'phone-numbers',
     [{'id': '1', 'phone_number': '+919876543211'}, {'id': '2', 'phone_number': NUMBER}],
     {'id': '2', 'phone_number': NUMBER}),
    ('add_whitelisted_ip', ('44.248.146.11', 32), 'whitelisted-ips',
     [{'id': '1', 'ip': '10.0.0.1'}, {'id': '2', 'ip': '44.248.146.11'}], {'id': '2', 'ip': '44.248.146.11'}),
    ('create_credential', ('bot', 'S3cret_pw'), 'credentials',
     [{'id': '1', 'user_name': 'other'}, {'id': '2', 'user_name': 'bot'}], {'id': '2', 'user_name': 'bot'}),
])
def test_a_duplicate_adopts_the_existing_entry_as_not_created(create, args, collection, rows, found):
    client, session, sleeps = client_with(duplicate(), page(rows))
    row, created = getattr(client, create)(TRUNK, *args)
    assert row == found and created is False
    assert [(r['method'], r['url']) for r in session.sent] == [('POST', child(collection)), ('GET', child(collection))]
    assert sleeps == []


def test_a_duplicate_trunk_is_found_in_a_listing_of_every_trunk():
    client, session, _sleeps = client_with(duplicate(), page([TRUNK_B, TRUNK_A]))
    assert client.create_trunk('alpha', 'ANY-ANY', 'exoteltest.pstn.exotel.com') == (TRUNK_A, False)
    assert sent(session)[1] == ('GET', ACCOUNT + '/trunks', {'page_size': 50}, None)


def test_a_duplicate_that_the_list_does_not_hold_is_raised():
    client, _session, _sleeps = client_with(duplicate(), page([{'id': '1', 'ip': '10.0.0.1'}]))
    with pytest.raises(c.ExotelDuplicateError):
        client.add_whitelisted_ip(TRUNK, '44.248.146.11', 32)


def test_a_lost_answer_whose_post_landed_is_not_sent_again():
    row = {'id': '2', 'ip': '44.248.146.11', 'mask': 32}
    client, session, sleeps = client_with(lost(), page([row]))
    assert client.add_whitelisted_ip(TRUNK, '44.248.146.11', 32) == (row, True)
    assert [r['method'] for r in session.sent] == ['POST', 'GET'] and sleeps == []


def test_a_lost_answer_whose_post_did_not_land_is_posted_again_after_a_backoff():
    client, session, sleeps = client_with(lost(), page([]), ok({'id': 3, 'ip': '44.248.146.11'}), backoff_base=1.0)
    assert client.add_whitelisted_ip(TRUNK, '44.248.146.11', 32) == ({'id': '3', 'ip': '44.248.146.11'}, True)
    assert [r['method'] for r in session.sent] == ['POST', 'GET', 'POST']
    assert session.sent[2]['body'] == {'ip': '44.248.146.11', 'mask': 32}
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0
    assert client.figures()['retries'] == 1
    assert client.warnings() == ['retried once after a lost answer to a POST']


def test_a_duplicate_after_a_lost_answer_is_our_own_creation():
    row = {'id': '4', 'phone_number': NUMBER}
    client, _session, _sleeps = client_with(lost(), page([]), duplicate(), page([row]))
    assert client.map_phone_number(TRUNK, NUMBER) == (row, True)


def test_a_post_whose_answers_stay_lost_gives_up_after_max_retries():
    client, session, sleeps = client_with(lost(), page([]), lost(), page([]), lost(), page([]),
                                          max_retries=2, backoff_base=1.0)
    with pytest.raises(c.ExotelResponseLost):
        client.create_credential(TRUNK, 'bot', 'S3cret_pw')
    assert [r['method'] for r in session.sent] == ['POST', 'GET', 'POST', 'GET', 'POST', 'GET']
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0
    assert client.figures()['retries'] == 2
    assert client.figures()['waited_seconds'] == round(sum(sleeps), 1)
    assert client.warnings() == ['retried twice after a lost answer to a POST']


def test_a_post_is_not_retried_when_retries_are_off():
    client, session, sleeps = client_with(lost(), page([]), max_retries=0)
    with pytest.raises(c.ExotelResponseLost):
        client.map_phone_number(TRUNK, NUMBER)
    assert len(session.sent) == 2 and sleeps == []


# ------------------------------------------------------------------------------------------- numbers elsewhere

def test_a_number_mapped_to_another_trunk_names_that_trunk():
    holders = page([{'phone_number': '+919876543211', 'trunk_sid': 'trOTHERNUMBER'},
                    {'phone_number': NUMBER},
                    {'phone_number': NUMBER, 'trunk_sid': 'trHOLDER'}])
    client, session, _sleeps = client_with(duplicate('Unable to create DidTrunkMapping'), page([]), holders)
    with pytest.raises(c.ExotelDuplicateError) as err:
        client.map_phone_number(TRUNK, NUMBER, 'pstn')
    assert err.value.description == ('%s is already mapped to trunk trHOLDER; unmap it there first '
                                     '(Unable to create DidTrunkMapping)' % NUMBER)
    assert sent(session)[2] == ('GET', ACCOUNT + '/trunk-maps', {'exophone': NUMBER}, None)


def test_a_number_held_elsewhere_without_a_description_quotes_the_error_message():
    client, _session, _sleeps = client_with(duplicate(None), page([]), not_found())
    with pytest.raises(c.ExotelDuplicateError) as err:
        client.map_phone_number(TRUNK, NUMBER)
    assert err.value.description == ('%s is already mapped to another trunk (the API did not say which); unmap it '
                                     'there first (%s)' % (NUMBER, err.value.message))


@pytest.mark.parametrize('rows, holder', [
    # a row that does not name the number is taken to be about it
    ([{'trunk_sid': 'trHOLDER'}], 'trHOLDER'),
    # rows without a trunk, or about another number, say nothing
    ([{'phone_number': NUMBER}, {'phone_number': '+919876543211', 'trunk_sid': 'trOTHER'}], None),
    ([], None),
])
def test_the_holder_of_a_number_is_read_defensively(rows, holder):
    client, _session, _sleeps = client_with(page(rows))
    assert client.find_number_holder(NUMBER) == holder


def test_a_holder_answer_that_is_not_a_row_names_no_trunk():
    client, _session, _sleeps = client_with(listing({'code': 200, 'status': 'success', 'data': 'mapped elsewhere'}))
    assert client.find_number_holder(NUMBER) is None


# ------------------------------------------------------------------------------------------- updates and deletes

def test_a_number_mode_is_changed_by_a_put_on_its_mapping():
    client, session, _sleeps = client_with(ok({'id': 7, 'phone_number': NUMBER, 'mode': 'flow'}))
    assert client.update_phone_number_mode(TRUNK, '7', NUMBER, 'flow') == {'id': '7', 'phone_number': NUMBER,
                                                                           'mode': 'flow'}
    assert sent(session) == [('PUT', child('phone-numbers', '7'), None, {'phone_number': NUMBER, 'mode': 'flow'})]


def test_a_destination_update_sends_only_priority_and_weight_that_are_set():
    client, session, _sleeps = client_with(ok({'id': 8, 'priority': 2}))
    assert client.update_destination(TRUNK, '8', priority=2, weight=None, destination='sip:x') == {'id': '8',
                                                                                                   'priority': 2}
    assert sent(session) == [('PUT', child('destination-uris', '8'), None, {'priority': 2})]


def test_a_credential_update_sends_the_fields_that_are_set():
    client, session, _sleeps = client_with(ok({'id': 9, 'friendly_name': 'Bot'}))
    updated = client.update_credential(TRUNK, '9', friendly_name='Bot', password=None)
    assert updated == {'id': '9', 'friendly_name': 'Bot'}
    assert sent(session) == [('PUT', child('credentials', '9'), None, {'friendly_name': 'Bot'})]


@pytest.mark.parametrize('delete, collection, identity, query', [
    ('unmap_phone_number', 'phone-numbers', '11', {'id': '11'}),
    ('delete_whitelisted_ip', 'whitelisted-ips', '12', {'id': '12'}),
    ('delete_destination', 'destination-uris', '13', {'id': '13'}),
    ('delete_credential', 'credentials', '14', {'id': '14'}),
    ('delete_setting', 'settings', 'trunk_external_alias', {'name': 'trunk_external_alias'}),
])
def test_a_child_is_deleted_through_its_query_parameter(delete, collection, identity, query):
    client, session, _sleeps = client_with(ok({'id': 15}))
    assert getattr(client, delete)(TRUNK, identity) == {'id': '15'}
    assert sent(session) == [('DELETE', child(collection), query, None)]


@pytest.mark.parametrize('delete, collection', [
    ('unmap_phone_number', 'phone-numbers'),
    ('delete_whitelisted_ip', 'whitelisted-ips'),
    ('delete_destination', 'destination-uris'),
    ('delete_credential', 'credentials'),
    ('delete_setting', 'settings'),
])
@pytest.mark.parametrize('identity', [None, ''])
def test_a_delete_without_an_id_is_refused_before_any_request(delete, collection, identity):
    client, session, _sleeps = client_with()
    with pytest.raises(c.ExotelError) as err:
        getattr(client, delete)(TRUNK, identity)
    path = 'trunks/%s/%s' % (TRUNK, collection)
    assert err.value.message == ('refusing to send DELETE %s without an id: the API listed the entry without one'
                                 % path)
    assert (type(err.value), err.value.method, err.value.path) == (c.ExotelError, 'DELETE', path)
    assert session.sent == []


def test_a_child_already_gone_is_deleted():
    client, session, _sleeps = client_with(not_found())
    assert client.delete_whitelisted_ip(TRUNK, '12') is None
    assert len(session.sent) == 1


def test_a_trunk_is_deleted_by_its_sid():
    client, session, _sleeps = client_with(ok(TRUNK_A))
    assert client.delete_trunk('tr1', 'alpha') == TRUNK_A
    assert sent(session) == [('DELETE', ACCOUNT + '/trunks', {'trunk_sid': 'tr1'}, None)]


# ------------------------------------------------------------------------------------------- settings

def test_a_setting_the_api_overwrites_returns_what_it_stored():
    stored = {'id': 5, 'name': 'trunk_external_alias', 'value': '+919876543211'}
    client, session, _sleeps = client_with(items(item_ok(stored), status=200))
    assert client.replace_setting(TRUNK, 'trunk_external_alias', '+919876543211') == dict(stored, id='5')
    assert len(session.sent) == 1


def test_a_setting_stored_without_an_answer_returns_what_was_sent():
    client, _session, _sleeps = client_with(items(item_ok(None), status=200))
    assert client.replace_setting(TRUNK, 'a', '1') == {'name': 'a', 'value': '1'}


def test_a_setting_refused_for_another_reason_than_a_duplicate_is_raised():
    client, session, _sleeps = client_with(items(item_refused(400, 1002, 'not a number')))
    with pytest.raises(c.ExotelError) as err:
        client.replace_setting(TRUNK, 'a', 'x')
    path = 'trunks/%s/settings' % TRUNK
    assert err.type is c.ExotelError
    assert err.value.message == ("Exotel API POST %s refused {'name': 'a', 'value': 'x'}: code 400 (error 1002): "
                                 "Invalid parameter; not a number" % path)
    assert (err.value.method, err.value.path, err.value.http_status, err.value.api_code) == ('POST', path, 400, 1002)
    assert len(session.sent) == 1


@pytest.mark.parametrize('second, expected', [
    (items(item_ok({'id': 6, 'name': 'a', 'value': '2'}), status=200), {'id': '6', 'name': 'a', 'value': '2'}),
    (items(item_ok(None), status=200), {'name': 'a', 'value': '2'}),
])
def test_a_setting_that_must_be_deleted_first_is_posted_again(second, expected):
    client, session, _sleeps = client_with(items(item_refused(409, 1008, 'exists', 'Duplicate resource')),
                                           ok({'name': 'a'}), second)
    assert client.replace_setting(TRUNK, 'a', '2') == expected
    assert sent(session) == [('POST', child('settings'), None, {'settings': [{'name': 'a', 'value': '2'}]}),
                             ('DELETE', child('settings'), {'name': 'a'}, None),
                             ('POST', child('settings'), None, {'settings': [{'name': 'a', 'value': '2'}]})]


def test_a_setting_refused_again_after_its_delete_is_raised():
    client, _session, _sleeps = client_with(duplicate('exists'), ok({'name': 'a'}),
                                            items(item_refused(400, 1002, 'still refused')))
    with pytest.raises(c.ExotelError) as err:
        client.replace_setting(TRUNK, 'a', '2')
    path = 'trunks/%s/settings' % TRUNK
    assert err.value.message == ("Exotel API POST %s refused {'name': 'a', 'value': '2'}: code 400 (error 1002): "
                                 "Invalid parameter; still refused" % path)
    assert (err.value.method, err.value.path) == ('POST', path)


# ------------------------------------------------------------------------------------------- credentials

@pytest.mark.parametrize('rows, include_secrets, expected', [
    ([{'id': 1, 'user_name': 'bot', 'friendly_name': 'Bot'}], False,
     [{'id': '1', 'user_name': 'bot', 'friendly_name': 'Bot'}]),
    # the older shape: username and a password, which is dropped unless asked for
    ([{'username': 'old', 'password': 'Listed_pw3'}], False, [{'user_name': 'old'}]),
    ([{'username': 'old', 'password': 'Listed_pw3'}], True, [{'user_name': 'old', 'password': 'Listed_pw3'}]),
    ([{'user_name': 'bot', 'username': 'alias'}], False, [{'user_name': 'bot', 'username': 'alias'}]),
    ([{'user_name': 'bot'}], True, [{'user_name': 'bot'}]),
])
def test_credentials_are_read_from_both_shapes(rows, include_secrets, expected):
    client, _session, _sleeps = client_with(page(rows))
    assert client.list_credentials(TRUNK, include_secrets=include_secrets) == expected


def test_credentials_are_listed_without_passwords_by_default():
    client, _session, _sleeps = client_with(page([{'username': 'old', 'password': 'Listed_pw3'}]))
    assert client.list_credentials(TRUNK) == [{'user_name': 'old'}]
    assert client.redact('was Listed_pw3') == 'was ********'


def test_a_password_being_set_is_a_secret_before_the_request():
    client, _session, _sleeps = client_with(ok({'id': 1}), ok({'id': 1}))
    client.create_credential(TRUNK, 'bot', 'First_pw1')
    client.update_credential(TRUNK, '1', password='Second_pw2')
    assert client.redact('First_pw1 Second_pw2') == '******** ********'


# ------------------------------------------------------------------------------------------- trunk names

@pytest.fixture
def shared_cache(monkeypatch, tmp_path):
    """The shared trunk directory cache, in a state directory of this test's own."""
    state = str(tmp_path / 'state')
    monkeypatch.setenv('EXOTEL_STATE_DIR', state)
    monkeypatch.delenv('EXOTEL_TRUNK_CACHE', raising=False)
    monkeypatch.delenv('EXOTEL_TRUNK_CACHE_TTL', raising=False)
    return TrunkDirectoryCache(BASE, SID, directory=state)


def cached_client(*answers):
    return client_with(*answers, trunk_cache='shared')


LIST_TRUNKS = ('GET', ACCOUNT + '/trunks', {'page_size': 50}, None)


def confirm(sid):
    return ('GET', ACCOUNT + '/trunks', {'page_size': 50, 'trunk_sid': sid}, None)


def test_without_the_cache_every_lookup_lists_the_trunks():
    client, session, _sleeps = client_with(page([TRUNK_A, TRUNK_B]), page([TRUNK_A, TRUNK_B]))
    assert client.find_trunk_by_name('beta') == TRUNK_B
    assert client.find_trunk_by_name('gamma') is None
    assert sent(session) == [LIST_TRUNKS, LIST_TRUNKS]


def test_a_trunk_is_found_by_its_sid_among_the_rows():
    client, _session, _sleeps = client_with(page([TRUNK_A, TRUNK_B]), not_found())
    assert client.get_trunk('tr2') == TRUNK_B
    assert client.get_trunk('tr3') is None


def test_one_listing_serves_later_lookups_each_confirmed_by_its_sid(shared_cache):
    client, session, _sleeps = cached_client(page([TRUNK_A, {'trunk_sid': 'tr9'}, TRUNK_B]), page([TRUNK_A]),
                                             page([TRUNK_B]))
    assert client.find_trunk_by_name('alpha') == TRUNK_A
    assert client.find_trunk_by_name('beta') == TRUNK_B
    assert client.find_trunk_by_name('gamma') is None
    assert sent(session) == [LIST_TRUNKS, confirm('tr1'), confirm('tr2')]
    assert sorted(shared_cache.get()) == ['alpha', 'beta']


def test_a_trunk_renamed_elsewhere_makes_the_lookup_list_again(shared_cache):
    renamed = dict(TRUNK_A, trunk_name='renamed')
    client, session, _sleeps = cached_client(page([TRUNK_A]), page([renamed]), page([renamed, TRUNK_B]))
    assert client.find_trunk_by_name('alpha') is None
    assert sent(session) == [LIST_TRUNKS, confirm('tr1'), LIST_TRUNKS]
    assert sorted(shared_cache.get()) == ['beta', 'renamed']


def test_a_trunk_deleted_elsewhere_makes_the_lookup_list_again(shared_cache):
    client, session, _sleeps = cached_client(page([TRUNK_A]), page([]), page([TRUNK_B]))
    assert client.find_trunk_by_name('alpha') is None
    assert sent(session) == [LIST_TRUNKS, confirm('tr1'), LIST_TRUNKS]
    assert sorted(shared_cache.get()) == ['beta']


def test_a_trunk_recreated_elsewhere_is_found_in_the_new_listing(shared_cache):
    recreated = dict(TRUNK_A, trunk_sid='tr7')
    client, session, _sleeps = cached_client(page([TRUNK_A]), not_found(), page([recreated]))
    assert client.find_trunk_by_name('alpha') == recreated
    assert sent(session) == [LIST_TRUNKS, confirm('tr1'), LIST_TRUNKS]
    assert shared_cache.get() == {'alpha': recreated}


def test_a_listing_for_a_duplicate_trunk_is_shared(shared_cache):
    client, session, _sleeps = cached_client(duplicate(), page([TRUNK_A, TRUNK_B]), page([TRUNK_B]))
    assert client.create_trunk('alpha', 'ANY-ANY', 'exoteltest.pstn.exotel.com') == (TRUNK_A, False)
    assert client.find_trunk_by_name('beta') == TRUNK_B
    assert sent(session)[1:] == [LIST_TRUNKS, confirm('tr2')]
    assert sorted(shared_cache.get()) == ['alpha', 'beta']


def test_a_created_trunk_is_known_to_later_lookups_without_a_listing(shared_cache):
    client, session, _sleeps = cached_client(page([TRUNK_B]), ok(TRUNK_A), page([TRUNK_A]))
    assert client.find_trunk_by_name('alpha') is None
    assert client.create_trunk('alpha', 'ANY-ANY', 'exoteltest.pstn.exotel.com') == (TRUNK_A, True)
    assert client.find_trunk_by_name('alpha') == TRUNK_A
    assert sent(session)[2] == confirm('tr1')
    assert sorted(shared_cache.get()) == ['alpha', 'beta']


@pytest.mark.parametrize('name', [None, 'alpha'])
def test_a_deleted_trunk_is_forgotten_by_later_lookups(shared_cache, name):
    client, session, _sleeps = cached_client(page([TRUNK_A, TRUNK_B]), page([TRUNK_A]), ok(TRUNK_A))
    assert client.find_trunk_by_name('alpha') == TRUNK_A
    assert client.delete_trunk('tr1', name) == TRUNK_A
    assert client.find_trunk_by_name('alpha') is None
    assert len(session.sent) == 3
    assert sorted(shared_cache.get()) == ['beta']


def test_a_trunk_already_gone_is_forgotten_by_the_name_given(shared_cache):
    client, _session, _sleeps = cached_client(page([TRUNK_A, TRUNK_B]), not_found())
    assert client.find_trunk_by_name('gamma') is None
    assert client.delete_trunk('tr1', 'alpha') is None
    assert sorted(shared_cache.get()) == ['beta']


def test_a_trunk_is_deleted_without_the_cache():
    client, _session, _sleeps = client_with(ok(TRUNK_A), not_found())
    assert client.delete_trunk('tr1', 'alpha') == TRUNK_A
    assert client.delete_trunk('tr1') is None


def test_a_trunk_created_by_another_fork_during_the_listing_is_kept(shared_cache):
    def listing_while_another_fork_creates_gamma():
        shared_cache.remember({'trunk_name': 'gamma', 'trunk_sid': 'tr3'})
        return page([TRUNK_A])
    client, session, _sleeps = cached_client(listing_while_another_fork_creates_gamma, page([TRUNK_A]),
                                             page([{'trunk_name': 'gamma', 'trunk_sid': 'tr3'}]))
    assert client.find_trunk_by_name('alpha') == TRUNK_A
    assert client.find_trunk_by_name('gamma') == {'trunk_name': 'gamma', 'trunk_sid': 'tr3'}
    assert sent(session) == [LIST_TRUNKS, confirm('tr1'), confirm('tr3')]


def test_a_listing_made_by_another_fork_while_waiting_is_used(shared_cache, monkeypatch):
    client, session, _sleeps = cached_client(page([TRUNK_A]))
    cache = client.trunk_cache
    waited_for = cache.refresh_lock

    def lock_taken_after_another_fork_listed():
        shared_cache.put([TRUNK_A, TRUNK_B])
        return waited_for()
    monkeypatch.setattr(cache, 'refresh_lock', lock_taken_after_another_fork_listed)
    assert client.find_trunk_by_name('alpha') == TRUNK_A
    assert sent(session) == [confirm('tr1')]


def test_a_fresh_listing_is_used_without_waiting_for_the_listing_lock(shared_cache):
    shared_cache.put([TRUNK_A])
    client, session, _sleeps = cached_client(page([TRUNK_A]))
    found = []
    with shared_cache.refresh_lock():   # another fork is listing
        lookup = threading.Thread(target=lambda: found.append(client.find_trunk_by_name('alpha')))
        lookup.start()
        lookup.join(10)
        finished = not lookup.is_alive()
    lookup.join(10)
    assert finished and found == [TRUNK_A]
    assert sent(session) == [confirm('tr1')]

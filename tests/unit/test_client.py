"""ExotelClient against the simulator: envelope, duplicates in a 200, 207, pagination, 429, 5xx, lost responses."""

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client as c
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import destination_key
from conftest import ACCOUNT_SID, API_KEY, API_TOKEN


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(simulator, sleeps):
    return make_client(simulator, sleeps)


def make_client(simulator, sleeps, **kwargs):
    kwargs.setdefault('max_retries', 3)
    kwargs.setdefault('backoff_base', 0.01)
    return c.ExotelClient(ACCOUNT_SID, API_KEY, kwargs.pop('token', API_TOKEN), simulator.url,
                          sleep=sleeps.append, **kwargs)


def api_requests(simulator, method=None):
    return [r for r in simulator.requests() if method is None or r['method'] == method]


def make_trunk(client, name='unit_trunk'):
    trunk, created = client.create_trunk(name, 'ANY-ANY', 'exoteltest.pstn.exotel.com')
    assert created
    return trunk['trunk_sid']


def test_create_and_find_trunk(client, simulator):
    sid = make_trunk(client)
    assert sid.startswith('tr')
    assert client.find_trunk_by_name('unit_trunk')['trunk_sid'] == sid
    assert client.get_trunk(sid)['trunk_name'] == 'unit_trunk'
    post = api_requests(simulator, 'POST')[0]
    assert post['path'] == '/v2/accounts/exoteltest/trunks'


def test_headers_auth_and_user_agent(simulator, sleeps):
    seen = {}

    class Recorder(c.requests.Session):
        def request(self, method, url, **kwargs):  # pylint: disable=arguments-differ
            seen.update(kwargs['headers'], url=url)
            return super(Recorder, self).request(method, url, **kwargs)

    client = c.ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, simulator.url, session=Recorder(), sleep=sleeps.append)
    make_trunk(client)
    assert seen['Authorization'].startswith('Basic ')
    assert seen['Content-Type'] == 'application/json'
    assert seen['User-Agent'].startswith('exotel.sip_trunking/')
    assert API_TOKEN not in seen['url'] and '@' not in seen['url']


def test_duplicate_in_200_envelope_is_a_typed_error(client, simulator):
    sid = make_trunk(client)
    client.map_phone_number(sid, '+919876543210')
    with pytest.raises(c.ExotelDuplicateError) as err:
        client.call('POST', 'trunks/%s/phone-numbers' % sid, body={'phone_number': '+919876543210'})
    assert err.value.http_status == 200
    assert err.value.api_code == 1008
    assert err.value.request_id
    assert 'Duplicate' in err.value.message


def test_duplicate_create_adopts_existing(client, simulator):
    sid = make_trunk(client)
    first, created = client.map_phone_number(sid, '+919876543210', 'flow')
    again, created_again = client.map_phone_number(sid, '+919876543210', 'flow')
    assert created and not created_again
    assert again['id'] == first['id']


def test_plain_http_409_is_also_a_duplicate(simulator, sleeps):
    simulator.configure(duplicate_style='http409')
    client = make_client(simulator, sleeps)
    make_trunk(client)
    trunk, created = client.create_trunk('unit_trunk', 'ANY-ANY', 'exoteltest.pstn.exotel.com')
    assert not created and trunk['trunk_name'] == 'unit_trunk'


def test_validation_error_is_typed_and_readable(client):
    with pytest.raises(c.ExotelError) as err:
        client.call('POST', 'trunks', body={'trunk_name': 'bad-name!', 'nso_code': 'ANY-ANY', 'domain_name': 'x.pstn.exotel.com'})
    assert err.value.http_status == 400
    assert 'trunk_name' in err.value.message


def test_pagination_follows_next_page_uri(client, simulator):
    sid = make_trunk(client)
    for index in range(120):
        client.map_phone_number(sid, '+9180000%05d' % index)
    before = len(api_requests(simulator))
    rows = client.list_phone_numbers(sid)
    assert len(rows) == 120
    assert len(set(row['phone_number'] for row in rows)) == 120
    assert len(api_requests(simulator)) - before == 3  # 50 + 50 + 20


def test_empty_list_without_metadata(client, simulator):
    sid = make_trunk(client)
    assert client.list_destinations(sid) == []


def test_ids_are_strings(client):
    sid = make_trunk(client)
    row, _created = client.add_whitelisted_ip(sid, '44.248.146.11', 32)
    assert isinstance(row['id'], str)


def test_batch_207_reports_every_item(client, simulator):
    sid = make_trunk(client)
    client.add_whitelisted_ip(sid, '44.248.146.11', 32)
    results = client.add_destinations(sid, ['44.248.146.11:5061;transport=tls', '52.66.10.20:5061;transport=tls',
                                            'sip.example.com:5061;transport=tls'], destination_key)
    assert [r.ok for r in results] == [True, False, True]
    assert results[0].data['destination'] == 'sip:44.248.146.11:5061;transport=tls'
    assert results[1].error['description'] == 'Destination not whitelisted'
    assert api_requests(simulator, 'POST')[-1]['status'] == 207


def test_429_honours_retry_after(simulator, sleeps):
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    simulator.add_fault({'method': 'GET', 'path': '/trunks/*/phone-numbers', 'action': 'status', 'status': 429,
                         'retry_after': 7, 'times': 2})
    assert client.list_phone_numbers(sid) == []
    assert sleeps == [7.0, 7.0]


def test_pacer_keeps_under_the_limit():
    clock = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds

    pacer = c.RequestPacer(limit=3, window=60.0, clock=lambda: clock[0], sleep=sleep)
    for _request in range(3):
        pacer.wait()
    assert slept == []
    clock[0] = 10.0
    pacer.wait()
    assert slept == [50.0]


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_5xx_on_reads_is_retried(simulator, sleeps, status):
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    simulator.add_fault({'method': 'GET', 'path': '/trunks/*/whitelisted-ips', 'action': 'status', 'status': status, 'times': 2})
    assert client.list_whitelisted_ips(sid) == []
    assert len(sleeps) == 2


def test_retries_are_bounded(simulator, sleeps):
    client = make_client(simulator, sleeps, max_retries=2)
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 503, 'times': 0})
    with pytest.raises(c.ExotelError, match='gave up after 3 attempts'):
        client.list_trunks()
    assert len(api_requests(simulator)) == 3


def test_retry_max_wait_bounds_total_wait(simulator, sleeps):
    client = make_client(simulator, sleeps, max_retries=10, retry_max_wait=10)
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 429, 'retry_after': 4, 'times': 0})
    with pytest.raises(c.ExotelError, match='gave up'):
        client.list_trunks()
    assert sum(sleeps) <= 10


def test_lost_response_on_create_does_not_duplicate(simulator, sleeps):
    client = make_client(simulator, sleeps)
    simulator.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'lose_response'})
    trunk, created = client.create_trunk('lost_trunk', 'ANY-ANY', 'exoteltest.pstn.exotel.com')
    assert created and trunk['trunk_sid']
    assert [t['trunk_name'] for t in client.list_trunks()] == ['lost_trunk']
    assert len(api_requests(simulator, 'POST')) == 1  # re-read showed it landed: no second POST


def test_5xx_on_create_rereads_then_retries(simulator, sleeps):
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/whitelisted-ips', 'action': 'status', 'status': 503})
    row, created = client.add_whitelisted_ip(sid, '44.248.146.11', 32)
    assert created and row['ip'] == '44.248.146.11'
    assert len(client.list_whitelisted_ips(sid)) == 1
    assert len(api_requests(simulator, 'POST')) == 3  # trunk, failed add, the one retry


def test_lost_destination_batch_is_not_reposted(simulator, sleeps):
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/destination-uris', 'action': 'lose_response'})
    results = client.add_destinations(sid, ['sip.example.com:5061;transport=tls'], destination_key)
    assert results[0].ok
    assert len(client.list_destinations(sid)) == 1


def test_401_is_not_retried_and_explains_region(simulator, sleeps):
    client = make_client(simulator, sleeps, token='wrong-token-value')
    with pytest.raises(c.ExotelAuthError) as err:
        client.list_trunks()
    assert 'region' in err.value.message
    assert 'wrong-token-value' not in str(err.value)
    assert len(api_requests(simulator)) == 1 and sleeps == []


def test_html_proxy_page_is_explained(simulator, sleeps):
    client = make_client(simulator, sleeps, max_retries=0)
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'html'})
    with pytest.raises(c.ExotelError, match='not the API'):
        client.list_trunks()


def test_malformed_json_is_explained(simulator, sleeps):
    client = make_client(simulator, sleeps)
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'malformed_json'})
    with pytest.raises(c.ExotelError, match='not the API'):
        client.list_trunks()


def test_missing_trunk_is_not_found(simulator, sleeps):
    client = make_client(simulator, sleeps)
    with pytest.raises(c.ExotelNotFoundError):
        client.list_phone_numbers('trmumdoesnotexist')
    assert client.get_trunk('trmumdoesnotexist') is None
    simulator.configure(missing_trunk_style='403')
    with pytest.raises(c.ExotelNotFoundError):
        client.list_phone_numbers('trmumdoesnotexist')


def test_delete_already_gone_is_done(client):
    sid = make_trunk(client)
    assert client.delete_trunk(sid)['trunk_sid'] == sid
    assert client.delete_trunk(sid) is None


def echoing_refusal(simulator, method, path, echoed):
    """A refusal whose error text repeats what it was sent (the simulator never echoes a password, an
    API or a proxy in front of it may): only the client's own redaction keeps it out of the error."""
    simulator.add_fault({'method': method, 'path': path, 'action': 'status', 'status': 400, 'body': {
        'request_id': 'r1', 'method': method, 'http_code': 400, 'response': {
            'code': 400, 'status': 'failure', 'data': None, 'error_data': {
                'code': 1002, 'message': 'Invalid parameter for %s' % echoed,
                'description': 'password %s is not accepted' % echoed}}}})


def assert_redacted(error, secret):
    assert secret not in str(error)
    assert secret not in repr(error.to_dict())
    assert '********' in error.to_dict()['description'], error.to_dict()   # the refusal itself is still told


def test_secrets_are_redacted_from_errors(simulator, sleeps):
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    echoing_refusal(simulator, 'POST', '/trunks/*/credentials', 'Bad_Password1')
    with pytest.raises(c.ExotelError) as err:
        client.create_credential(sid, 'bot', 'Bad_Password1')
    assert_redacted(err.value, 'Bad_Password1')


def test_a_new_password_is_redacted_from_the_errors_of_its_update(simulator, sleeps):
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    row, _created = client.create_credential(sid, 'bot', 'First_pw1')
    echoing_refusal(simulator, 'PUT', '/trunks/*/credentials/*', 'Second_pw2')
    with pytest.raises(c.ExotelError) as err:
        client.update_credential(sid, row['id'], password='Second_pw2')
    assert_redacted(err.value, 'Second_pw2')


def test_a_password_the_api_lists_is_redacted_from_later_errors(simulator, sleeps):
    """The legacy credentials shape lists a password: from then on no error of this client shows it."""
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    requests_session = c.requests.Session()
    answer = requests_session.post(simulator.url + '/v2/accounts/%s/trunks/%s/credentials' % (ACCOUNT_SID, sid),
                                   json={'user_name': 'old_bot', 'password': 'Listed_pw3'}, auth=(API_KEY, API_TOKEN))
    assert answer.json()['response']['code'] == 200
    simulator.configure(credentials_shape='legacy')
    assert client.list_credentials(sid) == [{'user_name': 'old_bot'}]    # the password itself is dropped
    echoing_refusal(simulator, 'POST', '/trunks/*/whitelisted-ips', 'Listed_pw3')
    with pytest.raises(c.ExotelError) as err:
        client.add_whitelisted_ip(sid, '44.248.146.11', 32)
    assert_redacted(err.value, 'Listed_pw3')


def test_the_api_token_is_redacted_from_errors(simulator, sleeps):
    client = make_client(simulator, sleeps)
    echoing_refusal(simulator, 'GET', '/trunks', API_TOKEN)
    with pytest.raises(c.ExotelError) as err:
        client.list_trunks()
    assert_redacted(err.value, API_TOKEN)


def test_settings_upsert_and_credentials_never_return_passwords(client, simulator):
    sid = make_trunk(client)
    results = client.set_settings(sid, {'trunk_external_alias': '+919876543210'})
    assert results[0].ok
    assert client.list_settings(sid)[0]['value'] == '+919876543210'
    row, created = client.create_credential(sid, 'bot_user', 'S3cret_pw', 'bot')
    assert created and 'password' not in row
    assert all('password' not in r for r in client.list_credentials(sid))
    assert simulator.check_password(row['id'], 'S3cret_pw')


def test_absolute_next_page_uri_stays_on_the_configured_host(simulator, sleeps):
    client = make_client(simulator, sleeps)
    url = client._url('https://elsewhere.example.com/v2/accounts/exoteltest/trunks?offset=50')  # pylint: disable=protected-access
    assert url == simulator.url + '/v2/accounts/exoteltest/trunks?offset=50'


def test_batch_refused_with_http_400_reports_items(simulator, sleeps):
    client = make_client(simulator, sleeps)
    sid = make_trunk(client)
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/destination-uris', 'action': 'status', 'status': 400, 'body': {
        'request_id': 'x', 'method': 'POST', 'http_code': 400, 'metadata': {'total': 1, 'success': 0, 'failed': 1},
        'response': [{'code': 400, 'status': 'failure', 'data': None, 'error_data': {
            'code': 1002, 'message': 'Invalid parameter', 'description': 'Destination is not a valid Ip or Fqdn'}}]}})
    results = client.add_destinations(sid, ['sip.example.com:5061;transport=tls'], destination_key)
    assert not results[0].ok
    assert results[0].error['description'] == 'Destination is not a valid Ip or Fqdn'


def test_429_without_retry_after_waits_on_the_scale_of_the_window(simulator, sleeps):
    client = make_client(simulator, sleeps, max_retries=5, backoff_base=0.5, retry_max_wait=1000)
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 429, 'times': 5})
    assert client.list_trunks() == []
    assert len(sleeps) == 5
    assert sum(sleeps) >= 60  # enough for a one-minute window to roll over

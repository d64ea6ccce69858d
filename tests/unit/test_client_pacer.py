"""ExotelClient with the shared pacer: selected by default, the old per-process pacer on request, no credential stored."""

import json
import os

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client
from ansible_collections.exotel.sip_trunking.plugins.module_utils._pacer import ProcessPacer, SharedPacer
from conftest import ACCOUNT_SID, API_KEY, API_TOKEN

URL = 'https://api.in.exotel.com'
SID = 'acme1'


def test_records_hold_no_credential_and_are_named_by_a_hash(simulator, tmp_path, monkeypatch):
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(tmp_path / 'state'))
    client = _client.ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, simulator.url, sleep=lambda s: None)
    assert client.pacer.shared
    client.create_trunk('no_secret', 'ANY-ANY', 'exoteltest.pstn.exotel.com')
    client.list_trunks()
    names = sorted(os.listdir(str(tmp_path / 'state')))
    # The pacer's record (send times) and the trunk directory cache (trunk names and SIDs).
    assert [name.split('-')[0] for name in names] == ['pacer', 'trunks']
    pacer = (tmp_path / 'state' / names[0]).read_text()
    assert set(json.loads(pacer)) == {'sent', 'version'}
    assert len(json.loads(pacer)['sent']) == client.request_count
    for secret in (API_TOKEN, API_KEY, ACCOUNT_SID, '127.0.0.1'):
        assert secret not in names[0] and secret not in names[1] and secret not in pacer
    trunks = (tmp_path / 'state' / names[1]).read_text()
    assert 'no_secret' in trunks and API_TOKEN not in trunks


# ------------------------------------------------------------------------ client wiring

class FailingSession:
    def request(self, *args, **kwargs):
        raise _client.requests.exceptions.ConnectionError('Connection refused')


def test_client_uses_the_shared_pacer_and_marks_failed_requests_finished(tmp_path, monkeypatch):
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(tmp_path / 'state'))
    client = _client.ExotelClient(SID, 'key', 'token', URL, session=FailingSession(), max_retries=0,
                                  sleep=lambda s: None)
    assert isinstance(client.pacer, SharedPacer) and client.pacer.shared
    with pytest.raises(_client.ExotelError):
        client.list_trunks()
    assert client.pacer._in_flight is None  # pylint: disable=protected-access


@pytest.mark.parametrize('how', ['argument', 'environment'])
def test_client_can_select_the_old_per_process_pacer(tmp_path, monkeypatch, how):
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(tmp_path / 'state'))
    kwargs = {}
    if how == 'argument':
        kwargs['pacer'] = 'process'
    else:
        monkeypatch.setenv('EXOTEL_PACER', 'process')
    client = _client.ExotelClient(SID, 'key', 'token', URL, rate_limit=7, sleep=lambda s: None, **kwargs)
    assert isinstance(client.pacer, ProcessPacer)
    assert isinstance(client.pacer._pacer, _client.RequestPacer)  # pylint: disable=protected-access
    assert client.pacer.limit == 7 and not client.pacer.shared
    assert not os.path.exists(str(tmp_path / 'state'))

"""An empty list with purge means "exactly none"; without purge it is a no-op.

For every list module: seed entries over the API, then
1. ``<list>: []`` without purge -> ok, no write, entries untouched;
2. ``<list>: []`` with purge in check mode -> predicts removing every entry, no write;
3. the same for real -> every entry gone from the simulator's state, reported under removed;
4. again -> ok, no write.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'faults'))
from _faultkit import Api, run_tasks  # noqa: E402  pylint: disable=wrong-import-position

COLLECTION = 'exotel.sip_trunking.'


def seed_numbers(api, sid):
    api.add_number(sid, '+919876500001')
    api.add_number(sid, '+919876500002', 'flow')


def seed_acl(api, sid):
    api.add_ip(sid, '44.248.146.11')
    api.add_ip(sid, '52.66.10.0', 28)


def seed_destinations(api, sid):
    api.add_ip(sid, '44.248.146.11')
    api.add_destinations(sid, ['44.248.146.11:5061;transport=tls', 'pbx.mycompany.in:5060;transport=tcp'])


def seed_settings(api, sid):
    api.add_number(sid, '+919876500001')
    api.call('POST', '/trunks/%s/settings' % sid, {'settings': [{'name': 'trunk_external_alias', 'value': '+919876500001'}]})


def seed_credentials(api, sid):
    api.call('POST', '/trunks/%s/credentials' % sid, {'user_name': 'pbx_one', 'password': 'Pass_one_1'})
    api.call('POST', '/trunks/%s/credentials' % sid, {'user_name': 'pbx_two', 'password': 'Pass_two_2'})


# module, list option, empty value, result key, simulator collection, seed, identities seeded
CASES = [
    ('exotel_trunk_number', 'numbers', [], 'numbers', 'phone_numbers', seed_numbers,
     ['+919876500001', '+919876500002']),
    ('exotel_trunk_acl', 'entries', [], 'whitelisted_ips', 'whitelisted_ips', seed_acl, ['44.248.146.11', '52.66.10.0']),
    ('exotel_trunk_destination', 'destinations', [], 'destinations', 'destination_uris', seed_destinations,
     ['sip:44.248.146.11:5061;transport=tls', 'sip:pbx.mycompany.in:5060;transport=tcp']),
    ('exotel_trunk_setting', 'settings', {}, 'settings', 'settings', seed_settings, ['trunk_external_alias']),
    ('exotel_trunk_credential', 'credentials', [], 'credentials', 'credentials', seed_credentials,
     ['pbx_one', 'pbx_two']),
]
IDENTITY = {'numbers': 'phone_number', 'whitelisted_ips': 'ip', 'destinations': 'destination', 'settings': 'name',
            'credentials': 'user_name'}


def stored(simulator, collection, sid):
    return [row for row in simulator.dump_state()[collection] if row['trunk_sid'] == sid]


@pytest.mark.parametrize('module, option, empty, key, collection, seed, seeded', CASES,
                         ids=[case[0] for case in CASES])
def test_empty_list_with_purge_removes_everything(simulator, tmp_path, module, option, empty, key, collection, seed,
                                                  seeded):
    api = Api(simulator)
    sid = api.create_trunk('purge_empty')
    seed(api, sid)
    before = stored(simulator, collection, sid)
    assert len(before) == len(seeded)
    task = {COLLECTION + module: {'trunk_sid': sid, option: empty}}
    purge = {COLLECTION + module: {'trunk_sid': sid, option: empty, 'purge': True}, 'diff': True}

    run, results, log = run_tasks(simulator, tmp_path, [task])
    assert run.rc == 0 and results[0]['changed'] is False, run
    assert not [entry for entry in log if entry['write']]
    assert stored(simulator, collection, sid) == before

    run, results, log = run_tasks(simulator, tmp_path, [dict(purge, check_mode=True)])
    predicted = results[0]
    assert run.rc == 0 and predicted['changed'] is True, run
    assert not [entry for entry in log if entry['write']]
    assert sorted(entry[IDENTITY[key]] for entry in predicted['removed']) == sorted(seeded)
    assert predicted[key] == [] and predicted['added'] == []
    assert predicted['diff']['after'] == {key: []}
    assert stored(simulator, collection, sid) == before

    run, results, log = run_tasks(simulator, tmp_path, [purge])
    assert run.rc == 0 and results[0]['changed'] is True, run
    assert results[0]['removed'] == predicted['removed'] and results[0][key] == []
    assert stored(simulator, collection, sid) == []
    assert len([entry for entry in log if entry['method'] == 'DELETE']) == len(seeded)

    run, results, log = run_tasks(simulator, tmp_path, [purge])
    assert run.rc == 0 and results[0]['changed'] is False, run
    assert not [entry for entry in log if entry['write']]

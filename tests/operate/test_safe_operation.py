"""Safe and honest to operate: what a new ops user meets first.

Shipped playbooks send only what the user gave; check mode tells the truth about chains and
teardowns; waits and retries are told; errors name the option and the rule; no password shows.
Every test runs real playbooks against the simulator and asserts on its request log and state.
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

from conftest import API_TOKEN, BIN, REPO, ansible_environment, run_playbook

sys.path.insert(0, os.path.join(REPO, 'tests', 'faults'))
from _faultkit import Api, run_tasks  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = os.path.join(REPO, 'playbooks')
C = 'exotel.sip_trunking.'
TRUNK_BODY_KEYS = {'trunk_name', 'nso_code', 'domain_name'}


def writes(simulator):
    return [entry for entry in simulator.requests() if entry['write']]


def write_vars(tmp_path, variables):
    path = tmp_path / 'mine.yml'
    path.write_text(yaml.safe_dump(variables))
    return '@' + str(path)


# ------------------------------------------------------------------ 1. playbooks inject nothing

MINIMAL = {
    'outbound': {'sip_trunk_name': 'my_out', 'sip_trunk_numbers': ['+918040000001'],
                 'sip_trunk_whitelisted_ips': ['34.100.1.10']},
    'inbound': {'sip_trunk_name': 'my_in', 'sip_trunk_numbers': ['+918040000002'],
                'sip_trunk_destinations': ['34.100.1.20:5061;transport=tls']},
    'streamkit': {'sip_trunk_name': 'my_bot', 'sip_trunk_numbers': ['+918040000003'],
                  'sip_trunk_whitelisted_ips': ['34.100.1.30']},
    'pbx_handoff': {'sip_trunk_name': 'my_pbx', 'sip_trunk_use_case': 'outbound',
                    'sip_trunk_numbers': ['+918040000004'], 'sip_trunk_whitelisted_ips': ['34.100.1.40']},
}
# What each playbook may send besides the user's values: the API's required trunk fields (the
# only nso_code, the documented default domain) and the use case's documented default number mode.
MODE = {'outbound': 'pstn', 'inbound': 'pstn', 'streamkit': 'flow', 'pbx_handoff': 'pstn'}


@pytest.mark.parametrize('playbook', sorted(MINIMAL))
def test_shipped_playbooks_send_only_what_the_user_gave(simulator, tmp_path, playbook):
    mine = MINIMAL[playbook]
    run = run_playbook(os.path.join(PLAYBOOKS, playbook + '.yml'), simulator.url, cwd=str(tmp_path),
                       args=['-e', write_vars(tmp_path, mine)])
    assert run.rc == 0, run
    expected_ips = list(mine.get('sip_trunk_whitelisted_ips', []))
    expected_ips += [d.split(':')[0] for d in mine.get('sip_trunk_destinations', [])]
    bodies = [(entry['method'], entry['path'].split('/')[-1], entry['body']) for entry in writes(simulator)]
    assert bodies[0] == ('POST', 'trunks', {'trunk_name': mine['sip_trunk_name'], 'nso_code': 'ANY-ANY',
                                            'domain_name': 'exoteltest.pstn.exotel.com'})
    for method, collection, body in bodies[1:]:
        assert method == 'POST', bodies
        if collection == 'phone-numbers':
            assert body == {'phone_number': mine['sip_trunk_numbers'][0], 'mode': MODE[playbook]}
        elif collection == 'whitelisted-ips':
            assert body['ip'] in expected_ips and body['mask'] == 32
        elif collection == 'destination-uris':
            assert body == {'destinations': [{'destination': d} for d in mine['sip_trunk_destinations']]}
        else:
            pytest.fail('%s sent %s %s %s, which the user never asked for' % (playbook, method, collection, body))
    # Nothing of the example files: no caller ID, no digest user, no other trunk.
    state = simulator.dump_state()
    assert [t['trunk_name'] for t in state['trunks']] == [mine['sip_trunk_name']]
    assert state['settings'] == [] and state['credentials'] == []
    if playbook == 'pbx_handoff':
        # Written where the user ran it, never inside the collection.
        assert (tmp_path / 'exotel-pbx' / 'pjsip_my_pbx.conf').is_file()
        assert not os.path.exists(os.path.join(REPO, 'build', 'pbx'))


@pytest.mark.parametrize('playbook, missing', [
    ('outbound', 'sip_trunk_name; sip_trunk_numbers; sip_trunk_whitelisted_ips'),
    ('inbound', 'sip_trunk_name; sip_trunk_numbers; sip_trunk_destinations'),
    ('streamkit', 'sip_trunk_name; sip_trunk_numbers; sip_trunk_whitelisted_ips or sip_trunk_credentials'),
    ('pbx_handoff', 'sip_trunk_name; sip_trunk_numbers'),
])
def test_missing_variables_fail_before_any_api_call_in_one_message(simulator, tmp_path, playbook, missing):
    run = run_playbook(os.path.join(PLAYBOOKS, playbook + '.yml'), simulator.url, cwd=str(tmp_path))
    assert run.rc != 0
    assert 'Missing before any API call: %s.' % missing in run.stdout, run
    assert simulator.stats()['total'] == 0


def test_pbx_handoff_never_shows_the_password(simulator, tmp_path):
    mine = dict(MINIMAL['pbx_handoff'], sip_trunk_use_case='streamkit', sip_trunk_whitelisted_ips=[],
                sip_trunk_credentials=[{'user_name': 'pbxuser', 'password': 'Never_shown_pw_77'}])
    for extra in ([], ['-e', 'pbx_handoff_digest_password=Vaulted_pw_88']):
        run = run_playbook(os.path.join(PLAYBOOKS, 'pbx_handoff.yml'), simulator.url, cwd=str(tmp_path), diff=True,
                           args=['-vvv', '-e', write_vars(tmp_path, mine)] + extra)
        assert run.rc == 0, run
        output = run.stdout + run.stderr
        assert 'Never_shown_pw_77' not in output and 'Vaulted_pw_88' not in output
        if not extra:
            assert '+username = pbxuser' in output  # the configuration's diff itself is shown
    secret = tmp_path / 'exotel-pbx' / 'pjsip_my_pbx.conf.secret'
    assert secret.read_text() == 'password = Vaulted_pw_88\n'


# ------------------------------------------------------------------ 2. check mode and chains

# The README's pattern: the trunk task's result feeds every later task (run_tasks registers task i as r<i>).
README_CHAIN = [
    {'name': 'Trunk', C + 'exotel_trunk': {'name': 'office_pbx'}},
    {'name': 'ACL', C + 'exotel_trunk_acl': {'trunk_sid': '{{ r0.trunk.trunk_sid }}', 'entries': ['44.248.146.11']}},
    {'name': 'Numbers', C + 'exotel_trunk_number': {'trunk_sid': '{{ r0.trunk.trunk_sid }}',
                                                    'numbers': ['+919876543210', '+918040264208'], 'mode': 'pstn'}},
    {'name': 'Destination', C + 'exotel_trunk_destination': {'trunk_sid': '{{ r0.trunk.trunk_sid }}',
                                                             'destination': '44.248.146.11:5061;transport=tls'}},
    {'name': 'Caller ID', C + 'exotel_trunk_setting': {'trunk_sid': '{{ r0.trunk.trunk_sid }}',
                                                       'name': 'trunk_external_alias', 'value': '+919876543210'}},
    {'name': 'Digest user', C + 'exotel_trunk_credential': {'trunk_sid': '{{ r0.trunk.trunk_sid }}',
                                                            'user_name': 'pbx', 'password': 'Pbx_pass_1'}},
    {'name': 'Read back', C + 'exotel_trunk_info': {'trunk_sid': '{{ r0.trunk.trunk_sid }}'}},
]


def test_a_chain_on_a_fresh_account_in_check_mode_predicts_every_change(simulator, tmp_path):
    run, results, log = run_tasks(simulator, tmp_path, [dict(task, check_mode=True) for task in README_CHAIN],
                                  ignore_errors=False)
    assert run.rc == 0, run
    assert [entry for entry in log if entry['write']] == []
    # One trunk lookup; nothing else is read for a trunk that does not exist yet.
    assert [(entry['method'], entry['path']) for entry in log] == [('GET', '/v2/accounts/exoteltest/trunks')]
    trunk, acl, numbers, destination, setting, credential, info = results
    assert trunk['trunk']['trunk_sid'] == 'check-mode-new-trunk:office_pbx'
    for result in (acl, numbers, destination, setting, credential):
        assert result['changed'] is True and result['trunk_sid'] == 'check-mode-new-trunk:office_pbx'
        assert result.get('warnings', []) == [] and result['removed'] == []
    assert [row['ip'] for row in acl['added']] == ['44.248.146.11']
    assert sorted(row['phone_number'] for row in numbers['added']) == ['+918040264208', '+919876543210']
    assert destination['destination']['destination'] == 'sip:44.248.146.11:5061;transport=tls'
    assert setting['setting'] == {'name': 'trunk_external_alias', 'value': '+919876543210'}
    assert credential['credential'] == {'id': None, 'user_name': 'pbx', 'friendly_name': None}
    assert info['trunk']['numbers'] == [] and info['trunk']['trunk_sid'] == 'check-mode-new-trunk:office_pbx'


def test_the_placeholder_is_refused_outside_check_mode(simulator, tmp_path):
    task = {C + 'exotel_trunk_number': {'trunk_sid': 'check-mode-new-trunk:office_pbx', 'phone_number': '+919876543210'}}
    run, (result,), log = run_tasks(simulator, tmp_path, [task])
    assert result['failed'] and 'placeholder exotel_trunk returns in check mode' in result['msg']
    assert log == []


@pytest.mark.parametrize('given', [{'trunk_sid': None}, {'trunk_sid': ''}, {'trunk_name': '  '}, {'trunk_name': None}])
def test_info_refuses_an_empty_trunk_identifier(simulator, tmp_path, given):
    Api(simulator).create_trunk('somebody_else')
    run, (result,), log = run_tasks(simulator, tmp_path, [{C + 'exotel_trunk_info': given}])
    assert result['failed'] and 'is empty; name a trunk' in result['msg'], result
    assert log == [] and 'trunks' not in result


# ------------------------------------------------------------------ 3. teardown tells what goes

def seed_full_trunk(simulator, name='full_trunk'):
    api = Api(simulator)
    sid = api.create_trunk(name)
    api.add_number(sid, '+919800000001')
    api.add_number(sid, '+919800000002', 'flow')
    api.add_ip(sid, '44.248.146.11')
    api.add_destinations(sid, ['44.248.146.11:5061;transport=tls', 'sip.example.com:5060;transport=tcp'])
    api.call('POST', '/trunks/%s/settings' % sid, {'settings': [{'name': 'trunk_external_alias', 'value': '+919800000001'}]})
    api.call('POST', '/trunks/%s/credentials' % sid, {'user_name': 'pbx_user', 'password': 'Seeded_pw_1'})
    return sid


def test_teardown_check_mode_reports_what_the_real_run_deletes(simulator, tmp_path):
    sid = seed_full_trunk(simulator)
    task = {C + 'exotel_trunk': {'name': 'full_trunk', 'state': 'absent'}, 'diff': True}
    run, (predicted,), log = run_tasks(simulator, tmp_path, [dict(task, check_mode=True)])
    assert run.rc == 0 and not [entry for entry in log if entry['write']]
    run, (deleted,), log = run_tasks(simulator, tmp_path, [task])
    assert run.rc == 0 and simulator.dump_state()['trunks'] == []
    assert predicted['removed_trunk'] == deleted['removed_trunk']
    assert predicted['removed_credentials'] == deleted['removed_credentials'] == ['pbx_user']
    assert predicted['diff'] == deleted['diff']
    removed = deleted['removed_trunk']
    assert removed['trunk_sid'] == sid
    assert [(n['phone_number'], n['mode']) for n in removed['numbers']] == [
        ('+919800000001', 'pstn'), ('+919800000002', 'flow')]
    assert [(a['ip'], a['mask']) for a in removed['whitelisted_ips']] == [('44.248.146.11', 32)]
    assert len(removed['destinations']) == 2
    assert removed['settings'] == [{'name': 'trunk_external_alias', 'value': '+919800000001'}]
    assert [c['user_name'] for c in removed['credentials']] == ['pbx_user']
    before = deleted['diff']['before']
    assert before['trunk_name'] == 'full_trunk' and [n['phone_number'] for n in before['numbers']][0] == '+919800000001'
    assert 'Seeded_pw_1' not in json.dumps(deleted) + run.stdout


# ------------------------------------------------------------------ 4. waits are told

def test_waits_and_retries_are_told_at_default_verbosity(simulator, tmp_path):
    sid = Api(simulator).create_trunk('busy_trunk')
    simulator.add_fault([{'method': 'GET', 'path': '*/phone-numbers', 'action': 'status', 'status': 429,
                          'retry_after': 1, 'times': 1},
                         {'method': 'GET', 'path': '*/phone-numbers', 'action': 'status', 'status': 503, 'times': 1}])
    run, (result,), _log = run_tasks(simulator, tmp_path, [{C + 'exotel_trunk_number': {
        'trunk_sid': sid, 'numbers': []}}], env={'EXOTEL_RETRY_MAX_WAIT': '60'})
    assert run.rc == 0 and result['changed'] is False
    warning = [w for w in result['warnings'] if w.startswith('waited ')]
    assert warning == ['waited 1 s for the API rate limit (1 answer of 429); retried once after HTTP 503'], result
    assert '[WARNING]: waited 1 s for the API rate limit' in run.stdout + run.stderr
    api = result['api']
    assert (api['requests'], api['writes'], api['retries'], api['rate_limited']) == (3, 0, 2, 1)
    assert api['waited_seconds'] >= 1.0


def test_no_warning_when_nothing_waited(simulator, tmp_path):
    sid = Api(simulator).create_trunk('calm_trunk')
    task = {C + 'exotel_trunk_number': {'trunk_sid': sid, 'numbers': []}}
    run, (result,), _log = run_tasks(simulator, tmp_path, [task])
    assert run.rc == 0 and result.get('warnings', []) == []
    assert result['api'] == {'requests': 1, 'writes': 0, 'retries': 0, 'rate_limited': 0, 'waited_seconds': 0.0}


# ------------------------------------------------------------------ 5. clear errors

def test_missing_connection_options_name_each_variable(simulator, tmp_path):
    env = {'EXOTEL_ACCOUNT_SID': '', 'EXOTEL_API_TOKEN': ''}
    run, (result,), log = run_tasks(simulator, tmp_path, [{C + 'exotel_trunk': {'name': 'any_trunk'}}], env=env)
    assert result['msg'] == ('Missing connection options: account_sid (or the environment variable '
                             'EXOTEL_ACCOUNT_SID), api_token (or the environment variable EXOTEL_API_TOKEN). Set them '
                             'on the task, once per play with module_defaults for group/exotel.sip_trunking.exotel, '
                             'or in the environment.')
    assert log == []


def test_ansible_doc_does_not_call_env_backed_options_required():
    proc = subprocess.run([os.path.join(BIN, 'ansible-doc'), '-j', C + 'exotel_trunk'], capture_output=True,
                          text=True, check=True, env=ansible_environment('http://127.0.0.1:9'))
    options = json.loads(proc.stdout)[C + 'exotel_trunk']['doc']['options']
    for option, variable in (('account_sid', 'EXOTEL_ACCOUNT_SID'), ('api_key', 'EXOTEL_API_KEY'),
                             ('api_token', 'EXOTEL_API_TOKEN')):
        assert not options[option].get('required', False)
        assert variable in ' '.join(options[option]['description'])


def test_api_url_without_a_scheme_is_a_configuration_error(simulator, tmp_path):
    run, (result,), _log = run_tasks(simulator, tmp_path, [{C + 'exotel_trunk': {
        'name': 'any_trunk', 'api_url': simulator.url.replace('http://', '')}}])
    assert result['msg'].startswith('api_url must be a base URL such as https://api.in.exotel.com')
    assert result['option'] == 'api_url' and 'attempt' not in result['msg']


def test_role_input_errors_are_a_plain_message(simulator, tmp_path):
    mine = dict(MINIMAL['outbound'], sip_trunk_numbers=['+918040000001', '9876543210'])
    run = run_playbook(os.path.join(PLAYBOOKS, 'outbound.yml'), simulator.url, cwd=str(tmp_path),
                       args=['-e', write_vars(tmp_path, mine)])
    assert run.rc != 0
    assert '"msg": "sip_trunk_numbers[1] must be in E.164 format' in run.stdout, run
    assert 'Finalization of task args' not in run.stdout + run.stderr
    assert simulator.stats()['total'] == 0


@pytest.mark.parametrize('address, reason', [
    ('10.1.2.3', 'a private address (RFC 1918)'),
    ('127.0.0.1', 'a loopback address'),
    ('169.254.10.10', 'a link-local address'),
    ('192.0.2.10', 'a documentation address (RFC 5737)'),
    ('100.64.1.1', 'a carrier-grade NAT address (RFC 6598)'),
])
def test_acl_warns_about_addresses_that_can_never_match(simulator, tmp_path, address, reason):
    sid = Api(simulator).create_trunk('acl_trunk')
    run, (result,), _log = run_tasks(simulator, tmp_path, [{C + 'exotel_trunk_acl': {'trunk_sid': sid, 'ip': address}}])
    assert run.rc == 0 and result['changed'] is True
    assert result['warnings'] == ['%s/32 is %s: Exotel matches the public source address of your PBX as it reaches '
                                  'the internet, so this ACL entry can never match a call; whitelist the public (NAT) '
                                  'address instead' % (address, reason)]


def test_a_public_address_gets_no_warning(simulator, tmp_path):
    sid = Api(simulator).create_trunk('acl_trunk')
    task = {C + 'exotel_trunk_acl': {'trunk_sid': sid, 'ip': '44.248.146.11'}}
    _run, (result,), _log = run_tasks(simulator, tmp_path, [task])
    assert result.get('warnings', []) == []


def test_update_password_always_marks_the_password_in_the_diff(simulator, tmp_path):
    sid = Api(simulator).create_trunk('pw_trunk')
    task = {C + 'exotel_trunk_credential': {'trunk_sid': sid, 'user_name': 'pbx', 'password': 'First_pw_1'}}
    run_tasks(simulator, tmp_path, [task])
    again = {C + 'exotel_trunk_credential': {'trunk_sid': sid, 'user_name': 'pbx', 'password': 'Second_pw_2',
                                             'update_password': 'always'}, 'diff': True}
    run, (predicted, changed), _log = run_tasks(simulator, tmp_path, [dict(again, check_mode=True), again])
    for result in (predicted, changed):
        assert result['changed'] is True
        assert result['diff']['before'] == {'credentials': [{'user_name': 'pbx', 'friendly_name': None}]}
        assert result['diff']['after'] == {'credentials': [{'user_name': 'pbx', 'friendly_name': None,
                                                            'password': '<changed; value hidden>'}]}
    assert 'Second_pw_2' not in run.stdout + json.dumps([predicted, changed])
    (credential,) = simulator.dump_state()['credentials']
    assert simulator.check_password(credential['id'], 'Second_pw_2')
    assert API_TOKEN not in run.stdout

"""The exotel.sip_trunking.sip_trunk role against the simulator.

Every use case converges and is idempotent (second run changed=0 and no write); use-case
validation fails before any API call; check mode (with --diff) writes nothing; absent deletes;
purge empties; sip_trunk_result carries what a PBX needs and no password; the PBX hand-off
playbook renders a parseable Asterisk PJSIP configuration; and a no-op run over 1,000 numbers,
20 whitelisted IPs and 10 destinations stays within 25 API requests.
"""

import configparser
import json
import os

import pytest

from conftest import API_TOKEN, REPO, run_playbook, start_simulator

ROLE_PLAYBOOK = os.path.join(REPO, 'tests', 'role', 'role.yml')
PBX_PLAYBOOK = os.path.join(REPO, 'playbooks', 'pbx_handoff.yml')

OUTBOUND = {
    'sip_trunk_name': 'out_trunk',
    'sip_trunk_use_case': 'outbound',
    'sip_trunk_numbers': ['+919876543210', {'phone_number': '+919876543211', 'mode': 'pstn'}],
    'sip_trunk_whitelisted_ips': ['44.248.146.11', '52.66.10.0/28'],
    'sip_trunk_caller_id': '+919876543210',
}
INBOUND = {
    'sip_trunk_name': 'in_trunk',
    'sip_trunk_use_case': 'inbound',
    'sip_trunk_numbers': ['+918040264208'],
    'sip_trunk_destinations': [
        {'destination': 'sip.example.com:5061;transport=tls', 'priority': 0},
        {'host': '52.66.10.20', 'transport': 'tcp', 'priority': 1, 'weight': 2},
    ],
}
STREAMKIT = {
    'sip_trunk_name': 'bot_trunk',
    'sip_trunk_use_case': 'streamkit',
    'sip_trunk_numbers': ['+912240000001', '+912240000002'],
    'sip_trunk_credentials': [{'user_name': 'voicebot', 'password': 'Sup3r_s3cret_pw', 'friendly_name': 'bot'}],
    # A custom SIP domain: the default edge still comes from the account SID.
    'sip_trunk_domain_name': 'voice.pstn.exotel.com',
}
BIDIRECTIONAL = {
    'sip_trunk_name': 'pbx_trunk',
    'sip_trunk_use_case': 'bidirectional',
    'sip_trunk_numbers': ['+918069000001'],
    'sip_trunk_whitelisted_ips': ['44.248.146.0/24'],
    # Covered by the /24 above: the role must not add a /32 for it.
    'sip_trunk_destinations': ['44.248.146.11:5061;transport=tls'],
    'sip_trunk_edge_host': 'in1.edge.exotel.example',
    'sip_trunk_edge_port': 443,
    'sip_trunk_edge_transport': 'tls',
}


def converge(simulator, tmp_path, variables, check=False, diff=False, args=(), env=None, playbook=ROLE_PLAYBOOK):
    """Run the role once; return (run, sip_trunk_result, requests, writes) of that run."""
    result_file = tmp_path / 'result.json'
    if result_file.exists():
        result_file.unlink()
    before = simulator.stats()
    run = run_playbook(playbook, simulator.url, extra_vars=dict(variables, role_result_file=str(result_file)),
                       check=check, diff=diff, args=args, env=env)
    after = simulator.stats()
    result = json.loads(result_file.read_text()) if result_file.exists() else None
    return run, result, after['total'] - before['total'], after['writes'] - before['writes']


def assert_idempotent(simulator, tmp_path, variables):
    run, result, requests, writes = converge(simulator, tmp_path, variables)
    assert run.rc == 0, run
    assert run.recap['changed'] == 0, run
    assert writes == 0, run
    return run, result, requests


def trunk_state(simulator, name):
    state = simulator.dump_state()
    trunk = next((row for row in state['trunks'] if row['trunk_name'] == name), None)
    if trunk is None:
        return None
    sid = trunk['trunk_sid']
    return {
        'trunk': trunk,
        'numbers': sorted((row['phone_number'], row.get('mode')) for row in state['phone_numbers'] if row['trunk_sid'] == sid),
        'acl': sorted((row['ip'], row['mask']) for row in state['whitelisted_ips'] if row['trunk_sid'] == sid),
        'destinations': sorted((row['destination'], row['priority'], row['weight'])
                               for row in state['destination_uris'] if row['trunk_sid'] == sid),
        'settings': sorted((row['name'], row['value']) for row in state['settings'] if row['trunk_sid'] == sid),
        'credentials': sorted(row['user_name'] for row in state['credentials'] if row['trunk_sid'] == sid),
    }


# ------------------------------------------------------------------ use cases


def test_outbound(simulator, tmp_path):
    run, result, _requests, writes = converge(simulator, tmp_path, OUTBOUND)
    assert run.rc == 0, run
    assert run.recap['changed'] > 0 and writes > 0, run
    state = trunk_state(simulator, 'out_trunk')
    assert state['acl'] == [('44.248.146.11', 32), ('52.66.10.0', 28)]
    assert state['numbers'] == [('+919876543210', 'pstn'), ('+919876543211', 'pstn')]
    assert state['settings'] == [('trunk_external_alias', '+919876543210')]
    assert state['destinations'] == []

    sid = state['trunk']['trunk_sid']
    assert result['state'] == 'present'
    assert result['use_case'] == 'outbound'
    assert result['trunk_sid'] == sid
    assert result['trunk_name'] == 'out_trunk'
    assert result['sip_uri'] == 'sip:' + sid
    assert (result['edge_host'], result['edge_port'], result['edge_transport']) == ('exoteltest.pstn.exotel.com', 5061, 'tls')
    assert result['numbers'] == [{'phone_number': '+919876543210', 'mode': 'pstn'},
                                 {'phone_number': '+919876543211', 'mode': 'pstn'}]
    assert result['whitelisted_ips'] == [{'ip': '44.248.146.11', 'mask': 32}, {'ip': '52.66.10.0', 'mask': 28}]
    assert result['caller_id'] == '+919876543210'
    assert result['destinations'] == [] and result['digest_users'] == [] and result['manual_steps'] == []
    assert 'Connect applet' not in run.stdout

    _run, again, requests = assert_idempotent(simulator, tmp_path, OUTBOUND)
    assert again == result
    # trunk list, ACL, numbers, settings: destinations and credentials are not managed, and the
    # result comes from the modules' own answers (no read-back).
    assert requests == 4


def test_inbound_whitelists_ip_destinations_and_tells_the_manual_step(simulator, tmp_path):
    run, result, _requests, _writes = converge(simulator, tmp_path, INBOUND)
    assert run.rc == 0, run
    state = trunk_state(simulator, 'in_trunk')
    sid = state['trunk']['trunk_sid']
    # The IP destination was whitelisted by the role, before the destinations were posted.
    assert state['acl'] == [('52.66.10.20', 32)]
    assert state['destinations'] == [('sip:52.66.10.20:5060;transport=tcp', 1, 2),
                                     ('sip:sip.example.com:5061;transport=tls', 0, 1)]
    assert state['numbers'] == [('+918040264208', 'pstn')]
    posts = [entry['path'] for entry in simulator.requests() if entry['method'] == 'POST']
    assert posts.index(next(p for p in posts if p.endswith('/whitelisted-ips'))) < \
        posts.index(next(p for p in posts if p.endswith('/destination-uris')))

    assert result['destinations'] == [
        {'destination': 'sip:52.66.10.20:5060;transport=tcp', 'priority': 1, 'weight': 2},
        {'destination': 'sip:sip.example.com:5061;transport=tls', 'priority': 0, 'weight': 1},
    ]
    assert result['whitelisted_ips'] == [{'ip': '52.66.10.20', 'mask': 32}]
    assert len(result['manual_steps']) == 1
    assert 'sip:%s' % sid in result['manual_steps'][0]
    assert 'Connect applet' in run.stdout and 'sip:%s' % sid in run.stdout

    assert_idempotent(simulator, tmp_path, INBOUND)


def test_streamkit_flow_mode_and_digest_without_passwords(simulator, tmp_path):
    run, result, _requests, _writes = converge(simulator, tmp_path, STREAMKIT, args=('-v',))
    assert run.rc == 0, run
    state = trunk_state(simulator, 'bot_trunk')
    assert state['numbers'] == [('+912240000001', 'flow'), ('+912240000002', 'flow')]
    assert state['credentials'] == ['voicebot']
    assert state['acl'] == []
    credential_id = next(row['id'] for row in simulator.dump_state()['credentials'])
    assert simulator.check_password(credential_id, 'Sup3r_s3cret_pw')

    assert [number['mode'] for number in result['numbers']] == ['flow', 'flow']
    assert result['digest_users'] == ['voicebot']
    assert result['credentials'] == [{'user_name': 'voicebot', 'friendly_name': 'bot'}]
    assert result['auth_methods'] == ['digest']
    assert result['domain_name'] == 'voice.pstn.exotel.com'
    assert result['edge_host'] == 'exoteltest.pstn.exotel.com'
    assert 'Sup3r_s3cret_pw' not in json.dumps(result)
    assert 'Sup3r_s3cret_pw' not in run.stdout + run.stderr
    assert API_TOKEN not in run.stdout + run.stderr

    run, _result, _requests = assert_idempotent(simulator, tmp_path, STREAMKIT)
    assert 'Sup3r_s3cret_pw' not in run.stdout + run.stderr


def test_bidirectional_with_edge_overrides(simulator, tmp_path):
    run, result, _requests, _writes = converge(simulator, tmp_path, BIDIRECTIONAL)
    assert run.rc == 0, run
    state = trunk_state(simulator, 'pbx_trunk')
    assert state['acl'] == [('44.248.146.0', 24)]  # the destination IP is covered: no extra /32
    assert state['destinations'] == [('sip:44.248.146.11:5061;transport=tls', 0, 1)]
    assert (result['edge_host'], result['edge_port'], result['edge_transport']) == ('in1.edge.exotel.example', 443, 'tls')
    assert result['edge_uri'] == 'sip:in1.edge.exotel.example:443;transport=tls'
    assert result['edge'] == {'host': 'in1.edge.exotel.example', 'port': 443, 'transport': 'tls'}
    assert result['manual_steps'] and 'Connect applet' in run.stdout
    assert_idempotent(simulator, tmp_path, BIDIRECTIONAL)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize('variables, message', [
    (dict(OUTBOUND, sip_trunk_whitelisted_ips=[]), 'authenticates outbound calls by the static public source IP'),
    (dict(OUTBOUND, sip_trunk_whitelisted_ips=['pbx.example.com']), 'FQDNs are not supported'),
    (dict(OUTBOUND, sip_trunk_numbers=[]), 'needs at least one phone number'),
    (dict(OUTBOUND, sip_trunk_numbers=['9876543210']), "sip_trunk_numbers[0] must be in E.164 format"),
    (dict(OUTBOUND, sip_trunk_numbers=['+919876543210', '+919876543210']),
     'sip_trunk_numbers[1] repeats an entry listed earlier (sip_trunk_numbers[0])'),
    (dict(OUTBOUND, sip_trunk_caller_id='12345'), 'sip_trunk_caller_id must be in E.164 format'),
    (dict(INBOUND, sip_trunk_destinations=[]), 'must know where to deliver inbound calls'),
    (dict(INBOUND, sip_trunk_destinations=['203.0.113.50:5061;transport=tls']), 'RFC 5737'),
    (dict(INBOUND, sip_trunk_destinations=[{'host': '10.1.2.3'}]), 'private'),
    (dict(INBOUND, sip_trunk_destinations=['sip.example.com:5060;transport=udp']),
     'sip_trunk_destinations[0] transport must be tls or tcp'),
    (dict(INBOUND, sip_trunk_destinations=['sip.example.com:70000;transport=tls']),
     'sip_trunk_destinations[0].port must be an integer from 1 to 65535 (got 70000)'),
    (dict(INBOUND, sip_trunk_destinations=['sip:SBC.example.com:5061;transport=tls', 'sbc.example.com:5061;transport=tls']),
     'sip_trunk_destinations[1] repeats an entry listed earlier'),
    (dict(STREAMKIT, sip_trunk_credentials=[]), 'neither is set'),
    (dict(BIDIRECTIONAL, sip_trunk_whitelisted_ips=[]), 'sip_trunk_whitelisted_ips'),
    (dict(BIDIRECTIONAL, sip_trunk_destinations=[]), 'sip_trunk_destinations'),
    (dict(OUTBOUND, sip_trunk_name='bad-name!'), 'sip_trunk_name must be 1 to 16'),
    (dict(OUTBOUND, sip_trunk_use_case='sideways'), 'sip_trunk_use_case'),
], ids=['outbound-no-ip', 'outbound-fqdn', 'no-numbers', 'not-e164', 'duplicate-number', 'caller-id',
        'inbound-no-destination', 'documentation-ip', 'private-ip', 'udp', 'port-70000', 'duplicate-destination',
        'streamkit-no-auth', 'bidirectional-no-ip', 'bidirectional-no-destination', 'trunk-name', 'use-case'])
def test_use_case_validation_fails_before_any_api_call(simulator, tmp_path, variables, message):
    run, _result, requests, _writes = converge(simulator, tmp_path, variables)
    assert run.rc != 0, run
    assert message in run.stdout, run
    assert requests == 0, run


# ------------------------------------------------------------------ check mode, absent, purge


def test_check_mode_and_diff_write_nothing(simulator, tmp_path):
    # A trunk that does not exist yet: every step is predicted.
    run, result, _requests, writes = converge(simulator, tmp_path, INBOUND, check=True, diff=True)
    assert run.rc == 0, run
    assert writes == 0
    assert run.recap['changed'] > 0
    assert trunk_state(simulator, 'in_trunk') is None
    # The trunk check mode would create has a placeholder SID, and no SIP URI yet.
    assert result['trunk_sid'] == 'check-mode-new-trunk:in_trunk' and result['sip_uri'] is None
    assert result['check_mode'] is True
    assert [d['destination'] for d in result['destinations']] == ['sip:52.66.10.20:5060;transport=tcp',
                                                                  'sip:sip.example.com:5061;transport=tls']
    assert '+++ after' in run.stdout and '"phone_number": "+918040264208"' in run.stdout

    run, _result, _requests, _writes = converge(simulator, tmp_path, INBOUND)
    assert run.rc == 0, run

    # An existing trunk gets a new IP destination (whose ACL entry this run would add) and a number.
    changed = dict(INBOUND, sip_trunk_numbers=INBOUND['sip_trunk_numbers'] + ['+918040264209'],
                   sip_trunk_destinations=INBOUND['sip_trunk_destinations'] + ['3.7.1.1:5061;transport=tls'])
    before = trunk_state(simulator, 'in_trunk')
    run, result, _requests, writes = converge(simulator, tmp_path, changed, check=True, diff=True)
    assert run.rc == 0, run
    assert writes == 0
    assert trunk_state(simulator, 'in_trunk') == before
    assert '"ip": "3.7.1.1"' in run.stdout  # the ACL diff
    # The destination is predicted, and checked against the ACL the same task plans (no false alarm).
    assert '"destination": "sip:3.7.1.1:5061;transport=tls"' in run.stdout  # the destinations diff
    assert 'not whitelisted' not in run.stdout + run.stderr
    assert {'ip': '3.7.1.1', 'mask': 32} in result['whitelisted_ips']
    assert 'sip:3.7.1.1:5061;transport=tls' in [d['destination'] for d in result['destinations']]

    run, _result, _requests, _writes = converge(simulator, tmp_path, changed)
    assert run.rc == 0 and run.recap['changed'] > 0, run
    assert ('sip:3.7.1.1:5061;transport=tls', 0, 1) in trunk_state(simulator, 'in_trunk')['destinations']
    # Check mode of an up-to-date trunk reports no change.
    run, _result, _requests, writes = converge(simulator, tmp_path, changed, check=True, diff=True)
    assert run.rc == 0 and run.recap['changed'] == 0 and writes == 0, run


def test_absent_removes_the_trunk(simulator, tmp_path):
    run, _result, _requests, _writes = converge(simulator, tmp_path, STREAMKIT)
    assert run.rc == 0, run
    absent = dict(STREAMKIT, sip_trunk_state='absent')

    sid = trunk_state(simulator, 'bot_trunk')['trunk']['trunk_sid']
    run, predicted, _requests, writes = converge(simulator, tmp_path, absent, check=True, diff=True)
    assert run.rc == 0 and run.recap['changed'] == 1 and writes == 0, run
    assert trunk_state(simulator, 'bot_trunk') is not None

    run, result, _requests, _writes = converge(simulator, tmp_path, absent)
    assert run.rc == 0 and run.recap['changed'] == 1, run
    assert trunk_state(simulator, 'bot_trunk') is None
    assert simulator.dump_state()['credentials'] == []
    removed = result.pop('removed_trunk')
    assert result == {'state': 'absent', 'use_case': 'streamkit', 'trunk_name': 'bot_trunk', 'trunk_sid': sid,
                      'removed': True, 'removed_credentials': ['voicebot'], 'check_mode': False}
    # What went with the trunk, as check mode predicted it.
    assert [n['phone_number'] for n in removed['numbers']] == STREAMKIT['sip_trunk_numbers']
    assert [c['user_name'] for c in removed['credentials']] == ['voicebot']
    assert predicted['removed_trunk'] == removed and predicted['check_mode'] is True

    run, result, _requests, writes = converge(simulator, tmp_path, absent)
    assert run.rc == 0 and run.recap['changed'] == 0 and writes == 0, run
    assert result['removed'] is False


def test_absent_needs_no_use_case_inputs(simulator, tmp_path):
    run, _result, _requests, _writes = converge(simulator, tmp_path, {'sip_trunk_name': 'gone', 'sip_trunk_state': 'absent'})
    assert run.rc == 0 and run.recap['changed'] == 0, run


def test_purge_makes_every_list_exclusive(simulator, tmp_path):
    wide = dict(BIDIRECTIONAL, sip_trunk_numbers=['+918069000001', '+918069000002'],
                sip_trunk_whitelisted_ips=['44.248.146.0/24', '52.66.10.20'],
                sip_trunk_destinations=['44.248.146.11:5061;transport=tls', 'sip.example.com:5061;transport=tls'],
                sip_trunk_caller_id='+918069000001',
                sip_trunk_credentials=[{'user_name': 'pbx', 'password': 'Pbx_pass_1'}])
    run, _result, _requests, _writes = converge(simulator, tmp_path, wide)
    assert run.rc == 0, run

    narrow = dict(OUTBOUND, sip_trunk_name='pbx_trunk', sip_trunk_numbers=['+918069000002'],
                  sip_trunk_whitelisted_ips=['52.66.10.20'], sip_trunk_caller_id='', sip_trunk_purge=True)
    before = trunk_state(simulator, 'pbx_trunk')
    run, predicted, _requests, writes = converge(simulator, tmp_path, narrow, check=True, diff=True)
    assert run.rc == 0 and writes == 0, run
    assert run.recap['changed'] > 0, run
    assert trunk_state(simulator, 'pbx_trunk') == before
    # The diff shows what purge removes: the number, the /24, both destinations, the alias and the user.
    for removed in ('"phone_number": "+918069000001"', '"ip": "44.248.146.0"', 'sip.example.com:5061;transport=tls',
                    '"user_name": "pbx"', '"name": "trunk_external_alias"'):
        assert removed in run.stdout, removed

    run, result, _requests, _writes = converge(simulator, tmp_path, narrow)
    # Check mode predicted exactly what the run then did.
    assert predicted == dict(result, check_mode=True)
    assert run.rc == 0 and run.recap['changed'] > 0, run
    state = trunk_state(simulator, 'pbx_trunk')
    assert state['numbers'] == [('+918069000002', 'pstn')]
    assert state['acl'] == [('52.66.10.20', 32)]
    assert state['destinations'] == [] and state['settings'] == [] and state['credentials'] == []
    assert result['numbers'] == [{'phone_number': '+918069000002', 'mode': 'pstn'}]
    assert_idempotent(simulator, tmp_path, narrow)


# ------------------------------------------------------------------ PBX hand-off


def parse_pjsip(text):
    """Asterisk's PJSIP config as configparser reads it; #include lines (the secret file) set aside."""
    config = configparser.ConfigParser(strict=True, delimiters=('=',), comment_prefixes=(';',),
                                       inline_comment_prefixes=None, interpolation=None)
    config.read_string('\n'.join(line for line in text.splitlines() if not line.startswith('#include ')))
    return config


def test_pbx_handoff_renders_asterisk_pjsip(simulator, tmp_path):
    dest = tmp_path / 'pjsip_exotel.conf'
    run = run_playbook(PBX_PLAYBOOK, simulator.url, extra_vars={
        'exotel_vars_file': 'vars/bidirectional.example.yml',
        'pbx_handoff_dest': str(dest),
        'pbx_handoff_exotel_signalling_ips': ['13.232.0.0/16'],
    })
    assert run.rc == 0, run
    sid = trunk_state(simulator, 'pbx_trunk')['trunk']['trunk_sid']

    text = dest.read_text()
    config = parse_pjsip(text)
    types = dict((section, config[section]['type']) for section in config.sections())
    assert types == {
        'exotel-pbx-trunk-transport': 'transport',
        'exotel-pbx-trunk-aor': 'aor',
        'exotel-pbx-trunk': 'endpoint',
        'exotel-pbx-trunk-identify': 'identify',
        'exotel-pbx-trunk-acl': 'acl',
    }
    transport = config['exotel-pbx-trunk-transport']
    assert transport['protocol'] == 'tls'
    assert transport['bind'] == '0.0.0.0:5061'  # the destination's port
    assert transport['external_signaling_address'] == '44.248.146.11'
    endpoint = config['exotel-pbx-trunk']
    assert endpoint['transport'] == 'exotel-pbx-trunk-transport'
    assert endpoint['aors'] == 'exotel-pbx-trunk-aor'
    assert endpoint['from_domain'] == 'exoteltest.pstn.exotel.com'
    assert endpoint['callerid'] == '<+918069000001>'
    assert 'outbound_auth' not in endpoint
    assert config['exotel-pbx-trunk-aor']['contact'] == r'sip:exoteltest.pstn.exotel.com:5061\;transport=tls'
    identify = config['exotel-pbx-trunk-identify']
    assert identify['endpoint'] == 'exotel-pbx-trunk'
    assert identify['match'] == 'exoteltest.pstn.exotel.com,13.232.0.0/16'
    assert config['exotel-pbx-trunk-acl']['deny'] == '0.0.0.0/0.0.0.0'
    assert config['exotel-pbx-trunk-acl']['permit'] == '13.232.0.0/16'
    assert 'sip:%s' % sid in text
    # The header keeps each whitelisted entry's mask.
    assert '; Exotel accepts calls from (whitelisted IPs): 44.248.146.11/32' in text
    assert not (tmp_path / 'pjsip_exotel.conf.secret').exists()

    # A digest (StreamKit) trunk gets an auth section; the password goes to a separate 0600 file
    # that the configuration includes, and comes only from the caller.
    dest2 = tmp_path / 'pjsip_bot.conf'
    run = run_playbook(PBX_PLAYBOOK, simulator.url, extra_vars={
        'pbx_handoff_dest': str(dest2), 'exotel_vars_file': 'vars/streamkit.example.yml',
        'sip_trunk_use_case': 'streamkit', 'pbx_handoff_digest_password': 'From_the_vault_1',
    }, env={'STREAMKIT_SIP_PASSWORD': 'Example_pw_1'})
    assert run.rc == 0, run
    text = dest2.read_text()
    config = parse_pjsip(text)
    assert config['exotel-streamkit-trunk']['outbound_auth'] == 'exotel-streamkit-trunk-auth'
    auth = config['exotel-streamkit-trunk-auth']
    assert (auth['type'], auth['auth_type'], auth['username']) == ('auth', 'userpass', 'voicebot')
    assert 'password' not in auth and '#include pjsip_bot.conf.secret' in text
    secret = tmp_path / 'pjsip_bot.conf.secret'
    assert secret.read_text() == 'password = From_the_vault_1\n'
    assert oct(secret.stat().st_mode & 0o777) == '0o600'
    assert 'exotel-streamkit-trunk-acl' not in config  # no Exotel IPs given: no ACL that would lock everyone out
    assert 'From_the_vault_1' not in text and 'Example_pw_1' not in text
    assert 'From_the_vault_1' not in run.stdout + run.stderr


# ------------------------------------------------------------------ cost of a no-op run


def test_noop_run_of_1000_numbers_20_ips_10_destinations_costs_at_most_25_requests(tmp_path):
    simulator = start_simulator(rate_limit=0)
    try:
        variables = {
            'sip_trunk_name': 'big_trunk',
            'sip_trunk_use_case': 'bidirectional',
            'sip_trunk_numbers': ['+9180%08d' % index for index in range(1000)],
            'sip_trunk_whitelisted_ips': ['44.248.%d.%d' % (146 + index // 10, index % 10 + 1) for index in range(20)],
            'sip_trunk_destinations': ['52.66.%d.10:5061;transport=tls' % index for index in range(10)],
            'sip_trunk_caller_id': '+918000000000',
        }
        env = {'EXOTEL_RATE_LIMIT': '0'}
        run, _result, _requests, _writes = converge(simulator, tmp_path, variables, env=env)
        assert run.rc == 0, run
        state = trunk_state(simulator, 'big_trunk')
        assert len(state['numbers']) == 1000 and len(state['acl']) == 30 and len(state['destinations']) == 10

        run, result, requests, writes = converge(simulator, tmp_path, variables, env=env)
        assert run.rc == 0 and run.recap['changed'] == 0 and writes == 0, run
        assert len(result['numbers']) == 1000
        # 1 trunk list + 1 ACL + 20 number pages + 1 destinations + 1 settings (no read-back).
        assert requests == 24, requests
        print('no-op converge of 1,000 numbers + 20 IPs + 10 destinations: %d API requests' % requests)
    finally:
        simulator.stop()


# ------------------------------------------------------------------ the ready-made playbooks


EXAMPLES = dict((name, 'vars/%s.example.yml' % name) for name in ('outbound', 'inbound', 'streamkit'))


def test_use_case_playbooks_then_teardown(simulator):
    for name, example in sorted(EXAMPLES.items()):
        run = run_playbook(os.path.join(REPO, 'playbooks', name + '.yml'), simulator.url,
                           extra_vars={'exotel_vars_file': example}, env={'STREAMKIT_SIP_PASSWORD': 'Example_pw_1'})
        assert run.rc == 0 and run.recap['changed'] > 0, run
        assert '"use_case": "%s"' % name in run.stdout
    assert sorted(row['trunk_name'] for row in simulator.dump_state()['trunks']) == \
        ['inbound_trunk', 'outbound_trunk', 'streamkit_trunk']

    teardown = os.path.join(REPO, 'playbooks', 'teardown.yml')
    named = {'teardown_vars_files': sorted(EXAMPLES.values())}
    run = run_playbook(teardown, simulator.url, extra_vars=named, check=True)
    assert run.rc == 0 and run.recap['changed'] == 3, run
    assert len(simulator.dump_state()['trunks']) == 3
    # Check mode shows what would go with each trunk.
    assert '"+912240000001"' in run.stdout and '"user_name": "voicebot"' in run.stdout
    run = run_playbook(teardown, simulator.url, extra_vars=named)
    assert run.rc == 0 and run.recap['changed'] == 3, run
    state = simulator.dump_state()
    assert state['trunks'] == [] and state['phone_numbers'] == [] and state['credentials'] == []
    run = run_playbook(teardown, simulator.url, extra_vars=named)
    assert run.rc == 0 and run.recap['changed'] == 0, run


def test_teardown_deletes_nothing_unless_named(simulator):
    run = run_playbook(os.path.join(REPO, 'playbooks', 'teardown.yml'), simulator.url)
    assert run.rc != 0
    assert 'Missing before any API call: teardown_trunk_names or teardown_vars_files' in run.stdout, run
    assert simulator.stats()['total'] == 0


def test_playbooks_refuse_to_run_without_credentials(simulator):
    run = run_playbook(os.path.join(REPO, 'playbooks', 'outbound.yml'), simulator.url, env={'EXOTEL_API_TOKEN': ''})
    assert run.rc != 0
    # One message listing everything that is missing: the token, and the variables no file gave.
    assert ('Missing before any API call: environment variable EXOTEL_API_TOKEN; sip_trunk_name; sip_trunk_numbers; '
            'sip_trunk_whitelisted_ips.') in run.stdout, run
    assert simulator.stats()['total'] == 0

"""Hostile and bad input: every case must fail with a message naming the option and the rule,
and the simulator must see ZERO write requests.

All cases run in ONE ansible-playbook run (a module-scoped fixture): before each
case a ``set_fact`` stamps the time, each module case registers its result with
``ignore_errors``, each role case runs in a block whose rescue keeps
``ansible_failed_result``. Every case is then its own pytest param, which checks
the message and that no write reached the simulator while that case ran.
"""

import json

import pytest

from conftest import ExotelSimulator, run_playbook
from _faultkit import Api, assert_no_traceback

T = 'exotel.sip_trunking.'
TRUNK = 'hostile'
ROLE = 'exotel.sip_trunking.sip_trunk'
SECRET_PASSWORD = 'pa$$-w0rd!'

# (id, module or 'role', arguments, substrings the message must contain[, substrings it must not contain])
E164 = "must be in E.164 format: '+' followed by 8 to 15 digits"
CASES = [
    # ---- exotel_trunk
    ('trunk_name_too_long', 'exotel_trunk', {'name': 'a' * 17}, ['name', '1 to 16 characters']),
    ('trunk_name_punctuated', 'exotel_trunk', {'name': 'my-trunk!'}, ['name', 'letters, digits and underscores']),
    ('trunk_name_space', 'exotel_trunk', {'name': 'my trunk'}, ['name', 'letters, digits and underscores']),
    ('trunk_name_unicode', 'exotel_trunk', {'name': 'tr\u00fcnk'}, ['name', 'letters, digits and underscores']),
    ('trunk_name_injection', 'exotel_trunk', {'name': 'a\r\nX-Evil: 1'}, ['name', 'letters, digits and underscores']),
    ('trunk_nso_code_spelling', 'exotel_trunk', {'name': 'ok_name', 'nso_code': 'any any'}, ['nso_code', 'ANY-ANY']),
    ('trunk_domain_name', 'exotel_trunk', {'name': 'ok_name', 'domain_name': 'not a domain'},
     ['domain_name', 'fully qualified domain name']),
    ('trunk_state_unknown', 'exotel_trunk', {'name': 'ok_name', 'state': 'gone'}, ['state', 'present, absent']),
    # ---- exotel_trunk_number
    ('number_without_plus', 'exotel_trunk_number', {'trunk_name': TRUNK, 'phone_number': '919876543210'},
     ['phone_number', E164]),
    ('number_with_letters', 'exotel_trunk_number', {'trunk_name': TRUNK, 'phone_number': '+91987654321a'},
     ['phone_number', E164]),
    ('number_too_long', 'exotel_trunk_number', {'trunk_name': TRUNK, 'phone_number': '+1234567890123456'},
     ['phone_number', E164]),
    ('number_too_short', 'exotel_trunk_number', {'trunk_name': TRUNK, 'phone_number': '+1234567'},
     ['phone_number', E164]),
    ('number_mode_upper_case', 'exotel_trunk_number', {'trunk_name': TRUNK, 'phone_number': '+919876543210', 'mode': 'PSTN'},
     ['mode', 'pstn, flow']),
    ('number_list_mode_upper_case', 'exotel_trunk_number',
     {'trunk_name': TRUNK, 'numbers': [{'phone_number': '+919876543210', 'mode': 'PSTN'}]}, ['numbers[0].mode', 'pstn, flow']),
    ('number_list_duplicate', 'exotel_trunk_number', {'trunk_name': TRUNK, 'numbers': ['+919876543210', '+919876543210']},
     ['numbers[1]', 'repeats an entry']),
    ('number_purge_without_list', 'exotel_trunk_number',
     {'trunk_name': TRUNK, 'phone_number': '+919876543210', 'purge': True}, ['purge', 'numbers']),
    ('number_list_wrong_type', 'exotel_trunk_number', {'trunk_name': TRUNK, 'numbers': [919876543210]},
     ['numbers[0]', 'E.164 string or a dictionary']),
    ('number_list_unknown_key', 'exotel_trunk_number', {'trunk_name': TRUNK, 'numbers': [{'number': '+919876543210'}]},
     ['numbers[0]', 'unknown keys number']),
    ('number_single_and_list', 'exotel_trunk_number',
     {'trunk_name': TRUNK, 'phone_number': '+919876543210', 'numbers': ['+919876543211']},
     ['mutually exclusive', 'phone_number|numbers']),
    ('number_both_trunk_refs', 'exotel_trunk_number',
     {'trunk_name': TRUNK, 'trunk_sid': 'trmum00000000000000000000a1n', 'phone_number': '+919876543210'},
     ['mutually exclusive', 'trunk_name|trunk_sid']),
    ('number_no_trunk_ref', 'exotel_trunk_number', {'phone_number': '+919876543210'},
     ['one of the following is required', 'trunk_name, trunk_sid']),
    # ---- exotel_trunk_acl
    ('acl_ipv6', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '2001:db8::1'}, ['ip', 'IPv4', 'IPv6']),
    ('acl_octet_256', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '256.1.2.3'}, ['ip', 'valid IPv4 address']),
    ('acl_fqdn', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': 'pbx.example.com'}, ['ip', 'valid IPv4 address']),
    ('acl_mask_15', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.0.0', 'mask': 15},
     ['mask', 'from 16 to 32', 'in-between 16 and 32']),
    ('acl_mask_0', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.11', 'mask': 0}, ['mask', 'from 16 to 32']),
    ('acl_mask_33', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.11', 'mask': 33}, ['mask', 'from 16 to 32']),
    ('acl_mask_quoted', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.11', 'mask': '24'},
     ['mask', 'integer from 16 to 32', 'quoted string']),
    ('acl_cidr_33', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.0/33'}, ['ip', 'from 16 to 32']),
    ('acl_cidr_mask_conflict', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.0/24', 'mask': 32},
     ['mask', 'conflicts with the /24 suffix']),
    ('acl_list_duplicate', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'entries': ['44.248.146.20', '44.248.146.20/32']},
     ['entries[1]', 'repeats an entry']),
    ('acl_list_unknown_key', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'entries': [{'ip': '44.248.146.20', 'port': 5060}]},
     ['entries[0]', 'unknown keys port']),
    ('acl_purge_without_list', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.20', 'purge': True},
     ['purge', 'entries']),
    # ---- exotel_trunk_destination
    ('dest_transport_udp_string', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destination': 'sip.example.com:5060;transport=udp'}, ['destination', 'tls or tcp']),
    ('dest_transport_udp_option', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'host': 'sip.example.com', 'transport': 'udp'}, ['transport', 'tls, tcp']),
    ('dest_port_0', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'host': 'sip.example.com', 'port': 0},
     ['port', '1 to 65535']),
    ('dest_port_70000', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'host': 'sip.example.com', 'port': 70000},
     ['port', '1 to 65535']),
    ('dest_port_70000_string', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destination': 'sip.example.com:70000;transport=tls'}, ['destination port', '1 to 65535']),
    ('dest_list_port_0', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destinations': [{'host': 'sip.example.com', 'port': 0}]}, ['destinations[0].port', '1 to 65535']),
    ('dest_list_transport_udp', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destinations': [{'host': 'sip.example.com', 'transport': 'udp'}]},
     ['destinations[0].transport', 'tls or tcp']),
    ('dest_port_wrong_type', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'host': 'sip.example.com', 'port': 'sip'},
     ['port', 'int']),
    ('dest_space', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'destination': 'sip.example.com :5061;transport=tls'},
     ['destination', 'host:port;transport=tls']),
    ('dest_crlf_injection', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destination': 'sip.example.com:5061;transport=tls\r\nX: evil'},
     ['destination', 'host:port;transport=tls']),
    ('dest_extra_parameter', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destination': 'sip.example.com:5061;transport=tls;lr'}, ['destination', 'host:port;transport=tls']),
    ('dest_host_injection', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'host': 'sip.example.com;transport=tls\r\nX:'}, ['host', 'without spaces, ports or parameters']),
    ('dest_no_port', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'destination': 'sip.example.com'},
     ['destination', 'host:port;transport=tls']),
    ('dest_documentation_ip', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'destination': '203.0.113.5:5061;transport=tls'},
     ['destination', 'documentation address']),
    ('dest_private_ip', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'destination': '10.0.0.5:5060;transport=tcp'},
     ['destination', 'private']),
    ('dest_bad_octet', 'exotel_trunk_destination', {'trunk_name': TRUNK, 'destination': '256.1.2.3:5061;transport=tls'},
     ['destination', 'IPv4']),
    ('dest_ip_outside_acl', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destination': '44.248.146.99:5061;transport=tls'}, ['destination', 'exotel_trunk_acl first']),
    ('dest_list_duplicate', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destinations': ['sip:SIP.example.com:5061;transport=TLS', 'sip.example.com:5061;transport=tls']},
     ['destinations[1] repeats an entry listed earlier (destinations[0])']),
    ('dest_list_duplicate_upper_case_scheme', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destinations': ['sbc.example.com:5061;transport=tls', 'SIP:Sbc.Example.COM:5061;transport=TLS']},
     ['destinations[1] repeats an entry listed earlier (destinations[0])']),
    ('dest_priority_negative', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destination': 'sip.example.com:5061;transport=tls', 'priority': -1}, ['priority', 'non-negative']),
    ('dest_list_both_forms', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destinations': [{'destination': 'sip.example.com:5061;transport=tls', 'host': 'sip.example.com'}]},
     ['destinations[0]', 'exactly one of destination or host']),
    ('dest_purge_without_list', 'exotel_trunk_destination',
     {'trunk_name': TRUNK, 'destination': 'sip.example.com:5061;transport=tls', 'purge': True}, ['purge', 'destinations']),
    # ---- exotel_trunk_setting
    ('setting_unknown_name', 'exotel_trunk_setting', {'trunk_name': TRUNK, 'name': 'caller_id', 'value': '+919876543210'},
     ['name', 'trunk_external_alias']),
    ('setting_unknown_in_dict', 'exotel_trunk_setting', {'trunk_name': TRUNK, 'settings': {'caller_id': '+919876543210'}},
     ['settings', 'unknown setting', 'caller_id']),
    ('setting_alias_not_e164', 'exotel_trunk_setting', {'trunk_name': TRUNK, 'settings': {'trunk_external_alias': '12345'}},
     ['settings.trunk_external_alias', E164]),
    ('setting_value_wrong_type', 'exotel_trunk_setting',
     {'trunk_name': TRUNK, 'settings': {'trunk_external_alias': 919876543210}}, ['settings.trunk_external_alias', 'string']),
    ('setting_missing_value', 'exotel_trunk_setting', {'trunk_name': TRUNK, 'name': 'trunk_external_alias'},
     ['value', 'required']),
    # ---- exotel_trunk_credential
    ('cred_password_punctuation', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'user_name': 'bot', 'password': SECRET_PASSWORD}, ['password', 'letters, digits and underscores'],
     [SECRET_PASSWORD]),
    ('cred_password_space', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'user_name': 'bot', 'password': 'two words'}, ['password', 'letters, digits and underscores'],
     ['two words']),
    ('cred_friendly_name_too_long', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'user_name': 'bot', 'password': 'Secret_1', 'friendly_name': 'f' * 33}, ['friendly_name', '32']),
    ('cred_friendly_name_punctuated', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'user_name': 'bot', 'password': 'Secret_1', 'friendly_name': 'My Bot!'},
     ['friendly_name', 'letters, digits or underscores']),
    ('cred_user_name_space', 'exotel_trunk_credential', {'trunk_name': TRUNK, 'user_name': 'bad user', 'password': 'Secret_1'},
     ['user_name', '1 to 64 characters']),
    ('cred_list_duplicate', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'credentials': [{'user_name': 'bot', 'password': 'Secret_1'}, {'user_name': 'bot', 'password': 'Secret_2'}]},
     ['credentials[1]', 'repeats an entry'], ['Secret_1', 'Secret_2']),
    ('cred_list_bad_password', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'credentials': [{'user_name': 'bot', 'password': SECRET_PASSWORD}]},
     ['credentials[0].password', 'letters, digits and underscores'], [SECRET_PASSWORD]),
    ('cred_list_unknown_key', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'credentials': [{'user_name': 'bot', 'secret': 'Secret_1'}]}, ['secret', 'credentials']),
    ('cred_create_without_password', 'exotel_trunk_credential', {'trunk_name': TRUNK, 'user_name': 'newbot'},
     ['password', 'required to create', 'newbot']),
    ('cred_update_password_choice', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'user_name': 'bot', 'password': 'Secret_1', 'update_password': 'sometimes'},
     ['update_password', 'always, on_create']),
    ('cred_purge_without_list', 'exotel_trunk_credential',
     {'trunk_name': TRUNK, 'user_name': 'bot', 'password': 'Secret_1', 'purge': True}, ['purge', 'credentials']),
    # ---- exotel_trunk_info and connection options
    ('info_gather_unknown', 'exotel_trunk_info', {'gather': ['numbers', 'secrets']}, ['gather', 'credentials']),
    ('info_both_trunk_refs', 'exotel_trunk_info', {'trunk_name': TRUNK, 'trunk_sid': 'trmum00000000000000000000a1n'},
     ['mutually exclusive', 'trunk_name|trunk_sid']),
    ('info_include_secrets_type', 'exotel_trunk_info', {'include_secrets': 'maybe'}, ['include_secrets', 'bool']),
    ('conn_region_unknown', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.11', 'region': 'mars'},
     ['region', 'mumbai, singapore']),
    ('conn_timeout_type', 'exotel_trunk_acl', {'trunk_name': TRUNK, 'ip': '44.248.146.11', 'timeout': 'soon'},
     ['timeout', 'int']),
    ('conn_max_retries_type', 'exotel_trunk', {'name': 'ok_name', 'max_retries': 'many'}, ['max_retries', 'int']),
]

ROLE_BASE = {'sip_trunk_name': 'role_trunk', 'sip_trunk_use_case': 'outbound', 'sip_trunk_numbers': ['+919876543210'],
             'sip_trunk_whitelisted_ips': ['44.248.146.11']}
ROLE_CASES = [
    ('role_name_punctuated', dict(ROLE_BASE, sip_trunk_name='bad-name!'), ['sip_trunk_name', '1 to 16']),
    ('role_name_too_long', dict(ROLE_BASE, sip_trunk_name='x' * 17), ['sip_trunk_name', '1 to 16']),
    ('role_use_case_unknown', dict(ROLE_BASE, sip_trunk_use_case='both'), ['sip_trunk_use_case', 'outbound']),
    ('role_number_without_plus', dict(ROLE_BASE, sip_trunk_numbers=['919876543210']), ['sip_trunk_numbers', 'E.164']),
    ('role_number_letters', dict(ROLE_BASE, sip_trunk_numbers=['+91987654321a']), ['sip_trunk_numbers', 'E.164']),
    ('role_number_duplicate', dict(ROLE_BASE, sip_trunk_numbers=['+919876543210', '+919876543210']),
     ['sip_trunk_numbers', 'twice']),
    ('role_number_mode_upper', dict(ROLE_BASE, sip_trunk_numbers=[{'phone_number': '+919876543210', 'mode': 'PSTN'}]),
     ['sip_trunk_numbers', 'mode']),
    ('role_numbers_wrong_type', dict(ROLE_BASE, sip_trunk_numbers={'a': 1}), ['sip_trunk_numbers', 'list']),
    ('role_numbers_empty', dict(ROLE_BASE, sip_trunk_numbers=[]), ['sip_trunk_numbers', 'at least one']),
    ('role_ip_v6', dict(ROLE_BASE, sip_trunk_whitelisted_ips=['2001:db8::1']), ['sip_trunk_whitelisted_ips', 'IPv4']),
    ('role_ip_octet_256', dict(ROLE_BASE, sip_trunk_whitelisted_ips=['256.1.2.3']), ['sip_trunk_whitelisted_ips', 'IPv4']),
    ('role_ip_mask_33', dict(ROLE_BASE, sip_trunk_whitelisted_ips=['44.248.146.0/33']), ['sip_trunk_whitelisted_ips', '32']),
    ('role_ip_mask_0', dict(ROLE_BASE, sip_trunk_whitelisted_ips=[{'ip': '44.248.146.0', 'mask': 0}]),
     ['sip_trunk_whitelisted_ips', '32']),
    ('role_ips_empty_outbound', dict(ROLE_BASE, sip_trunk_whitelisted_ips=[]), ['sip_trunk_whitelisted_ips', 'at least one']),
    ('role_dest_udp', dict(ROLE_BASE, sip_trunk_use_case='inbound', sip_trunk_destinations=['sip.example.com:5060;transport=udp']),
     ['sip_trunk_destinations[0] transport must be tls or tcp (the API does not accept udp)']),
    ('role_dest_injection', dict(ROLE_BASE, sip_trunk_use_case='inbound',
                                 sip_trunk_destinations=['sip.example.com:5061;transport=tls\r\nX: evil']),
     ['sip_trunk_destinations[0] must look like host:port;transport=tls or host:port;transport=tcp']),
    ('role_dest_port_70000', dict(ROLE_BASE, sip_trunk_use_case='inbound',
                                  sip_trunk_destinations=['sip.example.com:70000;transport=tls']),
     ['sip_trunk_destinations[0].port must be an integer from 1 to 65535']),
    ('role_dest_port_0', dict(ROLE_BASE, sip_trunk_use_case='inbound',
                              sip_trunk_destinations=[{'host': 'sip.example.com', 'port': 0}]),
     ['sip_trunk_destinations[0].port must be an integer from 1 to 65535']),
    ('role_dest_documentation_ip', dict(ROLE_BASE, sip_trunk_use_case='inbound',
                                        sip_trunk_destinations=['203.0.113.5:5061;transport=tls']),
     ['sip_trunk_destinations[0] is a documentation address (RFC 5737)']),
    ('role_dest_duplicate', dict(ROLE_BASE, sip_trunk_use_case='inbound',
                                 sip_trunk_destinations=['sip.example.com:5061;transport=tls', 'SIP:sip.example.com:5061;transport=tls']),
     ['sip_trunk_destinations[1] repeats an entry listed earlier (sip_trunk_destinations[0])']),
    ('role_inbound_without_destinations', dict(ROLE_BASE, sip_trunk_use_case='inbound'),
     ['sip_trunk_destinations', 'at least one']),
    ('role_caller_id_not_e164', dict(ROLE_BASE, sip_trunk_caller_id='98765'), ['sip_trunk_caller_id', 'E.164']),
    ('role_credential_bad_password', dict(ROLE_BASE, sip_trunk_credentials=[{'user_name': 'bot', 'password': SECRET_PASSWORD}]),
     ['sip_trunk_credentials', 'letters, digits and underscores']),
    ('role_credential_friendly_name', dict(ROLE_BASE, sip_trunk_credentials=[
        {'user_name': 'bot', 'password': 'Secret_1', 'friendly_name': 'f' * 33}]), ['friendly_name', '32']),
    ('role_credential_duplicate', dict(ROLE_BASE, sip_trunk_credentials=[
        {'user_name': 'bot', 'password': 'Secret_1'}, {'user_name': 'bot', 'password': 'Secret_2'}]),
     ['sip_trunk_credentials', 'once']),
    ('role_purge_wrong_type', dict(ROLE_BASE, sip_trunk_purge='yes please'), ['sip_trunk_purge', 'bool']),
    ('role_state_unknown', dict(ROLE_BASE, sip_trunk_state='gone'), ['sip_trunk_state', 'present, absent']),
]
ROLE_SECRETS = {'role_credential_bad_password': [SECRET_PASSWORD],
                'role_credential_duplicate': ['Secret_1', 'Secret_2'],
                'role_credential_friendly_name': ['Secret_1']}


def _module_task(index, case):
    _id, module, args = case[:3]
    return {'name': 'case %d %s' % (index, _id), T + module: args, 'register': 'r%d' % index, 'ignore_errors': True}


def _role_task(index, case):
    _id, role_vars = case[:2]
    if role_vars.get('sip_trunk_name') == ROLE_BASE['sip_trunk_name']:
        # a trunk of its own per case, so that any write is seen in this case's window
        role_vars = dict(role_vars, sip_trunk_name='role_case_%02d' % index)
    if role_vars.get('sip_trunk_numbers') == ROLE_BASE['sip_trunk_numbers']:
        role_vars = dict(role_vars, sip_trunk_numbers=['+91987650%04d' % index])   # numbers are unique per account
    return {'name': 'case %d %s' % (index, _id),
            'block': [{'name': 'role %s' % _id, 'ansible.builtin.include_role': {'name': ROLE}, 'vars': role_vars},
                      {'name': 'role %s did not fail' % _id, 'ansible.builtin.set_fact': {'r%d' % index: {'failed': False}}}],
            'rescue': [{'name': 'keep the failure of %s' % _id,
                        'ansible.builtin.set_fact': {'r%d' % index: '{{ ansible_failed_result }}'}}]}


def all_cases():
    return [('module', case) for case in CASES] + [('role', case) for case in ROLE_CASES]


@pytest.fixture(scope='module')
def hostile_run(tmp_path_factory):
    """Run every case once, in one playbook; return (run, results by id, log windows by id, whole log)."""
    tmp = tmp_path_factory.mktemp('hostile')
    cases = all_cases()
    tasks = []
    for index, (kind, case) in enumerate(cases):
        tasks.append({'name': 'stamp %d' % index, 'ansible.builtin.set_fact': {'t%d' % index: '{{ now().timestamp() }}'}})
        tasks.append(_module_task(index, case) if kind == 'module' else _role_task(index, case))
    results_file = str(tmp / 'results.json')
    dump = '{{ {%s, \'t_end\': t_end} | to_json }}' % ', '.join(
        "'r%d': r%d | default(None), 't%d': t%d" % (i, i, i, i) for i in range(len(cases)))
    tasks.append({'name': 'stamp end', 'ansible.builtin.set_fact': {'t_end': '{{ now().timestamp() }}'}})
    tasks.append({'name': 'dump', 'ansible.builtin.copy': {'content': dump, 'dest': results_file}})
    book = str(tmp / 'hostile.yml')
    with open(book, 'w', encoding='utf-8') as stream:
        json.dump([{'name': 'Hostile input', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], stream, indent=1)

    sim = ExotelSimulator(port=0, rate_limit=0).start()
    try:
        api = Api(sim)
        sid = api.create_trunk(TRUNK)
        api.add_ip(sid, '44.248.146.11')
        api.call('POST', '/trunks/%s/credentials' % sid, {'user_name': 'bot', 'password': 'Existing_1'})
        start = len(sim.requests())
        run = run_playbook(book, sim.url)
        log = sim.requests()[start:]
    finally:
        sim.stop()
    with open(results_file, encoding='utf-8') as stream:
        dumped = json.load(stream)
    results, windows = {}, {}
    for index, (_kind, case) in enumerate(cases):
        results[case[0]] = dumped['r%d' % index]
        begin = float(dumped['t%d' % index])
        end = float(dumped['t%d' % (index + 1)] if index + 1 < len(cases) else dumped['t_end'])
        windows[case[0]] = [entry for entry in log if begin <= entry['time'] < end]
    return run, results, windows, log


def test_table_size():
    assert len(CASES) >= 40
    assert len(set(case[0] for case in CASES + ROLE_CASES)) == len(CASES + ROLE_CASES)


def test_no_write_at_all(hostile_run):
    _run, _results, windows, log = hostile_run
    writes = [entry for entry in log if entry['write']]
    culprits = sorted(case_id for case_id, window in windows.items() if any(entry['write'] for entry in window))
    assert writes == [], 'bad input reached the API as %d writes, from the cases %s: %s' % (
        len(writes), culprits, ['%s %s' % (entry['method'], entry['path']) for entry in writes])


def test_no_secret_echoed(hostile_run):
    run, _results, _windows, _log = hostile_run
    for secret in (SECRET_PASSWORD, 'Secret_1', 'Secret_2', 'two words'):
        assert secret not in run.stdout and secret not in run.stderr, secret


def _check_case(hostile_run, case_id, expected, forbidden):
    run, results, windows, _log = hostile_run
    result = results[case_id]
    assert result is not None, 'case %s did not run:\n%r' % (case_id, run)
    assert result.get('failed') is True, 'case %s was accepted: %s' % (case_id, result)
    msg = str(result.get('msg', ''))
    for fragment in expected:
        assert fragment in msg, 'case %s: %r not in message %r' % (case_id, fragment, msg)
    for fragment in forbidden:
        assert fragment not in json.dumps(result), 'case %s echoes %r: %s' % (case_id, fragment, result)
    assert_no_traceback(run, result)
    writes = [entry for entry in windows[case_id] if entry['write']]
    assert writes == [], 'case %s sent writes: %s' % (case_id, writes)


@pytest.mark.parametrize('case', CASES, ids=[case[0] for case in CASES])
def test_module_rejects(hostile_run, case):
    _check_case(hostile_run, case[0], case[3], case[4] if len(case) > 4 else [])


@pytest.mark.parametrize('case', ROLE_CASES, ids=[case[0] for case in ROLE_CASES])
def test_role_rejects(hostile_run, case):
    _check_case(hostile_run, case[0], case[2], ROLE_SECRETS.get(case[0], []))

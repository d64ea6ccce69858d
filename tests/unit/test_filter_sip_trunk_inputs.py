"""The sip_trunk_inputs filter: the role's inputs validated by the modules' rules, and normalised."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.exotel.sip_trunking.plugins.filter.sip_trunk_inputs import FilterModule, sip_trunk_inputs

PASSWORD = 'Very_secret_pw_1'


def rejects(inputs):
    with pytest.raises(AnsibleFilterError) as err:
        sip_trunk_inputs(inputs)
    return str(err.value)


def test_registered_under_its_name():
    assert FilterModule().filters() == {'sip_trunk_inputs': sip_trunk_inputs}


def test_normalises_every_list():
    out = sip_trunk_inputs({
        'name': 'pbx_trunk', 'state': 'present', 'use_case': 'bidirectional', 'number_mode': '',
        'numbers': ['+918069000001', {'phone_number': '+918069000002', 'mode': 'flow'},
                    {'phone_number': '+918069000003', 'mode': None}],
        'whitelisted_ips': ['44.248.146.0/24', {'ip': '52.66.10.5'}, {'ip': '35.154.20.0', 'mask': 28}],
        'destinations': ['SIP:44.248.146.11:5061;transport=TLS',                       # covered by the /24
                         {'host': '3.7.1.1', 'transport': 'tcp', 'priority': 1, 'weight': 2},
                         {'destination': 'sip:3.7.1.1:5061;transport=tls', 'priority': 0},  # same host: one addition
                         'Sip.MyCompany.com:5061;transport=tls'],                       # FQDN: no ACL entry
        'caller_id': '+918069000001',
        'credentials': [{'user_name': 'pbx', 'password': PASSWORD, 'friendly_name': 'pbx_1'}],
    })
    assert out['numbers'] == [{'phone_number': '+918069000001', 'mode': 'pstn'},
                              {'phone_number': '+918069000002', 'mode': 'flow'},
                              {'phone_number': '+918069000003', 'mode': None}]  # explicit null: mode not managed
    assert out['whitelisted_ips'] == [{'ip': '44.248.146.0', 'mask': 24}, {'ip': '52.66.10.5', 'mask': 32},
                                      {'ip': '35.154.20.0', 'mask': 28}]
    assert out['destinations'] == [
        {'destination': '44.248.146.11:5061;transport=tls', 'priority': None, 'weight': None},
        {'destination': '3.7.1.1:5060;transport=tcp', 'priority': 1, 'weight': 2},
        {'destination': '3.7.1.1:5061;transport=tls', 'priority': 0, 'weight': None},
        {'destination': 'sip.mycompany.com:5061;transport=tls', 'priority': None, 'weight': None},
    ]
    assert out['destination_acl_additions'] == [{'ip': '3.7.1.1', 'mask': 32}]
    assert out['acl'] == out['whitelisted_ips'] + [{'ip': '3.7.1.1', 'mask': 32}]
    assert out['caller_id'] == '+918069000001'
    assert out['credentials'] == [{'user_name': 'pbx', 'friendly_name': 'pbx_1'}]  # validated, never returned


@pytest.mark.parametrize('use_case, number_mode, expected', [
    ('streamkit', '', 'flow'), ('outbound', '', 'pstn'), ('inbound', None, 'pstn'), ('streamkit', 'pstn', 'pstn'),
    ('outbound', 'flow', 'flow'),
])
def test_default_number_mode(use_case, number_mode, expected):
    out = sip_trunk_inputs({'use_case': use_case, 'number_mode': number_mode,
                            'numbers': ['+912240000001', {'phone_number': '+912240000002'}]})
    assert [number['mode'] for number in out['numbers']] == [expected, expected]


def test_empty_inputs_manage_nothing():
    out = sip_trunk_inputs({'numbers': [], 'whitelisted_ips': [], 'destinations': [], 'caller_id': '', 'credentials': []})
    assert out == {'numbers': [], 'whitelisted_ips': [], 'destinations': [], 'destination_acl_additions': [], 'acl': [],
                   'caller_id': None, 'credentials': []}


def test_absent_checks_only_the_name():
    out = sip_trunk_inputs({'name': 'old_trunk', 'state': 'absent', 'numbers': ['not a number']})
    assert out['numbers'] == [] and out['acl'] == []
    assert 'sip_trunk_name' in rejects({'name': 'old-trunk!', 'state': 'absent'})


@pytest.mark.parametrize('inputs, message', [
    ({'name': 'x' * 17}, 'sip_trunk_name must be 1 to 16 characters'),
    ({'state': 'gone'}, 'sip_trunk_state must be one of present, absent'),
    ({'use_case': 'both'}, 'sip_trunk_use_case must be one of outbound, inbound, streamkit, bidirectional'),
    ({'number_mode': 'PSTN'}, 'sip_trunk_number_mode must be one of pstn, flow'),
    ({'numbers': ['919876543210']}, "sip_trunk_numbers[0] must be in E.164 format"),
    ({'numbers': ['+919876543210', {'phone_number': '+919876543211', 'mode': 'PSTN'}]},
     'sip_trunk_numbers[1].mode must be one of pstn, flow'),
    ({'numbers': [{'number': '+919876543210'}]}, 'sip_trunk_numbers[0] has unknown keys number'),
    ({'numbers': [919876543210]}, 'sip_trunk_numbers[0] must be an E.164 string or a dictionary'),
    ({'numbers': '+919876543210'}, 'sip_trunk_numbers must be a list'),
    ({'numbers': ['+919876543210', {'phone_number': '+919876543210', 'mode': 'flow'}]},
     'sip_trunk_numbers[1] repeats an entry listed earlier (sip_trunk_numbers[0])'),
    ({'whitelisted_ips': ['2001:db8::1']}, 'sip_trunk_whitelisted_ips[0] must be an IPv4 address'),
    ({'whitelisted_ips': ['pbx.example.com']}, 'FQDNs are not supported'),
    ({'whitelisted_ips': ['44.248.146.0/33']}, 'sip_trunk_whitelisted_ips[0] must be an integer from 16 to 32'),
    ({'whitelisted_ips': [{'ip': '44.248.146.0', 'mask': '24'}]}, 'sip_trunk_whitelisted_ips[0].mask must be an integer'),
    ({'whitelisted_ips': ['44.248.146.20', '44.248.146.20/32']}, 'sip_trunk_whitelisted_ips[1] repeats an entry'),
    ({'destinations': ['sip.example.com:70000;transport=tls']},
     'sip_trunk_destinations[0].port must be an integer from 1 to 65535 (got 70000)'),
    ({'destinations': ['sip.example.com:5061;transport=tls', {'host': 'sip.example.com', 'port': 0}]},
     'sip_trunk_destinations[1].port must be an integer from 1 to 65535 (got 0)'),
    ({'destinations': [{'host': 'sip.example.com', 'transport': 'udp'}]},
     'sip_trunk_destinations[0].transport must be tls or tcp'),
    ({'destinations': ['sip.example.com:5060;transport=udp']}, 'transport=tls|tcp'),
    ({'destinations': ['sip.example.com:5061;transport=tls\r\nX: evil']}, 'sip_trunk_destinations[0] must look like'),
    ({'destinations': ['203.0.113.5:5061;transport=tls']}, 'sip_trunk_destinations[0] is a documentation address'),
    ({'destinations': [{'host': '10.1.2.3'}]}, 'sip_trunk_destinations[0].host is a private/loopback address'),
    ({'destinations': [{'destination': 'sip.example.com:5061;transport=tls', 'priority': -1}]},
     'sip_trunk_destinations[0].priority must be a non-negative integer'),
    ({'destinations': [{'destination': 'sip.example.com:5061;transport=tls', 'host': 'sip.example.com'}]},
     'sip_trunk_destinations[0] needs exactly one of destination or host'),
    ({'destinations': ['sip:SBC.example.com:5061;transport=tls', 'sbc.example.com:5061;transport=tls']},
     'sip_trunk_destinations[1] repeats an entry listed earlier (sip_trunk_destinations[0])'),
    ({'destinations': [{'host': 'SBC.example.com', 'port': 5061}, 'sbc.example.com:5061;transport=tls']},
     'sip_trunk_destinations[1] repeats an entry'),
    ({'caller_id': '98765'}, 'sip_trunk_caller_id must be in E.164 format'),
    ({'credentials': [{'user_name': 'bad user', 'password': PASSWORD}]}, 'sip_trunk_credentials[0].user_name must be 1 to 64'),
    ({'credentials': [{'user_name': 'bot', 'password': PASSWORD, 'friendly_name': 'f' * 33}]},
     'sip_trunk_credentials[0].friendly_name must be 1 to 32'),
    ({'credentials': [{'user_name': 'bot', 'password': PASSWORD}, {'user_name': 'bot', 'password': PASSWORD}]},
     'sip_trunk_credentials[1] repeats an entry listed earlier'),
    ({'credentials': [{'user_name': 'bot', 'secret': PASSWORD}]}, 'sip_trunk_credentials[0] has unknown keys secret'),
], ids=lambda value: None if isinstance(value, dict) else value[:40])
def test_each_error_names_the_role_variable_and_the_rule(inputs, message):
    assert message in rejects(inputs)


@pytest.mark.parametrize('credentials', [
    [{'user_name': 'bot', 'password': 'pa$$-w0rd!'}],
    [{'user_name': 'bot', 'password': 'two words'}],
    [{'user_name': 'bot', 'password': 1234567}],
    ['bot:pa$$-w0rd!'],
    [{'user_name': 'bot', 'password': 'Secret_1'}, {'user_name': 'bot', 'password': 'Secret_2'}],
    [{'user_name': 'bot', 'password': 'Secret_1', 'friendly_name': 'My Bot!'}],
])
def test_password_never_echoed(credentials):
    message = rejects({'credentials': credentials})
    assert message.startswith('sip_trunk_credentials[')
    for secret in ('pa$$-w0rd!', 'two words', '1234567', 'Secret_1', 'Secret_2'):
        assert secret not in message, message


def test_not_a_dict_or_unknown_input():
    assert 'dictionary' in rejects(['+919876543210'])
    assert 'unknown inputs phone_numbers' in rejects({'phone_numbers': []})

"""The sip_trunk_export filter: exotel_trunk_info's trunks -> files of sip_trunk role variables.

Pure Python, no simulator: use-case inference, the ACL entries left to the role, vault variable
names, the domain, what cannot be exported (and why), stability, and that no password gets out.
The round trip through the simulator is tests/export/test_export.py.
"""

import copy
import re

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.exotel.sip_trunking.plugins.filter.sip_trunk_export import (
    FilterModule,
    sip_trunk_export,
    vault_variable_names,
)

SID = 'exoteltest'
AT = '2026-01-31T12:00:00Z'
VAR_NAME_RE = re.compile(r'^[a-z_][a-z0-9_]*$')


def trunk(name, numbers=(), ips=(), destinations=(), settings=(), credentials=(), **fields):
    """A trunk as exotel_trunk_info returns it (ids included, the API's sip: prefix on destinations)."""
    record = {'trunk_sid': 'trmum%s' % name, 'trunk_name': name, 'nso_code': 'ANY-ANY',
              'domain_name': '%s.pstn.exotel.com' % SID, 'status': 'active'}
    record.update(fields)
    record['numbers'] = [{'id': str(41512 + i), 'phone_number': n[0], 'mode': n[1]} if isinstance(n, tuple)
                         else {'id': str(41512 + i), 'phone_number': n, 'mode': 'pstn'} for i, n in enumerate(numbers)]
    record['whitelisted_ips'] = [{'id': str(1153 + i), 'ip': ip.partition('/')[0], 'mask': int(ip.partition('/')[2] or 32)}
                                 for i, ip in enumerate(ips)]
    record['destinations'] = [{'id': str(2543 + i), 'destination': 'sip:' + d[0], 'priority': d[1], 'weight': d[2]}
                              if isinstance(d, tuple) else {'id': str(2543 + i), 'destination': 'sip:' + d,
                                                            'priority': 0, 'weight': 1}
                              for i, d in enumerate(destinations)]
    record['settings'] = [{'name': name_, 'value': value} for name_, value in settings]
    record['credentials'] = [{'id': str(5301 + i), 'user_name': c[0], 'friendly_name': c[1]} if isinstance(c, tuple)
                             else {'id': str(5301 + i), 'user_name': c, 'friendly_name': None}
                             for i, c in enumerate(credentials)]
    return record


def export_one(record, **kwargs):
    out = sip_trunk_export([record], SID, AT, **kwargs)
    assert out['problems'] == [], out['problems']
    (entry,) = out['files']
    return entry, yaml.safe_load(entry['content'])


def problem_of(record, **kwargs):
    out = sip_trunk_export([record], SID, AT, **kwargs)
    assert out['files'] == []
    (problem,) = out['problems']
    return problem


def test_registered_under_its_name():
    assert FilterModule().filters() == {'sip_trunk_export': sip_trunk_export}


# ------------------------------------------------------------------ use case


@pytest.mark.parametrize('record, use_case, reason', [
    (trunk('t', [('+912240000001', 'flow')], credentials=['bot']), 'streamkit', 'flow mode'),
    (trunk('t', [('+912240000001', 'flow'), '+912240000002'], ips=['35.154.20.30']), 'streamkit', 'flow mode'),
    # Flow numbers win over destinations + IPs: StreamKit is what the numbers say.
    (trunk('t', [('+912240000001', 'flow')], ips=['35.154.20.30'], destinations=['sip.example.com:5061;transport=tls']),
     'streamkit', 'flow mode'),
    (trunk('t', ['+918069000001'], ips=['44.248.146.0/24'], destinations=['44.248.146.11:5061;transport=tls']),
     'bidirectional', 'destinations'),
    (trunk('t', ['+918040264208'], destinations=['sip.example.com:5061;transport=tls']), 'inbound', 'destinations'),
    (trunk('t', ['+919876543210'], ips=['44.248.146.11']), 'outbound', 'whitelisted IPs'),
    # Digest only with pstn numbers: StreamKit is the one use case that takes digest alone.
    (trunk('t', ['+919876543210'], credentials=['pbx']), 'streamkit', 'SIP digest only'),
    # Flow numbers without IP or digest user cannot be StreamKit: they stay flow, the use case is inbound.
    (trunk('t', [('+912240000001', 'flow')], destinations=['sip.example.com:5061;transport=tls']), 'inbound',
     'destinations'),
])
def test_use_case_is_inferred_and_explained(record, use_case, reason):
    entry, variables = export_one(record)
    assert entry['use_case'] == variables['sip_trunk_use_case'] == use_case
    why = next(line for line in entry['content'].splitlines() if line.startswith('# sip_trunk_use_case: '))
    assert why.startswith('# sip_trunk_use_case: %s - ' % use_case)
    assert reason in entry['content'].split('---')[0]


@pytest.mark.parametrize('record, why', [
    (trunk('numbers_only', ['+919876543210']), 'no use case of the role fits'),
    (trunk('empty_trunk', ips=['44.248.146.11']), 'no phone number is mapped to it'),
    (trunk('other_nso', ['+919876543210'], ips=['44.248.146.11'], nso_code='IN-ANY'), "nso_code is 'IN-ANY'"),
    # The role (like the API) accepts only *.pstn.exotel.com domains; it could not adopt this trunk.
    (trunk('odd_domain', ['+919876543210'], ips=['44.248.146.11'], domain_name='sip.example.com'),
     'sip_trunk_domain_name'),
    # The role accepts masks from 16; a /8 it would refuse.
    (trunk('wide_acl', ['+919876543210'], ips=['44.0.0.0/8']), 'sip_trunk_whitelisted_ips[0].mask'),
    (trunk('bad.name', ['+919876543210'], ips=['44.248.146.11']), 'sip_trunk_name'),
])
def test_a_trunk_the_role_cannot_express_is_a_problem_naming_it_and_why(record, why):
    problem = problem_of(record)
    assert problem.startswith('Trunk %s (%s): ' % (record['trunk_name'], record['trunk_sid'])), problem
    assert why in problem


def test_problems_do_not_hide_the_exportable_trunks():
    out = sip_trunk_export([trunk('numbers_only', ['+919876543210']), trunk('ok', ['+919876543211'], ips=['44.248.146.11'])],
                           SID, AT)
    assert [entry['trunk_name'] for entry in out['files']] == ['ok']
    assert len(out['problems']) == 1 and 'numbers_only' in out['problems'][0]


def test_a_trunk_read_without_every_list_is_refused():
    record = trunk('t', ['+919876543210'], ips=['44.248.146.11'])
    del record['credentials']
    assert 'credentials' in problem_of(record) and 'gather' in problem_of(record)


# ------------------------------------------------------------------ entries


def test_numbers_with_explicit_modes_destinations_with_priority_and_weight():
    record = trunk('in_trunk', [('+918040264209', None), '+918040264208', ('+918040264210', 'flow')],
                   destinations=[('SIP.Example.com:5061;transport=tls', '2', '30'), ('52.66.10.20:5060;transport=tcp', 1, 2)],
                   ips=['52.66.10.20'])
    _entry, variables = export_one(record)
    # A mapping read back with mode null routes as pstn: it is written as pstn. Numbers sorted.
    assert variables['sip_trunk_numbers'] == [
        {'phone_number': '+918040264208', 'mode': 'pstn'}, {'phone_number': '+918040264209', 'mode': 'pstn'},
        {'phone_number': '+918040264210', 'mode': 'flow'}]
    # Without sip:, lower-cased, priority and weight as integers (the API may send strings), by priority.
    assert variables['sip_trunk_destinations'] == [
        {'destination': '52.66.10.20:5060;transport=tcp', 'priority': 1, 'weight': 2},
        {'destination': 'sip.example.com:5061;transport=tls', 'priority': 2, 'weight': 30}]


def test_the_caller_id_is_the_trunk_external_alias():
    _entry, variables = export_one(trunk('t', ['+919876543210'], ips=['44.248.146.11'],
                                         settings=[('trunk_external_alias', '+919876543210')]))
    assert variables['sip_trunk_caller_id'] == '+919876543210'
    _entry, variables = export_one(trunk('t', ['+919876543210'], ips=['44.248.146.11']))
    assert variables['sip_trunk_caller_id'] == ''


def test_an_unmanaged_setting_refuses_purge_and_is_kept_without_it():
    record = trunk('t', ['+919876543210'], ips=['44.248.146.11'], settings=[('trunk_record_calls', 'true')])
    assert 'trunk_record_calls' in problem_of(record) and 'export_purge: false' in problem_of(record)
    entry, variables = export_one(record, purge=False)
    assert variables['sip_trunk_purge'] is False
    assert 'sip_trunk_purge: false' in entry['content']


def test_the_ip_of_a_destination_is_left_to_the_role():
    record = trunk('in_trunk', ['+918040264208'], ips=['52.66.10.20', '3.7.1.0/24', '3.7.1.9'],
                   destinations=['52.66.10.20:5060;transport=tcp', '3.7.1.9:5061;transport=tls',
                                 'sip.example.com:5061;transport=tls'])
    entry, variables = export_one(record)
    # 52.66.10.20/32 goes with its destination (the role adds it back); 3.7.1.9/32 is covered by the /24,
    # so the role would not add it: it must stay listed or purge would delete it.
    assert variables['sip_trunk_whitelisted_ips'] == [{'ip': '3.7.1.0', 'mask': 24}, {'ip': '3.7.1.9', 'mask': 32}]
    assert '52.66.10.20/32 not listed' in entry['content']
    assert variables['sip_trunk_use_case'] == 'bidirectional'


def test_with_a_caller_id_the_destination_ips_stay_listed():
    # The PBX that receives calls on 3.7.1.1 also calls out from it: a caller ID says it calls out.
    record = trunk('pbx_trunk', ['+918069000001'], ips=['3.7.1.1'], destinations=['3.7.1.1:5061;transport=tls'],
                   settings=[('trunk_external_alias', '+918069000001')])
    entry, variables = export_one(record)
    assert variables['sip_trunk_whitelisted_ips'] == [{'ip': '3.7.1.1', 'mask': 32}]
    assert variables['sip_trunk_use_case'] == 'bidirectional'
    assert 'every entry listed' in entry['content']
    # Without the caller ID the same trunk is inbound, its ACL left to the role.
    record['settings'] = []
    _entry, variables = export_one(record)
    assert variables['sip_trunk_whitelisted_ips'] == [] and variables['sip_trunk_use_case'] == 'inbound'


# ------------------------------------------------------------------ credentials and vault variables


def test_digest_users_get_vault_references_and_no_password_ever():
    record = trunk('bot_trunk', [('+912240000001', 'flow')], credentials=[('voice.bot@acme-1', 'bot'), 'plain'])
    record['credentials'][0]['password'] = 'Leaked_by_old_shape'   # include_secrets / the older API shape
    out = sip_trunk_export([record], SID, AT)
    (entry,) = out['files']
    variables = yaml.safe_load(entry['content'])
    assert 'Leaked_by_old_shape' not in repr(out)
    assert variables['sip_trunk_credentials'] == [
        {'user_name': 'plain', 'password': '{{ vault_bot_trunk_plain_password }}'},
        {'user_name': 'voice.bot@acme-1', 'password': '{{ vault_bot_trunk_voice_bot_acme_1_password }}',
         'friendly_name': 'bot'}]
    assert variables['sip_trunk_credentials_update_password'] == 'on_create'
    assert out['vault_variables'] == entry['vault_variables'] == [
        'vault_bot_trunk_plain_password', 'vault_bot_trunk_voice_bot_acme_1_password']
    assert 'vault_bot_trunk_voice_bot_acme_1_password' in entry['content'].split('---')[0]


def test_a_trunk_without_digest_users_does_not_set_update_password():
    _entry, variables = export_one(trunk('t', ['+919876543210'], ips=['44.248.146.11']))
    assert variables['sip_trunk_credentials'] == []
    assert 'sip_trunk_credentials_update_password' not in variables


def test_vault_variable_names_are_valid_unique_and_stable():
    pairs = [('a_b', 'c'), ('a', 'b_c'), ('Bot', 'x'), ('bot', 'x'), ('t', 'bot.one'), ('t', 'bot_one'),
             ('t', 'Bot-One'), ('solo', 'user@example.com')]
    names = vault_variable_names(pairs)
    assert len(set(names.values())) == len(pairs)
    assert all(VAR_NAME_RE.match(name) and name.startswith('vault_') and name.endswith('_password')
               for name in names.values())
    assert names[('solo', 'user@example.com')] == 'vault_solo_user_example_com_password'
    assert vault_variable_names(list(reversed(pairs))) == names


def test_vault_names_are_unique_across_trunks():
    out = sip_trunk_export([trunk('a_b', ['+919876543210'], credentials=['c']),
                            trunk('a', ['+919876543211'], credentials=['b_c'])], SID, AT)
    assert out['problems'] == []
    assert len(set(out['vault_variables'])) == 2


# ------------------------------------------------------------------ domain, header, stability


def test_the_domain_is_written_only_when_it_is_not_the_default():
    entry, variables = export_one(trunk('t', ['+919876543210'], ips=['44.248.146.11']))
    assert 'sip_trunk_domain_name' not in variables
    assert 'sip_trunk_domain_name: not set' in entry['content']
    entry, variables = export_one(trunk('t', ['+919876543210'], ips=['44.248.146.11'], domain_name='voice.pstn.exotel.com'))
    assert variables['sip_trunk_domain_name'] == 'voice.pstn.exotel.com'


def test_header_names_the_account_and_time_and_the_file_holds_only_role_variables():
    entry, variables = export_one(trunk('out_trunk', ['+919876543210'], ips=['44.248.146.11']))
    header, _sep, body = entry['content'].partition('\n---\n')
    assert '# Account: exoteltest' in header and '# Exported at: %s' % AT in header
    assert '# Trunk SID: trmumout_trunk' in header
    assert all(line.startswith('#') for line in header.splitlines())
    assert entry['file'] == 'out_trunk.yml'
    assert set(variables) == {'sip_trunk_name', 'sip_trunk_use_case', 'sip_trunk_numbers', 'sip_trunk_whitelisted_ips',
                              'sip_trunk_destinations', 'sip_trunk_caller_id', 'sip_trunk_credentials', 'sip_trunk_purge'}
    keys = [line.split(':')[0] for line in body.splitlines() if line and not line.startswith(' ')]
    assert keys == sorted(keys)
    assert all(len(line) <= 102 for line in header.splitlines())


def test_same_account_same_files_whatever_the_order_of_the_answers():
    records = [
        trunk('pbx', ['+918069000002', '+918069000001'], ips=['44.248.146.0/24', '3.7.1.1'],
              destinations=[('b.example.com:5061;transport=tls', 1, 1), ('a.example.com:5061;transport=tls', 1, 1)],
              credentials=['zed', 'amy']),
        trunk('out', ['+919876543210'], ips=['44.248.146.11']),
    ]
    shuffled = copy.deepcopy(records[::-1])
    for record in shuffled:
        for kind in ('numbers', 'whitelisted_ips', 'destinations', 'credentials'):
            record[kind].reverse()
    assert sip_trunk_export(records, SID, AT) == sip_trunk_export(shuffled, SID, AT)
    later = sip_trunk_export(records, SID, '2026-02-01T00:00:00Z')
    for first, second in zip(sip_trunk_export(records, SID, AT)['files'], later['files']):
        differing = [(a, b) for a, b in zip(first['content'].splitlines(), second['content'].splitlines()) if a != b]
        assert differing == [('# Exported at: %s' % AT, '# Exported at: 2026-02-01T00:00:00Z')]


@pytest.mark.parametrize('args, message', [
    (('not a list', SID, AT), 'expects the trunks list'),
    (([], '', AT), 'account_sid'),
    (([], SID, None), 'exported_at'),
    (([trunk('t', ['+919876543210']), trunk('t', ['+919876543211'])], SID, AT), 'more than once'),
])
def test_bad_arguments(args, message):
    with pytest.raises(AnsibleFilterError, match=message):
        sip_trunk_export(*args)
    with pytest.raises(AnsibleFilterError, match='purge'):
        sip_trunk_export([], SID, AT, purge='yes')

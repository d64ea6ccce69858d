"""Every module run in this process against the simulator: plan, apply, check mode, diff, failures.

The playbook suites (tests/integration, tests/faults) run the same modules through
ansible-playbook; these runs take milliseconds, so the fast suite (and the mutation run,
tests/mutation) reaches the modules' shared code in _module.py, _engine.py and _entries.py too.
Each test checks the module's result *and* the simulator's state.
"""

import pytest

from conftest import ACCOUNT_SID
from _modrun import run_module

NUMBER_A, NUMBER_B, NUMBER_C = '+919876543210', '+918040264208', '+912240000001'
PUBLIC_IP = '44.248.146.11'


@pytest.fixture
def sim(unlimited_simulator):
    return unlimited_simulator


def run(sim, module_name, **args):
    return run_module(sim, module_name, **args)


def trunk(sim, name='unit_trunk'):
    result = run(sim, 'exotel_trunk', name=name)
    assert result['changed'] is True and not result.get('failed'), result
    return result['trunk']['trunk_sid']


def rows(sim, collection, sid):
    return [row for row in sim.dump_state()[collection] if row['trunk_sid'] == sid]


def numbers(sim, sid):
    return dict((row['phone_number'], row['mode']) for row in rows(sim, 'phone_numbers', sid))


def acl(sim, sid):
    return sorted((row['ip'], row['mask']) for row in rows(sim, 'whitelisted_ips', sid))


def destinations(sim, sid):
    return sorted((row['destination'], row['priority'], row['weight']) for row in rows(sim, 'destination_uris', sid))


def writes(sim):
    return sim.stats()['writes']


# ------------------------------------------------------------------------------ trunk

def test_trunk_create_check_mode_idempotence_and_delete(sim):
    planned = run(sim, 'exotel_trunk', name='t1', check_mode=True, diff=True)
    assert planned['changed'] is True and writes(sim) == 0
    assert planned['trunk']['trunk_sid'] == 'check-mode-new-trunk:t1'
    assert planned['diff']['before'] == {} and planned['diff']['after']['trunk_name'] == 't1'
    created = run(sim, 'exotel_trunk', name='t1', diff=True)
    assert created['changed'] is True and created['trunk']['trunk_name'] == 't1'
    assert [(t['trunk_name'], t['domain_name'], t['nso_code']) for t in sim.dump_state()['trunks']] == [
        ('t1', '%s.pstn.exotel.com' % ACCOUNT_SID, 'ANY-ANY')]
    assert created['api']['writes'] == 1 and created['account_sid'] == ACCOUNT_SID
    again = run(sim, 'exotel_trunk', name='t1')
    assert again['changed'] is False and again['trunk']['trunk_sid'] == created['trunk']['trunk_sid']
    before = writes(sim)
    mismatch = run(sim, 'exotel_trunk', name='t1', domain_name='other.pstn.exotel.com')
    assert mismatch['failed'] is True and 'other.pstn.exotel.com' in mismatch['msg']
    assert writes(sim) == before and len(sim.dump_state()['trunks']) == 1
    predicted = run(sim, 'exotel_trunk', name='t1', state='absent', check_mode=True, diff=True)
    assert predicted['changed'] is True and predicted['trunk'] == {} and writes(sim) == before
    assert predicted['diff']['before']['trunk_name'] == 't1' and predicted['diff']['after'] == {}
    deleted = run(sim, 'exotel_trunk', name='t1', state='absent')
    assert deleted['changed'] is True and sim.dump_state()['trunks'] == []
    assert run(sim, 'exotel_trunk', name='t1', state='absent')['changed'] is False


def test_trunk_with_every_kind_of_entry_in_one_task(sim):
    task = dict(name='full', whitelisted_ips=[PUBLIC_IP], numbers=[NUMBER_A, {'phone_number': NUMBER_B, 'mode': 'flow'}],
                destinations=['%s:5061;transport=tls' % PUBLIC_IP, {'host': 'sip.example.com', 'priority': 2}],
                settings={'trunk_external_alias': NUMBER_A},
                credentials=[{'user_name': 'bot', 'password': 'Bot_pw_1', 'friendly_name': 'bot'}])
    planned = run(sim, 'exotel_trunk', check_mode=True, diff=True, **task)
    assert planned['changed'] is True and writes(sim) == 0
    assert [n['phone_number'] for n in planned['numbers']] == [NUMBER_B, NUMBER_A]
    result = run(sim, 'exotel_trunk', diff=True, **task)
    assert result['changed'] is True and not result.get('failed'), result
    sid = result['trunk']['trunk_sid']
    assert numbers(sim, sid) == {NUMBER_A: None, NUMBER_B: 'flow'}
    assert acl(sim, sid) == [(PUBLIC_IP, 32)]
    assert destinations(sim, sid) == [('sip:%s:5061;transport=tls' % PUBLIC_IP, 0, 1),
                                      ('sip:sip.example.com:5061;transport=tls', 2, 1)]
    assert [(s['name'], s['value']) for s in rows(sim, 'settings', sid)] == [('trunk_external_alias', NUMBER_A)]
    assert [(c['user_name'], c['friendly_name']) for c in rows(sim, 'credentials', sid)] == [('bot', 'bot')]
    assert sim.check_password(rows(sim, 'credentials', sid)[0]['id'], 'Bot_pw_1')
    assert result['changes']['numbers']['added'] == result['numbers']
    # The same task again: nothing to do.
    again = run(sim, 'exotel_trunk', diff=True, **task)
    assert again['changed'] is False and again['diff']['before'] == again['diff']['after']
    # Purge everything but one number.
    narrowed = run(sim, 'exotel_trunk', name='full', numbers=[NUMBER_A], whitelisted_ips=[], destinations=[],
                   settings={}, credentials=[], purge=True)
    assert narrowed['changed'] is True
    assert numbers(sim, sid) == {NUMBER_A: None} and acl(sim, sid) == [] and destinations(sim, sid) == []
    assert rows(sim, 'settings', sid) == [] and rows(sim, 'credentials', sid) == []
    removed = run(sim, 'exotel_trunk', name='full', state='absent')
    assert removed['removed_trunk']['numbers'][0]['phone_number'] == NUMBER_A and sim.dump_state()['trunks'] == []


def test_trunk_refuses_an_ip_destination_outside_the_acl_before_any_write(sim):
    result = run(sim, 'exotel_trunk', name='ipdest', destinations=['52.66.10.20:5061;transport=tls'])
    # The trunk itself is created first; the destination is refused before any entry is written.
    assert result['failed'] is True and 'not whitelisted' in result['msg'] and '52.66.10.20' in result['msg']
    sid = sim.dump_state()['trunks'][0]['trunk_sid']
    assert destinations(sim, sid) == []


def test_connection_options_are_required_and_api_url_checked(sim):
    missing = run(sim, 'exotel_trunk', connection=False, name='x')
    assert missing['failed'] is True
    assert missing['msg'].startswith('Missing connection options: account_sid (or the environment variable '
                                     'EXOTEL_ACCOUNT_SID), api_key (or the environment variable EXOTEL_API_KEY), '
                                     'api_token (or the environment variable EXOTEL_API_TOKEN).')
    bad_url = run(sim, 'exotel_trunk', name='x', api_url='api.in.exotel.com')
    assert bad_url['failed'] is True and bad_url['option'] == 'api_url' and bad_url['msg'].startswith('api_url must be')
    assert sim.requests() == []


def test_an_api_error_is_a_clean_failure_with_its_details(sim):
    sim.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 401})
    result = run(sim, 'exotel_trunk', name='x')
    assert result['failed'] is True and 'Check api_key and api_token' in result['msg']
    assert result['error']['http_status'] == 401 and result['error']['api_code'] == 1010
    assert result['error']['method'] == 'GET' and result['error']['path'] == 'trunks'
    assert result['api'] == {'requests': 1, 'writes': 0, 'retries': 0, 'rate_limited': 0, 'waited_seconds': 0.0}


# ------------------------------------------------------------------------------ numbers

def test_numbers_single_list_modes_purge_and_absent(sim):
    sid = trunk(sim)
    one = run(sim, 'exotel_trunk_number', trunk_sid=sid, phone_number=NUMBER_A, diff=True)
    assert one['changed'] is True and one['number']['phone_number'] == NUMBER_A and one['number']['mode'] == 'pstn'
    assert numbers(sim, sid) == {NUMBER_A: None}
    same = run(sim, 'exotel_trunk_number', trunk_name='unit_trunk', phone_number=NUMBER_A, mode='pstn')
    assert same['changed'] is False
    planned = run(sim, 'exotel_trunk_number', trunk_sid=sid, phone_number=NUMBER_A, mode='flow', check_mode=True,
                  diff=True)
    assert planned['changed'] is True and planned['updated'][0]['mode'] == 'flow' and numbers(sim, sid) == {NUMBER_A: None}
    assert planned['diff'] == {'before': {'numbers': [{'phone_number': NUMBER_A, 'mode': 'pstn'}]},
                               'after': {'numbers': [{'phone_number': NUMBER_A, 'mode': 'flow'}]}}
    switched = run(sim, 'exotel_trunk_number', trunk_sid=sid, phone_number=NUMBER_A, mode='flow')
    assert switched['changed'] is True and numbers(sim, sid) == {NUMBER_A: 'flow'}
    listed = run(sim, 'exotel_trunk_number', trunk_sid=sid, numbers=[NUMBER_B, {'phone_number': NUMBER_C, 'mode': 'flow'}],
                 mode='pstn', purge=True)
    assert listed['changed'] is True and listed['number'] if 'number' in listed else True
    assert numbers(sim, sid) == {NUMBER_B: 'pstn', NUMBER_C: 'flow'}
    assert [n['phone_number'] for n in listed['removed']] == [NUMBER_A]
    gone = run(sim, 'exotel_trunk_number', trunk_sid=sid, numbers=[NUMBER_B, NUMBER_A], state='absent')
    assert [n['phone_number'] for n in gone['removed']] == [NUMBER_B] and numbers(sim, sid) == {NUMBER_C: 'flow'}
    emptied = run(sim, 'exotel_trunk_number', trunk_sid=sid, numbers=[], purge=True)
    assert emptied['changed'] is True and numbers(sim, sid) == {}


def test_numbers_validation_fails_before_any_request(sim):
    sid = trunk(sim)
    before = len(sim.requests())
    for args, message in (
            ({'phone_number': '919876543210'}, "phone_number must be in E.164 format"),
            ({'numbers': [NUMBER_A, NUMBER_A]}, 'numbers[1] repeats an entry listed earlier (numbers[0])'),
            ({'phone_number': NUMBER_A, 'purge': True}, 'purge requires the list form numbers'),
            ({'numbers': [{'number': NUMBER_A}]}, 'numbers[0] has unknown keys number'),
            ({'numbers': [{'mode': 'flow'}]}, 'numbers[0] needs a phone_number')):
        result = run(sim, 'exotel_trunk_number', trunk_sid=sid, **args)
        assert result['failed'] is True and result['msg'].startswith(message), (args, result['msg'])
    assert len(sim.requests()) == before


def test_a_number_held_by_another_trunk_is_named(sim):
    other = trunk(sim, 'other')
    run(sim, 'exotel_trunk_number', trunk_sid=other, phone_number=NUMBER_A)
    sid = trunk(sim)
    result = run(sim, 'exotel_trunk_number', trunk_sid=sid, numbers=[NUMBER_A, NUMBER_B])
    assert result['failed'] is True and result['changed'] is True
    assert '1 of 2 entries could not be written' in result['msg']
    assert '%s is already mapped to trunk %s' % (NUMBER_A, other) in result['msg']
    assert numbers(sim, sid) == {NUMBER_B: None}


def test_a_missing_trunk_fails_clearly(sim):
    by_name = run(sim, 'exotel_trunk_number', trunk_name='nowhere', phone_number=NUMBER_A)
    assert by_name['failed'] is True
    assert by_name['msg'] == ("Trunk 'nowhere' was not found in account %s; create it first with "
                              "exotel.sip_trunking.exotel_trunk." % ACCOUNT_SID)
    planned = run(sim, 'exotel_trunk_number', trunk_name='nowhere', phone_number=NUMBER_A, check_mode=True)
    assert planned['changed'] is True and planned['trunk_sid'] == 'check-mode-new-trunk:nowhere'
    assert planned['warnings'] == ["Trunk 'nowhere' does not exist; check mode assumes an earlier task creates it."]
    placeholder = run(sim, 'exotel_trunk_number', trunk_sid='check-mode-new-trunk:nowhere', phone_number=NUMBER_A)
    assert placeholder['failed'] is True and placeholder['option'] == 'trunk_sid'
    by_sid = run(sim, 'exotel_trunk_number', trunk_sid='trmum00000000000000000000a1n', phone_number=NUMBER_A)
    assert by_sid['msg'] == "The trunk_sid 'trmum00000000000000000000a1n' does not exist (or is not visible to this API key)."


# ------------------------------------------------------------------------------ ACL

def test_acl_spellings_replace_purge_and_absent(sim):
    sid = trunk(sim)
    first = run(sim, 'exotel_trunk_acl', trunk_sid=sid, ip=PUBLIC_IP)
    assert first['changed'] is True and first['whitelisted_ip']['mask'] == 32 and acl(sim, sid) == [(PUBLIC_IP, 32)]
    for spelling in ({'ip': PUBLIC_IP + '/32'}, {'ip': PUBLIC_IP, 'mask': 32}, {'entries': [{'ip': PUBLIC_IP}]}):
        assert run(sim, 'exotel_trunk_acl', trunk_sid=sid, **spelling)['changed'] is False, spelling
    widened = run(sim, 'exotel_trunk_acl', trunk_sid=sid, ip=PUBLIC_IP, mask=24, diff=True)
    assert widened['changed'] is True and acl(sim, sid) == [(PUBLIC_IP, 24)]
    assert widened['diff']['after_header'] == 'replaced (deleted, then added again): %s' % PUBLIC_IP
    assert [e['mask'] for e in widened['removed']] == [32] and [e['mask'] for e in widened['updated']] == [24]
    purged = run(sim, 'exotel_trunk_acl', trunk_sid=sid, entries=['52.66.10.0/28', {'ip': '3.7.1.1', 'mask': 32}],
                 purge=True)
    assert purged['changed'] is True and acl(sim, sid) == [('3.7.1.1', 32), ('52.66.10.0', 28)]
    gone = run(sim, 'exotel_trunk_acl', trunk_sid=sid, entries=['3.7.1.1'], state='absent')
    assert gone['changed'] is True and acl(sim, sid) == [('52.66.10.0', 28)]


def test_acl_warns_about_an_address_that_can_never_match(sim):
    sid = trunk(sim)
    result = run(sim, 'exotel_trunk_acl', trunk_sid=sid, ip='10.0.0.5')
    assert result['changed'] is True
    assert result['warnings'] == ['10.0.0.5/32 is a private address (RFC 1918): Exotel matches the public source '
                                  'address of your PBX as it reaches the internet, so this ACL entry can never match '
                                  'a call; whitelist the public (NAT) address instead']


def test_acl_validation_fails_before_any_request(sim):
    sid = trunk(sim)
    before = len(sim.requests())
    for args, message in (({'mask': 24, 'entries': [PUBLIC_IP]}, 'mask can only be used with ip'),
                          ({'ip': PUBLIC_IP, 'mask': 15}, 'mask must be an integer from 16 to 32'),
                          ({'ip': PUBLIC_IP + '/24', 'mask': 32}, 'mask conflicts with the /24 suffix of ip'),
                          ({'entries': [[PUBLIC_IP]]}, 'entries[0] must be an IPv4 string')):
        result = run(sim, 'exotel_trunk_acl', trunk_sid=sid, **args)
        assert result['failed'] is True and result['msg'].startswith(message), (args, result['msg'])
    assert len(sim.requests()) == before


# ------------------------------------------------------------------------------ destinations

def test_destinations_single_update_list_and_absent(sim):
    sid = trunk(sim)
    added = run(sim, 'exotel_trunk_destination', trunk_sid=sid, destination='SIP:Sip.Example.com:5061;transport=TLS')
    assert added['changed'] is True
    assert added['destination'] == {'id': added['destination']['id'], 'destination': 'sip:sip.example.com:5061;transport=tls',
                                    'priority': 0, 'weight': 1}
    assert run(sim, 'exotel_trunk_destination', trunk_sid=sid, host='sip.example.com')['changed'] is False
    updated = run(sim, 'exotel_trunk_destination', trunk_sid=sid, host='sip.example.com', priority=1, weight=5)
    assert updated['changed'] is True and destinations(sim, sid) == [('sip:sip.example.com:5061;transport=tls', 1, 5)]
    weight_only = run(sim, 'exotel_trunk_destination', trunk_sid=sid, host='sip.example.com', weight=7)
    assert destinations(sim, sid) == [('sip:sip.example.com:5061;transport=tls', 1, 7)], weight_only
    run(sim, 'exotel_trunk_acl', trunk_sid=sid, ip='44.248.146.0/24')
    listed = run(sim, 'exotel_trunk_destination', trunk_sid=sid, purge=True, destinations=[
        {'host': PUBLIC_IP, 'transport': 'tcp', 'priority': 3}, 'sbc.example.com:5060;transport=tcp',
        {'destination': 'sip:sip.example.com:5061;transport=tls', 'priority': 1, 'weight': 7}])
    assert listed['changed'] is True
    assert destinations(sim, sid) == [('sip:%s:5060;transport=tcp' % PUBLIC_IP, 3, 1),
                                      ('sip:sbc.example.com:5060;transport=tcp', 0, 1),
                                      ('sip:sip.example.com:5061;transport=tls', 1, 7)]
    gone = run(sim, 'exotel_trunk_destination', trunk_sid=sid, destination='%s:5060;transport=tcp' % PUBLIC_IP,
               state='absent')
    assert gone['changed'] is True and len(destinations(sim, sid)) == 2


def test_destination_outside_the_acl_is_refused_and_only_warned_in_check_mode(sim):
    sid = trunk(sim)
    refused = run(sim, 'exotel_trunk_destination', trunk_sid=sid, host='52.66.10.20')
    assert refused['failed'] is True and refused['option'] == 'destination'
    assert refused['msg'] == ('destination uses an IP that is not whitelisted on the trunk: add 52.66.10.20 with '
                              'exotel.sip_trunking.exotel_trunk_acl first (the API refuses IP destinations outside the '
                              'ACL; FQDNs need none)')
    assert sim.stats()['writes'] == 1    # the trunk only
    planned = run(sim, 'exotel_trunk_destination', trunk_sid=sid, host='52.66.10.20', check_mode=True)
    assert planned['changed'] is True
    assert planned['warnings'] == ['52.66.10.20 not whitelisted on the trunk yet; outside check mode this fails unless '
                                   'an earlier task adds it with exotel.sip_trunking.exotel_trunk_acl.']


def test_destination_partial_failure_keeps_the_old_entries(sim):
    sid = trunk(sim)
    run(sim, 'exotel_trunk_destination', trunk_sid=sid, host='old.example.com')
    sim.add_fault({'method': 'POST', 'path': '/trunks/*/destination-uris', 'action': 'fail_items', 'items': [1],
                   'description': 'Destination is not a valid Ip or Fqdn'})
    result = run(sim, 'exotel_trunk_destination', trunk_sid=sid, purge=True,
                 destinations=['a.example.com:5061;transport=tls', 'b.example.com:5061;transport=tls'])
    assert result['failed'] is True and result['changed'] is True
    assert result['msg'] == ('1 of 2 entries could not be written (b.example.com:5061;transport=tls: Destination is not '
                             'a valid Ip or Fqdn). Entries written before the failure are listed under added and '
                             'updated. Nothing was removed, because the new set is incomplete.')
    assert [d[0] for d in destinations(sim, sid)] == [
        'sip:a.example.com:5061;transport=tls', 'sip:old.example.com:5061;transport=tls']


def test_destination_validation_fails_before_any_request(sim):
    sid = trunk(sim)
    before = len(sim.requests())
    for args, message in (({'destination': 'sip.example.com:5061;transport=tls', 'port': 5060},
                           'port can only be used with host'),
                          ({'host': 'sip.example.com', 'port': 0}, 'port must be an integer from 1 to 65535'),
                          ({'destination': 'sip.example.com:5061;transport=tls', 'priority': -1},
                           'priority must be a non-negative integer'),
                          ({'destinations': [{'destination': 'a.example.com:5061;transport=tls', 'port': 1}]},
                           'destinations[0] port and transport go with host, not with destination')):
        result = run(sim, 'exotel_trunk_destination', trunk_sid=sid, **args)
        assert result['failed'] is True and result['msg'].startswith(message), (args, result['msg'])
    assert len(sim.requests()) == before


# ------------------------------------------------------------------------------ settings

def test_settings_single_dict_update_and_absent(sim):
    sid = trunk(sim)
    run(sim, 'exotel_trunk_number', trunk_sid=sid, phone_number=NUMBER_A)
    first = run(sim, 'exotel_trunk_setting', trunk_sid=sid, name='trunk_external_alias', value=NUMBER_A)
    assert first['changed'] is True and first['setting'] == {'name': 'trunk_external_alias', 'value': NUMBER_A}
    assert first.get('warnings', []) == []
    assert run(sim, 'exotel_trunk_setting', trunk_sid=sid, settings={'trunk_external_alias': NUMBER_A})['changed'] is False
    changed = run(sim, 'exotel_trunk_setting', trunk_sid=sid, settings={'trunk_external_alias': NUMBER_B})
    assert changed['changed'] is True
    assert changed['warnings'] == ['trunk_external_alias %s is not a number mapped to this trunk; calls may be refused '
                                   'or show another caller ID. Map it with exotel_trunk_number.' % NUMBER_B]
    assert [(s['name'], s['value']) for s in rows(sim, 'settings', sid)] == [('trunk_external_alias', NUMBER_B)]
    gone = run(sim, 'exotel_trunk_setting', trunk_sid=sid, settings={'trunk_external_alias': None}, state='absent')
    assert gone['changed'] is True and rows(sim, 'settings', sid) == []
    gone = run(sim, 'exotel_trunk_setting', trunk_sid=sid, name='trunk_external_alias', state='absent')
    assert gone['changed'] is False


@pytest.mark.parametrize('reading', ['upsert', 'item_duplicate', 'envelope_duplicate'])
def test_setting_update_under_every_reading_of_a_second_post(sim, reading):
    sim.configure(settings_repost=reading)
    sid = trunk(sim)
    run(sim, 'exotel_trunk_setting', trunk_sid=sid, name='trunk_external_alias', value=NUMBER_A)
    changed = run(sim, 'exotel_trunk_setting', trunk_sid=sid, name='trunk_external_alias', value=NUMBER_B)
    assert changed['changed'] is True and not changed.get('failed'), changed
    assert [(s['name'], s['value']) for s in rows(sim, 'settings', sid)] == [('trunk_external_alias', NUMBER_B)]


def test_settings_validation_fails_before_any_request(sim):
    sid = trunk(sim)
    before = len(sim.requests())
    for args, message in (({'settings': {'caller_id': NUMBER_A}}, 'settings names an unknown setting'),
                          ({'settings': {'trunk_external_alias': None}}, 'settings.trunk_external_alias must be set'),
                          ({'name': 'trunk_external_alias'}, 'value is required with name when state=present'),
                          ({'name': 'trunk_external_alias', 'value': '123'}, 'value must be in E.164 format')):
        result = run(sim, 'exotel_trunk_setting', trunk_sid=sid, **args)
        assert result['failed'] is True and result['msg'].startswith(message), (args, result['msg'])
    absent_unknown = run(sim, 'exotel_trunk_setting', trunk_sid=sid, settings={'caller_id': None}, state='absent')
    assert absent_unknown['failed'] is True and 'unknown setting' in absent_unknown['msg']
    assert len(sim.requests()) == before


# ------------------------------------------------------------------------------ credentials

def test_credentials_create_rename_password_and_absent(sim):
    sid = trunk(sim)
    created = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='bot', password='First_pw1', diff=True)
    assert created['changed'] is True and created['credential']['user_name'] == 'bot'
    cred_id = created['credential']['id']
    assert sim.check_password(cred_id, 'First_pw1')
    assert 'First_pw1' not in str(created)
    renamed = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='bot', password='Other_pw9',
                  friendly_name='Bot_1', diff=True)
    assert renamed['changed'] is True and sim.check_password(cred_id, 'First_pw1')   # on_create: password left alone
    assert renamed['diff']['after']['credentials'] == [{'user_name': 'bot', 'friendly_name': 'Bot_1'}]
    always = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='bot', password='Second_pw2',
                 update_password='always', diff=True)
    assert always['changed'] is True and sim.check_password(cred_id, 'Second_pw2')
    assert always['diff']['after']['credentials'] == [{'user_name': 'bot', 'friendly_name': 'Bot_1',
                                                       'password': '<changed; value hidden>'}]
    assert 'Second_pw2' not in str(always)
    unchanged = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='bot', password='Third_pw3')
    assert unchanged['changed'] is False and sim.check_password(cred_id, 'Second_pw2')
    listed = run(sim, 'exotel_trunk_credential', trunk_sid=sid, purge=True,
                 credentials=[{'user_name': 'bot2', 'password': 'Bot2_pw'}])
    assert listed['changed'] is True
    assert [(c['user_name'], c['friendly_name']) for c in rows(sim, 'credentials', sid)] == [('bot2', None)]
    gone = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='bot2', state='absent')
    assert gone['changed'] is True and rows(sim, 'credentials', sid) == []


def test_credentials_refusals_never_show_a_password(sim):
    sid = trunk(sim)
    before = len(sim.requests())
    no_password = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='newbot')
    assert no_password['failed'] is True and no_password['msg'] == 'password is required to create the digest user(s) newbot'
    bad = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='bot', password='Bad pass!')
    assert bad['msg'] == 'password may contain only letters, digits and underscores (the API rejects other characters)'
    assert 'Bad pass!' not in str(bad)
    assert [e['method'] for e in sim.requests()[before:]] == ['GET']    # the list read that found no user


def test_legacy_credentials_without_an_id_cannot_be_changed(sim):
    sid = trunk(sim)
    run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='old', password='Old_pw1')
    sim.configure(credentials_shape='legacy')
    result = run(sim, 'exotel_trunk_credential', trunk_sid=sid, user_name='old', state='absent')
    assert result['failed'] is True
    assert result['msg'] == ('credentials cannot change or remove the digest user(s) old: the API lists them without an '
                             'id (its older credentials shape), and a DELETE or PUT needs one; change them in the '
                             'Exotel dashboard')
    assert len(rows(sim, 'credentials', sid)) == 1


# ------------------------------------------------------------------------------ info

def test_info_reads_what_the_state_holds(sim):
    sid = trunk(sim, 'full')
    empty = trunk(sim, 'empty')
    run(sim, 'exotel_trunk', name='full', numbers=[{'phone_number': NUMBER_A, 'mode': 'flow'}], whitelisted_ips=[PUBLIC_IP],
        destinations=['sip.example.com:5061;transport=tls'], settings={'trunk_external_alias': NUMBER_A},
        credentials=[{'user_name': 'bot', 'password': 'Bot_pw_1'}])
    every = run(sim, 'exotel_trunk_info')
    assert every['changed'] is False and 'trunk' not in every
    assert sorted(t['trunk_name'] for t in every['trunks']) == ['empty', 'full']
    full = next(t for t in every['trunks'] if t['trunk_sid'] == sid)
    assert [(n['phone_number'], n['mode']) for n in full['numbers']] == [(NUMBER_A, 'flow')]
    assert full['whitelisted_ips'] == [{'id': rows(sim, 'whitelisted_ips', sid)[0]['id'], 'ip': PUBLIC_IP, 'mask': 32}]
    assert full['settings'] == [{'name': 'trunk_external_alias', 'value': NUMBER_A}]
    assert 'credentials' not in full and 'phone_numbers' not in full
    one = run(sim, 'exotel_trunk_info', trunk_name='full', gather=['credentials'], include_secrets=True)
    assert one['trunk']['trunk_sid'] == sid and one['trunks'] == [one['trunk']]
    assert one['trunk']['credentials'] == [{'id': rows(sim, 'credentials', sid)[0]['id'], 'user_name': 'bot',
                                            'friendly_name': None}]
    assert 'numbers' not in one['trunk']
    by_sid = run(sim, 'exotel_trunk_info', trunk_sid=empty, gather=[])
    assert by_sid['trunk']['trunk_name'] == 'empty'
    missing = run(sim, 'exotel_trunk_info', trunk_name='nowhere')
    assert missing['trunk'] is None and missing['trunks'] == [] and not missing.get('failed')

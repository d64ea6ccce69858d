"""playbooks/export.yml against the simulator: a live account becomes role variables that converge.

The round trip: an account seeded over the real API with a mix of trunks (outbound; inbound with
FQDN and IP destinations and non-default priority/weight; StreamKit with flow numbers, a digest user
and its own domain; bidirectional with a caller ID; 120 numbers across three pages) is exported,
and applying the role over the exported files reports changed=0 with zero writes. Also: re-export
is byte-stable but for the header time, files are only replaced with export_force, --check writes
nothing, bad names and unwritable directories fail first, and the playbook runs by its FQCN.
Runs under the profile the suite runs with (EXOTEL_SIM_PROFILE=default|strict).
"""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from conftest import API_TOKEN, BIN, REPO, RECAP_RE, ansible_environment, run_playbook

sys.path.insert(0, os.path.join(REPO, 'tests', 'faults'))
from _faultkit import Api  # noqa: E402  pylint: disable=wrong-import-position

EXPORT = os.path.join(REPO, 'playbooks', 'export.yml')
APPLY = 'exotel-apply.yml'
PASSWORD = 'Bot_pass_1'
BIG = ['+9180400%05d' % i for i in range(120)]
TIME_LINE_RE = re.compile(r'^# Exported at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', re.M)
# Cost is counted in requests here; waiting on the 200/minute limit would only slow the suite (the
# pacer has its own tests), so neither the simulator nor the client limits the rate.
UNLIMITED = {'EXOTEL_RATE_LIMIT': '0'}


@pytest.fixture
def simulator(unlimited_simulator):
    return unlimited_simulator


def create_trunk(api, name, domain_name='exoteltest.pstn.exotel.com'):
    """A trunk created over the API (the strict profile answers code "200", as a string)."""
    data = api.call('POST', '/trunks', {'trunk_name': name, 'nso_code': 'ANY-ANY', 'domain_name': domain_name})
    assert str(data.get('code', 200)) == '200', data
    return data['data']['trunk_sid']


def seed_account(sim):
    """The mixed account of the issue, built over the API as a portal or a curl script would."""
    api = Api(sim)
    sids = {}

    sids['out_trunk'] = sid = create_trunk(api, 'out_trunk')
    api.add_number(sid, '+919876543210', 'pstn')
    api.add_number(sid, '+919876543211')                      # no mode: reads back as null, routes as pstn
    api.add_ip(sid, '44.248.146.11')
    api.add_ip(sid, '52.66.10.0', 28)

    sids['in_trunk'] = sid = create_trunk(api, 'in_trunk')
    api.add_number(sid, '+918040264208', 'pstn')
    api.add_ip(sid, '52.66.10.20')                            # the API wants IP destinations whitelisted first
    answers = api.add_destinations(sid, ['sip.example.com:5061;transport=tls', '52.66.10.20:5060;transport=tcp'])
    fqdn_id, ip_id = [answer['data']['id'] for answer in answers]
    api.call('PUT', '/trunks/%s/destination-uris/%s' % (sid, fqdn_id), {'priority': 2, 'weight': 30})
    api.call('PUT', '/trunks/%s/destination-uris/%s' % (sid, ip_id), {'priority': 1, 'weight': 5})

    sids['bot_trunk'] = sid = create_trunk(api, 'bot_trunk', 'voice.pstn.exotel.com')
    api.add_number(sid, '+912240000001', 'flow')
    api.add_number(sid, '+912240000002', 'flow')
    api.call('POST', '/trunks/%s/credentials' % sid, {'user_name': 'voice.bot', 'password': PASSWORD,
                                                      'friendly_name': 'bot'})

    # The PBX at 3.7.1.1 receives calls there and calls out from there (a caller ID is set).
    sids['pbx_trunk'] = sid = create_trunk(api, 'pbx_trunk')
    api.add_number(sid, '+918069000001', 'pstn')
    api.add_ip(sid, '3.7.1.1')
    api.add_destinations(sid, ['3.7.1.1:5061;transport=tls'])
    api.call('POST', '/trunks/%s/settings' % sid, {'settings': [{'name': 'trunk_external_alias', 'value': '+918069000001'}]})

    sids['big_trunk'] = sid = create_trunk(api, 'big_trunk')
    for number in BIG:
        api.add_number(sid, number, 'pstn')
    api.add_ip(sid, '35.154.20.30')
    return sids


def account_state(sim):
    """Everything on the account, without the request-dependent bits."""
    state = sim.dump_state()
    return dict((kind, state[kind]) for kind in ('trunks', 'phone_numbers', 'whitelisted_ips', 'destination_uris',
                                                 'settings', 'credentials'))


def recaps(run):
    return dict((match.group('host'), dict((k, int(v)) for k, v in match.groupdict().items() if k != 'host'))
                for match in RECAP_RE.finditer(run.stdout))


def export(sim, export_dir, check=False, **extra):
    before = sim.stats()
    run = run_playbook(EXPORT, sim.url, extra_vars=dict(extra, export_dir=str(export_dir)), check=check, env=UNLIMITED)
    after = sim.stats()
    return run, after['total'] - before['total'], after['writes'] - before['writes']


def apply(sim, export_dir, check=False, extra_vars=None, diff=False):
    before = sim.stats()
    run = run_playbook(str(export_dir / APPLY), sim.url, extra_vars=extra_vars, check=check, diff=diff, env=UNLIMITED)
    after = sim.stats()
    return run, after['total'] - before['total'], after['writes'] - before['writes']


def exported(export_dir):
    return dict((path.name, path.read_text()) for path in sorted(export_dir.iterdir()))


def without_time(text):
    assert len(TIME_LINE_RE.findall(text)) == 1, text[:800]
    return TIME_LINE_RE.sub('# Exported at: <time>', text)


@pytest.fixture
def seeded(simulator):
    seed_account(simulator)
    return simulator


# ------------------------------------------------------------------ the round trip


def test_round_trip_export_then_apply_changes_nothing(seeded, tmp_path):
    sim, out = seeded, tmp_path / 'exotel-export'
    state = account_state(sim)

    run, requests, writes = export(sim, out)
    assert run.rc == 0, run
    assert writes == 0
    # The trunk list once (5 trunks: one page), then numbers (pages of 50), ACL, destinations,
    # settings and credentials of each trunk: 1 + 5 * 5 + 2 more pages of big_trunk's numbers.
    assert requests == 1 + 5 * 5 + 2, run
    assert sorted(exported(out)) == sorted([APPLY, 'big_trunk.yml', 'bot_trunk.yml', 'in_trunk.yml', 'out_trunk.yml',
                                            'pbx_trunk.yml'])

    files = dict((name, yaml.safe_load(text)) for name, text in exported(out).items() if name != APPLY)
    assert dict((name, variables['sip_trunk_use_case']) for name, variables in files.items()) == {
        'big_trunk.yml': 'outbound', 'bot_trunk.yml': 'streamkit', 'in_trunk.yml': 'inbound',
        'out_trunk.yml': 'outbound', 'pbx_trunk.yml': 'bidirectional'}
    assert all(variables['sip_trunk_purge'] is True for variables in files.values())
    assert files['out_trunk.yml']['sip_trunk_numbers'] == [{'phone_number': '+919876543210', 'mode': 'pstn'},
                                                           {'phone_number': '+919876543211', 'mode': 'pstn'}]
    assert files['out_trunk.yml']['sip_trunk_whitelisted_ips'] == [{'ip': '44.248.146.11', 'mask': 32},
                                                                   {'ip': '52.66.10.0', 'mask': 28}]
    # The IP destination's /32 is left to the role, which adds it back for the destination.
    assert files['in_trunk.yml']['sip_trunk_whitelisted_ips'] == []
    assert files['in_trunk.yml']['sip_trunk_destinations'] == [
        {'destination': '52.66.10.20:5060;transport=tcp', 'priority': 1, 'weight': 5},
        {'destination': 'sip.example.com:5061;transport=tls', 'priority': 2, 'weight': 30}]
    assert files['bot_trunk.yml']['sip_trunk_numbers'] == [{'phone_number': '+912240000001', 'mode': 'flow'},
                                                           {'phone_number': '+912240000002', 'mode': 'flow'}]
    assert files['bot_trunk.yml']['sip_trunk_credentials'] == [
        {'user_name': 'voice.bot', 'password': '{{ vault_bot_trunk_voice_bot_password }}', 'friendly_name': 'bot'}]
    assert files['bot_trunk.yml']['sip_trunk_credentials_update_password'] == 'on_create'
    assert files['bot_trunk.yml']['sip_trunk_domain_name'] == 'voice.pstn.exotel.com'
    assert all('sip_trunk_domain_name' not in variables for name, variables in files.items() if name != 'bot_trunk.yml')
    # A caller ID says the PBX calls out from its destination's IP: that /32 is listed.
    assert files['pbx_trunk.yml']['sip_trunk_caller_id'] == '+918069000001'
    assert files['pbx_trunk.yml']['sip_trunk_whitelisted_ips'] == [{'ip': '3.7.1.1', 'mask': 32}]
    assert [n['phone_number'] for n in files['big_trunk.yml']['sip_trunk_numbers']] == BIG

    # The run lists the vault variables to define; nothing secret is written or printed.
    assert 'vault_bot_trunk_voice_bot_password' in run.stdout
    everything = run.stdout + run.stderr + ''.join(exported(out).values())
    assert PASSWORD not in everything and API_TOKEN not in everything

    # Applying the role over the exported files: every trunk ok, changed=0, not one write.
    run, requests, writes = apply(sim, out, extra_vars={'vault_bot_trunk_voice_bot_password': 'Not_the_real_one'})
    assert run.rc == 0, run
    hosts = recaps(run)
    assert sorted(hosts) == ['big_trunk', 'bot_trunk', 'in_trunk', 'localhost', 'out_trunk', 'pbx_trunk'], run
    assert all(recap['changed'] == 0 and recap['failed'] == 0 for recap in hosts.values()), run
    assert writes == 0, run
    assert account_state(sim) == state
    # on_create: the password variable was needed, never sent - the digest user still has its own.
    credential_id = next(row['id'] for row in sim.dump_state()['credentials'])
    assert sim.check_password(credential_id, PASSWORD)
    assert 'Not_the_real_one' not in run.stdout + run.stderr

    # purge: true makes the file the truth: something added elsewhere shows as a change to undo
    # (here on the one trunk picked with exotel_apply_trunks, in check mode).
    Api(sim).add_ip(sim.dump_state()['trunks'][0]['trunk_sid'], '13.232.1.1')
    run, _requests, writes = apply(sim, out, check=True, diff=True, extra_vars={'exotel_apply_trunks': ['out_trunk']})
    assert run.rc == 0, run
    assert sorted(recaps(run)) == ['localhost', 'out_trunk'], run
    assert recaps(run)['out_trunk']['changed'] == 1 and writes == 0, run
    assert '13.232.1.1' in run.stdout


def test_reexport_is_byte_stable_and_files_are_only_replaced_with_force(seeded, tmp_path):
    sim, out = seeded, tmp_path / 'out'
    run, requests, writes = export(sim, out, export_trunks=['in_trunk', 'bot_trunk'])
    assert run.rc == 0, run
    # Only the named trunks: the trunk list once, then per trunk one read by SID and its five lists.
    assert (requests, writes) == (1 + 2 * (1 + 5), 0)
    first = exported(out)
    assert sorted(first) == sorted([APPLY, 'bot_trunk.yml', 'in_trunk.yml'])

    # Check mode replaces nothing, even with export_force.
    run, _requests, _writes = export(sim, out, check=True, export_trunks=['in_trunk', 'bot_trunk'], export_force=True)
    assert run.rc == 0, run
    assert exported(out) == first

    # Without export_force an existing file is kept as it is, and the run says so.
    (out / 'in_trunk.yml').write_text(first['in_trunk.yml'] + '# reviewed\n')
    run, _requests, _writes = export(sim, out, export_trunks='in_trunk,bot_trunk')
    assert run.rc == 0, run
    assert run.recap['changed'] == 0, run
    assert exported(out)['in_trunk.yml'].endswith('# reviewed\n')
    assert 'Kept as they are' in run.stdout and 'in_trunk.yml' in run.stdout

    # With it, every file is replaced; an unchanged account gives the same bytes but the time line.
    run, _requests, _writes = export(sim, out, export_trunks=['in_trunk', 'bot_trunk'], export_force=True)
    assert run.rc == 0, run
    second = exported(out)
    assert sorted(second) == sorted(first)
    for name in first:
        if name == APPLY:
            assert second[name] == first[name]
        else:
            assert without_time(second[name]) == without_time(first[name])


def test_check_mode_writes_no_file(seeded, tmp_path):
    out = tmp_path / 'new' / 'exotel-export'
    run, requests, writes = export(seeded, out, check=True)
    assert run.rc == 0, run
    assert requests > 0 and writes == 0
    assert not (tmp_path / 'new').exists()
    assert 'check mode: nothing was written' in run.stdout


# ------------------------------------------------------------------ bad input


def test_an_unknown_trunk_name_fails_naming_it(seeded, tmp_path):
    run, requests, writes = export(seeded, tmp_path / 'out', export_trunks=['out_trunk', 'no_such_trunk', 'Out_Trunk'])
    assert run.rc != 0, run
    assert 'no_such_trunk' in run.stdout and 'Out_Trunk' in run.stdout, run
    assert 'does not have' in run.stdout
    assert (requests, writes) == (1, 0)          # the trunk list, nothing more
    assert not (tmp_path / 'out').exists()


def test_an_unwritable_export_dir_fails_before_any_api_call(seeded, tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('x')
    run, requests, _writes = export(seeded, blocker / 'exotel-export')
    assert run.rc != 0, run
    assert 'cannot be written' in run.stdout and 'is not a directory' in run.stdout, run
    assert requests == 0


@pytest.mark.skipif(os.geteuid() == 0, reason='root can write to any directory')
def test_a_read_only_export_dir_fails_before_any_api_call(seeded, tmp_path):
    locked = tmp_path / 'locked'
    locked.mkdir(mode=0o555)
    run, requests, _writes = export(seeded, locked / 'deeper' / 'exotel-export')
    assert run.rc != 0, run
    assert 'is not writable' in run.stdout and requests == 0


def test_a_trunk_the_role_cannot_express_fails_naming_it_and_writes_nothing(seeded, tmp_path):
    sid = create_trunk(Api(seeded), 'numbers_only')
    Api(seeded).add_number(sid, '+919000000001', 'pstn')
    run, _requests, writes = export(seeded, tmp_path / 'out')
    assert run.rc != 0, run
    assert 'Trunk numbers_only (%s)' % sid in run.stdout and 'no use case of the role fits' in run.stdout, run
    assert writes == 0 and not (tmp_path / 'out').exists()


# ------------------------------------------------------------------ from an installed collection


def test_runs_by_fqcn_with_the_default_export_dir(simulator, tmp_path):
    api = Api(simulator)
    sid = create_trunk(api, 'out_trunk')
    api.add_number(sid, '+919876543210')
    api.add_ip(sid, '44.248.146.11')
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', 'exotel.sip_trunking.export'],
                          cwd=str(tmp_path), env=ansible_environment(simulator.url, **UNLIMITED), capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert sorted(os.listdir(str(tmp_path / 'exotel-export'))) == sorted([APPLY, 'out_trunk.yml'])
    assert json.dumps(yaml.safe_load((tmp_path / 'exotel-export' / 'out_trunk.yml').read_text())['sip_trunk_numbers']) == \
        json.dumps([{'mode': 'pstn', 'phone_number': '+919876543210'}])

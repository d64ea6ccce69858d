"""The live check (playbooks/live_check.yml over exotel_live_check) against the simulator, under both profiles.

Under ``default`` every assumption is confirmed or skipped with a reason; under ``strict`` exactly the
harsher readings are refuted, so the check can tell the readings apart. Each run must leave the
account as it found it (a seeded "user" trunk included), stay within 60 API calls, and never show
the token or a password, at -vvv too. Read-only runs and check mode must write nothing.
"""

import base64
import json
import os
import re
import subprocess

import pytest
import requests

from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, BIN, REPO, ansible_environment, run_playbook, start_simulator
from ansible_collections.exotel.sip_trunking.plugins.module_utils import _live_check as live
from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import ExotelClient
from ansible_collections.exotel.sip_trunking.plugins.module_utils._recording import RecordingSession

PLAYBOOK = os.path.join('playbooks', 'live_check.yml')
NUMBER = '+919876543210'          # the "spare ExoPhone" the user names
USER_NUMBER = '+918040264208'     # an ExoPhone on the user's own trunk
# The simulator does no DNS; real DNS never resolves .invalid, so the default profile is told so.
SIMULATOR = {'exophones': [NUMBER, USER_NUMBER], 'unresolvable_fqdns': [live.PROBE_FQDN]}
FACTS = set(check.fact for check in live.CHECKS)
ALWAYS_SKIPPED = {'regions', 'rate-limit', 'server-errors'}   # a simulator URL; never provoked
STRICT_REFUTED = {'trunk-missing', 'trunk-name-empty', 'domain-name-api', 'acl-mask-api', 'settings-repost',
                  'exophones', 'numeric-types'}
NUMBER_CHECKS = {'settings', 'settings-repost', 'phone-mode', 'number-holder', 'number-elsewhere'}
READ_CHECKS = {'regions', 'auth', 'trunk-missing', 'trunk-list', 'envelope', 'empty-list', 'paging', 'number-holder',
               'id-strings', 'numeric-types', 'rate-limit', 'server-errors'}
MAX_CALLS = 60


class PasswordLog(dict):
    """The simulator's password store, remembering every password ever stored (the check's are random)."""

    seen = set()

    def __setitem__(self, key, value):
        PasswordLog.seen.add(value)
        dict.__setitem__(self, key, value)


@pytest.fixture
def sim_factory():
    started = []

    def start(profile):
        sim = start_simulator(profile=profile, **SIMULATOR)
        sim._store.passwords = PasswordLog()   # pylint: disable=protected-access
        started.append(sim)
        return sim
    yield start
    for sim in started:
        sim.stop()


def seed_user_trunk(sim):
    """A trunk of the user's, with entries, that the check must leave exactly as it is."""
    base = '%s/v2/accounts/%s/trunks' % (sim.url, ACCOUNT_SID)

    def post(path, body):
        answer = requests.post(base + path, json=body, auth=(API_KEY, API_TOKEN), timeout=10).json()['response']
        return answer['data'] if isinstance(answer, dict) else answer
    sid = post('', {'trunk_name': 'users_trunk', 'nso_code': 'ANY-ANY', 'domain_name': 'exoteltest.pstn.exotel.com'})['trunk_sid']
    post('/%s/phone-numbers' % sid, {'phone_number': USER_NUMBER})
    post('/%s/whitelisted-ips' % sid, {'ip': '44.248.146.11', 'mask': 32})
    post('/%s/credentials' % sid, {'user_name': 'users_pbx', 'password': 'UsersOwn_1'})
    return sid


def account_state(sim):
    state = sim.dump_state()
    state.pop('counters', None)
    return state


def verdicts(report):
    return dict((entry['assumption'], entry['verdict']) for entry in report)


def of(report, verdict):
    return set(fact for fact, seen in verdicts(report).items() if seen == verdict)


def load_report(path):
    with open(str(path), encoding='utf-8') as stream:
        report = json.load(stream)
    assert isinstance(report, list) and set(entry['assumption'] for entry in report) == FACTS
    for entry in report:
        assert entry['verdict'] in live.VERDICTS, entry
        assert isinstance(entry['evidence'], str) and entry['evidence'], entry
    return report


def assert_no_secret(*texts):
    basic = base64.b64encode(('%s:%s' % (API_KEY, API_TOKEN)).encode()).decode()
    assert PasswordLog.seen, 'the check stored no password: the search would prove nothing'
    for text in texts:
        for secret in [API_TOKEN, basic] + sorted(PasswordLog.seen):
            assert secret not in text


def api_calls_line(run):
    lines = [line for line in run.stdout.splitlines() if 'API calls (' in line]
    assert lines, run
    return int(lines[-1].split(' API calls (')[0].rsplit(' ', 1)[-1])


# ------------------------------------------------------------------ the playbook, both profiles

def test_default_profile_confirms_every_assumption(sim_factory, tmp_path):
    sim = sim_factory('default')
    seed_user_trunk(sim)
    before, seeded = account_state(sim), len(sim.requests())
    report_file = tmp_path / 'report.json'
    run = run_playbook(PLAYBOOK, sim.url, extra_vars={'live_check_number': NUMBER, 'live_check_report': str(report_file)},
                       args=['-vvv'])
    assert run.rc == 0, run
    report = load_report(report_file)
    assert of(report, 'skipped') == ALWAYS_SKIPPED
    assert of(report, 'confirmed') == FACTS - ALWAYS_SKIPPED
    assert account_state(sim) == before                      # nothing left behind, the user's trunk untouched
    calls = len(sim.requests()) - seeded
    assert calls == api_calls_line(run) <= MAX_CALLS
    for fact in FACTS:
        assert fact in run.stdout                            # the table
    assert_no_secret(run.stdout, run.stderr, report_file.read_text())


def test_strict_profile_refutes_the_harsher_readings(sim_factory, tmp_path):
    sim = sim_factory('strict')
    seed_user_trunk(sim)
    before, seeded = account_state(sim), len(sim.requests())
    report_file = tmp_path / 'report.json'
    run = run_playbook(PLAYBOOK, sim.url, extra_vars={'live_check_number': NUMBER, 'live_check_report': str(report_file)})
    assert run.rc == 0, run
    report = load_report(report_file)
    assert of(report, 'refuted') == STRICT_REFUTED
    assert of(report, 'skipped') == ALWAYS_SKIPPED
    readings = dict((entry['assumption'], entry['reading']) for entry in report)
    assert readings['trunk-missing'] == '403/1003' and readings['acl-mask-api'] == '16-32'
    assert readings['settings-repost'] == 'duplicate' and readings['exophones'] == '404/1000'
    assert readings['trunk-name-empty'] == 'accept' and readings['numeric-types'] == 'strings'
    assert account_state(sim) == before
    assert len(sim.requests()) - seeded == api_calls_line(run) <= MAX_CALLS
    assert_no_secret(run.stdout, run.stderr, report_file.read_text())


def run_in(directory, playbook, sim, extra_vars=None, args=()):
    """ansible-playbook run from ``directory``, as a user's shell would (PWD set), so the default report
    path lands there."""
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook]
    command += ['-e', json.dumps(extra_vars or {})] + list(args)
    proc = subprocess.run(command, cwd=str(directory), env=ansible_environment(sim.url, PWD=str(directory)),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    return proc


def test_fqcn_read_only_writes_nothing_and_reports_in_the_working_directory(sim_factory, tmp_path):
    sim = sim_factory('default')
    seed_user_trunk(sim)
    seeded = len(sim.requests())
    run_in(tmp_path, 'exotel.sip_trunking.live_check', sim, {'live_check_read_only': True, 'live_check_number': USER_NUMBER})
    made = sim.requests()[seeded:]
    assert made and not [entry for entry in made if entry['write']]
    report = load_report(tmp_path / 'exotel-live-check.json')
    assert of(report, 'confirmed') == READ_CHECKS - ALWAYS_SKIPPED - {'empty-list', 'id-strings'}
    assert of(report, 'skipped') == FACTS - of(report, 'confirmed')
    assert len(made) <= 8


def test_check_mode_writes_nothing(sim_factory, tmp_path):
    sim = sim_factory('default')
    run_in(tmp_path, os.path.join(REPO, PLAYBOOK), sim, {'live_check_number': NUMBER}, args=['--check'])
    assert sim.requests() and not [entry for entry in sim.requests() if entry['write']]
    assert of(load_report(tmp_path / 'exotel-live-check.json'), 'refuted') == set()


# ------------------------------------------------------------------ the checks, in process

def live_check(sim, **options):
    recorder = RecordingSession()

    def client(token):
        return ExotelClient(ACCOUNT_SID, API_KEY, token, sim.url, session=recorder, trunk_cache='off', max_retries=0)
    main = client(API_TOKEN)
    recorder.redact = main.redact
    return live.LiveCheck(main, recorder, 'abc123', make_client=client, **options)


def test_a_check_that_blows_up_still_cleans_up(sim_factory):
    sim = sim_factory('default')

    def boom(_ctx):
        raise RuntimeError('a bug in a check')
    checks = live.CHECKS[:24] + (live.Check('boom', (), 'fails', 'never', boom),)
    check = live_check(sim, number=NUMBER)
    with pytest.raises(RuntimeError):
        check.run(checks)
    assert check.left_behind == [] and account_state(sim)['trunks'] == []


def test_what_cannot_be_deleted_is_reported(sim_factory):
    sim = sim_factory('default')
    sim.add_fault({'method': 'DELETE', 'path': '/trunks', 'action': 'status', 'status': 400, 'times': 0})
    check = live_check(sim)
    check.run()
    assert [line for line in check.left_behind if line.startswith('trunk zz_check_abc123 ')], check.left_behind
    assert verdicts([finding.to_dict() for finding in check.findings])['trunk-delete'] == 'refuted'


def test_a_number_on_another_trunk_is_left_there(sim_factory):
    sim = sim_factory('default')
    users = seed_user_trunk(sim)
    seeded = len(sim.requests())
    check = live_check(sim, number=USER_NUMBER)
    check.run()
    found = verdicts([finding.to_dict() for finding in check.findings])
    assert found['number-holder'] == 'confirmed'
    assert found['phone-mode'] == found['number-elsewhere'] == 'skipped'
    assert not [entry for entry in sim.requests()[seeded:] if entry['write'] and users in entry['path']]
    assert [row['trunk_sid'] for row in sim.dump_state()['phone_numbers']] == [users]


def test_a_number_whose_holder_is_unknown_is_not_mapped(sim_factory):
    sim = sim_factory('default')
    sim.add_fault({'method': 'GET', 'path': '/trunk-maps', 'action': 'status', 'status': 500, 'times': 0})
    check = live_check(sim, number=NUMBER)
    check.run()
    found = verdicts([finding.to_dict() for finding in check.findings])
    assert found['number-holder'] == 'refuted' and found['phone-mode'] == 'skipped'
    assert not [entry for entry in sim.requests() if entry['method'] == 'POST'
                and entry['path'].endswith('/phone-numbers') and entry['api_code'] == 200]


def test_without_a_number_the_number_checks_skip_and_read_only_writes_nothing(sim_factory):
    sim = sim_factory('strict')
    check = live_check(sim)
    check.run()
    found = [finding.to_dict() for finding in check.findings]
    assert NUMBER_CHECKS <= of(found, 'skipped') and account_state(sim)['trunks'] == []
    seen = len(sim.requests())
    live_check(sim, read_only=True).run()
    assert not [entry for entry in sim.requests()[seen:] if entry['write']]


# ------------------------------------------------------------------ the doc, the code and the checks agree

def test_every_fact_is_documented_tagged_and_checked():
    with open(os.path.join(REPO, 'docs', 'api-assumptions.md'), encoding='utf-8') as stream:
        documented = set(re.findall(r'^\| `([a-z0-9-]+)` \|', stream.read(), re.M))
    assert documented == FACTS
    code = ''
    for directory, _dirs, names in os.walk(os.path.join(REPO, 'plugins')):
        for name in names:
            if name.endswith('.py') and name not in ('_live_check.py',):
                with open(os.path.join(directory, name), encoding='utf-8') as stream:
                    code += stream.read()
    assert sorted(fact for fact in FACTS if '[%s]' % fact not in code) == []

"""Secrets never leak: not the API token, not any SIP digest password.

One playbook exercises success and failure paths of credential handling:
create / update / list-form credentials, the role with digest credentials, and
failures whose request *body* carries a password (POST answered 500 until the
retries run out, a lost answer, a 400, a PUT answered 500), a 401 from a wrong
token given as a module argument, and a password refused by validation.

It runs twice against fresh simulators:

* ``ansible-playbook -vvvv`` with ``ANSIBLE_DEBUG=1`` and ``ANSIBLE_LOG_PATH``:
  stdout, stderr and the log file are searched;
* through ``ansible_runner`` (what AWX / AAP use) at verbosity 4: every job
  event and every file of the artifacts directory are searched.

Each run also checks that the failure paths were really taken (the simulator
saw the faulted requests), so the search is never vacuous.
"""

import base64
import json
import os
import re

import ansible_runner

from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, BIN, ExotelSimulator, ansible_environment, \
    run_playbook, runner_job_files
from _faultkit import Api

CRED = 'exotel.sip_trunking.exotel_trunk_credential'

# Distinctive values, valid for the API ([A-Za-z0-9_]) unless said otherwise.
PASSWORDS = {
    'create': 'SipPwCreate_4417',
    'update': 'SipPwUpdate_8802',
    'list': 'SipPwList_3391',
    'fail500': 'SipPwFail500_1205',
    'lost': 'SipPwLost_7650',
    'fail400': 'SipPwFail400_9931',
    'put500': 'SipPwPut500_2718',
    'invalid': 'SipPw-Invalid!_5501',    # refused by validation
    'role': 'SipPwRole_6064',
    'rolefail': 'SipPwRoleFail_3142',
    'echo': 'SipPwEcho_5150',          # reflected back by a hostile error answer
}
WRONG_TOKEN = 'wrongtok3n_zq81x'


def secret_forms():
    """Every secret in the forms it could leak in (plain and the Basic auth header)."""
    forms = {'api_token': API_TOKEN, 'wrong_token': WRONG_TOKEN,
             'basic_auth': base64.b64encode(('%s:%s' % (API_KEY, API_TOKEN)).encode()).decode(),
             'basic_auth_wrong': base64.b64encode(('%s:%s' % (API_KEY, WRONG_TOKEN)).encode()).decode()}
    forms.update(('password_%s' % name, value) for name, value in PASSWORDS.items())
    return forms


def error_body(method, status, code, message, description):
    return {'request_id': 'r-%s' % code, 'method': method, 'http_code': status, 'response': {
        'code': status, 'status': 'failure', 'error_data': {'code': code, 'message': message, 'description': description}}}


def seed(sim):
    """Trunks with known sids, so that each failure scenario gets its own fault rule."""
    api = Api(sim)
    names = ('fail500', 'lost', 'fail400', 'put500', 'rolefail', 'echo', 'echotoken')
    sids = dict((name, api.create_trunk('sec_%s' % name)) for name in names)
    api.call('POST', '/trunks/%s/credentials' % sids['put500'], {'user_name': 'putbot', 'password': 'Seeded_1'})
    sim.add_fault([
        {'method': 'POST', 'path': '/trunks/%s/credentials' % sids['fail500'], 'action': 'status', 'status': 500, 'times': 0},
        {'method': 'POST', 'path': '/trunks/%s/credentials' % sids['lost'], 'action': 'lose_response'},
        {'method': 'POST', 'path': '/trunks/%s/credentials' % sids['fail400'], 'action': 'status', 'status': 400, 'times': 0},
        {'method': 'PUT', 'path': '/trunks/%s/credentials/*' % sids['put500'], 'action': 'status', 'status': 500, 'times': 0},
        {'method': 'POST', 'path': '/trunks/%s/credentials' % sids['rolefail'], 'action': 'status', 'status': 500, 'times': 0},
        # error answers that reflect the request's secrets back in their description
        {'method': 'POST', 'path': '/trunks/%s/credentials' % sids['echo'], 'action': 'status', 'status': 400, 'times': 0,
         'body': error_body('POST', 400, 1002, 'Invalid parameter', 'password %s is weak' % PASSWORDS['echo'])},
        {'method': 'GET', 'path': '/trunks/%s/credentials' % sids['echotoken'], 'action': 'status', 'status': 401, 'times': 0,
         'body': error_body('GET', 401, 1010, 'Authorization failed', 'token %s revoked' % API_TOKEN)},
    ])
    return sids


def playbook(sids):
    def cred(name, args, failing=False):
        task = {'name': name, CRED: args, 'register': name.replace(' ', '_')}
        if failing:
            task['ignore_errors'] = True
        return task

    tasks = [
        {'name': 'create trunk', 'exotel.sip_trunking.exotel_trunk': {'name': 'sec_ok'}},
        cred('create credential', {'trunk_name': 'sec_ok', 'user_name': 'bot', 'password': PASSWORDS['create'],
                                   'friendly_name': 'Bot_1'}),
        cred('update password', {'trunk_name': 'sec_ok', 'user_name': 'bot', 'password': PASSWORDS['update'],
                                 'update_password': 'always'}),
        cred('list form', {'trunk_name': 'sec_ok', 'credentials': [
            {'user_name': 'bot', 'password': PASSWORDS['update']},
            {'user_name': 'bot2', 'password': PASSWORDS['list'], 'friendly_name': 'Bot_2'}]}),
        {'name': 'read credentials', 'exotel.sip_trunking.exotel_trunk_info': {'trunk_name': 'sec_ok', 'gather': ['credentials']},
         'register': 'info'},
        cred('create answered 500', {'trunk_sid': sids['fail500'], 'user_name': 'bot', 'password': PASSWORDS['fail500'],
                                     'max_retries': 1}, failing=True),
        cred('create answer lost', {'trunk_sid': sids['lost'], 'user_name': 'bot', 'password': PASSWORDS['lost']}),
        cred('create answered 400', {'trunk_sid': sids['fail400'], 'user_name': 'bot', 'password': PASSWORDS['fail400']},
             failing=True),
        cred('update answered 500', {'trunk_sid': sids['put500'], 'user_name': 'putbot', 'password': PASSWORDS['put500'],
                                     'update_password': 'always', 'max_retries': 1}, failing=True),
        cred('create answer echoes password', {'trunk_sid': sids['echo'], 'user_name': 'bot', 'password': PASSWORDS['echo']},
             failing=True),
        cred('read answer echoes token', {'trunk_sid': sids['echotoken'], 'user_name': 'bot', 'password': PASSWORDS['create']},
             failing=True),
        cred('invalid password', {'trunk_name': 'sec_ok', 'user_name': 'bot3', 'password': PASSWORDS['invalid']}, failing=True),
        cred('wrong token', {'trunk_name': 'sec_ok', 'user_name': 'bot4', 'password': PASSWORDS['create'],
                             'api_token': WRONG_TOKEN}, failing=True),
    ]
    tasks += [
        {'name': 'role with credentials', 'ansible.builtin.include_role': {'name': 'exotel.sip_trunking.sip_trunk'},
         'vars': {'sip_trunk_name': 'sec_role', 'sip_trunk_use_case': 'streamkit',
                  'sip_trunk_numbers': ['+919876522201'],
                  'sip_trunk_credentials': [{'user_name': 'rolebot', 'password': PASSWORDS['role']}]}},
        {'name': 'role failing on credentials', 'block': [
            {'name': 'role whose credential POST fails', 'ansible.builtin.include_role': {'name': 'exotel.sip_trunking.sip_trunk'},
             'vars': {'sip_trunk_name': 'sec_rolefail', 'sip_trunk_use_case': 'streamkit',
                      'sip_trunk_numbers': ['+919876522202'],
                      'sip_trunk_credentials': [{'user_name': 'rolebot', 'password': PASSWORDS['rolefail']}]}}],
         'rescue': [{'name': 'role failed as expected', 'ansible.builtin.set_fact': {'role_failed': True}}]},
    ]
    tasks.append({'name': 'outcomes', 'ansible.builtin.assert': {'that': [
        'create_credential is changed', 'update_password is changed', 'list_form is changed',
        'info.trunk.credentials | length == 2',
        'create_answered_500 is failed', 'create_answer_lost is changed', 'create_answered_400 is failed',
        'update_answered_500 is failed', 'invalid_password is failed', 'wrong_token is failed',
        'create_answer_echoes_password is failed', "'is weak' in create_answer_echoes_password.msg",
        'read_answer_echoes_token is failed', "'revoked' in read_answer_echoes_token.msg",
        "'api_key' in wrong_token.msg",
        'role_failed | default(false)',
    ]}})
    return [{'name': 'Secrets', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]


def assert_paths_taken(sim, sids):
    """The faulted requests were really sent, with the password in their body."""
    log = sim.requests()

    def count(method, sid, status=None, fault=None):
        prefix = '/v2/accounts/%s/trunks/%s/credentials' % (ACCOUNT_SID, sid)
        return sum(1 for e in log if e['method'] == method and e['path'].startswith(prefix)
                   and (status is None or e['status'] == status) and (fault is None or e['fault'] == fault))
    assert count('POST', sids['fail500'], status=500) == 2, log
    assert count('POST', sids['lost'], fault='lose_response') == 1
    assert count('POST', sids['fail400'], status=400) == 1
    assert count('PUT', sids['put500'], status=500) == 2
    assert any(e['status'] == 401 for e in log)
    assert count('POST', sids['echo'], status=400) == 1
    assert count('GET', sids['echotoken'], status=401) == 1
    assert count('POST', sids['rolefail'], status=500) >= 1
    state = sim.dump_state()
    users = sorted((c['trunk_sid'], c['user_name']) for c in state['credentials'])
    assert users.count((sids['lost'], 'bot')) == 1
    # the passwords really travelled (so searching for them is meaningful)
    sid_of = dict((t['trunk_name'], t['trunk_sid']) for t in state['trunks'])
    stored = dict(((c['trunk_sid'], c['user_name']), c['id']) for c in state['credentials'])
    expected = [(sid_of['sec_ok'], 'bot', 'update'), (sid_of['sec_ok'], 'bot2', 'list'), (sids['lost'], 'bot', 'lost'),
                (sid_of['sec_role'], 'rolebot', 'role')]
    for sid, user, password in expected:
        assert sim.check_password(stored[(sid, user)], PASSWORDS[password]), (user, password)


def find_leaks(texts):
    """[(secret name, where)] for every secret form found in any of ``texts`` ({where: text})."""
    leaks = []
    for where, text in texts.items():
        for name, value in secret_forms().items():
            if value in text:
                leaks.append((name, where))
    return leaks


def run_cli(tmp_path, debug):
    sim = ExotelSimulator(port=0, rate_limit=0).start()
    try:
        sids = seed(sim)
        book = tmp_path / 'secrets.yml'
        book.write_text(json.dumps(playbook(sids), indent=1))
        log_file = tmp_path / 'ansible.log'
        env = {'ANSIBLE_LOG_PATH': str(log_file), 'EXOTEL_MAX_RETRIES': '1'}
        if debug:
            env['ANSIBLE_DEBUG'] = '1'
        run = run_playbook(str(book), sim.url, args=['-vvvv'], env=env)
        assert run.rc == 0, run
        assert_paths_taken(sim, sids)
    finally:
        sim.stop()
    log_text = log_file.read_text(encoding='utf-8', errors='replace')
    assert len(log_text) > 10000 and len(run.stdout) > 10000, 'verbose output missing'
    return run, log_text


def test_cli_vvvv_and_log_file(tmp_path):
    run, log_text = run_cli(tmp_path, debug=False)
    leaks = find_leaks({'stdout': run.stdout, 'stderr': run.stderr, 'log file': log_text})
    assert leaks == [], leaks


# ansible-core itself prints every module's raw arguments in one ANSIBLE_DEBUG line
# (plugins/action/__init__.py: "done with _execute_module (<module>, <args>)"), no_log or not;
# its configuration docs say so: "Debug output can also include secret information despite
# no_log settings being enabled, which means debug mode should not be used in production".
# No module can change what the controller prints before the module runs.
CORE_DEBUG_ARGS_LINE = re.compile(r'^\s*\d+ [\d.]+: done with _execute_module \(exotel\.sip_trunking\.[a-z_]+, \{')


def test_cli_ansible_debug_and_log_file(tmp_path):
    run, log_text = run_cli(tmp_path, debug=True)
    # the log file (ANSIBLE_LOG_PATH) and stderr: nothing at all
    assert find_leaks({'stderr': run.stderr, 'log file': log_text}) == []
    # the token supplied the recommended way (EXOTEL_API_TOKEN) never appears, even in debug lines
    token_forms = ('api_token', 'basic_auth', 'basic_auth_wrong')
    assert [leak for leak in find_leaks({'stdout': run.stdout}) if leak[0] in token_forms] == []
    # anything else found is a task argument echoed by ansible-core's own debug line, nowhere else
    other_lines = [line for line in run.stdout.splitlines() if not CORE_DEBUG_ARGS_LINE.match(line)]
    leaks = find_leaks({'stdout (outside ansible-core\'s module-arguments debug line)': '\n'.join(other_lines)})
    assert leaks == [], leaks


def test_ansible_runner_events_and_artifacts(tmp_path):
    sim = ExotelSimulator(port=0, rate_limit=0).start()
    events = []
    try:
        sids = seed(sim)
        private = tmp_path / 'runner'
        (private / 'project').mkdir(parents=True)
        (private / 'project' / 'secrets.yml').write_text(json.dumps(playbook(sids), indent=1))
        env = ansible_environment(sim.url, EXOTEL_MAX_RETRIES='1')
        env['PATH'] = BIN + os.pathsep + env['PATH']
        runner = ansible_runner.run(
            private_data_dir=str(private), playbook='secrets.yml', inventory='localhost ansible_connection=local',
            envvars=dict((k, v) for k, v in env.items() if k.startswith(('ANSIBLE_', 'EXOTEL_')) or k == 'PATH'),
            verbosity=4, quiet=True, suppress_env_files=True, event_handler=lambda event: events.append(event) or True)
        assert runner.rc == 0, runner.stdout.read() if runner.stdout else runner.status
        assert_paths_taken(sim, sids)
    finally:
        sim.stop()
    artifacts = private / 'artifacts'
    texts = {'events (%d)' % len(events): json.dumps(events)}
    files, environments = runner_job_files(artifacts)
    for path, given in environments:
        # ansible-runner records the environment it was *given* (our EXOTEL_API_TOKEN input)
        # next to the command line; that input is checked to be the only place it is.
        assert [k for k, v in given.items() if API_TOKEN in v] == ['EXOTEL_API_TOKEN'], path
        assert find_leaks(dict(('command env %s' % k, v) for k, v in given.items() if k != 'EXOTEL_API_TOKEN')) == []
    assert environments
    texts.update(files)
    files = len(files)
    assert files >= 5 and len(events) > 20, (files, len(events))
    assert any(e.get('event') == 'runner_on_failed' for e in events), 'the failure paths produced no failed events'
    leaks = find_leaks(texts)
    assert leaks == [], leaks

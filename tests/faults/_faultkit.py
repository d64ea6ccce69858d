"""Helpers shared by the fault, hostile-input and secrets tests.

Every test drives real module tasks through ``ansible-playbook`` against an
in-process simulator.  Playbooks are generated per test (YAML is a superset of
JSON, so they are written with ``json.dumps``); each task's registered result
is written to a JSON file by a last ``copy`` task so that Python can assert on
it, and the simulator's request log and state are then checked directly.
"""

import json
import os

import requests

from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, run_playbook

TRACEBACK_MARKERS = ('Traceback (most recent call last)', 'module_stderr', 'MODULE FAILURE')
ACCOUNT_PREFIX = '/v2/accounts/%s' % ACCOUNT_SID


class Api:
    """Seed and inspect the simulator over its real API (these calls show up in its log)."""

    def __init__(self, sim):
        self.base = sim.url + ACCOUNT_PREFIX
        self.auth = (API_KEY, API_TOKEN)

    def call(self, method, path, body=None, params=None):
        response = requests.request(method, self.base + path, json=body, params=params, auth=self.auth, timeout=10)
        envelope = response.json()
        assert response.status_code in (200, 207), (method, path, response.status_code, envelope)
        return envelope['response']

    def create_trunk(self, name):
        data = self.call('POST', '/trunks', {'trunk_name': name, 'nso_code': 'ANY-ANY',
                                             'domain_name': '%s.pstn.exotel.com' % ACCOUNT_SID})
        assert int(data.get('code', 200)) == 200, data  # the strict profile sends codes as strings
        return data['data']['trunk_sid']

    def add_number(self, sid, number, mode=None):
        body = {'phone_number': number}
        if mode:
            body['mode'] = mode
        return self.call('POST', '/trunks/%s/phone-numbers' % sid, body)['data']

    def add_ip(self, sid, ip, mask=32):
        return self.call('POST', '/trunks/%s/whitelisted-ips' % sid, {'ip': ip, 'mask': mask})['data']

    def add_destinations(self, sid, destinations):
        return self.call('POST', '/trunks/%s/destination-uris' % sid, {'destinations': [{'destination': d} for d in destinations]})

    def delete_trunk(self, sid):
        return self.call('DELETE', '/trunks', params={'trunk_sid': sid})


def write_playbook(path, tasks, hosts='localhost', results_file=None, ignore_errors=True, extra_play=None):
    """Write a one-play playbook; each task registers ``r<index>`` and the results are dumped to JSON."""
    play_tasks = []
    names = []
    for index, task in enumerate(tasks):
        task = dict(task)
        task.setdefault('name', 'case %d' % index)
        task['register'] = 'r%d' % index
        if ignore_errors:
            task.setdefault('ignore_errors', True)
        names.append('r%d' % index)
        play_tasks.append(task)
    if results_file:
        content = '{{ {%s} | to_json }}' % ', '.join("'%s': %s | default(None)" % (n, n) for n in names)
        play_tasks.append({'name': 'Dump results', 'ansible.builtin.copy': {'content': content, 'dest': results_file},
                           'delegate_to': 'localhost', 'run_once': True} if hosts != 'localhost' else
                          {'name': 'Dump results', 'ansible.builtin.copy': {'content': content, 'dest': results_file}})
    play = {'name': 'Fault test', 'hosts': hosts, 'gather_facts': False, 'tasks': play_tasks}
    play.update(extra_play or {})
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump([play], stream, indent=1)
    return path


def run_tasks(sim, tmp_path, tasks, env=None, args=(), ignore_errors=True, check=False):
    """Run ``tasks`` in one play against ``sim``; return (PlaybookRun, [result per task], new log entries)."""
    book = str(tmp_path / ('play_%d.yml' % len(os.listdir(str(tmp_path)))))
    results_file = book + '.results.json'
    write_playbook(book, tasks, results_file=results_file, ignore_errors=ignore_errors)
    before = len(sim.requests())
    run = run_playbook(book, sim.url, env=env, args=args, check=check)
    results = []
    if os.path.exists(results_file):
        with open(results_file, encoding='utf-8') as stream:
            dumped = json.load(stream)
        results = [dumped['r%d' % index] for index in range(len(tasks))]
    return run, results, sim.requests()[before:]


def api_entries(log, method=None, suffix=None):
    """Log entries of API calls (optionally one method, and a path ending in ``suffix``)."""
    return [entry for entry in log
            if (method is None or entry['method'] == method) and (suffix is None or entry['path'].endswith(suffix))]


def assert_no_traceback(run, *results):
    text = run.stdout + run.stderr + json.dumps(results)
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, 'found %r in the output:\n%r' % (marker, run)
    for result in results:
        print('task message: %s' % result.get('msg'))   # shown by pytest -s, or on failure
        assert 'module_stderr' not in result and 'module_stdout' not in result, result
        assert not str(result.get('exception', '')).startswith('Traceback'), result

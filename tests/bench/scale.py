# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Account-scale benchmark: one rate budget per account, trunk lookups once per play, a lighter role.

Every scenario runs ansible-playbook against the Exotel API simulator (in this process, on
127.0.0.1) twice, side by side: as the collection runs now, and with today's-behaviour flags
(EXOTEL_PACER=process: each task paces only itself; EXOTEL_TRUNK_CACHE=off: each lookup by name
lists every trunk). Scenario 4 compares the role with the collection as it was before (a git
commit, unpacked into a temporary collections path). Prints markdown tables.

    .venv/bin/python tests/bench/scale.py                      # all four scenarios
    .venv/bin/python tests/bench/scale.py --only 1 4           # some of them
    .venv/bin/python tests/bench/scale.py --trunks 100         # scenario 2 with fewer trunks

1. 8 forks x (trunk + 40 numbers), simulator and modules at 200/min: answers of 429, wall time
   against the sliding-window bound, failed tasks.
2. N trunks (10 numbers, 2 IPs, 1 destination, caller ID each), no-op converge through the role,
   one host per trunk, forks 10, simulator and modules at a scaled limit (2,000/min): API calls in
   all and per trunk, trunk-list pages, wall time against calls/limit; the same calls at the real
   200/min take calls/200 minutes.
3. Two controllers (two ansible-playbook processes, separate state directories) on one account:
   failed tasks, and answers of 429 (only Retry-After coordinates two controllers).
4. Role no-op converge of a 10-number trunk: wall time, CPU time and API calls, before and after.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'tests', 'simulator'))
sys.path.insert(0, os.path.join(REPO, 'tests'))
from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, BIN, RECAP_RE, ansible_environment  # noqa: E402
from exotel_simulator import ExotelSimulator  # noqa: E402  pylint: disable=wrong-import-position

PAGE = 50
TODAY = {'EXOTEL_PACER': 'process', 'EXOTEL_TRUNK_CACHE': 'off'}
NOW = {'EXOTEL_PACER': 'shared', 'EXOTEL_TRUNK_CACHE': 'shared'}
BEFORE_COMMIT = '8726248'
ROLE_PLAY = [{'name': 'Converge', 'hosts': 'all', 'gather_facts': False, 'connection': 'local',
              'roles': [{'role': 'exotel.sip_trunking.sip_trunk'}]}]


def write_json(path, data):
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump(data, stream, indent=1)
    return path


def run(playbook, sim, workdir, inventory, forks=10, env=None, collections=None):
    """One ansible-playbook run; returns figures from the simulator's log and the recap."""
    os.makedirs(workdir, exist_ok=True)
    before = sim.stats()
    extra = dict(env or {}, EXOTEL_STATE_DIR=os.path.join(workdir, 'state'))
    if collections:
        extra['ANSIBLE_COLLECTIONS_PATH'] = collections
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', inventory, '--forks', str(forks), playbook]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    proc = subprocess.run(command, env=ansible_environment(sim.url, **extra), capture_output=True, text=True,
                          check=False, cwd=workdir)
    seconds = time.time() - started
    after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = sim.stats()
    failed = sum(int(match.group('failed')) + int(match.group('unreachable')) for match in RECAP_RE.finditer(proc.stdout))
    changed = sum(int(match.group('changed')) for match in RECAP_RE.finditer(proc.stdout))
    return {
        'rc': proc.returncode, 'seconds': seconds, 'failed': failed, 'changed': changed,
        'cpu': (after_usage.ru_utime + after_usage.ru_stime) - (usage.ru_utime + usage.ru_stime),
        'requests': after['total'] - before['total'], 'writes': after['writes'] - before['writes'],
        'rate_limited': after['rate_limited'] - before['rate_limited'],
        'trunk_pages': trunk_list_reads(sim, before['total']), 'span': api_span(sim, before['total']),
        'tail': proc.stdout[-3000:] + proc.stderr[-2000:],
    }


def api_span(sim, since):
    """Seconds from the first to the last API request of a run (without Ansible's start and end)."""
    times = [entry['time'] for entry in sim.requests()[since:]]
    return max(times) - min(times) if times else 0.0


def trunk_list_reads(sim, since):
    return sum(1 for entry in sim.requests()[since:]
               if entry['method'] == 'GET' and entry['path'].endswith('/trunks') and 'trunk_sid' not in entry['query'])


def window_bound(requests_sent, limit, window=60.0):
    """The least time R requests take under 'limit per sliding window': the (limit+1)-th request waits
    a whole window for the first to leave it, and so on."""
    return (max(requests_sent - 1, 0) // limit) * window


class Api:
    """Seeds the simulator through its real API (fast: no Ansible)."""

    def __init__(self, sim):
        self.base = '%s/v2/accounts/%s' % (sim.url, ACCOUNT_SID)
        self.session = requests.Session()
        self.session.auth = (API_KEY, API_TOKEN)

    def post(self, path, body):
        answer = self.session.post(self.base + path, json=body, timeout=10).json()['response']
        return answer if isinstance(answer, list) else answer['data']


def trunk_vars(index):
    """The inputs of trunk ``index`` in scenario 2 (public-looking, distinct per trunk)."""
    numbers = ['+9180%04d%04d' % (index, n) for n in range(10)]
    ips = ['44.%d.%d.%d' % (100 + index // 250, index % 250, last) for last in (11, 12)]
    return {'sip_trunk_name': 'site_%04d' % index, 'sip_trunk_use_case': 'bidirectional',
            'sip_trunk_numbers': numbers, 'sip_trunk_whitelisted_ips': ips,
            'sip_trunk_destinations': ['%s:5061;transport=tls' % ips[0]], 'sip_trunk_caller_id': numbers[0]}


def seed(sim, count):
    api = Api(sim)
    for index in range(count):
        variables = trunk_vars(index)
        sid = api.post('/trunks', {'trunk_name': variables['sip_trunk_name'], 'nso_code': 'ANY-ANY',
                                   'domain_name': '%s.pstn.exotel.com' % ACCOUNT_SID})['trunk_sid']
        for number in variables['sip_trunk_numbers']:
            api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': number, 'mode': 'pstn'})
        for ip in variables['sip_trunk_whitelisted_ips']:
            api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': ip, 'mask': 32})
        api.post('/trunks/%s/destination-uris' % sid, {'destinations': [
            {'destination': d} for d in variables['sip_trunk_destinations']]})
        api.post('/trunks/%s/settings' % sid, {'settings': [
            {'name': 'trunk_external_alias', 'value': variables['sip_trunk_caller_id']}]})


# ------------------------------------------------------------------------------------------- scenarios

def scenario_forks(workdir, hosts=8, numbers=40, limit=200):
    """1. 8 forks each create a trunk and map 40 numbers, everything at the real 200/min."""
    inventory = write_json(os.path.join(workdir, 'forks.json'), {'all': {'hosts': dict(
        ('h%d' % i, {'sip_trunk_name': 'fork_%d' % i, 'sip_trunk_use_case': 'outbound',
                     'sip_trunk_numbers': ['+9190%02d%05d' % (i, n) for n in range(numbers)],
                     'sip_trunk_whitelisted_ips': ['44.200.%d.11' % i]}) for i in range(hosts))}})
    book = write_json(os.path.join(workdir, 'role.yml'), ROLE_PLAY)
    rows = []
    for label, flags in (('now', NOW), ('today', TODAY)):
        sim = ExotelSimulator(port=0, rate_limit=limit).start()
        try:
            result = run(book, sim, os.path.join(workdir, label), inventory, forks=hosts,
                         env=dict(flags, EXOTEL_RATE_LIMIT=str(limit), EXOTEL_MAX_RETRIES='20'))
        finally:
            sim.stop()
        bound = window_bound(result['requests'], limit)
        rows.append([label, result['requests'], result['rate_limited'], '%.1f' % result['seconds'],
                     '%.1f' % result['span'], '%.0f' % bound, '%.2fx' % (result['seconds'] / bound if bound else 0),
                     '%.2fx' % (result['span'] / bound if bound else 0), result['failed']])
    return ('1. %d forks x (trunk + %d numbers), simulator and modules at %d/min' % (hosts, numbers, limit),
            ['run', 'API calls', 'answers of 429', 'wall s', 'first to last request s', 'window bound s',
             'wall / bound', 'requests span / bound', 'failed tasks'], rows)


def scenario_fleet(workdir, trunks=500, forks=10, limit=2000):
    """2. A no-op converge of N trunks through the role, one host per trunk."""
    inventory = write_json(os.path.join(workdir, 'fleet.json'), {'all': {'hosts': dict(
        ('site%04d' % i, trunk_vars(i)) for i in range(trunks))}})
    book = write_json(os.path.join(workdir, 'role.yml'), ROLE_PLAY)
    rows = []
    for label, flags in (('now', NOW), ('today', TODAY)):
        sim = ExotelSimulator(port=0, rate_limit=0).start()
        try:
            seed(sim, trunks)
            sim.configure(rate_limit=limit)
            result = run(book, sim, os.path.join(workdir, label), inventory, forks=forks,
                         env=dict(flags, EXOTEL_RATE_LIMIT=str(limit), EXOTEL_MAX_RETRIES='20'))
        finally:
            sim.stop()
        calls = result['requests']
        rows.append([label, calls, result['trunk_pages'], '%.2f' % ((calls - result['trunk_pages']) / float(trunks)),
                     result['writes'], result['changed'], result['failed'], result['rate_limited'],
                     '%.0f' % result['seconds'], '%.0f' % (calls * 60.0 / limit), '%.1f' % (calls / 200.0)])
    return ('2. No-op converge of %d trunks (10 numbers, 2 IPs, 1 destination, caller ID each) through the role, '
            'forks %d, simulator and modules at %d/min' % (trunks, forks, limit),
            ['run', 'API calls', 'trunk-list pages', 'other calls per trunk', 'writes', 'changed', 'failed tasks',
             'answers of 429', 'wall s', 'calls/limit s', 'minutes at 200/min'], rows)


def scenario_two_controllers(workdir, trunks_each=3, numbers=40, limit=200):
    """3. Two controllers on one account: each has its own state directory, so its own budget."""
    sim = ExotelSimulator(port=0, rate_limit=limit).start()
    book = write_json(os.path.join(workdir, 'role.yml'), ROLE_PLAY)
    results = {}
    try:
        def controller(name):
            inventory = write_json(os.path.join(workdir, '%s.json' % name), {'all': {'hosts': dict(
                ('%s%d' % (name, i), {'sip_trunk_name': '%s_%d' % (name, i), 'sip_trunk_use_case': 'outbound',
                                      'sip_trunk_numbers': ['+91%s%07d' % ('70' if name == 'a' else '71', i * 100 + n)
                                                            for n in range(numbers)],
                                      'sip_trunk_whitelisted_ips': ['44.%d.1.%d' % (201 if name == 'a' else 202, i + 1)]})
                for i in range(trunks_each))}})
            results[name] = run(book, sim, os.path.join(workdir, name), inventory, forks=trunks_each,
                                env=dict(NOW, EXOTEL_RATE_LIMIT=str(limit), EXOTEL_MAX_RETRIES='20'))
        threads = [threading.Thread(target=controller, args=(name,)) for name in ('a', 'b')]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = sim.stats()
    finally:
        sim.stop()
    # One simulator serves both controllers, so requests and 429s are counted for the two together.
    rows = [[name, result['failed'], '%.1f' % result['seconds'], '', ''] for name, result in sorted(results.items())]
    rows.append(['both', sum(r['failed'] for r in results.values()), '%.1f' % max(r['seconds'] for r in results.values()),
                 stats['total'], stats['rate_limited']])
    return ('3. Two controllers (separate state directories) on one account, %d trunks x %d numbers each, at %d/min'
            % (trunks_each, numbers, limit), ['controller', 'failed tasks', 'wall s', 'API calls', 'answers of 429'], rows)


def unpack_before(workdir):
    target = os.path.join(workdir, 'before', 'ansible_collections', 'exotel', 'sip_trunking')
    os.makedirs(target)
    archive = subprocess.run(['git', 'archive', BEFORE_COMMIT], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(['tar', '-x', '-C', target], input=archive, check=True)
    return os.path.join(workdir, 'before')


def scenario_small_trunk(workdir, repeats=5):
    """4. The role's no-op converge of a 10-number trunk, before and after."""
    inventory = write_json(os.path.join(workdir, 'small.json'), {'all': {'hosts': {'pbx': {
        'sip_trunk_name': 'small_trunk', 'sip_trunk_use_case': 'outbound',
        'sip_trunk_numbers': ['+9180400000%02d' % n for n in range(10)],
        'sip_trunk_whitelisted_ips': ['44.248.146.11'], 'sip_trunk_caller_id': '+918040000000'}}}})
    book = write_json(os.path.join(workdir, 'role.yml'), ROLE_PLAY)
    rows = []
    for label, collections in (('before (%s)' % BEFORE_COMMIT, unpack_before(workdir)), ('after', None)):
        sim = ExotelSimulator(port=0, rate_limit=0).start()
        try:
            run(book, sim, os.path.join(workdir, 'small'), inventory, env={'EXOTEL_RATE_LIMIT': '0'},
                collections=collections)
            runs = [run(book, sim, os.path.join(workdir, 'small'), inventory, env={'EXOTEL_RATE_LIMIT': '0'},
                        collections=collections) for _repeat in range(repeats)]
        finally:
            sim.stop()
        assert all(r['rc'] == 0 and r['changed'] == 0 for r in runs), runs[0]['tail']
        rows.append([label, '%.2f' % statistics.median(r['seconds'] for r in runs),
                     '%.2f' % min(r['seconds'] for r in runs), '%.2f' % statistics.median(r['cpu'] for r in runs),
                     runs[0]['requests']])
    return ('4. Role no-op converge of a 10-number outbound trunk (1 IP, caller ID), %d runs each' % repeats,
            ['collection', 'median wall s', 'best wall s', 'median CPU s', 'API calls'], rows)


def table(title, header, rows):
    lines = ['### ' + title, '', '| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(str(cell) for cell in row) + ' |' for row in rows]
    return '\n'.join(lines) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--only', nargs='*', type=int, default=[1, 2, 3, 4], help='scenarios to run')
    parser.add_argument('--trunks', type=int, default=500, help='trunks of scenario 2')
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix='exotel-scale-')
    scenarios = {1: lambda: scenario_forks(os.path.join(workdir, 's1')),
                 2: lambda: scenario_fleet(os.path.join(workdir, 's2'), trunks=args.trunks),
                 3: lambda: scenario_two_controllers(os.path.join(workdir, 's3')),
                 4: lambda: scenario_small_trunk(os.path.join(workdir, 's4'))}
    print('Exotel SIP trunking scale benchmark, %s, %d cores, load %.1f' % (
        time.strftime('%Y-%m-%d %H:%M'), os.cpu_count(), os.getloadavg()[0]))
    for number in args.only:
        os.makedirs(os.path.join(workdir, 's%d' % number), exist_ok=True)
        started = time.time()
        print(table(*scenarios[number]()))
        print('(scenario %d took %.0f s)\n' % (number, time.time() - started))
        sys.stdout.flush()


if __name__ == '__main__':
    main()

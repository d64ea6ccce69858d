# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What playbooks/export.yml costs for T trunks: API requests and wall time, on the simulator.

Seeds an account of T small trunks over the simulator's API (a mix of the four use cases: 2 numbers
each, an IP, destinations on some, a digest user on some, a caller ID on some), runs the export once,
and prints a markdown table of the requests by endpoint, the writes (always 0) and the wall time.
With --apply it then applies the role over the exported files and reports that run too (it must be
changed=0 with no write). With --rate-limit L the simulator and the client both allow L requests a
minute, as the real API does (200), so the time shows what the limit costs.

    .venv/bin/python tests/bench/export_bench.py                          # T = 20, 200, unlimited rate
    .venv/bin/python tests/bench/export_bench.py --trunks 200 --rate-limit 200
    .venv/bin/python tests/bench/export_bench.py --trunks 20 --apply

Not part of `make test`: wall times are from one run on one machine.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
EXPORT = os.path.join(REPO, 'playbooks', 'export.yml')

sys.path.insert(0, os.path.join(REPO, 'tests', 'simulator'))
sys.path.insert(0, os.path.join(REPO, 'tests'))
from exotel_simulator import ExotelSimulator  # noqa: E402  pylint: disable=wrong-import-position
from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, RECAP_RE, ansible_environment  # noqa: E402  pylint: disable=wrong-import-position

RESOLVABLE = ['sip.example.com']
CHILD_RE = re.compile(r'^/v2/accounts/[^/]+/trunks(?:/[^/]+/(?P<child>[a-z-]+))?')


class Seeder:
    def __init__(self, sim):
        self.base = '%s/v2/accounts/%s' % (sim.url, ACCOUNT_SID)
        self.session = requests.Session()
        self.session.auth = (API_KEY, API_TOKEN)

    def post(self, path, body):
        answer = self.session.post(self.base + path, json=body, timeout=30)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        return answer.json()['response']


def seed(sim, trunks):
    """T trunks, cycling through outbound, inbound, StreamKit and bidirectional."""
    api = Seeder(sim)
    for index in range(trunks):
        kind = index % 4
        sid = api.post('/trunks', {'trunk_name': 'trunk_%04d' % index, 'nso_code': 'ANY-ANY',
                                   'domain_name': '%s.pstn.exotel.com' % ACCOUNT_SID})['data']['trunk_sid']
        ip = '44.%d.%d.10' % (100 + index // 250, index % 250)
        for offset in range(2):
            api.post('/trunks/%s/phone-numbers' % sid, {'phone_number': '+9180%08d' % (index * 2 + offset),
                                                        'mode': 'flow' if kind == 2 else 'pstn'})
        if kind != 2:
            api.post('/trunks/%s/whitelisted-ips' % sid, {'ip': ip, 'mask': 32})
        if kind in (1, 3):
            api.post('/trunks/%s/destination-uris' % sid, {'destinations': [
                {'destination': '%s:5061;transport=tls' % ip}, {'destination': 'sip.example.com:5061;transport=tls'}]})
        if kind == 2:
            api.post('/trunks/%s/credentials' % sid, {'user_name': 'bot%d' % index, 'password': 'Pw_%d' % index})
        if kind in (0, 3):
            api.post('/trunks/%s/settings' % sid, {'settings': [{'name': 'trunk_external_alias',
                                                                 'value': '+9180%08d' % (index * 2)}]})


def run(playbook, sim, env, extra_args=()):
    """(seconds, requests by endpoint, writes, recaps, stdout) of one ansible-playbook run."""
    first = len(sim.requests())
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', playbook] + list(extra_args),
                          cwd=REPO, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit('%s failed:\n%s\n%s' % (playbook, proc.stdout[-4000:], proc.stderr[-2000:]))
    log = sim.requests()[first:]
    by_endpoint = collections.Counter()
    for entry in log:
        match = CHILD_RE.match(entry['path'])
        by_endpoint['%s %s' % (entry['method'], (match.group('child') or 'trunks') if match else entry['path'])] += 1
    recaps = [match.groupdict() for match in RECAP_RE.finditer(proc.stdout)]
    return elapsed, by_endpoint, sum(1 for entry in log if entry['write']), recaps, proc.stdout


def measure(trunks, rate_limit, apply, workdir):
    sim = ExotelSimulator(port=0, rate_limit=0, resolvable_fqdns=RESOLVABLE).start()
    try:
        seed(sim, trunks)
        # Limited only now: an unlimited simulator keeps no window, so the seeding costs the export nothing.
        sim.configure(rate_limit=rate_limit)
        out = os.path.join(workdir, 'export-%d' % trunks)
        env = ansible_environment(sim.url, EXOTEL_RATE_LIMIT=str(rate_limit))
        export_args = ['-e', 'export_dir=%s' % out, '-e', 'export_force=true']
        first = len(sim.requests())
        seconds, endpoints, writes, _recaps, _stdout = run(EXPORT, sim, env, export_args)
        log = sim.requests()[first:]
        api_seconds = log[-1]['time'] - log[0]['time']
        files = sorted(name for name in os.listdir(out) if name != 'exotel-apply.yml')
        result = {'trunks': trunks, 'rate_limit': rate_limit, 'seconds': seconds, 'requests': sum(endpoints.values()),
                  'endpoints': endpoints, 'writes': writes, 'files': len(files), 'api_seconds': api_seconds}
        if apply:
            passwords = dict(('vault_trunk_%04d_bot%d_password' % (i, i), 'x') for i in range(trunks) if i % 4 == 2)
            apply_args = ['-e', json.dumps(passwords), '--forks', '5']
            seconds, endpoints, writes, recaps, _stdout = run(os.path.join(out, 'exotel-apply.yml'), sim, env, apply_args)
            result['apply'] = {'seconds': seconds, 'requests': sum(endpoints.values()), 'writes': writes,
                               'changed': sum(int(recap['changed']) for recap in recaps),
                               'failed': sum(int(recap['failed']) for recap in recaps), 'hosts': len(recaps)}
        return result
    finally:
        sim.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--trunks', default='20,200', help='comma-separated T values (default 20,200)')
    parser.add_argument('--rate-limit', type=int, default=0, help='requests a minute, simulator and client (0 = none)')
    parser.add_argument('--apply', action='store_true', help='also apply the role over the exported files')
    parser.add_argument('--workdir', help='where the exports go (default: a new temporary directory)')
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix='export-bench-')
    print('| T trunks | rate limit | requests | of which trunk list | per trunk | writes | files | API phase | wall time |')
    print('|---|---|---|---|---|---|---|---|---|')
    results = []
    for trunks in [int(value) for value in args.trunks.split(',') if value]:
        result = measure(trunks, args.rate_limit, args.apply, workdir)
        results.append(result)
        listing = result['endpoints']['GET trunks']
        print('| %d | %s | %d | %d | %.2f | %d | %d | %.1f s | %.1f s |' % (
            trunks, '%d/min' % args.rate_limit if args.rate_limit else 'none', result['requests'], listing,
            (result['requests'] - listing) / float(trunks), result['writes'], result['files'], result['api_seconds'],
            result['seconds']))
        sys.stdout.flush()
    for result in results:
        print('\nT=%d requests by endpoint: %s' % (result['trunks'], ', '.join(
            '%s %d' % item for item in sorted(result['endpoints'].items()))))
        if 'apply' in result:
            applied = result['apply']
            print('T=%d apply over the files: %d hosts, changed=%d, failed=%d, %d requests, %d writes, %.1f s' % (
                result['trunks'], applied['hosts'], applied['changed'], applied['failed'], applied['requests'],
                applied['writes'], applied['seconds']))
    print('\nWork directory: %s' % workdir)


if __name__ == '__main__':
    main()

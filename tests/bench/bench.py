# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scale benchmark: the sip_trunk role against the naive loop and a hand-written uri playbook.

Runs ansible-playbook against the Exotel API simulator (in this process, on 127.0.0.1) and prints
markdown tables: API calls, writes and wall time per approach, N and run (first converge, no-op
converge), the ratios to the role, and a first converge under the simulator's rate limit compared
with the minimum time that limit allows. Exits 1 when a target of issue #5 is missed.

    .venv/bin/python tests/bench/bench.py                         # N = 10, 100, 1000 + rate-limited run
    .venv/bin/python tests/bench/bench.py --sizes 10 --rate-limited-n 0   # quick development run

See tests/bench/README.md for the methodology and what each column means.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
COLLECTIONS = os.path.join(REPO, 'build', 'collections')
LAYOUT = os.path.join(COLLECTIONS, 'ansible_collections', 'exotel', 'sip_trunking')
ROLE_TASKS = os.path.join(REPO, 'roles', 'sip_trunk', 'tasks', 'main.yml')
BIN = os.path.dirname(sys.executable)

sys.path.insert(0, os.path.join(REPO, 'tests', 'simulator'))
from exotel_simulator import ExotelSimulator  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, os.path.join(REPO, 'tests'))
from conftest import ansible_environment  # noqa: E402  pylint: disable=wrong-import-position

ACCOUNT_SID = 'exoteltest'
API_KEY = 'exoteltest'
API_TOKEN = 'a1b2c3d4e5f6g7h8i9j0'
TRUNK = 'bench_trunk'
MODE = 'pstn'
RECAP_RE = re.compile(r'^\S+\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)'
                      r'\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)', re.M)

APPROACHES = {
    'a': '(a) role',
    'b': '(b) naive loop',
    'c': '(c) uri playbook',
}
# Targets of issue #5 (evaluated at the largest N of --sizes, which is 1000 by default).
TARGET_NOOP_CALLS = 25
TARGET_CALL_RATIO = 20.0
TARGET_TIME_RATIO = 10.0
TARGET_RATE_SLACK = 0.10


# ------------------------------------------------------------------------------------ the job

def job(n, n_ips, n_destinations):
    """N numbers, the ACL and the destinations every approach must converge (same data for all)."""
    numbers = ['+91804%07d' % i for i in range(n)]
    ips = ['44.248.%d.%d' % (146 + i // 200, 11 + i % 200) for i in range(n_ips)]
    destinations = []
    for i in range(n_destinations):
        if i % 2 == 0 and i // 2 < len(ips):
            destinations.append('%s:5061;transport=tls' % ips[i // 2])   # an IP destination: whitelisted above
        else:
            destinations.append('sbc%d.example.com:5061;transport=tls' % (i + 1))
    return {
        'bench_trunk': TRUNK,
        'bench_mode': MODE,
        'bench_numbers': numbers,
        'bench_ips': ips,
        'bench_destinations': destinations,
        'bench_destination_items': [{'destination': d} for d in destinations],
    }


def check_state(sim, data):
    """'' when the simulator holds exactly the job's trunk, numbers, ACL and destinations, else why not."""
    state = sim.dump_state()
    trunks = [t for t in state['trunks'] if t['trunk_name'] == data['bench_trunk']]
    if len(trunks) != 1:
        return '%d trunks named %s' % (len(trunks), data['bench_trunk'])
    sid = trunks[0]['trunk_sid']
    problems = []
    numbers = [(r['phone_number'], r['mode'] or 'pstn') for r in state['phone_numbers'] if r['trunk_sid'] == sid]
    if sorted(numbers) != sorted((p, MODE) for p in data['bench_numbers']):
        problems.append('numbers: %d mapped, %d wanted' % (len(numbers), len(data['bench_numbers'])))
    ips = [r['ip'] for r in state['whitelisted_ips'] if r['trunk_sid'] == sid]
    if sorted(ips) != sorted(data['bench_ips']):
        problems.append('ACL: %d entries, %d wanted' % (len(ips), len(data['bench_ips'])))
    destinations = [r['destination'] for r in state['destination_uris'] if r['trunk_sid'] == sid]
    if sorted(destinations) != sorted('sip:' + d for d in data['bench_destinations']):
        problems.append('destinations: %d present, %d wanted' % (len(destinations), len(data['bench_destinations'])))
    return '; '.join(problems)


# ------------------------------------------------------------------------------------ running

def environment(sim_url, rate_limit):
    """The test suite's environment, plus pipelining (the cheapest module runs Ansible can do:
    favours (b) and (c)) and the client's own pacer (requests per minute per module run; 0 = off)."""
    return ansible_environment(sim_url, ANSIBLE_PIPELINING='true', EXOTEL_RATE_LIMIT=str(rate_limit))


def run_playbook(sim, playbook, vars_file, log_path, rate_limit=0):
    """Run one playbook; return its measurements, counted from the simulator's request log."""
    before = len(sim.requests())
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
               os.path.join(PLAYBOOKS, playbook), '-e', '@' + vars_file]
    with open(log_path, 'w', encoding='utf-8') as log:
        started = time.monotonic()
        proc = subprocess.run(command, cwd=REPO, env=environment(sim.url, rate_limit), stdout=log,
                              stderr=subprocess.STDOUT, check=False)
        wall = time.monotonic() - started
    with open(log_path, encoding='utf-8') as log:
        output = log.read()
    recap = None
    for recap in RECAP_RE.finditer(output):
        pass
    requests = sim.requests()[before:]
    rate_limited = sum(1 for r in requests if r['status'] == 429 and r['fault'] is None)
    return {
        'rc': proc.returncode,
        'wall': wall,
        'calls': len(requests),
        'writes': sum(1 for r in requests if r['write']),
        'reads': sum(1 for r in requests if not r['write']),
        'rate_limited': rate_limited,
        'admitted': len(requests) - rate_limited,
        'span': (requests[-1]['time'] - requests[0]['time']) if requests else 0.0,
        'changed': int(recap['changed']) if recap else None,
        'failed': int(recap['failed']) if recap else None,
        'log': log_path,
    }


def role_playbook(choice):
    if choice == 'role' or (choice == 'auto' and os.path.exists(ROLE_TASKS)):
        return 'role.yml', '(a) role'
    return 'modules.yml', "(a') list-form modules"


def run_approach(sim, key, playbook, n, data, workdir, label, problems, say):
    """First converge on a fresh simulator, then the no-op converge on what it left."""
    sim.reset(rate_limit=0)
    vars_file = os.path.join(workdir, 'vars-%d.json' % n)
    with open(vars_file, 'w', encoding='utf-8') as stream:
        json.dump(data, stream)
    rows = []
    for phase in ('first', 'no-op'):
        say('  %s N=%d %s converge ...' % (label, n, phase))
        result = run_playbook(sim, playbook, vars_file, os.path.join(workdir, '%s-%d-%s.log' % (key, n, phase)))
        result.update(approach=key, label=label, n=n, phase=phase)
        verdict = check_state(sim, data)
        if result['rc'] != 0 or result['failed']:
            verdict = ('rc=%s failed=%s (see %s); ' % (result['rc'], result['failed'], result['log'])) + verdict
        if phase == 'no-op' and key in ('a', 'b') and result['changed']:
            verdict += '; no-op run reported changed=%s' % result['changed']
        if verdict:
            problems.append('%s N=%d %s: %s' % (label, n, phase, verdict.strip('; ')))
        result['ok'] = not verdict
        say('    %d calls (%d writes), %.1f s%s' % (result['calls'], result['writes'], result['wall'],
                                                    '' if not verdict else '  PROBLEM: ' + verdict))
        rows.append(result)
    return rows


def sliding_window_bound(requests, limit, window):
    """Least time from the first to the last of ``requests`` that ``limit`` per sliding ``window`` allows.

    Request k+limit cannot be admitted before request k has left the window, i.e. before
    t_k + window; chaining that from the first request, the last one (number R) comes at least
    floor((R - 1) / limit) windows after the first.
    """
    if requests <= 0 or limit <= 0:
        return 0.0
    return math.floor((requests - 1) / float(limit)) * window


# ------------------------------------------------------------------------------------ report

def ratio(num, den):
    return num / den if den else float('inf')


def fmt_ratio(value):
    if value is None:
        return ''
    return '%.1f×' % value if value < 100 else '%.0f×' % value


def converge_table(rows):
    lines = ['| Scenario | N | Run | API calls | Writes | Wall s | Calls vs (a) | Wall vs (a) |',
             '|---|---:|---|---:|---:|---:|---:|---:|']
    base = dict(((r['n'], r['phase']), r) for r in rows if r['approach'] == 'a')
    for row in rows:
        a = base.get((row['n'], row['phase']))
        calls_ratio = wall_ratio = None
        if row['approach'] != 'a' and a:
            calls_ratio, wall_ratio = ratio(row['calls'], a['calls']), ratio(row['wall'], a['wall'])
        lines.append('| %s%s | %d | %s | %d | %d | %.1f | %s | %s |' % (
            row['label'], '' if row['ok'] else ' **(FAILED)**', row['n'], row['phase'], row['calls'],
            row['writes'], row['wall'], fmt_ratio(calls_ratio), fmt_ratio(wall_ratio)))
    return '\n'.join(lines)


def rate_table(result):
    lines = ['| N | Limit | Requests (admitted) | 429 answers | Failed tasks | Wall s | API span s | Bound s | '
             'Wall / bound | Within 10 % |',
             '|---:|---|---:|---:|---:|---:|---:|---:|---:|---|']
    within = 'yes' if result['within'] else ('n/a (limit not reached)' if not result['bound'] else 'no')
    lines.append('| %d | %d / %gs | %d | %d | %s | %.1f | %.1f | %.0f | %s | %s |' % (
        result['n'], result['limit'], result['window'], result['admitted'], result['rate_limited'],
        result['failed'], result['wall'], result['span'], result['bound'],
        '%.3f' % (result['wall'] / result['bound']) if result['bound'] else 'n/a', within))
    return '\n'.join(lines)


def load():
    try:
        return '%.2f %.2f %.2f' % os.getloadavg()
    except OSError:
        return 'n/a'


def ansible_version():
    try:
        out = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '--version'], capture_output=True, text=True,
                             check=False).stdout
        return out.splitlines()[0].strip()
    except (OSError, IndexError):
        return 'unknown'


# ------------------------------------------------------------------------------------ main

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--sizes', default='10,100,1000', help='comma-separated N (numbers per trunk)')
    parser.add_argument('--ips', type=int, default=20, help='whitelisted IPs in the job (default 20)')
    parser.add_argument('--destinations', type=int, default=10, help='destinations in the job (default 10)')
    parser.add_argument('--approaches', default='a,b,c', help='which of a (role), b (naive), c (uri) to run')
    parser.add_argument('--skip-naive-above', type=int, default=None, metavar='N', help='skip (b) for larger N')
    parser.add_argument('--skip-uri-above', type=int, default=None, metavar='N', help='skip (c) for larger N')
    parser.add_argument('--approach-a', choices=('auto', 'role', 'modules'), default='auto',
                        help='(a) through the role (roles/sip_trunk) or the list-form modules; auto = role if present')
    parser.add_argument('--rate-limited-n', type=int, default=300, metavar='N',
                        help='N for the first converge under the rate limit; 0 skips it (default 300)')
    parser.add_argument('--rate-limit', type=int, default=200,
                        help='simulator limit and client pacer, requests per window (default 200, the real API)')
    parser.add_argument('--rate-window', type=float, default=60.0,
                        help='simulator window in seconds (default 60; the client pacer always uses 60)')
    parser.add_argument('--output', help='also write the report (markdown) to this file')
    parser.add_argument('--json', help='also write every measurement to this JSON file')
    parser.add_argument('--workdir', help='where vars files and playbook logs go (default: a new temporary directory)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(',') if s.strip()]
    approaches = [a.strip() for a in args.approaches.split(',') if a.strip()]
    workdir = args.workdir or tempfile.mkdtemp(prefix='exotel-bench-')
    os.makedirs(workdir, exist_ok=True)
    if not os.path.islink(LAYOUT) and not os.path.isdir(LAYOUT):
        os.makedirs(os.path.dirname(LAYOUT), exist_ok=True)
        os.symlink(REPO, LAYOUT)

    def say(text):
        print(text, file=sys.stderr, flush=True)

    a_playbook, a_label = role_playbook(args.approach_a)
    APPROACHES['a'] = a_label
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = load()
    say('workdir: %s; (a) = %s (%s); load %s' % (workdir, a_label, a_playbook, load_before))
    problems, rows, rate = [], [], None
    sim = ExotelSimulator(port=0, rate_limit=0).start()
    try:
        for n in sizes:
            data = job(n, args.ips, args.destinations)
            for key in approaches:
                if key == 'b' and args.skip_naive_above is not None and n > args.skip_naive_above:
                    continue
                if key == 'c' and args.skip_uri_above is not None and n > args.skip_uri_above:
                    continue
                playbook = {'a': a_playbook, 'b': 'naive.yml', 'c': 'uri.yml'}[key]
                rows += run_approach(sim, key, playbook, n, data, workdir, APPROACHES[key], problems, say)
        if args.rate_limited_n > 0:
            n = args.rate_limited_n
            data = job(n, args.ips, args.destinations)
            vars_file = os.path.join(workdir, 'vars-rate-%d.json' % n)
            with open(vars_file, 'w', encoding='utf-8') as stream:
                json.dump(data, stream)
            sim.reset(rate_limit=args.rate_limit, rate_window=args.rate_window)
            say('  %s N=%d first converge at %d requests / %gs ...' % (a_label, n, args.rate_limit, args.rate_window))
            rate = run_playbook(sim, a_playbook, vars_file, os.path.join(workdir, 'a-%d-rate-limited.log' % n),
                                rate_limit=args.rate_limit)
            rate.update(n=n, limit=args.rate_limit, window=args.rate_window, label=a_label)
            rate['bound'] = sliding_window_bound(rate['admitted'], args.rate_limit, args.rate_window)
            rate['within'] = bool(rate['bound']) and rate['wall'] <= rate['bound'] * (1 + TARGET_RATE_SLACK)
            verdict = check_state(sim, data)
            if rate['rc'] != 0 or rate['failed']:
                verdict = 'rc=%s failed=%s (see %s); %s' % (rate['rc'], rate['failed'], rate['log'], verdict)
            rate['state_ok'] = not verdict
            if verdict:
                problems.append('rate-limited N=%d: %s' % (n, verdict.strip('; ')))
            say('    %d admitted, %d x 429, %.1f s wall, bound %.0f s' % (
                rate['admitted'], rate['rate_limited'], rate['wall'], rate['bound']))
    finally:
        sim.stop()

    # Targets, at the largest N measured.
    targets = []
    if rows:
        top = max(r['n'] for r in rows)
        by = dict(((r['approach'], r['phase']), r) for r in rows if r['n'] == top)
        a_noop, b_noop, a_first, b_first = by.get(('a', 'no-op')), by.get(('b', 'no-op')), \
            by.get(('a', 'first')), by.get(('b', 'first'))
        if a_noop:
            targets.append(('no-op converge of %d numbers + %d IPs + %d destinations in <= %d API calls'
                            % (top, args.ips, args.destinations, TARGET_NOOP_CALLS),
                            a_noop['calls'] <= TARGET_NOOP_CALLS, '%d calls' % a_noop['calls']))
        if a_noop and b_noop:
            targets.append(('no-op converge (N=%d): >= %.0fx fewer API calls than (b)' % (top, TARGET_CALL_RATIO),
                            ratio(b_noop['calls'], a_noop['calls']) >= TARGET_CALL_RATIO,
                            fmt_ratio(ratio(b_noop['calls'], a_noop['calls']))))
            targets.append(('no-op converge (N=%d): >= %.0fx less wall time than (b)' % (top, TARGET_TIME_RATIO),
                            ratio(b_noop['wall'], a_noop['wall']) >= TARGET_TIME_RATIO,
                            fmt_ratio(ratio(b_noop['wall'], a_noop['wall']))))
        if a_first and b_first:
            targets.append(('first converge (N=%d): >= %.0fx less wall time than (b)' % (top, TARGET_TIME_RATIO),
                            ratio(b_first['wall'], a_first['wall']) >= TARGET_TIME_RATIO,
                            fmt_ratio(ratio(b_first['wall'], a_first['wall']))))
        elif 'b' in approaches:
            targets.append(('(b) measured at N=%d' % top, None, 'skipped: ratio targets not evaluated'))
    if rate:
        targets.append(('first converge under the rate limit within 10 % of the bound, no failed task',
                        rate['within'] and rate['state_ok'],
                        '%.1f s vs %.0f s bound, %s failed' % (rate['wall'], rate['bound'], rate['failed'])))
    targets.append(('every run converged to the exact job (state checked), no failed task', not problems,
                    '; '.join(problems) or 'all runs'))

    report = ['## Benchmark results', '',
              '%s; %s; Python %s; %d CPU(s); load average %s before, %s after; %s UTC.' % (
                  a_label + (' (roles/sip_trunk)' if a_playbook == 'role.yml' else
                             ' (--approach-a modules)' if args.approach_a == 'modules' else
                             ' (roles/sip_trunk not found: list-form modules instead)'),
                  ansible_version(), platform.python_version(), os.cpu_count() or 0, load_before, load(),
                  started.strftime('%Y-%m-%d %H:%M')),
              'Job: N numbers + %d whitelisted IPs + %d destinations on one trunk. Unlimited simulator, client '
              'pacer off; fresh simulator state for each approach and N (first converge), then the no-op '
              'converge on that state.' % (args.ips, args.destinations), '']
    if rows:
        report += [converge_table(rows), '']
    if rate:
        report += ['First converge under the rate limit (simulator limit %d per %gs sliding window, client pacer '
                   '`EXOTEL_RATE_LIMIT=%d`). Bound = floor((requests - 1) / limit) x window: the least time the '
                   'limit allows between the first and the last of that many requests.' % (
                       rate['limit'], rate['window'], rate['limit']), '', rate_table(rate), '']
    report += ['Targets:', '']
    for text, met, detail in targets:
        report.append('- %s %s - %s' % ({True: 'PASS', False: 'FAIL', None: 'NOT EVALUATED'}[met], text, detail))
    text = '\n'.join(report) + '\n'
    print(text)
    if args.output:
        with open(args.output, 'w', encoding='utf-8') as stream:
            stream.write(text)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as stream:
            json.dump({'rows': rows, 'rate_limited': rate, 'targets': targets}, stream, indent=1)
    return 1 if any(met is False for _text, met, _detail in targets) else 0


if __name__ == '__main__':
    sys.exit(main())

"""`make demo`: the three setups of playbooks/demo.yml against the Exotel API simulator, twice.

Starts the simulator in this process, runs `ansible-playbook playbooks/demo.yml` twice with the
credentials only in the environment, fails unless the second run reports changed=0 (and sends no
write), and prints a short summary: the trunks with their SIDs and numbers, and each run's wall
time and API requests.

    python tests/demo.py [--verbose] [--port N]
"""

import argparse
import os
import secrets
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join(REPO, 'playbooks', 'demo.yml')
BIN = os.path.dirname(sys.executable)

sys.path.insert(0, os.path.join(REPO, 'tests', 'simulator'))
from exotel_simulator import ExotelSimulator  # noqa: E402  pylint: disable=wrong-import-position

# The test suite's environment (credentials only there, never on the command line) and recap
# parser; importing conftest also lays out build/collections/ansible_collections/exotel/sip_trunking.
sys.path.insert(0, os.path.join(REPO, 'tests'))
from conftest import RECAP_RE, ansible_environment  # noqa: E402  pylint: disable=wrong-import-position


def environment(url):
    # The StreamKit example takes its digest password from the environment (no file holds one):
    # the demo makes one up for the simulator, unless the caller set it.
    password = os.environ.get('STREAMKIT_SIP_PASSWORD') or 'Demo_' + secrets.token_hex(8)
    return ansible_environment(url, ANSIBLE_PIPELINING='true', STREAMKIT_SIP_PASSWORD=password)


def run_demo(simulator, verbose=False):
    """Run the playbook once; return (recap dict, seconds, requests, writes, output)."""
    before = simulator.stats()
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', PLAYBOOK],
                          cwd=REPO, env=environment(simulator.url), capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    after = simulator.stats()
    output = proc.stdout + proc.stderr
    if verbose:
        print(output)
    recaps = list(RECAP_RE.finditer(proc.stdout))
    recap = dict((key, int(value)) for key, value in recaps[-1].groupdict().items() if key != 'host') if recaps else {}
    recap['rc'] = proc.returncode
    return recap, seconds, after['total'] - before['total'], after['writes'] - before['writes'], output


def summary(state):
    lines = []
    numbers, acl, destinations, credentials = {}, {}, {}, {}
    for row in state['phone_numbers']:
        numbers.setdefault(row['trunk_sid'], []).append('%s (%s)' % (row['phone_number'], row.get('mode') or 'pstn'))
    for row in state['whitelisted_ips']:
        acl.setdefault(row['trunk_sid'], []).append('%s/%s' % (row['ip'], row['mask']))
    for row in state['destination_uris']:
        destinations.setdefault(row['trunk_sid'], []).append(row['destination'])
    for row in state['credentials']:
        credentials.setdefault(row['trunk_sid'], []).append(row['user_name'])
    for trunk in sorted(state['trunks'], key=lambda row: row['trunk_name']):
        sid = trunk['trunk_sid']
        lines.append('  %-16s %s' % (trunk['trunk_name'], sid))
        lines.append('      numbers:       %s' % ', '.join(sorted(numbers.get(sid, []))))
        if acl.get(sid):
            lines.append('      whitelisted:   %s' % ', '.join(sorted(acl[sid])))
        if destinations.get(sid):
            lines.append('      destinations:  %s' % ', '.join(sorted(destinations[sid])))
            lines.append('      manual step:   Flow with a Connect applet dialling sip:%s (no API)' % sid)
        if credentials.get(sid):
            lines.append('      digest users:  %s' % ', '.join(sorted(credentials[sid])))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--verbose', action='store_true', help="print ansible-playbook's output of both runs")
    parser.add_argument('--port', type=int, default=0, help='simulator port (default: a free one)')
    args = parser.parse_args(argv)

    simulator = ExotelSimulator(port=args.port).start()
    try:
        print('Exotel SIP trunking demo - simulator at %s, playbook playbooks/demo.yml' % simulator.url)
        first, first_time, first_requests, first_writes, first_output = run_demo(simulator, args.verbose)
        print('  run 1 (converge): %5.1f s  ok=%s changed=%s failed=%s  API requests=%d (writes=%d)'
              % (first_time, first.get('ok'), first.get('changed'), first.get('failed'), first_requests, first_writes))
        if first['rc'] != 0 or first.get('failed'):
            print(first_output[-8000:])
            print('FAILED: the first run did not succeed (rc=%s).' % first['rc'])
            return 1
        second, second_time, second_requests, second_writes, second_output = run_demo(simulator, args.verbose)
        print('  run 2 (no-op):    %5.1f s  ok=%s changed=%s failed=%s  API requests=%d (writes=%d)'
              % (second_time, second.get('ok'), second.get('changed'), second.get('failed'), second_requests,
                 second_writes))
        if second['rc'] != 0 or second.get('failed'):
            print(second_output[-8000:])
            print('FAILED: the second run did not succeed (rc=%s).' % second['rc'])
            return 1
        if second.get('changed') != 0 or second_writes != 0:
            print(second_output[-8000:])
            print('FAILED: the second run is not idempotent (changed=%s, writes=%d).' % (second.get('changed'), second_writes))
            return 1
        print('Trunks:')
        for line in summary(simulator.dump_state()):
            print(line)
        print('OK: second run changed=0. Wall time: first run %.1f s, no-op run %.1f s.' % (first_time, second_time))
        return 0
    finally:
        simulator.stop()


if __name__ == '__main__':
    sys.exit(main())

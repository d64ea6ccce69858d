"""Concurrent module runs on one controller share the account's rate limit: no 429 from the API.

Six hosts converge in parallel (forks 6), each a trunk and eight numbers: 72
requests against a simulator that admits 10 per 2 s per API key - the API's
200 per minute, scaled down so that the run spans several windows in seconds.
The modules get the same limit through EXOTEL_RATE_LIMIT, and the same window
through EXOTEL_RATE_WINDOW (a testing knob; the default is the API's 60 s).

With the shared pacer the simulator answers no 429 at all. The same run with
the old per-process pacer (EXOTEL_PACER=process) is the control: every
process believes it owns the whole budget, so the simulator answers 429s.
Nothing here asserts on durations; they are printed for the record.
"""

import re
import time

from conftest import ExotelSimulator, run_playbook
from _faultkit import write_playbook

TRUNK = 'exotel.sip_trunking.exotel_trunk'
NUMBER = 'exotel.sip_trunking.exotel_trunk_number'
HOSTS = 6
NUMBERS_PER_HOST = 8
LIMIT = 10
WINDOW = 2.0
RECAP_RE = re.compile(r'^(h\d\d)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


def converge_in_parallel(tmp_path, pacer):
    """Run the six-host play against a fresh rate-limited simulator; return (run, stats, state, seconds)."""
    work = tmp_path / pacer
    work.mkdir()
    inventory = work / 'inventory.ini'
    inventory.write_text('[fleet]\n' + ''.join(
        'h%02d ansible_connection=local trunk=fleet_%02d n=%02d\n' % (i, i, i) for i in range(HOSTS)))
    book = write_playbook(str(work / 'fleet.yml'), [
        {TRUNK: {'name': '{{ trunk }}'}},
        {NUMBER: {'trunk_name': '{{ trunk }}',
                  'numbers': ['+9198765{{ n }}%03d' % k for k in range(NUMBERS_PER_HOST)]}},
    ], hosts='fleet', ignore_errors=False)
    env = {
        'EXOTEL_RATE_LIMIT': str(LIMIT),
        'EXOTEL_RATE_WINDOW': str(WINDOW),
        'EXOTEL_PACER': pacer,
        # The control run is the old behaviour throughout: a pacer and a trunk lookup per task.
        'EXOTEL_TRUNK_CACHE': 'shared' if pacer == 'shared' else 'off',
        'EXOTEL_STATE_DIR': str(work / 'state'),
        # Lets the control run ride out its 429s; the shared run never needs a retry.
        'EXOTEL_MAX_RETRIES': '50',
    }
    sim = ExotelSimulator(port=0, rate_limit=LIMIT, rate_window=WINDOW).start()
    try:
        started = time.time()
        run = run_playbook(book, sim.url, args=['-i', str(inventory), '--forks', str(HOSTS)], env=env)
        seconds = time.time() - started
        return run, sim.stats(), sim.dump_state(), seconds
    finally:
        sim.stop()


def test_parallel_forks_share_one_budget_and_get_no_429(tmp_path):
    run, stats, state, seconds = converge_in_parallel(tmp_path, 'shared')
    print('shared pacer: %d requests, %d answered 429, %.1fs' % (stats['total'], stats['rate_limited'], seconds))
    assert run.rc == 0, run
    recaps = dict((m.group(1), m.groups()[1:]) for m in RECAP_RE.finditer(run.stdout))
    assert recaps == dict(('h%02d' % i, ('2', '2', '0', '0')) for i in range(HOSTS)), run
    # Well over the budget of one window: without sharing it, the forks would be answered 429.
    assert stats['total'] >= HOSTS * (1 + 2 + NUMBERS_PER_HOST) > 6 * LIMIT, stats
    assert stats['rate_limited'] == 0, stats
    assert sorted(t['trunk_name'] for t in state['trunks']) == ['fleet_%02d' % i for i in range(HOSTS)]
    assert len(set(row['phone_number'] for row in state['phone_numbers'])) == HOSTS * NUMBERS_PER_HOST
    assert (tmp_path / 'shared' / 'state').is_dir()


def test_control_per_process_pacers_overrun_the_budget(tmp_path):
    """The same run with one budget per process: the API is overrun (so the test above proves something)."""
    run, stats, _state, seconds = converge_in_parallel(tmp_path, 'process')
    print('per-process pacer: %d requests, %d answered 429, %.1fs, rc=%s' % (
        stats['total'], stats['rate_limited'], seconds, run.rc))
    assert stats['rate_limited'] > 0, stats
    assert not (tmp_path / 'process' / 'state').exists()

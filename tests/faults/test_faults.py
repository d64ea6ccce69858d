"""Fault injection: every case runs real module tasks (ansible-playbook) against the simulator.

Each test asserts the task outcome *and* the simulator's final state (nothing
lost, nothing duplicated) and, where it matters, the exact request sequence
from the simulator's log (e.g. that a POST is never repeated without a re-read
in between, that a 401 is sent once, that the retry bound is honoured).

Waits are kept tiny: Retry-After values of 1 s, short client timeouts, a
scaled-down rate window for the burst test.
"""

import collections
import json
import re
import threading
import time

import pytest

from conftest import ExotelSimulator, run_playbook
from _faultkit import Api, api_entries, assert_no_traceback, run_tasks, write_playbook

TRUNK = 'exotel.sip_trunking.exotel_trunk'
NUMBER = 'exotel.sip_trunking.exotel_trunk_number'
ACL = 'exotel.sip_trunking.exotel_trunk_acl'
DESTINATION = 'exotel.sip_trunking.exotel_trunk_destination'
SETTING = 'exotel.sip_trunking.exotel_trunk_setting'

NUMBERS = ['+919876500001', '+919876500002', '+919876500003']
PUBLIC_IP = '44.248.146.11'
FQDN_A = 'sip-a.example.com:5061;transport=tls'
FQDN_B = 'sip-b.example.com:5060;transport=tcp'
IP_DEST = '%s:5061;transport=tls' % PUBLIC_IP


@pytest.fixture
def api(simulator):
    return Api(simulator)


def trunks_named(simulator, name):
    return [t for t in simulator.dump_state()['trunks'] if t['trunk_name'] == name]


def rows(simulator, collection, sid):
    return [row for row in simulator.dump_state()[collection] if row['trunk_sid'] == sid]


def values(simulator, collection, sid, key):
    return sorted(row[key] for row in rows(simulator, collection, sid))


def assert_unique(items):
    duplicates = [item for item, count in collections.Counter(items).items() if count > 1]
    assert not duplicates, 'duplicated: %s' % duplicates


def statuses(log):
    return [entry['status'] for entry in log]


# --------------------------------------------------------------------------------------- 429

def assert_waited_retry_after(gap, result):
    """The task waited what Retry-After: 1 said: not less, and not the fallback backoff, which with the
    module's defaults (backoff_base 0.5) draws 2.5 to 5 s for the first answer of 429."""
    assert 0.9 <= gap < 2.0, 'Retry-After: 1 was not honoured: %.2f s between the 429 and the retry' % gap
    assert result['api']['rate_limited'] == 1, result['api']
    assert result['api']['waited_seconds'] == 1.0, result['api']


def test_429_on_read_waits_for_retry_after(simulator, tmp_path):
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 429, 'retry_after': 1})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'r429'}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert len(trunks_named(simulator, 'r429')) == 1
    gets = api_entries(log, 'GET', '/trunks')
    assert [g['status'] for g in gets] == [429, 200], log
    assert_waited_retry_after(gets[1]['time'] - gets[0]['time'], result)
    assert len(api_entries(log, 'POST')) == 1


def test_429_on_write_waits_for_retry_after(simulator, api, tmp_path):
    sid = api.create_trunk('w429')
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/phone-numbers', 'action': 'status', 'status': 429,
                         'retry_after': 1, 'after': 1})
    run, (result,), log = run_tasks(simulator, tmp_path, [{NUMBER: {'trunk_name': 'w429', 'numbers': NUMBERS}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert sorted(n['phone_number'] for n in result['added']) == NUMBERS
    assert values(simulator, 'phone_numbers', sid, 'phone_number') == NUMBERS
    posts = api_entries(log, 'POST')
    assert [p['status'] for p in posts] == [200, 429, 200, 200], posts
    assert_waited_retry_after(posts[2]['time'] - posts[1]['time'], result)


def test_burst_over_rate_limit_with_parallel_forks(tmp_path):
    """12 hosts, forks 6: each makes a trunk, 3 numbers and an ACL entry, under a limit of 12 per 3 s.

    That is the API's 200/min scaled down so that the ~110 requests must be
    spread over several windows: the simulator answers 429 with Retry-After,
    and every task still succeeds with nothing lost or duplicated. The limit is
    low enough (4 requests a second) that six forks exceed it even on a busy
    machine, where 30 per 3 s was sometimes never reached.
    """
    hosts = 12
    sim = ExotelSimulator(port=0, rate_limit=12, rate_window=3.0).start()
    try:
        inventory = tmp_path / 'inventory.ini'
        inventory.write_text('[burst]\n' + ''.join(
            'h%02d ansible_connection=local trunk=burst_%02d n=%02d\n' % (i, i, i) for i in range(hosts)))
        book = str(tmp_path / 'burst.yml')
        write_playbook(book, [
            {TRUNK: {'name': '{{ trunk }}'}},
            {NUMBER: {'trunk_name': '{{ trunk }}',
                      'numbers': ['+9198765%s001' % '{{ n }}', '+9198765%s002' % '{{ n }}', '+9198765%s003' % '{{ n }}']}},
            {ACL: {'trunk_name': '{{ trunk }}', 'ip': '44.248.146.{{ n | int + 1 }}'}},
        ], hosts='burst', ignore_errors=False)
        started = time.time()
        run = run_playbook(book, sim.url, args=['-i', str(inventory), '--forks', '6'])
        elapsed = time.time() - started
        assert run.rc == 0, run
        stats = sim.stats()
        assert stats['rate_limited'] > 0, 'the burst never exceeded the limit: %s' % stats
        recaps = dict((m.group(1), m.groups()[1:]) for m in re.finditer(
            r'^(h\d\d)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', run.stdout, re.M))
        assert recaps == dict(('h%02d' % i, ('3', '3', '0', '0')) for i in range(hosts)), run
        state = sim.dump_state()
        names = [t['trunk_name'] for t in state['trunks']]
        assert sorted(names) == ['burst_%02d' % i for i in range(hosts)]
        numbers = [row['phone_number'] for row in state['phone_numbers']]
        assert_unique(numbers)
        assert len(numbers) == 3 * hosts
        ips = [row['ip'] for row in state['whitelisted_ips']]
        assert_unique(ips)
        assert len(ips) == hosts
        by_sid = collections.Counter(row['trunk_sid'] for row in state['phone_numbers'])
        assert sorted(by_sid.values()) == [3] * hosts
        # Successful writes: exactly one per entry (no duplicates, no lost answers).
        ok_writes = [e for e in sim.requests() if e['write'] and e['status'] == 200 and e['api_code'] == 200]
        assert len(ok_writes) == hosts * 5
        print('burst: %d requests, %d answered 429, %.1fs' % (stats['total'], stats['rate_limited'], elapsed))
    finally:
        sim.stop()


# ------------------------------------------------------------------------------ 500-504

@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_5xx_on_reads_and_writes(simulator, api, tmp_path, status):
    """One run per status: a trunk create whose reads and POST fail, then a batch POST, a PUT and a DELETE.

    Reads, PUTs and DELETEs are retried as they are; a failed POST is sent
    again only after a read showed it was not applied.
    """
    sid = api.create_trunk('pd%d' % status)
    api.add_number(sid, NUMBERS[0])
    api.add_ip(sid, PUBLIC_IP)
    api.add_ip(sid, '44.248.146.12')
    simulator.add_fault([
        {'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': status, 'times': 2},
        {'method': 'POST', 'path': '/trunks', 'action': 'status', 'status': status},
        {'method': 'GET', 'path': '/trunks/*/destination-uris', 'action': 'status', 'status': status},
        {'method': 'POST', 'path': '/trunks/*/destination-uris', 'action': 'status', 'status': status},
        {'method': 'PUT', 'path': '/trunks/*/phone-numbers/*', 'action': 'status', 'status': status},
        {'method': 'DELETE', 'path': '/trunks/*/whitelisted-ips', 'action': 'status', 'status': status},
    ])
    name = 'w%d' % status
    run, results, log = run_tasks(simulator, tmp_path, [
        {TRUNK: {'name': name}},
        {DESTINATION: {'trunk_sid': sid, 'destinations': [FQDN_A, FQDN_B]}},
        {NUMBER: {'trunk_sid': sid, 'phone_number': NUMBERS[0], 'mode': 'flow'}},
        {ACL: {'trunk_sid': sid, 'ip': '44.248.146.12', 'state': 'absent'}},
    ])
    assert not any(r.get('failed') for r in results), run
    assert all(r['changed'] for r in results), results
    assert_no_traceback(run, *results)

    # trunk: two failed reads retried, the failed POST re-read before it is sent again
    trunk_calls = [(e['method'], e['status']) for e in log if e['path'].endswith('/trunks')]
    assert trunk_calls == [('GET', status), ('GET', status), ('GET', 200), ('POST', status), ('GET', 200),
                           ('POST', 200)], trunk_calls
    assert results[0]['trunk']['trunk_name'] == name
    assert len(trunks_named(simulator, name)) == 1

    # destinations: the failed batch POST is followed by a re-read, then posted again, once each
    dest_calls = [(e['method'], e['status']) for e in log if e['path'].endswith('/destination-uris')]
    assert dest_calls == [('GET', status), ('GET', 200), ('POST', status), ('GET', 200), ('POST', 200)], dest_calls
    expected = sorted('sip:' + d for d in (FQDN_A, FQDN_B))
    assert sorted(d['destination'] for d in results[1]['added']) == expected
    assert values(simulator, 'destination_uris', sid, 'destination') == expected

    # PUT and DELETE are idempotent: retried as they are
    assert statuses(api_entries(log, 'PUT')) == [status, 200]
    assert statuses(api_entries(log, 'DELETE')) == [status, 200]
    assert [(n['phone_number'], n['mode']) for n in rows(simulator, 'phone_numbers', sid)] == [(NUMBERS[0], 'flow')]
    assert values(simulator, 'whitelisted_ips', sid, 'ip') == [PUBLIC_IP]


# ------------------------------------------------------------------- connection reset / timeout

@pytest.mark.parametrize('kind', ['read', 'write'])
def test_connection_reset(simulator, api, tmp_path, kind):
    sid = api.create_trunk('reset')
    if kind == 'read':
        simulator.add_fault({'method': 'GET', 'path': '/trunks/*/whitelisted-ips', 'action': 'drop'})
    else:
        simulator.add_fault({'method': 'POST', 'path': '/trunks/*/whitelisted-ips', 'action': 'drop'})
    run, (result,), log = run_tasks(simulator, tmp_path, [{ACL: {'trunk_name': 'reset', 'entries': [PUBLIC_IP, '44.248.146.0/24']}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert sorted(e['ip'] for e in result['added']) == ['44.248.146.0', PUBLIC_IP]
    assert values(simulator, 'whitelisted_ips', sid, 'ip') == ['44.248.146.0', PUBLIC_IP]
    assert any(e['fault'] == 'drop' for e in log)
    if kind == 'write':
        # the dropped POST was not applied; it is sent again only after a re-read
        posts = [i for i, e in enumerate(log) if e['method'] == 'POST']
        assert len(posts) == 3
        assert any(e['method'] == 'GET' for e in log[posts[0] + 1:posts[1]]), log


def test_read_timeout_is_retried(simulator, tmp_path):
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'delay', 'seconds': 2})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'slow', 'timeout': 1}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert len(trunks_named(simulator, 'slow')) == 1


def test_write_timeout_creates_exactly_one(simulator, tmp_path):
    """The POST is applied by the server after the client gave up: still one trunk, reported changed.

    One trunk alone proves little (the API refuses a second trunk of the same name, so even a blind
    re-POST ends with one): the log must show that the client re-read the list before it sent the
    POST again, and that the late first POST was the one refused as a duplicate.
    """
    simulator.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'delay', 'seconds': 2})
    run, (result,), _log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'slowpost', 'timeout': 1}}])
    time.sleep(1.5)  # let the delayed request land
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert len(trunks_named(simulator, 'slowpost')) == 1
    log = simulator.requests()   # in the order the answers were sent: the delayed POST comes last
    prompt = [(e['method'], e['api_code']) for e in log if e['fault'] is None]
    assert prompt == [('GET', None), ('GET', None), ('POST', 200)], 'no re-read before the second POST: %s' % log
    assert [(e['method'], e['api_code']) for e in log if e['fault'] == 'delay'] == [('POST', 409)], log
    assert result['api']['requests'] == 4 and result['api']['writes'] == 2, result['api']


def test_persistent_timeout_fails_clearly(simulator, tmp_path):
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'delay', 'seconds': 1.5, 'times': 0})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'never', 'timeout': 1, 'max_retries': 1}}])
    assert result.get('failed'), run
    assert 'timeout' in result['msg'] and 'gave up after 2 attempts' in result['msg'], result['msg']
    assert_no_traceback(run, result)
    assert trunks_named(simulator, 'never') == []


# ------------------------------------------------------------------------------ lost responses

def test_lost_response_on_trunk_create(simulator, tmp_path):
    simulator.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'lose_response'})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'lost'}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert result['trunk']['trunk_sid'].startswith('tr')
    assert len(trunks_named(simulator, 'lost')) == 1
    assert [(e['method'], e['fault']) for e in log] == [('GET', None), ('POST', 'lose_response'), ('GET', None)], log


def test_lost_response_on_number_map(simulator, api, tmp_path):
    sid = api.create_trunk('lostnum')
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/phone-numbers', 'action': 'lose_response', 'after': 1})
    run, (result,), log = run_tasks(simulator, tmp_path, [{NUMBER: {'trunk_sid': sid, 'numbers': NUMBERS, 'mode': 'flow'}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert sorted(n['phone_number'] for n in result['added']) == NUMBERS
    assert all(n['id'] for n in result['numbers'])
    assert values(simulator, 'phone_numbers', sid, 'phone_number') == NUMBERS
    assert len(api_entries(log, 'POST')) == 3


def test_lost_response_on_acl_add(simulator, api, tmp_path):
    sid = api.create_trunk('lostacl')
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/whitelisted-ips', 'action': 'lose_response'})
    run, (result,), log = run_tasks(simulator, tmp_path, [{ACL: {'trunk_sid': sid, 'ip': PUBLIC_IP}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    assert result['whitelisted_ip']['ip'] == PUBLIC_IP and result['whitelisted_ip']['id']
    assert values(simulator, 'whitelisted_ips', sid, 'ip') == [PUBLIC_IP]
    assert len(api_entries(log, 'POST')) == 1


def test_lost_response_on_destination_add(simulator, api, tmp_path):
    """Re-posting a destination would add a duplicate: the retry must re-read and post nothing."""
    sid = api.create_trunk('lostdst')
    api.add_ip(sid, PUBLIC_IP)
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/destination-uris', 'action': 'lose_response'})
    run, (result,), log = run_tasks(simulator, tmp_path, [{DESTINATION: {'trunk_sid': sid, 'destinations': [FQDN_A, IP_DEST]}}])
    assert not result.get('failed'), run
    assert result['changed'] is True
    expected = sorted('sip:' + d for d in (FQDN_A, IP_DEST))
    assert sorted(d['destination'] for d in result['added']) == expected
    assert values(simulator, 'destination_uris', sid, 'destination') == expected
    assert len(api_entries(log, 'POST')) == 1


# ----------------------------------------------------------------------------- 207 partial

def test_207_on_destinations_reports_both_halves_then_converges(simulator, api, tmp_path):
    sid = api.create_trunk('part')
    api.add_ip(sid, PUBLIC_IP)
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/destination-uris', 'action': 'fail_items',
                         'items': [1], 'description': 'Simulated carrier refusal'})
    task = {DESTINATION: {'trunk_name': 'part', 'destinations': [FQDN_A, FQDN_B, IP_DEST]}}
    run, (result,), _log = run_tasks(simulator, tmp_path, [task])
    assert result.get('failed'), run
    assert 'sip-b.example.com:5060;transport=tcp' in result['msg']
    assert 'Simulated carrier refusal' in result['msg']
    assert result['changed'] is True
    assert sorted(d['destination'] for d in result['added']) == sorted('sip:' + d for d in (FQDN_A, IP_DEST))
    # A failed entry is shown as the API would list it (its predicted view), never in the input's form.
    assert [f['entry'] for f in result['failed_entries']] == [
        {'id': None, 'destination': 'sip:' + FQDN_B, 'priority': 0, 'weight': 1}], result['failed_entries']
    assert_no_traceback(run, result)
    assert values(simulator, 'destination_uris', sid, 'destination') == sorted('sip:' + d for d in (FQDN_A, IP_DEST))

    # the fault is gone: a rerun adds only the missing one, and a third run is a no-op
    run, (second, third), log = run_tasks(simulator, tmp_path, [task, task])
    assert not second.get('failed') and not third.get('failed'), run
    assert second['changed'] is True and [d['destination'] for d in second['added']] == ['sip:' + FQDN_B]
    assert third['changed'] is False
    assert values(simulator, 'destination_uris', sid, 'destination') == sorted('sip:' + d for d in (FQDN_A, FQDN_B, IP_DEST))
    assert len(api_entries(log, 'POST')) == 1


@pytest.mark.parametrize('existing', [None, '+919876500002'], ids=['create', 'update'])
def test_207_on_settings_names_the_setting_then_converges(simulator, api, tmp_path, existing):
    sid = api.create_trunk('setfail')
    api.add_number(sid, NUMBERS[0])
    if existing:
        api.call('POST', '/trunks/%s/settings' % sid, {'settings': [{'name': 'trunk_external_alias', 'value': existing}]})
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/settings', 'action': 'fail_items', 'items': [0],
                         'description': 'Simulated alias refusal'})
    task = {SETTING: {'trunk_sid': sid, 'settings': {'trunk_external_alias': NUMBERS[0]}}}
    run, (result,), _log = run_tasks(simulator, tmp_path, [task])
    assert result.get('failed'), run
    assert 'trunk_external_alias' in result['msg'] and 'Simulated alias refusal' in result['msg'], result['msg']
    assert '1 of 1' in result['msg'], result['msg']
    assert result['changed'] is False
    assert_no_traceback(run, result)
    assert [(s['name'], s['value']) for s in rows(simulator, 'settings', sid)] == \
        ([('trunk_external_alias', existing)] if existing else [])

    run, (second, third), _log = run_tasks(simulator, tmp_path, [task, task])
    assert not second.get('failed') and not third.get('failed'), run
    assert second['changed'] is True and third['changed'] is False
    assert [(s['name'], s['value']) for s in rows(simulator, 'settings', sid)] == [('trunk_external_alias', NUMBERS[0])]


# ------------------------------------------------------------------------------ 401 / 404

def test_401_bad_token_fails_once_with_a_clear_message(simulator, tmp_path):
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'auth'}}],
                                    env={'EXOTEL_API_TOKEN': 'wrongtoken_zz'})
    assert result.get('failed'), run
    assert 'api_key' in result['msg'] and 'region' in result['msg'] and '401' in result['msg'], result['msg']
    assert len(log) == 1, 'a 401 must not be retried: %s' % log
    assert_no_traceback(run, result)
    assert simulator.dump_state()['trunks'] == []


def test_401_mid_run_on_a_write_is_not_retried(simulator, api, tmp_path):
    sid = api.create_trunk('revoked')
    simulator.add_fault({'method': 'POST', 'path': '/trunks/*/phone-numbers', 'action': 'status', 'status': 401, 'times': 0})
    run, (result,), log = run_tasks(simulator, tmp_path, [{NUMBER: {'trunk_sid': sid, 'numbers': NUMBERS}}])
    assert result.get('failed'), run
    assert 'api_key' in result['msg'] and 'region' in result['msg'], result['msg']
    assert len(api_entries(log, 'POST')) == 1, log
    assert rows(simulator, 'phone_numbers', sid) == []
    assert_no_traceback(run, result)


def run_in_thread(book, sim_url):
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault('run', run_playbook(book, sim_url)))
    thread.start()
    return thread, box


def wait_for_fault(simulator, index=0, fired=1, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if simulator.faults()[index]['fired'] >= fired:
            return
        time.sleep(0.05)
    raise AssertionError('fault never fired: %s' % simulator.faults())


@pytest.mark.parametrize('moment', ['before_list', 'between_writes'])
def test_trunk_vanishes_mid_run(simulator, api, tmp_path, moment):
    """Another actor deletes the trunk while the task runs: a clear failure, no retry storm, no orphans."""
    sid = api.create_trunk('vanish')
    if moment == 'before_list':
        simulator.add_fault({'method': 'GET', 'path': '/trunks/*/phone-numbers', 'action': 'delay', 'seconds': 1.5})
    else:
        simulator.add_fault({'method': 'POST', 'path': '/trunks/*/phone-numbers', 'action': 'delay', 'seconds': 1.5,
                             'after': 1})
    book = str(tmp_path / 'vanish.yml')
    write_playbook(book, [{NUMBER: {'trunk_name': 'vanish', 'numbers': NUMBERS}}], results_file=book + '.json')
    thread, box = run_in_thread(book, simulator.url)
    wait_for_fault(simulator)
    api.delete_trunk(sid)
    thread.join(120)
    run = box['run']
    with open(book + '.json', encoding='utf-8') as stream:
        result = json.load(stream)['r0']
    assert result.get('failed'), run
    # Each moment has its one message: the list read names the trunk, a later write the API's refusal.
    expected = ("The trunk 'vanish' does not exist (or is not visible to this API key)." if moment == 'before_list'
                else "failed: HTTP 404, code 404 (error 1003): Resource not found; Trunk '%s' does not exist" % sid)
    assert expected in result['msg'], result['msg']
    assert_no_traceback(run, result)
    log = simulator.requests()
    not_found = [e for e in log if e['status'] == 404]
    assert len(not_found) == 1, 'a vanished trunk must not be retried: %s' % log
    state = simulator.dump_state()
    assert state['trunks'] == [] and state['phone_numbers'] == []


@pytest.mark.parametrize('style', ['404', '403'])
def test_unknown_trunk_sid_fails_clearly(simulator, tmp_path, style):
    """Live, a missing trunk answers 404/1000 or 403/1003 "Authorization failed": both mean not found."""
    simulator.configure(missing_trunk_style=style)
    run, (result,), log = run_tasks(simulator, tmp_path, [{ACL: {'trunk_sid': 'trmum00000000000000000000a1n', 'ip': PUBLIC_IP}}])
    assert result.get('failed'), run
    assert 'trmum00000000000000000000a1n' in result['msg'] and 'not exist' in result['msg'], result['msg']
    assert not any(e['write'] for e in log)
    assert len(log) == 1
    assert_no_traceback(run, result)


# --------------------------------------------------------------- malformed JSON / HTML page

@pytest.mark.parametrize('action', ['malformed_json', 'html'])
@pytest.mark.parametrize('kind', ['read', 'write'])
def test_non_json_answer_fails_clearly(simulator, tmp_path, action, kind):
    method, path = ('GET', '/trunks') if kind == 'read' else ('POST', '/trunks')
    simulator.add_fault({'method': method, 'path': path, 'action': action, 'times': 0})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'proxy', 'max_retries': 1}}])
    assert result.get('failed'), run
    assert 'not the API\'s JSON envelope' in result['msg'], result['msg']
    if action == 'html':
        assert '502' in result['msg'] and '502 Bad Gateway' in result['msg'], result['msg']
    assert_no_traceback(run, result)
    assert trunks_named(simulator, 'proxy') == []
    faulted = [e for e in log if e['fault'] == action]
    # a 502 page is retried within the bound (1 retry); a 200 with a broken body is not retried
    assert len(faulted) == (2 if action == 'html' else 1), log


# ------------------------------------------------------------------------------ retry bound

def test_max_retries_option_bounds_attempts(simulator, tmp_path):
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 503, 'times': 0})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'bound', 'max_retries': 2}}])
    assert result.get('failed'), run
    assert len(log) == 3, log
    assert 'gave up after 3 attempts' in result['msg'], result['msg']
    assert_no_traceback(run, result)


def test_max_retries_env_bounds_attempts(simulator, tmp_path):
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 500, 'times': 0})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'bound'}}], env={'EXOTEL_MAX_RETRIES': '0'})
    assert result.get('failed'), run
    assert len(log) == 1, log


def test_retry_max_wait_bounds_total_wait(simulator, tmp_path):
    simulator.add_fault({'method': 'GET', 'path': '/trunks', 'action': 'status', 'status': 429, 'retry_after': 1,
                         'times': 0})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'bound', 'max_retries': 50}}],
                                    env={'EXOTEL_RETRY_MAX_WAIT': '2'})
    assert result.get('failed'), run
    # waits 1 s twice; a third wait would exceed 2 s, so it stops after 3 requests
    assert len(log) == 3, log
    assert log[-1]['time'] - log[0]['time'] < 3.5
    assert '429' in result['msg'] and 'gave up' in result['msg'], result['msg']


def test_lost_write_retries_are_bounded(simulator, tmp_path):
    """A POST that keeps failing with 503 is re-read and re-sent at most max_retries times."""
    simulator.add_fault({'method': 'POST', 'path': '/trunks', 'action': 'status', 'status': 503, 'times': 0})
    run, (result,), log = run_tasks(simulator, tmp_path, [{TRUNK: {'name': 'bound', 'max_retries': 2}}])
    assert result.get('failed'), run
    assert len(api_entries(log, 'POST')) == 3, log
    assert_no_traceback(run, result)
    assert trunks_named(simulator, 'bound') == []
    # every POST after the first follows a read
    methods = [e['method'] for e in log]
    assert methods == ['GET', 'POST', 'GET', 'POST', 'GET', 'POST', 'GET'], methods

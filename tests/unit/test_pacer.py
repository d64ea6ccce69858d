"""SharedPacer: one sliding window per (API host, account) shared by every process, through a locked file.

Window math runs on a fake clock whose sleep advances it; the cross-process
test runs real processes on a window scaled down to 1 s and checks the
invariant (no limit+1 admissions within one window), not how long anything took.
"""

import json
import multiprocessing
import os
import stat

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client, _pacer, _state_dir
from ansible_collections.exotel.sip_trunking.plugins.module_utils._pacer import (
    ProcessPacer,
    SharedPacer,
    build_pacer,
)

URL = 'https://api.in.exotel.com'
SID = 'acme1'


def pacer(fake, state_dir, limit=3, window=60.0, base_url=URL, account_sid=SID):
    return SharedPacer(base_url, account_sid, limit=limit, window=window, directory=state_dir,
                       clock=fake.clock, sleep=fake.sleep)


def send(p):
    """One paced request that is answered at once."""
    waited = p.wait()
    p.finished()
    return waited


def record_path(state_dir, base_url=URL, account_sid=SID):
    return os.path.join(state_dir, _state_dir.record_file_name('pacer', base_url, account_sid))


def stored_times(state_dir):
    with open(record_path(state_dir), encoding='utf-8') as stream:
        return json.load(stream)['sent']


# ------------------------------------------------------------------------ window math

def test_limit_reached_waits_exactly_until_the_oldest_leaves_the_window(fake, state_dir):
    p = pacer(fake, state_dir)
    assert p.shared and p.warning is None
    assert [send(p) for _request in range(3)] == [0.0, 0.0, 0.0]
    fake.now += 10
    assert send(p) == 50.0
    assert fake.slept == [50.0]
    assert p.waited == 50.0


def test_room_comes_when_the_limit_th_most_recent_send_leaves(fake, state_dir):
    p = pacer(fake, state_dir)
    start = fake.now
    for offset in (0, 5, 10):
        fake.now = start + offset
        send(p)
    fake.now = start + 20
    assert send(p) == 40.0          # until start + 0 leaves
    assert send(p) == 5.0           # then until start + 5 leaves
    assert p.waited == 45.0


def test_a_request_counts_from_its_answer(fake, state_dir):
    """The server counts a request on arrival, at the latest when it answers: the window follows the answer."""
    p = pacer(fake, state_dir, limit=1, window=10.0)
    start = fake.now
    p.wait()
    fake.now += 2.0                 # the request takes 2 s
    p.finished()
    assert stored_times(state_dir) == [start + 2.0]
    fake.now = start + 3.0
    assert send(p) == 9.0           # until start + 2 + 10


def test_sleeps_outside_the_lock_and_looks_again(fake, state_dir):
    """If another process takes the freed slot while we sleep, we wait again instead of overshooting."""
    mine, other = pacer(fake, state_dir, limit=1, window=10.0), pacer(fake, state_dir, limit=1, window=10.0)
    send(other)

    def sleep_then_lose_the_race(seconds):
        fake.sleep(seconds)
        if len(fake.slept) == 1:
            send(other)             # runs while `mine` is asleep, so without its lock
    mine._sleep = sleep_then_lose_the_race  # pylint: disable=protected-access
    assert send(mine) == 20.0
    assert fake.slept == [10.0, 10.0]


def test_rate_limit_zero_disables_pacing_and_touches_no_file(fake, state_dir):
    p = pacer(fake, state_dir, limit=0)
    assert [send(p) for _request in range(50)] == [0.0] * 50
    assert p.waited == 0.0 and p.warning is None
    assert not os.path.exists(state_dir)


# ------------------------------------------------------------------ one budget, many pacers

def test_pacers_of_one_account_share_one_budget(fake, state_dir):
    first, second = pacer(fake, state_dir), pacer(fake, state_dir)
    start = fake.now
    assert [send(first), send(first), send(second)] == [0.0, 0.0, 0.0]
    assert send(second) == 60.0
    assert stored_times(state_dir) == [start + 60.0]
    assert first.waited == 0.0 and second.waited == 60.0


def test_other_accounts_and_hosts_have_their_own_budget(fake, state_dir):
    for _request in range(3):
        send(pacer(fake, state_dir))
    assert send(pacer(fake, state_dir, account_sid='other')) == 0.0
    assert send(pacer(fake, state_dir, base_url='https://api.exotel.com')) == 0.0
    assert send(pacer(fake, state_dir, base_url='https://API.in.exotel.com/')) == 60.0


def _admit_in_child(state_dir, count, queue):
    """Child process: ``count`` paced requests; report the wall-clock time each one was admitted at."""
    import time  # pylint: disable=import-outside-toplevel
    last = []

    def clock():
        last.append(time.time())
        return last[-1]
    p = SharedPacer(URL, SID, limit=10, window=1.0, directory=state_dir, clock=clock)
    admitted = []
    for _request in range(count):
        p.wait()
        admitted.append(last[-1])    # wait() reads the clock last when it admits
        time.sleep(0.005)            # the request itself
        p.finished()
    queue.put((admitted, p.shared))


def test_processes_never_exceed_the_limit_within_any_window(state_dir):
    """4 processes x 8 requests at 10 per 1 s: any 11 consecutive admissions span at least the window."""
    context = multiprocessing.get_context('fork')
    queue = context.Queue()
    children = [context.Process(target=_admit_in_child, args=(state_dir, 8, queue)) for _child in range(4)]
    for child in children:
        child.start()
    reports = [queue.get(timeout=120) for _child in children]
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    assert all(shared for _times, shared in reports)
    times = sorted(t for admitted, _shared in reports for t in admitted)
    assert len(times) == 32
    # 1e-6: float rounding of "now - window < t", not a timing allowance.
    spans = [times[i + 10] - times[i] for i in range(len(times) - 10)]
    assert min(spans) >= 1.0 - 1e-6, spans


# ---------------------------------------------------------------- stale, corrupt, future

def write_record(state_dir, content):
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    with open(record_path(state_dir), 'wb') as stream:
        stream.write(content if isinstance(content, bytes) else json.dumps(content).encode())
    os.chmod(record_path(state_dir), 0o600)


def test_times_that_left_the_window_are_dropped(fake, state_dir):
    write_record(state_dir, {'version': 1, 'sent': [fake.now - 61, fake.now - 60, fake.now - 300]})
    p = pacer(fake, state_dir)
    assert [send(p) for _request in range(3)] == [0.0, 0.0, 0.0]
    assert stored_times(state_dir) == [fake.now] * 3


@pytest.mark.parametrize('content', [
    b'', b'{"version": 1, "sent": [', b'\xff\xfe garbage', b'[1, 2, 3]', b'{"version": 1, "sent": "soon"}',
    b'{"version": 99, "sent": []}', b'{"version": 1, "sent": [true, null, "1", NaN, Infinity, {"t": 1}]}',
])
def test_an_unparsable_record_is_reset(fake, state_dir, content):
    write_record(state_dir, content)
    p = pacer(fake, state_dir, limit=1)
    assert send(p) == 0.0
    assert p.warning is None
    assert stored_times(state_dir) == [fake.now]


def test_times_far_in_the_future_are_dropped_near_ones_kept(fake, state_dir):
    """After the clock is stepped back, a record from "the future" must not stall every run."""
    write_record(state_dir, {'version': 1, 'sent': [fake.now + 3600, fake.now + 61]})
    assert send(pacer(fake, state_dir, limit=1)) == 0.0
    write_record(state_dir, {'version': 1, 'sent': [fake.now + 5]})
    assert send(pacer(fake, state_dir, limit=1)) == 65.0   # a small step back only delays, by the step


# ----------------------------------------------------------------------- degradation

def assert_falls_back(p, fake, reason):
    assert not p.shared
    assert reason in p.warning and 'EXOTEL_STATE_DIR' in p.warning
    assert [send(p), send(p)] == [0.0, 0.0]
    assert send(p) == 60.0          # still paced, per process


def test_uncreatable_directory_falls_back_with_a_warning(fake, tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('not a directory')
    p = pacer(fake, str(blocker / 'state'), limit=2)
    assert_falls_back(p, fake, 'cannot create')


@pytest.mark.skipif(os.geteuid() == 0, reason='root writes into read-only directories')
def test_read_only_directory_falls_back_with_a_warning(fake, tmp_path):
    state = tmp_path / 'state'
    state.mkdir(mode=0o500)
    try:
        assert_falls_back(pacer(fake, str(state), limit=2), fake, 'Permission denied')
    finally:
        state.chmod(0o700)


def test_read_only_file_system_falls_back_with_a_warning(fake, state_dir, monkeypatch):
    """What a read-only home in a container gives, even to root: EROFS on create."""
    def read_only(path, *args):
        raise OSError(30, 'Read-only file system', path)
    monkeypatch.setattr(_state_dir.os, 'open', read_only)
    assert_falls_back(pacer(fake, state_dir, limit=2), fake, 'Read-only file system')


def test_directory_lost_mid_run_falls_back_with_a_warning(fake, state_dir):
    p = pacer(fake, state_dir, limit=2)
    assert p.shared
    os.remove(record_path(state_dir))
    os.rmdir(state_dir)
    assert send(p) == 0.0           # carries on, per process
    assert not p.shared and 'No such file or directory' in p.warning
    assert [send(p), send(p)] == [0.0, 60.0]


def test_directory_writable_by_others_is_refused(fake, tmp_path):
    state = tmp_path / 'shared'
    state.mkdir()
    state.chmod(0o777)
    assert_falls_back(pacer(fake, str(state), limit=2), fake, 'writable by other users')


def test_no_fcntl_falls_back_with_a_warning(fake, state_dir, monkeypatch):
    monkeypatch.setattr(_state_dir, 'fcntl', None)
    assert_falls_back(pacer(fake, state_dir, limit=2), fake, 'fcntl')


def test_symlinked_record_is_refused(fake, state_dir, tmp_path):
    os.makedirs(state_dir, mode=0o700)
    target = tmp_path / 'elsewhere'
    target.write_text('{}')
    os.symlink(str(target), record_path(state_dir))
    assert_falls_back(pacer(fake, state_dir, limit=2), fake, 'symbolic links')
    assert target.read_text() == '{}'


# --------------------------------------------------------------------- where and how stored

def test_directory_0700_and_record_0600(fake, tmp_path):
    previous = os.umask(0)
    try:
        state = str(tmp_path / 'a' / 'state')
        send(pacer(fake, state))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(record_path(state)).st_mode) == 0o600


def test_a_record_with_loose_permissions_is_tightened(fake, state_dir):
    write_record(state_dir, {'version': 1, 'sent': []})
    os.chmod(record_path(state_dir), 0o644)
    send(pacer(fake, state_dir))
    assert stat.S_IMODE(os.stat(record_path(state_dir)).st_mode) == 0o600


def test_default_directory_is_under_home_cache(fake, tmp_path, monkeypatch):
    monkeypatch.delenv('EXOTEL_STATE_DIR', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    p = SharedPacer(URL, SID, clock=fake.clock, sleep=fake.sleep)
    assert p.shared
    assert os.listdir(str(tmp_path / 'home' / '.cache' / 'exotel_sip_trunking')) == [
        os.path.basename(record_path('x'))]


def test_read_only_home_uses_the_temporary_directory(fake, tmp_path, monkeypatch):
    (tmp_path / 'home').write_text('a file: nothing can be created under it')
    monkeypatch.delenv('EXOTEL_STATE_DIR', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setattr(_state_dir.tempfile, 'tempdir', str(tmp_path / 'tmp'))
    (tmp_path / 'tmp').mkdir()
    p = SharedPacer(URL, SID, clock=fake.clock, sleep=fake.sleep)
    assert p.shared and p.warning is None
    assert os.path.isdir(str(tmp_path / 'tmp' / ('exotel_sip_trunking-%d' % os.geteuid())))


def test_state_dir_from_the_environment(fake, tmp_path, monkeypatch):
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(tmp_path / 'env_state'))
    assert SharedPacer(URL, SID, clock=fake.clock, sleep=fake.sleep).shared
    assert os.path.exists(record_path(str(tmp_path / 'env_state')))


def test_unusable_state_dir_from_the_environment_is_not_second_guessed(fake, tmp_path, monkeypatch):
    (tmp_path / 'file').write_text('')
    monkeypatch.setenv('EXOTEL_STATE_DIR', str(tmp_path / 'file' / 'state'))
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    p = SharedPacer(URL, SID, clock=fake.clock, sleep=fake.sleep)
    assert not p.shared and 'cannot create' in p.warning
    assert not os.path.exists(str(tmp_path / 'home'))


def test_relative_state_dir_falls_back(fake, monkeypatch):
    monkeypatch.setenv('EXOTEL_STATE_DIR', 'relative/state')
    p = SharedPacer(URL, SID, clock=fake.clock, sleep=fake.sleep)
    assert not p.shared and 'not an absolute path' in p.warning


def test_process_pacer_reports_its_waits():
    slept = []
    p = ProcessPacer(_client.RequestPacer, limit=1, window=60.0, sleep=slept.append)
    assert p.wait() == 0.0
    waited = p.wait()
    assert slept == [waited] and 59.0 < waited <= 60.0
    assert p.waited == waited
    p.finished()


def test_rate_window_from_the_environment(monkeypatch, state_dir):
    monkeypatch.delenv('EXOTEL_RATE_WINDOW', raising=False)
    assert build_pacer(URL, SID, 20, _client.RequestPacer, kind='process').window == 60.0
    monkeypatch.setenv('EXOTEL_RATE_WINDOW', '2.5')
    monkeypatch.setenv('EXOTEL_STATE_DIR', state_dir)
    assert build_pacer(URL, SID, 20, _client.RequestPacer).window == 2.5
    assert build_pacer(URL, SID, 20, _client.RequestPacer, kind='process').window == 2.5


@pytest.mark.parametrize('name, value', [('EXOTEL_RATE_WINDOW', '0'), ('EXOTEL_RATE_WINDOW', 'soon'),
                                         ('EXOTEL_RATE_WINDOW', 'inf'), ('EXOTEL_RATE_WINDOW', 'nan'),
                                         ('EXOTEL_PACER', 'global')])
def test_invalid_knobs_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        build_pacer(URL, SID, 20, _client.RequestPacer)


def test_module_utils_header():
    for module in (_pacer, _state_dir):
        with open(module.__file__, encoding='utf-8') as stream:
            text = stream.read()
        assert 'SPDX-License-Identifier: GPL-3.0-or-later' in text
        assert '__metaclass__ = type' in text and 'print(' not in text

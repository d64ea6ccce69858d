"""The controller's shared state, exactly: where its files live, how they are named, written and refused,
the warnings that say why a run falls back, the knobs of the environment, and the edges of the windows.

tests/unit/test_pacer.py and test_trunk_cache.py show the pacer and the trunk cache work; this file pins
the details a user or a concurrent run sees (messages, file names and contents, boundary times).
"""

import errno
import hashlib
import json
import os
import stat

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client, _state_dir
from ansible_collections.exotel.sip_trunking.plugins.module_utils._pacer import (
    ProcessPacer,
    SharedPacer,
    build_pacer,
    rate_window,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._state_dir import (
    LockedRecord,
    MemoryRecord,
    StateDirUnavailable,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._trunk_cache import (
    TrunkDirectoryCache,
    build_trunk_cache,
)
from _fakes import FakeTime

URL = 'https://api.in.exotel.com'
SID = 'acme1'
ALPHA = {'trunk_name': 'alpha', 'trunk_sid': 'tr1'}
BETA = {'trunk_name': 'beta', 'trunk_sid': 'tr2'}


def open_descriptors():
    return len(os.listdir('/proc/self/fd'))


# ------------------------------------------------------------------------ file names

@pytest.mark.parametrize('base_url, host', [
    ('https://API.in.Exotel.com', 'api.in.exotel.com'),
    ('https://api.in.exotel.com/', 'api.in.exotel.com'),
    ('http://127.0.0.1:8443/v2', '127.0.0.1:8443'),
    ('Not-A-URL', 'not-a-url'),
])
def test_api_host(base_url, host):
    assert _state_dir.api_host(base_url) == host


def test_a_record_is_named_by_kind_and_a_hash_of_host_and_account():
    digest = hashlib.sha256(b'api.in.exotel.com\0acme1').hexdigest()[:32]
    assert _state_dir.record_file_name('trunks', URL, SID) == 'trunks-%s.json' % digest
    assert _state_dir.record_file_name('trunks', URL, SID, '.lock') == 'trunks-%s.lock' % digest
    assert _state_dir.record_file_name('pacer', URL, None) == 'pacer-%s.json' % (
        hashlib.sha256(b'api.in.exotel.com\0').hexdigest()[:32])


# ---------------------------------------------------------------------- the directory

def test_candidates_are_the_home_cache_then_a_private_temporary_directory(tmp_path, monkeypatch):
    monkeypatch.delenv('EXOTEL_STATE_DIR', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setattr(_state_dir.tempfile, 'tempdir', str(tmp_path / 'tmp'))
    assert _state_dir.candidate_directories() == [
        str(tmp_path / 'home' / '.cache' / 'exotel_sip_trunking'),
        str(tmp_path / 'tmp' / ('exotel_sip_trunking-%d' % os.geteuid()))]


def test_a_relative_home_is_no_candidate(tmp_path, monkeypatch):
    monkeypatch.delenv('EXOTEL_STATE_DIR', raising=False)
    monkeypatch.setenv('HOME', 'relative-home')
    monkeypatch.setattr(_state_dir.tempfile, 'tempdir', str(tmp_path))
    assert _state_dir.candidate_directories() == [str(tmp_path / ('exotel_sip_trunking-%d' % os.geteuid()))]


def test_an_explicit_directory_is_the_only_candidate(monkeypatch):
    monkeypatch.setenv('EXOTEL_STATE_DIR', '/somewhere/state')
    assert _state_dir.candidate_directories() == ['/somewhere/state']


def test_every_reason_is_told_when_no_candidate_is_usable(tmp_path, monkeypatch):
    (tmp_path / 'home').write_text('a file')
    (tmp_path / 'tmp').write_text('a file')
    monkeypatch.delenv('EXOTEL_STATE_DIR', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setattr(_state_dir.tempfile, 'tempdir', str(tmp_path / 'tmp'))
    with pytest.raises(StateDirUnavailable) as raised:
        _state_dir.private_directory()
    assert str(raised.value) == 'cannot create %s: Not a directory; cannot create %s: Not a directory' % (
        tmp_path / 'home' / '.cache' / 'exotel_sip_trunking', tmp_path / 'tmp' / (
            'exotel_sip_trunking-%d' % os.geteuid()))


def test_the_first_usable_candidate_is_taken(tmp_path, monkeypatch):
    (tmp_path / 'home').write_text('a file')
    monkeypatch.delenv('EXOTEL_STATE_DIR', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setattr(_state_dir.tempfile, 'tempdir', str(tmp_path))
    assert _state_dir.private_directory() == str(tmp_path / ('exotel_sip_trunking-%d' % os.geteuid()))


def test_a_given_directory_is_created_private_or_accepted(tmp_path):
    path = str(tmp_path / 'a' / 'b')
    assert _state_dir.private_directory(path) == path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert _state_dir.private_directory(path) == path


def test_no_file_locking_means_no_directory(monkeypatch, tmp_path):
    monkeypatch.setattr(_state_dir, 'fcntl', None)
    with pytest.raises(StateDirUnavailable) as raised:
        _state_dir.private_directory(str(tmp_path))
    assert str(raised.value) == 'this controller has no POSIX file locking (fcntl)'


def refusal(path):
    with pytest.raises(StateDirUnavailable) as raised:
        _state_dir.private_directory(path)
    return str(raised.value)


def test_a_relative_directory_is_refused():
    assert refusal('relative/state') == 'relative/state is not an absolute path'


def test_a_file_is_not_a_directory(tmp_path):
    (tmp_path / 'file').write_text('')
    assert refusal(str(tmp_path / 'file')) == '%s is not a directory' % (tmp_path / 'file')


def test_an_uncreatable_directory_is_refused_with_the_reason(tmp_path):
    (tmp_path / 'file').write_text('')
    assert refusal(str(tmp_path / 'file' / 'x')) == 'cannot create %s: Not a directory' % (tmp_path / 'file' / 'x')


def test_a_directory_of_another_user_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_state_dir.os, 'geteuid', lambda: os.stat(str(tmp_path)).st_uid + 1)
    assert refusal(str(tmp_path)) == '%s belongs to another user' % tmp_path


@pytest.mark.parametrize('mode', [0o720, 0o702, 0o777])
def test_a_directory_others_can_write_into_is_refused(tmp_path, mode):
    path = tmp_path / 'state'
    path.mkdir()
    path.chmod(mode)
    assert refusal(str(path)) == '%s is writable by other users' % path


def test_a_directory_that_cannot_be_examined_is_refused(tmp_path, monkeypatch):
    path = str(tmp_path / 'state')
    real_stat = os.stat

    def failing_stat(name, *args, **kwargs):
        if name == path:
            raise OSError(errno.EACCES, 'Permission denied', name)
        return real_stat(name, *args, **kwargs)
    monkeypatch.setattr(_state_dir.os, 'stat', failing_stat)
    assert refusal(path) == 'cannot use %s: Permission denied' % path


# ------------------------------------------------------------------------- the records

def test_a_record_is_written_as_compact_sorted_json_with_its_version(state_dir):
    os.makedirs(state_dir)
    path = os.path.join(state_dir, 'r.json')
    record = LockedRecord(path)
    assert record.read() == {}
    with record.update() as data:
        data.update(zulu=1, alpha=[1, 2], text='a much longer value than the next one')
    with record.update() as data:
        data['text'] = 'short'
    with open(path, 'rb') as stream:
        assert stream.read() == b'{"alpha":[1,2],"text":"short","version":1,"zulu":1}'
    assert record.read() == {'alpha': [1, 2], 'text': 'short', 'version': 1, 'zulu': 1}


def test_a_large_record_is_read_and_written_whole(state_dir):
    os.makedirs(state_dir)
    record = LockedRecord(os.path.join(state_dir, 'big.json'))
    with record.update() as data:
        data['sent'] = list(range(30000))
    assert record.read()['sent'] == list(range(30000))


def test_a_block_that_fails_writes_nothing(state_dir):
    os.makedirs(state_dir)
    record = LockedRecord(os.path.join(state_dir, 'r.json'))
    with record.update() as data:
        data['kept'] = 1
    with pytest.raises(RuntimeError):
        with record.update() as data:
            data['kept'] = 2
            raise RuntimeError('stop')
    assert record.read()['kept'] == 1


def test_a_new_record_file_is_created_private(state_dir):
    os.makedirs(state_dir)
    previous = os.umask(0)
    try:
        LockedRecord(os.path.join(state_dir, 'r.json'))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(os.path.join(state_dir, 'r.json')).st_mode) == 0o600


def test_a_new_record_file_is_never_wider_than_0600_even_before_its_chmod(state_dir, monkeypatch):
    # The fchmod after opening narrows an existing file; a new one must not be readable by others
    # in between, so it is created with mode 0600 (whatever the umask).
    created = []
    real_open = os.open

    def recording_open(path, flags, mode=0o777):
        created.append(mode)
        return real_open(path, flags, mode)
    monkeypatch.setattr(_state_dir.os, 'open', recording_open)
    os.makedirs(state_dir)
    LockedRecord(os.path.join(state_dir, 'r.json'))
    assert created == [0o600]


def test_a_record_file_of_another_user_is_refused(state_dir, monkeypatch):
    os.makedirs(state_dir)
    path = os.path.join(state_dir, 'r.json')
    LockedRecord(path)
    monkeypatch.setattr(_state_dir.os, 'geteuid', lambda: os.stat(path).st_uid + 1)
    before = open_descriptors()
    with pytest.raises(OSError) as raised:
        LockedRecord(path)
    assert (raised.value.errno, raised.value.strerror, raised.value.filename) == (
        errno.EPERM, 'belongs to another user', path)
    assert open_descriptors() == before


class ReplacingLocks:
    """fcntl whose first lock waits while someone replaces (or deletes) the record file."""

    def __init__(self, path, replacement):
        self.path = path
        self.replacement = replacement
        self.calls = 0
        self.real = _state_dir.fcntl
        self.LOCK_EX = _state_dir.fcntl.LOCK_EX  # pylint: disable=invalid-name
        self.LOCK_SH = _state_dir.fcntl.LOCK_SH  # pylint: disable=invalid-name

    def flock(self, fd, operation):
        self.calls += 1
        if self.calls == 1:
            os.remove(self.path)
            if self.replacement is not None:
                with open(self.path, 'wb') as stream:
                    stream.write(self.replacement)
                os.chmod(self.path, 0o600)
        self.real.flock(fd, operation)


@pytest.mark.parametrize('replacement', [b'{"version":1,"who":"new"}', None])
def test_a_record_replaced_while_waiting_for_the_lock_is_opened_again(state_dir, monkeypatch, replacement):
    os.makedirs(state_dir)
    path = os.path.join(state_dir, 'r.json')
    record = LockedRecord(path)
    with record.update() as data:
        data['who'] = 'old'
    locks = ReplacingLocks(path, replacement)
    monkeypatch.setattr(_state_dir, 'fcntl', locks)
    assert record.read() == ({'version': 1, 'who': 'new'} if replacement else {})
    assert locks.calls == 2


def test_a_lock_that_fails_closes_the_file(state_dir, monkeypatch):
    os.makedirs(state_dir)
    path = os.path.join(state_dir, 'r.json')
    record = LockedRecord(path)

    class FailingLocks:
        LOCK_EX = LOCK_SH = 0

        @staticmethod
        def flock(fd, operation):
            raise OSError(errno.ENOLCK, 'No locks available')
    monkeypatch.setattr(_state_dir, 'fcntl', FailingLocks)
    before = open_descriptors()
    with pytest.raises(OSError):
        record.read()
    assert open_descriptors() == before


def test_a_memory_record_hands_out_copies_and_keeps_only_finished_updates():
    record = MemoryRecord()
    assert record.read() == {}
    with record.update() as data:
        data['n'] = 1
    record.read()['n'] = 99
    with pytest.raises(RuntimeError):
        with record.update() as data:
            data['n'] = 2
            raise RuntimeError('stop')
    assert record.read() == {'n': 1}


# ------------------------------------------------------------------------- trunk cache

class Clock:
    def __init__(self, now=1000000.0):
        self.now = now

    def __call__(self):
        return self.now


def cache(clock, state_dir, **kwargs):
    return TrunkDirectoryCache(URL, SID, directory=state_dir, clock=clock, **kwargs)


def write_trunk_record(state_dir, data):
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    path = os.path.join(state_dir, _state_dir.record_file_name('trunks', URL, SID))
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump(dict(data, version=1), stream)
    os.chmod(path, 0o600)


def test_the_cache_warning_says_why_and_what_to_do(tmp_path):
    (tmp_path / 'file').write_text('')
    c = cache(Clock(), str(tmp_path / 'file' / 'state'))
    assert c.warning == ('The shared trunk directory cache cannot be used (cannot create %s: Not a directory), so '
                         'each task lists the trunks itself. Set EXOTEL_STATE_DIR to a private writable directory '
                         'to share it.' % (tmp_path / 'file' / 'state'))


def test_the_cache_clock_is_its_now(state_dir):
    assert cache(Clock(42.5), state_dir).now() == 42.5


def test_a_cache_defaults_to_a_ttl_of_two_minutes(state_dir):
    assert TrunkDirectoryCache(URL, SID, directory=state_dir).ttl == 120


def test_a_listing_stamped_true_is_not_a_time(state_dir):
    write_trunk_record(state_dir, {'listed_at': True, 'trunks': {}})
    assert cache(Clock(1.5), state_dir).get() is None


def test_a_fresh_listing_is_handed_out_as_a_copy(state_dir):
    clock = Clock()
    c = cache(clock, state_dir)
    c.put([ALPHA])
    c.get()['beta'] = BETA
    assert c.get() == {'alpha': ALPHA}


def test_trunks_without_a_name_are_not_listed(state_dir):
    c = cache(Clock(), state_dir)
    c.put([ALPHA, {'trunk_sid': 'tr9'}, {'trunk_name': '', 'trunk_sid': 'tr8'}])
    assert c.get() == {'alpha': ALPHA}


def test_remembering_nothing_or_a_nameless_trunk_changes_nothing(state_dir):
    clock = Clock()
    c = cache(clock, state_dir)
    c.put([ALPHA])
    c.remember(None)
    c.remember({'trunk_sid': 'tr9'})
    assert c.get() == {'alpha': ALPHA}


def test_a_change_at_the_start_of_the_listing_is_applied(state_dir):
    clock = Clock()
    lister, writer = cache(clock, state_dir), cache(clock, state_dir)
    started = lister.now()
    writer.remember(BETA)
    clock.now += 1
    lister.put([ALPHA], listed_at=started)
    assert lister.get() == {'alpha': ALPHA, 'beta': BETA}


def stored_changes(state_dir):
    with open(os.path.join(state_dir, _state_dir.record_file_name('trunks', URL, SID)), encoding='utf-8') as stream:
        return json.load(stream)['changes']


def test_the_record_keeps_only_changes_younger_than_ttl(state_dir):
    clock = Clock()
    c = cache(clock, state_dir, ttl=10)
    c.remember(ALPHA)
    clock.now += 1
    c.forget('beta')
    clock.now += 9
    c.put([])
    assert stored_changes(state_dir) == {'beta': {'at': clock.now - 9, 'trunk': None}}


@pytest.mark.parametrize('changes', [
    {'beta': {'at': 1000000.0 + 5, 'trunk': BETA}},      # from the future: the clock was stepped back
    {'beta': {'at': 1000000.0 - 120, 'trunk': BETA}},    # exactly ttl old
    {'beta': {'at': 'soon', 'trunk': BETA}},
    {'beta': ['not', 'a', 'change']},
    ['not', 'a', 'mapping'],
])
def test_changes_that_are_not_recent_are_ignored(state_dir, changes):
    clock = Clock()
    write_trunk_record(state_dir, {'listed_at': clock.now - 1, 'trunks': {}, 'changes': changes})
    c = cache(clock, state_dir)
    c.put([ALPHA], listed_at=clock.now - 1)
    assert c.get() == {'alpha': ALPHA}


def test_a_change_younger_than_ttl_is_applied(state_dir):
    clock = Clock()
    write_trunk_record(state_dir, {'changes': {'beta': {'at': clock.now - 119, 'trunk': BETA}}})
    c = cache(clock, state_dir)
    c.put([ALPHA], listed_at=clock.now - 119)
    assert c.get() == {'alpha': ALPHA, 'beta': BETA}


def test_a_refresh_lock_that_cannot_be_taken_disables_the_cache(state_dir):
    c = cache(Clock(), state_dir)
    os.mkdir(os.path.join(state_dir, _state_dir.record_file_name('trunks', URL, SID, '.lock')))
    with c.refresh_lock() as locked:
        assert locked is False
    assert not c.usable and 'Is a directory' in c.warning


def test_the_refresh_lock_is_held_in_the_block_and_released_after(state_dir):
    c = cache(Clock(), state_dir)
    lock_path = os.path.join(state_dir, _state_dir.record_file_name('trunks', URL, SID, '.lock'))
    with c.refresh_lock() as locked:
        assert locked is True
        fd = os.open(lock_path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                _state_dir.fcntl.flock(fd, _state_dir.fcntl.LOCK_EX | _state_dir.fcntl.LOCK_NB)
        finally:
            os.close(fd)
    fd = os.open(lock_path, os.O_RDWR)
    try:
        _state_dir.fcntl.flock(fd, _state_dir.fcntl.LOCK_EX | _state_dir.fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_build_trunk_cache_reads_the_environment(monkeypatch, state_dir):
    monkeypatch.setenv('EXOTEL_STATE_DIR', state_dir)
    monkeypatch.delenv('EXOTEL_TRUNK_CACHE', raising=False)
    monkeypatch.delenv('EXOTEL_TRUNK_CACHE_TTL', raising=False)
    built = build_trunk_cache(URL, SID)
    assert built.usable and built.ttl == 120.0
    monkeypatch.setenv('EXOTEL_TRUNK_CACHE_TTL', '7.5')
    assert build_trunk_cache(URL, SID).ttl == 7.5
    monkeypatch.setenv('EXOTEL_TRUNK_CACHE', 'off')
    assert build_trunk_cache(URL, SID) is None
    assert build_trunk_cache(URL, SID, kind='shared').usable
    monkeypatch.setenv('EXOTEL_TRUNK_CACHE', 'shared')
    assert build_trunk_cache(URL, SID, kind='off') is None


def test_built_trunk_caches_of_two_accounts_never_share_a_listing(monkeypatch, state_dir):
    monkeypatch.setenv('EXOTEL_STATE_DIR', state_dir)
    monkeypatch.delenv('EXOTEL_TRUNK_CACHE', raising=False)
    build_trunk_cache(URL, SID).put([{'trunk_name': 'acme_trunk', 'trunk_sid': 'tr1'}])
    assert build_trunk_cache(URL, 'other2').get() is None
    assert build_trunk_cache(URL, SID).get() is not None


def test_an_unknown_trunk_cache_kind_is_refused(monkeypatch):
    monkeypatch.setenv('EXOTEL_TRUNK_CACHE', 'global')
    with pytest.raises(ValueError) as raised:
        build_trunk_cache(URL, SID)
    assert str(raised.value) == "EXOTEL_TRUNK_CACHE must be one of shared, off, not 'global'"


# --------------------------------------------------------------------------------- pacer

def pacer(fake, state_dir, limit=1, window=60.0):
    return SharedPacer(URL, SID, limit=limit, window=window, directory=state_dir, clock=fake.clock, sleep=fake.sleep)


def write_send_times(state_dir, times):
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    path = os.path.join(state_dir, _state_dir.record_file_name('pacer', URL, SID))
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump({'version': 1, 'sent': times}, stream)
    os.chmod(path, 0o600)


def send(p):
    waited = p.wait()
    p.finished()
    return waited


def test_the_pacer_warning_says_why_and_what_to_do(fake, tmp_path):
    (tmp_path / 'file').write_text('')
    p = pacer(fake, str(tmp_path / 'file' / 'state'))
    assert p.warning == (
        'The shared API rate-limit record cannot be used (cannot create %s: Not a directory), so this task paces '
        'only its own requests: parallel tasks on the same Exotel account may be answered 429 and retried. Set '
        'EXOTEL_STATE_DIR to a private writable directory to share one budget.' % (tmp_path / 'file' / 'state'))


def test_the_pacer_defaults_to_the_api_limit(state_dir):
    p = SharedPacer(URL, SID, directory=state_dir)
    assert (p.limit, p.window, p.waited, p.shared) == (200, 60.0, 0.0, True)


def test_a_tiny_wait_sleeps_at_least_a_millisecond(fake, state_dir):
    write_send_times(state_dir, [fake.now - 59.9995])
    assert send(pacer(fake, state_dir)) == 0.001
    assert fake.slept == [0.001]


def test_a_negative_limit_disables_pacing(fake, state_dir):
    p = pacer(fake, state_dir, limit=-1)
    assert [send(p) for _request in range(3)] == [0.0] * 3
    assert not p.enabled and not os.path.exists(state_dir)


def test_a_send_time_a_full_window_ahead_still_counts(fake, state_dir):
    write_send_times(state_dir, [fake.now + 60.0])
    assert send(pacer(fake, state_dir)) == 120.0


def test_true_is_not_a_send_time(state_dir):
    fake = FakeTime(now=1.5)
    write_send_times(state_dir, [True])
    assert send(pacer(fake, state_dir)) == 0.0


def test_finished_without_a_wait_changes_nothing(fake, state_dir):
    p = pacer(fake, state_dir)
    p.finished()
    assert p._record.read() == {}  # pylint: disable=protected-access


def test_a_finished_request_replaces_its_admission_time(fake, state_dir):
    p = pacer(fake, state_dir, limit=5)
    p.wait()
    fake.now += 3
    p.finished()
    assert p._record.read()['sent'] == [fake.now]  # pylint: disable=protected-access


def test_each_wait_returns_its_own_seconds(fake, state_dir):
    p = pacer(fake, state_dir)
    assert [send(p), send(p), send(p)] == [0.0, 60.0, 60.0]
    assert p.waited == 120.0


@pytest.mark.parametrize('value, window', [('', 60.0), ('0.5', 0.5), ('2.5', 2.5), ('1e3', 1000.0)])
def test_rate_window_values(monkeypatch, value, window):
    monkeypatch.setenv('EXOTEL_RATE_WINDOW', value)
    assert rate_window() == window


@pytest.mark.parametrize('value', ['0', '-1', 'soon', 'inf', 'nan'])
def test_rate_window_refusal_names_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv('EXOTEL_RATE_WINDOW', value)
    with pytest.raises(ValueError) as raised:
        rate_window()
    assert str(raised.value) == 'EXOTEL_RATE_WINDOW must be a positive number of seconds, not %r' % value


def test_an_unknown_pacer_is_refused(monkeypatch):
    monkeypatch.setenv('EXOTEL_PACER', 'global')
    with pytest.raises(ValueError) as raised:
        build_pacer(URL, SID, 20, _client.RequestPacer)
    assert str(raised.value) == "the pacer must be one of shared, process, not 'global' (EXOTEL_PACER)"


def test_build_pacer_chooses_from_the_environment(monkeypatch, state_dir):
    slept = []
    monkeypatch.setenv('EXOTEL_STATE_DIR', state_dir)
    monkeypatch.delenv('EXOTEL_RATE_WINDOW', raising=False)
    monkeypatch.delenv('EXOTEL_PACER', raising=False)
    shared = build_pacer(URL, SID, 7, _client.RequestPacer, sleep=slept.append)
    assert isinstance(shared, SharedPacer) and shared.shared and (shared.limit, shared.window) == (7, 60.0)
    monkeypatch.setenv('EXOTEL_PACER', 'process')
    process = build_pacer(URL, SID, 1, _client.RequestPacer, sleep=slept.append)
    assert isinstance(process, ProcessPacer) and (process.limit, process.window) == (1, 60.0)
    assert (process.shared, process.warning) == (False, None)
    assert isinstance(build_pacer(URL, SID, 1, _client.RequestPacer, kind='shared'), SharedPacer)
    process.wait()
    process.wait()
    assert len(slept) == 1 and 59.0 < slept[0] <= 60.0


class Asleep(Exception):
    """Raised by a sleep hook: the pacer asked to sleep this long."""


def test_the_shared_pacer_sleeps_through_the_given_sleep(monkeypatch, state_dir):
    def sleep(seconds):
        raise Asleep(seconds)
    monkeypatch.setenv('EXOTEL_STATE_DIR', state_dir)
    monkeypatch.delenv('EXOTEL_RATE_WINDOW', raising=False)
    monkeypatch.delenv('EXOTEL_PACER', raising=False)
    p = build_pacer(URL, SID, 1, _client.RequestPacer, sleep=sleep)
    send(p)
    with pytest.raises(Asleep) as raised:
        p.wait()
    assert 59.0 < raised.value.args[0] <= 60.0


def test_built_pacers_of_two_accounts_count_separately(monkeypatch, state_dir):
    def sleep(seconds):
        raise Asleep(seconds)
    monkeypatch.setenv('EXOTEL_STATE_DIR', state_dir)
    monkeypatch.delenv('EXOTEL_PACER', raising=False)
    monkeypatch.delenv('EXOTEL_RATE_WINDOW', raising=False)
    send(build_pacer(URL, SID, 1, _client.RequestPacer, sleep=sleep))
    send(build_pacer(URL, 'other2', 1, _client.RequestPacer, sleep=sleep))
    with pytest.raises(Asleep):
        build_pacer(URL, SID, 1, _client.RequestPacer, sleep=sleep).wait()


class TwoNaps:
    """A per-process pacer that sleeps twice for every request."""

    def __init__(self, limit, window, sleep):
        self.limit, self.window, self.sleep = limit, window, sleep

    def wait(self):
        self.sleep(1.5)
        self.sleep(0.5)


def test_the_process_pacer_counts_every_sleep_of_every_wait():
    slept = []
    p = ProcessPacer(TwoNaps, limit=3, window=9.0, sleep=slept.append)
    assert (p._pacer.limit, p._pacer.window) == (3, 9.0)  # pylint: disable=protected-access
    assert [p.wait(), p.wait()] == [2.0, 2.0]
    assert p.waited == 4.0 and slept == [1.5, 0.5, 1.5, 0.5]


def test_the_process_pacer_keeps_its_window():
    slept = []
    p = ProcessPacer(_client.RequestPacer, limit=1, window=2.0, sleep=slept.append)
    p.wait()
    waited = p.wait()
    assert 1.0 < waited <= 2.0 and slept == [waited]


def test_a_pacer_that_fell_back_or_is_disabled_is_not_shared(fake, tmp_path):
    (tmp_path / 'file').write_text('')
    assert pacer(fake, str(tmp_path / 'file' / 'state')).shared is False
    assert pacer(fake, str(tmp_path / 'state'), limit=0).shared is False


def test_forgetting_a_trunk_the_listing_lacks_changes_nothing(state_dir):
    clock = Clock()
    c = cache(clock, state_dir)
    c.put([ALPHA])
    c.forget('ghost')
    clock.now += 1
    c.put([ALPHA], listed_at=clock.now - 2)
    assert c.get() == {'alpha': ALPHA}


def test_an_unusable_cache_keeps_its_first_reason(tmp_path):
    (tmp_path / 'file').write_text('')
    c = cache(Clock(), str(tmp_path / 'file' / 'state'))
    reason = c.warning
    with c.refresh_lock() as locked:
        assert locked is False
    assert c.warning == reason

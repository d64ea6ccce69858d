"""TrunkDirectoryCache: one trunk listing per account shared by every module run, fresh for ``ttl`` seconds."""

import fcntl
import json
import multiprocessing
import os
import stat

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _state_dir, _trunk_cache
from ansible_collections.exotel.sip_trunking.plugins.module_utils._trunk_cache import TrunkDirectoryCache

URL = 'https://api.in.exotel.com'
SID = 'acme1'
ALPHA = {'trunk_name': 'alpha', 'trunk_sid': 'tr1', 'domain_name': 'acme1.pstn.exotel.com'}
BETA = {'trunk_name': 'beta', 'trunk_sid': 'tr2', 'domain_name': 'acme1.pstn.exotel.com'}
GAMMA = {'trunk_name': 'gamma', 'trunk_sid': 'tr3', 'domain_name': 'acme1.pstn.exotel.com'}


class Clock:
    def __init__(self, now=1000000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def cache(clock, state_dir, **kwargs):
    return TrunkDirectoryCache(URL, SID, directory=state_dir, clock=clock, **kwargs)


def test_a_listing_is_fresh_for_ttl_seconds(clock, state_dir):
    c = cache(clock, state_dir)
    assert c.usable and c.warning is None
    assert c.get() is None
    c.put([ALPHA, BETA])
    assert c.get() == {'alpha': ALPHA, 'beta': BETA}
    clock.now += 119.9
    assert cache(clock, state_dir).get() == {'alpha': ALPHA, 'beta': BETA}   # another run sees it
    clock.now += 0.1
    assert c.get() is None


def test_put_accepts_a_mapping(clock, state_dir):
    cache(clock, state_dir).put({'alpha': ALPHA})
    assert cache(clock, state_dir).get() == {'alpha': ALPHA}


def test_ttl_is_configurable(clock, state_dir):
    c = cache(clock, state_dir, ttl=5)
    c.put([ALPHA])
    clock.now += 5
    assert c.get() is None


def test_remember_and_forget_keep_a_fresh_listing_current(clock, state_dir):
    first, second = cache(clock, state_dir), cache(clock, state_dir)
    first.put([ALPHA, BETA])
    second.remember(GAMMA)
    second.forget('alpha')
    assert first.get() == {'beta': BETA, 'gamma': GAMMA}


def test_remember_does_not_make_a_stale_listing_fresh(clock, state_dir):
    c = cache(clock, state_dir)
    c.remember(GAMMA)
    assert c.get() is None
    c.put([ALPHA])
    clock.now += 200
    c.remember(GAMMA)
    assert c.get() is None


def test_changes_made_during_a_listing_are_not_lost(clock, state_dir):
    """A trunk created (or deleted) while another fork was listing may be missing from (or still in) that listing."""
    lister, writer = cache(clock, state_dir), cache(clock, state_dir)
    started = lister.now()
    clock.now += 1
    writer.remember(GAMMA)          # created after the listing began
    writer.forget('beta')           # deleted after the listing began
    clock.now += 1
    lister.put([ALPHA, BETA], listed_at=started)
    assert lister.get() == {'alpha': ALPHA, 'gamma': GAMMA}


def test_changes_older_than_the_listing_are_left_to_it(clock, state_dir):
    c = cache(clock, state_dir)
    c.forget('alpha')               # deleted, then created again, before the listing began
    clock.now += 1
    c.put([ALPHA])
    assert c.get() == {'alpha': ALPHA}


def test_invalidate(clock, state_dir):
    c = cache(clock, state_dir)
    c.put([ALPHA])
    c.invalidate()
    assert c.get() is None
    assert cache(clock, state_dir).get() is None


def test_a_listing_from_the_future_is_stale(clock, state_dir):
    """The clock was stepped back: the listing's age is unknown."""
    c = cache(clock, state_dir)
    c.put([ALPHA])
    clock.now -= 30
    assert c.get() is None


@pytest.mark.parametrize('content', [b'', b'{"version": 1, "listed_at": ', b'\xff', b'[]',
                                     b'{"version": 1, "listed_at": "now", "trunks": {}}',
                                     b'{"version": 1, "listed_at": 1000000.0, "trunks": []}'])
def test_a_corrupt_record_is_a_miss_and_is_replaced(clock, state_dir, content):
    c = cache(clock, state_dir)
    path = os.path.join(state_dir, _state_dir.record_file_name('trunks', URL, SID))
    with open(path, 'wb') as stream:
        stream.write(content)
    assert c.get() is None
    c.remember(GAMMA)
    clock.now += 1
    c.put([ALPHA])
    assert c.get() == {'alpha': ALPHA}


def test_files_are_private_and_hold_only_trunk_records(clock, state_dir):
    c = cache(clock, state_dir)
    c.put([ALPHA])
    with c.refresh_lock():
        pass
    assert stat.S_IMODE(os.stat(state_dir).st_mode) == 0o700
    names = sorted(os.listdir(state_dir))
    assert [name.rsplit('.', 1)[1] for name in names] == ['json', 'lock']
    for name in names:
        assert SID not in name
        assert stat.S_IMODE(os.stat(os.path.join(state_dir, name)).st_mode) == 0o600
    with open(os.path.join(state_dir, names[0]), encoding='utf-8') as stream:
        assert json.load(stream)['trunks'] == {'alpha': ALPHA}


def test_unusable_directory_means_no_cache_and_a_warning(clock, tmp_path):
    (tmp_path / 'file').write_text('')
    c = cache(clock, str(tmp_path / 'file' / 'state'))
    assert not c.usable
    assert 'cannot create' in c.warning and 'EXOTEL_STATE_DIR' in c.warning
    c.put([ALPHA])
    c.remember(BETA)
    c.forget('alpha')
    c.invalidate()
    assert c.get() is None
    with c.refresh_lock() as locked:
        assert locked is False


def test_directory_lost_mid_run_disables_the_cache(clock, state_dir):
    c = cache(clock, state_dir)
    c.put([ALPHA])
    for name in os.listdir(state_dir):
        os.remove(os.path.join(state_dir, name))
    os.rmdir(state_dir)
    assert c.get() is None
    assert not c.usable and 'No such file or directory' in c.warning


# ------------------------------------------------------------------------- refresh lock

def _hold_refresh_lock(state_dir, holding, release):
    with TrunkDirectoryCache(URL, SID, directory=state_dir).refresh_lock() as locked:
        assert locked
        holding.set()
        release.wait(60)


def test_refresh_lock_is_exclusive_across_processes(state_dir):
    context = multiprocessing.get_context('fork')
    holding, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_refresh_lock, args=(state_dir, holding, release))
    holder.start()
    try:
        assert holding.wait(60)
        lock_path = os.path.join(state_dir, _state_dir.record_file_name('trunks', URL, SID, '.lock'))
        fd = os.open(lock_path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    finally:
        release.set()
        holder.join(60)
    assert holder.exitcode == 0
    with TrunkDirectoryCache(URL, SID, directory=state_dir).refresh_lock() as locked:
        assert locked


def _look_up_trunks(state_dir, listings_file, queue):
    """The lookup a module will do: use the shared listing, or list once while the others wait."""
    import time  # pylint: disable=import-outside-toplevel
    c = TrunkDirectoryCache(URL, SID, directory=state_dir)
    trunks = c.get()
    if trunks is None:
        with c.refresh_lock():
            trunks = c.get()
            if trunks is None:
                started = c.now()
                with open(listings_file, 'a', encoding='utf-8') as stream:
                    stream.write('listed\n')
                time.sleep(0.3)          # the paged GET /trunks
                c.put([ALPHA, BETA], listed_at=started)
                trunks = c.get()
    queue.put(sorted(trunks))


def test_concurrent_lookups_list_once(state_dir, tmp_path):
    listings_file = str(tmp_path / 'listings')
    context = multiprocessing.get_context('fork')
    queue = context.Queue()
    forks = [context.Process(target=_look_up_trunks, args=(state_dir, listings_file, queue)) for _fork in range(6)]
    for fork in forks:
        fork.start()
    answers = [queue.get(timeout=60) for _child in forks]
    for fork in forks:
        fork.join(60)
        assert fork.exitcode == 0
    assert answers == [['alpha', 'beta']] * 6
    with open(listings_file, encoding='utf-8') as stream:
        assert stream.read() == 'listed\n'


def test_module_utils_header():
    with open(_trunk_cache.__file__, encoding='utf-8') as stream:
        text = stream.read()
    assert 'SPDX-License-Identifier: GPL-3.0-or-later' in text
    assert '__metaclass__ = type' in text and 'print(' not in text

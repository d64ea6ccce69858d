# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The account's trunks by name, listed once and shared by every module run on this controller.

The trunk list has no name filter, so every lookup by ``trunk_name`` pages
through all trunks; in a play of many tasks and forks that is most of the
request budget. This cache keeps one listing for ``ttl`` seconds in the private
state directory (see ``_state_dir``), kept current by the runs that create or
delete a trunk. Trunk records hold names, sids and domains: no secrets.

Typical use, so that concurrent forks wait for the first one's listing::

    trunks = cache.get()
    if trunks is None:
        with cache.refresh_lock():
            trunks = cache.get()          # another fork may have listed it meanwhile
            if trunks is None:
                started = cache.now()
                cache.put(client.list_trunks(), listed_at=started)
                trunks = cache.get()
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import time

from ansible_collections.exotel.sip_trunking.plugins.module_utils._state_dir import (
    LockedRecord,
    StateDirUnavailable,
    lock_exclusively,
    private_directory,
    record_file_name,
)

DEFAULT_TTL = 120
CACHE_ENV = 'EXOTEL_TRUNK_CACHE'
TTL_ENV = 'EXOTEL_TRUNK_CACHE_TTL'
CACHE_KINDS = ('shared', 'off')

UNAVAILABLE_WARNING = ('The shared trunk directory cache cannot be used (%s), so each task lists the trunks itself. '
                       'Set EXOTEL_STATE_DIR to a private writable directory to share it.')


class TrunkDirectoryCache:
    """``{trunk_name: trunk record}`` of one account, fresh for ``ttl`` seconds after a listing.

    When the state directory is unusable, ``warning`` says why (for
    ``module.warn``), ``usable`` is False, ``get()`` always misses and the
    other methods do nothing.
    """

    def __init__(self, base_url, account_sid, ttl=DEFAULT_TTL, directory=None, clock=time.time):
        self.ttl = ttl
        self.warning = None
        self._clock = clock
        self._record = None
        self._lock_path = None
        try:
            directory = private_directory(directory)
            self._record = LockedRecord(os.path.join(directory, record_file_name('trunks', base_url, account_sid)))
            self._lock_path = os.path.join(directory, record_file_name('trunks', base_url, account_sid, '.lock'))
        except (StateDirUnavailable, OSError) as exc:
            self._disable(exc)

    @property
    def usable(self):
        return self._record is not None

    def now(self):
        """The cache's clock: take it before a listing and pass it to ``put(listed_at=...)``."""
        return self._clock()

    def get(self):
        """The trunks by name when a listing is fresh, else None."""
        if not self.usable:
            return None
        data = self._guard(self._record.read, {})
        if not self._fresh(data):
            return None
        return dict(data['trunks'])

    def put(self, trunks, listed_at=None):
        """Store a full listing (a list of trunk records, or a mapping by name).

        ``listed_at`` is when the listing began (default: now). A trunk created
        or deleted after that may be missing from (or still in) the listing, so
        such changes, noted by ``remember``/``forget``, are applied on top.
        """
        records = trunks.values() if isinstance(trunks, dict) else trunks
        listing = dict((trunk['trunk_name'], trunk) for trunk in records if trunk.get('trunk_name'))
        started = self._clock() if listed_at is None else listed_at

        def store(data):
            changes = self._recent_changes(data)
            for name, change in changes.items():
                if change['at'] >= started:
                    _apply(listing, name, change['trunk'])
            data.clear()
            data.update(listed_at=started, trunks=listing, changes=changes)
        self._change(store)

    def remember(self, trunk):
        """Note a trunk this run created (or found), so later lookups see it without listing again."""
        if trunk and trunk.get('trunk_name'):
            self._note(trunk['trunk_name'], trunk)

    def forget(self, trunk_name):
        """Note a trunk this run deleted."""
        self._note(trunk_name, None)

    def invalidate(self):
        """Drop the listing: the next ``get()`` misses and someone lists again."""
        self._change(lambda data: data.clear())

    @contextlib.contextmanager
    def refresh_lock(self):
        """Hold the account's listing lock for the ``with`` block: one fork lists, the others wait for it.

        Yields True when the lock is held, False when the cache is unusable (nothing to wait for).
        """
        if self._lock_path is None:
            yield False
            return
        try:
            fd = lock_exclusively(self._lock_path)
        except OSError as exc:
            self._disable(exc)
            yield False
            return
        try:
            yield True
        finally:
            os.close(fd)  # releases the lock

    # ------------------------------------------------------------------ helpers

    def _fresh(self, data):
        listed_at = data.get('listed_at')
        if not isinstance(listed_at, (int, float)) or isinstance(listed_at, bool):
            return False
        # A listing "from the future" means the clock was stepped back: its age is unknown.
        return 0 <= self._clock() - listed_at < self.ttl and isinstance(data.get('trunks'), dict)

    def _note(self, trunk_name, trunk):
        def note(data):
            changes = self._recent_changes(data)
            changes[trunk_name] = {'at': self._clock(), 'trunk': trunk}
            data['changes'] = changes
            if isinstance(data.get('trunks'), dict):
                _apply(data['trunks'], trunk_name, trunk)
        self._change(note)

    def _recent_changes(self, data):
        """Changes younger than ``ttl``: older ones are in any listing that could still be fresh."""
        changes = data.get('changes')
        if not isinstance(changes, dict):
            return {}
        now = self._clock()
        return dict((name, change) for name, change in changes.items()
                    if isinstance(change, dict) and isinstance(change.get('at'), (int, float))
                    and now - self.ttl < change['at'] <= now)

    def _change(self, edit):
        def locked_edit():
            with self._record.update() as data:
                edit(data)
        self._guard(locked_edit, None)

    def _guard(self, operation, unusable_result):
        """Run a record operation; an unusable cache (or one that fails now) gives ``unusable_result``."""
        if self._record is None:
            return unusable_result
        try:
            return operation()
        except OSError as exc:
            self._disable(exc)
            return unusable_result

    def _disable(self, reason):
        self._record = None
        self._lock_path = None
        self.warning = UNAVAILABLE_WARNING % reason


def _apply(trunks, trunk_name, trunk):
    if trunk is None:
        trunks.pop(trunk_name, None)
    else:
        trunks[trunk_name] = trunk


def build_trunk_cache(base_url, account_sid, kind=None):
    """The account's shared trunk cache, or None when ``kind`` (else ``$EXOTEL_TRUNK_CACHE``) is ``off``.

    ``$EXOTEL_TRUNK_CACHE_TTL`` sets how many seconds a listing is trusted (default 120).
    """
    kind = kind or os.environ.get(CACHE_ENV) or 'shared'
    if kind not in CACHE_KINDS:
        raise ValueError('%s must be one of %s, not %r' % (CACHE_ENV, ', '.join(CACHE_KINDS), kind))
    if kind == 'off':
        return None
    ttl = float(os.environ.get(TTL_ENV) or DEFAULT_TTL)
    return TrunkDirectoryCache(base_url, account_sid, ttl=ttl)

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One request budget per Exotel account for every module run on this controller.

The API allows 200 requests per minute per account, counted over a sliding
window. Every task of a play - each fork, each back-to-back run - is its own
process, so a per-process pacer lets 8 forks spend 8 budgets and collect 429s.
:class:`SharedPacer` keeps the account's send times in a locked record of the
private state directory (see ``_state_dir``), so all of them share one budget.

Environment (read by :func:`build_pacer`, i.e. by ``ExotelClient``):

``EXOTEL_PACER``
    ``shared`` (default) or ``process``: the old per-process ``RequestPacer``,
    for comparisons.
``EXOTEL_RATE_WINDOW``
    Seconds the limit is counted over; default 60, as the API counts. A testing
    knob: it lets a test scale "200 per minute" down to e.g. "20 per 3 seconds"
    against a simulator configured alike.
``EXOTEL_STATE_DIR``
    Where the shared record lives (see ``_state_dir``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible_collections.exotel.sip_trunking.plugins.module_utils._state_dir import (
    LockedRecord,
    MemoryRecord,
    StateDirUnavailable,
    private_directory,
    record_file_name,
)

PACER_ENV = 'EXOTEL_PACER'
RATE_WINDOW_ENV = 'EXOTEL_RATE_WINDOW'
PACER_KINDS = ('shared', 'process')
DEFAULT_RATE_LIMIT = 200
DEFAULT_RATE_WINDOW = 60.0
MIN_SLEEP = 0.001

FALLBACK_WARNING = ('The shared API rate-limit record cannot be used (%s), so this task paces only its own requests: '
                    'parallel tasks on the same Exotel account may be answered 429 and retried. Set EXOTEL_STATE_DIR '
                    'to a private writable directory to share one budget.')


class SharedPacer:
    """At most ``limit`` requests in any ``window`` seconds per account, across every process of this controller.

    ``wait()`` blocks until one more request fits and returns the seconds it
    waited (``waited`` is the running total); call ``finished()`` once that
    request is answered or has failed. ``limit`` 0 (or less) disables pacing.
    When the state directory is unusable the pacer works per process, and
    ``warning`` says so (for ``module.warn``); ``shared`` tells which it is.
    """

    def __init__(self, base_url, account_sid, limit=DEFAULT_RATE_LIMIT, window=DEFAULT_RATE_WINDOW, directory=None,
                 clock=time.time, sleep=time.sleep):
        self.limit = limit
        self.window = window
        self.waited = 0.0
        self.warning = None
        self.shared = False
        self._clock = clock
        self._sleep = sleep
        self._record = MemoryRecord()
        self._in_flight = None  # the send time recorded by the last wait(), until finished()
        if self.enabled:
            try:
                path = os.path.join(private_directory(directory), record_file_name('pacer', base_url, account_sid))
                self._record = LockedRecord(path)
                self.shared = True
            except (StateDirUnavailable, OSError) as exc:
                self._fall_back(exc)

    @property
    def enabled(self):
        return bool(self.limit) and self.limit > 0

    def wait(self):
        """Block until the account's window has room for one more request, record it, and return the seconds waited."""
        waited = 0.0
        while self.enabled:
            delay = self._with_record(self._admit)
            if delay is None:
                break
            # Sleep without the lock, then look again: other processes may have taken the freed slot.
            # The floor is defensive: a delay rounded down to 0 must not turn into a busy loop.
            delay = max(delay, MIN_SLEEP)
            self._sleep(delay)
            waited += delay
        self.waited += waited
        return waited

    def finished(self):
        """The request admitted by the last ``wait()`` got its answer (or failed): count it from now.

        The server counts a request when it arrives, somewhere between our
        ``wait()`` and its answer. Counting it from the answer is the latest
        that can be, so the window we keep never ends before the server's does;
        no guessed safety margin for network delay is needed.
        """
        if self._in_flight is None:
            return
        admitted, self._in_flight = self._in_flight, None
        self._with_record(self._restamp, admitted)

    def _admit(self):
        """Record a send now and return None if the window has room, else the seconds until it will."""
        return self._edit_send_times(self._admit_into)

    def _admit_into(self, now, sent):
        if len(sent) >= self.limit:
            # Room comes when the limit-th most recent send leaves the window.
            return sent[-self.limit] + self.window - now
        sent.append(now)
        self._in_flight = now
        return None

    def _restamp(self, admitted):
        def restamp(now, sent):
            if admitted in sent:
                sent.remove(admitted)
            sent.append(now)
        self._edit_send_times(restamp)

    def _edit_send_times(self, edit):
        """Call ``edit(now, send times still in the window, oldest first)`` under the record's lock; store the times."""
        with self._record.update() as data:
            now = self._clock()
            sent = _recent(data.get('sent'), now, self.window)
            result = edit(now, sent)
            data['sent'] = sorted(sent)
        return result

    def _with_record(self, operation, *args):
        try:
            return operation(*args)
        except OSError as exc:
            # The directory went away or filled up mid-run: carry on per process.
            self._fall_back(exc)
            return operation(*args)

    def _fall_back(self, reason):
        """Continue per process (what the old RequestPacer did), and say so."""
        self._record = MemoryRecord()
        self.shared = False
        self.warning = FALLBACK_WARNING % reason


def _recent(values, now, window):
    """The valid send times within ``window`` of ``now``.

    Times that have left the window are dropped, and so is anything that is
    not a number. A time later than now means the wall clock was stepped back
    since it was written: within one window it is kept (the server still
    counts that request, and we wait at most the size of the step); further
    ahead it would stall every run for longer than a window, so it is dropped.
    """
    if not isinstance(values, list):
        return []
    return sorted(t for t in values
                  if isinstance(t, (int, float)) and not isinstance(t, bool) and now - window < t <= now + window)


class ProcessPacer:
    """The old per-process pacer (``RequestPacer`` of ``_client``) behind the interface of :class:`SharedPacer`."""

    shared = False
    warning = None

    def __init__(self, pacer_class, limit=DEFAULT_RATE_LIMIT, window=DEFAULT_RATE_WINDOW, sleep=time.sleep):
        self.limit = limit
        self.window = window
        self.waited = 0.0
        self._sleep = sleep
        self._slept = 0.0
        self._pacer = pacer_class(limit=limit, window=window, sleep=self._counted_sleep)

    def _counted_sleep(self, seconds):
        self._slept += seconds
        self._sleep(seconds)

    def wait(self):
        self._slept = 0.0
        self._pacer.wait()
        self.waited += self._slept
        return self._slept

    def finished(self):
        """Nothing to do: the per-process pacer counts a request from its start."""


def rate_window():
    """The window the rate limit is counted over: ``$EXOTEL_RATE_WINDOW`` seconds, else the API's 60."""
    value = os.environ.get(RATE_WINDOW_ENV)
    if not value:
        return DEFAULT_RATE_WINDOW
    try:
        window = float(value)
    except ValueError:
        window = None
    if window is None or not 0 < window < float('inf'):
        raise ValueError('%s must be a positive number of seconds, not %r' % (RATE_WINDOW_ENV, value))
    return window


def build_pacer(base_url, account_sid, limit, process_pacer_class, kind=None, sleep=time.sleep):
    """The pacer of an ExotelClient: ``kind`` (else ``$EXOTEL_PACER``, else ``shared``) at ``limit`` per window.

    ``process_pacer_class`` is the old per-process pacer (``RequestPacer``),
    passed in because ``_client`` imports this module.
    """
    kind = kind or os.environ.get(PACER_ENV) or 'shared'
    if kind not in PACER_KINDS:
        raise ValueError('the pacer must be one of %s, not %r (%s)' % (', '.join(PACER_KINDS), kind, PACER_ENV))
    if kind == 'process':
        return ProcessPacer(process_pacer_class, limit=limit, window=rate_window(), sleep=sleep)
    return SharedPacer(base_url, account_sid, limit=limit, window=rate_window(), sleep=sleep)

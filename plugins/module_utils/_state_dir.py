# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Small JSON records shared by every module run on one controller, one file per (API host, account).

Each module task runs in its own process, so what the runs of one play must
share (the account's request budget, the trunk directory) lives in files of a
private per-user directory, read and rewritten under an exclusive ``flock``.

The directory is ``$EXOTEL_STATE_DIR`` when set, else ``~/.cache/exotel_sip_trunking``,
else (a read-only or missing home, as in some execution-environment containers)
``<tmp>/exotel_sip_trunking-<uid>``. It is created mode 0700 and its files 0600;
a file is named by a hash of the API host and account SID and holds no
credential. When no directory can be used, :class:`StateDirUnavailable` says
why and callers fall back to per-process state.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

try:
    import fcntl
except ImportError:  # pragma: no cover - a controller without POSIX file locks: callers use per-process state
    fcntl = None

STATE_DIR_ENV = 'EXOTEL_STATE_DIR'
STATE_DIR_NAME = 'exotel_sip_trunking'
RECORD_VERSION = 1


class StateDirUnavailable(Exception):
    """No private state directory can be used here; the message says why."""


def api_host(base_url):
    """``host[:port]`` of the API, lower-cased: whose rate limit and trunks a record describes."""
    parts = urlsplit(base_url)
    host = (parts.hostname or base_url).lower()
    return '%s:%s' % (host, parts.port) if parts.port else host


def record_file_name(kind, base_url, account_sid, suffix='.json'):
    """``<kind>-<hash of host and account SID><suffix>``: the account SID never appears in clear."""
    identity = '\0'.join((api_host(base_url), account_sid or ''))
    return '%s-%s%s' % (kind, hashlib.sha256(identity.encode('utf-8')).hexdigest()[:32], suffix)


def candidate_directories():
    """Where the state may live, in order of preference."""
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        # An explicit choice is never second-guessed with another location.
        return [explicit]
    candidates = []
    home = os.path.expanduser('~')
    if os.path.isabs(home):
        candidates.append(os.path.join(home, '.cache', STATE_DIR_NAME))
    # A container may run under a uid with a read-only (or no) home; forks of one job still share /tmp.
    candidates.append(os.path.join(tempfile.gettempdir(), '%s-%d' % (STATE_DIR_NAME, os.geteuid())))
    return candidates


def private_directory(directory=None):
    """A usable state directory (``directory``, else the first usable candidate); raises StateDirUnavailable."""
    if fcntl is None:
        raise StateDirUnavailable('this controller has no POSIX file locking (fcntl)')
    reasons = []
    for path in [directory] if directory else candidate_directories():
        try:
            return _ensure_private(path)
        except StateDirUnavailable as exc:
            reasons.append(str(exc))
    raise StateDirUnavailable('; '.join(reasons))


def _ensure_private(path):
    """Create ``path`` (0700) or accept it when it exists, is ours, and no one else can write into it."""
    if not os.path.isabs(path):
        # A relative path would resolve against each module's own working directory: nothing shared.
        raise StateDirUnavailable('%s is not an absolute path' % path)
    try:
        os.makedirs(path, 0o700)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise StateDirUnavailable('cannot create %s: %s' % (path, exc.strerror or exc))
    try:
        info = os.stat(path)
    except OSError as exc:
        raise StateDirUnavailable('cannot use %s: %s' % (path, exc.strerror or exc))
    if not stat.S_ISDIR(info.st_mode):
        raise StateDirUnavailable('%s is not a directory' % path)
    if info.st_uid != os.geteuid():
        raise StateDirUnavailable('%s belongs to another user' % path)
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        # Another user could plant records (e.g. a full window) that stall every run.
        raise StateDirUnavailable('%s is writable by other users' % path)
    return path


def _open_private_file(path):
    """Open (creating 0600) a state file; refuse a symlink or another user's file."""
    # Descriptors from os.open are already close-on-exec (PEP 446); every POSIX controller has O_NOFOLLOW.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        if os.fstat(fd).st_uid != os.geteuid():
            raise OSError(errno.EPERM, 'belongs to another user', path)
        # A file that existed (made by hand, or under another umask) is narrowed to 0600 as well.
        os.fchmod(fd, 0o600)
    except Exception:
        os.close(fd)
        raise
    return fd


def lock_exclusively(path):
    """A descriptor of ``path`` (created 0600) holding an exclusive ``flock``: close it to release the lock."""
    return _open_locked(path, fcntl.LOCK_EX)


def _open_locked(path, operation):
    """A descriptor of ``path`` holding the lock, on the file the path names *now*.

    If the file was deleted or replaced while we waited for the lock (someone
    cleaned the cache), the lock we got protects nothing: open the new one.
    """
    while True:
        fd = _open_private_file(path)
        try:
            fcntl.flock(fd, operation)
            if _same_file(fd, path):
                return fd
        except Exception:
            os.close(fd)
            raise
        os.close(fd)


def _same_file(fd, path):
    try:
        current = os.stat(path)
    except OSError:
        return False
    opened = os.fstat(fd)
    return (current.st_dev, current.st_ino) == (opened.st_dev, opened.st_ino)


def _read_all(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b''.join(chunks)
        chunks.append(chunk)


def _parse(raw):
    """The record's dict; an empty, truncated or foreign file reads as a fresh ``{}``."""
    try:
        data = json.loads(raw.decode('utf-8'))
    except ValueError:  # includes UnicodeDecodeError and json's decode error
        return {}
    if not isinstance(data, dict) or data.get('version') != RECORD_VERSION:
        return {}
    return data


def _rewrite(fd, data):
    data = dict(data, version=RECORD_VERSION)
    payload = json.dumps(data, sort_keys=True, separators=(',', ':')).encode('utf-8')
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    while payload:
        payload = payload[os.write(fd, payload):]


class LockedRecord:
    """One JSON object in a state file, read under a shared lock and rewritten under an exclusive one."""

    def __init__(self, path):
        self.path = path
        # Create it now, so an unwritable directory shows at construction rather than mid-task.
        os.close(_open_private_file(path))

    def read(self):
        fd = _open_locked(self.path, fcntl.LOCK_SH)
        try:
            return _parse(_read_all(fd))
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def update(self):
        """Yield the record (a dict) under the exclusive lock; it is written back when the block ends normally."""
        fd = _open_locked(self.path, fcntl.LOCK_EX)
        try:
            data = _parse(_read_all(fd))
            yield data
            _rewrite(fd, data)
        finally:
            os.close(fd)


class MemoryRecord:
    """A :class:`LockedRecord` stand-in private to this process (the fallback when no directory is usable)."""

    def __init__(self):
        self._data = {}

    def read(self):
        return dict(self._data)

    @contextlib.contextmanager
    def update(self):
        data = dict(self._data)
        yield data
        self._data = data

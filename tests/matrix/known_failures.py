"""pytest plugin: mark the tests listed in known_failures.txt xfail(strict=True) on their version.

Loaded by the Makefile's matrix stages (PYTHONPATH=tests/matrix, -p known_failures).
A listed test that is not collected is reported, so the list cannot silently go stale.
"""

import os

import pytest

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'known_failures.txt')


def ansible_minor():
    from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    return '.'.join(__version__.split('.')[:2])


def known_failures(version):
    """{node id: reason} of the tests known to fail on ansible-core ``version``."""
    entries = {}
    with open(LIST, encoding='utf-8') as handle:
        for line in handle:
            entry, _hash, reason = line.partition('#')
            fields = entry.split()
            if len(fields) == 2 and fields[0] == version:
                entries[fields[1]] = reason.strip() or 'known failure'
    return entries


def pytest_collection_modifyitems(config, items):
    version = ansible_minor()
    entries = known_failures(version)
    seen = set()
    for item in items:
        reason = entries.get(item.nodeid)
        if reason:
            seen.add(item.nodeid)
            item.add_marker(pytest.mark.xfail(strict=True, reason='ansible-core %s: %s (tests/matrix/known_failures.txt)'
                                              % (version, reason)))
    # Only the smoke run collects every listed test; a smaller run must not complain.
    if config.getoption('known_failures_strict'):
        missing = sorted(set(entries) - seen)
        if missing:
            raise pytest.UsageError('tests/matrix/known_failures.txt lists tests that were not collected: %s'
                                    % ', '.join(missing))


def pytest_addoption(parser):
    parser.addoption('--known-failures-strict', action='store_true', default=False,
                     help='fail when a test listed for this ansible-core version was not collected')

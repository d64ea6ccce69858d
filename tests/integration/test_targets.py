"""Run every integration target (tests/integration/targets/<module>) against a fresh simulator.

Each target is a role in the hcloud/cloudscale shape whose tasks assert
`changed`, results, diffs and - through the simulator's admin API - that check
mode sent no write.
"""

import os

import pytest

from conftest import REPO, run_playbook

TARGETS_DIR = os.path.join(REPO, 'tests', 'integration', 'targets')
TARGETS = sorted(name for name in os.listdir(TARGETS_DIR)
                 if name.startswith('exotel_') and os.path.isdir(os.path.join(TARGETS_DIR, name, 'tasks')))


@pytest.mark.parametrize('target', TARGETS)
def test_integration_target(simulator, target):
    # Functional targets: request counts are exact with neither side rate limiting (the limit has
    # its own tests in tests/faults and tests/bench).
    run = run_playbook(os.path.join(REPO, 'tests', 'integration', 'run_target.yml'), simulator.url,
                       extra_vars={'exotel_target': target, 'exotel_simulator_url': simulator.url},
                       env={'EXOTEL_RATE_LIMIT': '0'})
    assert run.rc == 0, run
    assert run.recap.get('failed') == 0, run

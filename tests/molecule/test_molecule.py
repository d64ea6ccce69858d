"""Run the collection's molecule scenarios (extensions/molecule/<scenario>) inside pytest.

Each is `molecule test -s <scenario>` from the repository root: the default (delegated)
driver on localhost, with the Exotel API simulator started by the scenario's create step and
stopped by its destroy step. Sequence: destroy, syntax, create, converge, idempotence, verify
(info module), check (converge --check, asserting zero writes), destroy.
"""

import os
import re
import subprocess

import pytest

from conftest import BIN, COLLECTIONS, REPO

SCENARIOS_DIR = os.path.join(REPO, 'extensions', 'molecule')
SCENARIOS = sorted(name for name in os.listdir(SCENARIOS_DIR)
                   if os.path.isfile(os.path.join(SCENARIOS_DIR, name, 'molecule.yml')))
ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


def test_the_three_use_cases_have_a_scenario():
    assert set(['outbound', 'inbound', 'streamkit']) <= set(SCENARIOS)


@pytest.mark.parametrize('scenario', SCENARIOS)
def test_molecule_scenario(scenario):
    env = dict(os.environ)
    env.update({
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
        'NO_COLOR': '1',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'PY_COLORS': '0',
    })
    # The scenarios take their credentials from their own config (the simulator's sample account).
    for name in ('EXOTEL_API_URL', 'EXOTEL_ACCOUNT_SID', 'EXOTEL_API_KEY', 'EXOTEL_API_TOKEN', 'EXOTEL_REGION'):
        env.pop(name, None)
    proc = subprocess.run([os.path.join(BIN, 'molecule'), 'test', '-s', scenario], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    output = ANSI.sub('', proc.stdout + proc.stderr)
    assert proc.returncode == 0, output[-12000:]
    recap = re.search(r'^%s\s+: actions=(\d+)\s+successful=(\d+).*failed=(\d+)' % re.escape(scenario), output, re.M)
    assert recap, output[-6000:]
    actions, successful, failed = (int(value) for value in recap.groups())
    assert (actions, successful, failed) == (8, 8, 0), output[-6000:]
    # The check step really ran converge in check mode and asserted zero writes.
    assert re.search(r'check: Executed: Successful', output), output[-6000:]
    assert re.search(r'TASK \[Check mode predicted the extra number and wrote nothing\][^\n]*\n+ok: ', output), \
        output[-6000:]

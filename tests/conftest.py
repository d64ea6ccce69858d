"""Shared pytest fixtures: the collection on sys.path, a fresh simulator per test, ansible runs against it."""

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, settings as hypothesis_settings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, 'build', 'collections')
LAYOUT = os.path.join(COLLECTIONS, 'ansible_collections', 'exotel', 'sip_trunking')
BIN = os.path.dirname(sys.executable)

# The collection's Python code imports itself as ansible_collections.exotel.sip_trunking.
if not os.path.islink(LAYOUT):
    os.makedirs(os.path.dirname(LAYOUT), exist_ok=True)
    os.symlink(REPO, LAYOUT)
sys.path.insert(0, COLLECTIONS)
sys.path.insert(0, os.path.join(REPO, 'tests', 'simulator'))

try:
    from exotel_simulator import ExotelSimulator  # noqa: E402  pylint: disable=wrong-import-position
except ImportError:  # the simulator is being written
    ExotelSimulator = None

ACCOUNT_SID = 'exoteltest'
API_KEY = 'exoteltest'
API_TOKEN = 'a1b2c3d4e5f6g7h8i9j0'
RECAP_RE = re.compile(r'^(?P<host>\S+)\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)'
                      r'\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)', re.M)


# Property tests (hypothesis) are deterministic and quick: the same examples on every run and in CI
# (derandomize), a modest number of them, no per-example deadline (the simulator-backed properties
# make HTTP requests on a shared machine). HYPOTHESIS_PROFILE=thorough draws more, for a local hunt;
# HYPOTHESIS_PROFILE=mutation fewer (tests/mutation/run.sh).
hypothesis_settings.register_profile('exotel', derandomize=True, deadline=None, max_examples=40,
                                     suppress_health_check=[HealthCheck.too_slow], database=None)
# `make mutation` runs the unit tests once per mutant: fewer examples, same determinism.
hypothesis_settings.register_profile('mutation', derandomize=True, deadline=None, max_examples=12,
                                     suppress_health_check=[HealthCheck.too_slow], database=None)
hypothesis_settings.register_profile('thorough', deadline=None, max_examples=2000,
                                     suppress_health_check=[HealthCheck.too_slow], database=None)
hypothesis_settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'exotel'))


# The simulator profile the suites run against: `default`, or `strict` (the harsher reading of
# every uncertain point of the API documents), so a Makefile can run the suites once per profile.
SIMULATOR_PROFILE = os.environ.get('EXOTEL_SIM_PROFILE') or 'default'


# FQDN destinations the suites use where they mean success. The strict profile (like the real
# API, which checks that a destination resolves) refuses names of the reserved test domains
# unless it is told they resolve; a test that wants the refusal uses a name not listed here.
RESOLVABLE_TEST_FQDNS = (
    'sip.example.com', 'sbc.example.com', 'pbx.example.com', 'pbx.example.org', 'other.example.org',
    'sip-a.example.com', 'sip-b.example.com', 'a.example.com', 'b.example.com', 'd.example.com', 'x.example.com',
    'host.example.com', 'elsewhere.example.com', 'deep.sip.example.net',
)

# The modules' shared rate-limit record and trunk cache (EXOTEL_STATE_DIR): one private directory
# per test session, so tests never write to the developer's ~/.cache and never share a budget
# with another session.
STATE_DIR = tempfile.mkdtemp(prefix='exotel-test-state-')
atexit.register(shutil.rmtree, STATE_DIR, True)
os.environ['EXOTEL_STATE_DIR'] = STATE_DIR


def start_simulator(**settings):
    """A running simulator on a free port, with this run's profile unless ``settings`` name one."""
    defaults = {'profile': SIMULATOR_PROFILE, 'resolvable_fqdns': list(RESOLVABLE_TEST_FQDNS)}
    return ExotelSimulator(port=0, **dict(defaults, **settings)).start()


@pytest.fixture
def simulator():
    sim = start_simulator()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def unlimited_simulator():
    """A simulator without the 200/minute limit, for tests that count requests rather than pace them."""
    sim = start_simulator(rate_limit=0)
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def fake():
    """A FakeTime (tests/unit/_fakes.py): a clock that moves only when slept on."""
    from _fakes import FakeTime  # pylint: disable=import-outside-toplevel
    return FakeTime()


@pytest.fixture
def state_dir(tmp_path):
    """Where a test's shared pacer and trunk cache keep their records (created on first use)."""
    return str(tmp_path / 'state')


def ansible_environment(sim_url, **extra):
    """Environment for an ansible-playbook run against the simulator (credentials only in env)."""
    # A developer's own EXOTEL_* settings (region, rate limit, a real token) must not leak into a test.
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith('EXOTEL_'))
    env.update({
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
        'ANSIBLE_ROLES_PATH': os.path.join(REPO, 'tests', 'integration', 'targets'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': 'false',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'EXOTEL_API_URL': sim_url,
        'EXOTEL_ACCOUNT_SID': ACCOUNT_SID,
        'EXOTEL_API_KEY': API_KEY,
        'EXOTEL_API_TOKEN': API_TOKEN,
        'EXOTEL_STATE_DIR': STATE_DIR,
    })
    env.update(extra)
    return env


def runner_job_files(root):
    """What an ansible-runner job left under ``root``: ``({relative path: text}, [(path, env)])``.

    ansible-runner records the environment it was launched with in artifacts/<id>/command;
    that environment is split out of the file's text so tests can check it on its own.
    """
    texts, environments = {}, []
    for directory, _dirs, names in os.walk(str(root)):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, encoding='utf-8', errors='replace') as stream:
                text = stream.read()
            if name == 'command' and os.path.basename(os.path.dirname(directory)) == 'artifacts':
                recorded = json.loads(text)
                environments.append((path, recorded.pop('env')))
                text = json.dumps(recorded)
            texts[os.path.relpath(path, str(root))] = text
    return texts, environments


class PlaybookRun:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        match = None
        for match in RECAP_RE.finditer(proc.stdout):
            pass
        self.recap = dict((k, int(v)) for k, v in match.groupdict().items() if k != 'host') if match else {}

    def __repr__(self):
        return 'PlaybookRun(rc=%s, recap=%s)\n--- stdout ---\n%s\n--- stderr ---\n%s' % (
            self.rc, self.recap, self.stdout[-6000:], self.stderr[-3000:])


def run_playbook(playbook, sim_url, extra_vars=None, check=False, diff=False, args=(), env=None, timeout=900, cwd=REPO):
    """Run ansible-playbook on localhost against the simulator and return a PlaybookRun."""
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook]
    if extra_vars:
        command += ['-e', json.dumps(extra_vars)]
    if check:
        command.append('--check')
    if diff:
        command.append('--diff')
    command += list(args)
    # A shell sets PWD to where it runs a command; ansible-playbook's own cwd is the playbook's directory.
    environment = ansible_environment(sim_url, **dict({'PWD': cwd}, **(env or {})))
    proc = subprocess.run(command, cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=timeout, check=False)
    return PlaybookRun(proc)


@pytest.fixture
def playbook(simulator):
    """Call as playbook(path, **kwargs) to run it against this test's simulator."""
    def _run(path, **kwargs):
        return run_playbook(path, simulator.url, **kwargs)
    return _run

"""AWX / Automation Controller: the credential type, and a job run the way AWX runs it.

AWX runs playbooks through ansible-runner and injects a credential's secrets as environment
variables (the credential type's `injectors.env`). Here the demo playbook runs through
`ansible_runner.run()` against the simulator, with the Exotel credentials rendered from
awx/credential_type.yml's injectors and passed only as environment variables, and the API token
must appear nowhere in the job's events, stdout or artifacts.
"""

import json
import os

import ansible_runner
import jinja2
import jinja2.sandbox
import pytest
import yaml

from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, BIN, COLLECTIONS, REPO, ExotelSimulator, runner_job_files

CREDENTIAL_TYPE = os.path.join(REPO, 'awx', 'credential_type.yml')
ENV_NAMES = {'EXOTEL_ACCOUNT_SID', 'EXOTEL_API_KEY', 'EXOTEL_API_TOKEN', 'EXOTEL_REGION', 'EXOTEL_API_URL'}


@pytest.fixture(scope='module')
def credential_type():
    with open(CREDENTIAL_TYPE, encoding='utf-8') as stream:
        return yaml.safe_load(stream)


def inject(credential_type, inputs):
    """Render the injectors as AWX does: each env value is a Jinja2 template over the inputs."""
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.ChainableUndefined)
    return dict((name, environment.from_string(template).render(**inputs))
                for name, template in credential_type['injectors']['env'].items())


def test_credential_type_matches_what_the_modules_read(credential_type):
    from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import REGION_URLS
    from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import connection_argument_spec

    fields = dict((field['id'], field) for field in credential_type['inputs']['fields'])
    assert set(fields) == {'account_sid', 'api_key', 'api_token', 'region', 'api_url'}
    assert fields['api_token'].get('secret') is True
    assert not any(field.get('secret') for name, field in fields.items() if name != 'api_token')
    # The regions AWX offers are the client's table, and the modules' own choices, in the same order.
    assert fields['region']['choices'] == sorted(REGION_URLS)
    assert fields['region']['choices'] == connection_argument_spec()['region']['choices']
    assert set(credential_type['inputs']['required']) == {'account_sid', 'api_key', 'api_token', 'region'}
    assert credential_type['kind'] == 'cloud'
    assert set(credential_type['injectors']['env']) == ENV_NAMES
    # Every injected variable is the fallback of the connection option of the same name.
    fallbacks = dict((option, spec['fallback'][1][0]) for option, spec in connection_argument_spec().items()
                     if 'fallback' in spec)
    for option in fields:
        assert fallbacks['%s' % option] == 'EXOTEL_%s' % option.upper()
    # An empty optional API URL must fall back to the region (the modules treat '' as unset).
    env = inject(credential_type, {'account_sid': 'a', 'api_key': 'k', 'api_token': 't', 'region': 'mumbai'})
    assert env == {'EXOTEL_ACCOUNT_SID': 'a', 'EXOTEL_API_KEY': 'k', 'EXOTEL_API_TOKEN': 't',
                   'EXOTEL_REGION': 'mumbai', 'EXOTEL_API_URL': ''}


def test_demo_through_ansible_runner_never_shows_the_token(credential_type, tmp_path):
    simulator = ExotelSimulator(port=0).start()
    try:
        private_data_dir = tmp_path / 'runner'
        private_data_dir.mkdir()
        envvars = inject(credential_type, {'account_sid': ACCOUNT_SID, 'api_key': API_KEY, 'api_token': API_TOKEN,
                                           'region': 'mumbai', 'api_url': simulator.url})
        envvars.update({
            'PATH': BIN + os.pathsep + os.environ.get('PATH', ''),
            'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
            'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
            'ANSIBLE_PYTHON_INTERPRETER': os.path.join(BIN, 'python'),
            'ANSIBLE_LOCALHOST_WARNING': 'false',
            'STREAMKIT_SIP_PASSWORD': 'Runner_demo_pw_1',
        })
        # Nothing of the token in the test process's own environment: it reaches the job only via envvars.
        parent_env = dict((k, v) for k, v in os.environ.items() if not k.startswith('EXOTEL_'))
        events = []
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(parent_env)
        try:
            runner = ansible_runner.run(
                private_data_dir=str(private_data_dir),
                project_dir=REPO,
                playbook='playbooks/demo.yml',
                inventory='localhost ansible_connection=local',
                envvars=envvars,
                suppress_env_files=True,   # as AWX does: secrets never written to env/ files
                verbosity=3,               # the most revealing output AWX users can ask for
                quiet=True,
                event_handler=lambda event: events.append(event) or True,
            )
        finally:
            os.environ.clear()
            os.environ.update(saved)

        stdout = runner.stdout.read()
        assert runner.status == 'successful', stdout[-6000:]
        assert runner.rc == 0
        assert runner.stats['failures'] == {} and runner.stats['changed'].get('localhost', 0) > 0
        assert len(simulator.dump_state()['trunks']) == 3

        assert events and API_TOKEN not in json.dumps(events)
        assert API_TOKEN not in stdout
        assert API_TOKEN not in json.dumps(list(runner.events))
        # Every file the job left behind - job_events/*.json, stdout, status, rc, inventory, and
        # artifacts/<id>/command, ansible-runner's record of how it launched the process: its
        # recorded environment is where AWX puts the credential (and the private data directory is
        # discarded after the job), so there the token may be the EXOTEL_API_TOKEN value only.
        texts, environments = runner_job_files(private_data_dir)
        for path, given in environments:
            # Only the injected variable itself, in the recorded launch environment (file mode 0600).
            assert [key for key, value in given.items() if API_TOKEN in value] == ['EXOTEL_API_TOKEN']
            assert oct(os.stat(path).st_mode & 0o777) == '0o600'
        assert environments
        for path, text in texts.items():
            assert API_TOKEN not in text, path
        assert len(texts) > 10
        assert not os.path.exists(os.path.join(str(private_data_dir), 'env', 'envvars'))
    finally:
        simulator.stop()

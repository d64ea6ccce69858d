"""Docs never drift: every YAML example of the READMEs runs against the simulator.

Each ```yaml block of README.md and roles/sip_trunk/README.md is run as a user would run it,
on a fresh simulator: in check mode (nothing written), for real, and again (changed=0). A block
is a playbook (plays), a task list, or role entries (wrapped in a play). The variables an
example takes from the user's inventory or vault are given here, in EXAMPLE_INPUTS; an example
that uses one not listed there fails, so a README cannot quietly depend on something unstated.
"""

import json
import os
import re

import pytest
import yaml

from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, REPO, run_playbook

DOCUMENTS = ('README.md', os.path.join('roles', 'sip_trunk', 'README.md'))
YAML_BLOCK = re.compile(r'^```yaml\n(.*?)^```', re.M | re.S)
VARIABLE = re.compile(r'{{\s*([A-Za-z_][A-Za-z0-9_]*)')

# What a user's inventory, vault or extra vars give the examples.
EXAMPLE_INPUTS = {
    'vault_exotel_account_sid': ACCOUNT_SID,
    'vault_exotel_api_key': API_KEY,
    'vault_exotel_api_token': API_TOKEN,
    'vault_voicebot_password': 'Voicebot_pw_1',
    'vault_pbx_password': 'Pbx_pw_1',
    'exotel_edge_from_network_page': 'in1.edge.example.net',
    'pbx_numbers': ['+919876543210', '+918040264208'],
}
# Names the examples use that Ansible itself (or an earlier task of the example) defines.
KNOWN_NAMES = {'item', 'trunk', 'info', 'lookup', 'query', 'sip_trunk_result', 'ansible_check_mode', 'hostvars',
               'inventory_hostname', 'result', 'all_trunks', 'creds'}


def examples():
    found = []
    for document in DOCUMENTS:
        with open(os.path.join(REPO, document), encoding='utf-8') as stream:
            text = stream.read()
        for index, match in enumerate(YAML_BLOCK.finditer(text)):
            line = text[:match.start()].count('\n') + 2
            found.append(pytest.param(match.group(1), id='%s:%d' % (document, line)))
    return found


def as_playbook(block):
    """The block as a playbook: plays as they are; tasks, role entries, or a file of the role's
    sip_trunk_* variables (what the export writes) wrapped in one play."""
    data = yaml.safe_load(block)
    if isinstance(data, dict) and data and all(name.startswith('sip_trunk_') for name in data):
        return [{'name': 'README example', 'hosts': 'localhost', 'gather_facts': False,
                 'roles': [{'role': 'exotel.sip_trunking.sip_trunk', 'vars': data}]}]
    assert isinstance(data, list) and data, 'an example is plays, tasks, roles or a file of sip_trunk_* variables'
    if all('hosts' in item for item in data):
        return data
    play = {'name': 'README example', 'hosts': 'localhost', 'gather_facts': False}
    if all('role' in item for item in data):
        play['roles'] = data
    else:
        play['tasks'] = data
    return [play]


def test_the_readmes_have_examples():
    assert len(examples()) >= 8


def is_execution_environment(block):
    return block.startswith('# execution-environment.yml')


@pytest.mark.parametrize('block', [example for example in examples() if is_execution_environment(example.values[0])])
def test_readme_execution_environment_names_the_collection(block):
    # Not runnable here (ansible-builder needs a container engine): checked for what it must say.
    definition = yaml.safe_load(block)
    assert definition['version'] == 3
    assert {'name': 'exotel.sip_trunking'} in definition['dependencies']['galaxy']['collections']


@pytest.mark.parametrize('block', [example for example in examples() if not is_execution_environment(example.values[0])])
def test_readme_example_runs_checks_and_converges(simulator, tmp_path, block):
    used = set(VARIABLE.findall(block)) - KNOWN_NAMES
    unknown = sorted(name for name in used if name not in EXAMPLE_INPUTS)
    assert not unknown, 'the example uses variables nobody gives it: %s' % unknown
    book = tmp_path / 'example.yml'
    book.write_text(yaml.safe_dump(as_playbook(block), sort_keys=False))
    inputs = tmp_path / 'inputs.json'
    inputs.write_text(json.dumps(EXAMPLE_INPUTS))
    args = ['-e', '@' + str(inputs)]

    run = run_playbook(str(book), simulator.url, check=True, args=args)
    assert run.rc == 0, run
    assert simulator.stats()['writes'] == 0, 'check mode wrote: %s' % run

    run = run_playbook(str(book), simulator.url, args=args)
    assert run.rc == 0, run

    before = simulator.stats()['writes']
    run = run_playbook(str(book), simulator.url, args=args)
    assert run.rc == 0 and run.recap['changed'] == 0, run
    assert simulator.stats()['writes'] == before

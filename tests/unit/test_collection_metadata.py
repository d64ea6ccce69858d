"""Collection metadata that users rely on: the action group, versions, the doc fragment."""

import os

import yaml

from conftest import REPO
from ansible_collections.exotel.sip_trunking.plugins.module_utils import _client, _module

MODULES_DIR = os.path.join(REPO, 'plugins', 'modules')


def load(path):
    with open(os.path.join(REPO, path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and not name.startswith('_'))


def test_every_module_is_in_the_exotel_action_group():
    group = load('meta/runtime.yml')['action_groups']['exotel']
    missing = sorted(set(module_names()) - set(group))
    assert not missing, 'add %s to action_groups.exotel in meta/runtime.yml' % missing
    assert sorted(group) == module_names()


def test_requires_ansible():
    assert load('meta/runtime.yml')['requires_ansible'] == '>=2.16.0'


def test_galaxy_metadata():
    galaxy = load('galaxy.yml')
    assert (galaxy['namespace'], galaxy['name']) == ('exotel', 'sip_trunking')
    assert tuple(int(p) for p in galaxy['version'].split('.')) >= (1, 0, 0)
    assert galaxy['license'] == ['GPL-3.0-or-later']
    assert galaxy['repository'] and galaxy['documentation']
    assert galaxy['version'] == _client.COLLECTION_VERSION  # the User-Agent names the real version


def test_execution_environment_reads_requirements():
    ee = load('meta/execution-environment.yml')
    assert ee['dependencies']['python'] == 'requirements.txt'
    with open(os.path.join(REPO, 'requirements.txt'), encoding='utf-8') as handle:
        assert 'requests' in handle.read()


def test_connection_options_match_the_issue():
    spec = _module.connection_argument_spec()
    assert spec['api_token']['no_log'] is True
    assert spec['region']['default'] == 'mumbai'
    assert spec['timeout']['default'] == 30
    assert spec['validate_certs']['default'] is True
    for option, env in [('account_sid', 'EXOTEL_ACCOUNT_SID'), ('api_key', 'EXOTEL_API_KEY'), ('api_token', 'EXOTEL_API_TOKEN'),
                        ('region', 'EXOTEL_REGION'), ('api_url', 'EXOTEL_API_URL'), ('validate_certs', 'EXOTEL_VALIDATE_CERTS')]:
        assert spec[option]['fallback'][1] == [env]
    assert _client.REGION_URLS == {'mumbai': 'https://api.in.exotel.com', 'singapore': 'https://api.exotel.com'}

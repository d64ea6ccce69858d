"""ExotelModule, the Ansible side every module shares: options, defaults, the client it builds, clean failures.

Each test builds an ExotelModule in this process from task arguments, as a module's main() does, and reads
what a task would see: its parameters, the client's settings, the result or failure JSON, its warnings.
"""

import contextlib
import io
import json

import pytest
import yaml

from ansible.module_utils.common import warnings

from ansible_collections.exotel.sip_trunking.plugins.doc_fragments.exotel import ModuleDocFragment
from ansible_collections.exotel.sip_trunking.plugins.module_utils import _module
from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import ExotelError
from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import ExotelModule, TrunkReference
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import ValidationError
from conftest import ACCOUNT_SID, API_KEY, API_TOKEN
from _modrun import _as_module_process, _clear, _message, patch_module_args

CONNECTION = {'account_sid': ACCOUNT_SID, 'api_key': API_KEY, 'api_token': API_TOKEN}
ENVIRONMENT = ('EXOTEL_ACCOUNT_SID', 'EXOTEL_API_KEY', 'EXOTEL_API_TOKEN', 'EXOTEL_REGION', 'EXOTEL_API_URL',
               'EXOTEL_VALIDATE_CERTS', 'EXOTEL_MAX_RETRIES', 'EXOTEL_RETRY_MAX_WAIT', 'EXOTEL_RATE_LIMIT')
MISSING_TAIL = ('. Set them on the task, once per play with module_defaults for group/exotel.sip_trunking.exotel, '
                'or in the environment.')


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def tracebacks(monkeypatch):
    """Failures carry their traceback text (ansible-core 2.19+ includes it only when the controller asks)."""
    try:
        from ansible.module_utils._internal import _traceback  # pylint: disable=import-outside-toplevel
    except ImportError:  # ansible-core before 2.19: always included
        return
    monkeypatch.setattr(_traceback, '_is_traceback_enabled', lambda event: True)


@pytest.fixture
def sim(unlimited_simulator):
    return unlimited_simulator


class Finished(Exception):
    """What the task printed when it exited or failed."""

    def __init__(self, result):
        super(Finished, self).__init__(result)
        self.result = result


@contextlib.contextmanager
def task(args, check_mode=False, diff=False):
    """A block run as the module process of a task with ``args``; ending the task raises Finished with its result."""
    stdout = io.StringIO()
    _clear(warnings)
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    try:
        with patch_module_args(args), contextlib.redirect_stdout(stdout), _as_module_process():
            yield
    except SystemExit:
        result = json.loads(stdout.getvalue())
        result['warnings'] = [_message(warning) for warning in result.get('warnings', [])]
        raise Finished(result)


def module(args, spec=None, check_mode=False, diff=False, **kwargs):
    """The ExotelModule a task with ``args`` builds (its task must not end)."""
    with task(args, check_mode, diff):
        return ExotelModule(spec or {}, **kwargs)


def outcome(args, work=None, spec=None, check_mode=False, **kwargs):
    """The result dict of a task that builds its module from ``args`` and then calls ``work(module)``."""
    with pytest.raises(Finished) as finished:
        with task(args, check_mode):
            built = ExotelModule(spec or {}, **kwargs)
            if work is not None:
                work(built)
            built.exit()
    return finished.value.result


# ------------------------------------------------------------------------- options and defaults

def documented(fragment):
    return yaml.safe_load(fragment)['options']


@pytest.mark.parametrize('spec, fragments', [
    ('connection', ['DOCUMENTATION']),
    ('trunk entries', ['TRUNK_REFERENCE', 'ENTRY_STATE']),
])
def test_the_shared_options_are_declared_as_the_doc_fragments_document_them(spec, fragments):
    """ansible-test sanity (validate-modules) holds the argument spec to the documentation: type, default, choices."""
    spec = _module.connection_argument_spec() if spec == 'connection' else _module.TRUNK_ENTRIES_SPEC
    fragments = [getattr(ModuleDocFragment, fragment) for fragment in fragments]
    docs = {}
    for fragment in fragments:
        docs.update(documented(fragment))
    assert sorted(spec) == sorted(docs)
    for name, option in docs.items():
        declared = dict((key, spec[name][key]) for key in ('type', 'default', 'choices') if key in spec[name])
        assert declared == dict((key, option[key]) for key in ('type', 'default', 'choices') if key in option), name


def test_only_the_token_is_secret_and_the_key_says_so():
    """A *key* option without an explicit no_log fails ansible-test sanity; the API key identifies, the token signs."""
    spec = _module.connection_argument_spec()
    assert [name for name, option in spec.items() if 'no_log' in option] == ['api_key', 'api_token']
    assert (spec['api_key']['no_log'], spec['api_token']['no_log']) == (False, True)


def test_connection_defaults():
    m = module(CONNECTION)
    client = m.client
    assert client.base_url == 'https://api.in.exotel.com'
    assert (client.validate_certs, client.timeout, client.max_retries, client.retry_max_wait) == (True, 30, 5, 300)
    assert client.pacer.limit == 200
    assert m.params['region'] == 'mumbai' and m.params['api_url'] is None
    assert m.check_mode is False and m.diff is False


def test_connection_options_come_from_the_environment(monkeypatch):
    for name, value in (('EXOTEL_ACCOUNT_SID', 'envsid'), ('EXOTEL_API_KEY', 'envkey'), ('EXOTEL_API_TOKEN', 'envtok'),
                        ('EXOTEL_REGION', 'singapore'), ('EXOTEL_VALIDATE_CERTS', 'false'),
                        ('EXOTEL_MAX_RETRIES', '2'), ('EXOTEL_RETRY_MAX_WAIT', '7'), ('EXOTEL_RATE_LIMIT', '0')):
        monkeypatch.setenv(name, value)
    m = module({'timeout': 4})
    client = m.client
    assert (m.params['account_sid'], m.params['api_key'], m.params['api_token']) == ('envsid', 'envkey', 'envtok')
    assert client.base_url == 'https://api.exotel.com' and client.account_path == '/v2/accounts/envsid'
    assert (client.validate_certs, client.timeout, client.max_retries, client.retry_max_wait) == (False, 4, 2, 7)
    assert client.pacer.limit == 0


def test_api_url_from_the_environment_wins_over_the_region(monkeypatch):
    monkeypatch.setenv('EXOTEL_API_URL', 'http://127.0.0.1:9/')
    m = module(dict(CONNECTION, region='singapore'))
    assert m.client.base_url == 'http://127.0.0.1:9'


def test_an_unknown_region_is_refused():
    result = outcome(dict(CONNECTION, region='london'))
    assert result['failed'] is True
    assert result['msg'] == 'value of region must be one of: mumbai, singapore, got: london'


def test_an_invalid_api_url_is_a_validation_error_naming_the_option():
    m = module(dict(CONNECTION, api_url='api.in.exotel.com'))
    with pytest.raises(ValidationError) as raised:
        m.client  # pylint: disable=pointless-statement
    assert raised.value.option == 'api_url'


def test_the_token_is_no_log_and_the_key_is_not():
    m = module(CONNECTION)
    assert API_TOKEN in m.module.no_log_values
    assert 'exoteltest' not in m.module.no_log_values


@pytest.mark.parametrize('given, missing', [
    ({}, ['account_sid (or the environment variable EXOTEL_ACCOUNT_SID)',
          'api_key (or the environment variable EXOTEL_API_KEY)',
          'api_token (or the environment variable EXOTEL_API_TOKEN)']),
    ({'account_sid': 'sid1', 'api_key': 'key1'}, ['api_token (or the environment variable EXOTEL_API_TOKEN)']),
    ({'account_sid': 'sid1', 'api_token': 'tok-xyz'}, ['api_key (or the environment variable EXOTEL_API_KEY)']),
    ({'api_key': 'key1', 'api_token': 'tok-xyz', 'account_sid': ''},
     ['account_sid (or the environment variable EXOTEL_ACCOUNT_SID)']),
])
def test_missing_connection_options_are_named_with_their_variables(given, missing):
    result = outcome(given)
    assert result['failed'] is True
    assert result['msg'] == 'Missing connection options: %s%s' % (', '.join(missing), MISSING_TAIL)


@pytest.mark.usefixtures('tracebacks')
def test_without_requests_the_task_fails_naming_the_library(monkeypatch):
    monkeypatch.setattr(_module, 'HAS_REQUESTS', False)
    monkeypatch.setattr(_module, 'REQUESTS_IMPORT_ERROR', ImportError('No module named requests'))
    result = outcome(CONNECTION)
    assert result['failed'] is True and '(requests)' in result['msg']
    assert result['exception'] == 'No module named requests'


def test_check_mode_is_supported_unless_the_module_says_otherwise():
    assert module(CONNECTION, check_mode=True).check_mode is True
    result = outcome(CONNECTION, check_mode=True, supports_check_mode=False)
    assert result['skipped'] is True and 'account_sid' not in result


def test_diff_follows_the_task():
    assert module(CONNECTION, diff=True).diff is True


def test_given_options_are_those_the_task_set():
    spec = {'name': {'type': 'str'}, 'note': {'type': 'str'}}
    m = module(dict(CONNECTION, name=None), spec=spec)
    assert 'name' in m.given_options and m.params['name'] is None
    assert 'note' not in m.given_options and 'region' not in m.given_options


# --------------------------------------------------------------------------- trunk entry options

def test_trunk_entry_options_and_their_defaults():
    m = module(dict(CONNECTION, trunk_sid='tr1'), trunk_entries=True)
    assert (m.params['state'], m.params['purge'], m.params['trunk_name']) == ('present', False, None)


def test_trunk_entry_options_exist_only_when_asked_for():
    result = outcome(dict(CONNECTION, trunk_sid='tr1'))
    assert result['failed'] is True and 'trunk_sid' in result['msg']


@pytest.mark.parametrize('given, message', [
    ({}, 'one of the following is required: trunk_name, trunk_sid'),
    ({'trunk_name': 't', 'trunk_sid': 'tr1'}, 'parameters are mutually exclusive: trunk_name|trunk_sid'),
])
def test_exactly_one_trunk_reference(given, message):
    result = outcome(dict(CONNECTION, **given), trunk_entries=True)
    assert result['failed'] is True and result['msg'] == message


def test_the_modules_own_rules_are_kept_with_the_trunk_reference():
    spec = {'a': {'type': 'str'}, 'b': {'type': 'str'}}
    result = outcome(dict(CONNECTION, trunk_sid='tr1', a='1', b='2'), spec=spec, trunk_entries=True,
                     mutually_exclusive=[('a', 'b')])
    assert result['msg'] == 'parameters are mutually exclusive: a|b'
    result = outcome(dict(CONNECTION, trunk_sid='tr1', trunk_name='t'), spec=spec, trunk_entries=True,
                     mutually_exclusive=[('a', 'b')])
    assert result['msg'] == 'parameters are mutually exclusive: trunk_name|trunk_sid'


# ------------------------------------------------------------------------------ results

def test_a_result_names_the_account_and_is_unchanged_by_default():
    result = outcome(CONNECTION)
    assert result['changed'] is False and result['account_sid'] == ACCOUNT_SID
    assert 'api' not in result


def test_a_result_keeps_what_the_module_set():
    result = outcome(CONNECTION, lambda m: m.exit(changed=True, account_sid='other', extra=1))
    assert (result['changed'], result['account_sid'], result['extra']) == (True, 'other', 1)


def test_a_result_reports_the_requests_of_the_client(sim):
    result = outcome(dict(CONNECTION, api_url=sim.url, rate_limit=0), lambda m: m.client.list_trunks())
    assert result['api'] == {'requests': 1, 'writes': 0, 'retries': 0, 'rate_limited': 0, 'waited_seconds': 0.0}


def test_the_clients_warnings_become_task_warnings(sim, monkeypatch):
    monkeypatch.setenv('EXOTEL_STATE_DIR', 'relative')

    def lookup(m):
        m.client.find_trunk_by_name('nothing')
    result = outcome(dict(CONNECTION, api_url=sim.url, rate_limit=5), lookup)
    assert len(result['warnings']) == 2
    assert result['warnings'][0].startswith('The shared API rate-limit record cannot be used (relative is not an '
                                            'absolute path)')
    assert result['warnings'][1].startswith('The shared trunk directory cache cannot be used (relative is not an '
                                            'absolute path)')


def test_a_failure_has_the_message_the_account_and_the_fields():
    result = outcome(CONNECTION, lambda m: m.fail('it broke', option='x'))
    assert result['failed'] is True and result['msg'] == 'it broke'
    assert (result['option'], result['changed'], result['account_sid']) == ('x', False, ACCOUNT_SID)


def test_warn_is_a_task_warning():
    result = outcome(CONNECTION, lambda m: m.warn('careful'))
    assert result['warnings'] == ['careful']


# ------------------------------------------------------------------------------- run()

def run(args, main, *main_args):
    def work(m):
        m.run(main, *main_args)
    return outcome(args, work)


def test_run_passes_the_module_and_arguments_to_main():
    def main(m, first, second):
        m.exit(changed=True, got=[first, second])
    result = run(CONNECTION, main, 1, 'two')
    assert result['got'] == [1, 'two'] and result['changed'] is True


def test_a_validation_error_fails_naming_the_option():
    def main(_m):
        raise ValidationError('trunk_name', 'must not be empty')
    result = run(CONNECTION, main)
    assert result['failed'] is True and result['msg'] == 'trunk_name must not be empty'
    assert result['option'] == 'trunk_name'


def test_an_api_error_fails_with_its_fields():
    error = ExotelError('Trunk not found', http_status=404, api_code=1002, method='GET', path='/trunks/x')

    def main(_m):
        raise error
    result = run(CONNECTION, main)
    assert result['failed'] is True and result['msg'] == 'Trunk not found'
    assert result['error'] == error.to_dict()


@pytest.mark.usefixtures('tracebacks')
def test_an_unexpected_error_fails_with_its_traceback():
    def main(_m):
        raise KeyError('oops')
    result = run(CONNECTION, main)
    assert result['failed'] is True and result['msg'] == "Unexpected error: 'oops'"
    assert 'Traceback' in result['exception'] and "KeyError: 'oops'" in result['exception']


@pytest.mark.usefixtures('tracebacks')
def test_an_unexpected_error_never_shows_the_token():
    def main(m):
        m.client.register_secret('sip-secret')
        raise RuntimeError('token %s password sip-secret' % API_TOKEN)
    result = run(CONNECTION, main)
    assert result['msg'] == 'Unexpected error: token ******** password ********'
    assert API_TOKEN not in result['exception'] and 'sip-secret' not in result['exception']
    assert 'RuntimeError: token ******** password ********' in result['exception']


def test_every_no_log_value_is_redacted_by_the_client():
    spec = {'password': {'type': 'str', 'no_log': True}}
    m = module(dict(CONNECTION, password='s3cr3t-pw'), spec=spec)
    assert m.client.redact('a s3cr3t-pw and %s' % API_TOKEN) == 'a ******** and ********'


# -------------------------------------------------------------------------- trunk reference

def reference(args, check_mode=False):
    return module(dict(CONNECTION, **args), trunk_entries=True, check_mode=check_mode).trunk_reference()


def test_a_trunk_sid_is_used_as_given():
    assert reference({'trunk_sid': 'tr1'}) == TrunkReference('tr1', False)


def test_a_planned_trunk_sid_is_planned_in_check_mode():
    sid = 'check-mode-new-trunk:t1'
    assert reference({'trunk_sid': sid}, check_mode=True) == TrunkReference(sid, True)


def test_a_planned_trunk_sid_is_refused_outside_check_mode():
    with pytest.raises(ValidationError) as raised:
        reference({'trunk_sid': 'check-mode-new-trunk:t1'})
    assert raised.value.option == 'trunk_sid'
    assert str(raised.value) == ('trunk_sid is the placeholder exotel_trunk returns in check mode for a trunk it '
                                 'would create (check-mode-new-trunk:t1); outside check mode pass the real trunk_sid')


def test_a_trunk_name_is_looked_up(sim):
    client = module(dict(CONNECTION, api_url=sim.url, rate_limit=0)).client
    sid = client.create_trunk('found', 'ANY-ANY', '%s.pstn.exotel.com' % ACCOUNT_SID)[0]['trunk_sid']
    assert reference({'trunk_name': 'found', 'api_url': sim.url, 'rate_limit': 0}) == TrunkReference(sid, False)


def test_a_missing_trunk_is_planned_in_check_mode_with_a_warning(sim):
    def work(m):
        assert m.trunk_reference() == TrunkReference('check-mode-new-trunk:later', True)
    result = outcome(dict(CONNECTION, trunk_name='later', api_url=sim.url, rate_limit=0), work, trunk_entries=True,
                     check_mode=True)
    assert result['warnings'] == ["Trunk 'later' does not exist; check mode assumes an earlier task creates it."]


def test_a_missing_trunk_fails_naming_it_and_the_account(sim):
    result = outcome(dict(CONNECTION, trunk_name='ghost', api_url=sim.url, rate_limit=0), lambda m: m.trunk_reference(),
                     trunk_entries=True)
    assert result['failed'] is True and result['trunk_name'] == 'ghost'
    assert result['msg'] == ("Trunk 'ghost' was not found in account %s; create it first with "
                             "exotel.sip_trunking.exotel_trunk." % ACCOUNT_SID)


@pytest.mark.parametrize('args, spec, label', [
    ({'trunk_sid': 'tr1'}, None, "trunk_sid 'tr1'"),
    ({'trunk_name': 'edge'}, None, "trunk 'edge'"),
    ({'name': 'core'}, {'name': {'type': 'str'}}, "trunk 'core'"),
])
def test_trunk_label(args, spec, label):
    m = module(dict(CONNECTION, **args), spec=spec, trunk_entries=spec is None)
    assert m.trunk_label() == label

"""Run a module of the collection in this process, against a simulator, as ansible-playbook would.

Fast enough for the unit suite (and so for mutation testing): no fork of ansible-playbook, the
module's main() is called with its arguments patched in, and its JSON result is read back.
"""

import contextlib
import importlib
import io
import json

from ansible.module_utils import basic
try:
    from ansible.module_utils import _internal as module_internal
except ImportError:  # ansible-core before 2.19: warnings always go into the result
    module_internal = None
from ansible.module_utils.common import warnings

from conftest import ACCOUNT_SID, API_KEY, API_TOKEN

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS   # pylint: disable=protected-access
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8')
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

MODULES = 'ansible_collections.exotel.sip_trunking.plugins.modules.'


def run_module(simulator, module_name, check_mode=False, diff=False, connection=True, **args):
    """The result dict of module ``module_name`` (e.g. ``exotel_trunk_number``) run with ``args``."""
    module = importlib.import_module(MODULES + module_name)
    if connection:
        args = dict({'account_sid': ACCOUNT_SID, 'api_key': API_KEY, 'api_token': API_TOKEN, 'api_url': simulator.url,
                     'rate_limit': 0, 'max_retries': 1}, **args)
    args['_ansible_check_mode'] = check_mode
    args['_ansible_diff'] = diff
    stdout = io.StringIO()
    # Warnings are collected process-wide: each run starts with none, as a module process would.
    _clear(warnings)
    with patch_module_args(args), contextlib.redirect_stdout(stdout), _as_module_process():
        try:
            module.main()
        except SystemExit:
            pass
    result = json.loads(stdout.getvalue())
    if 'warnings' in result:
        result['warnings'] = [_message(warning) for warning in result['warnings']]
    return result


@contextlib.contextmanager
def _as_module_process():
    """Warnings go into the result, as on a target host, even once controller code is loaded here.

    ansible-core 2.19+ sends a module's warnings to the controller's display when it believes it runs
    on the controller; other unit tests (the filter plugins) load controller code into this process.
    """
    saved = getattr(module_internal, 'is_controller', None) if module_internal else None
    if saved is not None:
        module_internal.is_controller = False
    try:
        yield
    finally:
        if saved is not None:
            module_internal.is_controller = saved


def _clear(module):
    for name in ('_global_warnings', '_global_deprecations'):
        collected = getattr(module, name, None)
        if collected is not None:
            collected.clear()


def _message(warning):
    """The text of a warning, whether ansible-core reports it as a string or (2.19+) as a summary."""
    return warning['event']['msg'] if isinstance(warning, dict) else warning

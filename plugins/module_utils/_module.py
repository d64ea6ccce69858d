# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Ansible side every module shares: connection options, one lazily built
client, clean failures, and how a task names its trunk.

Entry kinds are declared in ``_entries.py``; the read-compare-write cycle is
``_engine.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ._client import (
    HAS_REQUESTS,
    REGION_URLS,
    REQUESTS_IMPORT_ERROR,
    ExotelClient,
    ExotelError,
)
from ._validation import ValidationError, validate_api_url


# The connection options a task cannot do without, each with the variable it falls back to. They are
# not marked required: Ansible would then call them missing before the environment is read, and
# its message would not name the variables.
REQUIRED_CONNECTION_OPTIONS = (
    ('account_sid', 'EXOTEL_ACCOUNT_SID'),
    ('api_key', 'EXOTEL_API_KEY'),
    ('api_token', 'EXOTEL_API_TOKEN'),
)


def connection_argument_spec():
    """Options shared by every module (documented in the ``exotel.sip_trunking.exotel`` doc fragment)."""
    return dict(
        account_sid=dict(type='str', fallback=(env_fallback, ['EXOTEL_ACCOUNT_SID'])),
        api_key=dict(type='str', no_log=False, fallback=(env_fallback, ['EXOTEL_API_KEY'])),
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['EXOTEL_API_TOKEN'])),
        region=dict(type='str', default='mumbai', choices=sorted(REGION_URLS), fallback=(env_fallback, ['EXOTEL_REGION'])),
        api_url=dict(type='str', fallback=(env_fallback, ['EXOTEL_API_URL'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['EXOTEL_VALIDATE_CERTS'])),
        timeout=dict(type='int', default=30),
        max_retries=dict(type='int', default=5, fallback=(env_fallback, ['EXOTEL_MAX_RETRIES'])),
        retry_max_wait=dict(type='int', default=300, fallback=(env_fallback, ['EXOTEL_RETRY_MAX_WAIT'])),
        rate_limit=dict(type='int', default=200, fallback=(env_fallback, ['EXOTEL_RATE_LIMIT'])),
    )


# Options of every module that manages entries of one trunk (doc fragments
# exotel.sip_trunking.exotel.trunk_reference and .entry_state).
TRUNK_ENTRIES_SPEC = dict(
    trunk_name=dict(type='str'),
    trunk_sid=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    purge=dict(type='bool', default=False),
)

# What exotel_trunk returns as trunk_sid in check mode for a trunk it would create. Every module
# takes it for "this trunk will be created": it predicts, reads nothing, and outside check mode
# refuses it. It can never be mistaken for a real SID (those look like trmum1f70862...a1n).
PLANNED_TRUNK_SID_PREFIX = 'check-mode-new-trunk:'


def planned_trunk_sid(trunk_name):
    return PLANNED_TRUNK_SID_PREFIX + trunk_name


def is_planned_trunk_sid(trunk_sid):
    return isinstance(trunk_sid, str) and trunk_sid.startswith(PLANNED_TRUNK_SID_PREFIX)


# The trunk a task works on: its SID, and whether it exists only as check mode's plan.
TrunkReference = collections.namedtuple('TrunkReference', ['sid', 'planned'])


class _OptionsRecordingModule(AnsibleModule):
    """An AnsibleModule that remembers which options the task gave, before defaults fill the rest.

    An option given as null is otherwise indistinguishable from one left out.
    """

    def _load_params(self):
        AnsibleModule._load_params(self)
        self.given_options = frozenset(self.params)


class ExotelModule:
    """An AnsibleModule with the shared connection options and one lazily built client."""

    def __init__(self, argument_spec, trunk_entries=False, **kwargs):
        """``trunk_entries=True`` adds trunk_name/trunk_sid (exactly one required), state and purge."""
        spec = connection_argument_spec()
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        if trunk_entries:
            spec.update(TRUNK_ENTRIES_SPEC)
            for rule in ('mutually_exclusive', 'required_one_of'):
                kwargs[rule] = list(kwargs.get(rule, [])) + [('trunk_name', 'trunk_sid')]
        self.module = _OptionsRecordingModule(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        self.params = self.module.params
        self.given_options = self.module.given_options
        self.check_mode = self.module.check_mode
        self._client = None
        missing = ['%s (or the environment variable %s)' % (option, variable)
                   for option, variable in REQUIRED_CONNECTION_OPTIONS if not self.params.get(option)]
        if missing:
            self.module.fail_json(msg='Missing connection options: %s. Set them on the task, once per play with '
                                  'module_defaults for group/exotel.sip_trunking.exotel, or in the environment.'
                                  % ', '.join(missing))

    @property
    def diff(self):
        """True when the task runs with ``--diff`` (or ``diff: true``)."""
        return self.module._diff

    @property
    def client(self):
        if self._client is None:
            params = self.params
            self._client = ExotelClient(
                account_sid=params['account_sid'],
                api_key=params['api_key'],
                api_token=params['api_token'],
                base_url=validate_api_url(params['api_url']) if params['api_url'] else REGION_URLS[params['region']],
                validate_certs=params['validate_certs'],
                timeout=params['timeout'],
                max_retries=params['max_retries'],
                retry_max_wait=params['retry_max_wait'],
                rate_limit=params['rate_limit'],
            )
            # Every no_log value of the task (SIP passwords, also inside lists) is redacted from errors.
            for secret in self.module.no_log_values:
                self._client.register_secret(secret)
        return self._client

    def warn(self, message):
        self.module.warn(message)

    def exit(self, **result):
        self.module.exit_json(**self._with_api_figures(result))

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **self._with_api_figures(result))

    def _with_api_figures(self, result):
        """Every result names the account, and says what the task's requests cost and how long it waited."""
        result.setdefault('changed', False)
        result.setdefault('account_sid', self.params.get('account_sid'))
        if self._client is not None:
            result['api'] = self._client.figures()
            for warning in self._client.warnings():
                self.warn(warning)
        return result

    def run(self, main, *args):
        """Run ``main(self, *args)``; turn validation and API errors into clean task failures (no traceback)."""
        try:
            main(self, *args)
        except ValidationError as exc:
            self.fail(str(exc), option=exc.option)
        except ExotelError as exc:
            self.fail(exc.message, error=exc.to_dict())
        except Exception as exc:  # pylint: disable=broad-except
            # An unexpected bug must still not leak the token or a password.
            redact = self._client.redact if self._client else str
            self.fail('Unexpected error: %s' % redact(str(exc)), exception=redact(traceback.format_exc()))

    def trunk_reference(self):
        """The trunk named by ``trunk_sid`` or ``trunk_name``.

        A ``trunk_sid`` is used as given (a missing trunk surfaces as a clear
        error on the first read); a ``trunk_name`` costs a trunk lookup. In
        check mode, a trunk that does not exist yet is planned: an earlier task
        of the same run creates it.
        """
        sid = self.params.get('trunk_sid')
        if sid:
            if is_planned_trunk_sid(sid) and not self.check_mode:
                raise ValidationError('trunk_sid', "is the placeholder exotel_trunk returns in check mode for a trunk "
                                      "it would create (%s); outside check mode pass the real trunk_sid" % sid)
            return TrunkReference(sid, is_planned_trunk_sid(sid))
        name = self.params['trunk_name']
        trunk = self.client.find_trunk_by_name(name)
        if trunk:
            return TrunkReference(trunk['trunk_sid'], False)
        if self.check_mode:
            self.warn("Trunk '%s' does not exist; check mode assumes an earlier task creates it." % name)
            return TrunkReference(planned_trunk_sid(name), True)
        self.fail("Trunk '%s' was not found in account %s; create it first with exotel.sip_trunking.exotel_trunk."
                  % (name, self.params['account_sid']), trunk_name=name)
        return None

    def trunk_label(self):
        if self.params.get('trunk_sid'):
            return "trunk_sid '%s'" % self.params['trunk_sid']
        return "trunk '%s'" % (self.params.get('trunk_name') or self.params.get('name'))

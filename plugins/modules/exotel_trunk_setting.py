#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_trunk_setting
short_description: Manage the settings of an Exotel SIP trunk, such as its outbound caller ID
version_added: 1.0.0
description:
  - Sets or removes trunk settings. The only setting the API documents is C(trunk_external_alias),
    the caller ID (E.164 number) shown to called parties on outbound calls.
  - Current settings are read once and only the differing ones are sent, in one request. When the
    API refuses some of them (HTTP 207) the task fails naming each one, and reports those applied.
  - Warns (without failing) when C(trunk_external_alias) is being set to a number that is not
    mapped to the trunk.
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
  - exotel.sip_trunking.exotel.attributes
  - exotel.sip_trunking.exotel.trunk_reference
  - exotel.sip_trunking.exotel.entry_state
options:
  name:
    description:
      - Name of one setting. Mutually exclusive with O(settings).
    type: str
    choices: [trunk_external_alias]
  value:
    description:
      - Value of O(name). For C(trunk_external_alias), an E.164 number. Required with O(state=present).
    type: str
  settings:
    description:
      - Settings to manage, as a dictionary of name to value (with O(state=absent) the values are ignored).
    type: dict
'''

EXAMPLES = r'''
- name: Show +919876543210 as caller ID on outbound calls
  exotel.sip_trunking.exotel_trunk_setting:
    trunk_name: outbound_trunk
    name: trunk_external_alias
    value: "+919876543210"

- name: The dictionary form
  exotel.sip_trunking.exotel_trunk_setting:
    trunk_sid: "{{ trunk.trunk.trunk_sid }}"
    settings:
      trunk_external_alias: "+919876543210"

- name: Remove the caller ID override
  exotel.sip_trunking.exotel_trunk_setting:
    trunk_name: outbound_trunk
    name: trunk_external_alias
    state: absent
'''

RETURN = r'''
trunk_sid:
  description: SID of the trunk (null in check mode when the trunk does not exist yet).
  returned: always
  type: str
settings:
  description: Every setting of the trunk after the task.
  returned: always
  type: list
  elements: dict
  sample:
    - name: trunk_external_alias
      value: "+919876543210"
setting:
  description: The setting named by O(name) after the task, or null when it is not set.
  returned: when O(name) is used
  type: dict
added:
  description: Settings that were not set before.
  returned: always
  type: list
  elements: dict
updated:
  description: Settings whose value changed.
  returned: always
  type: list
  elements: dict
removed:
  description: Settings deleted.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import (
    EntryType,
    ExotelModule,
    manage_entries,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import (
    SETTING_VALIDATORS,
    ValidationError,
    validate_setting,
)


class TrunkSettings(EntryType):
    result_key = 'settings'
    single_key = 'setting'

    def list(self, trunk_sid):
        return self.client.list_settings(trunk_sid)

    def key(self, entry):
        return entry['name']

    def view(self, row):
        return {'name': row['name'], 'value': row.get('value')}

    def differs(self, row, desired):
        return row.get('value') != desired['value']

    def check(self, trunk_sid, to_add, to_update):
        aliases = [entry['value'] for entry in to_add + [desired for _row, desired in to_update]
                   if entry['name'] == 'trunk_external_alias']
        if aliases:
            # Read the numbers only when the alias changes, so a no-op run stays cheap.
            mapped = set(row.get('phone_number') for row in self.client.list_phone_numbers(trunk_sid))
            for alias in aliases:
                if alias not in mapped:
                    self.module.warn('trunk_external_alias %s is not a number mapped to this trunk; calls may be '
                                     'refused or show another caller ID. Map it with exotel_trunk_number.' % alias)

    def write(self, trunk_sid, to_add, to_update):
        # One POST upserts every differing setting.
        desired = to_add + [entry for _row, entry in to_update]
        existing = set(row['name'] for row, _entry in to_update)
        answers = self.client.set_settings(trunk_sid, dict((entry['name'], entry['value']) for entry in desired))
        added, updated, failures = [], [], []
        for answer in answers:
            if not answer.ok:
                failures.append({'entry': answer.request_item, 'error': answer.error})
            elif answer.request_item['name'] in existing:
                updated.append(answer.data or answer.request_item)
            else:
                added.append(answer.data or answer.request_item)
        return added, updated, failures

    def remove(self, trunk_sid, row):
        self.client.delete_setting(trunk_sid, row['name'])


def parse_setting(module, item, label):
    params = module.params
    if item is None:
        name = params['name']
        if params['state'] == 'absent':
            return {'name': name, 'value': None}
        if params['value'] is None:
            raise ValidationError('value', 'is required with name when state=present')
        return {'name': name, 'value': validate_setting(name, params['value'], 'value')}
    name, value = item
    if params['state'] == 'absent':
        if name not in SETTING_VALIDATORS:
            validate_setting(name, value)
        return {'name': name, 'value': None}
    if value is not None and not isinstance(value, str):
        raise ValidationError('settings.%s' % name, 'must be a string', value)
    return {'name': name, 'value': validate_setting(name, value)}


def main_logic(module):
    params = module.params
    if params['settings'] is not None:
        params['settings'] = sorted(params['settings'].items())
    manage_entries(module, TrunkSettings(module), 'name', 'settings', parse_setting)


def main():
    module = ExotelModule(
        trunk_entries=True,
        argument_spec=dict(
            name=dict(type='str', choices=sorted(SETTING_VALIDATORS)),
            value=dict(type='str'),
            settings=dict(type='dict'),
        ),
        mutually_exclusive=[('name', 'settings'), ('value', 'settings')],
        required_one_of=[('name', 'settings')],
    )
    module.run(main_logic)


if __name__ == '__main__':
    main()

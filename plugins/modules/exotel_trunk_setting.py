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
account_sid:
  description: The account SID the task worked on.
  returned: always
  type: str
  sample: exoteltest
trunk_sid:
  description:
    - SID of the trunk.
    - In check mode, for a trunk that does not exist yet, the placeholder C(check-mode-new-trunk:<name>).
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


from ..module_utils._engine import manage_entries
from ..module_utils._entries import TrunkSettings
from ..module_utils._module import ExotelModule
from ..module_utils._validation import SETTING_VALIDATORS


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
    module.run(manage_entries, TrunkSettings(module.params))


if __name__ == '__main__':
    main()

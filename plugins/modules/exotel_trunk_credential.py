#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_trunk_credential
short_description: Manage SIP digest credentials of an Exotel SIP trunk
version_added: 1.0.0
description:
  - Creates, updates and deletes the SIP digest users of a trunk, the alternative to IP whitelisting
    that voice-AI platforms use to authenticate outbound and StreamKit calls.
  - The API never returns passwords, so a password that differs from the one set cannot be detected.
    With O(update_password=on_create) (the default) a password is only sent when the user is
    created; with V(always) it is sent on every run, and the task always reports a change.
  - Passwords never appear in results, diffs or logs.
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
  - exotel.sip_trunking.exotel.attributes
  - exotel.sip_trunking.exotel.trunk_reference
  - exotel.sip_trunking.exotel.entry_state
options:
  user_name:
    description:
      - Digest user name (1 to 64 letters, digits, C(_), C(.), C(@), C(-)). Mutually exclusive with O(credentials).
    type: str
  password:
    description:
      - Digest password; only letters, digits and underscores are accepted by the API.
      - Required to create a user.
    type: str
  friendly_name:
    description:
      - Label of the user, up to 32 letters, digits or underscores. Not managed when omitted.
    type: str
  update_password:
    description:
      - V(on_create) sends the password only when creating the user.
      - V(always) sends it on every run (reported as a change each time).
    type: str
    choices: [always, on_create]
    default: on_create
  credentials:
    description:
      - Users to manage, each a dictionary with C(user_name), C(password) and optional C(friendly_name).
    type: list
    elements: dict
    suboptions:
      user_name:
        description: Digest user name.
        type: str
        required: true
      password:
        description: Digest password (letters, digits, underscores).
        type: str
      friendly_name:
        description: Label of the user.
        type: str
notes:
  - "Passwords are C(no_log) options; still set C(no_log: true) on tasks that loop over password variables."
'''

EXAMPLES = r'''
- name: A digest user for the voice-AI platform
  exotel.sip_trunking.exotel_trunk_credential:
    trunk_name: streamkit_trunk
    user_name: voicebot
    password: "{{ vault_voicebot_password }}"
    friendly_name: voicebot_prod

- name: Several users; remove any other
  exotel.sip_trunking.exotel_trunk_credential:
    trunk_sid: "{{ trunk.trunk.trunk_sid }}"
    credentials:
      - user_name: bot_a
        password: "{{ vault_bot_a }}"
      - user_name: bot_b
        password: "{{ vault_bot_b }}"
    purge: true

- name: Rotate a password
  exotel.sip_trunking.exotel_trunk_credential:
    trunk_name: streamkit_trunk
    user_name: voicebot
    password: "{{ vault_new_password }}"
    update_password: always
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
credentials:
  description: Every digest user of the trunk after the task (never with passwords).
  returned: always
  type: list
  elements: dict
  sample:
    - id: "77"
      user_name: voicebot
      friendly_name: voicebot_prod
credential:
  description: The user named by O(user_name) after the task, or null when absent.
  returned: when O(user_name) is used
  type: dict
added:
  description: Users created.
  returned: always
  type: list
  elements: dict
updated:
  description: Users whose friendly name or password was sent.
  returned: always
  type: list
  elements: dict
removed:
  description: Users deleted.
  returned: always
  type: list
  elements: dict
'''


from ..module_utils._engine import manage_entries
from ..module_utils._entries import DigestCredentials
from ..module_utils._module import ExotelModule


def main():
    module = ExotelModule(
        trunk_entries=True,
        argument_spec=dict(
            user_name=dict(type='str'),
            password=dict(type='str', no_log=True),
            friendly_name=dict(type='str'),
            update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
            credentials=dict(type='list', elements='dict', options=dict(
                user_name=dict(type='str', required=True),
                password=dict(type='str', no_log=True),
                friendly_name=dict(type='str'),
            )),
        ),
        mutually_exclusive=[('user_name', 'credentials'), ('password', 'credentials'), ('friendly_name', 'credentials')],
        required_one_of=[('user_name', 'credentials')],
    )
    module.run(manage_entries, DigestCredentials(module.params))


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_trunk
short_description: Create, adopt or delete an Exotel SIP trunk
version_added: 1.0.0
description:
  - Ensures an Exotel SIP trunk with a given name exists or does not exist.
  - The trunk is found by name through the trunk list (all pages), so an existing trunk is
    adopted instead of duplicated.
  - The API cannot change a trunk once created. A trunk whose O(nso_code) or O(domain_name)
    differs from the task is reported as an error instead of being deleted and re-created,
    because deleting a trunk also deletes its numbers, ACL and destinations.
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
  - exotel.sip_trunking.exotel.attributes
options:
  name:
    description:
      - Name of the trunk, unique in the account.
      - 1 to 16 letters, digits or underscores.
    type: str
    required: true
    aliases: [trunk_name]
  state:
    description:
      - V(present) creates the trunk when missing.
      - V(absent) deletes the trunk. B(This also deletes every phone number mapping, whitelisted IP,
        destination and setting of the trunk)  - digest credentials are deleted first, explicitly.
    type: str
    choices: [present, absent]
    default: present
  nso_code:
    description:
      - Network service operator code. The API accepts exactly V(ANY-ANY).
    type: str
    default: ANY-ANY
  domain_name:
    description:
      - SIP domain of the trunk. Defaults to C(<account_sid>.pstn.exotel.com).
    type: str
'''

EXAMPLES = r'''
- name: Connection options once for every Exotel module in the play
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/exotel.sip_trunking.exotel:
      account_sid: "{{ lookup('ansible.builtin.env', 'EXOTEL_ACCOUNT_SID') }}"
  tasks:
    - name: Create (or adopt) the outbound trunk
      exotel.sip_trunking.exotel_trunk:
        name: outbound_trunk
      register: trunk

    - name: Show the SID the other modules need
      ansible.builtin.debug:
        msg: "{{ trunk.trunk.trunk_sid }}"

    - name: Delete a trunk and everything on it
      exotel.sip_trunking.exotel_trunk:
        name: old_trunk
        state: absent
'''

RETURN = r'''
trunk:
  description:
    - The trunk as the API describes it, after the task. Empty when the trunk is absent.
    - In check mode, a trunk that would be created has C(trunk_sid=null).
  returned: always
  type: dict
  sample:
    trunk_sid: trmum1f708622631150902801a1n
    trunk_name: outbound_trunk
    nso_code: ANY-ANY
    domain_name: exoteltest.pstn.exotel.com
    status: active
    auth_type: IP-WHITELIST
    registration_enabled: disabled
    edge_preference: auto
    secure_trunking: disabled
    date_created: "2026-01-23T09:24:59Z"
    date_updated: "2026-01-23T09:24:59Z"
removed_credentials:
  description: User names of the digest credentials deleted before the trunk (O(state=absent)).
  returned: when O(state=absent) and the trunk existed
  type: list
  elements: str
'''

from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import ExotelNotFoundError
from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import ExotelModule
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import (
    validate_domain_name,
    validate_nso_code,
    validate_trunk_name,
)

MANAGED_KEYS = ('trunk_name', 'nso_code', 'domain_name')


def managed_view(trunk):
    return dict((key, trunk.get(key)) for key in MANAGED_KEYS) if trunk else {}


def ensure_present(module, current, desired):
    if current is None:
        if module.check_mode:
            trunk = dict(desired, trunk_sid=None)
        else:
            trunk, _created = module.client.create_trunk(**desired)
        return True, trunk
    mismatched = [key for key in ('nso_code', 'domain_name') if current.get(key) != desired[key]]
    if mismatched:
        module.fail(
            "Trunk '%s' (%s) already exists with %s. The API cannot update a trunk, and deleting it would also "
            "delete its numbers, ACL and destinations: change the task to match, or delete the trunk first."
            % (current['trunk_name'], current.get('trunk_sid'),
               ', '.join("%s=%r where the task wants %r" % (key, current.get(key), desired[key]) for key in mismatched)),
            trunk=current)
    return False, current


def ensure_absent(module, current):
    if current is None:
        return False, {}, []
    removed_credentials = []
    if module.check_mode:
        return True, {}, removed_credentials
    try:
        # Whether deleting a trunk also deletes its digest credentials is disputed (NOTES.md).
        for credential in module.client.list_credentials(current['trunk_sid']):
            if credential.get('id') is not None:
                module.client.delete_credential(current['trunk_sid'], credential['id'])
                removed_credentials.append(credential.get('user_name'))
    except ExotelNotFoundError:
        # Deleted by someone else since we listed it: absent is what was asked for.
        return False, {}, removed_credentials
    deleted = module.client.delete_trunk(current['trunk_sid'])
    return deleted is not None or bool(removed_credentials), {}, removed_credentials


def main_logic(module):
    params = module.params
    name = validate_trunk_name(params['name'])
    current = module.client.find_trunk_by_name(name)
    result = {}
    if params['state'] == 'present':
        desired = {
            'trunk_name': name,
            'nso_code': validate_nso_code(params['nso_code']),
            'domain_name': validate_domain_name(params['domain_name'] or '%s.pstn.exotel.com' % params['account_sid']),
        }
        changed, trunk = ensure_present(module, current, desired)
    else:
        changed, trunk, removed_credentials = ensure_absent(module, current)
        if current is not None:
            result['removed_credentials'] = removed_credentials
    if module.module._diff:
        result['diff'] = {'before': managed_view(current), 'after': managed_view(trunk)}
    module.exit(changed=changed, trunk=trunk, **result)


def main():
    module = ExotelModule(
        argument_spec=dict(
            name=dict(type='str', required=True, aliases=['trunk_name']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            nso_code=dict(type='str', default='ANY-ANY'),
            domain_name=dict(type='str'),
        ),
    )
    module.run(main_logic)


if __name__ == '__main__':
    main()

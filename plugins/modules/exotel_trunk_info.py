#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_trunk_info
short_description: Read Exotel SIP trunks and their numbers, ACL, destinations, settings and credentials
version_added: 1.0.0
description:
  - Returns one trunk (O(trunk_name) or O(trunk_sid)) or every trunk of the account, with the
    sub-collections chosen by O(gather).
  - Never changes anything.
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
  - exotel.sip_trunking.exotel.info_attributes
options:
  trunk_name:
    description:
      - Name of the trunk to read. Mutually exclusive with O(trunk_sid). Without either, every trunk is read.
    type: str
  trunk_sid:
    description:
      - SID of the trunk to read.
    type: str
  gather:
    description:
      - Which sub-collections to read for each trunk. Each costs at least one request per trunk.
      - An empty list reads the trunk records only.
    type: list
    elements: str
    choices: [numbers, acl, destinations, settings, credentials]
    default: [numbers, acl, destinations, settings]
  include_secrets:
    description:
      - Include digest passwords when the API returns them (only its older credentials shape does).
      - "B(The result then contains passwords:) set C(no_log: true) on every task that uses this option."
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Everything about one trunk
  exotel.sip_trunking.exotel_trunk_info:
    trunk_name: outbound_trunk
  register: info

- name: Just the trunk records of the whole account
  exotel.sip_trunking.exotel_trunk_info:
    gather: []
  register: all_trunks

- name: Digest users, passwords included
  exotel.sip_trunking.exotel_trunk_info:
    trunk_name: streamkit_trunk
    gather: [credentials]
    include_secrets: true
  no_log: true
  register: creds
'''

RETURN = r'''
trunks:
  description:
    - The trunks read, each with the API's trunk fields plus one key per gathered sub-collection
      (C(numbers), C(whitelisted_ips), C(destinations), C(settings), C(credentials)). The API's
      sub-resource link fields, which share some of these names, are left out.
    - Empty when the named trunk does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - trunk_sid: trmum1f708622631150902801a1n
      trunk_name: outbound_trunk
      nso_code: ANY-ANY
      domain_name: exoteltest.pstn.exotel.com
      numbers:
        - id: "41512"
          phone_number: "+919876543210"
          mode: pstn
      whitelisted_ips:
        - id: "1153"
          ip: 44.248.146.11
          mask: 32
trunk:
  description: The trunk named by O(trunk_name) or O(trunk_sid), or null when it does not exist.
  returned: when O(trunk_name) or O(trunk_sid) is given
  type: dict
'''

from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import ExotelNotFoundError
from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import ExotelModule
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import destination_key, effective_mode


def _numbers(client, sid, include_secrets):
    return [{'id': row.get('id'), 'phone_number': row.get('phone_number'), 'mode': effective_mode(row.get('mode'))}
            for row in client.list_phone_numbers(sid)]


def _acl(client, sid, include_secrets):
    return [{'id': row.get('id'), 'ip': row.get('ip'), 'mask': row.get('mask'), 'friendly_name': row.get('friendly_name')}
            for row in client.list_whitelisted_ips(sid)]


def _destinations(client, sid, include_secrets):
    return [{'id': row.get('id'), 'destination': 'sip:' + destination_key(row.get('destination')),
             'priority': row.get('priority'), 'weight': row.get('weight'), 'type': row.get('type')}
            for row in client.list_destinations(sid)]


def _settings(client, sid, include_secrets):
    return [{'name': row.get('name'), 'value': row.get('value')} for row in client.list_settings(sid)]


def _credentials(client, sid, include_secrets):
    return client.list_credentials(sid, include_secrets=include_secrets)


# Sub-resource links of every trunk record (e.g. "/v2/accounts/<sid>/trunks/<trunk_sid>/credentials").
TRUNK_LINK_FIELDS = ('phone_numbers', 'whitelisted_ips', 'destination_uris', 'credentials')

# gather choice -> (result key, reader)
GATHERERS = {
    'numbers': ('numbers', _numbers),
    'acl': ('whitelisted_ips', _acl),
    'destinations': ('destinations', _destinations),
    'settings': ('settings', _settings),
    'credentials': ('credentials', _credentials),
}


def main_logic(module):
    params = module.params
    client = module.client
    if params['trunk_sid']:
        trunks = [t for t in [client.get_trunk(params['trunk_sid'])] if t]
    elif params['trunk_name']:
        trunks = [t for t in [client.find_trunk_by_name(params['trunk_name'])] if t]
    else:
        trunks = client.list_trunks()
    described = []
    for trunk in trunks:
        # The API's link fields (whitelisted_ips, credentials, ...) are URL strings that share their
        # names with the gathered lists: drop them, so a key is there exactly when it was gathered.
        trunk = dict((key, value) for key, value in trunk.items() if key not in TRUNK_LINK_FIELDS)
        try:
            for choice in params['gather']:
                key, reader = GATHERERS[choice]
                trunk[key] = reader(client, trunk['trunk_sid'], params['include_secrets'])
        except ExotelNotFoundError:
            continue  # deleted while we were reading it
        described.append(trunk)
    result = {'trunks': described}
    if params['trunk_sid'] or params['trunk_name']:
        result['trunk'] = described[0] if described else None
    module.exit(changed=False, **result)


def main():
    module = ExotelModule(
        argument_spec=dict(
            trunk_name=dict(type='str'),
            trunk_sid=dict(type='str'),
            gather=dict(type='list', elements='str', default=['numbers', 'acl', 'destinations', 'settings'],
                        choices=sorted(GATHERERS)),
            include_secrets=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('trunk_name', 'trunk_sid')],
    )
    module.run(main_logic)


if __name__ == '__main__':
    main()

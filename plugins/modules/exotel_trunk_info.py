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
      - Given but empty (null, or an empty string) is an error, so that a variable that did not resolve
        never turns a read of one trunk into a read of the whole account.
    type: str
  trunk_sid:
    description:
      - SID of the trunk to read. Given but empty is an error, as for O(trunk_name).
      - The check-mode placeholder SID of M(exotel.sip_trunking.exotel_trunk) (a trunk that check mode
        would create) reads nothing and returns that trunk with empty entry lists.
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
account_sid:
  description: The account SID the task worked on.
  returned: always
  type: str
  sample: exoteltest
trunks:
  description:
    - The trunks read, each with the API's trunk fields plus one key per gathered sub-collection
      (C(numbers), C(whitelisted_ips), C(destinations), C(settings), C(credentials)). The API's
      sub-resource link fields, which share some of these names, are left out.
    - Each entry has the shape the entry modules return (for example C(numbers) of
      M(exotel.sip_trunking.exotel_trunk_number)), sorted by its identity.
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

from ..module_utils._client import ExotelNotFoundError
from ..module_utils._entries import GATHERABLE, DigestCredentials, gather_entries, trunk_record
from ..module_utils._module import ExotelModule, is_planned_trunk_sid
from ..module_utils._validation import ValidationError

TRUNK_IDENTIFIERS = ('trunk_sid', 'trunk_name')


def requested_trunks(module):
    """The trunk records the task asks for: one (by SID or name) or every trunk of the account."""
    params, client = module.params, module.client
    for option in TRUNK_IDENTIFIERS:
        if option in module.given_options and not (params[option] or '').strip():
            raise ValidationError(option, 'is empty; name a trunk, or leave both trunk_sid and trunk_name out to read '
                                  'every trunk of the account')
    if params['trunk_sid'] and is_planned_trunk_sid(params['trunk_sid']):
        return [{'trunk_sid': params['trunk_sid']}]
    if params['trunk_sid']:
        return [trunk for trunk in [client.get_trunk(params['trunk_sid'])] if trunk]
    if params['trunk_name']:
        return [trunk for trunk in [client.find_trunk_by_name(params['trunk_name'])] if trunk]
    return client.list_trunks()


def describe(module, trunk):
    """A trunk record with its gathered entries; None when it vanished while being read."""
    params = module.params
    described = trunk_record(trunk)
    if is_planned_trunk_sid(trunk['trunk_sid']):
        # Check mode plans to create it: it holds nothing yet, and there is nothing to read.
        return dict(described, **dict((GATHERABLE[name].kind, []) for name in params['gather']))
    plain = [name for name in params['gather'] if not (name == 'credentials' and params['include_secrets'])]
    try:
        described.update(gather_entries(module.client, trunk['trunk_sid'], plain))
        if len(plain) < len(params['gather']):
            described['credentials'] = credentials_with_secrets(module.client, trunk['trunk_sid'])
    except ExotelNotFoundError:
        return None
    return described


def credentials_with_secrets(client, trunk_sid):
    """Digest users with the password, where the API's older credentials shape carries one."""
    users = []
    for row in client.list_credentials(trunk_sid, include_secrets=True):
        user = DigestCredentials().view(row)
        if row.get('password') is not None:
            user['password'] = row['password']
        users.append(user)
    return sorted(users, key=lambda user: user['user_name'])


def main_logic(module):
    params = module.params
    described = [trunk for trunk in (describe(module, trunk) for trunk in requested_trunks(module)) if trunk]
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
                        choices=sorted(GATHERABLE)),
            include_secrets=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('trunk_name', 'trunk_sid')],
    )
    module.run(main_logic)


if __name__ == '__main__':
    main()

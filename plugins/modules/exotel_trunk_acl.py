#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_trunk_acl
short_description: Manage the whitelisted IPs (ACL) of an Exotel SIP trunk
version_added: 1.0.0
description:
  - Adds or removes whitelisted IPv4 addresses and networks of a trunk. Outbound and StreamKit calls
    are authenticated by their source IP; inbound IP destinations must be whitelisted too.
  - The ACL is read once (every page) and only what differs is written.
  - An entry is identified by its IP. The API cannot change an entry's mask, so a mask change
    B(deletes the entry and adds it again) with the new mask; the diff and the RV(updated) result show it.
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
  - exotel.sip_trunking.exotel.attributes
  - exotel.sip_trunking.exotel.trunk_reference
  - exotel.sip_trunking.exotel.entry_state
options:
  ip:
    description:
      - One IPv4 address (V(203.0.113.5)) or network in CIDR form (V(203.0.113.0/24)).
      - V(203.0.113.5) and V(203.0.113.5/32) are the same entry. IPv6 is not supported by the API.
      - Mutually exclusive with O(entries).
    type: str
  mask:
    description:
      - Prefix length from 1 to 32 for O(ip). Defaults to 32, or to the CIDR suffix of O(ip);
        a CIDR suffix and a different O(mask) together are an error.
      - Must be an integer, not a quoted string.
    type: raw
  entries:
    description:
      - IPs to manage, each a string (address or CIDR) or a dictionary with C(ip) and optional C(mask).
      - Mutually exclusive with O(ip).
    type: list
    elements: raw
'''

EXAMPLES = r'''
- name: Whitelist the PBX's public IP
  exotel.sip_trunking.exotel_trunk_acl:
    trunk_name: outbound_trunk
    ip: 44.248.146.11

- name: Whitelist several addresses in one task
  exotel.sip_trunking.exotel_trunk_acl:
    trunk_sid: "{{ trunk.trunk.trunk_sid }}"
    entries:
      - 44.248.146.11
      - 44.248.147.0/24
      - ip: 52.66.10.20
        mask: 32

- name: Exactly these IPs and nothing else
  exotel.sip_trunking.exotel_trunk_acl:
    trunk_name: outbound_trunk
    entries: [44.248.146.11, 44.248.146.12]
    purge: true

- name: Remove an IP
  exotel.sip_trunking.exotel_trunk_acl:
    trunk_name: outbound_trunk
    ip: 44.248.146.12
    state: absent
'''

RETURN = r'''
trunk_sid:
  description: SID of the trunk (null in check mode when the trunk does not exist yet).
  returned: always
  type: str
whitelisted_ips:
  description: Every whitelisted IP of the trunk after the task.
  returned: always
  type: list
  elements: dict
  sample:
    - id: "1153"
      ip: 44.248.146.11
      mask: 32
whitelisted_ip:
  description: The entry named by O(ip) after the task, or null when it is absent.
  returned: when O(ip) is used
  type: dict
added:
  description: Entries added (predicted in check mode, with C(id=null)).
  returned: always
  type: list
  elements: dict
updated:
  description: Entries replaced because their mask changed (delete, then add).
  returned: always
  type: list
  elements: dict
removed:
  description: Entries deleted, including the old form of replaced entries.
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
    ValidationError,
    normalize_acl_entry,
    parse_acl_entry,
)


class WhitelistedIps(EntryType):
    result_key = 'whitelisted_ips'
    single_key = 'whitelisted_ip'
    replace_on_change = True

    def list(self, trunk_sid):
        return self.client.list_whitelisted_ips(trunk_sid)

    def key(self, entry):
        return entry['ip']

    def view(self, row):
        return {'id': row.get('id'), 'ip': row['ip'], 'mask': int(row['mask']) if row.get('mask') is not None else 32}

    def differs(self, row, desired):
        return self.view(row)['mask'] != desired['mask']

    def add_one(self, trunk_sid, desired):
        row, _created = self.client.add_whitelisted_ip(trunk_sid, desired['ip'], desired['mask'])
        return row

    def remove(self, trunk_sid, row):
        self.client.delete_whitelisted_ip(trunk_sid, row['id'])


def parse_acl(module, item, label):
    if item is not None:
        return parse_acl_entry(item, label)
    ip, mask = normalize_acl_entry(module.params['ip'], module.params['mask'])
    return {'ip': ip, 'mask': mask}


def main_logic(module):
    if module.params['mask'] is not None and module.params['ip'] is None:
        raise ValidationError('mask', 'can only be used with ip (in entries, give each entry its own mask)')
    manage_entries(module, WhitelistedIps(module), 'ip', 'entries', parse_acl)


def main():
    module = ExotelModule(
        trunk_entries=True,
        argument_spec=dict(
            ip=dict(type='str'),
            mask=dict(type='raw'),
            entries=dict(type='list', elements='raw'),
        ),
        mutually_exclusive=[('ip', 'entries')],
        required_one_of=[('ip', 'entries')],
    )
    module.run(main_logic)


if __name__ == '__main__':
    main()

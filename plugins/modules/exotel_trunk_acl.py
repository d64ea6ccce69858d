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
      - One IPv4 address (V(44.248.146.11)) or network in CIDR form (V(44.248.146.0/24)).
      - V(44.248.146.11) and V(44.248.146.11/32) are the same entry. IPv6 is not supported by the API.
      - Mutually exclusive with O(entries).
    type: str
  mask:
    description:
      - Prefix length from 16 to 32 for O(ip) (the API refuses wider networks). Defaults to 32, or to the CIDR suffix of O(ip);
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


from ..module_utils._engine import manage_entries
from ..module_utils._entries import WhitelistedIps
from ..module_utils._module import ExotelModule


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
    module.run(manage_entries, WhitelistedIps(module.params))


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_trunk_destination
short_description: Manage the inbound destination URIs of an Exotel SIP trunk
version_added: 1.0.0
description:
  - Manages where Exotel sends inbound calls of a trunk - your PBX or SBC, by public IPv4 address or FQDN.
  - The destinations are read once; all missing ones are added in B(one) request. When the API
    refuses some of them (HTTP 207), the task fails naming each refused destination with the API's
    reason, and still reports the ones that were created.
  - An IP destination must be covered by the trunk's ACL first (M(exotel.sip_trunking.exotel_trunk_acl));
    this is checked before any write. FQDNs need no ACL entry. Documentation (RFC 5737) and private
    addresses are refused before any write, as the API would refuse them.
  - A destination is identified by its URI; the C(sip:) prefix the API adds and letter case do not matter.
    The URI itself cannot be changed, only O(priority) and O(weight).
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
  - exotel.sip_trunking.exotel.attributes
  - exotel.sip_trunking.exotel.trunk_reference
  - exotel.sip_trunking.exotel.entry_state
options:
  destination:
    description:
      - One destination as C(host:port;transport=tls) or C(host:port;transport=tcp), optionally
        prefixed with C(sip:). Mutually exclusive with O(host), O(destinations).
    type: str
  host:
    description:
      - Structured form of O(destination) - the public IPv4 address or FQDN.
    type: str
  port:
    description:
      - Port for O(host), 1 to 65535. Defaults to 5061 for V(tls) and 5060 for V(tcp).
    type: int
  transport:
    description:
      - Transport for O(host). The API accepts V(tls) and V(tcp) only.
    type: str
    choices: [tls, tcp]
    default: tls
  priority:
    description:
      - Routing priority of the destination (lower is tried first). Not managed when omitted.
    type: int
  weight:
    description:
      - Load-balancing weight among destinations of equal priority. Not managed when omitted.
    type: int
  destinations:
    description:
      - Destinations to manage. Each is a URI string, or a dictionary with either C(destination) or
        C(host) (with optional C(port), C(transport)), and optional C(priority) and C(weight).
    type: list
    elements: raw
'''

EXAMPLES = r'''
- name: Send inbound calls to the SBC over TLS
  exotel.sip_trunking.exotel_trunk_destination:
    trunk_name: inbound_trunk
    destination: sip.mycompany.com:5061;transport=tls

- name: The same with structured options
  exotel.sip_trunking.exotel_trunk_destination:
    trunk_name: inbound_trunk
    host: sip.mycompany.com
    transport: tls

- name: Two destinations, primary and backup, in one request; nothing else
  exotel.sip_trunking.exotel_trunk_destination:
    trunk_sid: "{{ trunk.trunk.trunk_sid }}"
    destinations:
      - destination: 44.248.146.11:5061;transport=tls
        priority: 0
      - host: sbc2.mycompany.com
        transport: tcp
        priority: 1
    purge: true
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
destinations:
  description: Every destination of the trunk after the task, as the API returns it (with C(sip:)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: "2543"
      destination: sip:44.248.146.11:5061;transport=tls
      priority: 0
      weight: 1
destination:
  description: The destination named by O(destination) or O(host) after the task, or null.
  returned: when O(destination) or O(host) is used
  type: dict
added:
  description: Destinations created (predicted in check mode, with C(id=null)).
  returned: always
  type: list
  elements: dict
updated:
  description: Destinations whose priority or weight changed.
  returned: always
  type: list
  elements: dict
removed:
  description: Destinations deleted.
  returned: always
  type: list
  elements: dict
failed_entries:
  description: Destinations the API refused, with its reason.
  returned: on partial failure
  type: list
  elements: dict
'''


from ..module_utils._engine import manage_entries
from ..module_utils._entries import Destinations
from ..module_utils._module import ExotelModule


def main():
    module = ExotelModule(
        trunk_entries=True,
        argument_spec=dict(
            destination=dict(type='str'),
            host=dict(type='str'),
            port=dict(type='int'),
            transport=dict(type='str', default='tls', choices=['tls', 'tcp']),
            priority=dict(type='int'),
            weight=dict(type='int'),
            destinations=dict(type='list', elements='raw'),
        ),
        mutually_exclusive=[('destination', 'host', 'destinations'), ('destinations', 'priority'), ('destinations', 'weight')],
        required_one_of=[('destination', 'host', 'destinations')],
    )
    module.run(manage_entries, Destinations(module.params))


if __name__ == '__main__':
    main()

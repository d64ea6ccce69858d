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
trunk_sid:
  description: SID of the trunk (null in check mode when the trunk does not exist yet).
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

from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import (
    EntryType,
    ExotelModule,
    manage_entries,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import (
    ValidationError,
    build_destination,
    destination_host,
    destination_key,
    ip_in_acl,
    is_ipv4_literal,
    normalize_destination,
    parse_destination_entry,
    parse_priority_and_weight,
)

DEFAULT_PRIORITY = 0
DEFAULT_WEIGHT = 1


class Destinations(EntryType):
    result_key = 'destinations'
    single_key = 'destination'

    def list(self, trunk_sid):
        return self.client.list_destinations(trunk_sid)

    def key(self, entry):
        return destination_key(entry['destination'])

    def view(self, row):
        return {'id': row.get('id'), 'destination': 'sip:' + destination_key(row['destination']),
                'priority': row.get('priority', DEFAULT_PRIORITY), 'weight': row.get('weight', DEFAULT_WEIGHT)}

    def differs(self, row, desired):
        return any(desired.get(field) is not None and row.get(field) != desired[field] for field in ('priority', 'weight'))

    def predict(self, desired, row=None):
        predicted = {'id': None, 'destination': desired['destination'], 'priority': DEFAULT_PRIORITY, 'weight': DEFAULT_WEIGHT}
        predicted.update(row or {})
        predicted.update(dict((k, v) for k, v in desired.items() if k in ('priority', 'weight') and v is not None))
        return predicted

    def check(self, trunk_sid, to_add, to_update):
        ip_entries = [entry for entry in to_add if is_ipv4_literal(destination_host(entry['destination']))]
        if not ip_entries:
            return
        acl = [(row['ip'], int(row.get('mask') or 32)) for row in self.client.list_whitelisted_ips(trunk_sid)]
        outside = [entry['destination'] for entry in ip_entries if not ip_in_acl(destination_host(entry['destination']), acl)]
        if outside and self.module.check_mode:
            # An earlier task of this check-mode run may be the one that whitelists them.
            self.module.warn('%s not whitelisted on the trunk yet; outside check mode this fails unless an earlier '
                             'task adds it with exotel.sip_trunking.exotel_trunk_acl.' % ', '.join(outside))
        elif outside:
            raise ValidationError(
                'destination', 'uses an IP that is not whitelisted on the trunk: add %s with exotel.sip_trunking.exotel_trunk_acl '
                'first (the API refuses IP destinations outside the ACL; FQDNs need none)'
                % ', '.join(sorted(set(destination_host(d) for d in outside))), ', '.join(outside))

    def add(self, trunk_sid, desired_entries):
        answers = self.client.add_destinations(trunk_sid, [entry['destination'] for entry in desired_entries], destination_key)
        return [(entry, answer.data if answer.ok else None, None if answer.ok else answer.error)
                for entry, answer in zip(desired_entries, answers)]

    def update(self, trunk_sid, row, desired):
        fields = dict((field, desired[field] if desired.get(field) is not None else row.get(field))
                      for field in ('priority', 'weight'))
        return self.client.update_destination(trunk_sid, row['id'], **fields)

    def remove(self, trunk_sid, row):
        self.client.delete_destination(trunk_sid, row['id'])


def parse_destination(module, item, label):
    if item is not None:
        return parse_destination_entry(item, label)
    params = module.params
    if params['destination'] is not None:
        uri = normalize_destination(params['destination'], 'destination')
    else:
        uri = build_destination(params['host'], params['port'], params['transport'])
    return dict(parse_priority_and_weight(params), destination=uri)


def main_logic(module):
    params = module.params
    if params['host'] is None and (params['port'] is not None):
        raise ValidationError('port', 'can only be used with host')
    single = 'destination' if params['destination'] is not None else 'host'
    manage_entries(module, Destinations(module), single, 'destinations', parse_destination)


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
    module.run(main_logic)


if __name__ == '__main__':
    main()

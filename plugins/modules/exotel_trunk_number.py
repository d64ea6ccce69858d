#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_trunk_number
short_description: Map phone numbers (ExoPhones) to an Exotel SIP trunk and set their routing mode
version_added: 1.0.0
description:
  - Maps one phone number (O(phone_number)) or a list of them (O(numbers)) to a trunk, sets each
    number's routing mode, and removes mappings.
  - The trunk's numbers are read once (every page, 50 per request) and only what differs is written,
    so 1,000 numbers that are already in place cost about 20 read requests and no write.
  - A mapping created without a mode is reported by the API as C(mode=null), which routes as
    V(pstn); this module treats the two as equal.
  - A mode change is a C(PUT) to the mapping's numeric id (never the phone number).
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
  - exotel.sip_trunking.exotel.attributes
  - exotel.sip_trunking.exotel.trunk_reference
  - exotel.sip_trunking.exotel.entry_state
options:
  phone_number:
    description:
      - One phone number in E.164 format (V(+) then 8 to 15 digits), for example V(+919876543210).
      - Mutually exclusive with O(numbers).
    type: str
  mode:
    description:
      - Routing mode. V(pstn) routes calls to the telephone network; V(flow) routes them to an Exotel
        flow (StreamKit / voice AI bot). Lower case only, as the API requires.
      - When omitted, a new mapping is created without a mode (which behaves as V(pstn)) and the mode
        of an existing mapping is left alone.
      - With O(numbers), the mode of the entries given as plain strings.
    type: str
    choices: [pstn, flow]
  numbers:
    description:
      - Phone numbers to manage, each an E.164 string or a dictionary with C(phone_number) and
        optional C(mode).
      - Mutually exclusive with O(phone_number).
    type: list
    elements: raw
'''

EXAMPLES = r'''
- name: Map one number for outbound (PSTN) calling
  exotel.sip_trunking.exotel_trunk_number:
    trunk_name: outbound_trunk
    phone_number: "+919876543210"
    mode: pstn

- name: Map many numbers with one read of the trunk's list; a StreamKit number in flow mode
  exotel.sip_trunking.exotel_trunk_number:
    trunk_sid: "{{ trunk.trunk.trunk_sid }}"
    numbers:
      - "+919876543210"
      - "+918040264208"
      - phone_number: "+912240000001"
        mode: flow

- name: Make the list exclusive - unmap every other number of the trunk
  exotel.sip_trunking.exotel_trunk_number:
    trunk_name: outbound_trunk
    numbers: "{{ pbx_numbers }}"
    mode: pstn
    purge: true

- name: Unmap a number
  exotel.sip_trunking.exotel_trunk_number:
    trunk_name: outbound_trunk
    phone_number: "+919876543210"
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
numbers:
  description: Every number mapped to the trunk after the task, with its mapping id and effective mode.
  returned: always
  type: list
  elements: dict
  sample:
    - id: "41512"
      phone_number: "+919876543210"
      mode: pstn
number:
  description: The number named by O(phone_number) after the task, or null when it is not mapped.
  returned: when O(phone_number) is used
  type: dict
added:
  description: Mappings created (predicted in check mode, with C(id=null)).
  returned: always
  type: list
  elements: dict
updated:
  description: Mappings whose mode was changed.
  returned: always
  type: list
  elements: dict
removed:
  description: Mappings deleted.
  returned: always
  type: list
  elements: dict
'''


from ..module_utils._engine import manage_entries
from ..module_utils._entries import PhoneNumbers
from ..module_utils._module import ExotelModule
from ..module_utils._validation import PHONE_MODES


def main():
    module = ExotelModule(
        trunk_entries=True,
        argument_spec=dict(
            phone_number=dict(type='str'),
            mode=dict(type='str', choices=list(PHONE_MODES)),
            numbers=dict(type='list', elements='raw'),
        ),
        mutually_exclusive=[('phone_number', 'numbers')],
        required_one_of=[('phone_number', 'numbers')],
    )
    module.run(manage_entries, PhoneNumbers(module.params))


if __name__ == '__main__':
    main()

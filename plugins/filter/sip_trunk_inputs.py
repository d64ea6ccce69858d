# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: sip_trunk_inputs
version_added: 1.0.0
author:
  - Exotel SIP trunking maintainers (@exotel)
short_description: Validate and normalise the inputs of the sip_trunk role
description:
  - Validates every entry of the P(exotel.sip_trunking.sip_trunk#role) role's inputs with the same rules as the
    collection's modules, before any API call, and returns them normalised for the modules' list forms.
  - Entries that are the same once normalised (for example V(sip:SBC.example.com:5061;transport=tls) and
    V(sbc.example.com:5061;transport=tls), or V(44.248.146.11) and V(44.248.146.11/32)) are refused as duplicates.
  - IPv4 hosts of destinations that no whitelisted entry covers are returned in RV(_value.destination_acl_additions)
    and added to RV(_value.acl), because the API refuses IP destinations outside the trunk's ACL.
  - On bad input the filter fails with a message naming the role variable, the entry and the rule, for example
    C(sip_trunk_destinations[1].port must be an integer from 1 to 65535 (got 70000)). A password is never part
    of a message.
  - With O(use_case_rules=true) it also checks the use-case rules of the role (which lists a use case needs),
    with a message that says what is missing and why.
  - With O(on_error=report) a problem does not raise. The result is then a dictionary whose only key
    RV(_value.error) holds the message, so that a task can fail with exactly that message; valid inputs come
    back with RV(_value.error=null).
positional: _input
options:
  _input:
    description:
      - The role's inputs, by the name of the role variable without its C(sip_trunk_) prefix.
      - With O(_input.state=absent) only O(_input.name) is checked and every list is returned empty.
    type: dict
    required: true
    suboptions:
      name:
        description: Trunk name, 1 to 16 letters, digits or underscores. Not checked when omitted.
        type: str
      use_case:
        description: V(outbound), V(inbound), V(streamkit) or V(bidirectional); picks the default number mode.
        type: str
        default: outbound
      state:
        description: V(present) or V(absent).
        type: str
        default: present
      numbers:
        description: E.164 strings, or dictionaries with C(phone_number) and optional C(mode).
        type: list
        elements: raw
        default: []
      number_mode:
        description:
          - Mode of the numbers given without one. Empty means V(flow) for the V(streamkit) use case
            and V(pstn) otherwise.
        type: str
        default: ""
      whitelisted_ips:
        description: IPv4 addresses or CIDRs, as strings or dictionaries with C(ip) and optional C(mask).
        type: list
        elements: raw
        default: []
      destinations:
        description:
          - C([sip:]host:port;transport=tls|tcp) strings, or dictionaries with C(destination) or C(host)
            (plus optional C(port), C(transport)), and optional C(priority) and C(weight).
        type: list
        elements: raw
        default: []
      caller_id:
        description: E.164 caller ID. Empty means not managed.
        type: str
        default: ""
      credentials:
        description: Dictionaries with C(user_name), C(password) and optional C(friendly_name).
        type: list
        elements: dict
        default: []
  on_error:
    description:
      - V(raise) fails the template with the message; V(report) returns it in RV(_value.error).
    type: str
    choices: [raise, report]
    default: raise
  use_case_rules:
    description: Also check that the inputs hold what O(_input.use_case) needs.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Validate before any API call
  ansible.builtin.set_fact:
    trunk_inputs: "{{ {'use_case': 'inbound', 'numbers': my_numbers, 'destinations': my_destinations}
                      | exotel.sip_trunking.sip_trunk_inputs }}"

# {'use_case': 'bidirectional',
#  'numbers': ['+918069000001', {'phone_number': '+918069000002', 'mode': 'flow'}],
#  'whitelisted_ips': ['44.248.146.0/24'],
#  'destinations': ['SIP:44.248.146.11:5061;transport=TLS', {'host': '52.66.10.20', 'transport': 'tcp', 'priority': 1}]}
# | exotel.sip_trunking.sip_trunk_inputs
# =>
# numbers: [{phone_number: '+918069000001', mode: pstn}, {phone_number: '+918069000002', mode: flow}]
# whitelisted_ips: [{ip: 44.248.146.0, mask: 24}]
# destinations:
#   - {destination: '44.248.146.11:5061;transport=tls', priority: null, weight: null}
#   - {destination: '52.66.10.20:5060;transport=tcp', priority: 1, weight: null}
# destination_acl_additions: [{ip: 52.66.10.20, mask: 32}]
# acl: [{ip: 44.248.146.0, mask: 24}, {ip: 52.66.10.20, mask: 32}]
# caller_id: null
# credentials: []
'''

RETURN = r'''
_value:
  description: The inputs, validated and normalised.
  type: dict
  contains:
    numbers:
      description: Numbers to map with their mode (null for an entry given with C(mode=null), which is not managed).
      type: list
      elements: dict
      sample: [{phone_number: "+919876543210", mode: pstn}]
    whitelisted_ips:
      description: The listed ACL entries.
      type: list
      elements: dict
      sample: [{ip: 44.248.146.0, mask: 24}]
    destinations:
      description:
        - Destinations in the canonical C(host:port;transport=x) form, with C(priority) and C(weight)
          (null when not given, which leaves them unmanaged).
      type: list
      elements: dict
      sample: [{destination: "sip.example.com:5061;transport=tls", priority: 0, weight: null}]
    destination_acl_additions:
      description: IPv4 destination hosts not covered by RV(_value.whitelisted_ips), as C(/32) entries.
      type: list
      elements: dict
      sample: [{ip: 52.66.10.20, mask: 32}]
    acl:
      description: RV(_value.whitelisted_ips) followed by RV(_value.destination_acl_additions) - the ACL to manage.
      type: list
      elements: dict
    caller_id:
      description: The caller ID, or null when not managed.
      type: str
    credentials:
      description:
        - Digest users with C(user_name) and C(friendly_name). Passwords are validated but never returned,
          so the result can be printed; pass the original list to M(exotel.sip_trunking.exotel_trunk_credential).
      type: list
      elements: dict
    error:
      description:
        - With O(on_error=report), the message naming the role variable and the rule, or V(null) when the inputs
          are valid. Absent with O(on_error=raise).
      type: str
'''

from ansible.errors import AnsibleFilterError

from ..module_utils._entries import Destinations, DigestCredentials, PhoneNumbers, WhitelistedIps
from ..module_utils._validation import (
    ValidationError,
    destination_host,
    ip_in_acl,
    is_ipv4_literal,
    normalize_mode,
    normalize_phone_number,
    parse_list,
    validate_trunk_name,
)

PREFIX = 'sip_trunk_'
USE_CASES = ('outbound', 'inbound', 'streamkit', 'bidirectional')
INPUTS = ('name', 'use_case', 'state', 'numbers', 'number_mode', 'whitelisted_ips', 'destinations', 'caller_id',
          'credentials')

# What an entry of a list looks like, added to a message about one entry.
SHAPES = {
    'numbers': 'Each entry of sip_trunk_numbers is an E.164 string or {phone_number, mode} with mode pstn or flow.',
    'whitelisted_ips': 'Each entry of sip_trunk_whitelisted_ips is an IPv4 address or CIDR (a.b.c.d or a.b.c.d/n), '
                       'as a string or {ip, mask}; FQDNs are not supported, because Exotel authenticates calls by '
                       'their source IP.',
    'destinations': 'Each entry of sip_trunk_destinations is a host:port;transport=tls|tcp string (optionally with '
                    'sip:), or {destination} / {host, port, transport}, with optional priority and weight; the host '
                    'is a public IPv4 address or an FQDN.',
}


def _parse(inputs, name, entry_type):
    """Parse the list input ``name`` with the entry type the modules use; messages name the role
    variable (``sip_trunk_<name>[i]``)."""
    def parse_entry(item, label):
        try:
            return entry_type.parse_item(item, label)
        except ValidationError as exc:
            raise AnsibleFilterError('%s. %s' % (exc, SHAPES[name]) if name in SHAPES else str(exc))

    items = inputs.get(name)
    try:
        return parse_list([] if items is None else items, PREFIX + name, parse_entry, entry_type.key)
    except ValidationError as exc:  # not a list, or an entry listed twice
        raise AnsibleFilterError(str(exc))


def _state(inputs):
    """The trunk's state, after checking the name: with state=absent nothing else is used."""
    if inputs.get('name') is not None:
        validate_trunk_name(inputs['name'], PREFIX + 'name')
    state = inputs.get('state') or 'present'
    if state not in ('present', 'absent'):
        raise ValidationError(PREFIX + 'state', 'must be one of present, absent', state)
    return state


def _number_mode_and_caller_id(inputs):
    use_case = inputs.get('use_case') or 'outbound'
    if use_case not in USE_CASES:
        raise ValidationError(PREFIX + 'use_case', 'must be one of %s' % ', '.join(USE_CASES), use_case)
    default_mode = normalize_mode(inputs.get('number_mode') or ('flow' if use_case == 'streamkit' else 'pstn'),
                                  PREFIX + 'number_mode')
    caller_id = normalize_phone_number(inputs['caller_id'], PREFIX + 'caller_id') if inputs.get('caller_id') else None
    return default_mode, caller_id


def _destination_acl_additions(whitelisted_ips, destinations):
    """The API refuses an IP destination outside the trunk's ACL: the hosts no listed entry covers, as /32."""
    listed = [(entry['ip'], entry['mask']) for entry in whitelisted_ips]
    additions = []
    for entry in destinations:
        host = destination_host(entry['destination'])
        addition = {'ip': host, 'mask': 32}
        if is_ipv4_literal(host) and not ip_in_acl(host, listed) and addition not in additions:
            additions.append(addition)
    return additions


# What each use case needs, and why: (the role variable, the use cases that need it, the reason).
USE_CASE_RULES = (
    ('numbers', USE_CASES, {
        'outbound': 'outbound calls leave Exotel from (and show) a number mapped to the trunk',
        'inbound': 'inbound calls arrive on a number mapped to the trunk',
        'streamkit': 'the voice-AI bot answers and calls through numbers mapped to the trunk (in flow mode)',
        'bidirectional': 'calls arrive on, and leave from, numbers mapped to the trunk'}),
    ('whitelisted_ips', ('outbound', 'bidirectional'), dict.fromkeys(
        ('outbound', 'bidirectional'), 'Exotel authenticates outbound calls by the static public source IP of your '
        'PBX/SBC (an FQDN is not supported), so list that IPv4 address or CIDR')),
    ('destinations', ('inbound', 'bidirectional'), dict.fromkeys(
        ('inbound', 'bidirectional'), 'Exotel must know where to deliver inbound calls - your PBX/SBC as '
        'host:port;transport=tls|tcp (a public IPv4 address, which the role whitelists for you, or an FQDN)')),
)


def _use_case_problem(inputs, use_case):
    """The first thing the use case needs and the inputs lack, as a message; None when complete."""
    for name, use_cases, reasons in USE_CASE_RULES:
        if use_case in use_cases and not inputs.get(name):
            return ('%suse_case=%s needs at least one %s in %s%s: %s.'
                    % (PREFIX, use_case, 'phone number' if name == 'numbers' else 'entry', PREFIX, name, reasons[use_case]))
    if use_case == 'streamkit' and not (inputs.get('whitelisted_ips') or inputs.get('credentials')):
        return ('sip_trunk_use_case=streamkit needs sip_trunk_whitelisted_ips or sip_trunk_credentials: Exotel '
                'authenticates the voice-AI platform\'s calls by its static public source IP (no FQDN) or by SIP '
                'digest credentials, and neither is set.')
    return None


def _validated(inputs, use_case_rules):
    """The normalised inputs (see RETURN); raises AnsibleFilterError naming the variable and the rule."""
    if not isinstance(inputs, dict):
        raise AnsibleFilterError('sip_trunk_inputs expects a dictionary of the role inputs, not %s' % type(inputs).__name__)
    unknown = sorted(set(inputs) - set(INPUTS))
    if unknown:
        raise AnsibleFilterError('sip_trunk_inputs got unknown inputs %s; known: %s' % (', '.join(unknown), ', '.join(INPUTS)))
    result = dict(numbers=[], whitelisted_ips=[], destinations=[], destination_acl_additions=[], acl=[], caller_id=None,
                  credentials=[])
    try:
        if _state(inputs) == 'absent':
            return result  # the trunk goes with everything on it: no list is used
        default_mode, result['caller_id'] = _number_mode_and_caller_id(inputs)
    except ValidationError as exc:
        raise AnsibleFilterError(str(exc))
    result['numbers'] = _parse(inputs, 'numbers', PhoneNumbers({'mode': default_mode}))
    result['whitelisted_ips'] = _parse(inputs, 'whitelisted_ips', WhitelistedIps())
    result['destinations'] = _parse(inputs, 'destinations', Destinations())
    # Passwords are checked, then dropped: this result is printed by set_fact and kept as a fact.
    result['credentials'] = [dict((k, v) for k, v in entry.items() if k != 'password')
                             for entry in _parse(inputs, 'credentials', DigestCredentials())]
    result['destination_acl_additions'] = _destination_acl_additions(result['whitelisted_ips'], result['destinations'])
    result['acl'] = result['whitelisted_ips'] + result['destination_acl_additions']
    problem = _use_case_problem(inputs, inputs.get('use_case') or 'outbound') if use_case_rules else None
    if problem:
        raise AnsibleFilterError(problem)
    return result


def sip_trunk_inputs(inputs, on_error='raise', use_case_rules=False):
    """Validate and normalise the inputs of the sip_trunk role (see DOCUMENTATION)."""
    if on_error not in ('raise', 'report'):
        raise AnsibleFilterError("sip_trunk_inputs: on_error must be 'raise' or 'report', not %r" % (on_error,))
    try:
        result = _validated(inputs, use_case_rules)
    except AnsibleFilterError as exc:
        if on_error == 'raise':
            raise
        return {'error': exc.message}
    if on_error == 'report':
        result['error'] = None
    return result


class FilterModule(object):
    """Filters of the exotel.sip_trunking collection."""

    def filters(self):
        return {'sip_trunk_inputs': sip_trunk_inputs}

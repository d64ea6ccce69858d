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
short_description: Create, adopt or delete an Exotel SIP trunk, optionally with its whole configuration
version_added: 1.0.0
description:
  - Ensures an Exotel SIP trunk with a given name exists or does not exist.
  - Optionally manages, in the same task, the trunk's whitelisted IPs, phone numbers, destinations,
    settings and digest credentials (O(whitelisted_ips), O(numbers), O(destinations), O(settings),
    O(credentials)), with the same rules as the modules that manage each of them. Every list is read
    and planned before the first write; they are then written in that order, so the ACL exists before
    the IP destinations that need it. One task costs one module run instead of six, which is what
    keeps a no-op converge of many trunks fast. A list left out is not managed (and not read).
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
      - Must end with C(.pstn.exotel.com).
    type: str
  whitelisted_ips:
    description:
      - The trunk's whitelisted IPs, as O(exotel.sip_trunking.exotel_trunk_acl#module:entries) takes them.
      - Only with O(state=present). Not managed when left out.
    type: list
    elements: raw
  numbers:
    description:
      - The trunk's phone numbers, as O(exotel.sip_trunking.exotel_trunk_number#module:numbers) takes them;
        an entry given as a plain string leaves the mode of an existing mapping alone.
      - Only with O(state=present). Not managed when left out.
    type: list
    elements: raw
  destinations:
    description:
      - The trunk's inbound destinations, as O(exotel.sip_trunking.exotel_trunk_destination#module:destinations)
        takes them. IP destinations must lie in the ACL (the one this task leaves, when it manages it).
      - Only with O(state=present). Not managed when left out.
    type: list
    elements: raw
  settings:
    description:
      - The trunk's settings, as O(exotel.sip_trunking.exotel_trunk_setting#module:settings) takes them,
        for example the caller ID as C(trunk_external_alias) with an E.164 value.
      - Only with O(state=present). Not managed when left out.
    type: dict
  credentials:
    description:
      - The trunk's SIP digest users, as O(exotel.sip_trunking.exotel_trunk_credential#module:credentials)
        takes them.
      - Only with O(state=present). Not managed when left out.
    type: list
    elements: dict
    suboptions:
      user_name:
        description: Digest user name.
        type: str
        required: true
      password:
        description: Password; letters, digits and underscores. Needed to create the user.
        type: str
      friendly_name:
        description: Up to 32 letters, digits or underscores.
        type: str
  update_password:
    description:
      - V(on_create) sends a digest password only when its user is created; V(always) sends it on every
        run (the API never returns passwords, so a change cannot be detected, and the task always reports one).
    type: str
    choices: [always, on_create]
    default: on_create
  purge:
    description:
      - Make every list given exclusive - remove the trunk's entries of that kind that are not listed,
        after the listed ones are added (and not when an addition failed). An empty list then means
        "exactly none". Lists left out are never purged.
    type: bool
    default: false
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

    - name: A whole outbound trunk in one task (each list read once, only differences written)
      exotel.sip_trunking.exotel_trunk:
        name: office_pbx
        whitelisted_ips: [44.248.146.11]
        numbers:
          - {phone_number: "+919876543210", mode: pstn}
        settings:
          trunk_external_alias: "+919876543210"
        purge: true

    - name: Delete a trunk and everything on it
      exotel.sip_trunking.exotel_trunk:
        name: old_trunk
        state: absent
'''

RETURN = r'''
account_sid:
  description: The account SID the task worked on.
  returned: always
  type: str
  sample: exoteltest
trunk:
  description:
    - The trunk as the API describes it, after the task. Empty when the trunk is absent.
    - In check mode, a trunk that would be created has the placeholder
      C(trunk_sid=check-mode-new-trunk:<name>). It is never a real SID; every module of the
      collection takes it for "this trunk will be created", so tasks chained on it predict their
      changes in check mode, and refuse it outside check mode.
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
numbers:
  description: The trunk's numbers after the task, when O(numbers) is given (shape of M(exotel.sip_trunking.exotel_trunk_number)).
  returned: when O(numbers) is given
  type: list
  elements: dict
whitelisted_ips:
  description: The trunk's whitelisted IPs after the task, when O(whitelisted_ips) is given.
  returned: when O(whitelisted_ips) is given
  type: list
  elements: dict
destinations:
  description: The trunk's destinations after the task, when O(destinations) is given.
  returned: when O(destinations) is given
  type: list
  elements: dict
settings:
  description: The trunk's settings after the task, when O(settings) is given.
  returned: when O(settings) is given
  type: list
  elements: dict
credentials:
  description: The trunk's digest users after the task (never a password), when O(credentials) is given.
  returned: when O(credentials) is given
  type: list
  elements: dict
changes:
  description:
    - For each kind of entry the task manages, what it C(added), C(updated) and C(removed)
      (predicted in check mode).
  returned: when an entry option is given
  type: dict
  sample:
    numbers: {added: [{id: "41512", phone_number: "+919876543210", mode: pstn}], updated: [], removed: []}
failed_entries:
  description: Entries the API refused, with its reason; the kinds after the failed one were not written.
  returned: on partial failure
  type: list
  elements: dict
removed_trunk:
  description:
    - With O(state=absent), the trunk that is deleted (in check mode, that would be deleted) with
      everything that goes with it, in the shape of M(exotel.sip_trunking.exotel_trunk_info)'s
      trunks - C(numbers), C(whitelisted_ips), C(destinations), C(settings), C(credentials) (digest
      user names, never passwords). Check mode reports exactly what the real run deletes.
  returned: when O(state=absent) and the trunk existed
  type: dict
  sample:
    trunk_sid: trmum1f708622631150902801a1n
    trunk_name: outbound_trunk
    numbers:
      - {id: "41512", phone_number: "+919876543210", mode: pstn}
    whitelisted_ips:
      - {id: "1153", ip: 44.248.146.11, mask: 32}
    destinations: []
    settings:
      - {name: trunk_external_alias, value: "+919876543210"}
    credentials:
      - {id: "5301", user_name: voicebot, friendly_name: null}
removed_credentials:
  description: User names of the digest credentials deleted before the trunk (O(state=absent)).
  returned: when O(state=absent) and the trunk existed
  type: list
  elements: str
'''

from ..module_utils._client import ExotelNotFoundError
from ..module_utils._engine import converge_trunk_entries
from ..module_utils._entries import (
    GATHERABLE,
    Destinations,
    DigestCredentials,
    PhoneNumbers,
    TrunkSettings,
    WhitelistedIps,
    gather_entries,
    trunk_record,
)
from ..module_utils._module import ExotelModule, TrunkReference, is_planned_trunk_sid, planned_trunk_sid
from ..module_utils._validation import (
    ValidationError,
    validate_domain_name,
    validate_nso_code,
    validate_trunk_name,
)

MANAGED_KEYS = ('trunk_name', 'nso_code', 'domain_name')

# The entries this module can manage with the trunk, in the order they are written: the ACL
# before the IP destinations that must lie in it, the numbers before the caller ID that names one.
ENTRY_OPTIONS = (
    ('whitelisted_ips', WhitelistedIps),
    ('numbers', PhoneNumbers),
    ('destinations', Destinations),
    ('settings', TrunkSettings),
    ('credentials', DigestCredentials),
)


def desired_entries(params):
    """``(entry_type, desired entries)`` of every kind the task manages, validated before any API call."""
    kinds = []
    for option, entry_type_class in ENTRY_OPTIONS:
        if params[option] is None:
            continue
        if params['state'] == 'absent':
            raise ValidationError(option, 'goes only with state=present: deleting a trunk deletes everything on it')
        entry_type = entry_type_class({'state': 'present', 'update_password': params['update_password']})
        kinds.append((entry_type, entry_type.parse_list(params[option], option)))
    return kinds


def managed_view(trunk):
    return dict((key, trunk.get(key)) for key in MANAGED_KEYS) if trunk else {}


def ensure_present(module, current, desired):
    if current is None:
        if module.check_mode:
            trunk = dict(desired, trunk_sid=planned_trunk_sid(desired['trunk_name']))
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


def removal_view(removed):
    """What ``--diff`` shows of a trunk that goes: its managed keys and its entries, without API ids."""
    if removed is None:
        return {}
    view = managed_view(removed)
    for entry_type in GATHERABLE.values():
        view[entry_type.kind] = [entry_type().diff_view(entry) for entry in removed[entry_type.kind]]
    return view


def describe_for_removal(module, current):
    """The trunk with everything that goes with it; None when it vanished meanwhile."""
    try:
        return dict(trunk_record(current), **gather_entries(module.client, current['trunk_sid'], sorted(GATHERABLE)))
    except ExotelNotFoundError:
        return None


def ensure_absent(module, current):
    """Delete the trunk; returns (changed, removed trunk description or None, removed user names)."""
    removed = describe_for_removal(module, current) if current else None
    if removed is None:
        return False, None, []
    # [trunk-cascade] Whether deleting a trunk also deletes its digest credentials is disputed: delete them
    # first. Users listed without an id (the older credentials shape) cannot be deleted one by one.
    users = [user for user in removed['credentials'] if user.get('id') is not None]
    if module.check_mode:
        return True, removed, [user['user_name'] for user in users]
    try:
        for user in users:
            module.client.delete_credential(current['trunk_sid'], user['id'])
        module.client.delete_trunk(current['trunk_sid'], current['trunk_name'])
    except ExotelNotFoundError:
        return False, None, []  # deleted by someone else since we read it: absent is what was asked for
    return True, removed, [user['user_name'] for user in users]


def converge_entries(module, trunk, kinds, result, diff):
    """Manage the trunk's entries with it; the trunk may exist only as check mode's plan."""
    reference = TrunkReference(trunk['trunk_sid'], is_planned_trunk_sid(trunk['trunk_sid']))
    entries, entries_diff, failure = converge_trunk_entries(module, reference, kinds, module.params['purge'])
    result.update(entries)
    for side in ('before', 'after'):
        diff[side].update(entries_diff[side])
    changed = any(change for kind in entries['changes'].values() for change in kind.values())
    return changed, failure


def main_logic(module):
    params = module.params
    name = validate_trunk_name(params['name'])
    kinds = desired_entries(params)
    if params['state'] == 'present':
        desired = {
            'trunk_name': name,
            'nso_code': validate_nso_code(params['nso_code']),
            'domain_name': validate_domain_name(params['domain_name'] or '%s.pstn.exotel.com' % params['account_sid']),
        }
        current = module.client.find_trunk_by_name(name)
        changed, trunk = ensure_present(module, current, desired)
        result = {'trunk': trunk}
        diff = {'before': managed_view(current), 'after': managed_view(trunk)}
        if kinds:
            entries_changed, failure = converge_entries(module, trunk, kinds, result, diff)
            changed = changed or entries_changed
            if failure:
                module.fail(failure[0], changed=changed, failed_entries=failure[1],
                            **dict(result, diff=diff) if module.diff else result)
    else:
        changed, removed, removed_users = ensure_absent(module, module.client.find_trunk_by_name(name))
        result = {'trunk': {}}
        if removed is not None:
            result.update(removed_trunk=removed, removed_credentials=removed_users)
        diff = {'before': removal_view(removed), 'after': {}}
    if module.diff:
        result['diff'] = diff
    module.exit(changed=changed, **result)


def main():
    module = ExotelModule(
        argument_spec=dict(
            name=dict(type='str', required=True, aliases=['trunk_name']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            nso_code=dict(type='str', default='ANY-ANY'),
            domain_name=dict(type='str'),
            whitelisted_ips=dict(type='list', elements='raw'),
            numbers=dict(type='list', elements='raw'),
            destinations=dict(type='list', elements='raw'),
            settings=dict(type='dict'),
            credentials=dict(type='list', elements='dict', options=dict(
                user_name=dict(type='str', required=True),
                password=dict(type='str', no_log=True),
                friendly_name=dict(type='str'),
            )),
            update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
            purge=dict(type='bool', default=False),
        ),
    )
    module.run(main_logic)


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: sip_trunk_export
version_added: 1.1.0
author:
  - Exotel SIP trunking maintainers (@exotel)
short_description: Turn trunks read by exotel_trunk_info into variable files of the sip_trunk role
description:
  - Takes the C(trunks) of M(exotel.sip_trunking.exotel_trunk_info), read with every sub-collection
    (O(_input) entries need C(numbers), C(whitelisted_ips), C(destinations), C(settings) and C(credentials)),
    and returns for each trunk the text of a YAML file that holds exactly the P(exotel.sip_trunking.sip_trunk#role)
    role's C(sip_trunk_*) variables for it. Applying the role with that file changes nothing on the trunk.
  - The use case is inferred from what the trunk holds, first match wins - numbers in C(flow) mode with a
    whitelisted IP or a digest user are V(streamkit); destinations and whitelisted IPs V(bidirectional);
    destinations only V(inbound); whitelisted IPs only V(outbound); digest users only V(streamkit) (the one
    use case that authenticates by SIP digest alone). The file says in a comment why.
  - Every number is written with its explicit mode, every destination with its priority and weight, and
    the caller ID is the C(trunk_external_alias) setting.
  - A C(/32) whitelisted IP that is the host of an IP destination, and that no other whitelisted entry covers,
    is left to the role, which whitelists the IPs of its destinations itself, so that it goes with its
    destination. When the trunk has a caller ID and no other whitelisted IP, such entries are written out
    instead, because they are then also the only addresses its PBX calls out from.
  - The domain is written (C(sip_trunk_domain_name)) only when it differs from the account's default
    C(<account_sid>.pstn.exotel.com), which is what the role uses when it is not set.
  - Passwords are never exported (the API does not return them). Each digest user gets a password that
    refers to a variable, C({{ vault_<trunk>_<user>_password }}), with
    C(sip_trunk_credentials_update_password=on_create), so the password is sent only if the user must be
    created again. Names are lower-cased, every character outside C([a-z0-9_]) becomes C(_), and names that
    would collide get a suffix derived from the trunk and user names.
  - Every file is checked before it is returned - the same way the role checks its inputs, with the filter
    P(exotel.sip_trunking.sip_trunk_inputs#filter) - and compared with what the trunk holds (numbers and modes,
    the whole ACL including what the role adds, destinations with priority and weight, caller ID, digest users).
    A trunk the role cannot express is reported in RV(_value.problems), naming the trunk and why, and gets
    no file.
  - The output is stable - keys and lists are sorted and only the C(Exported at) header line depends on the
    time - so a re-export of an unchanged account gives the same files.
positional: _input
options:
  _input:
    description: The C(trunks) list returned by M(exotel.sip_trunking.exotel_trunk_info).
    type: list
    elements: dict
    required: true
  account_sid:
    description:
      - The account the trunks were read from (C(account_sid) of M(exotel.sip_trunking.exotel_trunk_info)).
      - It names the default domain and goes in the header of every file. It is not a secret.
    type: str
    required: true
  exported_at:
    description: The time written in the C(Exported at) header line, for example V(2026-01-31T12:00:00Z).
    type: str
    required: true
  purge:
    description:
      - The value written as C(sip_trunk_purge). V(true) makes each file the whole truth for its trunk - applying
        it removes numbers, whitelisted IPs, destinations, settings and digest users that it does not list.
      - With V(true), a trunk that holds a setting the role does not manage (anything but C(trunk_external_alias))
        is a problem, because applying its file would delete that setting.
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Read every trunk with everything on it
  exotel.sip_trunking.exotel_trunk_info:
    gather: [numbers, acl, destinations, settings, credentials]
  register: account

- name: Build the variable files
  ansible.builtin.set_fact:
    export: >-
      {{ account.trunks | exotel.sip_trunking.sip_trunk_export(account_sid=account.account_sid,
                                                               exported_at=now(utc=true, fmt='%Y-%m-%dT%H:%M:%SZ')) }}

- name: Write one file per trunk
  ansible.builtin.copy:
    content: "{{ item.content }}"
    dest: "exotel-export/{{ item.file }}"
    mode: "0644"
  loop: "{{ export.files }}"
  loop_control:
    label: "{{ item.file }}"

# A StreamKit trunk with two flow-mode numbers and one digest user becomes (header shortened):
#
# # Exotel SIP trunk bot_trunk: variables of the exotel.sip_trunking.sip_trunk role.
# # Account: exoteltest
# # Exported at: 2026-01-31T12:00:00Z
# # ...
# ---
# sip_trunk_caller_id: ''
# sip_trunk_credentials:
#   - {friendly_name: bot, password: '{{ vault_bot_trunk_voicebot_password }}', user_name: voicebot}
# sip_trunk_credentials_update_password: on_create
# sip_trunk_destinations: []
# sip_trunk_name: bot_trunk
# sip_trunk_numbers:
#   - {mode: flow, phone_number: '+912240000001'}
#   - {mode: flow, phone_number: '+912240000002'}
# sip_trunk_purge: true
# sip_trunk_use_case: streamkit
# sip_trunk_whitelisted_ips: []
'''

RETURN = r'''
_value:
  description: The files of the exportable trunks, and why the others are not exportable.
  type: dict
  contains:
    files:
      description: One entry per exportable trunk, sorted by trunk name.
      type: list
      elements: dict
      contains:
        trunk_name:
          description: The trunk.
          type: str
        file:
          description: The file name, C(<trunk_name>.yml).
          type: str
        content:
          description: The YAML text of the file (a comment header, then the C(sip_trunk_*) variables).
          type: str
        use_case:
          description: The inferred use case.
          type: str
        vault_variables:
          description: The password variables the file refers to.
          type: list
          elements: str
    vault_variables:
      description: Every password variable the files refer to, sorted. Define them (for example with ansible-vault).
      type: list
      elements: str
    problems:
      description: One message per trunk that gets no file, naming the trunk and why. Empty when all are exportable.
      type: list
      elements: str
'''

import hashlib
import json
import re
import textwrap

import yaml

from ansible.errors import AnsibleFilterError

from ..module_utils._entries import Destinations, DigestCredentials, PhoneNumbers, TrunkSettings, WhitelistedIps
from ..module_utils._validation import (
    ValidationError,
    destination_host,
    destination_key,
    ip_in_acl,
    is_ipv4_literal,
    validate_domain_name,
)
from .sip_trunk_inputs import sip_trunk_inputs

PREFIX = 'sip_trunk_'
CALLER_ID_SETTING = 'trunk_external_alias'
NSO_CODE = 'ANY-ANY'
DOMAIN_SUFFIX = '.pstn.exotel.com'
# The entry lists an exported trunk must have been read with, by exotel_trunk_info's result key.
REQUIRED_KINDS = tuple(entry_type.kind for entry_type in (PhoneNumbers, WhitelistedIps, Destinations, TrunkSettings,
                                                          DigestCredentials))
GATHER_HINT = 'gather: [numbers, acl, destinations, settings, credentials]'
# Stands in for the vault reference when the file is checked: any valid password will do, it is never sent.
CHECK_PASSWORD = 'export_check_only'
VAR_NAME_INVALID_RE = re.compile(r'[^a-z0-9_]')
HEADER_WIDTH = 100


class ExportProblem(Exception):
    """A trunk the role cannot express as it is; the message says why."""


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key (as yamllint and ansible-lint like them)."""

    def increase_indent(self, flow=False, indentless=False):
        return super(_Dumper, self).increase_indent(flow, False)


def _plain(value):
    """Plain Python types (no templating wrappers or tagged strings), so that the YAML is plain too."""
    return json.loads(json.dumps(value))


def _ip_sort_key(entry):
    return (tuple(int(part) for part in entry['ip'].split('.')), entry['mask'])


def vault_variable_base(trunk_name, user_name):
    """``vault_<trunk>_<user>_password``, lower-cased, with every character outside [a-z0-9_] as ``_``."""
    def norm(text):
        return VAR_NAME_INVALID_RE.sub('_', text.lower())
    return 'vault_%s_%s_password' % (norm(trunk_name), norm(user_name))


def vault_variable_names(pairs):
    """``{(trunk, user): variable}``: unique, valid variable names, the same for the same input.

    Names that normalise to the same base (``bot.one`` and ``bot_one``, or trunk ``a_b`` user ``c`` and
    trunk ``a`` user ``b_c``) all get an 8-hex suffix from their exact trunk and user names.
    """
    bases = dict((pair, vault_variable_base(*pair)) for pair in pairs)
    counts = {}
    for base in bases.values():
        counts[base] = counts.get(base, 0) + 1
    names = {}
    for pair, base in bases.items():
        if counts[base] > 1:
            digest = hashlib.sha1(('%s\0%s' % pair).encode('utf-8')).hexdigest()[:8]
            base = '%s_%s_password' % (base[:-len('_password')], digest)
        names[pair] = base
    return names


def _destination_ips(destinations):
    """The hosts of the IP (not FQDN) destinations."""
    hosts = set(destination_host(entry['destination']) for entry in destinations)
    return set(host for host in hosts if is_ipv4_literal(host))


def _split_acl(acl, destinations, caller_id):
    """``(whitelisted_ips to write, entries left to the role)``.

    The role whitelists each IP destination host as a /32 when no listed entry covers it. Such a /32 on the
    trunk is left out of the file (it goes with its destination) - unless the trunk has a caller ID and no
    other whitelisted IP: then those entries are the PBX's outbound source too, and are written out.
    """
    hosts = _destination_ips(destinations)
    candidates = [entry for entry in acl if entry['mask'] == 32 and entry['ip'] in hosts]
    others = [entry for entry in acl if entry not in candidates]
    covered = [(entry['ip'], entry['mask']) for entry in others]
    derived = [entry for entry in candidates if not ip_in_acl(entry['ip'], covered)]
    if derived and caller_id is not None and not others:
        return list(acl), []
    return [entry for entry in acl if entry not in derived], derived


def _use_case(numbers, whitelisted_ips, destinations, credentials):
    """``(use case, why)`` from the lists the file will hold; raises ExportProblem when none fits."""
    if not numbers:
        raise ExportProblem('no phone number is mapped to it, and every use case of the role needs at least one')
    flow = [number for number in numbers if number['mode'] == 'flow']
    if flow and (whitelisted_ips or credentials):
        auth = 'whitelisted IP' if whitelisted_ips else 'SIP digest'
        return 'streamkit', ('numbers in flow mode (%d of %d: calls go to an Exotel flow, as StreamKit voice bots '
                             'need), authenticated by %s' % (len(flow), len(numbers), auth))
    if destinations and whitelisted_ips:
        return 'bidirectional', ('it has destinations (Exotel delivers inbound calls) and whitelisted IPs (the PBX '
                                 'calls out)')
    if destinations:
        return 'inbound', ('it has destinations (Exotel delivers inbound calls) and no whitelisted IP of its own '
                           '(the role whitelists IP destinations itself)')
    if whitelisted_ips:
        return 'outbound', 'it has whitelisted IPs (the PBX calls out) and no destination'
    if credentials:
        return 'streamkit', ('it authenticates by SIP digest only, without whitelisted IP or destination, which only '
                             'the StreamKit use case allows')
    raise ExportProblem('it has numbers but no whitelisted IP, destination or digest user, so no use case of the role '
                        'fits (outbound needs a whitelisted IP, inbound a destination, StreamKit an IP or a digest user)')


def _caller_id(settings, purge):
    names = sorted(setting['name'] for setting in settings)
    unmanaged = [name for name in names if name != CALLER_ID_SETTING]
    if unmanaged and purge:
        raise ExportProblem('it has the setting(s) %s, which the role does not manage: with sip_trunk_purge: true '
                            'applying the file would delete them (export with export_purge: false to keep them)'
                            % ', '.join(unmanaged))
    return next((setting['value'] for setting in settings if setting['name'] == CALLER_ID_SETTING), None)


def _check_converges(variables, trunk, acl, numbers, destinations, caller_id, credentials):
    """Run the file's variables through the role's own input check and compare the result with the trunk."""
    inputs = dict((name[len(PREFIX):], variables[name]) for name in variables
                  if name[len(PREFIX):] in ('name', 'use_case', 'numbers', 'whitelisted_ips', 'destinations',
                                            'caller_id'))
    inputs['credentials'] = [dict(entry, password=CHECK_PASSWORD) for entry in variables[PREFIX + 'credentials']]
    try:
        checked = sip_trunk_inputs(inputs, use_case_rules=True)
    except AnsibleFilterError as exc:
        raise ExportProblem('the role would refuse its variables: %s' % exc.message)
    differences = []
    if sorted((n['phone_number'], n['mode']) for n in checked['numbers']) != \
            sorted((n['phone_number'], n['mode']) for n in numbers):
        differences.append('numbers')
    if sorted((e['ip'], e['mask']) for e in checked['acl']) != sorted((e['ip'], e['mask']) for e in acl):
        differences.append('whitelisted IPs')
    if sorted((d['destination'], d['priority'], d['weight']) for d in checked['destinations']) != \
            sorted((d['destination'], d['priority'], d['weight']) for d in destinations):
        differences.append('destinations')
    if checked['caller_id'] != caller_id:
        differences.append('caller ID')
    if sorted((c['user_name'], c['friendly_name'] or '') for c in checked['credentials']) != \
            sorted((c['user_name'], c['friendly_name'] or '') for c in credentials):
        differences.append('digest users')
    if differences:
        raise ExportProblem('its file would not reproduce its %s (please report this as a bug)' % ', '.join(differences))
    return trunk


def _header(trunk, account_sid, exported_at, notes):
    lines = [
        'Exotel SIP trunk %s: variables of the exotel.sip_trunking.sip_trunk role.' % trunk['trunk_name'],
        'Account: %s' % account_sid,
        'Trunk SID: %s' % trunk.get('trunk_sid'),
        'Exported at: %s' % exported_at,
        'Written by the exotel.sip_trunking.export playbook: review it, commit it, apply it with the',
        'exotel-apply.yml playbook beside it. Applied unchanged, it changes nothing on the trunk.',
        '',
    ]
    for note in notes:
        lines.extend(textwrap.wrap(note, width=HEADER_WIDTH, subsequent_indent='  ', break_long_words=False,
                                   break_on_hyphens=False))
    return ''.join('#\n' if not line else '# %s\n' % line for line in lines)


def _views(trunk):
    """The trunk's entries as the entry types see them; raises ExportProblem when a kind was not read.

    The views of exotel_trunk_info are re-read through the entry types so that their normal forms
    apply (modes of null mappings, integer masks and priorities, destinations without sip:).
    """
    missing = [kind for kind in REQUIRED_KINDS if not isinstance(trunk.get(kind), list)]
    if missing:
        raise ExportProblem('it was read without %s (read it with exotel_trunk_info %s)' % (', '.join(missing), GATHER_HINT))
    if trunk.get('nso_code') not in (None, NSO_CODE):
        raise ExportProblem('its nso_code is %r and the role creates and expects %s (a trunk cannot be changed '
                            'through the API)' % (trunk['nso_code'], NSO_CODE))
    destinations = [dict(Destinations().view(row)) for row in trunk['destinations']]
    for entry in destinations:
        entry['destination'] = destination_key(entry['destination'])
    return {'numbers': [PhoneNumbers().view(row) for row in trunk['numbers']],
            'acl': [WhitelistedIps().view(row) for row in trunk['whitelisted_ips']],
            'destinations': destinations,
            'settings': [TrunkSettings().view(row) for row in trunk['settings']],
            'credentials': [DigestCredentials().view(row) for row in trunk['credentials']]}


def _credential_entries(name, credentials, vault_names):
    """The digest users with a vault variable each for the password the API never returns."""
    entries, vault_variables = [], []
    for user in sorted(credentials, key=lambda c: c['user_name']):
        variable = vault_names[(name, user['user_name'])]
        vault_variables.append(variable)
        entry = {'user_name': user['user_name'], 'password': '{{ %s }}' % variable}
        if user.get('friendly_name') is not None:
            entry['friendly_name'] = user['friendly_name']
        entries.append(entry)
    return entries, vault_variables


def _role_variables(name, use_case, views, whitelisted_ips, caller_id, purge):
    return {
        PREFIX + 'name': name,
        PREFIX + 'use_case': use_case,
        PREFIX + 'numbers': [{'phone_number': n['phone_number'], 'mode': n['mode']}
                             for n in sorted(views['numbers'], key=lambda n: n['phone_number'])],
        PREFIX + 'whitelisted_ips': [{'ip': e['ip'], 'mask': e['mask']} for e in sorted(whitelisted_ips, key=_ip_sort_key)],
        PREFIX + 'destinations': [{'destination': d['destination'], 'priority': d['priority'], 'weight': d['weight']}
                                  for d in sorted(views['destinations'], key=lambda d: (d['priority'], d['destination']))],
        PREFIX + 'caller_id': caller_id or '',
        PREFIX + 'credentials': [],
        PREFIX + 'purge': bool(purge),
    }


def _notes(use_case, why, purge, left_to_role, acl_listed_for_caller_id, domain, default_domain, vault_variables):
    """The comments that say why the file is what it is."""
    notes = ['sip_trunk_use_case: %s - %s.' % (use_case, why)]
    if purge:
        notes.append('sip_trunk_purge: true - this file is the whole truth for the trunk: applying it removes the numbers, '
                     'whitelisted IPs, destinations, caller ID and digest users it does not list, so a change made '
                     'elsewhere (the portal, a script) shows as a change on the next run (try --check --diff first).')
    else:
        notes.append('sip_trunk_purge: false - applying this file adds and updates what it lists and leaves anything '
                     'else on the trunk alone.')
    if left_to_role:
        notes.append('sip_trunk_whitelisted_ips: %s not listed - the IP of a destination, which the role whitelists '
                     'itself for as long as the destination is listed.'
                     % ', '.join('%s/%d' % (e['ip'], e['mask']) for e in sorted(left_to_role, key=_ip_sort_key)))
    elif acl_listed_for_caller_id:
        notes.append('sip_trunk_whitelisted_ips: every entry listed - with a caller ID set, the IPs of the '
                     'destinations are taken to be the addresses the PBX also calls out from.')
    if domain != default_domain:
        notes.append("sip_trunk_domain_name: set - the trunk's domain is not the account default %s (a trunk's domain "
                     "cannot be changed)." % default_domain)
    else:
        notes.append('sip_trunk_domain_name: not set - the trunk has the account default %s, which the role uses '
                     'when it is not set.' % default_domain)
    if vault_variables:
        notes.append('Passwords are not exported (the API never returns them): define %s (with ansible-vault). A '
                     'password is only sent if its user has to be created (sip_trunk_credentials_update_password: '
                     'on_create).' % ', '.join(vault_variables))
    return notes


def export_trunk(trunk, account_sid, exported_at, purge, vault_names):
    """``(file entry)`` for one trunk; raises ExportProblem when the role cannot express it."""
    name = trunk['trunk_name']
    views = _views(trunk)
    caller_id = _caller_id(views['settings'], purge)
    whitelisted_ips, left_to_role = _split_acl(views['acl'], views['destinations'], caller_id)
    use_case, why = _use_case(views['numbers'], whitelisted_ips, views['destinations'], views['credentials'])
    default_domain = '%s%s' % (account_sid, DOMAIN_SUFFIX)
    domain = trunk.get('domain_name') or default_domain

    variables = _role_variables(name, use_case, views, whitelisted_ips, caller_id, purge)
    variables[PREFIX + 'credentials'], vault_variables = _credential_entries(name, views['credentials'], vault_names)
    if views['credentials']:
        variables[PREFIX + 'credentials_update_password'] = 'on_create'
    if domain != default_domain:
        try:  # the exotel_trunk module's own rule: the role could not adopt the trunk otherwise
            variables[PREFIX + 'domain_name'] = validate_domain_name(domain, PREFIX + 'domain_name')
        except ValidationError as exc:
            raise ExportProblem('the role would refuse its domain: %s' % exc)

    _check_converges(variables, trunk, views['acl'], views['numbers'], views['destinations'], caller_id,
                     views['credentials'])
    acl_listed_for_caller_id = (caller_id is not None and bool(_destination_ips(views['destinations']))
                                and whitelisted_ips == views['acl'])
    notes = _notes(use_case, why, purge, left_to_role, acl_listed_for_caller_id, domain, default_domain, vault_variables)
    body = yaml.dump(_plain(variables), Dumper=_Dumper, sort_keys=True, default_flow_style=None, indent=2, width=4096,
                     allow_unicode=True, explicit_start=True)
    return {'trunk_name': name, 'file': '%s.yml' % name, 'use_case': use_case, 'vault_variables': vault_variables,
            'content': _header(trunk, account_sid, exported_at, notes) + body}


def sip_trunk_export(trunks, account_sid, exported_at, purge=True):
    """The role variable files of ``trunks`` (see DOCUMENTATION)."""
    if not isinstance(trunks, list) or not all(isinstance(trunk, dict) for trunk in trunks):
        raise AnsibleFilterError('sip_trunk_export expects the trunks list of exotel_trunk_info')
    for option, value in (('account_sid', account_sid), ('exported_at', exported_at)):
        if not isinstance(value, str) or not value.strip():
            raise AnsibleFilterError('sip_trunk_export: %s must be a non-empty string' % option)
    if not isinstance(purge, bool):
        raise AnsibleFilterError('sip_trunk_export: purge must be true or false')
    trunks = sorted(_plain(trunks), key=lambda trunk: str(trunk.get('trunk_name')))
    names = [trunk.get('trunk_name') for trunk in trunks]
    duplicated = sorted(set(str(name) for name in names if names.count(name) > 1))
    if duplicated:
        raise AnsibleFilterError('sip_trunk_export: the trunk(s) %s are listed more than once' % ', '.join(duplicated))
    pairs = [(trunk.get('trunk_name'), user.get('user_name')) for trunk in trunks
             for user in (trunk.get('credentials') or []) if isinstance(user, dict)]
    vault_names = vault_variable_names(pairs)
    files, problems = [], []
    for trunk in trunks:
        try:
            files.append(export_trunk(trunk, account_sid, exported_at, purge, vault_names))
        except ExportProblem as exc:
            problems.append('Trunk %s (%s): %s.' % (trunk.get('trunk_name'), trunk.get('trunk_sid'), exc))
    return {
        'files': files,
        'vault_variables': sorted(variable for entry in files for variable in entry['vault_variables']),
        'problems': problems,
    }


class FilterModule(object):
    """Filters of the exotel.sip_trunking collection."""

    def filters(self):
        return {'sip_trunk_export': sip_trunk_export}

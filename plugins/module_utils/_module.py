# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module shares: connection options, error reporting, trunk lookup,
and the read-compare-write cycle for a trunk's sub-collections.

A module declares its options and an :class:`EntryType` (how to list, key,
compare, add, update and remove one kind of entry); :func:`reconcile_entries`
does the rest: one read of the collection, a plan, check mode (predict, send
nothing), the writes in a safe order, ``--diff`` and the standard results.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import (
    HAS_REQUESTS,
    REGION_URLS,
    REQUESTS_IMPORT_ERROR,
    ExotelClient,
    ExotelDuplicateError,
    ExotelError,
    ExotelNotFoundError,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import ValidationError, parse_list


def connection_argument_spec():
    """Options shared by every module (documented in the ``exotel.sip_trunking.exotel`` doc fragment)."""
    return dict(
        account_sid=dict(type='str', required=True, fallback=(env_fallback, ['EXOTEL_ACCOUNT_SID'])),
        api_key=dict(type='str', required=True, no_log=False, fallback=(env_fallback, ['EXOTEL_API_KEY'])),
        api_token=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['EXOTEL_API_TOKEN'])),
        region=dict(type='str', default='mumbai', choices=sorted(REGION_URLS), fallback=(env_fallback, ['EXOTEL_REGION'])),
        api_url=dict(type='str', fallback=(env_fallback, ['EXOTEL_API_URL'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['EXOTEL_VALIDATE_CERTS'])),
        timeout=dict(type='int', default=30),
        max_retries=dict(type='int', default=5, fallback=(env_fallback, ['EXOTEL_MAX_RETRIES'])),
        retry_max_wait=dict(type='int', default=300, fallback=(env_fallback, ['EXOTEL_RETRY_MAX_WAIT'])),
        rate_limit=dict(type='int', default=200, fallback=(env_fallback, ['EXOTEL_RATE_LIMIT'])),
    )


# Options of every module that manages entries of one trunk (doc fragments
# exotel.sip_trunking.exotel.trunk_reference and .entry_state).
TRUNK_ENTRIES_SPEC = dict(
    trunk_name=dict(type='str'),
    trunk_sid=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    purge=dict(type='bool', default=False),
)


class ExotelModule:
    """An AnsibleModule with the shared connection options and one lazily built client."""

    def __init__(self, argument_spec, trunk_entries=False, **kwargs):
        """``trunk_entries=True`` adds trunk_name/trunk_sid (exactly one required), state and purge."""
        spec = connection_argument_spec()
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        if trunk_entries:
            spec.update(TRUNK_ENTRIES_SPEC)
            for rule in ('mutually_exclusive', 'required_one_of'):
                kwargs[rule] = list(kwargs.get(rule, [])) + [('trunk_name', 'trunk_sid')]
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self._client = None

    @property
    def client(self):
        if self._client is None:
            params = self.params
            self._client = ExotelClient(
                account_sid=params['account_sid'],
                api_key=params['api_key'],
                api_token=params['api_token'],
                base_url=params['api_url'] or REGION_URLS[params['region']],
                validate_certs=params['validate_certs'],
                timeout=params['timeout'],
                max_retries=params['max_retries'],
                retry_max_wait=params['retry_max_wait'],
                rate_limit=params['rate_limit'],
            )
        return self._client

    def warn(self, message):
        self.module.warn(message)

    def exit(self, **result):
        result.setdefault('changed', False)
        self.module.exit_json(**result)

    def fail(self, msg, **result):
        result.setdefault('changed', False)
        self.module.fail_json(msg=msg, **result)

    def run(self, main):
        """Run ``main(self)``; turn validation and API errors into clean task failures (no traceback)."""
        try:
            main(self)
        except ValidationError as exc:
            self.fail(str(exc), option=exc.option)
        except ExotelError as exc:
            self.fail(exc.message, error=exc.to_dict())
        except Exception as exc:  # pylint: disable=broad-except
            # An unexpected bug must still not leak the token or a password.
            redact = self._client.redact if self._client else str
            self.fail('Unexpected error: %s' % redact(str(exc)), exception=redact(traceback.format_exc()))

    def resolve_trunk_sid(self):
        """The sid of the trunk named by ``trunk_sid`` or ``trunk_name``.

        A ``trunk_sid`` is used as given (a missing trunk surfaces as a clear
        error on the first read); a ``trunk_name`` costs one trunk list. In
        check mode a trunk that does not exist yet is assumed to be created by
        an earlier task of the same run, so ``None`` is returned.
        """
        if self.params.get('trunk_sid'):
            return self.params['trunk_sid']
        name = self.params['trunk_name']
        trunk = self.client.find_trunk_by_name(name)
        if trunk:
            return trunk['trunk_sid']
        if self.check_mode:
            self.warn("Trunk '%s' does not exist; check mode assumes an earlier task creates it." % name)
            return None
        self.fail("Trunk '%s' was not found in account %s; create it first with exotel.sip_trunking.exotel_trunk."
                  % (name, self.params['account_sid']), trunk_name=name)
        return None

    def trunk_label(self):
        if self.params.get('trunk_sid'):
            return "trunk_sid '%s'" % self.params['trunk_sid']
        return "trunk '%s'" % self.params.get('trunk_name')


class EntryType:
    """How one kind of trunk sub-entry is read, compared and written.

    Subclasses set ``result_key`` and implement the hooks; desired entries are
    dicts already validated and normalised by the module.
    """

    result_key = 'entries'
    # Result key of the one entry named by the singular option (e.g. ``number``).
    single_key = 'entry'
    # A changed entry that the API cannot update in place is deleted and re-added.
    replace_on_change = False

    def __init__(self, module):
        self.module = module
        self.client = module.client

    def list(self, trunk_sid):
        raise NotImplementedError

    def key(self, entry):
        """Identity of a desired entry or of an API row."""
        raise NotImplementedError

    def view(self, row):
        """The managed keys of a row (or prediction), as shown in results and diff."""
        raise NotImplementedError

    def differs(self, row, desired):
        """True when the existing ``row`` must change to match ``desired``."""
        return False

    def predict(self, desired, row=None):
        """What a row will look like after the write, for check mode."""
        predicted = dict(row or {})
        predicted.update(dict((k, v) for k, v in desired.items() if v is not None))
        predicted.setdefault('id', None)
        return predicted

    def add_one(self, trunk_sid, desired):
        """Create one entry and return its row."""
        raise NotImplementedError

    def add(self, trunk_sid, desired_entries):
        """Create entries; return ``[(desired, row_or_None, error_or_None), ...]`` in order.

        An entry the API refuses (400, or a duplicate held elsewhere) is reported
        and the others still go ahead; errors that doom every request (auth,
        missing trunk, transport) stop the task.
        """
        results = []
        for desired in desired_entries:
            try:
                results.append((desired, self.add_one(trunk_sid, desired), None))
            except ExotelError as exc:
                if not isinstance(exc, ExotelDuplicateError) and exc.http_status not in (400, 422):
                    raise
                results.append((desired, None, {'api_code': exc.api_code, 'description': exc.description or exc.message}))
        return results

    def check(self, trunk_sid, to_add, to_update):
        """Refuse the plan before any write (e.g. a destination outside the ACL)."""

    def update(self, trunk_sid, row, desired):
        raise NotImplementedError

    def remove(self, trunk_sid, row):
        raise NotImplementedError

    def write(self, trunk_sid, to_add, to_update):
        """Apply adds then updates. Returns ``(added, updated, failures)`` as row lists."""
        added, updated, failures = [], [], []
        for desired, row, error in (self.add(trunk_sid, to_add) if to_add else []):
            if error:
                failures.append({'entry': self.view(desired), 'error': error})
                continue
            if self.differs(row, desired):
                # e.g. a destination's priority/weight, which the POST cannot set.
                try:
                    row = self.update(trunk_sid, row, desired)
                except ExotelError as exc:
                    # The entry exists now: it is reported as added, and the update as failed.
                    failures.append({'entry': self.view(desired), 'error': {
                        'api_code': exc.api_code,
                        'description': 'created, but the update that follows failed: %s' % (exc.description or exc.message)}})
            added.append(row)
        for row, desired in to_update:
            updated.append(self.update(trunk_sid, row, desired))
        return added, updated, failures


def _sorted_views(entry_type, rows, with_id=True):
    views = (entry_type.view(row) for row in rows)
    if not with_id:
        views = (dict((k, v) for k, v in view.items() if k != 'id') for view in views)
    return sorted(views, key=lambda view: str(entry_type.key(view)))


def entries_from_options(module, entry_type, single_option, list_option, parse_item):
    """Desired entries from the singular option (plus its companions) or the list option.

    ``parse_item(item, option_label)`` validates and normalises one entry; the
    list form also refuses empty lists, duplicates and ``purge`` without a list.
    """
    params = module.params
    if params.get(list_option) is not None:
        return parse_list(params[list_option], list_option, parse_item, entry_type.key)
    if params.get('purge'):
        raise ValidationError('purge', 'requires the list form %s (purge makes that list exclusive)' % list_option)
    if params.get(single_option) is None:
        raise ValidationError(single_option, 'or %s is required' % list_option)
    return [parse_item(None, single_option)]


def reconcile_entries(module, entry_type, trunk_sid, desired, state, purge=False, single_key=None):
    """The read-compare-write cycle for one trunk sub-collection, then ``exit_json``.

    ``desired`` are normalised entries. With ``state=present`` missing entries
    are added and differing ones updated (or replaced); with ``purge`` the
    entries not listed are removed, after the additions, so a trunk is never
    left without its old entries before the new ones exist. With
    ``state=absent`` the listed entries are removed.
    """
    current = []
    if trunk_sid is not None:
        try:
            current = entry_type.list(trunk_sid)
        except ExotelNotFoundError:
            module.fail('The %s does not exist (or is not visible to this API key).' % module.trunk_label(),
                        trunk_sid=trunk_sid)
    by_key = {}
    surplus = []
    for row in current:
        if entry_type.key(row) in by_key:
            surplus.append(row)  # the API allowed a duplicate (e.g. a re-posted destination)
        else:
            by_key[entry_type.key(row)] = row
    desired_keys = set(entry_type.key(entry) for entry in desired)

    to_add, to_update, to_replace, to_remove = [], [], [], []
    if state == 'present':
        for entry in desired:
            row = by_key.get(entry_type.key(entry))
            if row is None:
                to_add.append(entry)
            elif entry_type.differs(row, entry):
                (to_replace if entry_type.replace_on_change else to_update).append((row, entry))
        if purge:
            to_remove = [row for key, row in by_key.items() if key not in desired_keys] + surplus
    else:
        to_remove = [by_key[key] for key in sorted(desired_keys, key=str) if key in by_key]
        to_remove += [row for row in surplus if entry_type.key(row) in desired_keys]

    if trunk_sid is not None and (to_add or to_update or to_replace):
        entry_type.check(trunk_sid, to_add + [entry for _row, entry in to_replace], to_update)
    changed = bool(to_add or to_update or to_replace or to_remove)
    result = dict(trunk_sid=trunk_sid)

    if module.check_mode:
        added = [entry_type.predict(entry) for entry in to_add]
        replaced = [entry_type.predict(entry) for _row, entry in to_replace]
        updated = [entry_type.predict(entry, row) for row, entry in to_update]
        failures = []
    else:
        # Replacements go first: the API refuses a second entry with the same identity.
        replaced = []
        for row, entry in to_replace:
            entry_type.remove(trunk_sid, row)
        added, updated, failures = entry_type.write(trunk_sid, to_add + [entry for _row, entry in to_replace],
                                                    to_update)
        replaced_keys = set(entry_type.key(entry) for _row, entry in to_replace)
        replaced = [row for row in added if entry_type.key(row) in replaced_keys]
        added = [row for row in added if entry_type.key(row) not in replaced_keys]
        if failures:
            # Keep every old entry when the new set could not be completed.
            to_remove = [] if state == 'present' else to_remove
        for row in to_remove:
            entry_type.remove(trunk_sid, row)

    gone = set(id(row) for row in to_remove) | set(id(row) for row, _entry in to_replace)
    rewritten = set(entry_type.key(row) for row in added + replaced + updated)
    after = [row for row in current if id(row) not in gone and entry_type.key(row) not in rewritten]
    after += added + replaced + updated

    result.update({
        entry_type.result_key: _sorted_views(entry_type, after),
        'added': _sorted_views(entry_type, added),
        'updated': _sorted_views(entry_type, updated + replaced),
        'removed': _sorted_views(entry_type, to_remove + [row for row, _entry in to_replace]),
    })
    if single_key:
        wanted = entry_type.key(desired[0])
        result[single_key] = next((view for view in result[entry_type.result_key] if entry_type.key(view) == wanted), None)
    if module.module._diff:
        # Ansible's callbacks render a dict (or a string) as a diff, never a bare list.
        result['diff'] = {'before': {entry_type.result_key: _sorted_views(entry_type, current, with_id=False)},
                          'after': {entry_type.result_key: _sorted_views(entry_type, after, with_id=False)}}
        if to_replace:
            result['diff']['after_header'] = 'replaced (deleted, then added again): %s' % ', '.join(
                sorted(str(entry_type.key(row)) for row, _entry in to_replace))

    if failures:
        names = '; '.join('%s: %s' % (entry_type.key(failure['entry']),
                                      (failure['error'] or {}).get('description') or failure['error'])
                          for failure in failures)
        # A batch upsert (settings) can also fail an update: count every entry that was to be written.
        replaced_note = ''
        if to_replace:
            replaced_note = (' Replacing an entry deletes it before adding it again; entries listed under removed '
                             'and not under updated are gone until the task succeeds.')
        module.fail('%d of %d entries could not be written (%s). Entries written before the failure are listed '
                    'under added and updated.%s' % (len(failures), len(to_add) + len(to_replace) + len(to_update), names,
                                                    replaced_note),
                    changed=bool(added or updated or replaced), failed_entries=failures, **result)
    module.exit(changed=changed, **result)


def manage_entries(module, entry_type, single_option, list_option, parse_item):
    """The whole run of a module that manages one kind of trunk entry.

    ``parse_item(module, item, label)`` validates one entry (``item`` None for the
    singular option). Every entry is validated before the first API call.
    """
    desired = entries_from_options(module, entry_type, single_option, list_option,
                                   lambda item, label: parse_item(module, item, label))
    reconcile_entries(module, entry_type, module.resolve_trunk_sid(), desired, module.params['state'],
                      purge=module.params['purge'],
                      single_key=entry_type.single_key if module.params[list_option] is None else None)

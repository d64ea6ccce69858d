# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The read-compare-write cycle of every module that manages entries of a trunk.

plan (desired vs current -> :class:`Plan`) -> apply, or predict in check mode
(-> :class:`Outcome`) -> report (results, ``--diff``, a failure message naming
each failed entry). The steps are plain functions over an entry type
(``_entries.py``) and a client, so they are unit-tested without Ansible.

Semantics, as in Ansible's resource modules and amazon.aws's ``purge_*``:
``state=present`` adds what is missing and updates what differs; ``purge``
also removes every entry not listed (an empty list with ``purge`` means
"exactly none"); ``state=absent`` removes the listed entries. Removals come
after additions, and are skipped when an addition failed, so a trunk is never
left without its old entries before the new ones exist.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._client import ExotelError, ExotelNotFoundError
from ._entries import entry_refused, error_summary


class Plan:
    """What a run will do, decided before any write. Current entries are views."""

    def __init__(self):
        self.unchanged = []   # current views left as they are
        self.add = []         # desired entries to create
        self.update = []      # (current, desired) updated in place
        self.replace = []     # (current, desired) deleted, then created again (no update in place)
        self.remove = []      # current views to delete
        self.vetoes = []      # Veto: refuse the whole plan before any write

    @property
    def changes(self):
        return bool(self.add or self.update or self.replace or self.remove)


class Outcome:
    """What a run did (or, in check mode, would do). Entries are (view, desired) pairs."""

    def __init__(self):
        self.added = []
        self.updated = []
        self.replaced = []
        self.removed = []     # views
        self.kept = []        # views planned for removal but kept because an addition failed
        self.failures = []    # {'entry': view, 'error': {...}}

    @property
    def wrote(self):
        return bool(self.added or self.updated or self.replaced or self.removed)


def make_plan(entry_type, current, desired, state, purge=False):
    """Compare ``desired`` entries with ``current`` views (one read of the trunk's list)."""
    plan = Plan()
    wanted = dict((entry_type.key(entry), entry) for entry in desired)
    seen = set()
    for view in current:
        key = entry_type.key(view)
        first = key not in seen
        seen.add(key)
        entry = wanted.get(key)
        if state == 'absent':
            (plan.remove if entry is not None else plan.unchanged).append(view)
        elif entry is None or not first:
            # Not listed, or a second row with the same identity (the API allowed a duplicate).
            (plan.remove if purge else plan.unchanged).append(view)
        elif entry_type.differs(view, entry):
            (plan.replace if entry_type.replace_on_change else plan.update).append((view, entry))
        else:
            plan.unchanged.append(view)
    if state == 'present':
        plan.add = [entry for key, entry in wanted.items() if key not in seen]
    return plan


def predict(entry_type, plan):
    """The outcome check mode reports: every planned write as if it succeeded, nothing sent."""
    outcome = Outcome()
    outcome.added = [(entry_type.predict(entry), entry) for entry in plan.add]
    outcome.updated = [(entry_type.predict(entry, view), entry) for view, entry in plan.update]
    outcome.replaced = [(entry_type.predict(entry), entry) for _view, entry in plan.replace]
    outcome.removed = list(plan.remove)
    return outcome


def apply(entry_type, plan, client, trunk_sid):
    """Write the plan: replacements' deletes first (the API refuses a second entry with the same
    identity), then creations, updates, and the removals last."""
    outcome = Outcome()
    for view, _entry in plan.replace:
        entry_type.delete_entry(client, trunk_sid, view)
    replaced = set(entry_type.key(entry) for _view, entry in plan.replace)
    for written in _create(entry_type, plan.add + [entry for _view, entry in plan.replace], client, trunk_sid, outcome):
        (outcome.replaced if entry_type.key(written[1]) in replaced else outcome.added).append(written)
    for view, entry in plan.update:
        try:
            outcome.updated.append((entry_type.view(entry_type.update_entry(client, trunk_sid, view, entry)), entry))
        except ExotelError as exc:
            if not entry_refused(exc):
                raise
            outcome.failures.append({'entry': view, 'error': error_summary(exc)})
    if outcome.failures:
        outcome.kept = list(plan.remove)
        return outcome
    for view in plan.remove:
        entry_type.delete_entry(client, trunk_sid, view)
        outcome.removed.append(view)
    return outcome


def _create(entry_type, entries, client, trunk_sid, outcome):
    """Create entries; a created entry that still differs (e.g. a destination's priority, which the
    POST cannot set) is updated at once. Failures are recorded on ``outcome``."""
    written = []
    for entry, row, error in (entry_type.create_entries(client, trunk_sid, entries) if entries else []):
        if error:
            outcome.failures.append({'entry': entry_type.predict(entry), 'error': error})
            continue
        view = entry_type.view(row)
        if entry_type.differs(view, entry):
            try:
                view = entry_type.view(entry_type.update_entry(client, trunk_sid, view, entry))
            except ExotelError as exc:
                # The entry exists now: it is reported as added, and the update as failed.
                outcome.failures.append({'entry': view, 'error': {
                    'api_code': exc.api_code,
                    'description': 'created, but the update that follows failed: %s' % (exc.description or exc.message)}})
        written.append((view, entry))
    return written


def _sorted(entry_type, views):
    return sorted(views, key=lambda view: str(entry_type.key(view)))


def report(entry_type, plan, outcome, diff=False):
    """Module results: the entries after the run, what was added, updated and removed, and the diff."""
    after = plan.unchanged + outcome.kept + [view for view, _entry in outcome.added + outcome.updated + outcome.replaced]
    result = {
        entry_type.kind: _sorted(entry_type, after),
        'added': _sorted(entry_type, [view for view, _entry in outcome.added]),
        'updated': _sorted(entry_type, [view for view, _entry in outcome.updated + outcome.replaced]),
        'removed': _sorted(entry_type, outcome.removed + [view for view, _entry in plan.replace]),
    }
    if diff:
        result['diff'] = _diff(entry_type, plan, outcome)
    return result


def _diff(entry_type, plan, outcome):
    """Ansible's callbacks render a dict (or a string) as a diff, never a bare list."""
    before = plan.unchanged + plan.remove + [view for view, _entry in plan.update + plan.replace]
    after = [entry_type.diff_view(view) for view in plan.unchanged + outcome.kept]
    after += [entry_type.diff_view(view, entry) for view, entry in outcome.added + outcome.updated + outcome.replaced]
    diff = {'before': {entry_type.kind: _sorted(entry_type, [entry_type.diff_view(view) for view in before])},
            'after': {entry_type.kind: _sorted(entry_type, after)}}
    if plan.replace:
        diff['after_header'] = 'replaced (deleted, then added again): %s' % ', '.join(
            sorted(str(entry_type.key(view)) for view, _entry in plan.replace))
    return diff


def failure_message(entry_type, plan, outcome):
    """One line naming every entry that could not be written, and what became of the rest."""
    names = '; '.join('%s: %s' % (entry_type.key(failure['entry']),
                                  (failure['error'] or {}).get('description') or failure['error'])
                      for failure in outcome.failures)
    attempted = len(plan.add) + len(plan.replace) + len(plan.update)
    message = ('%d of %d entries could not be written (%s). Entries written before the failure are listed under '
               'added and updated.' % (len(outcome.failures), attempted, names))
    if outcome.kept:
        message += ' Nothing was removed, because the new set is incomplete.'
    if plan.replace:
        message += (' Replacing an entry deletes it before adding it again; entries listed under removed and not '
                    'under updated are gone until the task succeeds.')
    return message


def read_current(module, entry_type, trunk_sid):
    """The trunk's current entries as views; a missing trunk is a clear task failure."""
    try:
        return [entry_type.view(row) for row in entry_type.read(module.client, trunk_sid)]
    except ExotelNotFoundError:
        module.fail('The %s does not exist (or is not visible to this API key).' % module.trunk_label(),
                    trunk_sid=trunk_sid)


def plan_entries(module, entry_type, trunk, desired, state='present', purge=False, known=None):
    """Read one kind of entry of the trunk and plan it. The review's warnings are shown; its vetoes
    stay on the plan. ``known`` holds the planned entries of kinds planned before this one."""
    current = [] if trunk.planned else read_current(module, entry_type, trunk.sid)
    plan = make_plan(entry_type, current, desired, state, purge)
    if not trunk.planned:
        for warning in entry_type.review(plan, module.client, trunk.sid, module.check_mode, known or {}):
            module.warn(warning)
    return plan


def planned_views(entry_type, plan):
    """The entries a plan leaves on the trunk, as check mode predicts them."""
    return report(entry_type, plan, predict(entry_type, plan))[entry_type.kind]


def refuse_vetoes(module, plans, trunk_sid):
    """Fail before any write when a review refused a plan."""
    vetoes = [veto for plan in plans for veto in plan.vetoes]
    if vetoes:
        module.fail('; '.join(str(veto) for veto in vetoes), option=vetoes[0].option, trunk_sid=trunk_sid)


def carry_out(module, entry_type, plan, trunk):
    """Apply a plan, or in check mode predict it."""
    if module.check_mode:
        return predict(entry_type, plan)
    return apply(entry_type, plan, module.client, trunk.sid)


def manage_entries(module, entry_type):
    """The whole run of a module that manages one kind of trunk entry.

    Every entry is validated before the first API call; a trunk that check mode
    plans to create is not read (everything desired is predicted as added).
    """
    params = module.params
    desired = entry_type.desired_entries()
    trunk = module.trunk_reference()
    plan = plan_entries(module, entry_type, trunk, desired, params['state'], params['purge'])
    refuse_vetoes(module, [plan], trunk.sid)
    outcome = carry_out(module, entry_type, plan, trunk)
    result = dict(report(entry_type, plan, outcome, diff=module.diff), trunk_sid=trunk.sid)
    if entry_type.single:
        wanted = entry_type.key(desired[0])
        result[entry_type.item] = next((view for view in result[entry_type.kind]
                                        if entry_type.key(view) == wanted), None)
    if outcome.failures:
        module.fail(failure_message(entry_type, plan, outcome), changed=outcome.wrote,
                    failed_entries=outcome.failures, **result)
    module.exit(changed=plan.changes, **result)


def converge_trunk_entries(module, trunk, kinds, purge=False):
    """Several kinds of entries of one trunk in one task, for exotel_trunk.

    ``kinds`` are ``(entry_type, desired)`` in write order (the ACL before the destinations
    it must cover). Every kind is read, planned and reviewed before the first write; then
    they are written in order, and the first kind with an entry the API refused stops the
    rest. Returns ``(result, diff, failure)``: the entries after the run and their changes by
    kind, the before/after of each kind, and None or ``(message, failed entries)``.
    """
    plans, known = [], {}
    for entry_type, desired in kinds:
        plan = plan_entries(module, entry_type, trunk, desired, purge=purge, known=known)
        known[entry_type.kind] = planned_views(entry_type, plan)
        plans.append((entry_type, plan))
    refuse_vetoes(module, [plan for _entry_type, plan in plans], trunk.sid)
    result, diff = {'changes': {}}, {'before': {}, 'after': {}}
    for entry_type, plan in plans:
        outcome = carry_out(module, entry_type, plan, trunk)
        kind = report(entry_type, plan, outcome, diff=True)
        result[entry_type.kind] = kind[entry_type.kind]
        result['changes'][entry_type.kind] = dict((key, kind[key]) for key in ('added', 'updated', 'removed'))
        for side in ('before', 'after'):
            diff[side].update(kind['diff'][side])
        if outcome.failures:
            return result, diff, (failure_message(entry_type, plan, outcome), outcome.failures)
    return result, diff, None

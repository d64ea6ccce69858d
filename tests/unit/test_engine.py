"""The entry engine (plugins/module_utils/_engine.py) without Ansible or HTTP.

A fake entry type over an in-memory fake client records every write in order,
so each test states exactly what a plan is, what apply sends (and in which
order), what check mode predicts, and what the module reports.
"""

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _engine as engine
from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import (
    ExotelDuplicateError,
    ExotelError,
    ExotelNotFoundError,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._entries import EntryType, Veto
from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import TrunkReference
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import ValidationError


class FakeClient:
    """Rows of one trunk in memory; ``refuse`` maps a name to the error its create raises."""

    def __init__(self, rows=(), refuse=None, fail_reads=None, trunk_exists=False):
        self.trunk_exists = trunk_exists
        self.rows = [dict(row) for row in rows]
        self.calls = []
        self.refuse = dict(refuse or {})
        self.fail_reads = fail_reads
        self.next_id = 100

    def list(self, trunk_sid):
        self.calls.append(('list', trunk_sid))
        if self.fail_reads:
            raise self.fail_reads
        return [dict(row) for row in self.rows]

    def get_trunk(self, trunk_sid):
        self.calls.append(('get_trunk', trunk_sid))
        return {'trunk_sid': trunk_sid} if self.trunk_exists else None

    def create(self, trunk_sid, name, size):
        self.calls.append(('create', name))
        if name in self.refuse:
            raise self.refuse[name]
        self.next_id += 1
        row = {'id': str(self.next_id), 'name': name, 'size': size}
        self.rows.append(row)
        return dict(row)

    def update(self, trunk_sid, row_id, size):
        self.calls.append(('update', row_id))
        row = next(row for row in self.rows if row['id'] == row_id)
        row['size'] = size
        return dict(row)

    def delete(self, trunk_sid, row_id):
        self.calls.append(('delete', row_id))
        self.rows = [row for row in self.rows if row['id'] != row_id]

    @property
    def writes(self):
        return [call for call in self.calls if call[0] not in ('list', 'get_trunk')]


class Boxes(EntryType):
    """A kind of entry identified by name, with one managed field (size, default 1)."""

    kind, item, gather = 'boxes', 'box', 'boxes'
    list_option, single_option = 'boxes', 'name'
    identity, fields = ('name',), ('size',)
    defaults = {'size': 1}

    def parse_item(self, item, label):
        if not isinstance(item, dict) or 'name' not in item:
            raise ValidationError(label, 'needs a name')
        return {'name': item['name'], 'size': item.get('size')}

    def parse_single(self):
        return {'name': self.options['name'], 'size': self.options.get('size')}

    def read(self, client, trunk_sid):
        return client.list(trunk_sid)

    def create_entry(self, client, trunk_sid, entry):
        # The fake API, like some real endpoints, cannot set the field on create.
        return client.create(trunk_sid, entry['name'], None)

    def update_entry(self, client, trunk_sid, current, desired):
        return client.update(trunk_sid, current['id'], desired['size'])

    def delete_entry(self, client, trunk_sid, current):
        client.delete(trunk_sid, current['id'])


class SealedBoxes(Boxes):
    """Boxes the API cannot update in place: a changed box is deleted and created again."""

    replace_on_change = True

    def create_entry(self, client, trunk_sid, entry):
        return client.create(trunk_sid, entry['name'], entry['size'])


def views(entry_type, rows):
    return [entry_type.view(row) for row in rows]


def names(entries):
    return sorted(entry['name'] for entry in entries)


ROWS = [{'id': '1', 'name': 'a', 'size': 1}, {'id': '2', 'name': 'b', 'size': 2}, {'id': '3', 'name': 'c', 'size': None}]


# ------------------------------------------------------------------------------------------- plan

@pytest.mark.parametrize('state, purge, desired, expected', [
    # present: add the missing, update what differs, leave the rest
    ('present', False, [{'name': 'a', 'size': 1}, {'name': 'b', 'size': 5}, {'name': 'd', 'size': None}],
     {'add': ['d'], 'update': ['b'], 'remove': [], 'unchanged': ['a', 'c']}),
    # a field given as None is not managed: c (size None = default 1) is left alone
    ('present', False, [{'name': 'c', 'size': None}], {'add': [], 'update': [], 'remove': [], 'unchanged': ['a', 'b', 'c']}),
    # purge: what is not listed goes
    ('present', True, [{'name': 'a', 'size': 1}, {'name': 'd', 'size': 3}],
     {'add': ['d'], 'update': [], 'remove': ['b', 'c'], 'unchanged': ['a']}),
    # purge with an empty list: exactly none
    ('present', True, [], {'add': [], 'update': [], 'remove': ['a', 'b', 'c'], 'unchanged': []}),
    # an empty list without purge: nothing to do
    ('present', False, [], {'add': [], 'update': [], 'remove': [], 'unchanged': ['a', 'b', 'c']}),
    # absent: the listed entries that exist go; purge means nothing with absent
    ('absent', False, [{'name': 'b', 'size': None}, {'name': 'z', 'size': None}],
     {'add': [], 'update': [], 'remove': ['b'], 'unchanged': ['a', 'c']}),
    ('absent', True, [{'name': 'b', 'size': None}], {'add': [], 'update': [], 'remove': ['b'], 'unchanged': ['a', 'c']}),
    ('absent', False, [], {'add': [], 'update': [], 'remove': [], 'unchanged': ['a', 'b', 'c']}),
])
def test_plan(state, purge, desired, expected):
    boxes = Boxes()
    plan = engine.make_plan(boxes, views(boxes, ROWS), desired, state, purge)
    assert names(plan.add) == expected['add']
    assert names(current for current, _desired in plan.update) == expected['update']
    assert names(plan.remove) == expected['remove']
    assert names(plan.unchanged) == expected['unchanged']
    assert plan.replace == [] and plan.vetoes == []
    assert plan.changes == bool(expected['add'] or expected['update'] or expected['remove'])


def test_plan_duplicate_rows_are_removed_by_purge_and_by_absent_only():
    boxes = Boxes()
    rows = ROWS + [{'id': '9', 'name': 'a', 'size': 1}]
    keep = engine.make_plan(boxes, views(boxes, rows), [{'name': 'a', 'size': 1}], 'present')
    assert [view['id'] for view in keep.unchanged] == ['1', '2', '3', '9'] and keep.remove == []
    purge = engine.make_plan(boxes, views(boxes, rows), [{'name': 'a', 'size': 1}], 'present', purge=True)
    assert sorted(view['id'] for view in purge.remove) == ['2', '3', '9']
    absent = engine.make_plan(boxes, views(boxes, rows), [{'name': 'a', 'size': None}], 'absent')
    assert sorted(view['id'] for view in absent.remove) == ['1', '9']


def test_plan_replaces_what_cannot_be_updated():
    sealed = SealedBoxes()
    plan = engine.make_plan(sealed, views(sealed, ROWS), [{'name': 'b', 'size': 7}], 'present')
    assert [(current['id'], desired['size']) for current, desired in plan.replace] == [('2', 7)]
    assert plan.update == [] and plan.changes


# ------------------------------------------------------------------------------------------- apply

def test_apply_order_replacements_first_removals_last():
    sealed = SealedBoxes()
    client = FakeClient(ROWS)
    plan = engine.make_plan(sealed, views(sealed, ROWS), [{'name': 'b', 'size': 7}, {'name': 'd', 'size': 4}],
                            'present', purge=True)
    outcome = engine.apply(sealed, plan, client, 'tr1')
    # b's old row goes before its new one is created (the API refuses a second b), removals come last.
    assert client.writes == [('delete', '2'), ('create', 'd'), ('create', 'b'), ('delete', '1'), ('delete', '3')]
    assert [view['name'] for view, _desired in outcome.added] == ['d']
    assert [(view['name'], view['size']) for view, _desired in outcome.replaced] == [('b', 7)]
    assert names(outcome.removed) == ['a', 'c'] and outcome.failures == [] and outcome.kept == []


def test_apply_updates_a_created_entry_that_still_differs():
    boxes = Boxes()
    client = FakeClient()
    plan = engine.make_plan(boxes, [], [{'name': 'd', 'size': 4}], 'present')
    outcome = engine.apply(boxes, plan, client, 'tr1')
    assert client.writes == [('create', 'd'), ('update', '101')]
    assert outcome.added[0][0] == {'id': '101', 'name': 'd', 'size': 4}


def test_apply_partial_failure_keeps_what_purge_would_remove():
    boxes = Boxes()
    refused = ExotelError('refused', http_status=400, api_code=1002, description='box d is not allowed')
    client = FakeClient(ROWS, refuse={'d': refused})
    desired = [{'name': 'd', 'size': None}, {'name': 'e', 'size': None}]
    plan = engine.make_plan(boxes, views(boxes, ROWS), desired, 'present', purge=True)
    outcome = engine.apply(boxes, plan, client, 'tr1')
    # e is still created; nothing is removed, because the new set is incomplete.
    assert client.writes == [('create', 'd'), ('create', 'e')]
    assert [view['name'] for view, _desired in outcome.added] == ['e']
    assert outcome.failures == [{'entry': {'id': None, 'name': 'd', 'size': 1},
                                 'error': {'api_code': 1002, 'description': 'box d is not allowed'}}]
    assert names(outcome.kept) == ['a', 'b', 'c'] and outcome.removed == []
    result = engine.report(boxes, plan, outcome)
    assert names(result['boxes']) == ['a', 'b', 'c', 'e']
    assert result['removed'] == []
    message = engine.failure_message(boxes, plan, outcome)
    assert message.startswith('1 of 2 entries could not be written (d: box d is not allowed)')
    assert 'Nothing was removed' in message


def test_apply_duplicate_held_elsewhere_is_a_refused_entry():
    boxes = Boxes()
    client = FakeClient(refuse={'d': ExotelDuplicateError('dup', http_status=200, api_code=1008, description='held')})
    outcome = engine.apply(boxes, engine.make_plan(boxes, [], [{'name': 'd', 'size': None}], 'present'), client, 'tr1')
    assert outcome.failures[0]['error'] == {'api_code': 1008, 'description': 'held'}
    assert not outcome.wrote


@pytest.mark.parametrize('error', [ExotelError('server', http_status=500), ExotelError('auth', http_status=401),
                                   ExotelNotFoundError('gone', http_status=404)])
def test_apply_errors_that_doom_every_request_stop_the_run(error):
    boxes = Boxes()
    client = FakeClient(refuse={'d': error, 'e': error})
    plan = engine.make_plan(boxes, [], [{'name': 'd', 'size': None}, {'name': 'e', 'size': None}], 'present')
    with pytest.raises(ExotelError):
        engine.apply(boxes, plan, client, 'tr1')
    assert client.writes == [('create', 'd')]


def test_apply_not_found_on_a_trunk_that_exists_is_a_refused_entry():
    # 404/1000 may refuse one entry (a number that is not an ExoPhone): one read of the trunk tells.
    boxes = Boxes()
    client = FakeClient(refuse={'d': ExotelNotFoundError('nf', http_status=404, api_code=1000, description='Not Found')},
                        trunk_exists=True)
    plan = engine.make_plan(boxes, [], [{'name': 'd', 'size': None}, {'name': 'e', 'size': None}], 'present')
    outcome = engine.apply(boxes, plan, client, 'tr1')
    assert outcome.failures == [{'entry': {'id': None, 'name': 'd', 'size': 1},
                                 'error': {'api_code': 1000, 'description': 'Not Found'}}]
    assert [view['name'] for view, _desired in outcome.added] == ['e']
    assert ('get_trunk', 'tr1') in client.calls


# ------------------------------------------------------------------------------------------- predict and report

@pytest.mark.parametrize('entry_type, state, purge, desired', [
    (Boxes(), 'present', False, [{'name': 'a', 'size': 1}, {'name': 'b', 'size': 5}, {'name': 'd', 'size': 4}]),
    (Boxes(), 'present', True, [{'name': 'd', 'size': None}]),
    (Boxes(), 'present', True, []),
    (Boxes(), 'absent', False, [{'name': 'c', 'size': None}]),
    (SealedBoxes(), 'present', True, [{'name': 'b', 'size': 7}]),
])
def test_check_mode_predicts_what_apply_reports(entry_type, state, purge, desired):
    def run(check_mode):
        client = FakeClient(ROWS)
        plan = engine.make_plan(entry_type, views(entry_type, client.list('tr1')), desired, state, purge)
        outcome = engine.predict(entry_type, plan) if check_mode else engine.apply(entry_type, plan, client, 'tr1')
        return engine.report(entry_type, plan, outcome, diff=True), client

    predicted, check_client = run(True)
    applied, _client = run(False)
    assert check_client.writes == []

    def without_new_ids(result):
        # Check mode cannot know the ids the API will give new entries.
        known = set(row['id'] for row in ROWS)
        return dict((key, [dict(entry, id=entry['id'] if entry['id'] in known else None) for entry in value])
                    for key, value in result.items() if key != 'diff')
    assert without_new_ids(predicted) == without_new_ids(applied)
    assert predicted['diff'] == applied['diff']


def test_report_after_state_and_diff_without_ids():
    boxes = Boxes()
    plan = engine.make_plan(boxes, views(boxes, ROWS), [{'name': 'b', 'size': 5}, {'name': 'd', 'size': None}],
                            'present', purge=False)
    result = engine.report(boxes, plan, engine.predict(boxes, plan), diff=True)
    assert result['boxes'] == [{'id': '1', 'name': 'a', 'size': 1}, {'id': '2', 'name': 'b', 'size': 5},
                               {'id': '3', 'name': 'c', 'size': 1}, {'id': None, 'name': 'd', 'size': 1}]
    assert result['added'] == [{'id': None, 'name': 'd', 'size': 1}]
    assert result['updated'] == [{'id': '2', 'name': 'b', 'size': 5}]
    assert result['removed'] == []
    assert result['diff'] == {
        'before': {'boxes': [{'name': 'a', 'size': 1}, {'name': 'b', 'size': 2}, {'name': 'c', 'size': 1}]},
        'after': {'boxes': [{'name': 'a', 'size': 1}, {'name': 'b', 'size': 5}, {'name': 'c', 'size': 1},
                            {'name': 'd', 'size': 1}]},
    }


def test_report_names_replacements_in_the_diff_header():
    sealed = SealedBoxes()
    plan = engine.make_plan(sealed, views(sealed, ROWS), [{'name': 'b', 'size': 7}], 'present')
    result = engine.report(sealed, plan, engine.predict(sealed, plan), diff=True)
    assert result['updated'] == [{'id': None, 'name': 'b', 'size': 7}]
    assert result['removed'] == [{'id': '2', 'name': 'b', 'size': 2}]
    assert result['diff']['after_header'] == 'replaced (deleted, then added again): b'


# ------------------------------------------------------------------------------------------- manage_entries

class Stop(Exception):
    """exit_json / fail_json end a module; here they end the call."""


class FakeModule:
    def __init__(self, client, options, check_mode=False, diff=False, trunk=TrunkReference('tr1', False)):
        self.client = client
        self.params = dict({'state': 'present', 'purge': False}, **options)
        self.check_mode = check_mode
        self.diff = diff
        self.trunk = trunk
        self.warnings = []
        self.result = None

    def trunk_reference(self):
        return self.trunk

    def trunk_label(self):
        return "trunk_sid '%s'" % self.trunk.sid

    def warn(self, message):
        self.warnings.append(message)

    def exit(self, **result):
        self.result = dict(result, failed=False)
        raise Stop()

    def fail(self, msg, **result):
        self.result = dict(result, failed=True, msg=msg)
        raise Stop()


def manage(module, entry_type):
    with pytest.raises(Stop):
        engine.manage_entries(module, entry_type)
    return module.result


def test_manage_single_entry_reports_it():
    client = FakeClient(ROWS)
    module = FakeModule(client, {'name': 'b', 'size': 5})
    result = manage(module, Boxes(module.params))
    assert result['changed'] is True and result['box'] == {'id': '2', 'name': 'b', 'size': 5}
    assert result['trunk_sid'] == 'tr1' and client.writes == [('update', '2')]


def test_manage_planned_trunk_reads_nothing_and_predicts_every_entry():
    client = FakeClient(ROWS)
    module = FakeModule(client, {'boxes': [{'name': 'a'}, {'name': 'b', 'size': 3}], 'purge': True}, check_mode=True,
                        trunk=TrunkReference('check-mode-new-trunk:t', True))
    result = manage(module, Boxes(module.params))
    assert client.calls == [] and module.warnings == []
    assert result['changed'] is True and names(result['added']) == ['a', 'b'] and result['removed'] == []
    assert 'box' not in result


def test_manage_vetoes_fail_before_any_write():
    class Picky(Boxes):
        def review(self, plan, client, trunk_sid, check_mode, known):
            plan.vetoes.append(Veto('boxes', 'may not add %s' % ', '.join(names(plan.add))))
            return ['looked at the plan']

    client = FakeClient(ROWS)
    module = FakeModule(client, {'boxes': [{'name': 'd'}]})
    result = manage(module, Picky(module.params))
    assert result['failed'] and result['msg'] == 'boxes may not add d' and result['option'] == 'boxes'
    assert module.warnings == ['looked at the plan'] and client.writes == []


def test_manage_missing_trunk_fails_clearly():
    client = FakeClient(fail_reads=ExotelNotFoundError('gone', http_status=404))
    module = FakeModule(client, {'boxes': [{'name': 'd'}]})
    result = manage(module, Boxes(module.params))
    assert result['failed'] and result['msg'] == "The trunk_sid 'tr1' does not exist (or is not visible to this API key)."


def test_manage_partial_failure_fails_the_task_with_what_was_written():
    client = FakeClient(refuse={'d': ExotelError('no', http_status=400, description='not here')})
    module = FakeModule(client, {'boxes': [{'name': 'd'}, {'name': 'e'}]})
    result = manage(module, Boxes(module.params))
    assert result['failed'] and result['changed'] is True
    assert names(result['added']) == ['e'] and result['failed_entries'][0]['entry']['name'] == 'd'
    assert result['msg'].startswith('1 of 2 entries could not be written (d: not here)')


def test_purge_needs_the_list_form():
    module = FakeModule(FakeClient(), {'name': 'a', 'purge': True})
    with pytest.raises(ValidationError, match='purge requires the list form boxes'):
        Boxes(module.params).desired_entries()

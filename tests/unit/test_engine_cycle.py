"""The whole cycle of the entry engine (plugins/module_utils/_engine.py): refused updates, failure messages,
diffs of replacements, vetoes, and exotel_trunk's several kinds in one task.

It uses the fake entry type and client of test_engine.py; here a client may also refuse updates,
so every branch of apply and of the failure report is reached, and each test asserts the exact
writes sent, the exact result and the exact message a user reads.
"""

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _engine as engine
from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import ExotelError, ExotelNotFoundError
from ansible_collections.exotel.sip_trunking.plugins.module_utils._entries import Veto
from ansible_collections.exotel.sip_trunking.plugins.module_utils._module import TrunkReference
from test_engine import ROWS, Boxes, FakeClient, FakeModule, SealedBoxes, Stop, names, views


class PickyClient(FakeClient):
    """A fake client whose updates of the rows named in ``refuse_updates`` raise the given error."""

    def __init__(self, rows=(), refuse_updates=None, **kwargs):
        FakeClient.__init__(self, rows, **kwargs)
        self.refuse_updates = dict(refuse_updates or {})

    def update(self, trunk_sid, row_id, size):
        row = next(row for row in self.rows if row['id'] == row_id)
        if row['name'] in self.refuse_updates:
            self.calls.append(('update', row_id))
            raise self.refuse_updates[row['name']]
        return FakeClient.update(self, trunk_sid, row_id, size)


def refused(description=None, message='refused', status=400, code=1002):
    return ExotelError(message, http_status=status, api_code=code, description=description)


def plan_for(entry_type, rows, desired, state='present', purge=False):
    return engine.make_plan(entry_type, views(entry_type, rows), desired, state, purge)


# ------------------------------------------------------------------------------------------- plan and outcome

@pytest.mark.parametrize('field', ['add', 'update', 'replace', 'remove'])
def test_any_planned_write_is_a_change(field):
    plan = engine.Plan()
    assert plan.changes is False
    setattr(plan, field, ['x'])
    assert plan.changes is True


@pytest.mark.parametrize('field', ['added', 'updated', 'replaced', 'removed'])
def test_any_write_done_is_a_write_and_kept_or_failed_entries_are_not(field):
    outcome = engine.Outcome()
    outcome.kept, outcome.failures = ['k'], [{'entry': {}, 'error': {}}]
    assert outcome.wrote is False
    setattr(outcome, field, ['x'])
    assert outcome.wrote is True


def test_a_second_row_with_the_same_identity_is_never_updated():
    boxes = Boxes()
    rows = [{'id': '1', 'name': 'a', 'size': 1}, {'id': '9', 'name': 'a', 'size': 3}]
    kept = plan_for(boxes, rows, [{'name': 'a', 'size': 1}])
    assert [view['id'] for view in kept.unchanged] == ['1', '9'] and kept.update == [] and kept.add == []
    changed = plan_for(boxes, rows, [{'name': 'a', 'size': 5}])
    assert [(view['id'], entry['size']) for view, entry in changed.update] == [('1', 5)]
    assert [view['id'] for view in changed.unchanged] == ['9']


def test_absent_never_adds():
    plan = plan_for(Boxes(), ROWS, [{'name': 'z', 'size': 3}], state='absent')
    assert plan.add == [] and plan.remove == [] and plan.changes is False


def test_check_mode_predicts_updates_and_removals():
    boxes = Boxes()
    plan = plan_for(boxes, ROWS, [{'name': 'b', 'size': 5}], purge=True)
    outcome = engine.predict(boxes, plan)
    assert outcome.updated == [({'id': '2', 'name': 'b', 'size': 5}, {'name': 'b', 'size': 5})]
    assert names(outcome.removed) == ['a', 'c'] and outcome.added == [] and outcome.replaced == []


# ------------------------------------------------------------------------------------------- apply

def test_a_refused_update_is_a_failure_and_keeps_what_purge_would_remove():
    boxes = Boxes()
    client = PickyClient(ROWS, refuse_updates={'b': refused('size 5 is too big')})
    plan = plan_for(boxes, ROWS, [{'name': 'b', 'size': 5}, {'name': 'c', 'size': 4}], purge=True)
    outcome = engine.apply(boxes, plan, client, 'tr1')
    assert client.writes == [('update', '2'), ('update', '3')]
    assert outcome.failures == [{'entry': {'id': '2', 'name': 'b', 'size': 2},
                                 'error': {'api_code': 1002, 'description': 'size 5 is too big'}}]
    assert outcome.updated == [({'id': '3', 'name': 'c', 'size': 4}, {'name': 'c', 'size': 4})]
    assert names(outcome.kept) == ['a'] and outcome.removed == []
    assert engine.failure_message(boxes, plan, outcome) == (
        '1 of 2 entries could not be written (b: size 5 is too big). Entries written before the failure are listed '
        'under added and updated. Nothing was removed, because the new set is incomplete.')


def test_an_update_error_that_dooms_every_request_stops_the_run():
    boxes = Boxes()
    client = PickyClient(ROWS, refuse_updates={'b': ExotelError('server', http_status=500)})
    plan = plan_for(boxes, ROWS, [{'name': 'b', 'size': 5}, {'name': 'c', 'size': 4}], purge=True)
    with pytest.raises(ExotelError):
        engine.apply(boxes, plan, client, 'tr1')
    assert client.writes == [('update', '2')]


@pytest.mark.parametrize('error, description', [
    (refused('size is read-only'), 'created, but the update that follows failed: size is read-only'),
    (refused(None, message='HTTP 400'), 'created, but the update that follows failed: HTTP 400'),
    (ExotelError('server down', http_status=500, api_code=None),
     'created, but the update that follows failed: server down'),
])
def test_a_created_entry_whose_update_fails_is_added_and_its_update_reported_failed(error, description):
    boxes = Boxes()
    client = PickyClient(refuse_updates={'d': error})
    plan = plan_for(boxes, [], [{'name': 'd', 'size': 4}, {'name': 'e', 'size': None}])
    outcome = engine.apply(boxes, plan, client, 'tr1')
    assert client.writes == [('create', 'd'), ('create', 'e'), ('update', '101')]
    assert outcome.added == [({'id': '101', 'name': 'd', 'size': 1}, {'name': 'd', 'size': 4}),
                             ({'id': '102', 'name': 'e', 'size': 1}, {'name': 'e', 'size': None})]
    assert outcome.failures == [{'entry': {'id': '101', 'name': 'd', 'size': 1},
                                 'error': {'api_code': error.api_code, 'description': description}}]
    assert outcome.wrote is True


def test_nothing_to_create_calls_no_create():
    class Counting(Boxes):
        batches = []

        def create_entries(self, client, trunk_sid, entries):
            self.batches.append(list(entries))
            return Boxes.create_entries(self, client, trunk_sid, entries)

    counting = Counting()
    client = FakeClient(ROWS)
    outcome = engine.apply(counting, plan_for(counting, ROWS, [{'name': 'b', 'size': 5}]), client, 'tr1')
    assert counting.batches == [] and client.writes == [('update', '2')] and len(outcome.updated) == 1


def test_a_refused_replacement_leaves_the_old_entry_deleted_and_says_so():
    sealed = SealedBoxes()
    client = FakeClient(ROWS, refuse={'b': refused('size 7 is not allowed')})
    plan = plan_for(sealed, ROWS, [{'name': 'b', 'size': 7}, {'name': 'd', 'size': 2}], purge=True)
    outcome = engine.apply(sealed, plan, client, 'tr1')
    assert client.writes == [('delete', '2'), ('create', 'd'), ('create', 'b')]
    assert outcome.failures == [{'entry': {'id': None, 'name': 'b', 'size': 7},
                                 'error': {'api_code': 1002, 'description': 'size 7 is not allowed'}}]
    assert engine.failure_message(sealed, plan, outcome) == (
        '1 of 2 entries could not be written (b: size 7 is not allowed). Entries written before the failure are '
        'listed under added and updated. Nothing was removed, because the new set is incomplete. Replacing an entry '
        'deletes it before adding it again; entries listed under removed and not under updated are gone until the '
        'task succeeds.')
    result = engine.report(sealed, plan, outcome)
    assert result['removed'] == [{'id': '2', 'name': 'b', 'size': 2}] and result['updated'] == []


def test_a_failure_message_without_removals_or_a_description():
    boxes = Boxes()
    plan = plan_for(boxes, ROWS, [{'name': 'd', 'size': None}])
    outcome = engine.Outcome()
    outcome.failures = [{'entry': {'name': 'd'}, 'error': None}, {'entry': {'name': 'e'}, 'error': {'api_code': 1}}]
    assert engine.failure_message(boxes, plan, outcome) == (
        '2 of 1 entries could not be written (d: None; e: {\'api_code\': 1}). Entries written before the failure are '
        'listed under added and updated.')


# ------------------------------------------------------------------------------------------- report and diff

def test_the_diff_of_a_purge_with_a_replacement():
    sealed = SealedBoxes()
    plan = plan_for(sealed, ROWS, [{'name': 'b', 'size': 7}, {'name': 'c', 'size': 3}], purge=True)
    result = engine.report(sealed, plan, engine.predict(sealed, plan), diff=True)
    assert result['diff'] == {
        'before': {'boxes': [{'name': 'a', 'size': 1}, {'name': 'b', 'size': 2}, {'name': 'c', 'size': 1}]},
        'after': {'boxes': [{'name': 'b', 'size': 7}, {'name': 'c', 'size': 3}]},
        'after_header': 'replaced (deleted, then added again): b, c',
    }
    assert names(result['removed']) == ['a', 'b', 'c'] and names(result['updated']) == ['b', 'c']
    assert result['boxes'] == [{'id': None, 'name': 'b', 'size': 7}, {'id': None, 'name': 'c', 'size': 3}]


def test_the_diff_after_a_failure_shows_the_kept_entries():
    boxes = Boxes()
    client = FakeClient(ROWS, refuse={'d': refused('no')})
    plan = plan_for(boxes, ROWS, [{'name': 'd', 'size': None}], purge=True)
    outcome = engine.apply(boxes, plan, client, 'tr1')
    diff = engine.report(boxes, plan, outcome, diff=True)['diff']
    assert diff['after'] == diff['before'] == {'boxes': [{'name': 'a', 'size': 1}, {'name': 'b', 'size': 2},
                                                         {'name': 'c', 'size': 1}]}
    assert 'after_header' not in diff


def test_a_report_without_diff_has_no_diff_and_sorts_by_identity():
    boxes = Boxes()
    rows = [{'id': '5', 'name': 'z', 'size': 1}, {'id': '6', 'name': 'm', 'size': 1}]
    result = engine.report(boxes, plan_for(boxes, rows, []), engine.Outcome())
    assert result == {'boxes': [{'id': '6', 'name': 'm', 'size': 1}, {'id': '5', 'name': 'z', 'size': 1}],
                      'added': [], 'updated': [], 'removed': []}


def test_planned_views_are_what_check_mode_leaves_on_the_trunk():
    boxes = Boxes()
    plan = plan_for(boxes, ROWS, [{'name': 'b', 'size': 5}, {'name': 'd', 'size': None}], purge=True)
    assert engine.planned_views(boxes, plan) == [{'id': '2', 'name': 'b', 'size': 5},
                                                 {'id': None, 'name': 'd', 'size': 1}]


# ------------------------------------------------------------------------------------------- manage_entries

def manage(module, entry_type):
    with pytest.raises(Stop):
        engine.manage_entries(module, entry_type)
    return module.result


def test_manage_reports_no_change_with_the_diff_when_asked():
    client = FakeClient(ROWS)
    module = FakeModule(client, {'boxes': [{'name': 'a', 'size': 1}]}, diff=True)
    result = manage(module, Boxes(module.params))
    assert result['changed'] is False and result['failed'] is False and client.writes == []
    assert result['diff']['before'] == result['diff']['after'] and 'box' not in result
    assert names(result['boxes']) == ['a', 'b', 'c'] and result['trunk_sid'] == 'tr1'


def test_manage_without_diff_reports_none():
    module = FakeModule(FakeClient(ROWS), {'name': 'a', 'size': 1})
    result = manage(module, Boxes(module.params))
    assert 'diff' not in result and result['box'] == {'id': '1', 'name': 'a', 'size': 1}


def test_manage_a_single_entry_removed_reports_it_as_none():
    client = FakeClient(ROWS)
    module = FakeModule(client, {'name': 'b', 'state': 'absent'})
    result = manage(module, Boxes(module.params))
    assert result['changed'] is True and result['box'] is None and client.writes == [('delete', '2')]


def test_manage_purge_in_check_mode_writes_nothing_and_reports_the_removals():
    client = FakeClient(ROWS)
    module = FakeModule(client, {'boxes': [{'name': 'a'}], 'purge': True}, check_mode=True)
    result = manage(module, Boxes(module.params))
    assert result['changed'] is True and names(result['removed']) == ['b', 'c'] and client.writes == []


def test_manage_a_failure_before_any_write_is_not_a_change():
    client = FakeClient(refuse={'d': refused('no d')})
    module = FakeModule(client, {'name': 'd'})
    result = manage(module, Boxes(module.params))
    assert result['failed'] is True and result['changed'] is False and result['box'] is None
    assert result['msg'] == ('1 of 1 entries could not be written (d: no d). Entries written before the failure are '
                             'listed under added and updated.')
    assert result['failed_entries'] == [{'entry': {'id': None, 'name': 'd', 'size': 1},
                                         'error': {'api_code': 1002, 'description': 'no d'}}]
    assert result['trunk_sid'] == 'tr1' and result['boxes'] == []


def test_manage_a_missing_trunk_names_it():
    client = FakeClient(fail_reads=ExotelNotFoundError('gone', http_status=404))
    module = FakeModule(client, {'name': 'a'}, trunk=TrunkReference('trX', False))
    result = manage(module, Boxes(module.params))
    assert result == {'failed': True, 'trunk_sid': 'trX',
                      'msg': "The trunk_sid 'trX' does not exist (or is not visible to this API key)."}


def test_manage_joins_every_veto_and_names_the_first_option():
    class Picky(Boxes):
        def review(self, plan, client, trunk_sid, check_mode, known):
            assert known == {} and check_mode is False and trunk_sid == 'tr1'
            plan.vetoes.extend([Veto('boxes', 'may not grow'), Veto('size', 'is too big')])
            return []

    client = FakeClient(ROWS)
    module = FakeModule(client, {'boxes': [{'name': 'd'}]})
    result = manage(module, Picky(module.params))
    assert result == {'failed': True, 'msg': 'boxes may not grow; size is too big', 'option': 'boxes',
                      'trunk_sid': 'tr1'}
    assert client.writes == []


def test_review_warnings_are_shown_and_check_mode_is_passed_on():
    class Chatty(Boxes):
        def review(self, plan, client, trunk_sid, check_mode, known):
            return ['check mode is %s' % check_mode, 'second']

    module = FakeModule(FakeClient(ROWS), {'boxes': [{'name': 'd'}]}, check_mode=True)
    manage(module, Chatty(module.params))
    assert module.warnings == ['check mode is True', 'second']


# ------------------------------------------------------------------------------------------- converge_trunk_entries

class Letters(Boxes):
    """Boxes named by one letter: the first kind of a task (reads only its own rows)."""

    def read(self, client, trunk_sid):
        return [row for row in client.list(trunk_sid) if len(row['name']) == 1]


class Cups(Boxes):
    """A second kind of entry, kept by the same fake client under names that start with cup."""

    kind, item, gather = 'cups', 'cup', 'cups'

    def read(self, client, trunk_sid):
        return [row for row in client.list(trunk_sid) if row['name'].startswith('cup')]


CUP_ROWS = ROWS + [{'id': '7', 'name': 'cup1', 'size': 1}, {'id': '8', 'name': 'cup2', 'size': 1}]


def test_converge_writes_every_kind_and_reports_changes_and_diff_by_kind():
    reviews = []

    class Watching(Cups):
        def review(self, plan, client, trunk_sid, check_mode, known):
            reviews.append(dict(known))
            return ['cups reviewed']

    client = FakeClient(CUP_ROWS)
    module = FakeModule(client, {})
    result, diff, failure = engine.converge_trunk_entries(
        module, TrunkReference('tr1', False),
        [(Letters(), [{'name': 'a', 'size': 1}, {'name': 'd', 'size': None}]),
         (Watching(), [{'name': 'cup2', 'size': 9}])],
        purge=True)
    assert failure is None and module.warnings == ['cups reviewed']
    assert reviews == [{'boxes': [{'id': '1', 'name': 'a', 'size': 1}, {'id': None, 'name': 'd', 'size': 1}]}]
    assert client.writes == [('create', 'd'), ('delete', '2'), ('delete', '3'), ('update', '8'), ('delete', '7')]
    assert result['boxes'] == [{'id': '1', 'name': 'a', 'size': 1}, {'id': '101', 'name': 'd', 'size': 1}]
    assert result['cups'] == [{'id': '8', 'name': 'cup2', 'size': 9}]
    assert result['changes'] == {
        'boxes': {'added': [{'id': '101', 'name': 'd', 'size': 1}], 'updated': [],
                  'removed': [{'id': '2', 'name': 'b', 'size': 2}, {'id': '3', 'name': 'c', 'size': 1}]},
        'cups': {'added': [], 'updated': [{'id': '8', 'name': 'cup2', 'size': 9}],
                 'removed': [{'id': '7', 'name': 'cup1', 'size': 1}]}}
    assert sorted(result) == ['boxes', 'changes', 'cups']
    assert diff == {
        'before': {'boxes': [{'name': 'a', 'size': 1}, {'name': 'b', 'size': 2}, {'name': 'c', 'size': 1}],
                   'cups': [{'name': 'cup1', 'size': 1}, {'name': 'cup2', 'size': 1}]},
        'after': {'boxes': [{'name': 'a', 'size': 1}, {'name': 'd', 'size': 1}], 'cups': [{'name': 'cup2', 'size': 9}]}}


def test_converge_without_purge_keeps_what_is_not_listed():
    client = FakeClient(ROWS)
    result, _diff, failure = engine.converge_trunk_entries(
        FakeModule(client, {}), TrunkReference('tr1', False), [(Boxes(), [{'name': 'd', 'size': None}])])
    assert failure is None and names(result['boxes']) == ['a', 'b', 'c', 'd'] and client.writes == [('create', 'd')]


def test_converge_stops_at_the_first_kind_with_a_refused_entry():
    client = FakeClient(ROWS, refuse={'d': refused('no d')})
    result, diff, failure = engine.converge_trunk_entries(
        FakeModule(client, {}), TrunkReference('tr1', False),
        [(Boxes(), [{'name': 'd', 'size': None}]), (Cups(), [{'name': 'e', 'size': None}])])
    assert client.writes == [('create', 'd')]
    assert failure == ('1 of 1 entries could not be written (d: no d). Entries written before the failure are listed '
                       'under added and updated.',
                       [{'entry': {'id': None, 'name': 'd', 'size': 1},
                         'error': {'api_code': 1002, 'description': 'no d'}}])
    assert sorted(result) == ['boxes', 'changes'] and sorted(diff['after']) == ['boxes']


def test_converge_refuses_vetoes_of_any_kind_before_any_write():
    class Picky(Cups):
        def review(self, plan, client, trunk_sid, check_mode, known):
            plan.vetoes.append(Veto('cups', 'are refused'))
            return []

    client = FakeClient(ROWS)
    module = FakeModule(client, {})
    with pytest.raises(Stop):
        engine.converge_trunk_entries(module, TrunkReference('tr1', False),
                                      [(Boxes(), [{'name': 'd', 'size': None}]), (Picky(), [])])
    assert module.result == {'failed': True, 'msg': 'cups are refused', 'option': 'cups', 'trunk_sid': 'tr1'}
    assert client.writes == []


def test_converge_on_a_planned_trunk_reads_nothing_and_predicts():
    client = FakeClient(ROWS)
    module = FakeModule(client, {}, check_mode=True)
    result, diff, failure = engine.converge_trunk_entries(
        module, TrunkReference('check-mode-new-trunk:t', True), [(Boxes(), [{'name': 'd', 'size': 2}])], purge=True)
    assert client.calls == [] and failure is None
    assert result['boxes'] == [{'id': None, 'name': 'd', 'size': 2}] and diff['before'] == {'boxes': []}

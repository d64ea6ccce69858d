"""The entry types (plugins/module_utils/_entries.py): views, identity, parsing, reviews and the client calls.

Each test states what a caller sees: the view of an API row, the desired entries an option
becomes (or the exact error naming the option and the rule), the warnings and vetoes of a
review, and the exact client calls a write makes, recorded by a fake client.
"""

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _entries as entries
from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import (
    ExotelDuplicateError,
    ExotelError,
    ExotelNotFoundError,
    ItemResult,
)
from ansible_collections.exotel.sip_trunking.plugins.module_utils._engine import Plan
from ansible_collections.exotel.sip_trunking.plugins.module_utils._validation import ValidationError

NUMBER_A, NUMBER_B = '+919876543210', '+918040264208'


class Api:
    """Records every client call with its arguments; answers from ``answers`` (name -> value or exception)."""

    def __init__(self, **answers):
        self.answers = answers
        self.calls = []

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)

        def call(*args, **kwargs):
            self.calls.append((name,) + args + ((kwargs,) if kwargs else ()))
            answer = self.answers.get(name)
            if isinstance(answer, Exception):
                raise answer
            return answer(*args, **kwargs) if callable(answer) else answer
        return call


def validation_error(call):
    with pytest.raises(ValidationError) as info:
        call()
    return str(info.value), info.value.option


# ------------------------------------------------------------------------------------------- declaration

class Pairs(entries.EntryType):
    """Two identity fields, no API id."""

    identity, fields = ('zone', 'name'), ('size',)
    has_id = False


def test_an_entry_with_two_identity_fields_is_keyed_by_a_tuple_and_one_field_by_its_value():
    assert Pairs().key({'zone': 'z', 'name': 'n', 'size': 1}) == ('z', 'n')
    assert entries.PhoneNumbers().key({'phone_number': NUMBER_A, 'mode': 'flow'}) == NUMBER_A


def test_a_view_without_api_id_holds_only_identity_and_fields():
    assert Pairs().view({'id': 'x', 'zone': 'z', 'name': 'n', 'extra': 1}) == {'zone': 'z', 'name': 'n', 'size': None}
    assert entries.TrunkSettings().view({'id': 'x', 'name': 'n', 'value': 'v'}) == {'name': 'n', 'value': 'v'}


@pytest.mark.parametrize('entry_type, row, view', [
    (entries.PhoneNumbers(), {'id': 7, 'phone_number': NUMBER_A, 'mode': None, 'sid': 'x'},
     {'id': 7, 'phone_number': NUMBER_A, 'mode': 'pstn'}),
    (entries.PhoneNumbers(), {'id': 7, 'phone_number': NUMBER_A, 'mode': 'flow'},
     {'id': 7, 'phone_number': NUMBER_A, 'mode': 'flow'}),
    (entries.WhitelistedIps(), {'id': 8, 'ip': '44.248.146.11', 'mask': None},
     {'id': 8, 'ip': '44.248.146.11', 'mask': 32}),
    (entries.WhitelistedIps(), {'id': 8, 'ip': '44.248.146.0', 'mask': '24'},
     {'id': 8, 'ip': '44.248.146.0', 'mask': 24}),
    (entries.Destinations(), {'id': 9, 'destination': 'SIP:Sip.Example.com:5061;transport=TLS'},
     {'id': 9, 'destination': 'sip:sip.example.com:5061;transport=tls', 'priority': 0, 'weight': 1}),
    (entries.Destinations(),
     {'id': 9, 'destination': 'a.example.com:5060;transport=tcp', 'priority': '2', 'weight': '5'},
     {'id': 9, 'destination': 'sip:a.example.com:5060;transport=tcp', 'priority': 2, 'weight': 5}),
    (entries.DigestCredentials(), {'id': 3, 'user_name': 'bot', 'friendly_name': None, 'password': 'x'},
     {'id': 3, 'user_name': 'bot', 'friendly_name': None}),
    (entries.TrunkSettings(), {'name': 'trunk_external_alias', 'value': NUMBER_A},
     {'name': 'trunk_external_alias', 'value': NUMBER_A}),
])
def test_the_view_of_an_api_row_fills_defaults_and_normalises(entry_type, row, view):
    assert entry_type.view(row) == view


def test_only_the_mode_of_a_number_row_reads_a_missing_value_as_pstn():
    assert entries.PhoneNumbers().view({'id': 7, 'mode': None}) == {'id': 7, 'phone_number': None, 'mode': 'pstn'}


def test_a_field_left_unset_is_not_compared_and_a_set_one_is():
    numbers = entries.PhoneNumbers()
    current = {'id': 1, 'phone_number': NUMBER_A, 'mode': 'flow'}
    assert not numbers.differs(current, {'phone_number': NUMBER_A, 'mode': None})
    assert not numbers.differs(current, {'phone_number': NUMBER_A, 'mode': 'flow'})
    assert numbers.differs(current, {'phone_number': NUMBER_A, 'mode': 'pstn'})


def test_check_mode_predicts_a_new_entry_with_defaults_and_the_desired_fields():
    destinations = entries.Destinations()
    desired = {'destination': 'Sip.Example.com:5061;transport=tls', 'priority': None, 'weight': 3}
    assert destinations.predict(desired) == {
        'id': None, 'destination': 'sip:sip.example.com:5061;transport=tls', 'priority': 0, 'weight': 3}
    assert entries.WhitelistedIps().predict({'ip': '44.248.146.0', 'mask': 24}) == {
        'id': None, 'ip': '44.248.146.0', 'mask': 24}
    assert entries.TrunkSettings().predict({'name': 'n', 'value': 'v'}) == {'name': 'n', 'value': 'v'}


def test_check_mode_predicts_an_update_from_the_current_view():
    destinations = entries.Destinations()
    current = {'id': 9, 'destination': 'sip:a.example.com:5061;transport=tls', 'priority': 4, 'weight': 2}
    predicted = destinations.predict({'destination': 'a.example.com:5061;transport=tls', 'priority': None, 'weight': 6},
                                     current)
    assert predicted == {'id': 9, 'destination': 'sip:a.example.com:5061;transport=tls', 'priority': 4, 'weight': 6}
    assert current['weight'] == 2


def test_the_diff_view_leaves_out_only_the_api_id():
    view = {'id': 4, 'phone_number': NUMBER_A, 'mode': 'pstn'}
    assert entries.PhoneNumbers().diff_view(view, {'phone_number': NUMBER_A, 'mode': 'pstn'}) == {
        'phone_number': NUMBER_A, 'mode': 'pstn'}


def test_a_destination_is_keyed_by_its_canonical_form():
    destinations = entries.Destinations()
    key = destinations.key({'destination': 'SIP:Sip.Example.com:5061;transport=TLS'})
    assert key == 'sip.example.com:5061;transport=tls'


# ------------------------------------------------------------------------------------------- parsing

def test_the_list_option_wins_over_the_single_options():
    numbers = entries.PhoneNumbers({'numbers': [NUMBER_B], 'phone_number': NUMBER_A, 'mode': 'flow'})
    assert numbers.desired_entries() == [{'phone_number': NUMBER_B, 'mode': 'flow'}]
    assert numbers.single is False


def test_the_single_options_name_one_entry():
    numbers = entries.PhoneNumbers({'phone_number': NUMBER_A, 'mode': 'flow'})
    assert numbers.desired_entries() == [{'phone_number': NUMBER_A, 'mode': 'flow'}]
    assert numbers.single is True
    unmanaged = entries.PhoneNumbers({'phone_number': NUMBER_A}).desired_entries()
    assert unmanaged == [{'phone_number': NUMBER_A, 'mode': None}]


@pytest.mark.parametrize('entry_type, options, message, option', [
    (entries.PhoneNumbers, {'purge': True, 'phone_number': NUMBER_A},
     'purge requires the list form numbers (purge makes that list exclusive; numbers: [] with purge removes every '
     'entry)',
     'purge'),
    (entries.PhoneNumbers, {}, 'phone_number or numbers is required', 'phone_number'),
    (entries.WhitelistedIps, {}, 'ip or entries is required', 'ip'),
    (entries.WhitelistedIps, {'mask': 24, 'entries': ['44.248.146.0']},
     'mask can only be used with ip (in entries, give each entry its own mask)', 'mask'),
    (entries.Destinations, {}, 'destination or destinations is required', 'destination'),
    (entries.Destinations, {'port': 5060}, 'destination or destinations is required', 'destination'),
    (entries.Destinations, {'destination': 'a.example.com:5061;transport=tls', 'port': 5060},
     'port can only be used with host', 'port'),
    (entries.TrunkSettings, {'settings': ['trunk_external_alias']},
     'settings must be a dictionary of setting name to value', 'settings'),
    (entries.TrunkSettings, {'settings': {'trunk_external_alias': 5}},
     'settings.trunk_external_alias must be a string (got 5)', 'settings.trunk_external_alias'),
    (entries.TrunkSettings, {'name': 'trunk_external_alias'}, 'value is required with name when state=present',
     'value'),
    (entries.TrunkSettings, {'settings': {'caller_id': None}, 'state': 'absent'},
     "settings names an unknown setting; known settings: trunk_external_alias (got 'caller_id')", 'settings'),
    (entries.DigestCredentials, {'purge': True, 'user_name': 'bot'},
     'purge requires the list form credentials (purge makes that list exclusive; credentials: [] with purge removes '
     'every entry)', 'purge'),
])
def test_options_naming_no_valid_entry_are_refused_with_the_option_and_the_rule(entry_type, options, message, option):
    assert validation_error(entry_type(options).desired_entries) == (message, option)


def test_a_host_destination_defaults_to_tls_and_a_destination_keeps_its_transport():
    built = entries.Destinations({'host': 'sip.example.com', 'priority': 2}).desired_entries()
    assert built == [{'destination': 'sip.example.com:5061;transport=tls', 'priority': 2, 'weight': None}]
    tcp = entries.Destinations({'host': 'sip.example.com', 'port': 5080, 'transport': 'tcp'}).desired_entries()
    assert tcp == [{'destination': 'sip.example.com:5080;transport=tcp', 'priority': None, 'weight': None}]
    given = entries.Destinations({'destination': 'SIP:sip.example.com:5060;transport=tcp', 'weight': 4})
    given = given.desired_entries()
    assert given == [{'destination': 'sip.example.com:5060;transport=tcp', 'priority': None, 'weight': 4}]
    assert entries.Destinations({'host': 'h'}).single_option == 'host'
    assert entries.Destinations({'destination': 'h'}).single_option == 'destination'


def test_settings_parse_a_dictionary_in_name_order():
    settings = entries.TrunkSettings({'settings': {'trunk_external_alias': NUMBER_A}})
    assert settings.desired_entries() == [{'name': 'trunk_external_alias', 'value': NUMBER_A}]
    assert settings.single is False


def test_settings_to_remove_need_no_value():
    absent = entries.TrunkSettings({'settings': {'trunk_external_alias': 'anything'}, 'state': 'absent'})
    assert absent.desired_entries() == [{'name': 'trunk_external_alias', 'value': None}]
    one = entries.TrunkSettings({'name': 'trunk_external_alias', 'value': 'x', 'state': 'absent'})
    assert one.desired_entries() == [{'name': 'trunk_external_alias', 'value': None}]
    present = entries.TrunkSettings({'name': 'trunk_external_alias', 'value': NUMBER_A})
    assert present.desired_entries() == [{'name': 'trunk_external_alias', 'value': NUMBER_A}]


def test_a_setting_value_is_validated_under_the_option_that_gave_it():
    settings = entries.TrunkSettings({'name': 'trunk_external_alias', 'value': '123'})
    assert validation_error(settings.desired_entries)[1] == 'value'
    unknown = entries.TrunkSettings({'name': 'caller_id', 'value': NUMBER_A})
    assert validation_error(unknown.desired_entries) == (
        "value names an unknown setting; known settings: trunk_external_alias (got 'caller_id')", 'value')


def test_a_malformed_destination_is_refused_under_the_destination_option():
    message, option = validation_error(entries.Destinations({'destination': 'sip.example.com'}).desired_entries)
    assert option == 'destination' and message.startswith('destination must look like host:port;transport=tls')


def test_a_credential_from_the_single_options():
    credentials = entries.DigestCredentials({'user_name': 'bot', 'password': 'Pw_1', 'friendly_name': 'Bot'})
    assert credentials.desired_entries() == [{'user_name': 'bot', 'password': 'Pw_1', 'friendly_name': 'Bot'}]


def test_an_acl_entry_from_the_single_options():
    assert entries.WhitelistedIps({'ip': '44.248.146.0', 'mask': 24}).desired_entries() == [
        {'ip': '44.248.146.0', 'mask': 24}]
    assert entries.WhitelistedIps({'ip': '44.248.146.11'}).desired_entries() == [{'ip': '44.248.146.11', 'mask': 32}]


# ------------------------------------------------------------------------------------------- refusals

@pytest.mark.parametrize('error, refused', [
    (ExotelError('bad', http_status=400), True),
    (ExotelError('bad', http_status=422), True),
    (ExotelError('bad', http_status=200, api_status=400), True),
    (ExotelDuplicateError('dup', http_status=409), True),
    (ExotelError('bad', http_status=401), False),
    (ExotelError('bad', http_status=404), False),
    (ExotelError('bad', http_status=423), False),
    (ExotelError('bad', http_status=500), False),
    (ValueError('not an API error'), False),
])
def test_which_errors_refuse_one_entry(error, refused):
    assert entries.entry_refused(error) is refused


def test_an_error_summary_falls_back_to_the_message():
    assert entries.error_summary(ExotelError('the message', api_code=1002, description='the description')) == {
        'api_code': 1002, 'description': 'the description'}
    assert entries.error_summary(ExotelError('the message', api_code=1002)) == {
        'api_code': 1002, 'description': 'the message'}


def test_creates_go_on_past_a_refused_entry():
    refused = ExotelError('refused', http_status=400, api_code=1002, description='not an ExoPhone')

    def map_number(trunk_sid, number, mode):
        if number == NUMBER_A:
            raise refused
        return ({'id': 2, 'phone_number': number, 'mode': mode}, True)
    api = Api(map_phone_number=map_number)
    numbers = entries.PhoneNumbers()
    wanted = [{'phone_number': NUMBER_A, 'mode': None}, {'phone_number': NUMBER_B, 'mode': 'flow'}]
    assert numbers.create_entries(api, 'tr1', wanted) == [
        (wanted[0], None, {'api_code': 1002, 'description': 'not an ExoPhone'}),
        (wanted[1], {'id': 2, 'phone_number': NUMBER_B, 'mode': 'flow'}, None)]
    assert api.calls == [('map_phone_number', 'tr1', NUMBER_A, None), ('map_phone_number', 'tr1', NUMBER_B, 'flow')]


def test_a_not_found_create_refuses_the_entry_only_when_the_trunk_is_still_there():
    not_found = ExotelNotFoundError('nf', http_status=404, api_code=1000, description='Not Found')
    there = Api(map_phone_number=not_found, get_trunk={'trunk_sid': 'tr1'})
    wanted = [{'phone_number': NUMBER_A, 'mode': None}]
    assert entries.PhoneNumbers().create_entries(there, 'tr1', wanted) == [
        (wanted[0], None, {'api_code': 1000, 'description': 'Not Found'})]
    assert there.calls == [('map_phone_number', 'tr1', NUMBER_A, None), ('get_trunk', 'tr1')]
    gone = Api(map_phone_number=not_found, get_trunk=None)
    with pytest.raises(ExotelNotFoundError):
        entries.PhoneNumbers().create_entries(gone, 'tr1', wanted + [{'phone_number': NUMBER_B, 'mode': None}])
    assert gone.calls == [('map_phone_number', 'tr1', NUMBER_A, None), ('get_trunk', 'tr1')]


def test_an_error_that_dooms_every_request_stops_the_creates_without_reading_the_trunk():
    api = Api(map_phone_number=ExotelError('auth', http_status=401))
    with pytest.raises(ExotelError):
        entries.PhoneNumbers().create_entries(api, 'tr1', [{'phone_number': NUMBER_A, 'mode': None},
                                                           {'phone_number': NUMBER_B, 'mode': None}])
    assert api.calls == [('map_phone_number', 'tr1', NUMBER_A, None)]


# ------------------------------------------------------------------------------------------- writes

def test_number_writes_call_the_client_with_the_mapping():
    api = Api(update_phone_number_mode={'id': 5, 'phone_number': NUMBER_A, 'mode': 'flow'}, list_phone_numbers=[])
    numbers = entries.PhoneNumbers()
    current = {'id': 5, 'phone_number': NUMBER_A, 'mode': 'pstn'}
    assert numbers.update_entry(api, 'tr1', current, {'phone_number': NUMBER_A, 'mode': 'flow'})['mode'] == 'flow'
    numbers.delete_entry(api, 'tr1', current)
    assert numbers.read(api, 'tr1') == []
    assert api.calls == [('update_phone_number_mode', 'tr1', 5, NUMBER_A, 'flow'), ('unmap_phone_number', 'tr1', 5),
                         ('list_phone_numbers', 'tr1')]


def test_acl_writes_call_the_client_with_ip_and_mask():
    api = Api(add_whitelisted_ip=({'id': 6, 'ip': '44.248.146.0', 'mask': 24}, True), list_whitelisted_ips=[])
    acl = entries.WhitelistedIps()
    assert acl.create_entries(api, 'tr1', [{'ip': '44.248.146.0', 'mask': 24}]) == [
        ({'ip': '44.248.146.0', 'mask': 24}, {'id': 6, 'ip': '44.248.146.0', 'mask': 24}, None)]
    acl.delete_entry(api, 'tr1', {'id': 6, 'ip': '44.248.146.0', 'mask': 24})
    assert acl.read(api, 'tr1') == []
    assert api.calls == [('add_whitelisted_ip', 'tr1', '44.248.146.0', 24), ('delete_whitelisted_ip', 'tr1', 6),
                         ('list_whitelisted_ips', 'tr1')]


def test_destinations_are_created_in_one_batch_with_one_answer_each():
    answers = [ItemResult('a.example.com:5061;transport=tls', True, data={'id': 1, 'destination': 'sip:a'}),
               ItemResult('b.example.com:5061;transport=tls', False, error={'api_code': 1002, 'description': 'bad'})]
    api = Api(add_destinations=answers, list_destinations=[])
    wanted = [{'destination': 'a.example.com:5061;transport=tls'}, {'destination': 'b.example.com:5061;transport=tls'}]
    destinations = entries.Destinations()
    assert destinations.create_entries(api, 'tr1', wanted) == [
        (wanted[0], {'id': 1, 'destination': 'sip:a'}, None),
        (wanted[1], None, {'api_code': 1002, 'description': 'bad'})]
    assert api.calls[0][:3] == ('add_destinations', 'tr1', [entry['destination'] for entry in wanted])
    assert api.calls[0][3]('SIP:A.example.com') == 'a.example.com'
    assert destinations.read(api, 'tr1') == []


def test_a_destination_update_sends_both_fields_keeping_the_unmanaged_one():
    api = Api(update_destination={'id': 9})
    destinations = entries.Destinations()
    current = {'id': 9, 'destination': 'sip:a.example.com:5061;transport=tls', 'priority': 4, 'weight': 2}
    destinations.update_entry(api, 'tr1', current, {'destination': 'a.example.com:5061;transport=tls',
                                                    'priority': None, 'weight': 6})
    destinations.update_entry(api, 'tr1', current, {'destination': 'a.example.com:5061;transport=tls',
                                                    'priority': 1, 'weight': None})
    destinations.delete_entry(api, 'tr1', current)
    assert api.calls == [('update_destination', 'tr1', 9, {'priority': 4, 'weight': 6}),
                         ('update_destination', 'tr1', 9, {'priority': 1, 'weight': 2}),
                         ('delete_destination', 'tr1', 9)]


def test_settings_are_set_in_one_request_and_an_answer_without_data_is_the_request_item():
    answers = [ItemResult({'name': 'b_setting', 'value': 'y'}, False, error={'api_code': 1002, 'description': 'no'}),
               ItemResult({'name': 'a_setting', 'value': 'x'}, True)]
    api = Api(set_settings=answers, replace_setting={'name': 'a_setting', 'value': 'z'}, list_settings=[])
    settings = entries.TrunkSettings()
    wanted = [{'name': 'a_setting', 'value': 'x'}, {'name': 'b_setting', 'value': 'y'}]
    assert settings.create_entries(api, 'tr1', wanted) == [
        (wanted[0], {'name': 'a_setting', 'value': 'x'}, None),
        (wanted[1], None, {'api_code': 1002, 'description': 'no'})]
    current = {'name': 'a_setting', 'value': 'x'}
    updated = settings.update_entry(api, 'tr1', current, {'name': 'a_setting', 'value': 'z'})
    assert updated == {'name': 'a_setting', 'value': 'z'}
    settings.delete_entry(api, 'tr1', {'name': 'a_setting', 'value': 'z'})
    assert settings.read(api, 'tr1') == []
    assert api.calls == [('set_settings', 'tr1', {'a_setting': 'x', 'b_setting': 'y'}),
                         ('replace_setting', 'tr1', 'a_setting', 'z'), ('delete_setting', 'tr1', 'a_setting'),
                         ('list_settings', 'tr1')]


def test_a_setting_answer_with_data_is_read_from_the_data():
    api = Api(set_settings=[ItemResult({'name': 'a', 'value': 'x'}, True, data={'name': 'a', 'value': 'X'})])
    assert entries.TrunkSettings().create_entries(api, 'tr1', [{'name': 'a', 'value': 'x'}])[0][1] == {
        'name': 'a', 'value': 'X'}


@pytest.mark.parametrize('update_password, desired, fields', [
    ('on_create', {'user_name': 'bot', 'password': 'Pw_2', 'friendly_name': 'Bot'}, {'friendly_name': 'Bot'}),
    ('always', {'user_name': 'bot', 'password': 'Pw_2', 'friendly_name': None}, {'password': 'Pw_2'}),
    ('always', {'user_name': 'bot', 'password': None, 'friendly_name': 'Bot'}, {'friendly_name': 'Bot'}),
    ('always', {'user_name': 'bot', 'password': 'Pw_2', 'friendly_name': 'Bot'},
     {'friendly_name': 'Bot', 'password': 'Pw_2'}),
])
def test_a_credential_update_sends_the_password_only_when_always(update_password, desired, fields):
    api = Api(update_credential={'id': 3})
    entries.DigestCredentials({'update_password': update_password}).update_entry(api, 'tr1', {'id': 3}, desired)
    assert api.calls == [('update_credential', 'tr1', 3, fields)]


def test_credential_create_and_delete_call_the_client():
    api = Api(create_credential=({'id': 3, 'user_name': 'bot'}, True), list_credentials=[])
    credentials = entries.DigestCredentials()
    assert credentials.create_entry(api, 'tr1', {'user_name': 'bot', 'password': 'Pw_1', 'friendly_name': 'B'}) == {
        'id': 3, 'user_name': 'bot'}
    credentials.delete_entry(api, 'tr1', {'id': 3})
    assert credentials.read(api, 'tr1') == []
    assert api.calls == [('create_credential', 'tr1', 'bot', 'Pw_1', 'B'), ('delete_credential', 'tr1', 3),
                         ('list_credentials', 'tr1')]


@pytest.mark.parametrize('update_password, password, differs, shown', [
    ('always', 'Pw_2', True, {'user_name': 'bot', 'friendly_name': 'Bot', 'password': '<changed; value hidden>'}),
    ('always', None, False, {'user_name': 'bot', 'friendly_name': 'Bot'}),
    ('on_create', 'Pw_2', False, {'user_name': 'bot', 'friendly_name': 'Bot'}),
])
def test_a_password_sent_always_is_a_change_shown_hidden(update_password, password, differs, shown):
    credentials = entries.DigestCredentials({'update_password': update_password})
    current = {'id': 3, 'user_name': 'bot', 'friendly_name': 'Bot'}
    desired = {'user_name': 'bot', 'password': password, 'friendly_name': 'Bot'}
    assert credentials.differs(current, desired) is differs
    assert credentials.diff_view(current, desired) == shown
    assert credentials.diff_view(current) == {'user_name': 'bot', 'friendly_name': 'Bot'}


# ------------------------------------------------------------------------------------------- reviews

def plan_of(add=(), update=(), replace=(), remove=()):
    plan = Plan()
    plan.add, plan.update, plan.replace, plan.remove = list(add), list(update), list(replace), list(remove)
    return plan


def test_the_base_review_has_nothing_to_say():
    plan = plan_of(add=[{'phone_number': NUMBER_A, 'mode': None}])
    api = Api()
    assert entries.PhoneNumbers().review(plan, api, 'tr1', False, {}) == [] and plan.vetoes == [] and api.calls == []


def test_the_acl_review_warns_about_added_and_replaced_addresses_that_can_never_match():
    plan = plan_of(add=[{'ip': '10.0.0.5', 'mask': 32}, {'ip': '44.248.146.11', 'mask': 32}],
                   replace=[({'id': 1, 'ip': '192.168.1.0', 'mask': 32}, {'ip': '192.168.1.0', 'mask': 24})])
    warnings = entries.WhitelistedIps().review(plan, Api(), 'tr1', False, {})
    assert [warning.split(' ', 1)[0] for warning in warnings] == ['10.0.0.5/32', '192.168.1.0/24']
    assert warnings[0].startswith('10.0.0.5/32 is a private address (RFC 1918): ')
    assert plan.vetoes == []


def test_a_destination_review_without_ip_destinations_reads_nothing():
    api = Api()
    plan = plan_of(add=[{'destination': 'sip.example.com:5061;transport=tls'}])
    assert entries.Destinations().review(plan, api, 'tr1', False, {}) == [] and api.calls == [] and plan.vetoes == []


def test_a_destination_review_reads_the_acl_and_vetoes_addresses_outside_it():
    api = Api(list_whitelisted_ips=[{'id': 1, 'ip': '44.248.146.0', 'mask': '24'}])
    plan = plan_of(add=[{'destination': '52.66.10.20:5061;transport=tls'},
                        {'destination': '44.248.146.11:5061;transport=tls'},
                        {'destination': '3.7.1.1:5060;transport=tcp'},
                        {'destination': '52.66.10.20:5060;transport=udp'}])
    assert entries.Destinations().review(plan, api, 'tr1', False, {}) == []
    assert api.calls == [('list_whitelisted_ips', 'tr1')]
    assert [(veto.option, str(veto)) for veto in plan.vetoes] == [(
        'destination', 'destination uses an IP that is not whitelisted on the trunk: add 3.7.1.1, 52.66.10.20 with '
        'exotel.sip_trunking.exotel_trunk_acl first (the API refuses IP destinations outside the ACL; FQDNs need '
        'none)')]


def test_a_destination_review_in_check_mode_only_warns():
    plan = plan_of(add=[{'destination': '52.66.10.20:5061;transport=tls'},
                        {'destination': '3.7.1.1:5061;transport=tls'}])
    warnings = entries.Destinations().review(plan, Api(list_whitelisted_ips=[]), 'tr1', True, {})
    assert warnings == ['3.7.1.1, 52.66.10.20 not whitelisted on the trunk yet; outside check mode this fails unless '
                        'an earlier task adds it with exotel.sip_trunking.exotel_trunk_acl.']
    assert plan.vetoes == []


def test_a_destination_review_uses_the_acl_planned_in_the_same_task():
    api = Api()
    plan = plan_of(add=[{'destination': '52.66.10.20:5061;transport=tls'}])
    known = {'whitelisted_ips': [{'id': None, 'ip': '52.66.10.0', 'mask': 24}]}
    assert entries.Destinations().review(plan, api, 'tr1', False, known) == [] and plan.vetoes == [] and api.calls == []
    planned_empty = plan_of(add=[{'destination': '52.66.10.20:5061;transport=tls'}])
    entries.Destinations().review(planned_empty, api, 'tr1', False, {'whitelisted_ips': []})
    assert api.calls == [] and len(planned_empty.vetoes) == 1


def test_an_ip_destination_only_updated_needs_no_acl_read():
    api = Api()
    current = {'id': 1, 'destination': 'sip:52.66.10.20:5061;transport=tls', 'priority': 0, 'weight': 1}
    plan = plan_of(update=[(current, {'destination': '52.66.10.20:5061;transport=tls', 'priority': 2, 'weight': None})])
    assert entries.Destinations().review(plan, api, 'tr1', False, {}) == [] and api.calls == []


def test_a_settings_review_warns_about_an_alias_that_is_not_a_mapped_number():
    api = Api(list_phone_numbers=[{'id': 1, 'phone_number': NUMBER_A}])
    added = plan_of(add=[{'name': 'trunk_external_alias', 'value': NUMBER_B}])
    assert entries.TrunkSettings().review(added, api, 'tr1', False, {}) == [
        'trunk_external_alias %s is not a number mapped to this trunk; calls may be refused or show another caller ID. '
        'Map it with exotel_trunk_number.' % NUMBER_B]
    assert api.calls == [('list_phone_numbers', 'tr1')]
    updated = plan_of(update=[({'name': 'trunk_external_alias', 'value': NUMBER_B},
                               {'name': 'trunk_external_alias', 'value': NUMBER_A})])
    assert entries.TrunkSettings().review(updated, api, 'tr1', False, {}) == []


def test_a_settings_review_reads_no_numbers_without_an_alias_change_or_when_the_task_plans_them():
    api = Api()
    assert entries.TrunkSettings().review(plan_of(add=[{'name': 'other', 'value': 'x'}]), api, 'tr1', False, {}) == []
    planned = plan_of(add=[{'name': 'trunk_external_alias', 'value': NUMBER_A}])
    known = {'numbers': [{'id': None, 'phone_number': NUMBER_A, 'mode': 'pstn'}]}
    assert entries.TrunkSettings().review(planned, api, 'tr1', False, known) == []
    assert len(entries.TrunkSettings().review(planned, api, 'tr1', False, {'numbers': []})) == 1
    assert api.calls == []


def test_a_credentials_review_vetoes_a_new_user_without_password_and_a_user_without_id():
    plan = plan_of(add=[{'user_name': 'new1', 'password': None}, {'user_name': 'ok', 'password': 'Pw_1'},
                        {'user_name': 'new2', 'password': None}],
                   update=[({'id': None, 'user_name': 'old2'}, {'user_name': 'old2'}),
                           ({'id': 4, 'user_name': 'x'}, {})],
                   remove=[{'id': None, 'user_name': 'old1'}, {'id': 5, 'user_name': 'y'}])
    assert entries.DigestCredentials().review(plan, Api(), 'tr1', False, {}) == []
    assert [(veto.option, str(veto)) for veto in plan.vetoes] == [
        ('password', 'password is required to create the digest user(s) new1, new2'),
        ('credentials', 'credentials cannot change or remove the digest user(s) old1, old2: the API lists them without '
                        'an id (its older credentials shape), and a DELETE or PUT needs one; change them in the Exotel '
                        'dashboard')]


def test_a_credentials_review_of_a_clean_plan_vetoes_nothing():
    plan = plan_of(add=[{'user_name': 'ok', 'password': 'Pw_1'}], remove=[{'id': 5, 'user_name': 'y'}])
    assert entries.DigestCredentials().review(plan, Api(), 'tr1', False, {}) == [] and plan.vetoes == []


# ------------------------------------------------------------------------------------------- info

def test_a_trunk_record_leaves_out_the_sub_resource_links():
    trunk = {'trunk_sid': 't', 'trunk_name': 'n', 'phone_numbers': '/x', 'whitelisted_ips': '/y',
             'destination_uris': '/z', 'credentials': '/w', 'domain_name': 'd'}
    assert entries.trunk_record(trunk) == {'trunk_sid': 't', 'trunk_name': 'n', 'domain_name': 'd'}


def test_gathered_entries_are_views_sorted_by_identity():
    api = Api(list_phone_numbers=[{'id': 2, 'phone_number': NUMBER_A, 'mode': None},
                                  {'id': 1, 'phone_number': NUMBER_B, 'mode': 'flow'}],
              list_whitelisted_ips=[{'id': 3, 'ip': '52.66.10.0', 'mask': 28},
                                    {'id': 4, 'ip': '3.7.1.1', 'mask': None}])
    assert entries.gather_entries(api, 'tr1', ['numbers', 'acl']) == {
        'numbers': [{'id': 1, 'phone_number': NUMBER_B, 'mode': 'flow'},
                    {'id': 2, 'phone_number': NUMBER_A, 'mode': 'pstn'}],
        'whitelisted_ips': [{'id': 4, 'ip': '3.7.1.1', 'mask': 32}, {'id': 3, 'ip': '52.66.10.0', 'mask': 28}]}
    assert api.calls == [('list_phone_numbers', 'tr1'), ('list_whitelisted_ips', 'tr1')]
    assert sorted(entries.GATHERABLE) == ['acl', 'credentials', 'destinations', 'numbers', 'settings']

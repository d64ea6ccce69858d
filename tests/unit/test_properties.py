"""Property-based tests (hypothesis) of every validator and normaliser of _validation.py and the entry types.

Properties:

* normalising is idempotent, and generated E.164 numbers, IPv4 addresses and CIDRs, destinations and
  credential strings round-trip unchanged;
* equivalent forms compare equal: ``a.b.c.d`` / ``a.b.c.d/32`` / ``mask: 32``, ``sip:`` / ``SIP:`` /
  none, host and transport case, ``mode: null`` / ``pstn``;
* whatever a validator accepts, the simulator accepts (its strict profile, the harsher reading of the
  API documents, in this process), and the API then holds the canonical form;
* whatever a validator refuses fails the module before any request, with a message that names the
  option (and never shows a refused password).

Examples are drawn deterministically (the ``exotel`` profile of tests/conftest.py); the properties
that talk to the simulator draw fewer of them so the file stays a few seconds.
"""

import ipaddress
import string

import pytest
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _validation as v
from ansible_collections.exotel.sip_trunking.plugins.module_utils._client import ExotelClient
from ansible_collections.exotel.sip_trunking.plugins.module_utils._entries import (
    Destinations, DigestCredentials, PhoneNumbers, WhitelistedIps)
from conftest import ACCOUNT_SID, API_KEY, API_TOKEN, start_simulator
from _modrun import run_module

DIGITS = string.digits
TOKEN_CHARS = string.ascii_letters + string.digits + '_'
# Names that never resolve publicly (RFC 2606 / 6761 / 6762 / 7686 / 8375): the API refuses them as
# destinations, and no local validator can know whether a name resolves [destination-resolves].
RESERVED_TLDS = {'example', 'invalid', 'test', 'localhost', 'local', 'onion', 'arpa'}

# ---------------------------------------------------------------------------- strategies

e164_numbers = st.builds(lambda first, rest: '+' + first + rest, st.sampled_from('123456789'),
                         st.text(DIGITS, min_size=7, max_size=14))
# Near misses too: a leading 0, too short or long, no '+', spaces and letters.
number_candidates = st.one_of(e164_numbers, st.builds(lambda d: '+' + d, st.text(DIGITS, min_size=5, max_size=17)),
                              st.text('+0123456789 -a', max_size=18))
ipv4_addresses = st.ip_addresses(v=4)
# Public by the IANA special-purpose registry (RFC 6890): not this Python's is_global alone, whose
# tables differ between releases (3.11 takes 192.0.0.8 for global).
SPECIAL_PURPOSE = tuple(ipaddress.ip_network(net) for net in ('192.0.0.0/24', '198.18.0.0/15'))
public_ipv4 = ipv4_addresses.filter(lambda address: address.is_global and not address.is_multicast
                                    and not any(address in net for net in SPECIAL_PURPOSE))
# Candidates for the agreement property: any global address, special-purpose ones included.
public_ipv4_candidates = st.one_of(public_ipv4, st.sampled_from(['192.0.0.8', '192.0.0.9', '198.18.0.1'])
                                   .map(ipaddress.ip_address))
masks = st.integers(min_value=v.MASK_MIN, max_value=32)
labels = st.from_regex(r'[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?', fullmatch=True)
top_level_labels = st.from_regex(r'[a-z]{2,6}', fullmatch=True).filter(lambda tld: tld not in RESERVED_TLDS)
fqdns = st.builds(lambda names, tld: '.'.join(names + [tld]), st.lists(labels, min_size=1, max_size=3), top_level_labels)
# Candidates for the agreement property: one-letter and digit-bearing top-level labels too.
fqdn_candidates = st.builds(lambda names, tld: '.'.join(names + [tld]), st.lists(labels, min_size=1, max_size=3),
                            st.from_regex(r'[a-z0-9]{1,6}', fullmatch=True).filter(lambda tld: tld not in RESERVED_TLDS))
ports = st.integers(min_value=1, max_value=65535)
transports = st.sampled_from(v.TRANSPORTS)
tokens = st.text(TOKEN_CHARS, min_size=1, max_size=40)
friendly_names = st.text(TOKEN_CHARS, min_size=1, max_size=v.FRIENDLY_NAME_MAX)
user_names = st.text(TOKEN_CHARS + '.@-', min_size=1, max_size=64)
trunk_names = st.text(TOKEN_CHARS, min_size=1, max_size=16)
# Text with at least one character the API refuses in a password or friendly name.
bad_tokens = st.builds(lambda a, bad, b: a + bad + b, st.text(TOKEN_CHARS, max_size=8),
                       st.characters(blacklist_characters=TOKEN_CHARS, blacklist_categories=('Cs',)),
                       st.text(TOKEN_CHARS, max_size=8))


@st.composite
def mixed_case(draw, text):
    return ''.join(char.upper() if draw(st.booleans()) else char for char in text)


@st.composite
def destination_hosts(draw):
    return str(draw(public_ipv4)) if draw(st.booleans()) else draw(fqdns)


def accepted(validator, *args):
    """The validator's answer, or None when it refuses."""
    try:
        return validator(*args)
    except v.ValidationError:
        return None


# ---------------------------------------------------------------------------- round trips, idempotence

@given(e164_numbers)
def test_e164_numbers_round_trip(number):
    assert v.normalize_phone_number(number) == number
    assert v.normalize_phone_number(v.normalize_phone_number(number)) == number
    assert v.parse_number_entry(number, 'numbers[0]') == v.parse_number_entry({'phone_number': number}, 'numbers[0]')
    assert v.validate_setting('trunk_external_alias', number) == number


@given(number_candidates)
def test_a_number_is_accepted_exactly_when_it_is_e164(text):
    expected = len(text) in range(9, 17) and text[0] == '+' and text[1:].isdigit() and text[1] != '0' \
        and text[1:].isascii()
    assert (accepted(v.normalize_phone_number, text) == text) is expected
    if not expected:
        with pytest.raises(v.ValidationError) as error:
            v.normalize_phone_number(text, 'numbers[3]')
        assert str(error.value).startswith('numbers[3] ' + v.E164_RULE)


@given(ipv4_addresses)
def test_ipv4_addresses_round_trip(address):
    text = str(address)
    assert v.normalize_ipv4(text) == text
    assert v.is_ipv4_literal(text)


@given(st.ip_addresses(v=6))
def test_ipv6_is_refused(address):
    with pytest.raises(v.ValidationError, match='IPv4 address; the Exotel API does not accept IPv6'):
        v.normalize_ipv4(str(address))
    assert not v.is_ipv4_literal(str(address))


@given(ipv4_addresses, masks)
def test_cidr_and_explicit_mask_are_one_entry(address, mask):
    ip = str(address)
    entry = (ip, mask)
    assert v.normalize_acl_entry('%s/%d' % entry) == entry
    assert v.normalize_acl_entry(ip, mask) == entry
    assert v.normalize_acl_entry('%s/%d' % entry, mask) == entry
    assert v.normalize_acl_entry(*v.normalize_acl_entry(ip, mask)) == entry          # idempotent
    forms = ['%s/%d' % entry, {'ip': ip, 'mask': mask}, {'ip': '%s/%d' % entry}]
    if mask == 32:
        forms += [ip, {'ip': ip}]
    views = set(tuple(sorted(v.parse_acl_entry(form, 'entries[0]').items())) for form in forms)
    assert views == {(('ip', ip), ('mask', mask))}
    # The API's row of that entry (mask as an integer or a numeric string) is the same view.
    for api_mask in (mask, str(mask)):
        view = WhitelistedIps().view({'id': '1', 'ip': ip, 'mask': api_mask})
        assert not WhitelistedIps().differs(view, {'ip': ip, 'mask': mask})


@given(ipv4_addresses, st.integers(min_value=-5, max_value=64).filter(lambda mask: not v.MASK_MIN <= mask <= 32))
def test_masks_outside_16_to_32_are_refused(address, mask):
    for args in (('%s/%d' % (address, mask),), (str(address), mask)):
        if args[0].endswith('/-%d' % abs(mask)):
            continue
        with pytest.raises(v.ValidationError, match='from 16 to 32'):
            v.normalize_acl_entry(*args)


@given(ipv4_addresses, masks, masks.filter(lambda mask: mask != 32))
def test_a_cidr_suffix_that_disagrees_with_the_mask_is_refused(address, suffix, mask):
    assume(suffix != mask)
    with pytest.raises(v.ValidationError) as error:
        v.normalize_acl_entry('%s/%d' % (address, suffix), mask)
    assert error.value.option == 'mask' and 'conflicts with the /%d suffix' % suffix in str(error.value)


@given(destination_hosts(), ports, transports, st.data())
def test_destination_spellings_compare_equal(host, port, transport, data):
    canonical = v.build_destination(host, port, transport)
    assert canonical == '%s:%d;transport=%s' % (host.lower(), port, transport)
    scheme = data.draw(st.sampled_from(['', 'sip:', 'SIP:', 'Sip:']))
    spelled = '%s%s:%d;transport=%s' % (scheme, data.draw(mixed_case(host)), port, data.draw(mixed_case(transport)))
    assert v.normalize_destination(spelled) == canonical
    assert v.normalize_destination(canonical) == canonical                       # idempotent
    assert v.build_destination(data.draw(mixed_case(host)), port, transport) == canonical
    # Desired entries and the API's rows ("sip:" added, its own case) share one key.
    destinations = Destinations()
    desired = v.parse_destination_entry(spelled, 'destinations[0]')
    row = destinations.view({'id': '7', 'destination': 'sip:' + data.draw(mixed_case(canonical)), 'priority': '0',
                             'weight': 1})
    assert destinations.key(desired) == destinations.key(row) == v.destination_key('sip:' + canonical) == canonical
    assert row == {'id': '7', 'destination': 'sip:' + canonical, 'priority': 0, 'weight': 1}
    assert not destinations.differs(row, desired)
    assert destinations.predict(desired) == dict(row, id=None)


@given(destination_hosts(), transports)
def test_a_destination_without_a_port_gets_its_transport_default(host, transport):
    default = {'tls': 5061, 'tcp': 5060}[transport]
    assert v.build_destination(host, None, transport) == v.build_destination(host, default, transport)
    assert v.parse_destination_entry({'host': host, 'transport': transport}, 'd') == \
        v.parse_destination_entry('%s:%d;transport=%s' % (host, default, transport), 'd')


@given(e164_numbers, st.sampled_from([None, 'pstn']))
def test_mode_null_and_pstn_are_one_mode(number, stored):
    numbers = PhoneNumbers()
    view = numbers.view({'id': '1', 'phone_number': number, 'mode': stored})
    assert view['mode'] == 'pstn' and v.effective_mode(stored) == 'pstn'
    assert not numbers.differs(view, {'phone_number': number, 'mode': 'pstn'})
    assert not numbers.differs(view, {'phone_number': number, 'mode': None})         # not managed
    assert numbers.differs(view, {'phone_number': number, 'mode': 'flow'})
    for mode in (None, 'pstn', 'flow'):
        assert v.normalize_mode(mode) == mode
    assert v.parse_number_entry(number, 'numbers[0]', 'flow') == {'phone_number': number, 'mode': 'flow'}


@given(st.text(max_size=8).filter(lambda text: text not in v.PHONE_MODES))
def test_only_lower_case_modes(text):
    with pytest.raises(v.ValidationError, match='must be one of pstn, flow'):
        v.normalize_mode(text)


@given(tokens, friendly_names, user_names)
def test_credential_strings_round_trip(password, friendly_name, user_name):
    assert v.validate_credential_password(password) == password
    assert v.validate_friendly_name(friendly_name) == friendly_name
    assert v.validate_user_name(user_name) == user_name
    entry = v.parse_credential_entry({'user_name': user_name, 'password': password, 'friendly_name': friendly_name}, 'c')
    assert entry == {'user_name': user_name, 'password': password, 'friendly_name': friendly_name}
    view = DigestCredentials().view({'id': '5', 'user_name': user_name, 'friendly_name': friendly_name})
    assert not DigestCredentials().differs(view, entry)
    assert DigestCredentials({'update_password': 'always'}).differs(view, entry)


@given(bad_tokens)
def test_a_refused_password_is_never_shown(password):
    with pytest.raises(v.ValidationError) as error:
        v.parse_credential_entry({'user_name': 'bot', 'password': password}, 'credentials[0]')
    assert error.value.option == 'credentials[0].password'
    assert password not in str(error.value) and repr(password) not in str(error.value)


@given(st.one_of(bad_tokens, st.text(TOKEN_CHARS, min_size=v.FRIENDLY_NAME_MAX + 1, max_size=50)))
def test_friendly_names_outside_the_rule_are_refused(name):
    with pytest.raises(v.ValidationError, match='must be 1 to 32 letters, digits or underscores'):
        v.validate_friendly_name(name)


@given(trunk_names)
def test_trunk_names_round_trip(name):
    assert v.validate_trunk_name(name) == name


@given(st.text(max_size=20).filter(lambda text: not (0 < len(text) <= 16 and all(c in TOKEN_CHARS for c in text))))
def test_other_trunk_names_are_refused(name):
    with pytest.raises(v.ValidationError, match='must be 1 to 16 characters of letters, digits and underscores'):
        v.validate_trunk_name(name)


@given(fqdns, st.data())
def test_domain_names_need_the_pstn_suffix(name, data):
    domain = data.draw(mixed_case(name + v.DOMAIN_SUFFIX))
    assert v.validate_domain_name(domain) == domain
    with pytest.raises(v.ValidationError, match='must end with .pstn.exotel.com'):
        v.validate_domain_name(name)


# ---------------------------------------------------------------------------- the API agrees

@pytest.fixture(scope='module')
def strict_api():
    simulator = start_simulator(profile='strict', rate_limit=0)
    try:
        yield simulator
    finally:
        simulator.stop()


def fresh_client(simulator):
    simulator.reset()
    return ExotelClient(ACCOUNT_SID, API_KEY, API_TOKEN, simulator.url, rate_limit=0, max_retries=0,
                        trunk_cache='off', pacer='process')


@st.composite
def accepted_inputs(draw):
    """One value of every kind, each drawn from candidates and kept only when its validator accepts it."""
    name = draw(st.one_of(trunk_names, st.text(TOKEN_CHARS + '-', min_size=1, max_size=17)))
    assume(accepted(v.validate_trunk_name, name))
    number = draw(number_candidates)
    assume(accepted(v.normalize_phone_number, number))
    ip, mask = str(draw(public_ipv4_candidates)), draw(st.integers(min_value=12, max_value=34))
    acl = accepted(v.normalize_acl_entry, ip, mask)
    assume(acl)
    destination = draw(st.one_of(
        st.builds(lambda host, port, transport: '%s:%d;transport=%s' % (host, port, transport), fqdn_candidates, ports,
                  transports),
        st.builds(lambda port, transport: '%s:%d;transport=%s' % (ip, port, transport), ports, transports)))
    canonical = accepted(v.normalize_destination, draw(st.sampled_from(['', 'sip:', 'SIP:'])) + destination)
    assume(canonical)
    credential = accepted(v.parse_credential_entry, {
        'user_name': draw(user_names), 'password': draw(tokens),
        'friendly_name': draw(st.one_of(st.none(), friendly_names))}, 'c')
    assume(credential)
    return name, number, acl, canonical, credential


# Candidates include near misses, which the validators refuse and the property then skips.
@settings(max_examples=min(20, settings.default.max_examples), suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(accepted_inputs())
@example(('a', '+10000000', ('44.0.0.0', 16), 'a.bc:1;transport=tcp', {'user_name': '.', 'password': '_', 'friendly_name': None}))
def test_what_the_validators_accept_the_api_accepts(strict_api, inputs):
    name, number, (ip, mask), destination, credential = inputs
    client = fresh_client(strict_api)
    trunk, created = client.create_trunk(name, v.validate_nso_code('ANY-ANY'),
                                         v.validate_domain_name('%s.pstn.exotel.com' % ACCOUNT_SID))
    sid = trunk['trunk_sid']
    assert created and client.map_phone_number(sid, number)[1]
    assert client.add_whitelisted_ip(sid, ip, mask)[1]
    answer, = client.add_destinations(sid, [destination], v.destination_key)
    assert answer.ok, answer.to_dict()
    assert client.create_credential(sid, **credential)[1]
    setting, = client.set_settings(sid, {'trunk_external_alias': number})
    assert setting.ok, setting.to_dict()
    state = strict_api.dump_state()
    assert [t['trunk_name'] for t in state['trunks']] == [name]
    assert [(n['phone_number'], n['mode']) for n in state['phone_numbers']] == [(number, None)]
    assert [(a['ip'], a['mask']) for a in state['whitelisted_ips']] == [(ip, mask)]
    assert [d['destination'] for d in state['destination_uris']] == ['sip:' + destination]
    assert [(c['user_name'], c['friendly_name']) for c in state['credentials']] == [
        (credential['user_name'], credential['friendly_name'])]
    assert strict_api.check_password(state['credentials'][0]['id'], credential['password'])
    assert [s['value'] for s in state['settings']] == [number]


@st.composite
def refused_inputs(draw):
    """A task of exotel_trunk with one value that its validator refuses, and the option it names."""
    kind = draw(st.sampled_from(['name', 'number', 'acl', 'destination', 'password', 'friendly_name', 'alias']))
    if kind == 'name':
        name = draw(st.text(min_size=0, max_size=20))
        assume(not accepted(v.validate_trunk_name, name))
        return {'name': name}, 'name'
    task = {'name': 'refused'}
    if kind in ('number', 'alias'):
        number = draw(number_candidates)
        assume(not accepted(v.normalize_phone_number, number))
        if kind == 'number':
            return dict(task, numbers=['+919876543210', number]), 'numbers[1]'
        return dict(task, settings={'trunk_external_alias': number}), 'settings.trunk_external_alias'
    if kind == 'acl':
        entry = draw(st.one_of(st.builds('{}/{}'.format, ipv4_addresses, st.integers(min_value=0, max_value=40)),
                               st.text('0123456789./', max_size=18)))
        assume(not accepted(v.parse_acl_entry, entry, 'whitelisted_ips[0]'))
        return dict(task, whitelisted_ips=[entry]), 'whitelisted_ips[0]'
    if kind == 'destination':
        entry = draw(st.one_of(
            st.builds('{}:{};transport={}'.format, st.one_of(fqdns, st.text(max_size=12), ipv4_addresses),
                      st.integers(min_value=-1, max_value=70000), st.sampled_from(['tls', 'tcp', 'udp', 'TLS', ''])),
            st.text(max_size=30)))
        assume(not accepted(v.normalize_destination, entry))
        return dict(task, destinations=[entry]), 'destinations[0]'
    if kind == 'password':
        password = draw(bad_tokens)
        return dict(task, credentials=[{'user_name': 'bot', 'password': password}]), 'credentials[0].password'
    friendly = draw(st.one_of(bad_tokens, st.text(TOKEN_CHARS, min_size=33, max_size=40)))
    return dict(task, credentials=[{'user_name': 'bot', 'password': 'Pw_1', 'friendly_name': friendly}]), \
        'credentials[0].friendly_name'


@settings(max_examples=min(30, settings.default.max_examples))
@given(refused_inputs())
def test_what_the_validators_refuse_fails_before_any_request(strict_api, refused):
    task, option = refused
    strict_api.reset()
    result = run_module(strict_api, 'exotel_trunk', **task)
    assert result['failed'] is True, result
    # The option named is the entry's, or one of its fields (destinations[0].port).
    named = result.get('option', '')
    assert named == option or named.startswith(option + '.'), result
    assert result['msg'].startswith(named + ' '), result
    assert strict_api.requests() == []
    for credential in task.get('credentials', []):
        assert repr(credential['password']) not in result['msg']


@given(public_ipv4, masks)
def test_an_ip_lies_in_its_own_network(address, mask):
    network = ipaddress.ip_network('%s/%d' % (address, mask), strict=False)
    assert v.ip_in_acl(str(address), [(str(network.network_address), mask)])
    assert v.ip_in_acl(str(network.broadcast_address), [(str(address), mask)])
    if mask < 32:
        outside = network.broadcast_address + 1 if network.broadcast_address < ipaddress.ip_address('255.255.255.255') \
            else network.network_address - 1
        assert not v.ip_in_acl(str(outside), [(str(address), mask)])

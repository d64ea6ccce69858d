"""Every rule of _validation.py with the exact message, option and value a user sees when it refuses.

tests/unit/test_validation.py shows which inputs each validator accepts and refuses; this file pins
what the refusal says: the option (or list label such as ``destinations[1].port``) it names, the
rule text, and the rejected value as shown (repr, cut at 80 characters, never a password). It also
pins the boundaries of every range (masks 16-32, ports 1-65535, host names of 253 characters,
friendly names of 32), the defaults that fill a missing port, mode or mask, and which reason the
destination and ACL checks give for each kind of non-public address.
"""

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _validation as v

E164 = "must be in E.164 format: '+' followed by 8 to 15 digits, the first not 0, e.g. +919876543210"
HOST_RULE = 'must be a public IPv4 address or a fully qualified domain name'
BARE_HOST = 'must be a bare IPv4 address or FQDN without spaces, ports or parameters'
DESTINATION_SHAPE = ('must look like host:port;transport=tls or host:port;transport=tcp '
                     '(optionally prefixed with sip:)')
PORT_RULE = 'must be an integer from 1 to 65535'
TRANSPORT_RULE = 'must be tls or tcp (the API does not accept udp)'
MASK_RULE = 'must be an integer from 16 to 32'
WIDE_MASK = ('must be an integer from 16 to 32: the API refuses networks wider than /16 '
             '("mask should be in-between 16 and 32")')
NEVER_MATCHES = (': Exotel matches the public source address of your PBX as it reaches the internet, so this '
                 'ACL entry can never match a call; whitelist the public (NAT) address instead')


def refusal(call, *args, **kwargs):
    """The ValidationError ``call`` raises, for its message and fields."""
    with pytest.raises(v.ValidationError) as err:
        call(*args, **kwargs)
    return err.value


# ---------------------------------------------------------------- the error itself

def test_an_error_names_the_option_and_the_rule_and_shows_the_value():
    err = v.ValidationError('numbers[0]', 'is wrong', 'x')
    assert (err.option, err.rule, str(err)) == ('numbers[0]', 'is wrong', "numbers[0] is wrong (got 'x')")
    assert isinstance(err, ValueError)


def test_an_error_without_a_value_shows_none():
    assert str(v.ValidationError('password', 'is wrong')) == 'password is wrong'


def test_a_rejected_value_of_80_characters_is_shown_whole():
    err = refusal(v.validate_trunk_name, 'a' * 78)
    assert str(err).endswith("(got '%s')" % ('a' * 78))


def test_a_longer_rejected_value_is_cut_to_80_characters():
    err = refusal(v.validate_trunk_name, 'a' * 79)
    assert str(err).endswith("(got '%s...)" % ('a' * 76))


def test_control_characters_of_a_rejected_value_are_escaped():
    err = refusal(v.normalize_phone_number, '+91\r\nX')
    assert str(err) == "phone_number %s (got '+91\\r\\nX')" % E164


@pytest.mark.parametrize('call, value, expected', [
    (v.validate_trunk_name, 12, 'name must be a string, not int (got 12)'),
    (v.validate_domain_name, None, 'domain_name must be a string, not NoneType'),
    (v.validate_api_url, 1.5, 'api_url must be a string, not float (got 1.5)'),
    (v.normalize_phone_number, 919876543210, 'phone_number must be a string, not int (got 919876543210)'),
    (v.normalize_ipv4, ['1.2.3.4'], "ip must be a string, not list (got ['1.2.3.4'])"),
    (v.normalize_destination, b'x', "destination must be a string, not bytes (got b'x')"),
    (v.validate_user_name, None, 'user_name must be a string, not NoneType'),
    (v.validate_friendly_name, 7, 'friendly_name must be a string, not int (got 7)'),
])
def test_a_value_that_is_not_a_string_is_refused_with_its_type(call, value, expected):
    assert str(refusal(call, value)) == expected


# ---------------------------------------------------------------- names, codes, URLs, numbers, modes

def test_a_bad_trunk_name_names_the_rule():
    err = refusal(v.validate_trunk_name, 'my-trunk!')
    assert str(err) == "name must be 1 to 16 characters of letters, digits and underscores (got 'my-trunk!')"
    assert err.option == 'name'


def test_a_bad_nso_code_names_the_only_code():
    assert str(refusal(v.validate_nso_code, 'any any')) == (
        "nso_code must be ANY-ANY, the only code the API accepts (got 'any any')")


def test_a_domain_outside_the_pstn_suffix_quotes_the_api():
    assert str(refusal(v.validate_domain_name, 'voice.example.com')) == (
        'domain_name must end with .pstn.exotel.com, e.g. <account_sid>.pstn.exotel.com (the API refuses other '
        'domains: "Domain name should end with .pstn.exotel.com") (got \'voice.example.com\')')


def test_a_domain_that_is_no_host_name_says_so():
    assert str(refusal(v.validate_domain_name, 'not a domain')) == "domain_name %s (got 'not a domain')" % HOST_RULE


def test_the_pstn_suffix_is_matched_in_any_case_and_the_name_kept_as_given():
    assert v.validate_domain_name('ExoTest.PSTN.Exotel.COM') == 'ExoTest.PSTN.Exotel.COM'


@pytest.mark.parametrize('domain', ['PSTN.EXOTEL.COM', 'pstn.exotel.com'])
def test_the_bare_suffix_is_no_domain(domain):
    assert refusal(v.validate_domain_name, domain).option == 'domain_name'


@pytest.mark.parametrize('url', ['https://api.exotel.com#top', 'https://api.exotel.com/?a=1', 'https:///v1',
                                 'https://user@api.exotel.com', 'HTTPS-x://api.exotel.com'])
def test_an_api_url_with_more_than_a_base_is_refused_with_the_rule(url):
    assert str(refusal(v.validate_api_url, url)) == (
        'api_url must be a base URL such as https://api.in.exotel.com (https://, or http:// for a local test endpoint '
        'such as the simulator; no credentials, query or fragment) (got %r)' % url)


@pytest.mark.parametrize('url, expected', [
    ('https://api.exotel.com//', 'https://api.exotel.com'),
    ('http://127.0.0.1:8080/v1/', 'http://127.0.0.1:8080/v1'),
    ('http://127.0.0.1:8080/X/', 'http://127.0.0.1:8080/X'),
])
def test_an_api_url_loses_its_trailing_slashes_only(url, expected):
    assert v.validate_api_url(url) == expected


def test_a_bad_number_names_the_e164_rule():
    err = refusal(v.normalize_phone_number, '9876543210')
    assert str(err) == "phone_number %s (got '9876543210')" % E164
    assert err.rule == E164


def test_a_bad_mode_names_both_modes():
    assert str(refusal(v.normalize_mode, 'PSTN')) == "mode must be one of pstn, flow (lower case) (got 'PSTN')"


@pytest.mark.parametrize('api_mode, expected', [('', 'pstn'), (None, 'pstn'), ('pstn', 'pstn'), ('flow', 'flow')])
def test_an_empty_or_missing_api_mode_routes_as_pstn(api_mode, expected):
    assert v.effective_mode(api_mode) == expected


# ---------------------------------------------------------------- IPv4 addresses, masks, ACL entries

def test_a_bad_address_names_the_ipv4_rule():
    assert str(refusal(v.normalize_ipv4, '256.1.2.3')) == (
        "ip must be a valid IPv4 address (four numbers 0-255) (got '256.1.2.3')")


def test_an_ipv6_address_is_refused_as_ipv6():
    assert str(refusal(v.normalize_ipv4, '2001:db8::1')) == (
        "ip must be an IPv4 address; the Exotel API does not accept IPv6 (got '2001:db8::1')")


def test_an_ipv4_address_comes_back_as_text():
    assert v.normalize_ipv4('44.248.146.11') == '44.248.146.11'


@pytest.mark.parametrize('mask', [16, 24, 32])
def test_masks_16_to_32_are_kept(mask):
    assert v.normalize_mask(mask) == mask


@pytest.mark.parametrize('mask, expected', [
    ('24', "mask must be an integer from 16 to 32 (not a quoted string) (got '24')"),
    (True, 'mask must be an integer from 16 to 32 (not a quoted string) (got True)'),
    (24.0, 'mask must be an integer from 16 to 32 (not a quoted string) (got 24.0)'),
    (None, 'mask must be an integer from 16 to 32 (not a quoted string)'),
    (1, 'mask %s (got 1)' % WIDE_MASK),
    (15, 'mask %s (got 15)' % WIDE_MASK),
    (0, 'mask %s (got 0)' % MASK_RULE),
    (-1, 'mask %s (got -1)' % MASK_RULE),
    (33, 'mask %s (got 33)' % MASK_RULE),
])
def test_a_refused_mask_says_why(mask, expected):
    assert str(refusal(v.normalize_mask, mask)) == expected


def test_an_acl_address_without_a_mask_is_one_host():
    assert v.normalize_acl_entry('44.248.146.11') == ('44.248.146.11', 32)


@pytest.mark.parametrize('ip, mask, expected', [
    ('203.0.113.5/x', None, "ip must be an IPv4 address or CIDR a.b.c.d/n with n from 16 to 32 (got '203.0.113.5/x')"),
    ('203.0.113.5/', None, "ip must be an IPv4 address or CIDR a.b.c.d/n with n from 16 to 32 (got '203.0.113.5/')"),
    ('203.0.113.5/24/32', None,
     "ip must be an IPv4 address or CIDR a.b.c.d/n with n from 16 to 32 (got '203.0.113.5/24/32')"),
    ('203.0.113.5/33', None, 'ip %s (got 33)' % MASK_RULE),
    ('203.0.113.5/8', None, 'ip %s (got 8)' % WIDE_MASK),
    ('203.0.113.0/24', 16, "mask conflicts with the /24 suffix of ip 203.0.113.0/24 (got 16)"),
    ('203.0.113.0/24', 8, 'mask %s (got 8)' % WIDE_MASK),
    ('203.0.113.0/24', '24', "mask must be an integer from 16 to 32 (not a quoted string) (got '24')"),
    ('203.0.113/24', None, "ip must be a valid IPv4 address (four numbers 0-255) (got '203.0.113')"),
    ('203.0.113.5', 33, 'mask %s (got 33)' % MASK_RULE),
])
def test_a_refused_acl_entry_names_the_option_at_fault(ip, mask, expected):
    assert str(refusal(v.normalize_acl_entry, ip, mask)) == expected


def test_an_acl_entry_names_the_options_it_is_given():
    err = refusal(v.normalize_acl_entry, '203.0.113.0/24', 16, 'acl[2].ip', 'acl[2].mask')
    assert str(err) == 'acl[2].mask conflicts with the /24 suffix of acl[2].ip 203.0.113.0/24 (got 16)'
    assert refusal(v.normalize_acl_entry, '203.0.113.0', 8, 'acl[2].ip', 'acl[2].mask').option == 'acl[2].mask'
    assert refusal(v.normalize_acl_entry, '203.0.113.0/8', None, 'acl[2].ip', 'acl[2].mask').option == 'acl[2].ip'
    assert refusal(v.normalize_acl_entry, '203.0.113.0/24', 8, 'acl[2].ip', 'acl[2].mask').option == 'acl[2].mask'
    assert str(refusal(v.normalize_acl_entry, '203.0.113/24', None, 'acl[2].ip', 'acl[2].mask')) == (
        "acl[2].ip must be a valid IPv4 address (four numbers 0-255) (got '203.0.113')")
    assert str(refusal(v.normalize_acl_entry, 203, None, 'acl[2].ip', 'acl[2].mask')) == (
        'acl[2].ip must be a string, not int (got 203)')


def test_an_ip_is_in_an_acl_network_given_by_any_of_its_addresses():
    assert v.ip_in_acl('44.248.146.200', [('44.248.146.11', 24)])
    assert not v.ip_in_acl('44.248.147.1', [('44.248.146.11', 24)])
    assert not v.ip_in_acl('44.248.146.1', [])


# ---------------------------------------------------------------- non-public addresses

DOCUMENTATION = "is a documentation address (RFC 5737), which the API refuses; use your server's real public IP"
PRIVATE = 'is a private/loopback address, which the API refuses; use a publicly routable IP or an FQDN'
NOT_ROUTABLE = 'is not a routable unicast address'


@pytest.mark.parametrize('ip, expected', [
    ('192.0.2.1', DOCUMENTATION),
    ('198.51.100.7', DOCUMENTATION),
    ('203.0.113.250', DOCUMENTATION),
    ('10.1.2.3', PRIVATE),
    ('192.168.0.1', PRIVATE),
    ('127.0.0.1', PRIVATE),
    ('169.254.10.1', PRIVATE),
    ('224.0.0.1', NOT_ROUTABLE),
    ('239.255.255.250', NOT_ROUTABLE),
    ('192.0.0.8', NOT_ROUTABLE),
    ('192.0.0.9', NOT_ROUTABLE),
    ('192.0.0.1', NOT_ROUTABLE),
    ('198.18.0.1', NOT_ROUTABLE),
    ('0.0.0.0', NOT_ROUTABLE),
    ('0.1.2.3', NOT_ROUTABLE),
    ('240.0.0.1', NOT_ROUTABLE),
    ('255.255.255.255', NOT_ROUTABLE),
    ('172.31.255.254', PRIVATE),
    ('44.248.146.11', None),
    ('8.8.8.8', None),
    ('100.64.0.1', None),
])
def test_why_the_api_would_refuse_a_destination_address(ip, expected):
    assert v.public_ipv4_problem(ip) == expected


@pytest.mark.parametrize('ip, what', [
    ('203.0.113.7', 'a documentation address (RFC 5737)'),
    ('192.0.2.200', 'a documentation address (RFC 5737)'),
    ('127.0.0.1', 'a loopback address'),
    ('169.254.1.1', 'a link-local address'),
    ('100.64.0.1', 'a carrier-grade NAT address (RFC 6598)'),
    ('100.127.255.254', 'a carrier-grade NAT address (RFC 6598)'),
    ('10.0.0.1', 'a private address (RFC 1918)'),
    ('172.16.5.4', 'a private address (RFC 1918)'),
    ('224.0.0.1', 'not a unicast public address'),
    ('192.0.0.8', 'not a unicast public address'),
    ('0.0.0.0', 'not a unicast public address'),
    ('0.1.2.3', 'not a unicast public address'),
    ('240.0.0.1', 'not a unicast public address'),
    ('192.168.200.1', 'a private address (RFC 1918)'),
])
def test_why_an_acl_entry_can_never_match_a_call(ip, what):
    assert v.never_matching_source_problem(ip) == 'is %s%s' % (what, NEVER_MATCHES)


@pytest.mark.parametrize('ip', ['44.248.146.11', '8.8.8.8', '100.128.0.1'])
def test_a_public_acl_entry_can_match(ip):
    assert v.never_matching_source_problem(ip) is None


@pytest.mark.parametrize('host, expected', [
    ('44.248.146.11', True), ('2001:db8::1', False), ('sip.example.com', False), ('1.2.3', False)])
def test_only_ipv4_addresses_are_ipv4_literals(host, expected):
    assert v.is_ipv4_literal(host) is expected


# ---------------------------------------------------------------- host names, ports, transports

def long_host(length):
    """A host name of exactly ``length`` characters, labels of at most 63."""
    head = ('a' * 63 + '.') * 3
    return head + 'b' * (length - len(head) - 4) + '.com'


def test_a_host_name_of_253_characters_is_accepted():
    host = long_host(253)
    assert v.build_destination(host) == '%s:5061;transport=tls' % host


def test_a_host_name_of_254_characters_is_refused():
    err = refusal(v.build_destination, long_host(254))
    assert (err.option, err.rule) == ('host', HOST_RULE)


@pytest.mark.parametrize('host', ['example.com', 'sip.example.io', 'a-b.example.com'])
def test_host_names_of_two_or_more_labels_are_accepted(host):
    assert v.build_destination(host, 5060, 'tcp') == '%s:5060;transport=tcp' % host


@pytest.mark.parametrize('host', ['localhost', 'sip..example.com', '-sip.example.com', 'sip-.example.com',
                                  'sip.example.c0m', 'sip.example.x', 'sip.' + 'a' * 64 + '.com'])
def test_other_host_names_are_refused_as_not_fully_qualified(host):
    assert str(refusal(v.build_destination, host)) == 'host %s (got %r)' % (HOST_RULE, host)


@pytest.mark.parametrize('host', ['SIP.Example.COM', 'SIP.EXAMPLE.COM'])
def test_a_host_name_is_lower_cased(host):
    assert v.build_destination(host) == 'sip.example.com:5061;transport=tls'


def test_a_destination_host_that_is_not_a_string_is_refused_with_its_type():
    assert str(refusal(v.build_destination, 5060, option='destinations[0].host')) == (
        'destinations[0].host must be a string, not int (got 5060)')


@pytest.mark.parametrize('port', [1, 65535])
def test_ports_1_and_65535_are_accepted(port):
    assert v.validate_port(port) == port


@pytest.mark.parametrize('port, shown', [(0, '0'), (65536, '65536'), (-5, '-5'), (True, 'True'), ('5060', "'5060'"),
                                         (5060.0, '5060.0')])
def test_other_ports_are_refused_with_the_range(port, shown):
    assert str(refusal(v.validate_port, port)) == 'port %s (got %s)' % (PORT_RULE, shown)


def test_udp_is_refused_as_a_transport():
    assert str(refusal(v.validate_transport, 'udp')) == "transport %s (got 'udp')" % TRANSPORT_RULE


# ---------------------------------------------------------------- destinations

@pytest.mark.parametrize('option, port_option, transport_option', [
    ('host', 'port', 'transport'),
    ('destinations[2].host', 'destinations[2].port', 'destinations[2].transport'),
    ('destinations[2]', 'destinations[2].port', 'destinations[2].transport'),
    ('destination', 'destination port', 'destination transport'),
])
def test_a_destination_names_the_port_and_transport_that_go_with_its_host(option, port_option, transport_option):
    assert str(refusal(v.build_destination, 'sip.example.com', 0, 'tls', option)) == (
        '%s %s (got 0)' % (port_option, PORT_RULE))
    assert str(refusal(v.build_destination, 'sip.example.com', 5060, 'udp', option)) == (
        "%s %s (got 'udp')" % (transport_option, TRANSPORT_RULE))


@pytest.mark.parametrize('host', ['sip example.com', 'sip.example.com\t', 'sip.example.com:5060',
                                  'sip.example.com;lr', 'sip.example.com/x', 'user@sip.example.com'])
def test_a_destination_host_with_spaces_ports_or_parameters_is_refused(host):
    assert str(refusal(v.build_destination, host)) == 'host %s (got %r)' % (BARE_HOST, host)


@pytest.mark.parametrize('host', ['1.2.3', '044.248.146.11', '1.2.3.4.5', '300.1.1.1'])
def test_a_numeric_host_that_is_no_ipv4_address_is_refused_as_ipv4(host):
    assert str(refusal(v.build_destination, host)) == (
        'host must be a valid IPv4 address (four numbers 0-255) (got %r)' % host)


@pytest.mark.parametrize('host, problem', [('10.0.0.1', PRIVATE), ('203.0.113.9', DOCUMENTATION),
                                           ('224.0.0.1', NOT_ROUTABLE)])
def test_a_non_public_destination_address_is_refused_with_the_reason(host, problem):
    assert str(refusal(v.build_destination, host, option='destinations[0].host')) == (
        'destinations[0].host %s (got %r)' % (problem, host))


def test_a_public_destination_address_gets_the_default_port_of_its_transport():
    assert v.build_destination('44.248.146.11') == '44.248.146.11:5061;transport=tls'
    assert v.build_destination('44.248.146.11', None, 'tcp') == '44.248.146.11:5060;transport=tcp'


@pytest.mark.parametrize('value, expected', [
    ('sip:sip.example.com:5061;transport=tls', 'sip.example.com:5061;transport=tls'),
    ('SIP:sip.example.com:5061;transport=TLS', 'sip.example.com:5061;transport=tls'),
    ('Sip:44.248.146.11:05060;transport=Tcp', '44.248.146.11:5060;transport=tcp'),
    ('sip.example.com:5061;transport=tls', 'sip.example.com:5061;transport=tls'),
])
def test_a_destination_uri_is_made_canonical(value, expected):
    assert v.normalize_destination(value) == expected


@pytest.mark.parametrize('value', ['sips:sip.example.com:5061;transport=tls', 'sip.example.com;transport=tls',
                                   'sip.example.com:123456;transport=tls', 'sip:sip:x.com:5061;transport=tls', ''])
def test_a_destination_of_another_shape_is_refused_with_the_shape(value):
    assert str(refusal(v.normalize_destination, value)) == 'destination %s (got %r)' % (DESTINATION_SHAPE, value)


def test_a_destination_over_udp_is_refused_for_its_transport():
    assert str(refusal(v.normalize_destination, 'sip:sip.example.com:5060;transport=UDP')) == (
        "destination transport must be tls or tcp (the API does not accept udp) "
        "(got 'sip:sip.example.com:5060;transport=UDP')")


def test_a_destination_port_out_of_range_names_the_port():
    assert str(refusal(v.normalize_destination, 'sip.example.com:0;transport=tls')) == (
        'destination port %s (got 0)' % PORT_RULE)
    assert str(refusal(v.normalize_destination, 'sip.example.com:0;transport=tls', 'destinations[1]')) == (
        'destinations[1].port %s (got 0)' % PORT_RULE)


def test_a_destination_host_problem_names_the_destination():
    assert str(refusal(v.normalize_destination, '10.0.0.1:5061;transport=tls')) == (
        "destination %s (got '10.0.0.1')" % PRIVATE)


@pytest.mark.parametrize('api_destination, expected', [
    ('sip:Sip.Example.com:5061;transport=TLS', 'sip.example.com:5061;transport=tls'),
    ('SIP:44.248.146.11:5060;transport=tcp', '44.248.146.11:5060;transport=tcp'),
    ('sip.example.com:5061;transport=tls', 'sip.example.com:5061;transport=tls'),
    (None, ''),
    ('', ''),
])
def test_an_api_destination_compares_without_its_sip_prefix_and_case(api_destination, expected):
    assert v.destination_key(api_destination) == expected


def test_the_host_of_a_canonical_destination():
    assert v.destination_host('sip.example.com:5061;transport=tls') == 'sip.example.com'
    assert v.destination_host('44.248.146.11:5060;transport=tcp') == '44.248.146.11'


# ---------------------------------------------------------------- credentials

def test_a_password_of_the_wrong_type_is_refused_without_showing_it():
    assert str(refusal(v.validate_credential_password, 1234)) == 'password must be a string, not int'


@pytest.mark.parametrize('password', ['p@ss word', '', 'secret!'])
def test_a_password_outside_the_charset_is_refused_without_showing_it(password):
    assert str(refusal(v.validate_credential_password, password)) == (
        'password may contain only letters, digits and underscores (the API rejects other characters)')


def test_friendly_names_of_up_to_32_characters_are_kept():
    assert v.validate_friendly_name('x' * 32) == 'x' * 32


@pytest.mark.parametrize('name', ['x' * 33, 'has-dash', ''])
def test_other_friendly_names_are_refused_with_the_rule(name):
    assert str(refusal(v.validate_friendly_name, name)) == (
        'friendly_name must be 1 to 32 letters, digits or underscores (got %r)' % name)


def test_a_bad_user_name_names_the_characters_allowed():
    assert str(refusal(v.validate_user_name, 'a b')) == (
        "user_name must be 1 to 64 characters of letters, digits, and _ . @ - (got 'a b')")
    assert v.validate_user_name('pbx.user-1@site_a') == 'pbx.user-1@site_a'


# ---------------------------------------------------------------- list entries

def test_unknown_keys_are_listed_sorted_with_the_allowed_ones():
    assert str(refusal(v.reject_unknown_keys, {'ip': 1, 'zone': 2, 'comment': 3}, 'acl[0]', ('ip', 'mask'))) == (
        'acl[0] has unknown keys comment, zone; allowed: ip, mask')
    assert str(refusal(v.reject_unknown_keys, {'x': 1}, 'item', ('a',), 'a or b')) == (
        'item has unknown keys x; allowed: a or b')


def test_known_keys_pass():
    assert v.reject_unknown_keys({'ip': 1}, 'acl[0]', ('ip', 'mask')) is None


def phone(entry):
    return entry['phone_number']


def test_a_list_option_must_be_a_list():
    assert str(refusal(v.parse_list, 'x', 'numbers', v.parse_number_entry, phone)) == 'numbers must be a list, not str'
    assert str(refusal(v.parse_list, None, 'numbers', v.parse_number_entry, phone)) == (
        'numbers must be a list, not NoneType')


def test_each_list_entry_is_parsed_under_its_index():
    assert v.parse_list(['+919876543210', '+919876543211'], 'numbers', v.parse_number_entry, phone) == [
        {'phone_number': '+919876543210', 'mode': None}, {'phone_number': '+919876543211', 'mode': None}]
    assert v.parse_list([], 'numbers', v.parse_number_entry, phone) == []
    assert str(refusal(v.parse_list, ['+919876543210', '123'], 'numbers', v.parse_number_entry, phone)) == (
        "numbers[1] %s (got '123')" % E164)


def test_a_repeated_list_entry_names_both_places():
    items = ['+919876543210', '+919876543211', '+919876543212', '+919876543211']
    err = refusal(v.parse_list, items, 'numbers', v.parse_number_entry, phone)
    assert str(err) == ("numbers[3] repeats an entry listed earlier (numbers[1]): the same entry is listed twice; "
                        "list it once (got '+919876543211')")
    assert err.option == 'numbers[3]'


@pytest.mark.parametrize('item, default_mode, expected', [
    ('+919876543210', None, {'phone_number': '+919876543210', 'mode': None}),
    ('+919876543210', 'flow', {'phone_number': '+919876543210', 'mode': 'flow'}),
    ({'phone_number': '+919876543210'}, 'flow', {'phone_number': '+919876543210', 'mode': 'flow'}),
    ({'phone_number': '+919876543210', 'mode': 'pstn'}, 'flow', {'phone_number': '+919876543210', 'mode': 'pstn'}),
    ({'phone_number': '+919876543210', 'mode': None}, 'flow', {'phone_number': '+919876543210', 'mode': None}),
])
def test_a_number_entry_takes_its_mode_or_the_default(item, default_mode, expected):
    assert v.parse_number_entry(item, 'numbers[0]', default_mode) == expected


@pytest.mark.parametrize('item, default_mode, expected', [
    ('123', None, "numbers[0] %s (got '123')" % E164),
    ('+919876543210', 'PSTN', "mode must be one of pstn, flow (lower case) (got 'PSTN')"),
    ({'phone_number': '123'}, None, "numbers[0].phone_number %s (got '123')" % E164),
    ({'phone_number': '+919876543210', 'mode': 'Flow'}, None,
     "numbers[0].mode must be one of pstn, flow (lower case) (got 'Flow')"),
    ({'mode': 'flow'}, None, 'numbers[0] needs a phone_number'),
    ({'number': '+919876543210'}, None, 'numbers[0] has unknown keys number; allowed: phone_number, mode'),
    (919876543210, None,
     'numbers[0] must be an E.164 string or a dictionary with phone_number and mode (got 919876543210)'),
])
def test_a_refused_number_entry_names_the_entry_or_its_field(item, default_mode, expected):
    assert str(refusal(v.parse_number_entry, item, 'numbers[0]', default_mode)) == expected


@pytest.mark.parametrize('item, expected', [
    ('44.248.146.0/24', {'ip': '44.248.146.0', 'mask': 24}),
    ('44.248.146.11', {'ip': '44.248.146.11', 'mask': 32}),
    ({'ip': '44.248.146.0', 'mask': 24}, {'ip': '44.248.146.0', 'mask': 24}),
    ({'ip': '44.248.146.0/16'}, {'ip': '44.248.146.0', 'mask': 16}),
    ({'ip': '44.248.146.11'}, {'ip': '44.248.146.11', 'mask': 32}),
])
def test_an_acl_entry_from_a_string_or_a_dictionary(item, expected):
    assert v.parse_acl_entry(item, 'acl[0]') == expected


@pytest.mark.parametrize('item, expected', [
    ('44.248.146.0/8', 'acl[0] %s (got 8)' % WIDE_MASK),
    ('44.248.146', "acl[0] must be a valid IPv4 address (four numbers 0-255) (got '44.248.146')"),
    ({'ip': '44.248.146'}, "acl[0].ip must be a valid IPv4 address (four numbers 0-255) (got '44.248.146')"),
    ({'ip': '44.248.146.0', 'mask': 33}, 'acl[0].mask %s (got 33)' % MASK_RULE),
    ({'ip': '44.248.146.0/24', 'mask': 16}, 'acl[0].mask conflicts with the /24 suffix of acl[0].ip 44.248.146.0/24 '
                                            '(got 16)'),
    ({'mask': 24}, 'acl[0] needs an ip'),
    ({'ip': '44.248.146.0', 'cidr': 24}, 'acl[0] has unknown keys cidr; allowed: ip, mask'),
    (['44.248.146.0'], "acl[0] must be an IPv4 string (address or CIDR) or a dictionary with ip and mask "
                       "(got ['44.248.146.0'])"),
])
def test_a_refused_acl_entry_names_the_entry_or_its_field(item, expected):
    assert str(refusal(v.parse_acl_entry, item, 'acl[0]')) == expected


@pytest.mark.parametrize('source, expected', [
    ({}, {'priority': None, 'weight': None}),
    ({'priority': 0, 'weight': 0}, {'priority': 0, 'weight': 0}),
    ({'priority': 3, 'weight': 10, 'host': 'x'}, {'priority': 3, 'weight': 10}),
])
def test_priority_and_weight_are_non_negative_integers_or_unmanaged(source, expected):
    assert v.parse_priority_and_weight(source) == expected


@pytest.mark.parametrize('source, label, expected', [
    ({'priority': -1}, None, 'priority must be a non-negative integer (got -1)'),
    ({'weight': True}, None, 'weight must be a non-negative integer (got True)'),
    ({'weight': '1'}, 'destinations[4]', "destinations[4].weight must be a non-negative integer (got '1')"),
    ({'priority': 1.0}, 'destinations[4]', 'destinations[4].priority must be a non-negative integer (got 1.0)'),
])
def test_a_refused_priority_or_weight_names_its_field(source, label, expected):
    assert str(refusal(v.parse_priority_and_weight, source, label)) == expected


@pytest.mark.parametrize('item, expected', [
    ('sip:sip.example.com:5061;transport=tls',
     {'destination': 'sip.example.com:5061;transport=tls', 'priority': None, 'weight': None}),
    ({'destination': 'SIP:Sip.Example.com:5060;transport=TCP', 'priority': 1},
     {'destination': 'sip.example.com:5060;transport=tcp', 'priority': 1, 'weight': None}),
    ({'host': 'sip.example.com'}, {'destination': 'sip.example.com:5061;transport=tls', 'priority': None,
                                   'weight': None}),
    ({'host': 'sip.example.com', 'transport': 'tcp', 'weight': 2},
     {'destination': 'sip.example.com:5060;transport=tcp', 'priority': None, 'weight': 2}),
    ({'host': '44.248.146.11', 'port': 5080, 'transport': 'tcp'},
     {'destination': '44.248.146.11:5080;transport=tcp', 'priority': None, 'weight': None}),
])
def test_a_destination_entry_from_a_uri_or_a_host(item, expected):
    assert v.parse_destination_entry(item, 'destinations[0]') == expected


@pytest.mark.parametrize('item, expected', [
    ('sip.example.com', "destinations[0] %s (got 'sip.example.com')" % DESTINATION_SHAPE),
    ({'destination': 'sip.example.com'}, "destinations[0].destination %s (got 'sip.example.com')" % DESTINATION_SHAPE),
    ({'destination': 'sip.example.com:5061;transport=tls', 'host': 'sip.example.com'},
     'destinations[0] needs exactly one of destination or host'),
    ({'priority': 1}, 'destinations[0] needs exactly one of destination or host'),
    ({'destination': 'sip.example.com:5061;transport=tls', 'port': 5060},
     'destinations[0] port and transport go with host, not with destination'),
    ({'destination': 'sip.example.com:5061;transport=tls', 'transport': 'tcp'},
     'destinations[0] port and transport go with host, not with destination'),
    ({'host': 'sip.example.com', 'port': 0}, 'destinations[0].port %s (got 0)' % PORT_RULE),
    ({'host': 'sip.example.com', 'transport': 'udp'}, "destinations[0].transport %s (got 'udp')" % TRANSPORT_RULE),
    ({'host': 'sip.example.com:5060'}, "destinations[0].host %s (got 'sip.example.com:5060')" % BARE_HOST),
    ({'host': 'sip.example.com', 'priority': -2}, 'destinations[0].priority must be a non-negative integer (got -2)'),
    ({'uri': 'x'}, 'destinations[0] has unknown keys uri; allowed: destination or host/port/transport, priority, '
                   'weight'),
    (5060, 'destinations[0] must be a destination string or a dictionary (got 5060)'),
])
def test_a_refused_destination_entry_names_the_entry_or_its_field(item, expected):
    assert str(refusal(v.parse_destination_entry, item, 'destinations[0]')) == expected


def test_a_credential_entry_keeps_its_fields():
    item = {'user_name': 'pbx1', 'password': 'Secret_1', 'friendly_name': 'office'}
    assert v.parse_credential_entry(item, 'credentials[0]') == item
    assert v.parse_credential_entry({'user_name': 'pbx1'}) == {'user_name': 'pbx1', 'password': None,
                                                               'friendly_name': None}


@pytest.mark.parametrize('item, label, expected', [
    ({'user_name': 'pbx1', 'password': 'bad pass'}, 'credentials[0]',
     'credentials[0].password may contain only letters, digits and underscores (the API rejects other characters)'),
    ({'user_name': 'pbx1', 'password': 'bad pass'}, None,
     'password may contain only letters, digits and underscores (the API rejects other characters)'),
    ({'user_name': 'a b'}, 'credentials[0]',
     "credentials[0].user_name must be 1 to 64 characters of letters, digits, and _ . @ - (got 'a b')"),
    ({'user_name': 'a b'}, None, "user_name must be 1 to 64 characters of letters, digits, and _ . @ - (got 'a b')"),
    ({'password': 'Secret_1'}, 'credentials[0]', 'credentials[0].user_name must be a string, not NoneType'),
    ({'user_name': 'pbx1', 'friendly_name': 'a-b'}, 'credentials[0]',
     "credentials[0].friendly_name must be 1 to 32 letters, digits or underscores (got 'a-b')"),
    ({'user_name': 'pbx1', 'friendly_name': 'a-b'}, None,
     "friendly_name must be 1 to 32 letters, digits or underscores (got 'a-b')"),
    ({'user_name': 'pbx1', 'secret': 'Secret_1'}, 'credentials[0]',
     'credentials[0] has unknown keys secret; allowed: user_name, password, friendly_name'),
    ('pbx1:Secret_1', 'credentials[0]',
     'credentials[0] must be a dictionary with user_name, password and friendly_name'),
])
def test_a_refused_credential_entry_names_its_field_and_never_shows_it(item, label, expected):
    assert str(refusal(v.parse_credential_entry, item, label)) == expected


# ---------------------------------------------------------------- trunk settings

def test_a_setting_value_is_validated_under_its_option():
    assert v.validate_setting('trunk_external_alias', '+919876543210') == '+919876543210'
    assert str(refusal(v.validate_setting, 'trunk_external_alias', '123')) == (
        "settings.trunk_external_alias %s (got '123')" % E164)
    assert str(refusal(v.validate_setting, 'trunk_external_alias', '123', 'name')) == "value %s (got '123')" % E164


def test_a_missing_setting_value_is_refused():
    assert str(refusal(v.validate_setting, 'trunk_external_alias', None)) == (
        'settings.trunk_external_alias must be set')
    assert str(refusal(v.validate_setting, 'trunk_external_alias', None, 'name')) == 'value must be set'


def test_an_unknown_setting_lists_every_known_one_sorted(monkeypatch):
    monkeypatch.setitem(v.SETTING_VALIDATORS, 'a_later_setting', v.validate_trunk_name)
    assert str(refusal(v.validate_setting, 'caller_id', '+919876543210')) == (
        "settings names an unknown setting; known settings: a_later_setting, trunk_external_alias (got 'caller_id')")


def test_an_unknown_setting_lists_the_known_ones():
    err = refusal(v.validate_setting, 'caller_id', '+919876543210')
    assert str(err) == "settings names an unknown setting; known settings: trunk_external_alias (got 'caller_id')"
    assert refusal(v.validate_setting, 'caller_id', '+919876543210', 'name').option == 'name'

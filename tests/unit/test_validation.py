"""Every normaliser and validator, including the rejected-input table of the API reference."""

import pytest

from ansible_collections.exotel.sip_trunking.plugins.module_utils import _validation as v


@pytest.mark.parametrize('name', ['my_trunk_01', 'a', 'A' * 16, 'outbound_trunk'])
def test_trunk_name_valid(name):
    assert v.validate_trunk_name(name) == name


@pytest.mark.parametrize('name', ['my-trunk!', '', 'x' * 17, 'has space', 'dot.name', 'ünï'])
def test_trunk_name_invalid(name):
    with pytest.raises(v.ValidationError) as err:
        v.validate_trunk_name(name)
    assert err.value.option == 'name'
    assert '16' in str(err.value)


def test_trunk_name_wrong_type():
    with pytest.raises(v.ValidationError, match='must be a string'):
        v.validate_trunk_name(12)


@pytest.mark.parametrize('number', ['+919876543210', '+12025550123', '+4930123456'])
def test_phone_valid(number):
    assert v.normalize_phone_number(number) == number


@pytest.mark.parametrize('number', ['9876543210', '+91 98765 43210', '+91abc', '+1234567', '+1234567890123456', '', '919876543210',
                                    '+0919876543210', '+09876543'])
def test_phone_invalid(number):
    with pytest.raises(v.ValidationError, match='E.164'):
        v.normalize_phone_number(number, 'numbers[0]')


def test_mode():
    assert v.normalize_mode('pstn') == 'pstn'
    assert v.normalize_mode('flow') == 'flow'
    assert v.normalize_mode(None) is None
    with pytest.raises(v.ValidationError, match='lower case'):
        v.normalize_mode('PSTN')


def test_effective_mode_null_is_pstn():
    assert v.effective_mode(None) == 'pstn'
    assert v.effective_mode('flow') == 'flow'


@pytest.mark.parametrize('value,expected', [
    ('203.0.113.50', ('203.0.113.50', 32)),
    ('203.0.113.5/32', ('203.0.113.5', 32)),
    ('10.0.0.0/16', ('10.0.0.0', 16)),
])
def test_acl_entry(value, expected):
    assert v.normalize_acl_entry(value) == expected


def test_acl_entry_explicit_mask_and_equal_cidr():
    assert v.normalize_acl_entry('203.0.113.0', 24) == ('203.0.113.0', 24)
    assert v.normalize_acl_entry('203.0.113.0/24', 24) == ('203.0.113.0', 24)


@pytest.mark.parametrize('ip,mask,message', [
    ('256.1.2.3', None, 'IPv4'),
    ('2001:db8::1', None, 'IPv6'),
    ('1.2.3', None, 'IPv4'),
    ('203.0.113.5/33', None, '16 to 32'),
    ('203.0.113.5/0', None, '16 to 32'),
    ('203.0.113.5/x', None, 'CIDR'),
    ('203.0.113.5', 0, '16 to 32'),
    ('203.0.113.5', 33, '16 to 32'),
    ('44.248.0.0/15', None, 'in-between 16 and 32'),
    ('44.248.0.0', 8, 'in-between 16 and 32'),
    ('203.0.113.5', '24', 'integer'),
    ('203.0.113.5', True, 'integer'),
    ('203.0.113.0/24', 16, 'conflicts'),
])
def test_acl_entry_invalid(ip, mask, message):
    with pytest.raises(v.ValidationError, match=message):
        v.normalize_acl_entry(ip, mask)


def test_ip_in_acl():
    acl = [('44.248.146.0', 24), ('52.66.1.1', 32)]
    assert v.ip_in_acl('44.248.146.11', acl)
    assert v.ip_in_acl('52.66.1.1', acl)
    assert not v.ip_in_acl('52.66.1.2', acl)


@pytest.mark.parametrize('value,expected', [
    ('44.248.146.11:5061;transport=tls', '44.248.146.11:5061;transport=tls'),
    ('sip:44.248.146.11:5061;transport=tls', '44.248.146.11:5061;transport=tls'),
    ('SIP:Sip.MyCompany.com:5060;transport=TCP', 'sip.mycompany.com:5060;transport=tcp'),
])
def test_destination_normalised(value, expected):
    assert v.normalize_destination(value) == expected


@pytest.mark.parametrize('value,message', [
    ('44.248.146.11:5061;transport=udp', 'udp'),
    ('44.248.146.11:0;transport=tls', '65535'),
    ('44.248.146.11:70000;transport=tls', '65535'),
    ('44.248.146.11 :5061;transport=tls', 'host:port'),
    ('44.248.146.11:5061;transport=tls\r\nX: y', 'host:port'),
    ('44.248.146.11:5061;transport=tls;lr', 'host:port'),
    ('44.248.146.11', 'host:port'),
    ('203.0.113.50:5061;transport=tls', 'RFC 5737'),
    ('192.168.1.10:5061;transport=tls', 'private'),
    ('127.0.0.1:5061;transport=tls', 'private'),
    ('256.1.2.3:5061;transport=tls', 'IPv4'),
    ('nodot:5061;transport=tls', 'fully qualified'),
    ('bad_host.example.com:5061;transport=tls', 'fully qualified'),
    ('sip.x:5061;transport=tls', 'fully qualified'),
    ('192.0.0.8:5061;transport=tls', 'not a routable unicast address'),
    ('192.0.0.9:5061;transport=tls', 'not a routable unicast address'),
    ('198.18.0.1:5061;transport=tls', 'not a routable unicast address'),
])
def test_destination_invalid(value, message):
    with pytest.raises(v.ValidationError, match=message):
        v.normalize_destination(value, 'destinations[0]')


def test_build_destination_defaults_port_by_transport():
    assert v.build_destination('sip.example.com') == 'sip.example.com:5061;transport=tls'
    assert v.build_destination('sip.example.com', transport='tcp') == 'sip.example.com:5060;transport=tcp'
    with pytest.raises(v.ValidationError, match='bare'):
        v.build_destination('sip.example.com:5060')


def test_destination_key_ignores_prefix_and_case():
    assert v.destination_key('sip:Sip.Example.com:5061;transport=tls') == v.destination_key('sip.example.com:5061;transport=tls')


def test_credentials_rules():
    assert v.validate_credential_password('Abc_123') == 'Abc_123'
    with pytest.raises(v.ValidationError) as err:
        v.validate_credential_password('p@ss word')
    assert 'p@ss' not in str(err.value)  # a rejected password is never echoed
    assert v.validate_friendly_name(None) is None
    assert v.validate_friendly_name('bot_1') == 'bot_1'
    with pytest.raises(v.ValidationError, match='32'):
        v.validate_friendly_name('x' * 33)
    with pytest.raises(v.ValidationError):
        v.validate_friendly_name('has-dash')
    with pytest.raises(v.ValidationError):
        v.validate_user_name('')


def test_settings():
    assert v.validate_setting('trunk_external_alias', '+919876543210') == '+919876543210'
    with pytest.raises(v.ValidationError, match='unknown setting'):
        v.validate_setting('caller_id', '+919876543210')
    with pytest.raises(v.ValidationError, match='E.164'):
        v.validate_setting('trunk_external_alias', '12345')


def test_nso_code_and_domain():
    assert v.validate_nso_code('ANY-ANY') == 'ANY-ANY'
    with pytest.raises(v.ValidationError, match='ANY-ANY'):
        v.validate_nso_code('any any')
    assert v.validate_domain_name('exoteltest.pstn.exotel.com') == 'exoteltest.pstn.exotel.com'
    with pytest.raises(v.ValidationError):
        v.validate_domain_name('not a domain')


def test_rejected_input_table_of_the_api_reference():
    """The 'Example Invalid' column of the reference's Validation Rules table."""
    with pytest.raises(v.ValidationError):
        v.validate_trunk_name('my-trunk!')
    with pytest.raises(v.ValidationError):
        v.normalize_phone_number('9876543210')
    with pytest.raises(v.ValidationError):
        v.normalize_ipv4('256.1.2.3')
    with pytest.raises(v.ValidationError):
        v.normalize_mask(33)
    with pytest.raises(v.ValidationError):
        v.normalize_mode('PSTN')
    with pytest.raises(v.ValidationError):
        v.validate_transport('udp')


@pytest.mark.parametrize('domain', ['exoteltest.pstn.exotel.com', 'My_Sid.pstn.exotel.com'.replace('_', '-')])
def test_domain_name_ends_with_the_pstn_suffix(domain):
    assert v.validate_domain_name(domain) == domain


@pytest.mark.parametrize('domain', ['voice.example.com', 'pstn.exotel.com', 'exoteltest.pstn.exotel.com.evil.io',
                                    'exoteltest.pstnexotel.com'])
def test_domain_name_refused(domain):
    with pytest.raises(v.ValidationError, match=r'domain_name must end with \.pstn\.exotel\.com'):
        v.validate_domain_name(domain)


@pytest.mark.parametrize('url, expected', [
    ('https://api.in.exotel.com', 'https://api.in.exotel.com'),
    ('https://api.exotel.com/', 'https://api.exotel.com'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
])
def test_api_url(url, expected):
    assert v.validate_api_url(url) == expected


@pytest.mark.parametrize('url', ['api.in.exotel.com', '127.0.0.1:8080', 'ftp://api.exotel.com', 'https://',
                                 'https://key:token@api.exotel.com', 'https://api.exotel.com?x=1'])
def test_api_url_refused(url):
    with pytest.raises(v.ValidationError, match='api_url must be a base URL'):
        v.validate_api_url(url)

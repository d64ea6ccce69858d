# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validation and normalisation of every user-supplied value, in one place.

Each rule here comes from the "Validation Rules" table of the Exotel SIP
trunking API reference (plus the facts of ``docs/api-assumptions.md`` for credentials, the
mask and the domain; each rule carries its ``[fact-id]``). Validating on our side
lets a task fail *before* any API write, with a message that names the option
and the rule, instead of half-applying a list and surfacing the API's terser
error text.

Normalisers return the canonical form used both for the request body and for
comparing desired with current state, so ``mode: null`` and ``pstn``, or
``sip:Host:5061;transport=TLS`` and ``host:5061;transport=tls``, compare equal.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 targets
    from urlparse import urlsplit

# [trunk-name] [trunk-name-empty] 1-16 letters, digits, underscores; an empty name is refused here,
# whether or not the API refuses it.
TRUNK_NAME_RE = re.compile(r'^[A-Za-z0-9_]{1,16}$')
# [e164] No country code starts with 0: the API's own pattern is '+', a digit 1-9, then 7 to 14 digits.
E164_RE = re.compile(r'^\+[1-9][0-9]{7,14}$')
# [credential-charset] password and friendly_name: only [A-Za-z0-9_] (others 400 / 1002).
CREDENTIAL_TOKEN_RE = re.compile(r'^[A-Za-z0-9_]+$')
USER_NAME_RE = re.compile(r'^[A-Za-z0-9_.@-]{1,64}$')
HOSTNAME_LABEL_RE = re.compile(r'^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$')
DESTINATION_RE = re.compile(r'^(?P<host>[^:;\s]+):(?P<port>[0-9]{1,5});transport=(?P<transport>[A-Za-z]+)$')

PHONE_MODES = ('pstn', 'flow')
# [acl-mask] [acl-mask-api] The live validator: "mask should be in-between 16 and 32" (the reference's
# table says 1-32); 16-32 is safe under both.
MASK_MIN = 16
# [domain-name] [domain-name-api] The live validator: "Domain name should end with .pstn.exotel.com".
DOMAIN_SUFFIX = '.pstn.exotel.com'

# [transport]
TRANSPORTS = ('tls', 'tcp')
DEFAULT_PORTS = {'tls': 5061, 'tcp': 5060}
FRIENDLY_NAME_MAX = 32

# [destination-public] The API rejects these as destinations ("Destination is not a valid Ip or
# Fqdn"); the reference names RFC 5737 and private ranges explicitly.
DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(net) for net in ('192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24')
)

SHARED_ADDRESS_SPACE = ipaddress.ip_network('100.64.0.0/10')
# Only these three are "private (RFC 1918)": Python's is_private also covers 0.0.0.0/8 and 240.0.0.0/4,
# which a message must not call private.
RFC1918_NETWORKS = tuple(ipaddress.ip_network(net) for net in ('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'))
# [destination-public] Not routable on the internet, whatever this Python's ipaddress tables say: how
# is_private/is_global classify 192.0.0.0/24 (IETF protocol assignments) and 198.18.0.0/15
# (benchmarking) changed between Python releases; the API refuses them as destinations.
NON_ROUTABLE_NETWORKS = tuple(ipaddress.ip_network(net) for net in ('192.0.0.0/24', '198.18.0.0/15'))

E164_RULE = "must be in E.164 format: '+' followed by 8 to 15 digits, the first not 0, e.g. +919876543210"


class ValidationError(ValueError):
    """Bad user input, detected before anything is sent to the API."""

    def __init__(self, option, rule, value=None):
        self.option = option
        self.rule = rule
        if value is None:
            message = '%s %s' % (option, rule)
        else:
            message = '%s %s (got %s)' % (option, rule, _show(value))
        super(ValidationError, self).__init__(message)


def _show(value):
    """Render a rejected value safely: repr escapes CR/LF and other control characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + '...'


def _require_string(value, option):
    if not isinstance(value, str):
        raise ValidationError(option, 'must be a string, not %s' % type(value).__name__, value)
    return value


def validate_trunk_name(value, option='name'):
    _require_string(value, option)
    if not TRUNK_NAME_RE.match(value):
        raise ValidationError(option, 'must be 1 to 16 characters of letters, digits and underscores', value)
    return value


# [nso-code]
NSO_CODES = ('ANY-ANY',)


def validate_nso_code(value, option='nso_code'):
    # "any any", shown on one portal page, is refused live [nso-code].
    if value not in NSO_CODES:
        raise ValidationError(option, 'must be ANY-ANY, the only code the API accepts', value)
    return value


def validate_domain_name(value, option='domain_name'):
    _require_string(value, option)
    _validate_hostname(value, option)
    if not value.lower().endswith(DOMAIN_SUFFIX):
        raise ValidationError(option, 'must end with %s, e.g. <account_sid>%s (the API refuses other domains: '
                              '"Domain name should end with %s")' % (DOMAIN_SUFFIX, DOMAIN_SUFFIX, DOMAIN_SUFFIX), value)
    return value


def validate_api_url(value, option='api_url'):
    """A base URL such as https://api.in.exotel.com; without a scheme it is a configuration error, not a
    network failure to retry."""
    _require_string(value, option)
    parts = urlsplit(value)
    if parts.scheme not in ('https', 'http') or not parts.netloc or parts.query or parts.fragment or '@' in parts.netloc:
        raise ValidationError(option, 'must be a base URL such as https://api.in.exotel.com (https://, or http:// for '
                              'a local test endpoint such as the simulator; no credentials, query or fragment)', value)
    return value.rstrip('/')


def normalize_phone_number(value, option='phone_number'):
    _require_string(value, option)
    if not E164_RE.match(value):
        raise ValidationError(option, E164_RULE, value)
    return value


def normalize_mode(value, option='mode'):
    """Return ``pstn``, ``flow`` or None (not managed). Upper case is rejected, as the API does."""
    if value is None:
        return None
    if value not in PHONE_MODES:
        raise ValidationError(option, 'must be one of pstn, flow (lower case)', value)
    return value


def effective_mode(api_mode):
    """The API reports a mapping created without a mode as ``mode: null``, which routes as pstn."""
    return api_mode or 'pstn'


def normalize_ipv4(value, option='ip'):
    _require_string(value, option)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValidationError(option, 'must be a valid IPv4 address (four numbers 0-255)', value)
    if address.version != 4:
        raise ValidationError(option, 'must be an IPv4 address; the Exotel API does not accept IPv6', value)
    return str(address)


def normalize_mask(value, option='mask'):
    # [mask-parse] The API parses mask into an unsigned integer: -1 or "32" is 400 / 1007 "failed parsing".
    # bool is an int subclass; a quoted "24" is most likely a typo for a CIDR length,
    # and the API itself wants a JSON integer (it answers 1007 "failed parsing" otherwise).
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(option, 'must be an integer from %d to 32 (not a quoted string)' % MASK_MIN, value)
    if 0 < value < MASK_MIN:
        raise ValidationError(option, 'must be an integer from %d to 32: the API refuses networks wider than /%d '
                              '("mask should be in-between 16 and 32")' % (MASK_MIN, MASK_MIN), value)
    if not MASK_MIN <= value <= 32:
        raise ValidationError(option, 'must be an integer from %d to 32' % MASK_MIN, value)
    return value


def normalize_acl_entry(ip, mask=None, option='ip', mask_option='mask'):
    """Return ``(ip, mask)`` from ``a.b.c.d``, ``a.b.c.d/n`` and/or an explicit mask.

    ``203.0.113.5`` and ``203.0.113.5/32`` are the same entry. A CIDR suffix that
    disagrees with an explicit ``mask`` is ambiguous, so it is an error.
    """
    _require_string(ip, option)
    if '/' in ip:
        address, _sep, suffix = ip.partition('/')
        if not suffix.isdigit():
            raise ValidationError(option, 'must be an IPv4 address or CIDR a.b.c.d/n with n from %d to 32' % MASK_MIN, ip)
        cidr_mask = normalize_mask(int(suffix), option)
        if mask is not None and normalize_mask(mask, mask_option) != cidr_mask:
            raise ValidationError(mask_option, 'conflicts with the /%d suffix of %s %s' % (cidr_mask, option, ip), mask)
        return normalize_ipv4(address, option), cidr_mask
    return normalize_ipv4(ip, option), normalize_mask(32 if mask is None else mask, mask_option)


def ip_in_acl(ip, acl_entries):
    """True when ``ip`` lies inside one of the ``(ip, mask)`` networks.

    [destination-whitelist] An IP destination must lie inside the trunk's ACL; FQDNs need none.
    """
    address = ipaddress.ip_address(ip)
    for entry_ip, entry_mask in acl_entries:
        if address in ipaddress.ip_network('%s/%d' % (entry_ip, entry_mask), strict=False):
            return True
    return False


def public_ipv4_problem(ip):
    """Why the API would refuse ``ip`` as a destination, or None when it is a public address."""
    address = ipaddress.ip_address(ip)
    if _in_any(address, DOCUMENTATION_NETWORKS):
        return 'is a documentation address (RFC 5737), which the API refuses; use your server\'s real public IP'
    if _in_any(address, RFC1918_NETWORKS) or address.is_loopback or address.is_link_local:
        return 'is a private/loopback address, which the API refuses; use a publicly routable IP or an FQDN'
    if _not_unicast_public(address):
        return 'is not a routable unicast address'
    return None


def _in_any(address, networks):
    return any(address in net for net in networks)


def _not_unicast_public(address):
    """Multicast, reserved, unspecified, or another special-purpose network.

    Asked once the named kinds are ruled out: is_private also covers special-purpose networks beyond
    RFC 1918, differently from one Python to the next.
    """
    return address.is_multicast or address.is_reserved or address.is_unspecified or address.is_private \
        or _in_any(address, NON_ROUTABLE_NETWORKS)


def never_matching_source_problem(ip):
    """Why an ACL entry for ``ip`` can never match a call, or None for a public address.

    Exotel matches the public source address it sees on a call; a private,
    loopback, link-local or documentation address is never that address.
    """
    address = ipaddress.ip_address(ip)
    reasons = (
        (_in_any(address, DOCUMENTATION_NETWORKS), 'a documentation address (RFC 5737)'),
        (address.is_loopback, 'a loopback address'),
        (address.is_link_local, 'a link-local address'),
        (address in SHARED_ADDRESS_SPACE, 'a carrier-grade NAT address (RFC 6598)'),
        (_in_any(address, RFC1918_NETWORKS), 'a private address (RFC 1918)'),
        (_not_unicast_public(address), 'not a unicast public address'),
    )
    for applies, what in reasons:
        if applies:
            return ('is %s: Exotel matches the public source address of your PBX as it reaches the internet, so '
                    'this ACL entry can never match a call; whitelist the public (NAT) address instead' % what)
    return None


def is_ipv4_literal(host):
    try:
        return ipaddress.ip_address(host).version == 4
    except ValueError:
        return False


def _validate_hostname(host, option):
    labels = host.split('.')
    # The top-level label is alphabetic and at least two letters long: no TLD has one letter.
    if len(host) > 253 or len(labels) < 2 or not all(HOSTNAME_LABEL_RE.match(label) for label in labels) \
            or not labels[-1].isalpha() or len(labels[-1]) < 2:
        raise ValidationError(option, 'must be a public IPv4 address or a fully qualified domain name', host)
    return host.lower()


def validate_port(value, option='port'):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValidationError(option, 'must be an integer from 1 to 65535', value)
    return value


def validate_transport(value, option='transport'):
    if value not in TRANSPORTS:
        raise ValidationError(option, 'must be tls or tcp (the API does not accept udp)', value)
    return value


def _companion(option, field):
    """Label of the port/transport that goes with ``option``: host -> port,
    destinations[0].host -> destinations[0].port, destinations[0] -> destinations[0].port,
    destination -> destination port."""
    if option == 'host':
        return field
    if option.endswith('.host'):
        return option[:-len('host')] + field
    if option.endswith(']'):
        return '%s.%s' % (option, field)
    return '%s %s' % (option, field)


def build_destination(host, port=None, transport='tls', option='host'):
    """Canonical ``host:port;transport=x`` string (the form the API accepts on POST)."""
    transport = validate_transport(transport, _companion(option, 'transport'))
    _require_string(host, option)
    if any(char.isspace() for char in host) or any(char in host for char in ':;/@'):
        raise ValidationError(option, 'must be a bare IPv4 address or FQDN without spaces, ports or parameters', host)
    if is_ipv4_literal(host):
        host = normalize_ipv4(host, option)
        problem = public_ipv4_problem(host)
        if problem:
            raise ValidationError(option, problem, host)
    else:
        # [destination-resolves] Names are not resolved here: the API refuses, per item, one that does not resolve.
        if re.match(r'^[0-9.]+$', host):
            raise ValidationError(option, 'must be a valid IPv4 address (four numbers 0-255)', host)
        host = _validate_hostname(host, option)
    if port is None:
        port = DEFAULT_PORTS[transport]
    port = validate_port(port, _companion(option, 'port'))
    return '%s:%d;transport=%s' % (host, port, transport)


def normalize_destination(value, option='destination'):
    """Parse ``[sip:]host:port;transport=tls|tcp`` into the canonical POST form.

    Anything but that exact shape is refused: the string ends up in SIP
    signalling, so stray parameters, spaces or CR/LF are never passed through.
    """
    _require_string(value, option)
    text = value
    if text[:4].lower() == 'sip:':
        text = text[4:]
    match = DESTINATION_RE.match(text)
    if not match:
        raise ValidationError(
            option, "must look like host:port;transport=tls or host:port;transport=tcp (optionally prefixed with sip:)", value)
    transport = match.group('transport').lower()
    if transport not in TRANSPORTS:
        raise ValidationError(option, 'transport must be tls or tcp (the API does not accept udp)', value)
    return build_destination(match.group('host'), int(match.group('port')), transport, option)


def destination_key(api_destination):
    """Comparable form of a destination as the API returns it (``sip:`` prefix added on the way out).

    [destination-shape] POST takes ``host:port;transport=x``; the answer adds ``sip:``, type public, priority 0, weight 1.
    """
    text = api_destination or ''
    if text[:4].lower() == 'sip:':
        text = text[4:]
    return text.lower()


def destination_host(canonical):
    return canonical.split(':', 1)[0]


def validate_credential_password(value, option='password'):
    # Never echo the rejected password itself.
    if not isinstance(value, str):
        raise ValidationError(option, 'must be a string, not %s' % type(value).__name__)
    if not CREDENTIAL_TOKEN_RE.match(value):
        raise ValidationError(option, 'may contain only letters, digits and underscores (the API rejects other characters)')
    return value


def validate_friendly_name(value, option='friendly_name'):
    if value is None:
        return None
    _require_string(value, option)
    if not CREDENTIAL_TOKEN_RE.match(value) or len(value) > FRIENDLY_NAME_MAX:
        raise ValidationError(option, 'must be 1 to %d letters, digits or underscores' % FRIENDLY_NAME_MAX, value)
    return value


def validate_user_name(value, option='user_name'):
    _require_string(value, option)
    if not USER_NAME_RE.match(value):
        raise ValidationError(option, 'must be 1 to 64 characters of letters, digits, and _ . @ -', value)
    return value


def reject_unknown_keys(item, label, allowed, allowed_text=None):
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise ValidationError(label, 'has unknown keys %s; allowed: %s' % (', '.join(unknown), allowed_text or ', '.join(allowed)))


def parse_list(items, option, parse_item, key):
    """Parse every entry of the list option ``option`` with ``parse_item(item, label)``.

    Labels are ``option[index]``. Two entries with the same identity (``key`` of
    the parsed entry, e.g. the phone number) are a mistake in the input; say
    which. An empty list is valid: with ``purge`` it means "exactly none",
    without it there is nothing to do.
    """
    if not isinstance(items, list):
        raise ValidationError(option, 'must be a list, not %s' % type(items).__name__)
    entries = [parse_item(item, '%s[%d]' % (option, index)) for index, item in enumerate(items)]
    first = {}
    for index, entry in enumerate(entries):
        identity = key(entry)
        if identity in first:
            raise ValidationError('%s[%d]' % (option, index), 'repeats an entry listed earlier (%s[%d]): the same entry '
                                  'is listed twice; list it once' % (option, first[identity]), identity)
        first[identity] = index
    return entries


# One entry of the list forms (numbers, ACL entries, destinations, credentials),
# shared by the modules and the sip_trunk_inputs filter of the role. ``label``
# names the entry in messages, e.g. ``numbers[3]`` or ``sip_trunk_numbers[3]``.

def parse_number_entry(item, label, default_mode=None):
    """``{phone_number, mode}`` from an E.164 string or a dict; ``default_mode`` for entries without a mode."""
    if isinstance(item, str):
        return {'phone_number': normalize_phone_number(item, label), 'mode': normalize_mode(default_mode)}
    if isinstance(item, dict):
        reject_unknown_keys(item, label, ('phone_number', 'mode'))
        if 'phone_number' not in item:
            raise ValidationError(label, 'needs a phone_number')
        mode = normalize_mode(item.get('mode', default_mode), '%s.mode' % label)
        return {'phone_number': normalize_phone_number(item['phone_number'], '%s.phone_number' % label), 'mode': mode}
    raise ValidationError(label, 'must be an E.164 string or a dictionary with phone_number and mode', item)


def parse_acl_entry(item, label):
    """``{ip, mask}`` from an address or CIDR string, or a dict with ip and optional mask."""
    if isinstance(item, str):
        ip, mask = normalize_acl_entry(item, None, label, '%s.mask' % label)
    elif isinstance(item, dict):
        reject_unknown_keys(item, label, ('ip', 'mask'))
        if 'ip' not in item:
            raise ValidationError(label, 'needs an ip')
        ip, mask = normalize_acl_entry(item['ip'], item.get('mask'), '%s.ip' % label, '%s.mask' % label)
    else:
        raise ValidationError(label, 'must be an IPv4 string (address or CIDR) or a dictionary with ip and mask', item)
    return {'ip': ip, 'mask': mask}


def parse_priority_and_weight(source, label=None):
    """``{priority, weight}`` of a destination (None = not managed); ``label`` None for module options."""
    values = {}
    for field in ('priority', 'weight'):
        value = source.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValidationError('%s.%s' % (label, field) if label else field, 'must be a non-negative integer', value)
        values[field] = value
    return values


def parse_destination_entry(item, label):
    """``{destination (canonical), priority, weight}`` from a URI string, or a dict with destination or host."""
    if isinstance(item, str):
        return {'destination': normalize_destination(item, label), 'priority': None, 'weight': None}
    if isinstance(item, dict):
        reject_unknown_keys(item, label, ('destination', 'host', 'port', 'transport', 'priority', 'weight'),
                            'destination or host/port/transport, priority, weight')
        if ('destination' in item) == ('host' in item):
            raise ValidationError(label, 'needs exactly one of destination or host')
        if 'destination' in item:
            if 'port' in item or 'transport' in item:
                raise ValidationError(label, 'port and transport go with host, not with destination')
            uri = normalize_destination(item['destination'], '%s.destination' % label)
        else:
            uri = build_destination(item['host'], item.get('port'), item.get('transport', 'tls'), '%s.host' % label)
        return dict(parse_priority_and_weight(item, label), destination=uri)
    raise ValidationError(label, 'must be a destination string or a dictionary', item)


def parse_credential_entry(item, label=None):
    """``{user_name, password, friendly_name}`` from a dict; ``label`` None for module options.

    A rejected entry is never echoed: it holds a password.
    """
    prefix = '' if label is None else '%s.' % label
    if not isinstance(item, dict):
        raise ValidationError(label, 'must be a dictionary with user_name, password and friendly_name')
    reject_unknown_keys(item, label, ('user_name', 'password', 'friendly_name'))
    password = item.get('password')
    if password is not None:
        validate_credential_password(password, prefix + 'password')
    return {
        'user_name': validate_user_name(item.get('user_name'), prefix + 'user_name'),
        'password': password,
        'friendly_name': validate_friendly_name(item.get('friendly_name'), prefix + 'friendly_name'),
    }


# Trunk settings the API documents, each with the validator of its value. A new
# setting is one line here.
SETTING_VALIDATORS = {
    'trunk_external_alias': normalize_phone_number,
}


def validate_setting(name, value, option='settings'):
    if name not in SETTING_VALIDATORS:
        raise ValidationError(option, 'names an unknown setting; known settings: %s' % ', '.join(sorted(SETTING_VALIDATORS)), name)
    if value is None:
        raise ValidationError('%s.%s' % (option, name) if option == 'settings' else 'value', 'must be set')
    return SETTING_VALIDATORS[name](value, '%s.%s' % (option, name) if option == 'settings' else 'value')

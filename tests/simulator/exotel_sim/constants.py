# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every documented fact, assumption and reading the simulator plays, as named constants.

Sources: AR = ``api-reference.md``, DP = ``developer-portal-pages.txt``, NB = ``NOTES.md`` (grade A =
captured live, grade B = documented only). Nothing outside this module decides a behaviour that a
document could contradict: a first live run confirms or fixes them here.
"""

from __future__ import annotations

import ipaddress
import re

LOCAL_HOST = '127.0.0.1'
BANNER = 'Exotel API simulator listening on {url}'
PROFILE_BANNER = 'Exotel API simulator profile: {profile}{overrides}'
ADMIN_PREFIX = '/_simulator'
JSON_TYPE = 'application/json'

# ---------------------------------------------------------------------------------------------
# Documented behaviour (AR / DP)
# ---------------------------------------------------------------------------------------------

# AR "Sample Data Used in Examples": (account_sid, api_key, api_token).
DEFAULT_ACCOUNT = ('exoteltest', 'exoteltest', 'a1b2c3d4e5f6g7h8i9j0')
# AR "Rate Limit: 200 calls per minute".
DEFAULT_RATE_LIMIT = 200
DEFAULT_RATE_WINDOW = 60.0

# AR section 1 and its validation table; the error text is AR's example, verbatim.
TRUNK_NAME_PATTERN = re.compile(r'[A-Za-z0-9_]{1,16}')
TRUNK_NAME_ERROR = 'trunk_name must be alphanumeric with underscores only, max 16 characters'
# AR section 1; NB: the spelling "any any" on one portal page is rejected live.
NSO_CODE = 'ANY-ANY'
# AR section 1: the trunk's mandatory body fields, in the order they are checked.
TRUNK_FIELDS = ('trunk_name', 'nso_code', 'domain_name')
# AR section 1 response: the four sub-resource links of every trunk.
TRUNK_LINKS = ('destination_uris', 'whitelisted_ips', 'credentials', 'phone_numbers')
DOMAIN_NAME_ERROR = 'domain_name must be a valid domain name'

# AR section 2 and validation table ("PSTN" is invalid: modes are case-sensitive).
E164_PATTERN = re.compile(r'\+[1-9][0-9]{7,14}')
PHONE_NUMBER_ERROR = 'phone_number must be in E.164 format (e.g., +919876543210)'
PHONE_MODES = ('pstn', 'flow')

# AR section 4 and validation table (ip "256.1.2.3" invalid).
IPV4_SHAPE = re.compile(r'[0-9]{1,3}(?:\.[0-9]{1,3}){3}')
IP_ERROR = 'ip must be a valid IPv4 address'
DEFAULT_MASK = 32

# DP "Map Destination URI": <ip_or_fqdn>:<port>;transport=<protocol>; AR validation table: tcp|tls only.
# No "sip:" prefix, no spaces, no extra URI parameters; the port has no leading zero.
DESTINATION_PATTERN = re.compile(r'(?P<host>[A-Za-z0-9.-]+):(?P<port>[1-9][0-9]{0,4});transport=(?:tcp|tls)')
DESTINATION_INVALID = 'Destination is not a valid Ip or Fqdn'
DESTINATION_NOT_WHITELISTED = 'Destination not whitelisted'
MAX_PORT = 65535
# AR section 5: documentation IPs "will fail validation" and private IPs "aren't publicly routable".
NON_ROUTABLE_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    '0.0.0.0/8',                                           # "this network", includes unspecified
    '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16',       # RFC 1918 private
    '100.64.0.0/10',                                       # RFC 6598 shared (carrier-grade NAT)
    '127.0.0.0/8',                                         # loopback
    '169.254.0.0/16',                                      # link-local
    '192.0.0.0/24',                                        # IETF protocol assignments
    '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24',   # RFC 5737 documentation
    '198.18.0.0/15',                                       # benchmarking
    '224.0.0.0/4',                                         # multicast
    '240.0.0.0/4',                                         # reserved, includes broadcast
))
# AR section 5: what the API adds to each stored destination.
DESTINATION_DEFAULTS = (('type', 'public'), ('priority', 0), ('weight', 1))

# AR section 10: the only documented setting, and the format of its value.
KNOWN_SETTINGS = {'trunk_external_alias': E164_PATTERN}

# A hostname label (RFC 1123); used for FQDN destinations and the trunk's domain_name.
HOST_LABEL = re.compile(r'(?!-)[A-Za-z0-9-]{1,63}(?<!-)')
TOP_LEVEL_LABEL = re.compile(r'[A-Za-z]{2,63}')
MAX_HOSTNAME = 253
# Query-string integers (offset, page_size): ASCII digits only.
DECIMAL_DIGITS = re.compile(r'[0-9]{1,9}')

# ---------------------------------------------------------------------------------------------
# ASSUMPTIONS - revisit these first once Exotel's live behaviour is known.
#   [B]   NOTES.md grade B: documented by Exotel, no live response seen.
#   [doc] our reading of a gap in, or a conflict between, AR and DP.
#   [sim] a simulator choice where no document says anything.
# ---------------------------------------------------------------------------------------------

# [B] NB: "page_size (default 50)"; AR section 7 metadata shows 50. The maximum page size is
# undocumented [doc]: a larger request is clamped down to the configured size, never honoured.
DEFAULT_PAGE_SIZE = 50
# [B] NB: an empty list may come back as "response": [] with no metadata key at all. We always do
# so, also for a page past the end of a non-empty list.
EMPTY_LIST_HAS_METADATA = False
# [B] NB: child rows are deleted through a query parameter, not a path segment (the trunk's own
# trunk_sid parameter is grade A). A DELETE on a path ending in an id is an unknown path (404).
DELETE_QUERY_PARAMETER = {
    'trunks': 'trunk_sid',
    'phone_numbers': 'id',
    'whitelisted_ips': 'id',
    'destination_uris': 'id',
    'settings': 'name',
    'credentials': 'id',
}
# [B] NB: re-posting an existing destination may add a duplicate. We always add one.
DESTINATION_REPOST_ADDS_DUPLICATE = True
# [B] NB: deleting a trunk removes its numbers, ACLs and destinations; whether digest credentials
# go too is disputed. We remove them (and the settings) so nothing is left behind.
TRUNK_DELETE_CASCADE = ('phone_numbers', 'whitelisted_ips', 'destination_uris', 'settings', 'credentials')
# [doc] AR section 11's captured DELETE answer lacks the four link fields that DP's copy has.
TRUNK_DELETE_OMITS_LINKS = True
# [doc] AR section 4 makes mask mandatory; DP says optional with default 32. Take the stricter.
WHITELIST_MASK_REQUIRED = True
# [A/B] NB: "Negative or non-integer mask -> 400/1007 'Invalid request body,failed parsing '" (the
# body is parsed into unsigned integers), whatever the mask range. The description is NB's, verbatim
# (trailing space included); the message is AR's for error 1007.
MASK_PARSE_ERROR = (400, 1007, 'Invalid request body', 'Invalid request body,failed parsing ')
# [doc] AR section 2 speaks of a number "already mapped to this trunk"; a DID can only be routed one
# way, so a number mapped to any trunk is a duplicate.
PHONE_NUMBER_UNIQUE_ACROSS_TRUNKS = True
# [doc] AR sections 5 and 10 show a fully successful batch's metadata as {total, success}; DP adds
# "failed": 0. We follow AR: "failed" appears only when an item failed.
BATCH_METADATA_OMITS_ZERO_FAILED = True
# [doc] AR section 9 lists destination 2544 before 2543: that list is newest first. Other lists
# follow creation order.
NEWEST_FIRST = frozenset({'destination_uris'})
# [B] NB: credential passwords and friendly names accept only [A-Za-z0-9_] (measured), friendly
# name at most 32 characters. [sim] user_name's rule is ours: no document gives one.
CREDENTIAL_PASSWORD_PATTERN = re.compile(r'[A-Za-z0-9_]+')
CREDENTIAL_FRIENDLY_NAME_PATTERN = re.compile(r'[A-Za-z0-9_]{1,32}')
CREDENTIAL_USER_NAME_PATTERN = re.compile(r'[A-Za-z0-9_.@-]{1,64}')
# [B] NB: the credential list's metadata "may add total and page". We add both.
CREDENTIAL_LIST_EXTRA_METADATA = True
# [sim] Child ids are numeric strings (AR), increasing per collection from AR's sample ids.
FIRST_IDS = {'phone_numbers': 41512, 'whitelisted_ips': 1153, 'destination_uris': 2543, 'credentials': 5301}
# [doc] Live trunk sids (AR sections 1 and 11) look like "trmum" + 20 hex digits + "a1n".
TRUNK_SID_PREFIX, TRUNK_SID_SUFFIX, TRUNK_SID_HEX_BYTES = 'trmum', 'a1n', 10
# [B] NB lists "GET /trunk-maps?exophone={E.164}[&trunk_sid=]: which trunk a number is on; shape
# undocumented". [sim] Our guess: a list envelope (paged like every list) whose items' data hold
# these fields of the number's mapping; an unmapped number is an empty list.
TRUNK_MAP_FIELDS = ('phone_number', 'trunk_sid', 'id', 'mode')
EXOPHONE_QUERY_ERROR = 'exophone must be in E.164 format (e.g., +919876543210)'
# [sim] The live duplicate texts name the entity ("Unable to create DidTrunkMapping with TrunkSid ...");
# no document shows the ones for a credential user or a setting, so these are our guesses.
CREDENTIAL_DUPLICATE = 'Unable to create Credential with UserName %s'
SETTING_DUPLICATE = 'Unable to create TrunkSetting with name %s'

CHILD_COLLECTIONS = ('phone_numbers', 'whitelisted_ips', 'destination_uris', 'credentials')
WRITE_METHODS = ('POST', 'PUT', 'DELETE')
BODY_METHODS = ('POST', 'PUT')

# ---------------------------------------------------------------------------------------------
# READINGS - where the evidence allows two answers, the simulator plays each behind a switch
# (NB "Validation and readings the simulator must be able to play"). The choices of every switch
# are here; PROFILES below says which one each profile takes.
# ---------------------------------------------------------------------------------------------

# NB grade A: a duplicate is HTTP 200 with response.code 409; AR section 1 shows HTTP 409.
DUPLICATE_STYLES = ('envelope', 'http409')
# NB: an unknown trunk on a child endpoint was "seen as 404/1000, 404/1003 and 403/1003";
# AR section 2 shows 404/1003. (http status, error code, message, description % trunk_sid)
MISSING_TRUNK_ERRORS = {
    '404': (404, 1003, 'Resource not found', "Trunk '%s' does not exist"),
    '403': (403, 1003, 'Authorization failed', "Trunk '%s' is not accessible with this account"),
    '404-1000': (404, 1000, 'Not Found', "Trunk '%s' does not exist"),
}
MISSING_TRUNK_STYLES = tuple(MISSING_TRUNK_ERRORS)
# NB: "Settings, second POST of an existing name: undocumented whether it overwrites (upsert) or
# answers duplicate 1008". upsert: overwrite; item_duplicate: that item fails with 409/1008 inside
# the batch (207); envelope_duplicate: when every item repeats a stored name the whole answer is the
# live duplicate envelope (HTTP 200, response.code 409, error 1008), otherwise the repeated items
# fail as in item_duplicate.
SETTINGS_REPOST_STYLES = ('upsert', 'item_duplicate', 'envelope_duplicate')
# NB (A/B): numbers must be ExoPhones of the account; "the exact code is unknown (expect 400/1002
# 'Invalid PhoneNumber' or 404/1000)". The 400 description is NB's text; the 404 one is ours [sim].
NON_EXOPHONE_ERRORS = {
    '400': (400, 1002, 'Invalid parameter', 'Invalid PhoneNumber'),
    '404': (404, 1000, 'Not Found', 'PhoneNumber %s is not an ExoPhone of this account'),
}
# AR section 5 / NB: the API checks that an FQDN destination resolves; an unresolvable name fails
# per item with 400/1002 DESTINATION_INVALID. No DNS is done here: "resolve" lets every well-formed
# name resolve; "unresolvable" makes names in the reserved / never-resolving domains below fail.
RESERVED_FQDN_READINGS = ('resolve', 'unresolvable')
# RFC 2606 / RFC 6761 test and example names; RFC 6762 .local (mDNS only), RFC 7686 .onion (Tor
# only) and RFC 8375 home.arpa (home networks only) never resolve from a public server either.
RESERVED_DOMAINS = ('example', 'invalid', 'test', 'localhost', 'example.com', 'example.net', 'example.org',
                    'local', 'onion', 'home.arpa')
# Whitelisted-IP mask: AR's validation table says 1-32; the live validator's text reads "mask should
# be in-between 16 and 32" (NB, A). (minimum, maximum, error description)
MASK_RANGES = {
    '1-32': (1, 32, 'mask must be an integer between 1 and 32'),
    '16-32': (16, 32, 'mask should be in-between 16 and 32'),
}
# AR/DP give domain_name's format as "<your_sid>.pstn.exotel.com"; live error text (NB, A/B):
# "Domain name should end with .pstn.exotel.com". fqdn: any valid hostname; pstn_suffix: must end
# with the suffix (compared case-sensitively, as a plain string suffix check would).
DOMAIN_NAME_CHECKS = ('fqdn', 'pstn_suffix')
PSTN_DOMAIN_SUFFIX = '.pstn.exotel.com'
PSTN_DOMAIN_ERROR = 'Domain name should end with .pstn.exotel.com'
# AR's validation table wants trunk_name 1-16 [A-Za-z0-9_]; NB: "Empty trunk_name was accepted live
# once - the API does not protect you". reject: "" is a missing parameter (400/1001); accept: a
# trunk named "" is created, so only a client that validates first is safe.
EMPTY_TRUNK_NAME_READINGS = ('reject', 'accept')
# NB: rate limit 200/min, error 1030; "research notes say it may also arrive as HTTP 200 with
# response.code 429 in the body". http429: HTTP 429; envelope: HTTP 200 carrying code 429.
RATE_LIMIT_STYLES = ('http429', 'envelope')
# NB: "Child ids are numeric strings; some older pages show integers". numeric_strings sends every
# JSON integer of an answer (http_code, response.code, error_data.code, mask, priority, weight,
# metadata counts) as a string, so a client must not rely on their JSON type.
# AR section 6 / NB: the older GET /credentials shape "response.data {username, password}", or
# "response": [] when none, "may still appear". current: the list of {id, trunk_sid, user_name, ...}.
CREDENTIALS_SHAPES = ('current', 'legacy')

# The readings each profile selects. "strict" takes the harsher reading of every switch at once;
# settings given explicitly in the same call override the profile. Not in strict:
#   duplicate_style  - the live (grade A) envelope style is already the harder one to read;
#   credentials_shape - the legacy shape has no ids, so it disables credential management
#                       (update/delete by id) rather than testing how well it is done.
PROFILES = {
    'default': {
        'retry_after': True,
        'duplicate_style': 'envelope',
        'missing_trunk_style': '404',
        'settings_repost': 'upsert',
        'non_exophone_error': '400',
        'reserved_fqdns': 'resolve',
        'mask_range': '1-32',
        'domain_name_check': 'fqdn',
        'empty_trunk_name': 'reject',
        'rate_limit_style': 'http429',
        'numeric_strings': False,
        'credentials_shape': 'current',
    },
    'strict': {
        'retry_after': False,                   # NB: no Retry-After is documented
        'duplicate_style': 'envelope',
        'missing_trunk_style': '403',
        'settings_repost': 'item_duplicate',
        'non_exophone_error': '404',
        'reserved_fqdns': 'unresolvable',
        'mask_range': '16-32',
        'domain_name_check': 'pstn_suffix',
        'empty_trunk_name': 'accept',
        'rate_limit_style': 'envelope',
        'numeric_strings': True,
        'credentials_shape': 'current',
    },
}
PROFILE_NAMES = tuple(PROFILES)

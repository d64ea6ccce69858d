# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every module of the collection.
    DOCUMENTATION = r'''
options:
  account_sid:
    description:
      - Exotel account SID (the C(<your_sid>) of the API URLs).
      - If not set, the value of the E(EXOTEL_ACCOUNT_SID) environment variable is used. One of the two
        is needed; without either the task fails naming both.
    type: str
  api_key:
    description:
      - API key from the API settings page of the Exotel dashboard.
      - If not set, the value of the E(EXOTEL_API_KEY) environment variable is used. One of the two
        is needed; without either the task fails naming both.
    type: str
  api_token:
    description:
      - API token paired with O(api_key). Sent only in the C(Authorization) header and never logged.
      - If not set, the value of the E(EXOTEL_API_TOKEN) environment variable is used. That is the
        preferred way, because an environment variable never appears in task arguments. One of the two
        is needed; without either the task fails naming both.
    type: str
  region:
    description:
      - Cluster that holds the account. V(mumbai) is C(https://api.in.exotel.com),
        V(singapore) is C(https://api.exotel.com).
      - A key used against the wrong region is refused with HTTP 401, exactly like a wrong key.
      - If not set, the value of the E(EXOTEL_REGION) environment variable is used.
    type: str
    choices: [mumbai, singapore]
    default: mumbai
  api_url:
    description:
      - Base URL of the API, overriding O(region). Used to point the modules at the
        Exotel API simulator (for example V(http://127.0.0.1:8080)) or at a proxy.
      - Must start with C(https://) (or C(http://) for a local test endpoint); a URL without a scheme
        fails before any request.
      - If not set, the value of the E(EXOTEL_API_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the API's TLS certificate. Only disable it for a test endpoint.
      - If not set, the value of the E(EXOTEL_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: int
    default: 30
  max_retries:
    description:
      - How many times a request is retried after HTTP 429, 500, 502, 503, 504 or a connection error.
      - A create whose answer was lost is retried only after re-reading shows it did not happen,
        so a retry never creates a duplicate.
      - If not set, the value of the E(EXOTEL_MAX_RETRIES) environment variable is used.
    type: int
    default: 5
  retry_max_wait:
    description:
      - Upper bound, in seconds, of the total time one request may spend waiting between retries
        (including C(Retry-After) waits).
      - If not set, the value of the E(EXOTEL_RETRY_MAX_WAIT) environment variable is used.
    type: int
    default: 300
  rate_limit:
    description:
      - Requests per minute the modules may send to one account from this controller. The API allows
        200 per minute per account; every task, fork and run on the controller shares one budget per
        account (a small lock-protected record of send times, never a credential, in a private
        directory - E(EXOTEL_STATE_DIR), else C(~/.cache/exotel_sip_trunking)). V(0) disables pacing.
      - Lower it when other clients (another controller, scripts) use the same account; their requests
        are not counted here, and their share shows up as answers of 429, which are retried.
      - If not set, the value of the E(EXOTEL_RATE_LIMIT) environment variable is used.
    type: int
    default: 200
requirements:
  - requests >= 2.25.0 (Python library on the host that runs the module, usually the controller)
notes:
  - Every result carries C(api) - the task's C(requests), C(writes), C(retries), answers of 429
    (C(rate_limited)) and C(waited_seconds) - and a warning says when a task waited on the rate limit
    or retried.
  - "All modules of this collection are in the V(exotel) action group, so
    C(module_defaults: {group/exotel.sip_trunking.exotel: {...}}) sets the connection options once per play."
  - The API allows 200 requests per minute per account. List-form options read each collection once
    (50 rows per request) and write only what differs.
'''

    # Attributes of the modules that change state.
    ATTRIBUTES = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/exotel.sip_trunking.exotel) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - exotel.sip_trunking.exotel
'''

    # Attributes of the read-only information module.
    INFO_ATTRIBUTES = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads; it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
  action_group:
    description: Use C(group/exotel.sip_trunking.exotel) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - exotel.sip_trunking.exotel
'''

    # Options of the modules that manage entries of one trunk.
    TRUNK_REFERENCE = r'''
options:
  trunk_name:
    description:
      - Name of the trunk the entries belong to. Costs one trunk list request to find its SID.
      - Exactly one of O(trunk_name) and O(trunk_sid) is required.
    type: str
  trunk_sid:
    description:
      - SID of the trunk the entries belong to (as returned by M(exotel.sip_trunking.exotel_trunk)).
      - Exactly one of O(trunk_name) and O(trunk_sid) is required.
      - The placeholder SID M(exotel.sip_trunking.exotel_trunk) returns in check mode for a trunk it would
        create is understood; every listed entry is then predicted as added, and nothing is read.
    type: str
'''

    # purge/state semantics shared by the list-form modules.
    ENTRY_STATE = r'''
options:
  state:
    description:
      - V(present) adds the listed entries that are missing and updates those that differ.
      - V(absent) removes the listed entries that exist.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), also remove the trunk's entries that are not listed, making the
        list exclusive. Removal happens after the additions, and is skipped when an addition failed.
      - An empty list with O(purge=true) means "exactly none" and removes every entry of that kind;
        an empty list without O(purge) changes nothing.
      - Requires the list form of the entries.
    type: bool
    default: false
'''

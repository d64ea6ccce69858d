#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: exotel_live_check
short_description: Check, once, that your Exotel account's API behaves as this collection assumes
version_added: 1.1.0
description:
  - Tests against a real account every assumption of the collection's C(docs/api-assumptions.md)
    that can be tested without harm, and reports each as V(confirmed), V(refuted) or V(skipped),
    with the evidence (HTTP status, API code, a short excerpt of the answer with secrets masked).
  - "It creates one throw-away trunk C(zz_check_<run_id>) (domain C(<account_sid>.pstn.exotel.com),
    C(ANY-ANY)) and on it: whitelisted IPs O(probe_ip)/32, 1.2.0.0/16 and, if the API accepts
    them, 1.4.0.0/15 and a mask of -1; the destination C(<probe_ip>:5061;transport=tls) (plus any of
    the four refused probe destinations the API accepts, and a second copy of the first); a digest user
    C(zz_check_<run_id>) with a random password that is never shown; with O(number), the setting
    C(trunk_external_alias=<number>) and the mapping of O(number)."
  - "Probes meant to be refused create something only if the API accepts them, and it is deleted at
    once: trunks named C(zz_check_<run_id>xx) (17 characters), C('') (empty), C(zz_check_<run_id>n)
    (nso_code C(any any)), C(zz_check_<run_id>d) (domain C(zz-check.invalid)); the number
    C(+99912345678) and C(12345). With O(number) free, a second trunk C(zz_check_<run_id>b) tries to map
    it while the first holds it, and is deleted."
  - Everything it created is deleted before it returns, also when a step fails. Other trunks are only
    read (the trunk list, and the trunk that holds O(number), if any). It never provokes the rate limit.
  - Wide ACL entries and destinations are removed before O(number) is mapped, so the trunk never holds
    a number and a wide network at once. While O(number) is mapped (a few seconds), calls to it go to
    the throw-away trunk, which has no destination; use a spare number.
  - About 55 API calls and a few seconds with O(number); about 6 with O(read_only=true).
author:
  - Exotel SIP trunking maintainers (@exotel)
extends_documentation_fragment:
  - exotel.sip_trunking.exotel
options:
  run_id:
    description:
      - Six lower-case letters or digits that name this run's trunks (C(zz_check_<run_id>)). Random when
        not given. The playbook C(exotel.sip_trunking.live_check) chooses one so that its own clean-up can
        find the trunks by name should this module be killed.
    type: str
  number:
    description:
      - A spare ExoPhone of the account (E.164) for the checks of number mapping, the trunk-maps lookup
        and the caller-ID setting. Those checks are skipped without it.
      - A number already mapped to another trunk is left there; only the read checks use it then.
    type: str
  read_only:
    description:
      - Make no write at all. Only the read checks run (trunk list, paging, unknown trunk, wrong token,
        trunk-maps); every other check is reported as skipped.
    type: bool
    default: false
  probe_ip:
    description:
      - The public IPv4 address whitelisted (/32) and used as the good destination. The default is a public
        DNS resolver, which never places SIP calls; give your PBX's public IP if the API refuses the default
        as a destination.
    type: str
    default: 1.1.1.1
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: In check mode it runs as with O(read_only=true).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action_group:
    description: Use C(group/exotel.sip_trunking.exotel) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - exotel.sip_trunking.exotel
notes:
  - The playbook C(exotel.sip_trunking.live_check) runs this module, prints the table and writes the report
    to a JSON file.
  - A V(refuted) line means the API answered differently from the collection's documentation; its C(reading)
    says what was seen. Most facts have a simulator setting that plays the other reading.
'''

EXAMPLES = r'''
- name: Check the API assumptions, with a spare ExoPhone for the number checks
  exotel.sip_trunking.exotel_live_check:
    number: "+919876543210"
  register: live_check

- name: Show the verdicts
  ansible.builtin.debug:
    msg: "{{ live_check.table }}"

- name: Only read
  exotel.sip_trunking.exotel_live_check:
    read_only: true
'''

RETURN = r'''
report:
  description: One entry per assumption, in the order checked.
  returned: always
  type: list
  elements: dict
  contains:
    assumption:
      description: The fact id, as in C(docs/api-assumptions.md) and the C([fact-id]) tags of the code.
      type: str
      sample: trunk-missing
    verdict:
      description: V(confirmed), V(refuted) or V(skipped).
      type: str
      sample: confirmed
    evidence:
      description: What was sent and answered (status, API code, a short excerpt; secrets masked), or why it was skipped.
      type: str
      sample: "GET /trunks/trmum00000000000000000000a1n/phone-numbers -> HTTP 404, error 1003: Trunk ... does not exist"
    reading:
      description: For a fact with two plausible readings, the one the API spoke; else null.
      type: str
      sample: 404/1003
    checked:
      description: What the check does.
      type: str
    rule:
      description: How it judges.
      type: str
table:
  description: The report as lines of text (assumption, verdict, evidence), then the totals and the API calls made.
  returned: always
  type: list
  elements: str
counts:
  description: How many assumptions were confirmed, refuted and skipped.
  returned: always
  type: dict
  sample: {confirmed: 38, refuted: 1, skipped: 3}
api_calls:
  description: API requests sent (every page, retry and clean-up included).
  returned: always
  type: int
  sample: 55
writes:
  description: Of those, the POST, PUT and DELETE requests.
  returned: always
  type: int
  sample: 37
seconds:
  description: Wall time of the checks.
  returned: always
  type: float
  sample: 6.3
trunk_name:
  description: The throw-away trunk's name; null in a read-only run.
  returned: always
  type: str
  sample: zz_check_a1b2c3
left_behind:
  description: What could not be deleted (delete it by hand); empty when the clean-up succeeded. The task fails otherwise.
  returned: always
  type: list
  elements: str
account_sid:
  description: The account SID the task worked on.
  returned: always
  type: str
api:
  description: The request figures every module of the collection returns.
  returned: always
  type: dict
'''

import secrets
import string
import time

from ..module_utils._client import REGION_URLS, ExotelClient
from ..module_utils._live_check import PROBE_IP, RUN_ID_RE, LiveCheck
from ..module_utils._module import ExotelModule
from ..module_utils._recording import RecordingSession
from ..module_utils._validation import ValidationError, normalize_ipv4, normalize_phone_number, public_ipv4_problem, \
    validate_api_url

RUN_ID_CHARACTERS = string.ascii_lowercase + string.digits


def checked_options(params):
    """``(run_id, number, probe_ip)`` validated before any request."""
    run_id = params['run_id'] or ''.join(secrets.choice(RUN_ID_CHARACTERS) for _index in range(6))
    if not RUN_ID_RE.match(run_id):
        raise ValidationError('run_id', 'must be six lower-case letters or digits', run_id)
    number = normalize_phone_number(params['number'], 'number') if params['number'] else None
    probe_ip = normalize_ipv4(params['probe_ip'], 'probe_ip')
    problem = public_ipv4_problem(probe_ip)
    if problem:
        raise ValidationError('probe_ip', problem, probe_ip)
    return run_id, number, probe_ip


def recording_client(params, recorder, api_token, max_retries=None):
    """A client like every module's, whose requests go through ``recorder``; it never adopts cached trunks."""
    return ExotelClient(
        account_sid=params['account_sid'], api_key=params['api_key'], api_token=api_token,
        base_url=validate_api_url(params['api_url']) if params['api_url'] else REGION_URLS[params['region']],
        validate_certs=params['validate_certs'], timeout=params['timeout'],
        max_retries=params['max_retries'] if max_retries is None else max_retries,
        retry_max_wait=params['retry_max_wait'], rate_limit=params['rate_limit'], session=recorder, trunk_cache='off')


def main_logic(module):
    params = module.params
    run_id, number, probe_ip = checked_options(params)
    recorder = RecordingSession()
    client = recording_client(params, recorder, params['api_token'])
    recorder.redact = client.redact
    module._client = client   # so the result carries the usual api figures
    check = LiveCheck(client, recorder, run_id, number=number, read_only=params['read_only'] or module.check_mode,
                      probe_ip=probe_ip,
                      make_client=lambda token: recording_client(params, recorder, token, max_retries=0))
    module.module.no_log_values.update(check.secrets)   # masked in any output, should one ever show up
    started = time.monotonic()
    try:
        check.run()
    except Exception as exc:  # pylint: disable=broad-except
        # Everything created is gone already (run cleans up in a finally); say what stopped it.
        module.fail('The live check stopped: %s' % client.redact(str(exc)), **check.result(time.monotonic() - started))
    result = check.result(time.monotonic() - started)
    if check.left_behind:
        module.fail('The live check could not delete everything it created: %s. Delete it by hand.'
                    % '; '.join(check.left_behind), changed=result['writes'] > 0, **result)
    module.exit(changed=result['writes'] > 0, **result)


def main():
    module = ExotelModule(
        argument_spec=dict(
            run_id=dict(type='str'),
            number=dict(type='str'),
            read_only=dict(type='bool', default=False),
            probe_ip=dict(type='str', default=PROBE_IP),
        ),
    )
    module.run(main_logic)


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command line: ``python exotel_simulator.py --help``."""

from __future__ import annotations

import argparse
import json
import signal
import threading

from .config import SETTING_NAMES
from .constants import (
    BANNER, CREDENTIALS_SHAPES, DOMAIN_NAME_CHECKS, DUPLICATE_STYLES, EMPTY_TRUNK_NAME_READINGS, LOCAL_HOST,
    MASK_RANGES, MISSING_TRUNK_STYLES, NON_EXOPHONE_ERRORS, PROFILE_BANNER, PROFILE_NAMES, RATE_LIMIT_STYLES,
    RESERVED_FQDN_READINGS, SETTINGS_REPOST_STYLES,
)
from .simulator import ExotelSimulator
from .store import write_atomically

# One flag per reading that is a choice: (setting, choices, help). Unset flags leave the profile's value.
CHOICE_FLAGS = (
    ('duplicate_style', DUPLICATE_STYLES, 'envelope: HTTP 200 with response.code 409 (seen live); http409: HTTP 409'),
    ('missing_trunk_style', MISSING_TRUNK_STYLES, 'unknown trunk: 404/1003, 403/1003 or 404/1000 (all seen live)'),
    ('settings_repost', SETTINGS_REPOST_STYLES,
     'second POST of a stored setting name: overwrite, per-item 409/1008, or a whole-request duplicate when all repeat'),
    ('non_exophone_error', tuple(NON_EXOPHONE_ERRORS), 'mapping a number outside --exophones: 400/1002 or 404/1000'),
    ('reserved_fqdns', RESERVED_FQDN_READINGS,
     'whether destinations in reserved test domains (.example, .test, example.com, ...) resolve'),
    ('mask_range', tuple(MASK_RANGES), 'accepted whitelisted-IP masks: AR table 1-32 or the live 16-32'),
    ('domain_name_check', DOMAIN_NAME_CHECKS, "trunk domain_name: any hostname, or must end with .pstn.exotel.com"),
    ('empty_trunk_name', EMPTY_TRUNK_NAME_READINGS, 'trunk_name "": a missing parameter, or accepted (seen live once)'),
    ('rate_limit_style', RATE_LIMIT_STYLES, 'rate-limit refusal: HTTP 429, or HTTP 200 with response.code 429'),
    ('credentials_shape', CREDENTIALS_SHAPES, 'GET credentials: current list, or AR section 6 {username, password}'),
)
# Comma-separated lists: (setting, help).
LIST_FLAGS = (
    ('exophones', "the account's ExoPhones (E.164); only these can be mapped. Unset: any number; '' : none"),
    ('unresolvable_fqdns', 'FQDN destinations that do not resolve'),
    ('resolvable_fqdns', 'FQDN destinations that resolve even in a reserved test domain'),
)


def _comma_list(text):
    return [item.strip() for item in text.split(',') if item.strip()]


def build_parser():
    parser = argparse.ArgumentParser(description='Stateful local simulator of the Exotel SIP-trunking API.')
    parser.add_argument('--host', default=LOCAL_HOST, help='must be 127.0.0.1: the simulator never listens elsewhere')
    parser.add_argument('--port', type=int, default=0, help='TCP port; 0 picks a free one (default)')
    parser.add_argument('--port-file', help='write the chosen port to this file')
    parser.add_argument('--state-file', help='load state from / save it to this JSON file')
    parser.add_argument('--log-file', help='append every API request to this file as JSON lines')
    parser.add_argument('--faults', help='JSON file with a fault rule or a list of them')
    parser.add_argument('--account', action='append', metavar='SID:KEY:TOKEN',
                        help='an account to accept (repeatable); default: the docs\' sample account exoteltest')
    parser.add_argument('--profile', choices=PROFILE_NAMES,
                        help='default, or strict: the harsher reading of every switch (flags below override it)')
    parser.add_argument('--page-size', type=int, help='default and maximum list page size (50)')
    parser.add_argument('--rate-limit', type=int, help='requests per window per API key; 0 = unlimited (200)')
    parser.add_argument('--rate-window', type=float, help='rate-limit window in seconds (60)')
    parser.add_argument('--retry-after', action=argparse.BooleanOptionalAction,
                        help='send Retry-After with a rate-limit refusal (none is documented)')
    parser.add_argument('--numeric-strings', action=argparse.BooleanOptionalAction,
                        help='send every JSON integer of an answer (codes, mask, priority, ...) as a string')
    for name, choices, text in CHOICE_FLAGS:
        parser.add_argument('--' + name.replace('_', '-'), choices=choices, help=text)
    for name, text in LIST_FLAGS:
        parser.add_argument('--' + name.replace('_', '-'), type=_comma_list, metavar='A,B,...', help=text)
    return parser


def settings_of(args):
    """The settings given on the command line; the others keep the profile's (or base) value."""
    return {name: getattr(args, name) for name in SETTING_NAMES if getattr(args, name, None) is not None}


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.host != LOCAL_HOST:
        parser.error('--host must be %s: the simulator only listens on the loopback address' % LOCAL_HOST)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_signal_args: stopping.set())
    try:
        simulator = ExotelSimulator(port=args.port, state_file=args.state_file, log_file=args.log_file,
                                    accounts=args.account, **settings_of(args))
        if args.faults:
            with open(args.faults, encoding='utf-8') as stream:
                simulator.add_fault(json.load(stream))
        simulator.start()
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if args.port_file:
        write_atomically(args.port_file, '%d\n' % simulator.port)
    profile, overrides = simulator.describe_profile()
    print(BANNER.format(url=simulator.url), flush=True)
    print(PROFILE_BANNER.format(profile=profile, overrides=overrides), flush=True)
    while not stopping.wait(0.5):
        pass
    simulator.stop()
    return 0

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command line: ``python exotel_simulator.py --help``."""

from __future__ import annotations

import argparse
import json
import signal
import threading

from .constants import BANNER, DEFAULT_PAGE_SIZE, DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW, DUPLICATE_STYLES, LOCAL_HOST, MISSING_TRUNK_STYLES
from .simulator import ExotelSimulator
from .store import write_atomically


def build_parser():
    parser = argparse.ArgumentParser(description='Stateful local simulator of the Exotel SIP-trunking API.')
    parser.add_argument('--host', default=LOCAL_HOST, help='must be 127.0.0.1: the simulator never listens elsewhere')
    parser.add_argument('--port', type=int, default=0, help='TCP port; 0 picks a free one (default)')
    parser.add_argument('--port-file', help='write the chosen port to this file')
    parser.add_argument('--state-file', help='load state from / save it to this JSON file')
    parser.add_argument('--log-file', help='append every API request to this file as JSON lines')
    parser.add_argument('--page-size', type=int, default=DEFAULT_PAGE_SIZE, help='default and maximum list page size')
    parser.add_argument('--rate-limit', type=int, default=DEFAULT_RATE_LIMIT, help='requests per window per API key; 0 = unlimited')
    parser.add_argument('--rate-window', type=float, default=DEFAULT_RATE_WINDOW, help='rate-limit window in seconds')
    parser.add_argument('--no-retry-after', action='store_true', help='send 429 without a Retry-After header')
    parser.add_argument('--faults', help='JSON file with a fault rule or a list of them')
    parser.add_argument('--duplicate-style', choices=DUPLICATE_STYLES, default='envelope',
                        help='envelope: HTTP 200 with response.code 409 (seen live); http409: HTTP 409')
    parser.add_argument('--missing-trunk-style', choices=MISSING_TRUNK_STYLES, default='404',
                        help='404: 404/1003 "Resource not found"; 403: 403/1003 "Authorization failed" (seen live)')
    parser.add_argument('--account', action='append', metavar='SID:KEY:TOKEN',
                        help='an account to accept (repeatable); default: the docs\' sample account exoteltest')
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.host != LOCAL_HOST:
        parser.error('--host must be %s: the simulator only listens on the loopback address' % LOCAL_HOST)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_signal_args: stopping.set())
    try:
        simulator = ExotelSimulator(port=args.port, page_size=args.page_size, rate_limit=args.rate_limit,
                                    rate_window=args.rate_window, state_file=args.state_file, log_file=args.log_file,
                                    accounts=args.account, retry_after=not args.no_retry_after,
                                    duplicate_style=args.duplicate_style, missing_trunk_style=args.missing_trunk_style)
        if args.faults:
            with open(args.faults, encoding='utf-8') as stream:
                simulator.add_fault(json.load(stream))
        simulator.start()
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if args.port_file:
        write_atomically(args.port_file, '%d\n' % simulator.port)
    print(BANNER.format(url=simulator.url), flush=True)
    while not stopping.wait(0.5):
        pass
    simulator.stop()
    return 0

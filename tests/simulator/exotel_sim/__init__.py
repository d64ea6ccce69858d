# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stateful local simulator of Exotel's SIP-trunking REST API (``/v2/accounts/{sid}/trunks``).

Tests, benchmarks and users point the collection at this server to run playbooks offline. It is
built only from the project's three reference documents and is deliberately *no kinder* than they
are; where they allow two readings, each is a switch (``SimulatorConfig``), and the ``strict``
profile plays the harsher reading of all of them. Sources are cited as AR (``api-reference.md``),
DP (``developer-portal-pages.txt``) and NB (``NOTES.md``, grade A = captured live, B = documented).

Modules:

* ``constants``  - every documented fact, ASSUMPTION and READING, and the PROFILES table;
* ``config``     - SimulatorConfig: validated settings and profile selection;
* ``http_server``- the 127.0.0.1 HTTP server;
* ``simulator``  - ExotelSimulator: auth, rate limit, faults, the admin API, the request log;
* ``faults``     - the rate limiter and the fault-injection rules;
* ``api``        - routes and endpoint handlers;
* ``validation`` - the simulator's own copy of the validation rules (never the collection's);
* ``envelopes``  - errors and the documented envelopes;
* ``store``      - the state and its persistence;
* ``cli``        - the command line.

README.md next to ``exotel_simulator.py`` describes the API, the settings, the admin API and faults.
"""

from __future__ import annotations

from .cli import build_parser, main
from .config import SimulatorConfig
from .constants import PROFILES
from .simulator import ExotelSimulator

__all__ = ['ExotelSimulator', 'SimulatorConfig', 'PROFILES', 'build_parser', 'main']

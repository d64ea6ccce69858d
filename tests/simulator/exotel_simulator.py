# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Entry point of the Exotel API simulator; the code lives in the ``exotel_sim`` package beside it.

    python tests/simulator/exotel_simulator.py --help
    from exotel_simulator import ExotelSimulator        # with tests/simulator on sys.path

See README.md in this directory.
"""

from __future__ import annotations

import sys

# Run as a script or imported with tests/simulator on sys.path, the package beside this file is found.
from exotel_sim import PROFILES, ExotelSimulator, SimulatorConfig, main

__all__ = ['ExotelSimulator', 'SimulatorConfig', 'PROFILES', 'main']

if __name__ == '__main__':
    sys.exit(main())

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``python -m exotel_sim`` (from tests/simulator): the same command line as exotel_simulator.py."""

import sys

from .cli import main

sys.exit(main())

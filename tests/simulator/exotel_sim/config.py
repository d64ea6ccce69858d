# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run-time settings."""

from __future__ import annotations

from dataclasses import dataclass

from .constants import DEFAULT_PAGE_SIZE, DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW, DUPLICATE_STYLES, MISSING_TRUNK_STYLES
from .validation import is_int


def _positive_int(name, value):
    if not is_int(value) or value < 1:
        raise ValueError('%s must be a positive integer' % name)
    return value


def _non_negative_int(name, value):
    if not is_int(value) or value < 0:
        raise ValueError('%s must be an integer >= 0' % name)
    return value


def _positive_number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError('%s must be a number > 0' % name)
    return float(value)


def _boolean(name, value):
    if not isinstance(value, bool):
        raise ValueError('%s must be true or false' % name)
    return value


def _choice(choices):
    def check(name, value):
        value = str(value) if is_int(value) else value
        if value not in choices:
            raise ValueError('%s must be one of: %s' % (name, ', '.join(choices)))
        return value
    return check


@dataclass
class SimulatorConfig:
    """Run-time settings, changeable through ``configure()`` or ``POST /_simulator/config``."""

    page_size: int = DEFAULT_PAGE_SIZE
    rate_limit: int = DEFAULT_RATE_LIMIT
    rate_window: float = DEFAULT_RATE_WINDOW
    retry_after: bool = True
    duplicate_style: str = 'envelope'
    missing_trunk_style: str = '404'

    CHECKS = {
        'page_size': _positive_int,
        'rate_limit': _non_negative_int,      # 0 = unlimited
        'rate_window': _positive_number,
        'retry_after': _boolean,
        'duplicate_style': _choice(DUPLICATE_STYLES),
        'missing_trunk_style': _choice(MISSING_TRUNK_STYLES),
    }

    def update(self, changes):
        """Validate every change first, then apply them all (or none); raises ValueError."""
        unknown = sorted(set(changes) - set(self.CHECKS))
        if unknown:
            raise ValueError('unknown setting(s): %s' % ', '.join(unknown))
        checked = {name: self.CHECKS[name](name, value) for name, value in changes.items()}
        for name, value in checked.items():
            setattr(self, name, value)

    def as_dict(self):
        return {name: getattr(self, name) for name in self.CHECKS}

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run-time settings: the plain knobs, the account's data, and one switch per uncertain reading."""

from __future__ import annotations

from .constants import (
    CREDENTIALS_SHAPES, DEFAULT_PAGE_SIZE, DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW, DOMAIN_NAME_CHECKS,
    DUPLICATE_STYLES, E164_PATTERN, EMPTY_TRUNK_NAME_READINGS, MASK_RANGES, MISSING_TRUNK_STYLES,
    NON_EXOPHONE_ERRORS, PROFILE_NAMES, PROFILES, RATE_LIMIT_STYLES, RESERVED_FQDN_READINGS,
    SETTINGS_REPOST_STYLES,
)
from .validation import is_fqdn, is_int, matches


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
        value = str(value) if is_int(value) else value     # JSON 404 and "404" are the same style
        if value not in choices:
            raise ValueError('%s must be one of: %s' % (name, ', '.join(choices)))
        return value
    return check


def _hostnames(name, value):
    """A list of hostnames, kept lower-case (DNS names compare case-insensitively)."""
    if not isinstance(value, (list, tuple)) or not all(is_fqdn(item) for item in value):
        raise ValueError('%s must be a list of host names' % name)
    return [item.lower() for item in value]


def _exophones(name, value):
    """null (any number may be mapped) or the list of E.164 numbers the account owns."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(matches(E164_PATTERN, item) for item in value):
        raise ValueError('%s must be null or a list of E.164 numbers' % name)
    return list(value)


# Settings that are not readings: no profile touches them.
BASE_SETTINGS = {
    'page_size': DEFAULT_PAGE_SIZE,
    'rate_limit': DEFAULT_RATE_LIMIT,
    'rate_window': DEFAULT_RATE_WINDOW,
    'exophones': None,
    'unresolvable_fqdns': [],
    'resolvable_fqdns': [],
}

CHECKS = {
    'profile': _choice(PROFILE_NAMES),
    'page_size': _positive_int,
    'rate_limit': _non_negative_int,      # 0 = unlimited
    'rate_window': _positive_number,
    'exophones': _exophones,
    'unresolvable_fqdns': _hostnames,
    'resolvable_fqdns': _hostnames,
    'retry_after': _boolean,
    'duplicate_style': _choice(DUPLICATE_STYLES),
    'missing_trunk_style': _choice(MISSING_TRUNK_STYLES),
    'settings_repost': _choice(SETTINGS_REPOST_STYLES),
    'non_exophone_error': _choice(tuple(NON_EXOPHONE_ERRORS)),
    'reserved_fqdns': _choice(RESERVED_FQDN_READINGS),
    'mask_range': _choice(tuple(MASK_RANGES)),
    'domain_name_check': _choice(DOMAIN_NAME_CHECKS),
    'empty_trunk_name': _choice(EMPTY_TRUNK_NAME_READINGS),
    'rate_limit_style': _choice(RATE_LIMIT_STYLES),
    'numeric_strings': _boolean,
    'credentials_shape': _choice(CREDENTIALS_SHAPES),
}
SETTING_NAMES = tuple(CHECKS)
READING_NAMES = tuple(PROFILES['default'])


class SimulatorConfig:
    """The settings, changed through ``update`` (constructor kwargs, CLI, the admin API).

    ``profile`` selects a value for every reading at once; the other settings of the same call
    override it. A later call that names only some settings leaves the rest as they are.
    """

    def __init__(self, **changes):
        for name, value in BASE_SETTINGS.items():
            setattr(self, name, list(value) if isinstance(value, list) else value)
        self.update(dict(changes, profile=changes.get('profile', 'default')))

    def update(self, changes):
        """Validate every change first, then apply them all (or none); raises ValueError."""
        unknown = sorted(set(changes) - set(CHECKS))
        if unknown:
            raise ValueError('unknown setting(s): %s' % ', '.join(unknown))
        checked = {name: CHECKS[name](name, value) for name, value in changes.items()}
        if 'profile' in checked:
            checked = dict(PROFILES[checked['profile']], **checked)
        for name, value in checked.items():
            setattr(self, name, value)

    def as_dict(self):
        return {name: _copy(getattr(self, name)) for name in SETTING_NAMES}

    def overrides(self):
        """The readings whose value differs from what the active profile selects."""
        selected = PROFILES[self.profile]
        return {name: getattr(self, name) for name in READING_NAMES if getattr(self, name) != selected[name]}


def _copy(value):
    return list(value) if isinstance(value, list) else value

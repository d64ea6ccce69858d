# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""All API state, its persistence, and atomic file writes."""

from __future__ import annotations

import os
import secrets
import tempfile

from .constants import (
    CHILD_COLLECTIONS, FIRST_IDS, NEWEST_FIRST, TRUNK_DELETE_CASCADE, TRUNK_SID_HEX_BYTES, TRUNK_SID_PREFIX,
    TRUNK_SID_SUFFIX,
)


class Store:
    """All API state. Rows are kept exactly as the API returns them; passwords live apart.

    Not thread-safe by itself: the simulator holds its lock around every use. ``revision`` grows
    with every change so the caller knows when to persist.
    """

    def __init__(self):
        self.trunks = {}        # trunk_sid -> trunk row
        self.owners = {}        # trunk_sid -> account_sid
        self.rows = {}          # collection -> {id -> row}
        self.settings = {}      # trunk_sid -> {name -> row}
        self.passwords = {}     # credential id -> password; never part of any output
        self.counters = {}
        self.revision = 0
        self.clear()

    def clear(self):
        self.trunks.clear()
        self.owners.clear()
        self.rows = {collection: {} for collection in CHILD_COLLECTIONS}
        self.settings.clear()
        self.passwords.clear()
        self.counters = dict(FIRST_IDS)
        self.revision += 1

    def touch(self):
        self.revision += 1

    # Trunks -----------------------------------------------------------------------------

    def new_trunk_sid(self):
        while True:
            sid = TRUNK_SID_PREFIX + secrets.token_hex(TRUNK_SID_HEX_BYTES) + TRUNK_SID_SUFFIX
            if sid not in self.trunks:
                return sid

    def add_trunk(self, account_sid, row):
        self.trunks[row['trunk_sid']] = row
        self.owners[row['trunk_sid']] = account_sid
        self.touch()

    def trunks_of(self, account_sid):
        return [row for sid, row in self.trunks.items() if self.owners[sid] == account_sid]

    def remove_trunk(self, trunk_sid):
        """Delete a trunk and, per TRUNK_DELETE_CASCADE, everything configured on it."""
        for collection in TRUNK_DELETE_CASCADE:
            if collection == 'settings':
                self.settings.pop(trunk_sid, None)
                continue
            for row in self.children(collection, trunk_sid):
                self.remove(collection, row['id'])
        del self.owners[trunk_sid]
        row = self.trunks.pop(trunk_sid)
        self.touch()
        return row

    # Child rows -------------------------------------------------------------------------

    def next_id(self, collection):
        value = self.counters[collection]
        self.counters[collection] = value + 1
        return str(value)

    def insert(self, collection, row):
        self.rows[collection][row['id']] = row
        self.touch()
        return row

    def remove(self, collection, row_id):
        if collection == 'credentials':
            self.passwords.pop(row_id, None)
        row = self.rows[collection].pop(row_id)
        self.touch()
        return row

    def children(self, collection, trunk_sid):
        rows = [row for row in self.rows[collection].values() if row['trunk_sid'] == trunk_sid]
        return rows[::-1] if collection in NEWEST_FIRST else rows

    def child(self, collection, trunk_sid, row_id):
        row = self.rows[collection].get(row_id)
        return row if row is not None and row['trunk_sid'] == trunk_sid else None

    def mappings_of(self, account_sid, phone_number):
        """The account's mappings of one number, whichever trunk they are on."""
        return [row for row in self.rows['phone_numbers'].values()
                if row['phone_number'] == phone_number and self.owners.get(row['trunk_sid']) == account_sid]

    # Settings (one row per name and trunk) ----------------------------------------------

    def trunk_settings(self, trunk_sid):
        return self.settings.setdefault(trunk_sid, {})

    # Documents: persistence and dumps ---------------------------------------------------

    def to_document(self, include_secrets):
        """Plain JSON-able dict of the whole state; passwords only with ``include_secrets``."""
        credentials = [dict(row) for row in self.rows['credentials'].values()]
        if include_secrets:
            for row in credentials:
                row['password'] = self.passwords.get(row['id'])
        return {
            'format': 1,
            'counters': dict(self.counters),
            'trunks': [dict(row, account_sid=self.owners[sid]) for sid, row in self.trunks.items()],
            'phone_numbers': [dict(row) for row in self.rows['phone_numbers'].values()],
            'whitelisted_ips': [dict(row) for row in self.rows['whitelisted_ips'].values()],
            'destination_uris': [dict(row) for row in self.rows['destination_uris'].values()],
            'settings': [dict(row) for rows in self.settings.values() for row in rows.values()],
            'credentials': credentials,
        }

    def load_document(self, document):
        self.clear()
        self.counters.update({name: int(value) for name, value in document.get('counters', {}).items()})
        for row in document.get('trunks', []):
            row = dict(row)
            self.owners[row['trunk_sid']] = row.pop('account_sid')
            self.trunks[row['trunk_sid']] = row
        for collection in CHILD_COLLECTIONS:
            for row in document.get(collection, []):
                row = dict(row)
                if collection == 'credentials':
                    self.passwords[row['id']] = row.pop('password', None)
                self.rows[collection][row['id']] = row
        for row in document.get('settings', []):
            self.trunk_settings(row['trunk_sid'])[row['name']] = dict(row)
        self.touch()


def write_atomically(path, text):
    """Write to a temporary file in the same directory, then rename it over the target."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix='.exotel-simulator-', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise

# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP layer: a threading server on 127.0.0.1 that hands each request to the simulator."""

from __future__ import annotations

import json
import socket
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .constants import ADMIN_PREFIX
from .envelopes import ApiError, ApiResponse, error_envelope


@dataclass
class HttpRequest:
    """An API request as read off the wire; never logged whole (it holds credentials)."""

    method: str
    path: str
    query: dict
    headers: object
    body: bytes

    def api_path(self):
        """The path with a ".json" suffix removed (accepted and ignored everywhere)."""
        return self.path[:-len('.json')] if self.path.endswith('.json') else self.path


class SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server that can close its open keep-alive connections on stop."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, simulator):
        self.simulator = simulator
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def track(self, connection, is_open):
        with self._connections_lock:
            (self._connections.add if is_open else self._connections.discard)(connection)

    def close_connections(self):
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass    # already closed by the client


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads a request, hands it to the simulator and writes (or withholds) the answer."""

    protocol_version = 'HTTP/1.1'        # keep-alive, like the real API behind its load balancer
    server_version = 'ExotelSimulator/1.0'
    sys_version = ''
    timeout = 120                        # idle keep-alive connections end eventually
    disable_nagle_algorithm = True       # headers and body are separate writes: avoid 40 ms delayed-ACK stalls

    def setup(self):
        super().setup()
        self.server.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def do_GET(self):   # pylint: disable=invalid-name
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format, *args):   # pylint: disable=redefined-builtin
        """Silence the default stderr access log; the request log replaces it."""

    def _dispatch(self):
        body = self._read_body()
        target = urlsplit(self.path)
        simulator = self.server.simulator
        try:
            if target.path == ADMIN_PREFIX or target.path.startswith(ADMIN_PREFIX + '/'):
                status, payload = simulator.handle_admin(self.command, target.path, body)
                self._send(ApiResponse(status, json.dumps(payload).encode('utf-8')))
                return
            query = {name: values[0] for name, values in parse_qs(target.query, keep_blank_values=True).items()}
            response = simulator.handle_api(HttpRequest(self.command, target.path, query, self.headers, body))
        except Exception as error:  # pylint: disable=broad-except
            # A simulator bug must be loud, and must not look like a "drop" fault to the client.
            traceback.print_exc()
            failure = ApiError(500, 500, 'Internal Server Error', 'Simulator error: %s' % error)
            self._send(ApiResponse.json(500, error_envelope(self.command, failure)))
            return
        if response.drop:
            self.close_connection = True     # no status line at all: the client sees a disconnect
            return
        self._send(response)

    def _read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            self.close_connection = True
            return b''
        return self.rfile.read(length) if length > 0 else b''

    def _read_chunked(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b';', 1)[0].strip() or b'0', 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass    # trailers
                return b''.join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _send(self, response):
        self.send_response(response.status)
        self.send_header('Content-Type', response.content_type)
        self.send_header('Content-Length', str(len(response.payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.payload)

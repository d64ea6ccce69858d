# -*- coding: utf-8 -*-
# Copyright (c) 2026 Exotel SIP trunking maintainers (@exotel)
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator: state, API, faults and the admin API behind one lock."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import threading
import time
from collections import Counter

from .api import ExotelApi, RequestContext, endpoint_kind, resolve_route
from .config import SimulatorConfig
from .constants import ADMIN_PREFIX, DEFAULT_ACCOUNT, LOCAL_HOST, WRITE_METHODS
from .envelopes import ApiResponse, error_envelope, not_found, unauthorized
from .faults import FaultRule, RateLimiter, fault_response, finish_response, rate_limit_response
from .http_server import SimulatorServer
from .store import Store, write_atomically


ACCOUNT_PATH = re.compile(r'/v2/accounts/(?P<account>[^/]+)(?P<sub>/.*)?')


def parse_basic_auth(header):
    """``(api_key, api_token)`` from an HTTP Basic Authorization header, else None."""
    scheme, _space, value = (header or '').partition(' ')
    if scheme.lower() != 'basic':
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, separator, token = decoded.partition(':')
    return (key, token) if separator else None


def parse_accounts(accounts):
    """``{api_key: (account_sid, api_token)}`` from tuples, dicts or "SID:KEY:TOKEN" strings."""
    table = {}
    for account in accounts:
        if isinstance(account, str):
            account = account.split(':', 2)
        elif isinstance(account, dict):
            account = (account['account_sid'], account['api_key'], account['api_token'])
        if len(account) != 3 or not all(account):
            raise ValueError('an account is account_sid:api_key:api_token')
        sid, key, token = account
        table[key] = (sid, token)
    return table


def masked_body(raw):
    """A request's JSON body for the log, with every password replaced: what a test may assert on."""
    if not raw:
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        return '<not JSON>'

    def mask(value):
        if isinstance(value, dict):
            return {key: ('********' if key == 'password' else mask(item)) for key, item in value.items()}
        if isinstance(value, list):
            return [mask(item) for item in value]
        return value
    return mask(body)


class ExotelSimulator:
    """The simulator: state, API, admin API and HTTP server.

    ``ExotelSimulator(port=0, profile='strict', rate_limit=0).start()`` serves on 127.0.0.1 in a
    daemon thread; ``url`` gives the base URL. Keyword settings are those of SimulatorConfig.
    Everything is guarded by one lock; only fault delays happen outside it.
    """

    def __init__(self, port=0, *, state_file=None, log_file=None, accounts=None, **settings):
        self._lock = threading.RLock()
        self.config = SimulatorConfig(**settings)
        self.accounts = parse_accounts(accounts if accounts is not None else [DEFAULT_ACCOUNT])
        self.state_file = state_file
        self.log_file = log_file
        self._store = Store()
        self._api = ExotelApi(self._store, self.config)
        self._limiter = RateLimiter()
        self._faults = []
        self._log = []
        self._port = port
        self._server = None
        self._thread = None
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding='utf-8') as stream:
                self._store.load_document(json.load(stream))

    # Life cycle -------------------------------------------------------------------------

    def start(self):
        if self._server is not None:
            raise RuntimeError('the simulator is already running')
        self._server = SimulatorServer((LOCAL_HOST, self._port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.1},
                                        name='exotel-simulator', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is None:
            return
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._port = self._server.server_address[1]   # a restart reuses the port
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        if self._server is None:
            raise RuntimeError('the simulator is not running')
        return self._server.server_address[1]

    @property
    def url(self):
        return 'http://%s:%d' % (LOCAL_HOST, self.port)

    # Control (the admin API calls these too) --------------------------------------------

    def configure(self, **changes):
        with self._lock:
            self.config.update(changes)
            return self.config.as_dict()

    def reset(self, **changes):
        """Clear state, request log, faults and rate-limit windows; optionally reconfigure."""
        with self._lock:
            self.config.update(changes)
            self._store.clear()
            self._log.clear()
            self._faults.clear()
            self._limiter.reset()
            self._save_state()

    def add_fault(self, rule):
        """Add one rule (dict) or several (list); returns the rules as stored."""
        rules = [FaultRule(spec) for spec in (rule if isinstance(rule, list) else [rule])]
        with self._lock:
            self._faults.extend(rules)
        return [rule.as_dict() for rule in rules]

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def faults(self):
        with self._lock:
            return [rule.as_dict() for rule in self._faults]

    def requests(self):
        with self._lock:
            return [dict(entry) for entry in self._log]

    def stats(self):
        with self._lock:
            log = list(self._log)
        writes = sum(1 for entry in log if entry['write'])
        return {
            'total': len(log),
            'reads': len(log) - writes,
            'writes': writes,
            'by_method': dict(Counter(entry['method'] for entry in log)),
            'by_status': dict(Counter('dropped' if entry['status'] is None else str(entry['status']) for entry in log)),
            # Refused by the rate limiter, whichever rate_limit_style carried the 429.
            'rate_limited': sum(1 for entry in log if 429 in (entry['status'], entry['api_code']) and entry['fault'] is None),
        }

    def dump_state(self):
        """The whole state as plain dicts (no passwords), for assertions."""
        with self._lock:
            return self._store.to_document(include_secrets=False)

    @property
    def state(self):
        return self.dump_state()

    def check_password(self, credential_id, password):
        """True when the credential's stored password equals ``password`` (it is never returned)."""
        with self._lock:
            stored = self._store.passwords.get(str(credential_id))
        return stored is not None and secrets.compare_digest(stored.encode('utf-8'), password.encode('utf-8'))

    def describe_profile(self):
        """The profile and any reading set against it, for the command line's banner."""
        overrides = self.config.overrides()
        listed = ', '.join('%s=%s' % item for item in sorted(overrides.items()))
        return self.config.profile, (' (overridden: %s)' % listed) if listed else ''

    # The API ----------------------------------------------------------------------------

    def handle_api(self, request):
        """Answer one API request: auth, rate limit, faults, then the endpoint."""
        response, rule = self._admit(request)
        if response is None:
            if rule is not None and rule.action == 'delay':
                time.sleep(float(rule.spec.get('seconds', 1.0)))   # outside the lock: others go on
            response = self._apply(request, rule)
        self._record(request, response, rule)
        return response

    def _admit(self, request):
        """``(early response or None, fault rule or None)``, all under the lock."""
        with self._lock:
            numeric_strings = self.config.numeric_strings
            match = ACCOUNT_PATH.fullmatch(request.api_path())
            if match is None:
                return ApiResponse.json(404, error_envelope(request.method, not_found('Unknown path')), numeric_strings=numeric_strings), None
            api_key = self._authenticate(request, match['account'])
            if api_key is None:
                return ApiResponse.json(401, error_envelope(request.method, unauthorized()), numeric_strings=numeric_strings), None
            wait = self._limiter.admit(api_key, self.config.rate_limit, self.config.rate_window, time.monotonic())
            if wait is not None:
                return rate_limit_response(request.method, wait, self.config), None
            rule = self._select_fault(request.method, match['sub'] or '')
            if rule is not None and rule.answers_instead:
                return fault_response(rule, request.method, numeric_strings), rule
            return None, rule

    def _authenticate(self, request, account_sid):
        """The caller's API key when its token is right and the path's account is its own."""
        credentials = parse_basic_auth(request.headers.get('Authorization'))
        if credentials is None or credentials[0] not in self.accounts:
            return None
        key, token = credentials
        owner, expected = self.accounts[key]
        if owner != account_sid or not secrets.compare_digest(token.encode('utf-8'), expected.encode('utf-8')):
            return None
        return key

    def _select_fault(self, method, subpath):
        kind = endpoint_kind(subpath, method)
        for rule in self._faults:
            if rule.matches(method, subpath, kind) and rule.take():
                return rule
        return None

    def _apply(self, request, rule):
        with self._lock:
            match = ACCOUNT_PATH.fullmatch(request.api_path())
            subpath = match['sub'] or ''
            route = resolve_route(subpath, request.method)
            numeric_strings = self.config.numeric_strings
            if route is None:
                error = not_found('Unknown path %s' % request.path)
                return ApiResponse.json(404, error_envelope(request.method, error), numeric_strings=numeric_strings)
            handler_name, params = route
            params['path'] = subpath
            ctx = RequestContext(request.method, match['account'], params, request.query)
            if rule is not None and rule.action == 'fail_items':
                ctx.failing_items, ctx.item_error = frozenset(rule.spec['items']), rule.item_error()
            revision = self._store.revision
            status, body = self._api.handle(ctx, handler_name, request.body, request.headers.get('Content-Type'))
            if self._store.revision != revision:
                self._save_state()
            return finish_response(rule, ctx, status, body, numeric_strings)

    def _record(self, request, response, rule):
        """Append to the request log: never headers; bodies only with every password masked."""
        with self._lock:
            entry = {
                'seq': len(self._log) + 1,
                'time': time.time(),
                'method': request.method,
                'path': request.path,
                'query': dict(request.query),
                'status': None if response.drop else response.status,
                'api_code': None if response.drop else response.api_code,
                'write': request.method in WRITE_METHODS,
                'fault': rule.action if rule is not None else None,
                'body': masked_body(request.body),
            }
            self._log.append(entry)
            if self.log_file:
                with open(self.log_file, 'a', encoding='utf-8') as stream:
                    stream.write(json.dumps(entry) + '\n')

    def _save_state(self):
        if self.state_file:
            # The state file is the simulator's own database: it keeps passwords (mode 0600).
            write_atomically(self.state_file, json.dumps(self._store.to_document(include_secrets=True), indent=1))

    # The admin API ----------------------------------------------------------------------

    def handle_admin(self, method, path, raw_body):
        """``(status, JSON body)`` for ``/_simulator/...``: no auth, no rate limit, no log."""
        endpoints = {
            ('GET', 'health'): lambda body: {'ok': True},
            ('POST', 'reset'): lambda body: self.reset(**body) or {'ok': True, 'config': self.config.as_dict()},
            ('GET', 'config'): lambda body: self.config.as_dict(),
            ('POST', 'config'): lambda body: self.configure(**body),
            ('GET', 'requests'): lambda body: {'requests': self.requests()},
            ('GET', 'stats'): lambda body: self.stats(),
            ('GET', 'faults'): lambda body: {'faults': self.faults()},
            ('POST', 'faults'): lambda body: {'faults': self.add_fault(body)},
            ('DELETE', 'faults'): lambda body: self.clear_faults() or {'faults': []},
            ('GET', 'state'): lambda body: self.dump_state(),
            # For playbook tests: whether a credential's password is the one given (it is never output).
            ('POST', 'check-password'): lambda body: {'match': self.check_password(body['id'], body['password'])},
        }
        endpoint = endpoints.get((method, path[len(ADMIN_PREFIX):].strip('/')))
        if endpoint is None:
            return 404, {'error': 'unknown admin endpoint %s %s' % (method, path)}
        try:
            body = json.loads(raw_body.decode('utf-8')) if raw_body.strip() else {}
            if path.endswith(('/reset', '/config', '/check-password')) and not isinstance(body, dict):
                raise ValueError('the body must be a JSON object')
            return 200, endpoint(body)
        except (ValueError, TypeError, KeyError) as error:
            return 400, {'error': str(error)}

"""Stand-ins the unit tests script: a clock that moves only when slept on, HTTP answers, a session.

One copy for every test file of the client, the pacer and the shared state, so a change to what
the client hands to ``requests`` is made here once.
"""

import json


class FakeTime:
    """A wall clock that only moves when someone sleeps (or the test moves it)."""

    def __init__(self, now=1000000.0):
        self.now = now
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class Answer:
    """What ``requests`` would return: a status, headers and a body (JSON-encoded unless ``text``)."""

    def __init__(self, status, body=None, headers=None, text=None):
        self.status_code = status
        self.headers = headers or {}
        self.text = text if text is not None else ('' if body is None else json.dumps(body))


class FakeSession:
    """Answers requests from a script, in order, and records everything that was sent.

    An exception in the script is raised when its request arrives; a callable is called then
    (something else happening meanwhile, e.g. another fork) and returns the answer.
    """

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, params=None, data=None, headers=None, timeout=None, verify=None):
        self.sent.append({'method': method, 'url': url, 'params': params, 'data': data,
                          'body': json.loads(data) if data else None, 'headers': headers,
                          'timeout': timeout, 'verify': verify})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer() if callable(answer) else answer

"""A live Werkzeug server on a free loopback port, in a thread, for Chromium or a real client."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from werkzeug.serving import make_server


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(  # a short poll: shutdown() returns at once
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _csrf(page: str) -> str:
    import re

    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def client_from(address: str) -> Any:
    """A ``requests`` session connecting from one loopback address (127.0.0.x): another
    client as far as per-address limits go."""
    import requests
    from requests.adapters import HTTPAdapter

    class SourceAddress(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["source_address"] = (address, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", SourceAddress())
    return session


def staff_login(base_url: str, email: str, password: str, code: str | None = None,
                session: Any = None, next_target: str | None = None) -> tuple[Any, Any]:
    """Log in through the real forms (cookies, CSRF tokens; ``code`` for the second step
    when asked). Returns the session and the last answer (redirects not followed)."""
    from urllib.parse import quote

    import requests

    http = session or requests.Session()
    token = _csrf(http.get(f"{base_url}/admin/login", timeout=30).text)
    url = f"{base_url}/admin/login" + (f"?next={quote(next_target, safe='')}"
                                       if next_target is not None else "")
    answer = http.post(url, data={"csrf_token": token, "email": email, "password": password},
                       allow_redirects=False, timeout=30)
    if code is not None and answer.headers.get("Location", "").endswith("/admin/login/code"):
        token = _csrf(http.get(f"{base_url}/admin/login/code", timeout=30).text)
        answer = http.post(f"{base_url}/admin/login/code", timeout=30, allow_redirects=False,
                           data={"csrf_token": token, "code": code})
    return http, answer

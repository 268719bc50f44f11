"""Public pages answered before Flask: the last response of each address, kept a moment.

A published page's bytes and headers depend only on the address asked (scheme, Host and the
proxy's forwarded headers, path) while its site renderer lives (``app.website.serving``), and
a public page never sets a cookie nor reads one. So this WSGI layer keeps the complete 200
response Flask gave for a GET of a public page, and for ESTRADE_CONTENT_RECHECK_SECONDS
answers the same address from memory, or 304 to a matching ``If-None-Match``, without
entering Flask at all: no request context, routing, hooks or response objects. After that
time the next request goes through Flask again, which re-checks the site (a page published
since, the theme, the campaign) as before: a change shows within the same bound as without
this layer. Off when the recheck time is 0 (the tests' setting). Per worker, bounded.

Only responses the public site's views mark (``environ[CACHEABLE]``) are kept: never the
staff area, ``/don``, the webhook, a response with a cookie, or an address with a query.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

CACHEABLE = "estrade.cacheable"  # set in the WSGI environ by the public views
MAX_BYTES = 32 * 1024 * 1024  # per worker
_KEY_FIELDS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT",
               "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_PORT",
               "HTTP_X_FORWARDED_PREFIX", "SCRIPT_NAME", "PATH_INFO")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _Kept:
    __slots__ = ("body", "etag", "headers", "taken")

    def __init__(self, headers: list[tuple[str, str]], body: bytes, taken: float) -> None:
        self.headers = headers
        self.body = body
        self.taken = taken
        self.etag = next((v for k, v in headers if k.lower() == "etag"), "")


class PublicPages:
    """WSGI middleware in front of the app (and of ProxyFix: the key holds the raw headers)."""

    def __init__(self, app: WSGIApp, max_age: float) -> None:
        self.app = app
        self.max_age = max_age
        self._kept: OrderedDict[tuple[Any, ...], _Kept] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (self.max_age <= 0 or environ.get("REQUEST_METHOD") != "GET"
                or environ.get("QUERY_STRING") or ("HTTP_IF_MODIFIED_SINCE" in environ
                and "HTTP_IF_NONE_MATCH" not in environ)):
            return self.app(environ, start_response)
        key = tuple(environ.get(name) for name in _KEY_FIELDS)
        kept = self._kept.get(key)
        if kept is not None and time.monotonic() - kept.taken < self.max_age:
            match = environ.get("HTTP_IF_NONE_MATCH")
            if match and kept.etag and kept.etag in (m.strip() for m in match.split(",")):
                start_response("304 NOT MODIFIED", [(k, v) for k, v in kept.headers
                                                    if k.lower() not in ("content-length",
                                                                         "content-type")])
                return [b""]
            start_response("200 OK", kept.headers)
            return [kept.body]
        return self._through_app(key, environ, start_response)

    def _through_app(self, key: tuple[Any, ...], environ: dict[str, Any],
                     start_response: StartResponse) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(
                status, headers)

        result = self.app(environ, remember)
        if not environ.get(CACHEABLE) or not str(seen.get("status", "")).startswith("200"):
            return result
        headers = list(seen["headers"])
        if any(k.lower() == "set-cookie" for k, _ in headers):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        with self._lock:
            old = self._kept.pop(key, None)
            self._bytes -= len(old.body) if old else 0
            self._kept[key] = _Kept(headers, body, time.monotonic())
            self._bytes += len(body)
            while self._bytes > MAX_BYTES and self._kept:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped.body)
        return [body]

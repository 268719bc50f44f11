"""Stripe test fixtures (localstripe server, signed events, recording client).

Fixtures (registered for the whole suite by ``tests/conftest.py``):

* ``localstripe`` (session): a real localstripe process on 127.0.0.1 (see
  ``tests/support/localstripe_launcher.py``); ``.url``, ``.flush()``, ``.register_webhook()``,
  ``.mute_webhooks()``.
* ``stripe_server``: the same server, flushed before the test, webhooks muted after it.
* ``stripe_recorder``: a ``stripe.HTTPClient`` recording every request; passes through to the
  real server unless a canned response was registered with ``.stub()``.
* ``stripe_gateway``: a ``StripeGateway`` on ``stripe_server`` through ``stripe_recorder``.
* ``stripe_config``: the Flask settings pointing an app at ``stripe_server``.
* ``signed_event``: ``signed_event(type, obj) -> (body_bytes, headers)`` for /stripe/webhook.
* ``webhook_receiver``: a tiny HTTP server collecting what localstripe delivers.

Events localstripe cannot emit are built with ``tests.support.stripe_shapes`` from real
localstripe objects.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import selectors
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import stripe
from requests.structures import CaseInsensitiveDict

from app.donations.stripe.gateway import StripeGateway
from app.donations.stripe.signing import build_event, random_id, sign_payload

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET_KEY = "sk_test_estrade_localstripe"
WEBHOOK_SECRET = "whsec_test_estrade"
WEBHOOK_DELAY = float(os.environ.get("LOCALSTRIPE_WEBHOOK_DELAY", "0.2"))
STARTUP_TIMEOUT = 30.0


# -- the localstripe server ------------------------------------------------------------------


class LocalStripe:
    """Handle on a running localstripe process."""

    def __init__(self, url: str, webhook_delay: float = WEBHOOK_DELAY) -> None:
        self.url = url
        self.webhook_delay = webhook_delay
        self._webhooks: dict[str, dict[str, Any]] = {}

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> int:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            return int(exc.code)

    def answers(self) -> bool:
        try:
            return self._call("GET", "/_config/ping") > 0  # any HTTP status will do
        except OSError:
            return False

    def flush(self) -> None:
        """Forget every object (webhook registrations survive: see mute_webhooks)."""
        status = self._call("DELETE", "/_config/data")
        assert status == 200, f"localstripe flush answered {status}"

    def register_webhook(self, url: str, secret: str = WEBHOOK_SECRET,
                         events: list[str] | None = None, endpoint_id: str = "app") -> None:
        body: dict[str, Any] = {"url": url, "secret": secret}
        if events is not None:
            body["events"] = events
        status = self._call("POST", f"/_config/webhooks/{endpoint_id}", body)
        assert status == 200, f"localstripe webhook registration answered {status}"
        self._webhooks[endpoint_id] = body

    def mute_webhooks(self) -> None:
        """Stop every delivery, then wait out the events already waiting to be sent.

        Registrations outlive a flush and their target is read at send time, so without this
        an event of test N would be delivered to test N+1's endpoint.
        """
        if not any(hook.get("events") != [] for hook in self._webhooks.values()):
            return
        for endpoint_id, hook in self._webhooks.items():
            muted = {**hook, "events": []}
            assert self._call("POST", f"/_config/webhooks/{endpoint_id}", muted) == 200
            self._webhooks[endpoint_id] = muted
        time.sleep(self.webhook_delay + 0.3)


def _read_port(process: subprocess.Popen[bytes], log: Path) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=0.2):
                line = process.stdout.readline().decode()
                if line.startswith("LISTENING "):
                    return int(line.split()[1])
                if not line:
                    break
            if process.poll() is not None:
                break
    raise RuntimeError(f"localstripe did not start:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStripe]:
    if importlib.util.find_spec("localstripe") is None:
        reason = "localstripe is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") or os.environ.get("ESTRADE_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    log = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    env = {**os.environ, "LOCALSTRIPE_WEBHOOK_DELAY": str(WEBHOOK_DELAY)}
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.localstripe_launcher", "--port", "0"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr)
    try:
        server = LocalStripe(f"http://127.0.0.1:{_read_port(process, log)}")
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.answers():
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"localstripe does not answer:\n{log.read_text()}")
            time.sleep(0.05)
        yield server
    finally:
        _stop(process)


@pytest.fixture
def stripe_server(localstripe: LocalStripe) -> Iterator[LocalStripe]:
    localstripe.flush()
    try:
        yield localstripe
    finally:
        localstripe.mute_webhooks()


@pytest.fixture
def stripe_config(stripe_server: LocalStripe) -> dict[str, Any]:
    """Settings for ``make_app(..., **stripe_config)`` pointing the app at localstripe."""
    return {"STRIPE_SECRET_KEY": TEST_SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": stripe_server.url}


# -- recording HTTP client -------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    url: str
    headers: CaseInsensitiveDict[str]
    params: dict[str, str]  # decoded form body (POST) or query string, flat Stripe keys

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


Transform = Callable[[RecordedRequest, dict[str, Any]], None]


@dataclass
class _Stub:
    method: str
    path: str
    body: dict[str, Any]
    status: int = 200
    params: dict[str, str] | None = None

    def matches(self, request: RecordedRequest) -> bool:
        return (self.method == request.method and self.path == request.path
                and all(request.params.get(k) == v for k, v in (self.params or {}).items()))


class StripeRecorder(stripe.HTTPClient):
    """Records (method, url, headers, params); answers canned JSON or passes through."""

    name = "estrade-recorder"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self._session = requests.Session()
        self._inner = stripe.RequestsClient(session=self._session, timeout=30)
        self._stubs: list[_Stub] = []
        self._transforms: list[Transform] = []
        self._lost: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def lose_answer(self, method: str, path: str, times: int = 1) -> None:
        """Let ``method path`` reach the server, then lose its answer ``times`` times, as a
        timeout does: Stripe did it, the caller never hears so."""
        self._lost.extend([(method.upper(), path)] * times)

    def stub(self, method: str, path: str, body: dict[str, Any], status: int = 200,
             params: Mapping[str, str] | None = None) -> None:
        """Answer ``method path`` with ``body`` instead of the server (the query is ignored,
        unless ``params`` names values it must hold)."""
        self._stubs.insert(0, _Stub(method.upper(), path, body, status,
                                    dict(params) if params is not None else None))

    def add_transform(self, transform: Transform) -> None:
        """Edit every JSON answer passed through (e.g. to give a charge a real-looking fee)."""
        self._transforms.append(transform)

    def add_fee(self, balance_transaction_id: str, fee_cents: int) -> None:
        """Make ``balance_transaction_id`` carry ``fee_cents`` wherever it appears inlined."""

        def visit(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("object") == "balance_transaction" and \
                        node.get("id") == balance_transaction_id:
                    node["fee"] = fee_cents
                    node["net"] = int(node.get("amount", 0)) - fee_cents
                    node["fee_details"] = [{"amount": fee_cents, "application": None,
                                            "currency": node.get("currency", "eur"),
                                            "description": "Stripe processing fees",
                                            "type": "stripe_fee"}]
                for value in node.values():
                    visit(value)
            elif isinstance(node, list):
                for value in node:
                    visit(value)

        self.add_transform(lambda _request, body: visit(body))

    def find(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests if (method is None or r.method == method.upper())
                and (path is None or r.path == path)]

    def last(self, method: str, path: str) -> RecordedRequest:
        found = self.find(method, path)
        assert found, f"no {method} {path} among {[(r.method, r.path) for r in self.requests]}"
        return found[-1]

    def request(self, method: str, url: str, headers: Mapping[str, str] | None,
                post_data: Any = None) -> tuple[bytes, int, Mapping[str, str]]:
        method = method.upper()
        raw = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
        if method == "GET" or method == "DELETE":
            raw = urlsplit(url).query
        recorded = RecordedRequest(method, url, CaseInsensitiveDict(headers or {}),
                                   dict(parse_qsl(raw, keep_blank_values=True)))
        with self._lock:
            self.requests.append(recorded)
            stub = next((s for s in self._stubs if s.matches(recorded)), None)
        if stub is not None:
            answer_headers = CaseInsensitiveDict({"Content-Type": "application/json",
                                                  "Request-Id": random_id("req_", 14)})
            return json.dumps(stub.body).encode(), stub.status, answer_headers
        content, status, answer = self._inner.request(method, url, headers, post_data)
        with self._lock:
            lost = (method, recorded.path) in self._lost
            if lost:
                self._lost.remove((method, recorded.path))
        if lost:
            raise stripe.APIConnectionError(
                "Request timed out (the server did it; the answer was lost)")
        if self._transforms and 200 <= status < 300:
            body = json.loads(content)
            for transform in self._transforms:
                transform(recorded, body)
            content = json.dumps(body).encode()
        return content, status, answer

    def request_stream(self, method: str, url: str, headers: Mapping[str, str] | None,
                       post_data: Any = None) -> tuple[Any, int, Mapping[str, str]]:
        raise NotImplementedError("streaming is not used by Estrade")

    def close(self) -> None:
        self._session.close()


@pytest.fixture
def stripe_recorder() -> Iterator[StripeRecorder]:
    recorder = StripeRecorder()
    try:
        yield recorder
    finally:
        recorder.close()


@pytest.fixture
def stripe_gateway(stripe_server: LocalStripe,
                   stripe_recorder: StripeRecorder) -> Iterator[StripeGateway]:
    config = {"STRIPE_SECRET_KEY": TEST_SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
              "STRIPE_API_BASE": stripe_server.url}
    with StripeGateway.from_config(config, http_client=stripe_recorder,
                                   max_network_retries=0) as gateway:
        yield gateway


# -- signed events ---------------------------------------------------------------------------


def sign_event(event_type: str, obj: dict[str, Any], *, secret: str = WEBHOOK_SECRET,
               timestamp: int | None = None, **event_kwargs: Any,
               ) -> tuple[bytes, dict[str, str]]:
    """A current-shape Event around ``obj``, serialised and signed like Stripe does."""
    event = build_event(event_type, obj, **event_kwargs)
    body = json.dumps(event, indent=2).encode()
    return body, {"Stripe-Signature": sign_payload(body, secret, timestamp),
                  "Content-Type": "application/json; charset=utf-8"}


@pytest.fixture
def signed_event() -> Callable[..., tuple[bytes, dict[str, str]]]:
    """``signed_event(type, obj, *, secret=, timestamp=, event_id=, created=)``."""
    return sign_event


# -- receiving what localstripe delivers -----------------------------------------------------


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


class WebhookReceiver:
    """A 127.0.0.1 HTTP server answering 200 to every POST and keeping what it got."""

    def __init__(self) -> None:
        self.deliveries: queue.Queue[Delivery] = queue.Queue()
        deliveries = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                deliveries.put(Delivery(body, dict(self.headers.items())))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/stripe/webhook"
        self._thread = threading.Thread(  # a short poll: shutdown() returns at once
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def wait_for(self, event_type: str, timeout: float = 10.0) -> Delivery:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {event_type} delivered within {timeout} s")
            try:
                delivery = self.deliveries.get(timeout=remaining)
            except queue.Empty:
                continue
            if delivery.event.get("type") == event_type:
                return delivery

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.close()

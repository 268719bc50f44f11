"""The unsubscribe link against a live server (raw HTTP, CSRF on): a forged token, a token
signed with another key or for another site gets 404 and changes nothing; opening the real
link changes nothing; only the POST carrying the page's CSRF token withdraws the consent."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from itsdangerous import URLSafeSerializer

from app.campaigns.service import create_site
from app.donations import consent
from app.extensions import db
from app.mail import UNSUBSCRIBE_SALT, unsubscribe_token
from tests.factories import demo_site, tx
from tests.support.live import LiveServer

EMAIL = "alice@example.org"


@pytest.fixture
def live(app: Flask, demo_site: Any) -> Iterator[LiveServer]:
    app.config.update(WTF_CSRF_ENABLED=True)
    tx(consent.record, demo_site.id, EMAIL, consent.GIVEN, source="test")
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


def _request(server: LiveServer, method: str, path: str, body: str = "",
             cookie: str = "") -> tuple[int, str, dict[str, str]]:
    port = int(server.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": f"127.0.0.1:{port}"}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, path, body=body.encode() or None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    found = {k.lower(): v for k, v in response.getheaders()}
    connection.close()
    return response.status, text, found


def _subscribed() -> bool:
    db.session.rollback()
    return consent.subscribed(demo_site().id, EMAIL)


def test_forged_and_foreign_tokens_change_nothing(live: LiveServer, app: Flask) -> None:
    other = create_site("rivale", "Liste rivale")
    db.session.commit()
    good = unsubscribe_token(demo_site().id, EMAIL)
    foreign_key = URLSafeSerializer("une-autre-cle", salt=UNSUBSCRIBE_SALT).dumps(
        [demo_site().id, EMAIL])
    for token in (good[:-3] + "xyz", foreign_key, unsubscribe_token(other.id, EMAIL),
                  "nimporte-quoi"):
        assert _request(live, "GET", f"/desinscription/{token}")[0] == 404, token
        # Without the page's CSRF token a POST stops at 400 before the view; with a valid
        # session and CSRF token, the forged link is still unknown.
        assert _request(live, "POST", f"/desinscription/{token}")[0] == 400, token
    path = f"/desinscription/{good}"
    _, page, headers = _request(live, "GET", path)
    cookie = headers["set-cookie"].split(";", 1)[0]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    forged = f"/desinscription/{good[:-3]}xyz"
    assert _request(live, "POST", forged, f"csrf_token={csrf.group(1)}", cookie)[0] == 404
    assert _subscribed()


def test_only_the_confirmed_post_withdraws(live: LiveServer) -> None:
    path = f"/desinscription/{unsubscribe_token(demo_site().id, EMAIL)}"
    status, page, headers = _request(live, "GET", path)
    assert status == 200 and _subscribed()  # a mail scanner opening the link: nothing
    assert headers["referrer-policy"] == "no-referrer"
    cookie = headers["set-cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    assert _request(live, "POST", path, cookie=cookie)[0] == 400  # no CSRF token
    assert _request(live, "POST", path, f"csrf_token={token.group(1)}")[0] == 400  # no cookie
    assert _subscribed()
    status, done, _ = _request(live, "POST", path, f"csrf_token={token.group(1)}", cookie)
    assert status == 200 and "Désinscription enregistrée" in done
    assert not _subscribed()

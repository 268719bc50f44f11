"""An attacker against a live server (raw HTTP: nothing normalises the requests): traversal in
/media, open redirects after login, a rival site's resources, unknown host names, oversized
bodies, a session cookie replayed after logout, guessing passwords (security issue,
acceptance 1; the /don oracle has its own live tests in tests/donations)."""

from __future__ import annotations

import http.client
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.config import PROJECT_ROOT
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import PASSWORD, create_user, identity, totp_code, tx
from tests.support.live import LiveServer, client_from, staff_login


@pytest.fixture
def live(app: Flask, users: dict[str, Any], tmp_path: Path) -> Iterator[LiveServer]:
    """The app with CSRF on, its content copied (nothing may be written into the repository),
    served on loopback."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content" / "demo", content / "demo")
    app.config.update(WTF_CSRF_ENABLED=True, ESTRADE_CONTENT_DIR=str(content))
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


def raw(server: LiveServer, method: str, path: str, *, host: str | None = None,
        body: bytes | None = None, headers: dict[str, str] | None = None
        ) -> http.client.HTTPResponse:
    port = int(server.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_media_traversal_writes_nothing_outside_the_cache(live: LiveServer, app: Flask,
                                                         tmp_path: Path) -> None:
    media = (tmp_path / "content" / "demo" / "media").resolve()
    cache = (Path(app.instance_path) / "cache" / "images" / "demo" / "480").resolve()
    climb = "../" * len(cache.parts)
    attacks = [
        f"/media/_img/480/{climb}{media.relative_to('/').as_posix()}/reunion-publique.webp",
        "/media/_img/480/../../../../content/demo/media/reunion-publique.webp",
        "/media/_img/480/./reunion-publique.webp",
        "/media/_img/480/%2e%2e/%2e%2e/reunion-publique.webp",
        "/media/../site.toml", "/media/%2e%2e/site.toml", "/media//etc/passwd",
        "/_theme/../../instance/config.py", "/_theme/%2e%2e/%2e%2e/instance/config.py",
    ]
    before = _files(tmp_path)
    for path in attacks:
        response = raw(live, "GET", path)
        if response.status == 308:  # Werkzeug merges "//" first: the same site, then 404
            location = response.getheader("Location", "")
            assert location.startswith(("/", live.url)), location
            response = raw(live, "GET", location.removeprefix(live.url))
        assert response.status == 404, path
    created = _files(tmp_path) - before
    assert all(name.startswith("instance/cache/images/demo/") and ".." not in name
               for name in created), created
    assert not (media / "reunion-publique.webp").exists()
    assert raw(live, "GET", "/media/_img/480/reunion-publique.webp").status == 200


def _login(server: LiveServer, next_target: str) -> str:
    """Log in through the real forms (cookie, CSRF token, second factor); return the
    Location header of the last step."""
    _, answer = staff_login(server.url, "admin@example.org", PASSWORD,
                            code=totp_code("admin@example.org"), next_target=next_target)
    assert answer.status_code == 302, answer.status_code
    return answer.headers.get("Location", "")


@pytest.mark.parametrize("target", [
    "////evil.example", "//evil.example/admin/", "/\\evil.example", "\\/evil.example",
    "https://evil.example/admin/", "/\t/evil.example", "/%2F%2Fevil.example",
    "javascript:alert(1)", "/admin/../..//evil.example"])
def test_login_never_sends_anyone_to_another_site(live: LiveServer, target: str) -> None:
    location = _login(live, target)
    assert location in ("/admin/", f"{live.url}/admin/"), location


def test_a_rival_campaign_reveals_nothing_to_another_sites_staff(live: LiveServer,
                                                                app: Flask) -> None:
    spec = parse_campaign_file(PROJECT_ROOT / "content" / "demo" / "campaign.toml")
    with app.app_context():
        site = tx(create_site, "rivale", "Liste rivale", ["rivale.example"])
        tx(load_campaign, site, spec)
        create_user("tresorier.rival@example.org", "treasurer", sites=[site])
        tx(record_gift, GiftInput(campaign_id=site.campaign.id, amount_cents=50_000,
                                  on=date(2026, 11, 15), method="cheque",
                                  identity=identity("Secrète", "Donatrice")))
        rival_campaign = site.campaign.id

    session, _ = staff_login(live.url, "treasurer@example.org", PASSWORD,
                             code=totp_code("treasurer@example.org"))
    with session:
        own = session.get(f"{live.url}/admin/tresorerie/")
        assert own.status_code == 200 and "Liste rivale" not in own.text
        for url in (f"/admin/tresorerie/{rival_campaign}/donateurs.csv",
                    f"/admin/tresorerie/{rival_campaign}/donateurs.xlsx"):
            response = session.get(f"{live.url}{url}", allow_redirects=False)
            assert response.status_code == 404 and "Secrète" not in response.text


def test_unknown_host_names_get_nothing(live: LiveServer) -> None:
    for path in ("/", "/don", "/sitemap.xml", "/media/reunion-publique.jpg"):
        assert raw(live, "GET", path, host="evil.example").status == 404, path
    page = raw(live, "GET", "/programme/", host="localhost")
    assert page.status == 200


def test_a_spoofed_host_never_reaches_canonical_addresses(live: LiveServer) -> None:
    import requests

    html = requests.get(f"{live.url}/programme/", headers={
        "Host": "localhost", "X-Forwarded-Host": "evil.example"}).text
    assert "evil.example" not in html
    assert '<link rel="canonical" href="http://127.0.0.1:5000/programme/">' in html


def test_an_oversized_body_is_refused_before_it_is_read(live: LiveServer) -> None:
    body = b"{" + b" " * (8 * 1024 * 1024) + b"}"
    response = raw(live, "POST", "/stripe/webhook", body=body,
                   headers={"Content-Type": "application/json", "Stripe-Signature": "t=1,v1=0"})
    assert response.status == 413


def test_a_cookie_replayed_after_logout_opens_nothing(live: LiveServer) -> None:
    session, answer = staff_login(live.url, "admin@example.org", PASSWORD,
                                  code=totp_code("admin@example.org"))
    assert answer.status_code == 302
    stolen = session.cookies.get("session")
    assert stolen and session.get(f"{live.url}/admin/", allow_redirects=False).status_code == 200
    page = session.get(f"{live.url}/admin/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:500]
    assert session.post(f"{live.url}/admin/logout", data={"csrf_token": token.group(1)},
                        allow_redirects=False).status_code == 302
    for path in ("/admin/", "/admin/equipe", "/admin/tresorerie/"):
        replayed = raw(live, "GET", path, headers={"Cookie": f"session={stolen}"})
        assert replayed.status == 302, path
        assert "/admin/login" in replayed.getheader("Location", ""), path


def _wrong(server: LiveServer, email: str, address: str) -> Any:
    http = client_from(address)
    _, answer = staff_login(server.url, email, "pas-le-bon-mot-de-passe", session=http)
    return answer


def test_guessing_passwords_gets_429_in_french(live: LiveServer) -> None:
    # One account from many addresses: 5 failures, then 429 from anywhere, even with the
    # right password; the answer is the same for an address no account has.
    for email in ("admin@example.org", "personne@example.org"):
        statuses = [_wrong(live, email, f"127.0.1.{i + 1}").status_code for i in range(6)]
        assert statuses == [422] * 5 + [429], email
    blocked = _wrong(live, "admin@example.org", "127.0.2.1")
    assert blocked.status_code == 429 and "Trop de tentatives" in blocked.text
    assert 'lang="fr"' in blocked.text
    _, right = staff_login(live.url, "admin@example.org", PASSWORD,
                           session=client_from("127.0.2.2"))
    assert right.status_code == 429
    # One address trying many accounts: 20 failures, then 429; other addresses go on.
    flood = [_wrong(live, f"cible{i}@example.org", "127.0.3.1").status_code for i in range(21)]
    assert flood == [422] * 20 + [429]
    _, editor = staff_login(live.url, "editor@example.org", PASSWORD,
                            session=client_from("127.0.3.2"))
    assert editor.status_code == 302

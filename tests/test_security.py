"""app/security.py: headers on every response, HTTPS behind a proxy, the request size limit,
secrets and file modes, the login redirect (security issue, items 7, 9, 10 and 12)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.security import STRICT_CSP, require_production_settings, secret_key_problem
from app.settings import ConfigError
from tests.factories import PASSWORD
from tests.support.app import inside, make_app


def test_staff_pages_have_a_strict_policy_and_are_never_cached(client, auth) -> None:
    auth.login("treasurer@example.org")
    for url in ("/admin/", "/admin/tresorerie/", "/admin/compte", "/admin/login"):
        response = client.get(url, follow_redirects=False)
        headers = response.headers
        assert headers["Content-Security-Policy"] == STRICT_CSP, url
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Cache-Control"] == "no-store", url


def test_donor_exports_are_never_cached(client, auth, demo_site) -> None:
    auth.login("treasurer@example.org")
    response = client.get(f"/admin/tresorerie/{demo_site.campaign.id}/donateurs.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_public_pages_keep_their_own_policy(client, demo_site) -> None:
    page = client.get("/programme/")
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert "Set-Cookie" not in page.headers
    don = client.get("/don")
    assert "frame-ancestors 'none'" in don.headers["Content-Security-Policy"]
    assert don.headers["X-Frame-Options"] == "DENY"
    missing = client.get("/admin/nulle-part")
    assert missing.headers["Content-Security-Policy"] == STRICT_CSP


def test_https_behind_a_declared_proxy_gets_hsts_and_secure_cookies(database_url, tmp_path,
                                                                    users) -> None:
    for proxies, secure in ((0, False), (1, True)):
        app = make_app(database_url, tmp_path, ESTRADE_PROXY_COUNT=proxies)
        with inside(app):
            client = app.test_client()
            forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
            response = client.post("/admin/login", headers=forwarded, data={
                "email": "admin@example.org", "password": PASSWORD})
            cookie = response.headers.get("Set-Cookie", "")
            assert ("Strict-Transport-Security" in response.headers) is secure
            assert ("Secure" in cookie) is secure, cookie
            plain = client.get("/admin/login")
            assert "Strict-Transport-Security" not in plain.headers


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, demo_site) -> None:
    big = b"x" * (8 * 1024 * 1024)
    for url in ("/stripe/webhook", "/don", "/admin/login"):
        response = client.post(url, data=big, content_type="application/json")
        assert response.status_code == 413, url
    small = client.post("/stripe/webhook", data=b"{}", content_type="application/json")
    assert small.status_code == 400  # read, then refused: no signature


@pytest.mark.parametrize("key", [None, "", "change-me", "CHANGE-ME", "test-secret", "court",
                                 "a" * 31])
def test_weak_or_known_keys_are_refused(key) -> None:
    assert secret_key_problem(key) is not None


def test_a_strong_key_is_accepted() -> None:
    assert secret_key_problem(os.urandom(32).hex()) is None


def test_the_wsgi_entry_point_refuses_a_weak_key(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "ESTRADE_INSTANCE_PATH": str(tmp_path / "instance"),
           "ESTRADE_DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite'}"}
    for key, refused in (("change-me", True), ("", True), (os.urandom(32).hex(), False)):
        run = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT,
                             env={**env, "ESTRADE_SECRET_KEY": key}, capture_output=True,
                             text=True)
        assert (run.returncode != 0) is refused, run.stderr
        if refused:
            assert "Démarrage refusé" in run.stderr


def test_require_production_settings_refuses_an_ephemeral_key(tmp_path: Path) -> None:
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert app.config.get("ESTRADE_EPHEMERAL_SECRET")
    with pytest.raises(ConfigError, match="aucune clé"):
        require_production_settings(app)


def test_instance_folder_and_database_are_the_owners_alone(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "ESTRADE_INSTANCE_PATH": str(instance),
           "ESTRADE_DATABASE_URL": f"sqlite:///{instance / 'estrade.sqlite'}"}
    subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "init"],
                   cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("estrade.sqlite", "config.py", "initial-admin.txt"):
        mode = stat.S_IMODE((instance / name).stat().st_mode)
        assert mode & 0o077 == 0, f"{name}: {oct(mode)}"


@pytest.mark.parametrize("target", [
    "////evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
    "https://evil.example/admin/", "http:evil.example", "/\t/evil.example", "javascript:alert(1)",
    "/%2F%2Fevil.example", "/programme/", " /admin/"])
def test_login_never_redirects_elsewhere(client, auth, target: str) -> None:
    response = auth.login(next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/", target


def test_login_follows_a_path_of_the_staff_area(client, auth) -> None:
    response = auth.login(next="/admin/equipe")
    assert response.headers["Location"] == "/admin/equipe"

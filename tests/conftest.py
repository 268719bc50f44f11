"""Shared fixtures, after Flask's tutorial: ``app``, ``client``, ``runner``, ``auth``.

Every database test runs on SQLite, and on PostgreSQL too when ESTRADE_TEST_POSTGRES_URL is
set (``make test`` sets it when the local server answers). The schema is always built by
running the Alembic migrations, never by ``create_all``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app import create_app
from app.extensions import db

pytest_plugins = ["tests.support.stripe_fixtures"]

POSTGRES_URL = os.environ.get("ESTRADE_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])
PASSWORD = "correct-horse-battery-staple"


def _migrate(url: str, instance: Path) -> None:
    from app.schema import upgrade_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "migrate"})
    with app.app_context():
        upgrade_database(app)
        db.engine.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers from what a test uses: ``db`` (a database), ``postgres`` (its PostgreSQL
    variant), ``stripe`` (localstripe), ``browser`` (Chromium); ``judges`` is set by hand."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "database_url" in names:
            item.add_marker(pytest.mark.db)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.postgres)
        if "localstripe" in names:
            item.add_marker(pytest.mark.stripe)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_ready(tmp_path_factory: pytest.TempPathFactory) -> str:
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    _migrate(POSTGRES_URL, tmp_path_factory.mktemp("pg-instance"))
    return POSTGRES_URL


def _truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [t.name for t in db.metadata.sorted_tables]
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "estrade.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_ready")
    _truncate_all(url)
    return url


def make_app(database_url: str, tmp_path: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        # Tests edit content and look at once; the throttled re-check has its own test.
        "ESTRADE_CONTENT_RECHECK_SECONDS": 0,
        # As `estrade init` writes it for a local install (tests/donations/test_demo_mode.py
        # checks it is off otherwise).
        "ESTRADE_DEMO_PAYMENTS": True,
    }
    config.update(overrides)
    return create_app(config)


@contextmanager
def inside(application: Flask) -> Iterator[Flask]:
    """``application``'s context for one test; its session and connections end with it."""
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    with inside(make_app(database_url, tmp_path)) as application:
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_HASHES: dict[str, str] = {}


def password_hash(password: str) -> str:
    """scrypt costs ~50 ms a hash: each test password is hashed once per session."""
    if password not in _HASHES:
        from werkzeug.security import generate_password_hash

        _HASHES[password] = generate_password_hash(password, method="scrypt")
    return _HASHES[password]


def create_user(email: str, role: str, password: str = PASSWORD, active: bool = True,
                sites: list[Any] | None = None) -> Any:
    """A staff account. ``role`` "admin" is the installation administrator; any other role
    (editor, treasurer, site_admin) is held on ``sites`` (default: every site that exists)."""
    from app.accounts.models import Membership, User
    from app.campaigns.models import Site

    user = User(email=email, is_admin=role == "admin", active=active,
                password_hash=password_hash(password))
    if role != "admin":
        for site in sites if sites is not None else db.session.scalars(sa.select(Site)):
            user.memberships.append(Membership(site_id=site.id, role=role))
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def users(app: Flask, demo_site: Any) -> dict[str, Any]:
    """The installation admin, and an editor and a treasurer of the demo site."""
    return {role: create_user(f"{role}@example.org", role)
            for role in ("admin", "editor", "treasurer")}


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str = "admin@example.org", password: str = PASSWORD) -> Any:
        return self._client.post("/admin/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self._client.post("/admin/logout")


@pytest.fixture
def auth(client: FlaskClient, users: dict[str, Any]) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def demo_site(app: Flask) -> Any:
    """The demo site and its campaign, seeded as ``estrade init`` does."""
    from app.campaigns.demo import seed_demo

    seed_demo(app)
    from app.campaigns.models import Site

    return db.session.scalar(sa.select(Site).where(Site.slug == "demo"))


#: Inside the demo campaign's collection window (2026-10-01 → 2027-05-21).
DONATION_DAY = __import__("datetime").datetime(2026, 11, 28, 10, 0)


@pytest.fixture
def in_window(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Freeze the donation pages' clock inside the demo campaign's collection window."""
    from app.donations import service, views

    monkeypatch.setattr(service, "utcnow", lambda: DONATION_DAY)
    for module in (service, views):  # the legal day, in France
        monkeypatch.setattr(module, "paris_today", lambda: DONATION_DAY.date())
    return DONATION_DAY.date()


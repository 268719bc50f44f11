"""Shared fixtures, after Flask's tutorial: ``app``, ``client``, ``runner``, ``auth``.

Every database test runs on SQLite, and on PostgreSQL too when ESTRADE_TEST_POSTGRES_URL is
set (``make test`` sets it when the local server answers). The schema is always built by
running the Alembic migrations, never by ``create_all``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app.extensions import db
from tests.factories import DONATION_DAY, create_user
from tests.support.app import AuthActions, inside, make_app
from tests.support.database import BACKENDS, POSTGRES_URL, migrate, migrated_sqlite, truncate_all
from tests.support.tiers import SLOW

pytest_plugins = ["tests.support.stripe_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    from tests.support.speed import share_rule_parsing, share_url_builders

    share_url_builders()
    share_rule_parsing()




def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers from what a test uses: ``db`` (a database), ``postgres`` (its PostgreSQL
    variant), ``stripe`` (localstripe), ``browser`` (Chromium); ``slow`` from
    :data:`tests.support.tiers.SLOW`; ``judges`` is set by hand."""
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
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
def sqlite_template(tmp_path_factory: pytest.TempPathFactory,
                    pytestconfig: pytest.Config) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite"
    cache = pytestconfig.cache.mkdir("estrade-sqlite") if pytestconfig.cache else None
    migrated_sqlite(path, folder, cache)
    return path


@pytest.fixture(scope="session")
def postgres_ready(tmp_path_factory: pytest.TempPathFactory) -> str:
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    migrate(POSTGRES_URL, tmp_path_factory.mktemp("pg-instance"))
    return POSTGRES_URL


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path) -> Path:
    """The migrated template with the demo site seeded (``demo_site`` is asked by most tests:
    seeding once per session instead of once per test)."""
    from app.campaigns.demo import seed_demo

    path = sqlite_template.with_name("demo.sqlite")
    shutil.copy(sqlite_template, path)
    with inside(make_app(f"sqlite:///{path}", path.parent / "demo")) as application:
        seed_demo(application)
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "estrade.sqlite"
        template = "sqlite_demo_template" if "demo_site" in request.fixturenames \
            else "sqlite_template"
        shutil.copy(request.getfixturevalue(template), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_ready")
    truncate_all(url)
    return url


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


@pytest.fixture
def users(app: Flask, demo_site: Any) -> dict[str, Any]:
    """The installation admin, and an editor and a treasurer of the demo site."""
    return {role: create_user(f"{role}@example.org", role)
            for role in ("admin", "editor", "treasurer")}


@pytest.fixture
def auth(client: FlaskClient, users: dict[str, Any]) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def demo_site(app: Flask) -> Any:
    """The demo site and its campaign, seeded as ``estrade init`` does (on SQLite the database
    comes seeded from :func:`sqlite_demo_template`; seeding again changes nothing)."""
    from app.campaigns.demo import seed_demo

    seed_demo(app)
    from app.campaigns.models import Site

    return db.session.scalar(sa.select(Site).where(Site.slug == "demo"))


@pytest.fixture
def in_window(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Freeze the donation pages' clock inside the demo campaign's collection window."""
    from app.donations import service, views

    monkeypatch.setattr(service, "utcnow", lambda: DONATION_DAY)
    for module in (service, views):  # the legal day, in France
        monkeypatch.setattr(module, "paris_today", lambda: DONATION_DAY.date())
    return DONATION_DAY.date()


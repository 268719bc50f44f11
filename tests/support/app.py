"""The app under test: made from a test configuration, entered for one test, logged into."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.donations.stripe import GATEWAY_EXTENSION
from app.donations.stripe.gateway import StripeGateway
from app.extensions import db
from tests.factories import PASSWORD, TEST_HASH_METHOD, totp_code
from tests.support.speed import DEMO_IMAGES, TEMPLATES


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
        "ESTRADE_TEST_PASSWORD_HASH": TEST_HASH_METHOD,
    }
    config.update(overrides)
    application = create_app(config)
    TEMPLATES.attach(application)
    DEMO_IMAGES.seed(application.instance_path)
    return application


@contextmanager
def inside(application: Flask) -> Iterator[Flask]:
    """``application``'s context for one test; its session and connections end with it."""
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def build_app(database_url: str, tmp_path: Path, gateway: StripeGateway | None = None,
              **config: Any) -> Flask:
    """An app with the demo site seeded; ``gateway`` injected as the app's Stripe door."""
    from app.campaigns.demo import seed_demo

    application = make_app(database_url, tmp_path, **config)
    assert "stripe_webhook.receive" in application.view_functions
    if gateway is not None:
        application.extensions[GATEWAY_EXTENSION] = gateway
    with application.app_context():
        seed_demo(application)
        db.session.remove()
    return application


class AuthActions:
    """Log in through the real forms: the password, then (for accounts with a second factor,
    as :func:`tests.factories.create_user` enrols them) a current TOTP code."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str = "admin@example.org", password: str = PASSWORD,
              next: str | None = None) -> Any:
        url = "/admin/login" + (f"?next={next}" if next is not None else "")  # as typed
        response = self._client.post(url, data={"email": email, "password": password})
        if response.status_code == 302 and response.headers["Location"].endswith(
                "/admin/login/code"):
            response = self._client.post("/admin/login/code", data={"code": totp_code(email)})
        return response

    def logout(self) -> Any:
        return self._client.post("/admin/logout")


class SeparateClient(FlaskClient):
    """A test client whose requests never see another client's logged-in user. Every request
    of a test runs in the test's one app context (Flask reuses a pushed one), where
    Flask-Login keeps the user it loaded (``g._login_user``): with two clients, the second
    would be served as the first. This client forgets it before each request."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        from flask import g

        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def separate_client(application: Flask) -> FlaskClient:
    application.test_client_class = SeparateClient
    try:
        return application.test_client()
    finally:
        application.test_client_class = None

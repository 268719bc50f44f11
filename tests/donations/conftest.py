"""Fixtures of the donation tests: the app pointed at localstripe and its client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.donations.stripe_gateway import StripeGateway
from app.extensions import db
from tests.donations.test_webhook_support import build_app


@pytest.fixture
def wapp(database_url: str, tmp_path: Path, stripe_config: dict[str, Any],
         stripe_gateway: StripeGateway) -> Iterator[Flask]:
    """The app pointed at localstripe, with the recording gateway injected."""
    application = build_app(database_url, tmp_path, stripe_gateway, **stripe_config)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def wclient(wapp: Flask) -> FlaskClient:
    return wapp.test_client()

"""Fixtures of the donation tests: the app pointed at localstripe and its client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.donations.stripe.gateway import StripeGateway
from tests.support.app import build_app, inside


@pytest.fixture
def wapp(database_url: str, tmp_path: Path, stripe_config: dict[str, Any],
         stripe_gateway: StripeGateway) -> Iterator[Flask]:
    """The app pointed at localstripe, with the recording gateway injected."""
    with inside(build_app(database_url, tmp_path, stripe_gateway, **stripe_config)) as app:
        yield app


@pytest.fixture
def wclient(wapp: Flask) -> FlaskClient:
    return wapp.test_client()

"""Fixtures of the privacy tests: the demo site with demonstration payments (no Stripe), its
treasurer, and a donor who gave through /don with the newsletter box ticked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.factories import create_user
from tests.support.app import build_app, inside

NO_STRIPE = {"STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "",
             "STRIPE_WEBHOOK_SECRET": "", "STRIPE_API_BASE": ""}


@pytest.fixture
def papp(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    with inside(build_app(database_url, tmp_path, **NO_STRIPE)) as application:
        yield application


@pytest.fixture
def treasurer(papp: Flask) -> Any:
    return create_user("tresoriere@example.org", "treasurer")

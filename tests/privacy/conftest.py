"""Fixtures of the privacy tests: the demo site with demonstration payments (no Stripe), its
treasurer, and a donor who gave through /don with the newsletter box ticked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from tests.factories import DONATION_FORM, create_user
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


@pytest.fixture
def give(papp: Flask, in_window: Any) -> Callable[..., Any]:
    """``give(email=…, newsletter=True, pay=True)``: a gift posted to /don as a visitor does
    (its IP address and newsletter box recorded), then paid in demonstration mode through the
    real webhook handler (``pay=False``: left pending, as an abandoned form)."""
    from app.donations.demo_payment import simulate_payment
    from app.donations.models import Donation

    client = papp.test_client()

    def gift(email: str = "alice@example.org", *, newsletter: bool = True, pay: bool = True,
             **fields: str) -> Donation:
        form = {**DONATION_FORM, "email": email, **fields}
        if newsletter:
            form["newsletter"] = "y"
        before = set(db.session.scalars(select(Donation.id)))
        answer = client.post("/don", data=form)
        assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
        [new_id] = set(db.session.scalars(select(Donation.id))) - before
        donation = db.session.get(Donation, new_id)
        assert donation is not None
        if pay:
            simulate_payment(papp, donation)
            db.session.refresh(donation)
        return donation

    return gift

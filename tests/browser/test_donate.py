"""A donor fills /don in a real browser: demo mode, and Stripe mode up to the Checkout
redirect followed by Stripe's signed completion event. The gift lands once in the ledger
and in the treasurer's export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from app.donations.models import Donation
from app.extensions import db
from app.ledger.models import LedgerEntry
from tests.support.app import make_app
from tests.support.browser import fill_donation_form
from tests.support.live import LiveServer


def export_rows(app: Any, tmp_path: Any) -> list[list[str]]:
    out = tmp_path / "donateurs.csv"
    result = app.test_cli_runner().invoke(args=["donations", "export", "--site", "demo",
                                                "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))


def test_missing_attestation_is_announced(page, live_server, demo_site, in_window) -> None:
    page.goto(f"{live_server.url}/don")
    page.get_by_role("radio", name="20 €", exact=True).check()
    page.get_by_role("button", name="Continuer vers le paiement sécurisé").click()
    page.wait_for_selector("#don-erreurs")  # the answer to the POST has loaded
    alert = page.get_by_role("alert")
    assert alert.is_visible() and "attestation est obligatoire" in alert.inner_text()
    assert page.evaluate("document.activeElement.id") == "don-erreurs"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Donation)) == 0


def test_demo_mode_gift_lands_once(page, live_server, app, demo_site, in_window,
                                   tmp_path) -> None:
    fill_donation_form(page, live_server.url)
    page.wait_for_url("**/don/demo/**")
    page.wait_for_load_state()
    assert "Mode démonstration — aucun paiement réel" in page.content()
    page.get_by_role("button", name="Simuler le paiement").click()
    page.wait_for_url("**/don/merci/**")
    assert "Merci Camille" in page.content()
    page.reload()  # a second look at the thank-you page books nothing more
    db.session.rollback()  # end this thread's read snapshot: the server wrote meanwhile
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "donation")).all()
    assert [(e.amount_cents, e.donor_snapshot["nom"], e.demo) for e in entries] == [
        (5000, "Rousseau", True)]
    # Marked as a demonstration: never in the donor list filed with the account.
    assert [r for r in export_rows(app, tmp_path) if len(r) > 3 and r[3] == "Rousseau"] == []


@pytest.fixture
def stripe_app(database_url, tmp_path, stripe_config, stripe_recorder) -> Iterator[Any]:
    from app.donations.stripe.gateway import StripeGateway

    application = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True, **stripe_config)
    with application.app_context():
        from app.campaigns.demo import seed_demo

        seed_demo(application)
        with StripeGateway.from_config(application.config, http_client=stripe_recorder,
                                       max_network_retries=0) as gateway:
            application.extensions["estrade_stripe_gateway"] = gateway
            server = LiveServer(application)
            server.start()
            try:
                yield application, server, gateway
            finally:
                server.stop()
                db.session.remove()
                db.engine.dispose()


def test_stripe_mode_gift_lands_once(page, stripe_app, stripe_recorder, in_window,
                                     tmp_path) -> None:
    from tests.support.stripe_fixtures import sign_event
    from tests.support.stripe_shapes import checkout_session_object, create_paid_payment_intent

    app, server, gateway = stripe_app
    checkout_url = "https://checkout.stripe.com/c/pay/cs_test_browser"
    stripe_recorder.stub("POST", "/v1/checkout/sessions", {
        "id": "cs_test_browser", "object": "checkout.session", "url": checkout_url})
    page.route("https://checkout.stripe.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html",
        body="<!doctype html><html lang=fr><title>Stripe</title><p>Checkout</p></html>"))
    fill_donation_form(page, server.url, amount_label="100 €")
    page.wait_for_url(checkout_url)
    db.session.rollback()
    donation = db.session.scalar(select(Donation))
    assert donation.status == "pending" and donation.amount_cents == 10_000
    sent = stripe_recorder.last("POST", "/v1/checkout/sessions").params
    assert sent["line_items[0][price_data][unit_amount]"] == "10000"
    assert sent["metadata[source]"] == "tract-marche" or donation.source == "tract-marche"
    # The donor pays on Stripe; Stripe then sends the signed completion event (twice).
    intent = create_paid_payment_intent(gateway, 10_000, metadata={"donation_id": donation.id})
    session = checkout_session_object(donation_id=donation.id, amount_cents=10_000,
                                      payment_intent=intent, session_id="cs_test_browser")
    body, headers = sign_event("checkout.session.completed", session)
    for _ in range(2):
        response = requests.post(f"{server.url}/stripe/webhook", data=body, headers=headers,
                                 timeout=30)
        assert response.status_code == 200, response.text
    db.session.rollback()
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "donation")).all()
    assert [(e.amount_cents, e.source_ref) for e in entries] == [
        (10_000, f"stripe:charge:{intent['latest_charge']['id']}")]
    page.goto(f"{server.url}/don/merci/{donation.id}")
    assert "Merci Camille" in page.content()
    rows = [r for r in export_rows(app, tmp_path) if len(r) > 3 and r[3] == "Rousseau"]
    assert len(rows) == 1 and rows[0][11] == "100,00"


def test_real_cost_after_the_tax_reduction_follows_the_amount(page, live_server, demo_site,
                                                              in_window) -> None:
    page.goto(f"{live_server.url}/don")
    cost = page.locator("#don-cout-reel")

    def shown() -> str:
        return " ".join(cost.inner_text().replace("\u202f", " ").replace("\xa0", " ").split())

    page.get_by_role("radio", name="100 €", exact=True).check()
    assert "ce don vous revient à 34 €" in shown()
    page.get_by_role("radio", name="Autre montant", exact=True).check()
    page.get_by_label("Autre montant (en euros)").fill("12,5")
    assert "ce don vous revient à 4,25 €" in shown()  # 1 250 cents × 34 %, in whole cents
    page.get_by_label("Autre montant (en euros)").fill("abc")
    assert "un don de 100 € vous revient à 34 €" in shown()  # back to the general sentence

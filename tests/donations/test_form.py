"""The public /don form: legal mentions, validation, the compliance decision before payment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.donations.models import Donation
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import DONATION_FORM as VALID
from tests.factories import identity, tx


def donations() -> int:
    return db.session.scalar(select(func.count()).select_from(Donation)) or 0


def test_form_prefilled_from_link_with_legal_mentions(client, demo_site, in_window) -> None:
    html = client.get("/don?montant=50&mensuel=1&source=tract-marche").get_data(as_text=True)
    assert 'checked id="montant-1"' in html and 'value="50"' in html
    assert 'checked id="frequence-1"' in html
    assert 'name="source" type="hidden" value="tract-marche"' in html
    # Unticked, separate attestations (DON-1, DON-13) and newsletter (GDPR-1).
    for name in ("atteste_personne_physique", "atteste_fonds_personnels", "atteste_plafond",
                 "newsletter"):
        tag = html.split(f'name="{name}"')[0].rsplit("<input", 1)[1]
        assert "checked" not in tag, name
    # DON-9 legal block rendered by the app.
    assert "Julien Besson, mandataire financier désigné le 05/10/2026" in html
    assert "Article L. 52-8 du code électoral (alinéas 1 à 3)" in html
    assert "Sera puni de trois ans d&#39;emprisonnement" in html or "trois ans" in html
    assert "réduction d&#39;impôt" in html or "réduction d'impôt" in html  # TAX-1


def test_free_amount_link_selects_other(client, demo_site, in_window) -> None:
    html = client.get("/don?montant=37,50").get_data(as_text=True)
    assert 'checked id="montant-4"' in html and 'value="37,50"' in html


def test_missing_attestations_refused_nothing_created(client, demo_site, in_window) -> None:
    data = {k: v for k, v in VALID.items() if not k.startswith("atteste")}
    response = client.post("/don", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count("Cette attestation est obligatoire") == 6  # summary + each field
    assert html.count('-erreur">Cette attestation est obligatoire') == 3
    assert 'aria-describedby="atteste_plafond-erreur"' in html and 'role="alert"' in html
    assert donations() == 0


def test_the_form_says_nothing_of_what_the_donor_gave_before(client, demo_site,
                                                             in_window) -> None:
    # Was test_cap_refusal_says_how_much_is_left: /don quoted « vous pouvez encore donner
    # 100,00 € » to anyone who typed this name. Now the gift goes on to payment as for anyone,
    # and the cap is checked when the money is booked (DON-16, for the treasurer).
    tx(record_gift, GiftInput(campaign_id=demo_site.campaign.id, amount_cents=450_000,
                          on=date(2026, 11, 2), method="cheque",
                          identity=identity("Martin", "Alice"), source_ref="cheque:1"))
    response = client.post("/don", data=VALID)
    assert response.status_code == 303 and "/don/demo/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 500" not in page.replace("\u202f", " ") and "encore donner" not in page
    assert donations() == 1


def test_a_single_gift_over_the_cap_is_refused_for_anyone(client, demo_site,
                                                         in_window) -> None:
    response = client.post("/don", data={**VALID, "montant_libre": "4600,01"})
    html = response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert response.status_code == 422
    assert "ce don de 4 600,01 € dépasse à lui seul ce plafond" in html
    assert "Aucun paiement n'a été effectué" in html
    assert client.post("/don", data={**VALID, "montant_libre": "4600"}).status_code == 303
    assert donations() == 1


def test_company_name_is_warned_before_any_payment(client, demo_site, in_window) -> None:
    data = {**VALID, "nom": "Boulangerie Martin SARL", "montant_libre": "50"}
    response = client.post("/don", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "SARL" in html and "personnes morales" in html
    assert donations() == 0
    confirmed = client.post("/don", data={**data, "confirme_personnel": "y"})
    assert confirmed.status_code == 303
    assert donations() == 1


def test_bad_amount_explained(client, demo_site, in_window) -> None:
    response = client.post("/don", data={**VALID, "montant_libre": "12,345"})
    assert response.status_code == 422
    assert "deux décimales" in response.get_data(as_text=True)
    assert donations() == 0


def test_demo_mode_reserves_then_pays(client, demo_site, in_window) -> None:
    response = client.post("/don", data=VALID)
    assert response.status_code == 303 and "/don/demo/" in response.headers["Location"]
    donation = db.session.scalar(select(Donation))
    assert donation.status == "pending" and donation.amount_cents == 20_000
    assert donation.reserved_cents == 20_000 and donation.demo
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mode démonstration — aucun paiement réel" in page


def test_monthly_reserves_until_the_end_of_the_window(client, demo_site, in_window) -> None:
    response = client.post("/don", data={**VALID, "frequence": "mensuel", "montant_libre": "100"})
    assert response.status_code == 303
    donation = db.session.scalar(select(Donation))
    # 28/11/2026 → 21/05/2027: payments on Nov 28, Dec … Apr 28: 6 months (DON-15).
    assert donation.monthly and donation.months == 6 and donation.reserved_cents == 60_000


def test_monthly_never_projected_over_the_cap(client, demo_site, in_window) -> None:
    response = client.post("/don", data={**VALID, "frequence": "mensuel",
                                         "montant_libre": "800"})
    html = response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert response.status_code == 422
    # Measured against the cap alone: 6 × 800 € = 4 800 € (DON-15), whoever asks.
    assert "pendant 6 mois ferait 4 800,00 €" in html and "au plus 766,66 € par mois" in html
    assert donations() == 0


def test_a_demonstration_gift_holds_no_cap_room(client, demo_site, in_window) -> None:
    # No money moves in demonstration mode: a pending demo gift reserves nothing, so it can
    # neither block a real gift nor tell anything about anyone's giving.
    assert client.post("/don", data={**VALID, "montant_libre": "4500"}).status_code == 303
    assert client.post("/don", data=VALID).status_code == 303
    from app.donations.models import Donation

    assert [d.demo for d in db.session.scalars(select(Donation))] == [True, True]


def test_no_mandataire_no_form(client, demo_site, in_window) -> None:
    demo_site.campaign.mandataire_name = None
    db.session.commit()
    html = client.get("/don").get_data(as_text=True)
    assert "<form" not in html.split("<main", 1)[1].split("</main>")[0]
    assert "aucun mandataire" in html
    assert client.post("/don", data=VALID).status_code == 422
    assert donations() == 0


def test_outside_window_no_form(client, demo_site, monkeypatch) -> None:
    from app.donations import service, views

    late = __import__("datetime").datetime(2027, 6, 1)
    monkeypatch.setattr(service, "utcnow", lambda: late)
    for module in (service, views):
        monkeypatch.setattr(module, "paris_today", lambda: late.date())
    html = client.get("/don").get_data(as_text=True)
    assert "période de collecte des dons est terminée" in html


def test_small_commune_shows_no_tax_reduction(client, demo_site, in_window) -> None:
    demo_site.campaign.mode = "petite-commune"
    db.session.commit()
    html = client.get("/don").get_data(as_text=True)
    assert "réduction d" not in html.split('class="don-form"')[1].split("</form>")[0]


def test_stripe_mode_sends_our_amount_to_checkout(database_url, tmp_path, stripe_config,
                                                  stripe_recorder, in_window) -> None:
    from tests.support.app import make_app

    app = make_app(database_url, tmp_path, **stripe_config)
    stripe_recorder.stub("POST", "/v1/checkout/sessions", {
        "id": "cs_test_123", "object": "checkout.session",
        "url": "https://checkout.stripe.test/c/pay/cs_test_123"})
    with app.app_context():
        from app.campaigns.demo import seed_demo
        from app.donations.stripe.gateway import StripeGateway

        seed_demo(app)
        with StripeGateway.from_config(app.config, http_client=stripe_recorder,
                                       max_network_retries=0) as gateway:
            app.extensions["estrade_stripe_gateway"] = gateway
            client = app.test_client()
            response = client.post("/don", data={**VALID, "amount": "1", "unit_amount": "1"})
            assert response.status_code == 303
            assert response.headers["Location"] == "https://checkout.stripe.test/c/pay/cs_test_123"
            donation = db.session.scalar(select(Donation))
            request = stripe_recorder.last("POST", "/v1/checkout/sessions")
            params = request.params
            assert params["line_items[0][price_data][unit_amount]"] == "20000"
            assert params["mode"] == "payment" and params["submit_type"] == "donate"
            assert params["client_reference_id"] == donation.id
            assert params["payment_intent_data[metadata][donation_id]"] == donation.id
            assert params["locale"] == "fr"
            assert request.headers["Idempotency-Key"] == f"checkout:{donation.id}"
            assert donation.checkout_session_id == "cs_test_123"
            db.session.remove()
            db.engine.dispose()

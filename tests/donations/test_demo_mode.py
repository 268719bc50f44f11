"""Demonstration payments are fail-closed: off unless the installation turns them on, never
for a visitor on a public host name, and never counted (security issue, item 3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.campaigns.models import SiteHost
from app.config import ConfigError
from app.donations.demo_payment import simulate_payment
from app.donations.stripe.demo import is_local_host
from app.extensions import db
from app.ledger.exporter import build_rows
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.totals import donor_total
from app.ledger.verify import verify_campaign
from tests.factories import demo_site, new_donation, tx, who
from tests.support.app import build_app

NO_STRIPE = {"STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "",
             "STRIPE_WEBHOOK_SECRET": "", "STRIPE_API_BASE": ""}
VALID = {"montant": "20", "frequence": "unique", "civilite": "Mme", "prenom": "Alice",
         "nom": "Martin", "adresse": "3 rue des Lilas", "code_postal": "72000",
         "commune": "Le Mans", "pays": "France", "nationalite": "Française",
         "email": "alice@example.org", "atteste_personne_physique": "y",
         "atteste_fonds_personnels": "y", "atteste_plafond": "y"}


def test_off_by_default(database_url: str, tmp_path: Path, in_window) -> None:
    app = build_app(database_url, tmp_path, ESTRADE_DEMO_PAYMENTS=False, **NO_STRIPE)
    with app.app_context():
        client = app.test_client()
        page = client.get("/don").get_data(as_text=True)
        assert "pas encore disponible" in page and "Mode démonstration" not in page
        posted = client.post("/don", data=VALID)
        assert posted.status_code == 503
        donation = new_donation(2_000, demo=True)  # as if made while it was on
        assert client.get(f"/don/demo/{donation.id}").status_code == 404
        with pytest.raises(Exception, match="démonstration est impossible"):
            simulate_payment(app, donation)
        db.session.remove()
        db.engine.dispose()


def test_never_on_a_public_host_name(database_url: str, tmp_path: Path, in_window) -> None:
    app = build_app(database_url, tmp_path, **NO_STRIPE)  # enabled, as estrade init writes
    with app.app_context():
        site = demo_site()
        db.session.add(SiteHost(site_id=site.id, host="saint-aubin.example"))
        db.session.commit()
        client = app.test_client()
        public = client.get("/don", headers={"Host": "saint-aubin.example"})
        assert "pas encore disponible" in public.get_data(as_text=True)
        assert client.post("/don", data=VALID,
                           headers={"Host": "saint-aubin.example"}).status_code == 503
        local = client.get("/don", headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
        assert "Mode démonstration" in local
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(("host", "local"), [
    ("localhost", True), ("localhost:5000", True), ("127.0.0.1:8000", True), ("[::1]:5000", True),
    ("LOCALHOST.", True), ("localhost.evil.example", False), ("127.0.0.1.nip.io", False),
    ("campagne.fr", False), ("evil.example:80", False)])
def test_local_host_names(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_demo_gifts_never_count(database_url: str, tmp_path: Path) -> None:
    app = build_app(database_url, tmp_path, **NO_STRIPE)
    with app.app_context():
        alice = who("Martin", "Alice")
        donation = new_donation(460_000, alice, demo=True)
        simulate_payment(app, donation)
        campaign = demo_site().campaign
        from app.ledger.models import LedgerEntry

        [entry] = db.session.scalars(select(LedgerEntry)).all()
        assert entry.demo and entry.cumulative_cents == 0
        assert donor_total(campaign.election_id, [entry.donor_id]) == 0
        # A real cheque for the full cap is still possible: the demo gift took no room.
        cheque = tx(record_gift, GiftInput(
            campaign_id=campaign.id, amount_cents=460_000, on=date(2026, 11, 20),
            method="cheque", identity=alice))
        assert cheque.status == "accepted", cheque.decision.messages
        rows, totals = build_rows(campaign)
        assert len(rows) == 1 and "Chèque" in rows[0]  # the demo gift is not in the list
        assert totals[-1] == ["Total général", "4600,00"]
        check = verify_campaign(campaign)
        assert check.problem is None and check.balance_cents == 460_000
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(("keys", "missing"), [
    ({"STRIPE_SECRET_KEY": "sk_test_x"}, "STRIPE_WEBHOOK_SECRET"),
    ({"STRIPE_WEBHOOK_SECRET": "whsec_x"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_PUBLISHABLE_KEY": "pk_live_x"}, "STRIPE_SECRET_KEY et STRIPE_WEBHOOK_SECRET")])
def test_a_partial_stripe_configuration_refuses_to_start(tmp_path: Path, keys: dict[str, str],
                                                         missing: str) -> None:
    with pytest.raises(ConfigError, match="Configuration Stripe incomplète") as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40,
                    "INSTANCE_PATH": str(tmp_path), **NO_STRIPE, **keys})
    assert missing in str(refused.value)


def test_estrade_init_turns_it_on_for_a_new_local_install(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"ESTRADE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}",
           "ESTRADE_INSTANCE_PATH": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "init"],
                   env=env, check=True, capture_output=True,
                   cwd=Path(__file__).resolve().parents[2])
    config = (tmp_path / "instance" / "config.py").read_text(encoding="utf-8")
    assert "ESTRADE_DEMO_PAYMENTS = True" in config

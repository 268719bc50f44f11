"""``estrade donors export`` and ``estrade donors erase``: everything held about a person on
one site, for that site's treasurer only; erasure pseudonymises what the law does not require
and leaves the hash-chained ledger exactly as it was, saying why (issue 9, item 15)."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.audit import AuditEntry
from app.campaigns.service import create_site
from app.donations.consent import GIVEN, WITHDRAWN, NewsletterConsent, subscribed, text_version
from app.donations.models import Donation
from app.extensions import db
from app.ledger.models import Donor, LedgerEntry
from app.ledger.verify import verify_campaign
from app.mail import OutgoingMail
from tests.factories import create_user, demo_site

ALICE = "alice@example.org"


def _cli(app: Flask, *args: str) -> Any:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.expire_all()
    return result


def _export(app: Flask, email: str = ALICE, by: str = "tresoriere@example.org") -> Any:
    return _cli(app, "donors", "export", "--email", email, "--site", "demo", "--by", by)


def test_export_holds_everything_about_the_person(papp, treasurer, give) -> None:
    paid = give(ALICE.upper())  # addresses match whatever their case
    abandoned = give(ALICE, pay=False, montant_libre="30")
    give("bob@example.org", prenom="Bob", nom="Durand")  # someone else
    result = _export(papp)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["personne"] == ALICE and data["site"] == "demo"
    assert data["responsable"]["mandataire"] == "Julien Besson"
    assert {d["id"] for d in data["dons"]} == {paid.id, abandoned.id}
    assert {d["client_ip"] for d in data["dons"]} == {"127.0.0.1"}
    assert [d["nom"] for d in data["fiches_donateur"]] == ["Martin"]
    [entry] = data["registre"]
    assert entry["amount_cents"] == 20_000 and entry["donor_snapshot"]["nom"] == "Martin"
    [consent] = data["consentements"]
    assert consent["action"] == GIVEN and consent["text_version"] == text_version()
    assert consent["text"].startswith("J'accepte de recevoir des nouvelles")
    assert paid.id in consent["source"]
    [mail] = data["courriels"]
    assert mail["subject"].startswith("Merci pour votre don") and "/desinscription/" in mail["text"]
    assert "R. 39-1" in data["conservation_du_registre"]
    assert "bob" not in result.output.lower()
    [row] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.export"))
    assert row.user_id == treasurer.id and ALICE not in row.details  # a pseudonym only
    assert row.details_dict["donations"] == 2


def test_export_to_a_private_file(papp, treasurer, give, tmp_path) -> None:
    give()
    out = tmp_path / "alice.json"
    result = _cli(papp, "donors", "export", "--email", ALICE, "--site", "demo",
                  "--by", "tresoriere@example.org", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["personne"] == ALICE
    assert out.stat().st_mode & 0o777 == 0o600


def test_only_the_sites_treasurer_may_export_or_erase(papp, treasurer, give) -> None:
    give()
    rival = create_site("rivale", "Liste rivale")
    db.session.commit()
    create_user("rival@example.org", "treasurer", sites=[rival])
    create_user("redaction@example.org", "editor")
    create_user("admin@example.org", "admin")
    for by in ("rival@example.org", "redaction@example.org", "admin@example.org",
               "inconnu@example.org"):
        for command in ("export", "erase"):
            result = _cli(papp, "donors", command, "--email", ALICE, "--site", "demo",
                          "--by", by)
            assert result.exit_code == 1, (by, command, result.output)
            assert "trésorier" in result.output and "Martin" not in result.output
    # The rival's treasurer asking on their own site sees nothing of the demo's donors.
    mine = _cli(papp, "donors", "export", "--email", ALICE, "--site", "rivale",
                "--by", "rival@example.org")
    data = json.loads(mine.output)
    assert data["dons"] == data["registre"] == data["courriels"] == data["consentements"] == []


def test_erase_pseudonymises_what_the_law_does_not_require(papp, treasurer, give) -> None:
    paid = give()
    abandoned = give(pay=False, montant_libre="30")
    campaign = demo_site().campaign
    entries_before = [(e.id, e.hash, dict(e.donor_snapshot or {}))
                      for e in db.session.scalars(select(LedgerEntry))]
    donors_before = [(d.id, d.nom, d.email) for d in db.session.scalars(select(Donor))]
    assert subscribed(demo_site().id, ALICE)

    preview = _cli(papp, "donors", "erase", "--email", ALICE, "--site", "demo",
                   "--by", "tresoriere@example.org", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "rien n'a été modifié" in preview.output and "adresse IP) : 1." in preview.output
    assert db.session.get(Donation, abandoned.id).email == ALICE  # nothing changed
    assert not db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "privacy.erase")).all()

    result = _cli(papp, "donors", "erase", "--email", ALICE, "--site", "demo",
                  "--by", "tresoriere@example.org")
    assert result.exit_code == 0, result.output
    for cited in ("R. 39-1", "L. 52-12", "CNCCFP", "DON-10", "ACC-1", "GDPR-3",
                  "n'est pas modifié"):
        assert cited in result.output
    gone = db.session.get(Donation, abandoned.id)
    assert (gone.nom, gone.prenom, gone.adresse, gone.client_ip) == ("effacé", "", "", None)
    assert gone.email.startswith("efface-") and ALICE not in gone.identity_key
    assert gone.erased_at is not None
    kept = db.session.get(Donation, paid.id)
    assert (kept.nom, kept.email, kept.client_ip, kept.newsletter) == \
        ("Martin", ALICE, None, False)
    [mail] = db.session.scalars(select(OutgoingMail)).all()
    assert (mail.text, mail.html, mail.purged_at is not None) == ("", "", True)
    assert mail.to.startswith("efface-")
    consents = db.session.scalars(select(NewsletterConsent).order_by(NewsletterConsent.id)).all()
    assert [c.action for c in consents] == [GIVEN, WITHDRAWN]
    assert {c.email for c in consents} == {gone.email}  # proof kept, without the address
    assert not subscribed(demo_site().id, ALICE)
    # The ledger and its donor records are exactly as they were, and still verify.
    assert [(e.id, e.hash, dict(e.donor_snapshot or {}))
            for e in db.session.scalars(select(LedgerEntry))] == entries_before
    assert [(d.id, d.nom, d.email) for d in db.session.scalars(select(Donor))] == donors_before
    assert verify_campaign(campaign).problem is None
    [row] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert row.user_id == treasurer.id and ALICE not in row.details
    assert row.details_dict["erased_donations"] == 1 and row.details_dict["kept_entries"] == 1
    # Asked again, the export holds only the legal minimum.
    data = json.loads(_export(papp).output)
    assert [d["id"] for d in data["dons"]] == [paid.id]
    assert data["courriels"] == data["consentements"] == []
    assert len(data["registre"]) == 1

"""Newsletter consent kept as proof, and withdrawn through the link of every mail to a donor:
``/desinscription/<token>`` (public, no login, signed token, confirmed by a POST with the
CSRF token) and the ``List-Unsubscribe`` header (GDPR-1, GDPR-2)."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from app.access import access_of
from app.audit import AuditEntry
from app.donations.consent import (
    GIVEN,
    NEWSLETTER_TEXT,
    WITHDRAWN,
    NewsletterConsent,
    subscribed,
    text_version,
)
from app.donations.forms import DonationForm
from app.donations.models import Donation
from app.extensions import db
from app.mail import unsubscribe_token
from tests.factories import demo_site
from tests.support.smtp import free_port, smtp_server

LINK = re.compile(r"https?://[^\s\"<>]+/desinscription/[A-Za-z0-9._-]+")


def _path(url: str) -> str:
    return "/desinscription/" + url.rsplit("/desinscription/", 1)[1]


def test_the_consent_is_recorded_with_its_time_and_wording(papp, give) -> None:
    unticked = give("bob@example.org", prenom="Bob", nom="Durand", newsletter=False)
    donation = give()
    [row] = db.session.scalars(select(NewsletterConsent)).all()
    assert (row.email, row.action, row.site_id) == ("alice@example.org", GIVEN, demo_site().id)
    assert row.text_version == text_version() == donation.attestations["newsletter_text_version"]
    assert row.text == NEWSLETTER_TEXT and donation.id in row.source
    assert row.at.isoformat(timespec="seconds") == \
        donation.attestations["newsletter"].removesuffix("+00:00")
    assert not subscribed(demo_site().id, unticked.email)
    # The form shows the very wording whose version is stored.
    assert str(DonationForm.newsletter.args[0]) == NEWSLETTER_TEXT
    assert text_version("J'accepte autre chose.") != text_version()


def test_an_abandoned_form_gives_no_consent(papp, give) -> None:
    give(pay=False)
    assert db.session.scalars(select(NewsletterConsent)).all() == []


def test_every_donor_mail_carries_the_link_and_the_header(papp, give) -> None:
    port = free_port()
    papp.config.update(ESTRADE_MAIL_SERVER="127.0.0.1", ESTRADE_MAIL_PORT=port)
    with smtp_server(port) as inbox:
        give()
    [message] = inbox.messages
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    [url] = LINK.findall(text)
    assert url in html and "se désinscrire" in html
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert _path(url) == f"/desinscription/{unsubscribe_token(demo_site().id, 'alice@example.org')}"


def test_unsubscribe_without_login_confirmed_by_post(papp, give) -> None:
    give()
    site_id = demo_site().id
    path = f"/desinscription/{unsubscribe_token(site_id, 'Alice@Example.org')}"
    papp.config["WTF_CSRF_ENABLED"] = True
    client = papp.test_client()
    page = client.get(path)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Me désinscrire" in body and "alice" not in body.lower()
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert subscribed(site_id, "alice@example.org")  # opening the link changes nothing
    assert client.post(path).status_code == 400  # no CSRF token: refused
    assert subscribed(site_id, "alice@example.org")
    token = re.search(r'name="csrf_token" value="([^"]+)"', body)
    assert token is not None
    done = client.post(path, data={"csrf_token": token.group(1)})
    assert done.status_code == 200 and "Désinscription enregistrée" in done.get_data(as_text=True)
    db.session.expire_all()
    assert not subscribed(site_id, "alice@example.org")
    last = db.session.scalars(select(NewsletterConsent).order_by(
        NewsletterConsent.id.desc())).first()
    assert last is not None and last.action == WITHDRAWN and "lien" in last.source
    assert not db.session.scalar(select(Donation.newsletter))
    [row] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "privacy.unsubscribe")).all()
    assert row.details_dict["was_subscribed"] is True and "alice" not in row.details
    # Again: nothing more to withdraw, and still nothing that names the person.
    assert client.post(path, data={"csrf_token": token.group(1)}).status_code == 200


def test_the_link_does_not_carry_the_address(papp, give) -> None:
    """A link seen in a log, a proxy or a link checker must not tell who gave to whom."""
    import base64

    give()
    token = unsubscribe_token(demo_site().id, "alice@example.org")
    payload = token.split(".", 1)[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "alice" not in decoded and "example" not in decoded
    assert unsubscribe_token(demo_site().id, "ALICE@example.org ") == token
    assert unsubscribe_token(demo_site().id, "bob@example.org") != token


def test_a_link_for_someone_who_never_consented_records_nothing(papp, give) -> None:
    give(newsletter=False)
    path = f"/desinscription/{unsubscribe_token(demo_site().id, 'alice@example.org')}"
    assert papp.test_client().post(path).status_code == 200
    assert db.session.scalars(select(NewsletterConsent)).all() == []


def test_a_forged_or_foreign_token_is_not_found(papp: Flask, give) -> None:
    give()
    client = papp.test_client()
    good = unsubscribe_token(demo_site().id, "alice@example.org")
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    other_site = unsubscribe_token(demo_site().id + 1, "alice@example.org")
    for token in (forged, other_site, "nimporte-quoi"):
        assert client.get(f"/desinscription/{token}").status_code == 404
        assert client.post(f"/desinscription/{token}").status_code == 404
    assert subscribed(demo_site().id, "alice@example.org")


def test_the_route_is_declared_public(papp: Flask) -> None:
    access = access_of(papp.view_functions["privacy.unsubscribe"])
    assert access is not None and access.audience == "public" and access.csrf

"""The attacker's view of /don, against a live server (security and tenancy, item 1).

Two identities post the very same forms: one who already gave 4 600 € in this election
(3 000 € booked on this site, 1 600 € on a rival list's site), one who never gave. An
unauthenticated visitor must learn nothing about either: same status, same page once the
per-request tokens and ids are masked, same next step, the same database work (so no timing
difference), and a bisection on the amount learns nothing. The rate limits answer 429 in
French. The over-cap payment, once made, is booked, flagged DON-16 and its refund proposed to
that campaign's treasurer, and to nobody else; the thank-you page and the confirmation e-mail
say nothing of it.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa
from requests.adapters import HTTPAdapter

from app.campaigns.models import Site
from app.campaigns.service import create_site, load_campaign, parse_campaign_file
from app.config import PROJECT_ROOT
from app.donations.models import Donation, RefundRequest
from app.donations.stripe import GATEWAY_EXTENSION
from app.donations.stripe.gateway import StripeGateway
from app.extensions import db
from app.ledger.gifts import DonorIdentity, GiftInput, record_gift
from app.ledger.models import ComplianceFlag, LedgerEntry
from app.mail import OutgoingMail
from tests.factories import PASSWORD, create_user, totp_code, tx
from tests.support.app import make_app
from tests.support.live import LiveServer, staff_login
from tests.support.stripe_fixtures import StripeRecorder, sign_event
from tests.support.stripe_shapes import checkout_session_object, create_paid_payment_intent

CHECKOUT = "https://checkout.stripe.com/c/pay/"
#: Names of the two identities: same first name, address, postcode and e-mail.
RICH, FRESH = "Delacroix", "Delamarre"
FORM = {"montant": "autre", "montant_libre": "1", "frequence": "unique", "civilite": "Mme",
        "prenom": "Camille", "adresse": "8 place du Marché", "code_postal": "72000",
        "commune": "Le Mans", "pays": "France", "nationalite": "Française",
        "email": "camille@example.org", "atteste_personne_physique": "y",
        "atteste_fonds_personnels": "y", "atteste_plafond": "y"}
HIGH_LIMITS = {"ESTRADE_DONATE_LIMIT_PER_ADDRESS": "10000 per minute",
               "ESTRADE_DONATE_LIMIT_PER_IDENTITY": "10000 per hour"}
LEDGER_TABLES = re.compile(r"\b(ledger_entries|donors|compliance_flags|refund_requests)\b")


class CheckoutStand(StripeRecorder):
    """localstripe has no Checkout: each session creation is recorded and answered with a
    fresh session, as Stripe does; everything else goes to localstripe."""

    def __init__(self) -> None:
        super().__init__()
        self._sessions = itertools.count(1)
        self.stub("POST", "/v1/checkout/sessions", {})  # recorded, never sent to localstripe

    def request(self, method: str, url: str, headers: Any, post_data: Any = None) -> Any:
        content, status, answer = super().request(method, url, headers, post_data)
        if method.upper() == "POST" and urlsplit(url).path == "/v1/checkout/sessions":
            session_id = f"cs_test_{next(self._sessions):06d}"
            content = json.dumps({"id": session_id, "object": "checkout.session",
                                  "url": CHECKOUT + session_id}).encode()
        return content, status, answer


@dataclass
class Answer:
    status: int
    location: str
    page: str
    seconds: float
    statements: list[str] = field(default_factory=list)

    @property
    def next_step(self) -> str:
        if self.location.startswith(CHECKOUT):
            return "checkout"
        return self.location or "this page"


def mask(text: str) -> str:
    """The per-request parts of an answer: CSRF token, nonces, donation and session ids, and
    the two names (what the visitor typed comes back on a refused form)."""
    text = re.sub(r'(name="csrf_token" type="hidden" value=")[^"]+"', r'\1TOKEN"', text)
    text = re.sub(r'nonce-[A-Za-z0-9+/=_-]+|nonce="[^"]+"', "NONCE", text)
    text = re.sub(r"cs_test_[A-Za-z0-9]+", "SESSION", text)
    text = re.sub(r"\b[0-9a-f]{32}\b", "ID", text)
    return text.replace(RICH, "NOM").replace(FRESH, "NOM")


class SourceAddress(HTTPAdapter):
    """Connect from one loopback address (127.0.0.x): another client for the limits."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Visitor:
    """An anonymous browser: its own cookies, from its own address."""

    def __init__(self, server: Oracle, address: str = "127.0.0.1") -> None:
        self.server = server
        self.http = requests.Session()
        self.http.mount("http://", SourceAddress(address))

    def token(self, path: str = "/don") -> str:
        page = self.http.get(self.server.url + path, timeout=30).text
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1)

    def give(self, nom: str, **fields: str) -> Answer:
        data = {**FORM, "nom": nom, **fields, "csrf_token": self.token()}
        self.server.statements.clear()
        started = time.perf_counter()
        response = self.http.post(self.server.url + "/don", data=data, allow_redirects=False,
                                  timeout=30)
        elapsed = time.perf_counter() - started
        return Answer(response.status_code, mask(response.headers.get("Location", "")),
                      mask(response.text), elapsed, list(self.server.statements))


@dataclass
class Oracle:
    app: Any
    url: str
    recorder: CheckoutStand
    gateway: StripeGateway
    rival: Site
    statements: list[str]


def _rich_donor() -> DonorIdentity:
    return DonorIdentity(**{k: FORM[k] for k in ("civilite", "prenom", "adresse", "code_postal",
                                                 "commune", "pays", "nationalite")},
                         nom=RICH, email=FORM["email"])


def _serve(database_url: str, tmp_path: Any, stripe_config: dict[str, Any],
           **config: Any) -> Iterator[Oracle]:
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True, **stripe_config, **config)
    recorder = CheckoutStand()
    statements: list[str] = []
    with app.app_context():
        from app.campaigns.demo import seed_demo

        seed_demo(app)
        demo = db.session.scalar(sa.select(Site).where(Site.slug == "demo"))
        spec = parse_campaign_file(PROJECT_ROOT / "content" / "demo" / "campaign.toml")
        rival = tx(create_site, "rivale", "Liste rivale", ["rivale.example"])
        tx(load_campaign, rival, spec)
        assert rival.campaign.election_id == demo.campaign.election_id
        # 4 600 € already given in this election: online here, by cheque to the rival list.
        for site, cents, method, ref in ((demo, 300_000, "carte", "stripe:charge:ch_before"),
                                         (rival, 160_000, "cheque", "cheque:R-1")):
            outcome = tx(record_gift, GiftInput(campaign_id=site.campaign.id,
                                                amount_cents=cents, on=date(2026, 11, 2),
                                                method=method, identity=_rich_donor(),
                                                source_ref=ref))
            assert outcome.status == "accepted"

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(" ".join(statement.split()))

        sa.event.listen(db.engine, "before_cursor_execute", record)
        with StripeGateway.from_config(app.config, http_client=recorder,
                                       max_network_retries=0) as gateway:
            app.extensions[GATEWAY_EXTENSION] = gateway
            server = LiveServer(app)
            server.start()
            try:
                yield Oracle(app, server.url, recorder, gateway, rival, statements)
            finally:
                server.stop()
                sa.event.remove(db.engine, "before_cursor_execute", record)
                recorder.close()
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def oracle(database_url: str, tmp_path: Any, stripe_config: dict[str, Any],
           in_window: Any) -> Iterator[Oracle]:
    """The live app in Stripe mode, limits out of the way (they have their own test)."""
    yield from _serve(database_url, tmp_path, stripe_config, **HIGH_LIMITS)


@pytest.fixture
def limited(database_url: str, tmp_path: Any, stripe_config: dict[str, Any],
            in_window: Any) -> Iterator[Oracle]:
    """The same with the declared default limits."""
    yield from _serve(database_url, tmp_path, stripe_config)


def same(rich: Answer, fresh: Answer) -> None:
    assert (rich.status, rich.next_step, rich.location) == \
        (fresh.status, fresh.next_step, fresh.location)
    assert rich.page == fresh.page
    assert rich.statements == fresh.statements  # the same work: no timing to tell them apart


# --------------------------------------------------------------------------- the answers


FORMS = {
    "at the cap": ({"montant_libre": "4600"}, 303),
    "1 €": ({"montant_libre": "1"}, 303),
    "monthly": ({"montant_libre": "100", "frequence": "mensuel"}, 303),  # 6 × 100 €
    "a preset": ({"montant": "50", "montant_libre": ""}, 303),
    "over the cap alone": ({"montant_libre": "4600,01"}, 422),
    "monthly over the cap alone": ({"montant_libre": "800", "frequence": "mensuel"}, 422),
    "missing attestation": ({"atteste_plafond": ""}, 422),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_the_same_form_gets_the_same_answer_whoever_gave_before(oracle: Oracle,
                                                                name: str) -> None:
    fields, status = FORMS[name]
    visitor = Visitor(oracle)
    rich, fresh = visitor.give(RICH, **fields), visitor.give(FRESH, **fields)
    assert fresh.status == status, fresh.page[:2000]
    same(rich, fresh)
    if status == 303:
        assert rich.next_step == "checkout"
    for answer in (rich, fresh):
        touched = [s for s in answer.statements if LEDGER_TABLES.search(s)]
        assert touched == [], "the form read someone's history"
        text = answer.page.replace("\u202f", " ").replace("\xa0", " ")
        assert "encore donner" not in text and "1 600" not in text and "3 000" not in text


def test_no_timing_difference_worth_measuring(oracle: Oracle) -> None:
    visitor = Visitor(oracle)
    times: dict[str, list[float]] = {RICH: [], FRESH: []}
    for _ in range(7):
        for nom in (RICH, FRESH):
            answer = visitor.give(nom, montant_libre="4600")
            assert answer.status == 303
            times[nom].append(answer.seconds)
    rich, fresh = statistics.median(times[RICH]), statistics.median(times[FRESH])
    # Same SQL (checked above), same Stripe call: what is left is noise on a loaded machine.
    assert abs(rich - fresh) < max(0.1, fresh), times


def test_a_bisection_on_the_amount_learns_nothing(oracle: Oracle) -> None:
    def room_found_by_bisection(nom: str) -> tuple[int, list[tuple[int, int]]]:
        """What an attacker concludes of a person's room, taking « goes on to payment »
        for « the gift fits », from 1 € to 4 600 €, to the euro."""
        visitor, low, high, trail = Visitor(oracle), 0, 4_600, []
        while low < high:
            euros = (low + high + 1) // 2
            answer = visitor.give(nom, montant_libre=str(euros))
            trail.append((euros, answer.status))
            low, high = (euros, high) if answer.next_step == "checkout" else (low, euros - 1)
        return low, trail

    rich, rich_trail = room_found_by_bisection(RICH)
    fresh, fresh_trail = room_found_by_bisection(FRESH)
    # The rich identity has no room left at all, yet the attacker "finds" 4 600 € for both.
    assert rich == fresh == 4_600 and rich_trail == fresh_trail


# --------------------------------------------------------------------------- rate limits


def test_the_rate_limits_answer_429_in_french(limited: Oracle) -> None:
    def donations() -> int:
        db.session.rollback()
        return db.session.scalar(sa.select(sa.func.count()).select_from(Donation)) or 0

    # A donor who gets the form wrong twice, then right, is not stopped.
    donor = Visitor(limited, "127.0.0.2")
    assert donor.give("Typo", atteste_plafond="").status == 422
    assert donor.give("Typo", code_postal="").status == 422
    assert donor.give("Typo").status == 303

    # One address: 10 forms a minute (each for someone else), then 429.
    flood = Visitor(limited, "127.0.0.3")
    answers = [flood.give(f"Nom{i:02d}").status for i in range(10)]
    assert answers == [303] * 10
    before = donations()
    blocked = flood.http.post(limited.url + "/don", allow_redirects=False, timeout=30,
                              data={**FORM, "nom": "Encore", "csrf_token": flood.token()})
    assert blocked.status_code == 429 and donations() == before
    page = html.unescape(blocked.text)
    assert 'lang="fr"' in page and "Trop de tentatives de don en peu de temps" in page
    assert "Aucun paiement n'a été effectué" in page and "par chèque" in page
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.headers.get("Cache-Control") == "no-store"
    assert flood.http.get(limited.url + "/don", timeout=30).status_code == 200  # reading: free

    # One identity from many addresses: 10 an hour, then 429 from anywhere; others go on.
    statuses = [Visitor(limited, f"127.0.0.{10 + i // 4}").give(RICH).status for i in range(10)]
    assert statuses == [303] * 10
    elsewhere = Visitor(limited, "127.0.0.20")
    assert elsewhere.give(RICH).status == 429
    assert elsewhere.give(RICH, code_postal="72100").status == 303  # another person
    assert elsewhere.give(FRESH).status == 303


# --------------------------------------------------------------------------- after payment


def _pay(oracle: Oracle, donation_id: str) -> None:
    """The donor pays on Stripe; Stripe sends the signed completion event (twice)."""
    db.session.rollback()
    donation = db.session.get(Donation, donation_id)
    assert donation is not None and donation.checkout_session_id
    intent = create_paid_payment_intent(oracle.gateway, donation.amount_cents,
                                        metadata={"donation_id": donation.id})
    session = checkout_session_object(donation_id=donation.id,
                                      amount_cents=donation.amount_cents,
                                      payment_intent=intent,
                                      session_id=donation.checkout_session_id)
    body, headers = sign_event("checkout.session.completed", session)
    for _ in range(2):
        answer = requests.post(oracle.url + "/stripe/webhook", data=body, headers=headers,
                               timeout=30)
        assert answer.status_code == 200, answer.text


def _donation_of(nom: str) -> str:
    db.session.rollback()
    [found] = db.session.scalars(sa.select(Donation.id).where(Donation.nom == nom)).all()
    return found


def _mail(donation_id: str) -> tuple[str, ...]:
    """The confirmation e-mail of a paid donation, its unique references masked."""
    db.session.rollback()
    donation = db.session.get(Donation, donation_id)
    assert donation is not None and donation.first_entry_id is not None
    entry = db.session.get(LedgerEntry, donation.first_entry_id)
    assert entry is not None and entry.source_ref
    charge = entry.source_ref.removeprefix("stripe:charge:")
    mail = db.session.scalar(sa.select(OutgoingMail).where(
        OutgoingMail.key == f"confirmation:{charge}"))
    assert mail is not None
    return tuple(mask(part.replace(charge, "CHARGE"))
                 for part in (mail.to, mail.subject, mail.text, mail.html))


def _treasury_page(oracle: Oracle, email: str) -> str:
    staff, _ = staff_login(oracle.url, email, PASSWORD, code=totp_code(email))
    answer = staff.get(oracle.url + "/admin/tresorerie/", timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return answer.text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_over_cap_payment_is_flagged_for_that_campaigns_treasurer_only(
        oracle: Oracle) -> None:
    visitor = Visitor(oracle)
    rich, fresh = visitor.give(RICH, montant_libre="100"), visitor.give(FRESH,
                                                                        montant_libre="100")
    same(rich, fresh)
    assert rich.next_step == "checkout"
    rich_id, fresh_id = _donation_of(RICH), _donation_of(FRESH)
    for donation_id in (rich_id, fresh_id):
        _pay(oracle, donation_id)

    # Booked once each; the rich donor's 100 € are over the cap by all of it: flagged, and a
    # refund proposed (never executed without the treasurer).
    db.session.rollback()
    entries = {}
    for donation_id in (rich_id, fresh_id):
        donation = db.session.get(Donation, donation_id)
        assert donation is not None and donation.status == "paid"
        entries[donation_id] = db.session.get(LedgerEntry, donation.first_entry_id)
    assert [e.amount_cents for e in entries.values()] == [10_000, 10_000]
    [flag] = db.session.scalars(sa.select(ComplianceFlag)).all()
    [request] = db.session.scalars(sa.select(RefundRequest)).all()
    rich_entry = entries[rich_id]
    assert (flag.rule, flag.amount_cents, flag.entry_id) == ("DON-2", 10_000, rich_entry.id)
    assert (request.status, request.amount_cents, request.entry_id) == \
        ("proposed", 10_000, rich_entry.id)
    assert oracle.recorder.find("POST", "/v1/refunds") == []

    # The visitor's side says nothing of it: same thank-you page, same confirmation e-mail.
    pages = [mask(visitor.http.get(f"{oracle.url}/don/merci/{d}", timeout=30).text)
             for d in (rich_id, fresh_id)]
    assert pages[0] == pages[1] and "Merci Camille" in pages[0]
    assert "rembours" not in pages[0].lower() and "plafond" not in pages[0].split("<main")[-1]
    assert _mail(rich_id) == _mail(fresh_id)

    # The demo campaign's treasurer sees the alert and the refund to approve…
    create_user("tresorier@example.org", "treasurer", sites=[_site("demo")])
    create_user("tresorier.rival@example.org", "treasurer", sites=[oracle.rival])
    own = _treasury_page(oracle, "tresorier@example.org")
    assert "À rembourser (DON-16)" in own and "Approuver et rembourser 100,00" in own
    assert f"/admin/tresorerie/remboursements/{request.id}/approuver" in own
    # …the rival list's treasurer, whose campaign got 1 600 € from the same person, does not.
    rival = _treasury_page(oracle, "tresorier.rival@example.org")
    assert "1 600,00" in rival  # its own campaign: the cheque it received
    assert f"remboursements/{request.id}" not in rival and RICH not in rival
    assert "Approuver et rembourser" not in rival


def _site(slug: str) -> Site:
    db.session.rollback()
    site = db.session.scalar(sa.select(Site).where(Site.slug == slug))
    assert site is not None
    return site

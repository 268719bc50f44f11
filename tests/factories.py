"""Test data builders and helpers shared by the whole suite (test modules never import each
other: what two of them need lives here or in ``tests/support/``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from markupsafe import Markup

from app.dbutil import transaction
from app.donations.models import Donation
from app.donations.service import DonationRequest, reserve
from app.extensions import db
from app.ledger.gifts import DonorIdentity
from app.website.images import ImageStore
from app.website.legal_pages import CampaignInfo
from app.website.render import RenderOptions, SiteRenderer
from app.website.repository import site_content
from app.website.themes import ThemeState
from tests.support.paths import THEMES

T = TypeVar("T")


def tx(action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one ledger or account action in its own transaction, as a view or a command does."""
    with transaction():
        return action(*args, **kwargs)


# -- staff accounts ------------------------------------------------------------------------

PASSWORD = "correct-horse-battery-staple"
#: A cheaper scrypt for the suite's accounts (N=2**10 instead of 2**15): an app under test
#: hashes with it too (``ESTRADE_TEST_PASSWORD_HASH``, honoured only when ``TESTING``;
#: tests/accounts/test_password_hashing.py checks that a real app ignores it).
TEST_HASH_METHOD = "scrypt:1024:8:1"
_HASHES: dict[str, str] = {}


def password_hash(password: str) -> str:
    """Each test password is hashed once per session."""
    if password not in _HASHES:
        from werkzeug.security import generate_password_hash

        _HASHES[password] = generate_password_hash(password, method=TEST_HASH_METHOD)
    return _HASHES[password]


def totp_secret(email: str) -> str:
    """The TOTP secret test accounts are enrolled with (made from the e-mail, so a test on a
    live server or in a browser can compute codes without the database)."""
    import base64
    import hashlib

    return base64.b32encode(hashlib.sha256(email.lower().encode()).digest()[:20]).decode()


def create_user(email: str, role: str, password: str = PASSWORD, active: bool = True,
                sites: list[Any] | None = None, second_factor: bool | None = None) -> Any:
    """A staff account. ``role`` "admin" is the installation administrator; any other role
    (editor, treasurer, site_admin) is held on ``sites`` (default: every site that exists).
    Those whose role requires a second factor (admin, treasurer, site_admin) are enrolled
    with :func:`totp_secret` unless ``second_factor`` is False."""
    from app.accounts.models import Membership, User
    from app.campaigns.models import Site
    from app.timeutil import utcnow

    user = User(email=email, is_admin=role == "admin", active=active,
                password_hash=password_hash(password))
    if role != "admin":
        for site in sites if sites is not None else db.session.scalars(sa.select(Site)):
            user.memberships.append(Membership(site_id=site.id, role=role))
    if second_factor is None:
        second_factor = role in ("admin", "treasurer", "site_admin")
    if second_factor:
        user.totp_secret = totp_secret(email)
        user.totp_enabled_at = utcnow()
    db.session.add(user)
    db.session.commit()
    return user


def totp_code(email: str) -> str:
    """A valid, unused code for ``email``'s account (enrolled with :func:`totp_secret`): the
    account's last used step is forgotten first, as a code is accepted only once and tests
    log in several times within 30 seconds."""
    import pyotp

    from app.accounts.models import User

    db.session.execute(sa.update(User).where(sa.func.lower(User.email) == email.lower())
                       .values(totp_last_step=None))
    db.session.commit()
    return pyotp.TOTP(totp_secret(email)).now()


# -- donors and gifts ----------------------------------------------------------------------

IN_WINDOW = dt.date(2026, 11, 15)  # demo campaign: collection from 2026-10-01 to 2027-05-21

#: Inside the demo campaign's collection window (2026-10-01 → 2027-05-21).
DONATION_DAY = dt.datetime(2026, 11, 28, 10, 0)


def identity(nom: str = "Martin", prenom: str = "Alice", **extra: Any) -> DonorIdentity:
    """A donor's R39-1 identity, without an e-mail (as a cheque brings it)."""
    fields = {"civilite": "Mme", "adresse": "3 rue des Lilas", "code_postal": "72000",
              "commune": "Le Mans", "pays": "France", "nationalite": "française"}
    fields.update(extra)
    return DonorIdentity(nom=nom, prenom=prenom, **fields)


def who(nom: str = "Dupont", prenom: str = "Marianne", **extra: Any) -> DonorIdentity:
    """An online donor's identity, with an e-mail made from the name."""
    fields = {"civilite": "Mme", "adresse": "1 rue de la Paix", "code_postal": "72000",
              "commune": "Le Mans", "pays": "France", "nationalite": "française",
              "email": f"{prenom.lower()}.{nom.lower()}@example.org"}
    fields.update(extra)
    return DonorIdentity(nom=nom, prenom=prenom, **fields)


#: A complete, valid /don form.
DONATION_FORM = {
    "montant": "autre", "montant_libre": "200", "frequence": "unique", "civilite": "Mme",
    "prenom": "Alice", "nom": "Martin", "adresse": "3 rue des Lilas", "code_postal": "72000",
    "commune": "Le Mans", "pays": "France", "nationalite": "française",
    "email": "alice@example.org", "atteste_personne_physique": "y",
    "atteste_fonds_personnels": "y", "atteste_plafond": "y",
}


def demo_site() -> Any:
    """The demo site, looked up in the current app's database."""
    from app.campaigns.models import Site

    return db.session.scalar(sa.select(Site).where(Site.slug == "demo"))


def new_donation(amount_cents: int, identity: DonorIdentity | None = None, *,
                 monthly: bool = False, source: str | None = "tract-marche",
                 demo: bool = False) -> Donation:
    """A pending donation reserved through the real pre-payment check (``demo``: made in
    demonstration mode, as /don marks it)."""
    identity = identity or who()

    def reserve_it() -> Any:
        reservation = reserve(demo_site(), DonationRequest(
            identity=identity, amount_cents=amount_cents, monthly=monthly,
            email=identity.email, source=source, newsletter=False,
            attestations={"atteste_personne_physique": "2026-11-28T10:00:00+00:00"},
            client_ip="127.0.0.1"))
        if reservation.donation is not None:
            reservation.donation.demo = demo
        return reservation

    reservation = tx(reserve_it)
    assert reservation.donation is not None, reservation.message
    return reservation.donation


# -- site folders and renderers (no database) ----------------------------------------------

LEGAL = Markup('<section class="mentions-dons" data-estrade-legal>MENTIONS DON-9</section>')
SITE_TOML = """title = "Liste Essai"
description = "Site d'essai"
base_url = "https://essai.example"

[[navigation]]
label = "Accueil"
url = "/"

[theme.settings]
{settings}
"""


def write_site(root: Path, pages: dict[str, str], settings: str = "") -> Path:
    """A site folder: ``site.toml`` and ``pages/`` (name → Markdown text)."""
    (root / "pages").mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML.format(settings=settings), encoding="utf-8")
    for name, text in pages.items():
        path = root / "pages" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def renderer(root: Path, theme: str = "base", themes_dir: Path = THEMES,
             donate_url: str = "", theme_files: ThemeState | None = None) -> SiteRenderer:
    """A :class:`SiteRenderer` of the site folder ``root``, without a database."""
    content = site_content(root)
    return SiteRenderer(content=content, themes_dir=str(themes_dir), theme_name=theme,
                        legal_html=LEGAL, campaign=CampaignInfo(list_name="Liste Essai"),
                        options=RenderOptions(base_url="https://essai.example",
                                              donate_url=donate_url, export=bool(donate_url)),
                        images=ImageStore(root / "media", root.parent / "cache"),
                        theme_files=theme_files)


def open_checkout(donation: Donation, session_id: str | None = None) -> Donation:
    """Give a pending donation its Checkout Session, as /don does once Stripe answered: from
    then on (and until it expires) it holds its amount against the donor's cap."""
    donation.checkout_session_id = session_id or f"cs_test_{donation.id}"
    db.session.commit()
    return donation


# -- a second site -------------------------------------------------------------------------


def rival_site(content_root: Path, slug: str = "rivale", title: str = "Liste rivale",
               host: str = "rivale.example") -> Any:
    """A second site of the demo's election, with a copy of the demo's folder and campaign
    (the demo's folder must already be in ``content_root``)."""
    import shutil

    from app.campaigns.service import create_site, load_campaign, parse_campaign_file

    shutil.copytree(content_root / "demo", content_root / slug)
    site = tx(create_site, slug, title, [host])
    tx(load_campaign, site, parse_campaign_file(content_root / slug / "campaign.toml"))
    return site

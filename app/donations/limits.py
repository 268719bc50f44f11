"""Rate limits of the public donation form (``POST /don``), with Flask-Limiter.

Two limits, both declared settings (docs/configuration.md):

* per client address (``ESTRADE_DONATE_LIMIT_PER_ADDRESS``), so that one machine cannot
  flood the form;
* per identity (``ESTRADE_DONATE_LIMIT_PER_IDENTITY``): the normalised name and postcode,
  per site, so that many machines cannot take turns on one named person. Its counter is
  keyed by an HMAC of them under the app's secret key: the limiter's storage (memory, or a
  shared Redis) never holds a name, nor who tried to give to which campaign.

The form's answer never depends on anyone's history (docs/security-donations.md); these
limits are defence in depth and keep the form from being used to flood Stripe and the
treasurer. Only POSTs are counted: reading the form is free.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import Flask, current_app, request
from limits import parse_many

from app.core.finance.donors import donor_key
from app.extensions import limiter
from app.settings import ConfigError

ADDRESS_SETTING = "ESTRADE_DONATE_LIMIT_PER_ADDRESS"
IDENTITY_SETTING = "ESTRADE_DONATE_LIMIT_PER_IDENTITY"


def check_settings(app: Flask) -> None:
    """Refuse to start with a limit Flask-Limiter cannot read (it would fail on each POST)."""
    for key in (ADDRESS_SETTING, IDENTITY_SETTING):
        value = str(app.config.get(key) or "").strip()
        try:
            if not parse_many(value):
                raise ValueError(value)
        except ValueError:
            raise ConfigError(
                f"{key} doit être une limite comme « 10 per minute;100 per hour » (et non "
                f"« {value} »).") from None


def _address_limit() -> str:
    return str(current_app.config[ADDRESS_SETTING])


def _identity_limit() -> str:
    return str(current_app.config[IDENTITY_SETTING])


def identity_bucket(form: Any, site_id: int, secret: str) -> str:
    """The per-identity counter's key: an HMAC of the site and the normalised name and
    postcode ("" when the form names nobody: nothing to count)."""
    nom, prenom = str(form.get("nom") or ""), str(form.get("prenom") or "")
    postcode = str(form.get("code_postal") or "")
    key = donor_key(nom, prenom, postcode, "")
    if not key.strip("|"):
        return ""
    digest = hmac.new(secret.encode(), f"don|{site_id}|{key}".encode(), hashlib.sha256)
    return "id-" + digest.hexdigest()[:40]


def _identity_key() -> str:
    from app.website.views import current_site

    return identity_bucket(request.form, current_site().id,
                           str(current_app.config["SECRET_KEY"]))


def _names_nobody() -> bool:
    return request.method != "POST" or not _identity_key()


#: Decorators of the /don view (outermost first).
per_address = limiter.limit(_address_limit, methods=["POST"], scope="don-address")
per_identity = limiter.limit(_identity_limit, methods=["POST"], key_func=_identity_key,
                             exempt_when=_names_nobody, scope="don-identity")

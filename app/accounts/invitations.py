"""Inviting someone onto a site by e-mail: a new account gets a link to choose its password
(the password-reset token of :mod:`app.accounts.reset` under its own salt: signed, single use
because it names the password hash it was made for, valid ``INVITE_MAX_AGE_SECONDS``); an
existing account just gets the role and a mail saying so.

Whoever invites sees the same answer either way: a site admin learns nothing about whether an
address already has an account (rival campaigns share an installation). The mail is queued in
the transaction and sent after the response (its timing says nothing either).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import (
    current_app,
    has_request_context,
    render_template,
    url_for,
)
from flask_babel import gettext as _

from app import audit, mail
from app.access import public
from app.accounts import actions, limits
from app.accounts.models import SITE_ROLES, User
from app.accounts.reset import choose_password_page, make_token, staff_base_url, user_for
from app.accounts.views import bp
from app.campaigns.models import Site
from app.dbutil import require_transaction
from app.extensions import db

INVITE_SALT = "estrade.invitation"
INVITE_MAX_AGE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Invited:
    user: User
    mail_key: str | None  # the queued mail, sent after the response


def invite(email: str, site: Site, role: str, *, actor: Any) -> Invited:
    """Give ``role`` on ``site`` to whoever has ``email``, creating the account (no usable
    password until the invitation link is opened) when there is none."""
    require_transaction(db.session)
    if actor is not None and not actor.can("people", site.id):
        raise actions.AccountError(_("Votre rôle ne permet pas d'accéder à cette page."))
    if role not in SITE_ROLES:
        raise actions.AccountError(_("Rôle inconnu."), "role")
    address = actions.normalise_email(email)
    user = actions.find_user(address)
    if user is None:
        user = actions.create_user(address, password=None, actor=actor, via="invitation",
                                   site=site, role=role).user
        user.must_change_password = False  # the generated password is never shown
        key = _queue(user, site, role, "invite", _("Invitation à rejoindre l'équipe de "
                                                   "« %(site)s »", site=site.title))
    else:
        actions.grant(user, site, role, actor=actor)
        key = _queue(user, site, role, "role", _("Nouveau rôle sur « %(site)s »",
                                                 site=site.title)) if user.active else None
    audit.record("membership.invite", user, user=actor, site=site.slug, role=role)
    return Invited(user, key)


def _path(endpoint: str, **values: Any) -> str:
    """The address of ``endpoint`` (from a command too, where there is no request)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _queue(user: User, site: Site, role: str, template: str, subject: str) -> str | None:
    base = staff_base_url()
    if base is None:
        current_app.logger.warning("invitation for user %s not sent: set ESTRADE_STAFF_URL",
                                   user.id)
        return None
    if template == "invite":
        link = base + _path("accounts.accept_invitation", token=make_token(user, INVITE_SALT))
    else:
        link = base + _path("accounts.login")
    context = {"link": link, "email": user.email, "site": site.title,
               "role": SITE_ROLES[role], "days": INVITE_MAX_AGE_SECONDS // 86400}
    return mail.queue(f"invitation:{user.id}:{secrets.token_hex(8)}", user.email, subject,
                      render_template(f"accounts/mail/{template}.txt", **context),
                      render_template(f"accounts/mail/{template}.html", **context))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limits.reset_per_address
def accept_invitation(token: str) -> Any:
    return choose_password_page(
        user_for(token, INVITE_SALT, INVITE_MAX_AGE_SECONDS),
        _("Mot de passe choisi : connectez-vous pour rejoindre l'équipe."), invitation=True)

"""Password reset by e-mail: signed, expiring, single-use links, and no user enumeration.

The link carries the account's id and a fingerprint of its current password hash, signed
with the app's secret key (itsdangerous) and valid for an hour: once the password changes
(through this link or otherwise) every earlier link is dead. Whether or not an account has
the typed address, the page answers the same, at once: the mail is queued in the request's
transaction and sent after the response has gone (``call_on_close``), so its timing says
nothing either. Requests are throttled (``limits``). A reset never skips the second factor:
the next login still asks for it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import audit, mail
from app.access import public
from app.accounts import actions, limits
from app.accounts.forms import EmailForm, NewPasswordForm
from app.accounts.models import User
from app.accounts.views import bp
from app.dbutil import transaction
from app.extensions import db

MAX_AGE_SECONDS = 3600
SALT = "estrade.password-reset"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}|{user.password_hash}".encode()).hexdigest()[:32]


def make_token(user: User, salt: str = SALT) -> str:
    """A link's token; ``salt`` tells links apart (a reset link is no invitation)."""
    return _serializer(salt).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for(token: str, salt: str = SALT, max_age: int = MAX_AGE_SECONDS) -> User | None:
    """The account a link is for, if it is signed, under an hour old (``max_age`` seconds)
    and still unused."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or not hmac.compare_digest(
            str(data.get("f", "")), _fingerprint(user)):
        return None
    return user


def staff_base_url() -> str | None:
    """Where reset links point: ``ESTRADE_STAFF_URL``, else this request's host only when a
    site declares it or it is this machine (never a Host header someone made up)."""
    configured = str(current_app.config.get("ESTRADE_STAFF_URL") or "").rstrip("/")
    if configured or not has_request_context():  # a command: only the configured address
        return configured or None
    from app.campaigns.service import site_for_host

    name = (urlsplit(f"//{request.host}").hostname or "").lower()
    if name in LOOPBACK or site_for_host(request.host) is not None:
        return request.host_url.rstrip("/")
    return None


def _queue_mail(user: User) -> str | None:
    base = staff_base_url()
    if base is None:
        current_app.logger.warning("password reset for user %s not sent: set ESTRADE_STAFF_URL",
                                   user.id)
        return None
    link = base + url_for("accounts.reset_password", token=make_token(user))
    text = render_template("accounts/mail/reset.txt", link=link, email=user.email)
    html = render_template("accounts/mail/reset.html", link=link, email=user.email)
    key = mail.queue(f"password-reset:{user.id}:{secrets.token_hex(8)}", user.email,
                     _("Réinitialisation de votre mot de passe Estrade"), text, html)
    audit.record("user.password_reset_request", user, user=None,
                 address=request.remote_addr or "")
    return key


def _send_after_response(app: Flask, key: str) -> None:
    with app.app_context():
        mail.send_pending(keys=[key])


def send_after_response(response: Any, key: str | None) -> Any:
    """Send the queued mail ``key`` once ``response`` has gone (its timing says nothing)."""
    if key is not None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _send_after_response(app, key))
    return response


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
@limits.reset_per_address
@limits.reset_per_email
def forgot_password() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = EmailForm()
    if form.validate_on_submit():
        key = None
        with transaction():
            user = actions.find_user(form.email.data)
            if user is not None and user.active:
                key = _queue_mail(user)
        flash(_("Si un compte existe pour cette adresse, un message vient d'y être envoyé avec "
                "un lien valable une heure."), "info")
        return send_after_response(redirect(url_for("accounts.login"), 303), key)
    status = 422 if form.errors else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@public
@limits.reset_per_address
def reset_password(token: str) -> Any:
    return choose_password_page(user_for(token),
                                _("Mot de passe modifié : connectez-vous avec le nouveau."))


def choose_password_page(user: User | None, done: str, invitation: bool = False) -> Any:
    """The page a mailed link opens (a reset, or an invitation): a new password for ``user``
    (None: the link is expired, used or forged), then the login page with ``done``."""
    if user is None:
        return render_template("accounts/reset_invalid.html", invitation=invitation), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            with transaction():
                actions.reset_password(user, form.new.data)
        except actions.AccountError as exc:
            form.new.errors.append(str(exc))
        else:
            flash(done, "success")
            return redirect(url_for("accounts.login"), 303)
    status = 422 if form.errors else 200
    return render_template("accounts/reset.html", form=form, email=user.email,
                           invitation=invitation), status

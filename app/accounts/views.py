"""Login (password, then the second factor), logout, the dashboard and one's own account
(the team pages are in ``people.py``, the second factor's in ``twofactor_views.py``, password
resets in ``reset.py``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from app import audit
from app.access import public
from app.accounts import actions, limits, second_factor, sessions
from app.accounts.decorators import staff_required
from app.accounts.forms import CodeForm, LocaleForm, LoginForm, PasswordForm
from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.campaigns.models import Site
from app.dbutil import transaction
from app.extensions import db
from app.timeutil import utcnow

bp = Blueprint("accounts", __name__, url_prefix="/admin", template_folder="templates")


#: A path of this site: one "/" then no "/" or "\\" (``//host`` and ``/\\host`` are other
#: sites to a browser), no scheme, no control character or space.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s\\\x00-\x1f\x7f]*$")


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site's staff area, else the dashboard
    (never another site: no open redirect, whatever ``next`` says)."""
    if target and _LOCAL_PATH.match(target):
        parts = urlsplit(target)
        segments = parts.path.split("/")
        if (not parts.scheme and not parts.netloc and parts.path.startswith("/admin")
                and "." not in segments and ".." not in segments):
            return target
    return url_for("accounts.dashboard")


#: Session keys of a login waiting for its second factor (it expires after 5 minutes).
PENDING_ID, PENDING_VERSION, PENDING_AT = "_2fa_uid", "_2fa_sv", "_2fa_at"
PENDING_EMAIL = limits.PENDING_EMAIL
PENDING_SECONDS = 300


def _failure(user: User | None, reason: str) -> None:
    """Audit a failed login (who was tried, from where; never the password)."""
    with transaction():
        audit.record("login.failed", user, user=None, object_type="User", reason=reason,
                     address=request.remote_addr or "")


def _logged_in(user: User, factor: str) -> Any:
    with transaction():
        user.last_login_at = utcnow()
        audit.record("login", user, user=user, factor=factor)
    target = safe_next(session.get("_2fa_next") or request.args.get("next"))
    sessions.start(user)
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
@public
@limits.login_per_address
@limits.login_per_account
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = actions.find_user(form.email.data)
        # The same scrypt work whether or not the account exists (no timing oracle).
        valid = verify_password(user.password_hash if user else None, form.password.data)
        if user is None or not valid:
            _failure(user, "password")
            form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
        elif not user.active:
            _failure(user, "inactive")
            form.email.errors.append(_("Ce compte a été désactivé. Contactez un administrateur."))
        elif user.has_second_factor:
            session.clear()
            session.update({PENDING_ID: user.id, PENDING_VERSION: user.session_version,
                            PENDING_AT: int(sessions.now()), PENDING_EMAIL: user.email,
                            "_2fa_next": request.args.get("next") or ""})
            return redirect(url_for("accounts.login_code"))
        else:
            return _logged_in(user, "password")
    return render_template("accounts/login.html", form=form), (200 if not form.errors else 422)


def _pending_user() -> User | None:
    """The person who gave their password in this browser less than 5 minutes ago."""
    user_id, started = session.get(PENDING_ID), session.get(PENDING_AT)
    if not isinstance(user_id, int) or not isinstance(started, int):
        return None
    if sessions.now() - started > PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != session.get(PENDING_VERSION):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limits.login_per_address
@limits.login_per_account
def login_code() -> Any:
    """Login, second step: a code of the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        for key in (PENDING_ID, PENDING_VERSION, PENDING_AT, PENDING_EMAIL):
            session.pop(key, None)
        flash(_("Saisissez d'abord votre adresse e-mail et votre mot de passe."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        with transaction():
            factor = second_factor.verify(user, form.code.data)
        if factor is not None:
            return _logged_in(user, factor)
        _failure(user, "code")
        form.code.errors.append(_("Ce code n'est pas valide (ou a déjà servi)."))
    return render_template("accounts/login_code.html", form=form), (422 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@staff_required
def logout() -> Any:
    """Ends every session of this person, not only this browser's (a copied cookie dies)."""
    with transaction():
        actions.log_out(current_user)
    logout_user()
    sessions.end()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/")
@staff_required
def dashboard() -> Any:
    """The sites this person works on (the installation admin: every site)."""
    query = select(Site).order_by(Site.title)
    if not current_user.is_admin:
        query = query.where(Site.id.in_(current_user.site_ids()))
    sites = db.session.scalars(query).all()
    return render_template("accounts/dashboard.html", sites=sites)


def _password_changed(form: PasswordForm) -> bool:
    """The password form's submission, shared by « Mon compte » and the forced change: the
    change (audited), this session kept while every other one ends, the flash."""
    if not form.validate_on_submit():
        return False
    try:
        with transaction():
            actions.change_password(current_user, form.new.data, actor=current_user,
                                    current=form.current.data)
    except actions.AccountError as exc:
        form[exc.field or "new"].errors.append(str(exc))
        return False
    sessions.keep_current(current_user)  # every other session has ended
    flash(_("Mot de passe modifié."), "success")
    return True


@bp.route("/compte", methods=["GET", "POST"])
@staff_required
def account() -> Any:
    form = PasswordForm()
    locale_form = LocaleForm(locale=current_user.locale or "fr")
    if _password_changed(form):
        return redirect(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render_template("accounts/account.html", form=form, locale_form=locale_form,
                           recovery_left=second_factor.recovery_codes_left(current_user),
                           code_form=CodeForm()), status


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@staff_required
def change_password() -> Any:
    """The password a generated account must replace before reaching any other page."""
    form = PasswordForm()
    if _password_changed(form):
        return redirect(url_for("accounts.dashboard"))
    status = 422 if form.errors else 200
    return render_template("accounts/password.html", form=form), status


@bp.route("/compte/langue", methods=["POST"])
@staff_required
def set_locale() -> Any:
    form = LocaleForm()
    if form.validate_on_submit():
        with transaction():
            current_user.locale = form.locale.data
            audit.record("user.locale", current_user, locale=form.locale.data)
    return redirect(url_for("accounts.account"))

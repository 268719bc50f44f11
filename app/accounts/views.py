"""Login, the dashboard and one's own account (the team pages are in ``people.py``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from app import audit
from app.access import public
from app.accounts import actions
from app.accounts.decorators import staff_required
from app.accounts.forms import LocaleForm, LoginForm, PasswordForm
from app.accounts.models import User
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


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
        elif not user.active:
            form.email.errors.append(_("Ce compte a été désactivé. Contactez un administrateur."))
        else:
            with transaction():
                login_user(user)
                user.last_login_at = utcnow()
                audit.record("login", user, user=user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), (200 if not form.errors else 422)


@bp.route("/logout", methods=["POST"])
@staff_required
def logout() -> Any:
    logout_user()
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


@bp.route("/compte", methods=["GET", "POST"])
@staff_required
def account() -> Any:
    form = PasswordForm()
    locale_form = LocaleForm(locale=current_user.locale or "fr")
    if form.validate_on_submit():
        try:
            with transaction():
                actions.change_password(current_user, form.new.data, actor=current_user,
                                        current=form.current.data)
        except actions.AccountError as exc:
            form[exc.field or "new"].errors.append(str(exc))
        else:
            flash(_("Mot de passe modifié."), "success")
            return redirect(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render_template("accounts/account.html", form=form, locale_form=locale_form), status


@bp.route("/compte/langue", methods=["POST"])
@staff_required
def set_locale() -> Any:
    form = LocaleForm()
    if form.validate_on_submit():
        with transaction():
            current_user.locale = form.locale.data
            audit.record("user.locale", current_user, locale=form.locale.data)
    return redirect(url_for("accounts.account"))

"""Login, dashboard, people management and own account pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from app import audit
from app.accounts import actions
from app.accounts.decorators import public, roles_required
from app.accounts.forms import EmptyForm, LocaleForm, LoginForm, NewUserForm, PasswordForm, RoleForm
from app.accounts.models import User
from app.campaigns.models import Site
from app.dbutil import transaction
from app.extensions import db
from app.timeutil import utcnow

bp = Blueprint("accounts", __name__, url_prefix="/admin", template_folder="templates")


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
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
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), (200 if not form.errors else 422)


@bp.route("/logout", methods=["POST"])
@roles_required()
def logout() -> Any:
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/")
@roles_required()
def dashboard() -> Any:
    sites = db.session.scalars(select(Site).order_by(Site.title)).all()
    return render_template("accounts/dashboard.html", sites=sites)


@bp.route("/equipe")
@roles_required("admin")
def people() -> Any:
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("accounts/people.html", users=users, form=NewUserForm(),
                           role_form=RoleForm(), action_form=EmptyForm())


@bp.route("/equipe", methods=["POST"])
@roles_required("admin")
def create_user() -> Any:
    form = NewUserForm()
    generated = None
    if form.validate_on_submit():
        try:
            with transaction():
                account = actions.create_user(form.email.data, form.role.data,
                                              password=form.password.data or None,
                                              actor=current_user, via="web")
        except actions.AccountError as exc:
            form[exc.field or "email"].errors.append(str(exc))
        else:
            generated = account.generated_password
            flash(_("Compte créé pour %(email)s.", email=account.user.email), "success")
            if not generated:
                return redirect(url_for("accounts.people"))
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    status = 201 if generated else 422
    return render_template("accounts/people.html", users=users, form=form, role_form=RoleForm(),
                           action_form=EmptyForm(), generated=generated), status


@bp.route("/equipe/<int:user_id>/role", methods=["POST"])
@roles_required("admin")
def change_role(user_id: int) -> Any:
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with transaction():
            changed = actions.change_role(user, form.role.data, actor=current_user)
    except actions.AccountError as exc:
        flash(str(exc), "error")
    else:
        if changed:
            flash(_("Rôle de %(email)s modifié.", email=user.email), "success")
    return redirect(url_for("accounts.people"))


@bp.route("/equipe/<int:user_id>/activation", methods=["POST"])
@roles_required("admin")
def toggle_active(user_id: int) -> Any:
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with transaction():
            actions.set_active(user, not user.active, actor=current_user)
    except actions.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Compte de %(email)s réactivé.", email=user.email) if user.active
              else _("Compte de %(email)s désactivé.", email=user.email), "success")
    return redirect(url_for("accounts.people"))


@bp.route("/compte", methods=["GET", "POST"])
@roles_required()
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
@roles_required()
def set_locale() -> Any:
    form = LocaleForm()
    if form.validate_on_submit():
        with transaction():
            current_user.locale = form.locale.data
            audit.record("user.locale", current_user, locale=form.locale.data)
    return redirect(url_for("accounts.account"))

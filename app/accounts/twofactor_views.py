"""Pages of the second factor: enrolment (QR code, then a code typed back), new recovery
codes in « Mon compte », and the installation admin's reset of someone's second factor.

The secret being enrolled waits in the session (signed; only this browser holds it) until a
code proves the person's app has it; only then is it stored (:mod:`second_factor`).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import actions, second_factor
from app.accounts.decorators import admin_required, staff_required
from app.accounts.forms import CodeForm, EmptyForm
from app.accounts.models import User
from app.accounts.views import bp
from app.dbutil import transaction
from app.extensions import db

ENROLLING = "_totp_enrolling"


def _codes_page(codes: list[str], status: int = 200) -> Any:
    return render_template("accounts/recovery_codes.html", codes=codes), status


@bp.route("/compte/double-authentification", methods=["GET", "POST"])
@staff_required
def totp_enrol() -> Any:
    """Enrol an authenticator app (required before anything else for admins, treasurers and
    site admins)."""
    if current_user.has_second_factor:
        return redirect(url_for("accounts.account"))
    secret = session.get(ENROLLING)
    if not isinstance(secret, str) or len(secret) < 16:
        secret = session[ENROLLING] = second_factor.new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            with transaction():
                codes = second_factor.enable(current_user, secret, form.code.data)
        except actions.AccountError as exc:
            form.code.errors.append(str(exc))
        else:
            session.pop(ENROLLING, None)
            flash(_("Double authentification activée."), "success")
            return _codes_page(codes, 201)
    uri = second_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/totp_enrol.html", form=form, qr=second_factor.qr_data_uri(uri),
        secret=second_factor.grouped(secret),
        required=current_user.requires_second_factor), (422 if form.errors else 200)


@bp.route("/compte/codes-de-secours", methods=["POST"])
@staff_required
def recovery_codes_shown() -> Any:
    """New recovery codes (the old ones stop working), on a code of the app."""
    if not current_user.has_second_factor:
        return redirect(url_for("accounts.totp_enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            with transaction():
                codes = second_factor.regenerate(current_user, form.code.data)
        except actions.AccountError as exc:
            flash(str(exc), "error")
        else:
            return _codes_page(codes, 201)
    return redirect(url_for("accounts.account"), 303)


@bp.route("/equipe/<int:user_id>/double-authentification/reinitialiser", methods=["POST"])
@admin_required
def totp_reset(user_id: int) -> Any:
    """The installation admin removes someone's second factor (a lost phone): audited, every
    session of that person ends, and they enrol again at their next login."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with transaction():
        second_factor.reset(user, actor=current_user)
    flash(_("Double authentification de %(email)s réinitialisée : un nouvel enrôlement "
            "sera demandé à sa prochaine connexion.", email=user.email), "success")
    return redirect(url_for("accounts.people"), 303)

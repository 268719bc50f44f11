"""« Équipe »: people and their roles on each site.

The installation administrator sees every account and every site; a site admin sees the people
of their own sites only and gives or takes roles there (rival campaigns never see each other's
people). Every change is an action of :mod:`app.accounts.actions`.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import actions
from app.accounts.decorators import admin_required, site_by_slug, site_required
from app.accounts.forms import EmptyForm, GrantForm, NewUserForm
from app.accounts.models import SITE_ROLES, Membership, User
from app.accounts.views import bp
from app.campaigns.models import Site
from app.dbutil import transaction
from app.extensions import db


def _managed_sites() -> list[Site]:
    query = select(Site).order_by(Site.title)
    if not current_user.is_admin:
        query = query.where(Site.id.in_(current_user.site_ids("people")))
    return list(db.session.scalars(query))


def _site_choices(sites: list[Site], optional: bool) -> list[tuple[str, str]]:
    choices = [("", _("— aucun site —"))] if optional else []
    return choices + [(site.slug, site.title) for site in sites]


def _page(form: NewUserForm | None = None, generated: str | None = None,
          status: int = 200) -> Any:
    sites = _managed_sites()
    site_ids = {site.id for site in sites}
    if current_user.is_admin:
        users = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    else:  # a site admin: the people of their sites only
        users = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.site_id.in_(site_ids)).distinct()
                                   .order_by(User.active.desc(), User.email)).all()
    form = form or NewUserForm()
    form.site.choices = _site_choices(sites, optional=current_user.is_admin)
    grant = GrantForm()
    grant.site.choices = _site_choices(sites, optional=False)
    by_id = {site.id: site for site in sites}
    return render_template("accounts/people.html", users=users, form=form, grant_form=grant,
                           action_form=EmptyForm(), generated=generated, sites=by_id,
                           roles=SITE_ROLES), status


def _site(slug: str) -> Site:
    site = next((s for s in _managed_sites() if s.slug == slug), None)
    if site is None:
        abort(404)
    return site


_people_site = site_by_slug("slug")


@bp.route("/equipe")
@site_required("people")
def people() -> Any:
    return _page()


@bp.route("/equipe", methods=["POST"])
@site_required("people")
def create_user() -> Any:
    form = NewUserForm()
    form.site.choices = _site_choices(_managed_sites(), optional=current_user.is_admin)
    if not form.validate_on_submit():
        return _page(form, status=422)
    site = _site(form.site.data) if form.site.data else None
    try:
        with transaction():
            account = actions.create_user(
                form.email.data, password=form.password.data or None, actor=current_user,
                via="web", is_admin=bool(form.is_admin.data) and current_user.is_admin,
                site=site, role=form.role.data if site else None)
    except actions.AccountError as exc:
        form[exc.field or "email"].errors.append(str(exc))
        return _page(form, status=422)
    flash(_("Compte créé pour %(email)s.", email=account.user.email), "success")
    if account.generated_password:
        return _page(generated=account.generated_password, status=201)
    return redirect(url_for("accounts.people"), 303)


def _person(user_id: int) -> User:
    """A person the current user may manage (404 for anyone else: nothing is revealed)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not current_user.is_admin and not set(user.site_ids()) & set(
            current_user.site_ids("people")):
        abort(404)
    return user


@bp.route("/equipe/<int:user_id>/roles", methods=["POST"])
@site_required("people")
def grant_role(user_id: int) -> Any:
    user = _person(user_id)
    form = GrantForm()
    form.site.choices = _site_choices(_managed_sites(), optional=False)
    if not form.validate_on_submit():
        abort(400)
    site = _site(form.site.data)
    try:
        with transaction():
            if actions.grant(user, site, form.role.data, actor=current_user):
                flash(_("%(email)s : %(role)s de « %(site)s ».", email=user.email,
                        role=SITE_ROLES[form.role.data], site=site.title), "success")
    except actions.AccountError as exc:
        flash(str(exc), "error")
    return redirect(url_for("accounts.people"), 303)


@bp.route("/equipe/<int:user_id>/roles/<slug>/<role>/retirer", methods=["POST"])
@site_required("people", _people_site)
def revoke_role(user_id: int, slug: str, role: str) -> Any:
    user = _person(user_id)
    site = _site(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with transaction():
            actions.revoke(user, site, role, actor=current_user)
    except actions.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Rôle retiré à %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts.people"), 303)


@bp.route("/equipe/<int:user_id>/activation", methods=["POST"])
@admin_required
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
    return redirect(url_for("accounts.people"), 303)

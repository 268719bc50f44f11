"""« Équipe du site »: the people of one site, invited by e-mail, their role there, removal.

A site admin sees this site's people only; the installation administrator reaches every
site's. Inviting answers the same whether or not the address has an account
(:mod:`app.accounts.invitations`)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import actions
from app.accounts.decorators import site_required
from app.accounts.forms import EmptyForm
from app.accounts.invitations import invite
from app.accounts.models import SITE_ROLES, Membership, User
from app.accounts.reset import send_after_response
from app.campaigns.models import Site
from app.dbutil import transaction
from app.extensions import db
from app.siteadmin.forms import InviteForm, RoleForm
from app.siteadmin.views import bp, get_site, slug_site


def _people(site: Site) -> list[User]:
    """Everyone holding a role on the site, active or not (a deactivated account invited
    here shows like any other: the list says nothing about accounts)."""
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.site_id == site.id).distinct()
                                   .order_by(User.email)))


def _page(site: Site, form: InviteForm | None = None, status: int = 200) -> Any:
    people = _people(site)
    return render_template("siteadmin/team.html", site=site, people=people,
                           form=form or InviteForm(), role_form=RoleForm(),
                           action_form=EmptyForm(), roles=SITE_ROLES), status


def _member(site: Site, user_id: int) -> User:
    """A person of this site (404 for anyone else: nothing is revealed)."""
    user = db.session.get(User, user_id)
    if user is None or not user.roles_on(site.id):
        abort(404)
    return user


@bp.route("/<slug>/equipe")
@site_required("people", slug_site)
def team(slug: str) -> Any:
    return _page(get_site(slug))


@bp.route("/<slug>/equipe", methods=["POST"])
@site_required("people", slug_site)
def invite_person(slug: str) -> Any:
    site = get_site(slug)
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(site, form, 422)
    try:
        with transaction():
            invited = invite(form.email.data, site, form.role.data, actor=current_user)
    except actions.AccountError as exc:
        form[exc.field or "email"].errors.append(str(exc))
        return _page(site, form, 422)
    # The same words whether the address had an account or not.
    flash(_("Invitation envoyée à %(email)s : %(role)s de « %(site)s ».",
            email=invited.user.email, role=SITE_ROLES[form.role.data], site=site.title),
          "success")
    return send_after_response(redirect(url_for("siteadmin.team", slug=site.slug), 303),
                               invited.mail_key)


@bp.route("/<slug>/equipe/<int:user_id>/role", methods=["POST"])
@site_required("people", slug_site)
def set_role(slug: str, user_id: int) -> Any:
    site = get_site(slug)
    user = _member(site, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with transaction():
            if actions.set_site_role(user, site, form.role.data, actor=current_user):
                flash(_("%(email)s : %(role)s de « %(site)s ».", email=user.email,
                        role=SITE_ROLES[form.role.data], site=site.title), "success")
    except actions.AccountError as exc:
        flash(str(exc), "error")
    return redirect(url_for("siteadmin.team", slug=site.slug), 303)


@bp.route("/<slug>/equipe/<int:user_id>/retirer", methods=["POST"])
@site_required("people", slug_site)
def remove_person(slug: str, user_id: int) -> Any:
    site = get_site(slug)
    user = _member(site, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        with transaction():
            actions.remove_from_site(user, site, actor=current_user)
    except actions.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("%(email)s ne fait plus partie de l'équipe de « %(site)s ».", email=user.email,
                site=site.title), "success")
    return redirect(url_for("siteadmin.team", slug=site.slug), 303)

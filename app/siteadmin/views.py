"""« Réglages du site »: what ``site.toml`` holds besides the menu and the theme (title,
description, language, public address, social links, suggested donation amounts, the LCEN
mentions), and the host names (installation administrator). Every route is scoped to one site:
someone who is not a member of it gets 404 (``site_required``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.decorators import (
    admin_required,
    site_by_slug,
    site_or_404,
    site_required,
    staff_required,
)
from app.campaigns.models import Site
from app.core.publishing.pages import ContentError
from app.dbutil import transaction
from app.extensions import db
from app.siteadmin import actions
from app.siteadmin.forms import (
    SOCIAL_NAMES,
    HostsForm,
    SettingsForm,
    parse_presets,
    social_fields,
)

bp = Blueprint("siteadmin", __name__, url_prefix="/admin/sites", template_folder="templates")

#: Where the site reader's refusal of a value is shown: (word of its message, form field).
FIELD_OF = (("base_url", "base_url"), ("presets", "presets"), ("montants", "presets"),
            ("title", "title"), ("language", "language"), ("description", "description"))


def _field_for(message: str) -> str:
    for name in SOCIAL_NAMES:
        if f"[social] {name}" in message:
            return f"social_{name}"
    return next((field for word, field in FIELD_OF if word in message), "")


slug_site = site_by_slug("slug")


get_site = site_or_404


def managed_sites() -> list[Site]:
    """Sites whose settings, people or journal this person may open."""
    query = select(Site).order_by(Site.title)
    if not current_user.is_admin:
        ids = set(current_user.site_ids("settings")) | set(current_user.site_ids("people"))
        query = query.where(Site.id.in_(ids))
    return list(db.session.scalars(query))


@bp.app_context_processor
def siteadmin_globals() -> dict[str, Any]:
    def may_manage_sites() -> bool:
        return bool(current_user.is_authenticated and (
            current_user.is_admin or current_user.can_anywhere("settings")))

    return {"may_manage_sites": may_manage_sites}


@bp.route("/")
@staff_required
def index() -> Any:
    sites = managed_sites()
    if not sites and not current_user.is_admin:
        abort(403)
    return render_template("siteadmin/index.html", sites=sites)


def _fill(form: SettingsForm, values: actions.SiteSettings) -> None:
    for name in ("title", "description", "language", "base_url", "directeur_publication",
                 "editeur", "contact_email", "adresse", "hebergeur_name", "hebergeur_address",
                 "hebergeur_phone"):
        form[name].data = getattr(values, name)
    form.presets.data = ", ".join(str(amount) for amount in values.presets)
    for name in SOCIAL_NAMES:
        form[f"social_{name}"].data = values.social.get(name, "")


def _submitted(form: SettingsForm, current: actions.SiteSettings) -> actions.SiteSettings:
    social = {name: url for name, url in current.social.items() if name not in SOCIAL_NAMES}
    social.update({name: form[f"social_{name}"].data.strip() for name in SOCIAL_NAMES
                   if (form[f"social_{name}"].data or "").strip()})
    text = {name: (form[name].data or "").strip() for name in (
        "title", "description", "language", "base_url", "directeur_publication", "editeur",
        "contact_email", "adresse", "hebergeur_name", "hebergeur_address", "hebergeur_phone")}
    text["base_url"] = text["base_url"].rstrip("/")
    return actions.SiteSettings(**text, social=social,
                                presets=tuple(parse_presets(form.presets.data or "")))


def _settings_page(site: Site, form: SettingsForm, status: int = 200,
                   problem: str = "") -> Any:
    try:
        warnings = actions.load_config(site).legal_warnings()
    except ContentError as exc:
        warnings, problem = [], problem or str(exc)
    return render_template("siteadmin/settings.html", site=site, form=form,
                           social=social_fields(form), warnings=warnings, problem=problem,
                           hosts_form=HostsForm(hosts="\n".join(site.host_names))), status


@bp.route("/<slug>/reglages", methods=["GET", "POST"])
@site_required("settings", slug_site)
def settings(slug: str) -> Any:
    site = get_site(slug)
    try:
        current = actions.read_settings(site)
    except ContentError as exc:
        return _settings_page(site, SettingsForm(), 200, str(exc))
    form = SettingsForm()
    if not form.is_submitted():
        _fill(form, current)
        return _settings_page(site, form)
    if not form.validate():
        return _settings_page(site, form, 422)
    try:
        with transaction():
            changes = actions.update_settings(site, _submitted(form, current), actor=current_user)
    except actions.Refused as exc:
        if target := _field_for(str(exc)):
            form[target].errors = [*form[target].errors, str(exc)]
            return _settings_page(site, form, 422)
        return _settings_page(site, form, 422, str(exc))
    flash(_("Réglages enregistrés : le site public est à jour.") if changes
          else _("Aucun changement."), "success")
    return redirect(url_for("siteadmin.settings", slug=site.slug), 303)


@bp.route("/<slug>/hotes", methods=["GET", "POST"])
@admin_required
def hosts(slug: str) -> Any:
    site = get_site(slug)
    form = HostsForm()
    if form.validate_on_submit():
        names = [line.strip() for line in (form.hosts.data or "").splitlines() if line.strip()]
        try:
            with transaction():
                changed = actions.set_hosts(site, names, actor=current_user)
        except actions.Refused as exc:
            form.hosts.errors = [str(exc)]
        else:
            flash(_("Noms d'hôte enregistrés.") if changed else _("Aucun changement."),
                  "success")
            return redirect(url_for("siteadmin.hosts", slug=site.slug), 303)
    elif not form.is_submitted():
        form.hosts.data = "\n".join(site.host_names)
    status = 422 if form.errors else 200
    return render_template("siteadmin/hosts.html", site=site, form=form), status

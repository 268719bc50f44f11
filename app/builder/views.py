"""/admin/sites/nouveau: the « Créer un site » wizard, and the communes it autocompletes.

One address, five steps: every POST carries the values of every step (hidden fields), checks
the step it comes from and shows the next one, or the same one with its errors. « Précédent »
goes back without checking. Works without JavaScript: the commune is then found by a search
button that lists the matching communes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Access, declare
from app.builder import starter, wizard
from app.builder.create import CreationError, create_from_wizard, may_create_sites
from app.campaigns import communes
from app.core.finance.periods import format_date
from app.extensions import login_manager
from app.security import accepts_body

bp = Blueprint("builder", __name__, url_prefix="/admin/sites", template_folder="templates")
F = TypeVar("F", bound=Callable[..., Any])


def creator_required(view: F) -> F:
    """Signed-in staff allowed to create sites (installation admins, and site admins when
    ESTRADE_SITE_CREATORS says so); anyone else gets 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not (current_user and current_user.is_authenticated):
            return login_manager.unauthorized()
        if not may_create_sites(current_user):
            abort(403)
        return view(*args, **kwargs)

    return declare(Access("staff"))(wrapped)  # type: ignore[return-value]


@bp.app_context_processor
def builder_globals() -> dict[str, Any]:
    return {"may_create_sites": lambda: may_create_sites(current_user)}


@bp.route("/communes")
@creator_required
def commune_search() -> Any:
    """Communes whose name (or postal code) matches ``q``, for the autocompletion."""
    found = communes.search(request.args.get("q", "")[:80], limit=10)
    return jsonify([{"code": c.code, "name": c.name, "label": c.label,
                     "departement": c.departement, "population": c.population,
                     "postal_codes": list(c.postal_codes),
                     "value": option_value(c)} for c in found])


def option_value(commune: communes.Commune) -> str:
    """What the commune field holds once a suggestion is picked (the code makes it exact)."""
    return f"{commune.label} · {commune.code}"


@bp.route("/nouveau", methods=["GET", "POST"])
@creator_required
@accepts_body(starter.LOGO_MAX_BYTES + 256 * 1024)
def new() -> Any:
    values = wizard.blank()
    step = "site"
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = wizard.values_from(request.form)
        came_from = request.form.get("step", "site")
        if came_from not in wizard.STEP_NAMES:
            abort(400)
        index = wizard.STEP_NAMES.index(came_from)
        if "back" in request.form:
            step = wizard.STEP_NAMES[max(index - 1, 0)]
        elif "search" in request.form:  # without JavaScript: list the matching communes
            values["commune_code"] = ""
            step = came_from
        else:
            errors = _check_up_to(index, values)
            if errors:  # shown on the first step that has any, and only that step's
                step = _first_step_with(errors)
                errors = {k: v for k, v in errors.items() if k in wizard.FIELDS[step]}
            elif came_from == "apparence":
                return _create(values)
            else:
                step = wizard.STEP_NAMES[index + 1]
    return _show(step, values, errors)


def _check_up_to(index: int, values: dict[str, str]) -> dict[str, str]:
    """Errors of every step up to ``index``: a value changed by hand in a hidden field is
    caught where it belongs."""
    errors: dict[str, str] = {}
    for step in wizard.STEP_NAMES[:index + 1]:
        errors.update(wizard.check_step(step, values))
    return errors


def _first_step_with(errors: dict[str, str]) -> str:
    return next(step for step in wizard.STEP_NAMES
                if any(name in errors for name in wizard.FIELDS[step]))


def _prefill(step: str, values: dict[str, str], plan: wizard.Plan | None) -> None:
    """Sensible first values: the candidate publishes, the préfecture of the département,
    the base theme and its colour, the identifier from the title."""
    if step == "mentions" and not values["directeur"]:
        values["directeur"] = values["candidate"]
    if step == "mandataire" and plan is not None and not values["mandataire_prefecture"]:
        name = communes.departements().get(plan.commune.departement, "")
        of = "d’" if name[:1].lower() in "aeiouyhéèêîô" else "de "
        values["mandataire_prefecture"] = _("Préfecture %(of)s%(d)s", of=of, d=name) \
            if name else ""
    if step == "apparence":
        values["theme"] = values["theme"] or "base"
        values["couleur"] = values["couleur"] or wizard.default_colour(values["theme"])
        values["slug"] = values["slug"] or wizard.derive_slug(values["title"])
    if not values["kind"]:
        values["kind"] = "municipales"


def _show(step: str, values: dict[str, str], errors: dict[str, str], *,
          logo_error: str = "", status: int | None = None) -> Any:
    commune, matches = wizard.resolve_commune(values)
    if commune is not None:
        values["commune_code"] = commune.code
        values["commune"] = option_value(commune)
    plan = wizard.plan_for(values, commune) if commune is not None and commune.population \
        is not None else None
    _prefill(step, values, plan)
    if logo_error:
        errors = {**errors, "logo": logo_error}
    index = wizard.STEP_NAMES.index(step)
    carried = [name for name in wizard.ALL_FIELDS if name not in wizard.FIELDS[step]]
    page = render_template(
        "builder/wizard.html", step=step, index=index, steps=wizard.STEPS, values=values,
        errors=errors, carried=carried, plan=plan, matches=matches if step == "election" else [],
        themes=wizard.installed_themes(), kinds={k: wizard.kind_label(k)
                                                  for k in wizard.WIZARD_KINDS},
        mandataire_choices=wizard.MANDATAIRE_CHOICES, option_value=option_value,
        format_date=format_date, day=_day, labels=_labels(),
        theme_colours={name: wizard.default_colour(name) for name in wizard.installed_themes()})
    return page, status or (400 if errors else 200)


def _day(text: str) -> str:
    parsed = wizard.parse_date(text)
    return format_date(parsed) if parsed else text


def _create(values: dict[str, str]) -> Any:
    commune, _matches = wizard.resolve_commune(values)
    assert commune is not None  # checked by the election step
    plan = wizard.plan_for(values, commune)
    logo = None
    upload = request.files.get("logo")
    if upload is not None and upload.filename:
        try:
            logo = starter.check_logo(upload.read(starter.LOGO_MAX_BYTES + 1))
        except starter.LogoError as exc:
            return _show("apparence", values, {}, logo_error=str(exc), status=400)
    try:
        created = create_from_wizard(values, plan, logo, current_user)
    except CreationError as exc:
        return _show("apparence", values, {"slug": str(exc)}, status=400)
    message = _("Le site « %(title)s » est créé, avec ses pages de départ en brouillon : "
                "modifiez-les puis publiez-les.", title=created.site.title)
    if created.reused_election:
        message += " " + _("Il partage l’élection « %(e)s » avec les autres sites de cette "
                           "élection (plafond de 4 600 € par donateur, DON-2).",
                           e=created.campaign.election.name)
    flash(message, "success")
    return redirect(url_for("editor.index", site=created.site.slug))


def _labels() -> dict[str, str]:
    """Each field's label, for the error summary's links."""
    return {
        "title": _("Nom de la liste ou du candidat"), "candidate": _("Candidat ou tête de liste"),
        "host": _("Adresse du site (nom de domaine)"), "kind": _("Type d’élection"),
        "round1": _("Date du premier tour"), "round2": _("Date du second tour"),
        "commune": _("Commune"), "mandataire_type": _("Type de mandataire"),
        "mandataire_name": _("Nom du mandataire ou de l’association"),
        "mandataire_declared_on": _("Date de déclaration en préfecture"),
        "mandataire_prefecture": _("Préfecture"),
        "directeur": _("Directeur ou directrice de la publication"),
        "contact_email": _("Adresse e-mail de contact"), "adresse": _("Adresse postale"),
        "hebergeur_name": _("Hébergeur : nom"), "hebergeur_address": _("Hébergeur : adresse"),
        "hebergeur_phone": _("Hébergeur : téléphone"), "theme": _("Thème"),
        "couleur": _("Couleur principale"), "logo": _("Logo (facultatif)"),
        "slug": _("Identifiant du site"),
    }

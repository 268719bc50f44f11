"""The « Créer un site » wizard: its steps, the checks on what was typed, and what the law
makes of it (the plan shown before anything is created).

Nothing here writes: :mod:`app.builder.create` does, once every step is valid. The values
travel from step to step as plain strings (hidden fields), so the wizard works without
JavaScript and nothing typed is lost when a step is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.campaigns import communes
from app.campaigns.models import Site, SiteHost
from app.campaigns.service import HOST_RE, SLUG_RE, normalise_host
from app.core.finance.money import format_cents, format_int
from app.core.finance.periods import format_date, legal_window_start
from app.core.finance.spending_cap import (
    MUNICIPAL_MIN_POPULATION,
    CapResult,
    cash_ceiling,
    spending_cap,
)
from app.core.finance.vocabulary import ELECTION_KINDS
from app.core.publishing.pages import slugify
from app.extensions import db

#: The steps, in order: (name, French title). The last one creates the site.
STEPS: tuple[tuple[str, Any], ...] = (
    ("site", _l("Le site et la candidature")),
    ("election", _l("L’élection et la commune")),
    ("mandataire", _l("Le mandataire financier")),
    ("mentions", _l("Les mentions légales")),
    ("apparence", _l("L’apparence et la création")),
)
STEP_NAMES = tuple(name for name, _title in STEPS)

#: Fields of each step (every one travels as a string between steps).
FIELDS: dict[str, tuple[str, ...]] = {
    "site": ("title", "candidate", "host"),
    "election": ("kind", "round1", "round2", "commune", "commune_code"),
    "mandataire": ("mandataire_type", "mandataire_name", "mandataire_declared_on",
                   "mandataire_prefecture"),
    "mentions": ("directeur", "contact_email", "adresse", "hebergeur_name",
                 "hebergeur_address", "hebergeur_phone"),
    "apparence": ("theme", "couleur", "slug"),
}
ALL_FIELDS = tuple(name for step in STEP_NAMES for name in FIELDS[step])

#: Election kinds the wizard sets up: a commune's election (other kinds: `estrade campaign
#: load`, docs/campaign-file.md).
WIZARD_KINDS = ("municipales", "partielle")
#: MAND-1: the two kinds of mandataire, as the wizard names them.
MANDATAIRE_CHOICES: dict[str, Any] = {
    "AFE": _l("Association de financement électorale (AFE)"),
    "MF": _l("Mandataire financier, personne physique (MF)"),
}
#: Site identifiers that would be confusing or collide with the app's own folders.
RESERVED_SLUGS = frozenset({"admin", "api", "static", "media", "themes", "theme", "_theme",
                            "don", "stripe", "www", "nouveau", "new", "sites", "content",
                            "instance", "demo"})
#: WEB-1: overseas départements vote on their own clock.
OVERSEAS_ZONES = {"971": "America/Guadeloupe", "972": "America/Martinique",
                  "973": "America/Cayenne", "974": "Indian/Reunion", "975": "America/Miquelon",
                  "976": "Indian/Mayotte"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CODE_IN_TEXT = re.compile(r"\b(\d[0-9AB]\d{3})\s*\)?\s*$")


def blank() -> dict[str, str]:
    return {name: "" for name in ALL_FIELDS}


def values_from(form: Any) -> dict[str, str]:
    """Every wizard field from a posted form (absent ones empty), trimmed."""
    return {name: str(form.get(name, "")).strip()[:300] for name in ALL_FIELDS}


@dataclass(frozen=True)
class LawNote:
    rule: str  # the rule id (docs/rules.md) the warning applies
    message: str


@dataclass(frozen=True)
class Plan:
    """What the law makes of the commune and the election (shown from step 3 on)."""

    commune: communes.Commune
    mode: str  # "candidat" or "petite-commune" (MAND-4)
    cap1: CapResult
    cap2: CapResult
    cash_cents: int | None  # DON-5, None: no cash share limit
    collection_start: dt.date
    warnings: list[LawNote] = field(default_factory=list)

    @property
    def small(self) -> bool:
        return self.mode == "petite-commune"

    @property
    def population_text(self) -> str:
        return format_int(self.commune.population or 0)

    def cap_text(self, cap: CapResult) -> str:
        return format_cents(cap.cents)

    @property
    def cash_text(self) -> str:
        return format_cents(self.cash_cents) if self.cash_cents is not None else ""


def parse_date(text: str) -> dt.date | None:
    """AAAA-MM-JJ (what a date field posts) or JJ/MM/AAAA (typed without a date picker)."""
    text = text.strip()
    try:
        if re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", text):
            day, month, year = (int(p) for p in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def resolve_commune(values: dict[str, str]
                    ) -> tuple[communes.Commune | None, list[communes.Commune]]:
    """The chosen commune, or None and the communes the typed name could mean."""
    code = values.get("commune_code", "")
    if code:
        found = communes.by_code(code)
        if found is not None:
            return found, []
    text = values.get("commune", "")
    match = _CODE_IN_TEXT.search(text)  # « Rennes (35) · 35238 », the autocompletion's text
    if match and (found := communes.by_code(match.group(1))) is not None:
        return found, []
    matches = communes.search(text, limit=12) if text else []
    exact = [c for c in matches if communes.fold(c.name) == communes.fold(text)
             or communes.fold(c.label) == communes.fold(text)]
    if len(exact) == 1:
        return exact[0], []
    return None, matches


def derive_slug(title: str) -> str:
    """A free site identifier from the title: « Rennes en commun » → rennes-en-commun,
    then -2, -3… when taken (by a site or a folder) or reserved."""
    base = slugify(title)[:56].strip("-") or "site"
    candidate, n = base, 2
    while slug_problem(candidate) is not None:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def slug_problem(slug: str) -> str | None:
    if not SLUG_RE.match(slug):
        return _("Identifiant invalide : lettres minuscules sans accents, chiffres et tirets, "
                 "par exemple rennes-en-commun.")
    if slug in RESERVED_SLUGS:
        return _("L’identifiant « %(slug)s » est réservé : choisissez-en un autre.", slug=slug)
    if db.session.scalar(select(Site.id).where(Site.slug == slug)) is not None:
        return _("Un site a déjà l’identifiant « %(slug)s » : choisissez-en un autre.",
                 slug=slug)
    from pathlib import Path

    if (Path(current_app.config["ESTRADE_CONTENT_DIR"]) / slug).exists():
        return _("Le dossier content/%(slug)s existe déjà : choisissez un autre identifiant.",
                 slug=slug)
    return None


def plan_for(values: dict[str, str], commune: communes.Commune) -> Plan:
    """Mode, caps and warnings from the commune's population (MAND-4, CAP-1, DON-5)."""
    kind = values["kind"] if values["kind"] in WIZARD_KINDS else "municipales"
    population = commune.population or 0
    # MAND-4 (CE L52-4 last al.): below 9 000 inhabitants, no mandataire, account or cap.
    mode = "petite-commune" if population < MUNICIPAL_MIN_POPULATION else "candidat"
    cap1 = spending_cap(kind, population, round=1)  # CAP-1 (CE L52-11)
    cap2 = spending_cap(kind, population, round=2)
    cash = cash_ceiling(cap1)  # DON-5 (CE L52-8 al. 5): 20 % of the cap
    round1 = parse_date(values["round1"]) or dt.date.today()
    plan = Plan(commune, mode, cap1, cap2, cash, legal_window_start(kind, round1))
    plan.warnings.extend(law_warnings(values, plan, round1))
    return plan


def law_warnings(values: dict[str, str], plan: Plan, round1: dt.date) -> list[LawNote]:
    """Where what was entered contradicts the law, or what the law makes of it (French)."""
    warnings: list[LawNote] = []
    has_mandataire = bool(values["mandataire_type"] or values["mandataire_name"])
    if plan.small:
        warnings.append(LawNote("MAND-4", _(
            "Commune de %(n)s habitants, moins de 9 000 : mode « petite commune ». Pas de "
            "mandataire financier, pas de compte de campagne ni de plafond de dépenses "
            "(art. L52-4, dernier alinéa, du code électoral) ; les dons restent limités à "
            "4 600 € par personne.", n=plan.population_text)))
        warnings.append(LawNote("TAX-1", _(
            "Sans mandataire, les dons ne donnent ni reçu fiscal ni réduction d’impôt : le site "
            "n’en parlera pas (art. 200 du code général des impôts).")))
        if has_mandataire:
            warnings.append(LawNote("MAND-4", _(
                "Vous avez indiqué un mandataire : il ne sera pas enregistré, car la loi ne "
                "prévoit pas de mandataire sous 9 000 habitants.")))
        return warnings
    if not (values["mandataire_type"] and values["mandataire_name"]
            and values["mandataire_declared_on"]):
        warnings.append(LawNote("MAND-1", _(
            "Sans mandataire déclaré (type, nom et date de déclaration), la page de don reste "
            "fermée : vous pourrez l’indiquer plus tard dans les réglages du site.")))
    else:
        warnings.append(LawNote("TAX-1", _(
            "Les dons reçus par le mandataire ouvrent droit à une réduction d’impôt de 66 % "
            "(art. 200 du code général des impôts) : le site l’indique aux donateurs.")))
    if values["mandataire_name"] and (communes.fold(values["mandataire_name"])
                                      == communes.fold(values["candidate"])):
        warnings.append(LawNote("MAND-6", _(
            "Le candidat ne peut pas être son propre mandataire financier (art. L52-5 et "
            "L52-6 du code électoral) : indiquez une autre personne ou une association.")))
    declared = parse_date(values["mandataire_declared_on"])
    if declared is not None and declared > plan.collection_start and declared <= round1:
        warnings.append(LawNote("MAND-2", _(
            "Les dons ne pourront être reçus qu’à partir de la déclaration du mandataire "
            "(%(day)s).", day=format_date(declared))))
    return warnings


# --------------------------------------------------------------------------- step checks

def check_step(step: str, values: dict[str, str]) -> dict[str, str]:
    """Errors (field → French message) of one step's values."""
    return {"site": _check_site, "election": _check_election, "mandataire": _check_mandataire,
            "mentions": _check_mentions, "apparence": _check_appearance}[step](values)


def _check_site(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not values["title"]:
        errors["title"] = _("Indiquez le nom de la liste ou du candidat : c’est le titre du "
                            "site.")
    if not values["candidate"]:
        errors["candidate"] = _("Indiquez le nom du candidat ou de la tête de liste.")
    if values["host"]:
        name = normalise_host(values["host"])
        if not HOST_RE.match(name) or ("." not in name and name != "localhost"):
            errors["host"] = _("Adresse invalide : un nom de domaine seul, par exemple "
                               "rennes-en-commun.fr (sans https:// ni barre oblique).")
        elif db.session.scalar(select(SiteHost.id).where(SiteHost.host == name)) is not None:
            errors["host"] = _("L’adresse « %(host)s » est déjà celle d’un autre site.",
                               host=name)
    return errors


def _check_election(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    if values["kind"] not in WIZARD_KINDS:
        errors["kind"] = _("Choisissez le type d’élection.")
    round1 = parse_date(values["round1"])
    round2 = parse_date(values["round2"]) if values["round2"] else None
    if round1 is None:
        errors["round1"] = _("Indiquez la date du premier tour, par exemple 14/03/2032.")
    elif round1 < dt.date.today():
        errors["round1"] = _("Le premier tour est déjà passé : vérifiez la date.")
    if values["round2"] and round2 is None:
        errors["round2"] = _("Date du second tour invalide : par exemple 21/03/2032.")
    elif round1 and round2 and round2 <= round1:
        errors["round2"] = _("Le second tour vient après le premier.")
    commune, matches = resolve_commune(values)
    if commune is None:
        if not values["commune"]:
            errors["commune"] = _("Indiquez la commune, par son nom ou son code postal.")
        elif matches:
            errors["commune"] = _("Plusieurs communes correspondent : choisissez la vôtre dans "
                                  "la liste.")
        else:
            errors["commune"] = _("Aucune commune ne correspond à « %(text)s » : vérifiez "
                                  "l’orthographe ou essayez le code postal.",
                                  text=values["commune"])
    elif commune.population is None:
        errors["commune"] = _("La population de cette commune est inconnue : la loi en dépend, "
                              "utilisez « estrade campaign load ».")
    return errors


def _check_mandataire(values: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    commune, _matches = resolve_commune(values)
    if commune is not None and (commune.population or 0) < MUNICIPAL_MIN_POPULATION:
        return errors  # MAND-4: whatever was typed is ignored (and said so)
    if values["mandataire_type"] and values["mandataire_type"] not in MANDATAIRE_CHOICES:
        errors["mandataire_type"] = _("Choisissez le type de mandataire.")
    given = [values[k] for k in ("mandataire_type", "mandataire_name", "mandataire_declared_on")]
    if any(given) and not all(given):
        for key, message in (
                ("mandataire_type", _("Choisissez le type de mandataire.")),
                ("mandataire_name", _("Indiquez le nom du mandataire ou de l’association.")),
                ("mandataire_declared_on", _("Indiquez la date de déclaration en préfecture."))):
            if not values[key]:
                errors[key] = message
    declared = parse_date(values["mandataire_declared_on"]) if values[
        "mandataire_declared_on"] else None
    round1 = parse_date(values["round1"])
    if values["mandataire_declared_on"] and declared is None:
        errors["mandataire_declared_on"] = _("Date invalide : par exemple 15/09/2031.")
    elif declared and round1 and declared > round1:
        # MAND-1 (CE L52-4 al. 1): declared at the latest with the candidacy.
        errors["mandataire_declared_on"] = _(
            "Le mandataire est déclaré au plus tard lors du dépôt de candidature, donc avant "
            "le premier tour (art. L52-4 du code électoral).")
    return errors


def _check_mentions(values: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not values["directeur"]:
        errors["directeur"] = _("Indiquez le directeur ou la directrice de la publication "
                                "(loi pour la confiance dans l’économie numérique, art. 6).")
    if values["contact_email"] and not _EMAIL.match(values["contact_email"]):
        errors["contact_email"] = _("Adresse e-mail invalide, par exemple "
                                    "contact@rennes-en-commun.fr.")
    return errors


def _check_appearance(values: dict[str, str]) -> dict[str, str]:
    from app.website.themes import check_theme_settings

    errors = {}
    theme = installed_themes().get(values["theme"])
    if theme is None:
        errors["theme"] = _("Choisissez un thème.")
    if not _COLOUR.match(values["couleur"]):
        errors["couleur"] = _("Couleur invalide : par exemple #1d4ed8.")
    elif theme is not None:
        check = check_theme_settings(theme, {"couleur_principale": values["couleur"]})
        if check.errors:  # WCAG contrast: the buttons' text on the main colour
            errors["couleur"] = " ".join(check.errors)
    if values["slug"] and (problem := slug_problem(values["slug"])):
        errors["slug"] = problem
    return errors


def installed_themes() -> dict[str, Any]:
    from app.website.themes import list_themes

    return {t.name: t for t in list_themes(current_app.config["ESTRADE_THEMES_DIR"])}


def default_colour(theme_name: str) -> str:
    theme = installed_themes().get(theme_name)
    spec = theme.specs.get("couleur_principale") if theme is not None else None
    return str(spec.default) if spec is not None else "#1d4ed8"


def kind_label(kind: str) -> str:
    return ELECTION_KINDS.get(kind, kind)

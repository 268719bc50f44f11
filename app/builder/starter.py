"""What a new site's folder starts with: ``site.toml``, ``campaign.toml``, the logo, and the
starter pages' texts (drafts in the editor, published by the team when they are ready).

The campaign file is the one ``estrade campaign load`` reads (docs/campaign-file.md), so the
folder stays the truth and the facts go through the same parser as every other campaign.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from flask_babel import gettext as _
from tomlkit.toml_document import TOMLDocument

from app.builder.wizard import OVERSEAS_ZONES, Plan, kind_label, parse_date
from app.campaigns import communes
from app.editor import pagefile

#: Logo files the wizard accepts, checked by their content (Pillow), never by their name.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
LOGO_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_PRESETS = [20, 50, 100, 250]


class LogoError(ValueError):
    """A French message about the logo file."""


@dataclass(frozen=True)
class Logo:
    data: bytes
    extension: str

    @property
    def media_path(self) -> str:
        return f"media/logo.{self.extension}"


def check_logo(data: bytes) -> Logo:
    """A PNG, JPEG or WebP image, recognised by Pillow from its bytes."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(_("Le logo pèse plus de 2 Mo : réduisez-le (par exemple 800 pixels de "
                          "large suffisent)."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise LogoError(_("Ce fichier n’est pas une image PNG, JPEG ou WebP : choisissez un "
                          "autre fichier.")) from None
    if kind not in LOGO_FORMATS:
        raise LogoError(_("Format d’image non accepté (%(kind)s) : le logo doit être en PNG, "
                          "JPEG ou WebP.", kind=kind or "?"))
    return Logo(data, LOGO_FORMATS[kind])


def election_name(values: dict[str, str], commune: communes.Commune) -> str:
    """How the site names its election (DON-9), e.g. « Municipales 2032 à Rennes »."""
    round1 = parse_date(values["round1"])
    year = round1.year if round1 else ""
    return f"{kind_label(values['kind'])} {year} à {commune.name}".strip()


def campaign_document(values: dict[str, str], plan: Plan) -> TOMLDocument:
    """``campaign.toml`` as ``estrade campaign load`` reads it (docs/campaign-file.md)."""
    commune = plan.commune
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"Campagne créée par l’assistant « Créer un site » ({commune.label}, "
                            f"code INSEE {commune.code}). Voir docs/campaign-file.md."))
    election = tomlkit.table()
    election["kind"] = values["kind"]
    election["name"] = election_name(values, commune)
    if values["kind"] == "partielle":  # DON-2: a by-election is its own election
        election["territory"] = commune.name
    elif commune.kind == "arrondissement-municipal":
        # DON-2: Paris, Lyon and Marseille elect their arrondissement councils apart.
        election["scope"] = "arrondissements"
        election["territory"] = communes.fold(commune.name).split(" ", 1)[0]
    election["round1"] = parse_date(values["round1"])
    if values["round2"]:
        election["round2"] = parse_date(values["round2"])
    if zone := OVERSEAS_ZONES.get(commune.departement):  # WEB-1: local polling days
        election["timezone"] = zone
    doc["election"] = election
    campaign = tomlkit.table()
    campaign["population"] = commune.population or 0
    campaign["mode"] = plan.mode  # MAND-4: from the population, never chosen
    campaign["candidate"] = values["candidate"]
    campaign["list_name"] = values["title"]
    campaign["commune"] = commune.code
    doc["campaign"] = campaign
    if not plan.small and values["mandataire_type"] and values["mandataire_name"] and values[
            "mandataire_declared_on"]:
        mandataire = tomlkit.table()
        mandataire["type"] = values["mandataire_type"]
        mandataire["name"] = values["mandataire_name"]
        mandataire["declared_on"] = parse_date(values["mandataire_declared_on"])
        if values["mandataire_prefecture"]:
            mandataire["prefecture"] = values["mandataire_prefecture"]
        doc["mandataire"] = mandataire
    return doc


def site_change(values: dict[str, str], plan: Plan,
                logo: Logo | None) -> Callable[[TOMLDocument], None]:
    """The change :func:`app.campaigns.sitefile.update_site_file` applies to a new
    ``site.toml``: title, description, language, legal information, theme and colour."""

    def change(doc: TOMLDocument) -> None:
        doc["title"] = values["title"]
        doc["description"] = _("%(title)s, candidature de %(candidate)s : %(election)s.",
                               title=values["title"], candidate=values["candidate"],
                               election=election_name(values, plan.commune))
        doc["language"] = "fr"
        legal = tomlkit.table()
        legal["directeur_publication"] = values["directeur"]
        if values["contact_email"]:
            legal["contact_email"] = values["contact_email"]
        if values["adresse"]:
            legal["adresse"] = values["adresse"]
        hebergeur = tomlkit.table()
        for key, name in (("name", "hebergeur_name"), ("address", "hebergeur_address"),
                          ("phone", "hebergeur_phone")):
            if values[name]:
                hebergeur[key] = values[name]
        if hebergeur:
            legal["hebergeur"] = hebergeur
        doc["legal"] = legal
        theme = tomlkit.table()
        theme["name"] = values["theme"]
        settings = tomlkit.table()
        settings["couleur_principale"] = values["couleur"]
        if logo is not None:
            settings["logo"] = logo.media_path
        theme["settings"] = settings
        doc["theme"] = theme
        donations = tomlkit.table()
        donations["montants"] = DEFAULT_PRESETS
        doc["donations"] = donations

    return change


def _attr(text: str) -> str:
    """A value inside a block's double-quoted attribute."""
    return text.replace('"', "’").replace("\n", " ")


@dataclass(frozen=True)
class StarterPage:
    path: str
    title: str
    kind: str
    body: str
    description: str = ""
    menu_order: int | None = None


def starter_pages(values: dict[str, str], plan: Plan) -> list[StarterPage]:
    """Accueil, programme, équipe, actualités and « Faire un don », from what was entered.
    (The mentions légales and the privacy notice are written by the app from site.toml and
    the campaign: they exist as soon as the site does.)"""
    title, candidate = values["title"], values["candidate"]
    commune = plan.commune.name
    election = election_name(values, plan.commune)
    don = f'::: don montants="20,50,100" texte="{_attr(_("Je soutiens %(t)s", t=title))}"\n:::\n'
    home = (f'::: hero titre="{_attr(title)}" bouton="{_attr(_("Découvrir le programme"))}" '
            f'lien="/programme/"\n'
            + _("La liste menée par %(c)s pour les %(e)s.", c=candidate, e=election)
            + "\n:::\n\n## " + _("Pourquoi nous nous présentons") + "\n\n"
            + _("Votre texte ici : ce qui vous rassemble, ce que vous voulez pour %(c)s.",
                c=commune) + "\n\n" + don)
    programme = pagefile.KINDS["programme"].layout
    team = (_("Présentez ici l’équipe qui porte la candidature.") + "\n\n::: equipe\n"
            f"- nom: \"{_attr(candidate)}\"\n  role: \"{_attr(_('Tête de liste'))}\"\n:::\n")
    news = _("Retrouvez ici les nouvelles de la campagne.") + "\n"
    give = (_("Notre campagne est financée par celles et ceux qui la soutiennent. Chaque don, "
              "même modeste, compte.") + "\n\n"
            + f'::: don montants="20,50,100,250" texte="{_attr(_("Je fais un don"))}"\n:::\n')
    if not plan.small:
        give += "\n" + _("Les dons sont reçus exclusivement par notre mandataire financier. "
                         "Les mentions légales obligatoires figurent sur la page de don.") + "\n"
    return [
        StarterPage("index.md", _("Accueil"), "page", home,
                    _("%(t)s, la liste menée par %(c)s à %(m)s.", t=title, c=candidate,
                      m=commune), 1),
        StarterPage("programme/index.md", _("Programme"), "programme", programme,
                    _("Nos engagements pour %(m)s.", m=commune), 2),
        StarterPage("equipe.md", _("L’équipe"), "page", team,
                    _("%(c)s et l’équipe de %(t)s.", c=candidate, t=title), 3),
        StarterPage("actualites/index.md", _("Actualités"), "page", news,
                    _("Les dernières nouvelles de la campagne."), 4),
        StarterPage("faire-un-don.md", _("Faire un don"), "page", give,
                    _("Soutenez la campagne de %(t)s.", t=title), 5),
    ]


def page_text(page: StarterPage, pages_root: Path) -> str:
    slug = "" if page.path == "index.md" else page.path.removesuffix("/index.md").removesuffix(
        ".md")
    fields = pagefile.Fields(title=page.title, slug=slug, description=page.description,
                             kind=page.kind, menu_order=page.menu_order)
    return pagefile.compose(fields, page.body, page.path, pages_root)

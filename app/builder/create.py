"""Creating the site the wizard describes, in one action: the folder, then in one transaction
the Site, its Election (an identical one is reused: rivals share the DON-2 cap), the Campaign,
the creator's site-admin role, the starter pages (drafts) and the audit row.

The folder is written only once everything was checked; if the database part fails, the
folder goes, so nothing is ever half-created.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from flask import current_app
from flask_babel import gettext as _

from app import audit
from app.accounts import actions as account_actions
from app.builder import starter
from app.builder.wizard import Plan, derive_slug
from app.campaigns.models import Campaign, Site
from app.campaigns.service import (
    SiteError,
    create_site,
    find_election,
    load_campaign,
    normalise_host,
    parse_campaign_file,
)
from app.campaigns.sitefile import ContentError, update_site_file
from app.dbutil import transaction
from app.editor import actions as editor_actions
from app.fileutil import atomic_write_bytes, atomic_write_text


class CreationError(ValueError):
    """A French message: nothing was created."""


@dataclass(frozen=True)
class Created:
    site: Site
    campaign: Campaign
    reused_election: bool


def may_create_sites(user: Any) -> bool:
    """Installation admins; site admins too when ESTRADE_SITE_CREATORS is « site-admins »."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin:
        return True
    allowed = str(current_app.config.get("ESTRADE_SITE_CREATORS", "admins"))
    return allowed == "site-admins" and any(m.role == "site_admin" for m in user.memberships)


def create_from_wizard(values: dict[str, str], plan: Plan, logo: starter.Logo | None,
                       user: Any) -> Created:
    """Create everything or nothing (raises :class:`CreationError`)."""
    if not may_create_sites(user):
        raise CreationError(_("Votre rôle ne permet pas de créer un site."))
    slug = values["slug"] or derive_slug(values["title"])
    folder = Path(current_app.config["ESTRADE_CONTENT_DIR"]) / slug
    if folder.exists():
        raise CreationError(_("Le dossier content/%(slug)s existe déjà : choisissez un autre "
                              "identifiant.", slug=slug))
    try:
        write_folder(folder, values, plan, logo)
        spec = parse_campaign_file(folder / "campaign.toml")  # the same reader as the CLI
    except (ContentError, SiteError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise CreationError(_("Le site n’a pas été créé : %(why)s", why=str(exc))) from exc
    try:
        with transaction():
            hosts = [normalise_host(values["host"])] if values["host"] else []
            site = create_site(slug, values["title"], hosts, theme=values["theme"], user=user)

            reused = find_election(spec.election["identity"]) is not None
            campaign = load_campaign(site, spec, user=user)
            account_actions.grant(user, site, "site_admin", actor=None)  # the creator
            root = folder / "pages"
            for page in starter.starter_pages(values, plan):
                editor_actions.create_page(site, page.path, starter.page_text(page, root), user,
                                           note=_("Page de départ de l’assistant"))
            audit.record("site.wizard", site, user=user, slug=slug, commune=plan.commune.code,
                         population=plan.commune.population, mode=plan.mode,
                         election=campaign.election.name, election_reused=reused,
                         theme=values["theme"], logo=bool(logo))
    except SiteError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise CreationError(str(exc)) from exc
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Created(site, campaign, reused)


def write_folder(folder: Path, values: dict[str, str], plan: Plan,
                 logo: starter.Logo | None) -> None:
    """content/<slug>/: site.toml (validated by the site reader), campaign.toml, media/ with
    the logo, pages/ (empty: the starter pages are drafts until published)."""
    folder.mkdir(parents=True)
    (folder / "pages").mkdir()
    (folder / "media").mkdir()
    if logo is not None:
        atomic_write_bytes(folder / logo.media_path, logo.data)
    atomic_write_text(folder / "campaign.toml",
                      tomlkit.dumps(starter.campaign_document(values, plan)))
    update_site_file(folder, starter.site_change(values, plan, logo))

"""``estrade sites …`` and ``estrade campaign …`` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.campaigns.models import Site
from app.campaigns.service import (
    SiteError,
    create_site,
    load_campaign,
    notify_dates_changed,
    parse_campaign_file,
)
from app.clitools import fail
from app.dbutil import transaction
from app.extensions import db


@click.group("sites")
def sites_cli() -> None:
    """Sites de candidats servis par cette installation."""


@sites_cli.command("create")
@click.argument("slug")
@click.option("--title", required=True, help="Titre du site.")
@click.option("--host", "hosts", multiple=True, help="Nom d'hôte servi (répétable).")
@click.option("--theme", default="base", show_default=True, help="Thème du site.")
@click.option("--default", "is_default", is_flag=True, help="Site servi par défaut.")
@with_appcontext
def create(slug: str, title: str, hosts: tuple[str, ...], theme: str, is_default: bool) -> None:
    """Crée un site (contenu dans content/SLUG/)."""
    try:
        with transaction():
            site = create_site(slug, title, list(hosts), theme=theme, is_default=is_default)
    except SiteError as exc:
        fail(str(exc))
    click.echo(f"Site « {site.slug} » créé ; contenu attendu dans content/{site.content_dir}/.")


@sites_cli.command("list")
@with_appcontext
def list_sites() -> None:
    """Liste les sites et leurs noms d'hôte."""
    sites = db.session.scalars(select(Site).order_by(Site.slug)).all()
    if not sites:
        click.echo("Aucun site. Créez-en un avec « estrade sites create ».")
    for site in sites:
        default = " (par défaut)" if site.is_default else ""
        click.echo(f"{site.slug}{default}\t{site.title}\t{', '.join(site.host_names) or '-'}")


@click.group("campaign")
def campaign_cli() -> None:
    """Campagne d'un site : élection, mandataire, dates."""


@campaign_cli.command("load")
@click.option("--site", "slug", required=True, help="Identifiant du site.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def load(slug: str, file: Path) -> None:
    """Charge ou met à jour la campagne d'un site depuis un fichier TOML (docs/campaign-file.md)."""
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        fail(f"Site inconnu « {slug} ».")
    try:
        spec = parse_campaign_file(file)
        with transaction():
            campaign = load_campaign(site, spec)
    except SiteError as exc:
        fail(str(exc))
    for line in notify_dates_changed(campaign.id):  # DON-15: monthly gifts stop in time
        click.echo(line)
    mandataire = campaign.mandataire_name or "aucun (les dons restent fermés : MAND-1)"
    click.echo(f"Campagne chargée pour « {slug} » : élection « {campaign.election.name} » "
               f"(plafond DON-2 partagé par ses {len(campaign.election.campaigns)} campagne(s)), "
               f"mandataire {mandataire}.")


def register(cli: click.Group) -> None:
    cli.add_command(sites_cli)
    cli.add_command(campaign_cli)

"""``estrade pages``: list, publish, and publish what is due (for cron), through the same
actions as the editor (electoral silence WEB-1/WEB-2 included)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


@click.group("pages")
def pages_group() -> None:
    """Pages des sites : lister, publier, publier les pages programmées."""


def _site(slug: str) -> object:
    from app.campaigns.models import Site
    from app.clitools import fail
    from app.extensions import db

    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        fail(f"Site « {slug} » introuvable.")
    return site


@pages_group.command("list")
@click.option("--site", "slug", required=True, help="Identifiant du site (par exemple demo).")
@with_appcontext
def list_command(slug: str) -> None:
    """Liste les pages du site avec leur statut (brouillon, publiée, programmée…)."""
    from app.dbutil import transaction
    from app.editor.actions import sync_site
    from app.editor.listing import page_rows

    site = _site(slug)
    with transaction():
        rows = page_rows(site, sync_site(site))  # type: ignore[arg-type]
        for row in rows:
            click.echo(f"{row.address:<40} {row.status_label:<28} {row.path}")


@pages_group.command("publish")
@click.option("--site", "slug", required=True, help="Identifiant du site (par exemple demo).")
@click.argument("path")
@with_appcontext
def publish_command(slug: str, path: str) -> None:
    """Publie la dernière version de la page PATH (fichier sous pages/, par exemple
    programme/ecologie.md). Refusé pendant le silence électoral (WEB-1) et, pour une page de
    résultats, avant la fermeture des bureaux de vote (WEB-2)."""
    from app.clitools import fail
    from app.dbutil import transaction
    from app.editor.actions import EditorError, publish, sync_site

    site = _site(slug)
    try:
        with transaction():
            page = next((p for p in sync_site(site) if p.path == path), None)  # type: ignore[arg-type]
            if page is None:
                fail(f"Aucune page « {path} » sur le site {slug}.")
            revision = publish(page, None)
    except EditorError as exc:
        fail(str(exc))
    click.echo(f"Publiée : {path} (version n° {revision.id}).")


@pages_group.command("publish-due")
@with_appcontext
def publish_due_command() -> None:
    """Publie les pages programmées dont l'heure est venue (à lancer chaque minute par cron
    si ESTRADE_PUBLISH_CHECK_SECONDS vaut 0) ; celles que le silence électoral retient
    attendent sa fin."""
    from app.editor.scheduler import run_due

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    lines = run_due(app)
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} page(s) programmée(s) traitée(s).")


def register(cli: click.Group) -> None:
    cli.add_command(pages_group)

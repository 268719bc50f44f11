"""``estrade build``: the static export of a site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


@click.command("build")
@click.option("--site", "slug", required=True, help="Identifiant du site (par exemple demo).")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier de sortie (créé s'il n'existe pas ; réutilisé pour ne réécrire que "
                   "ce qui a changé).")
@click.option("--base-url", default=None,
              help="Adresse publique du site exporté (par défaut base_url de site.toml).")
@click.option("--theme", default=None,
              help="Construire avec un autre thème, sans changer le réglage du site.")
@click.option("--donate-url", default=None,
              help="Adresse de la page /don de l'application en ligne (par défaut "
                   "ESTRADE_DONATE_URL, sinon base_url de site.toml suivie de /don).")
@click.option("--workers", type=int, default=None,
              help="Processus de rendu (par défaut : un par cœur).")
@click.option("--watch", is_flag=True,
              help="Après la construction, surveiller les pages, site.toml et les thèmes, et "
                   "reconstruire à chaque enregistrement (Ctrl-C pour arrêter).")
@with_appcontext
def build_command(slug: str, out: Path, base_url: str | None, theme: str | None,
                  donate_url: str | None, workers: int | None, watch: bool) -> None:
    """Exporte le site publié en fichiers statiques (Frozen-Flask), de façon incrémentale."""
    from app.campaigns.models import Site
    from app.clitools import fail
    from app.extensions import db
    from app.website.build import BuildError, build_site, summary

    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        known = ", ".join(db.session.scalars(select(Site.slug).order_by(Site.slug))) or "aucun"
        fail(f"Site « {slug} » introuvable (sites existants : {known}).")
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def build(echo: Callable[[str], None]) -> None:
        report = build_site(app, site, out, base_url=base_url, theme=theme,
                            donate_url=donate_url, echo=echo, workers=workers)
        for name in report.pages_written[:20]:
            click.echo(f"      réécrit : {name}")
        if len(report.pages_written) > 20:
            click.echo(f"      … et {len(report.pages_written) - 20} autres pages")
        if report.frozen_written and len(report.frozen_written) <= 20:
            click.echo("      index et fichiers réécrits : " + ", ".join(report.frozen_written))
        click.echo(summary(report))

    try:
        build(click.echo)
    except BuildError as exc:
        if not watch:
            fail(str(exc))
        click.echo(f"Erreur : {exc}", err=True)
    if not watch:
        return

    from app.website.watch import watch_and_rebuild

    content = Path(app.config["ESTRADE_CONTENT_DIR"]) / site.content_dir

    def rebuild(changed: list[str]) -> None:
        names = [_shown(name, content) for name in changed]
        click.echo(f"\nModifié : {', '.join(names[:5])}"
                   + (f" et {len(names) - 5} autres" if len(names) > 5 else ""))
        db.session.expire_all()  # settings changed in the app meanwhile are read again
        try:  # phase lines are left out; warnings are kept
            build(lambda line: click.echo(line) if "avertissement" in line else None)
        except BuildError as exc:
            click.echo(f"Erreur : {exc}", err=True)

    watch_and_rebuild([content, Path(app.config["ESTRADE_THEMES_DIR"])], rebuild,
                      ignored_folders=[out, Path(app.instance_path)], echo=click.echo)


def _shown(name: str, content: Path) -> str:
    path = Path(name)
    return path.relative_to(content.resolve()).as_posix() if path.is_relative_to(
        content.resolve()) else path.name


def register(cli: click.Group) -> None:
    cli.add_command(build_command)

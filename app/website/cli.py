"""``estrade build``: the static export of a site."""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


@click.command("build")
@click.option("--site", "slug", default=None, help="Identifiant du site (par exemple demo).")
@click.option("--all", "every", is_flag=True,
              help="Tous les sites (avec --out : un sous-dossier par site).")
@click.option("--out", "out", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier de sortie (créé s'il n'existe pas ; réutilisé pour ne réécrire que "
                   "ce qui a changé). Sans --out : la racine statique ESTRADE_STATIC_ROOT.")
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
def build_command(slug: str | None, every: bool, out: Path | None, base_url: str | None,
                  theme: str | None, donate_url: str | None, workers: int | None,
                  watch: bool) -> None:
    """Exporte le site publié en fichiers statiques (Frozen-Flask), de façon incrémentale."""
    from app.campaigns.models import Site
    from app.clitools import fail
    from app.extensions import db
    from app.website.build import BuildError, build_site, summary

    if every == bool(slug):
        fail("Indiquez --site SLUG ou --all.")
        return
    if out is None:
        if watch or theme or base_url or donate_url:
            fail("--watch, --theme, --base-url et --donate-url demandent --out.")
        _sync(None if every else slug)
        return
    if every:
        started = time.perf_counter()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        sites = list(db.session.scalars(select(Site).order_by(Site.slug)))
        for one in sites:
            try:
                report = build_site(app, one, out / one.slug, echo=lambda _: None,
                                    workers=workers)
            except BuildError as exc:
                click.echo(f"{one.slug} : erreur : {exc}", err=True)
                continue
            click.echo(f"{one.slug} : {summary(report)}")
        click.echo(f"{len(sites)} site(s) construits en {time.perf_counter() - started:.1f} s.")
        return
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


def _sync(slug: str | None) -> None:
    """Write one site (or every site) into the static root, removing what is not published."""
    from app.campaigns.models import Site
    from app.clitools import fail
    from app.extensions import db
    from app.website.static_root import StaticRootError, prune_hosts, publish, static_root

    root = static_root()
    if root is None:
        fail("ESTRADE_STATIC_ROOT n'est pas réglé : indiquez --out DOSSIER, ou réglez la racine "
             "statique servie par nginx (docs/operations.md).")
        return
    query = select(Site).order_by(Site.slug)
    sites = list(db.session.scalars(query if slug is None else query.where(Site.slug == slug)))
    if not sites:
        fail(f"Site « {slug} » introuvable.")
    started = time.perf_counter()
    written = 0
    for site in sites:
        try:
            report = publish(site)
        except StaticRootError as exc:
            fail(f"{site.slug} : racine statique non écrite : {exc}")
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                fail(f"{site.slug} : espace disque insuffisant dans {root} ; les fichiers déjà "
                     "publiés sont restés tels quels (aucun fichier à moitié écrit). Libérez "
                     "de la place puis relancez estrade static sync.")
            fail(f"{site.slug} : racine statique non écrite : {exc}")
        written += len(report.written)
        if not report.hosts:
            click.echo(f"{site.slug} : aucun nom d'hôte, servi par l'application seule.")
            continue
        click.echo(f"{site.slug} ({', '.join(report.hosts)}) : {len(report.written)} fichier(s) "
                   f"écrit(s), {report.unchanged} inchangé(s), {len(report.removed)} "
                   f"supprimé(s).")
    if slug is None:
        hosts = [host for site in sites for host in site.host_names]
        for name in prune_hosts(hosts):
            click.echo(f"{name} : plus déclaré par aucun site, retiré.")
    click.echo(f"Racine statique {root} : {len(sites)} site(s), {written} fichier(s) écrit(s) "
               f"en {time.perf_counter() - started:.2f} s.")


@click.group("static")
def static_group() -> None:
    """Racine statique servie par nginx (ESTRADE_STATIC_ROOT)."""


@static_group.command("sync")
@click.option("--site", "slug", default=None, help="Un seul site (par défaut : tous).")
@with_appcontext
def static_sync_command(slug: str | None) -> None:
    """Réécrit les pages publiées dans la racine statique et retire ce qui ne l'est plus."""
    _sync(slug)


def register(cli: click.Group) -> None:
    cli.add_command(build_command)
    cli.add_command(static_group)

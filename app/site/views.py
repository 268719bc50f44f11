"""Public pages of the site chosen by host name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, current_app, g, request, send_file
from markupsafe import Markup

from app.core.blocks import Block
from app.core.content import render_markdown
from app.site import bp
from app.site.repository import SiteContent, site_content
from app.site.themes import static_file, theme_environment
from app.sites.models import Site
from app.sites.service import site_for_host


def current_site() -> Site:
    site = site_for_host(request.host, current_app.config["ESTRADE_DEFAULT_SITE"])
    if site is None:
        abort(503, "Aucun site n'est configuré : lancez « estrade init ».")
    return site


def _content(site: Site) -> SiteContent:
    return site_content(Path(current_app.config["ESTRADE_CONTENT_DIR"]) / site.content_dir)


def _render(site: Site, template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    env = theme_environment(current_app.config["ESTRADE_THEMES_DIR"], site.theme)
    content = _content(site)
    html = env.get_template(template).render(
        site=content.config,
        menu=content.menu(),
        assets="/_theme/",
        path=request.path,
        **context,
    )
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


def _block_renderer(site: Site):  # type: ignore[no-untyped-def]
    env = theme_environment(current_app.config["ESTRADE_THEMES_DIR"], site.theme)

    def render(block: Block) -> str:
        if block.error:
            return env.get_template("blocks/_error.html").render(block=block)
        return env.get_template(f"blocks/{block.name}.html").render(block=block)

    return render


@bp.before_app_request
def remember_site_language() -> None:
    g.site_language = "fr"


@bp.route("/", defaults={"slug": ""})
@bp.route("/<path:slug>/")
def page(slug: str):  # type: ignore[no-untyped-def]
    site = current_site()
    content = _content(site)
    item = content.pages.get(slug)
    if item is None:
        return render_not_found()
    rendered = render_markdown(item.body, _block_renderer(site))
    return _render(site, "page.html", page=item, content=Markup(rendered.html),
                   toc=Markup(rendered.toc))


@bp.route("/_theme/<path:filename>")
def theme_static(filename: str):  # type: ignore[no-untyped-def]
    site = current_site()
    path = static_file(current_app.config["ESTRADE_THEMES_DIR"], site.theme, filename)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)


def render_not_found():  # type: ignore[no-untyped-def]
    try:
        site = current_site()
    except Exception:  # no site configured at all
        return "Page introuvable", 404
    return _render(site, "404.html", status=404, page=None)

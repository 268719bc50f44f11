"""Public pages of the site chosen by host name.

Every view asks :func:`renderer` for the site's :class:`SiteRenderer` (kept between requests by
``app.website.live`` while nothing it shows changes) and returns the output its URL map gives
for the address; the static export (``app.website.build``) calls the same renderer. Public
responses carry a strict Content-Security-Policy, an ETag and a Last-Modified date, and never set
a cookie.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, request, send_file

from app.access import public
from app.campaigns.models import Site
from app.campaigns.service import site_for_host
from app.website.fastpath import CACHEABLE
from app.website.live import live_renderers
from app.website.render import Output, SiteRenderer
from app.website.repository import site_language
from app.website.routes import (
    FEED_PATH,
    NEWS_SLUG,
    ROBOTS_PATH,
    SETTINGS_CSS_PATH,
    SITEMAP_PATH,
    page_path,
)
from app.website.serving import served
from app.website.themes import static_file

bp = Blueprint("website", __name__)
BUILD_RENDERER = "estrade.build_renderer"  # app.extensions key set by the builder
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "interest-cohort=()",
}


def current_site() -> Site:
    site = g.get("site") or site_for_host(request.host, current_app.config["ESTRADE_DEFAULT_SITE"])
    if site is None:  # a host name no site declares (and no default site named)
        abort(404)
    return site


def renderer() -> SiteRenderer:
    """The renderer of the request's site: the static export's while it freezes, else the live
    one kept for this site and address."""
    building = current_app.extensions.get(BUILD_RENDERER)
    if building is not None:
        return building
    recent = g.get("recent_renderer")
    if recent is not None:
        return recent.renderer
    site = current_site()
    cache = live_renderers(current_app)
    found = cache.renderer(site, request.host_url.rstrip("/"))
    cache.remember(request.host_url, found, g.get("site_language", "fr"))
    return found


def _render(path: str) -> Response:
    site_renderer = renderer()
    if current_app.extensions.get(BUILD_RENDERER) is not None:  # the export renders fresh
        return _respond(site_renderer.render_url(path), site_renderer)
    page = served(site_renderer, path)
    if page.output.status == 200 and g.get("recent_renderer") is None:
        # Only a page from a renderer just re-checked is kept by app.website.fastpath, so
        # what it answers is never older than one recheck period plus the folder's own.
        request.environ[CACHEABLE] = True
    return _respond(page.output, site_renderer, page.etag, page.last_modified)


def _respond(output: Output, site_renderer: SiteRenderer, etag: str | None = None,
             last_modified: datetime | None = None) -> Response:
    g.public_page = True
    mimetype = output.mimetype
    response = Response(output.body, status=output.status,
                        mimetype=mimetype if mimetype != "text/html" else "text/html")
    if mimetype == "text/html":
        response.headers["Content-Security-Policy"] = output.csp + "; frame-ancestors 'self'"
    response.headers.update(SECURITY_HEADERS)
    if output.status == 200:
        response.set_etag(etag or hashlib.sha256(output.body.encode("utf-8")).hexdigest()[:32])
        if last_modified is None:
            newest = max(site_renderer.content.newest_mtime_ns, site_renderer.theme_mtime_ns())
            last_modified = datetime.fromtimestamp(newest / 1e9, UTC).replace(microsecond=0)
        response.last_modified = last_modified
        response.cache_control.no_cache = True  # revalidate: cheap thanks to the ETag
        response.make_conditional(request)
    return response


#: Blueprints whose pages are the public site's: shown in the site's language.
PUBLIC_BLUEPRINTS = ("website", "donations", "privacy")


@bp.before_app_request
def remember_site_language() -> None:
    """Public pages speak the site's language (``language`` in site.toml, French by
    default); the staff area follows each staff member's choice (``select_locale``)."""
    g.site = None  # looked up once per public request, reused by current_site()
    g.recent_renderer = None
    if request.blueprint not in PUBLIC_BLUEPRINTS:
        return
    if request.blueprint == "website" and BUILD_RENDERER not in current_app.extensions:
        # The hot path: this address was looked up less than a recheck period ago.
        recent = live_renderers(current_app).recent(
            request.host_url, float(current_app.config["ESTRADE_CONTENT_RECHECK_SECONDS"]))
        if recent is not None:
            g.recent_renderer = recent
            g.site_language = recent.language
            return
    g.site = site = site_for_host(request.host, current_app.config["ESTRADE_DEFAULT_SITE"])
    root = Path(current_app.config["ESTRADE_CONTENT_DIR"]) / site.content_dir if site else None
    g.site_language = site_language(root) if root else "fr"


# The rules below only say which requests reach the renderer; what each address is comes from
# the renderer's URL map (SiteRenderer.routes), shared with the sitemap and the static export.
@bp.route("/", defaults={"slug": ""})
@bp.route("/<path:slug>/")
@public
def page(slug: str) -> Response:
    return _render(page_path(slug))


@bp.route(f"/{NEWS_SLUG}/page/<int:number>/")
@public
def news_page(number: int) -> Response:
    # Written back from the number: /actualites/page/02/ answers as /actualites/page/2/.
    return _render(f"/{NEWS_SLUG}/page/{number}/")


@bp.route(FEED_PATH, endpoint="feed", defaults={"path": FEED_PATH})
@bp.route(SITEMAP_PATH, endpoint="sitemap", defaults={"path": SITEMAP_PATH})
@bp.route(ROBOTS_PATH, endpoint="robots", defaults={"path": ROBOTS_PATH})
@bp.route(SETTINGS_CSS_PATH, endpoint="settings_css", defaults={"path": SETTINGS_CSS_PATH})
@public
def machine_output(path: str) -> Response:
    return _render(path)


@bp.route("/_theme/<path:filename>")
@public
def theme_static(filename: str) -> Response:
    site_renderer = renderer()
    path = static_file(site_renderer.themes_dir, site_renderer.theme_name, filename)
    if path is None:
        abort(404)
    return _file(path)


@bp.route("/media/_img/<int:width>/<path:filename>")
@public
def media_variant(width: int, filename: str) -> Response:
    path = renderer().images.variant(width, filename)
    if path is None:
        abort(404)
    return _file(path)


@bp.route("/media/<path:filename>")
@public
def media(filename: str) -> Response:
    path = renderer().images.source(filename)
    if path is None:
        abort(404)
    return _file(path)


def _file(path: Path) -> Response:
    g.public_page = True
    # A PDF is downloaded, not shown: the media files' sandboxed policy would stop a viewer,
    # and a PDF may carry script of its own (review finding).
    pdf = path.suffix.lower() == ".pdf"
    response = send_file(path, max_age=3600, conditional=True, as_attachment=pdf)
    response.headers.update(SECURITY_HEADERS)
    return response


def render_not_found() -> Response | tuple[str, int]:
    try:
        site_renderer = renderer()
    except Exception:  # no site configured at all
        return "Page introuvable", 404
    return _respond(site_renderer.render_not_found(), site_renderer)

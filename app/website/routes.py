"""The site's URL map: every address the renderer answers, listed once.

The live views dispatch through it (:meth:`app.website.render.SiteRenderer.render_url`), the
sitemap lists its ``in_sitemap`` routes, and the static export renders its content pages
directly and freezes the other ``exported`` routes. Files (theme assets, media and their
generated sizes) are not in it: they are served from disk, and listing them means walking
folders, which a live page view never does (the static export adds them itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.core.publishing.pages import Page

NEWS_SLUG = "actualites"
NEWS_PER_PAGE = 10
LEGAL_SLUG = "mentions-legales"
PRIVACY_SLUG = "confidentialite"
FEED_PATH = f"/{NEWS_SLUG}/atom.xml"
SITEMAP_PATH = "/sitemap.xml"
ROBOTS_PATH = "/robots.txt"
SETTINGS_CSS_PATH = "/_theme/settings.css"


class Kind(StrEnum):
    HOME = "home"  # "/": the home page, from pages/index.md or made by the app
    PAGE = "page"  # a content page (rendered directly by the static export)
    NEWS = "news"  # a page of the news list
    FEED = "feed"
    LEGAL = "legal"  # mentions légales written by the app
    PRIVACY = "privacy"  # privacy notice written by the app
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    SETTINGS_CSS = "settings-css"  # the CSS generated from the theme settings


@dataclass(frozen=True)
class Route:
    path: str
    kind: Kind
    page: Page | None = None  # the content page shown, if any
    number: int = 1  # news list: which page of it
    lastmod: dt.date | None = None  # the sitemap's <lastmod>
    in_sitemap: bool = False
    exported: bool = True  # written by the static export


def page_path(slug: str) -> str:
    return f"/{slug}/" if slug else "/"


def news_page_path(number: int) -> str:
    return f"/{NEWS_SLUG}/" + (f"page/{number}/" if number > 1 else "")


def news_page_count(news_count: int) -> int:
    return max(1, -(-news_count // NEWS_PER_PAGE))


def site_routes(pages: Mapping[str, Page], news: Sequence[Page]) -> dict[str, Route]:
    """Every route by path, in the order of the sitemap (home first, then content pages by
    slug, the news list, the legal pages); a content page takes the address of a page the
    app would make (home, news, legal notice, privacy), never the reverse."""
    routes: dict[str, Route] = {}

    def add(route: Route) -> None:
        routes.setdefault(route.path, route)

    home = pages.get("")
    add(Route("/", Kind.HOME, home, lastmod=home.date if home else None, in_sitemap=True))
    add(Route(SITEMAP_PATH, Kind.SITEMAP))
    add(Route(ROBOTS_PATH, Kind.ROBOTS))
    add(Route(SETTINGS_CSS_PATH, Kind.SETTINGS_CSS))
    news_page = pages.get(NEWS_SLUG)
    count = news_page_count(len(news))
    later_news = [Route(news_page_path(n), Kind.NEWS, news_page, number=n, in_sitemap=True)
                  for n in range(2, count + 1)]
    taken = {route.path for route in later_news}  # the live views always route these to news
    for slug, page in sorted(pages.items()):
        if slug == "" or page_path(slug) in taken:
            continue
        kind = Kind.NEWS if slug == NEWS_SLUG else Kind.PAGE
        add(Route(page_path(slug), kind, page, lastmod=page.date, in_sitemap=True))
    if news:
        add(Route(news_page_path(1), Kind.NEWS, lastmod=news[0].date, in_sitemap=True))
    for route in later_news:
        add(route)
    if news:
        add(Route(FEED_PATH, Kind.FEED))
    add(Route(page_path(LEGAL_SLUG), Kind.LEGAL, in_sitemap=True))
    add(Route(page_path(PRIVACY_SLUG), Kind.PRIVACY, in_sitemap=True))
    # /actualites/page/1/ has always answered like /actualites/ (whose address its canonical
    # link gives), even on a site without news: kept, but neither listed nor exported.
    add(Route(f"/{NEWS_SLUG}/page/1/", Kind.NEWS, news_page, exported=False))
    return routes

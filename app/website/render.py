"""One renderer for the live site and the static export: a page in, a full HTML page out.

:class:`SiteRenderer` holds everything a page needs (content, theme, validated settings, the
DON-9 legal block, base URL). It has no Flask dependency once built, so the live views and the
builder (including its worker processes) call exactly the same functions. The live site keeps
one per site while nothing it shows changes (``app.website.live``); what only the incremental
static build needs (:attr:`SiteRenderer.global_key`: a stat of every media file) is computed on
first use, never on a page view. Its URL map (:meth:`SiteRenderer.routes`) says what every
address of the site is, for the live views, the sitemap and the static export.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup

from app.core.publishing.blocks import Block
from app.core.publishing.markdown import render_markdown
from app.core.publishing.pages import Page, full_page, page_fingerprint
from app.core.publishing.theme_settings import settings_css
from app.website import feeds
from app.website.body_store import CODE_VERSION, BodyStore
from app.website.images import ImageStore
from app.website.legal_pages import (
    LEGAL_BLOCK_MARKER,
    CampaignInfo,
    PrivacyFacts,
    legal_notice_html,
    privacy_html,
)
from app.website.repository import SiteContent
from app.website.routes import (
    FEED_PATH,
    LEGAL_SLUG,
    NEWS_PER_PAGE,
    NEWS_SLUG,
    PRIVACY_SLUG,
    SITEMAP_PATH,
    Kind,
    Route,
    news_page_count,
    news_page_path,
    page_path,
    site_routes,
)
from app.website.sandbox import page_data, plain
from app.website.themes import (
    ThemeState,
    check_theme_settings,
    load_theme,
    theme_environment,
    theme_state,
)

SOCIAL_LABELS = {"mastodon": "Mastodon", "peertube": "PeerTube", "facebook": "Facebook",
                 "instagram": "Instagram", "bluesky": "Bluesky", "x": "X", "twitter": "X",
                 "linkedin": "LinkedIn", "youtube": "YouTube", "tiktok": "TikTok"}
_DON_HREF = re.compile(r'href="/don(?=[?"#])')


@dataclass(frozen=True)
class RenderOptions:
    base_url: str  # absolute site address without trailing slash, for canonical URLs
    donate_url: str = ""  # absolute URL of the live /don (static export); "" keeps /don
    export: bool = False


@dataclass(frozen=True)
class Output:
    body: str
    status: int = 200
    mimetype: str = "text/html"
    csp: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Body:
    html: str
    toc: str
    has_don: bool
    frame_hosts: tuple[str, ...]
    warnings: tuple[str, ...]


_cache: dict[tuple[str, str, str], _Body] = {}
_cache_lock = threading.Lock()
_CACHE_MAX = 20_000


def _auto_page(slug: str, title: str, description: str = "") -> Page:
    return Page(source=Path(f"<{slug or 'accueil'}>"), slug=slug, title=title,
                description=description)


@dataclass
class SiteRenderer:
    content: SiteContent
    themes_dir: str
    theme_name: str
    legal_html: Markup
    campaign: CampaignInfo
    options: RenderOptions
    images: ImageStore
    setting_errors: list[str] = field(default_factory=list)
    #: The theme's state when the caller already took it (the live site re-takes it at most
    #: once every ESTRADE_CONTENT_RECHECK_SECONDS); None: taken on first use.
    theme_files: ThemeState | None = None
    #: What the privacy notice says about retention and purposes (the settings').
    privacy: PrivacyFacts = field(default_factory=PrivacyFacts)
    #: Converted bodies kept on disk between static builds (the builder sets it); when set,
    #: bodies are not kept in memory, so a build's memory does not grow with the site.
    body_store: BodyStore | None = None

    def __post_init__(self) -> None:
        self.theme = load_theme(self.themes_dir, self.theme_name)
        self.env = theme_environment(self.themes_dir, self.theme_name)
        check = check_theme_settings(self.theme, self.content.config.theme_settings)
        self.settings = check.values
        self.setting_errors = check.errors
        self.css = settings_css(self.theme.specs, self.settings)
        config = self.content.config
        self.menu = [{"label": n.label, "url": n.url} for n in config.navigation] or [
            {"label": p.title, "url": f"/{p.slug}/" if p.slug else "/"}
            for p in self.content.menu()]
        self.social = [{"name": k, "label": SOCIAL_LABELS.get(k, k.capitalize()), "url": v}
                       for k, v in config.social.items()]
        self.news = self.content.news()
        self.site_data = plain(config)  # what templates know of the site: plain data only

    @cached_property
    def _theme_files(self) -> ThemeState:
        return self.theme_files or theme_state(self.themes_dir, self.theme_name)

    @property
    def fingerprint(self) -> str:
        """Changes whenever a file of the theme changes (a key of the page body cache)."""
        return self._theme_files.fingerprint

    def theme_mtime_ns(self) -> int:
        return self._theme_files.newest_mtime_ns

    # ---------------------------------------------------------------- keys (incremental builds)
    @staticmethod
    def _hash(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    @cached_property
    def global_key(self) -> str:
        """Changes when anything site-wide changes, media files included: for the static
        build only (it stats every media file)."""
        return self._hash(json.dumps(
            [self.fingerprint, self.content.config.raw, self.settings, self.menu,
             str(self.legal_html), self.campaign.__dict__, self.privacy.__dict__,
             self.options.__dict__,
             self._media_signature()], sort_keys=True, default=str))

    def _media_signature(self) -> list[tuple[str, int, int]]:
        root = self.images.media_root
        if not root.is_dir():
            return []
        return sorted((p.relative_to(root).as_posix(), p.stat().st_mtime_ns, p.stat().st_size)
                      for p in root.rglob("*") if p.is_file())

    def page_key(self, page: Page) -> str:
        """Changes when the page's output may change (its text, or anything site-wide)."""
        return self._hash(self.global_key + page_fingerprint(page))

    # ---------------------------------------------------------------- pieces
    def url(self, path: str) -> str:
        return f"{self.options.base_url}{path}"

    @cached_property
    def _body_prefix(self) -> str:
        return json.dumps([CODE_VERSION, self.fingerprint, self.settings,
                           list(self.content.config.donation_presets)],
                          sort_keys=True, default=str)

    def body_key(self, page: Page) -> str:
        """Changes when the page's converted body may change (:mod:`app.website.body_store`)."""
        return self._hash(f"{self._body_prefix}|{page_fingerprint(page)}|{page.body_line}")

    def _body(self, page: Page) -> _Body:
        if self.body_store is not None:
            return self._stored_body(page, self.body_store)
        key = (page_fingerprint(page), self.fingerprint, str(page.source))
        with _cache_lock:
            cached = _cache.get(key)
        if cached is not None:
            return cached
        body = self._convert(page)
        with _cache_lock:
            if len(_cache) >= _CACHE_MAX:
                _cache.clear()
            _cache[key] = body
        return body

    def _stored_body(self, page: Page, store: BodyStore) -> _Body:
        key = self.body_key(page)
        found = store.get(key)
        if found is not None:
            try:
                return _Body(found["html"], found["toc"], bool(found["has_don"]),
                             tuple(found["frame_hosts"]), tuple(found["warnings"]))
            except (KeyError, TypeError):
                pass  # written by another shape of _Body: converted again below
        body = self._convert(page)
        store.put(key, dataclasses.asdict(body))
        return body

    def _convert(self, page: Page) -> _Body:
        page = full_page(page)
        rendered = render_markdown(page.body, self._render_block, first_line=page.body_line)
        hosts = tuple(sorted({b.data["host"] for b in rendered.blocks
                              if b.name == "video" and b.error is None}))
        return _Body(rendered.html, rendered.toc,
                     any(b.name == "don" and b.error is None for b in rendered.blocks),
                     hosts, tuple(rendered.warnings))

    def _render_block(self, block: Block) -> str:
        if block.error:
            return self.env.get_template("blocks/_error.html").render(block=plain(block))
        return self.env.get_template(f"blocks/{block.name}.html").render(
            block=plain(block), settings=self.settings,
            presets=list(self.content.config.donation_presets))

    def csp(self, frame_hosts: tuple[str, ...] = (), form_origins: tuple[str, ...] = ()) -> str:
        frames = " ".join(f"https://{h}" for h in frame_hosts) or "'none'"
        form = " ".join(("'self'", *form_origins))
        if self.options.donate_url.startswith("http"):
            match = re.match(r"^https?://[^/]+", self.options.donate_url)
            form += f" {match.group(0)}" if match else ""
        return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                f"font-src 'self'; frame-src {frames}; object-src 'none'; base-uri 'self'; "
                f"form-action {form}")

    def _html(self, template: str, page: Page, path: str, *, content: str = "", toc: str = "",
              needs_legal: bool = False, frame_hosts: tuple[str, ...] = (), status: int = 200,
              warnings: tuple[str, ...] = (), form_origins: tuple[str, ...] = (),
              **extra: Any) -> Output:
        csp = self.csp(frame_hosts, form_origins)
        image = page.image or self.settings.get("photo_accueil") or ""
        context = {
            "site": self.site_data, "settings": self.settings, "menu": self.menu,
            "social": self.social, "path": path, "page": page_data(page), "assets": "/_theme/",
            "canonical": self.url(path), "og_image": self.url(f"/{image}") if image else "",
            "feed_url": FEED_PATH if self.news else "", "csp": csp,
            "content": Markup(content), "toc": Markup(toc), "latest_news": [], "news": [],
            "pagination": None,
            "footer_links": [{"label": "Mentions légales", "url": f"/{LEGAL_SLUG}/"},
                             {"label": "Confidentialité", "url": f"/{PRIVACY_SLUG}/"}],
            "donation_legal": self.legal_html if needs_legal else Markup(""),
        }
        context.update({key: plain(value) for key, value in extra.items()})
        html = self.env.get_template(template).render(**context)
        if needs_legal and LEGAL_BLOCK_MARKER not in html:
            # The theme left the DON-9 slot out: the app places the block itself.
            at = html.rfind("</main>")
            at = at if at >= 0 else html.rfind("</body>")
            html = html[:at] + str(self.legal_html) + "\n" + html[at:]
        html = self.images.rewrite(html, eager=2)
        if self.options.donate_url:
            html = _DON_HREF.sub(f'href="{self.options.donate_url}', html)
        return Output(html, status, "text/html", csp, warnings)

    def render_app_page(self, title: str, path: str, content: str, *, description: str = "",
                        status: int = 200, form_origins: tuple[str, ...] = ()) -> Output:
        """A page whose content the app made (the donation pages), inside the theme, with
        the DON-9 legal block."""
        page = _auto_page(path.strip("/"), title, description or title)
        return self._html("page.html", page, path, content=content, needs_legal=True,
                          status=status, form_origins=form_origins)

    # ---------------------------------------------------------------- pages
    def page_template(self, page: Page) -> str:
        if page.slug == "":
            return "home.html"
        return "news.html" if page.slug == NEWS_SLUG else "page.html"

    def render_page(self, page: Page) -> Output:
        body = self._body(page)
        extra: dict[str, Any] = {}
        if page.slug == "":
            extra["latest_news"] = self.news[:3]
        if page.slug == NEWS_SLUG:
            return self.render_news(1, page)
        needs_legal = body.has_don or page.meta.get("don") is True
        return self._html(self.page_template(page), page, page_path(page.slug),
                          content=body.html, toc=body.toc, needs_legal=needs_legal,
                          frame_hosts=body.frame_hosts, warnings=body.warnings, **extra)

    def news_page_count(self) -> int:
        return news_page_count(len(self.news))

    def render_news(self, number: int, page: Page | None = None) -> Output:
        page = page or self.content.pages.get(NEWS_SLUG) or _auto_page(
            NEWS_SLUG, "Actualités", "Les dernières nouvelles de la campagne.")
        if number < 1 or number > self.news_page_count():
            return self.render_not_found()
        body = self._body(page) if number == 1 else None
        start = (number - 1) * NEWS_PER_PAGE
        path = news_page_path(number)
        pagination = {
            "number": number, "count": self.news_page_count(),
            "previous": news_page_path(number - 1) if number > 1 else "",
            "next": f"/{NEWS_SLUG}/page/{number + 1}/" if number < self.news_page_count() else "",
        }
        return self._html("news.html", page, path, content=body.html if body else "",
                          needs_legal=bool(body and body.has_don),
                          frame_hosts=body.frame_hosts if body else (),
                          news=self.news[start:start + NEWS_PER_PAGE], pagination=pagination)

    def render_legal_notice(self) -> Output:
        title = self.content.config.title
        page = _auto_page(LEGAL_SLUG, "Mentions légales",
                          f"Éditeur, directeur de la publication et hébergeur de {title}.")
        html = legal_notice_html(self.content.config, self.campaign, self.url("/"))
        return self._html("page.html", page, f"/{LEGAL_SLUG}/", content=html)

    def render_privacy(self) -> Output:
        page = _auto_page(PRIVACY_SLUG, "Politique de confidentialité",
                          "Les données personnelles traitées par la campagne et vos droits.")
        html = privacy_html(self.content.config, self.campaign, self.url("/"), self.privacy)
        return self._html("page.html", page, f"/{PRIVACY_SLUG}/", content=html)

    def render_not_found(self) -> Output:
        page = _auto_page("404", "Page introuvable", "La page demandée n’existe pas.")
        return self._html("404.html", page, "/404.html", status=404)

    # ---------------------------------------------------------------- the URL map
    @cached_property
    def route_map(self) -> dict[str, Route]:
        return site_routes(self.content.pages, self.news)

    def routes(self) -> list[Route]:
        """The site's public addresses and what each one is (files excepted)."""
        return list(self.route_map.values())

    def render_route(self, route: Route) -> Output:
        match route.kind:
            case Kind.HOME:
                return self.render_page(route.page or _auto_page(
                    "", self.content.config.title, self.content.config.description))
            case Kind.PAGE:
                assert route.page is not None
                return self.render_page(route.page)
            case Kind.NEWS:
                return self.render_news(route.number, route.page)
            case Kind.FEED:
                return self.feed()
            case Kind.LEGAL:
                return self.render_legal_notice()
            case Kind.PRIVACY:
                return self.render_privacy()
            case Kind.SITEMAP:
                return self.sitemap()
            case Kind.ROBOTS:
                return self.robots()
            case Kind.SETTINGS_CSS:
                return self.settings_stylesheet()
        raise AssertionError(route.kind)  # pragma: no cover

    def render_url(self, path: str) -> Output:
        """The output for ``path`` (``/``, ``/programme/``, ``/sitemap.xml``…), else 404."""
        route = self.route_map.get(path)
        return self.render_route(route) if route is not None else self.render_not_found()

    def render_path(self, slug: str) -> Output:
        """The output for ``/<slug>/`` (``""`` is the home page)."""
        return self.render_url(page_path(slug))

    # ---------------------------------------------------------------- machine outputs
    def sitemap(self) -> Output:
        body = feeds.sitemap((self.url(route.path), route.lastmod)
                             for route in self.routes() if route.in_sitemap)
        return Output(body, mimetype="application/xml")

    def feed(self) -> Output:
        items = [(p, self.url(f"/{p.slug}/")) for p in self.news[:20]]
        author = self.campaign.list_name or self.content.config.title
        body = feeds.atom_feed(title=self.content.config.title, site_url=self.url("/"),
                               feed_url=self.url(FEED_PATH), news_url=self.url(f"/{NEWS_SLUG}/"),
                               items=items, author=author)
        return Output(body, mimetype="application/atom+xml")

    def robots(self) -> Output:
        return Output(feeds.robots(self.url(SITEMAP_PATH)), mimetype="text/plain")

    def settings_stylesheet(self) -> Output:
        return Output(self.css, mimetype="text/css")

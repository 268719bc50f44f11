"""The URL map: one list of the site's addresses for the views, the sitemap and the export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.website.build import content_slugs, frozen_urls
from app.website.routes import Kind
from app.website.views import renderer as live_renderer
from tests.factories import renderer, write_site

PAGES = {
    "index.md": "---\ntitle: Accueil\ndate: 2025-01-05\n---\nBonjour.\n",
    "programme/index.md": "---\ntitle: Programme\ndate: 2025-01-03\n---\nNos idées.\n",
    "programme/ecole.md": "---\ntitle: École\n---\nUne école.\n",
    "equipe.md": "---\ntitle: Équipe\nstatus: draft\n---\nBrouillon.\n",
}


def _news(count: int) -> dict[str, str]:
    return {f"actualites/n{n:02d}.md": f"---\ntitle: Nouvelle {n}\nkind: actualite\n"
            f"date: 2025-02-{n + 1:02d}\n---\nTexte {n}.\n" for n in range(count)}


def test_every_address_is_listed_once_with_what_it_is(tmp_path: Path) -> None:
    site = renderer(write_site(tmp_path / "site", {**PAGES, **_news(12)}))
    routes = [(r.path, r.kind, r.in_sitemap, r.exported) for r in site.routes()]
    news = [(f"/actualites/n{n:02d}/", Kind.PAGE, True, True) for n in range(12)]
    assert routes == [
        ("/", Kind.HOME, True, True),
        ("/sitemap.xml", Kind.SITEMAP, False, True),
        ("/robots.txt", Kind.ROBOTS, False, True),
        ("/_theme/settings.css", Kind.SETTINGS_CSS, False, True),
        *news,
        ("/programme/", Kind.PAGE, True, True),
        ("/programme/ecole/", Kind.PAGE, True, True),
        ("/actualites/", Kind.NEWS, True, True),
        ("/actualites/page/2/", Kind.NEWS, True, True),
        ("/actualites/atom.xml", Kind.FEED, False, True),
        ("/mentions-legales/", Kind.LEGAL, True, True),
        ("/confidentialite/", Kind.PRIVACY, True, True),
        ("/actualites/page/1/", Kind.NEWS, False, False),  # answers, but is not an address
    ]
    by_path = site.route_map
    assert by_path["/"].lastmod == dt.date(2025, 1, 5)
    assert by_path["/actualites/"].lastmod == dt.date(2025, 2, 12)  # the newest item
    assert by_path["/actualites/page/2/"].number == 2
    assert by_path["/programme/ecole/"].page is site.content.pages["programme/ecole"]


def test_sitemap_lists_the_map(tmp_path: Path) -> None:
    site = renderer(write_site(tmp_path / "site", {**PAGES, **_news(12)}))
    body = site.sitemap().body
    listed = [line.split("<loc>")[1].split("</loc>")[0] for line in body.splitlines()
              if "<loc>" in line]
    assert listed == [site.url(r.path) for r in site.routes() if r.in_sitemap]
    assert ("<url><loc>https://essai.example/programme/</loc>"
            "<lastmod>2025-01-03</lastmod></url>") in body
    assert "page/1/" not in body and "atom.xml" not in body


def test_a_content_page_takes_the_address_of_an_app_page(tmp_path: Path) -> None:
    own = "---\ntitle: Notre politique\n---\nNos engagements.\n"
    site = renderer(write_site(tmp_path / "site", {**PAGES, "confidentialite.md": own}))
    route = site.route_map["/confidentialite/"]
    assert route.kind is Kind.PAGE and route.page is not None
    assert "Nos engagements." in site.render_url("/confidentialite/").body
    assert site.sitemap().body.count("/confidentialite/") == 1  # listed once


def test_a_site_without_news_has_no_feed_nor_news_list(tmp_path: Path) -> None:
    site = renderer(write_site(tmp_path / "site", {"programme.md": PAGES["index.md"]}))
    paths = [r.path for r in site.routes()]
    assert "/actualites/atom.xml" not in paths and "/actualites/" not in paths
    assert site.route_map["/"].page is None  # the app makes the home page
    assert site.render_url("/").status == 200
    for missing in ("/actualites/", "/actualites/atom.xml", "/actualites/page/2/", "/nulle/"):
        assert site.render_url(missing).status == 404, missing


def test_export_lists_come_from_the_map(tmp_path: Path) -> None:
    site = renderer(write_site(tmp_path / "site", {**PAGES, **_news(12)}))
    assert content_slugs(site) == sorted(
        s for s in site.content.pages if s not in {"", "actualites"})
    urls = frozen_urls(site)
    assert urls[:9] == ["/", "/sitemap.xml", "/robots.txt", "/_theme/settings.css",
                        "/actualites/", "/actualites/page/2/", "/actualites/atom.xml",
                        "/mentions-legales/", "/confidentialite/"]
    assert "/_theme/base.css" in urls and "/programme/" not in urls
    assert "/actualites/page/1/" not in urls


def test_live_views_answer_what_the_map_says(app, client, demo_site) -> None:
    with app.test_request_context("/"):
        site = live_renderer()
    routes = site.routes()
    assert {r.kind for r in routes} >= {Kind.HOME, Kind.PAGE, Kind.NEWS, Kind.FEED, Kind.LEGAL,
                                        Kind.PRIVACY, Kind.SITEMAP, Kind.ROBOTS,
                                        Kind.SETTINGS_CSS}
    for route in routes:
        response = client.get(route.path)
        assert response.status_code == 200, route.path
        assert response.get_data(as_text=True) == site.render_route(route).body, route.path
    assert client.get("/actualites/page/0/").status_code == 404
    assert client.get("/actualites/page/01/").get_data(as_text=True) == client.get(
        "/actualites/page/1/").get_data(as_text=True)

"""The live public site: headers, automatic pages, legal block, conditional GET, no cookie."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.support.paths import ROOT

PUBLIC = ["/", "/programme/", "/programme/ecologie/", "/faire-un-don/", "/actualites/",
          "/mentions-legales/", "/confidentialite/"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_are_strict_and_cookie_free(client, demo_site, url: str) -> None:
    client.get("/", query_string={"lang": "en"})  # even when something touches the session
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html and "<script>" not in html
    # Canonical addresses come from site.toml's base_url, never from the Host header.
    assert '<link rel="canonical" href="http://127.0.0.1:5000/' in html
    assert 'property="og:title"' in html and 'name="twitter:card"' in html
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_conditional_get_answers_304(client, demo_site) -> None:
    first = client.get("/programme/")
    again = client.get("/programme/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/programme/", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_donation_pages_carry_the_legal_block(client, demo_site) -> None:
    for url in ("/", "/faire-un-don/"):
        html = client.get(url).get_data(as_text=True)
        assert html.count("data-estrade-legal") == 1, url
        assert "L. 52-8" in html
    assert "data-estrade-legal" not in client.get("/programme/").get_data(as_text=True)


def test_legal_notice_and_privacy_pages(client, demo_site) -> None:
    legal = client.get("/mentions-legales/").get_data(as_text=True)
    assert "Claire Morel" in legal and "Association Hébergement Solidaire" in legal
    assert "02 43 00 00 00" in legal and "Julien Besson" in legal
    privacy = client.get("/confidentialite/").get_data(as_text=True)
    for words in ("rectification", "portabilité", "CNIL", "un mois", "aucun cookie"):
        assert words in privacy


def test_feed_sitemap_robots_and_404(client, demo_site) -> None:
    feed = client.get("/actualites/atom.xml")
    assert feed.mimetype == "application/atom+xml"
    assert "Réunion publique sur la navette" in feed.get_data(as_text=True)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://127.0.0.1:5000/programme/ecologie/</loc>" in sitemap
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in client.get("/robots.txt").get_data(
        as_text=True)
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404 and "site-header" in missing.get_data(as_text=True)


def _own_content(app, tmp_path: Path) -> Path:
    """A private copy of the demo content, which the test may edit."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    return content / "demo"


def test_news_list_paginates(client, demo_site, app, tmp_path) -> None:
    news = _own_content(app, tmp_path) / "pages" / "actualites"
    for n in range(12):
        (news / f"zz-essai-{n:02d}.md").write_text(
            f"---\ntitle: Essai {n}\nkind: actualite\ndate: 2025-01-{n + 1:02d}\n---\nTexte\n",
            encoding="utf-8")
    first = client.get("/actualites/").get_data(as_text=True)
    assert 'href="/actualites/page/2/"' in first
    second = client.get("/actualites/page/2/")
    assert second.status_code == 200 and "Essai 0" in second.get_data(as_text=True)
    assert client.get("/actualites/page/9/").status_code == 404


def test_edits_show_once_the_recheck_delay_is_over(client, demo_site, app, tmp_path) -> None:
    page = _own_content(app, tmp_path) / "pages" / "equipe.md"
    app.config["ESTRADE_CONTENT_RECHECK_SECONDS"] = 3600
    assert "Une ligne neuve." not in client.get("/equipe/").get_data(as_text=True)
    page.write_text(page.read_text(encoding="utf-8") + "\nUne ligne neuve.\n", encoding="utf-8")
    later = time.time() + 10
    os.utime(page, (later, later))
    # Within the delay the folder is not scanned again: the page served is the one read.
    assert "Une ligne neuve." not in client.get("/equipe/").get_data(as_text=True)
    app.config["ESTRADE_CONTENT_RECHECK_SECONDS"] = 0
    assert "Une ligne neuve." in client.get("/equipe/").get_data(as_text=True)


def test_responsive_images(client, demo_site) -> None:
    html = client.get("/actualites/reunion-publique-gare/").get_data(as_text=True)
    assert '<source type="image/webp" srcset="/media/_img/480/reunion-publique.webp 480w' in html
    assert 'width="1200" height="800"' in html
    webp = client.get("/media/_img/480/reunion-publique.webp")
    assert webp.status_code == 200 and webp.mimetype == "image/webp"
    webp.close()
    assert client.get("/media/_img/481/reunion-publique.webp").status_code == 404
    assert client.get("/media/../site.toml").status_code == 404

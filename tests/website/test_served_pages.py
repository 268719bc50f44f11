"""A published page is rendered once per renderer and served from memory; a conditional
request gets 304 without rendering; a change to the site shows on the next view."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.website.render import SiteRenderer


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    seen: list[str] = []
    original = SiteRenderer.render_url

    def spy(self: SiteRenderer, path: str):  # type: ignore[no-untyped-def]
        seen.append(path)
        return original(self, path)

    monkeypatch.setattr(SiteRenderer, "render_url", spy)
    return seen


@pytest.fixture
def own_content(app, demo_site, tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content" / "demo", content / "demo")
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    return content / "demo"


def test_a_page_is_rendered_once(client, own_content, renders) -> None:
    first = client.get("/programme/")
    second = client.get("/programme/")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and renders == ["/programme/"]
    etag = first.headers["ETag"]
    again = client.get("/programme/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert renders == ["/programme/"]


def test_a_change_shows_on_the_next_view(client, own_content, renders) -> None:
    before = client.get("/programme/")
    page = own_content / "pages" / "programme" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n",
                    encoding="utf-8")
    after = client.get("/programme/", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Une phrase ajoutée." in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert renders.count("/programme/") == 2

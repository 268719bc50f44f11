"""/media and /media/_img refuse every path that leaves the media folder or its image cache,
and generate only the declared sizes of the site's own images (security issue, item 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT

TRAVERSALS = [
    "/media/_img/480/../../pages/index.webp",
    "/media/_img/480/../reunion-publique.webp",
    "/media/_img/480/./reunion-publique.webp",
    "/media/_img/480//reunion-publique.webp",
    "/media/_img/480/%2e%2e/%2e%2e/evil.webp",
    "/media/_img/480/..%2F..%2Fevil.webp",
    "/media/_img/480/..\\\\..\\\\evil.webp",
    "/media/../site.toml",
    "/media/%2e%2e/site.toml",
    "/media/..%2Fsite.toml",
    "/media/./reunion-publique.jpg",
]


@pytest.fixture
def own_media(app, demo_site, tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content" / "demo", content / "demo")
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    return content / "demo"


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("url", TRAVERSALS)
def test_traversal_is_refused_and_writes_nothing(client, app, own_media, url: str) -> None:
    instance = Path(app.instance_path)
    before_content, before_instance = _files(own_media.parent), _files(instance)
    with client.get(url) as response:
        assert response.status_code == 404, url
    assert _files(own_media.parent) == before_content
    created = _files(instance) - before_instance
    assert all(name.startswith("cache/images/demo/") for name in created), created
    assert not any(".." in name for name in created)


def test_only_declared_widths_are_generated(client, own_media) -> None:
    with client.get("/media/_img/480/reunion-publique.webp") as ok:
        assert ok.status_code == 200 and ok.mimetype == "image/webp"
    assert client.get("/media/_img/481/reunion-publique.webp").status_code == 404
    assert client.get("/media/_img/480/reunion-publique.gif").status_code == 404
    assert client.get("/media/_img/480/inconnue.webp").status_code == 404


def test_media_files_are_served_sandboxed(client, own_media) -> None:
    (own_media / "media" / "dessin.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    with client.get("/media/dessin.svg") as response:
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        assert "sandbox" in policy and "default-src 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_path_climbing_out_of_the_cache_writes_nothing_anywhere(client, app,
                                                                  own_media) -> None:
    """The attack found in review: enough ``..`` to climb from the image cache to the root,
    then down into the content's media folder. The original resolves inside media/, so the
    old code made the image and wrote it next to the original, in the content folder."""
    media = (own_media / "media").resolve()
    cache = (Path(app.instance_path) / "cache" / "images" / "demo" / "480").resolve()
    climb = "../" * len(cache.parts)
    url = f"/media/_img/480/{climb}{media.relative_to('/').as_posix()}/reunion-publique.webp"
    before = _files(own_media.parent)
    with client.get(url) as response:
        assert response.status_code == 404
    assert _files(own_media.parent) == before
    assert not (media / "reunion-publique.webp").exists()

"""The WSGI layer answering public pages from memory for a recheck period (fastpath.py)."""

from __future__ import annotations

import shutil

import pytest

from app.website import fastpath
from tests.support.paths import ROOT


@pytest.fixture
def fast(app, demo_site, tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    pages = app.extensions["estrade.public_pages"]
    monkeypatch.setattr(pages, "max_age", 30.0)
    calls = []
    inner = pages.app

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(pages, "app", counting)
    return pages, calls, content / "demo"


def test_second_view_never_enters_flask(app, client, fast) -> None:
    _, calls, _ = fast
    first = client.get("/programme/", base_url="http://127.0.0.1:5000")
    second = client.get("/programme/", base_url="http://127.0.0.1:5000")
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert dict(second.headers) == dict(first.headers)
    assert calls == ["/programme/"]
    assert "Set-Cookie" not in second.headers


def test_conditional_request_gets_304_from_memory(app, client, fast) -> None:
    _, calls, _ = fast
    etag = client.get("/programme/", base_url="http://127.0.0.1:5000").headers["ETag"]
    again = client.get("/programme/", base_url="http://127.0.0.1:5000",
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert calls == ["/programme/"]


def test_keyed_by_host_and_scheme(app, client, fast) -> None:
    _, calls, _ = fast
    client.get("/programme/", base_url="http://127.0.0.1:5000")
    other = client.get("/programme/", base_url="http://localhost:5000")
    secure = client.get("/programme/", base_url="https://localhost:5000")
    assert other.status_code == secure.status_code == 200
    assert len(calls) == 3


def test_staff_area_query_and_errors_always_go_to_flask(app, client, fast) -> None:
    _, calls, _ = fast
    for _ in range(2):
        client.get("/admin/login", base_url="http://127.0.0.1:5000")
        client.get("/programme/?x=1", base_url="http://127.0.0.1:5000")
        client.get("/pas-une-page/", base_url="http://127.0.0.1:5000")
        client.get("/don", base_url="http://127.0.0.1:5000")
    assert len(calls) == 8


def test_expired_entry_goes_back_to_flask(app, client, fast, monkeypatch) -> None:
    pages, calls, _ = fast
    client.get("/programme/", base_url="http://127.0.0.1:5000")
    monkeypatch.setattr(pages, "max_age", 0.000001)
    client.get("/programme/", base_url="http://127.0.0.1:5000")
    assert len(calls) == 2


def test_bounded_in_bytes(app, client, fast, monkeypatch) -> None:
    pages, _, _ = fast
    monkeypatch.setattr(fastpath, "MAX_BYTES", 1)
    client.get("/programme/", base_url="http://127.0.0.1:5000")
    client.get("/", base_url="http://127.0.0.1:5000")
    assert len(pages._kept) <= 1


def test_off_with_recheck_zero(app) -> None:
    assert app.extensions["estrade.public_pages"].max_age == 0  # the tests' setting

"""The outside judges (Nu HTML checker, axe-core in Chromium, links) pass on the unsubscribe
pages and on the privacy notice, served live, on a desktop and 375 px wide."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from app.mail import unsubscribe_token
from tests.support.judges import run_check_site
from tests.support.live import LiveServer

pytestmark = pytest.mark.judges


@pytest.fixture
def live(app: Flask, demo_site: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


def test_privacy_pages_pass_the_judges(live: LiveServer, demo_site: Any) -> None:
    pages = [f"/desinscription/{unsubscribe_token(demo_site.id, 'alice@example.org')}",
             "/confidentialite/"]
    desktop = run_check_site(live.url, *pages, "--no-crawl")
    assert f"{len(pages)} passed, 0 failed" in desktop, desktop
    phone = run_check_site(live.url, *pages, "--no-crawl", "--viewport", "375x812")
    assert f"{len(pages)} passed, 0 failed" in phone, phone

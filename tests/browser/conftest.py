"""Browser tier: real headless Debian Chromium driven by Playwright, against a live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.live import LiveServer


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = (f"Chromium absent ({CHROMIUM}) : installez le paquet Debian « chromium » "
                  "(make test le fait en root).")
        if os.environ.get("ESTRADE_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    app.config["WTF_CSRF_ENABLED"] = True  # the browser goes through real forms
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR")
    tab = context.new_page()
    yield tab
    context.close()

"""Issue 5, acceptance 5: the outside judges (Nu HTML checker, axe-core in Chromium, links)
pass on /don and on the confirmation page, on a desktop and 375 px wide."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.donations.models import Donation
from app.extensions import db
from tests.support.browser import fill_donation_form
from tests.support.judges import run_check_site

pytestmark = pytest.mark.judges


def judge(base: str, *args: str) -> str:
    return run_check_site(base, *args, "--no-crawl")


def test_donation_pages_pass_the_judges(page, live_server, demo_site, in_window) -> None:
    fill_donation_form(page, live_server.url)
    page.wait_for_url("**/don/demo/**")
    page.wait_for_load_state()
    page.get_by_role("button", name="Simuler le paiement").click()
    page.wait_for_url("**/don/merci/**")
    db.session.rollback()  # end this thread's read snapshot: the server wrote meanwhile
    donation = db.session.scalar(select(Donation))
    pages = ["/don", "/don?montant=50&mensuel=1", f"/don/merci/{donation.id}",
             f"/don/demo/{donation.id}"]
    desktop = judge(live_server.url, *pages)
    assert f"{len(pages)} passed, 0 failed" in desktop
    phone = judge(live_server.url, *pages, "--viewport", "375x812")
    assert f"{len(pages)} passed, 0 failed" in phone

"""Issue 5, acceptance 5: the outside judges (Nu HTML checker, axe-core in Chromium, links)
pass on /don and on the confirmation page, on a desktop and 375 px wide."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from app.donations.models import Donation
from app.extensions import db
from tests.browser.test_donate import fill_donation_form
from tests.site.test_check_site import CHECK_SITE, _unavailable


def judge(base: str, *args: str) -> str:
    if not CHECK_SITE.exists():
        _unavailable(f"juges introuvables ({CHECK_SITE})")
    result = subprocess.run([str(CHECK_SITE), base, *args, "--no-crawl"], capture_output=True,
                            text=True, timeout=900)
    output = result.stdout + result.stderr
    if result.returncode == 2:
        _unavailable(f"check-site ne peut pas démarrer ici :\n{output[-2000:]}")
    assert result.returncode == 0 and " 0 failed" in output.strip().splitlines()[-1], output
    return output


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

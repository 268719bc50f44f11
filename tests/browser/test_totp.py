"""A treasurer enrols the second factor in a real browser (security issue, acceptance 2): the QR
code and the key as text, a code computed from that key, then logs out, logs in with a code,
and is refused without one or with a wrong one."""

from __future__ import annotations

import re
import time

import pyotp

from app.extensions import db
from tests.factories import PASSWORD, create_user


def _password_step(page, base: str) -> None:
    page.goto(f"{base}/admin/login")
    page.get_by_label("Adresse e-mail").fill("tresoriere@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_treasurer_enrols_totp_and_logs_in_with_a_code(page, live_server, app,
                                                         demo_site) -> None:
    user = create_user("tresoriere@example.org", "treasurer", second_factor=False)
    base = live_server.url
    _password_step(page, base)
    # Required for a treasurer: the enrolment page comes before anything else.
    page.wait_for_url(f"{base}/admin/compte/double-authentification")
    page.goto(f"{base}/admin/tresorerie/")
    page.wait_for_url(f"{base}/admin/compte/double-authentification")
    qr = page.get_by_role("img", name=re.compile("QR code"))
    assert qr.is_visible() and qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the CSP let the image load
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code de vérification").fill("000000")
    page.get_by_role("button", name="Activer").click()
    page.wait_for_selector("[role=alert]")
    assert "pas valide" in page.get_by_role("alert").inner_text()
    page.get_by_label("Code de vérification").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()
    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    db.session.commit()  # a new read: the live server wrote it
    db.session.refresh(user)
    assert user.totp_secret == secret
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{base}/admin/login")

    # Without a code: the password alone opens nothing.
    _password_step(page, base)
    page.wait_for_url(f"{base}/admin/login/code")
    page.goto(f"{base}/admin/tresorerie/")
    assert "/admin/login" in page.url and "tresorerie" not in page.url.split("?")[0]
    # A wrong code: refused, still outside.
    _password_step(page, base)
    page.wait_for_url(f"{base}/admin/login/code")
    code_field = page.get_by_label("Code de vérification")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    code_field.fill("123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_selector("[role=alert]")
    assert "pas valide" in page.get_by_role("alert").inner_text()
    page.goto(f"{base}/admin/tresorerie/")
    assert "/admin/login" in page.url
    # The right code: in. (The code used at enrolment cannot serve again: the next step's.)
    _password_step(page, base)
    page.wait_for_url(f"{base}/admin/login/code")
    totp = pyotp.TOTP(secret)
    db.session.commit()
    db.session.refresh(user)
    step = max(user.totp_last_step + 1, int(time.time() // totp.interval))
    code = totp.at(step * totp.interval)
    page.get_by_label("Code de vérification").fill(code)
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/tresorerie/")
    assert page.url == f"{base}/admin/tresorerie/"
    assert page.get_by_role("heading", level=1).is_visible()

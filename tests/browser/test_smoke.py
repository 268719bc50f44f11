"""A person logs in to /admin in a real browser."""

from __future__ import annotations

from tests.factories import PASSWORD, totp_code


def test_login_in_a_real_browser(page, live_server, users) -> None:
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login" in page.url
    page.get_by_label("Adresse e-mail").fill("admin@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/admin/login/code")  # an admin has a second factor
    page.get_by_label("Code de vérification").fill(totp_code("admin@example.org"))
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_role("heading", name="Bonjour").is_visible()
    assert "admin@example.org" in page.content()


def test_wrong_password_shows_error_in_browser(page, live_server, users) -> None:
    page.goto(f"{live_server.url}/admin/login")
    page.get_by_label("Adresse e-mail").fill("admin@example.org")
    page.get_by_label("Mot de passe").fill("mauvais-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[role=alert]")  # the answer to the POST has loaded
    assert page.get_by_role("alert").is_visible()
    assert "incorrect" in page.get_by_role("alert").inner_text()

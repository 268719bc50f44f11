"""Login under attack (security issue, item 5): failed logins are throttled per account and per
client address (429, in French), audited, and an unknown e-mail costs the same scrypt work as
a known one. (The same limits against a live server: tests/test_live_attacks.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.accounts import passwords
from app.accounts.limits import bucket
from app.audit import AuditEntry
from app.config import ConfigError
from app.extensions import db
from tests.factories import PASSWORD
from tests.support.app import make_app


def _post(client: Any, email: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post("/admin/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_wrong_passwords_for_one_account_get_429_from_any_address(client, users) -> None:
    statuses = [_post(client, "admin@example.org", f"faux-{i}", f"10.0.0.{i}").status_code
                for i in range(5)]
    assert statuses == [422] * 5
    blocked = _post(client, "admin@example.org", "faux-6", "10.0.1.1")
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Trop de tentatives" in html and 'lang="fr"' in html
    # Even the right password waits now: guessing cannot go on in the meantime.
    assert _post(client, "admin@example.org", PASSWORD, "10.0.1.2").status_code == 429
    # Another account is not held back by it.
    assert _post(client, "editor@example.org", PASSWORD, "10.0.1.3").status_code == 302


def test_unknown_addresses_are_throttled_alike(client, users) -> None:
    """The 429 comes after as many tries whether an account exists or not: no enumeration."""
    known = [_post(client, "editor@example.org", "x" * 12, f"10.1.0.{i}").status_code
             for i in range(6)]
    unknown = [_post(client, "personne@example.org", "x" * 12, f"10.2.0.{i}").status_code
               for i in range(6)]
    assert known == unknown == [422] * 5 + [429]


def test_one_address_trying_many_accounts_gets_429(client, users) -> None:
    statuses = [_post(client, f"cible{i}@example.org", "mauvais", "10.3.0.1").status_code
                for i in range(21)]
    assert statuses == [422] * 20 + [429]
    assert _post(client, "editor@example.org", PASSWORD, "10.3.0.2").status_code == 302


def test_successful_logins_are_not_counted(client, users) -> None:
    for _ in range(8):
        assert _post(client, "editor@example.org", PASSWORD).status_code == 302
        client.post("/admin/logout")


def test_failed_logins_are_audited_without_the_password(client, users) -> None:
    _post(client, "admin@example.org", "mot-de-passe-essaye", "10.4.0.1")
    _post(client, "inconnu@example.org", "mot-de-passe-essaye", "10.4.0.2")
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "login.failed").order_by(AuditEntry.id)).all()
    assert [(row.object_id, row.details_dict["address"]) for row in rows] == [
        (str(users["admin"].id), "10.4.0.1"), (None, "10.4.0.2")]
    assert all(row.details_dict["reason"] == "password" and row.user_id is None
               for row in rows)
    stored = json.dumps([row.details for row in rows])
    assert "mot-de-passe-essaye" not in stored and "inconnu@example.org" not in stored


def test_an_unknown_email_costs_the_same_scrypt_work(client, users, monkeypatch) -> None:
    """Timing by counting: each attempt runs the password hash exactly once, with an scrypt
    hash, whether or not the account exists."""
    calls: list[str] = []
    real = passwords.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    for email in ("admin@example.org", "personne@example.org", "editor@example.org"):
        calls.clear()
        assert _post(client, email, "pas-le-bon-mot").status_code == 422
        assert len(calls) == 1 and calls[0].startswith("scrypt"), (email, calls)


def test_counters_hold_no_email_address(app) -> None:
    key = bucket("login", " Admin@Example.org ")
    assert key == bucket("login", "admin@example.org")
    assert "admin" not in key and "example" not in key
    app.config["SECRET_KEY"] = "another-secret"
    assert bucket("login", "admin@example.org") != key


@pytest.mark.parametrize("key", ["ESTRADE_LOGIN_LIMIT_PER_ADDRESS",
                                 "ESTRADE_LOGIN_LIMIT_PER_ACCOUNT",
                                 "ESTRADE_PASSWORD_RESET_LIMIT"])
def test_an_unreadable_login_limit_refuses_to_start(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        make_app("sqlite://", tmp_path, **{key: "cinq par minute"})
    assert make_app("sqlite://", tmp_path, **{key: "3 per minute"})

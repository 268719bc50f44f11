"""The suite hashes with a cheaper scrypt; a real app never does."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from app import create_app
from app.accounts.passwords import HASH_METHOD, hash_password, verify_password
from tests.factories import TEST_HASH_METHOD


def _params(hashed: str) -> str:
    return hashed.split("$", 1)[0]


def test_a_real_app_ignores_the_test_hash_setting(tmp_path: Path) -> None:
    real = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                       "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "k" * 40,
                       "ESTRADE_TEST_PASSWORD_HASH": TEST_HASH_METHOD})
    assert not real.testing
    with real.app_context():
        hashed = hash_password("un mot de passe solide")
    assert HASH_METHOD == "scrypt"
    assert _params(hashed) == "scrypt:32768:8:1"  # werkzeug's scrypt, N=2**15
    assert verify_password(hashed, "un mot de passe solide")


def test_outside_an_app_the_strong_method_is_used() -> None:
    assert _params(hash_password("un mot de passe solide")) == "scrypt:32768:8:1"


def test_the_app_under_test_uses_the_cheap_method(app: Flask) -> None:
    hashed = hash_password("un mot de passe solide")
    assert _params(hashed) == TEST_HASH_METHOD
    assert verify_password(hashed, "un mot de passe solide")
    assert not verify_password(hashed, "un autre mot de passe")

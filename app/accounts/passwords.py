"""Password policy shared by the web forms and the CLI (French messages)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
_COMMON = {
    "motdepasse123", "password1234", "azertyuiop12", "123456789012", "qwertyuiop12",
    "estrade12345", "administrateur", "motdepasse!!", "changezmoi123",
}


def password_problems(password: str, email: str = "") -> list[str]:
    """Return what is wrong with ``password``; an empty list means it is acceptable."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères.")
    if password.lower() in _COMMON or len(set(password)) < 5:
        problems.append("Ce mot de passe est trop courant ou trop répétitif.")
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        problems.append("Le mot de passe ne doit pas contenir votre adresse e-mail.")
    return problems


def generate_password() -> str:
    """A readable random password: four groups, about 95 bits of entropy."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


#: werkzeug's scrypt (N=2**15, r=8, p=1): about 50 ms a hash, by design.
HASH_METHOD = "scrypt"


def hash_method() -> str:
    """The method new hashes use: always :data:`HASH_METHOD`, except in an app under test
    (``TESTING``), where ``ESTRADE_TEST_PASSWORD_HASH`` may name a cheaper scrypt so that
    the suite's thousand logins do not spend minutes hashing. A hash carries its own
    parameters, so checking works whatever made it."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.testing:
        return str(current_app.config.get("ESTRADE_TEST_PASSWORD_HASH", HASH_METHOD))
    return HASH_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=hash_method())


@lru_cache(maxsize=4)
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def _dummy_hash() -> str:
    return _dummy_hash_for(hash_method())


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against ``password_hash``; with None (no such account) the same
    scrypt work is done against a dummy hash, so the answer's timing says nothing about
    which e-mail addresses have an account."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)

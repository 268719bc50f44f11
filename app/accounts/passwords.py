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


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against ``password_hash``; with None (no such account) the same
    scrypt work is done against a dummy hash, so the answer's timing says nothing about
    which e-mail addresses have an account."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)

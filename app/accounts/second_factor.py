"""The second factor: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

Required for installation admins, treasurers and site admins (``User.requires_second_factor``),
offered to everyone. The secret is shown once, as a QR code (an inline ``data:`` image: the
staff area's CSP forbids inline script, not images) and as text, and kept only once a code
made from it has been typed back. A code is accepted once (its time step is remembered);
recovery codes are stored hashed and each works once. Each change is an action (audit row,
inside the caller's transaction).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask_babel import gettext as _
from sqlalchemy import delete, select

from app import audit
from app.accounts import sessions
from app.accounts.actions import AccountError, _require_admin
from app.accounts.models import RecoveryCode, User
from app.dbutil import require_transaction
from app.extensions import db
from app.timeutil import utcnow

ISSUER = "Estrade"
RECOVERY_CODES = 10
#: Steps before and after now that are accepted (clocks drift; a code lives 30 s).
WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The ``otpauth://`` address as an SVG QR code in a ``data:`` URI (no script, no file)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def grouped(secret: str) -> str:
    """The secret as people type it: groups of four."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def code_step(secret: str, code: str, after: int | None = None,
              at: float | None = None) -> int | None:
    """The time step ``code`` belongs to (within the window, later than ``after``), or None."""
    code = _clean(code)
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if at is None else at) // totp.interval)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if (after is None or step > after) and hmac.compare_digest(
                totp.at(step * totp.interval), code):
            return step
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    raw = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]  # 40 random bits each
    codes = [f"{code[:5]}-{code[5:]}" for code in raw]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def enable(user: User, secret: str, code: str) -> list[str]:
    """Keep ``secret`` as the person's second factor once ``code`` proves their app has it;
    returns the recovery codes, shown once."""
    require_transaction(db.session)
    step = code_step(secret, code)
    if step is None:
        raise AccountError(_("Ce code n'est pas valide. Vérifiez l'heure de votre téléphone "
                             "et saisissez le code affiché maintenant."), "code")
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record("user.totp_enable", user, user=user)
    return codes


def verify(user: User, code: str) -> str | None:
    """Check a code typed at login: "totp" or "recovery" when it is valid (and now used up),
    None otherwise. Never raises: the caller decides what a refusal says."""
    require_transaction(db.session)
    if not user.totp_secret:
        return None
    step = code_step(user.totp_secret, code, after=user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return "totp"
    cleaned = _clean(code)
    if len(cleaned) != 10:
        return None
    found = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(cleaned),
        RecoveryCode.used_at.is_(None)).with_for_update())
    if found is None:
        return None
    found.used_at = utcnow()
    audit.record("user.recovery_code_used", user, user=user)
    return "recovery"


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def regenerate(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), on a valid TOTP code."""
    require_transaction(db.session)
    step = code_step(user.totp_secret or "", code, after=user.totp_last_step) \
        if user.totp_secret else None
    if step is None:
        raise AccountError(_("Ce code n'est pas valide."), "code")
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record("user.recovery_codes", user, user=user)
    return codes


def reset(user: User, *, actor: User | None) -> None:
    """Remove someone's second factor (a lost phone and no recovery code): only the
    installation administrator or the operator; every session of that person ends, and at
    their next login they enrol again if their role requires it."""
    require_transaction(db.session)
    _require_admin(actor)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.revoke_all(user)
    audit.record("user.totp_reset", user, user=actor, via="cli" if actor is None else "web")

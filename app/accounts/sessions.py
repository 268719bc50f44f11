"""Staff sessions that can be revoked and that end on their own (docs/security-accounts.md).

The session cookie is signed, not stored: to end it on the server, each session carries the
user's ``session_version`` at login, and bumping that version (logout, password change, 2FA
reset, deactivation: :func:`revoke_all`) makes every cookie ever issued to that person
worthless, copies included. A session also ends after ``ESTRADE_STAFF_IDLE_MINUTES`` without
a request and ``ESTRADE_STAFF_SESSION_HOURS`` after login, whatever the cookie says.

:func:`guard` keeps a signed-in person on what they must do first: change a generated
password, then enrol a second factor when their role requires one.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, login_user

from app.accounts.models import User

VERSION, STARTED, SEEN = "_sv", "_auth_at", "_seen_at"
#: Endpoints a person with something to do first may still reach.
ALWAYS_OPEN = frozenset({"accounts.logout", "static"})


def now() -> float:
    """The sessions' clock (tests move it)."""
    return time.time()


def start(user: User) -> None:
    """Open a session for ``user`` (after every factor was checked): a fresh cookie, nothing
    kept from before login (no session fixation)."""
    session.clear()
    login_user(user)
    moment = int(now())
    session[VERSION] = user.session_version
    session[STARTED] = moment
    session[SEEN] = moment


def is_current(user: User) -> bool:
    """Is the request's session still valid for ``user``? Refreshes its idle clock."""
    config = current_app.config
    moment = now()
    version, started, seen = session.get(VERSION), session.get(STARTED), session.get(SEEN)
    if version != user.session_version or not isinstance(started, int | float) \
            or not isinstance(seen, int | float):
        return False
    if moment - started > int(config["ESTRADE_STAFF_SESSION_HOURS"]) * 3600:
        return False
    if moment - seen > int(config["ESTRADE_STAFF_IDLE_MINUTES"]) * 60:
        return False
    if int(moment) != seen:
        session[SEEN] = int(moment)
    return True


def end() -> None:
    """Forget the session in this browser (the version bump ends the others)."""
    session.clear()


def revoke_all(user: User) -> None:
    """End every session of ``user``, on every machine (inside the caller's transaction)."""
    user.session_version = (user.session_version or 0) + 1


def keep_current(user: User) -> None:
    """After :func:`revoke_all` for a change the person made themselves (their password):
    this browser's session goes on under the new version, every other one has ended."""
    session[VERSION] = user.session_version


def guard() -> Any:
    """Before any staff page: a generated password must be changed, then a required second
    factor enrolled, before anything else is reached."""
    if not (request.path == "/admin" or request.path.startswith("/admin/")):
        return None
    if not current_user or not current_user.is_authenticated:
        return None
    endpoint = request.endpoint or ""
    if endpoint in ALWAYS_OPEN:
        return None
    if current_user.must_change_password:
        if endpoint != "accounts.change_password":
            return redirect(url_for("accounts.change_password"))
        return None
    if (current_user.requires_second_factor and not current_user.has_second_factor
            and endpoint != "accounts.totp_enrol"):
        return redirect(url_for("accounts.totp_enrol"))
    return None

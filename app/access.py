"""Who may reach each route, declared once on its view (the route inventory).

Every view of the app carries an :class:`Access` (set by :func:`public`, :func:`webhook`, or
the staff decorators of :mod:`app.accounts.decorators`); ``tests/test_routes.py`` fails on a
route without one, and on a declaration that does not match what the app does (CSRF, login).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
Audience = Literal["public", "webhook", "staff", "admin", "site"]
ATTRIBUTE = "estrade_access"


@dataclass(frozen=True)
class Access:
    """``public``: anyone; ``webhook``: a signed sender (Stripe), no session; ``staff``: any
    signed-in staff member; ``admin``: the installation administrator; ``site``: a member of
    the site the route is about, with ``capability``. ``csrf``: POSTs need the session's token
    (False only where a signature replaces it)."""

    audience: Audience
    capability: str | None = None
    csrf: bool = True

    def describe(self) -> str:
        what = {"public": "public", "webhook": "webhook signé", "staff": "équipe connectée",
                "admin": "administrateur de l'installation",
                "site": f"membre du site ({self.capability})"}[self.audience]
        return what + ("" if self.csrf else ", sans jeton CSRF")


def declare(access: Access) -> Callable[[F], F]:
    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, access)
        return view

    return mark


def public(view: F) -> F:
    """Anyone may reach this page (the public site, /don, the login page)."""
    return declare(Access("public"))(view)


def webhook(view: F) -> F:
    """Reached by a payment provider: no session and no CSRF token; the body is signed."""
    return declare(Access("webhook", csrf=False))(view)


def access_of(view: Callable[..., Any]) -> Access | None:
    found = getattr(view, ATTRIBUTE, None)
    return found if isinstance(found, Access) else None

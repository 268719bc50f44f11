"""Staff routes: the checks behind each route's declared :class:`app.access.Access`.

``staff_required``: any signed-in, active staff member. ``admin_required``: the installation
administrator. ``site_required(capability, site_of)``: a member of the site the route is about
(``site_of`` finds it from the URL's arguments) holding ``capability`` there; someone who is
not a member of that site at all gets 404, as if it did not exist (rival campaigns share an
installation), a member without the capability 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from app.access import Access, declare
from app.extensions import db, login_manager

if TYPE_CHECKING:
    from app.campaigns.models import Site

F = TypeVar("F", bound=Callable[..., Any])
SiteOf = Callable[[dict[str, Any]], int | None]


def _signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


def staff_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _signed_in():
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return declare(Access("staff"))(wrapped)  # type: ignore[return-value]


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _signed_in():
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return declare(Access("admin"))(wrapped)  # type: ignore[return-value]


def site_by_slug(parameter: str) -> SiteOf:
    """``site_of`` for a route that names its site by slug in the URL ``parameter``."""

    def site_of(kwargs: dict[str, Any]) -> int | None:
        from app.campaigns.models import Site

        return db.session.scalar(select(Site.id).where(Site.slug == kwargs.get(parameter)))

    return site_of


def site_or_404(slug: str) -> Site:
    """The site of ``slug`` (a view's own lookup, after :func:`site_required` let it in)."""
    from app.campaigns.models import Site

    found = db.session.scalar(select(Site).where(Site.slug == slug))
    if found is None:
        abort(404)
    return found


def site_required(capability: str, site_of: SiteOf | None = None) -> Callable[[F], F]:
    """``site_of`` None: a page listing the user's own sites (the view filters); they must
    hold ``capability`` on at least one."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not _signed_in():
                return login_manager.unauthorized()
            if site_of is None:
                if not current_user.can_anywhere(capability):
                    abort(403)
                return view(*args, **kwargs)
            site_id = site_of(kwargs)
            if site_id is None or not (current_user.roles_on(site_id)
                                       or current_user.can(capability, site_id)):
                abort(404)
            if not current_user.can(capability, site_id):
                abort(403)
            return view(*args, **kwargs)

        return declare(Access("site", capability))(wrapped)  # type: ignore[return-value]

    return decorator

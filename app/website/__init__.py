"""The public candidate site: pages rendered from content/<site>/ through the site's theme."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask.sessions import SessionInterface


class PublicPagesSetNoCookie(SessionInterface):
    """Wraps the app's session interface: public pages never send a cookie (no consent
    banner needed), whatever an extension did with the session during the request."""

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def open_session(self, app: Flask, request: Any) -> Any:
        return self.inner.open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        if g.get("public_page"):
            return None
        return self.inner.save_session(app, session, response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def init_app(app: Flask) -> None:
    from app.website.live import EXTENSION, LiveRenderers
    from app.website.views import bp

    app.extensions.setdefault(EXTENSION, LiveRenderers())  # the site renderers, kept
    if not isinstance(app.session_interface, PublicPagesSetNoCookie):
        app.session_interface = PublicPagesSetNoCookie(app.session_interface)
    app.register_blueprint(bp)

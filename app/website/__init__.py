"""The public candidate site: pages rendered from content/<site>/ through the site's theme."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.website.live import EXTENSION, LiveRenderers
    from app.website.views import bp

    app.extensions.setdefault(EXTENSION, LiveRenderers())  # the site renderers, kept
    if "limiter" in app.extensions:  # the site-only app (estrade build) has no limiter
        from app.extensions import limiter

        limiter.exempt(bp)  # no limit on public pages: skip the limiter's per-request work
    app.register_blueprint(bp)
    from app.website.fastpath import PublicPages

    pages = PublicPages(app.wsgi_app, float(app.config["ESTRADE_CONTENT_RECHECK_SECONDS"]))
    app.wsgi_app = pages  # type: ignore[method-assign]
    app.extensions[PUBLIC_PAGES] = pages


PUBLIC_PAGES = "estrade.public_pages"  # app.extensions key: the WSGI layer of fastpath.py

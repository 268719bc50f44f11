"""Privacy (GDPR-1 to GDPR-3): what is held about a person (export), erasure of what the law
does not require, the retention job, newsletter withdrawal through the link of every mail."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.privacy.views import bp

    app.register_blueprint(bp)

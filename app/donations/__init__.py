"""Donations: the public form, the Stripe gateway and the webhook handler."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.donations import service  # noqa: F401  (registers the cap reservations)
    from app.donations.views import bp

    app.register_blueprint(bp)
    try:
        from app.donations.webhook import bp as webhook_bp
    except ModuleNotFoundError as exc:  # pragma: no cover - while the module is being built
        if exc.name != "app.donations.webhook":
            raise
        return
    from app.extensions import csrf

    csrf.exempt(webhook_bp)  # Stripe signs the body instead (verified on every request)
    app.register_blueprint(webhook_bp)

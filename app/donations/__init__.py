"""Donations: the public form, the Stripe gateway and the webhook handler."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.campaigns.service import register_dates_listener
    from app.donations.limits import check_settings
    from app.donations.service import pending_reservations
    from app.donations.subscriptions import stop_at_collection_end
    from app.donations.views import bp
    from app.ledger.totals import register_reservation

    check_settings(app)  # the rate limits of POST /don
    register_reservation(app, pending_reservations)  # online gifts in flight hold cap room
    register_dates_listener(app, stop_at_collection_end)  # DON-15: stop at the filing date

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

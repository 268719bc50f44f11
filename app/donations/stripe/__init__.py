"""The only door to Stripe: the gateway (:mod:`.gateway`), the shapes of its objects
(:mod:`.shapes`), webhook signing (:mod:`.signing`) and the demonstration stand-in
(:mod:`.demo`). :func:`open_gateway` picks the one the app is configured for."""

from __future__ import annotations

from flask import Flask

from app.donations.stripe.demo import DemoGateway, demo_mode
from app.donations.stripe.gateway import StripeGateway

#: ``app.extensions`` key of a gateway injected by the tests.
GATEWAY_EXTENSION = "estrade_stripe_gateway"


def open_gateway(app: Flask) -> tuple[StripeGateway, bool]:
    """(gateway, owned): the injected one (tests), the demo one, or the real one.

    The caller closes an owned gateway when done.
    """
    injected = app.extensions.get(GATEWAY_EXTENSION)
    if injected is not None:
        return injected, False
    if demo_mode(app.config):
        return DemoGateway(str(app.config["SECRET_KEY"])), True
    # Built directly (not from_config): with any Stripe key set, the demo webhook secret
    # derived from SECRET_KEY must never be accepted.
    config = app.config
    return StripeGateway(str(config.get("STRIPE_SECRET_KEY") or ""),
                         str(config.get("STRIPE_WEBHOOK_SECRET") or ""),
                         api_base=str(config.get("STRIPE_API_BASE") or "")), True

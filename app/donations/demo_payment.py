"""Paying a donation in demonstration mode, through the real webhook handler."""

from __future__ import annotations

import json

from flask import Flask, current_app, has_app_context

from app.donations.models import Donation
from app.donations.stripe import GATEWAY_EXTENSION
from app.donations.stripe.demo import DemoModeError, completion_event, demo_mode
from app.donations.stripe.gateway import demo_webhook_secret
from app.donations.stripe.signing import sign_payload
from app.donations.webhook import process_webhook, send_queued_mail


def simulate_payment(app: Flask, donation: Donation) -> None:
    """Pay ``donation`` in demonstration mode through the real webhook handler.

    The caller must have committed its own changes (the handler opens its own transaction).
    Raises :class:`DemoModeError` when the mode is off (not enabled, or Stripe keys set), and
    ``RuntimeError`` when the handler did not accept the event (the donation is then left
    unpaid).
    """
    if not demo_mode(app.config) or app.extensions.get(GATEWAY_EXTENSION) is not None:
        raise DemoModeError("Le mode démonstration est impossible : il n'est pas activé "
                            "(ESTRADE_DEMO_PAYMENTS) ou des clés Stripe sont configurées.")
    if not donation.demo:
        raise DemoModeError("Ce don n'a pas été fait en mode démonstration.")
    body = json.dumps(completion_event(donation), indent=2).encode()
    header = sign_payload(body, demo_webhook_secret(str(app.config["SECRET_KEY"])))
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        result = process_webhook(app, body, header)  # the caller's session (committed first)
        send_queued_mail(result.mail_keys)
    else:
        with app.app_context():
            result = process_webhook(app, body, header)
            send_queued_mail(result.mail_keys)
    if result.status != 200:
        raise RuntimeError(f"demonstration payment refused: {result.status} {result.message}")

"""Demonstration mode: no Stripe keys, no real payment, the real booking path.

Without any Stripe setting (``make run`` on a fresh machine) the donation page offers a local
"pay" button labelled "Mode démonstration — aucun paiement réel".
:func:`app.donations.demo_payment.simulate_payment` then signs :func:`completion_event`, the
``checkout.session.completed`` event Stripe would send, and hands it to the very function
``POST /stripe/webhook`` uses; the handler's questions to "Stripe" are answered by
:class:`DemoGateway` from the donation rows (fake ``pi_demo_`` / ``ch_demo_`` / ``txn_demo_``
ids, no fee). The mode is off unless ESTRADE_DEMO_PAYMENTS is set (``estrade init`` sets it for
a local install), never active when a Stripe key is configured, and only offered to visitors on
this machine: on a public host name the site says online payment is not available. Demo gifts
are marked in the ledger and never count in totals, caps or filed exports.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.config import STRIPE_SETTINGS
from app.donations.models import Donation
from app.donations.stripe.gateway import StripeGateway, demo_webhook_secret
from app.donations.stripe.signing import build_event
from app.extensions import db

DEMO_LABEL = "Mode démonstration — aucun paiement réel"
#: Host names of this machine: the only ones a demonstration payment is offered to.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class DemoModeError(RuntimeError):
    """A demonstration payment was asked for while the mode is off (not enabled, Stripe keys
    set, or a visitor on a public host name)."""


def demo_mode(config: Mapping[str, Any]) -> bool:
    """The installation allows demonstration payments: ESTRADE_DEMO_PAYMENTS is on and no
    Stripe key is set (a Stripe key always wins). Fail closed: off by default."""
    if not bool(config.get("ESTRADE_DEMO_PAYMENTS")):
        return False
    return not any(str(config.get(key) or "").strip() for key in STRIPE_SETTINGS)


def is_local_host(host: str) -> bool:
    """``localhost:5000``, ``127.0.0.1``, ``[::1]:8080`` → True; any other name → False."""
    name = host.strip().lower()
    if name.startswith("["):
        name = name[: name.find("]") + 1]
    else:
        name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    return name.rstrip(".") in LOCAL_HOSTS


def demo_for(config: Mapping[str, Any], host: str) -> bool:
    """Demonstration payments for this request: enabled, no Stripe, and a local visitor."""
    return demo_mode(config) and is_local_host(host)


def _donation_id(object_id: str, prefix: str) -> str:
    if not object_id.startswith(prefix):
        raise LookupError(f"{object_id} is not a demonstration object")
    return object_id.removeprefix(prefix)


class DemoGateway(StripeGateway):
    """Answers the webhook handler's Stripe questions from the donation rows."""

    def __init__(self, app_secret_key: str) -> None:
        super().__init__("", demo_webhook_secret(app_secret_key))

    @staticmethod
    def _donation(donation_id: str) -> Donation:
        donation = db.session.scalar(select(Donation).where(Donation.id == donation_id))
        if donation is None:
            raise LookupError(f"unknown demonstration donation {donation_id}")
        return donation

    def _charge(self, donation: Donation) -> dict[str, Any]:
        now = int(time.time())
        amount = donation.amount_cents
        return {
            "id": f"ch_demo_{donation.id}", "object": "charge", "amount": amount,
            "amount_captured": amount, "amount_refunded": 0, "currency": "eur",
            "created": now, "status": "succeeded", "paid": True, "captured": True,
            "payment_intent": f"pi_demo_{donation.id}", "metadata": {"donation_id": donation.id},
            "payment_method_details": {"type": "card"},
            "balance_transaction": {"id": f"txn_demo_{donation.id}",
                                    "object": "balance_transaction", "amount": amount,
                                    "fee": 0, "net": amount, "created": now,
                                    "type": "charge", "source": f"ch_demo_{donation.id}"}}

    def retrieve_payment_intent(self, payment_intent_id: str) -> dict[str, Any]:
        donation = self._donation(_donation_id(payment_intent_id, "pi_demo_"))
        return {"id": payment_intent_id, "object": "payment_intent",
                "amount": donation.amount_cents, "currency": "eur", "status": "succeeded",
                "metadata": {"donation_id": donation.id}, "latest_charge": self._charge(donation)}

    def retrieve_charge(self, charge_id: str) -> dict[str, Any]:
        return self._charge(self._donation(_donation_id(charge_id, "ch_demo_")))

    def list_refunds(self, charge_id: str) -> list[dict[str, Any]]:
        return []

    def create_refund(self, *, charge_id: str, amount_cents: int, idempotency_key: str,
                      metadata: Mapping[str, str]) -> str:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        return f"re_demo_{digest}"

    def retrieve_subscription(self, subscription_id: str) -> dict[str, Any]:
        donation = self._donation(_donation_id(subscription_id, "sub_demo_"))
        return {"id": subscription_id, "object": "subscription",
                "status": "canceled" if donation.status == "ended" else "active",
                "metadata": {"donation_id": donation.id},
                "latest_invoice": f"in_demo_{donation.id}"}

    def retrieve_invoice(self, invoice_id: str) -> dict[str, Any]:
        donation = self._donation(_donation_id(invoice_id, "in_demo_"))
        return {"id": invoice_id, "object": "invoice", "status": "paid",
                "amount_paid": donation.amount_cents, "payment_intent": f"pi_demo_{donation.id}",
                "subscription": f"sub_demo_{donation.id}"}

    def schedule_subscription_end(self, subscription_id: str, cancel_at: int, *,
                                  proration_behavior: str | None = "none") -> dict[str, Any]:
        return {"id": subscription_id, "object": "subscription", "cancel_at": int(cancel_at)}

    def cancel_subscription(self, subscription_id: str,
                            idempotency_key: str | None = None) -> dict[str, Any]:
        return {"id": subscription_id, "object": "subscription", "status": "canceled"}

    def retrieve_dispute(self, dispute_id: str) -> dict[str, Any]:
        raise LookupError("no dispute in demonstration mode")

    def retrieve_checkout_session(self, session_id: str) -> dict[str, Any]:
        raise LookupError("no Checkout in demonstration mode")


def completion_event(donation: Donation) -> dict[str, Any]:
    """The ``checkout.session.completed`` event Stripe would send for this donation."""
    monthly = donation.monthly
    session = {
        "id": donation.checkout_session_id or f"cs_demo_{donation.id}",
        "object": "checkout.session", "mode": "subscription" if monthly else "payment",
        "status": "complete", "payment_status": "paid", "submit_type": "donate",
        "client_reference_id": donation.id, "metadata": {"donation_id": donation.id},
        "amount_total": donation.amount_cents, "currency": "eur", "locale": "fr",
        "customer_email": donation.email,
        "payment_intent": None if monthly else f"pi_demo_{donation.id}",
        "subscription": f"sub_demo_{donation.id}" if monthly else None,
        "invoice": f"in_demo_{donation.id}" if monthly else None,
    }
    return build_event("checkout.session.completed", session)

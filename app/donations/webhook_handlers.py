"""What each Stripe event does: fetch the objects it names from the Stripe API (outside any
lock), then return what to apply inside the webhook's transaction (:mod:`app.donations.webhook`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from app import audit
from app.donations.booking import (
    book_dispute,
    book_fee_for_charge,
    book_payment,
    book_refunds,
    charge_succeeded,
    lock_donation,
    payment_method_of,
    subscription_end_timestamp,
)
from app.donations.models import Donation
from app.donations.stripe.gateway import StripeGateway
from app.donations.stripe.shapes import (
    card_country_of,
    charge_id_of,
    charge_of,
    donation_id_of,
    id_of,
    invoice_payment_intent_id,
    invoice_subscription_id,
    metadata_of,
    payment_intent_id_of,
    subscription_end_of,
)
from app.extensions import db

log = logging.getLogger("app.donations.webhook")

Apply = Callable[[], list[str]]  # runs inside the transaction; returns queued mail keys
Handler = Callable[[dict[str, Any], StripeGateway], Apply]


# -- helpers --------------------------------------------------------------------------------


def _nothing() -> list[str]:
    return []


def _fetch_charge(gateway: StripeGateway, payment_intent_id: str | None,
                  ) -> tuple[dict[str, Any] | None, str | None]:
    """(charge with its balance transaction, donation id in the PaymentIntent's metadata)."""
    if not payment_intent_id:
        return None, None
    intent = gateway.retrieve_payment_intent(payment_intent_id)
    charge, charge_id = charge_of(intent), charge_id_of(intent)
    if charge_id and (charge is None
                      or not isinstance(charge.get("balance_transaction"), Mapping)):
        charge = gateway.retrieve_charge(charge_id)
    return with_card_country(gateway, charge), donation_id_of(intent)


def with_card_country(gateway: StripeGateway, charge: dict[str, Any] | None,
                      ) -> dict[str, Any] | None:
    """DON-6 needs the card's country: from the charge's ``payment_method_details``, else
    from its PaymentMethod (read from the API, before any lock is taken)."""
    if charge is None or card_country_of(charge) or payment_method_of(charge) != "carte":
        return charge
    method_id = id_of(charge.get("payment_method"))
    if not method_id:
        return charge
    method = gateway.retrieve_payment_method(method_id)
    card = method.get("card") if isinstance(method.get("card"), Mapping) else None
    if not card or not card.get("country"):
        return charge
    details = dict(charge.get("payment_method_details") or {})
    details.setdefault("type", "card")
    details["card"] = {**dict(details.get("card") or {}), "country": card["country"]}
    return {**charge, "payment_method_details": details}


def _charge_and_donation(gateway: StripeGateway, charge_id: str,
                         ) -> tuple[dict[str, Any], str | None]:
    charge = with_card_country(gateway, gateway.retrieve_charge(charge_id))
    assert charge is not None
    _, donation_id = _fetch_charge(gateway, payment_intent_id_of(charge))
    return charge, donation_id or donation_id_of(charge)


def _book(donation: Donation | None, charge: dict[str, Any] | None,
          **context: Any) -> list[str]:
    """Book ``charge`` for the (locked) donation if both exist (idempotent); mail keys."""
    if donation is None or not charge_succeeded(charge):
        return []
    assert charge is not None
    result = book_payment(donation, charge, **context)
    return [result.mail_key] if result.mail_key else []


def _locked(donation_id: str | None, about: str = "") -> Donation | None:
    """The donation an event names, locked once for the event's whole transaction."""
    donation = lock_donation(donation_id) if donation_id else None
    if donation_id and donation is None:
        log.warning("%s names an unknown donation %s", about or "event", donation_id)
    return donation


def _donation_by_subscription(subscription_id: str | None) -> str | None:
    if not subscription_id:
        return None
    return db.session.scalar(select(Donation.id).where(
        Donation.subscription_id == subscription_id).limit(1))


def _invoice_donation_id(invoice: Mapping[str, Any]) -> str | None:
    parent = invoice.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, Mapping) else None
    details = details or invoice.get("subscription_details")
    found = metadata_of(details if isinstance(details, Mapping) else None).get("donation_id")
    return found or donation_id_of(invoice)


def _window_end(gateway_sub: Mapping[str, Any], session: Mapping[str, Any],
                donation_id: str) -> int | None:
    """DON-15: the subscription's end (our metadata, else the donation's window end)."""
    end = subscription_end_of(gateway_sub) or subscription_end_of(session)
    if end:
        return end
    stored = db.session.scalar(select(Donation.subscription_end_at).where(
        Donation.id == donation_id))
    if stored is None:
        return None
    return subscription_end_timestamp(stored)


# -- handlers: fetch from Stripe, return what to apply in the transaction --------------------


def on_session_paid(session: dict[str, Any], gateway: StripeGateway) -> Apply:
    """checkout.session.completed / async_payment_succeeded."""
    donation_id = donation_id_of(session)
    if not donation_id:
        return _nothing
    session_id = id_of(session.get("id"))
    paid = session.get("payment_status") in ("paid", "no_payment_required")
    charge: dict[str, Any] | None = None
    subscription_id = invoice_id = None
    if session.get("mode") == "subscription":
        subscription_id = id_of(session.get("subscription"))
        if subscription_id:
            subscription = gateway.retrieve_subscription(subscription_id)
            end = _window_end(subscription, session, donation_id)
            if end and subscription.get("cancel_at") != end:
                gateway.schedule_subscription_end(subscription_id, end)
            invoice_id = id_of(session.get("invoice")) or id_of(subscription.get("latest_invoice"))
            if paid and invoice_id:
                invoice = gateway.retrieve_invoice(invoice_id)
                charge, _ = _fetch_charge(gateway, invoice_payment_intent_id(invoice))
    elif paid:
        charge, _ = _fetch_charge(gateway, payment_intent_id_of(session))

    def apply() -> list[str]:
        donation = lock_donation(donation_id)
        if donation is None:
            log.warning("Checkout Session %s names an unknown donation", session_id)
            return []
        keys: list[str] = []
        if charge_succeeded(charge):
            keys = _book(donation, charge, checkout_session_id=session_id,
                         invoice_id=invoice_id)
        elif donation.status == "pending":
            donation.status = "processing"  # SEPA: money not there yet, still reserved
        # After the booking (which records the session itself): one UPDATE of the row, not
        # one flushed before the booking's savepoint and another after it.
        if session_id and not donation.checkout_session_id:
            donation.checkout_session_id = session_id
        if subscription_id and not donation.subscription_id:
            donation.subscription_id = subscription_id
        return keys

    return apply


def _on_session_status(new_status: str, from_statuses: tuple[str, ...]) -> Handler:
    def handler(session: dict[str, Any], gateway: StripeGateway) -> Apply:
        donation_id = donation_id_of(session)

        def apply() -> list[str]:
            donation = lock_donation(donation_id) if donation_id else None
            if donation is not None and donation.status in from_statuses:
                donation.status = new_status  # no longer reserving against the cap
            return []

        return apply

    return handler


def on_charge_updated(obj: dict[str, Any], gateway: StripeGateway) -> Apply:
    """The fee arrives later; the charge may also be the first news of the payment."""
    charge, donation_id = _charge_and_donation(gateway, str(obj["id"]))

    def apply() -> list[str]:
        keys = _book(_locked(donation_id, f"charge {charge.get('id')}"), charge)
        book_fee_for_charge(charge)
        return keys

    return apply


def on_refund(obj: dict[str, Any], gateway: StripeGateway) -> Apply:
    """charge.refunded and refund.*: every refund of the charge, listed from the API."""
    charge_id = id_of(obj.get("id")) if obj.get("object") == "charge" else id_of(obj.get("charge"))
    if not charge_id:
        return _nothing
    charge, donation_id = _charge_and_donation(gateway, charge_id)
    refunds = gateway.list_refunds(charge_id)

    def apply() -> list[str]:
        # A refund seen before its payment books the payment first.
        keys = _book(_locked(donation_id, f"charge {charge_id}"), charge)
        book_refunds(charge_id, refunds)
        return keys

    return apply


def on_dispute(obj: dict[str, Any], gateway: StripeGateway) -> Apply:
    dispute = gateway.retrieve_dispute(str(obj["id"]))
    charge_id = id_of(dispute.get("charge"))
    if not charge_id:
        return _nothing
    charge, donation_id = _charge_and_donation(gateway, charge_id)

    def apply() -> list[str]:
        keys = _book(_locked(donation_id, f"charge {charge_id}"), charge)
        book_dispute(dispute)
        return keys

    return apply


def on_invoice_paid(obj: dict[str, Any], gateway: StripeGateway) -> Apply:
    """A monthly payment; the cap is checked again at booking (excess flagged, DON-16)."""
    invoice = gateway.retrieve_invoice(str(obj["id"]))
    subscription_id = invoice_subscription_id(invoice) or invoice_subscription_id(obj)
    charge, intent_donation = _fetch_charge(
        gateway, invoice_payment_intent_id(invoice) or invoice_payment_intent_id(obj))
    donation_id = (_invoice_donation_id(invoice) or _invoice_donation_id(obj)
                   or intent_donation or _donation_by_subscription(subscription_id))
    if not donation_id and subscription_id:
        donation_id = donation_id_of(gateway.retrieve_subscription(subscription_id))

    def apply() -> list[str]:
        donation = lock_donation(donation_id) if donation_id else None
        if donation is None:
            return []
        if subscription_id and not donation.subscription_id:
            donation.subscription_id = subscription_id
        return _book(donation, charge, invoice_id=str(obj["id"]))

    return apply


def on_invoice_failed(obj: dict[str, Any], gateway: StripeGateway) -> Apply:
    subscription_id = invoice_subscription_id(obj)
    donation_id = _invoice_donation_id(obj) or _donation_by_subscription(subscription_id)

    def apply() -> list[str]:
        donation = lock_donation(donation_id) if donation_id else None
        if donation is not None:  # status kept: Stripe retries the payment
            audit.record("donation.payment_failed", donation, invoice=obj.get("id"),
                         attempt=obj.get("attempt_count"))
        return []

    return apply


def on_subscription_deleted(obj: dict[str, Any], gateway: StripeGateway) -> Apply:
    subscription = gateway.retrieve_subscription(str(obj["id"]))
    if subscription.get("status") not in ("canceled", "incomplete_expired"):
        return _nothing
    donation_id = (donation_id_of(subscription) or donation_id_of(obj)
                   or _donation_by_subscription(str(obj["id"])))

    def apply() -> list[str]:
        donation = lock_donation(donation_id) if donation_id else None
        if donation is not None and donation.status in ("active", "paid", "pending",
                                                        "processing"):
            donation.status = "ended"  # the rest of the reservation is released
        return []

    return apply


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": on_session_paid,
    "checkout.session.async_payment_succeeded": on_session_paid,
    "checkout.session.async_payment_failed": _on_session_status(
        "failed", ("pending", "processing")),
    "checkout.session.expired": _on_session_status("expired", ("pending",)),
    "charge.updated": on_charge_updated,
    "charge.refunded": on_refund,
    "refund.created": on_refund,
    "refund.updated": on_refund,
    "refund.failed": on_refund,
    "charge.dispute.created": on_dispute,
    "charge.dispute.funds_withdrawn": on_dispute,
    "charge.dispute.funds_reinstated": on_dispute,
    "charge.dispute.closed": on_dispute,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_failed,
    "customer.subscription.deleted": on_subscription_deleted,
}

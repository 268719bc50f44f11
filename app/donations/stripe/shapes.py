"""Reading Stripe objects in any shape: an id string, an inlined object, an older API shape,
or a missing field. Pure functions over plain mappings (``StripeGateway`` returns dicts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Where ``create_checkout_session`` keeps the wanted end of a monthly gift (DON-15).
SUBSCRIPTION_END_KEY = "cancel_at"


def id_of(value: Any) -> str | None:
    """The id of an expandable field: an id string, an inlined object, or None."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        found = value.get("id")
        return found if isinstance(found, str) and found else None
    return None


def object_of(value: Any) -> dict[str, Any] | None:
    """The inlined object of an expandable field, or None when it is only an id."""
    return dict(value) if isinstance(value, Mapping) else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def metadata_of(obj: Mapping[str, Any] | None) -> dict[str, str]:
    meta = obj.get("metadata") if obj else None
    return {str(k): str(v) for k, v in meta.items()} if isinstance(meta, Mapping) else {}


def donation_id_of(obj: Mapping[str, Any] | None) -> str | None:
    """``metadata.donation_id``, else ``client_reference_id`` (Checkout Sessions)."""
    if not obj:
        return None
    found = metadata_of(obj).get("donation_id") or obj.get("client_reference_id")
    return found if isinstance(found, str) and found else None


def charge_id_of(payment_intent: Mapping[str, Any]) -> str | None:
    """The PaymentIntent's latest charge id (current field, else the legacy ``charges``)."""
    found = id_of(payment_intent.get("latest_charge"))
    if found:
        return found
    return id_of(charge_of(payment_intent))


def charge_of(payment_intent: Mapping[str, Any]) -> dict[str, Any] | None:
    """The inlined latest charge of a PaymentIntent, if the payload carries one."""
    inlined = object_of(payment_intent.get("latest_charge"))
    if inlined is not None:
        return inlined
    legacy = payment_intent.get("charges")
    data = legacy.get("data") if isinstance(legacy, Mapping) else None
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        return dict(data[0])  # Stripe lists are newest-first
    return None


def payment_intent_id_of(obj: Mapping[str, Any]) -> str | None:
    """``payment_intent`` of a charge, refund, dispute or Checkout Session."""
    return id_of(obj.get("payment_intent"))


def balance_transaction_of(charge: Mapping[str, Any]) -> dict[str, Any] | None:
    return object_of(charge.get("balance_transaction"))


def charge_fee_cents(charge: Mapping[str, Any]) -> int | None:
    """Stripe's fee on a charge, or None while it is unknown (not expanded or not yet set)."""
    txn = balance_transaction_of(charge)
    return _int_or_none(txn.get("fee")) if txn else None


def charge_net_cents(charge: Mapping[str, Any]) -> int | None:
    txn = balance_transaction_of(charge)
    return _int_or_none(txn.get("net")) if txn else None


def invoice_payment_intent_id(invoice: Mapping[str, Any]) -> str | None:
    """The paying PaymentIntent: ``payments`` (API >= basil), else the legacy fields."""
    payments = invoice.get("payments")
    data = payments.get("data") if isinstance(payments, Mapping) else None
    if isinstance(data, list):
        ordered = sorted((p for p in data if isinstance(p, Mapping)),
                         key=lambda p: p.get("status") != "paid")
        for entry in ordered:
            payment = entry.get("payment")
            if isinstance(payment, Mapping) and id_of(payment.get("payment_intent")):
                return id_of(payment.get("payment_intent"))
    legacy = id_of(invoice.get("payment_intent"))
    if legacy:
        return legacy
    charge = object_of(invoice.get("charge"))
    return payment_intent_id_of(charge) if charge else None


def invoice_subscription_id(invoice: Mapping[str, Any]) -> str | None:
    """``parent.subscription_details.subscription`` (basil), else the legacy fields."""
    parent = invoice.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, Mapping) else None
    if isinstance(details, Mapping) and id_of(details.get("subscription")):
        return id_of(details.get("subscription"))
    legacy = id_of(invoice.get("subscription"))
    if legacy:
        return legacy
    lines = invoice.get("lines")
    for line in (lines.get("data") or []) if isinstance(lines, Mapping) else []:
        parent = line.get("parent") if isinstance(line, Mapping) else None
        item = parent.get("subscription_item_details") if isinstance(parent, Mapping) else None
        found = id_of(item.get("subscription")) if isinstance(item, Mapping) else None
        found = found or (id_of(line.get("subscription")) if isinstance(line, Mapping) else None)
        if found:
            return found
    return None


def subscription_end_of(obj: Mapping[str, Any] | None) -> int | None:
    """The end date stored by ``create_checkout_session`` in subscription metadata."""
    raw = metadata_of(obj).get(SUBSCRIPTION_END_KEY)
    return int(raw) if raw and raw.isdigit() else None


def card_country_of(charge: Mapping[str, Any]) -> str | None:
    """DON-6: the country of the card that paid (``payment_method_details.card.country``),
    or None for another method or while unknown."""
    details = charge.get("payment_method_details")
    card = details.get("card") if isinstance(details, Mapping) else None
    country = card.get("country") if isinstance(card, Mapping) else None
    return country.upper() if isinstance(country, str) and country else None
